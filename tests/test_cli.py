"The console script end to end on real MNIST: output, saved files, reproducibility and one-line errors."
import csv, json, os, re, subprocess
from pathlib import Path
import pytest

STUDIES = Path(__file__).resolve().parent.parent / 'results' / 'studies'

SHORT = ['--teacher-epochs', '1', '--student-epochs', '1', '--device', 'cpu']

def ghost(*args, cwd=None, env=None):
    "Run the installed `ghost-nbdev` console script; (status, stdout, stderr)."
    r = subprocess.run(['ghost-nbdev', *map(str, args)], capture_output=True, text=True, cwd=cwd,
                       env={**os.environ, 'PYTHONWARNINGS': 'default', **(env or {})}, timeout=3600)  # a guard against a hang, not a time limit
    return r.returncode, r.stdout, r.stderr

@pytest.fixture(scope='module')
def runs(tmp_path_factory, data_root):
    """Two identical short runs of the original experiment, in float64. (In float32, multithreaded matrix products
    on a CPU do not always round the same way: measured here, 2 of 34 runs ended a teacher epoch 0.0004 apart.)"""
    base = tmp_path_factory.mktemp('runs')
    out = [ghost('run', *SHORT, '--dtype', 'float64', '--student-images', '8192', '--out', base / f'r{i}') for i in (1, 2)]
    return base, out

def test_run_end_to_end(runs):
    base, [(code, out, err), _] = runs
    assert code == 0, err
    assert 'teacher: 1 model(s)' in out and 'distillation: student-ghost, cross-ghost' in out
    assert re.match(r'1 model\(s\): about \d+ s on this machine \(estimated\)\n', out), out[:200]  # before the work
    assert '\r' not in out  # no progress-bar spam when stdout is not a terminal
    assert out.strip().splitlines()[-1] == f"saved to {base / 'r1'}"
    files = sorted(p.name for p in (base / 'r1').iterdir())
    assert files == ['curves.png', 'history.csv', 'models.csv', 'results.json', 'summary.csv', 'variants.png']
    res = json.loads((base / 'r1' / 'results.json').read_text())
    assert res['meta']['device'] == 'cpu' and res['config']['teacher_epochs'] == 1 and res['config']['preset'] == 'original'
    assert res['metrics']['teacher']['acc'][0] > 0.85 and res['metrics']['reference']['acc'][0] < 0.2
    rows = list(csv.DictReader(open(base / 'r1' / 'models.csv')))
    assert [r['variant'] for r in rows] == ['reference', 'teacher', 'student-ghost', 'cross-ghost']

def test_same_seed_same_numbers(runs):
    base, _ = runs
    a, b = (json.loads((base / r / 'results.json').read_text()) for r in ('r1', 'r2'))
    assert a['metrics'] == b['metrics']
    assert [h['loss'] for h in a['history']] == [h['loss'] for h in b['history']]

def test_existing_folder_is_never_overwritten(runs):
    base, _ = runs
    before = (base / 'r1' / 'results.json').read_bytes()
    code, out, err = ghost('run', *SHORT, '--out', base / 'r1')
    assert code == 2 and 'already exists' in err and 'Traceback' not in err
    assert (base / 'r1' / 'results.json').read_bytes() == before

