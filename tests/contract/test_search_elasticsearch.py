"""The search contract against Elasticsearch: runs when ZHENGCE_ES_URL points at a cluster
(see docs/search.md for a Docker one-liner), skipped otherwise."""
from __future__ import annotations

import os
import uuid

import pytest

from contract.test_search_contract import SearchContract, contract_records

ES_URL = os.environ.get("ZHENGCE_ES_URL")
pytestmark = pytest.mark.skipif(not ES_URL, reason="ZHENGCE_ES_URL is not set: no Elasticsearch cluster to test against")


class TestElasticsearchSearch(SearchContract):
    @pytest.fixture(scope="class")
    @classmethod
    def backend(cls):
        pytest.importorskip("elasticsearch")
        from zhengce.pipeline.search.es_backend import ElasticsearchSearch
        from zhengce.pipeline.store.elasticsearch import ElasticsearchStore
        store = ElasticsearchStore(ES_URL.rstrip("/") + f"/zhengce-test-{uuid.uuid4().hex[:8]}")
        try:
            for i, rec in enumerate(contract_records()):
                store.put(rec, f"/docs/{i}.txt", f"hash-{i}", "txt")
            b = ElasticsearchSearch(store)
            b.reindex()
            yield b
        finally:
            store.drop()
            store.close()
