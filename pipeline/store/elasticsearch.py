"""The Elasticsearch store, for corpora beyond one machine (official ``elasticsearch`` client, 8.x).

``open_store("http://host:9200/PREFIX")`` → indices ``PREFIX-documents`` (one per document: the
filterable metadata as keywords, the full record stored unindexed), ``PREFIX-sources`` (source →
doc_id, content hash), ``PREFIX-clauses`` (one per clause: jieba-segmented text in a
whitespace-analysed field, a trigram field for substrings, keyword fields for every filter,
``dense_vector`` fields for embeddings) and ``PREFIX-meta`` (fitted TF-IDF model).  PREFIX defaults
to ``zhengce``.  When the cluster has the ``analysis-smartcn`` or ``analysis-ik`` plugin, the raw
text also gets a ``text.smartcn`` / ``text.ik`` sub-field.

Writes go through ``helpers.streaming_bulk`` with retries (429s and timeouts back off and retry);
``put`` replaces a document's clauses (delete-by-query, then bulk) and refreshes, so a read after a
write sees it.  The mapping and every query body come from pure functions, unit-tested without a
cluster (tests/test_search_es.py); the contract suite runs when ``ZHENGCE_ES_URL`` is set.
"""
from __future__ import annotations

import json
import time
from typing import Any, Iterator
from urllib.parse import urlparse

from .base import FILTER_KEYS, Store, StoreError
from .filters import check_filters, truthy, year_range
from .textunits import clause_rows, segmented

DEFAULT_PREFIX = "zhengce"
BULK_CHUNK = 500
BULK_RETRIES = 5
KEYWORD_FIELDS = ("doc_id", "province", "city", "county", "region_code", "level", "doc_type", "issuer", "issuers",
                  "kind", "units", "indicators", "clause_id", "section_id", "source", "doc_number")


def analysis_settings() -> dict:
    return {"analysis": {
        "tokenizer": {"zh_trigram": {"type": "ngram", "min_gram": 3, "max_gram": 3, "token_chars": []}},
        "analyzer": {
            "zh_tokens": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
            "zh_trigram": {"type": "custom", "tokenizer": "zh_trigram", "filter": ["lowercase"]},
        }}, "index": {"max_ngram_diff": 0}}


