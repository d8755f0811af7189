"""The REST API (search_api/) with FastAPI's TestClient, plus a hypothesis fuzz of every endpoint
asserting that no input gives a 5xx."""
from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from contract.test_search_contract import HOSTILE, contract_records  # noqa: E402
from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

API = "/api/v1"     # every REST path is under it (search_api/rest)


@pytest.fixture(scope="module")
def app_and_records(tmp_path_factory):
    from zhengce.search_api.app import create_app
    path = tmp_path_factory.mktemp("api") / "api.db"
    store = SearchableSQLiteStore(path)
    recs = contract_records()
    for i, rec in enumerate(recs):
        store.put(rec, f"/docs/{i}.txt", f"h{i}", "txt")
    SQLiteSearch(store).reindex()
    store.close()
    app = create_app(str(path))
    return TestClient(app), {r["doc_id"]: r for r in recs}


@pytest.fixture(scope="module")
def client(app_and_records):
    return app_and_records[0]


@pytest.fixture(scope="module")
def a_doc_id(app_and_records):
    return next(iter(app_and_records[1]))


@pytest.fixture(scope="module")
def records(app_and_records):
    return app_and_records[1]


def test_search(client):
    r = client.get(API + "/search", params={"q": "课后服务", "limit": 3, "level": "municipal"})
    assert r.status_code == 200
    data = r.json()
    assert data["total"] > 0 and len(data["hits"]) <= 3
    assert set(data["hits"][0]) >= {"doc_id", "source", "title", "clause_id", "section_id", "kind", "text", "score",
                                    "highlight"}
    assert data["facets"]["level"] == {"municipal": data["total"]}
    for mode in ("semantic", "hybrid"):
        assert client.get(API + "/search", params={"q": "减轻学生负担", "mode": mode}).json()["hits"]


def test_search_filters_and_pages(client):
    a = client.get(API + "/search", params={"q": "教育", "limit": 4, "facets": "false"}).json()
    b = client.get(API + "/search", params={"q": "教育", "limit": 2, "offset": 2, "facets": "false"}).json()
    assert [h["clause_id"] for h in a["hits"]][2:] == [h["clause_id"] for h in b["hits"]]
    t = client.get(API + "/search", params={"has_target": "true"}).json()
    assert t["total"] > 0 and t["facets"]["has_target"] == {"true": t["total"]}
    y = client.get(API + "/search", params={"q": "教育", "year": "2021-", "kind": "obligation,goal"}).json()
    assert y["total"] > 0 and all(h["kind"] in ("obligation", "goal") for h in y["hits"])


def test_documents_and_clauses(client, records):
    doc_id, rec = next(iter(records.items()))
    r = client.get(f"{API}/documents/{doc_id}")
    assert r.status_code == 200 and r.json()["doc_id"] == doc_id
    assert client.get(f"{API}/documents/{doc_id[:10]}").json()["doc_id"] == doc_id
    cl = client.get(f"{API}/documents/{doc_id}/clauses").json()
    assert [c["id"] for c in cl] == [c["id"] for c in rec["clauses"]]
    assert all(c["kind"] == "goal" for c in client.get(f"{API}/documents/{doc_id}/clauses", params={"kind": "goal"}).json())


def test_targets_and_facets(client, records):
    t = client.get(API + "/targets", params={"indicator": "毛入园率"}).json()
    n = sum("毛入园率" in (x.get("indicator") or "") for r in records.values() for x in r["targets"])
    assert t["total"] == n > 0 and all("毛入园率" in x["indicator"] for x in t["targets"])
    assert client.get(API + "/targets", params={"year": "1990-1991"}).json()["total"] == 0
    f = client.get(API + "/facets", params={"level": "county"}).json()
    assert list(f["level"]) == ["county"]


def test_similar(client, records):
    doc_id, rec = next(iter(records.items()))
    cid = rec["clauses"][10]["id"]
    r = client.get(f"{API}/similar/{doc_id}:{cid}", params={"limit": 3})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 0 < len(hits) <= 3 and all(h["doc_id"] != doc_id for h in hits)


@pytest.mark.parametrize("url,status", [
    ("/documents/nope", 404), ("/documents/nope/clauses", 404), ("/similar/nope:c1", 404),
    ("/similar/DOC:c99999", 404), ("/similar/garbage", 422), ("/search?limit=100000", 422),
    ("/search?offset=-1", 422), ("/search?mode=fuzzy", 422), ("/search?year=soon", 422),
    ("/search?year=2022-2020", 422), ("/search?level=galactic", 422), ("/search?kind=wish", 422),
    ("/search?has_target=maybe", 422), ("/search?q=" + "长" * 2000, 422), ("/facets?year=abc", 422),
    ("/targets?limit=5000", 422),
])
def test_bad_requests(client, records, url, status):
    url = url.replace("DOC", next(iter(records)))
    r = client.get(API + url)
    assert r.status_code == status, r.text
    assert "detail" in r.json()


