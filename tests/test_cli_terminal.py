"""The terminal as a researcher meets it (issue 17, items 4 and 5): multi-word queries without
quotes, honest counts, tables that fit 80 columns, debug tracebacks, escaped file names, citations
of untitled documents, no ``other`` tags, a clone named ``zhengce`` imported from its parent folder,
and the command-line modules importing their helpers from one place."""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
STUB = "各单位要认真落实本方案的各项要求，加强组织领导。\n二、各区县要在年底前完成自查工作。\n"
WEIRD = "bad\nname\x1b[31mred.txt"        # a newline and a colour code in a file name


def zhengce(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "zhengce", *args], capture_output=True, text=True,
                          encoding="utf-8", env={**ENV, **(env or {})}, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The seeds and one undated, untitled stub whose file sorts (and is ingested) first."""
    folder = tmp_path_factory.mktemp("docs")
    (folder / "000_stub.txt").write_text(STUB, encoding="utf-8")
    for f in SEEDS.glob("*.txt"):
        shutil.copy(f, folder / f.name)
    db = tmp_path_factory.mktemp("store") / "c.db"
    p = zhengce("ingest", str(folder), "--db", str(db), "--quiet")
    assert p.returncode == 0, p.stderr
    return db


def cells(line: str) -> int:
    from rich.cells import cell_len
    return cell_len(line)


def column(lines: list[str], name: str) -> str:
    """The text of one column of a rich table, its folded pieces joined."""
    header = next(l for l in lines if l.startswith("┃") and f" {name} " in l)
    col = [c.strip() for c in header.split("┃")].index(name)
    return "".join(l.split("│")[col].strip() for l in lines if l.startswith("│"))


# --- 1. words without quotes ------------------------------------------------------------------

def test_words_without_quotes_are_one_query(store):
    loose = zhengce("search", "课后服务", "质量", "--db", str(store), "--json")
    assert loose.returncode == 0, loose.stderr
    quoted = zhengce("search", "课后服务 质量", "--db", str(store), "--json")
    a, b = json.loads(loose.stdout), json.loads(quoted.stdout)
    assert a["total"] == b["total"] > 0
    assert [h["clause_id"] for h in a["hits"]] == [h["clause_id"] for h in b["hits"]]
    assert a["matched"] == "all" and all("课后服务" in h["text"] for h in a["hits"])
    browse = zhengce("search", "--db", str(store), "--filter", "level=county", "--no-facets")
    assert browse.returncode == 0 and "pass the filters" in browse.stdout.splitlines()[0], browse.stderr


def test_search_help_says_how_words_combine():
    p = zhengce("search", "--help", env={"COLUMNS": "200"})
    text = " ".join(p.stdout.split())
    assert "quoted or not, are one query" in text
    assert "must hold every word" in text and "some of the words" in text      # AND, then the fallback
    assert "Terms are ANDed" not in text


# --- 2. honest counts -------------------------------------------------------------------------

def test_semantic_search_prints_no_match_count(store):
    js = json.loads(zhengce("search", "课后服务", "--mode", "semantic", "--db", str(store), "--json",
                            "--limit", "3").stdout)
    assert js["total"] > 3     # the candidate pool: every sentence with a vector
    p = zhengce("search", "课后服务", "--mode", "semantic", "--db", str(store), "--limit", "3", "--no-facets")
    assert p.returncode == 0, p.stderr
    head = p.stdout.splitlines()[0]
    assert not re.search(rf"\b{js['total']}\b", head) and "match" not in head, head
    assert "1–3" in head and "similar" in head


# --- 3. some of the words ---------------------------------------------------------------------

def test_a_query_matched_only_in_part_says_so(store):
    js = json.loads(zhengce("search", "课后服务", "火箭发动机", "--db", str(store), "--json").stdout)
    assert js["matched"] == "some" and js["total"] > 0
    p = zhengce("search", "课后服务", "火箭发动机", "--db", str(store), "--no-facets")
    head, note = p.stdout.splitlines()[:2]
    assert "some of the words" in head and "match (" not in head, head
    assert note.startswith("note:") and "only some" in note
    full = zhengce("search", "课后服务", "--db", str(store), "--no-facets").stdout
    assert "note:" not in full and "sentences match (keyword)" in full.splitlines()[0]


# --- 4. tables that fit, documents in a sensible order ---------------------------------------

@pytest.mark.parametrize("command", [["docs"], ["ingest", "{seeds}"], ["show", "{first}"],
                                     ["search", "课后服务", "质量"]], ids=lambda c: c[0])
def test_output_fits_80_columns(store, command):
    first = json.loads(zhengce("docs", "--db", str(store), "--json").stdout)
    dated = next(d["doc_id"] for d in first if d["signed_date"])
    args = [a.format(seeds=SEEDS, first=dated) for a in command]
    p = zhengce(*args, "--db", str(store), env={"COLUMNS": "80"})
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines and max(map(cells, lines)) <= 80, max(lines, key=cells)
    if command[0] in ("docs", "ingest"):
        title_col = next(l for l in lines if "title" in l)
        header = title_col.split("┃")
        width = next(cells(c) for c in header if c.strip() == "title")
        assert width >= 12, title_col       # the title keeps room to be read
        # every seed title is there in full, folded over lines of its column
        text = column(lines, "title")
        for d in first:
            if d["title"]:
                assert d["title"].replace(" ", "") in text.replace(" ", "")


def test_documents_newest_first_undated_stubs_last(store):
    p = zhengce("docs", "--db", str(store), env={"COLUMNS": "200"})
    rows = [l for l in p.stdout.splitlines() if l.startswith("│") and re.search(r"│ [0-9a-f]{16} ", l)]
    dates = [re.search(r"\d{4}-\d{2}-\d{2}", r) for r in rows]
    assert len(rows) == 6 and dates[-1] is None and all(dates[:-1])
    shown = [d.group() for d in dates[:-1]]
    assert shown == sorted(shown, reverse=True)
    assert "newest first" in p.stdout.splitlines()[0]


def test_narrow_table_says_what_it_left_out():
    from rich.console import Console

    from zhengce.cli_common import fitted_table
    cols = [("title", 20, 0, 2), ("date", 10, 0), ("issuer", 8, 2), ("flags", 10, 3)]
    rows = [["关于进一步激发中小学办学活力的实施方案" * 2, "2021-06-25", "某某市人民政府办公室", "boilerplate_removed"]]
    con = Console(width=50, record=True, file=open(os.devnull, "w"))
    con.print(fitted_table("1 documents", cols, rows, 50))
    out = con.export_text()
    assert max(map(cells, out.splitlines())) <= 50
    assert "flags" in out.splitlines()[0] and "left out" in out and "boilerplate" not in out
    assert "实施方案" in out.replace("\n", "").replace("│", "").replace(" ", "")


# --- 5. ZHENGCE_DEBUG ---------------------------------------------------------------------

def test_debug_traceback_for_a_refused_file_in_ingest(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "d.db"
    plain = zhengce("ingest", str(tmp_path / "empty.txt"), "--db", str(db), "--quiet")
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    debug = zhengce("ingest", str(tmp_path / "empty.txt"), "--db", str(db), "--quiet", env={"ZHENGCE_DEBUG": "1"})
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "LoadError: empty file" in debug.stderr


def test_debug_traceback_for_an_internal_error(tmp_path, monkeypatch, capsys):
    """An extractor that breaks: one line without ZHENGCE_DEBUG, the traceback with it, in extract and
    in ingest (whose failure line comes from the extraction worker)."""
    from zhengce import cli
    from zhengce.pipeline.extract import registry

    def broken(*a, **k):
        raise ZeroDivisionError("an extractor broke")
    monkeypatch.setattr(registry, "run_extractors", broken)   # what extract and ingest both run
    seed = str(next(SEEDS.glob("000_*.txt")))
    for args in (["extract", seed], ["ingest", seed, "--db", str(tmp_path / "i.db"), "--quiet"]):
        monkeypatch.delenv("ZHENGCE_DEBUG", raising=False)
        assert cli.main(args) in (1, 2)
        err = capsys.readouterr().err
        assert "internal error while extracting: ZeroDivisionError" in err and "Traceback" not in err
        monkeypatch.setenv("ZHENGCE_DEBUG", "1")
        assert cli.main(args) in (1, 2)
        err = capsys.readouterr().err
        assert "Traceback" in err and "ZeroDivisionError: an extractor broke" in err, args


# --- 6. file names escaped --------------------------------------------------------------------

def test_file_names_with_newlines_and_escape_codes_are_printed_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / WEIRD).write_text("", encoding="utf-8")                          # refused: empty
    (folder / ("good" + WEIRD)).write_bytes(next(SEEDS.glob("004_*.txt")).read_bytes())
    runs = [zhengce("extract", str(folder / WEIRD)), zhengce("extract", str(folder)),
            zhengce("ingest", str(folder), "--db", str(tmp_path / "w.db")),
            zhengce("report", str(folder))]
    for p in runs:
        both = p.stdout + p.stderr
        assert "\x1b" not in both, p.args
        errors = [l for l in p.stderr.splitlines() if l.startswith("zhengce: error:")]
        assert errors and all("bad\\nname\\x1b[31mred.txt" in l for l in errors), p.stderr
        assert not any(l.startswith(("name", "red.txt")) for l in both.splitlines()), both
    assert "goodbad\\nname\\x1b[31mred.txt" in column(runs[1].stdout.splitlines(), "file")


def test_shown_escapes_only_what_would_break_a_line():
    from zhengce.cli_common import shown
    assert shown("政策/文件 (1).txt") == "政策/文件 (1).txt"
    assert shown("a\nb\x1b[31m\u202e.txt") == "a\\nb\\x1b[31m\\u202e.txt"
    assert shown("x\udcff.txt") == "x\\xff.txt"          # a byte that was not UTF-8


# --- 7. citations of untitled documents --------------------------------------------------------

def test_untitled_document_is_cited_by_a_description_not_its_doc_id(store):
    docs = json.loads(zhengce("docs", "--db", str(store), "--json").stdout)
    stub = next(d for d in docs if not d["title"])
    for style in ("gbt7714", "bibtex"):
        p = zhengce("cite", stub["doc_id"], "--db", str(store), "--style", style)
        assert p.returncode == 0, p.stderr
        assert stub["doc_id"] not in p.stdout.replace(f"zhengce{stub['doc_id'][:8]}", "")
        assert "[各单位要认真落实本方案的各项要求，加强组织领导]" in p.stdout


def test_title_of_prefers_type_issuer_date_then_text_then_file_name():
    from zhengce.pipeline.cite import gbt7714, title_of
    rec = {"doc_id": "abc123", "source": "/x/通知扫描件.pdf", "text": "",
           "metadata": {"title": None, "issuers": ["随州市人民政府"], "doc_type": "意见", "signed_date": "2021-06-25"}}
    assert title_of(rec) == "[随州市人民政府意见, 2021-06-25]"
    rec["metadata"]["doc_type"] = None
    rec["text"] = "为贯彻落实有关要求，现就有关事项通知如下。其余。"
    assert title_of(rec) == "[为贯彻落实有关要求，现就有关事项通知如下]"
    rec["text"] = ""
    assert title_of(rec) == "[通知扫描件.pdf]"
    assert "abc123" not in gbt7714(rec)
    rec["metadata"]["title"] = "关于X的通知"
    assert title_of(rec) == "关于X的通知"


# --- 8. no `other` tags -----------------------------------------------------------------------

def test_search_hits_are_not_tagged_other(store):
    js = json.loads(zhengce("search", "课后服务", "--db", str(store), "--json", "--limit", "50").stdout)
    kinds = {h["clause_id"]: h["kind"] for h in js["hits"]}
    assert "other" in kinds.values() and set(kinds.values()) - {"other"}
    out = zhengce("search", "课后服务", "--db", str(store), "--limit", "50", "--no-facets",
                  env={"COLUMNS": "400"}).stdout
    heads = [l for l in out.splitlines() if re.match(r"\s*\d+\. ", l)]
    assert len(heads) == len(kinds)
    for line in heads:
        cid = line.split()[1].split(":")[1]
        assert (f" {kinds[cid]} " in line) == (kinds[cid] != "other"), line


# --- 9. a clone named zhengce, imported from its parent folder --------------------------------

def test_clone_named_zhengce_imports_from_its_parent_folder(tmp_path):
    (tmp_path / "zhengce").symlink_to(ROOT, target_is_directory=True)
    code = ("import zhengce, zhengce.pipeline.document as d; "
            "print(zhengce.open.__name__, d.__file__); "
            f"print(zhengce.extract({str(next(SEEDS.glob('000_*.txt')))!r})['metadata']['doc_number'])")
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=ENV,
                       encoding="utf-8", timeout=120)
    assert p.returncode == 0, p.stderr
    name, path = p.stdout.splitlines()[0].split(" ", 1)
    assert name == "open" and path.startswith(str(tmp_path / "zhengce" / "pipeline"))   # the clone's own code
    assert p.stdout.splitlines()[1] == "原党教办〔2021〕1号"
    v = zhengce("--version", cwd=tmp_path)
    assert v.returncode == 0 and v.stdout.startswith("zhengce ")


def test_root_package_mapping_matches_pyproject():
    """The clone imports as the package by mapping zhengce.X to the folder X: pyproject must agree."""
    try:
        import tomllib
    except ImportError:                        # Python 3.10
        pytest.skip("tomllib needs Python 3.11")
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for package, folder in cfg["tool"]["setuptools"]["package-dir"].items():
        assert folder == package.split(".")[-1], (package, folder)


# --- 10. the shared helpers in one module -------------------------------------------------

CLI_MODULES = sorted(p.stem for p in (ROOT / "zhengce").glob("cli*.py"))


def _imports_of_cli(module: str) -> set[tuple[str, str]]:
    """(module, top-level function or <module>) wherever zhengce.cli is imported."""
    tree = ast.parse((ROOT / "zhengce" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for top in tree.body:
        for node in ast.walk(top):
            if ((isinstance(node, ast.ImportFrom) and (node.module == "zhengce.cli" or (
                    node.module == "zhengce" and any(a.name == "cli" for a in node.names))))
                    or (isinstance(node, ast.Import) and any(a.name == "zhengce.cli" for a in node.names))):
                found.add((module, getattr(top, "name", "<module>")))
    return found


@pytest.mark.parametrize("module", CLI_MODULES)
def test_each_cli_module_imports_alone(module):
    code = (f"import sys, argparse, zhengce.{module} as m; "
            "sub = argparse.ArgumentParser().add_subparsers(); "
            "getattr(m, 'register', lambda s: None)(sub); "
            "print('rich' in sys.modules)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"          # nothing heavy at import time


@pytest.mark.parametrize("module", [m for m in CLI_MODULES if m != "cli"])
def test_no_cli_module_imports_zhengce_cli(module):
    found = _imports_of_cli(module)
    assert not found, f"import the helpers from zhengce.cli_common instead: {sorted(found)}"
