"Every number typed in a notebook's prose is found among its outputs, its code or the results files it cites."
import json
import pytest
from prose_numbers import ROOT, found, notebooks, prose, sources, typed, unfound

@pytest.mark.parametrize('path', notebooks(), ids=lambda p: p.name)
def test_typed_numbers_come_from_the_runs(path):
    bad = unfound(path)
    assert not bad, f"{path.name}: typed numbers not found in its outputs, code or cited results " \
                    f"(fix the prose, or list a quoted number in tests/prose_sources.toml): {bad}"

def test_a_changed_number_is_caught(tmp_path):
    "The check itself: a notebook whose reading types a pair its table does not hold fails."
    src = json.loads((ROOT / 'nbs' / '24_compare.ipynb').read_text())
    out = next(o for c in src['cells'] for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {}))
    table = ''.join(out['data']['text/markdown'])
    row = next(l for l in table.splitlines() if l.startswith('| MSE − KL'))
    diff, ci = row.split(' | ')[1:3]  # '+0.120', '[+0.061, +0.179]'
    def notebook(reading):
        cells = [dict(cell_type='code', id='c', source=[], metadata={}, outputs=[out]),
                 dict(cell_type='markdown', id='m', source=[reading], metadata={})]
        p = tmp_path / 'nb.ipynb'
        p.write_text(json.dumps(dict(cells=cells)))
        return unfound(p, allowed={})
    assert notebook(f"MSE is ahead by {diff.lstrip('+')} {ci.replace('+', '')}.") == []
    lo = ci.strip('[]').split(', ')[0]
    changed = ci.replace(lo, f"{float(lo) + 0.001:+.3f}")
    assert [t for _, t, _ in notebook(f"MSE is ahead by {diff.lstrip('+')} {changed.replace('+', '')}.")] == \
           [changed.replace('+', '')]
    assert [t for _, t, _ in notebook("Its accuracy is 0.697 ± 0.072.")] == ['0.697 ± 0.072']

def test_what_counts_as_a_typed_number():
    text = prose("0.496 ± 0.101 and [0.061, 0.179], 85.4 s, 95.47 %, `lr=3e-4 0.5`, arXiv 2605.23645, nbdev 2.4.14, N = 8")
    items = typed(text)
    assert ('pair', '0.496', '0.101') in items and ('interval', '0.061', '0.179') in items
    assert ('number', '85.4', False) in items and ('number', '95.47', True) in items
    assert not any('2605' in str(i) or '2.4' in str(i) or '0.5' == i[1] for i in items), items
    s = sources(dict(cells=[dict(cell_type='code', source=['x'], outputs=[dict(text=['0.9547 0.4963 ± 0.1012'])])]))
    assert found(('number', '95.47', True), s) and found(('number', '0.50', False), s)
    assert found(('pair', '0.496', '0.101'), s) and not found(('pair', '0.496', '0.102'), s)

def test_signs_and_pooled_values():
    "A typed sign must match; a lone number is not matched against a cited folder's many per-cell values."
    from prose_numbers import Sources
    s = Sources(set(), set(), set())
    s.add_text('| F | +0.047 ± 0.072 | [-0.025, +0.119] | -0.030 |')
    assert found(('interval', '−0.025', '+0.119'), s) and not found(('interval', '0.025', '0.119'), s)
    assert found(('number', '−0.030', False), s) and not found(('number', '+0.030', False), s)
    assert found(('number', '0.030', False), s)  # typed without a sign: by its size ('falls by 0.030')
    s.add_text('0.4963 ± 0.1012 0.777', pooled=True)
    assert found(('pair', '0.496', '0.101'), s) and not found(('number', '0.777', False), s)


def test_a_cited_folder_is_pooled(tmp_path):
    "A cited folder's per-cell summaries give their (mean, ci95) pairs and intervals, not their lone numbers."
    from prose_numbers import Sources
    (tmp_path / 'cells' / 'cell-000').mkdir(parents=True)
    (tmp_path / 'cells' / 'cell-000' / 'summary.csv').write_text('variant,mean,ci95,lo,hi\nteacher,0.9421,0.0023,0.9398,0.9444\n')
    s = Sources(set(), set(), set())
    s.add_folder(tmp_path)
    assert found(('pair', '0.942', '0.002'), s) and found(('interval', '0.940', '0.944'), s)
    assert not found(('number', '0.942', False), s)
