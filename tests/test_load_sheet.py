"""Spreadsheet exports (CSV / TSV / XLSX): one document per row, the other columns as page metadata."""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import SEEDS
from zhengce.pipeline.document import extract_all
from zhengce.pipeline.ingest import ingest
from zhengce.pipeline.load import LoadError, load_all
from zhengce.pipeline.store import open_store

SEED_TEXTS = sorted(SEEDS.glob("*.txt"))


def seed_text(i: int) -> str:
    return SEED_TEXTS[i].read_text(encoding="utf-8")


def write_csv(path, header, rows, delimiter=",", bom=True):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("header, text_col", [
    (["province", "year", "title", "source_url", "publish_date", "full_text"], 5),
    (["标题", "发布日期", "正文"], 2),
    (["id", "name", "body_of_the_page"], 2),      # no known name: the long-Chinese-text column
])
def test_csv_rows_become_documents_with_page_metadata(tmp_path, header, text_col):
    rows = []
    for i in range(2):
        row = [f"v{i}"] * len(header)
        row[text_col] = seed_text(i)
        if "publish_date" in header:
            row[header.index("publish_date")] = "2026-02-02"
        if "发布日期" in header:
            row[header.index("发布日期")] = "2021-05-06"
        rows.append(row)
    path = write_csv(tmp_path / "export.csv", header, rows)
    raws = load_all(path)
    assert [r.source for r in raws] == [f"{path}#row=1", f"{path}#row=2"]
    assert raws[0].text.strip() == seed_text(0).strip().replace("\r\n", "\n")
    assert all(r.format == "csv" for r in raws)
    if "publish_date" in header:
        assert raws[0].page_metadata["发布日期"] == "2026-02-02"
        assert raws[0].page_metadata["省份"] == "v0"
    if "发布日期" in header:
        assert raws[1].page_metadata["发布日期"] == "2021-05-06"
    docs = extract_all(path)
    assert len(docs) == 2 and docs[0].doc_id != docs[1].doc_id
    assert docs[0].source.endswith("#row=1") and docs[0].clauses


def test_tsv_and_xlsx(tmp_path):
    from openpyxl import Workbook
    tsv = write_csv(tmp_path / "a.tsv", ["title", "content"], [["t", seed_text(1)]], delimiter="\t", bom=False)
    assert len(load_all(tsv)) == 1
    wb = Workbook()
    ws = wb.active
    ws.append(["标题", "发布时间", "内容"])
    ws.append(["甲", "2020-01-02", seed_text(2)])
    ws.append([None, None, None])                      # blank rows are skipped
    ws.append(["乙", "2020-03-04", seed_text(3)])
    wb.save(tmp_path / "b.xlsx")
    raws = load_all(tmp_path / "b.xlsx")
    assert [r.page_metadata["标题"] for r in raws] == ["甲", "乙"]
    assert raws[1].format == "xlsx"


@pytest.mark.parametrize("content, reason", [
    ("a,b\n1,2\n", "no column of document text"),
    ("full_text\n", "no rows under the header"),
    ("title,full_text\nx,\n", "no row has text"),
])
def test_sheets_without_documents_are_refused_in_one_line(tmp_path, content, reason):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LoadError, match=reason):
        load_all(path)


def test_xlsx_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(LoadError, match="not a readable .xlsx"):
        load_all(path)


def test_ingest_stores_one_document_per_row_and_reextracts_only_changed_rows(tmp_path):
    path = write_csv(tmp_path / "reports.csv", ["title", "full_text"],
                     [["a", seed_text(0)], ["b", seed_text(1)], ["c", seed_text(2)]])
    db = tmp_path / "s.db"
    with open_store(str(db)) as store:
        rep = ingest([str(tmp_path)], store)
        assert (rep.ingested, rep.unchanged, rep.failed) == (3, 0, [])
    with sqlite3.connect(db) as con:
        sources = [r[0] for r in con.execute("select source from sources order by source")]
    assert [s.rsplit("#", 1)[1] for s in sources] == ["row=1", "row=2", "row=3"]
    write_csv(path, ["title", "full_text"], [["a", seed_text(0)], ["b", seed_text(3)], ["c", seed_text(2)]])
    with open_store(str(db)) as store:
        rep = ingest([str(path)], store)
        assert (rep.ingested, rep.unchanged) == (1, 2)


def test_cli_extract_prints_one_record_per_row(tmp_path):
    path = write_csv(tmp_path / "r.csv", ["title", "full_text"], [["a", seed_text(0)], ["b", seed_text(1)]])
    out = subprocess.run([sys.executable, "-m", "zhengce", "extract", str(path), "--json"], capture_output=True,
                         text=True, encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(l) for l in out.stdout.splitlines()]
    assert [l["source"].rsplit("#", 1)[1] for l in lines] == ["row=1", "row=2"]


def test_jsonl_rows_with_nested_metadata_and_different_text_keys(tmp_path):
    path = tmp_path / "crawl.jsonl"
    recs = [{"title": "甲", "publish_date": "2021-05-20", "full_text": seed_text(0), "tags": ["教育", "改革"]},
            {"metadata": {"title": "乙", "issuer": "某某市教育局"}, "content": seed_text(1)},
            {"title": "丙", "full_text": ""}]                  # no text: not a document
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n\n", encoding="utf-8")
    raws = load_all(path)
    assert [r.source for r in raws] == [f"{path}#row=1", f"{path}#row=2"]
    assert all(r.format == "jsonl" for r in raws)
    assert raws[0].page_metadata == {"标题": "甲", "发布日期": "2021-05-20"}
    assert raws[1].page_metadata == {"标题": "乙", "发文机关": "某某市教育局"}
    assert raws[1].text.strip() == seed_text(1).strip()
    docs = extract_all(path)
    assert [d.format for d in docs] == ["jsonl", "jsonl"] and docs[1].clauses


def test_parquet_rows_with_non_text_columns(tmp_path):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq
    path = tmp_path / "reports.parquet"
    pq.write_table(pa.Table.from_pylist([
        {"标题": "甲", "year": 2021, "发布日期": datetime.date(2021, 3, 5), "正文": seed_text(2)},
        {"标题": "乙", "year": 2022, "发布日期": None, "正文": seed_text(3)},
    ]), path)
    raws = load_all(path)
    assert [r.page_metadata.get("年份") for r in raws] == ["2021", "2022"]
    assert raws[0].page_metadata["发布日期"] == "2021-03-05" and "发布日期" not in raws[1].page_metadata
    assert raws[0].format == "parquet" and raws[0].text.strip() == seed_text(2).strip()


@pytest.mark.parametrize("name, data, reason", [
    ("bad.jsonl", b'{"full_text": "x"}\n{not json\n', "not a JSON Lines file \\(line 2"),
    ("list.jsonl", b'["a", "b"]\n', "line 1 is a list, not an object"),
    ("empty.jsonl", b"\n\n", "empty file|no rows"),
    ("bad.parquet", b"PAR1 this is not parquet", "not a readable Parquet file"),
])
def test_bad_jsonl_and_parquet_are_refused_in_one_line(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError, match=reason) as e:
        load_all(path)
    assert "\n" not in str(e.value)


def test_ingest_reads_jsonl_and_parquet_rows(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    (tmp_path / "a.jsonl").write_text(json.dumps({"title": "a", "text": seed_text(0)}, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    pq.write_table(pa.Table.from_pylist([{"title": "b", "content": seed_text(1)}]), tmp_path / "b.parquet")
    with open_store(str(tmp_path / "s.db")) as store:
        rep = ingest([str(tmp_path)], store)
        assert (rep.ingested, rep.failed) == (2, [])
