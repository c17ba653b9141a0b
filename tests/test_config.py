"""Every bad setting is refused with a message that names it: the full list of refusals, field by field.

The examples that explain a config (conversions, presets, round trips, derived views, the scale) are tested
beside them in nbs/06_config.ipynb; devices in nbs/07_device.ipynb."""
import math
import pytest
from ghost_nbdev.config import Config, ConfigError

BAD = [
    (dict(m_ghost=0), 'm_ghost=0'), (dict(m_ghost=-2), 'm_ghost'),
    (dict(temperature=0.0), 'temperature'), (dict(temperature=-1.0), 'temperature'),
    (dict(lr=0.0), 'learning rate'), (dict(lr=-3e-4), 'learning rate'),
    (dict(lr=math.inf), 'lr=inf: must be a finite number'), (dict(lr=math.nan), 'finite'),
    (dict(student_lr=math.inf), 'finite'), (dict(student_lr=math.nan), 'finite'), (dict(weight_decay=math.inf), 'finite'),
    (dict(batch_size=0), 'batch_size'), (dict(student_batch_size=0), 'student_batch_size'),
    (dict(teacher_epochs=-1), 'teacher_epochs'), (dict(student_epochs=-1), 'student_epochs'),
    (dict(hidden=()), 'hidden'), (dict(hidden=(256, 0)), 'hidden'), (dict(hidden=(-1,)), 'hidden'),
    (dict(student_hidden=(0,)), 'student_hidden'), (dict(student_hidden=(-3,)), 'student_hidden'),
    (dict(n_models=0), 'n_models'), (dict(n_models=1.5), 'n_models must be int'),
    (dict(noise='pink'), "choose one of ['binary', 'blurred', 'digits', 'gaussian', 'perlin', 'spectrum', 'uniform']"),
    (dict(noise='perlin', noise_res=28), 'noise_res=28: a Perlin lattice of 28 cells per side: keep it from 1 to 27'),
    (dict(noise='perlin', noise_res=8, noise_octaves=3), 'noise_octaves=3: the finest of 3 octaves has 32 cells per side'),
    (dict(noise='perlin', noise_res=0), 'noise_res=0'),
    (dict(noise='perlin', noise_octaves=0), 'noise_octaves=0: use 1 to 4 octaves'), (dict(noise='perlin', noise_octaves=5), 'use 1 to 4'),
    (dict(arch=''), "arch='': '' names no layer"), (dict(student_arch='-'), "student_arch='-': '-' names no layer"),
    (dict(teacher_layers='ghost'), "the teacher's loss reaches only its class logits"),
    (dict(student_layers='class'), "['student-ghost', 'cross-ghost'] distil only the ghost logits"),
    (dict(arch='conv0k5'), "arch='conv0k5': layer 1 'conv0k5' of 'conv0k5-fc13': a convolution needs at least one channel"),
    (dict(arch='conv8k29'), "a 29×29 kernel does not fit its 28×28 input"),
    (dict(arch='fc64-conv8k3'), "arch='fc64-conv8k3': layer 2 'conv8k3' of 'fc64-conv8k3-fc13': needs an image"),
    (dict(arch='conv8k3x'), "arch='conv8k3x': layer 1 of 'conv8k3x': 'conv8k3x' is not a layer"),
    (dict(student_arch='conv8k5-pool2-pool2-pool2-pool2-pool2'), "layer 6 'pool2' of 'conv8k5-pool2-pool2-pool2-pool2-pool2-fc13': a 2×2 pool does not fit its 1×1 input"),
    (dict(arch='fc128', hidden=(64,)), "arch and hidden=(64,) both give the teacher's hidden layers: set one"),
    (dict(student_arch='fc128', student_hidden=(64,)), "student_arch and student_hidden=(64,) both give"),
    (dict(arch='conv8k5-fc64', teacher_layers='4'), 'layers 1 to 3'),
    (dict(share='ghost', student_hidden=(128,)), "share='ghost': student layer(s) ['ghost'] have no teacher layer of the same kind and shape"),
    (dict(share='hidden+ghost', student_arch='conv8k5-fc128'), "student layer(s) ['ghost'] have no teacher layer"),
    (dict(student_layers='gost'), 'not a layer spec'),
    (dict(noise_scale=0.0), 'noise_scale'), (dict(noise_blur=-1.0), 'noise_blur'),
    (dict(noise_pool=-1), 'noise_pool'), (dict(validation=-1), 'validation'), (dict(noise_pool=10**7), 'distinct images'),
    (dict(noise_pool=100, student_images=200), 'at most the 100 images'),
    (dict(noise='digits', noise_pool=100), 'leave noise_pool at 0'),
    (dict(init='xavier'), 'init'), (dict(loss='hinge'), "choose one of ['kl', 'mse', 'reverse-kl']"),
    (dict(dataset='kmnist'), "dataset='kmnist'"),
    (dict(n_classes=11), 'mnist has 10 classes'), (dict(n_classes=1), 'n_classes'),
    (dict(metrics=('acc', 'f1')), "unknown metric(s) ['f1']"), (dict(metrics=()), 'metrics'),
    (dict(students=['student-ghost', 'teacher']), 'unknown student'), (dict(students=('student-ghost', 'student-ghost')), 'once'),
    (dict(share='4'), 'layers 1 to 3'), (dict(share='first'), 'not a layer spec'),
    (dict(student_layers='none'), 'trains no layer'), (dict(teacher_layers='0'), 'do not exist'),
    (dict(student_hidden=(128, 256), share='1'), 'no teacher layer of the same kind and shape'),
    (dict(share_alpha=1.5), 'share_alpha'), (dict(share_sigma=-0.1), 'share_sigma'),
    (dict(init_scale=0.0), 'init_scale=0.0: must be > 0'), (dict(init_scale=-2.0), 'init_scale'),
    (dict(noise_mix=1.5), 'noise_mix=1.5: mix with 0 <= λ <= 1'), (dict(noise='digits', noise_mix=0.5), 'leave noise_mix at 0'), (dict(noise='digits', noise_shift=-0.7), 'leave noise_shift at 0'), (dict(noise_shift=math.nan), 'finite'),
    (dict(project='gradient'), "project='gradient': choose one of ['layer', 'network', 'none', 'random-layer', 'random-network']"),
    (dict(project='network', student_hidden=(128,)), "project='network': no layer the students train pairs with a teacher layer"),
    (dict(project='random-layer', student_hidden=(128,)), "project='random-layer': no layer the students train pairs with a teacher layer"),
    (dict(aux_tasks=('odd',)), "aux_tasks=('odd',): unknown task(s) ['odd']"),
    (dict(aux_tasks=('parity', 'parity')), 'each task may appear once'),
    (dict(aux_tasks=('ge5',), n_classes=5), "aux_tasks=('ge5',): ['ge5'] give each of the first 5 classes the same label"),
    (dict(aux_tasks=('parity',), aux_head='mod3'), "aux_head='mod3': choose one of ['all', 'parity']"),
    (dict(students=('student-aux',)), "['student-aux'] distil through the aux logits, but the teacher has no auxiliary heads"),
    (dict(aux_tasks=('parity',), m_ghost=0), "['student-ghost', 'cross-ghost'] distil through the ghost logits, but the teacher has no ghost logits"),
    (dict(aux_tasks=('parity',), m_ghost=-1), 'm_ghost=-1'),
    (dict(aux_tasks=('parity',), share='hidden+ghost'), "share='hidden+ghost': a network with auxiliary heads trains and shares its output layer whole"),
    (dict(aux_tasks=('parity',), student_layers='ghost'), "student_layers='ghost': a network with auxiliary heads trains and shares its output layer whole"),
    (dict(weight_decay=-1e-4), 'weight decay'), (dict(decay='l1'), 'decay'),
    (dict(device='gpu'), 'device'), (dict(dtype='float16'), 'dtype'), (dict(precision='bf16'), 'precision'),
    (dict(eval_every=-1), 'eval_every'), (dict(seed='zero'), 'seed must be int'), (dict(preset='mine'), 'preset'),
]

@pytest.mark.parametrize('kw,why', BAD, ids=[str(k) for k, _ in BAD])
def test_bad_values_are_refused(kw, why):
    with pytest.raises(ConfigError) as e: Config(**kw)
    assert why in str(e.value), str(e.value)
