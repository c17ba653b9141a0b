"""How this repository's notebooks run their studies: the study files in `results/studies/`, at full scale, or shrunk for a quick check.

Not part of the package: it knows where this repository keeps its studies, and reads `$GHOST_SCALE`.
The notebooks run from `nbs/`, so `from studies import ...` finds it.
"""
import atexit, shutil, tempfile
from pathlib import Path
import pandas as pd
from ghost_nbdev.config import resolve_device, scaled, small_scale
from ghost_nbdev.data import load_data
from ghost_nbdev.grid import Study, load_study
from ghost_nbdev.sweep import sweep

STUDIES = Path(__file__).resolve().parent.parent / 'results' / 'studies'  # the committed study files, each beside its folder
SMALL_DATA = (8192, 2048)  # training and test images of a study at small scale (where no grid cell changes the dataset)

def study_file(name:str, **overrides) -> Study:
    "The study file `results/studies/<name>.toml`, with `overrides` (those not None) replacing fields of its base."
    return load_study(STUDIES / f'{name}.toml', **{k: v for k, v in overrides.items() if v is not None})

def study(name:str, **overrides) -> pd.DataFrame:
    """Run the study file `name` (see `study_file`) into its folder: what `ghost-nbdev sweep results/studies/<name>.toml` does.

    Where `$GHOST_SCALE=small`: into a temporary folder removed when the kernel exits, on the first `SMALL_DATA`
    training and test images (unless the grid changes the dataset), a quick check that the study runs."""
    s, kwargs = study_file(name, **overrides), {}
    out = s.out
    if small_scale():
        out = Path(tempfile.mkdtemp(prefix=f'{s.name}-'))
        atexit.register(shutil.rmtree, out, ignore_errors=True)
        if 'dataset' not in s.grid: kwargs['data'] = load_data(s.cfg, resolve_device(s.cfg.device)).subset(*SMALL_DATA)
    table = sweep(scaled(s.cfg), s.grid, out=out, zip=s.zip, source=s.text, **kwargs)
    table.attrs['folder'] = str(out)  # where its cells' full results are: `load_cells`
    return table
