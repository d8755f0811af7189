"""The parts of the SQLite search backend that keep it fast on large stores: numpy filter/facet
columns (checked against plain SQL), df-pruned any-word lists, the character-gram list, hashed
n-gram TF-IDF counting, and the faiss IVF path of semantic search (checked against exact search)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.test_search_contract import contract_records
from zhengce.pipeline.search import SearchQuery, ann
from zhengce.pipeline.search.keyword import KeywordIndex, filter_sql
from zhengce.pipeline.search.semantic import TFIDF_FORMAT, TfidfEmbedder, char_ngram_counts
from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
from zhengce.pipeline.search.text import char_grams, parse_query


@pytest.fixture(scope="module")
def backend(seed_search):
    return seed_search


FILTERS = [{}, {"level": "county"}, {"province": "上海市"}, {"year": "2020-"}, {"kind": "obligation,goal"},
           {"has_target": "true"}, {"unit": "教育"}, {"indicator": "入园率"}, {"issuer": "教育"},
           {"level": "provincial", "year": "2015-2022", "kind": "goal"}]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_column_filters_select_what_the_sql_filters_select(backend, filters):
    cols = backend.keyword.columns()
    where, args = filter_sql(backend.store, filters)
    sql = {r[0] for r in backend.db.execute(
        f"SELECT sc.rid FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}", args)}
    mask = cols.mask(backend.store, filters)
    got = set(cols.rid.tolist()) if mask is None else set(cols.rid[mask].tolist())
    assert got == sql
    some = np.arange(0, cols.n, 3)
    part = cols.mask(backend.store, filters, some)       # the same filter on a subset of rows
    assert (part is None and mask is None) or (part == mask[some]).all()


def sql_facets(db, rids: set[int]) -> dict:
    """The facet counts as plain SQL computes them (the reference for the numpy columns)."""
    out = {}
    exprs = {"province": "d.province", "level": "d.level", "year": "d.year", "doc_type": "d.doc_type",
             "issuer": "d.issuer", "kind": "sc.kind"}
    rows = db.execute("SELECT sc.rid, d.province, d.level, d.year, d.doc_type, d.issuer, sc.kind, sc.has_target "
                      "FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id").fetchall()
    rows = [r for r in rows if r[0] in rids]
    for i, key in enumerate(exprs, 1):
        counts: dict[str, int] = {}
        for r in rows:
            if r[i] is not None:
                counts[str(r[i])] = counts.get(str(r[i]), 0) + 1
        out[key] = counts
    out["has_target"] = {k: v for k, v in {"true": sum(1 for r in rows if r[7]),
                                           "false": sum(1 for r in rows if not r[7])}.items() if v}
    for key, table, col in (("unit", "search_units", "unit"), ("indicator", "search_indicators", "indicator")):
        counts = {}
        for rid, v in set(db.execute(f"SELECT rid, {col} FROM {table}").fetchall()):
            if rid in rids:
                counts[v] = counts.get(v, 0) + 1
        out[key] = counts
    return out


@pytest.mark.parametrize("q,filters", [("教育", {}), ("课后服务", {"level": "county"}), ("", {"year": "2020-"})])
def test_column_facets_equal_sql_counts(backend, q, filters):
    res = backend.search(SearchQuery(q, "keyword", filters, 200, 0, True))
    rows, _, _ = backend.keyword.rank(parse_query(q), filters)
    rids = set(backend.keyword.columns().rid[rows].tolist())
    assert len(rids) == res.total
    want = sql_facets(backend.db, rids)
    for key, counts in res.facets.items():
        top = dict(sorted(want[key].items(), key=lambda kv: (-kv[1], kv[0]))[:20])
        assert counts == top, key


@pytest.mark.parametrize("dfs,budget,minimum,expected", [
    ({"a": 10, "b": 1, "c": 5}, 100, 1, ["b", "c", "a"]),      # all fit: rarest first
    ({"a": 10, "b": 1, "c": 5}, 6, 1, ["b", "c"]),             # the commonest is dropped
    ({"a": 10, "b": 9}, 5, 1, ["b"]),                           # nothing fits: still the rarest one
    ({"a": 10, "b": 9}, 5, 2, ["b", "a"]),
    ({"a": 0, "b": 3}, 5, 1, ["b"]),                            # terms in no clause are no work
    ({}, 5, 1, []),
])
def test_rarest_terms_within_a_postings_budget(dfs, budget, minimum, expected):
    assert KeywordIndex.rarest(dfs, budget, minimum) == expected


def test_any_word_lists_skip_the_commonest_terms(backend, monkeypatch):
    from zhengce.pipeline.search import keyword as kwmod
    pq = parse_query("课后服务 教育")
    full, _ = backend.keyword.some_words_matches(pq)
    monkeypatch.setattr(kwmod, "WORD_POSTINGS_BUDGET", 1)
    pruned, _ = backend.keyword.some_words_matches(pq)
    assert 0 < len(pruned) < len(full) and set(pruned) <= set(full)


def test_character_list_finds_reordered_wording(backend):
    # no clause has the jieba word 轮岗交流; the characters (轮岗, 交流) find 交流轮岗
    hits = backend.keyword.characters(parse_query("轮岗交流"), {}, 20)
    texts = [backend.db.execute("SELECT text FROM search_clauses WHERE rid=?", (r,)).fetchone()[0] for r, _, _ in hits]
    assert hits and "交流轮岗" in texts[0]
    assert all(t == 3 for _, _, t in hits)


def test_char_grams():
    assert char_grams("入园率 6G") == ["入", "园", "率", "入园", "园率", "6g"]
    assert char_grams("，。") == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="教育学前课后服务 ab1，\n", max_size=30), min_size=1, max_size=8))
def test_hashed_ngram_counts_count_every_ngram_once(texts):
    import re

    from zhengce.pipeline.search.text import fold
    counts = char_ngram_counts(texts)
    assert counts.shape[0] == len(texts)
    for i, t in enumerate(texts):
        n = len(re.sub(r"\s+", " ", fold(t)))
        assert counts[i].sum() == sum(max(0, n - k + 1) for k in (1, 2, 3))


def test_hashed_ngrams_do_not_cross_texts():
    a = char_ngram_counts(["教育", "学前"])
    b = char_ngram_counts(["教育学前"])
    assert a.sum() == 3 + 3 and b.sum() == 4 + 3 + 2


def test_old_tfidf_model_format_is_refitted(tmp_path):
    s = SearchableSQLiteStore(tmp_path / "o.db")
    for i, rec in enumerate(contract_records()):
        s.put(rec, f"/d/{i}", f"h{i}", "txt")
    b = SQLiteSearch(s)
    b.vectors.ensure("tfidf")
    s.db.execute("UPDATE search_models SET meta = json_set(meta, '$.format', 1) WHERE name='tfidf'")
    s.db.execute("INSERT INTO search_meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE "
                 "SET value = CAST(value AS INTEGER) + 1")
    with pytest.raises(Exception, match="older format"):
        import json
        row = s.db.execute("SELECT meta, blob FROM search_models WHERE name='tfidf'").fetchone()
        TfidfEmbedder.from_bytes(row[1], json.loads(row[0]))
    res = b.search(SearchQuery("课后服务", "semantic", limit=3, facets=False, embed_model="tfidf"))
    assert res.hits
    meta = s.db.execute("SELECT json_extract(meta, '$.format') FROM search_models WHERE name='tfidf'").fetchone()[0]
    assert meta == TFIDF_FORMAT
    s.close()


# --- approximate neighbours --------------------------------------------------------------------

def clustered(n: int, d: int = 32, centres: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, d))
    x = c[rng.integers(0, centres, n)] + 0.3 * rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.skipif(not ann.available(), reason="faiss-cpu is not installed")
def test_ivf_index_agrees_with_exact_search_and_honours_the_filter():
    from zhengce.pipeline.search.semantic import top_k
    mat = clustered(20_000)
    index = ann.AnnIndex(mat)
    rng = np.random.default_rng(1)
    overlap = []
    allowed = rng.random(len(mat)) < 0.3
    for qi in rng.choice(len(mat), 20, replace=False):
        q = mat[qi]
        exact, _ = top_k(mat, q, 10)
        got, scores = index.search(q, 10)
        overlap.append(len(set(exact) & set(got)) / 10)
        assert np.allclose(scores, mat[got] @ q, atol=1e-4)         # flat cells: true cosines
        f_got, _ = index.search(q, 10, allowed)
        assert len(f_got) == 10 and allowed[f_got].all()
    assert np.mean(overlap) >= 0.9


@pytest.mark.skipif(not ann.available(), reason="faiss-cpu is not installed")
def test_semantic_search_uses_the_index_beyond_the_exact_limit(backend, monkeypatch):
    exact = backend.search(SearchQuery("课后服务收费", "semantic", {}, 10, 0, False))
    filtered_exact = backend.search(SearchQuery("课后服务收费", "semantic", {"level": "county"}, 10, 0, False))
    monkeypatch.setattr(ann, "EXACT_MAX", 10)
    monkeypatch.setattr(ann, "EXACT_SUBSET_MAX", 10)
    monkeypatch.setattr(ann, "NPROBE", 10_000)   # every cell: the index must then equal exact search
    got = backend.search(SearchQuery("课后服务收费", "semantic", {}, 10, 0, False))
    assert [h.clause_id for h in got.hits] == [h.clause_id for h in exact.hits]
    f = backend.search(SearchQuery("课后服务收费", "semantic", {"level": "county"}, 10, 0, False))
    assert [(h.doc_id, h.clause_id) for h in f.hits] == [(h.doc_id, h.clause_id) for h in filtered_exact.hits]


def test_columns_are_saved_with_their_generation_and_reloaded(backend):
    from zhengce.pipeline.search import columns as colmod
    from zhengce.pipeline.search.keyword import generation
    built = colmod.ClauseColumns.from_db(backend.db)
    colmod._cache.clear()
    first = backend.keyword.columns()
    meta, = backend.db.execute("SELECT json_extract(meta, '$.generation') FROM search_models WHERE name='columns'").fetchone()
    assert meta == generation(backend.db)
    colmod._cache.clear()
    again = backend.keyword.columns()          # from the saved copy this time
    rows = np.arange(0, again.n)
    assert again.facets(rows) == first.facets(rows) == built.facets(rows)
    assert (again.rid == built.rid).all() and again.doc_ids == built.doc_ids
    # a saved copy of another generation is never used
    backend.db.execute("UPDATE search_models SET meta = json_set(meta, '$.generation', -1) WHERE name='columns'")
    colmod._cache.clear()
    assert backend.keyword.columns().n == built.n


@pytest.mark.parametrize("filters", FILTERS[1:], ids=lambda f: ",".join(f))
@pytest.mark.parametrize("q", ["教育", "课后服务 收费", "学前教育毛入园率", "办学活"])
def test_filter_tokens_only_narrow_what_fts_reads(backend, monkeypatch, q, filters):
    from zhengce.pipeline.search import keyword as kwmod
    with_tokens = backend.keyword.rank(parse_query(q), filters)
    monkeypatch.setattr(kwmod, "filter_match", lambda f, years: None)
    without = backend.keyword.rank(parse_query(q), filters)
    assert with_tokens[0].tolist() == without[0].tolist()
    assert np.allclose(with_tokens[1], without[1])


def test_filter_match_expressions():
    from zhengce.pipeline.search.keyword import filter_match
    assert filter_match({}, [2020]) is None
    assert filter_match({"unit": "教育局"}, [2020]) is None            # substring filters: numpy only
    e = filter_match({"level": "county", "kind": "goal,obligation", "has_target": "true"}, [2020])
    assert e == 'facets : (("zlvcounty") AND ("zkgoal" OR "zkobligation") AND "zt1")'
    assert filter_match({"year": "2019-2020"}, [2018, 2019, 2020, 2021]) == 'facets : (("zyr2019" OR "zyr2020"))'
    assert filter_match({"year": "2030-"}, [2018]) == '"zyrnone"'
    assert '"zpv广东省"' in filter_match({"region": "广东省"}, [])


@pytest.mark.skipif(not ann.available(), reason="faiss-cpu is not installed")
def test_matrix_and_ann_cells_are_saved_and_reused(backend, monkeypatch):
    from zhengce.pipeline.search import semantic
    monkeypatch.setattr(semantic, "SAVE_MATRIX_FROM", 0)
    monkeypatch.setattr(ann, "EXACT_MAX", 10)
    monkeypatch.setattr(ann, "EXACT_SUBSET_MAX", 10)
    semantic._matrix_cache.clear()
    first = backend.search(SearchQuery("课后服务收费", "semantic", {"level": "county"}, 10, 0, False, "tfidf"))
    names = {r[0] for r in backend.db.execute("SELECT name FROM search_models")}
    assert "matrix:tfidf" in names and "ann:tfidf" in names and "matrix:tfidf#0" in names
    semantic._matrix_cache.clear()                 # a new process: loads both copies
    calls = []
    real = ann.AnnIndex.__init__

    def spy(self, mat, seed=0, centroids=None, assign=None):
        calls.append(centroids is not None)
        real(self, mat, seed, centroids, assign)
    monkeypatch.setattr(ann.AnnIndex, "__init__", spy)
    again = backend.search(SearchQuery("课后服务收费", "semantic", {"level": "county"}, 10, 0, False, "tfidf"))
    assert calls == [True]
    assert [(h.doc_id, h.clause_id) for h in again.hits] == [(h.doc_id, h.clause_id) for h in first.hits]
    semantic._matrix_cache.clear()


# --- building the index at ingest: the same rows whichever way they are written --------------------

INDEX_DUMP = [("search_clauses", "rid, doc_id, clause_id, section_id, kind, heading, text, text_hash, has_target, ord, "
                                 "kinds, members"),
              ("search_fts", "rowid, body, heading, facets"), ("search_tri", "rowid, body"),
              ("search_grams", "rowid, body, facets"), ("search_terms", "*"), ("search_units", "*"),
              ("search_indicators", "*"), ("search_members", "*"), ("search_docs", "*")]


def _index_tables(db) -> dict:
    return {t: db.execute(f"SELECT {cols} FROM {t} ORDER BY 1, 2").fetchall() for t, cols in INDEX_DUMP}


def test_index_written_at_ingest_in_rounds_or_in_parallel_equals_the_sync(tmp_path, monkeypatch):
    """The keyword index ``ingest`` writes (rows prepared by workers, small documents batched, a huge
    one in rounds with its tokens cut in a process pool) holds exactly what ``sync`` writes from the
    stored records in one go: same rids, tokens, grams, term ids, members."""
    from concurrent.futures import ProcessPoolExecutor

    from zhengce.pipeline.search import IngestIndexer
    from zhengce.pipeline.search import keyword as kw
    from zhengce.pipeline.store import open_store
    records = contract_records()
    ref = open_store(str(tmp_path / "ref.db"))
    for i, rec in enumerate(records):
        ref.put(rec, f"/d/{i}.txt", f"h{i}", "txt")
    want = _index_tables(SQLiteSearch(ref).db)
    biggest = max(len(r["clauses"]) for r in records)
    assert want["search_clauses"] and biggest > 40
    monkeypatch.setattr(kw, "ROUNDS_FROM", biggest // 2)    # the largest records take the huge-document path
    monkeypatch.setattr(kw, "WRITE_BATCH", 7)               # several batches per round ...
    monkeypatch.setattr(kw, "ROUND_UNITS", 20)              # ... and several rounds per document
    monkeypatch.setattr(IngestIndexer, "FLUSH_UNITS", 30)   # small documents written a few at a time
    for pool in (None, lambda: ProcessPoolExecutor(2)):
        got = open_store(str(tmp_path / f"got{pool is None}.db"))
        indexer = IngestIndexer.for_store(got, pool)
        for i, rec in enumerate(records):
            got.put(rec, f"/d/{i}.txt", f"h{i}", "txt")
            indexer.add(rec, None if i % 2 else list(kw.prepared_rows(rec)))
        indexer.flush()
        assert indexer.on
        assert kw.stale(got.db) == ([], [])                 # indexed as stored: nothing left for the sync
        assert _index_tables(got.db) == {**want, "search_docs": _index_tables(got.db)["search_docs"]}
        assert [(r[0], r[2]) for r in _index_tables(got.db)["search_docs"]] == [(r[0], r[2]) for r in want["search_docs"]]
        assert not got.db.execute("SELECT 1 FROM search_meta WHERE key LIKE 'indexing:%'").fetchall()


def test_a_second_writer_of_a_huge_document_supersedes_the_first(tmp_path, monkeypatch):
    from zhengce.pipeline.search import keyword as kw
    from zhengce.pipeline.store import open_store
    rec = max(contract_records(), key=lambda r: len(r["clauses"]))
    s = open_store(str(tmp_path / "s.db"))
    s.put(rec, "/d/0.txt", "h0", "txt")
    with kw.immediate(s.db):
        kw.ensure_schema(s.db)
    monkeypatch.setattr(kw, "WRITE_BATCH", 5)
    monkeypatch.setattr(kw, "ROUND_UNITS", 5)
    first = kw.prepared_rows(rec)

    def interleaved():
        for i, row in enumerate(first):
            if i == 12:               # another process starts the same document meanwhile
                kw.index_record(s.db, rec, 1.0, rounds=True)
            yield row
    with pytest.raises(kw.Superseded):
        kw.index_record(s.db, rec, 1.0, interleaved(), rounds=True)
    n = len(list(kw.clause_rows(rec)))
    assert tuple(s.db.execute("SELECT COUNT(*), COUNT(DISTINCT clause_id) FROM search_clauses").fetchone()) == (n, n)
