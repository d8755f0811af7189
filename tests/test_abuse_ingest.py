"""Abuse suite for ingest (issue 15): generated hostile files — lying and huge zip archives, nested
archives, unreadable files and folders, FIFOs, broken links, deep HTML, files over the size
limit — and signals.  Each must end as one failure line (the good files stored, exit status 1)
within bounded memory and disk, leave no temp files, and leave no worker behind.

The heavy cases (a zip expanding to 1 GiB, six 190 MB members) run in a child process that
reports its own peak RSS and the bytes it wrote (``/proc/self/io`` wchar)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import SEEDS
from zhengce.pipeline import ingest as ingest_mod
from zhengce.pipeline.ingest import ARCHIVE_MAX_DEPTH, ARCHIVE_MAX_MEMBERS, TMP_PREFIX, ingest, sweep_stale_temp
from zhengce.pipeline.store import open_store

MB = 1024 * 1024
LINUX = sys.platform.startswith("linux")
CHILD = r"""
import json, os, resource, sys
from zhengce.cli import main
rc = main(sys.argv[1:])
io = {}
try:
    for line in open("/proc/self/io"):
        k, v = line.split(":")
        io[k] = int(v)
except OSError:
    pass
# VmHWM is this process's own high-water mark; ru_maxrss would carry the forking parent's over exec
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
except (OSError, StopIteration):
    pass
with open(os.environ["ABUSE_REPORT"], "w") as f:
    json.dump({"rc": rc, "peak_rss_mb": peak,
               "written_mb": io.get("wchar", 0) / 1e6}, f)
sys.exit(rc)
"""


def seed_texts() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def child_ingest(tmp_path: Path, *paths: str, timeout: int = 600) -> tuple[dict, subprocess.CompletedProcess]:
    """``zhengce ingest PATHS --db … --json`` in a child with its own TMPDIR; (measures, process)."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)
    report = tmp_path / "measures.json"
    env = {**os.environ, "TMPDIR": str(tmpdir), "ABUSE_REPORT": str(report), "PYTHONIOENCODING": "utf-8"}
    p = subprocess.run([sys.executable, "-c", CHILD, "ingest", *paths, "--db", str(tmp_path / "a.db"), "--json"],
                       capture_output=True, text=True, env=env, timeout=timeout)
    assert "Traceback" not in p.stderr, p.stderr
    assert not list(tmpdir.glob(TMP_PREFIX + "*")), "temp files left behind"
    return json.loads(report.read_text()), p


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("zhengce: error: ")]


