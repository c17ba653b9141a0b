"The console script end to end on real MNIST: output, saved files, reproducibility and one-line errors."
import csv, json, os, subprocess
import pytest

SHORT = ['--teacher-epochs', '1', '--student-epochs', '1', '--device', 'cpu']

def ghost(*args, cwd=None, env=None):
    "Run the installed `ghost-nbdev` console script; (status, stdout, stderr)."
    r = subprocess.run(['ghost-nbdev', *map(str, args)], capture_output=True, text=True, cwd=cwd,
                       env={**os.environ, 'PYTHONWARNINGS': 'default', **(env or {})}, timeout=900)
    return r.returncode, r.stdout, r.stderr

@pytest.fixture(scope='module')
def runs(tmp_path_factory, data_root):
    "Two identical short runs of the seed experiment."
    base = tmp_path_factory.mktemp('runs')
    out = [ghost('run', *SHORT, '--out', base / f'r{i}') for i in (1, 2)]
    return base, out

def test_run_end_to_end(runs):
    base, [(code, out, err), _] = runs
    assert code == 0, err
    assert 'teacher: 1 model(s)' in out and 'distillation: student-ghost, cross-ghost' in out
    assert '\r' not in out  # no progress-bar spam when stdout is not a terminal
    assert out.strip().splitlines()[-1] == f"saved to {base / 'r1'}"
    files = sorted(p.name for p in (base / 'r1').iterdir())
    assert files == ['curves.png', 'history.csv', 'models.csv', 'results.json', 'summary.csv', 'variants.png']
    res = json.loads((base / 'r1' / 'results.json').read_text())
    assert res['meta']['device'] == 'cpu' and res['config']['teacher_epochs'] == 1
    assert res['accuracy']['teacher'][0] > 0.85 and res['accuracy']['reference'][0] < 0.2
    rows = list(csv.DictReader(open(base / 'r1' / 'models.csv')))
    assert [r['variant'] for r in rows] == ['reference', 'teacher', 'student-ghost', 'cross-ghost']

def test_same_seed_same_numbers(runs):
    base, _ = runs
    a, b = (json.loads((base / r / 'results.json').read_text()) for r in ('r1', 'r2'))
    assert a['accuracy'] == b['accuracy']
    assert [h['loss'] for h in a['history']] == [h['loss'] for h in b['history']]

def test_existing_folder_is_never_overwritten(runs):
    base, _ = runs
    before = (base / 'r1' / 'results.json').read_bytes()
    code, out, err = ghost('run', *SHORT, '--out', base / 'r1')
    assert code == 2 and 'already exists' in err and 'Traceback' not in err
    assert (base / 'r1' / 'results.json').read_bytes() == before

BAD = [(['run', '--m-ghost', '0'], 'm_ghost=0'), (['run', '--temperature', '0'], 'temperature'),
       (['run', '--lr', '-1'], 'learning rate'), (['run', '--batch-size', '0'], 'batch_size'),
       (['run', '--teacher-epochs', '-1'], 'teacher_epochs'), (['run', '--hidden', '0'], 'hidden'),
       (['run', '--n-models', '0'], 'n_models'), (['run', '--preset', 'papers'], 'known presets'),
       (['run', '--device', 'cuda:7'], 'device'), (['run', '--noise', 'pink'], 'noise'),
       (['run', '--students', 'teacher'], 'unknown student'), (['bench', '--suite', 'turbo'], 'unknown suite'),
       (['run', '--n-models', '100000000', '--preset', 'paper'], 'use at most about'),
       (['launch'], 'unknown command')]

@pytest.mark.parametrize('args,why', BAD, ids=[' '.join(a) for a, _ in BAD])
def test_bad_input_is_one_line(args, why):
    code, out, err = ghost(*args)
    assert code == 2, (code, err)
    assert why in err and 'Traceback' not in err
    assert len([l for l in err.splitlines() if l.startswith('ghost-nbdev: error')]) == 1

def test_missing_cuda_is_a_clear_error():
    import torch
    if torch.cuda.is_available(): pytest.skip('this machine has CUDA')
    code, _, err = ghost('run', '--device', 'cuda')
    assert code == 2 and 'CUDA is not available' in err

def test_damaged_data_is_reported_not_trained_on(data_root, tmp_path):
    from ghost_nbdev.data import copy_mnist, raw_dir
    copy_mnist(data_root, tmp_path)
    f = raw_dir(tmp_path) / 'train-images-idx3-ubyte'
    f.write_bytes(f.read_bytes()[:4096])
    code, out, err = ghost('run', *SHORT, '--data-root', tmp_path, '--out', tmp_path / 'run')
    assert code == 1 and 'train-images-idx3-ubyte is truncated' in err and 'fetch-data' in err
    assert not (tmp_path / 'run').exists()

def test_fetch_data_reports_ready(data_root):
    code, out, err = ghost('fetch-data', '--root', data_root)
    assert code == 0 and 'MNIST is ready' in out

def test_one_ghost_logit_warns(tmp_path):
    code, out, err = ghost('run', '--m-ghost', '1', '--teacher-epochs', '0', '--student-epochs', '1',
                           '--device', 'cpu', '--no-plots', '--out', tmp_path / 'r')
    assert code == 0 and 'warning: m_ghost=1' in err
    res = json.loads((tmp_path / 'r' / 'results.json').read_text())
    assert res['accuracy']['student-ghost'] == res['accuracy']['reference']  # the student never moved

def test_help_lists_every_config_field():
    from dataclasses import fields
    from ghost_nbdev.config import Config
    code, out, _ = ghost('run', '--help')
    assert code == 0
    for f in fields(Config): assert '--' + f.name.replace('_', '-') in out
