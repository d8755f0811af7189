"""Ingest end to end: crash safety, bad inputs, re-runs, archives, workers, readers, exports."""
from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile

import pytest

from conftest import DEV, SEEDS
from zhengce.pipeline.export import export, import_jsonl, json_schema
from zhengce.pipeline.ingest import ingest
from zhengce.pipeline.store import open_store

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def zc(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "zhengce", *args], capture_output=True, text=True,
                          encoding="utf-8", env=ENV, timeout=timeout)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, d / p.name)
    for name in ("national_china_2019_financing_guarantee_fund_guideline.html",
                 "provincial_zhejiang_2017_river_chief_system_provisions.md",
                 "district_shanghai-jiading_2024_green_eco_district_measures.md",
                 "district_shanghai-fengxian_2025_green_eco_district_measures.md"):
        shutil.copy(DEV / name, d / name)
    return d


def consistent(db_path) -> tuple[int, int]:
    """(documents, sources) after checking that every document's child rows match its record."""
    db = sqlite3.connect(db_path)
    docs = db.execute("SELECT d.doc_id, COALESCE(b.record, d.record) FROM documents d "
                      "LEFT JOIN record_blobs b ON b.doc_id = d.doc_id").fetchall()
    for doc_id, record in docs:
        rec = json.loads(record)
        n = db.execute("SELECT COUNT(*) FROM clauses WHERE doc_id=?", (doc_id,)).fetchone()[0]
        assert n == len(rec["clauses"]), doc_id
        n = db.execute("SELECT COUNT(*) FROM sections WHERE doc_id=?", (doc_id,)).fetchone()[0]
        assert n == len(rec["sections"]), doc_id
    orphans = db.execute("SELECT COUNT(*) FROM sources s LEFT JOIN documents d ON d.doc_id=s.doc_id "
                         "WHERE d.doc_id IS NULL").fetchone()[0]
    assert orphans == 0
    dup = db.execute("SELECT COUNT(*) - COUNT(DISTINCT doc_id || '/' || id) FROM clauses").fetchone()[0]
    assert dup == 0
    return len(docs), db.execute("SELECT COUNT(*) FROM sources").fetchone()[0]


def test_ingest_json_summary_and_rerun_is_a_no_op(small_corpus, tmp_path):
    db = tmp_path / "c.db"
    p = zc("ingest", str(small_corpus), "--db", str(db), "--json")
    assert p.returncode == 0, p.stderr
    first = json.loads(p.stdout)
    assert first == {"ingested": 9, "unchanged": 0, "failed": [], "skipped": []}
    p = zc("ingest", str(small_corpus), "--db", str(db), "--json")
    assert json.loads(p.stdout) == {"ingested": 0, "unchanged": 9, "failed": [], "skipped": []}
    assert consistent(db) == (9, 9)


def test_changed_file_replaces_old_version(small_corpus, tmp_path):
    d = tmp_path / "docs"
    shutil.copytree(small_corpus, d)
    db = tmp_path / "c.db"
    assert zc("ingest", str(d), "--db", str(db), "--quiet").returncode == 0
    f = next(d.glob("004_*.txt"))
    f.write_text(f.read_text(encoding="utf-8").replace("各市教育局", "各市、县教育局"), encoding="utf-8")
    p = zc("ingest", str(d), "--db", str(db), "--json")
    assert json.loads(p.stdout) == {"ingested": 1, "unchanged": 8, "failed": [], "skipped": []}
    assert consistent(db) == (9, 9)


