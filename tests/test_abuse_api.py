"""Abuse suite for the REST API and the web UI (issue 15): every route, found from the app itself,
fuzzed with hostile parameters — NUL and other control characters, every year-range form, SQL and
FTS syntax, huge values — must never answer 5xx; every response carries the security headers; the
Host check holds beyond loopback.  Reusable: a new route is fuzzed without touching this file."""
from __future__ import annotations

import re
import shutil
import warnings
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")


from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import SEEDS  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

YEARS = ["2020", "2020-2021", "2020..2021", "..", "..2020", "2020..", "2020–2021", "2020—2021", "2021-2020", "-",
         "–", "—", "-2020", "2020-", " 2020 ", "20201", "2020-2021-2022", "2020 .. 2021", "９９９９", "0000..9999",
         "2020\x002021", "year", ""]
CONTROL = ["a\x00b", "\x00", "\x1b[31m", "\x7f", "a\x08b", "\x0b\x0c", "\r\n", "\t", "a\nb", "\x01\x02\x03"]
HOSTILE = ['"', "'", "*", "NEAR(a b)", "NOT", "(", "{body}:x", '"unterminated', "'; DROP TABLE documents; --", "\\",
           "%", "_", "🙂", "\ud7ff", "\ufffd", "<script>alert(1)</script>", "../../etc/passwd", "课" * 3000, "1e9",
           "-1", "99999999999999999999", "nan", "inf", "true", "c3", ":c3", "#c3", "教育"]
VALUES = CONTROL + YEARS + HOSTILE
PARAMS = ["q", "mode", "limit", "offset", "facets", "region", "province", "city", "county", "level", "year",
          "issuer", "doc_type", "kind", "unit", "indicator", "has_target", "doc_id", "same_document", "a", "b",
          "threshold", "diff", "reuse", "min_share", "pivot", "page", "style"]
API = "/api/v1"     # the REST API's prefix (search_api/rest)
SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY"}


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.store import open_store
    from zhengce.search_api.app import create_app
    tmp = tmp_path_factory.mktemp("abuse_api")
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, tmp / p.name)
    db = tmp / "s.db"
    with open_store(str(db)) as store:
        ingest([str(tmp)], store)
    with open_store(str(db)) as store:
        doc_id = store.documents()[0]["doc_id"]
    app = create_app(str(db))
    return app, TestClient(app), doc_id


def routes(app) -> list[str]:
    """Every GET path of the app (API and UI), static files included."""
    out = []
    flat = []
    for r in app.routes:        # FastAPI >= 0.16x keeps an included router as one lazy entry
        flat.extend(r.effective_route_contexts() if hasattr(r, "effective_route_contexts") else [r])
    for r in flat:
        methods = getattr(r, "methods", None) or {"GET"}
        if "GET" in methods and getattr(r, "path", None):
            out.append(r.path)
        elif r.__class__.__name__ == "Mount":
            out.append(r.path + "/{path}")
    return sorted(set(out))


def check_headers(r) -> None:
    for k, v in SECURITY.items():
        assert r.headers.get(k) == v, (r.request.url, k, dict(r.headers))
    csp = r.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]
    assert r.headers.get("referrer-policy")


def fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: quote(value, safe=":") or "x", path)


def test_every_route_is_fuzzed(app_client):
    app, _, _ = app_client
    paths = routes(app)
    for p in (API + "/search", API + "/indicators", API + "/targets", API + "/compare", API + "/docs", "/",
              "/doc/{doc_ref}", "/target-table", "/compare"):
        assert p in paths, paths


@pytest.mark.parametrize("value", CONTROL + YEARS)
def test_control_characters_and_year_forms_on_every_route(app_client, value):
    """The rows of the abuse run: /search?q=a%00b, /?q=a%00b, /indicators?year=2020..2021 …"""
    app, client, doc_id = app_client
    for path in routes(app):
        url = fill(path, doc_id)
        for key in ("q", "year", "indicator", "a", "b", "style", "page"):
            params = {key: value}
            if path == API + "/indicators" and key != "indicator":
                params["indicator"] = "率"
            if path in ("/compare", API + "/compare") and key not in ("a", "b"):
                params.update(a=doc_id, b=doc_id)
            r = client.get(url, params=params)
            assert r.status_code < 500, (url, params, r.text[:300])
            check_headers(r)
            if CONTROL_RE.search(value):
                assert r.status_code in (400, 404, 422), (url, params, r.status_code)


CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def test_year_grammar_is_the_same_everywhere(app_client):
    _, client, _ = app_client
    for value in ("2020..2021", "..2020", "2020..", "2020–2021", "2020—2021", "2020-2021", "2020"):
        for url, extra in ((API + "/search", {}), (API + "/indicators", {"indicator": "率"}), (API + "/targets", {}),
                           (API + "/facets", {}), ("/", {}), ("/target-table", {})):
            assert client.get(url, params={"year": value, **extra}).status_code == 200, (url, value)
    for value in ("..", "-", "–", "2021-2020", "year"):
        for url, extra in ((API + "/search", {}), (API + "/indicators", {"indicator": "率"}), (API + "/targets", {}),
                           ("/", {})):
            assert client.get(url, params={"year": value, **extra}).status_code == 422, (url, value)


def test_nul_in_the_path_is_refused_not_a_500(app_client):
    _, client, _ = app_client
    for url in (API + "/documents/a%00b", "/doc/a%00b", API + "/similar/a%00b:c1", "/cite/a%00b", API + "/family/%00",
                "/static/%00app.css"):
        r = client.get(url)
        assert r.status_code in (404, 422), (url, r.status_code)
        check_headers(r)


text = st.one_of(st.text(max_size=30), st.sampled_from(VALUES))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_every_route_no_5xx(app_client, data):
    app, client, doc_id = app_client
    path = data.draw(st.sampled_from(routes(app)), label="path")
    value = data.draw(st.one_of(st.just(doc_id), st.just(doc_id + ":c3"), text), label="path value")
    params = data.draw(st.dictionaries(st.sampled_from(PARAMS), text, max_size=5), label="params")
    try:
        r = client.get(fill(path, value), params=params)
    except Exception as e:            # noqa: BLE001 - the client's own refusal, whichever httpx it is
        if type(e).__name__ != "InvalidURL":
            raise
        assume(False)                 # longer than any HTTP client sends (httpx caps a query at 64 KiB)
    assert r.status_code < 500, (path, value, params, r.text[:300])
    check_headers(r)


def test_security_headers_on_every_page(app_client):
    app, client, doc_id = app_client
    urls = ["/", "/?q=教育", f"/doc/{doc_id}", "/target-table", "/target-table.csv", "/compare",
            f"/compare?a={doc_id}&b={doc_id}", "/static/app.css", "/static/app.js", API + "/docs",
            API + "/openapi.json", API + "/search?q=教育", f"{API}/documents/{doc_id}", "/nope", "/doc/nope",
            API + "/health", API + "/nope", "/search?q=教育"]
    for url in urls:
        r = client.get(url)
        assert r.status_code < 500, url
        check_headers(r)


def test_pages_have_no_inline_script_or_style(app_client):
    """What the CSP forbids must not be needed: no inline <script> body, no on* handlers, no style=."""
    _, client, doc_id = app_client
    for url in ("/", "/?q=教育", f"/doc/{doc_id}", "/target-table", "/compare", f"/compare?a={doc_id}&b={doc_id}",
                API + "/docs", "/doc/nope", "/nope"):
        html = client.get(url).text
        for m in re.finditer(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
            assert "src=" in m.group(1) and not m.group(2).strip(), (url, m.group(0)[:200])
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), url
        assert not re.search(r"\sstyle\s*=", html, re.I), url


def test_host_check(tmp_path):
    from zhengce.search_api.app import create_app
    from zhengce.search_api.guard import host_ok
    db = tmp_path / "e.db"
    from zhengce.pipeline.store import open_store
    open_store(str(db)).close()
    # bound beyond loopback (the connection arrived on 10.1.2.3): only the listed names, or the address itself
    app = create_app(str(db), allowed_hosts=["policy.example.org"])
    c = TestClient(app, base_url="http://10.1.2.3")
    assert c.get(API + "/health").status_code == 200
    assert c.get(API + "/health", headers={"host": "policy.example.org:8000"}).status_code == 200
    r = c.get(API + "/health", headers={"host": "evil.example"})
    assert r.status_code == 400 and r.headers["x-frame-options"] == "DENY"
    c = TestClient(create_app(str(db)), base_url="http://10.1.2.3")
    assert c.get(API + "/health").status_code == 200
    assert c.get(API + "/health", headers={"host": "evil.example"}).status_code == 400
    # loopback: loopback names only (a DNS-rebinding page cannot read the API)
    assert host_ok("localhost:8000", ("127.0.0.1", 8000), [])
    assert host_ok("[::1]:8000", ("::1", 8000), [])
    assert not host_ok("rebind.evil.example", ("127.0.0.1", 8000), [])
    assert host_ok("policy.example.org", ("0.0.0.0", 8000), ["policy.example.org"])
    assert not host_ok("other.example", ("192.168.1.5", 8000), ["policy.example.org"])
