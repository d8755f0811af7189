"""Targets as a researcher reads them (issue 17 item 2): the long table, a pivot whose columns are
indicators, years, deadlines or documents with no target dropped, ranges kept, titles not hashes —
the same rows in the Python API, `zhengce targets`, CSV and XLSX."""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from family_gen import make_record  # noqa: E402
from test_compare import run_cli  # noqa: E402

SUIZHOU = {"province": "湖北省", "city": "随州市"}


def _target(indicator, value, comparator=">=", unit="%", deadline="2025-12-31", baseline=None, value_max=None):
    from zhengce.pipeline.model import Target
    return Target(clause_id="c1", indicator=indicator, comparator=comparator, value=value, value_max=value_max,
                  unit=unit, deadline=deadline, baseline=baseline, text=f"{indicator}达到{value}{unit}",
                  span=(0, 5)).model_dump(mode="json")


DOCS = [  # (title, region, level, signed, targets)
    ("随州市教育事业发展规划", SUIZHOU, "municipal", "2021-06-01",
     [_target("学前教育毛入园率", 92, deadline="2023-12-31"), _target("学前教育毛入园率", 95),
      _target("地区生产总值年均增长", 5, comparator="range", value_max=5.5)]),
    ("随州市2023年教育工作报告", SUIZHOU, "municipal", "2023-03-01",
     [_target("学前三年毛入园率", 96, baseline={"value": 93.1, "year": 2022})]),
    ("辽宁省学前教育行动计划", {"province": "辽宁省"}, "provincial", "2022-01-10",
     [_target("学前教育毛入园率", 90, comparator="approx")]),
]


@pytest.fixture(scope="module")
def tdb(tmp_path_factory):
    from zhengce.pipeline.store.sqlite import SQLiteStore
    path = tmp_path_factory.mktemp("targets_table") / "t.db"
    s = SQLiteStore(path)
    ids = {}
    for title, region, level, date, targets in DOCS:
        rec = make_record([{"text": t["text"], "kind": "goal"} for t in targets], title=title, level=level,
                          region=region, date=date, targets=targets)
        s.put(rec, rec["source"], rec["doc_id"], "txt")
        ids[title] = rec["doc_id"]
    s.close()
    return path, ids


@pytest.fixture(scope="module")
def recs(tdb):
    from zhengce.pipeline.compare.indicators import store_targets
    from zhengce.pipeline.store.sqlite import SQLiteStore
    with SQLiteStore(tdb[0]) as s:
        return store_targets(s)


def test_long_table_has_titles_years_ranges(recs, tdb):
    from zhengce.pipeline.compare.indicators import TARGET_COLUMNS, targets_frame
    df = targets_frame(recs)
    assert list(df.columns) == list(TARGET_COLUMNS) and len(df) == 5
    assert set(df["document"]) == {t for t, *_ in DOCS}
    assert set(df["doc_id"]) == set(tdb[1].values())
    hashes = set(tdb[1].values())
    assert not any(v in hashes for c in df.columns if c != "doc_id" for v in df[c].astype(str))
    gdp = df[df["indicator"] == "地区生产总值年均增长"].iloc[0]
    assert (gdp["comparator"], gdp["value"], gdp["value_max"]) == ("range", 5, 5.5)
    two = df[(df["region"] == "湖北省/随州市") & (df["indicator"] == "学前教育毛入园率")]
    assert sorted(zip(two["year"], two["value"])) == [(2021, 92), (2021, 95), (2023, 96)]
    assert set(two["indicator_as_written"]) == {"学前教育毛入园率", "学前三年毛入园率"}
    report = two[two["year"] == 2023].iloc[0]
    assert (report["baseline_value"], report["baseline_year"]) == (93.1, 2022)


