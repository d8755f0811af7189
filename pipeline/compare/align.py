"""Clause alignment of two documents (typically a parent policy and a local implementation).

    compare_records(parent, child) -> Comparison         (.to_dict() is the CLI's JSON)
    align_clauses(a_clauses, b_clauses) -> Comparison

How it works:

1. **Comparison form.**  Each clause is width-folded and stripped of white space and
   punctuation (``text.norm``).  Clauses shorter than ``MIN_CHARS`` or that are bare headings
   are *minor*: they pair only with an identical clause, and weigh little in the alignment, so
   ``第二章``, ``请认真贯彻落实。`` or a date cannot pull two documents into a false match.
2. **Candidates, not all pairs.**  Identical comparison forms (a dictionary), character-shingle
   MinHash LSH (datasketch) for copied and lightly edited clauses, and the top entries of a
   character n-gram TF-IDF cosine matrix (scikit-learn, sparse product) for paraphrase.
3. **Similarity** of a candidate pair: the largest of edit similarity (rapidfuzz Indel,
   normalised), containment (rapidfuzz partial ratio, damped by the length ratio, for a clause
   that was merged into a longer one) and TF-IDF cosine.
4. **Monotone alignment.**  A dynamic programme over the candidate cells of the similarity
   matrix finds the chain of pairs increasing in both documents that maximises the sum of
   ``similarity - threshold`` (gaps cost nothing; cells under the threshold are never used):
   the parent's order is kept, unlike independent nearest neighbours.  It runs in
   O(K log n) over the K candidates (a Fenwick tree of prefix maxima).
5. **Moved clauses.**  Parent and child clauses left over are paired greedily when they are
   very similar (``moved_threshold``) — a local government that reorders two items still
   implements both.  Such pairs carry ``"moved": true``.

Each pair is ``identical`` (same comparison form) or ``modified`` (with a character diff from
difflib opcodes and the similarity); parent clauses left unpaired are ``omitted``, child
clauses ``added``.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

import numpy as np

from .text import headings_of, is_minor, ngram_hashes, norm


@dataclass
class AlignConfig:
    threshold: float = 0.5          # least similarity for a pair in the monotone alignment
    moved_threshold: float = 0.8    # least similarity for an out-of-order ("moved") pair
    minor_weight: float = 0.05      # weight of an identical minor pair in the alignment
    shingle_k: int = 3
    num_perm: int = 64
    lsh_threshold: float = 0.4
    tfidf_min: float = 0.3
    tfidf_top: int = 8
    containment_min_chars: int = 10
    short_chars: int = 12           # a pair with a clause shorter than this needs threshold + short_margin
    short_margin: float = 0.2
    all_pairs: bool = False         # score every pair (the baseline) instead of the candidates


@dataclass
class Item:
    idx: int
    id: str
    text: str
    kind: str
    norm: str
    minor: bool


@dataclass
class Pair:
    i: int
    j: int
    similarity: float
    relation: str                   # identical | modified
    moved: bool = False


@dataclass
class Comparison:
    a: list[Item]
    b: list[Item]
    pairs: list[Pair]
    omitted: list[int]
    added: list[int]
    a_id: Optional[str] = None
    b_id: Optional[str] = None
    stats: dict = field(default_factory=dict)

    # --- output ---------------------------------------------------------------------------

    def summary(self) -> dict:
        """Shares over the parent's substantive (non-minor) clauses; new child clauses by kind."""
        subst_a = [x for x in self.a if not x.minor]
        n = len(subst_a)
        ident = sum(1 for p in self.pairs if not self.a[p.i].minor and p.relation == "identical")
        mod = sum(1 for p in self.pairs if not self.a[p.i].minor and p.relation == "modified")
        omitted = sum(1 for i in self.omitted if not self.a[i].minor)
        added = [self.b[j] for j in self.added if not self.b[j].minor]
        by_kind: dict[str, int] = {}
        for x in added:
            by_kind[x.kind] = by_kind.get(x.kind, 0) + 1

        def share(k):
            return round(k / n, 4) if n else 0.0
        return {
            "parent_clauses": n, "child_clauses": sum(1 for x in self.b if not x.minor),
            "identical": ident, "modified": mod, "omitted": omitted,
            "moved": sum(1 for p in self.pairs if p.moved),
            "share_implemented": share(ident + mod), "share_identical": share(ident),
            "share_changed": share(mod), "share_omitted": share(omitted),
            "added": len(added), "added_by_kind": dict(sorted(by_kind.items(), key=lambda kv: -kv[1])),
            "minor_clauses": {"parent": len(self.a) - n, "child": sum(1 for x in self.b if x.minor)},
        }

    def to_dict(self, diff: bool = True) -> dict:
        def ref(x: Item) -> dict:
            return {"clause_id": x.id, "text": x.text}
        pairs = []
        for p in self.pairs:
            a, b = self.a[p.i], self.b[p.j]
            d: dict[str, Any] = {"a": ref(a), "b": ref(b), "relation": p.relation,
                                 "similarity": round(p.similarity, 4)}
            if p.moved:
                d["moved"] = True
            if diff and p.relation == "modified":
                d["diff"] = char_diff(a.text, b.text)
            pairs.append(d)
        return {"a": self.a_id, "b": self.b_id, "pairs": pairs,
                "omitted": [ref(self.a[i]) for i in self.omitted],
                "added": [ref(self.b[j]) for j in self.added],
                "summary": self.summary()}

    def rows(self) -> list[tuple[Optional[int], Optional[int], Optional[Pair]]]:
        """Side-by-side rows (i, j, pair) in reading order of both documents: omitted parent
        clauses and added child clauses interleaved where they stand."""
        by_i = {p.i: p for p in self.pairs}
        placed_j = {p.j for p in self.pairs if not p.moved}
        moved_j = {p.j for p in self.pairs if p.moved}
        rows = []
        j = 0
        for i in range(len(self.a)):
            p = by_i.get(i)
            if p is not None and not p.moved:
                while j < p.j:                       # child clauses before this pair's child
                    if j not in placed_j and j not in moved_j:
                        rows.append((None, j, None))
                    j += 1
                rows.append((i, p.j, p))
                j = max(j, p.j + 1)
            elif p is not None:
                rows.append((i, p.j, p))
            else:
                rows.append((i, None, None))
        while j < len(self.b):
            if j not in placed_j and j not in moved_j:
                rows.append((None, j, None))
            j += 1
        return rows


