"""How this repository's notebooks run their studies: the study files in `results/studies/`, at full scale, or shrunk for a quick check.

Not part of the package: it knows where this repository keeps its studies, and reads `$GHOST_SCALE`.
The notebooks run from `nbs/`, so `from studies import ...` finds it.
"""
import atexit, shutil, tempfile
from dataclasses import replace
from pathlib import Path
import pandas as pd
from ghost_nbdev.config import resolve_device, scaled, small_scale
from ghost_nbdev.data import load_data
from ghost_nbdev.grid import Study, cells, load_study
from ghost_nbdev.sweep import sweep
from ghost_nbdev.search import SearchResult, search
from ghost_nbdev.compare import compare_markdown, select

STUDIES = Path(__file__).resolve().parent.parent / 'results' / 'studies'  # the committed study files, each beside its folder
SMALL_DATA = (8192, 2048)  # training and test images of a study at small scale (where no grid cell changes the dataset)
SMALL_SEARCH = dict(trials=3, final_models=2)  # a search at small scale: a few trials, a small final run
SMALL_CELLS = 3  # cells a study runs at small scale: its first, middle and last (every cell's settings are still checked)

def study_file(name:str, **overrides) -> Study:
    "The study file `results/studies/<name>.toml`, with `overrides` (those not None) replacing fields of its base."
    return load_study(STUDIES / f'{name}.toml', **{k: v for k, v in overrides.items() if v is not None})

def _small_folder(name:str) -> Path:
    "A temporary folder for a study at small scale, removed when the kernel exits."
    out = Path(tempfile.mkdtemp(prefix=f'{name}-'))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    return out

def small_grid(cfg, grid:dict, zip:bool=False) -> tuple:
    "(grid, zip) of at most `SMALL_CELLS` cells spread over the study's cells (first, middle, last), once every cell's config is checked."
    todo = cells(cfg, grid, zip)  # builds and checks every cell's config: a bad value fails here too
    if len(todo) <= SMALL_CELLS: return grid, zip
    pick = sorted({i * (len(todo) - 1) // (SMALL_CELLS - 1) for i in range(SMALL_CELLS)})
    return {f: [todo[i][0][f] for i in pick] for f in grid}, True

def study(name:str, values:dict=None, out:str=None,
          small:dict=None, # fields the quick version (`$GHOST_SCALE=small`) sets on top of `SMALL`, e.g. two epochs where a cell needs them
          **overrides) -> pd.DataFrame:
    """Run the study file `name` (see `study_file`) into its folder: what `ghost-nbdev sweep results/studies/<name>.toml` does.

    `values` replaces grid values (e.g. {a small CNN's spec: a full-size one's}); `out` is then the folder's name
    beside the study file. Where `$GHOST_SCALE=small`: into a temporary folder removed when the kernel exits, on the
    first `SMALL_DATA` training and test images (unless the grid changes the dataset), `SMALL_CELLS` of its cells (see
    `small_grid`), a quick check that the study runs."""
    s, kwargs = study_file(name, **overrides), {}
    if values: s = replace(s, grid={f: [values.get(v, v) if isinstance(v, str) else v for v in vs] for f, vs in s.grid.items()})
    out = s.out if out is None else STUDIES / out
    if small_scale():
        out = _small_folder(s.name)
        if 'dataset' not in s.grid: kwargs['data'] = load_data(s.cfg, resolve_device(s.cfg.device)).subset(*SMALL_DATA)
    source = s.text + (f"\n# run with these grid values replaced: {values}\n" if values else '')
    cfg, grid, zip = scaled(s.cfg, **(small or {})), s.grid, s.zip
    if small_scale(): grid, zip = small_grid(cfg, grid, zip)
    table = sweep(cfg, grid, out=out, zip=zip, source=source, **kwargs)
    table.attrs['folder'] = str(out)  # where its cells' full results are: `load_cells`
    return table

def search_study(name:str, **overrides) -> SearchResult:
    """Run the search file `name` (see `study_file`) into its folder: what `ghost-nbdev search results/studies/<name>.toml` does.

    Where `$GHOST_SCALE=small`: into a temporary folder, on the first `SMALL_DATA` images, with a validation split of
    at most 1,024 of them and `SMALL_SEARCH`'s trials and final models, a quick check that the search runs."""
    s, kwargs = study_file(name, **overrides), {}
    out = s.out
    if small_scale():
        out = _small_folder(s.name)
        s = replace(s, cfg=scaled(s.cfg, validation=min(s.cfg.validation, 1024)), search={**s.search, **SMALL_SEARCH})
        kwargs['data'] = load_data(s.cfg, resolve_device(s.cfg.device)).subset(*SMALL_DATA)
    return search(s, out=out, **kwargs)

def compared(table:pd.DataFrame, comparisons:dict, metric:str='acc') -> str:
    """`compare_markdown` of a study's `comparisons` ({name: (a, b)}, see `compare`).

    Where `$GHOST_SCALE=small` a study runs only a few of its cells: the comparisons whose cells did not run are
    left out (at full scale every one must select its models)."""
    if small_scale():
        comparisons = {k: (a, b) for k, (a, b) in comparisons.items() if len(select(table, a)) and len(select(table, b))}
        if not comparisons: return 'none of these comparisons has both its cells at small scale'
    return compare_markdown(table, comparisons, metric)

def student(**where) -> dict:
    "A side of a comparison: the ghost-logit students of the cells with `where`'s values."
    return dict(variant='student-ghost', **where)

def control(**where) -> dict:
    "A side of a comparison: the cross-model controls (ghost logits) of the cells with `where`'s values."
    return dict(variant='cross-ghost', **where)

def untrained(**where) -> dict:
    "A side of a comparison: the untrained reference networks of the cells with `where`'s values."
    return dict(variant='reference', **where)
