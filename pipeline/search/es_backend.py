"""The Elasticsearch search backend: the same query features as SQLite, as ES query bodies.

* keyword: each query item must match — its jieba tokens (``operator: and``) in ``tokens`` or
  ``heading_tokens^2``, or as a substring (``match_phrase`` on the trigram-analysed ``text``,
  boosted low so word matches rank first); a quoted phrase must also match as a phrase; words in
  the document title add a ``should`` boost; filters go in ``bool.filter``; facets are ``terms`` aggs.
* semantic: ``knn`` on a ``dense_vector`` field (``emb_tfidf`` or ``emb_st_<hash>``) with the same
  filters; the TF-IDF model is fitted in Python on the clauses and saved in ``PREFIX-meta``.
* hybrid: reciprocal rank fusion of the two lists — client-side by default (same ``rrf`` as
  SQLite, works on every licence), or the native ``retriever.rrf`` body (``native_rrf=True``).
Highlights come from the same ``text.highlight`` as SQLite, so both backends mark the same words.
"""
from __future__ import annotations

import base64
import hashlib
import threading
from typing import Any

import numpy as np

from ..store.elasticsearch import ElasticsearchStore, filter_clauses
from .base import FACET_KEYS, RRF_K, Hit, SearchBackend, SearchError, SearchQuery, SearchResult, rrf, split_clause_ref
from .columns import FACET_TOP
from .text import ParsedQuery, highlight, parse_query, segmented

POOL = 100
FACET_FIELDS = {"province": "province", "level": "level", "year": "year", "doc_type": "doc_type", "issuer": "issuer",
                "kind": "kind", "unit": "units", "indicator": "indicators", "has_target": "has_target"}
SUBSTRING_BOOST = 0.05
TITLE_BOOST = 0.5
HEADING_BOOST = 2.0


def vector_field(model: str) -> str:
    from .semantic import model_name
    name = model_name(model)
    return "emb_tfidf" if name == "tfidf" else "emb_st_" + hashlib.sha1(name.encode()).hexdigest()[:10]


def keyword_query(pq: ParsedQuery, filters: dict) -> dict:
    """The ``query`` of a keyword search."""
    flt = filter_clauses(filters)
    if pq.empty:
        return {"bool": {"filter": flt}} if flt else {"match_all": {}}
    must = []
    for it in pq.items:
        toks = segmented(it.text)
        options = []
        if toks:
            options.append({"multi_match": {"query": toks, "fields": ["tokens", f"heading_tokens^{HEADING_BOOST}"],
                                            "operator": "and", "type": "cross_fields"}})
        if len(it.text) >= 3:
            options.append({"match_phrase": {"text": {"query": it.text, "boost": SUBSTRING_BOOST}}})
        item_q = {"bool": {"should": options, "minimum_should_match": 1}} if options else {"match_none": {}}
        if it.phrase:
            phrase = ({"match_phrase": {"text": {"query": it.text, "boost": 0}}} if len(it.text) >= 3 else
                      {"match_phrase": {"tokens": {"query": toks, "boost": 0}}})
            item_q = {"bool": {"must": [item_q], "filter": [phrase]}}
        must.append(item_q)
    should = [{"match": {"title_tokens": {"query": segmented(pq.text()), "boost": TITLE_BOOST}}}]
    return {"bool": {"must": must, "filter": flt, "should": should}}


def aggregations() -> dict:
    return {k: {"terms": {"field": f, "size": FACET_TOP}} for k, f in FACET_FIELDS.items()}


def search_body(pq: ParsedQuery, filters: dict, limit: int, offset: int, facets: bool) -> dict:
    body: dict[str, Any] = {"query": keyword_query(pq, filters), "from": offset, "size": limit,
                            "track_total_hits": True, "_source": {"excludes": ["tokens", "heading_tokens", "title_tokens",
                                                                               "emb_*"]}}
    body["sort"] = ["_score", {"doc_id": "asc"}, {"ord": "asc"}] if not pq.empty else [{"doc_id": "asc"}, {"ord": "asc"}]
    if facets:
        body["aggs"] = aggregations()
    return body


def knn_body(field: str, vector: list[float], filters: dict, k: int, exclude_doc: str | None = None) -> dict:
    flt = filter_clauses(filters)
    if exclude_doc:
        flt = flt + [{"bool": {"must_not": [{"term": {"doc_id": exclude_doc}}]}}]
    knn = {"field": field, "query_vector": vector, "k": k, "num_candidates": max(100, 2 * k)}
    if flt:
        knn["filter"] = flt
    return {"knn": knn, "size": k, "_source": {"excludes": ["tokens", "heading_tokens", "title_tokens", "emb_*"]}}


