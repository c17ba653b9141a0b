"The Ray executor: a group whose task fails every time is reported by `SweepFailed`, and the other groups' cells are saved."
import sys
import pytest, ray
from ghost_nbdev.config import Config
from ghost_nbdev.sweep import sweep
from ghost_nbdev.folders import load_cells
from ghost_nbdev.distributed import RayExecutor, SweepFailed, run_unit

ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the Ray workers cannot import this test module

def fail_group_of_cell_0(unit:list, data, progress) -> list:
    "A sweep task that raises, on every attempt, for the group holding cell 0, and runs the other groups."
    if any(i == 0 for i, _, _ in unit): raise RuntimeError('injected fault in the group of cell 0')
    return run_unit(unit, data, progress)

def test_a_group_that_always_fails_is_reported_and_the_others_are_saved(data, tmp_path):
    cfg = Config(n_models=2, teacher_epochs=1, student_epochs=1, student_images=1024, device='cpu',
                 students=('student-ghost', 'cross-ghost'))
    grid = {'m_ghost': [2, 3], 'temperature': [1.0, 2.0]}  # two groups: cells 0, 1 (m=2) and 2, 3 (m=3)
    out, lines = tmp_path / 's', []
    with pytest.raises(SweepFailed) as e:
        sweep(cfg, grid, out=out, data=data.subset(4096), executor=RayExecutor(num_cpus=2, max_retries=1, task=fail_group_of_cell_0),
              plots=False, log=lines.append)
    msg = str(e.value)
    assert msg.startswith('2 cell(s) failed, e.g. [0] m_ghost=2 temperature=1.0: ') and 'injected fault in the group of cell 0' in msg
    assert 'the other cells are saved' in msg
    assert sorted(load_cells(out)) == [2, 3]  # the other group finished and is in the sweep folder
    failed = [l.split(' failed: ')[0] for l in lines if ' failed: ' in l]
    assert failed == ['cell [0] m_ghost=2 temperature=1.0', 'cell [1] m_ghost=2 temperature=2.0']  # logged, cell by cell