BAD = [(['run', '--m-ghost', '0'], 'm_ghost=0'), (['run', '--temperature', '0'], 'temperature'),
       (['run', '--lr', '-1'], 'learning rate'), (['run', '--lr', 'inf'], 'lr=inf: must be a finite number'),
       (['run', '--lr', 'nan'], 'must be a finite number'), (['run', '--batch-size', '0'], 'batch_size'),
       (['run', '--teacher-epochs', '-1'], 'teacher_epochs'), (['run', '--hidden', '256', '0'], 'hidden'),
       (['run', '--n-models', '0'], 'n_models'), (['run', '--preset', 'papers'], "known presets: ['original', 'paper']"),
       (['run', '--device', 'cuda:7'], 'device'), (['run', '--device', 'tpu'], 'device'), (['run', '--noise', 'pink'], 'noise'),
       (['run', '--loss', 'hinge'], 'loss'), (['run', '--share', '9'], 'share'),
       (['run', '--arch', 'conv0k5-pool2-fc256'], "arch='conv0k5-pool2-fc256': layer 1 'conv0k5'"),
       (['run', '--student-arch', 'conv32k5-fc64-conv8k3'], "student_arch='conv32k5-fc64-conv8k3': layer 3 'conv8k3'"),
       (['run', '--share', 'ghost', '--student-hidden', '128'], "share='ghost': student layer(s) ['ghost'] have no teacher layer"),
       (['run', '--noise', 'perlin', '--noise-res', '40'], 'noise_res=40'),
       (['run', '--metrics', 'acc', 'f1'], 'unknown metric'),
       (['run', '--project', 'gradient'], "project='gradient': choose one of"), (['run', '--init-scale', '0'], 'init_scale=0.0: must be > 0'),
       (['run', '--students', 'teacher'], 'unknown student'),
       (['run', '--mix', '1.5'], 'mix=1.5: a fraction of the images: keep it from 0 to 1'),
       (['run', '--mix', '-0.1'], 'mix=-0.1: a fraction of the images'),
       (['run', '--mix-source', 'teacher'], "mix_source='teacher': choose one of ['control', 'init']"),
       (['run', '--channel-bits', '-1'], 'channel_bits=-1: a number of bits: 1 or more'),
       (['run', '--channel-sigma', '-0.5'], 'channel_sigma=-0.5: a standard deviation must be >= 0'),
       (['run', '--perturb', 'noise', '--perturb-size', '-0.1'], 'perturb_size=-0.1: a size must be >= 0'),
       (['run', '--perturb', 'shift', '--perturb-size', '1.5'], 'perturb_size=1.5: a shift is a whole number of pixels'),
       (['run', '--perturb', 'rotate'], "perturb='rotate': choose one of"),
       (['run', '--filter', '100'], "filter=100.0: a percentage of each step's images: from 0 (none) to below 100"),
       (['run', '--filter-keep'], 'filter_keep=True: keeps the filter % of the images: set filter above 0'),
       (['run', '--dose', '5000', '--student-images', '4096'], 'dose=5000: more than the 4,096 images of a distillation epoch'),
       (['run', '--dose', '70000'], 'dose=70000: more than the 60,000 images of a distillation epoch'),
       (['run', '--dose', '100', '--mix', '0.5'], 'dose and mix both choose the images the teachers label: set one'),
       (['run', '--liminal-schedule', 'cosine'], "liminal_schedule='cosine': choose one of ['linear', 'published']"),
       (['run', '--liminal', '-1'], 'liminal=-1.0: a weight must be >= 0'),
       (['run', '--targets', 'argmax', '--loss', 'mse'], "hard targets are learnt by cross-entropy, which is the kl loss on a one-hot target: set loss='kl'"),
       (['run', '--top-k', '2'], "top_k=2: only sampled targets (targets='sample') are drawn among a few"),
       (['run', '--targets', 'sample', '--min-p', '1.5'], 'min_p=1.5: a ratio to the most likely'),
       (['run', '--targets', 'sample', '--sample-temperature', '0'], 'sample_temperature=0.0: the temperature must be > 0'),
       (['run', '--mix-source', 'control'], 'mix_source=\'control\': names the source mix or dose mix in: set one of them'),
       (['run', '--targets', 'sample', '--top-k', '13'], 'top_k=13: at least the 13 logits there are: no restriction'),
       (['run', '--perturb', 'shift', '--perturb-size', '28'], 'perturb_size=28.0: a shift of a whole 28-pixel side or more wraps around'),
       (['run', '--filter', '5', '--m-ghost', '0', '--aux-tasks', 'parity', '--students', 'student-aux'], 'filter=5.0: reads the ghost outputs, and there are none'),
       (['run', '--liminal', '2', '--liminal-schedule', 'published'], 'liminal=2.0: the published schedule rises from λ0 to 1'),
       (['run', '--liminal', '0.5', '--liminal-schedule', 'published', '--student-epochs', '1'], 'give it 2 or more student_epochs'),
       (['run', '--teacher-labels', 'random'], "teacher_labels='random': choose one of ['dataset', 'shuffled']"),
       (['run', '--teachers', 'no/such/run'], "teachers='no/such/run': no/such/run/results.json cannot be read"),
       (['sweep', '--grid', 'save_models=true,false'], 'save_models says where a sweep runs or what it keeps'),
       (['sweep', '--grid', 'teacher_labels=dataset,sometimes'], "cell teacher_labels=sometimes: teacher_labels='sometimes'"), (['run', '--out', '/proc/no/such/dir'], 'cannot create the run folder'),
       (['sweep', '--grid', 'm_ghots=1,2'], "unknown field 'm_ghots'"), (['sweep', '--grid', 'lr=1e-3,0'], 'cell lr=0.0'),
       (['sweep', '--grid', 'temperature=1,2', '--executor', 'slurm'], 'unknown executor'),
       (['sweep'], 'name a study file, or give a grid'), (['sweep', 'no/such.toml'], 'cannot read the study file no/such.toml'),
       (['sweep', STUDIES / 'strongest.toml'], 'is a search file (it has a [space]): run it with ghost-nbdev search'),
       (['search', STUDIES / 'm-ghost.toml'], "is a sweep's study file (it has a [grid]): run it with ghost-nbdev sweep"),
       (['search', STUDIES / 'strongest.toml', '--trials', '0'], 'trials=0: a search finishes at least one trial'),
       (['search', STUDIES / 'strongest.toml', '--validation', '0'], 'validation=0: a search scores its trials on a validation split'),
       (['search'], 'the following arguments are required: STUDY_FILE'),
       (['compare', STUDIES / 'loss-N8', '--a', 'loss=mse variant=student-ghost'], 'the following arguments are required: --b'),
       (['compare', STUDIES, '--a', 'loss=mse', '--b', 'loss=kl'], 'holds no table.csv: name a sweep folder with finished cells'),
       (['compare', STUDIES / 'loss-N8', '--a', 'loss mse', '--b', 'loss=kl'], "'loss' in 'loss mse': write a side as column=value pairs"),
       (['compare', STUDIES / 'loss-N8', '--a', 'loss=huber variant=student-ghost', '--b', 'loss=kl variant=student-ghost'],
        'loss=huber variant=student-ghost selects no row of metric'),
       (['compare', STUDIES / 'loss-N8', '--a', 'variant=student-ghost', '--b', 'loss=kl variant=student-ghost'],
        'selects 3 rows of model 0 (cells [0, 1, 2]): add a column that tells them apart'),
       (['compare', STUDIES / 'loss-N8', '--a', 'lossy=mse', '--b', 'loss=kl'], "no column ['lossy'] in the table"),
       (['compare', STUDIES / 'loss-N8', '--a', 'seed=zero variant=cross-ghost', '--b', 'loss=kl variant=student-ghost'],
        "seed='zero': the column seed holds numbers"),
       (['compare', STUDIES / 'loss-N8', '--a', 'loss=mse variant=student-ghost', '--b', 'loss=kl variant=student-ghost', '--metric', 'cos'],
        "selects no row of metric 'cos'"),
       (['bench', '--suite', 'turbo'], 'unknown suite'), (['bench', '--suite', 'estimate'], 'name their folder with --studies FOLDER'), (['fetch-data', '--dataset', 'emnist'], 'known datasets'),
       (['run', '--n-models', '100000000', '--preset', 'paper'], 'use at most about'),
       (['run', '--batch-size', 'many'], 'invalid int value'),  # argparse's own message, after its usage
       (['launch'], 'unknown command')]