def zeros_member(z: zipfile.ZipFile, name: str, size: int) -> None:
    block = b"\0" * MB
    with z.open(name, "w") as w:
        for _ in range(size // MB):
            w.write(block)
        w.write(b"\0" * (size % MB))


def lie_about_size(archive: Path, claimed: int, name: str | None = None) -> None:
    """Rewrite a member's (default: every member's) uncompressed size, in its local header and in
    the central directory."""
    with zipfile.ZipFile(archive) as z:
        infos, start_dir = z.infolist(), z.start_dir
    data = bytearray(archive.read_bytes())
    for info in infos:
        if name in (None, info.filename):
            assert data[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
            struct.pack_into("<I", data, info.header_offset + 22, claimed)
    pos = start_dir
    while data[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        if name in (None, data[pos + 46:pos + 46 + n].decode("utf-8")):
            struct.pack_into("<I", data, pos + 24, claimed)
        pos += 46 + n + m + k
    archive.write_bytes(bytes(data))


# --- archives ---------------------------------------------------------------------------------

@pytest.mark.skipif(not LINUX, reason="reads /proc/self/io")
def test_zip_member_lying_about_its_size_is_stopped_in_bounded_memory(tmp_path):
    """A 1 MB zip whose member header says 10 KB but which expands to 1 GiB."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        zeros_member(z, "notice.txt", 1024 * MB)
    lie_about_size(bomb, 10 * 1024, "notice.txt")
    assert bomb.stat().st_size < 2 * MB
    m, p = child_ingest(tmp_path, str(bomb))
    assert p.returncode == 1, p.stderr
    errors = error_lines(p.stderr)
    assert len(errors) == 1 and "notice.txt: cannot unpack" in errors[0], p.stderr
    print("lying 1 GiB member:", m)
    assert m["peak_rss_mb"] < 300, m
    assert m["written_mb"] < 250, m


@pytest.mark.skipif(not LINUX, reason="reads /proc/self/io")
@pytest.mark.parametrize("ext", [".txt", ".pdf"])
def test_zip_of_six_huge_members_is_refused_within_the_archive_budget(tmp_path, ext):
    """Six members of 190 MB each (1.2 MB zipped): over a member's limit (.txt, 50 MiB) they are refused
    from their headers; within it (.pdf, 200 MiB) the archive's total (200 MiB) stops them."""
    archive = tmp_path / "six.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for i in range(6):
            zeros_member(z, f"member{i}{ext}", 190 * 1000 * 1000)
    assert archive.stat().st_size < 3 * MB
    m, p = child_ingest(tmp_path, str(archive))
    assert p.returncode == 1, p.stderr
    errors = error_lines(p.stderr)
    assert errors and all("too large" in e or "archive unpacks to more than" in e or "not a PDF" in e.lower()
                          or "pdf" in e.lower() for e in errors), p.stderr
    print(f"six 190 MB {ext} members:", m)
    assert m["peak_rss_mb"] < 300, m
    assert m["written_mb"] < 250, m


def test_lying_header_with_a_real_size_limit(tmp_path, monkeypatch):
    """The running byte count stops a member at its limit whatever its header says (zipfile's own
    stop at the header's size is not what we rely on: here the header is made honest to zipfile
    but the limit small)."""
    monkeypatch.setattr(ingest_mod, "size_limit", lambda name: 64 * 1024)
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", "政策" * 100_000)
    failed: list[dict] = []
    items = list(ingest_mod.discover([str(archive)], tmp_path, failed))
    assert not items and len(failed) == 1 and "too large" in failed[0]["error"]
    # the header lies (says 1 KB): the stream is cut by zipfile's size check, nothing left on disk
    lie_about_size(archive, 1024)
    failed = []
    items = list(ingest_mod.discover([str(archive)], tmp_path / "t", failed))
    assert not items and len(failed) == 1 and "cannot unpack" in failed[0]["error"], failed
    assert not [p for p in (tmp_path / "t").rglob("*") if p.is_file()]


def test_archive_budget_counts_real_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_mod, "ARCHIVE_MAX_BYTES", 300 * 1024)
    archive = tmp_path / "many.zip"
    text = seed_texts()[0].read_text(encoding="utf-8")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(30):
            z.writestr(f"d{i:02d}.txt", text + f"\n第{i}份")
    failed: list[dict] = []
    items = list(ingest_mod.discover([str(archive)], tmp_path / "t", failed))
    written = sum(p.stat().st_size for p in (tmp_path / "t").rglob("*") if p.is_file())
    assert 0 < len(items) < 30 and written <= 300 * 1024
    assert len(failed) == 1 and "archive unpacks to more than" in failed[0]["error"], failed


def test_archive_with_too_many_entries_is_refused(tmp_path):
    archive = tmp_path / "entries.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for i in range(ARCHIVE_MAX_MEMBERS + 1):
            z.writestr(f"e{i}.txt", b"")
    failed: list[dict] = []
    assert not list(ingest_mod.discover([str(archive)], tmp_path / "t", failed))
    assert len(failed) == 1 and "entries" in failed[0]["error"]


def test_nested_archives_are_read_to_a_fixed_depth(tmp_path):
    texts = seed_texts()
    inner = tmp_path / "inner.zip"
    deepest = tmp_path / "deepest.zip"
    deeper = tmp_path / "deeper.zip"
    with zipfile.ZipFile(deepest, "w") as z:
        z.write(texts[2], "lost.txt")
    with zipfile.ZipFile(deeper, "w") as z:
        z.write(deepest, "deepest.zip")
    with zipfile.ZipFile(inner, "w") as z:
        z.write(texts[1], "inner_doc.txt")
        z.write(deeper, "deeper.zip")
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.write(texts[0], "outer_doc.txt")
        z.write(inner, "sub/inner.zip")
    with open_store(str(tmp_path / "n.db")) as store:
        rep = ingest([str(outer)], store)
        sources = sorted(s for d in store.documents() for s in d["sources"])
    assert rep.ingested == 2, rep
    assert [s.split("!", 1)[1] for s in sources] == ["outer_doc.txt", "sub/inner.zip!inner_doc.txt"]
    assert len(rep.failed) == 1 and rep.failed[0]["path"].endswith("sub/inner.zip!deeper.zip"), rep.failed
    assert f"nested more than {ARCHIVE_MAX_DEPTH} deep" in rep.failed[0]["error"]


# --- a folder with problems: the good files stored, one line per problem, exit 1 ------------------

def test_folder_with_unreadable_files_and_folders_and_a_nested_zip(tmp_path, monkeypatch, capsys):
    from zhengce.cli import main
    d = tmp_path / "mixed"
    (d / "sub").mkdir(parents=True)
    (d / "locked").mkdir()
    texts = seed_texts()
    shutil.copy(texts[0], d / texts[0].name)
    shutil.copy(texts[1], d / "sub" / texts[1].name)
    shutil.copy(texts[2], d / "unreadable.txt")
    shutil.copy(texts[3], d / "locked" / "hidden_by_lock.txt")
    os.mkfifo(d / "pipe.txt")                                  # open() would block forever
    os.symlink(d / "gone.txt", d / "dangling.txt")             # a broken link
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.write(texts[4], texts[4].name)
    with zipfile.ZipFile(d / "bundle.zip", "w") as z:
        z.write(inner, "inner.zip")
        z.writestr("broken.zip", b"PK\x03\x04 not a zip at all")
    (d / "deep.html").write_text("<html><body>" + "<div>" * 50_000 + "关于印发的通知" + "</div>" * 50_000
                                 + "</body></html>", encoding="utf-8")

    # we run as root, where chmod 000 does not stop a read: the OS refusals are simulated
    real_open, real_scandir = open, os.scandir

    def fake_open(path, *a, **kw):
        if str(path).endswith("unreadable.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    def fake_scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    monkeypatch.setattr(ingest_mod, "open", fake_open, raising=False)
    monkeypatch.setattr(os, "scandir", fake_scandir)

    rc = main(["ingest", str(d), "--db", str(tmp_path / "m.db"), "--json"])
    out, err = capsys.readouterr()
    assert rc == 1
    report = json.loads(out)
    assert report["ingested"] == 3, report                     # two files and the nested zip's document
    problems = {Path(f["path"].split("!")[0]).name + ("!" + f["path"].split("!", 1)[1] if "!" in f["path"] else ""):
                f["error"] for f in report["failed"]}
    assert problems.keys() == {"unreadable.txt", "locked", "pipe.txt", "dangling.txt", "bundle.zip!broken.zip",
                               "deep.html"}, problems
    assert "Permission denied" in problems["unreadable.txt"] and "cannot read folder" in problems["locked"]
    assert problems["pipe.txt"] == "not a regular file" and problems["dangling.txt"] == "broken symbolic link"
    assert "nested too deeply" in problems["deep.html"]
    lines = error_lines(err)
    assert len(lines) == len(report["failed"]) == 6 and "Traceback" not in err
    assert all("\n" not in f["error"] for f in report["failed"])


@pytest.mark.skipif(not hasattr(os, "setuid"), reason="POSIX permissions")
def test_unreadable_file_for_a_real_non_root_user(tmp_path):
    """The same for real: chmod 000 on a file and a folder, ingest run as a non-root user (as nobody
    when the tests run as root, which only works where nobody can read the interpreter)."""
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="zhengce-abuse-", dir="/tmp"))
    try:
        os.chmod(base, 0o777)
        d = base / "docs"
        (d / "locked").mkdir(parents=True)
        texts = seed_texts()
        shutil.copy(texts[0], d / texts[0].name)
        shutil.copy(texts[1], d / "closed.txt")
        shutil.copy(texts[2], d / "locked" / "x.txt")
        os.chmod(d / "closed.txt", 0)
        os.chmod(d / "locked", 0)
        for p in (d, d / texts[0].name):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "HOME": str(base), "TMPDIR": str(base),
               "JIEBA_CACHE_DIR": str(base)}
        try:
            p = subprocess.run([sys.executable, "-m", "zhengce", "ingest", str(d), "--db", str(base / "u.db"), "--json"],
                               capture_output=True, text=True, env=env, timeout=300,
                               preexec_fn=(lambda: (os.setgid(65534), os.setuid(65534))) if os.geteuid() == 0 else None)
        except (OSError, subprocess.SubprocessError) as e:
            pytest.skip(f"cannot run as nobody: {e}")
        if "Permission denied" in p.stderr and "zhengce" not in p.stderr:
            pytest.skip("the interpreter is not readable by nobody")
        if p.returncode not in (0, 1) or not p.stdout.strip():
            pytest.skip(f"cannot run zhengce as nobody here: {p.stderr[-300:]}")
        out = json.loads(p.stdout)
        assert p.returncode == 1 and out["ingested"] == 1, (out, p.stderr)
        names = {Path(f["path"]).name: f["error"] for f in out["failed"]}
        assert set(names) == {"closed.txt", "locked"}, names
        assert len(error_lines(p.stderr)) == 2 and "Traceback" not in p.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- limits on single files ------------------------------------------------------------------------

