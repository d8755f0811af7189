"""What every request passes through, API and UI alike: one place for hostile input.

- ``check_params`` (run by ``Guard`` before any route, static files and OpenAPI included): every
  query parameter and the path are checked once, here.  Control characters (NUL, ESC, DEL …) are refused with 422 —
  they reach SQLite and FTS5 otherwise; values are capped in length; ``year`` is parsed by the one
  year grammar (``2021``, ``2019-2022``, ``2020-``, ``-2020``, ``2019..2022``, en and em dashes)
  on every endpoint, so what works on /search works on /indicators and the UI.
- ``Guard`` (ASGI middleware): security headers on every response (a CSP without inline script,
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy``) and a Host
  check: on a loopback connection only loopback names are accepted (no DNS rebinding); on any other
  address the Host must be in ``allowed_hosts`` (``zhengce serve --allowed-host NAME``, repeatable,
  and ``ZHENGCE_ALLOWED_HOSTS``, comma-separated) or be that address itself.
"""
from __future__ import annotations

import ipaddress
import os
import re
from typing import Iterable, Optional

from zhengce.search_api.rest import PREFIX


MAX_PARAM_CHARS = 2000
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")     # tab, LF and CR are whitespace, not refused

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI (/api/v1/docs) loads its bundle from a CDN; its init script is our own static file, not inline
CSP_DOCS = ("default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; "
            "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
DOCS_PATHS = (PREFIX + "/docs", PREFIX + "/docs/oauth2-redirect")


def check_text(name: str, value: str) -> Optional[str]:
    if CONTROL.search(value):
        return f"{name}: control characters are not allowed"
    if len(value) > MAX_PARAM_CHARS:
        return f"{name}: longer than {MAX_PARAM_CHARS} characters"
    return None


def check_params(scope) -> Optional[str]:
    """Why a request is refused (422), or None: the path and every query parameter, checked once
    for every route (API, UI, static files, OpenAPI) before any of them runs."""
    from starlette.datastructures import QueryParams

    from zhengce.pipeline.search.base import SearchError, year_range
    problem = check_text("path", scope.get("path", ""))
    if problem:
        return problem
    for key, value in QueryParams(scope.get("query_string", b"")).multi_items():
        problem = check_text("parameter name", key) or check_text(key, value)
        if problem:
            return problem
        if key == "year" and value.strip():
            try:
                year_range(value)
            except SearchError as e:
                return str(e)
    return None


def allowed_hosts_from_env() -> list[str]:
    return [h.strip().lower() for h in os.environ.get("ZHENGCE_ALLOWED_HOSTS", "").split(",") if h.strip()]


def _host_name(value: str) -> str:
    """``example.org:8000`` → ``example.org``; ``[::1]:8000`` → ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _ip(value: str):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def host_ok(host: str, server: Optional[tuple], allowed: Iterable[str]) -> bool:
    allowed = set(allowed)
    if "*" in allowed:
        return True
    name = _host_name(host)
    local = _ip(str(server[0])) if server else None
    if local is None:                  # in-process clients (TestClient), unix sockets: a list if one is set
        return not allowed or name in allowed
    if name in allowed:
        return True
    if local.is_loopback:              # bound to loopback: loopback names only (DNS rebinding)
        return name in LOOPBACK_NAMES or (_ip(name) is not None and _ip(name).is_loopback)
    return _ip(name) == local          # beyond loopback without a list: the address it was reached on


class Guard:
    """ASGI middleware: Host check and security headers (see the module's doc)."""

    def __init__(self, app, allowed_hosts: Optional[Iterable[str]] = None):
        self.app = app
        self.allowed = [h.lower() for h in (allowed_hosts if allowed_hosts is not None else allowed_hosts_from_env())]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        path = scope.get("path", "")[len(scope.get("root_path", "").rstrip("/")):]
        csp = (CSP_DOCS if path.rstrip("/") in DOCS_PATHS else CSP).encode()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS + [(b"content-security-policy", csp)] if k not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        if not host_ok(host, scope.get("server"), self.allowed):
            body = (b"invalid Host header (name it with zhengce serve --allowed-host NAME "
                    b"or ZHENGCE_ALLOWED_HOSTS)\n")
            await send_with_headers({"type": "http.response.start", "status": 400,
                                     "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                                 (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        problem = check_params(scope)
        if problem:
            await self._refuse(scope, receive, send_with_headers, problem)
            return
        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, scope, receive, send, problem: str) -> None:
        """422: the UI's own error page for the UI's paths (``app.state.error_page``), JSON otherwise."""
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        app = scope.get("app")
        render = getattr(getattr(app, "state", None), "error_page", None)
        response = render(Request(scope, receive), 422, problem) if render else None
        if response is None:
            response = JSONResponse({"detail": problem}, status_code=422)
        await response(scope, receive, send)
