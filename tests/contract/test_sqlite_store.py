"""The store contract against the SQLite backend, plus what only SQLite promises."""
from __future__ import annotations

import sqlite3

import pytest

from contract.store_contract import StoreContract, seed_records  # noqa: F401 - fixture
from zhengce.pipeline.store import StoreError, open_store
from zhengce.pipeline.store.sqlite import SCHEMA_VERSION


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path):
        s = open_store(str(tmp_path / "corpus.db"))
        yield s
        s.close()


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