def native_rrf_body(pq: ParsedQuery, filters: dict, field: str, vector: list[float], limit: int, pool: int = POOL) -> dict:
    """The ``retriever.rrf`` body (Elasticsearch ≥ 8.14, licence permitting)."""
    flt = filter_clauses(filters)
    knn = {"field": field, "query_vector": vector, "k": pool, "num_candidates": max(100, 2 * pool)}
    if flt:
        knn["filter"] = flt
    return {"retriever": {"rrf": {"retrievers": [{"standard": {"query": keyword_query(pq, filters)}}, {"knn": knn}],
                                  "rank_window_size": pool, "rank_constant": RRF_K}}, "size": limit}


def ids_facets_body(ids: list[str]) -> dict:
    """Facet aggregations over given clause ids (semantic and hybrid results: a list, not a query)."""
    return {"size": 0, "query": {"ids": {"values": list(ids)}}, "aggs": aggregations()}


def facets_from(aggs: dict | None) -> dict[str, dict[str, int]]:
    out = {k: {} for k in FACET_KEYS}
    for k, a in (aggs or {}).items():
        out[k] = {str(b.get("key_as_string", b["key"])).lower() if k == "has_target" else str(b["key"]): b["doc_count"]
                  for b in a.get("buckets", [])}
    return out