def char_diff(a: str, b: str) -> list[list[str]]:
    """Character-level diff as ``[op, a_part, b_part]`` with op ``=``, ``-``, ``+`` or ``~``."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    op = {"equal": "=", "delete": "-", "insert": "+", "replace": "~"}
    return [[op[tag], a[i1:i2], b[j1:j2]] for tag, i1, i2, j1, j2 in sm.get_opcodes()]


# --- preparing --------------------------------------------------------------------------------

def _items(clauses: Iterable[Any], headings: frozenset[str]) -> list[Item]:
    out = []
    for k, c in enumerate(clauses):
        if not isinstance(c, dict):
            c = c.model_dump() if hasattr(c, "model_dump") else {"id": str(k), "text": str(c)}
        text = c.get("text") or ""
        out.append(Item(k, c.get("id") or f"c{k + 1}", text, c.get("kind") or "other", norm(text),
                        is_minor(text, headings)))
    return out


# --- candidates and similarity ----------------------------------------------------------------

def _tfidf(a: list[Item], b: list[Item]):
    """Sparse cosine matrix (len(a) × len(b)) of character 2–3-gram TF-IDF vectors.

    The n-grams are hashed in one numpy pass (``text.ngram_hashes``) into a count matrix that
    scikit-learn's ``TfidfTransformer`` weights (sublinear tf, smooth idf, l2 norm): the same
    vectors as ``TfidfVectorizer(analyzer="char", ngram_range=(2, 3))`` up to hash collisions
    in 2^22 columns, without its per-character Python loop."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer
    forms = [x.norm if not x.minor else "" for x in a] + [x.norm if not x.minor else "" for x in b]
    owners, cols = [], []
    for k in (2, 3):
        o, h = ngram_hashes(forms, k)
        owners.append(o)
        cols.append((h.astype(np.int64) & 0x3FFFFF) | (k << 22))
    owner, col = np.concatenate(owners), np.concatenate(cols)
    if not len(owner):
        return None
    key, counts = np.unique(owner * (1 << 25) + col, return_counts=True)
    rows, ucols = key >> 25, key & ((1 << 25) - 1)
    _, cidx = np.unique(ucols, return_inverse=True)
    X = sp.csr_matrix((counts.astype(np.float64), (rows, cidx)), shape=(len(forms), int(cidx.max()) + 1))
    X = TfidfTransformer(sublinear_tf=True).fit_transform(X)
    return (X[: len(a)] @ X[len(a):].T).tocsr()


