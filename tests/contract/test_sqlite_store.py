"""The store contract against the SQLite backend, plus what only SQLite promises."""
from __future__ import annotations

import sqlite3

import pytest

from contract.store_contract import StoreContract, seed_records  # noqa: F401 - fixture
from zhengce.pipeline.store import StoreError, open_store
from zhengce.pipeline.store import sqlite as sqlite_store
from zhengce.pipeline.store.sqlite import SCHEMA_VERSION


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        s = open_store(str(tmp_path / "corpus.db"))
        yield s
        s.close()


class TestSQLiteStoreStreamedRecords(StoreContract):
    """The same contract with every record's JSON streamed into record_blobs (the path of a long text)."""
    @pytest.fixture
    def store(self, tmp_path, monkeypatch):
        monkeypatch.setattr(sqlite_store, "STREAM_FROM", 1)
        s = open_store(str(tmp_path / "corpus.db"))
        yield s
        s.close()

    def test_records_are_in_record_blobs(self, filled, seed_records):
        assert filled.db.execute("SELECT COUNT(*) FROM documents WHERE record != ''").fetchone()[0] == 0
        assert filled.db.execute("SELECT COUNT(*) FROM record_blobs").fetchone()[0] == len(seed_records)


def test_a_record_with_packed_items_is_stored_as_its_plain_lists(tmp_path, seed_records, monkeypatch):
    """model.PackedItems (a long text's items kept as JSON chunks) stores as the lists they hold,
    both in documents.record and streamed into record_blobs (its chunks copied as they are)."""
    from zhengce.pipeline.model import PackedItems, plain
    rec = next(iter(seed_records.values()))
    packed = dict(rec)
    for name in ("clauses", "responsibilities", "targets"):
        packed[name] = PackedItems()
        for i in range(0, len(rec[name]), 7):
            packed[name].extend(rec[name][i:i + 7])
    assert len(packed["clauses"]) == len(rec["clauses"]) and list(packed["clauses"]) == rec["clauses"]
    assert packed["clauses"][-1] == rec["clauses"][-1] and packed["clauses"][3] == rec["clauses"][3]
    assert plain(packed) == rec
    for stream_from in (10 ** 9, 1):
        monkeypatch.setattr(sqlite_store, "STREAM_FROM", stream_from)
        s = open_store(str(tmp_path / f"p{stream_from}.db"))
        s.put(packed, "/docs/x.txt", "h", "txt")
        assert s.get(rec["doc_id"]) == rec
        assert len(s.rows("clauses")) == len(rec["clauses"])
        s.close()


def version_1_store(path, record=None):
    """A store as zhengce wrote it at schema version 1 (before record_blobs), holding ``record``."""
    s = open_store(str(path))
    if record is not None:
        s.put(record, "/docs/old.txt", "h", "txt")
    s.db.execute("DROP TABLE record_blobs")
    s.db.execute("PRAGMA user_version=1")
    s.close()


def test_a_version_1_store_is_read_as_is_and_upgraded_in_place_when_opened_to_write(tmp_path, seed_records):
    rec = next(iter(seed_records.values()))
    version_1_store(tmp_path / "old.db", rec)
    ro = open_store(str(tmp_path / "old.db"), readonly=True)
    assert ro.count() == 1 and ro.get(rec["doc_id"]) == rec and ro.containing("政策") in ([], [rec["doc_id"]])
    ro.close()
    db = sqlite3.connect(tmp_path / "old.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1      # a reader changes nothing
    s = open_store(str(tmp_path / "old.db"))
    assert s.get(rec["doc_id"]) == rec
    s.close()
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name='record_blobs'").fetchone()


def test_a_newer_store_is_one_line_of_error_on_the_command_line(tmp_path):
    """An older zhengce opening a store of a newer schema: one line, no traceback."""
    import subprocess
    import sys
    open_store(str(tmp_path / "new.db")).close()
    db = sqlite3.connect(tmp_path / "new.db")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.commit()
    for args in (["docs"], ["search", "政策"]):
        p = subprocess.run([sys.executable, "-m", "zhengce", *args, "--db", str(tmp_path / "new.db")],
                           capture_output=True, text=True, encoding="utf-8")
        assert p.returncode != 0 and "Traceback" not in p.stderr, p.stderr
        assert p.stderr.strip().count("\n") == 0 and "newer zhengce" in p.stderr, p.stderr


def test_schema_version_is_recorded(tmp_path):
    s = open_store(str(tmp_path / "x.db"))
    s.close()
    assert sqlite3.connect(tmp_path / "x.db").execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "x.db")
    db.execute("CREATE TABLE documents (doc_id TEXT)")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.commit()
    with pytest.raises(StoreError, match="newer zhengce"):
        open_store(str(tmp_path / "x.db"))


def test_foreign_sqlite_file_and_junk_are_refused(tmp_path):
    db = sqlite3.connect(tmp_path / "other.db")
    db.execute("CREATE TABLE birds (name TEXT)")
    db.commit()
    with pytest.raises(StoreError, match="not a zhengce database"):
        open_store(str(tmp_path / "other.db"))
    (tmp_path / "junk.db").write_bytes(b"\x00junk" * 400)
    with pytest.raises(StoreError):
        open_store(str(tmp_path / "junk.db"))


def test_missing_database_read_only(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        open_store(str(tmp_path / "absent.db"), create=False)


def test_unknown_filter_is_an_error(tmp_path):
    s = open_store(str(tmp_path / "x.db"))
    with pytest.raises(StoreError, match="unknown filter"):
        s.documents(colour="red")
