"""Numbers typed in the notebooks' prose must come from a run: each is found among the notebook's own outputs,
its code, or the results files it cites.

A typed number is a decimal in a Markdown cell (`0.496`, `85.4 s`, `95.47 %`); integers (N = 8, m = 3, 5 epochs)
are settings and counts, not measurements, and are not checked. A typed `mean ± half-width` must match one
such pair of the sources (a table cell `0.496 ± 0.101`, a summary row's mean and ci95), and a typed `[lo, hi]`
one interval, each number with its sign; any other number must be a rounding of a number shown in the
notebook (its outputs and code) or held in a results file it cites by name, at the decimals it is typed with
(0.50 is found where 0.4963 is; a percentage where its fraction is), with its sign where it is typed with one.
Such a lone number is not looked for among the per-model and per-cell values of a cited folder or CSV table
(they are pooled: their pairs and intervals count, their lone numbers do not): they are so many that almost
any number would be near one of them. Quoted numbers that no run of ours
made (the paper's figure, a follow-up's claim) are listed with their source in `prose_sources.toml`.

Run `python tests/prose_numbers.py [NOTEBOOK ...]` to list what is not found, with the nearest pair or number
of the sources as a hint; `tests/test_prose_numbers.py` fails on any.
"""
import json, re, sys, tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDIES = ROOT / 'results' / 'studies'
SOURCES = Path(__file__).resolve().parent / 'prose_sources.toml'

NUM = r'[-+−]?\d+\.\d+'
DECIMAL = re.compile(rf'(?<![\w.\d]){NUM}(?![\d.]*\d)(?!\.\d)')
PAIR = re.compile(rf'({NUM})\s*±\s*({NUM})')
INTERVAL = re.compile(rf'\[\s*({NUM})\s*,\s*({NUM})\s*\]')
PERCENT = re.compile(r'\s*(?:(?:to|and|–|-)\s*\d+(?:\.\d+)?\s*)?%')  # '95 %', and the first number of '94.7 to 95.3 %'
ARXIV = re.compile(r'\b(?:arXiv|arxiv)[\s:]*\d{4}\.\d{4,5}|\b\d{4}\.\d{5}\b')
VERSION = re.compile(r'\d+(?:\.\d+){2,}')  # 2.4.14, 0.1.0: versions, not measurements
CITED = re.compile(r"results/[\w./{}-]+|'([\w.-]+)'|\b(?:study|study_file|search_study)\('([\w-]+)'")


def value(text:str) -> float: return float(text.replace('−', '-'))
def decimals(text:str) -> int: return len(text.split('.')[1])


def prose(md:str) -> str:
    "A Markdown cell's text without what is not prose: code, link targets, arXiv numbers and versions."
    md = re.sub(r'```.*?```', ' ', md, flags=re.S)
    md = re.sub(r'`[^`]*`', ' ', md)
    md = re.sub(r'\]\([^)]*\)', '] ', md)
    md = re.sub(r'<[^>]+>', ' ', md)
    md = ARXIV.sub(' ', md)
    return VERSION.sub(' ', md)


@dataclass
class Sources:
    "What a notebook's typed numbers may come from: numbers, (mean, half-width) pairs and (lo, hi) intervals."
    numbers:set # shown in the notebook or held in a cited file: what a lone typed number may come from
    pairs:set
    intervals:set

    def add_text(self, text:str, pooled:bool=False):
        numbers = set() if pooled else self.numbers  # a pooled text's pairs and intervals count, its lone numbers do not
        numbers.update(value(m.group()) for m in DECIMAL.finditer(text))
        numbers.update(float(m) for m in re.findall(r'(?<![\w.])\d+(?![\w.])', text))  # integers of the sources too
        numbers.update(float(m) for m in re.findall(r'\d+(?:\.\d+)?[eE][-+]?\d+', text))
        self.pairs.update((value(a), value(b)) for a, b in PAIR.findall(text))
        self.intervals.update((value(a), value(b)) for a, b in INTERVAL.findall(text))

    def add_json(self, obj, pooled:bool=False):
        if isinstance(obj, dict):
            for v in obj.values(): self.add_json(v, pooled)
        elif isinstance(obj, list):
            for v in obj: self.add_json(v, pooled)
        elif isinstance(obj, (int, float)) and not isinstance(obj, bool) and not pooled: self.numbers.add(float(obj))
        elif isinstance(obj, str): self.add_text(obj, pooled)

    def add_summary(self, path:Path, pooled:bool=False):
        "A summary.csv: every number, each row's (mean, ci95) as a pair and (lo, hi) as an interval."
        import pandas as pd
        s = pd.read_csv(path)
        for c in s.columns:
            if pd.api.types.is_numeric_dtype(s[c]) and not pooled: self.numbers.update(float(v) for v in s[c].dropna())
        if {'mean', 'ci95'} <= set(s.columns):
            self.pairs.update((float(m), float(h)) for m, h in zip(s['mean'], s['ci95'].fillna(0)))
        if {'lo', 'hi'} <= set(s.columns):
            self.intervals.update((float(a), float(b)) for a, b in zip(s['lo'], s['hi']) if a == a)

    def add_folder(self, folder:Path):
        "A results folder: its summaries, its JSON files and its study file (not its per-model tables); pooled."
        for p in [folder / 'summary.csv', *sorted(folder.glob('cells/*/summary.csv'))]:
            if p.exists(): self.add_summary(p, pooled=True)
        for p in [*folder.glob('*.json'), *folder.glob('cells/*/results.json')]:
            d = json.loads(p.read_text())
            self.add_json({k: v for k, v in d.items() if k != 'history'} if isinstance(d, dict) else d, pooled=True)
        for p in folder.glob('*.toml'): self.add_text(p.read_text())


