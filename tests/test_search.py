"A search killed mid-trial and started again: it loses at most the running trial and never runs one twice."
import subprocess, sys
import pandas as pd
import pytest

STUDY = """[study]
name = "killed"

[base]
n_models = 2
teacher_epochs = 1
student_epochs = 1
student_images = 1024
validation = 1024
device = "cpu"

[space]
loss = ["kl", "mse"]
student_lr = {low = 1e-4, high = 1e-2, log = true}

[search]
trials = 5
sampler = "random"
"""

# The first run: the search's own log line for trial 2 kills its process (SIGKILL, no clean-up of any kind), so the
# kill lands mid-trial by construction, after Optuna stored the trial as running and before any of its work.
FIRST = """
import os, signal, sys
from ghost_nbdev.config import Config
from ghost_nbdev.data import load_data
from ghost_nbdev.grid import load_study
from ghost_nbdev.search import search
study = load_study(sys.argv[1])
data = load_data(study.cfg, 'cpu').subset(4096, 1024)
def log(line):
    print(line, flush=True)
    if line.startswith('trial 2 running'): os.kill(os.getpid(), signal.SIGKILL)
search(study, data=data, log=log)
"""

def test_a_killed_search_resumes_without_losing_or_repeating_trials(tmp_path, data_root):
    from ghost_nbdev.data import load_data
    from ghost_nbdev.grid import load_study
    from ghost_nbdev.search import search
    (tmp_path / 's.toml').write_text(STUDY)
    r = subprocess.run([sys.executable, '-c', FIRST, tmp_path / 's.toml'], capture_output=True, text=True, cwd=tmp_path,
                       timeout=3600)  # a guard against a hang, not a time limit
    assert r.returncode == -9, r.stderr  # killed, as planned
    assert [l.split(' running')[0] for l in r.stdout.splitlines() if ' running' in l] == ['trial 0', 'trial 1', 'trial 2']
    out = tmp_path / 'searches' / 'killed'  # the default folder, under the working directory

    study = load_study(tmp_path / 's.toml')
    lines = []
    res = search(study, out=out, data=load_data(study.cfg, 'cpu').subset(4096, 1024), plots=False, log=lines.append)
    assert lines[0] == 'trial 2 was running when the search stopped: counted as failed, its settings queued again'
    t = pd.read_csv(out / 'trials.csv')
    assert list(t.state) == ['COMPLETE', 'COMPLETE', 'FAIL', 'COMPLETE', 'COMPLETE', 'COMPLETE']
    params = [c for c in t.columns if c.startswith('params_')]
    assert t.loc[3, params].tolist() == t.loc[2, params].tolist()  # the lost trial's settings, run again
    done = t[t.state == 'COMPLETE']
    assert not done.duplicated(params).any(), done  # no settings run twice (a resumed sampler draws new ones)
    assert sorted(p.name for p in (out / 'cells').iterdir()) == [f'cell-{i:03d}' for i in done.number]
    assert set(pd.read_csv(out / 'table.csv').trial) == set(done.number)
    from ghost_nbdev.folders import load_cells
    assert {(r.meta['n_train'], r.meta['n_test']) for r in load_cells(out).values()} == {(3072, 1024)}
    assert res.best['value'] == done.value.max()
    assert [l.split(' running')[0] for l in lines if ' running (' in l] == ['trial 3', 'trial 4', 'trial 5']  # only what was missing
