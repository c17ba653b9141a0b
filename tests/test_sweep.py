"Sweeps: grids refused before any cell runs, shared teachers give the numbers of separate runs, resumable, tidy."
import pandas as pd
import pytest, torch
from ghost_nbdev.config import Config, ConfigError
from ghost_nbdev.experiment import run_experiment
from ghost_nbdev.sweep import sweep, run_group, LocalExecutor
from ghost_nbdev.folders import load_sweep
from ghost_nbdev.grid import parse_grid, cells, groups

@pytest.fixture(scope='module')
def tiny(): return Config(n_models=2, teacher_epochs=1, student_epochs=1, student_images=1024, device='cpu')

@pytest.fixture(scope='module')
def small(data): return data.subset(4_096)

def test_bad_grids_are_refused_before_anything_runs(tiny, tmp_path):
    with pytest.raises(ConfigError, match="unknown field 'm_ghots' in the grid; fields that can be swept: \\['arch', 'aux_head', 'aux_tasks', 'batch_size'"):
        sweep(tiny, {'m_ghots': [1, 2]}, out=tmp_path / 's')
    with pytest.raises(ConfigError, match='cell m_ghost=0: m_ghost=0'): sweep(tiny, {'m_ghost': [2, 0]}, out=tmp_path / 's')
    with pytest.raises(ConfigError, match="expected float"): parse_grid(['lr=fast'])
    assert not (tmp_path / 's').exists()  # refused before the folder was made

def test_a_shared_group_gives_the_numbers_of_separate_runs(tiny, small):
    cfg = Config(**{**tiny.__dict__, 'dtype': 'float64'})
    cl = cells(cfg, {'loss': ['kl', 'mse'], 'share': ['all', 'output']})
    assert len(groups(cl)) == 1
    shared = dict(run_group(groups(cl)[0], small.to(dtype=torch.float64), progress='silent'))
    for i, (_, c) in enumerate(cl):
        alone = run_experiment(c, small.to(dtype=torch.float64), progress='silent')
        assert shared[i].metrics == alone.metrics

@pytest.mark.parametrize('stop', [KeyboardInterrupt, RuntimeError])
def test_table_resume_and_interruption(tiny, small, tmp_path, stop):
    """A sweep stopped in the middle of its second group (by Ctrl-C, or by any error) keeps the cells that finished,
    whole, and nothing of the running one; run again, it runs only what is missing, and its table is an uninterrupted sweep's."""
    grid = {'m_ghost': [2, 3], 'temperature': [1.0, 2.0]}  # two groups of two cells
    class Interrupted(LocalExecutor):
        def run(self, units, data, progress, on_result, log=print):
            for j, unit in enumerate(units):
                for i, res in run_group(unit, data, progress):
                    if j == 1: raise stop('stopped in the second group')
                    on_result(i, res)
    with pytest.raises(stop, match='stopped in the second group'):
        sweep(tiny, grid, out=tmp_path / 's', data=small, executor=Interrupted(), plots=False)
    assert sorted(p.name for p in (tmp_path / 's' / 'cells').iterdir()) == ['cell-000', 'cell-001']  # whole cells only
    assert set(pd.read_csv(tmp_path / 's' / 'table.csv').cell) == {0, 1}  # and the table of those
    lines = []
    t = sweep(tiny, grid, out=tmp_path / 's', data=small, plots=False, log=lines.append)
    assert lines[0].endswith('2 of 4 cells already done, 2 to run') and len(lines) == 4
    assert lines[1].startswith('2 cells in 1 group(s): about ') and lines[1].endswith('on this machine (estimated)')
    assert len(t) == 4 * 2 * 4 and not t.duplicated(['cell', 'variant', 'model', 'metric']).any()
    assert {'m_ghost', 'temperature', 'lr', 'hidden', 'variant', 'model', 'metric', 'value'} <= set(t.columns)
    whole = sweep(tiny, grid, out=tmp_path / 'whole', data=small, plots=False, log=lambda *a: None)
    pd.testing.assert_frame_equal(t, whole)
    pd.testing.assert_frame_equal(load_sweep(tmp_path / 's'), t)
    with pytest.raises(ConfigError, match='holds another sweep'): sweep(tiny, {'m_ghost': [2]}, out=tmp_path / 's')

