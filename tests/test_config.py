"Every bad setting is refused with a message that names it; devices and presets resolve as documented."
import warnings
import pytest, torch
from ghost_nbdev.config import Config, ConfigError, preset, resolve_device, config_from_dict, config_to_dict

BAD = [
    (dict(m_ghost=0), 'm_ghost=0'),
    (dict(m_ghost=-2), 'm_ghost'),
    (dict(temperature=0.0), 'temperature'),
    (dict(temperature=-1.0), 'temperature'),
    (dict(lr=0.0), 'learning rate'),
    (dict(lr=-3e-4), 'learning rate'),
    (dict(batch_size=0), 'batch_size'),
    (dict(teacher_epochs=-1), 'teacher_epochs'),
    (dict(student_epochs=-1), 'student_epochs'),
    (dict(hidden=()), 'hidden'),
    (dict(hidden=(256, 0)), 'hidden'),
    (dict(hidden=(-1,)), 'hidden'),
    (dict(n_models=0), 'n_models'),
    (dict(n_models=1.5), 'n_models must be int'),
    (dict(noise='gauss'), 'noise'),
    (dict(pool_size=0), 'pool_size'),
    (dict(pool_size=10**7), 'distinct images'),
    (dict(init='xavier'), 'init'),
    (dict(students=('teacher',)), 'unknown student'),
    (dict(students=('student-ghost', 'student-ghost')), 'once'),
    (dict(device='gpu'), 'device'),
    (dict(dtype='float16'), 'dtype'),
    (dict(eval_every=-1), 'eval_every'),
    (dict(seed='zero'), 'seed must be int'),
]

@pytest.mark.parametrize('kw,why', BAD, ids=[str(k) for k, _ in BAD])
def test_bad_values_are_refused(kw, why):
    with pytest.raises(ConfigError, match=why.replace('(', r'\(').replace(')', r'\)')):
        Config(**kw)

def test_one_ghost_logit_warns_but_runs():
    with pytest.warns(UserWarning, match='exactly zero'): Config(m_ghost=1)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        Config(m_ghost=1, students=('student-all', 'cross-all'))

def test_presets():
    p = preset('paper')
    assert (p.batch_size, p.init, p.noise, p.n_models, len(p.students)) == (1024, 'normal', 'pool', 100, 4)
    assert preset('paper', n_models=3).n_models == 3
    with pytest.raises(ConfigError, match=r"known presets: \['paper', 'seed'\]"): preset('nope')
    with pytest.raises(ConfigError, match='unknown config field'): preset('seed', n_model=3)

def test_round_trip_and_unknown_keys():
    cfg = preset('paper', n_models=7)
    assert config_from_dict(config_to_dict(cfg)) == cfg
    with pytest.raises(ConfigError, match='unknown config key'): config_from_dict({'lrate': 1.0})

def test_devices(monkeypatch):
    assert resolve_device('cpu') == torch.device('cpu')
    monkeypatch.setenv('GHOST_DEVICE', 'cpu')
    assert resolve_device('auto') == torch.device('cpu')
    monkeypatch.setenv('GHOST_DEVICE', 'quantum')
    with pytest.raises(ConfigError, match='GHOST_DEVICE'): resolve_device('auto')
    monkeypatch.delenv('GHOST_DEVICE')
    with pytest.raises(ConfigError, match='unknown device'): resolve_device('gpu')
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match='CUDA is not available'): resolve_device('cuda')
