"""Clause search: keyword (FTS5 over jieba tokens, trigram fallback), semantic (stored embeddings)
and hybrid (reciprocal rank fusion), with filters and facets, behind one ``SearchBackend``
interface with an SQLite and an Elasticsearch implementation.

    from zhengce.pipeline.search import open_search, SearchQuery
    s = open_search("corpus.db")
    s.search(SearchQuery("课后服务", mode="hybrid", filters={"level": "county"})).as_dict()
    s.similar("1f4e195ec8952eb0:c17")

Heavy libraries (jieba, numpy, scikit-learn, sentence-transformers, elasticsearch) load on use.
"""
from __future__ import annotations

from .base import (FACET_KEYS, MODES, Hit, SearchBackend, SearchError, SearchQuery, SearchResult, rrf,
                   split_clause_ref)


def _at_ingest() -> bool:
    import os
    return os.environ.get("ZHENGCE_EMBED_AT_INGEST", "1") not in ("0", "false", "no")


class IngestIndexer:
    """Keeps the keyword index current while ``ingest`` writes: each stored record is indexed right
    after it is written, from rows an extraction worker prepared (``keyword.prepared_rows``) or, when
    none came, from the record in hand, so no record is read back from the store and parsed again.
    A huge document is committed in rounds.  Only for an SQLite store (``for_store`` returns None
    otherwise, or with ZHENGCE_EMBED_AT_INGEST=0).  A failure turns it off with one warning: the
    index is a cache, and the ``sync`` of ``after_ingest`` (or of the first query) does the rest."""

    def __init__(self, store, pool=None):
        from ..store.sqlite import immediate
        from . import keyword as kw
        from .text import segmentation_id
        self.db, self.kw = store.db, kw
        row = self.db.execute("SELECT value FROM search_meta WHERE key='segmentation'").fetchone() \
            if kw._exists(self.db, "search_meta") else None
        if not kw.has_schema(self.db) or not row or row[0] != segmentation_id():
            with immediate(self.db):
                kw.ensure_schema(self.db)
        self.on = True
        self.pool = pool      # a callable making a process pool: a huge record's tokens are cut in parallel
        self.pending: list[tuple[dict, float | None, list]] = []
        self.pending_units = 0

    @classmethod
    def for_store(cls, store, pool=None) -> "IngestIndexer | None":
        from ..store.sqlite import SQLiteStore
        if not isinstance(store, SQLiteStore) or not _at_ingest():
            return None
        try:
            return cls(store, pool)
        except Exception:  # noqa: BLE001 - read-only or busy: the first query's sync indexes
            return None

    FLUSH_UNITS = 10_000   # small documents' rows are written together: FTS5 makes a segment per commit

    def add(self, record: dict, rows=None) -> None:
        if not self.on:
            return
        kw = self.kw
        try:
            row = self.db.execute("SELECT ingested_at FROM documents WHERE doc_id=?", (record["doc_id"],)).fetchone()
            when = row[0] if row else None
            if len(record.get("clauses") or ()) > kw.ROUNDS_FROM:
                self.flush()
                pool = self.pool() if rows is None and self.pool else None
                try:
                    if pool is not None:
                        rows = kw.prepared_rows_parallel(record, pool)
                    kw.index_record(self.db, record, when, rows, rounds=True)
                except kw.Superseded:
                    pass
                finally:
                    if pool is not None:
                        pool.shutdown(cancel_futures=True)
                return
            rows = list(kw.prepared_rows(record) if rows is None else rows)
            head = {"doc_id": record["doc_id"], "metadata": {"title": (record.get("metadata") or {}).get("title")}}
            self.pending.append((head, when, rows))
            self.pending_units += len(rows)
            if self.pending_units >= self.FLUSH_UNITS:
                self.flush()
        except Exception as e:  # noqa: BLE001 - never lose an ingest for its index
            self._off(e)

    def flush(self) -> None:
        """Write the documents added since the last flush, in one transaction."""
        from ..store.sqlite import immediate
        if not self.on or not self.pending:
            return
        try:
            with immediate(self.db):
                for head, when, rows in self.pending:
                    self.kw.index_record(self.db, head, when, rows)
        except Exception as e:  # noqa: BLE001
            self._off(e)
        self.pending.clear()
        self.pending_units = 0

    def _off(self, e: Exception) -> None:
        import sys
        self.on = False
        self.pending.clear()
        print(f"zhengce: warning: search index not updated during ingest ({type(e).__name__}: {str(e)[:200]}); "
              f"it is brought up to date after the ingest or at the first query", file=sys.stderr)


def after_ingest(store, progress=None) -> int:
    """Called by ``ingest`` once documents were written: embed the new sentence units with the
    default semantic model (multilingual-e5-small with the ``embed-zh`` extra, else TF-IDF/SVD), so
    the first semantic query builds nothing.  A progress bar goes to stderr when it is a terminal.
    Never fails the ingest (the vectors are a cache: the first query would compute what is missing).
    ZHENGCE_EMBED_AT_INGEST=0 skips it.  Returns the number of texts embedded."""
    import sys
    if not _at_ingest():
        return 0
    from ..store.sqlite import SQLiteStore
    if not isinstance(store, SQLiteStore):
        return 0
    try:
        from .sqlite_backend import SQLiteSearch
        from .semantic import default_model
        backend = SQLiteSearch(store)
        model = default_model()
        if progress is None and sys.stderr.isatty():
            progress = _stderr_bar(f"embedding sentence units ({model})")
        return backend.vectors.ensure(model, progress=progress)
    except SearchError:    # too few clauses to fit TF-IDF, a read-only store …: the query side says so
        return 0
    except Exception as e:  # noqa: BLE001 - an embedding failure must not lose an ingest
        print(f"zhengce: warning: semantic index not prepared at ingest ({type(e).__name__}: {str(e)[:200]}); "
              f"the first semantic query will prepare it", file=sys.stderr)
        return 0


def _stderr_bar(label: str):
    import sys
    import time
    t0 = time.time()

    def bar(done: int, total: int) -> None:
        rate = done / max(time.time() - t0, 1e-6)
        width = 30
        fill = int(width * done / max(total, 1))
        sys.stderr.write(f"\r{label} [{'#' * fill}{'.' * (width - fill)}] {done}/{total} {rate:.0f}/s")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return bar


def open_search(location, *, readonly: bool = False, sync: bool = True) -> SearchBackend:
    from .sqlite_backend import open_search as _open
    return _open(location, readonly=readonly, sync=sync)


__all__ = ["after_ingest", "IngestIndexer", "FACET_KEYS", "MODES", "Hit", "SearchBackend", "SearchError", "SearchQuery", "SearchResult", "open_search",
           "rrf", "split_clause_ref"]
