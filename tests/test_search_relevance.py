"""Search quality on two graded relevance sets over the bundled corpus (corpus/seeds + corpus/dev):
the project's own (tests/cases/search_relevance.tsv) and an independent one written without the code
(tests/search_dev/queries.json, a copy of shared/search_dev).

The metrics, the judging and the BM25 baseline are bench/search.py's own, so the test and
``python bench/search.py`` report the same figures.  A hit earns a judgement of its document when its
text contains the evidence (or lies inside it and is >= 80 % of its length); each judgement once.
Floors sit a little under the figures measured when they were pinned: raise them when search gets
better, never lower them to make a change pass.
"""
from __future__ import annotations

import importlib.util

import pytest

from conftest import CORPUS, ROOT

pytest.importorskip("bm25s", reason="the BM25 baseline needs bm25s (pip install bm25s)")

# nDCG@10 floors: (set, method, query kind) -> floor
# (pinned with sentence units and the CV-chosen TF-IDF fusion: own 0.708, dev 0.587)
FLOORS = {
    ("own", "hybrid tfidf", "all"): 0.69,
    ("dev", "hybrid tfidf", "all"): 0.57,
}
# hybrid must beat the plain sentence-BM25 baseline by this much in these (set, kind) cells
MARGINS: dict[tuple[str, str], float] = {("own", "all"): 0.03, ("dev", "all"): 0.05, ("dev", "keyword"): 0.05,
                                         ("dev", "paraphrase"): 0.05, ("dev", "filtered"): 0.05}


def _bench():
    spec = importlib.util.spec_from_file_location("zhengce_bench_search", ROOT / "bench" / "search.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


B = _bench()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
    db = tmp_path_factory.mktemp("relevance") / "corpus.db"
    store = SearchableSQLiteStore(db)
    ingest([str(CORPUS)], store)
    store.close()
    backend = SQLiteSearch(SearchableSQLiteStore(db))
    own, dev = B.load_cases(), B.load_dev()
    B.judge(backend.store, own)          # raises if a fragment is in no clause within its filters
    B.judge(backend.store, dev)          # raises if a file is not in the store
    methods = [m for m in B.methods_for(backend, None, B.BM25Baseline(backend.store))
               if m[0] in ("BM25 baseline", "keyword", "hybrid tfidf")]
    results = {"own": B.run(own, methods), "dev": B.run(dev, methods)}
    yield {"own": own, "dev": dev}, results
    backend.store.close()


def test_relevance_sets_shape():
    own, dev = B.load_cases(), B.load_dev()
    for cases in (own, dev):
        kinds = [c["kind"] for c in cases]
        assert len(cases) >= 30
        assert set(kinds) == {"keyword", "paraphrase", "filtered"}
        assert all(c["filters"] for c in cases if c["kind"] == "filtered")
    assert all(c["judged"] and any(g == 2 for _, g in c["judged"]) for c in own), "each query needs a grade-2 clause"
    assert all(any(g == 3 for _, _, g in c["evidence"]) for c in dev)


def test_metrics():
    js = [("d", "abc", 3), ("d", "xyz", 1)]
    assert B.ndcg([("d", "..abc.."), ("d", "xyz")], js) == pytest.approx(1.0)
    assert B.ndcg([("d", "xyz"), ("d", "abc")], js) < 1.0
    assert B.ndcg([("e", "abc"), ("d", "q")], js) == 0.0              # another document's text earns nothing
    assert B.earned([("d", "abc"), ("d", "abc")], js, 10) == [3, 0]    # each judgement once
    assert B.earned([("d", "ab")], [("d", "abcd", 2)], 10) == [0]      # inside but < 80 % of it
    assert B.earned([("d", "bcdefghij")], [("d", "abcdefghij", 2)], 10) == [2]
    assert B.recall([("d", "q"), ("d", "xyz")], js) == 0.5


def test_every_query_is_judged(setup):
    cases, _ = setup
    assert all(c["judgements"] for s in cases.values() for c in s)


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_floor(setup, key):
    _, results = setup
    which, method, kind = key
    got = results[which][method]["ndcg"][kind]
    assert got >= FLOORS[key], f"{which} {method} {kind}: nDCG@10 {got:.3f} < floor {FLOORS[key]}"


@pytest.mark.parametrize("key", sorted(MARGINS))
def test_hybrid_beats_sentence_bm25(setup, key):
    _, results = setup
    which, kind = key
    h, b = results[which]["hybrid tfidf"]["ndcg"][kind], results[which]["BM25 baseline"]["ndcg"][kind]
    assert h >= b + MARGINS[key], f"{which} {kind}: hybrid {h:.3f} vs sentence BM25 {b:.3f}"
