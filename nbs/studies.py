"""How this repository's notebooks run their studies: into `results/studies/`, at full scale, or shrunk for a quick check.

Not part of the package: it knows where this repository keeps its results, and reads `$GHOST_SCALE`.
The notebooks run from `nbs/`, so `from studies import ...` finds it.
"""
import atexit, shutil, tempfile
from pathlib import Path
import pandas as pd
from ghost_nbdev.config import Config, preset, resolve_device, scaled, small_scale
from ghost_nbdev.data import load_data
from ghost_nbdev.sweep import sweep

STUDIES = Path(__file__).resolve().parent.parent / 'results' / 'studies'  # the committed studies
SMALL_DATA = (8192, 2048)  # training and test images of a study at small scale (where no grid cell changes the dataset)

def study_base(**overrides) -> Config:
    "The studies' base: the paper preset, the ghost-logit student and its control, N = 100 on a GPU, 8 elsewhere."
    n = 100 if resolve_device('auto').type == 'cuda' else 8
    return preset('paper', **{'n_models': n, 'students': ('student-ghost', 'cross-ghost'), **overrides})

NOISE_GRID = {'noise': ['uniform', 'gaussian', 'binary', 'blurred', 'digits'],  # every kind, from the preset's pool
              'noise_pool': [60_000] * 4 + [0]}  # and the training images themselves, which have no pool

def study(name:str, cfg:Config, grid:dict, root=STUDIES, **kwargs) -> pd.DataFrame:
    """`sweep(scaled(cfg), grid)` into `root`/`name`-N<n_models>.

    Where `$GHOST_SCALE=small`: into a temporary folder removed when the kernel exits, on the first `SMALL_DATA`
    training and test images (unless the grid changes the dataset), a quick check that the study runs."""
    if small_scale():
        out = Path(tempfile.mkdtemp(prefix=f'{name}-'))
        atexit.register(shutil.rmtree, out, ignore_errors=True)
        if 'dataset' not in grid and 'data' not in kwargs:
            kwargs['data'] = load_data(cfg, resolve_device(cfg.device)).subset(*SMALL_DATA)
    else: out = Path(root) / f'{name}-N{cfg.n_models}'
    table = sweep(scaled(cfg), grid, out=out, **kwargs)
    table.attrs['folder'] = str(out)  # where its cells' full results are: `load_cells`
    return table
