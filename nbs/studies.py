"""How this repository's notebooks run their studies: into `results/studies/`, at full scale, or shrunk for a quick check.

Not part of the package: it knows where this repository keeps its results, and reads `$GHOST_SCALE`.
The notebooks run from `nbs/`, so `from studies import ...` finds it.
"""
import tempfile
from pathlib import Path
import pandas as pd
from ghost_nbdev.config import Config, preset, resolve_device, scaled, small_scale
from ghost_nbdev.results import VARIANTS, summarize
from ghost_nbdev.sweep import sweep

STUDIES = Path(__file__).resolve().parent.parent / 'results' / 'studies'  # the committed studies

def study_base(**overrides) -> Config:
    "The studies' base: the paper preset, the ghost-logit student and its control, N = 100 on a GPU, 8 elsewhere."
    n = 100 if resolve_device('auto').type == 'cuda' else 8
    return preset('paper', **{'n_models': n, 'students': ('student-ghost', 'cross-ghost'), **overrides})

NOISE_GRID = {'noise': ['uniform', 'gaussian', 'binary', 'blurred', 'digits'],  # every kind, from the preset's pool
              'noise_pool': [60_000] * 4 + [0]}  # and the training images themselves, which have no pool

def study(name:str, cfg:Config, grid:dict, root=STUDIES, **kwargs) -> pd.DataFrame:
    "`sweep(scaled(cfg), grid)` into `root`/`name`-N<n_models>, or into a temporary folder where `$GHOST_SCALE=small`."
    out = Path(tempfile.mkdtemp(prefix=f'{name}-')) if small_scale() else Path(root) / f'{name}-N{cfg.n_models}'
    table = sweep(scaled(cfg), grid, out=out, **kwargs)
    table.attrs['folder'] = str(out)  # where its cells' full results are: `load_cells`
    return table

def study_markdown(table:pd.DataFrame, fields:list, metric:str='acc', variants:tuple=None) -> str:
    "A Markdown table of a study: a row per value of `fields`, a column per variant, mean ± 95% CI over models."
    t = table[table.metric == metric]
    variants = variants or tuple(v for v in VARIANTS if v in set(t.variant) and v not in ('reference',))
    s = summarize(t[t.variant.isin(variants)], [*fields, 'variant'])
    n = int(t['n_models'].iloc[0]) if len(t) else 0
    head = '| ' + ' | '.join(fields) + ' | ' + ' | '.join(VARIANTS.get(v, v) for v in variants) + ' |'
    rows = [head, '|' + '---|' * (len(fields) + len(variants))]
    for key, g in s.groupby(fields, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        row = []
        for v in variants:
            r = g[g.variant == v]
            row.append('' if r.empty or pd.isna(r['mean'].iloc[0]) else
                       f"{r['mean'].iloc[0]:.3f} ± {0 if pd.isna(r['ci95'].iloc[0]) else r['ci95'].iloc[0]:.3f}")
        rows.append('| ' + ' | '.join(map(str, key)) + ' | ' + ' | '.join(row) + ' |')
    return f"{metric}, mean ± 95 % CI over {n} models per cell:\n\n" + '\n'.join(rows)
