"""The embedded search backend: FTS5 keyword search, stored embeddings and RRF over one SQLite store.

``SQLiteSearch(store)`` works on any ``SQLiteStore``: on a writable store it creates its tables and
``sync()``s them with the documents (so stores written by plain ``zhengce ingest`` are indexed
on first search); ``SearchableSQLiteStore`` additionally keeps the keyword index current inside
each ``put`` transaction through the store's ``_on_insert`` / ``_on_delete`` hooks.
"""
from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from ..store.sqlite import SQLiteStore
from . import keyword as kwmod
from .base import Hit, SearchBackend, SearchError, SearchQuery, SearchResult, rrf, split_clause_ref
from .keyword import MATCHED_BY, KeywordIndex
from .semantic import VectorIndex, model_name
from .text import parse_query
from ..store.sqlite import immediate

POOL = 100          # candidates per list fused by hybrid search
# Hybrid fusion: weighted reciprocal rank fusion, score = Σ w_list / (k + rank).  Per semantic model,
# the weights and k chosen by cross-validation on both relevance sets (``bench/search.py --cv``:
# folds of queries, the weights that score best on the other folds, figures reported on the held-out
# fold only).  A model without its own entry (a sentence-transformers model a user names) takes
# "default".
# Two weight sets per model: "all" for a query some sentence holds every word of (the words list is
# not empty: a keyword-like query), "some" for one nothing holds in full (a question in other words
# than the documents'), where meaning should count more.  The regime is read off the query's own
# matches, not its wording, and CV chooses each set on the queries of its regime.
FUSION: dict[str, dict[str, dict[str, float]]] = {
    # TF-IDF/SVD: weight 0 in every fold; split by regime it did not do better on held-out folds
    # (0.578 / 0.699 against 0.581 / 0.707), so one weight set serves both
    "tfidf": {"all": {"k": 60, "words": 1.5, "some": 0.0, "chars": 0.5, "sem": 0.0},
              "some": {"k": 60, "words": 1.5, "some": 0.0, "chars": 0.5, "sem": 0.0}},
    "e5": {"all": {"k": 10, "words": 1.5, "some": 0.0, "chars": 1.0, "sem": 3.0, "tfidf": 0.0},
           "some": {"k": 10, "words": 0.5, "some": 1.0, "chars": 0.5, "sem": 3.0, "tfidf": 0.0}},
    "default": {"all": {"k": 60, "words": 1.0, "some": 1.0, "chars": 1.0, "sem": 1.0},
                "some": {"k": 60, "words": 1.0, "some": 1.0, "chars": 1.0, "sem": 1.0}},
}
LISTS = ("words", "some", "chars", "sem", "semrr", "tfidf")


def fusion_params(model: str, regime: str = "all") -> dict[str, float]:
    return (FUSION.get(model) or FUSION["default"])[regime]


def regime_of(lists: dict) -> str:
    """"all" when some sentence holds every word of the query (the words list's best tier is not
    the some-words fallback), else "some"."""
    return words_regime(lists.get("words") or [])


def words_regime(kw_rows: list) -> str:
    """"all" when some sentence holds every word (or a synonym, or the words as a substring),
    "some" when the words list is the some-words fallback.  (Requiring 3 such sentences instead of
    1 was tried: held-out nDCG@10 0.670 / 0.710 against 0.667 / 0.715, no gain.)"""
    return matched_of(kw_rows) if kw_rows else "some"


def matched_of(kw_rows: list) -> str:
    return "all" if kw_rows and kw_rows[0][2] != 2 else "some"


def fuse(lists: dict, model: str, params: dict | None = None) -> list[tuple[int, float]]:
    """[(rid, fused score)] best first, from ``hybrid_lists``'s lists."""
    p = params or fusion_params(model, regime_of(lists))
    names = [n for n in LISTS if n in lists and p.get(n, 0)]
    return rrf([[x[0] for x in lists[n]] for n in names], k=int(p.get("k", 60)), weights=[p[n] for n in names])


SEMANTIC_TOTAL = 1000  # semantic "total": candidates considered, at most this many


class SearchableSQLiteStore(SQLiteStore):
    """A SQLiteStore whose writes maintain the keyword index in the same transaction."""

    indexes_itself = True      # ingest adds no index of its own (search.IngestIndexer)

    def _after_migrate(self) -> None:
        super()._after_migrate()
        with immediate(self.db):
            kwmod.ensure_schema(self.db)

    def _on_insert(self, record: dict) -> None:
        super()._on_insert(record)
        row = self.db.execute("SELECT ingested_at FROM documents WHERE doc_id=?", (record["doc_id"],)).fetchone()
        kwmod.index_record(self.db, record, row[0] if row else None)

    def _on_delete(self, doc_id: str) -> None:
        super()._on_delete(doc_id)
        kwmod.delete_doc(self.db, doc_id)