@pytest.mark.parametrize('args,why', BAD, ids=[' '.join(map(str, a)) for a, _ in BAD])
def test_bad_input_is_one_line_and_leaves_nothing(args, why, tmp_path, monkeypatch, capsys):
    "`main`, in this process (what the console script calls; it is run as a script below)."
    from ghost_nbdev.cli import main
    monkeypatch.chdir(tmp_path)
    code = main(list(map(str, args)))
    out, err = capsys.readouterr()
    assert code == 2, (code, err)
    assert out == ''  # refused before any work: not a line of training
    assert why in err and 'Traceback' not in err, err
    assert len([l for l in err.splitlines() if re.match(r'ghost-nbdev( [\w-]+)?: error: ', l)]) == 1
    assert list(tmp_path.iterdir()) == []  # no runs/ or sweeps/ folder made

def test_the_console_script_refuses_in_one_line(tmp_path):
    for args, why in (BAD[0], BAD[-1]):
        code, out, err = ghost(*args, cwd=tmp_path)
        assert code == 2 and out == '' and why in err and 'Traceback' not in err, (args, err)
        assert len(err.strip().splitlines()) == 1 or args == ['launch'], err

def test_a_diverging_run_ends_in_one_line_with_nothing_saved(tmp_path, data_root):
    code, out, err = ghost('run', '--lr', '1e12', '--device', 'cpu', '--quiet', cwd=tmp_path)
    assert code == 1 and 'teacher phase diverged in epoch 1' in err and 'Traceback' not in err, err
    assert list(tmp_path.iterdir()) == []

