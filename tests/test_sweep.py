"Sweeps: grids refused before any cell runs, shared teachers give the numbers of separate runs, resumable, tidy."
import pandas as pd
import pytest, torch
from ghost_nbdev.config import Config, ConfigError
from ghost_nbdev.experiment import run_experiment
from ghost_nbdev.sweep import sweep, parse_grid, cells, groups, run_group, load_sweep, LocalExecutor

@pytest.fixture(scope='module')
def tiny(): return Config(n_models=2, teacher_epochs=1, student_epochs=1, student_images=1024, device='cpu')

@pytest.fixture(scope='module')
def small(data): return data.subset(4_096)

def test_bad_grids_are_refused_before_anything_runs(tiny, tmp_path):
    with pytest.raises(ConfigError, match="unknown field 'm_ghots' in the grid; fields that can be swept: \\['batch_size'"):
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

def test_table_resume_and_interruption(tiny, small, tmp_path):
    grid = {'m_ghost': [2, 3], 'temperature': [1.0, 2.0]}
    class Interrupted(LocalExecutor):
        def run(self, units, data, progress, on_result, log=print):
            for j, unit in enumerate(units):
                for i, res in __import__('ghost_nbdev.sweep', fromlist=['run_group']).run_group(unit, data, progress):
                    if j == 1: raise KeyboardInterrupt
                    on_result(i, res)
    with pytest.raises(KeyboardInterrupt): sweep(tiny, grid, out=tmp_path / 's', data=small, executor=Interrupted(), plots=False)
    assert sorted(p.name for p in (tmp_path / 's' / 'cells').iterdir()) == ['cell-000', 'cell-001']  # whole cells only
    lines = []
    t = sweep(tiny, grid, out=tmp_path / 's', data=small, plots=False, log=lines.append)
    assert lines[0].endswith('2 of 4 cells already done, 2 to run') and len(lines) == 3
    assert len(t) == 4 * 2 * 4 and not t.duplicated(['cell', 'variant', 'model', 'metric']).any()
    assert {'m_ghost', 'temperature', 'lr', 'hidden', 'variant', 'model', 'metric', 'value'} <= set(t.columns)
    whole = sweep(tiny, grid, out=tmp_path / 'whole', data=small, plots=False, log=lambda *a: None)
    pd.testing.assert_frame_equal(t, whole)
    pd.testing.assert_frame_equal(load_sweep(tmp_path / 's'), t)
    with pytest.raises(ConfigError, match='holds another sweep'): sweep(tiny, {'m_ghost': [2]}, out=tmp_path / 's')
