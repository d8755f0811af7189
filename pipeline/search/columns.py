"""Per-clause filter and facet values as numpy arrays: the "doc values" of the SQLite backend.

Full-text matching stays in FTS5, but filtering the matches and counting facets over them is done
here, on arrays loaded once per index generation, instead of joining every match back to the
clause and document tables (at a million clauses those joins, repeated for nine facets, were most
of a query's time).  Rows are ordered by (doc_id, rid), so row order is the tie-break order of the
result lists.

Filters keep the SQL semantics of ``SQLiteStore.doc_where`` / ``keyword.filter_sql``: document-level
filters select documents with that same SQL (on the small documents table, cached per filter);
``unit`` and ``indicator`` are case-insensitive substrings of a stored value (SQL ``LIKE %x%``).
"""
from __future__ import annotations

import io
import json
import sqlite3
import threading
from typing import Any

import numpy as np

from .base import FACET_KEYS, truthy, year_range

FACET_TOP = 20
COLUMNS_FORMAT = 1
DOC_FACETS = ("province", "level", "year", "doc_type", "issuer")
_cache: dict[str, tuple[int, "ClauseColumns"]] = {}
_lock = threading.Lock()


def _codes(values: list) -> tuple[np.ndarray, list]:
    """Dictionary-encode values: (int32 codes, distinct values); None → -1."""
    distinct = sorted({v for v in values if v is not None}, key=str)
    index = {v: i for i, v in enumerate(distinct)}
    return np.fromiter((index.get(v, -1) if v is not None else -1 for v in values), dtype=np.int32,
                       count=len(values)), distinct