def test_missing_cuda_is_a_clear_error():
    import torch
    if torch.cuda.is_available(): pytest.skip('this machine has CUDA')
    code, _, err = ghost('run', '--device', 'cuda')
    assert code == 2 and 'CUDA is not available' in err

def test_damaged_data_is_reported_with_its_fix_not_trained_on(data_root, tmp_path):
    from ghost_nbdev.data import MNIST, copy_data, raw_dir
    copy_data(MNIST, data_root, tmp_path)
    f = raw_dir(MNIST, tmp_path) / 'train-images-idx3-ubyte'
    f.write_bytes(f.read_bytes()[:4096])
    code, out, err = ghost('run', *SHORT, '--data-root', tmp_path, '--out', tmp_path / 'run')
    assert code == 1 and 'train-images-idx3-ubyte is truncated' in err
    assert f'ghost-nbdev fetch-data --root {tmp_path}' in err
    assert not (tmp_path / 'run').exists()

def test_bench_fetches_the_data_on_first_use(tmp_path):
    root = tmp_path / 'data'
    code, out, err = ghost('bench', '--suite', 'single', '--epochs', '0', '--data-root', root)
    assert code == 0, err
    assert 'original experiment (0+0 epochs' in out and (root / 'MNIST' / 'raw' / 'train-images-idx3-ubyte').exists()

def test_fetch_data_reports_ready(data_root):
    code, out, err = ghost('fetch-data', '--root', data_root)
    assert code == 0 and 'mnist is ready' in out

def test_one_ghost_logit_warns_and_the_student_never_moves(tmp_path):
    "With m=1 the KL has no gradient: the student ends at its init (its teacher trained, so the check can fail)."
    for m in (1, 2):
        code, out, err = ghost('run', '--m-ghost', m, '--teacher-epochs', '1', '--student-epochs', '1', '--device', 'cpu',
                               '--student-images', '4096', '--no-plots', '--out', tmp_path / f'm{m}')
        assert code == 0, err
        assert ('warning: m_ghost=1' in err) == (m == 1)
        res = json.loads((tmp_path / f'm{m}' / 'results.json').read_text())
        moved = res['metrics']['student-ghost']['acc'] != res['metrics']['reference']['acc']
        assert moved == (m == 2), (m, res['metrics'])

STUDY = """[study]
name = "temperature"
out = "t-N{n_models}"

[base]
teacher_epochs = 1
student_epochs = 1

[grid]
temperature = [1, 3]
"""