def clause_mapping(vector_dims: dict[str, int] | None = None, plugins: tuple[str, ...] = ()) -> dict:
    """Mapping of the clauses index.  ``vector_dims``: embedding field name → dimensions."""
    text_fields: dict[str, Any] = {}
    if "analysis-smartcn" in plugins:
        text_fields["smartcn"] = {"type": "text", "analyzer": "smartcn"}
    if "analysis-ik" in plugins:
        text_fields["ik"] = {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"}
    props: dict[str, Any] = {
        "text": {"type": "text", "analyzer": "zh_trigram", **({"fields": text_fields} if text_fields else {})},
        "tokens": {"type": "text", "analyzer": "zh_tokens", "similarity": "BM25"},
        "heading": {"type": "keyword", "index": False},
        "heading_tokens": {"type": "text", "analyzer": "zh_tokens"},
        "title": {"type": "keyword", "ignore_above": 512},
        "title_tokens": {"type": "text", "analyzer": "zh_tokens"},
        "year": {"type": "integer"},
        "has_target": {"type": "boolean"},
        "ord": {"type": "integer"},
        "text_hash": {"type": "keyword"},
    }
    for f in KEYWORD_FIELDS:
        props.setdefault(f, {"type": "keyword"})
    for name, dims in (vector_dims or {}).items():
        props[name] = {"type": "dense_vector", "dims": int(dims), "index": True, "similarity": "cosine"}
    return {"dynamic": "strict", "properties": props}


def document_mapping() -> dict:
    props = {f: {"type": "keyword"} for f in ("doc_id", "province", "city", "county", "region_code", "level",
                                             "doc_type", "issuer", "issuers", "doc_number", "kinds", "units",
                                             "indicators", "flags")}
    props.update({"title": {"type": "keyword", "ignore_above": 512}, "notice_title": {"type": "keyword", "ignore_above": 512},
                  "year": {"type": "integer"}, "signed_date": {"type": "keyword"}, "published_date": {"type": "keyword"},
                  "n_sections": {"type": "integer"}, "n_clauses": {"type": "integer"}, "n_targets": {"type": "integer"},
                  "ingested_at": {"type": "double"}, "record": {"type": "object", "enabled": False}})
    return {"dynamic": "strict", "properties": props}


def source_mapping() -> dict:
    return {"dynamic": "strict", "properties": {"source": {"type": "keyword"}, "doc_id": {"type": "keyword"},
                                                "format": {"type": "keyword"}, "content_hash": {"type": "keyword"},
                                                "ingested_at": {"type": "double"}}}


def meta_mapping() -> dict:
    return {"dynamic": "strict", "properties": {"meta": {"type": "object", "enabled": False},
                                                "blob": {"type": "binary"}}}


def _like(field: str, value: str) -> dict:
    return {"wildcard": {field: {"value": f"*{_wild(value)}*", "case_insensitive": True}}}


def _wild(s: str) -> str:
    return str(s).replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def filter_clauses(filters: dict[str, Any], doc_level: bool = False) -> list[dict]:
    """ES filter clauses for the FILTER_KEYS (same meaning as the SQLite store's)."""
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    for k in filters:
        if k not in FILTER_KEYS:
            raise StoreError(f"unknown filter '{k}' (known: {', '.join(FILTER_KEYS)})")
    check_filters(filters)
    out: list[dict] = []
    for key, value in filters.items():
        if key == "region":
            out.append({"bool": {"should": [{"term": {f: value}} for f in ("province", "city", "county", "region_code")],
                                 "minimum_should_match": 1}})
        elif key in ("province", "city", "county", "level", "doc_type", "doc_id"):
            out.append({"term": {key: value}})
        elif key == "year":
            lo, hi = year_range(value)
            out.append({"range": {"year": {"gte": lo, "lte": hi}}})
        elif key == "year_from":
            out.append({"range": {"year": {"gte": int(value)}}})
        elif key == "year_to":
            out.append({"range": {"year": {"lte": int(value)}}})
        elif key == "issuer":
            out.append(_like("issuers", value))
        elif key == "kind":
            kinds = [k.strip() for k in str(value).split(",") if k.strip()]
            out.append({"terms": {"kinds" if doc_level else "kind": kinds}})
        elif key == "unit":
            out.append(_like("units", value))
        elif key == "indicator":
            out.append(_like("indicators", value))
        elif key == "has_target":
            if doc_level:
                out.append({"range": {"n_targets": {"gt": 0}}} if truthy(value) else {"term": {"n_targets": 0}})
            else:
                out.append({"term": {"has_target": truthy(value)}})
    return out


def document_source(rec: dict, now: float) -> dict:
    m = rec.get("metadata") or {}
    r = m.get("region") or {}
    date = m.get("signed_date") or m.get("published_date")
    rows = list(clause_rows(rec))
    return {"doc_id": rec["doc_id"], "title": m.get("title"), "notice_title": m.get("notice_title"),
            "doc_number": m.get("doc_number"), "issuers": m.get("issuers") or [], "issuer": (m.get("issuers") or [None])[0],
            "signed_date": m.get("signed_date"), "published_date": m.get("published_date"),
            "year": int(date[:4]) if date else None, "doc_type": m.get("doc_type"), "province": r.get("province"),
            "city": r.get("city"), "county": r.get("county"), "region_code": r.get("code"), "level": m.get("level"),
            "flags": (rec.get("quality") or {}).get("flags", []), "n_sections": len(rec.get("sections", [])),
            "n_clauses": len(rec.get("clauses", [])), "n_targets": len(rec.get("targets", [])),
            "kinds": sorted({x["kind"] for x in rows}), "units": sorted({u for x in rows for u in x["units"]}),
            "indicators": sorted({t.get("indicator") for t in rec.get("targets", []) if t.get("indicator")}),
            "ingested_at": now, "record": rec}


def clause_sources(rec: dict, doc: dict, source: str | None) -> Iterator[tuple[str, dict]]:
    """(_id, _source) of each clause of a record, pre-segmented with jieba."""
    title_tokens = segmented(doc.get("title") or "")
    for row in clause_rows(rec):
        yield f"{rec['doc_id']}:{row['clause_id']}", {
            "doc_id": rec["doc_id"], "clause_id": row["clause_id"], "section_id": row["section_id"],
            "kind": row["kind"], "text": row["text"], "tokens": segmented(row["text"]), "heading": row["heading"],
            "heading_tokens": segmented(row["heading"]), "title": doc.get("title"), "title_tokens": title_tokens,
            "source": source, "doc_number": doc.get("doc_number"), "province": doc.get("province"),
            "city": doc.get("city"), "county": doc.get("county"), "region_code": doc.get("region_code"),
            "level": doc.get("level"), "year": doc.get("year"), "doc_type": doc.get("doc_type"),
            "issuer": doc.get("issuer"), "issuers": doc.get("issuers"), "units": row["units"],
            "indicators": row["indicators"], "has_target": bool(row["has_target"]), "ord": row["ord"],
            "text_hash": row["text_hash"]}


class ElasticsearchStore(Store):
    def __init__(self, url: str, *, client=None, prefix: str | None = None, create: bool = True):
        try:
            from elasticsearch import Elasticsearch
        except ImportError:
            raise StoreError(f"{url}: the elasticsearch client is not installed (pip install elasticsearch)") from None
        u = urlparse(url)
        self.url = url
        self.prefix = (prefix or u.path.strip("/") or DEFAULT_PREFIX).lower()
        host = f"{u.scheme}://{u.hostname}:{u.port or 9200}"
        auth = (u.username, u.password or "") if u.username else None
        self.es = client or Elasticsearch(host, basic_auth=auth, request_timeout=30, max_retries=3, retry_on_timeout=True)
        self.path = url
        if client is None:
            try:
                info = self.es.info()
            except Exception as e:  # noqa: BLE001 - connection refused, auth …
                raise StoreError(f"{url}: cannot reach Elasticsearch ({type(e).__name__}: {str(e)[:160]})") from None
            self.version = info.get("version", {}).get("number")
        self.plugins = self._plugins() if client is None else ()
        if create:
            self.ensure_indices()

    # --- indices ---------------------------------------------------------------------------

    def index(self, name: str) -> str:
        return f"{self.prefix}-{name}"

    def _plugins(self) -> tuple[str, ...]:
        try:
            return tuple(sorted({p["component"] for p in self.es.cat.plugins(format="json")}))
        except Exception:  # noqa: BLE001
            return ()

    def ensure_indices(self, vector_dims: dict[str, int] | None = None) -> None:
        specs = {"documents": document_mapping(), "sources": source_mapping(), "meta": meta_mapping(),
                 "clauses": clause_mapping(vector_dims, self.plugins)}
        for name, mapping in specs.items():
            idx = self.index(name)
            if not self.es.indices.exists(index=idx):
                self.es.indices.create(index=idx, mappings=mapping,
                                       settings=analysis_settings() if name == "clauses" else {})

    def add_vector_field(self, field: str, dims: int) -> None:
        self.es.indices.put_mapping(index=self.index("clauses"), properties={
            field: {"type": "dense_vector", "dims": int(dims), "index": True, "similarity": "cosine"}})

    def bulk(self, actions) -> int:
        """streaming_bulk with retries on 429 / timeouts; StoreError listing the first failures."""
        from elasticsearch import helpers
        ok, errors = 0, []
        for success, info in helpers.streaming_bulk(self.es, actions, chunk_size=BULK_CHUNK, max_retries=BULK_RETRIES,
                                                    initial_backoff=1, max_backoff=30, raise_on_error=False,
                                                    raise_on_exception=True, retry_on_status=(429, 502, 503, 504)):
            if success:
                ok += 1
            else:
                errors.append(info)
        if errors:
            raise StoreError(f"{self.url}: {len(errors)} bulk actions failed, e.g. {json.dumps(errors[0], ensure_ascii=False)[:300]}")
        return ok

    def refresh(self) -> None:
        for n in ("documents", "sources", "clauses"):
            self.es.indices.refresh(index=self.index(n))

    # --- writing ---------------------------------------------------------------------------

    def source_hash(self, source: str) -> str | None:
        r = self.es.options(ignore_status=404).get(index=self.index("sources"), id=source)
        return r["_source"]["content_hash"] if r.get("found") else None

    def put(self, record: dict, source: str, content_hash: str, fmt: str) -> str:
        doc_id = record["doc_id"]
        old = self.es.options(ignore_status=404).get(index=self.index("sources"), id=source)
        if old.get("found") and old["_source"]["content_hash"] == content_hash and old["_source"]["doc_id"] == doc_id:
            return "unchanged"
        now = time.time()
        self.es.index(index=self.index("sources"), id=source, document={
            "source": source, "doc_id": doc_id, "format": fmt, "content_hash": content_hash, "ingested_at": now},
            refresh="wait_for")
        if old.get("found") and old["_source"]["doc_id"] != doc_id:
            left = self.es.count(index=self.index("sources"), query={"term": {"doc_id": old["_source"]["doc_id"]}})
            if not left["count"]:
                self._delete_doc(old["_source"]["doc_id"])
        self._write(record, now, min(self.sources(doc_id) or [source]))
        return "ingested"

    def replace(self, record: dict) -> None:
        self._write(record, time.time(), min(self.sources(record["doc_id"]) or [""]))

    def _write(self, record: dict, now: float, first_source: str) -> None:
        """The document and its clauses, replacing what was stored under its doc_id."""
        doc_id = record["doc_id"]
        self._delete_doc(doc_id)
        doc = document_source(record, now)
        actions = [{"_op_type": "index", "_index": self.index("documents"), "_id": doc_id, "_source": doc}]
        actions += [{"_op_type": "index", "_index": self.index("clauses"), "_id": cid, "_source": src}
                    for cid, src in clause_sources(record, doc, first_source)]
        self.bulk(actions)
        self.refresh()

    def _delete_doc(self, doc_id: str) -> None:
        self.es.options(ignore_status=404).delete(index=self.index("documents"), id=doc_id)
        self.es.delete_by_query(index=self.index("clauses"), query={"term": {"doc_id": doc_id}}, refresh=True,
                                conflicts="proceed")

    # --- reading ---------------------------------------------------------------------------

    def get(self, doc_id: str) -> dict | None:
        r = self.es.options(ignore_status=404).get(index=self.index("documents"), id=doc_id)
        return r["_source"]["record"] if r.get("found") else None

    def resolve(self, ref: str) -> str | None:
        if not ref:
            return None
        if self.es.options(ignore_status=404).exists(index=self.index("documents"), id=ref):
            return ref
        r = self.es.options(ignore_status=404).get(index=self.index("sources"), id=ref)
        if r.get("found"):
            return r["_source"]["doc_id"]
        hits = self.es.search(index=self.index("sources"), size=2, query={"wildcard": {"source": f"*{_wild(ref)}"}})
        ids = {h["_source"]["doc_id"] for h in hits["hits"]["hits"]}
        if len(ids) == 1:
            return ids.pop()
        hits = self.es.search(index=self.index("documents"), size=2, query={"prefix": {"doc_id": ref}}, source=False)
        if len(hits["hits"]["hits"]) == 1:
            return hits["hits"]["hits"][0]["_id"]
        return None

    def _scan(self, index: str, query: dict, source: Any = True) -> Iterator[dict]:
        from elasticsearch import helpers
        yield from helpers.scan(self.es, index=self.index(index), query={"query": query}, _source=source,
                                preserve_order=False)

    def documents(self, **filters: Any) -> list[dict]:
        q = {"bool": {"filter": filter_clauses(filters, doc_level=True)}}
        out = []
        for h in self._scan("documents", q, {"excludes": ["record", "kinds", "units", "indicators"]}):
            d = h["_source"]
            d["sources"] = self.sources(d["doc_id"])
            out.append(d)
        return sorted(out, key=lambda d: (d.get("year") or 0, d["doc_id"]))

    def rows(self, table: str, **filters: Any) -> list[dict]:
        from .sqlite import ROW_TABLES
        if table not in ROW_TABLES:
            raise StoreError(f"unknown table '{table}' (known: documents, {', '.join(ROW_TABLES)})")
        row_filters = {k: filters.pop(k) for k in ("kind", "unit", "indicator") if k in filters}
        out = []
        for rec in self.records(**filters):
            m = rec["metadata"]
            r = m.get("region") or {}
            date = m.get("signed_date") or m.get("published_date")
            base = {"doc_id": rec["doc_id"], "doc_title": m.get("title"), "province": r.get("province"),
                    "city": r.get("city"), "county": r.get("county"), "level": m.get("level"),
                    "year": int(date[:4]) if date else None, "doc_type": m.get("doc_type")}
            for item in rec.get(table, []):
                row = {**base, **{k: v for k, v in item.items() if k != "span"}}
                row["start"], row["end"] = item["span"]
                if table == "clauses" and row_filters.get("kind") and row["kind"] != row_filters["kind"]:
                    continue
                if table == "responsibilities" and row_filters.get("unit") and row_filters["unit"] not in row["unit"]:
                    continue
                if table == "targets" and row_filters.get("indicator") and row_filters["indicator"] not in (row.get("indicator") or ""):
                    continue
                out.append(row)
        return out

    def sources(self, doc_id: str) -> list[str]:
        return sorted(h["_source"]["source"] for h in self._scan("sources", {"term": {"doc_id": doc_id}}))

    def count(self) -> int:
        return self.es.count(index=self.index("documents"))["count"]

    def resolve_citations(self) -> int:
        """Citations are resolved when read (get) in this backend: nothing stored to update."""
        return 0

    def drop(self) -> None:
        """Delete this prefix's indices (tests)."""
        for n in ("documents", "sources", "clauses", "meta"):
            self.es.options(ignore_status=404).indices.delete(index=self.index(n))

    def close(self) -> None:
        try:
            self.es.close()
        except Exception:  # noqa: BLE001
            pass
