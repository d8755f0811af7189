"""The read-only REST API, every route under ``PREFIX`` (``/api/v1``), one router module per area:

    search.py      GET /search  /facets  /similar/{DOCID:cN}
    documents.py   GET /documents/{doc_id}  /documents/{doc_id}/clauses  /family/{doc_id}
    targets.py     GET /targets  /indicators
    compare.py     GET /compare?a=DOC&b=DOC
    here           GET /health  /docs (Swagger UI; the schema is /api/v1/openapi.json)

Errors are JSON ``{"detail": "..."}``: 422 for a bad parameter, 404 for an unknown document or
clause (anything under the prefix; the UI's pages answer with HTML).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from zhengce.search_api.rest.common import Api, api

PREFIX = "/api/v1"


def router() -> APIRouter:
    """Every REST route, to be included under ``PREFIX``."""
    from zhengce.search_api.rest import compare, documents, search, targets
    r = APIRouter()
    for module in (search, documents, targets, compare):
        r.include_router(module.router)
    r.add_api_route("/docs", docs, include_in_schema=False, response_class=HTMLResponse)
    r.add_api_route("/health", health, include_in_schema=False)
    return r


def docs(request: Request) -> HTMLResponse:
    """Swagger UI without inline script (the CSP forbids it): its init is web/static/swagger-init.js."""
    base = request.scope.get("root_path", "").rstrip("/")
    app = request.app
    cdn = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
    return HTMLResponse(f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{app.title} - Swagger UI</title>
<link rel="stylesheet" href="{cdn}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi="{base}{app.openapi_url}"></div>
<script src="{cdn}/swagger-ui-bundle.js"></script>
<script src="{base}/static/swagger-init.js"></script></body></html>""")


def health(a: Api = Depends(api)) -> dict:
    return {"ok": True, "documents": a.locked(a.store.count)}


def add_error_handlers(app: FastAPI) -> None:
    """A search or store error (bad filter, no index yet) is the caller's 422, as JSON."""
    from zhengce.pipeline.search import SearchError
    from zhengce.pipeline.store import StoreError

    async def unprocessable(request: Request, exc: Exception):
        return JSONResponse({"detail": str(exc)}, status_code=422)
    app.add_exception_handler(SearchError, unprocessable)
    app.add_exception_handler(StoreError, unprocessable)