def test_sweep_end_to_end(tmp_path, data_root):
    "A study file, flags replacing some of its fields: its folder beside it, the copy of the file, the summary, the resumption."
    (tmp_path / 't.toml').write_text(STUDY)
    args = ['sweep', tmp_path / 't.toml', '--n-models', '2', '--student-images', '2048', '--device', 'cpu', '--no-plots']
    code, out, err = ghost(*args)
    assert code == 0, err
    assert 'cell 2/2' in out and 'student-ghost' in out
    assert (tmp_path / 't-N2' / 'study.toml').read_text() == STUDY
    import pandas as pd  # the printed summary is the table's means: one row per temperature, one column per variant
    t = pd.read_csv(tmp_path / 't-N2' / 'table.csv').query("metric == 'acc'")
    assert set(t.n_models) == {2} and set(t.student_images) == {2048} and set(t.teacher_epochs) == {1}
    means = t.groupby(['temperature', 'variant'])['value'].mean()
    last = out.strip().splitlines()[-1].split()
    assert float(last[0]) == 3.0 and len(last) == 1 + t.variant.nunique()
    head = next(l for l in out.splitlines() if l.startswith('variant')).split()  # the variants, as printed
    for v, x in zip(head[1:], last[1:]): assert float(x) == pytest.approx(round(means[(3.0, v)], 4), abs=1e-4), (v, x)
    code, out, err = ghost(*args)  # again: everything is done
    assert code == 0 and '2 of 2 cells already done' in out
    code, out, err = ghost(*args, '--grid', 'temperature=1,4')  # --grid replaces the file's values: another sweep, refused here
    assert code == 2 and "grid: {'temperature': [1.0, 3.0]} there, {'temperature': [1.0, 4.0]} here" in err, err
    code, out, err = ghost(*args, '--out', tmp_path / 'elsewhere')  # --out replaces the file's folder
    assert code == 0 and (tmp_path / 'elsewhere' / 'table.csv').exists() and 'cell 2/2' in out

def test_help_lists_every_config_field():
    from dataclasses import fields
    from ghost_nbdev.config import Config
    for cmd in ('run', 'sweep', 'search'):
        code, out, _ = ghost(cmd, '--help')
        assert code == 0
        for f in fields(Config):
            if f.name != 'preset': assert '--' + f.name.replace('_', '-') in out

SEARCH = """[study]
name = "s"
out = "s-N{n_models}"

[base]
n_models = 2
teacher_epochs = 1
student_epochs = 1
student_images = 2048
validation = 5000
device = "cpu"

[space]
student_lr = {low = 1e-4, high = 1e-2, log = true}

[search]
trials = 2
sampler = "random"
final_models = 2
"""

def test_search_end_to_end(tmp_path, data_root):
    "A search file: a line per trial, the best trial on the validation split, the final run on the test set; then one trial more."
    (tmp_path / 's.toml').write_text(SEARCH)
    code, out, err = ghost('search', tmp_path / 's.toml', '--no-plots')
    assert code == 0, err
    assert out.startswith('trial 0 running (0/2 finished: 0 complete, 0 pruned, 0 failed): student_lr=')
    best = json.loads((tmp_path / 's-N2' / 'best.json').read_text())
    assert f"best: trial {best['trial']}, student-ghost acc {best['value']:.4f} on 5,000 validation images" in out
    assert 'on the test set, 2 models:' in out and 'cross-ghost' in out  # the final run brings the control
    assert out.strip().splitlines()[-1] == f"saved to {tmp_path / 's-N2'}"
    code, out, err = ghost('search', tmp_path / 's.toml', '--no-plots', '--trials', '3')
    assert code == 0, err
    started = [l for l in out.splitlines() if ' running (' in l]
    assert len(started) == 1 and started[0].startswith('trial 2 running (2/3 finished'), out  # only the trial asked for

@pytest.fixture(scope='module')
def saved(tmp_path_factory, data_root):
    "A short float64 run that keeps its models."
    out = tmp_path_factory.mktemp('saved') / 'run'
    code, _, err = ghost('run', *SHORT, '--dtype', 'float64', '--student-images', '4096', '--n-models', '2', '--save-models',
                         '--quiet', '--no-plots', '--out', out)
    assert code == 0, err
    return out

