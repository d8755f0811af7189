"""The search contract: written once, run against every search backend.

A backend's module subclasses ``SearchContract`` and provides a class-scoped ``backend`` fixture
filled with ``contract_records()`` (the seed documents, one carrying an extra target so the
``has_target`` / ``indicator`` filters have something to find).  The SQLite backend runs it in
tests/contract/test_search_sqlite.py, Elasticsearch in test_search_elasticsearch.py.
"""
from __future__ import annotations

import copy

import pytest

from conftest import SEEDS
from zhengce.pipeline.search import SearchError, SearchQuery
from zhengce.pipeline.search.keyword import clause_rows

def unit_key(hit) -> tuple[str, str]:
    """A hit is a sentence unit: named by its document and first clause (clause_id is the clause
    of the unit that matched best, which depends on the query)."""
    return hit.doc_id, (hit.clause_ids[0] if hit.clause_ids else hit.clause_id)


HIT_KEYS = {"doc_id", "source", "title", "clause_id", "section_id", "kind", "text", "score", "highlight"}
HOSTILE = ['"', '""', "'", "*", "**", "NEAR(a b)", "a NEAR b", "NOT", "AND OR", "(", ")", "{body}:x", "body:课后",
           "^首", "-", "+", "课后服务*", '"unterminated', "'; DROP TABLE documents; --", "\\", "\x00", "🙂", "  ",
           "课" * 10_000, "教育 " * 3000, "%", "_", "a\"b", "NEAR/3", "c17", "1e9"]


def contract_records() -> list[dict]:
    from zhengce.pipeline.document import extract_file
    recs = [extract_file(p).record() for p in sorted(SEEDS.glob("*.txt"))]
    if any("毛入园率" in (t.get("indicator") or "") for r in recs for t in r["targets"]):
        return recs
    for rec in recs:  # make sure one clause about 毛入园率 carries a target
        for c in rec["clauses"]:
            if "毛入园率" in c["text"] and not any(t.get("clause_id") == c["id"] for t in rec["targets"]):
                rec["targets"].append({"clause_id": c["id"], "indicator": "学前教育毛入园率", "comparator": ">=",
                                       "value": 99.0, "value_max": None, "unit": "%", "deadline": "2025-12-31",
                                       "baseline": None, "binding": "预期性", "recurrence": None,
                                       "text": c["text"], "span": c["span"]})
                return recs
    return recs