def test_pivot_never_drops_a_target(recs):
    from zhengce.pipeline.compare.indicators import format_cell, pivot_frame, pivot_rows, shared_cells
    ind = [r for r in recs if r["indicator_canonical"] == "学前教育毛入园率"]
    for columns in ("indicator", "year", "deadline", "document"):
        labels, rows = pivot_rows(ind, "region", columns)
        assert sum(r[l]["n"] for r in rows for l in labels if l in r) == 4 == \
            sum(len(r[l]["targets"]) for r in rows for l in labels if l in r)
    labels, rows = pivot_rows(ind, "region")                     # one column: the Suizhou cell lists all three
    cell = {r["region"]: r for r in rows}["湖北省/随州市"]["学前教育毛入园率"]
    assert cell["n"] == 3 and [t["value"] for t in cell["targets"]] == [92, 95, 96]
    assert shared_cells(labels, rows) == 1
    text = format_cell(cell)
    assert text.count("\n") == 2 and "《随州市2023年教育工作报告》2023" in text and "≥92% (2023)" in text
    labels, rows = pivot_rows(ind, "region", "year")
    assert labels == ["2021", "2022", "2023"]
    sz = {r["region"]: r for r in rows}["湖北省/随州市"]
    assert sz["2021"]["n"] == 2 and sz["2023"]["value"] == 96 and "2022" not in sz
    labels, rows = pivot_rows(ind, "region", "document")
    assert labels == ["随州市教育事业发展规划 (2021)", "辽宁省学前教育行动计划 (2022)", "随州市2023年教育工作报告 (2023)"]
    labels, _ = pivot_rows(recs, "region", "year")               # several indicators: the label names it
    assert "地区生产总值年均增长 · 2021" in labels and "学前教育毛入园率 · 2023" in labels
    df = pivot_frame(ind, "province", "year")
    assert len(df) == 3 and sorted(df.loc["湖北省", ("2021", "value")]) == [92, 95]
    with pytest.raises(ValueError, match="unknown columns"):
        pivot_rows(ind, "region", "colour")


def test_format_keeps_ranges():
    from zhengce.pipeline.compare.indicators import format_target
    assert format_target({"comparator": "range", "value": 5, "value_max": 5.5, "unit": "%",
                          "deadline": "2025-12-31"}, document=False) == "5–5.5% (2025)"
    assert format_target({"comparator": "<=", "value": 5.5, "unit": "%", "document": "某规划", "year": 2021}) \
        == "≤5.5% 《某规划》2021"


def test_cli_pivot_shows_both_years_with_documents(tdb):
    path, ids = tdb
    code, out, err = run_cli("targets", "--indicator", "毛入园率", "--pivot", "region", "--db", path)
    assert code == 0, err
    flat = re.sub(r"[\s│┃|]+", "", out)
    assert "≥95%(2025)《随州市教育事业发展规划》2021" in flat and "≥96%(2025)[基93.1/2022]《随州市2023年教育工作报告》2023" in flat
    assert "≥92%(2023)" in flat and "≈90%(2025)《辽宁省学前教育行动计划》2022" in flat
    assert "1 cell holds more than one target: each is listed" in out
    assert not any(h in out for h in ids.values())
    code, out, err = run_cli("targets", "--indicator", "毛入园率", "--pivot", "region", "--columns", "year",
                             "--db", path, "--json")
    d = json.loads(out)
    assert d["indicators"] == ["2021", "2022", "2023"] and d["targets"] == 4 and d["shared_cells"] == 1
    sz = {r["region"]: r for r in d["rows"]}["湖北省/随州市"]
    assert sz["2023"]["document"] == "随州市2023年教育工作报告" and sz["2021"]["n"] == 2


