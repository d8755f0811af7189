"""What every REST router shares: the parameter types, the filter set, and ``Api`` (the backend,
its store and lock) that a route gets with ``Depends(api)``.  ``create_app`` puts one ``Api`` on
``app.state.api``; nothing here opens a store."""
from __future__ import annotations

from enum import Enum
from typing import Any, Optional

from fastapi import HTTPException, Query, Request


class Mode(str, Enum):
    keyword = "keyword"
    semantic = "semantic"
    hybrid = "hybrid"


class Level(str, Enum):
    national = "national"
    provincial = "provincial"
    municipal = "municipal"
    county = "county"


YEAR = r"^\s*(\d{4})?\s*(-|–|—|\.\.)?\s*(\d{4})?\s*$"
TEXT = dict(max_length=200)


def filters(region: Optional[str] = Query(None, **TEXT, description="province, city, county or region code"),
            province: Optional[str] = Query(None, **TEXT), city: Optional[str] = Query(None, **TEXT),
            county: Optional[str] = Query(None, **TEXT), level: Optional[Level] = None,
            year: Optional[str] = Query(None, max_length=20, pattern=YEAR, description="2021, 2019-2022, 2020-, -2020"),
            issuer: Optional[str] = Query(None, **TEXT), doc_type: Optional[str] = Query(None, **TEXT),
            kind: Optional[str] = Query(None, **TEXT, description="clause kind(s), comma-separated"),
            unit: Optional[str] = Query(None, **TEXT, description="responsible unit (substring)"),
            indicator: Optional[str] = Query(None, **TEXT, description="target indicator (substring)"),
            has_target: Optional[bool] = None, doc_id: Optional[str] = Query(None, **TEXT)) -> dict[str, Any]:
    out = {"region": region, "province": province, "city": city, "county": county,
           "level": level.value if level else None, "year": year, "issuer": issuer, "doc_type": doc_type,
           "kind": kind, "unit": unit, "indicator": indicator,
           "has_target": None if has_target is None else str(has_target).lower(), "doc_id": doc_id}
    return {k: v for k, v in out.items() if v not in (None, "")}


def without(f: dict, *keys: str) -> dict:
    """The filters minus those a route does not apply (``kind`` on targets, …)."""
    return {k: v for k, v in f.items() if k not in keys}


class Api:
    """The search backend of one app, its store, the lock around the store, the embedding model."""

    def __init__(self, backend, embed_model: str | None = None):
        self.backend = backend
        self.store = backend.store
        self.lock = getattr(backend, "lock", None)
        self.embed_model = embed_model

    def locked(self, fn, *a, **kw):
        if self.lock is None:
            return fn(*a, **kw)
        with self.lock:
            return fn(*a, **kw)

    def resolve(self, doc_ref: str) -> str:
        """A doc_id or a unique prefix of one → the doc_id; 404 otherwise."""
        if any(ord(ch) < 32 for ch in doc_ref):  # SQLiteStore.resolve raises ValueError on NUL bytes
            raise HTTPException(404, f"no such document: {doc_ref!r}")
        doc_id = self.locked(self.store.resolve, doc_ref)
        if not doc_id:
            raise HTTPException(404, f"no such document: {doc_ref}")
        return doc_id

    def record(self, doc_ref: str) -> dict:
        rec = self.locked(self.store.get, self.resolve(doc_ref))
        if rec is None:
            raise HTTPException(404, f"no such document: {doc_ref}")
        return rec


def api(request: Request) -> Api:
    return request.app.state.api