class ClauseColumns:
    """The columns of one index generation.  Built from the search tables (``from_db``) or loaded
    from the copy a writable process saves in ``search_models`` (``load``): at a million clauses
    the SQL build takes ~10 s, the saved copy loads in a fraction of a second."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays
        self.rid = arrays["rid"]
        self.n = len(self.rid)
        self.row_of_rid = np.full(int(self.rid.max()) + 1 if self.n else 1, -1, dtype=np.int64)
        self.row_of_rid[self.rid] = np.arange(self.n)
        self.doc = arrays["doc"]
        self.doc_ids = arrays["doc_ids"].tolist()
        self.kind, self.kinds = arrays["kind"], arrays["kinds"].tolist()
        self.has_target = arrays["has_target"]
        self.doc_facets = {key: (arrays[f"doc_{key}"], arrays[f"doc_{key}_values"].tolist()) for key in DOC_FACETS}
        self.titles = arrays["titles"].tolist()
        self.pairs = {}
        for key in ("unit", "indicator"):
            values = arrays[f"{key}_values"].tolist()
            self.pairs[key] = (arrays[f"{key}_rows"], arrays[f"{key}_codes"], values, [v.casefold() for v in values])
        self._doc_masks: dict[tuple, np.ndarray] = {}
        self._title_hits: dict[str, np.ndarray] = {}
        self._df_bounds: dict[int, tuple[int, int]] = {}

    @classmethod
    def from_db(cls, db) -> "ClauseColumns":
        from .base import CLAUSE_KINDS
        # the rows of documents marked indexed only: a long text's rows are written (in rounds) before
        # its search_docs row, which comes with the document itself (keyword.IndexWriter)
        got = db.execute("SELECT rid, doc_id, kind, has_target, coalesce(kinds, kind) FROM search_clauses "
                         "WHERE doc_id IN (SELECT doc_id FROM search_docs)").fetchall()
        n = len(got)
        rid = np.fromiter((r[0] for r in got), dtype=np.int64, count=n)
        doc_ids = sorted({r[1] for r in got})
        doc_index = {d: i for i, d in enumerate(doc_ids)}
        doc = np.fromiter((doc_index[r[1]] for r in got), dtype=np.int32, count=n)
        kind, kinds = _codes([r[2] for r in got])
        has_target = np.fromiter((bool(r[3]) for r in got), dtype=bool, count=n)
        bit = {k: 1 << i for i, k in enumerate(CLAUSE_KINDS)}
        kindbits = np.fromiter((sum(bit.get(k, 0) for k in set((r[4] or "").split(","))) for r in got),
                               dtype=np.uint8, count=n)
        del got
        order = np.lexsort((rid, doc))          # rows in (doc_id, rid) order: the tie-break order
        a: dict[str, np.ndarray] = {"rid": rid[order], "doc": doc[order], "kind": kind[order],
                                    "kinds": _strs(kinds), "has_target": has_target[order],
                                    "kindbits": kindbits[order], "doc_ids": _strs(doc_ids)}
        meta = {r[0]: r[1:] for r in db.execute(
            "SELECT d.doc_id, d.province, d.level, d.year, d.doc_type, d.issuer, sd.title FROM documents d "
            "LEFT JOIN search_docs sd ON sd.doc_id = d.doc_id")}
        per_doc = [meta.get(d, (None,) * 6) for d in doc_ids]
        for i, key in enumerate(DOC_FACETS):
            codes, values = _codes([p[i] for p in per_doc])
            a[f"doc_{key}"], a[f"doc_{key}_values"] = codes, _strs(values)
        a["titles"] = _strs([p[5] or "" for p in per_doc])
        row_of_rid = np.full(int(a["rid"].max()) + 1 if n else 1, -1, dtype=np.int64)
        row_of_rid[a["rid"]] = np.arange(n)
        for key, table, col in (("unit", "search_units", "unit"), ("indicator", "search_indicators", "indicator")):
            pairs = db.execute(f"SELECT rid, {col} FROM {table}").fetchall()
            rids = np.fromiter((r[0] for r in pairs), dtype=np.int64, count=len(pairs))
            codes, values = _codes([r[1] for r in pairs])
            inside = rids < len(row_of_rid)
            rows = np.where(inside, row_of_rid[np.where(inside, rids, 0)], -1)
            ok = (rows >= 0) & (codes >= 0)
            a[f"{key}_rows"], a[f"{key}_codes"], a[f"{key}_values"] = rows[ok], codes[ok], _strs(values)
        return cls(a)

    def df_sample_bound(self, k: int) -> tuple[int, int]:
        """(rid bound, rows at or below it): the first k clauses by rid, the term-frequency sample."""
        hit = self._df_bounds.get(k)
        if hit is None:
            if self.n <= k:
                hit = (int(self.rid.max()), self.n)
            else:
                hit = (int(np.partition(self.rid, k - 1)[k - 1]), k)
            self._df_bounds[k] = hit
        return hit

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, **self.arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> "ClauseColumns":
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        return cls({k: z[k] for k in z.files})

    # --- filters ------------------------------------------------------------------------------

    def rows_of(self, rids) -> np.ndarray:
        """Row of each rid (-1 for a rid not in the index)."""
        rids = np.asarray(rids, dtype=np.int64)
        inside = (rids >= 0) & (rids < len(self.row_of_rid))
        return np.where(inside, self.row_of_rid[np.where(inside, rids, 0)], -1)

    def mask(self, store, filters: dict[str, Any], rows: np.ndarray | None = None) -> np.ndarray | None:
        """Which rows pass the filters: a mask over all rows, or over ``rows`` when given (the cost
        is then that of the rows, not of the store).  None when there is no filter."""
        if not filters:
            return None
        from .keyword import CLAUSE_LEVEL
        at = (lambda a: a) if rows is None else (lambda a: a[rows])   # noqa: E731
        m = np.ones(self.n if rows is None else len(rows), dtype=bool)
        doc_filters = {k: v for k, v in filters.items() if k not in CLAUSE_LEVEL}
        if doc_filters:
            m &= self.doc_mask(store, doc_filters)[at(self.doc)]
        if filters.get("kind"):
            wanted = {k.strip() for k in str(filters["kind"]).split(",") if k.strip()}
            if "kindbits" in self.arrays:    # a sentence unit passes when any of its clauses is of the kind
                from .base import CLAUSE_KINDS
                bits = sum(1 << i for i, k in enumerate(CLAUSE_KINDS) if k in wanted)
                m &= (at(self.arrays["kindbits"]) & bits) > 0
            else:
                codes = [i for i, k in enumerate(self.kinds) if k in wanted]
                m &= np.isin(at(self.kind), codes)
        for key in ("unit", "indicator"):
            if filters.get(key):
                prow, codes, _, folded = self.pairs[key]
                needle = str(filters[key]).casefold()
                hit_codes = np.array([i for i, v in enumerate(folded) if needle in v], dtype=np.int32)
                sel = np.zeros(self.n, dtype=bool)
                sel[prow[np.isin(codes, hit_codes)]] = True
                m &= at(sel)
        if "has_target" in filters:
            m &= at(self.has_target) == truthy(filters["has_target"])
        return m

    def doc_mask(self, store, doc_filters: dict[str, Any]) -> np.ndarray:
        key = tuple(sorted((k, str(v)) for k, v in doc_filters.items()))
        hit = self._doc_masks.get(key)
        if hit is not None:
            return hit
        f = dict(doc_filters)
        if "year" in f:
            lo, hi = year_range(f.pop("year"))
            f["year_from"], f["year_to"] = max(lo, int(f.get("year_from") or 0)), min(hi, int(f.get("year_to") or 9999))
        where, args = store.doc_where(f, "d")
        index = {d: i for i, d in enumerate(self.doc_ids)}
        m = np.zeros(len(self.doc_ids), dtype=bool)
        for (d,) in store.db.execute(f"SELECT d.doc_id FROM documents d WHERE {where}", args):
            i = index.get(d)
            if i is not None:
                m[i] = True
        if len(self._doc_masks) > 256:
            self._doc_masks.clear()
        self._doc_masks[key] = m
        return m

    def title_count(self, items: list[str]) -> np.ndarray:
        """Per document: how many of the items occur in its (folded) title."""
        out = np.zeros(len(self.doc_ids), dtype=np.float32)
        for it in items:
            hit = self._title_hits.get(it)
            if hit is None:
                hit = np.fromiter((it in t for t in self.titles), dtype=bool, count=len(self.titles))
                if len(self._title_hits) > 1024:
                    self._title_hits.clear()
                self._title_hits[it] = hit
            out += hit
        return out

    # --- facets -------------------------------------------------------------------------------

    def facets(self, rows: np.ndarray) -> dict[str, dict[str, int]]:
        """Counts per value of every facet over the given rows (top FACET_TOP by count, then value)."""
        rows = np.asarray(rows, dtype=np.int64)
        out: dict[str, dict[str, int]] = {}
        docs = self.doc[rows]
        for key in FACET_KEYS:
            if key in self.doc_facets:
                codes, values = self.doc_facets[key]
                out[key] = _top(codes[docs], values)
            elif key == "kind":
                out[key] = _top(self.kind[rows], self.kinds)
            elif key == "has_target":
                t = int(self.has_target[rows].sum())
                counts = {"true": t, "false": len(rows) - t}
                out[key] = {k: v for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if v}
            else:
                prow, codes, values, _ = self.pairs[key]
                inside = np.zeros(self.n, dtype=bool)
                inside[rows] = True
                out[key] = _top(codes[inside[prow]], values)
        return out


def _top(codes: np.ndarray, values: list) -> dict[str, int]:
    codes = codes[codes >= 0]
    if not len(codes):
        return {}
    counts = np.bincount(codes, minlength=len(values))
    nz = np.flatnonzero(counts)
    order = sorted(nz, key=lambda i: (-counts[i], str(values[i])))[:FACET_TOP]
    return {str(values[i]): int(counts[i]) for i in order}


def _strs(values: list) -> np.ndarray:
    return np.array([str(v) for v in values], dtype=str) if values else np.zeros(0, dtype="<U1")


def columns(db, key: str, writable: bool = True) -> ClauseColumns:
    """The columns of a store's index at its current generation: from memory, from the copy saved
    in the store, or built from the tables (and then saved, when the store is writable)."""
    from .base import per_generation
    from .keyword import generation
    gen = generation(db)

    def build() -> ClauseColumns:
        row = db.execute("SELECT meta, blob FROM search_models WHERE name='columns'").fetchone()
        if row and json.loads(row[0]).get("generation") == gen and json.loads(row[0]).get("format") == COLUMNS_FORMAT:
            return ClauseColumns.from_bytes(row[1])
        cols = ClauseColumns.from_db(db)
        if writable:
            _save(db, cols, gen)
        return cols
    return per_generation(_cache, _lock, key, gen, build)


def _save(db, cols: ClauseColumns, gen: int) -> None:
    from ..store.sqlite import immediate
    from .keyword import generation
    try:
        with immediate(db):
            if generation(db) != gen:     # a writer got in between: this copy is already stale
                return
            db.execute("INSERT OR REPLACE INTO search_models VALUES ('columns', ?, ?)",
                       (json.dumps({"generation": gen, "format": COLUMNS_FORMAT, "rows": cols.n}), cols.to_bytes()))
    except sqlite3.OperationalError:           # busy or read-only after all: keep it in memory only
        pass

