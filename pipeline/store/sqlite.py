"""The embedded default store: one SQLite file in WAL mode.

Each document is written in one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), so a crash or
SIGKILL at any moment leaves either the old version or the new one, never half of each; a
re-run of ``ingest`` skips sources whose content hash is already stored.  The full record JSON
is kept next to the tables researchers filter on: in ``documents.record``, or for a long text
(``STREAM_FROM`` characters and more) in ``record_blobs.record`` as UTF-8 bytes, streamed there
through a temporary file (``documents.record`` is then '').  SQLite needs a value whole in memory
to bind it, and a 50 MB text's record is ~190 MB of JSON (twice that as a Python string); a
zeroblob in the last column of a row is written in place, piece by piece.  ``PRAGMA user_version``
holds the schema version; ``MIGRATIONS`` upgrades older files in place.
"""
from __future__ import annotations

import contextlib
import json
import os
from contextlib import contextmanager
from functools import partial
import re
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Iterator

from .base import FILTER_KEYS, Store, StoreError

SCHEMA_VERSION = 2         # 2: record_blobs (a long text's record JSON)
READABLE_FROM = 1          # the oldest version a read-only open reads as it is (see MIGRATIONS)
STREAM_FROM = 1_000_000    # characters of text: a record this long goes to record_blobs, streamed


@contextmanager
def immediate(db: sqlite3.Connection):
    """One write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error or interrupt) on a
    connection in autocommit mode: the unit of atomicity of every store and index write."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
RECORD_JSON = {"ensure_ascii": False, "separators": (",", ":")}     # the stored record's JSON form
_dumps = partial(json.dumps, **RECORD_JSON)

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT PRIMARY KEY, title TEXT, notice_title TEXT, doc_number TEXT, issuers TEXT, issuer TEXT,
  signed_date TEXT, published_date TEXT, year INTEGER, doc_type TEXT, province TEXT, city TEXT, county TEXT,
  region_code TEXT, level TEXT, flags TEXT, n_sections INTEGER, n_clauses INTEGER, n_targets INTEGER,
  record TEXT NOT NULL, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS record_blobs (doc_id TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  source TEXT PRIMARY KEY, doc_id TEXT NOT NULL, format TEXT, content_hash TEXT, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS sections (
  doc_id TEXT, id TEXT, parent TEXT, level INTEGER, number TEXT, heading TEXT, start INTEGER, "end" INTEGER
);
CREATE TABLE IF NOT EXISTS clauses (
  doc_id TEXT, id TEXT, section_id TEXT, kind TEXT, cue TEXT, actors TEXT, deadline TEXT, text TEXT,
  start INTEGER, "end" INTEGER
);
CREATE TABLE IF NOT EXISTS responsibilities (
  doc_id TEXT, unit TEXT, surface TEXT, role TEXT, section_id TEXT, clause_ids TEXT, start INTEGER, "end" INTEGER
);
CREATE TABLE IF NOT EXISTS targets (
  doc_id TEXT, clause_id TEXT, indicator TEXT, comparator TEXT, value REAL, value_max REAL, unit TEXT,
  deadline TEXT, baseline_value REAL, baseline_year INTEGER, binding TEXT, recurrence TEXT, text TEXT,
  start INTEGER, "end" INTEGER
);
CREATE TABLE IF NOT EXISTS time_expressions (
  doc_id TEXT, text TEXT, kind TEXT, start_date TEXT, end_date TEXT, recurrence TEXT, start INTEGER, "end" INTEGER
);
CREATE TABLE IF NOT EXISTS citations (
  doc_id TEXT, title TEXT, doc_number TEXT, alias TEXT, resolved_doc_id TEXT, start INTEGER, "end" INTEGER
);
CREATE INDEX IF NOT EXISTS ix_doc_region ON documents(province, city, county);
CREATE INDEX IF NOT EXISTS ix_doc_level ON documents(level);
CREATE INDEX IF NOT EXISTS ix_doc_year ON documents(year);
CREATE INDEX IF NOT EXISTS ix_doc_type ON documents(doc_type);
CREATE INDEX IF NOT EXISTS ix_doc_issuer ON documents(issuer);
CREATE INDEX IF NOT EXISTS ix_doc_number ON documents(doc_number);
CREATE INDEX IF NOT EXISTS ix_doc_title ON documents(title);
CREATE INDEX IF NOT EXISTS ix_src_doc ON sources(doc_id);
CREATE INDEX IF NOT EXISTS ix_sec_doc ON sections(doc_id);
CREATE INDEX IF NOT EXISTS ix_cl_doc ON clauses(doc_id);
CREATE INDEX IF NOT EXISTS ix_cl_kind ON clauses(kind);
CREATE INDEX IF NOT EXISTS ix_resp_doc ON responsibilities(doc_id);
CREATE INDEX IF NOT EXISTS ix_resp_unit ON responsibilities(unit);
CREATE INDEX IF NOT EXISTS ix_tg_doc ON targets(doc_id);
CREATE INDEX IF NOT EXISTS ix_tg_indicator ON targets(indicator);
CREATE INDEX IF NOT EXISTS ix_te_doc ON time_expressions(doc_id);
CREATE INDEX IF NOT EXISTS ix_ci_doc ON citations(doc_id);
CREATE INDEX IF NOT EXISTS ix_ci_number ON citations(doc_number);
"""

