"""UI: 目标指标 — a filterable table of targets with a bar chart per indicator, as CSV and XLSX too."""
from __future__ import annotations

import csv
import io
from collections import OrderedDict
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from zhengce.search_api.ui.render import (LEVEL_LABELS, MAX_TABLE_ROWS, TARGET_COLUMNS, bar_chart, query_filters,
                                          region_label, short_region)
from zhengce.search_api.ui.state import UI, page, ui

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def target_rows(request: Request, u: UI) -> list[dict]:
    f = {k: v for k, v in query_filters(request).items() if k not in ("kind", "has_target", "unit")}
    if "year" in f:
        from zhengce.pipeline.search.base import SearchError, year_range
        try:
            year_range(f["year"])       # the store reads the same grammar
        except SearchError:
            raise HTTPException(422, f"年份格式不对：{f['year']}（例：2021 或 2019-2022）")
    if f.get("level") and f["level"] not in LEVEL_LABELS:
        f.pop("level")
    from zhengce.pipeline.compare.indicators import target_records
    rows = target_records(u.call(u.store.rows, "targets", **f))    # + document: a title, never a hash
    for r in rows:
        r["region"] = region_label(r)
    return rows


PIVOT_LABELS = {"region": "地区", "level": "层级", "year": "文件年份", "doc": "文件"}
COLUMN_LABELS = {"indicator": "指标", "year": "指标 × 文件年份", "deadline": "指标 × 期限", "document": "指标 × 文件"}


def pivot_table(rows: list[dict], pivot: str, columns: str) -> dict | None:
    """The pivot the CLI prints (``zhengce targets --pivot … --columns …``): every target of a cell
    listed with its document and year, none dropped."""
    from zhengce.pipeline.compare import indicators as ind
    if pivot not in PIVOT_LABELS or columns not in COLUMN_LABELS or not rows:
        return None
    labels, prow = ind.pivot_rows(rows, pivot, columns)
    document = columns != "document" and pivot != "doc"
    return {"pivot": pivot, "labels": labels[:40], "more": max(0, len(labels) - 40),
            "rows": [{"key": r[pivot], "cells": [ind.format_cell(r.get(l), document=document) for l in labels[:40]]}
                     for r in prow[:MAX_TABLE_ROWS]],
            "shared": ind.shared_cells(labels, prow)}


def charts(rows: list[dict]) -> list[dict]:
    """One bar chart per indicator held by two or more targets, most documents first (24 at most)."""
    groups: dict[tuple, list[dict]] = OrderedDict()
    for r in rows:
        if r.get("indicator") and r.get("value") is not None:
            groups.setdefault((r["indicator"], r.get("unit") or ""), []).append(r)
    out = []
    for (ind, unit), rs in sorted(groups.items(), key=lambda kv: (-len({x["doc_id"] for x in kv[1]}), kv[0])):
        if len(rs) < 2:
            continue
        bars = [{"label": (short_region(r) or "（未知地区）") + (f" {r['year']}" if r.get("year") else ""),
                 "value": float(r["value"]), "value_max": r.get("value_max"),
                 "href": f"/doc/{r['doc_id']}#{r.get('clause_id') or ''}"} for r in rs[:20]]
        out.append({"indicator": ind, "unit": unit, "n": len(rs), "svg": bar_chart(bars, unit)})
        if len(out) >= 24:
            break
    return out


@router.get("/target-table", response_class=HTMLResponse)
def targets_page(request: Request, u: UI = Depends(ui)):
    rows = target_rows(request, u)
    docs = u.documents()
    params = {k: request.query_params.get(k) for k in ("indicator", "region", "level", "year", "doc_type")}
    pivot, columns = request.query_params.get("pivot") or "", request.query_params.get("columns") or "indicator"
    return page(request, "targets.html", {
        "title": "目标指标", "nav": "targets", "rows": rows[:MAX_TABLE_ROWS], "total": len(rows),
        "pivot": pivot_table(rows, pivot, columns), "pivot_key": pivot, "columns_key": columns,
        "PIVOT_LABELS": PIVOT_LABELS, "COLUMN_LABELS": COLUMN_LABELS,
        "truncated": len(rows) > MAX_TABLE_ROWS, "charts": charts(rows), "params": params,
        "qs": urlencode({k: v for k, v in params.items() if v}),
        "provinces": sorted({d["province"] for d in docs if d.get("province")}),
        "doc_types": sorted({d["doc_type"] for d in docs if d.get("doc_type")})})


def _table(rows: list[dict]) -> list[list[Any]]:
    return [[r.get(k) for k, _ in TARGET_COLUMNS] for r in rows]


def _download(data: bytes, media_type: str, name: str) -> Response:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f"attachment; filename={name}"})


@router.get("/target-table.csv")
def targets_csv(request: Request, u: UI = Depends(ui)):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([label for _, label in TARGET_COLUMNS])
    w.writerows(_table(target_rows(request, u)))
    return _download(("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", "targets.csv")


@router.get("/target-table.xlsx")
def targets_xlsx(request: Request, u: UI = Depends(ui)):
    import openpyxl
    rows = target_rows(request, u)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "targets"
    ws.append([label for _, label in TARGET_COLUMNS])
    for row in _table(rows):
        ws.append([v[:32000] if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return _download(buf.getvalue(), XLSX, "targets.xlsx")