def test_saved_models_load_as_plain_modules(saved, data):
    from torch import nn
    from ghost_nbdev.weights import load_models
    res = json.loads((saved / 'results.json').read_text())
    for v in ('reference', 'teacher', 'student-ghost', 'cross-ghost'):
        mods = load_models(saved, v)
        assert len(mods) == 2 and all(isinstance(m, nn.Sequential) for m in mods)
        x, y = data.test_x.double(), data.test_y
        accs = [(m(x)[:, :10].argmax(1) == y).double().mean().item() for m in mods]
        assert accs == pytest.approx(res['metrics'][v]['acc'], abs=1e-4), (v, accs)  # the run's own accuracies

def test_distilling_from_saved_teachers_repeats_their_run(saved, tmp_path):
    "In float64, a run that distils from saved teachers gives every number of the run that trained them."
    code, _, err = ghost('run', *SHORT, '--dtype', 'float64', '--student-images', '4096', '--n-models', '2', '--teachers', saved,
                         '--quiet', '--no-plots', '--out', tmp_path / 'again')
    assert code == 0, err
    a, b = (json.loads((p / 'results.json').read_text()) for p in (saved, tmp_path / 'again'))
    assert a['metrics'] == b['metrics'] and [h['loss'] for h in a['history']] == [h['loss'] for h in b['history']]
    assert b['config']['teachers'] == str(saved) and not (tmp_path / 'again' / 'models').exists()

@pytest.mark.parametrize('flags,why', [(['--m-ghost', '5'], 'those teachers were trained otherwise (m_ghost: 3 there, 5 here)'),
                                       (['--n-models', '3'], 'n_models: 2 there, 3 here'),
                                       (['--hidden', '128'], 'hidden: (256, 256) there, (128,) here'),
                                       (['--n-classes', '5'], 'n_classes: 10 there, 5 here')])
def test_saved_teachers_that_do_not_fit_are_refused(saved, tmp_path, flags, why):
    args = [*SHORT, '--dtype', 'float64', '--student-images', '4096', '--n-models', '2', *flags, '--teachers', saved, '--out', tmp_path / 'r']
    code, out, err = ghost('run', *args)
    assert code == 2 and why in err and 'Traceback' not in err, err
    assert not (tmp_path / 'r').exists()

def test_damaged_weights_are_refused_naming_the_file(saved, tmp_path):
    import shutil
    copy = tmp_path / 'copy'
    shutil.copytree(saved, copy)
    f = copy / 'models' / 'teacher.safetensors'
    f.write_bytes(f.read_bytes()[:2048])
    code, out, err = ghost('run', *SHORT, '--dtype', 'float64', '--student-images', '4096', '--n-models', '2', '--teachers', copy,
                           '--out', tmp_path / 'r')
    assert code == 2 and f'{f} is not a whole weights file' in err, err
    assert not (tmp_path / 'r').exists()
    (copy / 'models' / 'reference.safetensors').unlink()
    code, out, err = ghost('run', *SHORT, '--n-models', '2', '--dtype', 'float64', '--teachers', copy, '--out', tmp_path / 'r')
    assert code == 2 and "holds no weights of 'reference'" in err, err

def test_models_the_disk_cannot_hold_are_refused_before_any_work(tmp_path, monkeypatch, capsys):
    import shutil
    from collections import namedtuple
    from ghost_nbdev.cli import main
    monkeypatch.setattr(shutil, 'disk_usage', lambda p: namedtuple('usage', 'total used free')(10**6, 10**6 - 1024, 1024))
    code = main(['run', '--save-models', '--out', str(tmp_path / 'r')])
    out, err = capsys.readouterr()
    assert code == 2 and out == '' and 'save_models: the models need about' in err and 'MiB free' in err, err
    assert list(tmp_path.iterdir()) == []