def cited(text:str) -> list:
    "The results files and folders a notebook's text names: paths under results/, quoted names of its files and study folders, study names."
    out = []
    for m in CITED.finditer(text):
        path, name, study = m.group(0), m.group(1), m.group(2)
        if study: out += [STUDIES / f'{study}.toml', *STUDIES.glob(f'{study}-N*')]
        elif name: out += [STUDIES / name, ROOT / 'results' / name]  # a quoted folder or file name: 'loss-N8', 'bench-single-cpu.json'
        else: out.append(ROOT / path.rstrip('.'))
    return [p for p in dict.fromkeys(out) if p.exists()]


def sources(nb:dict) -> Sources:
    "The notebook's outputs and code, and the results files it cites."
    s = Sources(set(), set(), set())
    for c in nb['cells']:
        src = ''.join(c['source'])
        if c['cell_type'] == 'code': s.add_text(src)
        for o in c.get('outputs', []):
            s.add_text(''.join(o.get('text', '')))
            for kind, data in o.get('data', {}).items():
                if kind.startswith('text/'): s.add_text(''.join(data))
        for p in cited(src):
            if p.is_dir(): s.add_folder(p)
            elif p.suffix == '.json': s.add_json(json.loads(p.read_text()))
            elif p.suffix == '.csv': s.add_summary(p, pooled=True)  # a table of many rows, as a folder's
            else: s.add_text(p.read_text())
    return s


def signed(text:str) -> bool: return text[0] in '+-−'

def near(t:str, x:float, percent:bool=False, sign:bool=True) -> bool:
    "Is the typed `t` a rounding of `x` (or of 100·x, for a percentage), at its decimals? With its sign if `sign`, else by size."
    v, tol = value(t), 0.5 * 10 ** -decimals(t) + 1e-9
    if not sign: v, x = abs(v), abs(x)
    return abs(x - v) <= tol or (percent and abs(100 * x - v) <= tol)


def typed(md:str) -> list:
    "The typed numbers of a Markdown cell: ('pair', a, b), ('interval', a, b) and ('number', a, percent?)."
    text, out = prose(md), []
    taken = []
    for kind, rx in (('pair', PAIR), ('interval', INTERVAL)):
        for m in rx.finditer(text):
            out.append((kind, m.group(1), m.group(2))); taken.append(m.span())
    for m in DECIMAL.finditer(text):
        if any(a <= m.start() < b for a, b in taken): continue
        out.append(('number', m.group(), bool(PERCENT.match(text, m.end()))))
    return out


def found(item:tuple, s:Sources) -> bool:
    kind, a, b = item
    if kind == 'number': return any(near(a, x, b, sign=signed(a)) for x in s.numbers)
    pool = s.pairs if kind == 'pair' else s.intervals
    return any(near(a, x) and near(b, y) for x, y in pool)


def hint(item:tuple, s:Sources) -> str:
    "The source closest to a number not found: a pair with its mean, an interval with its ends, or a number."
    kind, a, b = item
    if kind == 'number':
        best = min(s.numbers, key=lambda x: abs(x - value(a)), default=None)
        return '' if best is None else f'nearest: {best:.6g}'
    pool = s.pairs if kind == 'pair' else s.intervals
    best = sorted(pool, key=lambda p: abs(p[0] - value(a)) + abs(p[1] - value(b)))[:2]
    return 'nearest: ' + ', '.join(f'{x:.4g} {"±" if kind == "pair" else "to"} {y:.4g}' for x, y in best)


def show(item:tuple) -> str:
    kind, a, b = item
    return {'pair': f'{a} ± {b}', 'interval': f'[{a}, {b}]'}.get(kind, f"{a}{' %' if b is True else ''}")


def quoted() -> dict:
    "{notebook: {number as typed: where it comes from}}: numbers quoted from outside the project's runs."
    return tomllib.loads(SOURCES.read_text()) if SOURCES.exists() else {}


def unfound(path:Path, allowed:dict=None) -> list:
    "(cell id, typed number, hint) for every typed number of the notebook at `path` that its sources do not hold."
    nb = json.loads(Path(path).read_text())
    s, allowed = sources(nb), (quoted() if allowed is None else allowed).get(Path(path).name, {})
    out = []
    for c in nb['cells']:
        if c['cell_type'] != 'markdown': continue
        for item in typed(''.join(c['source'])):
            if show(item) in allowed or found(item, s): continue
            out.append((c.get('id', '?'), show(item), hint(item, s)))
    return out


def notebooks() -> list: return sorted((ROOT / 'nbs').rglob('*.ipynb'))


if __name__ == '__main__':
    paths = [Path(p) for p in sys.argv[1:]] or notebooks()
    total = 0
    for p in paths:
        bad = unfound(p)
        total += len(bad)
        for cid, t, h in bad: print(f'{p.name} [{cid}]: {t}   ({h})')
    print(f'{total} typed number(s) not found in their notebooks\' outputs, code or cited results')
    sys.exit(1 if total else 0)
