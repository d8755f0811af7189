"""Self-contained HTML report of a comparison: the two documents side by side, clause by
clause in reading order, with the character diff coloured (inline CSS, no scripts, no CDN)."""
from __future__ import annotations

from html import escape

from .align import Comparison, char_diff

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.05em;font-weight:normal;color:#555}
table.cmp{border-collapse:collapse;width:100%;table-layout:fixed}
table.cmp td,table.cmp th{border-bottom:1px solid #e3e3e3;padding:.35em .5em;vertical-align:top;line-height:1.6}
table.cmp th{background:#f4f4f4;text-align:left;position:sticky;top:0}
td.id{width:3.5em;color:#888;font-size:.8em}td.rel{width:7em;font-size:.8em;color:#555}
tr.identical td.txt{background:#fff}
tr.modified td.txt{background:#fffbea}
tr.omitted td.a{background:#fdecec}tr.added td.b{background:#eaf7ea}
del{background:#f6b6b6;text-decoration:line-through}ins{background:#a9e2a9;text-decoration:none}
.moved{color:#9a5b00}.legend span{display:inline-block;padding:0 .5em;margin-right:.5em}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dl.summary dt{color:#666}
"""


def _side(diff, side: str) -> str:
    out = []
    for op, a, b in diff:
        if op == "=":
            out.append(escape(a if side == "a" else b))
        elif side == "a" and a:
            out.append(f"<del>{escape(a)}</del>")
        elif side == "b" and b:
            out.append(f"<ins>{escape(b)}</ins>")
    return "".join(out)


def render_html(cmp: Comparison, meta_a: dict | None = None, meta_b: dict | None = None) -> str:
    meta_a, meta_b = meta_a or {}, meta_b or {}
    s = cmp.summary()

    def title(m, doc_id):
        return escape(f"{m.get('title') or doc_id or ''}") + (
            f" <small>({escape(' '.join(x for x in (m.get('region'), m.get('date'), doc_id) if x))})</small>")
    rows = []
    for i, j, p in cmp.rows():
        a = cmp.a[i] if i is not None else None
        b = cmp.b[j] if j is not None else None
        if p is not None:
            if p.relation == "identical":
                ta, tb = escape(a.text), escape(b.text)
            else:
                d = char_diff(a.text, b.text)
                ta, tb = _side(d, "a"), _side(d, "b")
            rel = f"{p.relation} {p.similarity:.2f}" + (' <span class="moved">moved</span>' if p.moved else "")
            cls = p.relation
        elif a is not None:
            ta, tb, rel, cls = escape(a.text), "", "omitted", "omitted"
        else:
            ta, tb, rel, cls = "", escape(b.text), f"added ({escape(b.kind)})", "added"
        rows.append(f'<tr class="{cls}"><td class="id">{escape(a.id) if a else ""}</td><td class="txt a">{ta}</td>'
                    f'<td class="rel">{rel}</td><td class="id">{escape(b.id) if b else ""}</td>'
                    f'<td class="txt b">{tb}</td></tr>')
    summary = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in [
        ("parent clauses", s["parent_clauses"]), ("implemented (identical + modified)",
                                                  f"{s['identical'] + s['modified']} ({s['share_implemented']:.0%})"),
        ("identical", f"{s['identical']} ({s['share_identical']:.0%})"),
        ("modified", f"{s['modified']} ({s['share_changed']:.0%})"),
        ("omitted", f"{s['omitted']} ({s['share_omitted']:.0%})"), ("moved", s["moved"]),
        ("new local clauses", s["added"]),
        ("new by kind", "，".join(f"{k} {v}" for k, v in s["added_by_kind"].items()) or "—")])
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>zhengce compare</title><style>{CSS}</style></head>
<body>
<h1>Clause comparison</h1>
<h2>A (parent): {title(meta_a, cmp.a_id)}<br>B (implementation): {title(meta_b, cmp.b_id)}</h2>
<dl class="summary">{summary}</dl>
<p class="legend"><span style="background:#f6b6b6">deleted from A</span><span style="background:#a9e2a9">inserted in B</span>
<span style="background:#fdecec">omitted</span><span style="background:#eaf7ea">added</span><span style="background:#fffbea">modified</span></p>
<table class="cmp"><colgroup><col style="width:3.5em"><col><col style="width:7em"><col style="width:3.5em"><col></colgroup>
<tr><th></th><th>A</th><th></th><th></th><th>B</th></tr>
{chr(10).join(rows)}
</table>
</body></html>
"""
