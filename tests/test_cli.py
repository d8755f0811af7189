"""The command line, end to end, as scripts and the scorer drive it (SCHEMA "Command-line contract")."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import SEEDS, DEV

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "zhengce", *args], capture_output=True, text=True,
                          encoding="utf-8", env=ENV, timeout=timeout)


def test_extract_json_is_the_only_thing_on_stdout():
    seed = next(SEEDS.glob("000_*.txt"))
    p = run("extract", str(seed), "--json")
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["schema"] == "zhengce.document/1"
    assert rec["metadata"]["doc_number"] == "原党教办〔2021〕1号"
    assert rec["sections"][0]["heading"] == "总体要求"
    text = rec["text"]
    for s in rec["sections"]:
        start, end = s["span"]
        assert s["heading"] in text[start:end]


def test_extract_human_summary_of_a_directory():
    p = run("extract", str(SEEDS))
    assert p.returncode == 0, p.stderr
    assert "5 documents" in p.stdout and "实施方案" in p.stdout


def test_help_is_instant_and_imports_nothing_heavy():
    code = ("import sys, zhengce.cli as c; c.build_parser(); "
            "heavy = [m for m in ('pdfplumber', 'trafilatura', 'docx', 'jieba', 'torch', 'sklearn', 'rich') if m in sys.modules]; "
            "print(','.join(heavy))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
    assert p.returncode == 0 and p.stdout.strip() == "", p.stdout + p.stderr
    assert run("--help").returncode == 0


def _bad_inputs(tmp_path):
    files = {}
    (tmp_path / "empty.txt").write_bytes(b"")
    files["empty.txt"] = "empty"
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 40)
    files["junk.txt"] = "binary"
    (tmp_path / "junk.pdf").write_bytes(os.urandom(3000))
    files["junk.pdf"] = ""
    (tmp_path / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n")
    files["truncated.pdf"] = ""
    (tmp_path / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    files["corrupt.docx"] = ""
    with zipfile.ZipFile(tmp_path / "notword.docx", "w") as z:
        z.writestr("hello.txt", "hi")
    files["notword.docx"] = ""
    (tmp_path / "data.xyz").write_text("正文", encoding="utf-8")
    files["data.xyz"] = "unsupported"
    (tmp_path / "page.html").write_text("just words, no markup at all", encoding="utf-8")
    files["page.html"] = "HTML"
    return files


def test_bad_inputs_get_one_line_errors_and_exit_2(tmp_path):
    for name, why in _bad_inputs(tmp_path).items():
        p = run("extract", str(tmp_path / name), "--json")
        assert p.returncode == 2, (name, p.stdout, p.stderr)
        assert p.stdout == ""
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1, (name, p.stderr)
        assert lines[0].startswith(f"zhengce: error: {tmp_path / name}: "), lines[0]
        assert "Traceback" not in p.stderr
        assert why.lower() in lines[0].lower(), (name, lines[0])


def test_missing_file_and_bad_option():
    p = run("extract", "/nonexistent/x.txt")
    assert p.returncode == 2 and p.stderr.startswith("zhengce: error: /nonexistent/x.txt: no such file")
    p = run("extract", "--bogus")
    assert p.returncode == 2 and p.stderr.startswith("zhengce: error:") and "Traceback" not in p.stderr


def test_directory_with_a_bad_file_reports_it_and_goes_on(tmp_path):
    seed = next(SEEDS.glob("004_*.txt"))
    (tmp_path / "good.txt").write_bytes(seed.read_bytes())
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    p = run("extract", str(tmp_path), "--json")
    assert p.returncode == 1
    records = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(records) == 1 and records[0]["metadata"]["issuers"] == ["辽宁省教育厅"]
    assert "bad.pdf" in p.stderr


@pytest.mark.parametrize("path", sorted(DEV.glob("*.*")), ids=lambda p: p.name)
def test_every_dev_document_extracts(path):
    if path.suffix in (".tsv",) or path.stem.upper() in {"SOURCES", "README"}:
        pytest.skip("not a document")
    from zhengce.pipeline.document import extract_file
    rec = extract_file(path).record()
    assert rec["metadata"]["title"]


def test_debug_shows_where_a_file_was_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    plain = run("extract", str(empty))
    assert plain.returncode == 2 and plain.stderr.strip().splitlines() == [f"zhengce: error: {empty}: empty file"]
    debug = subprocess.run([sys.executable, "-m", "zhengce", "extract", str(empty)], capture_output=True, text=True,
                           encoding="utf-8", env={**ENV, "ZHENGCE_DEBUG": "1"}, timeout=120)
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr and "LoadError: empty file" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == f"zhengce: error: {empty}: empty file"