class SearchContract:
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls):  # pragma: no cover - overridden
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def records(cls):
        return {r["doc_id"]: r for r in contract_records()}

    def meta(self, records, hit):
        return records[hit.doc_id]["metadata"]

    def search(self, backend, q="", **kw):
        return backend.search(SearchQuery(q, **kw))

    # --- keyword ---------------------------------------------------------------------------

    def test_keyword_hits_have_the_schema_fields_and_contain_the_words(self, backend, records):
        res = self.search(backend, "课后服务", limit=20)
        assert res.total >= 3
        for h in res.hits:
            assert HIT_KEYS <= set(h.as_dict())
            assert "课后" in h.text + (h.heading or "") and "服务" in h.text + (h.heading or "")
            assert h.doc_id in records
        assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)
        assert any("<mark>课后服务</mark>" in h.highlight for h in res.hits)

    def test_search_mode_tokens_find_words_inside_words(self, backend):
        # 学前教育 is one word; search mode also indexes 学前 and 教育 inside it
        res = self.search(backend, "学前", limit=50)
        assert any("学前教育" in h.text for h in res.hits)

    def test_phrase_must_occur_literally(self, backend):
        res = self.search(backend, '"双减"', limit=50)
        assert res.total >= 1
        assert all("双减" in h.text + (h.heading or "") for h in res.hits)
        loose = self.search(backend, "教育 质量", limit=200)
        phrase = self.search(backend, '"教育质量"', limit=200)
        assert phrase.total <= loose.total
        assert all("教育质量" in h.text + (h.heading or "") for h in phrase.hits)

    def test_substring_fallback_finds_partial_words(self, backend):
        # "办学活" is no word: jieba yields 办学 + 活, the index has 活力; trigrams still find it
        res = self.search(backend, "办学活", limit=50)
        assert res.total >= 1
        assert all("办学活" in h.text for h in res.hits)

    def test_terms_are_anded(self, backend):
        a = self.search(backend, "课后服务", limit=200, facets=False)
        ab = self.search(backend, "课后服务 收费", limit=200, facets=False)
        assert 0 < ab.total < a.total
        assert {unit_key(h) for h in ab.hits} <= {unit_key(h) for h in a.hits}

    def test_pagination(self, backend):
        full = self.search(backend, "教育", limit=20, facets=False)
        p1 = self.search(backend, "教育", limit=10, offset=0, facets=False)
        p2 = self.search(backend, "教育", limit=10, offset=10, facets=False)
        key = lambda r: [(h.doc_id, h.clause_id) for h in r.hits]  # noqa: E731
        assert key(p1) + key(p2) == key(full)
        assert not set(key(p1)) & set(key(p2))
        assert p1.total == p2.total == full.total > 20

    @pytest.mark.parametrize("q", HOSTILE)
    def test_hostile_queries_are_text_not_syntax(self, backend, q):
        res = self.search(backend, q, limit=5)
        assert res.total >= 0
        for h in res.hits:
            assert HIT_KEYS <= set(h.as_dict())

    def test_empty_query_browses_by_filters(self, backend, records):
        res = self.search(backend, "", filters={"level": "county"}, limit=5)
        n = sum(len(list(clause_rows(r))) for r in records.values() if r["metadata"]["level"] == "county")
        assert res.total == n > 0

    # --- filters and facets -----------------------------------------------------------------

    @pytest.mark.parametrize("key,value,check", [
        ("level", "county", lambda m, h: m["level"] == "county"),
        ("province", "山西省", lambda m, h: m["region"]["province"] == "山西省"),
        ("region", "太原市", lambda m, h: "太原市" in (m["region"]["city"] or "")),
        ("year", "2021", lambda m, h: (m["signed_date"] or m["published_date"])[:4] == "2021"),
        ("year", "2017-2021", lambda m, h: 2017 <= int((m["signed_date"] or m["published_date"])[:4]) <= 2021),
        ("year", "2022-", lambda m, h: int((m["signed_date"] or m["published_date"])[:4]) >= 2022),
        ("issuer", "随州", lambda m, h: any("随州" in i for i in m["issuers"])),
        ("doc_type", "规划", lambda m, h: m["doc_type"] == "规划"),
        ("kind", "obligation", lambda m, h: h.kind == "obligation"),
        ("kind", "goal,prohibition", lambda m, h: h.kind in ("goal", "prohibition")),
    ])
    def test_filters(self, backend, records, key, value, check):
        res = self.search(backend, "教育", filters={key: value}, limit=50, facets=False)
        assert res.total > 0, (key, value)
        assert all(check(self.meta(records, h), h) for h in res.hits)
        assert res.total < self.search(backend, "教育", facets=False).total

    def test_unit_filter(self, backend, records):
        res = self.search(backend, "", filters={"unit": "教育局"}, limit=50)
        assert res.total > 0
        for h in res.hits:
            rec = records[h.doc_id]
            clause = next(c for c in rec["clauses"] if c["id"] == h.clause_id)
            units = [r["unit"] for r in rec["responsibilities"]
                     if h.clause_id in r["clause_ids"] or (not r["clause_ids"] and r["section_id"] == h.section_id)]
            assert any("教育局" in u for u in units + clause["actors"])

    def test_target_filters(self, backend, records):
        def units_with(pred):    # the sentence units holding a clause with a target that passes pred
            out = set()
            for r in records.values():
                ids = {t["clause_id"] for t in r["targets"] if t.get("clause_id") and pred(t)}
                out |= {(r["doc_id"], row["clause_id"]) for row in clause_rows(r)
                        if ids & set(row["clause_ids"])}
            return out
        expected = units_with(lambda t: True)
        with_target = self.search(backend, "", filters={"has_target": "true"}, limit=200)
        assert with_target.total == len(expected) > 0
        assert {unit_key(h) for h in with_target.hits} == expected
        ruzhu = units_with(lambda t: "毛入园率" in (t.get("indicator") or ""))
        by_indicator = self.search(backend, "", filters={"indicator": "毛入园率"}, limit=200)
        assert ruzhu and {unit_key(h) for h in by_indicator.hits} == ruzhu
        without = self.search(backend, "毛入园率", filters={"has_target": "false"}, limit=200)
        assert without.hits and all(h.clause_ids for h in without.hits)

    def test_facets_count_the_matching_clauses(self, backend):
        res = self.search(backend, "教育", limit=1)
        assert set(res.facets) >= {"province", "level", "year", "doc_type", "issuer", "kind", "unit", "indicator",
                                   "has_target"}
        assert sum(res.facets["kind"].values()) == res.total
        assert sum(res.facets["has_target"].values()) == res.total
        county = self.search(backend, "教育", filters={"level": "county"}, limit=1, facets=False)
        assert res.facets["level"].get("county") == county.total
        assert backend.facets({"level": "county"})["level"] == {"county": self.search(
            backend, "", filters={"level": "county"}, facets=False).total}

    @pytest.mark.parametrize("bad", [{"colour": "red"}, {"year": "twenty"}, {"level": "galactic"},
                                     {"kind": "wish"}, {"has_target": "maybe"}, {"year": "2022-2020"}])
    def test_bad_filters_are_errors(self, backend, bad):
        with pytest.raises(SearchError):
            self.search(backend, "教育", filters=bad)

    @pytest.mark.parametrize("kw", [{"mode": "fuzzy"}, {"limit": -1}, {"limit": 10_000}, {"offset": -5}])
    def test_bad_options_are_errors(self, backend, kw):
        with pytest.raises(SearchError):
            self.search(backend, "教育", **kw)

    # --- semantic, hybrid, similar ---------------------------------------------------------

    def test_semantic_finds_a_clause_from_its_own_words(self, backend, records):
        rec = next(iter(records.values()))
        clause = max(rec["clauses"], key=lambda c: len(c["text"]))
        res = self.search(backend, clause["text"], mode="semantic", limit=3)
        assert (res.hits[0].doc_id, res.hits[0].clause_id) == (rec["doc_id"], clause["id"])
        assert res.hits[0].score > 0.9

    def test_semantic_honours_filters(self, backend, records):
        res = self.search(backend, "减轻学生作业负担", mode="semantic", filters={"level": "county"}, limit=10)
        assert res.hits and all(self.meta(records, h)["level"] == "county" for h in res.hits)

    def test_semantic_finds_paraphrases_keyword_misses(self, backend):
        kw = self.search(backend, "减轻学生作业负担", limit=50, facets=False)
        sem = self.search(backend, "减轻学生作业负担", mode="semantic", limit=10, facets=False)
        assert any("负担" in h.text for h in sem.hits[:5])
        assert {(h.doc_id, h.clause_id) for h in sem.hits} - {(h.doc_id, h.clause_id) for h in kw.hits}

    def test_hybrid_fuses_both_lists(self, backend):
        q = "课后服务 收费"
        kw = self.search(backend, q, limit=5, facets=False)
        sem = self.search(backend, q, mode="semantic", limit=5, facets=False)
        hy = self.search(backend, q, mode="hybrid", limit=20, facets=False)
        got = {(h.doc_id, h.clause_id) for h in hy.hits}
        assert (kw.hits[0].doc_id, kw.hits[0].clause_id) in got
        assert (sem.hits[0].doc_id, sem.hits[0].clause_id) in got
        assert [h.score for h in hy.hits] == sorted((h.score for h in hy.hits), reverse=True)

    def test_similar_returns_clauses_of_other_documents(self, backend, records):
        rec = next(r for r in records.values() if any("课后服务" in c["text"] for c in r["clauses"]))
        clause = next(c for c in rec["clauses"] if "课后服务" in c["text"])
        for sep in (":", "#"):
            res = backend.similar(f"{rec['doc_id']}{sep}{clause['id']}", limit=5)
            assert 0 < len(res.hits) <= 5
            assert all(h.doc_id != rec["doc_id"] for h in res.hits)
        # the own document is allowed, not necessarily in the top 5 (a dense model ranks the copies of
        # the clause in other documents first): the 50 nearest hold one of its other sentences
        same = backend.similar(f"{rec['doc_id'][:10]}:{clause['id']}", limit=50, other_documents=False)
        assert any(h.doc_id == rec["doc_id"] for h in same.hits)
        assert all((h.doc_id, h.clause_id) != (rec["doc_id"], clause["id"]) for h in same.hits)

    @pytest.mark.parametrize("ref", ["nonsense", "c17", "abc:", ":c1", "ffffffffffffffff:c1"])
    def test_similar_bad_refs(self, backend, ref):
        with pytest.raises(SearchError):
            backend.similar(ref)
