"""UI: 文件比较 — two documents side by side, clause against clause, with character diffs."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import escape

from zhengce.search_api.ui.render import diff_side
from zhengce.search_api.ui.state import UI, page, ui

router = APIRouter(include_in_schema=False)


def aligned_rows(ra: dict, rb: dict) -> tuple[list[dict], Any]:
    """One row per aligned pair (identical, modified with its character diff) or lone clause."""
    from zhengce.pipeline.compare.align import char_diff, compare_records
    cmp = compare_records(ra, rb)
    rows = []
    for i, j, p in cmp.rows():
        x = cmp.a[i] if i is not None else None
        y = cmp.b[j] if j is not None else None
        row = {"a": x, "b": y, "a_html": escape(x.text) if x else "", "b_html": escape(y.text) if y else "",
               "sim": p.similarity if p else None, "moved": p.moved if p else False}
        if p is None:
            row["rel"] = "omitted" if x is not None else "added"
        elif p.relation == "identical":
            row["rel"] = "identical"
        else:
            d = char_diff(x.text, y.text)
            row.update(rel="modified", a_html=diff_side(d, "a"), b_html=diff_side(d, "b"))
        rows.append(row)
    return rows, cmp.summary()


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, u: UI = Depends(ui)):
    a_ref = (request.query_params.get("a") or "").strip()
    b_ref = (request.query_params.get("b") or "").strip()
    ctx: dict[str, Any] = {"title": "文件比较", "nav": "compare", "docs": u.documents(), "a": None, "b": None,
                           "rows": [], "summary": None, "family": [], "error": None}
    if a_ref:
        ra = ctx["a"] = u.record(a_ref)
        fam = {}
        for d in u.call(u.store.cited, ra["doc_id"]) + u.call(u.store.citing, ra["doc_id"]):
            fam.setdefault(d["doc_id"], d)
        ctx["family"] = list(fam.values())
    if a_ref and b_ref:
        rb = ctx["b"] = u.record(b_ref)
        ctx["rows"], ctx["summary"] = aligned_rows(ra, rb)
        ctx["title"] = ("文件比较：" + (ra["metadata"].get("title") or "")[:20] + " / "
                        + (rb["metadata"].get("title") or "")[:20])
    return page(request, "compare.html", ctx)
