"""The Elasticsearch backend without a cluster: the generated mappings and query bodies.
(The contract suite in tests/contract/test_search_elasticsearch.py runs against a real cluster.)"""
from __future__ import annotations

import json

import pytest

pytest.importorskip("elasticsearch")

from zhengce.pipeline.search import SearchError  # noqa: E402
from zhengce.pipeline.search.es_backend import (aggregations, facets_from, keyword_query, knn_body,  # noqa: E402
                                                native_rrf_body, search_body, vector_field)
from zhengce.pipeline.search.text import parse_query  # noqa: E402
from zhengce.pipeline.store.base import FILTER_KEYS  # noqa: E402
from zhengce.pipeline.store.elasticsearch import (ElasticsearchStore, analysis_settings, clause_mapping,  # noqa: E402
                                                  clause_sources, document_mapping, document_source, filter_clauses)


def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield k, v
            yield from walk(v)
    elif isinstance(x, list):
        for v in x:
            yield from walk(v)


def test_clause_mapping():
    m = clause_mapping({"emb_tfidf": 256}, plugins=("analysis-smartcn",))
    p = m["properties"]
    assert m["dynamic"] == "strict"
    assert p["tokens"]["analyzer"] == "zh_tokens" and p["heading_tokens"]["analyzer"] == "zh_tokens"
    assert analysis_settings()["analysis"]["analyzer"]["zh_tokens"]["tokenizer"] == "whitespace"
    tri = analysis_settings()["analysis"]["tokenizer"]["zh_trigram"]
    assert (tri["type"], tri["min_gram"], tri["max_gram"]) == ("ngram", 3, 3)
    assert p["text"]["analyzer"] == "zh_trigram" and p["text"]["fields"]["smartcn"]["analyzer"] == "smartcn"
    for f in ("province", "city", "county", "region_code", "level", "doc_type", "issuer", "issuers", "kind", "units",
              "indicators", "doc_id"):
        assert p[f]["type"] == "keyword", f
    assert p["year"]["type"] == "integer" and p["has_target"]["type"] == "boolean"
    assert p["emb_tfidf"] == {"type": "dense_vector", "dims": 256, "index": True, "similarity": "cosine"}
    assert "fields" not in clause_mapping()["properties"]["text"]
    assert document_mapping()["properties"]["record"] == {"type": "object", "enabled": False}


def test_every_filter_key_has_a_clause():
    values = {"region": "太原市", "province": "山西省", "city": "太原市", "county": "杏花岭区", "level": "county",
              "year": "2019-2022", "year_from": "2019", "year_to": "2022", "issuer": "随州", "doc_type": "规划",
              "kind": "goal,obligation", "unit": "教育局", "has_target": "true", "indicator": "毛入园率",
              "doc_id": "abc"}
    assert set(values) == set(FILTER_KEYS)
    clauses = filter_clauses(values)
    assert len(clauses) == len(values)
    body = json.dumps(clauses, ensure_ascii=False)
    assert {"range": {"year": {"gte": 2019, "lte": 2022}}} in clauses
    assert {"terms": {"kind": ["goal", "obligation"]}} in clauses
    assert {"term": {"has_target": True}} in clauses
    assert {"wildcard": {"units": {"value": "*教育局*", "case_insensitive": True}}} in clauses
    assert "太原市" in body
    region = next(c for c in clauses if "bool" in c)
    assert {list(s["term"])[0] for s in region["bool"]["should"]} == {"province", "city", "county", "region_code"}
    doc = filter_clauses({"kind": "goal", "has_target": "false"}, doc_level=True)
    assert doc == [{"terms": {"kinds": ["goal"]}}, {"term": {"n_targets": 0}}]


@pytest.mark.parametrize("bad", [{"colour": "x"}, {"year": "soon"}, {"level": "galactic"}, {"kind": "wish"}])
def test_bad_filters(bad):
    with pytest.raises(Exception) as e:
        filter_clauses(bad)
    assert isinstance(e.value, (SearchError,)) or "unknown filter" in str(e.value)


def test_wildcards_in_values_are_escaped():
    (c,) = filter_clauses({"unit": "教*局?"})
    assert c["wildcard"]["units"]["value"] == "*教\\*局\\?*"


