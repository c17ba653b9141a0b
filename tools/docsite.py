#!/usr/bin/env python
"""The documentation site in `docs/` and the README, built from the notebooks' stored outputs, offline and without Quarto.

    python tools/docsite.py build    # the site into docs/ (make docs)
    python tools/docsite.py readme   # README.md from nbs/index.ipynb (make readme)
    python tools/docsite.py check    # both current, every page sound in headless Chromium (make check-docs)

nbdev turns notebooks into a site in two stages: it *processes* each notebook (runs the `show_doc` cells, applies
the `#|` directives, drops hidden cells), then hands the result to Quarto to *render* HTML. Quarto is a separate
binary that cannot always be installed, so this script keeps nbdev's first stage exactly and renders the second with
`smalldocs`, a pure-Python renderer of Quarto projects. The steps of `build_site`:

1. nbdev writes `_quarto.yml`, `nbdev.yml` and `sidebar.yml` from `settings.ini` and the notebooks;
2. nbdev processes every notebook into `_proc/`;
3. pages are renamed to the URLs nbdev gives them (`06_config.ipynb` becomes `config.html`), links and sidebar too;
4. smalldocs renders `_proc/` strictly: a broken link or a missing page is an error. The build is reproducible (the
   same notebooks give the same bytes, no sitemap with build dates), so CI can check that `docs/` is current;
5. the search index is also written as a script, so the site works from `docs/index.html` with no server;
6. the finished site replaces `docs/` in one rename.

`check` rebuilds README and site in a scratch folder and fails if the committed ones differ (a notebook edited and
not rebuilt), then opens every page from disk in headless Chromium (Selenium, Debian's `chromium-driver`) and fails
if an image does not load, the experiment page lacks its table or plot, or search finds nothing for "ghost".

This is the repository's tooling, not part of the package: it needs nbconvert, smalldocs and selenium (the
development tools, `pip install -e ".[dev]"`). The package keeps only the `show_doc` renderer nbdev needs
(`ghost_nbdev.render.DocRenderer`).
"""
import re, shutil, sys, tempfile
from pathlib import Path


def page_name(nb:str) -> str:
    "The page nbdev makes of notebook `nb`: its name without the numeric prefix, as .html."
    stem = re.sub(r'^\d+[a-zA-Z]?_', '', Path(nb).stem)
    return f'{stem}.html'


def _rename_pages(proc:Path) -> dict:
    """Rename the processed notebooks in `proc` (and its folders) to their page names and fix every reference;
    returns {old: new}, each a path relative to `proc`."""
    renames = {}
    for p in sorted(proc.rglob('*.ipynb')):
        page = p.with_name(Path(page_name(p.name)).with_suffix('.ipynb').name)
        if page != p: renames[p.relative_to(proc).as_posix()] = page.relative_to(proc).as_posix()
    for old, new in renames.items(): (proc / old).rename(proc / new)
    names = {Path(o).name: Path(n).name for o, n in renames.items()}  # a link names a file, with or without its folder
    pattern = re.compile('|'.join(re.escape(o) for o in sorted(names, key=len, reverse=True))) if names else None
    for f in [*proc.rglob('*.ipynb'), *proc.glob('*.yml')]:
        text = f.read_text()
        if pattern: text = pattern.sub(lambda m: names[m.group(0)], text)
        if f.suffix == '.ipynb': text = re.sub(r'output-file: [^\\"]*\\n', '', text)  # the file name now says it
        f.write_text(text)
    return renames

_SEARCH_FETCH = 'const r = await fetch(offset + "search.json");\n      index = await r.json();'
_SEARCH_LOCAL = ('if (window.SMALLDOCS_SEARCH) { index = window.SMALLDOCS_SEARCH; }  // works from file://\n'
                 '      else { const r = await fetch(offset + "search.json"); index = await r.json(); }')

def _offline_search(site:Path):
    "Ship the search index as `search.js` too, and have every page load it before smalldocs.js."
    index = (site / 'search.json').read_text()
    (site / 'search.js').write_text(f'window.SMALLDOCS_SEARCH = {index};\n')
    js = site / 'site_libs' / 'smalldocs.js'
    code = js.read_text()
    if _SEARCH_FETCH not in code: raise RuntimeError(f"{js}: smalldocs' search loader has changed; update _offline_search")
    js.write_text(code.replace(_SEARCH_FETCH, _SEARCH_LOCAL))
    for page in site.rglob('*.html'):
        html = page.read_text()
        m = re.search(r'<script[^>]*src="([^"]*)site_libs/smalldocs\.js"', html)
        if m: page.write_text(html.replace(m.group(0), f'<script src="{m.group(1)}search.js"></script>{m.group(0)}', 1))