class SQLiteSearch(SearchBackend):
    def __init__(self, store: SQLiteStore, *, sync: bool = True):
        self.store = store
        self.db = store.db
        self.readonly = self._is_readonly()
        self.lock = threading.RLock()
        if not kwmod.has_schema(self.db):
            if self.readonly:
                raise SearchError(f"{store.path}: no search index yet; run `zhengce reindex --db {store.path}` once")
            with immediate(self.db):
                kwmod.ensure_schema(self.db)
        if not self.readonly:
            self._check_segmentation()
        else:
            from .text import segmentation_id
            row = self.db.execute("SELECT value FROM search_meta WHERE key='segmentation'").fetchone()
            if not row or row[0] != segmentation_id():
                raise SearchError(f"{store.path}: its search index was built by another version of zhengce; "
                                  f"run `zhengce reindex --db {store.path}` once")
        if sync and not self.readonly:
            self.sync()
        self._fresh_at = time.monotonic()
        self._data_version = None
        self.keyword = KeywordIndex(store, writable=not self.readonly)
        self._vector_rows: tuple = (None, None)   # vector row → column row, per (matrix, columns)
        self.vectors = VectorIndex(self.db, str(getattr(store, "path", id(store))), writable=not self.readonly)

    def _is_readonly(self) -> bool:
        """True for a store opened with readonly=True (mode=ro) or a file we may not write."""
        import sqlite3
        try:
            self.db.execute("BEGIN")
            try:
                self.db.execute("CREATE TABLE main._search_probe (x)")
            finally:
                self.db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True

    def _check_segmentation(self) -> None:
        """An index cut with another jieba dictionary is re-indexed on the next sync."""
        from .text import segmentation_id
        current = segmentation_id()
        row = self.db.execute("SELECT value FROM search_meta WHERE key='segmentation'").fetchone()
        if row and row[0] == current:
            return
        with immediate(self.db):   # unknown or other segmentation or format: rebuilt by the next sync
            kwmod.ensure_schema(self.db)

    def sync(self, progress=None) -> int:
        if self.readonly:
            return 0
        with self.lock:
            return kwmod.sync(self.db, self.store.get, progress)

    def reindex(self, embed_model: str | None = None, progress=None) -> dict:
        """Rebuild the keyword index from scratch and (re)compute embeddings for a model."""
        if self.readonly:
            raise SearchError(f"{self.store.path}: opened read-only; cannot rebuild the index")
        with self.lock:
            with immediate(self.db):
                self.db.execute("DELETE FROM search_docs")
            n_docs = kwmod.sync(self.db, self.store.get, progress)
            if embed_model is None or model_name(embed_model) == "tfidf":
                self.db.execute("DELETE FROM search_models WHERE name='tfidf'")
            n_vec = self.vectors.ensure(embed_model)
            n_clauses = self.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
        return {"documents": n_docs, "clauses": n_clauses, "embedded": n_vec, "model": model_name(embed_model)}

    # --- queries ---------------------------------------------------------------------------

    FRESH_EVERY = 1.0     # seconds: how often a long-lived backend (serve) looks for documents written since

    def fresh(self) -> None:
        """Index what another process (``zhengce ingest``) stored since the last look, at most once
        per ``FRESH_EVERY`` seconds: one ``PRAGMA data_version`` when nothing was written.
        The caches (columns, term index, vectors) are keyed by the index generation, which the
        writer bumps, so they follow by themselves."""
        now = time.monotonic()
        if now - self._fresh_at < self.FRESH_EVERY:
            return
        self._fresh_at = now
        if self.readonly:
            return
        with self.lock:
            # PRAGMA data_version changes when another connection committed to the file: reading it
            # costs nothing, so the documents are compared with the index only after a write
            version = self.db.execute("PRAGMA data_version").fetchone()[0]
            if version == self._data_version:
                return
            self._data_version = version
            docs = self.db.execute("SELECT COUNT(*), MAX(ingested_at) FROM documents").fetchone()
            indexed = self.db.execute("SELECT COUNT(*), MAX(ingested_at) FROM search_docs").fetchone()
            if tuple(docs) != tuple(indexed):
                self.sync()

    def search(self, query: SearchQuery) -> SearchResult:
        query.check()
        self.fresh()
        with self.lock:
            if query.mode == "keyword":
                return self._keyword(query)
            if query.mode == "semantic":
                return self._semantic(query)
            return self._hybrid(query)

    def _keyword(self, query: SearchQuery) -> SearchResult:
        pq = parse_query(query.q)
        total, page, facets = self.keyword.search(pq, query.filters, query.limit, query.offset, query.facets)
        if pq.empty:
            matched = None
        elif not total:
            matched = "none"
        else:
            first = page[0][2] if page else self.keyword.search(pq, query.filters, 0, 0, False, pool=1)[1][0][2]
            matched = "some" if first == 2 else "all"
        return self._result(total, self.keyword.hits(page, pq, query.filters), facets, "keyword", pq, matched)

    @staticmethod
    def _result(total, hits, facets, mode, pq, matched) -> SearchResult:
        return SearchResult(total, hits, facets, mode, matched, list(pq.dropped) if pq else [],
                            pq.expansions() if pq and not pq.empty else [])

    def _allowed(self, rids: np.ndarray, filters: dict) -> np.ndarray | None:
        """Which of the vector rows (by rid) pass the filters (None: all)."""
        cols = self.keyword.columns()
        mask = cols.mask(self.store, filters)
        if mask is None:
            return None
        key = (id(rids), id(cols))   # both are replaced, not mutated, when the index changes
        if self._vector_rows[0] != key:
            self._vector_rows = (key, cols.rows_of(rids))
        rows = self._vector_rows[1]
        return (rows >= 0) & mask[np.where(rows >= 0, rows, 0)]

    def _semantic_ranked(self, text: str, filters: dict, k: int, model: str | None,
                         exclude_doc: str | None = None, vector: np.ndarray | None = None) -> list[tuple[int, float]]:
        rids, mat = self.vectors.matrix(model)
        if not len(rids):
            return []
        allowed = self._allowed(rids, filters)
        if exclude_doc:
            own = np.fromiter((r[0] for r in self.db.execute("SELECT rid FROM search_clauses WHERE doc_id=?",
                                                               (exclude_doc,))), dtype=np.int64)
            not_own = ~np.isin(rids, own)
            allowed = not_own if allowed is None else (allowed & not_own)
        q = vector if vector is not None else self.vectors.query_vector(model, text)
        found, _, scores = self.vectors.nearest(model, q, k, allowed)
        return [(int(r), float(s)) for r, s in zip(found, scores)]

    def _facets_for(self, rids: list[int]) -> dict:
        cols = self.keyword.columns()
        rows = cols.rows_of(rids)
        return cols.facets(rows[rows >= 0])

    def _semantic(self, query: SearchQuery) -> SearchResult:
        pq = parse_query(query.q)
        if pq.empty:
            return self._keyword(query)  # nothing to embed: browse by filters
        ranked = self._semantic_ranked(pq.text(), query.filters, SEMANTIC_TOTAL, query.embed_model)
        page = ranked[query.offset:query.offset + query.limit]
        facets = self._facets_for([r for r, _ in ranked]) if query.facets else {}
        return self._result(len(ranked), self.keyword.hits([(r, s, 0) for r, s in page], pq, query.filters), facets, "semantic",
                            pq, None)

    def _hybrid(self, query: SearchQuery) -> SearchResult:
        pq = parse_query(query.q)
        if pq.empty:
            return self._keyword(query)
        pool = max(POOL, query.offset + query.limit)
        model = model_name(query.embed_model)
        lists = self.hybrid_lists(pq, query.filters, pool, model)
        kw_rows, some, chars = lists["words"], lists["some"], lists["chars"]
        some_rows = lists["some_rows"]
        fused = fuse(lists, model)
        page = fused[query.offset:query.offset + query.limit]
        tiers = {r: t for r, _, t in chars}
        tiers.update({r: t for r, _, t in some})
        tiers.update({r: t for r, _, t in kw_rows})
        hits = self.keyword.hits([(r, s, tiers.get(r, 0)) for r, s in page], pq, query.filters)
        for h, (r, _) in zip(hits, page):
            h.matched_by = MATCHED_BY.get(tiers.get(r)) or "semantic"
        # total and facets: every clause sharing a word with the query, plus what the other lists
        # add, so a facet's count is what filtering by it leaves (up to those additions)
        cols = self.keyword.columns()
        fused_rows = cols.rows_of([r for r, _ in fused])
        matched = np.union1d(some_rows, fused_rows[fused_rows >= 0])
        facets = cols.facets(matched) if query.facets else {}
        return self._result(len(matched), hits, facets, "hybrid", pq,
                            matched_of(kw_rows) if kw_rows else ("some" if fused else "none"))

    def hybrid_lists(self, pq, filters: dict, pool: int, model: str, every_list: bool = False) -> dict:
        """The ranked lists hybrid search fuses: every word (precise), any word and shared characters
        (partial or reordered wording, by BM25), meaning (the model's nearest vectors; with e5 also
        TF-IDF/SVD when its fusion weight is not 0)."""
        _, kw_rows, _ = self.keyword.search(pq, filters, 0, 0, False, pool=pool)
        some, some_rows = self.keyword.some_words(pq, filters, pool, every=True)
        p = fusion_params(model, words_regime(kw_rows))
        lists = {"words": kw_rows, "some": some, "some_rows": some_rows,
                 "chars": self.keyword.characters(pq, filters, pool) if every_list or p.get("chars") else []}
        if every_list or p.get("sem") or p.get("semrr"):
            q = self.vectors.query_vector(model, pq.text())
            lists["sem"] = self._semantic_ranked("", filters, pool, model, vector=q) if every_list or p.get("sem") else []
            if every_list or p.get("semrr"):
                lists["semrr"] = self._rerank(q, model, [lists["words"], lists["some"], lists["chars"]])
        if model != "tfidf" and (every_list or p.get("tfidf", 0)):
            lists["tfidf"] = self._semantic_ranked(pq.text(), filters, pool, "tfidf")
        return lists

    def _rerank(self, q: np.ndarray, model: str, lexical: list[list]) -> list[tuple[int, float]]:
        """The lexical lists' candidates ordered by the model's cosine to the query (``semrr``):
        meaning re-ranks sentences that share words with the query, without pulling in ones that
        share none.  Costs one dot product per candidate (at most three pools)."""
        cands = np.array(sorted({int(x[0]) for lst in lexical for x in lst}), dtype=np.int64)
        if not len(cands):
            return []
        rids, mat = self.vectors.matrix(model)
        pos = np.searchsorted(rids, cands)
        ok = (pos < len(rids)) & (rids[np.minimum(pos, len(rids) - 1)] == cands)
        cands, pos = cands[ok], pos[ok]
        scores = mat[pos] @ q
        order = np.lexsort((cands, -scores))
        return [(int(cands[i]), float(scores[i])) for i in order]

    def clause_rid(self, ref: str) -> tuple[int, str]:
        doc_ref, cid = split_clause_ref(ref)
        try:
            doc_id = self.store.resolve(doc_ref)
        except ValueError:  # a NUL byte in the reference
            doc_id = None
        if not doc_id:
            raise SearchError(f"clause '{ref}': no such document '{doc_ref}'")
        row = self.db.execute("SELECT rid FROM search_members WHERE doc_id=? AND clause_id=?", (doc_id, cid)).fetchone()
        if not row:
            raise SearchError(f"clause '{ref}': document {doc_id} has no clause {cid}")
        return row[0], doc_id

    def similar(self, clause_ref: str, limit: int = 10, filters: dict | None = None,
                embed_model: str | None = None, other_documents: bool = True) -> SearchResult:
        q = SearchQuery("", "semantic", dict(filters or {}), limit, 0, False, embed_model).check()
        self.fresh()
        with self.lock:
            rid, doc_id = self.clause_rid(clause_ref)
            vec = self.vectors.vector_of(q.embed_model, rid)
            if vec is None:
                raise SearchError(f"clause '{clause_ref}': has no embedding")
            ranked = self._semantic_ranked("", q.filters, limit + 1, q.embed_model,
                                           exclude_doc=doc_id if other_documents else None, vector=vec)
            ranked = [(r, s) for r, s in ranked if r != rid][:limit]
            return SearchResult(len(ranked), self.keyword.hits([(r, s, 0) for r, s in ranked], None), {}, "similar")

    def facets(self, filters: dict | None = None) -> dict[str, dict[str, int]]:
        SearchQuery(filters=dict(filters or {})).check()
        self.fresh()
        with self.lock:
            return self.keyword.facets({k: v for k, v in (filters or {}).items() if v not in (None, "")})

    def clause(self, ref: str) -> dict:
        rid, _ = self.clause_rid(ref)
        return self.keyword.hits([(rid, 0.0, 0)], None)[0].as_dict()


def open_search(location: str | Any, *, readonly: bool = False, sync: bool = True) -> SearchBackend:
    """A search backend for a store location (path / sqlite:/// / http(s):// for Elasticsearch) or store."""
    if not isinstance(location, str):
        if isinstance(location, SQLiteStore):
            return SQLiteSearch(location, sync=sync)
        from ..store.elasticsearch import ElasticsearchStore
        if isinstance(location, ElasticsearchStore):
            from .es_backend import ElasticsearchSearch
            return ElasticsearchSearch(location)
        raise SearchError(f"no search backend for {type(location).__name__}")
    if location.startswith(("http://", "https://")):
        from ..store.elasticsearch import ElasticsearchStore
        from .es_backend import ElasticsearchSearch
        return ElasticsearchSearch(ElasticsearchStore(location))
    path = location[len("sqlite:///"):] if location.startswith("sqlite:///") else location
    store = SearchableSQLiteStore(path, create=False, readonly=readonly)
    return SQLiteSearch(store, sync=sync)


__all__ = ["SQLiteSearch", "SearchableSQLiteStore", "open_search", "Hit"]
