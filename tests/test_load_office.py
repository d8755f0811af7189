""".doc / .wps / .rtf through LibreOffice headless, and what happens without it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import render_docx  # noqa: E402

from zhengce.pipeline.load import LoadError, load  # noqa: E402
from zhengce.pipeline.load import docx as docx_loader  # noqa: E402
from zhengce.pipeline.load import office  # noqa: E402

TEXT = ("关于印发《某某县促进中小学办学活力实施方案》的通知\n各乡镇人民政府，县直各部门：\n"
        "一、总体要求\n到2025年，全县义务教育巩固率达到98%以上。\n二、主要任务\n（一）保障学校办学自主权。")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
needs_soffice = pytest.mark.skipif(office.soffice() is None,
                                   reason="LibreOffice (soffice) not installed: .ci/install-office installs it")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """A DOCX and the .doc and .rtf LibreOffice makes of it (a .wps is the same binary as a .doc)."""
    if office.soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    d = tmp_path_factory.mktemp("office")
    src = d / "notice.docx"
    render_docx(TEXT, src, tables={3: [["指标", "2020年", "2025年"], ["巩固率", "96%", "98%"]]})
    profile = (d / "profile").as_uri()
    for fmt in ("doc", "rtf"):
        subprocess.run([office.soffice(), "--headless", f"-env:UserInstallation={profile}", "--convert-to", fmt,
                        "--outdir", str(d), str(src)], capture_output=True, timeout=300, check=True)
    shutil.copy(d / "notice.doc", d / "notice.wps")
    return d


@needs_soffice
@pytest.mark.parametrize("ext", ["doc", "wps", "rtf"])
def test_legacy_word_formats_read_like_the_docx(converted, ext):
    want = docx_loader.load(converted / "notice.docx")
    raw = load(converted / f"notice.{ext}")
    assert raw.format == ext and raw.source == str(converted / f"notice.{ext}")
    assert raw.notes[0] == f".{ext} converted to DOCX with LibreOffice"
    assert raw.text == want.text
    assert [t.rows for t in raw.tables] == [t.rows for t in want.tables] == [[["指标", "2020年", "2025年"],
                                                                          ["巩固率", "96%", "98%"]]]


@needs_soffice
def test_doc_extracts_to_a_record_and_leaves_no_temp_files(converted, tmp_path, monkeypatch):
    from zhengce.pipeline.document import extract_file
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    doc = extract_file(converted / "notice.doc")
    assert doc.format == "doc" and doc.metadata.title and doc.clauses
    assert not list(tmp_path.glob("zhengce-office-*"))


@needs_soffice
def test_a_legacy_doc_named_docx_is_converted(converted, tmp_path):
    path = tmp_path / "really_a_doc.docx"
    shutil.copy(converted / "notice.doc", path)
    raw = load(path)
    assert raw.format == "doc" and "legacy Word .doc file named .docx" in raw.notes[0]
    assert raw.text == docx_loader.load(converted / "notice.docx").text


@needs_soffice
def test_corrupt_doc_is_refused_in_one_line(tmp_path):
    path = tmp_path / "broken.doc"
    path.write_bytes(OLE + bytes(range(256)) * 20)
    with pytest.raises(LoadError, match="damaged or not a Word document") as e:
        load(path)
    assert "\n" not in str(e.value)


def _no_soffice(monkeypatch, tmp_path):
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("ZHENGCE_SOFFICE", raising=False)
    assert office.soffice() is None


@pytest.mark.parametrize("name, data", [
    ("old.doc", OLE + "WordDocument".encode("utf-16-le") + b"\0" * 600),
    ("old.wps", OLE + "WordDocument".encode("utf-16-le") + b"\0" * 600),
    ("old.rtf", b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}} \\f0 hello}"),
])
def test_without_libreoffice_one_line_says_what_to_install(tmp_path, monkeypatch, name, data):
    _no_soffice(monkeypatch, tmp_path)
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError) as e:
        load(path)
    msg = str(e.value)
    assert "\n" not in msg and "needs LibreOffice" in msg and "libreoffice-writer-nogui" in msg


def test_without_libreoffice_cli_error_is_one_line(tmp_path, monkeypatch):
    path = tmp_path / "old.doc"
    path.write_bytes(OLE + "WordDocument".encode("utf-16-le") + b"\0" * 600)
    empty = tmp_path / "empty_bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ZHENGCE_SOFFICE"}
    env["PATH"] = str(empty)
    out = subprocess.run([sys.executable, "-m", "zhengce", "extract", str(path)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert out.stderr.startswith(f"zhengce: error: {path}: reading .doc needs LibreOffice")


def test_sniffed_docx_and_html_under_doc_names_need_no_libreoffice(tmp_path, monkeypatch):
    _no_soffice(monkeypatch, tmp_path)
    render_docx(TEXT, tmp_path / "a.docx")
    shutil.copy(tmp_path / "a.docx", tmp_path / "a.doc")
    raw = load(tmp_path / "a.doc")
    assert raw.format == "docx" and raw.text == docx_loader.load(tmp_path / "a.docx").text
    (tmp_path / "b.doc").write_text("<html><body><div class='TRS_Editor'><p>关于开展工作的通知</p>"
                                    "<p>各单位：请认真贯彻落实。</p></div></body></html>", encoding="utf-8")
    raw = load(tmp_path / "b.doc")
    assert raw.format == "html" and "请认真贯彻落实" in raw.text


def test_not_a_word_file(tmp_path):
    path = tmp_path / "x.doc"
    path.write_bytes(b"just some bytes that are no document")
    with pytest.raises(LoadError, match="not a Word document"):
        load(path)
    xls = tmp_path / "y.doc"
    xls.write_bytes(OLE + "Workbook".encode("utf-16-le") + b"\0" * 600)
    with pytest.raises(LoadError, match="an Excel workbook named .doc"):
        load(xls)


def test_conversion_timeout_kills_libreoffice_and_cleans_up(tmp_path, monkeypatch):
    fake = tmp_path / "fake_soffice"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ZHENGCE_SOFFICE", str(fake))
    monkeypatch.setattr(office, "TIMEOUT", 1)
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    path = tmp_path / "slow.rtf"
    path.write_bytes(b"{\\rtf1 hello}")
    with pytest.raises(LoadError, match="did not finish converting the .rtf file within 1 s"):
        load(path)
    assert not list(work.iterdir())
