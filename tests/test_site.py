"The documentation tooling: page names, the show_doc renderer, the README's view of the index notebook."
import nbformat
from ghost_nbdev.site import page_name, _rename_pages, DocRenderer, readme_notebook, stale_files

def test_page_names():
    assert page_name('00_config.ipynb') == 'config.html' and page_name('index.ipynb') == 'index.html'

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
    import ghost_nbdev.site as site
    monkeypatch.setattr(site, 'CHROMEDRIVER', str(tmp_path / 'no-chromedriver'))
    problems = site.check_in_browser(tmp_path)
    assert len(problems) == 1 and 'no-chromedriver missing' in problems[0] and 'apt-get install chromium chromium-driver' in problems[0]
