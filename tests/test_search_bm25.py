"""BM25 computed in numpy from the forward term index (pipeline/search/bm25.py) must be FTS5's
bm25() — same matches, same scores — while reading no posting list to its end; its table must
follow the FTS5 rows through every write; narrowing by filter tokens must never change a result."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.test_search_contract import contract_records
from zhengce.pipeline.search import bm25
from zhengce.pipeline.search import keyword as kwmod
from zhengce.pipeline.store.sqlite import immediate
from zhengce.pipeline.search.keyword import BM25_WEIGHTS, W_BODY, W_HEADING, match_expressions
from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
from zhengce.pipeline.search.text import fts_quote, parse_query, tokens


@pytest.fixture(scope="module")
def backend(seed_search):
    return seed_search


def fts5_bm25(db, expr: str) -> dict[int, float]:
    return dict(db.execute(f"SELECT rowid, -bm25(search_fts{BM25_WEIGHTS}) FROM search_fts WHERE search_fts MATCH ?",
                           (expr,)).fetchall())


# every-word expressions (with the sub-word alternatives of long words), repeated words, words that
# occur in headings, and an any-word list
QUERIES = ["学前教育毛入园率", "课后服务 收费", "教育", "中小学生 作业 负担", "收费 标准 收费", "保障措施", "组织领导",
           "政务数据安全责任", "幼儿园"]


@pytest.mark.parametrize("q", QUERIES)
def test_scores_are_fts5_bm25(backend, q):
    kw = match_expressions(parse_query(q))[0]
    ref = fts5_bm25(backend.db, kw)
    rids, scores = backend.keyword._scored(kw, None)
    assert sorted(rids.tolist()) == sorted(ref)
    for r, s in zip(rids.tolist(), scores.tolist()):
        assert s == pytest.approx(ref[r], rel=1e-9)


def test_any_word_scores_are_fts5_bm25(backend):
    toks = list(dict.fromkeys(tokens("学前教育 课后服务 收费 幼儿园 作业")))
    expr = "{body heading} : (" + " OR ".join(fts_quote(t) for t in toks) + ")"
    ref = fts5_bm25(backend.db, expr)
    rids, scores = backend.keyword._scored(expr, None)
    assert len(ref) > 20 and sorted(rids.tolist()) == sorted(ref)
    assert np.allclose(scores, [ref[r] for r in rids.tolist()], rtol=1e-9)


def test_a_phrase_absent_from_the_index_scores_nothing(backend):
    index = backend.keyword.terms()
    rid = int(index.rids[0])
    assert index.score(np.array([rid]), ["zzz不存在的词"], {"zzz不存在的词": 0}, (W_BODY, W_HEADING))[0] == 0.0
    assert index.score(np.array([10**9]), ["教育"], {"教育": 5}, (W_BODY, W_HEADING))[0] == 0.0   # rid not indexed


def test_term_table_follows_every_write(tmp_path):
    s = SearchableSQLiteStore(tmp_path / "w.db")
    recs = contract_records()[:3]
    for i, rec in enumerate(recs):
        s.put(rec, f"/d/{i}.txt", f"h{i}", "txt")

    def consistent():
        fts = {r[0] for r in s.db.execute("SELECT rowid FROM search_fts")}
        terms = {r[0] for r in s.db.execute("SELECT rid FROM search_terms")}
        assert fts == terms and fts
        for text, ids in s.db.execute("SELECT f.body, t.body FROM search_fts f JOIN search_terms t ON t.rid = f.rowid"):
            assert np.frombuffer(ids, dtype="<u4").tolist() == [bm25.term_id(t) for t in bm25.fts_tokens(text)]
    consistent()
    s.put({**recs[0], "clauses": recs[0]["clauses"][:2]}, "/d/0.txt", "h0b", "txt")   # a new version
    consistent()
    with immediate(s.db):
        kwmod.delete_doc(s.db, recs[1]["doc_id"])
    consistent()
    b = SQLiteSearch(s)
    q = recs[0]["clauses"][0]["text"][:6]
    assert b.keyword.rank(parse_query(q), {})[0].size     # the cached term index follows the generation
    s.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6), min_size=1, max_size=6))
def test_phrases_of_an_expression_round_trip(toks):
    expr = "{body heading} : ((" + " AND ".join(fts_quote(t) for t in toks) + ") OR " + fts_quote(toks[0]) + ")"
    assert bm25.phrases(expr) == toks + [toks[0]]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), max_size=8), min_size=1, max_size=12), st.data())
def test_counts_are_occurrences_per_row(rows, data):
    ptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    ids = np.array([t for r in rows for t in r], dtype="<u4")
    pos = np.array(data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=10)), dtype=np.int64)
    wanted = np.array(sorted(data.draw(st.sets(st.integers(0, 7), min_size=1, max_size=4))), dtype="<u4")
    got = bm25.TermIndex._counts(ptr, ids, pos, wanted)
    expected = [[rows[p].count(int(w)) for w in wanted] for p in pos]
    assert got.tolist() == expected or (not len(pos) and got.shape == (0, len(wanted)))


@pytest.mark.parametrize("filters", [{"level": "county"}, {"year": "2019-2022"}, {"province": "上海市", "kind": "goal"},
                                     {"has_target": "true", "year": "2020"}])
@pytest.mark.parametrize("q", ["教育", "课后服务 收费", "学前教育毛入园率"])
def test_narrowing_by_filter_tokens_never_changes_a_result(backend, monkeypatch, q, filters):
    from zhengce.pipeline.search import keyword as kwmod
    monkeypatch.setattr(kwmod, "NARROW_SHARE", 1.0)
    monkeypatch.setattr(kwmod, "NARROW_YEARS", 100)
    narrowed = backend.keyword.rank(parse_query(q), filters)
    monkeypatch.setattr(kwmod, "NARROW_SHARE", -1.0)
    plain = backend.keyword.rank(parse_query(q), filters)
    assert narrowed[0].tolist() == plain[0].tolist()
    assert np.allclose(narrowed[1], plain[1])


def test_only_selective_filters_join_the_match(backend, monkeypatch):
    from zhengce.pipeline.search import keyword as kwmod
    k = backend.keyword
    monkeypatch.setattr(kwmod, "NARROW_SHARE", 0.5)
    shares = {"province": k._share(k.columns(), {"province": "上海市"}),
              "level": k._share(k.columns(), {"level": "county"})}
    expr = k._narrowed("x", {"province": "上海市", "level": "county", "year": "2000-2030"})
    assert ('"zpv上海市"' in expr) == (shares["province"] <= 0.5)
    assert ('"zlvcounty"' in expr) == (shares["level"] <= 0.5)
    assert "zyr" not in expr                       # a span of many years is never merged by FTS5