def test_a_folder_in_use_is_refused_and_freed_when_its_holder_dies(tiny, small, tmp_path):
    "A second sweep on a running sweep's folder is refused at once; a killed sweep leaves no lock behind."
    import subprocess, sys
    from ghost_nbdev.folders import SweepLock, open_sweep
    grid = {'m_ghost': [2, 3]}
    out = open_sweep(tmp_path / 's', tiny, grid, False)
    with SweepLock(out):
        with pytest.raises(ConfigError, match=r's is in use by a running sweep \(pid \d+ on .*\): wait for it'):
            sweep(tiny, grid, out=out, data=small, plots=False)
    assert not (out / 'cells' / 'cell-000').exists()  # refused before any cell ran
    holder = ("import os, signal; from ghost_nbdev.sweep import SweepLock\n"
              f"SweepLock({str(out)!r}).__enter__(); os.kill(os.getpid(), signal.SIGKILL)")
    assert subprocess.run([sys.executable, '-c', holder]).returncode == -9  # died holding the lock
    t = sweep(tiny, grid, out=out, data=small, plots=False, log=lambda *a: None)
    assert sorted(t.cell.unique()) == [0, 1]

def test_a_folder_that_is_not_a_sweep_is_refused(tiny, tmp_path):
    (tmp_path / 'mine').mkdir(); (tmp_path / 'mine' / 'notes.txt').write_text('keep me')
    with pytest.raises(ConfigError, match='mine exists and is not a sweep folder: choose another one'):
        sweep(tiny, {'m_ghost': [2, 3]}, out=tmp_path / 'mine')
    assert sorted(p.name for p in (tmp_path / 'mine').iterdir()) == ['notes.txt']
    with pytest.raises(ConfigError, match='the grid has the cell m_ghost=1 twice'):
        sweep(tiny, {'m_ghost': [1, 1]}, out=tmp_path / 'dup')
    assert not (tmp_path / 'dup').exists()

def test_an_error_while_saving_a_cell_leaves_no_half_written_cell(tiny, small, tmp_path, monkeypatch):
    "A cell whose files fail to save leaves nothing behind; the cells saved before it stay, with their table."
    import ghost_nbdev.folders as sw  # where a cell's files are written (`save_cell`)
    real = sw.write_results
    def failing(res, folder, *a, **k):
        real(res, folder, *a, **k)  # the files are written, then the disk fills up
        if res.config['m_ghost'] == 3: raise OSError(28, 'No space left on device')
    monkeypatch.setattr(sw, 'write_results', failing)
    with pytest.raises(OSError, match='No space left on device'):
        sweep(tiny, {'m_ghost': [2, 3]}, out=tmp_path / 's', data=small, plots=False, log=lambda *a: None)
    assert sorted(p.name for p in (tmp_path / 's' / 'cells').iterdir()) == ['cell-000']  # no temporary folder either
    assert set(pd.read_csv(tmp_path / 's' / 'table.csv').cell) == {0}
    monkeypatch.setattr(sw, 'write_results', real)
    t = sweep(tiny, {'m_ghost': [2, 3]}, out=tmp_path / 's', data=small, plots=False, log=lambda *a: None)
    assert set(t.cell) == {0, 1}  # resumed: the failed cell runs again

def test_a_group_split_into_passes_gives_the_numbers_of_one_pass(tiny, small):
    "When memory allows fewer tracks per pass, the students are distilled in several passes with the same results."
    cfg = Config(**{**tiny.__dict__, 'dtype': 'float64'})
    d = small.to(dtype=torch.float64)
    (group,) = groups(cells(cfg, {'temperature': [1.0, 2.0, 4.0]}))
    one = dict(run_group(group, d, progress='silent'))
    split = dict(run_group(group, d, progress='silent', per_pass=2))  # two tracks a pass: one cell each
    for i in one:
        assert split[i].metrics == one[i].metrics
        assert (one[i].meta['sweep']['cells_sharing_pass'], split[i].meta['sweep']['cells_sharing_pass']) == (3, 1)

