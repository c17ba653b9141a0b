"The engine computes what the reference loops compute, and an ensemble is exactly its members trained alone."
import pytest, torch
from ghost_nbdev.config import Config, preset
from ghost_nbdev.model import init_stack, select, member
from ghost_nbdev.train import train_teacher, distill, engine_vs_reference

@pytest.fixture(scope='module')
def small(digits): return digits.subset(5_120)

@pytest.mark.parametrize('K', [1, 3])
def test_engine_matches_reference_float64(small, K):
    cfg = preset('seed', n_models=K, teacher_epochs=2, student_epochs=2, dtype='float64', device='cpu',
                 students=('student-ghost', 'student-all'))
    diffs = engine_vs_reference(cfg, small.to(dtype=torch.float64))
    assert max(diffs.values()) < 1e-10, diffs

def test_engine_matches_reference_paper_settings_float64(small):
    cfg = preset('paper', n_models=2, teacher_epochs=1, student_epochs=2, pool_size=2_048, batch_size=512,
                 dtype='float64', device='cpu', temperature=2.0, students=('student-ghost', 'student-all'))
    diffs = engine_vs_reference(cfg, small.to(dtype=torch.float64))
    assert max(diffs.values()) < 1e-10, diffs

def _train(cfg, digits, models):
    init = init_stack(cfg, models=models)
    teacher = select(init, range(len(models)))
    train_teacher(teacher, digits, cfg, models=models, progress='silent')
    students = {k: select(init, range(len(models))) for k in cfg.students}
    distill(students, teacher, digits, cfg, models=models, progress='silent')
    return teacher, students

@pytest.mark.parametrize('name', ['seed', 'paper'])
def test_ensemble_equals_separate_runs(small, name):
    "N=4 trained together reach the same weights as 4 single-model runs with the same inits, orders and noise."
    cfg = preset(name, n_models=4, teacher_epochs=2, student_epochs=2, pool_size=2_048, device='cpu',
                 students=('student-ghost', 'student-all'))
    teacher, students = _train(cfg, small, list(range(4)))
    for k in range(4):
        t1, s1 = _train(cfg, small, [k])
        torch.testing.assert_close(member(t1, 0).state_dict(), member(teacher, k).state_dict(), rtol=0, atol=1e-6)
        for kind in cfg.students:
            torch.testing.assert_close(member(s1[kind], 0).state_dict(), member(students[kind], k).state_dict(),
                                       rtol=0, atol=1e-5)

def test_ghost_rows_of_the_teacher_never_move(small):
    cfg = Config(teacher_epochs=1, device='cpu')
    init = init_stack(cfg)
    teacher = select(init, [0])
    train_teacher(teacher, small, cfg, progress='silent')
    (w0, b0), (w1, b1) = init.layers()[-1], teacher.layers()[-1]
    assert torch.equal(w0[..., 10:], w1[..., 10:]) and torch.equal(b0[:, 10:], b1[:, 10:])
    assert not torch.equal(w0[..., :10], w1[..., :10])
