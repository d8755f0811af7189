"""Which stored documents share many clauses with a given one, without comparing it to all.

Clause-level MinHash LSH: every substantive clause gets a MinHash of its character 3-gram
shingles (datasketch's affine32 permutations, ``minhash.signature``), cut into ``BANDS`` bands
of ``ROWS`` values; each band is one 63-bit key.  Two clauses whose shingle Jaccard similarity
is s share a key with probability 1 - (1 - s^ROWS)^BANDS (≈ 0.81 at s = 0.73, a clause with a
couple of characters changed; ≈ 0.05 at s = 0.3).  The keys are an inverted index
``key → (document, clause)``, so a query looks up its own clauses' keys and counts, per other
document, how many of its clauses met one: "many shared clauses" is the candidate test, and
only candidates are aligned clause by clause.  Keys present in more than ``max_df`` documents
(boilerplate such as 以习近平新时代中国特色社会主义思想为指导) are ignored.

For an SQLite store the index lives in the store file (tables ``compare_docs`` and
``compare_clause_keys``) and is brought up to date incrementally (documents whose
``ingested_at`` changed, new or deleted ones) before each query; other stores get an
in-memory index built from their records.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Iterable

import numpy as np

from .minhash import _fmix32, _permutations
from .text import MIN_CHARS, norm
from ..store.sqlite import immediate

BANDS, ROWS, K = 5, 4, 3
NUM_PERM = BANDS * ROWS
VERSION = f"clause-keys/1 affine32 k={K} b={BANDS} r={ROWS}"

DDL = """
CREATE TABLE IF NOT EXISTS compare_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS compare_docs (doc INTEGER PRIMARY KEY, doc_id TEXT UNIQUE, stamp REAL, n_clauses INTEGER);
CREATE TABLE IF NOT EXISTS compare_clause_keys (key INTEGER, doc INTEGER, clause INTEGER,
  PRIMARY KEY (key, doc, clause)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_cck_doc ON compare_clause_keys(doc);
"""


def clause_keys(texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray, int]:
    """Band keys of a document's substantive clauses: (keys int64[], clause numbers int32[], n).

    One numpy pass per document: the comparison forms are concatenated, shingles that would
    cross a clause boundary dropped, and MinHash minima taken per clause with ``reduceat``."""
    forms = [n for n in (norm(t) for t in texts) if len(n) >= MIN_CHARS]
    if not forms:
        return np.empty(0, np.int64), np.empty(0, np.int32), 0
    joined = "".join(forms)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter((len(f) for f in forms), dtype=np.int64, count=len(forms))
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    m = len(cps) - K + 1
    P = np.uint64(1000003)
    with np.errstate(over="ignore"):
        h = np.zeros(m, dtype=np.uint64)
        for t in range(K):
            h = h * P + cps[t:t + m]
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
        hv = (h >> np.uint64(32)).astype(np.uint32)
    # shingle s belongs to clause c when starts[c] <= s <= starts[c] + len - K
    owner = np.repeat(np.arange(len(forms)), lens)[:m]
    valid = np.arange(m) <= (starts + lens - K)[owner]
    hv, owner = hv[valid], owner[valid]
    a, b = _permutations(NUM_PERM)
    with np.errstate(over="ignore"):
        phv = _fmix32(hv)[:, None] * a[None, :] + b[None, :]
    seg = np.searchsorted(owner, np.arange(len(forms)))
    sig = np.minimum.reduceat(phv, seg, axis=0).astype(np.uint64)      # (clauses, NUM_PERM)
    bands = sig.reshape(len(forms), BANDS, ROWS)
    with np.errstate(over="ignore"):
        key = np.zeros((len(forms), BANDS), dtype=np.uint64)
        for r in range(ROWS):
            key = key * np.uint64(0x100000001B3) + bands[:, :, r]
        key ^= (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
        key ^= key >> np.uint64(33)
        key *= np.uint64(0xFF51AFD7ED558CCD)
        key ^= key >> np.uint64(33)
    keys = (key >> np.uint64(1)).astype(np.int64)                       # fits SQLite INTEGER
    clause_no = np.repeat(np.arange(len(forms), dtype=np.int32), BANDS)
    return keys.reshape(-1), clause_no, len(forms)


class ReuseIndex:
    """Shared-clause candidates for documents of a store."""

    def __init__(self, store, *, max_df: int | None = None, persist: bool = True):
        self.store = store
        self.db: sqlite3.Connection | None = getattr(store, "db", None) if persist else None
        self.max_df = max_df
        self._mem: dict[int, list[tuple[str, int]]] | None = None
        self._mem_n: dict[str, int] = {}
        self.updated = 0

    # --- maintenance ----------------------------------------------------------------------

    def refresh(self) -> int:
        """Bring the index up to date; returns how many documents were (re)indexed."""
        if self.db is None:
            return self._build_memory()
        try:
            return self._refresh_sqlite()
        except sqlite3.OperationalError:      # read-only file or locked: fall back to memory
            self.db = None
            return self._build_memory()

    def _refresh_sqlite(self) -> int:
        db = self.db
        db.executescript(DDL)
        row = db.execute("SELECT value FROM compare_meta WHERE key='version'").fetchone()
        with immediate(db):
            if not row or row[0] != VERSION:
                db.execute("DELETE FROM compare_clause_keys")
                db.execute("DELETE FROM compare_docs")
                db.execute("INSERT OR REPLACE INTO compare_meta VALUES ('version', ?)", (VERSION,))
            stale = [r[0] for r in db.execute(
                "SELECT c.doc FROM compare_docs c LEFT JOIN documents d ON d.doc_id=c.doc_id "
                "WHERE d.doc_id IS NULL OR d.ingested_at IS NOT c.stamp")]
            for chunk in _chunks(stale, 500):
                q = ",".join("?" * len(chunk))
                db.execute(f"DELETE FROM compare_clause_keys WHERE doc IN ({q})", chunk)
                db.execute(f"DELETE FROM compare_docs WHERE doc IN ({q})", chunk)
            todo = [(r[0], r[1]) for r in db.execute(
                "SELECT d.doc_id, d.ingested_at FROM documents d LEFT JOIN compare_docs c ON c.doc_id=d.doc_id "
                "WHERE c.doc_id IS NULL")]
            for chunk in _chunks(todo, 500):
                stamp = dict(chunk)
                q = ",".join("?" * len(chunk))
                texts: dict[str, list[str]] = defaultdict(list)
                for doc_id, text in db.execute(
                        f"SELECT doc_id, text FROM clauses WHERE doc_id IN ({q}) ORDER BY doc_id, start",
                        list(stamp)):
                    texts[doc_id].append(text)
                for doc_id in stamp:
                    keys, clause_no, n = clause_keys(texts.get(doc_id, []))
                    cur = db.execute("INSERT INTO compare_docs (doc_id, stamp, n_clauses) VALUES (?,?,?)",
                                     (doc_id, stamp[doc_id], n))
                    doc = cur.lastrowid
                    db.executemany("INSERT OR IGNORE INTO compare_clause_keys VALUES (?,?,?)",
                                   zip(keys.tolist(), [doc] * len(keys), clause_no.tolist()))
        self.updated = len(todo)
        return len(todo)

    def _build_memory(self) -> int:
        self._mem = defaultdict(list)
        n = 0
        for rec in self.store.records():
            keys, clause_no, nc = clause_keys(c["text"] for c in rec.get("clauses") or [])
            self._mem_n[rec["doc_id"]] = nc
            for k, c in zip(keys.tolist(), clause_no.tolist()):
                self._mem[k].append((rec["doc_id"], c))
            n += 1
        self.updated = n
        return n

    # --- queries --------------------------------------------------------------------------

    def n_docs(self) -> int:
        if self.db is not None:
            return self.db.execute("SELECT COUNT(*) FROM compare_docs").fetchone()[0]
        return len(self._mem_n)

    def candidates(self, doc_id: str, texts: list[str] | None = None, *, min_shared: int = 3,
                   limit: int = 50) -> list[dict]:
        """Documents sharing at least ``min_shared`` clauses (by LSH key) with ``doc_id``, best first:
        ``{"doc_id", "shared", "n_clauses", "share_of_query", "share_of_other"}``."""
        if texts is None:
            texts = [r["text"] for r in self.store.rows("clauses", doc_id=doc_id)]
        keys, clause_no, n = clause_keys(texts)
        if not n:
            return []
        max_df = self.max_df or max(20, int(0.02 * max(1, self.n_docs())))
        postings: dict[int, list[tuple[str, int]]] = defaultdict(list)
        sizes: dict[str, int] = {}
        if self.db is not None:
            for chunk in _chunks(sorted(set(keys.tolist())), 900):
                q = ",".join("?" * len(chunk))
                for key, did, clause, nc in self.db.execute(
                        f"SELECT k.key, d.doc_id, k.clause, d.n_clauses FROM compare_clause_keys k "
                        f"JOIN compare_docs d ON d.doc=k.doc WHERE k.key IN ({q})", chunk):
                    postings[key].append((did, clause))
                    sizes[did] = nc
        else:
            for key in set(keys.tolist()):
                postings[key] = list(self._mem.get(key, ()))
            sizes = self._mem_n
        shared_q: dict[str, set[int]] = defaultdict(set)
        shared_o: dict[str, set[int]] = defaultdict(set)
        for key, c in zip(keys.tolist(), clause_no.tolist()):
            plist = postings.get(key, ())
            if len({d for d, _ in plist}) > max_df:
                continue
            for did, oc in plist:
                if did != doc_id:
                    shared_q[did].add(c)
                    shared_o[did].add(oc)
        out = []
        for did, cs in shared_q.items():
            shared = min(len(cs), len(shared_o[did]))
            if shared >= min_shared:
                no = sizes.get(did) or 1
                out.append({"doc_id": did, "shared": shared, "n_clauses": no,
                            "share_of_query": round(shared / n, 4), "share_of_other": round(shared / no, 4)})
        out.sort(key=lambda d: (-max(d["share_of_query"], d["share_of_other"]), -d["shared"]))
        return out[:limit]


def _chunks(seq, n):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]
