"The engine computes what the reference loops compute, for every knob; an ensemble is exactly its members trained alone."
import pytest, torch
from ghost_nbdev.config import Config, preset
from ghost_nbdev.model import init_stack, select
from ghost_nbdev.engine import DivergedError, train_teacher, engine_vs_reference
from ghost_nbdev.experiment import train_teachers, student_inits, distil_students

@pytest.fixture(scope='module')
def small(data): return data.subset(2_048).to(dtype=torch.float64)

KNOBS = {'defaults, K=3': dict(n_models=3), 'gaussian noise': dict(noise='gaussian', noise_scale=0.5),
         'digits instead of noise': dict(noise='digits'), 'blurred noise': dict(noise='blurred'),
         'output layer shared, perturbed': dict(share='output', share_sigma=0.2, share_alpha=0.7),
         'decoupled weight decay': dict(weight_decay=0.05, decay='decoupled', student_weight_decay=0.01),
         'reverse KL at T=2': dict(loss='reverse-kl', temperature=2.0), 'MSE': dict(loss='mse'),
         'frozen layers, narrower student': dict(teacher_layers='1,3', student_layers='output', student_hidden=(256, 64)),
         'own lr and batch': dict(student_lr=1e-3, student_batch_size=100),
         'paper preset, pool': dict(batch_size=512, init='normal', noise_pool=1_500)}

@pytest.mark.parametrize('name', list(KNOBS))
def test_engine_matches_reference_float64(small, name):
    cfg = Config(**{**dict(n_models=2, teacher_epochs=1, student_epochs=2, dtype='float64', device='cpu',
                           students=('student-ghost', 'student-all', 'cross-ghost')), **KNOBS[name]})
    diffs = engine_vs_reference(cfg, small)
    assert max(diffs.values()) < 1e-10, diffs

def test_engine_matches_reference_float32_within_measured_bounds(data):
    "float32 after 240 Adam steps: measured at most 7e-5 (teachers) and 1e-3 (students); bounds are about 5x that."
    cfg = Config(n_models=3, teacher_epochs=2, student_epochs=2, device='cpu', students=('student-ghost', 'student-all'))
    diffs = engine_vs_reference(cfg, data.subset(7_680))
    assert diffs['teacher'] < 5e-4 and max(diffs.values()) < 5e-3, diffs

def _stages(cfg, data, models):
    init, teacher, _ = train_teachers(cfg, data, models, 'silent')
    students, _ = distil_students(cfg, teacher, student_inits(cfg, init, models), data, models, 'silent', teacher_init=init)
    return teacher, students

@pytest.mark.parametrize('name', ['original', 'paper'])
def test_ensemble_equals_separate_runs(small, name):
    "Model k trained among 3 is model k trained alone, for every variant, cross-model students included (float64)."
    cfg = preset(name, n_models=3, teacher_epochs=2, student_epochs=2, noise_pool=2_048 if name == 'paper' else 0,
                 device='cpu', dtype='float64', students=('student-ghost', 'student-all', 'cross-ghost', 'cross-all'))
    teacher, students = _stages(cfg, small, range(3))
    for k in range(3):
        t1, s1 = _stages(cfg, small, [k])
        torch.testing.assert_close(t1.flat, select(teacher, [k]).flat, rtol=0, atol=1e-10)
        for kind in cfg.students:
            torch.testing.assert_close(s1[kind].flat, select(students[kind], [k]).flat, rtol=0, atol=1e-10)

def test_frozen_layers_and_ghost_rows_never_move(small):
    cfg = Config(teacher_epochs=1, device='cpu', dtype='float64', teacher_layers='hidden')
    init = init_stack(cfg, device='cpu')
    teacher = select(init, [0])
    train_teacher(teacher, small, cfg, progress='silent')
    (w0, b0), (w1, b1) = init.layers()[-1], teacher.layers()[-1]
    assert torch.equal(w0, w1) and torch.equal(b0, b1)  # the output layer is frozen
    assert not torch.equal(init.layers()[0][0], teacher.layers()[0][0])
    cfg = Config(teacher_epochs=1, device='cpu', dtype='float64')
    teacher = select(init, [0])
    train_teacher(teacher, small, cfg, progress='silent')
    (w1, b1) = teacher.layers()[-1]
    assert torch.equal(w0[..., 10:], w1[..., 10:]) and torch.equal(b0[:, 10:], b1[:, 10:])  # ghost rows: no gradient
    assert not torch.equal(w0[..., :10], w1[..., :10])

def test_a_diverging_run_stops_with_the_phase_and_epoch(data):
    "A learning rate of 1e12 overflows float32 within a few steps; the check every 32 steps stops the phase."
    cfg = Config(lr=1e12, device='cpu')
    teacher = select(init_stack(cfg, device='cpu'), [0])
    with pytest.raises(DivergedError, match=r'teacher phase diverged in epoch 1.*learning rate \(1e\+12\)'):
        train_teacher(teacher, data.subset(4_096), cfg, progress='silent')
