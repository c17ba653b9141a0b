"Experiments: the effect itself, the variants, statistics that can fail, memory checks, run folders, saving."
import math
import pytest, torch
from ghost_nbdev.config import Config, ConfigError, preset
from ghost_nbdev.experiment import (run_experiment, save_results, load_results, mean_ci, check_memory, estimate_memory,
                                    RunFolder, VARIANTS)

def test_the_effect(data):
    """Students that share their teacher's init learn digits from ghost logits on noise; cross-model students do not.
    Six models of the original preset, 2+2 epochs. Measured for seeds 0, 1, 2: teachers 0.926; student-ghost means
    0.48, 0.61, 0.55 (single models 0.30 to 0.73, bootstrap lower bounds 0.38 to 0.54); cross-ghost means 0.08, 0.10,
    0.13 (single models 0.02 to 0.19). The bounds below leave wide margins on both sides."""
    res = run_experiment(Config(n_models=6, teacher_epochs=2, student_epochs=2, device='cpu'), data, progress='silent')
    s, c = (mean_ci(res.accuracy[v]) for v in ('student-ghost', 'cross-ghost'))
    assert mean_ci(res.accuracy['teacher'])['mean'] > 0.9
    assert s['mean'] > 0.25 and s['boot_lo'] > 0.18, s  # far above chance
    assert abs(c['mean'] - 0.1) < 0.06, c  # chance
    assert s['mean'] - c['mean'] > 0.15

def test_six_variants(data):
    small = data.subset(4_096)
    cfg = preset('paper', n_models=3, teacher_epochs=1, student_epochs=1, noise_pool=2_048, device='cpu')
    res = run_experiment(cfg, small, progress='silent')
    assert list(res.metrics) == list(VARIANTS) and all(len(a) == 3 for a in res.accuracy.values())
    assert res.config['preset'] == 'paper'

def test_statistics():
    s = mean_ci([0.5, 0.7])
    assert s['mean'] == pytest.approx(0.6) and s['ci95'] == pytest.approx(1.96 * 0.1 / math.sqrt(2))
    coin = mean_ci([0.0, 1.0] * 100)  # normal approximation: 0.5 +- 1.96 * 0.5 / sqrt(200) = 0.5 +- 0.069
    assert coin['boot_lo'] == pytest.approx(0.431, abs=0.01) and coin['boot_hi'] == pytest.approx(0.569, abs=0.01)
    assert mean_ci([0.5])['ci95'] is None and mean_ci([float('nan'), 0.5, 0.7])['n'] == 2

def test_memory_check_fails_early():
    with pytest.raises(ConfigError, match='GiB') as e: check_memory(preset('paper', n_models=10**7), torch.device('cpu'))
    assert 'use at most about' in str(e.value)
    assert estimate_memory(preset('paper')) < 4 * 2**30  # the paper preset at N=100 fits in 4 GiB

def test_save_load_round_trip(data, tmp_path):
    res = run_experiment(Config(teacher_epochs=1, student_epochs=0, device='cpu', metrics=('acc', 'agree')),
                         data.subset(2_048), progress='silent')
    out = save_results(res, tmp_path / 'run')
    back = load_results(out)
    assert back.metrics == res.metrics and back.cfg == res.cfg
    assert (out / 'models.csv').read_text().splitlines()[0] == 'variant,model,acc,agree'
    with pytest.raises(FileExistsError): save_results(res, out)
    assert [p.name for p in tmp_path.iterdir()] == ['run']

def test_run_folder_is_reserved_before_the_work(tmp_path):
    with pytest.raises(ConfigError, match='cannot create the run folder /proc/no/such'): RunFolder('/proc/no/such/dir')
    (tmp_path / 'taken').mkdir()
    with pytest.raises(FileExistsError, match='already exists'): RunFolder(tmp_path / 'taken')
    with pytest.raises(RuntimeError):
        with RunFolder(tmp_path / 'a' / 'b' / 'run'): raise RuntimeError('training failed')
    assert [p.name for p in tmp_path.iterdir()] == ['taken']  # nothing left behind, not even the parents it made