def test_keyword_query_body():
    q = keyword_query(parse_query('课后服务 "双减"'), {"level": "county"})
    must = q["bool"]["must"]
    assert len(must) == 2
    word = must[1]["bool"]["should"]          # phrases come first
    mm = word[0]["multi_match"]
    assert mm["operator"] == "and" and mm["fields"] == ["tokens", "heading_tokens^2.0"]
    from zhengce.pipeline.search.text import segmented
    assert mm["query"] == segmented("课后服务") and " " in mm["query"]   # pre-segmented like the index
    assert word[1]["match_phrase"]["text"]["query"] == "课后服务"   # substring fallback, boosted low
    phrase = must[0]["bool"]
    assert phrase["filter"][0]["match_phrase"]["tokens"]["query"] == "双减"
    assert q["bool"]["filter"] == [{"term": {"level": "county"}}]
    assert q["bool"]["should"][0]["match"]["title_tokens"]["boost"] > 0


@pytest.mark.parametrize("q", ['"', "*", "NEAR(a b)", "a OR b", "x:y", "课" * 10_000, "", "(((", "\\"])
def test_hostile_queries_never_reach_a_query_language(q):
    body = search_body(parse_query(q), {}, 10, 0, True)
    json.dumps(body)
    assert not any(k in ("query_string", "simple_query_string", "regexp", "script") for k, _ in walk(body))
    assert all(len(str(v)) <= 2100 for k, v in walk(body) if k == "query" and isinstance(v, str))


def test_search_body_pages_sorts_and_aggregates():
    b = search_body(parse_query("教育"), {}, 20, 40, True)
    assert (b["from"], b["size"], b["track_total_hits"]) == (40, 20, True)
    assert b["sort"][0] == "_score"
    assert set(b["aggs"]) == {"province", "level", "year", "doc_type", "issuer", "kind", "unit", "indicator",
                              "has_target"}
    assert "aggs" not in search_body(parse_query("教育"), {}, 20, 0, False)
    assert search_body(parse_query(""), {}, 5, 0, False)["query"] == {"match_all": {}}


def test_knn_and_rrf_bodies():
    k = knn_body("emb_tfidf", [0.1, 0.2], {"province": "山西省"}, 50, exclude_doc="d1")
    assert k["knn"]["k"] == 50 and k["knn"]["num_candidates"] == 100 and k["size"] == 50
    assert {"term": {"province": "山西省"}} in k["knn"]["filter"]
    assert {"bool": {"must_not": [{"term": {"doc_id": "d1"}}]}} in k["knn"]["filter"]
    r = native_rrf_body(parse_query("教育"), {}, "emb_tfidf", [0.1], 10)
    rr = r["retriever"]["rrf"]
    assert rr["rank_constant"] == 60 and len(rr["retrievers"]) == 2 and "knn" in rr["retrievers"][1]
    assert vector_field("tfidf") == "emb_tfidf" and vector_field("some/model").startswith("emb_st_")


def test_facets_from_aggregations():
    aggs = {"level": {"buckets": [{"key": "county", "doc_count": 3}]},
            "has_target": {"buckets": [{"key": 1, "key_as_string": "true", "doc_count": 2}]},
            "year": {"buckets": [{"key": 2021, "doc_count": 5}]}}
    f = facets_from(aggs)
    assert f["level"] == {"county": 3} and f["has_target"] == {"true": 2} and f["year"] == {"2021": 5}
    assert f["unit"] == {}
    assert aggregations()["unit"]["terms"]["field"] == "units"


def test_documents_and_clauses_to_index():
    from contract.test_search_contract import contract_records
    rec = next(r for r in contract_records() if any(t.get("clause_id") and t.get("indicator") for t in r["targets"]))
    doc = document_source(rec, 1.0)
    assert doc["n_targets"] == len(rec["targets"]) and doc["record"] is rec
    assert doc["indicators"] == sorted({t["indicator"] for t in rec["targets"] if t.get("indicator")})
    rows = dict(clause_sources(rec, doc, "/x.txt"))
    from zhengce.pipeline.search.keyword import clause_rows
    units = list(clause_rows(rec))                      # one document per sentence unit, as in SQLite
    assert len(rows) == len(units) < len(rec["clauses"])
    t = next(t for t in rec["targets"] if t.get("clause_id") and t.get("indicator"))
    unit = next(u for u in units if t["clause_id"] in u["clause_ids"])
    src = rows[f"{rec['doc_id']}:{unit['clause_id']}"]
    assert src["has_target"] is True and t["indicator"] in src["indicators"]
    assert " " in src["tokens"] and src["level"] == rec["metadata"]["level"]
    assert set(src) <= set(clause_mapping()["properties"])  # strict mapping accepts every field


