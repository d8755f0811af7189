"""One app for one store: the REST API under ``/api/v1`` and the web UI at ``/``.
``zhengce serve --db DB`` runs it with uvicorn.

    GET /api/v1/search?q=课后服务&mode=hybrid&level=county&year=2020-2022&limit=10&offset=0
    GET /api/v1/documents/{doc_id}            the full zhengce.document/1 record
    GET /api/v1/targets?indicator=毛入园率      target rows with document metadata
    GET /api/v1/docs                          OpenAPI (Swagger UI); /api/v1/openapi.json the schema
    GET /   /doc/{ref}   /target-table   /compare   /cite/{ref}      the UI's pages (ui/)

The REST routes live in ``rest/`` (one ``APIRouter`` per area), the UI's in ``ui/``; the two never
share a path, so neither can shadow the other.  Every parameter of every route is checked once by
``guard.check_params`` (control characters refused, the one year grammar); ``guard.Guard`` adds the
security headers and the Host check to every response.  Nothing here writes to the store.
"""
from __future__ import annotations

from fastapi import FastAPI

from zhengce.pipeline.store import StoreError
from zhengce.search_api.guard import Guard
from zhengce.search_api.rest import PREFIX


def create_app(db: str, embed_model: str | None = None, backend=None, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The app for one store.  ``backend`` (a SearchBackend) overrides opening ``db``; ``allowed_hosts``
    (default ``ZHENGCE_ALLOWED_HOSTS``) the Host names accepted beyond loopback (see ``guard``)."""
    if backend is None:
        from zhengce.pipeline.search import open_search
        try:
            backend = open_search(db)
        except StoreError:
            backend = open_search(db, readonly=True)

    from zhengce.search_api import rest
    from zhengce.search_api.ui import mount_ui
    app = FastAPI(title="zhengce search API", version="1.0.0",
                  description="Read-only search over a zhengce store of Chinese policy documents: clause search "
                              "(keyword, semantic, hybrid) with filters and facets, documents, targets, similar "
                              "clauses, comparison.  Every path is under " + PREFIX + ".",
                  openapi_url=PREFIX + "/openapi.json", docs_url=None, redoc_url=None)
    app.add_middleware(Guard, allowed_hosts=allowed_hosts)
    app.state.backend = backend
    app.state.api = rest.Api(backend, embed_model)
    app.include_router(rest.router(), prefix=PREFIX)
    rest.add_error_handlers(app)
    mount_ui(app, lambda: backend.store)       # the web interface over the same store, at /
    return app
