"""The Python API for notebooks::

    import zhengce
    c = zhengce.open("corpus.db")
    c.documents(level="county")
    c.targets(region="太原市", indicator="毛入园率")
    c.clauses(kind="obligation", unit="市教育局")

Tables come back as pandas DataFrames; ``c.record(doc)`` gives one full record.
"""
from __future__ import annotations

from zhengce.pipeline.export import dataframe
from zhengce.pipeline.store import open_store


class Corpus:
    def __init__(self, location: str):
        self.store = open_store(str(location), create=False)

    def documents(self, **filters):
        return dataframe(self.store, "documents", **filters)

    def clauses(self, **filters):
        return dataframe(self.store, "clauses", **filters)

    def targets(self, **filters):
        return dataframe(self.store, "targets", **filters)

    def responsibilities(self, **filters):
        return dataframe(self.store, "responsibilities", **filters)

    def record(self, doc: str) -> dict | None:
        doc_id = self.store.resolve(doc)
        return self.store.get(doc_id) if doc_id else None

    def close(self):
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<zhengce.Corpus {getattr(self.store, 'path', '')} ({self.store.count()} documents)>"


def open(location: str) -> Corpus:  # noqa: A001 - zhengce.open mirrors sqlite3.connect's spirit
    return Corpus(location)
