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

import contextlib

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
    otherwise; ZHENGCE_EMBED_AT_INGEST=0 skips the embeddings, never this index).  A failure turns it off with one warning: the
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
        if not isinstance(store, SQLiteStore) or getattr(store, "indexes_itself", False):
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

    def stream(self) -> "StreamedIndex | None":
        """A sink for the next long text's parts (``document.extract_parts``): its index is written
        while the parts are extracted, and marked indexed with the document (``settle``)."""
        return StreamedIndex(self) if self.on else None

    @staticmethod
    def warm() -> None:
        """In an extraction worker, before its first part: load what ``StreamedIndex.part_work`` needs."""
        from .keyword import unit_tokens
        unit_tokens(["政策文件"])

    def _off(self, e: Exception) -> None:
        import sys
        self.on = False
        self.pending.clear()
        print(f"zhengce: warning: search index not updated during ingest ({type(e).__name__}: {str(e)[:200]}); "
              f"it is brought up to date after the ingest or at the first query", file=sys.stderr)


class StreamedIndex:
    """The keyword index of one long text, written while its parts are extracted (a
    ``document.PartSink``): each part's sentence units are inserted as the part comes back, their
    tokens cut in the part's worker (``keyword.part_tokens``), in rounds (``keyword.IndexWriter``),
    with the document's filter tokens taken from its metadata.  The rows are in no result until
    ``mark``, called by the store inside the transaction that writes the document
    (``SQLiteStore.put(then=…)``), writes its ``search_docs`` row: the document is stored and
    indexed, or neither (a process killed before leaves rows that the rerun or the next ``sync``
    removes).  Never raises: on any failure (or when a part's items name clauses of an earlier
    part, ``PartRows.exact``) it stops, ``mark`` declines, and ``ingest`` indexes the stored record
    the usual way."""

    def __init__(self, indexer: IngestIndexer):
        from . import keyword as kw
        self.indexer, self.kw = indexer, kw
        self.part_work = kw.part_tokens
        self.writer = self.rows = self.doc_id = None
        self.tokens = ""
        self.done = self.failed = self.marked = False

    def start(self, doc) -> None:
        kw = self.kw
        try:
            self.indexer.flush()                       # small documents added before: their own transaction
            self.doc_id = doc.doc_id
            self.tokens = kw.metadata_filter_tokens(doc.metadata.model_dump(mode="json"))
            self.rows = kw.PartRows(doc.text, [s.model_dump(mode="json") for s in doc.sections])
            self.writer = kw.IndexWriter(self.indexer.db, doc.doc_id, self.tokens, rounds=True)
        except Exception as e:  # noqa: BLE001
            self.fail(e)

    def part(self, items: dict) -> None:
        if self.failed:
            return
        try:
            self.writer.add(self.rows.add(items, items.get("work")))
        except Exception as e:  # noqa: BLE001
            self.fail(e)

    def end(self) -> None:
        if self.failed:
            return
        try:
            self.writer.add(self.rows.close())
            self.writer.write_rest()
            self.done = True
        except Exception as e:  # noqa: BLE001
            self.fail(e)

    def fail(self, e: Exception | None = None) -> None:
        """Stop, removing what was written (a ``Superseded`` writer leaves the rows to the one that took over)."""
        self.failed, self.part_work = True, None
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.abort() if isinstance(e, self.kw.Superseded) else self.writer.drop()

    def mark(self, ingested_at: float) -> None:
        """Inside the store's transaction, once the document's row is written: mark the streamed
        index as the document's, if it is whole and was cut with the stored row's filter tokens and
        title (else leave it: ``settle`` indexes the record)."""
        if not self.done or self.failed:
            return
        db, kw = self.indexer.db, self.kw
        row = db.execute("SELECT title FROM documents WHERE doc_id=?", (self.doc_id,)).fetchone()
        if not row or not self.rows.exact or kw.document_filter_tokens(db, self.doc_id) != self.tokens:
            return
        db.execute("SAVEPOINT mark_indexed")
        try:
            self.marked = self.writer.mark(ingested_at, row[0])
        except Exception:  # noqa: BLE001 - the document is stored all the same; settle indexes it
            db.execute("ROLLBACK TO mark_indexed")
            self.marked = False
        db.execute("RELEASE mark_indexed")

    def settle(self, record: dict | None, rows=None) -> None:
        """After the store wrote ``record`` (None: it was not stored): index it the usual way unless
        the streamed index was marked as its own; without a record, remove what was streamed."""
        if self.marked:
            return
        if not self.failed:
            self.fail()
        if record is not None:
            self.indexer.add(record, rows)


