"""The engine's edge cases: frozen layers, divergence, progress rows.

Its agreement with the reference loops (float64 for every knob, float32 within measured bounds) is the oracle
notebook's; that a model trains the same alone as in an ensemble is the experiment notebook's."""
import pytest, torch
from ghost_nbdev.config import Config
from ghost_nbdev.inits import init_stack
from ghost_nbdev.model import select
from ghost_nbdev.engine import DivergedError, train_teacher
from ghost_nbdev.experiment import train_teachers, student_inits, distill_students

@pytest.fixture(scope='module')
def small(data): return data.subset(2_048).to(dtype=torch.float64)

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

@pytest.mark.parametrize('mode', ['bar', 'lines', 'silent'])
def test_progress_rows_line_up_with_their_headings(small, mode, capsys, monkeypatch):
    "Every number stands under its own heading: one cell per column, the acc column holds the measured accuracy."
    import ghost_nbdev.engine as engine
    shown = []
    monkeypatch.setattr(engine.Progress, 'epochs', lambda self, n, _f=engine.Progress.epochs: (shown.append(self), _f(self, n))[1])
    cfg = Config(n_models=2, teacher_epochs=1, student_epochs=1, student_images=1_024, device='cpu', dtype='float64',
                 students=('student-ghost', 'cross-ghost'), metrics=('acc', 'cos', 'dist'))
    init, teacher, t_hist = train_teachers(cfg, small, progress=mode)
    _, s_hist, _ = distill_students(cfg, teacher, student_inits(cfg, init), small, progress=mode, teacher_init=init)
    (t_show, s_show), out = shown, capsys.readouterr().out
    for show, hist in ((t_show, t_hist), (s_show, [r for r in s_hist if r['epoch'] > 0])):
        assert show.rows and all(len(r) == len(show.columns) for r in show.rows), (show.columns, show.rows)
        for r in hist:
            for m in cfg.metrics:  # each metric's heading holds the mean of its whole-network column
                col = m if r['kind'] == 'teacher' else f"{r['kind']} {m}"
                v = torch.tensor(r['metrics'][m], dtype=torch.float64).nanmean().item()
                assert show.rows[-1][show.columns.index(col)] == ('-' if v != v else f'{v:.4f}'), (col, show.rows)
    teacher_row = dict(zip(t_show.columns, t_show.rows[-1]))
    assert teacher_row['cos'] == teacher_row['dist'] == '-'  # nothing to compare a teacher's update with
    if mode == 'lines':  # the printed text: as many cells as headings, in the same places
        lines = out.splitlines()
        h = lines.index(next(l for l in lines if l.startswith('epoch') and 'cross-ghost acc' in l))
        starts = [lines[h].index(c) for c in s_show.columns]
        cells = [lines[h + 1][a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
        assert cells == s_show.rows[-1], (cells, s_show.rows[-1])
    if mode == 'silent': assert out == ''