def test_bad_files_are_reported_and_good_ones_stored(small_corpus, tmp_path):
    d = tmp_path / "mixed"
    shutil.copytree(small_corpus, d)
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(os.urandom(5000))
    (d / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    (d / "gbk.txt").write_bytes("关于印发《某县教育工作方案》的通知\n各乡镇人民政府：\n一、总体要求\n各学校要认真落实。".encode("gb18030"))
    (d / "huge.txt").write_bytes(b"a" * (51 * 1024 * 1024))
    db = tmp_path / "c.db"
    p = zc("ingest", str(d), "--db", str(db), "--json")
    assert p.returncode == 1
    out = json.loads(p.stdout)
    failed = {os.path.basename(f["path"]): f["error"] for f in out["failed"]}
    assert set(failed) == {"empty.txt", "binary.txt", "truncated.pdf", "huge.txt"}, failed
    assert out["ingested"] == 10
    assert "Traceback" not in p.stderr
    assert consistent(db) == (10, 10)


def test_zip_archives_and_parallel_workers_agree(small_corpus, tmp_path):
    archive = tmp_path / "corpus.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(small_corpus.iterdir()):
            z.write(f, f"docs/{f.name}")
    one = open_store(str(tmp_path / "one.db"))
    r1 = ingest([str(small_corpus)], one, workers=1)
    two = open_store(str(tmp_path / "two.db"))
    r2 = ingest([str(archive)], two, workers=2)
    assert r1.ingested == r2.ingested == 9 and not r2.failed
    assert {d["doc_id"] for d in one.documents()} == {d["doc_id"] for d in two.documents()}
    assert all("!docs/" in s for d in two.documents() for s in d["sources"])


def test_sigkill_mid_ingest_leaves_a_consistent_store_and_rerun_completes(small_corpus, tmp_path):
    db = tmp_path / "c.db"
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "zhengce", "ingest", str(small_corpus), "--db", str(db), "--quiet"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if db.exists():
            consistent(db)
    p = zc("ingest", str(small_corpus), "--db", str(db), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["ingested"] + out["unchanged"] == 9
    assert consistent(db) == (9, 9)


def test_readers_see_a_consistent_store_during_ingest(small_corpus, tmp_path):
    db = tmp_path / "c.db"
    open_store(str(db)).close()
    errors, counts = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                counts.append(consistent(db)[0])
            except Exception as e:  # noqa: BLE001
                errors.append(e)
            time.sleep(0.05)
    t = threading.Thread(target=reader)
    t.start()
    p = zc("ingest", str(small_corpus), "--db", str(db), "--quiet")
    stop.set()
    t.join()
    assert p.returncode == 0 and not errors, errors[:1]
    assert counts == sorted(counts)  # documents only ever appear, whole


def test_exports(small_corpus, tmp_path):
    store = open_store(str(tmp_path / "c.db"))
    ingest([str(small_corpus)], store)
    n = export(store, "csv", tmp_path / "targets.csv", "responsibilities")
    raw = (tmp_path / "targets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8 Chinese
    rows = list(csv.DictReader(open(tmp_path / "targets.csv", encoding="utf-8-sig")))
    assert len(rows) == n > 0 and "市教育局" in {r["unit"] for r in rows}
    export(store, "xlsx", tmp_path / "all.xlsx")
    import openpyxl
    assert openpyxl.load_workbook(tmp_path / "all.xlsx").sheetnames == ["documents", "clauses", "targets", "responsibilities"]
    export(store, "parquet", tmp_path / "clauses.parquet", "clauses", kind="obligation")
    import pyarrow.parquet as pq
    t = pq.read_table(tmp_path / "clauses.parquet")
    assert t.num_rows > 0 and set(t.column("kind").to_pylist()) == {"obligation"}


def test_jsonl_round_trip_is_identical(small_corpus, tmp_path):
    a = open_store(str(tmp_path / "a.db"))
    ingest([str(small_corpus)], a)
    export(a, "jsonl", tmp_path / "all.jsonl")
    b = open_store(str(tmp_path / "b.db"))
    assert import_jsonl(b, tmp_path / "all.jsonl") == 9
    for rec in a.records():
        assert b.get(rec["doc_id"]) == rec


def test_the_stored_record_json_is_the_one_shot_dump(small_corpus, tmp_path):
    """The store writes a record's JSON an item at a time (memory of a huge record): the same text
    as one json.dumps, so the column's bytes did not change."""
    store = open_store(str(tmp_path / "j.db"))
    ingest([str(small_corpus)], store)
    rows = store.db.execute("SELECT record FROM documents").fetchall()
    assert len(rows) == 9
    for (text,) in rows:
        assert text == json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def test_every_record_validates_against_the_published_schema(small_corpus, tmp_path):
    import jsonschema
    schema = json_schema()
    store = open_store(str(tmp_path / "c.db"))
    ingest([str(small_corpus)], store)
    validator = jsonschema.Draft202012Validator(schema)
    for rec in store.records():
        errors = list(validator.iter_errors(rec))
        assert not errors, errors[0].message
    p = zc("schema")
    assert p.returncode == 0 and json.loads(p.stdout)["title"] == "zhengce.document/1"


def test_notebook_api(small_corpus, tmp_path):
    import zhengce
    db = tmp_path / "c.db"
    ingest([str(small_corpus)], open_store(str(db)))
    c = zhengce.open(str(db))
    docs = c.documents()
    assert len(docs) == 9 and {"title", "level", "province"} <= set(docs.columns)
    ob = c.clauses(kind="obligation", unit="市教育局")
    assert len(ob) > 0 and set(ob["kind"]) == {"obligation"}
    assert len(c.responsibilities(unit="市教育局")) > 0


def test_store_cli_errors(tmp_path):
    p = zc("docs", "--db", str(tmp_path / "absent.db"))
    assert p.returncode == 2 and p.stderr.strip() == f"zhengce: error: {tmp_path / 'absent.db'}: no such database"
    open_store(str(tmp_path / "there.db")).close()
    p = zc("docs", "--db", str(tmp_path / "there.db"), "--filter", "colour=red")
    assert p.returncode == 2 and "unknown key 'colour'" in p.stderr


def test_citations_resolve_and_lineage_tree(tmp_path):
    d = tmp_path / "family"
    d.mkdir()
    for name in ("national_china_2019_optimize_business_environment_regulation.md",
                 "provincial_henan_2020_optimize_business_environment_regulation.md",
                 "municipal_henan-zhumadian_2021_optimize_business_environment_regulation.md"):
        shutil.copy(DEV / name, d / name)
    db = tmp_path / "f.db"
    assert zc("ingest", str(d), "--db", str(db), "--quiet").returncode == 0
    store = open_store(str(db))
    national = store.resolve("national_china_2019_optimize_business_environment_regulation.md")
    p = zc("lineage", national, "--db", str(db), "--json")
    tree = json.loads(p.stdout)
    below = {c["title"]: c for c in tree["cited_by"]}
    assert set(below) == {"河南省优化营商环境条例", "驻马店市优化营商环境条例"}
    assert any(g["title"] == "驻马店市优化营商环境条例" for g in below["河南省优化营商环境条例"]["children"]) \
        or "驻马店市优化营商环境条例" in below
    p = zc("lineage", store.resolve("municipal_henan-zhumadian_2021_optimize_business_environment_regulation.md"),
           "--db", str(db))
    assert p.returncode == 0 and "河南省优化营商环境条例" in p.stdout and "cites" in p.stdout


def test_a_store_killed_while_being_created_leaves_no_empty_file(tmp_path, monkeypatch):
    """sqlite3 creates its file at connect: a process killed before the schema's commit used to
    leave an empty file that readers took for a store without tables.  The schema is now written
    beside the target and linked into place, so the target is absent or complete."""
    from zhengce.pipeline.store import sqlite as sqlite_store

    def killed(*a, **kw):
        raise KeyboardInterrupt("killed before the link")
    db = tmp_path / "new.db"
    monkeypatch.setattr(sqlite_store.os, "link", killed)
    with pytest.raises(KeyboardInterrupt):
        open_store(str(db))
    assert not db.exists() and not list(tmp_path.iterdir())
    monkeypatch.undo()
    open_store(str(db)).close()
    assert consistent(db) == (0, 0)
    assert not [p.name for p in tmp_path.iterdir() if "creating" in p.name]


def test_a_long_text_extracted_in_parts_in_parallel_gives_the_same_record(tmp_path, monkeypatch):
    """A long text ingested alone with workers > 1 is cut where no section spans the cut
    (document.clean_cuts) and its parts extracted in parallel; the joined record (global spans,
    clause ids numbered on, references renumbered with them) is the record of the whole text."""
    from zhengce.pipeline import document, ingest as ingest_mod
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(texts * 2), encoding="utf-8")
    whole = document.extract_file(big).record()
    monkeypatch.setattr(document, "SPLIT_FROM", 1000)
    monkeypatch.setattr(document, "SPLIT_PART", 5000)
    monkeypatch.setattr(ingest_mod, "SPLIT_BYTES", 1000)
    doc = document.structure(big.read_text(encoding="utf-8"))
    cuts = document.clean_cuts(doc)
    assert len(cuts) > 4, cuts                       # several parts, each a run of whole sections
    for a in cuts[1:-1]:
        assert all(s.extent[1] <= a or s.span[0] >= a for s in doc.sections)
    from zhengce.pipeline.store import sqlite as sqlite_store
    monkeypatch.setattr(sqlite_store, "STREAM_FROM", 1000)      # its JSON streamed into record_blobs, as a long text's
    store = open_store(str(tmp_path / "p.db"))
    report = ingest([str(big)], store, workers=2)
    assert report.ingested == 1 and not report.failed
    got = store.get(whole["doc_id"])
    assert json.dumps(got, ensure_ascii=False) == json.dumps({**whole, "source": got["source"]}, ensure_ascii=False)
    assert [c["id"] for c in got["clauses"]] == [f"c{i + 1}" for i in range(len(got["clauses"]))]
    assert store.db.execute("SELECT COUNT(*) FROM record_blobs").fetchone()[0] == 1
    assert consistent(tmp_path / "p.db") == (1, 1)
    # its keyword index is the one the whole record gives
    from zhengce.pipeline.search.keyword import prepared_rows
    indexed = [tuple(r) for r in store.db.execute(
        "SELECT clause_id, text, kinds, members FROM search_clauses ORDER BY rid")]
    assert indexed == [(r[0], r[4], r[8], r[9]) for r in prepared_rows({**whole, "source": got["source"]})]


# a long text ingested in parts, its keyword index written while they are extracted: small parts
# and small rounds; ``kill`` (argv[3]) = "round:K" kills the process as the K-th round of its
# index begins, "mark" inside the transaction that stores the document and marks its index
_STREAMED_INGEST = """
import os, signal, sys
from zhengce.pipeline import document, ingest, search
from zhengce.pipeline.search import keyword
from zhengce.pipeline.store import open_store
document.SPLIT_FROM, document.SPLIT_PART, ingest.SPLIT_BYTES = 1000, 5000, 1000
keyword.WRITE_BATCH, keyword.ROUND_UNITS = 20, 40
kill = sys.argv[3] if len(sys.argv) > 3 else ""
if kill.startswith("round:"):
    rounds, begin = [0], keyword.IndexWriter._begin_round
    def begin_round(self):
        rounds[0] += 1
        if rounds[0] == int(kill[6:]):
            os.kill(os.getpid(), signal.SIGKILL)
        return begin(self)
    keyword.IndexWriter._begin_round = begin_round
elif kill == "mark":
    def mark(self, ingested_at):
        os.kill(os.getpid(), signal.SIGKILL)
    search.StreamedIndex.mark = mark
report = ingest.ingest([sys.argv[1]], open_store(sys.argv[2]), workers=2)
assert report.ingested + report.unchanged == 1, report.as_dict()
"""


def test_sigkill_while_a_long_text_is_indexed_in_parts_leaves_no_half_indexed_document(tmp_path):
    """The index of a long text is written in rounds while its parts are extracted, before the
    document is stored; the document and the row that marks it indexed are committed together.
    Killed between rounds or inside that transaction: the store is consistent, no search sees the
    rows written so far, the next sync (or the rerun) removes them, and the rerun indexes the
    document whole, once."""
    from zhengce.pipeline.search import SearchQuery
    from zhengce.pipeline.search.keyword import prepared_rows
    from zhengce.pipeline.search.sqlite_backend import open_search
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(texts * 2), encoding="utf-8")
    db = tmp_path / "s.db"
    run = [sys.executable, "-c", _STREAMED_INGEST, str(big), str(db)]
    for kill in ("round:2", "round:9", "mark"):
        p = subprocess.run(run + [kill], capture_output=True, text=True, env=ENV, timeout=600)
        assert p.returncode == -signal.SIGKILL, (kill, p.stderr[-2000:])
        consistent(db)
        con = sqlite3.connect(db)
        assert not con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        assert not con.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0]
        assert con.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0], kill    # rows written, not marked
        con.close()
        s = open_search(str(db))                      # a reader: sync drops what the dead writer left
        assert not s.search(SearchQuery("加强", limit=50)).total
        assert not s.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
        assert not s.db.execute("SELECT 1 FROM search_meta WHERE key LIKE 'indexing:%'").fetchone()
        s.store.close()
    p = subprocess.run(run + ["round:4"], capture_output=True, text=True, env=ENV, timeout=600)
    assert p.returncode == -signal.SIGKILL, p.stderr[-2000:]
    p = subprocess.run(run, capture_output=True, text=True, env=ENV, timeout=600)     # the rerun, after a kill
    assert p.returncode == 0, p.stderr[-2000:]
    assert consistent(db) == (1, 1)
    store = open_store(str(db))
    rec = store.get(store.documents()[0]["doc_id"])
    indexed = [tuple(r) for r in store.db.execute("SELECT clause_id, text, kinds, members FROM search_clauses ORDER BY rid")]
    assert indexed == [(r[0], r[4], r[8], r[9]) for r in prepared_rows(rec)]
    assert store.db.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0] == 1
    assert not store.db.execute("SELECT 1 FROM search_meta WHERE key LIKE 'indexing:%'").fetchone()
    store.close()
