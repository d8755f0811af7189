"""REST: one document's record, its clauses, its family (citations and implementations)."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Path, Query

from zhengce.search_api.rest.common import Api, api

router = APIRouter(tags=["documents"])


@router.get("/documents/{doc_id}", summary="One full record")
def document(doc_id: str = Path(..., max_length=200), a: Api = Depends(api)) -> dict:
    return a.record(doc_id)


@router.get("/documents/{doc_id}/clauses", summary="The clauses of one document")
def clauses(doc_id: str = Path(..., max_length=200), kind: Optional[str] = Query(None, max_length=200),
            a: Api = Depends(api)) -> list[dict]:
    return a.locked(a.store.rows, "clauses", doc_id=a.resolve(doc_id), kind=kind)


@router.get("/family/{doc_id}", summary="A policy's family: citations and uncited implementations")
def family_of(doc_id: str = Path(..., max_length=200), reuse: bool = True,
              min_share: float = Query(0.2, ge=0, le=1), a: Api = Depends(api)) -> dict:
    from zhengce.pipeline.compare.lineage import family
    return a.locked(family, a.store, a.resolve(doc_id), reuse=reuse, min_share=min_share)
