"The documentation tooling (tools/docsite.py): page names, the README's view of the index notebook; and the package's show_doc renderer."
import importlib.util, nbformat
from pathlib import Path
from ghost_nbdev.render import DocRenderer

def _load_tool(name:str):
    "A script of the repository's tools/ folder, imported as a module."
    path = Path(__file__).resolve().parent.parent / 'tools' / f'{name}.py'
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

docsite = _load_tool('docsite')
page_name, _rename_pages, readme_notebook, stale_files = (docsite.page_name, docsite._rename_pages,
                                                          docsite.readme_notebook, docsite.stale_files)

def test_page_names():
    assert page_name('00_config.ipynb') == 'config.html' and page_name('index.ipynb') == 'index.html'
    assert page_name('05_train.ipynb') == 'train.html' and page_name('research/44_strongest.ipynb') == 'strongest.html'

def test_rename_pages_fixes_references(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_raw_cell('---\noutput-file: train.html\ntitle: T\n---'),
                                         nbformat.v4.new_markdown_cell('see [config](00_config.ipynb)')])
    nbformat.write(nb, tmp_path / '05_train.ipynb')
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / '00_config.ipynb')
    (tmp_path / 'sidebar.yml').write_text('contents:\n  - 00_config.ipynb\n  - 05_train.ipynb\n')
    assert _rename_pages(tmp_path) == {'00_config.ipynb': 'config.ipynb', '05_train.ipynb': 'train.ipynb'}
    text = (tmp_path / 'train.ipynb').read_text()
    assert '(config.ipynb)' in text and 'output-file' not in text
    assert (tmp_path / 'sidebar.yml').read_text() == 'contents:\n  - config.ipynb\n  - train.ipynb\n'

def test_renderer_tables_documented_parameters():
    def f(a:int, # the first
          b:str='x', # the second
         ) -> float: # the result
        "Do it."
    md = DocRenderer(f)._repr_markdown_()
    assert '| a | int |  | the first |' in md and "| b | str | 'x' | the second |" in md
    assert '| **Returns** | **float** |  | the result |' in md and '*Do it.*' in md

def test_readme_view_of_the_index(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('#|hide\nimport secret'),
                                         nbformat.v4.new_code_cell('#| echo: false\nprint(1)'),
                                         nbformat.v4.new_code_cell('x = 2')])
    nbformat.write(nb, tmp_path / 'index.ipynb')
    out = readme_notebook(tmp_path / 'index.ipynb')
    assert [c.source for c in out.cells] == ['print(1)', 'x = 2']
    assert out.cells[0].metadata['transient']['remove_source'] and 'transient' not in out.cells[1].metadata

def test_stale_files(tmp_path):
    (tmp_path / 'a').mkdir(); (tmp_path / 'b').mkdir()
    (tmp_path / 'a' / 'x.html').write_text('1'); (tmp_path / 'b' / 'x.html').write_text('1')
    assert stale_files(tmp_path / 'a', tmp_path / 'b') == []
    (tmp_path / 'b' / 'x.html').write_text('2'); (tmp_path / 'a' / 'y.html').write_text('3')
    assert stale_files(tmp_path / 'a', tmp_path / 'b') == ['x.html', 'y.html']

def test_missing_browser_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(docsite, 'CHROMEDRIVER', str(tmp_path / 'no-chromedriver'))
    problems = docsite.check_in_browser(tmp_path)
    assert len(problems) == 1 and 'no-chromedriver missing' in problems[0] and 'apt-get install chromium chromium-driver' in problems[0]

def test_rename_pages_in_a_folder(tmp_path):
    "Pages in a folder (the research notebooks) are renamed in place, and links into and out of it follow."
    (tmp_path / 'research').mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('see [heads](research/45_heads.ipynb)')]),
                   tmp_path / 'index.ipynb')
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('see [compare](../24_compare.ipynb)')]),
                   tmp_path / 'research' / '45_heads.ipynb')
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / '24_compare.ipynb')
    assert _rename_pages(tmp_path) == {'24_compare.ipynb': 'compare.ipynb', 'research/45_heads.ipynb': 'research/heads.ipynb'}
    assert '(research/heads.ipynb)' in (tmp_path / 'index.ipynb').read_text()
    assert '(../compare.ipynb)' in (tmp_path / 'research' / 'heads.ipynb').read_text()
