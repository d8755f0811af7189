"""The read-only REST API over a store (FastAPI).  ``zhengce serve --db DB`` runs it with uvicorn.

    GET /search?q=课后服务&mode=hybrid&level=county&year=2020-2022&limit=10&offset=0
    GET /documents/{doc_id}            the full zhengce.document/1 record
    GET /documents/{doc_id}/clauses    its clauses (rows with kind, actors, deadline, span)
    GET /targets?indicator=毛入园率&year=2020-   target rows with document metadata
    GET /facets?province=山西省         facet counts over the clauses matching the filters
    GET /similar/{doc_id}:{cN}          nearest clauses in other documents
    GET /docs                           OpenAPI (Swagger UI); /openapi.json the schema

Errors are JSON ``{"detail": "..."}``: 422 for a bad parameter, 404 for an unknown document or
clause.  Every parameter of every route (API and UI) is checked once by ``guard.check_params``
(control characters refused, the one year grammar); ``guard.Guard`` adds the security headers and
the Host check to every response.  Nothing here writes to the store.  Templates and static files belong to the web UI, not here.
"""
from __future__ import annotations

from enum import Enum
from typing import Any, Optional

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from zhengce.pipeline.search import SearchError, SearchQuery
from zhengce.pipeline.search.base import MAX_LIMIT, MAX_OFFSET
from zhengce.pipeline.search.text import MAX_QUERY_CHARS
from zhengce.pipeline.store import StoreError
from zhengce.search_api.guard import Guard