# version → SQL that brings a store from version-1 to version, run in one transaction when a store
# is opened to write.  A read-only open reads versions from READABLE_FROM as they are: a version-1
# store has no record_blobs and holds no streamed record, which readers allow for (``_blobs``).
MIGRATIONS: dict[int, str] = {
    2: "CREATE TABLE IF NOT EXISTS record_blobs (doc_id TEXT PRIMARY KEY, record BLOB NOT NULL)",
}

DOC_COLUMNS = ("doc_id", "title", "notice_title", "doc_number", "issuers", "issuer", "signed_date", "published_date",
               "year", "doc_type", "province", "city", "county", "region_code", "level", "flags", "n_sections",
               "n_clauses", "n_targets", "ingested_at")     # the documents table without its record
CHILD_TABLES = ("sections", "clauses", "responsibilities", "targets", "time_expressions", "citations")
ROW_TABLES = CHILD_TABLES


FILTER_COLUMNS = ("level", "province", "city", "county", "region_code", "year", "doc_type")


def filter_values(metadata: dict) -> tuple:
    """The values of a document's ``FILTER_COLUMNS`` (its documents row) from its record's metadata:
    known before its items are extracted (the keyword index of a long text is written meanwhile)."""
    r = metadata.get("region") or {}
    date = metadata.get("signed_date") or metadata.get("published_date")
    return (metadata.get("level"), r.get("province"), r.get("city"), r.get("county"), r.get("code"),
            int(date[:4]) if date else None, metadata.get("doc_type"))


