"""REST: the clause alignment of two documents (parent, implementation)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from zhengce.search_api.rest.common import Api, api

router = APIRouter(tags=["compare"])


@router.get("/compare", summary="Align the clauses of two documents (parent, implementation)")
def compare(a: str = Query(..., max_length=200), b: str = Query(..., max_length=200),
            threshold: float = Query(0.5, gt=0, lt=1), diff: bool = True, api_: Api = Depends(api)) -> dict:
    from zhengce.pipeline.compare.align import AlignConfig, compare_records
    ra, rb = api_.record(a), api_.record(b)
    cfg = AlignConfig(threshold=threshold, moved_threshold=max(threshold, AlignConfig.moved_threshold))
    return compare_records(ra, rb, cfg).to_dict(diff=diff)
