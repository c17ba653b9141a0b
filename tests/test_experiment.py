"Experiments: the six variants, statistics, cross-model pairing, memory checks, saving."
import math
import pytest, torch
from ghost_nbdev.config import Config, ConfigError, preset
from ghost_nbdev.experiment import (run_experiment, save_results, load_results, mean_ci, check_memory,
                                    estimate_memory, cross_init, VARIANTS)
from ghost_nbdev.model import init_stack

def test_six_variants_and_per_model_independence(digits):
    small = digits.subset(4_096)
    cfg = preset('paper', n_models=3, teacher_epochs=1, student_epochs=1, pool_size=2_048, device='cpu')
    res = run_experiment(cfg, small, progress='silent')
    assert list(res.accuracy) == list(VARIANTS) and all(len(a) == 3 for a in res.accuracy.values())
    assert sorted(res.meta['cross_init_from']) == [0, 1, 2]
    assert all(k != j for k, j in enumerate(res.meta['cross_init_from']))  # a derangement
    one = run_experiment(preset('paper', n_models=1, teacher_epochs=1, student_epochs=1, pool_size=2_048,
                                device='cpu', students=('student-ghost', 'student-all')), small, progress='silent')
    for v in ('reference', 'teacher', 'student-ghost', 'student-all'):   # model 0 does not depend on N
        assert abs(one.accuracy[v][0] - res.accuracy[v][0]) < 2e-3, v
    assert one.meta['cross_init_from'] is None

def test_single_model_cross_init_is_fresh():
    cfg = Config()
    init = init_stack(cfg)
    cross, src = cross_init(cfg, init)
    assert src == ['fresh'] and not torch.equal(cross.flat, init.flat)

def test_statistics():
    s = mean_ci([0.5, 0.7])
    assert s['mean'] == pytest.approx(0.6) and s['ci95'] == pytest.approx(1.96 * 0.1 / math.sqrt(2))
    assert s['boot_lo'] >= 0.5 and s['boot_hi'] <= 0.7
    assert mean_ci([0.5])['ci95'] is None

def test_memory_check_fails_early():
    with pytest.raises(ConfigError, match='GiB') as e: check_memory(preset('paper', n_models=10**7), torch.device('cpu'))
    assert 'use at most about' in str(e.value)
    assert estimate_memory(preset('paper')) < 4 * 2**30  # the paper preset at N=100 fits in 4 GiB

def test_save_load_round_trip(digits, tmp_path):
    res = run_experiment(Config(teacher_epochs=1, student_epochs=0, device='cpu'), digits.subset(2_048), progress='silent')
    out = save_results(res, tmp_path / 'run')
    back = load_results(out)
    assert back.accuracy == res.accuracy and back.cfg == res.cfg
    with pytest.raises(FileExistsError): save_results(res, out)
    assert [p.name for p in tmp_path.iterdir()] == ['run']
