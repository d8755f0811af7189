"""The UI's state on ``app.state.ui`` (its store, search backend and lock), the page renderer and
the UI's error pages.  A route gets the state with ``Depends(ui)``."""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from zhengce.search_api.ui.render import (FACETS, FLAG_LABELS, KIND_LABELS, LEVEL_LABELS, LEVEL_ORDER, MODES,
                                          ROLE_LABELS, WARN_FLAGS, WEB, facet_label, fmt_num, region_label,
                                          target_value, url)

API_PREFIX = "/api/"          # the REST API's paths (rest.PREFIX): its errors stay JSON
PLAIN_PATHS = ("/cite/",)     # text/plain answers: their errors stay JSON too

templates = Jinja2Templates(directory=str(WEB / "templates"))
templates.env.globals.update(KIND_LABELS=KIND_LABELS, LEVEL_LABELS=LEVEL_LABELS, FLAG_LABELS=FLAG_LABELS,
                             WARN_FLAGS=WARN_FLAGS, MODES=MODES, FACETS=FACETS, ROLE_LABELS=ROLE_LABELS,
                             region_label=region_label, target_value=target_value, fmt_num=fmt_num,
                             facet_label=facet_label, url=url)


class UI:
    def __init__(self, app: FastAPI, get_store: Callable[[], Any]):
        self.app = app
        self.get_store = get_store
        self._backend = None
        self._lock = threading.RLock()
        self._docs_cache: Optional[tuple[int, list[dict]]] = None

    @property
    def store(self):
        return self.get_store()

    @property
    def lock(self):
        b = getattr(self.app.state, "backend", None) or self._backend
        return getattr(b, "lock", None) or self._lock

    def backend(self):
        b = getattr(self.app.state, "backend", None)
        if b is not None:
            return b
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    from zhengce.pipeline.search import open_search
                    self._backend = open_search(self.store)
        return self._backend

    def call(self, fn, *a, **kw):
        with self.lock:
            return fn(*a, **kw)

    def documents(self) -> list[dict]:
        """All document rows (cached by count: the UI never writes)."""
        n = self.call(self.store.count)
        if self._docs_cache is None or self._docs_cache[0] != n:
            docs = self.call(self.store.documents)
            docs.sort(key=lambda d: (LEVEL_ORDER.get(d.get("level"), 9), d.get("province") or "",
                                     d.get("title") or ""))
            self._docs_cache = (n, docs)
        return self._docs_cache[1]

    def record(self, ref: str) -> dict:
        if not ref or any(ord(ch) < 32 for ch in ref) or len(ref) > 300:
            raise HTTPException(404, f"没有这个文件：{ref}")
        try:
            doc_id = self.call(self.store.resolve, ref)
        except ValueError:
            doc_id = None
        rec = self.call(self.store.get, doc_id) if doc_id else None
        if rec is None:
            raise HTTPException(404, f"没有这个文件：{ref}")
        return rec

    def warm(self) -> None:
        """Load the search backend (jieba, vectors) in the background so the first query is fast."""
        def run():
            try:
                from zhengce.pipeline.search import SearchQuery
                b = self.backend()
                b.search(SearchQuery("政策", "keyword", {}, 1, 0, False))
                b.search(SearchQuery("政策", "hybrid", {}, 1, 0, False))
            except Exception:  # noqa: BLE001 - warming is best effort
                pass
        threading.Thread(target=run, name="zhengce-ui-warm", daemon=True).start()


def ui(request: Request) -> UI:
    return request.app.state.ui


def base(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")


def page(request: Request, name: str, ctx: dict, status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"base": base(request), **ctx}, status_code=status)


def is_page(request: Request) -> bool:
    """Whether a path is the UI's (an HTML error page) rather than the API's or a plain-text answer."""
    path = request.scope.get("path", "")[len(base(request)):]
    return not path.startswith(API_PREFIX) and not path.startswith(PLAIN_PATHS)


def error_page(request: Request, status: int, message: str) -> Optional[HTMLResponse]:
    """The UI's error page (``guard.Guard`` calls it for a refused request); None off the UI's paths."""
    if not is_page(request):
        return None
    heading = "未找到" if status == 404 else "请求有误"
    return page(request, "error.html", {"title": heading, "heading": heading, "nav": "", "message": message},
                status=status)


def add_error_handlers(app: FastAPI) -> None:
    """404 and 422 as a Chinese error page on the UI's paths; the API keeps its JSON ``{"detail"}``."""
    from fastapi.exception_handlers import http_exception_handler
    from starlette.exceptions import HTTPException as StarletteHTTPException

    async def handler(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != "Not Found" else None
        default = "页面不存在" if exc.status_code == 404 else "请求参数有误"
        response = error_page(request, exc.status_code, detail or default)
        return response if response is not None else await http_exception_handler(request, exc)
    app.add_exception_handler(404, handler)
    app.add_exception_handler(422, handler)
    app.state.error_page = error_page