def _nbdev_config():
    from nbdev.config import get_config
    return get_config()

def process_notebooks(dest:Path) -> Path:
    "nbdev's processing of every notebook into `dest` (the `_proc` stage of `nbdev_docs`), pages renamed."
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    from nbdev.doclinks import _build_modidx
    cfg = _nbdev_config()
    refresh_quarto_yml()
    _build_modidx()
    nbdev_sidebar.__wrapped__(path=cfg.nbs_path)
    proc = proc_nbs(cfg.nbs_path, n_workers=0, force=True)
    if Path(dest).exists(): shutil.rmtree(dest)
    shutil.copytree(proc, dest)
    _rename_pages(Path(dest))
    return Path(dest)

def render(proc:Path, out:Path, strict:bool=True) -> Path:
    "Render the processed notebooks in `proc` into the site folder `out` with smalldocs."
    from smalldocs.site import build
    q = proc / '_quarto.yml'  # drop the options only Quarto reads: a Markdown copy of each page, a commonmark build
    q.write_text(re.sub(r'\n *(keep-md: true|commonmark: default)', '', q.read_text()))
    ny = re.sub(r'output-dir:.*', f'output-dir: {out}', (proc / 'nbdev.yml').read_text())
    ny = re.sub(r'\n *site-url:.*', '', ny)  # no sitemap: its dates are build times, and the build must be reproducible
    (proc / 'nbdev.yml').write_text(ny)
    site = build(proc, quiet=True)
    if strict and site.warnings:
        raise RuntimeError('the site has problems:\n  ' + '\n  '.join(site.warnings))
    _offline_search(out)
    return out

def build_site(out:str=None, # where the site goes (default: settings.ini's doc_path, docs/)
               strict:bool=True, # fail on any warning: broken links, unknown options, unreadable pages
              ) -> Path:
    "Build the documentation site from the notebooks' stored outputs; replace `out` in one step."
    cfg = _nbdev_config()
    out = Path(out or cfg.doc_path)
    with tempfile.TemporaryDirectory(dir=cfg.config_path) as tmp:
        proc = process_notebooks(Path(tmp) / 'proc')
        site = render(proc, Path(tmp) / 'site', strict)
        (site / '.nojekyll').touch()  # serve the folder as it is on GitHub Pages
        old = Path(tmp) / 'old'
        if out.exists(): out.rename(old)
        shutil.move(str(site), str(out))
    return out


_DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*(?::\s*(.*?))?\s*$')

def readme_notebook(nb_path:Path):
    "The index notebook as a reader sees it: `#|hide` cells dropped, `#|echo: false` code hidden, directives removed."
    import nbformat
    nb = nbformat.read(nb_path, as_version=4)
    cells = []
    for c in nb.cells:
        if c.cell_type == 'code':
            lines = c.source.split('\n')
            opts = {m.group(1): (m.group(2) or '') for m in map(_DIRECTIVE.match, lines) if m}
            if 'hide' in opts or opts.get('include') == 'false': continue
            c.source = '\n'.join(l for l in lines if not _DIRECTIVE.match(l))
            if opts.get('echo') == 'false': c.metadata.setdefault('transient', {})['remove_source'] = True
        cells.append(c)
    nb.cells = cells
    return nb

def build_readme(dest:str='.') -> Path:
    "README.md (and its images in README_files/) from the index notebook's stored outputs, with nbconvert."
    from nbconvert import MarkdownExporter
    cfg = _nbdev_config()
    nb = readme_notebook(cfg.nbs_path / cfg.readme_nb)
    body, res = MarkdownExporter().from_notebook_node(nb, resources={'output_files_dir': 'README_files'})
    body = re.sub(r'\]\(([\w/-]+\.ipynb(?:#[\w-]+)?)\)', r'](nbs/\1)', body)  # notebook links work on GitHub
    body = re.sub(r'\n{3,}', '\n\n', body)
    dest = Path(dest)
    if (dest / 'README_files').exists(): shutil.rmtree(dest / 'README_files')
    for name, data in res.get('outputs', {}).items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_bytes(data)
    readme = dest / 'README.md'
    readme.write_text(body.strip() + '\n')
    return readme