def test_openapi_and_docs(client):
    spec = client.get(API + "/openapi.json").json()
    assert {API + p for p in ("/search", "/documents/{doc_id}", "/documents/{doc_id}/clauses", "/targets",
                              "/facets", "/similar/{clause_id}")} <= set(spec["paths"])
    r = client.get(API + "/docs")
    assert r.status_code == 200 and f'data-openapi="{API}/openapi.json"' in r.text
    assert "cdn.jsdelivr.net" in r.headers["content-security-policy"]      # Swagger's own CSP, there only
    assert "cdn.jsdelivr.net" not in client.get(API + "/health").headers["content-security-policy"]


def test_rest_answers_only_under_its_prefix(client, a_doc_id):
    """The old unprefixed REST paths are no REST any more: the UI's HTML 404 (or its own page)."""
    for path in ("/search?q=教育", "/facets", "/targets", f"/documents/{a_doc_id}", "/health", "/openapi.json",
                 "/docs", "/indicators?indicator=率", f"/family/{a_doc_id}"):
        assert client.get(API + path).status_code == 200, path
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), path
    r = client.get("/compare", params={"a": a_doc_id, "b": a_doc_id})       # the UI's page, not the API's JSON
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert client.get(API + "/compare", params={"a": a_doc_id, "b": a_doc_id}).json()["a"] == a_doc_id
    r = client.get(API + "/nope")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    assert set(client.get(API + "/openapi.json").json()["paths"]) == {
        API + p for p in ("/search", "/facets", "/similar/{clause_id}", "/documents/{doc_id}",
                          "/documents/{doc_id}/clauses", "/family/{doc_id}", "/targets", "/indicators", "/compare")}


def test_read_only(client):
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)(API + "/search").status_code == 405


@pytest.mark.parametrize("q", HOSTILE[:20])
def test_hostile_queries(client, q):
    assert client.get(API + "/search", params={"q": q[:1000]}).status_code == 200


text = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE[:20] + ["教育", "2021", "county", "c1", "true"]))
params = st.dictionaries(st.sampled_from(["q", "mode", "limit", "offset", "facets", "region", "province", "level", "year",
                                          "issuer", "doc_type", "kind", "unit", "indicator", "has_target", "doc_id",
                                          "same_document"]), text, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(["/search", "/facets", "/targets", "/documents/{x}", "/documents/{x}/clauses",
                                 "/similar/{x}"]),
       x=text, p=params, real=st.sampled_from([None, "", ":c3", ":c99999", "#c3", ":"]))
def test_fuzz_no_5xx(client, a_doc_id, endpoint, x, p, real):
    from urllib.parse import quote
    x = quote(x, safe=":") or "x"
    if real is not None:  # often a real document id, with or without a clause
        x = a_doc_id + quote(real, safe=":")
    r = client.get(API + endpoint.replace("{x}", x), params=p)
    assert r.status_code < 500, (endpoint, x, p, r.text)
    assert r.headers["content-type"].startswith("application/json")


def test_compare_family_and_indicator_endpoints(client_and_ids=None):
    """/compare, /family/{id} and /indicators over a store of the seeds (000 and 004 share clauses
    taken from 教基〔2020〕7号; 003 has an indicator table)."""
    import shutil
    import tempfile
    from pathlib import Path

    from fastapi.testclient import TestClient

    from conftest import SEEDS
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.store import open_store
    from zhengce.search_api.app import create_app

    tmp = Path(tempfile.mkdtemp())
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, tmp / p.name)
    db = tmp / "s.db"
    ingest([str(tmp)], open_store(str(db)))
    client = TestClient(create_app(str(db)))
    s = open_store(str(db))
    a, b = s.resolve("000_1f4e195ec8952eb0.txt"), s.resolve("004_d529f74e39be1481.txt")
    r = client.get(API + "/compare", params={"a": a, "b": b})
    assert r.status_code == 200
    body = r.json()
    assert body["a"] == a and body["b"] == b and body["pairs"]
    assert any("鼓励教师大胆创新" in p["a"]["text"] for p in body["pairs"])
    assert client.get(API + "/compare", params={"a": a, "b": "nope"}).status_code == 404
    assert client.get(f"{API}/family/{a}").status_code == 200
    r = client.get(API + "/indicators", params={"indicator": "毛入园率"})
    assert r.status_code == 200 and r.json()["rows"]
    assert client.get(API + "/indicators", params={"indicator": "毛入园率", "pivot": "colour"}).status_code == 422
