"""The storage interface every backend implements (and tests/contract runs against)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Iterator

FILTER_KEYS = ("region", "province", "city", "county", "level", "year", "year_from", "year_to", "issuer",
               "doc_type", "kind", "unit", "has_target", "indicator", "doc_id")


class StoreError(Exception):
    """A store that cannot be opened or used: one-line reason."""


class Store(ABC):
    """Documents in, rows and records out.  Every write of one document is atomic."""

    # put() reads a record's item lists as any sequence (``model.PackedItems``: a long text's items
    # kept pickled); a store without it is given plain lists
    item_sequences = False

    @abstractmethod
    def put(self, record: dict, source: str, content_hash: str, fmt: str) -> str:
        """Store (or replace) a record coming from ``source``; returns 'ingested' or 'unchanged'."""

    @abstractmethod
    def source_hash(self, source: str) -> str | None:
        """The content hash stored for a source path, or None."""

    @abstractmethod
    def get(self, doc_id: str) -> dict | None:
        """The full record of a document."""

    @abstractmethod
    def resolve(self, ref: str) -> str | None:
        """A doc_id from a doc_id, a source path or a unique doc_id prefix."""

    @abstractmethod
    def documents(self, **filters: Any) -> list[dict]:
        """Document rows (no text) matching filters."""

    @abstractmethod
    def rows(self, table: str, **filters: Any) -> list[dict]:
        """Rows of clauses / targets / responsibilities / sections / citations / time_expressions."""

    def records(self, **filters: Any) -> Iterator[dict]:
        """Full records matching filters (backends may stream them more cleverly)."""
        for d in self.documents(**filters):
            rec = self.get(d["doc_id"])
            if rec:
                yield rec

    @abstractmethod
    def sources(self, doc_id: str) -> list[str]:
        """Every source path a document came from."""

    @abstractmethod
    def count(self) -> int:
        """Number of documents."""

    @abstractmethod
    def resolve_citations(self) -> int:
        """Point citations at stored documents (by doc_number, then title); returns how many resolved."""

    def containing(self, phrase: str) -> list[str]:
        """doc_ids of the documents whose text contains ``phrase`` verbatim (backends may index this)."""
        return [r["doc_id"] for r in self.records() if phrase in (r.get("text") or "")]

    def replace(self, record: dict) -> None:
        """Re-store a stored record that a later pass changed (its sources and hashes stay)."""
        raise NotImplementedError(f"{type(self).__name__} cannot replace a record in place")

    def close(self) -> None:  # noqa: B027 - optional
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