class SQLiteStore(Store):
    item_sequences = True
    indexes_itself = False     # (search.SearchableSQLiteStore keeps the keyword index in put's transaction)

    def __init__(self, path: str | os.PathLike, *, create: bool = True, readonly: bool = False):
        self.path = Path(path)
        if not self.path.exists() and (readonly or not create):
            raise StoreError(f"{self.path}: no such database")
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database")
        if not readonly and not self.path.exists():
            self._create()
        try:
            uri = f"file:{self.path}?mode=ro" if readonly else str(self.path)
            self.db = sqlite3.connect(uri, uri=readonly, timeout=30, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA cache_size=-65536")      # 64 MB page cache
                self.db.execute("PRAGMA journal_size_limit=67108864")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate(readonly)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a zhengce database ({e})") from None

    # --- schema ---------------------------------------------------------------------------

    def _create(self) -> None:
        """Make a new store atomically: the schema is written to a temporary file beside it, which
        is then linked into place.  ``sqlite3.connect`` creates an empty file at once, so a process
        killed before its first commit would otherwise leave an empty file that readers see as a
        store without tables.  If another process created the store meanwhile, its file is kept."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.creating")
        try:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            db = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                with immediate(db):
                    for stmt in SCHEMA.strip().split(";"):
                        if stmt.strip():
                            db.execute(stmt)
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            finally:
                db.close()             # the last connection: the WAL is checkpointed into the file
            if not self.path.exists():
                _drop_stale_siblings(self.path)
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                pass
            except OSError:            # a file system without hard links: rename (not atomic against a racer)
                if not self.path.exists():
                    os.replace(tmp, self.path)
        except OSError as e:
            raise StoreError(f"{self.path}: cannot create the database ({e.strerror or e})") from None
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot create the database ({e})") from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    def _migrate(self, readonly: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == 0 and tables and "documents" not in tables:
            raise StoreError(f"{self.path}: an SQLite file, but not a zhengce database")
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: made by a newer zhengce (schema {version} > {SCHEMA_VERSION})")
        if readonly:
            if version < READABLE_FROM:
                raise StoreError(f"{self.path}: schema {version} needs an upgrade; open it once read-write")
            self._blobs = "record_blobs" in tables
            return
        if version < SCHEMA_VERSION:           # (a current store is not written to at every open)
            with immediate(self.db):
                if version == 0:
                    for stmt in SCHEMA.strip().split(";"):
                        if stmt.strip():
                            self.db.execute(stmt)
                else:
                    for v in range(version + 1, SCHEMA_VERSION + 1):
                        for stmt in MIGRATIONS.get(v, "").split(";"):
                            if stmt.strip():
                                self.db.execute(stmt)
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._blobs = True
        self._after_migrate()

    def _after_migrate(self) -> None:
        """Hook for subclasses / search indexes that keep their own tables."""

    def close(self) -> None:
        try:
            self.db.close()
        except sqlite3.Error:
            pass

    # --- writing --------------------------------------------------------------------------

    def source_hash(self, source: str) -> str | None:
        row = self.db.execute("SELECT content_hash FROM sources WHERE source=?", (source,)).fetchone()
        return row[0] if row else None

    def put(self, record: dict, source: str, content_hash: str, fmt: str, then=None) -> str:
        """``Store.put``; ``then(ingested_at)``, when given, runs inside the same transaction once the
        document's rows are written (or found unchanged): what must be committed with the document
        or not at all (the keyword index of a long text, written beforehand, marked as its own)."""
        doc_id = record["doc_id"]
        now = time.time()
        db = self.db
        with immediate(db):
            old = db.execute("SELECT doc_id, content_hash FROM sources WHERE source=?", (source,)).fetchone()
            if old and old["content_hash"] == content_hash and old["doc_id"] == doc_id:
                if then is not None:
                    row = db.execute("SELECT ingested_at FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
                    if row:
                        then(row[0])
                return "unchanged"
            db.execute("INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?)", (source, doc_id, fmt, content_hash, now))
            if old and old["doc_id"] != doc_id:
                self._drop_if_orphan(old["doc_id"])
            exists = db.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            if exists:
                self._delete_doc(doc_id)
            self._insert(record, now)
            if then is not None:
                then(now)
        return "ingested"

    def replace(self, record: dict) -> None:
        with immediate(self.db):
            self._delete_doc(record["doc_id"])
            self._insert(record, time.time())

    def containing(self, phrase: str) -> list[str]:
        # the record column holds the text as UTF-8 JSON: a C-speed scan, then a check on the text
        needle = json.dumps(phrase, ensure_ascii=False)[1:-1]
        sql = "SELECT doc_id FROM documents WHERE instr(record, ?) > 0"
        if self._blobs:
            sql += " UNION SELECT doc_id FROM record_blobs WHERE instr(record, ?) > 0"
        hits = [r[0] for r in self.db.execute(sql, (needle, needle)[:1 + self._blobs])]
        return [d for d in hits if phrase in (self.get(d) or {}).get("text", "")]

    def _drop_if_orphan(self, doc_id: str) -> None:
        if not self.db.execute("SELECT 1 FROM sources WHERE doc_id=?", (doc_id,)).fetchone():
            self._delete_doc(doc_id)

    def _delete_doc(self, doc_id: str) -> None:
        for t in CHILD_TABLES:
            self.db.execute(f"DELETE FROM {t} WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM record_blobs WHERE doc_id=?", (doc_id,))
        self._on_delete(doc_id)

    def _on_delete(self, doc_id: str) -> None:
        """Hook: search indexes drop their rows for doc_id."""

    def _on_insert(self, record: dict) -> None:
        """Hook: search indexes add rows for a new record."""

    def _insert(self, rec: dict, now: float) -> None:
        m = rec["metadata"]
        level, province, city, county, code, year, doc_type = filter_values(m)
        doc_id = rec["doc_id"]
        streamed = len(rec.get("text") or "") >= STREAM_FROM
        self.db.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc_id, m.get("title"), m.get("notice_title"), m.get("doc_number"),
             json.dumps(m.get("issuers") or [], ensure_ascii=False), (m.get("issuers") or [None])[0],
             m.get("signed_date"), m.get("published_date"), year, doc_type,
             province, city, county, code, level,
             json.dumps(rec.get("quality", {}).get("flags", []), ensure_ascii=False),
             len(rec.get("sections", [])), len(rec.get("clauses", [])), len(rec.get("targets", [])),
             "" if streamed else _record_json(rec), now))
        if streamed:
            self._stream_record(doc_id, rec)
        ex = self.db.executemany      # rows as generators: a 50 MB record has ~370,000 clauses
        ex("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?)",
           ((doc_id, s["id"], s.get("parent"), s["level"], s["number"], s["heading"], *s["span"])
            for s in rec.get("sections", [])))
        ex("INSERT INTO clauses VALUES (?,?,?,?,?,?,?,?,?,?)",
           ((doc_id, c["id"], c.get("section_id"), c["kind"], c.get("cue"), _dumps(c["actors"]) if c.get("actors") else "[]",
             c.get("deadline"), c["text"], *c["span"]) for c in rec.get("clauses", [])))
        ex("INSERT INTO responsibilities VALUES (?,?,?,?,?,?,?,?)",
           ((doc_id, x["unit"], x.get("surface"), x["role"], x.get("section_id"), json.dumps(x.get("clause_ids", [])), *x["span"])
            for x in rec.get("responsibilities", [])))
        ex("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
           ((doc_id, t.get("clause_id"), t.get("indicator"), t["comparator"], t["value"], t.get("value_max"), t.get("unit"),
             t.get("deadline"), (t.get("baseline") or {}).get("value"), (t.get("baseline") or {}).get("year"),
             t.get("binding"), t.get("recurrence"), t["text"], *t["span"]) for t in rec.get("targets", [])))
        ex("INSERT INTO time_expressions VALUES (?,?,?,?,?,?,?,?)",
           ((doc_id, t["text"], t["kind"], t.get("start"), t.get("end"), t.get("recurrence"), *t["span"])
            for t in rec.get("time_expressions", [])))
        ex("INSERT INTO citations VALUES (?,?,?,?,?,?,?)",
           ((doc_id, c["title"], c.get("doc_number"), c.get("alias"), c.get("resolved_doc_id"), *c["span"])
            for c in rec.get("citations", [])))
        self._on_insert(rec)

    def _stream_record(self, doc_id: str, rec: dict) -> None:
        """The record's JSON into ``record_blobs``: written to a temporary file a megabyte at a
        time, then copied into a zeroblob of its size (never whole in memory)."""
        with tempfile.TemporaryFile(prefix="zhengce-record-") as f:
            buf: list[str] = []
            size = 0
            for piece in _record_pieces(rec):
                buf.append(piece)
                size += len(piece)
                if size >= _CHUNK:
                    f.write("".join(buf).encode("utf-8"))
                    buf, size = [], 0
            f.write("".join(buf).encode("utf-8"))
            n = f.tell()
            f.seek(0)
            if not hasattr(self.db, "blobopen"):       # Python 3.10: the bytes bound whole (still no str copy)
                self.db.execute("INSERT INTO record_blobs VALUES (?, ?)", (doc_id, f.read()))
                return
            rowid = self.db.execute("INSERT INTO record_blobs VALUES (?, zeroblob(?))", (doc_id, n)).lastrowid
            with self.db.blobopen("record_blobs", "record", rowid) as blob:
                while data := f.read(_CHUNK):
                    blob.write(data)

    # --- reading --------------------------------------------------------------------------

    def get(self, doc_id: str) -> dict | None:
        row = self.db.execute("SELECT record FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if not row:
            return None
        data = row[0]
        if not data and self._blobs:       # a long text's record (see the module's doc)
            blob = self.db.execute("SELECT record FROM record_blobs WHERE doc_id=?", (doc_id,)).fetchone()
            data = blob[0] if blob else data
        rec = json.loads(data)
        resolved = {(r["start"], r["title"]): r["resolved_doc_id"] for r in
                    self.db.execute("SELECT start, title, resolved_doc_id FROM citations WHERE doc_id=?", (doc_id,))}
        for c in rec.get("citations", []):
            c["resolved_doc_id"] = resolved.get((c["span"][0], c["title"]), c.get("resolved_doc_id"))
        return rec

    def resolve(self, ref: str) -> str | None:
        if not ref or "\x00" in ref:
            return None
        if self.db.execute("SELECT 1 FROM documents WHERE doc_id=?", (ref,)).fetchone():
            return ref
        for candidate in (ref, str(Path(ref).resolve()) if ref else ref):
            row = self.db.execute("SELECT doc_id FROM sources WHERE source=?", (candidate,)).fetchone()
            if row:
                return row[0]
        rows = self.db.execute("SELECT doc_id FROM sources WHERE source LIKE ? ESCAPE '\\'",
                               ("%" + ref.replace("%", "\\%").replace("_", "\\_"),)).fetchall()
        ids = {r[0] for r in rows}
        if len(ids) == 1:
            return ids.pop()
        if re.fullmatch(r"[0-9a-f]{4,16}", ref):
            rows = self.db.execute("SELECT doc_id FROM documents WHERE doc_id LIKE ?", (ref + "%",)).fetchall()
            if len(rows) == 1:
                return rows[0][0]
        return None

    def sources(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT source FROM sources WHERE doc_id=? ORDER BY source", (doc_id,))]

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def doc_where(self, filters: dict[str, Any], alias: str = "d") -> tuple[str, list]:
        """SQL conditions on documents (alias d) for the document-level filters."""
        conds, args = [], []
        for key, value in filters.items():
            if value is None or value == "":
                continue
            if key not in FILTER_KEYS:
                raise StoreError(f"unknown filter '{key}' (known: {', '.join(FILTER_KEYS)})")
            if key == "region":
                conds.append(f"({alias}.province=? OR {alias}.city=? OR {alias}.county=? OR {alias}.region_code=?)")
                args += [value] * 4
            elif key in ("province", "city", "county", "level", "doc_type", "doc_id"):
                conds.append(f"{alias}.{key}=?")
                args.append(value)
            elif key == "year":      # the one year grammar (2021, 2019-2022, 2020.., –2020 …): SearchError if bad
                from .filters import year_range
                conds.append(f"{alias}.year BETWEEN ? AND ?")
                args += list(year_range(value))
            elif key in ("year_from", "year_to"):
                if not str(value).strip().isdigit():
                    raise StoreError(f"{key} '{value}': expected a year")
                conds.append(f"{alias}.year {'>=' if key == 'year_from' else '<='} ?")
                args.append(int(value))
            elif key == "issuer":
                conds.append(f"{alias}.issuers LIKE ?")
                args.append(f"%{value}%")
            elif key == "has_target":
                want = str(value).lower() in ("1", "true", "yes", "y")
                conds.append(f"{alias}.n_targets {'>' if want else '='} 0")
        return (" AND ".join(conds) or "1=1"), args

    def documents(self, **filters: Any) -> list[dict]:
        doc_filters = {k: v for k, v in filters.items() if k not in ("kind", "unit", "indicator")}
        where, args = self.doc_where(doc_filters)
        # every column but the record: a huge document's JSON would be read only to be dropped
        sql = f"SELECT {', '.join('d.' + c for c in DOC_COLUMNS)} FROM documents d WHERE {where}"
        if filters.get("unit"):
            sql += " AND d.doc_id IN (SELECT doc_id FROM responsibilities WHERE unit LIKE ?)"
            args.append(f"%{filters['unit']}%")
        if filters.get("indicator"):
            sql += " AND d.doc_id IN (SELECT doc_id FROM targets WHERE indicator LIKE ?)"
            args.append(f"%{filters['indicator']}%")
        if filters.get("kind"):
            sql += " AND d.doc_id IN (SELECT doc_id FROM clauses WHERE kind=?)"
            args.append(filters["kind"])
        out = []
        for row in self.db.execute(sql + " ORDER BY d.year, d.doc_id", args):
            d = dict(row)
            d["issuers"] = json.loads(d["issuers"] or "[]")
            d["flags"] = json.loads(d["flags"] or "[]")
            d["sources"] = self.sources(d["doc_id"])
            out.append(d)
        return out

    def rows(self, table: str, **filters: Any) -> list[dict]:
        if table not in ROW_TABLES:
            raise StoreError(f"unknown table '{table}' (known: documents, {', '.join(ROW_TABLES)})")
        doc_filters = {k: v for k, v in filters.items() if k not in ("kind", "unit", "indicator")}
        where, args = self.doc_where(doc_filters)
        sql = (f"SELECT t.*, d.title AS doc_title, d.province, d.city, d.county, d.level, d.year, d.doc_type "
               f"FROM {table} t JOIN documents d ON d.doc_id=t.doc_id WHERE {where}")
        if filters.get("kind") and table == "clauses":
            sql += " AND t.kind=?"
            args.append(filters["kind"])
        if filters.get("unit"):
            if table == "responsibilities":
                sql += " AND t.unit LIKE ?"
                args.append(f"%{filters['unit']}%")
            elif table == "clauses":
                sql += " AND EXISTS (SELECT 1 FROM responsibilities r WHERE r.doc_id=t.doc_id AND r.unit LIKE ? " \
                       "AND (r.clause_ids LIKE '%\"' || t.id || '\"%' OR t.actors LIKE ?))"
                args += [f"%{filters['unit']}%", f"%{filters['unit']}%"]
        if filters.get("indicator") and table == "targets":
            sql += " AND t.indicator LIKE ?"
            args.append(f"%{filters['indicator']}%")
        out = []
        for row in self.db.execute(sql + " ORDER BY d.doc_id, t.start", args):
            d = dict(row)
            for k in ("actors", "clause_ids"):
                if k in d and d[k] is not None:
                    d[k] = json.loads(d[k])
            out.append(d)
        return out

    # --- citations ------------------------------------------------------------------------

    def resolve_citations(self) -> int:
        """Each citation whose doc_number, or failing that whose title, names a stored document
        gets its doc_id (a document never resolves to itself)."""
        by_number = {}
        by_title = {}
        for r in self.db.execute("SELECT doc_id, doc_number, title, notice_title FROM documents"):
            if r["doc_number"]:
                by_number.setdefault(_key(r["doc_number"]), r["doc_id"])
            for t in (r["title"], r["notice_title"]):
                if t:
                    by_title.setdefault(_key(t), r["doc_id"])
        n = 0
        with immediate(self.db):
            for c in self.db.execute("SELECT rowid, doc_id, title, doc_number FROM citations").fetchall():
                target = None
                if c["doc_number"]:
                    target = by_number.get(_key(c["doc_number"]))
                if not target and c["title"]:
                    target = by_title.get(_key(c["title"]))
                if target == c["doc_id"]:
                    target = None
                self.db.execute("UPDATE citations SET resolved_doc_id=? WHERE rowid=?", (target, c["rowid"]))
                n += bool(target)
        return n

    def citing(self, doc_id: str) -> list[dict]:
        return [dict(r) for r in self.db.execute(
            "SELECT DISTINCT c.doc_id, d.title, d.level, d.province, d.city, d.county, d.signed_date "
            "FROM citations c JOIN documents d ON d.doc_id=c.doc_id WHERE c.resolved_doc_id=?", (doc_id,))]

    def cited(self, doc_id: str) -> list[dict]:
        return [dict(r) for r in self.db.execute(
            "SELECT DISTINCT c.resolved_doc_id AS doc_id, d.title, d.level, d.province, d.city, d.county, d.signed_date "
            "FROM citations c JOIN documents d ON d.doc_id=c.resolved_doc_id WHERE c.doc_id=?", (doc_id,))]


def _items(v) -> bool:
    """A list of items in a record (a list, or a sequence such as ``model.PackedItems``)."""
    return isinstance(v, Sequence) and not isinstance(v, (str, bytes))


def _record_pieces(rec: dict) -> Iterator[str]:
    """``_dumps(rec)`` in pieces, an item at a time."""
    yield "{"
    for i, (k, v) in enumerate(rec.items()):
        yield ("," if i else "") + _dumps(k) + ":"
        if hasattr(v, "json_chunks"):       # model.PackedItems: its chunks are already this JSON
            yield "["
            for j, c in enumerate(v.json_chunks()):
                yield ("," if j else "") + c
            yield "]"
        elif _items(v):
            yield "["
            for j, x in enumerate(v):
                yield ("," if j else "") + _dumps(x)
            yield "]"
        else:
            yield _dumps(v)
    yield "}"


def _record_json(rec: dict) -> str:
    """``_dumps(rec)``, the same text, made an item at a time: the encoder's one-shot list of small
    pieces for a long record took several times the text's own size."""
    return "".join(_record_pieces(rec))


_CHUNK = 1 << 20


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is alive (a writer that left a claim or a temp folder)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _drop_stale_siblings(path: Path) -> None:
    """Remove the ``-wal``/``-shm``/``-journal`` files of a store file that is gone (deleted by a
    user after a killed ingest): SQLite would replay that other database's log into the new file
    (its documents, or "database disk image is malformed")."""
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _key(s: str) -> str:
    s = re.sub(r"[\s《》“”\"'〈〉]", "", s)
    return s.replace("[", "〔").replace("]", "〕").replace("（", "(").replace("）", ")")