def test_cli_long_table_csv_xlsx_same_rows(tdb, tmp_path):
    path, ids = tdb
    code, out, err = run_cli("targets", "--db", path)                     # the long table by default
    assert code == 0, err
    assert "5–5.5%" in out and "随州市2023年教育工作报告" in out and not any(h in out for h in ids.values())
    c, x = tmp_path / "t.csv", tmp_path / "t.xlsx"
    code, out, err = run_cli("targets", "--db", path, "--csv", c, "--xlsx", x)
    assert code == 0, err
    with open(c, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    from zhengce.pipeline.compare.indicators import TARGET_COLUMNS
    assert list(rows[0]) == list(TARGET_COLUMNS) and len(rows) == 5
    gdp = next(r for r in rows if r["indicator"] == "地区生产总值年均增长")
    assert (gdp["comparator"], gdp["value"], gdp["value_max"]) == ("range", "5.0", "5.5")
    import openpyxl
    wb = openpyxl.load_workbook(x)
    assert wb.sheetnames == ["targets"]
    sheet = list(wb["targets"].values)
    assert list(sheet[0]) == list(TARGET_COLUMNS) and len(sheet) == 6
    code, out, err = run_cli("targets", "--db", path, "--indicator", "毛入园率", "--pivot", "region",
                             "--columns", "year", "--csv", c, "--xlsx", x)
    assert code == 0, err
    text = c.read_text(encoding="utf-8-sig")
    assert "≥92% (2023) 《随州市教育事业发展规划》2021; ≥95% (2025)" in text
    assert openpyxl.load_workbook(x).sheetnames == ["targets", "table", "pivot"]


@pytest.mark.parametrize("argv, message", [
    (["--columns", "year"], "only with --pivot"),
    (["--pivot", "region", "--columns", "colour"], "--columns colour: unknown"),
    (["--plot", "/nonexistent/dir/\x1b[31mx.png"], "/nonexistent/dir/\\x1b[31mx.png: No such file"),
])
def test_cli_targets_errors(tdb, argv, message):
    code, out, err = run_cli("targets", "--db", tdb[0], *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_export_targets_table_same_rows(tdb, tmp_path):
    """`zhengce export --table targets` writes the same targets, with the same region labels."""
    from zhengce.pipeline.compare.indicators import targets_frame
    from zhengce.pipeline.export import dataframe
    from zhengce.pipeline.store.sqlite import SQLiteStore
    with SQLiteStore(tdb[0]) as s:
        ex, long = dataframe(s, "targets"), targets_frame(s)
    key = ["region", "doc_title", "value", "value_max", "deadline"]
    assert sorted(map(tuple, ex[key].astype(str).values)) == \
        sorted(map(tuple, long[["region", "document", "value", "value_max", "deadline"]].astype(str).values))
    assert set(ex["region"]) == {"湖北省/随州市", "辽宁省"}


def test_cli_long_table_fits_the_terminal(tdb, monkeypatch):
    from rich.cells import cell_len
    monkeypatch.setenv("COLUMNS", "60")
    code, out, err = run_cli("targets", "--db", tdb[0])
    assert code == 0, err
    assert max(map(cell_len, out.splitlines())) <= 60 and "left out" in out
    documents = "".join(line.split("│")[2].strip() for line in out.splitlines() if line.count("│") > 2)
    assert "随州市2023年教育工作报告" in documents                       # folded, not cut


def test_ui_pivot_shows_both_years_with_documents(tdb):
    """The web UI's 目标指标 page pivots the same way: 透视 by region, columns 指标 × 文件年份."""
    import html as htmllib

    from fastapi.testclient import TestClient
    from zhengce.search_api.app import create_app
    path, ids = tdb
    client = TestClient(create_app(str(path)))
    page = client.get("/target-table", params={"indicator": "毛入园率", "pivot": "region", "columns": "indicator"})
    assert page.status_code == 200
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page.text))
    assert "透视表：按地区" in text and "1 个单元格含多个目标" in text
    assert "≥95% (2025) 《随州市教育事业发展规划》2021" in text and "≥96% (2025) [基 93.1/2022] 《随州市2023年教育工作报告》2023" in text
    by_year = client.get("/target-table", params={"indicator": "毛入园率", "pivot": "region", "columns": "year"})
    header = re.search(r"<thead>(.*?)</thead>", by_year.text.split('class="pivot"')[1], re.S).group(1)
    assert [h for h in re.findall(r"<th[^>]*>([^<]*)</th>", header)][1:] == ["2021", "2022", "2023"]
    assert not any(h in page.text.split('class="pivot"')[1].split("</section>")[0] for h in ids.values())
    assert client.get("/target-table", params={"pivot": "nonsense"}).status_code == 200   # ignored, not a 500
