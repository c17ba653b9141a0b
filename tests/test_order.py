"The notebooks tell one story in dependency order: each uses only what the notebooks before it define."
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORT = re.compile(r'^\s*(?:from ghost_nbdev\.(\w+) import|import ghost_nbdev\.(\w+))', re.M)

def place(prefix:str) -> tuple:
    "A notebook's place in the story from its prefix: '14' -> (14, ''), '14a' -> (14, 'a'), after 14 and before 15."
    return int(prefix.rstrip('abcdefghijklmnopqrstuvwxyz')), prefix.lstrip('0123456789')

def module_notebooks() -> dict:
    "{module: its notebook's number}, from the header nbdev writes into every module."
    out = {}
    for p in (ROOT / 'ghost_nbdev').glob('*.py'):
        m = re.search(r'File to edit: \.\./nbs/(\d+[a-z]?)_', p.read_text())
        if m: out[p.stem] = place(m.group(1))
    return out

def late_imports(nbs_dir:Path, owner:dict) -> list:
    "(notebook, module, its notebook) for every import of a module defined in a later notebook."
    bad = []
    for nb in sorted(nbs_dir.rglob('[0-9]*.ipynb')):  # the research notebooks in their folder too
        n = place(nb.name.split('_')[0])
        for c in json.loads(nb.read_text())['cells']:
            if c['cell_type'] != 'code': continue
            for m in IMPORT.finditer(''.join(c['source'])):
                mod = m.group(1) or m.group(2)
                if owner.get(mod, (-1, '')) > n: bad.append((nb.name, mod, owner[mod]))
    return bad

def test_each_notebook_uses_only_earlier_notebooks():
    owner = module_notebooks()
    assert len(owner) >= 15, owner
    assert late_imports(ROOT / 'nbs', owner) == []

def test_the_check_finds_a_late_import(tmp_path):
    "The check itself: a notebook importing a later notebook's module is reported."
    cell = dict(cell_type='code', source=['from ghost_nbdev.sweep import sweep\n'], metadata={}, outputs=[])
    (tmp_path / '01_early.ipynb').write_text(json.dumps(dict(cells=[cell])))
    assert late_imports(tmp_path, {'sweep': (13, '')}) == [('01_early.ipynb', 'sweep', (13, ''))]
    assert place('14a') > place('14') and place('14a') < place('15')

def test_no_module_depends_on_the_repository_layout():
    "The package never reaches into the repository's folders (results/, nbs/): notebooks and scripts do."
    for p in (ROOT / 'ghost_nbdev').glob('*.py'):
        if p.name == '_modidx.py': continue
        code = '\n'.join(l for l in p.read_text().splitlines() if not l.startswith('# '))
        assert "results/" not in code and "'../" not in code, p.name
