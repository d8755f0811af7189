"""REST: clause search, facet counts, similar clauses."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from zhengce.pipeline.search import SearchQuery
from zhengce.pipeline.search.base import MAX_LIMIT, MAX_OFFSET
from zhengce.pipeline.search.text import MAX_QUERY_CHARS
from zhengce.search_api.rest.common import Api, Mode, api, filters

router = APIRouter(tags=["search"])


@router.get("/search", summary="Search clauses")
def search(q: str = Query("", max_length=MAX_QUERY_CHARS, description="words and \"phrases\"; no syntax"),
           mode: Mode = Mode.keyword, limit: int = Query(10, ge=0, le=MAX_LIMIT),
           offset: int = Query(0, ge=0, le=MAX_OFFSET), facets: bool = True,
           f: dict = Depends(filters), a: Api = Depends(api)) -> dict:
    res = a.backend.search(SearchQuery(q, mode.value, f, limit, offset, facets, a.embed_model))
    return res.as_dict()


@router.get("/facets", summary="Facet counts over clauses matching the filters")
def facets(f: dict = Depends(filters), a: Api = Depends(api)) -> dict:
    return a.backend.facets(f)


@router.get("/similar/{clause_id}", summary="Clauses nearest to a clause (DOCID:cN), in other documents")
def similar(clause_id: str = Path(..., max_length=200, description="DOCID:cN (DOCID may be a unique prefix)"),
            limit: int = Query(10, ge=1, le=MAX_LIMIT), same_document: bool = False,
            f: dict = Depends(filters), a: Api = Depends(api)) -> dict:
    from zhengce.pipeline.search.base import split_clause_ref
    doc_ref, cid = split_clause_ref(clause_id)  # SearchError → 422 when malformed
    did = a.resolve(doc_ref)
    if not any(r["id"] == cid for r in a.locked(a.store.rows, "clauses", doc_id=did)):
        raise HTTPException(404, f"document {did} has no clause {cid}")
    return a.backend.similar(f"{did}:{cid}", limit, f, a.embed_model, other_documents=not same_document).as_dict()
