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


def open_search(location, *, readonly: bool = False, sync: bool = True) -> SearchBackend:
    from .sqlite_backend import open_search as _open
    return _open(location, readonly=readonly, sync=sync)


__all__ = ["FACET_KEYS", "MODES", "Hit", "SearchBackend", "SearchError", "SearchQuery", "SearchResult", "open_search",
           "rrf", "split_clause_ref"]
