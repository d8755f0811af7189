"""The search-backend interface: one query object in, one result object out, for every backend."""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from ..store.base import FILTER_KEYS, StoreError  # noqa: F401 - StoreError: search errors are store errors
from ..store.filters import CLAUSE_KINDS, SearchError, check_filters, truthy, year_range  # noqa: F401 - re-exported

MODES = ("keyword", "semantic", "hybrid")
MAX_LIMIT = 200
MAX_OFFSET = 10_000
FACET_KEYS = ("province", "level", "year", "doc_type", "issuer", "kind", "unit", "indicator", "has_target")
RRF_K = 60


@dataclass
class SearchQuery:
    q: str = ""
    mode: str = "keyword"
    filters: dict[str, Any] = field(default_factory=dict)
    limit: int = 10
    offset: int = 0
    facets: bool = True
    embed_model: Optional[str] = None   # None → ZHENGCE_EMBED_MODEL or the TF-IDF default

    def check(self) -> "SearchQuery":
        if self.mode not in MODES:
            raise SearchError(f"unknown mode '{self.mode}' (known: {', '.join(MODES)})")
        for k in self.filters:
            if k not in FILTER_KEYS:
                raise SearchError(f"unknown filter '{k}' (known: {', '.join(FILTER_KEYS)})")
        self.filters = {k: v for k, v in self.filters.items() if v is not None and v != ""}
        check_filters(self.filters)
        if not isinstance(self.limit, int) or not 0 <= self.limit <= MAX_LIMIT:
            raise SearchError(f"limit {self.limit}: must be between 0 and {MAX_LIMIT}")
        if not isinstance(self.offset, int) or not 0 <= self.offset <= MAX_OFFSET:
            raise SearchError(f"offset {self.offset}: must be between 0 and {MAX_OFFSET}")
        return self


@dataclass
class Hit:
    doc_id: str
    source: Optional[str]
    title: Optional[str]
    clause_id: str
    section_id: Optional[str]
    kind: str
    text: str
    score: float
    highlight: str
    heading: Optional[str] = None
    matched_by: Optional[str] = None   # keyword: "words" (jieba) or "substring" (trigram fallback)
    # a hit is a sentence unit (a sentence or list item, its labels included): its clauses, and the
    # one that matched the query best (clause_id / kind / clause_text, at clause_span in text)
    clause_ids: list[str] = field(default_factory=list)
    clause_span: Optional[list[int]] = None
    clause_text: Optional[str] = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    mode: str = "keyword"
    # "all": hits hold every word of the query (or a synonym of it); "some": nothing did, so the hits
    # hold only some of the words; "none": nothing matched; None: not a word query (browse, similar)
    matched: Optional[str] = None
    dropped: list[str] = field(default_factory=list)    # question / filler words left out of the query
    expanded: list[str] = field(default_factory=list)   # synonyms the query was expanded with

    def as_dict(self) -> dict:
        return {"total": self.total, "hits": [h.as_dict() for h in self.hits], "facets": self.facets,
                "mode": self.mode, "matched": self.matched,
                "query": {"dropped": self.dropped, "expanded": self.expanded}}

    def note(self) -> str | None:
        """One line for people when the query was not matched as typed (None otherwise)."""
        parts = []
        if self.matched == "some":
            parts.append("no clause holds every word of the query: these hold only some of them")
        if self.dropped:
            parts.append("left out: " + " ".join(self.dropped))
        if self.expanded:
            parts.append("also searched: " + " ".join(self.expanded))
        return "; ".join(parts) or None


_CLAUSE_REF = re.compile(r"^(?P<doc>[^:#\s]+)[:#](?P<cid>c\d+)$")


def per_generation(cache: dict, lock, key: str, generation: int, build):
    """``cache[key]``'s value when it was built at this index generation, else ``build()`` (once,
    under the lock, however many threads ask)."""
    hit = cache.get(key)
    if hit and hit[0] == generation:
        return hit[1]
    with lock:
        hit = cache.get(key)
        if hit and hit[0] == generation:
            return hit[1]
        value = build()
        cache[key] = (generation, value)
        return value


def split_clause_ref(ref: str) -> tuple[str, str]:
    """``DOCID:c12`` or ``DOCID#c12`` → (DOCID, c12); SearchError otherwise."""
    m = _CLAUSE_REF.match((ref or "").strip())
    if not m:
        raise SearchError(f"clause '{ref}': expected DOCID:cN or DOCID#cN (clause ids are per document)")
    return m.group("doc"), m.group("cid")


def rrf(rankings: list[list[Any]], k: int = RRF_K, weights: list[float] | None = None) -> list[tuple[Any, float]]:
    """Reciprocal rank fusion: score(x) = Σ w_i / (k + rank_i(x)), ranks from 1; ties keep first-seen order."""
    scores: dict[Any, float] = {}
    for i, ranking in enumerate(rankings):
        w = weights[i] if weights else 1.0
        for rank, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


class SearchBackend(ABC):
    """Clause search over a store: keyword, semantic and hybrid, with filters and facets."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query (``query.check()`` first)."""

    @abstractmethod
    def similar(self, clause_ref: str, limit: int = 10, filters: dict | None = None,
                embed_model: str | None = None, other_documents: bool = True) -> SearchResult:
        """Clauses nearest to a stored clause (``DOCID:cN``), by default only in other documents."""

    @abstractmethod
    def facets(self, filters: dict | None = None) -> dict[str, dict[str, int]]:
        """Facet counts over all clauses matching filters."""

    def sync(self) -> int:  # noqa: B027 - optional
        """Bring the index up to date with the store; returns the number of documents (re)indexed."""
        return 0

    def close(self) -> None:  # noqa: B027 - optional
        pass
