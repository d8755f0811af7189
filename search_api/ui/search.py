"""UI: 检索 — one box, mode keyword/semantic/hybrid, facet filters, snippets, pages."""
from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from zhengce.search_api.ui.render import (FACETS, MODES, PAGE_SIZE, SILENT_KINDS, facet_label, query_filters,
                                          safe_highlight, url)
from zhengce.search_api.ui.state import UI, page, ui

router = APIRouter(include_in_schema=False)


def match_note(res) -> str | None:
    """What the results page says when the query was not matched as typed (some words only, question
    words left out, synonyms added), from the backend's own report (``SearchResult.matched`` …)."""
    if res is None or res.mode == "semantic":
        return None
    parts = [said for holds, said in ((res.matched == "some", "没有条款包含全部检索词，以下结果只包含其中部分词"),
                                      (res.dropped, "已忽略：" + "、".join(res.dropped)),
                                      (res.expanded, "同时检索了：" + "、".join(res.expanded))) if holds]
    return "；".join(parts) or None


def facet_view(facets: dict, filters: dict, state: dict) -> list[dict]:
    out = []
    for key, label in FACETS.items():
        items = []
        for value, n in list(((facets or {}).get(key) or {}).items())[:12]:
            active = filters.get(key) == str(value)
            new = {k: v for k, v in state.items() if k != "page"}
            if active:
                new.pop(key, None)
            else:
                new[key] = value
            items.append({"value": value, "label": facet_label(key, str(value)), "count": n,
                          "active": active, "href": url("/", new)})
        if items:
            out.append({"key": key, "label": label, "items": items})
    return out


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, u: UI = Depends(ui)):
    from zhengce.pipeline.search import SearchQuery
    from zhengce.pipeline.store import StoreError
    qp = request.query_params
    q = (qp.get("q") or "").strip()[:200]
    mode = qp.get("mode") if qp.get("mode") in MODES else "keyword"
    try:
        pg = max(1, min(int(qp.get("page") or 1), 1000))
    except ValueError:
        pg = 1
    filters = query_filters(request)
    state = {"q": q, "mode": mode, **filters}
    error, res, facets = None, None, {}
    try:
        backend = u.backend()
        if q or filters:
            res = backend.search(SearchQuery(q, mode, dict(filters), PAGE_SIZE, (pg - 1) * PAGE_SIZE, True))
            facets = res.facets
        else:
            facets = backend.facets({})
    except StoreError as e:  # SearchError is a StoreError: a bad filter, or no index yet
        error, facets = str(e), {}
    hits = [{**h.as_dict(), "snippet": safe_highlight(h.highlight or h.text),
             "tag": None if (h.kind or "") in SILENT_KINDS else h.kind} for h in (res.hits if res else [])]
    active = [{"key": k, "label": FACETS.get(k, k), "value": facet_label(k, v),
               "href": url("/", {kk: vv for kk, vv in state.items() if kk != k})} for k, v in filters.items()]
    total = res.total if res else 0
    pages = max(1, math.ceil(total / PAGE_SIZE)) if res else 0
    window = [p for p in range(max(1, pg - 3), min(pages, pg + 3) + 1)] if pages > 1 else []
    return page(request, "search.html", {
        "title": f"{q} - 检索" if q else "检索", "nav": "search", "q": q, "mode": mode, "filters": filters,
        "state": state, "res": res, "hits": hits, "facets": facet_view(facets, filters, state), "active": active,
        "error": error, "note": match_note(res) if q else None, "partial": bool(res and res.matched == "some"),
        "page": pg, "pages": pages, "window": window, "total": total, "n_docs": u.call(u.store.count)})