class Mode(str, Enum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"


class Level(str, Enum):
    national = "national"
    provincial = "provincial"
    municipal = "municipal"
    county = "county"


YEAR = r"^\s*(\d{4})?\s*(-|–|—|\.\.)?\s*(\d{4})?\s*$"
TEXT = dict(max_length=200)


def filters(region: Optional[str] = Query(None, **TEXT, description="province, city, county or region code"),
            province: Optional[str] = Query(None, **TEXT), city: Optional[str] = Query(None, **TEXT),
            county: Optional[str] = Query(None, **TEXT), level: Optional[Level] = None,
            year: Optional[str] = Query(None, max_length=20, pattern=YEAR, description="2021, 2019-2022, 2020-, -2020"),
            issuer: Optional[str] = Query(None, **TEXT), doc_type: Optional[str] = Query(None, **TEXT),
            kind: Optional[str] = Query(None, **TEXT, description="clause kind(s), comma-separated"),
            unit: Optional[str] = Query(None, **TEXT, description="responsible unit (substring)"),
            indicator: Optional[str] = Query(None, **TEXT, description="target indicator (substring)"),
            has_target: Optional[bool] = None, doc_id: Optional[str] = Query(None, **TEXT)) -> dict[str, Any]:
    out = {"region": region, "province": province, "city": city, "county": county,
           "level": level.value if level else None, "year": year, "issuer": issuer, "doc_type": doc_type,
           "kind": kind, "unit": unit, "indicator": indicator,
           "has_target": None if has_target is None else str(has_target).lower(), "doc_id": doc_id}
    return {k: v for k, v in out.items() if v not in (None, "")}


def create_app(db: str, embed_model: str | None = None, backend=None, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The app for one store.  ``backend`` (a SearchBackend) overrides opening ``db``; ``allowed_hosts``
    (default ``ZHENGCE_ALLOWED_HOSTS``) the Host names accepted beyond loopback (see ``guard``)."""
    if backend is None:
        from zhengce.pipeline.search import open_search
        try:
            backend = open_search(db)
        except StoreError:
            backend = open_search(db, readonly=True)
    store = backend.store
    lock = getattr(backend, "lock", None)

    app = FastAPI(title="zhengce search API", version="0.1.0",
                  description="Read-only search over a zhengce store of Chinese policy documents: clause search "
                              "(keyword, semantic, hybrid) with filters and facets, documents, targets, similar clauses.",
                  docs_url=None, redoc_url=None)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    app.state.backend = backend

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        """Swagger UI without inline script (the CSP forbids it): its init is web/static/swagger-init.js."""
        base = request.scope.get("root_path", "").rstrip("/")
        cdn = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
        return HTMLResponse(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{app.title} - Swagger UI</title>
<link rel="stylesheet" href="{cdn}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="{base}{app.openapi_url}"></div>
<script src="{cdn}/swagger-ui-bundle.js"></script>
<script src="{base}/static/swagger-init.js"></script></body></html>""")

    @app.exception_handler(SearchError)
    async def _search_error(request: Request, exc: SearchError):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    def locked(fn, *a, **kw):
        if lock is None:
            return fn(*a, **kw)
        with lock:
            return fn(*a, **kw)

    def resolve(doc_ref: str) -> str:
        if any(ord(ch) < 32 for ch in doc_ref):  # SQLiteStore.resolve raises ValueError on NUL bytes
            raise HTTPException(404, f"no such document: {doc_ref!r}")
        doc_id = locked(store.resolve, doc_ref)
        if not doc_id:
            raise HTTPException(404, f"no such document: {doc_ref}")
        return doc_id

    @app.get("/search", summary="Search clauses")
    def search(q: str = Query("", max_length=MAX_QUERY_CHARS, description="words and \"phrases\"; no syntax"),
               mode: Mode = Mode.keyword, limit: int = Query(10, ge=0, le=MAX_LIMIT),
               offset: int = Query(0, ge=0, le=MAX_OFFSET), facets: bool = True,
               f: dict = Depends(filters)) -> dict:
        res = backend.search(SearchQuery(q, mode.value, f, limit, offset, facets, embed_model))
        return res.as_dict()

    @app.get("/documents/{doc_id}", summary="One full record")
    def document(doc_id: str = Path(..., max_length=200)) -> dict:
        rec = locked(store.get, resolve(doc_id))
        if rec is None:
            raise HTTPException(404, f"no such document: {doc_id}")
        return rec

    @app.get("/documents/{doc_id}/clauses", summary="The clauses of one document")
    def clauses(doc_id: str = Path(..., max_length=200), kind: Optional[str] = Query(None, max_length=200)) -> list[dict]:
        did = resolve(doc_id)
        rows = locked(store.rows, "clauses", doc_id=did, kind=kind)
        return rows

    @app.get("/targets", summary="Target rows (indicator, comparator, value, deadline …)")
    def targets(limit: int = Query(100, ge=0, le=1000), offset: int = Query(0, ge=0, le=1_000_000),
                f: dict = Depends(filters)) -> dict:
        f = dict(f)
        f.pop("kind", None)
        if "has_target" in f:
            f.pop("has_target")
        if "year" in f:
            from zhengce.pipeline.search.base import year_range
            lo, hi = year_range(f.pop("year"))
            f["year_from"], f["year_to"] = lo, hi
        rows = locked(store.rows, "targets", **f)
        return {"total": len(rows), "targets": rows[offset:offset + limit]}

    @app.get("/facets", summary="Facet counts over clauses matching the filters")
    def facets(f: dict = Depends(filters)) -> dict:
        return backend.facets(f)

    @app.get("/similar/{clause_id}", summary="Clauses nearest to a clause (DOCID:cN), in other documents")
    def similar(clause_id: str = Path(..., max_length=200, description="DOCID:cN (DOCID may be a unique prefix)"),
                limit: int = Query(10, ge=1, le=MAX_LIMIT), same_document: bool = False,
                f: dict = Depends(filters)) -> dict:
        from zhengce.pipeline.search.base import split_clause_ref
        doc_ref, cid = split_clause_ref(clause_id)  # SearchError → 422 when malformed
        did = resolve(doc_ref)
        if not locked(lambda: backend_has_clause(did, cid)):
            raise HTTPException(404, f"document {did} has no clause {cid}")
        return backend.similar(f"{did}:{cid}", limit, f, embed_model, other_documents=not same_document).as_dict()

    def backend_has_clause(did: str, cid: str) -> bool:
        return any(r["id"] == cid for r in store.rows("clauses", doc_id=did))

    @app.get("/compare", summary="Align the clauses of two documents (parent, implementation)")
    def compare(a: str = Query(..., max_length=200), b: str = Query(..., max_length=200),
                threshold: float = Query(0.5, gt=0, lt=1), diff: bool = True) -> dict:
        from zhengce.pipeline.compare.align import AlignConfig, compare_records
        ra, rb = locked(store.get, resolve(a)), locked(store.get, resolve(b))
        cfg = AlignConfig(threshold=threshold, moved_threshold=max(threshold, AlignConfig.moved_threshold))
        return compare_records(ra, rb, cfg).to_dict(diff=diff)

    @app.get("/family/{doc_id}", summary="A policy's family: citations and uncited implementations")
    def family_of(doc_id: str = Path(..., max_length=200), reuse: bool = True,
                  min_share: float = Query(0.2, ge=0, le=1)) -> dict:
        from zhengce.pipeline.compare.lineage import family
        did = resolve(doc_id)
        return locked(family, store, did, reuse=reuse, min_share=min_share)

    @app.get("/indicators", summary="Targets of one indicator across regions (a pivot table)")
    def indicators(indicator: str = Query(..., min_length=1, max_length=100),
                   pivot: str = Query("region", max_length=20), f: dict = Depends(filters)) -> dict:
        from zhengce.pipeline.compare import indicators as ind
        if pivot not in ind.PIVOTS:
            raise HTTPException(422, f"pivot {pivot!r}: unknown (known: {', '.join(ind.PIVOTS)})")
        f = {k: v for k, v in dict(f).items() if k not in ("kind", "has_target", "indicator")}
        recs = locked(ind.store_targets, store, indicator, **f)
        names, rows = ind.pivot_rows(recs, pivot)
        return {"indicator": indicator, "pivot": pivot, "indicators": names, "rows": rows}

    @app.get("/health", include_in_schema=False)
    def health() -> dict:
        return {"ok": True, "documents": locked(store.count)}

    from zhengce.search_api.ui import mount_ui  # the web interface over the same store
    mount_ui(app, lambda: store)
    return app