def _signatures(items: list[Item], k: int, num_perm: int) -> dict[int, np.ndarray]:
    """MinHash signatures of the non-minor items, all in one numpy pass (segment minima)."""
    from .minhash import _fmix32, _permutations
    subst = [x for x in items if not x.minor]
    owner, hv = ngram_hashes([x.norm for x in subst], k)
    if not len(hv):
        return {}
    a, b = _permutations(num_perm)
    with np.errstate(over="ignore"):
        phv = _fmix32(hv)[:, None] * a[None, :] + b[None, :]
    present = np.unique(owner)
    seg = np.searchsorted(owner, present)
    mins = np.minimum.reduceat(phv, seg, axis=0)
    return {subst[o].idx: mins[r] for r, o in enumerate(present.tolist())}


def _candidates(a: list[Item], b: list[Item], cfg: AlignConfig, cos) -> set[tuple[int, int]]:
    cand: set[tuple[int, int]] = set()
    by_norm: dict[str, list[int]] = {}
    for x in b:
        if x.norm:
            by_norm.setdefault(x.norm, []).append(x.idx)
    for x in a:
        for j in by_norm.get(x.norm, ()):
            cand.add((x.idx, j))
    if cfg.all_pairs:
        return {(x.idx, y.idx) for x in a if not x.minor for y in b if not y.minor} | cand
    # MinHash LSH (datasketch) over character shingles
    from .minhash import lean, make_lsh
    lsh = make_lsh(cfg.lsh_threshold, cfg.num_perm)
    for j, sig in _signatures(b, cfg.shingle_k, cfg.num_perm).items():
        lsh.insert(j, lean(sig), check_duplication=False)
    for i, sig in _signatures(a, cfg.shingle_k, cfg.num_perm).items():
        for j in lsh.query(lean(sig)):
            cand.add((i, j))
    # TF-IDF cosine: the best few per parent clause above a floor
    if cos is not None and cos.nnz:
        for i in range(cos.shape[0]):
            lo, hi = cos.indptr[i], cos.indptr[i + 1]
            if lo == hi:
                continue
            vals, cols = cos.data[lo:hi], cos.indices[lo:hi]
            keep = vals >= cfg.tfidf_min
            if not keep.any():
                continue
            vals, cols = vals[keep], cols[keep]
            if len(vals) > cfg.tfidf_top:
                top = np.argpartition(-vals, cfg.tfidf_top)[: cfg.tfidf_top]
                cols = cols[top]
            for j in cols:
                cand.add((i, int(j)))
    return cand