def test_bulk_retries_and_reports_failures(monkeypatch):
    from elasticsearch import helpers
    seen = {}

    def fake_streaming_bulk(client, actions, **kw):
        seen.update(kw)
        for a in actions:
            yield (a["_id"] != "bad"), {"index": {"_id": a["_id"], "error": "mapper_parsing_exception"}}
    monkeypatch.setattr(helpers, "streaming_bulk", fake_streaming_bulk)

    class FakeES:
        pass
    store = ElasticsearchStore("http://localhost:9200/t", client=FakeES(), create=False)
    assert store.bulk([{"_id": "a"}, {"_id": "b"}]) == 2
    assert seen["max_retries"] >= 3 and 429 in seen["retry_on_status"] and seen["raise_on_error"] is False
    with pytest.raises(Exception, match="1 bulk actions failed"):
        store.bulk([{"_id": "a"}, {"_id": "bad"}])
    assert store.index("clauses") == "t-clauses"


def test_unreachable_cluster_is_a_store_error():
    from zhengce.pipeline.store import StoreError, open_store
    with pytest.raises(StoreError, match="cannot reach Elasticsearch"):
        open_store("http://127.0.0.1:9")


def test_hybrid_and_semantic_facets_aggregate_over_the_fused_ids(monkeypatch):
    from zhengce.pipeline.search import SearchQuery
    from zhengce.pipeline.search.es_backend import ElasticsearchSearch, ids_facets_body
    body = ids_facets_body(["d1:c1", "d2:c3"])
    assert body["size"] == 0 and body["query"] == {"ids": {"values": ["d1:c1", "d2:c3"]}}
    assert set(body["aggs"]) == set(aggregations())

    def hit(i):
        return {"_id": i, "_score": 1.0, "_source": {"doc_id": i.split(":")[0], "clause_id": i.split(":")[1],
                                                     "text": "课后服务", "kind": "obligation"}}
    calls = []

    class FakeES:
        def search(self, index, **body):
            calls.append(body)
            if "aggs" in body and body.get("size") == 0:
                return {"aggregations": {"level": {"buckets": [{"key": "county", "doc_count": 2}]}}}
            ids = ["a:c1", "b:c2"] if "knn" not in body else ["b:c2", "c:c3"]
            return {"hits": {"total": {"value": 2}, "hits": [hit(i) for i in ids]}}
    store = ElasticsearchStore("http://localhost:9200/t", client=FakeES(), create=False)
    backend = ElasticsearchSearch(store)
    monkeypatch.setattr(backend, "_query_vector", lambda model, text: ("emb_tfidf", [0.5, 0.5]))
    res = backend.search(SearchQuery("课后服务", "hybrid", {}, 10, 0, True))
    assert res.total == 3 and res.facets["level"] == {"county": 2}
    assert set(calls[-1]["query"]["ids"]["values"]) == {"a:c1", "b:c2", "c:c3"}
    res = backend.search(SearchQuery("课后服务", "semantic", {}, 10, 0, True))
    assert res.facets["level"] == {"county": 2} and calls[-1]["query"]["ids"]["values"] == ["b:c2", "c:c3"]
    n = len(calls)
    backend.search(SearchQuery("课后服务", "hybrid", {}, 10, 0, False))
    assert len(calls) == n + 2          # no facet request when facets are off


def test_the_store_never_imports_search():
    """Layering: the Elasticsearch store builds its documents, clause rows and filters from
    ``store/textunits.py`` and ``store/filters.py``; no ``pipeline.search`` module is loaded."""
    import os
    import subprocess
    import sys
    from conftest import SEEDS
    seed = sorted(SEEDS.glob("*.txt"))[0]
    code = ("import sys\n"
            "from zhengce.pipeline.document import extract_file\n"
            f"rec = extract_file({str(seed)!r}).record()\n"
            "from zhengce.pipeline.store import elasticsearch as es\n"
            "doc = es.document_source(rec, 1.0)\n"
            "rows = list(es.clause_sources(rec, doc, '/x.txt'))\n"
            "es.filter_clauses({'year': '2019-2022', 'kind': 'obligation', 'has_target': 'true'})\n"
            "assert rows and ' ' in rows[0][1]['tokens']\n"
            "print(sorted(m for m in sys.modules if m.startswith('zhengce.pipeline.search')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=os.environ)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
