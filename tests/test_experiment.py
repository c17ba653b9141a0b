"Experiments: the effect itself, the variants as the stages composed, refusals of data that does not fit, memory checks."
import pytest, torch
from dataclasses import replace
from ghost_nbdev.config import Config, ConfigError, PAPER_STUDENTS, preset
from ghost_nbdev.experiment import run_experiment
from ghost_nbdev.estimate import check_memory, estimate_memory
from ghost_nbdev.results import mean_ci

def test_the_effect(data):
    """Students that share their teacher's init learn digits from ghost logits on noise; cross-model students do not.
    Six models of the original preset, 2+2 epochs. Measured for seeds 0, 1, 2: teachers 0.926; student-ghost means
    0.48, 0.61, 0.55 (single models 0.30 to 0.73); cross-ghost means 0.08, 0.10,
    0.13 (single models 0.02 to 0.19). The bounds below leave wide margins on both sides."""
    res = run_experiment(Config(n_models=6, teacher_epochs=2, student_epochs=2, device='cpu'), data, progress='silent')
    s, c = (mean_ci(res.accuracy[v]) for v in ('student-ghost', 'cross-ghost'))
    assert mean_ci(res.accuracy['teacher'])['mean'] > 0.9
    assert s['mean'] > 0.25 and s['lo'] > 0.18, s  # far above chance: the lower end of its 95 % t interval too
    assert abs(c['mean'] - 0.1) < 0.06, c  # chance
    assert s['mean'] - c['mean'] > 0.15

def test_six_variants_are_the_stages_composed(data):
    "run_experiment gives, for each of the six variants, exactly what the stages give when called one by one (float64)."
    from ghost_nbdev.experiment import train_teachers, student_inits, distill_students, measure_variants
    small = data.subset(4_096).to(dtype=torch.float64)
    cfg = preset('paper', n_models=3, teacher_epochs=1, student_epochs=1, noise_pool=2_048, device='cpu', dtype='float64')
    res = run_experiment(cfg, small, progress='silent')
    assert list(res.metrics) == ['reference', 'teacher', *PAPER_STUDENTS] and res.config['preset'] == 'paper'
    init, teacher, _ = train_teachers(cfg, small, progress='silent')
    students, _, _ = distill_students(cfg, teacher, student_inits(cfg, init), small, progress='silent', teacher_init=init)
    alone = measure_variants(cfg, small, {'reference': init, 'teacher': teacher, **students}, teacher, init)
    assert res.metrics == alone
    # the teachers did learn: four steps of batch 1024 gave 0.40 to 0.45 here, untrained networks are at 0.05 to 0.13
    assert min(res.accuracy['teacher']) > 0.25 > max(res.accuracy['reference'])

def test_representation_metrics_in_a_run(data):
    """probe and cka come out per variant and hidden layer; they leave every other number of the run as it was (float64:
    their pass over the test set makes the readout's predictions too); a teacher's features are its own (CKA 1)."""
    small = data.subset(4_096, 1_024).to(dtype=torch.float64)
    cfg = Config(n_models=2, teacher_epochs=1, student_epochs=1, student_images=2_048, device='cpu', dtype='float64')
    plain = run_experiment(cfg, small, progress='silent')
    both = run_experiment(replace(cfg, metrics=('acc', 'probe', 'cka')), small, progress='silent')
    assert both.accuracy == plain.accuracy
    assert list(both.metrics['teacher']) == ['acc', 'probe', 'probe_l1', 'probe_l2', 'cka', 'cka_l1', 'cka_l2']
    assert all(abs(v - 1) < 1e-9 for v in both.metrics['teacher']['cka_l1'] + both.metrics['teacher']['cka'])
    # an untrained network's features already hold most of the digits (0.75 to 0.85 here, on 1,024 test images)
    assert min(both.metrics['reference']['probe']) > 0.5 > max(both.metrics['reference']['acc'])
    assert all(0 < v < 1 for v in both.metrics['cross-ghost']['cka_l2'])

def test_prepare_refuses_data_that_does_not_fit_the_config(data):
    from ghost_nbdev.experiment import prepare
    with pytest.raises(ConfigError, match="the data is mnist but dataset='fashion-mnist': pass that dataset, or none"):
        prepare(Config(dataset='fashion-mnist', device='cpu'), data)
    with pytest.raises(ConfigError, match='the data has 5 classes but n_classes=10: pass the whole dataset, or none'):
        prepare(Config(device='cpu'), data.first_classes(5))
    with pytest.raises(ConfigError, match="student_images=5000: noise='digits' has 4,096 images to show"):
        prepare(Config(device='cpu', noise='digits', student_images=5_000), data.subset(4_096))
    _, five = prepare(Config(device='cpu', n_classes=5), data)  # more classes than asked for: the first five are kept
    assert five.n_classes == 5 and int(five.train_y.max()) == 4

def test_memory_check_fails_early():
    with pytest.raises(ConfigError, match='GiB') as e: check_memory(preset('paper', n_models=10**7), torch.device('cpu'))
    assert 'use at most about' in str(e.value)
    assert estimate_memory(preset('paper')) < 4 * 2**30  # the paper preset at N=100 fits in 4 GiB

def test_a_run_that_fails_while_saving_its_models_leaves_nothing(tmp_path, monkeypatch):
    "The run folder is written aside and renamed when whole: weights that fail half-way leave no folder, no file."
    import ghost_nbdev.weights as weights
    from ghost_nbdev.results import Results, save_results
    from ghost_nbdev.inits import init_stack
    from ghost_nbdev.config import config_to_dict
    cfg = Config(n_models=2, save_models=True)
    stack = init_stack(cfg, device='cpu')
    written, real = [], weights.save_file
    def save_then_fail(tensors, path, metadata=None):
        if written: raise OSError('the disk filled up')
        real(tensors, path, metadata=metadata); written.append(path)
    monkeypatch.setattr(weights, 'save_file', save_then_fail)
    res = Results(config_to_dict(cfg), {'reference': {'acc': [0.1, 0.1]}}, [], dict(device='cpu', seconds={}), {'reference': stack, 'teacher': stack})
    with pytest.raises(OSError, match='the disk filled up'): save_results(res, tmp_path / 'run')
    assert written and list(tmp_path.iterdir()) == []  # one file was written, in the folder that was then removed
