"""OCR of PDF pages without a text layer: --ocr auto | always | never, the `ocr` flag, reading order.

The fixtures (tests/fixtures/, made by make_fixtures.py) are half an A4 page: a title, a date and
two columns of prose, once with an embedded font (ocr_text.pdf) and once as a 200-dpi image
without a text layer (ocr_scan.pdf).  Tests that run an engine skip without the `ocr` extra
(.ci/install-office installs it); each OCRs one small page.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from zhengce.pipeline.load import load, ocr
from zhengce.pipeline.load import pdf as pdf_loader

FIX = Path(__file__).resolve().parent / "fixtures"
SCAN = FIX / "ocr_scan.pdf"
TEXT = FIX / "ocr_text.pdf"
ATTACHMENT_MAP = (Path(__file__).resolve().parent.parent / "corpus" / "dev"
                  / "provincial_shanghai_2025_yangpu_innovation_zone_plan_attachment_map.pdf")
# what the page says, in reading order: title, date, the left column, then the right one
EXPECTED = ["关于加快发展数字经济的实施意见", "2021年5月20日",
            "一、总体要求。坚持创新", "驱动，到2025年全市数字", "经济核心产业增加值达到", "一千亿元。",
            "二、重点任务。建设新型", "基础设施，推进千兆光网", "和5G网络覆盖城乡，培育", "数字产业集群。"]

needs_engine = pytest.mark.skipif("rapidocr" not in ocr.available(),
                                  reason="the ocr extra is not installed (pip install 'zhengce[ocr]'; .ci/install-office)")


def _fold(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def _accuracy(got: str, want: str) -> float:
    from rapidfuzz.distance import Levenshtein
    g, w = _fold(got), _fold(want)
    return 1 - Levenshtein.distance(g, w) / len(w)


@pytest.fixture
def mode(monkeypatch):
    def set_mode(m: str):
        monkeypatch.setenv("ZHENGCE_OCR", m)
        monkeypatch.setenv("ZHENGCE_OCR_THREADS", "1")
    return set_mode


def test_mode_from_environment(monkeypatch):
    monkeypatch.delenv("ZHENGCE_OCR", raising=False)
    assert ocr.mode() == "auto"
    for m in ("auto", "always", "never"):
        monkeypatch.setenv("ZHENGCE_OCR", m.upper())
        assert ocr.mode() == m
    monkeypatch.setenv("ZHENGCE_OCR", "sometimes")
    assert ocr.mode() == "auto"


def test_never_leaves_the_flag_and_says_why(mode):
    mode("never")
    raw = load(SCAN)
    assert raw.text == "" and raw.flags == {"ocr_needed"}
    assert "OCR is off (--ocr never): page 1 not read" in raw.notes


def test_auto_without_an_engine_says_how_to_enable(mode, monkeypatch):
    mode("auto")
    monkeypatch.setattr(ocr, "get_engine", lambda name=None: None)
    raw = load(SCAN)
    assert raw.text == "" and "ocr_needed" in raw.flags
    assert any("pip install 'zhengce[ocr]'" in n for n in raw.notes)


def test_auto_keeps_a_text_layer(mode, monkeypatch):
    mode("auto")
    monkeypatch.setattr(ocr, "get_engine", lambda name=None: pytest.fail("no OCR for a page with text"))
    raw = load(TEXT)
    assert raw.text.split("\n") == EXPECTED        # the text layer, two columns in reading order
    assert "ocr" not in raw.flags


def test_box_text_cleanup():
    boxes = [ocr.Box(0, 0, 300, 40, "各中小学丶幼儿园 : 宁教基〔2020」7 号"), ocr.Box(320, 2, 420, 40, "2 0 2 1 年")]
    chars = ocr.page_chars(boxes, scale=2.0, offset=(10, 20))
    assert [c["text"] for c in chars] == ["各中小学、幼儿园:宁教基〔2020〕7号", "2021年"]
    assert chars[0]["x0"] == 10 and chars[0]["top"] == 20 and chars[1]["x1"] == 220


@pytest.mark.parametrize("got, want", [
    ("奠定坚实基础·二、主要任务·", "奠定坚实基础。二、主要任务。"),     # 。 read as a middle dot
    ("补贴1000元/人·月，服务200人·次", "补贴1000元/人·月，服务200人·次"),
    ("2021一2025年", "2021-2025年"),
    ("（2017年3月一2017年9月）", "（2017年3月—2017年9月）"),
    ("营造关心教育-", "营造关心教育、"),
    ("一一民办教育规范发展", "——民办教育规范发展"),
    ("丨", "|"),
])
def test_recogniser_confusions_settled_by_context(got, want):
    assert ocr._clean(got) == want


def test_ocr_lines_group_skewed_boxes():
    # a line drifting 12 pt over the width (a skewed scan) is still one line, joined without a space
    # across a narrow gap and with one across a wide one; the next line stays apart
    boxes = [ocr.Box(0, 0, 400, 28, "第一行左半"), ocr.Box(420, 12, 820, 40, "第一行右半"),
             ocr.Box(900, 14, 1000, 42, "附注"), ocr.Box(0, 45, 400, 73, "第二行")]
    lines = pdf_loader._group_ocr_lines(ocr.page_chars(boxes, 1.0))
    assert [pdf_loader._join_chars(g) for g in lines] == ["第一行左半第一行右半 附注", "第二行"]


@needs_engine
def test_auto_reads_a_scanned_page_in_reading_order(mode):
    mode("auto")
    raw = load(SCAN)
    assert raw.flags == {"ocr"}
    assert any("read by OCR (rapidocr" in n for n in raw.notes)
    lines = raw.text.split("\n")
    assert len(lines) == len(EXPECTED)
    assert _accuracy(raw.text, "\n".join(EXPECTED)) >= 0.95
    # columns: the left column's four lines come before the right column's
    assert lines[2].startswith("一、") and lines[6].startswith("二、")


@needs_engine
def test_always_reads_even_a_text_layer_by_ocr_and_the_record_carries_the_flag(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "ZHENGCE_OCR_THREADS": "1"}
    out = subprocess.run([sys.executable, "-m", "zhengce", "extract", str(TEXT), "--json", "--ocr", "always"],
                         capture_output=True, text=True, encoding="utf-8", env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    rec = json.loads(out.stdout)
    assert "ocr" in rec["quality"]["flags"] and "ocr_needed" not in rec["quality"]["flags"]
    assert any("rapidocr" in n for n in rec["quality"]["notes"])
    assert _accuracy(rec["text"], "".join(EXPECTED)) >= 0.9


def test_cli_ocr_option_reaches_ingest_workers(tmp_path):
    """--ocr never on ingest with two worker processes: the scanned page is stored unread, flagged."""
    db = tmp_path / "s.db"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("ZHENGCE_OCR", None)
    run = lambda *args: subprocess.run([sys.executable, "-m", "zhengce", *args], capture_output=True, text=True,  # noqa: E731
                                       encoding="utf-8", env=env, timeout=600)
    out = run("ingest", str(SCAN), str(TEXT), "--db", str(db), "--ocr", "never", "--workers", "2", "--json", "--quiet")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ingested"] == 2
    out = run("export", "--db", str(db), "--format", "jsonl", "-o", str(tmp_path / "r.jsonl"))
    assert out.returncode == 0, out.stderr
    recs = {Path(r["source"]).name: r for r in map(json.loads, (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines())}
    assert recs["ocr_scan.pdf"]["quality"]["flags"] == ["ocr_needed"]
    assert "OCR is off (--ocr never): page 1 not read" in recs["ocr_scan.pdf"]["quality"]["notes"]
    assert recs["ocr_text.pdf"]["quality"]["flags"] == []


@needs_engine
@pytest.mark.parametrize("how", ["always", "auto"])
def test_image_only_map_attachment_yields_its_place_names(mode, how):
    """always: the whole page by OCR; auto: the map's image box, under the text layer's title."""
    if not ATTACHMENT_MAP.exists():
        pytest.skip("corpus/dev not available")
    mode(how)
    raw = load(ATTACHMENT_MAP)
    assert "ocr" in raw.flags
    for name in ("复旦大学", "同济大学", "上海理工大学", "长阳创谷", "黄兴公园", "国定东路"):
        assert name in raw.text
    if how == "auto":
        assert raw.text.split("\n")[0] == "附件：杨“数”浦新质秀带创新区空间布局图"


def test_always_without_an_engine_reads_the_text_layer_and_says_so(mode, monkeypatch):
    mode("always")
    monkeypatch.setattr(ocr, "get_engine", lambda name=None: None)
    raw = load(TEXT)
    assert raw.text.split("\n") == EXPECTED and "ocr" not in raw.flags
    assert any("no OCR engine is installed" in n for n in raw.notes)