def test_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from zhengce.pipeline.load.text import MAX_BYTES
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(MAX_BYTES + 1)                               # sparse: reading it would take a while
    monkeypatch.setattr(ingest_mod, "file_hash", lambda p: pytest.fail("the file was read"))
    t0 = time.perf_counter()
    failed: list[dict] = []
    assert not list(ingest_mod.discover([str(huge)], tmp_path, failed))
    assert time.perf_counter() - t0 < 1
    assert failed == [{"path": str(huge), "error": f"file too large (51 MB; the limit is {MAX_BYTES // MB} MB)"}]


def test_deep_html_is_refused_with_a_clear_message_and_moderate_depth_loads(tmp_path):
    from zhengce.pipeline.load import LoadError, load
    from zhengce.pipeline.load.html import MAX_DEPTH
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 50_000 + "正文" + "</div>" * 50_000 + "</body></html>", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(LoadError, match="nested too deeply"):
        load(deep)
    assert time.perf_counter() - t0 < 5
    text = seed_texts()[0].read_text(encoding="utf-8")
    ok = tmp_path / "ok.html"
    n = MAX_DEPTH - 10                                          # deeper than Python's recursion limit
    ok.write_text("<html><body>" + "<div>" * n + "".join(f"<p>{line}</p>" for line in text.splitlines())
                  + "</div>" * n + "</body></html>", encoding="utf-8")
    raw = load(ok)
    assert text.splitlines()[5] in raw.text