class ElasticsearchSearch(SearchBackend):
    def __init__(self, store: ElasticsearchStore, native_rrf: bool = False):
        self.store = store
        self.es = store.es
        self.native_rrf = native_rrf
        self.lock = threading.RLock()
        self._emb: dict[str, Any] = {}

    def _hits(self, raw: list[dict], pq: ParsedQuery | None, scores: dict | None = None) -> list[Hit]:
        lits = pq.literals if pq else []
        out = []
        for h in raw:
            s = h["_source"]
            out.append(Hit(doc_id=s["doc_id"], source=s.get("source"), title=s.get("title"), clause_id=s["clause_id"],
                           section_id=s.get("section_id"), kind=s.get("kind") or "other", text=s["text"],
                           score=round(float(scores[h["_id"]] if scores else (h.get("_score") or 0.0)), 6),
                           highlight=highlight(s["text"], lits), heading=s.get("heading") or None))
        return out

    def search(self, query: SearchQuery) -> SearchResult:
        query.check()
        pq = parse_query(query.q)
        if query.mode == "keyword" or pq.empty:
            r = self.es.search(index=self.store.index("clauses"),
                               **search_body(pq, query.filters, query.limit, query.offset, query.facets))
            return SearchResult(r["hits"]["total"]["value"], self._hits(r["hits"]["hits"], pq),
                                facets_from(r.get("aggregations")) if query.facets else {}, "keyword")
        field, vec = self._query_vector(query.embed_model, pq.text())
        if query.mode == "semantic":
            k = min(1000, query.offset + query.limit)
            r = self.es.search(index=self.store.index("clauses"), **knn_body(field, vec, query.filters, max(k, 1)))
            raw = r["hits"]["hits"][query.offset:query.offset + query.limit]
            facets = self._facets_of([h["_id"] for h in r["hits"]["hits"]]) if query.facets else {}
            return SearchResult(len(r["hits"]["hits"]), self._hits(raw, pq), facets, "semantic")
        pool = max(POOL, query.offset + query.limit)
        if self.native_rrf:
            r = self.es.search(index=self.store.index("clauses"),
                               **native_rrf_body(pq, query.filters, field, vec, query.offset + query.limit, pool))
            raw = r["hits"]["hits"][query.offset:]
            return SearchResult(r["hits"]["total"]["value"], self._hits(raw, pq), {}, "hybrid")
        kw = self.es.search(index=self.store.index("clauses"), **search_body(pq, query.filters, pool, 0, False))
        sem = self.es.search(index=self.store.index("clauses"), **knn_body(field, vec, query.filters, pool))
        by_id = {h["_id"]: h for h in kw["hits"]["hits"] + sem["hits"]["hits"]}
        fused = rrf([[h["_id"] for h in kw["hits"]["hits"]], [h["_id"] for h in sem["hits"]["hits"]]])
        page = fused[query.offset:query.offset + query.limit]
        facets = self._facets_of([i for i, _ in fused]) if query.facets else {}
        return SearchResult(len(fused), self._hits([by_id[i] for i, _ in page], pq, dict(page)), facets, "hybrid")

    def _facets_of(self, ids: list[str]) -> dict[str, dict[str, int]]:
        if not ids:
            return facets_from(None)
        r = self.es.search(index=self.store.index("clauses"), **ids_facets_body(ids))
        return facets_from(r.get("aggregations"))

    # --- embeddings ------------------------------------------------------------------------

    def _embedder(self, model: str | None):
        from .semantic import DEFAULT_MODEL, SentenceTransformerEmbedder, TfidfEmbedder, model_name
        name = model_name(model)
        with self.lock:
            if name in self._emb:
                return self._emb[name]
            if name == DEFAULT_MODEL:
                r = self.es.options(ignore_status=404).get(index=self.store.index("meta"), id="tfidf")
                if not r.get("found"):
                    raise SearchError(f"{self.store.url}: no TF-IDF model yet; run `zhengce reindex --db {self.store.url}`")
                emb = TfidfEmbedder.from_bytes(base64.b64decode(r["_source"]["blob"]), r["_source"]["meta"])
            elif name == "e5":
                from .semantic import E5Embedder
                emb = E5Embedder()
            else:
                emb = SentenceTransformerEmbedder(name[3:])
            self._emb[name] = emb
            return emb

    def _query_vector(self, model: str | None, text: str) -> tuple[str, list[float]]:
        emb = self._embedder(model)
        vec = emb.encode_query(text) if hasattr(emb, "encode_query") else emb.encode([text])[0]
        return vector_field(model), vec.astype(float).tolist()

    def reindex(self, embed_model: str | None = None, progress=None) -> dict:
        """Fit the TF-IDF model on the clauses (or load a sentence-transformers model) and write vectors."""
        from elasticsearch import helpers

        from .semantic import DEFAULT_MODEL, TFIDF_FIT_MAX, TfidfEmbedder, model_name
        name = model_name(embed_model)
        texts: dict[str, str] = {}
        ids: list[tuple[str, str]] = []
        for h in helpers.scan(self.es, index=self.store.index("clauses"), query={"query": {"match_all": {}}},
                              _source=["text", "text_hash"]):
            texts.setdefault(h["_source"]["text_hash"], h["_source"]["text"])
            ids.append((h["_id"], h["_source"]["text_hash"]))
        if name == DEFAULT_MODEL:   # fitted on a sample beyond TFIDF_FIT_MAX texts, as in SQLite
            emb = TfidfEmbedder.fit([texts[h] for h in sorted(texts)[:TFIDF_FIT_MAX]])
            self.es.index(index=self.store.index("meta"), id="tfidf", refresh=True, document={
                "meta": emb.meta, "blob": base64.b64encode(emb.to_bytes()).decode()})
            self._emb.pop(name, None)
        emb = self._embedder(embed_model)
        field = vector_field(embed_model)
        hashes = list(texts)
        vecs = {}
        for i in range(0, len(hashes), 1024):
            part = hashes[i:i + 1024]
            for h, v in zip(part, emb.encode([texts[x] for x in part])):
                vecs[h] = v.astype(float).tolist()
        self.store.add_vector_field(field, len(next(iter(vecs.values()))) if vecs else emb.dim)
        n = self.store.bulk({"_op_type": "update", "_index": self.store.index("clauses"), "_id": cid,
                             "doc": {field: vecs[h]}} for cid, h in ids)
        self.store.refresh()
        return {"documents": self.store.count(), "clauses": len(ids), "embedded": n, "model": name}

    # --- similar / facets ------------------------------------------------------------------

    def similar(self, clause_ref: str, limit: int = 10, filters: dict | None = None,
                embed_model: str | None = None, other_documents: bool = True) -> SearchResult:
        q = SearchQuery("", "semantic", dict(filters or {}), limit, 0, False, embed_model).check()
        doc_ref, cid = split_clause_ref(clause_ref)
        doc_id = self.store.resolve(doc_ref)
        if not doc_id:
            raise SearchError(f"clause '{clause_ref}': no such document '{doc_ref}'")
        field = vector_field(embed_model)
        r = self.es.options(ignore_status=404).get(index=self.store.index("clauses"), id=f"{doc_id}:{cid}",
                                                    source_includes=[field])
        if not r.get("found"):
            raise SearchError(f"clause '{clause_ref}': document {doc_id} has no clause {cid}")
        vec = r["_source"].get(field)
        if vec is None:
            raise SearchError(f"clause '{clause_ref}': has no embedding; run `zhengce reindex`")
        res = self.es.search(index=self.store.index("clauses"),
                             **knn_body(field, vec, q.filters, limit + 1, doc_id if other_documents else None))
        raw = [h for h in res["hits"]["hits"] if h["_id"] != f"{doc_id}:{cid}"][:limit]
        return SearchResult(len(raw), self._hits(raw, None), {}, "similar")

    def facets(self, filters: dict | None = None) -> dict[str, dict[str, int]]:
        SearchQuery(filters=dict(filters or {})).check()
        r = self.es.search(index=self.store.index("clauses"), size=0, query=keyword_query(ParsedQuery(""), filters or {}),
                           aggs=aggregations())
        return facets_from(r.get("aggregations"))

    def close(self) -> None:
        self.store.close()


def as_float_list(v: np.ndarray) -> list[float]:
    return [float(x) for x in v]