def _tree(root:Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob('*')) if p.is_file()}

def _differ(a:dict, b:dict) -> list: return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))

def stale_files(built:Path, committed:Path) -> list:
    "Files that differ between two folders (added, removed or changed)."
    return _differ(_tree(built), _tree(committed))

def _readme_files(root:Path) -> dict:
    readme = root / 'README.md'
    return ({'README.md': readme.read_bytes()} if readme.exists() else {}) | \
           {f'README_files/{k}': v for k, v in _tree(root / 'README_files').items()}

def check_current(root:str='.') -> list:
    "Rebuild README and site in scratch folders; problems (as lines) where the committed ones are stale."
    cfg, root, problems = _nbdev_config(), Path(root), []
    with tempfile.TemporaryDirectory() as tmp:
        build_readme(tmp)
        bad = _differ(_readme_files(Path(tmp)), _readme_files(root))
        if bad: problems.append(f"README is not what nbs/{cfg.readme_nb} makes now ({', '.join(bad[:5])}): run `make readme` and commit")
        site = build_site(Path(tmp) / 'site')
        bad = stale_files(site, root / cfg.doc_path.name)
        if bad: problems.append(f"docs/ is not what the notebooks make now ({len(bad)} file(s), e.g. {', '.join(bad[:5])}): run `make docs` and commit")
    return problems


CHROMIUM, CHROMEDRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'

def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1280,1600'):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)

_BROKEN_IMAGES = "return Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80));"

BROWSER_HINT = "install them with 'sudo apt-get install chromium chromium-driver' (or run 'make browser')"

def check_in_browser(site:str='docs', query:str='ghost', experiment_page:str='experiment.html') -> list:
    "Open every page of `site` from disk in headless Chromium; problems found, as lines."
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing: return [f"the browser checks need Chromium and ChromeDriver ({', '.join(missing)} missing): {BROWSER_HINT}"]
    site, problems = Path(site).resolve(), []
    pages = sorted(p for p in site.rglob('*.html') if 'site_libs' not in p.parts)
    if not pages: return [f'{site} holds no pages: run `make docs`']
    driver = _browser()
    try:
        for page in pages:
            driver.get(page.as_uri())
            WebDriverWait(driver, 20).until(lambda d: d.execute_script('return document.readyState') == 'complete')
            broken = driver.execute_script(_BROKEN_IMAGES)
            if broken: problems.append(f'{page.relative_to(site)}: {len(broken)} image(s) did not load: {broken[:3]}')
            if page.relative_to(site).as_posix() == experiment_page:
                tables = driver.find_elements(By.CSS_SELECTOR, '.cell-output table')
                if not any('mean accuracy' in t.text for t in tables): problems.append(f'{experiment_page}: no results table')
                imgs = driver.find_elements(By.CSS_SELECTOR, '.cell-output img')
                if not any(driver.execute_script('return arguments[0].naturalWidth', i) > 0 for i in imgs):
                    problems.append(f'{experiment_page}: no plot')
        driver.get((site / 'index.html').as_uri())
        box = driver.find_element(By.CSS_SELECTOR, '.smalldocs-search input')
        box.send_keys(query)
        try: WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.search-result'))
        except Exception: problems.append(f'search for {query!r} on index.html returned nothing')
    finally: driver.quit()
    return problems


def main(argv=None) -> int:
    "build: the site into docs/; readme: README.md; check: both current, and the pages sound in a browser."
    cmd = (sys.argv[1:] if argv is None else argv) or ['build']
    if cmd[0] == 'build': print(f'site written to {build_site()}')
    elif cmd[0] == 'readme': print(f'wrote {build_readme()}')
    elif cmd[0] == 'check':
        problems = check_current()
        problems += check_in_browser(_nbdev_config().doc_path)
        for p in problems: print(f'check-docs: {p}', file=sys.stderr)
        if problems: return 1
        print('check-docs: README.md and docs/ are current; every page loads its images, the experiment page '
              'has its table and plot, search works')
    else:
        print('usage: python tools/docsite.py [build|readme|check]', file=sys.stderr); return 2
    return 0

if __name__ == '__main__': sys.exit(main())