def after_ingest(store, progress=None, workers: int | None = None) -> int:
    """Called by ``ingest`` once documents were written: embed the new sentence units with the
    default semantic model (multilingual-e5-small with the ``embed-zh`` extra, else TF-IDF/SVD), so
    the first semantic query builds nothing.  ``workers`` texts batches are embedded at once
    (threads: e5's engine releases the GIL); None takes ``ZHENGCE_EMBED_WORKERS``, else the
    ``--workers`` the CLI exported for the loaders (``ZHENGCE_OCR_WORKERS``), else 1.  Progress goes
    to ``progress(done, total)``, else to stderr as ``pipeline/load/progress.py`` shows OCR pages
    (the CLI's hook, or a line on a terminal; ``ZHENGCE_PROGRESS=0`` silences it, ``=1`` forces it).
    Never fails the ingest (the vectors are a cache: the first query would compute what is missing).
    ZHENGCE_EMBED_AT_INGEST=0 skips it.  Returns the number of texts embedded."""
    import sys
    if not _at_ingest():
        return 0
    from ..store.sqlite import SQLiteStore
    if not isinstance(store, SQLiteStore):
        return 0
    bar = None
    try:
        from .sqlite_backend import SQLiteSearch
        from .semantic import default_model
        backend = SQLiteSearch(store)
        model = default_model()
        if progress is None:
            progress = bar = embed_progress(f"sentence units ({model})")
        return backend.vectors.ensure(model, progress=progress, workers=embed_workers(workers))
    except SearchError:    # too few clauses to fit TF-IDF, a read-only store …: the query side says so
        return 0
    except Exception as e:  # noqa: BLE001 - an embedding failure must not lose an ingest
        print(f"zhengce: warning: semantic index not prepared at ingest ({type(e).__name__}: {str(e)[:200]}); "
              f"the first semantic query will prepare it", file=sys.stderr)
        return 0
    finally:
        if bar is not None:
            bar.close()


def embed_workers(workers: int | None = None) -> int:
    """How many batches ``after_ingest`` embeds at once (see there)."""
    import os
    if workers:
        return max(1, int(workers))
    for var in ("ZHENGCE_EMBED_WORKERS", "ZHENGCE_OCR_WORKERS"):
        v = (os.environ.get(var) or "").strip()
        if v.isdigit() and int(v) > 0:
            return int(v)
    return 1


def embed_progress(label: str):
    """``progress(done, total)`` for embedding, shown the way ``pipeline/load/progress.py`` shows OCR
    pages (a ``Pages`` whose unit is texts, not pages): to the hook a command installed
    (``set_hook``: ``ingest``'s rich bar), else one line on a terminal rewritten in place (cleared by
    ``close()``), else — with ``ZHENGCE_PROGRESS=1`` — a line at most every ``every`` seconds;
    nothing with ``ZHENGCE_PROGRESS=0``."""
    import time

    from ..load.progress import MIN_PAGES, Pages

    class _Texts(Pages):
        every = 10.0

        def __init__(self):
            super().__init__(f"embedding {label}", MIN_PAGES, what="embedding")
            self.t0, self.last = time.monotonic(), 0.0

        def __call__(self, done: int, total: int) -> None:
            if self.hook is not None:
                self.hook(self.source, done, total)
                return
            now = time.monotonic()
            if self.mode is None or (self.mode == "lines" and done < total and now - self.last < self.every):
                return
            self.last = now
            rate = done / max(now - self.t0, 1e-6)
            self.show(f"zhengce: {self.source}: {done}/{total} ({rate:.0f}/s, {(total - done) / max(rate, 1e-6):.0f} s left)")
    return _Texts()


def open_search(location, *, readonly: bool = False, sync: bool = True) -> SearchBackend:
    from .sqlite_backend import open_search as _open
    return _open(location, readonly=readonly, sync=sync)


__all__ = ["after_ingest", "embed_workers", "embed_progress", "IngestIndexer", "StreamedIndex", "FACET_KEYS", "MODES", "Hit", "SearchBackend", "SearchError", "SearchQuery", "SearchResult", "open_search",
           "rrf", "split_clause_ref"]
