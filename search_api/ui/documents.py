"""UI: 文件 — one document with its extractions highlighted — and its references as text."""
from __future__ import annotations

from collections import OrderedDict

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from markupsafe import Markup

from zhengce.pipeline.cite import CiteError, find_clause, reference, section_path, split_ref
from zhengce.search_api.ui.render import (ROLE_LABELS, cite_attrs, doc_marks, outline, region_label, render_marks,
                                          target_value)
from zhengce.search_api.ui.state import UI, base, page, ui

router = APIRouter(include_in_schema=False)


def _targets(rec: dict, sources: list[str]) -> list[dict]:
    out = []
    for t in rec.get("targets") or []:
        path = ""
        if t.get("clause_id"):
            try:
                path = section_path(rec, find_clause(rec, t["clause_id"]).get("section_id"))
            except CiteError:
                path = ""
        out.append({**t, "shown": target_value(t), "path": path,
                    "cite": Markup(cite_attrs(rec, t.get("clause_id"), sources))})
    return out


@router.get("/doc/{doc_ref}", response_class=HTMLResponse)
def document_page(request: Request, doc_ref: str, u: UI = Depends(ui)):
    rec = u.record(doc_ref)
    doc_id = rec["doc_id"]
    sources = u.call(u.store.sources, doc_id)
    body = render_marks(rec.get("text") or "", doc_marks(rec, base(request), sources))
    m = rec.get("metadata") or {}
    units: dict[str, set] = OrderedDict()
    for r in rec.get("responsibilities") or []:
        units.setdefault(r["unit"], set()).add(ROLE_LABELS.get(r.get("role"), r.get("role")))
    kinds: dict[str, int] = {}
    for c in rec.get("clauses") or []:
        kinds[c.get("kind") or "other"] = kinds.get(c.get("kind") or "other", 0) + 1
    cited = u.call(u.store.cited, doc_id) if hasattr(u.store, "cited") else []
    citing = u.call(u.store.citing, doc_id) if hasattr(u.store, "citing") else []
    quality = rec.get("quality") or {}
    return page(request, "document.html", {
        "title": m.get("title") or doc_id, "nav": "doc", "rec": rec, "m": m, "doc_id": doc_id, "body": body,
        "outline": outline(rec), "targets": _targets(rec, sources), "units": units, "kinds": kinds,
        "sources": sources, "cited": cited, "citing": citing, "flags": quality.get("flags") or [],
        "notes": quality.get("notes") or [], "doc_cite": Markup(cite_attrs(rec, None, sources)),
        "region": region_label(m)})


@router.get("/cite/{ref}", response_class=PlainTextResponse)
def cite(ref: str, style: str = "gbt7714", u: UI = Depends(ui)):
    try:
        doc_ref, cid = split_ref(ref)
    except CiteError as e:
        raise HTTPException(404, str(e))
    rec = u.record(doc_ref)
    try:
        return PlainTextResponse(reference(rec, cid, style, sources=u.call(u.store.sources, rec["doc_id"])))
    except CiteError as e:
        raise HTTPException(404 if cid else 422, str(e))