def similarity(x: Item, y: Item, cosine: float = 0.0, cfg: AlignConfig = AlignConfig()) -> float:
    """Similarity of two clauses in [0, 1] (1 = identical comparison forms)."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import LCSseq, Indel
    if x.norm == y.norm:
        return 1.0 if x.norm else 0.0
    if x.minor or y.minor:
        return 0.0
    edit = Indel.normalized_similarity(x.norm, y.norm)
    short, long_ = (x.norm, y.norm) if len(x.norm) <= len(y.norm) else (y.norm, x.norm)
    cont = 0.0
    ratio = len(short) / len(long_)
    if len(short) >= cfg.containment_min_chars:
        damp = 0.55 + 0.45 * ratio
        # the short clause's characters, in order, within the long one (a rewording that keeps
        # most of the words, or a clause merged into a longer one)
        cont = LCSseq.similarity(short, long_) / len(short) * damp
        if ratio < 0.9 and cont < 0.85 * damp:
            pr = fuzz.partial_ratio(short, long_) / 100
            if pr >= 0.85:              # (nearly) the whole short clause stands in the long one
                cont = max(cont, pr * damp)
    return float(min(0.999, max(edit, cont, cosine)))


# --- alignment --------------------------------------------------------------------------------

def _monotone_chain(cells: list[tuple[int, int, float]], m: int) -> list[tuple[int, int, float]]:
    """The chain of cells strictly increasing in i and j with the largest total weight."""
    if not cells:
        return []
    cells = sorted(cells)
    size = m + 1
    tree_val = [0.0] * (size + 1)
    tree_arg = [-1] * (size + 1)

    def query(j):                       # best over columns < j (1-based prefix j)
        best, arg = 0.0, -1
        while j > 0:
            if tree_val[j] > best:
                best, arg = tree_val[j], tree_arg[j]
            j -= j & -j
        return best, arg

    def update(j, val, arg):
        j += 1
        while j <= size:
            if val > tree_val[j]:
                tree_val[j], tree_arg[j] = val, arg
            j += j & -j
    score = [0.0] * len(cells)
    back = [-1] * len(cells)
    k = 0
    while k < len(cells):
        g = k
        while g < len(cells) and cells[g][0] == cells[k][0]:
            g += 1
        for t in range(k, g):            # same parent row: predecessors from earlier rows only
            best, arg = query(cells[t][1])
            score[t], back[t] = best + cells[t][2], arg
        for t in range(k, g):
            update(cells[t][1], score[t], t)
        k = g
    t = max(range(len(cells)), key=score.__getitem__)
    chain = []
    while t != -1:
        chain.append(cells[t])
        t = back[t]
    return chain[::-1]


def align_items(a: list[Item], b: list[Item], cfg: AlignConfig = AlignConfig()) -> Comparison:
    import time
    t0 = time.perf_counter()
    cos = _tfidf(a, b)
    cand = _candidates(a, b, cfg, cos)
    t1 = time.perf_counter()
    sims: dict[tuple[int, int], float] = {}
    for i, j in cand:
        c = float(cos[i, j]) if cos is not None else 0.0
        s = similarity(a[i], b[j], c, cfg)
        short = min(len(a[i].norm), len(b[j].norm)) < cfg.short_chars and s < 1.0
        if s >= cfg.threshold + (cfg.short_margin if short else 0.0):
            sims[(i, j)] = s
    t2 = time.perf_counter()
    cells = []
    for (i, j), s in sims.items():
        w = cfg.minor_weight if (a[i].minor or b[j].minor) else s - cfg.threshold + 1e-3
        cells.append((i, j, w))
    chain = _monotone_chain(cells, len(b))
    pairs = [Pair(i, j, sims[(i, j)], "identical" if a[i].norm == b[j].norm else "modified")
             for i, j, _ in chain]
    used_i = {p.i for p in pairs}
    used_j = {p.j for p in pairs}
    for (i, j), s in sorted(sims.items(), key=lambda kv: -kv[1]):
        if s >= cfg.moved_threshold and i not in used_i and j not in used_j and not a[i].minor:
            pairs.append(Pair(i, j, s, "identical" if a[i].norm == b[j].norm else "modified", moved=True))
            used_i.add(i)
            used_j.add(j)
    pairs.sort(key=lambda p: p.i)
    t3 = time.perf_counter()
    return Comparison(a, b, pairs, [x.idx for x in a if x.idx not in used_i],
                      [y.idx for y in b if y.idx not in used_j],
                      stats={"candidates": len(cand), "scored_pairs": len(sims), "all_pairs": len(a) * len(b),
                             "t_candidates": t1 - t0, "t_score": t2 - t1, "t_align": t3 - t2})


def align_clauses(a_clauses: Iterable[Any], b_clauses: Iterable[Any], cfg: AlignConfig = AlignConfig(),
                  a_headings: frozenset[str] = frozenset(), b_headings: frozenset[str] = frozenset()) -> Comparison:
    return align_items(_items(a_clauses, a_headings), _items(b_clauses, b_headings), cfg)


def compare_records(parent: dict, child: dict, cfg: AlignConfig = AlignConfig()) -> Comparison:
    """Align two stored records (``zhengce.document/1``), parent first."""
    c = align_clauses(parent.get("clauses") or [], child.get("clauses") or [], cfg,
                      headings_of(parent), headings_of(child))
    c.a_id, c.b_id = parent.get("doc_id"), child.get("doc_id")
    return c
