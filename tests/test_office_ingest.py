"""Issue 16: "any file ingest does not read is listed as skipped with the reason, never silently
dropped" — checked for folders and zip archives, file by file.

What ingest cannot read (empty, broken link, FIFO, too large, a .doc without LibreOffice, an
unreadable file) is a failure with its reason; what it passes over by name (an unknown extension,
a hidden file or folder, a folder's README, a file without extension — in a folder or in a zip)
is listed in ``Report.skipped`` (``{"path", "reason"}``).
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from zhengce.pipeline.ingest import ingest
from zhengce.pipeline.store import open_store

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOC = OLE + "WordDocument".encode("utf-16-le") + b"\0" * 600      # a Word 97 file, as far as the sniffing goes
TEXT = "关于印发某某办法的通知\n各单位：现将办法印发给你们，请认真执行。\n"


def _run(paths, tmp_path):
    store = open_store(str(tmp_path / "s.db"), create=True)
    try:
        report = ingest([str(p) for p in paths], store)
        return report, store.count()
    finally:
        store.close()


def _reasons(report) -> dict[str, str]:
    out = {}
    for f in report.failed + list(getattr(report, "skipped", [])):
        out[Path(str(f["path"]).split("!")[-1]).name] = f.get("error") or f.get("reason") or ""
    return out


def test_what_ingest_cannot_read_is_listed_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHENGCE_SOFFICE", str(tmp_path / "no-soffice"))      # LibreOffice absent
    d = tmp_path / "folder"
    d.mkdir()
    (d / "ok.txt").write_text(TEXT, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.md").write_text("\n  \n", encoding="utf-8")
    (d / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    with open(d / "big.txt", "wb") as f:            # sparse: over the text loader's 50 MB, no disk used
        f.truncate(51 * 1024 * 1024)
    (d / "old.doc").write_bytes(DOC)
    os.mkfifo(d / "pipe.txt")
    z = tmp_path / "docs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok2.txt", TEXT.replace("某某", "另一"))
        zf.writestr("empty2.txt", b"")
        zf.writestr("old2.doc", DOC)
    report, stored = _run([d, z], tmp_path)
    reasons = _reasons(report)
    assert stored == 2 and report.ingested == 2
    assert reasons["empty.txt"] == "empty file" and reasons["empty2.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert reasons["broken.txt"] == "broken symbolic link"
    assert reasons["pipe.txt"] == "not a regular file"
    assert reasons["big.txt"].startswith("file too large (51 MB; the limit is 50 MB)")
    for name in ("old.doc", "old2.doc"):
        assert reasons[name].startswith("reading .doc needs LibreOffice: install LibreOffice")
    assert all("\n" not in r for r in reasons.values())


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_listed(tmp_path):
    d = tmp_path / "folder"
    d.mkdir()
    f = d / "secret.txt"
    f.write_text(TEXT, encoding="utf-8")
    f.chmod(0)
    try:
        report, stored = _run([d], tmp_path)
    finally:
        f.chmod(0o644)
    assert stored == 0 and _reasons(report)["secret.txt"].startswith("cannot read")


def test_files_ingest_passes_over_are_listed_as_skipped(tmp_path):
    d = tmp_path / "folder"
    d.mkdir()
    (d / "ok.txt").write_text(TEXT, encoding="utf-8")
    for name in ("photo.jpg", "budget.xls", "slides.pptx", "scan.ofd", ".hidden.txt", "README.md", "notes"):
        (d / name).write_bytes(b"x")
    z = tmp_path / "docs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok2.txt", TEXT.replace("某某", "另一"))
        for name in ("map.png", ".DS_Store", "table.xls"):
            zf.writestr(name, b"x")
    report, stored = _run([d, z], tmp_path)
    assert stored == 2
    listed = _reasons(report)
    missing = [n for n in ("photo.jpg", "budget.xls", "slides.pptx", "scan.ofd", ".hidden.txt", "README.md",
                           "notes", "map.png", ".DS_Store", "table.xls") if not listed.get(n)]
    assert missing == [], f"dropped without a word: {missing}"


def test_cli_says_what_it_skipped(tmp_path):
    """The terminal says how many files were not documents; --json lists each with its reason."""
    import json
    import subprocess
    import sys
    d = tmp_path / "folder"
    (d / ".git").mkdir(parents=True)
    (d / ".git" / "config.txt").write_text(TEXT, encoding="utf-8")
    (d / "ok.txt").write_text(TEXT, encoding="utf-8")
    (d / "photo.jpg").write_bytes(b"x")
    run = lambda *a: subprocess.run([sys.executable, "-m", "zhengce", *a], capture_output=True, text=True,  # noqa: E731
                                    timeout=300, env={**os.environ, "ZHENGCE_EMBED_AT_INGEST": "0"})
    p = run("ingest", str(d), "--db", str(tmp_path / "s.db"), "--json")
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    assert rep["ingested"] == 1 and rep["failed"] == []
    assert {(Path(s["path"]).name, s["reason"]) for s in rep["skipped"]} == {
        ("photo.jpg", "unsupported file type '.jpg'"), (".git", "hidden folder")}
    p = run("ingest", str(d), "--db", str(tmp_path / "t.db"), "--quiet")
    assert "skipped 2" in p.stdout
    p = run("extract", str(d), "--json")
    assert p.returncode == 0 and "skipped 2 file(s) that are not documents" in p.stderr