# --- signals, temp files, workers ------------------------------------------------------------------

def _zip_of_copies(tmp_path: Path, n: int) -> Path:
    archive = tmp_path / "many.zip"
    texts = [t.read_text(encoding="utf-8") for t in seed_texts()]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            z.writestr(f"d{i:03d}.txt", texts[i % len(texts)] + f"\n（第{i}份）")
    return archive


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with open(task / "children") as f:
            out += [int(x) for x in f.read().split()]
    return out


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


@pytest.mark.skipif(not LINUX, reason="/proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_zip_ingest_leaves_no_temp_files(tmp_path, sig):
    archive = _zip_of_copies(tmp_path, 60)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "zhengce", "ingest", str(archive), "--db", str(tmp_path / "s.db"),
                             "--quiet", "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not any(p.is_file() for p in tmpdir.rglob("*.txt")):
        time.sleep(0.05)
    assert any(p.is_file() for p in tmpdir.rglob("*.txt")), "members never unpacked"
    time.sleep(1.0)
    workers = _children(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, err
    assert not list(tmpdir.iterdir()), list(tmpdir.rglob("*"))[:5]
    time.sleep(0.5)
    assert not [w for w in workers if _running(w)]


@pytest.mark.skipif(not LINUX, reason="/proc")
def test_workers_die_with_a_killed_parent_and_the_next_ingest_sweeps_its_temp(tmp_path):
    archive = _zip_of_copies(tmp_path, 60)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "zhengce", "ingest", str(archive), "--db", str(tmp_path / "s.db"),
                             "--quiet", "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) >= 2, "no workers started"
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and [w for w in workers if _running(w)]:
        time.sleep(0.1)
    assert not [w for w in workers if _running(w)], "workers outlived their parent"
    left = list(tmpdir.glob(TMP_PREFIX + "*"))
    assert left, "SIGKILL cannot clean up: the next ingest must"
    assert sweep_stale_temp(tmpdir) == len(left)
    assert not list(tmpdir.glob(TMP_PREFIX + "*"))


def test_stale_sweep_keeps_live_ingests(tmp_path):
    live = tmp_path / f"{TMP_PREFIX}{os.getpid()}-abc"
    (live / "x").mkdir(parents=True)
    dead = tmp_path / f"{TMP_PREFIX}999999999-abc"
    dead.mkdir()
    assert sweep_stale_temp(tmp_path) == 1
    assert live.exists() and not dead.exists()


def _crashing_extract(path, source, row=None):
    """extract_one, except that a document named crash*.txt kills its worker (as the OOM killer would)."""
    if os.path.basename(path).startswith("crash"):
        os._exit(9)
    return _real_extract_one(path, source, row)


_real_extract_one = ingest_mod.extract_one


@pytest.mark.skipif(not LINUX, reason="fork start method")
def test_a_document_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    d = tmp_path / "docs"
    d.mkdir()
    texts = seed_texts()
    for i, t in enumerate(texts):
        shutil.copy(t, d / f"doc{i}.txt")
    shutil.copy(texts[0], d / "crash.txt")
    (d / "crash.txt").write_text(texts[0].read_text(encoding="utf-8") + "\n附件", encoding="utf-8")
    monkeypatch.setattr(ingest_mod, "extract_one", _crashing_extract)
    with open_store(str(tmp_path / "c.db")) as store:
        rep = ingest([str(d)], store, workers=2)
    assert rep.ingested == len(texts), rep
    assert [Path(f["path"]).name for f in rep.failed] == ["crash.txt"]
    assert rep.failed[0]["error"] == ingest_mod.CRASHED


def test_hostile_names_give_one_printable_line_and_never_abort(tmp_path, capsys):
    """A file name that is not UTF-8 is stored (as \\xNN), a member name with a newline and an
    escape sequence is reported on one line without the escape reaching the terminal."""
    from zhengce.cli import main
    d = tmp_path / "names"
    d.mkdir()
    texts = seed_texts()
    shutil.copy(texts[0], os.path.join(os.fsencode(d), b"\xff\xfe.txt"))
    bad = d / "bad.zip"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("evil\n\x1b[31mred.txt", texts[1].read_text(encoding="utf-8"))
    lie_about_size(bad, 10)
    rc = main(["ingest", str(d), "--db", str(tmp_path / "h.db"), "--json"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert rc == 1 and report["ingested"] == 1, (report, err)
    assert len(err.strip().splitlines()) == 1 and "\x1b" not in err and "\\x1b" in err, err
    with open_store(str(tmp_path / "h.db")) as store:
        assert [s.rsplit("/", 1)[1] for d_ in store.documents() for s in d_["sources"]] == ["\\xff\\xfe.txt"]


def test_a_deleted_store_whose_wal_and_shm_remain_is_made_anew(tmp_path, capsys):
    """A killed ingest leaves ``x.db-wal``/``x.db-shm``; the user deletes ``x.db`` and ingests again:
    the new store must not replay the old log (its documents, or "database disk image is malformed")."""
    from zhengce.cli import main
    texts = seed_texts()
    live = open_store(str(tmp_path / "old.db"))
    ingest([str(t) for t in texts[:6]], live)
    live.db.execute("PRAGMA wal_checkpoint(PASSIVE)")   # a log holding only the later pages, as a long ingest's
    ingest([str(t) for t in texts[6:9]], live)
    for suffix in ("-wal", "-shm"):                     # what a SIGKILLed writer leaves beside its (deleted) file
        shutil.copy(f"{tmp_path / 'old.db'}{suffix}", f"{tmp_path / 'x.db'}{suffix}")
    live.close()
    rc = main(["ingest", str(texts[0]), "--db", str(tmp_path / "x.db"), "--json"])
    out, err = capsys.readouterr()
    assert rc == 0 and json.loads(out)["ingested"] == 1, err
    with open_store(str(tmp_path / "x.db")) as store:
        assert store.count() == 1