def test_too_little_memory_halves_the_tracks_per_pass(tiny, monkeypatch):
    import ghost_nbdev.estimate as ex
    from ghost_nbdev.sweep import max_tracks
    cpu = torch.device('cpu')
    monkeypatch.setattr(ex, 'free_memory', lambda device: ex.estimate_memory(tiny, n_tracks=2))
    assert max_tracks(tiny, cpu, 60_000, wanted=8) == 2
    monkeypatch.setattr(ex, 'free_memory', lambda device: 0)
    assert max_tracks(tiny, cpu, 60_000, wanted=8) == 1  # one track always runs: its own check refuses it if need be

def test_a_sweep_json_lacking_a_field_takes_its_default(tiny, tmp_path):
    "A sweep.json that holds no value for a config field stands for that field's default, not for a change."
    import json
    from dataclasses import replace
    from ghost_nbdev.folders import open_sweep
    out = open_sweep(tmp_path / 's', tiny, {'temperature': [1.0]}, False)
    meta = json.loads((out / 'sweep.json').read_text())
    del meta['base']['validation']
    (out / 'sweep.json').write_text(json.dumps(meta))
    assert open_sweep(out, tiny, {'temperature': [1.0]}, False) == out
    with pytest.raises(ConfigError, match='holds another sweep \\(validation: 0 there, 100 here\\)'):
        open_sweep(out, replace(tiny, validation=100), {'temperature': [1.0]}, False)

def test_every_committed_study_is_the_file_beside_it():
    "Each study file in results/studies/ loads, and the folder it names holds that very study: a copy of the file and its config."
    import json
    from pathlib import Path
    from ghost_nbdev.config import config_to_dict
    from ghost_nbdev.grid import load_study
    from ghost_nbdev.folders import config_diff
    files = sorted((Path(__file__).resolve().parent.parent / 'results' / 'studies').glob('*.toml'))
    assert len(files) >= 19
    for f in files:
        s = load_study(f)
        assert (s.out / 'study.toml').read_text() == s.text, f
        meta = json.loads((s.out / ('sweep.json' if s.space is None else 'search.json')).read_text())
        assert config_diff(meta['base'], config_to_dict(s.cfg)) == [], (f, config_diff(meta['base'], config_to_dict(s.cfg)))
        if s.space is None: assert meta['grid'] == {k: [list(x) if isinstance(x, tuple) else x for x in v] for k, v in s.grid.items()}, f
        else: assert (meta['space'], meta['name']) == (json.loads(json.dumps(s.space)), s.name), f

def test_a_sweep_keeps_each_cells_models_when_asked(tiny, small, tmp_path):
    "save_models: every cell's folder holds its variants' weights, the shared teachers' included, loadable as plain modules."
    from ghost_nbdev.weights import load_models
    t = sweep(Config(**{**tiny.__dict__, 'save_models': True}), {'loss': ['kl', 'mse']}, out=tmp_path / 's', data=small,
              plots=False, log=lambda *a: None)
    for i in (0, 1):
        kept = sorted(p.name for p in (tmp_path / 's' / 'cells' / f'cell-{i:03d}' / 'models').iterdir())
        assert kept == ['cross-ghost.safetensors', 'reference.safetensors', 'student-ghost.safetensors', 'teacher.safetensors']
    teacher = load_models(tmp_path / 's' / 'cells' / 'cell-001', 'teacher')[1]
    acc = (teacher(small.test_x)[:, :10].argmax(1) == small.test_y).double().mean().item()
    assert abs(acc - t.query("cell == 1 and variant == 'teacher' and model == 1").value.item()) < 1e-4

def test_a_group_with_defences_gives_the_numbers_of_separate_runs(tiny, small):
    "Cells that mix in the initial network's or a control teacher's targets share their teachers, and each its own source."
    cfg = Config(**{**tiny.__dict__, 'dtype': 'float64', 'students': ('student-ghost',)})
    cl = cells(cfg, {'mix': [0.5, 0.5, 0.0], 'mix_source': ['init', 'control', 'init']}, zip=True)
    assert len(groups(cl)) == 1
    data = small.to(dtype=torch.float64)
    shared = dict(run_group(groups(cl)[0], data, progress='silent'))
    alone = [run_experiment(c, data, progress='silent').metrics for _, c in cl]
    assert [shared[i].metrics for i in range(3)] == alone
    assert alone[0] != alone[1] != alone[2]  # each source its own targets
