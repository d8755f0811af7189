"""Exports for other tools: JSONL of full records, and flat tables as CSV (UTF-8 with BOM, so
Excel reads Chinese), XLSX (one sheet per table, openpyxl) and Parquet (pyarrow).  Also the
JSON Schema of the record, generated from the pydantic models the pipeline itself uses."""
from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .store.base import Store

TABLES = ("documents", "clauses", "targets", "responsibilities")
COLUMNS = {
    "documents": ["doc_id", "title", "notice_title", "doc_number", "issuers", "signed_date", "published_date", "year",
                  "doc_type", "province", "city", "county", "region_code", "level", "flags", "n_sections",
                  "n_clauses", "n_targets", "sources"],
    "clauses": ["doc_id", "id", "section_id", "kind", "cue", "actors", "deadline", "text", "start", "end",
                "doc_title", "province", "city", "county", "level", "year"],
    "targets": ["doc_id", "clause_id", "indicator", "comparator", "value", "value_max", "unit", "deadline",
                "baseline_value", "baseline_year", "binding", "recurrence", "text", "start", "end",
                "doc_title", "region", "province", "city", "county", "level", "year"],
    "responsibilities": ["doc_id", "unit", "surface", "role", "section_id", "clause_ids", "start", "end",
                         "doc_title", "province", "city", "county", "level", "year"],
}


def table_rows(store: Store, table: str, **filters: Any) -> list[dict]:
    rows = store.documents(**filters) if table == "documents" else store.rows(table, **filters)
    cols = COLUMNS[table]
    if table == "targets":   # the region as `zhengce targets` writes it (山西省/太原市/杏花岭区, （全国）)
        from .compare.indicators import region_label
        rows = [{**r, "region": region_label(r)} for r in rows]
    out = []
    for r in rows:
        row = {}
        for c in cols:
            v = r.get(c)
            row[c] = "、".join(map(str, v)) if isinstance(v, list) else v
        out.append(row)
    return out


def dataframe(store: Store, table: str, **filters: Any):
    import pandas as pd
    return pd.DataFrame(table_rows(store, table, **filters), columns=COLUMNS[table])


def export(store: Store, fmt: str, out: Path, table: str | None = None, **filters: Any) -> int:
    """Write the export; returns the number of rows (records for JSONL) written."""
    out = Path(out)
    if fmt == "jsonl":
        n = 0
        with open(out, "w", encoding="utf-8") as f:
            for rec in store.records(**filters):
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
        return n
    if fmt == "xlsx":
        tables = [table] if table else list(TABLES)
        import openpyxl
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        n = 0
        for t in tables:
            ws = wb.create_sheet(t)
            ws.append(COLUMNS[t])
            for row in table_rows(store, t, **filters):
                ws.append([_cell(row[c]) for c in COLUMNS[t]])
                n += 1
        wb.save(out)
        return n
    table = table or "documents"
    rows = table_rows(store, table, **filters)
    if fmt == "csv":
        with open(out, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS[table])
            w.writeheader()
            w.writerows(rows)
        return len(rows)
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq
        pq.write_table(pa.Table.from_pylist(rows, schema=_arrow_schema(table, rows)), out)
        return len(rows)
    raise ValueError(f"unknown format '{fmt}' (jsonl, csv, parquet, xlsx)")


def _cell(v):
    if isinstance(v, str) and len(v) > 32000:
        return v[:32000]   # an Excel cell holds 32767 characters
    return v


def _arrow_schema(table: str, rows: list[dict]):
    import pyarrow as pa
    numeric = {"value": pa.float64(), "value_max": pa.float64(), "baseline_value": pa.float64(),
               "baseline_year": pa.int64(), "year": pa.int64(), "start": pa.int64(), "end": pa.int64(),
               "n_sections": pa.int64(), "n_clauses": pa.int64(), "n_targets": pa.int64()}
    return pa.schema([(c, numeric.get(c, pa.string())) for c in COLUMNS[table]])


def import_jsonl(store: Store, path: Path) -> int:
    """Load records exported as JSONL back into a store (round trip)."""
    import hashlib
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                h = hashlib.sha1(line.encode("utf-8")).hexdigest()
                store.put(rec, rec.get("source") or rec["doc_id"], h, rec.get("format", "txt"))
                n += 1
    store.resolve_citations()
    return n


def json_schema() -> dict:
    from .model import Document
    schema = Document.model_json_schema(by_alias=True)
    schema["$id"] = "https://zhengce.dev/schema/zhengce.document/1.json"
    schema["title"] = "zhengce.document/1"
    return schema
