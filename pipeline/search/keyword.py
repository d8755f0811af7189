"""Keyword search on SQLite FTS5: the tables, their maintenance, and the query.

Tables (all prefixed ``search_``, created next to the store's own tables, never touching them):

* ``search_clauses`` – one row per clause with a stable integer ``rid``, its heading chain, kind,
  ``text_hash`` (the key of the embedding cache) and ``has_target``;
* ``search_units`` / ``search_indicators`` – the responsible units and target indicators of each
  clause (the ``unit`` / ``indicator`` filters and facets);
* ``search_fts`` – FTS5 over jieba search-mode tokens (columns body, heading), BM25 ranked;
* ``search_tri`` – FTS5 ``trigram`` over the folded clause text: the fallback that finds
  out-of-vocabulary names and partial words (``城市体``) that segmentation misses;
* ``search_grams`` – FTS5 over character unigrams and bigrams (``text.char_grams``): the hybrid's
  character list, BM25 over shared characters (轮岗交流 ~ 交流轮岗);
* ``search_terms`` – the term ids of each ``search_fts`` row (``bm25.py``: BM25 without FTS5's
  posting-list pass);
* ``search_docs`` – which version (``ingested_at``) of each document is indexed, so ``sync``
  re-indexes exactly what changed whoever wrote the store;
* ``search_meta`` – ``generation``, bumped on every change (semantic models use it).

A query's items are ANDed.  A term matches a clause when each of its jieba words occurs (as a
word, or as all the dictionary words inside it); a quoted phrase must also occur literally.
Clauses found only by the substring fallback rank after every word match.
"""
from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from typing import Any, Iterable, Iterator

import numpy as np

from . import bm25
from .base import Hit, truthy, year_range
from .columns import ClauseColumns, columns
from ..store.textunits import KIND_PRIORITY, UnitRows, clause_rows, text_hash  # noqa: F401 - re-exported (tests, ingest)
from .text import (STOP_WORDS, ParsedQuery, char_grams, content_words, dropped_words, fold, fts_quote, highlight, parse_query,
                   segmented, sub_tokens, synonym_groups, tokens, words)
from ..store.sqlite import immediate, process_alive

SEARCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (doc_id TEXT PRIMARY KEY, ingested_at REAL, title TEXT);
CREATE TABLE IF NOT EXISTS search_clauses (
  rid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, clause_id TEXT NOT NULL, section_id TEXT, kind TEXT,
  heading TEXT, text TEXT, text_hash TEXT, has_target INTEGER, ord INTEGER, kinds TEXT, members TEXT
);
CREATE TABLE IF NOT EXISTS search_members (doc_id TEXT, clause_id TEXT, rid INTEGER, PRIMARY KEY (doc_id, clause_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_sc_doc ON search_clauses(doc_id, clause_id);
CREATE INDEX IF NOT EXISTS ix_sc_hash ON search_clauses(text_hash);
CREATE INDEX IF NOT EXISTS ix_sc_kind ON search_clauses(kind);
CREATE TABLE IF NOT EXISTS search_units (rid INTEGER, unit TEXT);
CREATE INDEX IF NOT EXISTS ix_su_rid ON search_units(rid);
CREATE INDEX IF NOT EXISTS ix_su_unit ON search_units(unit);
CREATE TABLE IF NOT EXISTS search_indicators (rid INTEGER, indicator TEXT);
CREATE INDEX IF NOT EXISTS ix_si_rid ON search_indicators(rid);
CREATE INDEX IF NOT EXISTS ix_si_ind ON search_indicators(indicator);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(body, heading, facets, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS search_tri USING fts5(body, tokenize='trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS search_grams USING fts5(body, facets, tokenize='unicode61 remove_diacritics 0');
CREATE TABLE IF NOT EXISTS search_terms (rid INTEGER PRIMARY KEY, body BLOB, heading BLOB, facets INTEGER);
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS search_vectors (model TEXT, text_hash TEXT, vec BLOB, PRIMARY KEY (model, text_hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_models (name TEXT PRIMARY KEY, meta TEXT, blob BLOB)
"""

# BM25 column weights.  A heading is shared by every clause under it, so a word found only there is
# weaker evidence than one in the clause: measured on the relevance set, 0.5 beats 1 and 2.
W_BODY, W_HEADING = 1.0, 0.5
BM25_WEIGHTS = f", {W_BODY}, {W_HEADING}, 0.0"   # body, heading, facets (filter tokens score nothing)
TITLE_BOOST = 0.5                  # score × (1 + 0.5 × items found in the document title)
MATCHED_BY = {0: "words", 1: "substring", 2: "some words", 3: "characters", 4: "synonyms"}
# the order tiers rank in: every word, then every word with synonyms (4), then substring, some words
TIER_ORDER = np.array([0, 2, 3, 4, 1], dtype=np.int8)
# Synonym expansions (lexicon/search_synonyms.tsv) are matched only when the words as typed find
# fewer clauses than this, and rank after them: a broader word must not push out an exact match.
SYNONYMS_WHEN_FEWER = 20


# (search_fts_v / search_grams_v: fts5vocab views of format-2 indexes, dropped with them)
INDEX_TABLES = ("search_fts_v", "search_grams_v", "search_fts", "search_tri", "search_grams", "search_terms", "search_units",
                "search_members",
                "search_indicators", "search_clauses", "search_docs")


def ensure_schema(db) -> None:
    """Create the search tables; an index cut with another segmentation or in an older format is
    dropped first (the next sync rebuilds it; cached vectors and models are kept: they are keyed by
    text, not by row)."""
    from .text import segmentation_id
    current = segmentation_id()
    db.execute("CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT)")
    row = db.execute("SELECT value FROM search_meta WHERE key='segmentation'").fetchone()
    if (row and row[0] != current) or (not row and has_schema(db)):
        for t in INDEX_TABLES:
            db.execute(f"DROP TABLE IF EXISTS {t}")
        if _exists(db, "search_models"):
            db.execute("DELETE FROM search_models WHERE name='columns'")
        bump_generation(db)
    for stmt in SEARCH_SCHEMA.strip().split(";"):
        if stmt.strip():
            db.execute(stmt)
    db.execute("INSERT OR REPLACE INTO search_meta VALUES ('segmentation', ?)", (current,))
    tune_fts(db)


def _exists(db, table: str) -> bool:
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (table,)).fetchone())


def has_schema(db) -> bool:
    return _exists(db, "search_clauses")


def generation(db) -> int:
    row = db.execute("SELECT value FROM search_meta WHERE key='generation'").fetchone()
    return int(row[0]) if row else 0


def bump_generation(db) -> None:
    db.execute("INSERT INTO search_meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE "
               "SET value = CAST(value AS INTEGER) + 1")


# --- maintenance ----------------------------------------------------------------------------

def prepared_rows(rec: dict) -> Iterator[tuple]:
    """What the index stores of each sentence unit of a record, computed from the record alone
    (no database): jieba tokens, term ids, folded text and character grams.  Pure and picklable, so
    an extraction worker can compute it next to the record (``ingest``) and the writer only inserts.
    One tuple per unit, in order: (clause_id, section_id, kind, heading, text, text_hash, has_target,
    ord, kinds, members, clause_ids, units, indicators, body, body_ids, heading_seg, heading_ids,
    folded, grams)."""
    return prepared_rows_parallel(rec, _InProcess())


class _InProcess:
    """A pool that runs each task at once, in this process (``prepared_rows`` without workers)."""

    def submit(self, fn, *args):
        from concurrent.futures import Future
        fut: Future = Future()
        fut.set_result(fn(*args))
        return fut


def unit_tokens(texts: list[str]) -> list[tuple[str, bytes, str, str]]:
    """(segmented body, its term ids, folded text, character grams) of each unit text: the costly
    part of ``prepared_rows``, run in worker processes for a huge record (``prepared_rows_parallel``)."""
    out = []
    for text in texts:
        body = segmented(text)
        out.append((body, bm25.encode(body), fold(text), " ".join(char_grams(text))))
    return out


def heading_tokens(heading: str) -> tuple[str, bytes]:
    seg = segmented(heading)
    return seg, bm25.encode(seg)


def _prepared(row: dict, toks: tuple, heading: tuple[str, bytes]) -> tuple:
    """A ``clause_rows`` row with its unit's and heading's tokens: one ``prepared_rows`` tuple."""
    body, body_ids, folded, grams = toks
    return (row["clause_id"], row["section_id"], row["kind"], row["heading"], row["text"], row["text_hash"],
            row["has_target"], row["ord"], row["kinds"], row["members"], row["clause_ids"], row["units"],
            row["indicators"], body, body_ids, heading[0], heading[1], folded, grams)


def prepared_rows_parallel(rec: dict, pool, batch: int = 1000) -> Iterator[tuple]:
    """``prepared_rows`` of a huge record with the tokenising spread over a process pool (a few
    batches in flight, results in order), while the caller writes what is ready: the same rows."""
    from collections import deque
    from itertools import islice
    rows = clause_rows(rec)
    window: deque = deque()
    headings: dict[str, tuple[str, bytes]] = {}

    def submit() -> bool:
        part = list(islice(rows, batch))
        if part:
            window.append((part, pool.submit(unit_tokens, [r["text"] for r in part])))
        return bool(part)
    for _ in range(4):
        if not submit():
            break
    while window:
        part, fut = window.popleft()
        toks = fut.result()
        submit()
        for row, t in zip(part, toks):
            if row["heading"] not in headings:
                headings[row["heading"]] = heading_tokens(row["heading"])
            yield _prepared(row, t, headings[row["heading"]])


def part_tokens(part: dict) -> tuple[dict, dict]:
    """Worker: the tokens of the units of one part of a long text ({"text", "sections", "clauses",
    "targets", "responsibilities"}, spans in the part's text), keyed by the unit's text, and of their
    headings (``unit_tokens``, ``heading_tokens``).  The writer, cutting the same units from the
    joined parts (``PartRows``), looks its units up here: tokens depend on the text alone."""
    rows = list(clause_rows(part))
    texts = list(dict.fromkeys(r["text"] for r in rows))
    return (dict(zip(texts, unit_tokens(texts))),
            {h: heading_tokens(h) for h in dict.fromkeys(r["heading"] for r in rows)})


class PartRows:
    """``prepared_rows`` of a long text whose parts arrive one by one (``document.extract_parts``),
    with the tokens the part's worker cut (``part_tokens``).  A part's last unit is complete only
    once the next part begins, so its tokens are looked up in the part before too; a unit or
    heading found in neither (one that runs across a cut) is tokenised here.  ``exact``: see
    ``UnitRows``."""

    def __init__(self, text: str, sections: Iterable[dict]):
        self.units = UnitRows(text, sections)
        self.headings: dict[str, tuple[str, bytes]] = {}
        self.before: dict[str, tuple] = {}      # the previous part's unit tokens

    @property
    def exact(self) -> bool:
        return self.units.exact

    def add(self, part: dict, tokens: tuple[dict, dict] | None = None) -> Iterator[tuple]:
        units, heads = tokens or ({}, {})
        self.headings.update(heads)
        rows = self.units.add(part["clauses"], part.get("targets", ()), part.get("responsibilities", ()))
        yield from self._prepared(rows, units)
        self.before = units

    def close(self) -> Iterator[tuple]:
        return self._prepared(self.units.close(), {})

    def _prepared(self, rows: Iterable[dict], units: dict[str, tuple]) -> Iterator[tuple]:
        for row in rows:
            text = row["text"]
            toks = units.get(text) or self.before.get(text) or unit_tokens([text])[0]
            if row["heading"] not in self.headings:
                self.headings[row["heading"]] = heading_tokens(row["heading"])
            yield _prepared(row, toks, self.headings[row["heading"]])


WRITE_BATCH = 2000        # units per executemany batch
ROUND_UNITS = 20_000      # units per transaction of a huge document (index_record with rounds)
ROUNDS_FROM = 20_000      # a document with more units than this is committed in rounds (see index_record)
# FTS5 keeps a transaction's new postings in memory up to this many bytes before writing a segment
# (its default is 1 MB): fewer, larger segments and less merging; a bulk load's FTS5 inserts ~30 %
# faster (measured on 100,000 units).  Persistent per table; the memory is the writer's, per table.
FTS_HASHSIZE = 16 << 20
FTS_TABLES = ("search_fts", "search_tri", "search_grams")


def tune_fts(db) -> None:
    """Set ``FTS_HASHSIZE`` on the FTS5 tables that lack it (inside the caller's transaction).  An
    SQLite whose FTS5 does not know the option keeps its default."""
    for t in FTS_TABLES:
        try:
            row = db.execute(f"SELECT v FROM {t}_config WHERE k='hashsize'").fetchone()
            if not row or row[0] != FTS_HASHSIZE:
                db.execute(f"INSERT INTO {t}({t}, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,))
        except sqlite3.OperationalError:
            pass


class Superseded(Exception):
    """Another writer started indexing the same document while this one committed it in rounds."""


def claim_key(doc_id: str) -> str:
    return f"indexing:{doc_id}"


class IndexWriter:
    """Writes one document's index rows: inside the caller's transaction, or with ``rounds`` in
    transactions of its own, committed every ``ROUND_UNITS`` units, so a huge document never puts
    its whole index in one transaction (the write-ahead log would hold all of it, and SQLite
    re-reads spilled pages from it: the time per unit grew with the document).

    With rounds, the start drops what the index holds of the document (an older version, or what an
    interrupted run left) and claims it in ``search_meta``; the ``search_docs`` row that marks it
    indexed is written last (``mark``), and until then its rows are in no search result
    (``columns.ClauseColumns`` holds the rows of indexed documents only).  A second writer of the
    same document takes the claim over and this one stops (``Superseded``) instead of interleaving
    rows; a claim whose process is gone is cleaned up by the next ``sync``."""

    def __init__(self, db, doc_id: str, doc_tokens: str | None = None, rounds: bool = False):
        import os
        self.db, self.doc_id, self.rounds = db, doc_id, rounds
        self.claim = f"{os.getpid()}:{time.time()}"
        self.n = 0
        self.batch: list[tuple] = []
        self.in_round: int | None = None      # units written in the open round's transaction
        if rounds:
            with immediate(db):
                delete_doc(db, doc_id, bump=False)
                db.execute("INSERT OR REPLACE INTO search_meta VALUES (?,?)", (claim_key(doc_id), self.claim))
                tune_fts(db)
        else:
            delete_doc(db, doc_id, bump=False)
        self.doc_tokens = document_filter_tokens(db, doc_id) if doc_tokens is None else doc_tokens

    def add(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.batch.append(row)
            if len(self.batch) >= WRITE_BATCH:
                if self.rounds and self.in_round is None:
                    self._begin_round()
                self.in_round = (self.in_round or 0) + len(self.batch)
                self._flush()
                if self.rounds and self.in_round >= ROUND_UNITS:   # FTS5 writes a segment per commit: not too many
                    self.db.execute("COMMIT")
                    self.in_round = None

    def finish(self, ingested_at: float | None, title: str | None) -> None:
        """The last rows and the ``search_docs`` row, in one transaction (with rounds, the last one)."""
        self._last_rows(then=lambda: self.mark(ingested_at, title, check=False))

    def write_rest(self) -> None:
        """With rounds: the last rows, committed, the document not yet marked indexed (``mark``)."""
        assert self.rounds, "write_rest is for a writer with rounds"
        self._last_rows()

    def _last_rows(self, then=None) -> None:
        """Flush what is batched (in the open round, or one begun for it), run ``then`` inside the
        same transaction, and commit it."""
        if self.rounds and self.in_round is None:
            self._begin_round()
        self._flush()
        if then is not None:
            then()
        if self.rounds:
            self.db.execute("COMMIT")
            self.in_round = None

    def mark(self, ingested_at: float | None, title: str | None, check: bool = True) -> bool:
        """Mark the document indexed (its ``search_docs`` row, the claim dropped), inside the caller's
        transaction; with ``check``, only if the claim is still this writer's (False if not)."""
        db = self.db
        if check and self.rounds and not self._claimed():
            return False
        db.execute("INSERT OR REPLACE INTO search_docs VALUES (?,?,?)", (self.doc_id, ingested_at, fold(title or "")))
        db.execute("DELETE FROM search_meta WHERE key=?", (claim_key(self.doc_id),))
        bump_generation(db)
        return True

    def abort(self) -> None:
        """Stop: an open round rolled back (what earlier rounds wrote stays until the document is
        indexed again, or dropped with ``drop``)."""
        if self.rounds and self.in_round is not None:
            self.db.execute("ROLLBACK")
            self.in_round = None

    def drop(self) -> None:
        """Abort and remove what this writer committed (with its claim), if the claim is still its own."""
        self.abort()
        with immediate(self.db):
            if self._claimed():
                delete_doc(self.db, self.doc_id, bump=False)
                self.db.execute("DELETE FROM search_meta WHERE key=?", (claim_key(self.doc_id),))

    def _claimed(self) -> bool:
        row = self.db.execute("SELECT value FROM search_meta WHERE key=?", (claim_key(self.doc_id),)).fetchone()
        return bool(row) and row[0] == self.claim

    def _begin_round(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        if not self._claimed():
            self.db.execute("ROLLBACK")
            raise Superseded(self.doc_id)
        self.in_round = 0

    def _flush(self) -> None:
        db, doc_id, batch = self.db, self.doc_id, self.batch
        if not batch:
            return
        first = db.execute("SELECT COALESCE(MAX(rid), 0) + 1 FROM search_clauses").fetchone()[0]
        rids = range(first, first + len(batch))
        db.executemany("INSERT INTO search_clauses (rid, doc_id, clause_id, section_id, kind, heading, text, text_hash, "
                       "has_target, ord, kinds, members) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       [(rid, doc_id, *r[:10]) for rid, r in zip(rids, batch)])
        db.executemany("INSERT OR REPLACE INTO search_members VALUES (?,?,?)",
                       [(doc_id, cid, rid) for rid, r in zip(rids, batch) for cid in r[10]])
        facets = [clause_filter_tokens(self.doc_tokens, r[8], r[6]) for r in batch]
        db.executemany("INSERT INTO search_fts (rowid, body, heading, facets) VALUES (?,?,?,?)",
                       [(rid, r[13], r[15], f) for rid, r, f in zip(rids, batch, facets)])
        db.executemany("INSERT INTO search_terms VALUES (?,?,?,?)",
                       [(rid, r[14], r[16], len(bm25.fts_tokens(f))) for rid, r, f in zip(rids, batch, facets)])
        db.executemany("INSERT INTO search_tri (rowid, body) VALUES (?,?)", [(rid, r[17]) for rid, r in zip(rids, batch)])
        db.executemany("INSERT INTO search_grams (rowid, body, facets) VALUES (?,?,?)",
                       [(rid, r[18], f) for rid, r, f in zip(rids, batch, facets)])
        db.executemany("INSERT INTO search_units VALUES (?,?)", [(rid, u) for rid, r in zip(rids, batch) for u in r[11]])
        db.executemany("INSERT INTO search_indicators VALUES (?,?)",
                       [(rid, x) for rid, r in zip(rids, batch) for x in r[12]])
        self.n += len(batch)
        batch.clear()


def index_record(db, rec: dict, ingested_at: float | None = None, rows: Iterable[tuple] | None = None,
                 rounds: bool = False) -> int:
    """Add one record's sentence units (``rows``: its ``prepared_rows``, computed here when not given).

    Called inside the writer's transaction; with ``rounds`` outside one, committing in rounds
    (``IndexWriter``).  Indexing a document drops any claim on it, so a writer indexing it in
    rounds meanwhile stops instead of adding its rows to these.  Returns the units indexed."""
    w = IndexWriter(db, rec["doc_id"], rounds=rounds)
    if not rounds:
        db.execute("DELETE FROM search_meta WHERE key=?", (claim_key(rec["doc_id"]),))
    try:
        w.add(prepared_rows(rec) if rows is None else rows)
        w.finish(ingested_at, (rec.get("metadata") or {}).get("title"))
    except BaseException:
        w.abort()
        raise
    return w.n


def delete_doc(db, doc_id: str, bump: bool = True) -> None:
    rids = [r[0] for r in db.execute("SELECT rid FROM search_clauses WHERE doc_id=?", (doc_id,))]
    if rids:
        for chunk in range(0, len(rids), 500):
            part = rids[chunk:chunk + 500]
            marks = ",".join("?" * len(part))
            for t, col in (("search_fts", "rowid"), ("search_tri", "rowid"), ("search_grams", "rowid"),
                           ("search_terms", "rid"), ("search_units", "rid"),
                           ("search_indicators", "rid"), ("search_clauses", "rid")):
                db.execute(f"DELETE FROM {t} WHERE {col} IN ({marks})", part)
    db.execute("DELETE FROM search_docs WHERE doc_id=?", (doc_id,))
    db.execute("DELETE FROM search_members WHERE doc_id=?", (doc_id,))
    if bump and rids:
        bump_generation(db)


def stale(db) -> tuple[list[str], list[str]]:
    """(doc_ids to drop from the index, doc_ids to (re)index) to match the store's documents."""
    indexed = dict(db.execute("SELECT doc_id, ingested_at FROM search_docs").fetchall())
    current = dict(db.execute("SELECT doc_id, ingested_at FROM documents").fetchall())
    drop = [d for d, t in indexed.items() if d not in current or current[d] != t]
    add = [d for d, t in current.items() if d not in indexed or indexed[d] != t]
    return drop, add


def drop_stale_claims(db) -> int:
    """Remove what writers that died while indexing a document in rounds left (their claims, and
    the rows of documents not marked indexed): those rows are in no result, but in the index's
    statistics.  Inside the caller's transaction; how many claims."""
    import os
    n = 0
    for key, value in db.execute("SELECT key, value FROM search_meta WHERE key LIKE 'indexing:%'").fetchall():
        pid = value.split(":", 1)[0]
        if pid.isdigit() and (int(pid) == os.getpid() or process_alive(int(pid))):
            continue
        doc_id = key.split(":", 1)[1]
        if not db.execute("SELECT 1 FROM search_docs WHERE doc_id=?", (doc_id,)).fetchone():
            delete_doc(db, doc_id)
        db.execute("DELETE FROM search_meta WHERE key=?", (key,))
        n += 1
    return n


def sync(db, get_record, progress=None) -> int:
    """Re-index what changed in the store since the last sync: each document whole in one transaction
    (a few small ones share one), a huge one in rounds (``index_record``)."""
    if db.execute("SELECT 1 FROM search_meta WHERE key LIKE 'indexing:%' LIMIT 1").fetchone():
        with immediate(db):
            drop_stale_claims(db)
    drop, add = stale(db)
    if not drop and not add:
        return 0
    with immediate(db):
        for d in drop:
            delete_doc(db, d)
    times, sizes = {}, {}
    for d, t, n in db.execute("SELECT doc_id, ingested_at, n_clauses FROM documents"):
        times[d], sizes[d] = t, n or 0
    pending, pending_size = [], 0     # small documents share a transaction, up to WRITE_BATCH clauses
    for i, d in enumerate(add):
        if sizes.get(d, 0) > ROUNDS_FROM:
            rec = get_record(d)
            if rec:
                with contextlib.suppress(Superseded):     # another writer indexes it
                    index_record(db, rec, times.get(d), rounds=True)
            del rec
        else:
            pending.append(d)
            pending_size += sizes.get(d, 0)
        if pending and (pending_size >= WRITE_BATCH or i == len(add) - 1):
            with immediate(db):
                for x in pending:
                    rec = get_record(x)
                    if rec:
                        index_record(db, rec, times.get(x))
            pending.clear()
            pending_size = 0
        if progress:
            progress(i + 1, len(add))
    return len(add)


# --- filters --------------------------------------------------------------------------------

# The exact-valued filters are also indexed as tokens in a zero-weight ``facets`` column, so FTS5
# intersects them with the words and scores only the clauses that pass ("河长制" has 24,000 matches
# in a million clauses, 800 of them in one province; BM25 costs ~3 µs a row in FTS5).  The numpy
# columns still apply every filter exactly afterwards: the tokens only narrow what FTS5 reads.
TOKEN_FILTERS = {"level": ("zlv",), "province": ("zpv",), "city": ("zct",), "county": ("zco",),
                 "doc_type": ("zdt",), "region": ("zpv", "zct", "zco", "zrc")}
_NON_WORD = re.compile(r"\W+")


def filter_token(prefix: str, value: Any) -> str:
    return prefix + _NON_WORD.sub("", fold(str(value)))


def document_filter_tokens(db, doc_id: str) -> str:
    """The filter tokens of a stored document (from its documents row)."""
    from ..store.sqlite import FILTER_COLUMNS
    row = db.execute(f"SELECT {', '.join(FILTER_COLUMNS)} FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
    return filter_tokens_of(row) if row else ""


def metadata_filter_tokens(metadata: dict) -> str:
    """``document_filter_tokens`` of a document not stored yet, from its record's metadata."""
    from ..store.sqlite import filter_values
    return filter_tokens_of(filter_values(metadata))


def filter_tokens_of(values) -> str:
    return " ".join(filter_token(p, v) for p, v in zip(("zlv", "zpv", "zct", "zco", "zrc", "zyr", "zdt"), values)
                    if v not in (None, ""))


def clause_filter_tokens(doc_tokens: str, kinds: str | None, has_target: int) -> str:
    """The filter tokens of a row: its document's, one per kind of its clauses, has_target."""
    ks = " ".join(filter_token("zk", k) for k in (kinds or "other").split(",") if k)
    return f"{doc_tokens} {ks} zt{int(bool(has_target))}".strip()


def year_span(filters: dict[str, Any]) -> tuple[int, int]:
    """The inclusive year range of the year, year_from and year_to filters together."""
    lo, hi = 0, 9999
    if "year" in filters:
        lo, hi = year_range(filters["year"])
    return max(lo, int(filters.get("year_from") or 0)), min(hi, int(filters.get("year_to") or 9999))


def token_filter_groups(filters: dict[str, Any]) -> list[dict[str, Any]]:
    """The filters that have tokens, one group per token expression (the year keys together)."""
    groups = [{k: filters[k]} for k in (*TOKEN_FILTERS, "kind") if filters.get(k) not in (None, "")]
    if "has_target" in filters:
        groups.append({"has_target": filters["has_target"]})
    years = {k: filters[k] for k in ("year", "year_from", "year_to") if k in filters}
    if years:
        groups.append(years)
    return groups


def group_years(group: dict[str, Any], years: list[int]) -> list[int] | None:
    """For the year group, the indexed years it spans (None for any other group)."""
    if not any(k in group for k in ("year", "year_from", "year_to")):
        return None
    lo, hi = year_span(group)
    return [y for y in years if lo <= y <= hi]


def filter_match(filters: dict[str, Any], years: list[int]) -> str | None:
    """The FTS5 expression on the ``facets`` column for the filters that have tokens (None if none).
    ``years``: the years present in the index (a year range becomes those of its years)."""
    parts = []
    for group in token_filter_groups(filters):
        (key, value), inside = next(iter(group.items())), group_years(group, years)
        if inside is not None:
            if not inside:
                return fts_quote("zyrnone")           # no indexed year in range: nothing matches
            parts.append("(" + " OR ".join(fts_quote(f"zyr{y}") for y in inside) + ")")
        elif key == "kind":
            kinds = [k.strip() for k in str(value).split(",") if k.strip()]
            parts.append("(" + " OR ".join(fts_quote(filter_token("zk", k)) for k in kinds) + ")")
        elif key == "has_target":
            parts.append(fts_quote(f"zt{int(truthy(value))}"))
        else:
            parts.append("(" + " OR ".join(fts_quote(filter_token(p, value)) for p in TOKEN_FILTERS[key]) + ")")
    return "facets : (" + " AND ".join(parts) + ")" if parts else None


CLAUSE_LEVEL = ("kind", "unit", "indicator", "has_target")


def filter_sql(store, filters: dict[str, Any]) -> tuple[str, list]:
    """SQL conditions on ``sc`` (search_clauses) and ``d`` (documents) for every filter key."""
    doc_filters = {k: v for k, v in filters.items() if k not in CLAUSE_LEVEL}
    if "year" in doc_filters:
        lo, hi = year_range(doc_filters.pop("year"))
        doc_filters["year_from"], doc_filters["year_to"] = max(lo, int(doc_filters.get("year_from") or 0)), \
            min(hi, int(doc_filters.get("year_to") or 9999))
    where, args = store.doc_where(doc_filters, "d")
    conds, args = [where], list(args)
    if filters.get("kind"):
        kinds = [k.strip() for k in str(filters["kind"]).split(",") if k.strip()]
        conds.append("(" + " OR ".join("(',' || coalesce(sc.kinds, sc.kind) || ',') LIKE ?" for _ in kinds) + ")")
        args += [f"%,{k},%" for k in kinds]
    if filters.get("unit"):
        conds.append("sc.rid IN (SELECT rid FROM search_units WHERE unit LIKE ? ESCAPE '\\')")
        args.append(f"%{_like(filters['unit'])}%")
    if filters.get("indicator"):
        conds.append("sc.rid IN (SELECT rid FROM search_indicators WHERE indicator LIKE ? ESCAPE '\\')")
        args.append(f"%{_like(filters['indicator'])}%")
    if "has_target" in filters:
        conds.append("sc.has_target = ?")
        args.append(int(truthy(filters["has_target"])))
    return " AND ".join(conds), args


def _like(s: Any) -> str:
    return str(s).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- the query ------------------------------------------------------------------------------

def word_expr(w: str) -> str:
    subs = sub_tokens(w)
    if not subs:
        return fts_quote(w)
    return "(" + fts_quote(w) + " OR (" + " AND ".join(fts_quote(s) for s in subs) + "))"


def match_expressions(pq: ParsedQuery, synonyms: bool = False) -> tuple[str | None, str | None, list[str], list[str]]:
    """(jieba MATCH or None, trigram MATCH or None, phrases a word hit must contain literally,
    items too short for trigrams that a substring hit must contain)."""
    parts, tri_parts, literal, short = [], [], [], []
    for it in pq.items:
        groups = [[it.text]] if it.phrase else (synonym_groups(it.text) if synonyms else
                                                [[w] for w in content_words(it.text)])
        exprs = []
        for alts in groups:
            ors = []
            for alt in alts:
                ws = content_words(alt)
                if ws:
                    ors.append("(" + " AND ".join(word_expr(w) for w in ws) + ")")
            if ors:
                exprs.append(ors[0] if len(ors) == 1 else "(" + " OR ".join(ors) + ")")
        if exprs:
            parts.append("(" + " AND ".join(exprs) + ")")
        if it.phrase:
            literal.append(it.text)
        if len(it.text) >= 3:
            tri_parts.append(fts_quote(it.text))
        else:
            short.append(it.text)
    kw = "{body heading} : (" + " AND ".join(parts) + ")" if parts and len(parts) == len(pq.items) else None
    tri = " AND ".join(tri_parts) if tri_parts else None
    return kw, tri, literal, short


# Any-word lists (FTS5 OR queries) cost about the postings of their terms: FTS5 merges ~0.5 M postings
# a second here and has no WAND-style skipping.  So each list keeps the query's rarest terms while
# their postings add up to a budget (at least the rarest one): the common terms add least to BM25.
# On the relevance set budgets from 2,000 to 100,000 give the same hybrid figures.
GRAM_POSTINGS_BUDGET = 5_000    # characters list
WORD_POSTINGS_BUDGET = 5_000    # some-words list
MIN_GRAMS, MIN_WORDS = 1, 1
# Substring-only (trigram) matches rank after every word match; they are looked for only when the
# words find few clauses (a long list of word matches is never read down to them).
SUBSTRING_WHEN_FEWER = 50
# Hybrid's extra lists are dropped for a query whose rarest term is in more clauses than this (they
# would cost more than all the other lists together and add only common-term matches).
HYBRID_LIST_HARD_MAX = 20_000
DF_SAMPLE = 20_000      # clauses in which term frequencies are counted (then scaled to the index)
# A filter's tokens join the MATCH when it passes at most this share of the clauses and is at most
# NARROW_YEARS years: FTS5 intersects one token by skipping along its postings, but must merge the
# postings of an OR of many (a span of years), which costs more than reading the extra matches and
# dropping them on the columns.  Measured at a million clauses (bench/search.py).
NARROW_SHARE = 0.30
NARROW_YEARS = 2

Ranked = tuple[np.ndarray, np.ndarray, np.ndarray]   # (rows, scores, tiers), best first


class KeywordIndex:
    """Keyword search over one SQLite store's search tables.

    FTS5 finds the matches and scores them (BM25); filters, ordering and facets are computed on
    the matches with the numpy columns of ``columns.py``, so a query costs about the size of its
    match list, not of the store."""

    def __init__(self, store, relax: bool = True, writable: bool = True):
        self.store = store
        self.db = store.db
        self.relax = relax
        self.writable = writable
        self.key = str(getattr(store, "path", id(store)))
        self._memos: tuple = (None, {})          # (the columns they hold for, {name: {key: value}})

    def columns(self) -> ClauseColumns:
        return columns(self.db, self.key, writable=self.writable)

    def _memo(self, cols: ClauseColumns, name: str) -> dict:
        """A cache that holds for one index generation (its columns), cleared when it grows large."""
        if self._memos[0] is not cols:
            self._memos = (cols, {})
        memo = self._memos[1].setdefault(name, {})
        if len(memo) > 100_000:
            memo.clear()
        return memo

    # --- raw matches -------------------------------------------------------------------------

    def _fts(self, table: str, expr: str, weights: str = "", limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """FTS5 matches scored by FTS5's bm25(): the trigram fallback (run only when the words find
        little) and the character list (its grams are the rare ones within a postings budget), so
        bm25()'s pass over their postings is short."""
        sql = f"SELECT rowid, -bm25({table}{weights}) FROM {table} WHERE {table} MATCH ?"
        args: list = [expr]
        if limit is not None:
            sql += f" ORDER BY bm25({table}{weights}) LIMIT ?"
            args.append(limit)
        got = self.db.execute(sql, args).fetchall()
        return (np.fromiter((r[0] for r in got), dtype=np.int64, count=len(got)),
                np.fromiter((r[1] for r in got), dtype=np.float64, count=len(got)))

    def _scored(self, expr: str, filters: dict | None) -> tuple[np.ndarray, np.ndarray]:
        """Clauses of ``search_fts`` matching expr (and the filters FTS5 can narrow by), with BM25
        from ``bm25.py``: FTS5 only matches, so common words cost their matches, not their postings."""
        got = self.db.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?",
                              (self._narrowed(expr, filters),)).fetchall()
        rids = np.fromiter((r[0] for r in got), dtype=np.int64, count=len(got))
        if not len(rids):
            return rids, np.zeros(0)
        phrase_list = bm25.phrases(expr)
        dfs = self.doc_freqs("search_fts", list(dict.fromkeys(phrase_list)))
        return rids, self.terms().score(rids, phrase_list, dfs, (W_BODY, W_HEADING))

    def terms(self) -> bm25.TermIndex:
        return bm25.term_index(self.db, self.key, generation(self.db))

    def _containing(self, rids: np.ndarray, needles: list[str], heading: bool) -> np.ndarray:
        """The rids whose clause text (or heading) contains every needle literally."""
        if not needles or not len(rids):
            return rids
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _search_c (rid INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM _search_c")
        db.executemany("INSERT OR IGNORE INTO _search_c VALUES (?)", ((int(r),) for r in rids))
        hay = "lower(sc.text) || ' ' || lower(coalesce(sc.heading, ''))" if heading else "lower(sc.text)"
        cond = " AND ".join(f"instr({hay}, ?) > 0" for _ in needles)
        keep = {r for (r,) in db.execute(f"SELECT sc.rid FROM _search_c c JOIN search_clauses sc ON sc.rid = c.rid "
                                         f"WHERE {cond}", needles)}
        return rids[np.fromiter((int(r) in keep for r in rids), dtype=bool, count=len(rids))]

    def _scan(self, short: list[str]) -> np.ndarray:
        """Every clause containing the short items (the last resort: a full scan)."""
        cond = " AND ".join("instr(lower(text), ?) > 0" for _ in short)
        return np.fromiter((r for (r,) in self.db.execute(f"SELECT rid FROM search_clauses WHERE {cond}", short)),
                           dtype=np.int64)

    def doc_freqs(self, table: str, terms: list[str]) -> dict[str, int]:
        """About how many clauses hold each term: counted exactly in the first ``DF_SAMPLE`` clauses
        (by rid) and scaled to the index (a term absent from the sample counts as 1).

        Why not fts5vocab: its ``doc`` column is computed by reading the term's whole posting list,
        ~10 ms for a common word at a million clauses, and a query has 10–30 terms.  A rowid-bounded
        MATCH stops at the bound.  The figures only choose which terms an OR list keeps."""
        if not terms:
            return {}
        cols = self.columns()
        if not cols.n:
            return {t: 0 for t in terms}
        bound, sampled = cols.df_sample_bound(DF_SAMPLE)
        scale = cols.n / max(sampled, 1)
        known = self._memo(cols, "doc_freqs")
        out = {}
        for t in terms:
            if (table, t) in known:
                out[t] = known[(table, t)]
                continue
            try:
                (c,) = self.db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ? AND rowid <= ?",
                                       (fts_quote(t), bound)).fetchone()
            except sqlite3.OperationalError:   # a term FTS5 cannot take as a string; or no such table
                c = 0
            out[t] = max(1, round(c * scale)) if sampled < cols.n or c else 0
            known[(table, t)] = out[t]
        return out

    @staticmethod
    def rarest(dfs: dict[str, int], budget: int, minimum: int, hard_max: int | None = None) -> list[str]:
        """Terms rarest first while their postings fit the budget (at least ``minimum`` of them).

        Common terms add little to BM25 but most of the work to an OR query; dropping them bounds
        the cost of the any-word lists however large the store grows."""
        present = sorted((t for t, n in dfs.items() if n > 0), key=lambda t: (dfs[t], t))
        if hard_max is not None and present and dfs[present[0]] > hard_max:
            return []          # even the rarest term is too common for this list to be worth its cost
        kept, total = [], 0
        for t in present:
            if len(kept) >= minimum and total + dfs[t] > budget:
                break
            kept.append(t)
            total += dfs[t]
        return kept

    def _narrowed(self, expr: str, filters: dict | None) -> str:
        """expr AND the token expression of the selective filters (those FTS5 should apply while
        matching; the rest are applied on the columns afterwards, as every filter is anyway)."""
        if not filters:
            return expr
        cols = self.columns()
        years = sorted(int(y) for y in cols.doc_facets["year"][1] if str(y).isdigit())
        selective = {}
        for group in token_filter_groups(filters):
            spanned = group_years(group, years)
            if spanned is not None and len(spanned) > NARROW_YEARS:
                continue
            if self._share(cols, group) <= NARROW_SHARE:
                selective.update(group)
        f = filter_match(selective, years)
        return f"({expr}) AND {f}" if f else expr

    def _share(self, cols: ClauseColumns, group: dict) -> float:
        """Share of the index's clauses passing one filter (counted on the columns, cached)."""
        key = tuple(sorted((k, str(v)) for k, v in group.items()))
        known = self._memo(cols, "shares")
        if key not in known:
            m = cols.mask(self.store, group)
            known[key] = float(m.mean()) if m is not None and cols.n else 1.0
        return known[key]

    def matches(self, pq: ParsedQuery, filters: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rids, scores, tiers) of every clause matching the query: tier 0 every word, tier 1
        substring (trigram) only."""
        kw, tri, literal, short = match_expressions(pq)
        parts: list[tuple[np.ndarray, np.ndarray, int]] = []
        word_rids = np.zeros(0, dtype=np.int64)
        if kw:
            r, s = self._scored(kw, filters)
            if literal:
                keep = np.isin(r, self._containing(r, literal, heading=True))
                r, s = r[keep], s[keep]
            parts.append((r, s, 0))
            word_rids = r
            kw_syn = match_expressions(pq, synonyms=True)[0] if len(r) < SYNONYMS_WHEN_FEWER else None
            if kw_syn and kw_syn != kw:
                r2, s2 = self._scored(kw_syn, filters)
                if literal:
                    keep = np.isin(r2, self._containing(r2, literal, heading=True))
                    r2, s2 = r2[keep], s2[keep]
                keep = ~np.isin(r2, word_rids)
                parts.append((r2[keep], s2[keep], 4))
                word_rids = np.union1d(word_rids, r2)
        if tri and len(word_rids) < SUBSTRING_WHEN_FEWER:
            r, s = self._fts("search_tri", tri)
            keep = ~np.isin(r, word_rids)
            r, s = r[keep], s[keep]
            if short:
                keep = np.isin(r, self._containing(r, short, heading=False))
                r, s = r[keep], s[keep]
            parts.append((r, s, 1))
        elif short and not len(word_rids):
            # short partial words (入园 inside 入园率) that neither words nor trigrams can find
            r = self._scan(short)
            parts.append((r, np.zeros(len(r)), 1))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0, dtype=np.int8)
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                np.concatenate([np.full(len(p[0]), p[2], dtype=np.int8) for p in parts]))

    def some_words_matches(self, pq: ParsedQuery, filters: dict | None = None,
                           hard_max: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Clauses with any of the query's (rarest) search-mode tokens, and every quoted phrase, by BM25.

        Each token is its own query term (中小学生 also as 中小学, 小学生, 学生), so a clause sharing
        only part of a long word still earns part of its score."""
        toks = list(dict.fromkeys(t for it in pq.items if not it.phrase for t in tokens(it.text)))
        stop = dropped_words()
        toks = [t for t in toks if t not in stop] or toks
        phrases = [it.text for it in pq.items if it.phrase]
        if len(toks) > 1 or hard_max is not None:
            dfs = self.doc_freqs("search_fts", toks)
            if any(dfs.values()):
                kept = set(self.rarest(dfs, WORD_POSTINGS_BUDGET, MIN_WORDS, hard_max))
                if not kept and hard_max is not None:
                    return np.zeros(0, dtype=np.int64), np.zeros(0)
                toks = [t for t in toks if t in kept or dfs[t] == 0]
        ors = " OR ".join(fts_quote(t) for t in toks)
        ph = [("(" + " AND ".join(word_expr(w) for w in words(p)) + ")") for p in phrases if words(p)]
        expr = " AND ".join(ph + ([f"({ors})"] if ors else []))
        if not expr:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        r, s = self._scored("{body heading} : (" + expr + ")", filters)
        if phrases:
            keep = np.isin(r, self._containing(r, phrases, heading=True))
            r, s = r[keep], s[keep]
        return r, s

    # --- ranking ------------------------------------------------------------------------------

    def rank(self, pq: ParsedQuery, filters: dict) -> Ranked:
        """Every clause matching query and filters as (rows, scores, tiers), best first (ties: doc_id, rid)."""
        cols = self.columns()
        if pq.empty:
            mask = cols.mask(self.store, filters)
            rows = np.flatnonzero(mask) if mask is not None else np.arange(cols.n)
            return rows, np.zeros(len(rows)), np.zeros(len(rows), dtype=np.int8)
        rids, scores, tiers = self.matches(pq, filters)
        rows, scores, tiers = self._filtered(cols, filters, rids, scores, tiers)
        if self.relax and not len(rows):
            # nothing has every word: rank the clauses with some of them (tier 2)
            rids, scores = self.some_words_matches(pq, filters=filters)
            rows, scores, tiers = self._filtered(cols, filters, rids, scores, np.full(len(rids), 2, dtype=np.int8))
        if len(rows):
            titles = cols.title_count([it.text for it in pq.items])
            scores = scores * (1 + TITLE_BOOST * titles[cols.doc[rows]])
            # a clause matched twice (words and some words never both run) keeps its first tier
            rows, first = np.unique(rows, return_index=True)
            scores, tiers = scores[first], tiers[first]
        order = np.lexsort((rows, -scores, TIER_ORDER[tiers]))
        return rows[order], scores[order], tiers[order]

    def _filtered(self, cols: ClauseColumns, filters: dict, rids, scores, tiers):
        """The matches (by rid) that are indexed and pass the filters, as rows."""
        rows = cols.rows_of(rids)
        keep = rows >= 0
        rows, scores, tiers = rows[keep], scores[keep], tiers[keep]
        ok = cols.mask(self.store, filters, rows)
        if ok is None:
            return rows, scores, tiers
        return rows[ok], scores[ok], tiers[ok]

    def search(self, pq: ParsedQuery | str, filters: dict, limit: int, offset: int, facets: bool,
               pool: int | None = None) -> tuple[int, list[tuple[int, float, int]], dict]:
        """(total, [(rid, score, tier)] of the page, facets).  ``pool`` instead of limit/offset returns
        the top ``pool`` candidates (for fusion)."""
        if isinstance(pq, str):
            pq = parse_query(pq)
        rows, scores, tiers = self.rank(pq, filters)
        n, off = (pool, 0) if pool is not None else (limit, offset)
        cols = self.columns()
        page = [(int(cols.rid[r]), float(s), int(t))
                for r, s, t in zip(rows[off:off + n], scores[off:off + n], tiers[off:off + n])]
        return len(rows), page, (cols.facets(rows) if facets else {})

    def some_words(self, pq: ParsedQuery, filters: dict, pool: int,
                   every: bool = False) -> tuple[list[tuple[int, float, int]], np.ndarray | None]:
        """The top ``pool`` clauses holding any of the query's words, by BM25 (for fusion), and with
        ``every`` the rows of all of them within the filters (hybrid's total and facets)."""
        if pq.empty:
            return [], (np.zeros(0, dtype=np.int64) if every else None)
        r, s = self.some_words_matches(pq, filters=filters,
                                       hard_max=HYBRID_LIST_HARD_MAX)
        top = self._top(r, s, filters, pool, tier=2)
        if not every:
            return top, None
        rows, _, _ = self._filtered(self.columns(), filters, r, s, s)
        return top, rows

    def characters(self, pq: ParsedQuery, filters: dict, pool: int) -> list[tuple[int, float, int]]:
        """The top ``pool`` clauses by BM25 over character unigrams and bigrams shared with the query:
        wording that shares characters but not jieba words (the hybrid's character list)."""
        grams = list(dict.fromkeys(char_grams(pq.text())))
        if not grams:
            return []
        dfs = self.doc_freqs("search_grams", grams)
        kept = self.rarest(dfs, GRAM_POSTINGS_BUDGET, MIN_GRAMS, HYBRID_LIST_HARD_MAX)
        if not kept:
            return []
        try:
            expr = "body : (" + " OR ".join(fts_quote(g) for g in kept) + ")"
            r, s = self._fts("search_grams", self._narrowed(expr, filters), ", 1.0, 0.0",
                             None if filters else pool)
        except sqlite3.OperationalError:  # an index from before the character table
            return []
        return self._top(r, s, filters, pool, tier=3)

    def _top(self, rids: np.ndarray, scores: np.ndarray, filters: dict, pool: int, tier: int):
        cols = self.columns()
        rows, scores, _ = self._filtered(cols, filters, rids, scores, scores)
        if len(rows) > pool:
            part = np.argpartition(-scores, pool - 1)[:pool]
            rows, scores = rows[part], scores[part]
        order = np.lexsort((rows, -scores))
        return [(int(cols.rid[rows[i]]), float(scores[i]), tier) for i in order]

    def facets(self, filters: dict) -> dict:
        rows, _, _ = self.rank(ParsedQuery(""), filters)
        return self.columns().facets(rows)

    def hits(self, ranked: list[tuple[int, float, int]], pq: ParsedQuery | None,
             filters: dict | None = None) -> list[Hit]:
        """Hit objects for (rid, score, tier) rows, in that order (with a ``kind`` filter, the clause
        shown is one of those kinds)."""
        kinds = {k.strip() for k in str((filters or {}).get("kind") or "").split(",") if k.strip()}
        if not ranked:
            return []
        rids = [r[0] for r in ranked]
        rows = {r["rid"]: r for r in self.db.execute(
            f"SELECT sc.*, d.title AS doc_title, (SELECT MIN(source) FROM sources s WHERE s.doc_id = sc.doc_id) AS source "
            f"FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE sc.rid IN ({','.join('?' * len(rids))})",
            rids)}
        literals = pq.literals if pq else []
        if pq is not None:
            literals = sorted(set(literals) | {w for e in pq.expansions() for w in [e]}, key=len, reverse=True)
        out = []
        for rid, score, tier in ranked:
            r = rows.get(rid)
            if r is None:
                continue
            text = r["text"] or ""
            members = json.loads(r["members"]) if r["members"] else [[r["clause_id"], 0, len(text), r["kind"]]]
            wanted = [m for m in members if m[3] in kinds] if kinds else members
            cid, a, b, kind = best_member(text, wanted or members, literals)
            title = r["doc_title"] or (file_name(r["source"]) if r["source"] else None)
            out.append(Hit(doc_id=r["doc_id"], source=r["source"], title=title, clause_id=cid,
                           section_id=r["section_id"], kind=kind, text=text, score=round(float(score), 6),
                           highlight=highlight(text, literals, width=max(160, min(len(text), 400))),
                           heading=r["heading"] or None,
                           matched_by=None if pq is None or pq.empty else MATCHED_BY.get(tier),
                           clause_ids=[m[0] for m in members], clause_span=[a, b], clause_text=text[a:b]))
        return out


def file_name(source: str) -> str:
    """A source's file name (a document without a title is shown by it)."""
    import os
    return os.path.basename(source.split("#", 1)[0].rstrip("/\\")) or source


def best_member(text: str, members: list, literals: list[str]) -> list:
    """The member clause [id, start, end, kind] that holds most of the query's matched characters
    (the first clause that is not a label when none does)."""
    from ..store.textunits import is_label
    folded = fold(text)
    if len(folded) != len(text):
        folded = text.lower()
    marks = np.zeros(len(text) + 1, dtype=bool)
    for lit in literals:
        if not lit:
            continue
        start = 0
        while (i := folded.find(lit, start)) >= 0:
            marks[i:i + len(lit)] = True
            start = i + 1
    best, best_n = None, 0
    for m in members:
        n = int(marks[m[1]:m[2]].sum())
        if n > best_n:
            best, best_n = m, n
    if best is None:
        best = next((m for m in members if not is_label(text[m[1]:m[2]])), members[0])
    return best


def now() -> float:
    return time.time()


def dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False)
