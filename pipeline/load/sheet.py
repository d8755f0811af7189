"""Dataset exports (.csv, .tsv, .xlsx, .jsonl, .parquet): one document per row.

Crawlers and databases hand researchers their documents as rows: a column of full text and
columns of title, date, issuer, URL.  Each row with text becomes its own RawDocument; the other
columns become page metadata under the labels the metadata stage already reads (标题, 发布日期 …),
by the column names in ``lexicon/sheet_columns.tsv``.  A sheet with no column of document text
is refused with a one-line reason, never read as one document of cells.

``.jsonl`` is one JSON object per line (its keys are the columns, in order of first appearance;
a nested object's keys are read one level down, e.g. ``{"metadata": {"title": …}}``); ``.parquet``
is read with pyarrow, its columns by the same names.  Values that are not text (numbers, dates,
lists) are written as text.
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

from ..lexicon import table
from ..model import RawDocument
from .base import LoadError, check_size, read_bytes
from .text import MAX_BYTES, decode

MAX_ROWS = 100_000
MIN_TEXT_CHARS = 200        # a column whose cells average less is metadata, not document text
CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _roles() -> dict[str, str]:
    """Normalised column name -> role ('text' or a page-metadata label)."""
    return {_key(r["column"]): r["role"] for r in table("sheet_columns")}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-:：]+", "", (name or "").strip().lower())


def _csv_rows(path: Path) -> list[list[str]]:
    text, _ = decode(read_bytes(path, MAX_BYTES), path.name)
    text = text.lstrip("\ufeff")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else None
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:20000], delimiters=",\t;|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(MAX_BYTES)
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise LoadError(f"more than {MAX_ROWS} rows")
        return rows
    except csv.Error as e:
        raise LoadError(f"not a readable CSV file ({e})") from None


def _xlsx_rows(path: Path) -> list[list[str]]:
    import zipfile
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise LoadError("reading .xlsx needs openpyxl") from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise LoadError(f"not a readable .xlsx workbook ({type(e).__name__})") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                raise LoadError(f"more than {MAX_ROWS} rows")
        return rows
    finally:
        wb.close()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return "、".join(_cell(x) for x in v if x is not None)
    if isinstance(v, dict):
        import json
        return json.dumps(v, ensure_ascii=False)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _table(records: list[dict]) -> list[list[str]]:
    """Rows of dicts as a header and rows of cells (keys in order of first appearance; one level
    of nesting flattened: a nested key that is a known column name is taken as that column)."""
    flat: list[dict] = []
    roles = _roles()
    for rec in records:
        row: dict = {}
        for k, v in rec.items():
            if isinstance(v, dict) and v and not _key(str(k)) in roles:
                for k2, v2 in v.items():
                    row.setdefault(str(k2), v2)
            else:
                row[str(k)] = v
        flat.append(row)
    header: dict[str, None] = {}
    for row in flat:
        for k in row:
            header.setdefault(k, None)
    cols = list(header)
    return [cols] + [[_cell(row.get(c)) for c in cols] for row in flat]


def _jsonl_rows(path: Path) -> list[list[str]]:
    import json
    text, _ = decode(read_bytes(path, MAX_BYTES), path.name)
    records = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            raise LoadError(f"not a JSON Lines file (line {n}: {str(e).split(':')[0]})") from None
        if not isinstance(rec, dict):
            raise LoadError(f"not a JSON Lines file of records (line {n} is a {type(rec).__name__}, not an object)")
        records.append(rec)
        if len(records) > MAX_ROWS:
            raise LoadError(f"more than {MAX_ROWS} rows")
    if not records:
        raise LoadError("no rows under the header")
    return _table(records)


def _parquet_rows(path: Path) -> list[list[str]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        raise LoadError("reading .parquet needs pyarrow (pip install pyarrow)") from None
    try:
        pf = pq.ParquetFile(path)
        if pf.metadata.num_rows > MAX_ROWS:
            raise LoadError(f"more than {MAX_ROWS} rows")
        records = pf.read().to_pylist()
    except LoadError:
        raise
    except Exception as e:  # pyarrow raises ArrowInvalid, OSError …
        msg = " ".join(str(e).split())[:80]
        raise LoadError(f"not a readable Parquet file ({type(e).__name__}{': ' + msg if msg else ''})") from None
    if not records:
        raise LoadError("no rows under the header")
    return _table(records)


_READERS = {".xlsx": _xlsx_rows, ".jsonl": _jsonl_rows, ".parquet": _parquet_rows}
_FORMATS = {".xlsx": "xlsx", ".jsonl": "jsonl", ".parquet": "parquet"}


def _text_column(header: list[str], body: list[list[str]]) -> int:
    roles = _roles()
    named = [i for i, h in enumerate(header) if roles.get(_key(h)) == "text"]
    if named:
        return named[0]
    # no known name: the column of long Chinese text, if one clearly is
    best, best_len = -1, 0.0
    for i in range(len(header)):
        cells = [r[i] for r in body if i < len(r)]
        if not cells:
            continue
        avg = sum(len(c) for c in cells) / len(cells)
        if avg > best_len and any(CJK.search(c) for c in cells[:20]):
            best, best_len = i, avg
    if best < 0 or best_len < MIN_TEXT_CHARS:
        raise LoadError("no column of document text (expected a column such as full_text, 正文 or content)")
    return best


def load_rows(path: Path) -> list[RawDocument]:
    """One RawDocument per row that has text; ``source`` is ``path#row=N`` (N counts data rows from 1)."""
    check_size(path, MAX_BYTES)
    rows = _READERS.get(path.suffix.lower(), _csv_rows)(path)
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise LoadError("no rows under the header")
    header, body = [h.strip() for h in rows[0]], rows[1:]
    text_col = _text_column(header, body)
    # rows of one export may fill different text columns (a JSON Lines file merged from two crawls)
    text_cols = [text_col] + [i for i, h in enumerate(header) if i != text_col and _roles().get(_key(h)) == "text"]
    roles = _roles()
    fmt = _FORMATS.get(path.suffix.lower(), "csv")
    docs = []
    for n, row in enumerate(body, start=1):
        text = next((row[i] for i in text_cols if i < len(row) and row[i].strip()), "")
        if not text.strip():
            continue
        meta: dict[str, str] = {}
        for i, h in enumerate(header):
            role = roles.get(_key(h))
            if i in text_cols or not role or role == "text" or i >= len(row) or not row[i].strip():
                continue
            meta.setdefault(role, row[i].strip())
        docs.append(RawDocument(source=f"{path}#row={n}", format=fmt, text=text.replace("\r\n", "\n"),
                                page_metadata=meta, notes=[f"row {n} of a {len(body)}-row spreadsheet"]))
    if not docs:
        raise LoadError("no row has text in the document-text column")
    return docs


def load(path: Path) -> RawDocument:
    docs = load_rows(path)
    if len(docs) > 1:
        raise LoadError(f"holds {len(docs)} documents, one per row (read it with load_all)")
    return docs[0]
