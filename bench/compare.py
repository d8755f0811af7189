"""Comparison benchmarks: alignment quality on synthetic families, alignment speed on two
300-clause documents, and ``family`` on a 10,000-document synthetic store — each next to the
all-pairs baseline measured in the same run.

    python bench/compare.py [--n 10000] [--families 24] [--store PATH] [--rebuild] [--quick]

1. Precision / recall of clause pairs on synthetic families (tests/family_gen.py): real parents
   from the bundled corpus, children that copy, edit, rename (本市→本区), reorder, delete and
   add clauses with known labels.  A "heavy" setting edits more and adds more.
2. Aligning a 300-clause parent with a ~300-clause child: candidates by MinHash LSH + TF-IDF
   (the default) against scoring every pair (``AlignConfig(all_pairs=True)``), same DP.
3. ``family`` over N documents: ``--families`` real parents (national) each with provincial,
   municipal and county implementations (half of them cite their parent, the rest only reuse
   its text), the rest filler documents made of clauses drawn at random from the whole corpus.
   Index: clause-level LSH keys stored in the store (built once, timed apart).  Baseline: the
   query's clause shingles against every stored document's, exactly, then the same verification.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _common import corpus_files  # noqa: E402
from family_gen import make_child, make_record  # noqa: E402


def load_corpus() -> list[dict]:
    from zhengce.pipeline.document import extract_file
    recs = []
    for f in corpus_files():
        try:
            recs.append(extract_file(f).record())
        except Exception:  # noqa: BLE001 - a file the loaders refuse is no benchmark input
            continue
    return recs


def bench_quality(parents: list[dict], pool: list[dict]) -> dict:
    from zhengce.pipeline.compare.align import align_clauses
    out = {}
    for name, kw in (("default", {}), ("heavy", {"p_edit": 0.6, "p_delete": 0.2, "p_add": 0.3, "p_swap": 0.1})):
        tp = fp = fn = 0
        for n, par in enumerate(parents):
            for seed in range(3):
                child = make_child(par["clauses"], seed=1000 * seed + n, donors=pool, **kw)
                c = align_clauses(par["clauses"], child.clauses)
                pred = {(c.a[p.i].id, c.b[p.j].id) for p in c.pairs}
                tp += len(pred & child.gold_pairs)
                fp += len(pred - child.gold_pairs)
                fn += len(child.gold_pairs - pred)
        out[name] = (tp / (tp + fp), tp / (tp + fn), tp, fp, fn, 3 * len(parents))
    return out


def bench_align(parent: list[dict], pool: list[dict], repeat: int) -> dict:
    from zhengce.pipeline.compare.align import AlignConfig, align_clauses
    child = make_child(parent, seed=5, donors=pool, p_delete=0.05, p_add=0.05).clauses
    align_clauses(parent[:30], child[:30])                                   # warm caches and imports

    def timed(cfg):
        ts, c = [], None
        for _ in range(repeat):
            t = time.perf_counter()
            c = align_clauses(parent, child, cfg)
            ts.append(time.perf_counter() - t)
        return statistics.median(ts), c
    fast, cf = timed(AlignConfig())
    slow, cs = timed(AlignConfig(all_pairs=True))
    same = {(p.i, p.j) for p in cf.pairs} == {(p.i, p.j) for p in cs.pairs}
    return {"n_a": len(parent), "n_b": len(child), "fast": fast, "slow": slow, "same": same,
            "candidates": cf.stats["candidates"], "all_pairs": cf.stats["all_pairs"]}


def build_store(path: Path, n: int, n_families: int, parents: list[dict], pool: list[dict]) -> dict:
    from zhengce.pipeline.store.sqlite import SQLiteStore
    rng = random.Random(42)
    s = SQLiteStore(path)
    truth: dict[str, set[str]] = {}
    queries = []
    count = 0

    def put(rec):
        nonlocal count
        s.put(rec, rec["source"], rec["doc_id"], "txt")
        count += 1
    provinces = ["山西省", "湖北省", "辽宁省", "宁夏回族自治区", "广东省", "河南省", "山东省", "浙江省"]
    for f in range(n_families):
        par = parents[f % len(parents)]["clauses"]
        tag = f"F{f:03d}"
        nat = make_record(par, title=f"{tag}国家级政策", level="national", date="2019-01-01",
                          doc_number=f"国发〔2019〕{f + 1}号")
        put(nat)
        members = {nat["doc_id"]}
        for p in range(3):
            pc = make_child(par, seed=rng.randrange(1 << 30), donors=pool)
            cite = [{"title": f"{tag}国家级政策", "doc_number": f"国发〔2019〕{f + 1}号"}] if p % 2 == 0 else []
            prov = make_record(pc.clauses, title=f"{tag}省级实施方案{p}", level="provincial",
                               region={"province": provinces[(f + p) % len(provinces)]}, date="2020-01-01",
                               citations=cite)
            put(prov)
            members.add(prov["doc_id"])
            for m in range(2):
                mc = make_child(pc.clauses, seed=rng.randrange(1 << 30), donors=pool)
                city = make_record(mc.clauses, title=f"{tag}市级实施方案{p}{m}", level="municipal",
                                   region={"province": provinces[(f + p) % len(provinces)], "city": f"市{p}{m}"},
                                   date="2020-06-01",
                                   citations=[{"title": f"{tag}省级实施方案{p}"}] if m == 0 else [])
                put(city)
                members.add(city["doc_id"])
                cc = make_child(mc.clauses, seed=rng.randrange(1 << 30), donors=pool)
                county = make_record(cc.clauses, title=f"{tag}县级实施方案{p}{m}", level="county",
                                     region={"province": provinces[(f + p) % len(provinces)], "city": f"市{p}{m}",
                                             "county": f"县{p}{m}"}, date="2021-01-01")
                put(county)
                members.add(county["doc_id"])
                if p == 1 and m == 1:
                    queries.append(county["doc_id"])
        for d in members:
            truth[d] = members
    k = 0
    while count < n:
        clauses = rng.sample(pool, rng.randint(20, 60))
        rec = make_record(clauses, title=f"填充文件{k}", level=rng.choice(["provincial", "municipal", "county"]),
                          region={"province": rng.choice(provinces)}, date=f"20{rng.randint(15, 24)}-0{rng.randint(1, 9)}-01")
        put(rec)
        k += 1
    s.resolve_citations()
    s.close()
    return {"truth": {k: sorted(v) for k, v in truth.items()}, "queries": queries}


def all_pairs_family(store, doc_id: str, min_shared: int = 3):
    """Baseline: exact shared-clause counts of the query against every stored document (no index),
    then the same verification as ``family`` for the documents above ``min_shared``."""
    from collections import defaultdict
    from zhengce.pipeline.compare.align import compare_records
    from zhengce.pipeline.compare.text import MIN_CHARS, norm, shingle_hashes
    from zhengce.pipeline.compare.lineage import _above, _reuse

    def clause_sets(texts):
        return [frozenset(shingle_hashes(n).tolist()) for n in (norm(t) for t in texts) if len(n) >= MIN_CHARS]
    q = clause_sets(r["text"] for r in store.rows("clauses", doc_id=doc_id))
    qset = [set(x) for x in q]
    by_doc = defaultdict(list)
    for did, text in store.db.execute("SELECT doc_id, text FROM clauses"):
        by_doc[did].append(text)
    hits = []
    for did, texts in by_doc.items():
        if did == doc_id:
            continue
        shared = 0
        for cs in clause_sets(texts):
            if any(len(cs & x) >= 0.6 * min(len(cs), len(x)) for x in qset):
                shared += 1
        if shared >= min_shared:
            hits.append(did)
    me = store.get(doc_id)
    found = []
    for did in hits:
        other = store.get(did)
        d = _above(me, other)
        if d is None:
            continue
        src, dst = (me, other) if d else (other, me)
        s = _reuse(compare_records(src, dst), 0.7)
        if s["strong_pairs"] >= 8 and s["share_strong"] >= 0.1:
            found.append(did)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="documents in the synthetic store (default 10000)")
    ap.add_argument("--families", type=int, default=24)
    ap.add_argument("--store", help="where to keep the synthetic store (default: a temp file, reused if there)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = ap.parse_args()

    t = time.perf_counter()
    import zhengce.pipeline.compare.align  # noqa: F401
    import sklearn.feature_extraction.text, datasketch, rapidfuzz  # noqa: E401,F401
    t_import = time.perf_counter() - t
    print("loading the corpus …", file=sys.stderr)
    recs = load_corpus()
    pool = [c for r in recs for c in r["clauses"] if len(c["text"]) >= 12]
    parents = [r for r in recs if 25 <= len(r["clauses"]) <= 400]

    print("\n== 1. alignment quality on synthetic families ==")
    q = bench_quality(parents, pool)
    for name, (p, r, tp, fp, fn, n) in q.items():
        print(f"{name:8s} precision {p:.3f}  recall {r:.3f}   ({n} children of {len(parents)} real parents; "
              f"{tp} true pairs found, {fp} false, {fn} missed)")

    print("\n== 2. aligning two 300-clause documents ==")
    big = max(recs, key=lambda r: len(r["clauses"]))["clauses"][:300]
    a = bench_align(big, pool, 3 if args.quick else 5)
    print(f"{a['n_a']} × {a['n_b']} clauses: LSH+TF-IDF candidates {a['fast'] * 1000:.0f} ms "
          f"({a['candidates']} of {a['all_pairs']} pairs scored) | all pairs {a['slow'] * 1000:.0f} ms | "
          f"ratio {a['slow'] / a['fast']:.1f}× faster | same alignment: {a['same']} | goal < 1 s: "
          f"{'met' if a['fast'] < 1 else 'MISSED'}  (one-off imports of sklearn/datasketch/rapidfuzz: {t_import:.1f} s)")

    print(f"\n== 3. family over a {args.n}-document store ==")
    path = Path(args.store or Path(tempfile.gettempdir()) / f"zhengce-bench-family-{args.n}-{args.families}.db")
    meta_path = path.with_suffix(".json")
    import json
    if args.rebuild or not path.exists() or not meta_path.exists():
        for p in (path, meta_path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            p.unlink(missing_ok=True)
        t = time.perf_counter()
        meta = build_store(path, args.n, args.families, parents, pool)
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
        print(f"built the store in {time.perf_counter() - t:.1f} s: {path}", file=sys.stderr)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    from zhengce.pipeline.compare.lineage import family
    from zhengce.pipeline.compare.reuse_index import ReuseIndex
    from zhengce.pipeline.store.sqlite import SQLiteStore
    s = SQLiteStore(path)
    n_docs = s.count()
    ix = ReuseIndex(s)
    t = time.perf_counter()
    built = ix.refresh()
    t_index = time.perf_counter() - t
    t = time.perf_counter()
    ix.refresh()
    t_refresh = time.perf_counter() - t
    queries = meta["queries"][: (3 if args.quick else 6)]
    fast, slow, found_ok, found_all, extra, filler = [], [], 0, 0, 0, 0
    n_base = 1 if args.quick else 2            # the baseline is slow: fewer of its runs
    for n_q, qd in enumerate(queries):
        t = time.perf_counter()
        fam = family(s, qd, index=ix)
        fast.append(time.perf_counter() - t)
        got = {m["doc_id"] for m in fam["members"]}
        truth = set(meta["truth"][qd])
        found_ok += len(got & truth)
        found_all += len(truth)
        extra += len(got - truth)
        filler += sum(1 for m in fam["members"] if (m["title"] or "").startswith("填充"))
        if n_q < n_base:
            t = time.perf_counter()
            all_pairs_family(s, qd)
            slow.append(time.perf_counter() - t)
    s.close()
    f, b = statistics.median(fast), statistics.median(slow)
    print(f"{n_docs} documents; index built once in {t_index:.1f} s ({built} documents), up-to-date check {t_refresh * 1000:.0f} ms")
    print(f"family (clause-LSH candidates): median {f:.2f} s (max {max(fast):.2f} s) over {len(queries)} queries | all-pairs baseline "
          f"(the query's direct links only): median {b:.2f} s over {len(slow)} | ratio {b / f:.1f}× faster | goal < 5 s: "
          f"{'met' if f < 5 else 'MISSED'}")
    print(f"family members found: {found_ok}/{found_all} of the synthetic families (recall {found_ok / found_all:.2f}), "
          f"{extra} members from other synthetic families (their real parents share text), {filler} filler documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
