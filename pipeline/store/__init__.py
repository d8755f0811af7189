"""Storage backends behind one small interface (``base.Store``).  ``open_store(url)`` picks one:
a path or ``sqlite:///path`` → SQLite (the embedded default), ``http(s)://…`` → Elasticsearch."""
from __future__ import annotations

from .base import Store, StoreError


def open_store(location: str, *, create: bool = True, readonly: bool = False) -> Store:
    if location.startswith(("http://", "https://")):
        from .elasticsearch import ElasticsearchStore
        return ElasticsearchStore(location)
    from .sqlite import SQLiteStore
    path = location[len("sqlite:///"):] if location.startswith("sqlite:///") else location
    return SQLiteStore(path, create=create, readonly=readonly)


__all__ = ["Store", "StoreError", "open_store"]
