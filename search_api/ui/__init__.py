"""The web interface (Chinese, server-rendered, fully offline) over the same store as the API.

    from zhengce.search_api.ui import mount_ui
    mount_ui(app, lambda: store)          # store: an open (read-only is enough) SQLiteStore

Pages (HTML), one ``APIRouter`` module each:

    search.py      GET /                         检索: one box, mode keyword/semantic/hybrid, facet filters,
                                                 snippets, pages; says when only some words matched
    documents.py   GET /doc/{doc_id}             文件: metadata, outline, text with extractions highlighted
                   GET /cite/{DOCID:cN}          the reference as text/plain (?style=gbt7714|bibtex)
    targets.py     GET /target-table             目标指标: filterable table of targets, a chart per indicator
                   GET /target-table.csv|.xlsx   the same rows as CSV (UTF-8 with BOM) or XLSX
    compare.py     GET /compare?a=DOC&b=DOC      文件比较: clause alignment side by side with character diffs
                   GET /static/…                 CSS and ~100 lines of own JavaScript; no CDN

``render.py`` holds the labels and HTML helpers, ``state.py`` the UI's state (``app.state.ui``), the
page renderer and the error pages.  Templates live in ``web/templates``, assets in ``web/static``.
Search goes through the app's search backend (``app.state.backend``, as ``create_app`` sets it) or
one opened over the store; comparison through ``pipeline.compare.align``; references through
``pipeline.cite``.
"""
from __future__ import annotations

from typing import Any, Callable

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from zhengce.search_api.ui.render import WEB, bar_chart, render_marks, safe_highlight  # noqa: F401 (re-exported)
from zhengce.search_api.ui.state import UI, add_error_handlers


def mount_ui(app: FastAPI, get_store: Callable[[], Any]) -> None:
    """Add the HTML pages under ``/`` and the assets under ``/static`` to ``app``."""
    from zhengce.search_api.ui import compare, documents, search, targets
    app.state.ui = UI(app, get_store)
    for module in (search, documents, targets, compare):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="ui-static")
    add_error_handlers(app)
    app.state.ui.warm()
