"""REST: target rows with their documents, and one indicator pivoted across regions."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from zhengce.search_api.rest.common import Api, api, filters, without

router = APIRouter(tags=["targets"])


@router.get("/targets", summary="Target rows (indicator, comparator, value, deadline …)")
def targets(limit: int = Query(100, ge=0, le=1000), offset: int = Query(0, ge=0, le=1_000_000),
            f: dict = Depends(filters), a: Api = Depends(api)) -> dict:
    f = without(f, "kind", "has_target")
    if "year" in f:
        from zhengce.pipeline.search.base import year_range
        f["year_from"], f["year_to"] = year_range(f.pop("year"))
    rows = a.locked(a.store.rows, "targets", **f)
    return {"total": len(rows), "targets": rows[offset:offset + limit]}


@router.get("/indicators", summary="Targets of one indicator across regions (a pivot table)")
def indicators(indicator: str = Query(..., min_length=1, max_length=100),
               pivot: str = Query("region", max_length=20), columns: str = Query("indicator", max_length=20),
               f: dict = Depends(filters), a: Api = Depends(api)) -> dict:
    """Rows are regions (or levels, years, documents); columns indicators, document years, deadlines
    or documents; a cell lists every target in it (``targets``), none dropped (``shared_cells``)."""
    from zhengce.pipeline.compare import indicators as ind
    if pivot not in ind.PIVOTS:
        raise HTTPException(422, f"pivot {pivot!r}: unknown (known: {', '.join(ind.PIVOTS)})")
    if columns not in ind.COLUMN_KEYS:
        raise HTTPException(422, f"columns {columns!r}: unknown (known: {', '.join(ind.COLUMN_KEYS)})")
    recs = a.locked(ind.store_targets, a.store, indicator, **without(f, "kind", "has_target", "indicator"))
    names, rows = ind.pivot_rows(recs, pivot, columns)
    return {"indicator": indicator, "pivot": pivot, "columns": columns, "indicators": names, "rows": rows,
            "shared_cells": ind.shared_cells(names, rows)}
