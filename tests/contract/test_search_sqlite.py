"""The search contract against the SQLite backend (FTS5 + stored embeddings)."""
from __future__ import annotations

import pytest

from contract.test_search_contract import SearchContract, contract_records
from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch


class TestSQLiteSearch(SearchContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls, tmp_path_factory):
        store = SearchableSQLiteStore(tmp_path_factory.mktemp("search") / "corpus.db")
        for i, rec in enumerate(contract_records()):
            store.put(rec, f"/docs/{i}.txt", f"hash-{i}", "txt")
        store.resolve_citations()
        b = SQLiteSearch(store)
        yield b
        store.close()
