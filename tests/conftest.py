"""Shared fixtures.  Golden files regenerate with ``pytest --regen-golden``."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = CORPUS / "seeds"
DEV = CORPUS / "dev"
GOLD = Path(__file__).resolve().parent / "gold"
GOLD_DEV = Path(__file__).resolve().parent / "gold_dev"      # six corpus/dev documents of other genres
CASES = Path(__file__).resolve().parent / "cases"
GOLDEN = Path(__file__).resolve().parent / "golden"

os.environ.setdefault("JIEBA_CACHE_DIR", tempfile.gettempdir())


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", help="rewrite tests/golden/*.json from the current output")


@pytest.fixture
def regen(request) -> bool:
    return request.config.getoption("--regen-golden")


def read_cases(name: str) -> list[dict[str, str]]:
    """Rows of a table-driven case file tests/cases/<name>.tsv (``#`` comments, header line)."""
    lines = [l for l in (CASES / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
             if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, [c.replace("\\r", "\r").replace("\\n", "\n") for c in l.split("\t")] + [""] * len(header))) for l in lines[1:]]


@pytest.fixture(scope="module")
def seed_search(tmp_path_factory):
    """A search backend over the contract records (the seeds), one per test module."""
    from contract.test_search_contract import contract_records
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
    s = SearchableSQLiteStore(tmp_path_factory.mktemp("seed_search") / "c.db")
    for i, rec in enumerate(contract_records()):
        s.put(rec, f"/docs/{i}.txt", f"h{i}", "txt")
    yield SQLiteSearch(s)
    s.close()
