"""Ingest: files, folders (recursive) and zip archives into a store.

Extraction runs in worker processes (``workers``); the store has a single writer (this
process), and each document is written in its own transaction.  A source whose bytes hash to
what the store already holds is skipped before extraction, so re-running an interrupted ingest
completes the rest and re-ingesting an unchanged corpus is cheap.  A file that cannot be read is
reported and never touches what is stored.

Hostile and huge input (the limits are documented in README, "Limits"):

- a file is checked against its loader's size limit (``MAX_BYTES`` of the loader module) from its
  size on disk, before a byte of it is read;
- discovery never aborts: an unreadable file, a broken link, a FIFO or an unreadable folder is one
  entry in ``Report.failed`` and the rest goes on;
- zip members are streamed to the temp folder with a running byte count that stops at the member's
  limit whatever its header says; an archive may unpack at most ``ARCHIVE_MAX_BYTES`` in all
  (nested archives included) and hold at most ``ARCHIVE_MAX_MEMBERS`` entries; a zip inside a zip
  is read, one nested deeper than ``ARCHIVE_MAX_DEPTH`` is reported as skipped;
- the temp folder is removed on SIGTERM/SIGINT, and temp folders left by a killed ingest (their
  owner process gone) are swept at the start of the next one;
- extraction workers die with their parent (``PR_SET_PDEATHSIG`` on Linux, and a parent watch).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from .load import LOADERS, MULTI, LoadError
from .model import plain
from .attachments import link_attachments
from .store.base import Store
from .store.sqlite import process_alive

NOT_DOCUMENTS = {"README", "MANIFEST", "LICENSE", "CHANGELOG", "SOURCES"}  # a folder's own notes

MB = 1024 * 1024
ARCHIVE_MAX_BYTES = 200 * MB      # unpacked bytes per archive, nested archives and refused members included
ARCHIVE_MAX_MEMBERS = 10_000      # entries per archive (nested ones count against the outer archive)
ARCHIVE_MAX_DEPTH = 2             # a zip inside a zip is read; a zip inside that is reported and skipped
TMP_PREFIX = "zhengce-ingest-"
_CHUNK = 1 << 16


@dataclass
class Item:
    source: str          # what the record says it came from (path, or archive.zip!member)
    path: Path           # where the bytes are now
    content_hash: str
    row: int | None = None   # a spreadsheet export's data row (one document per row)


@dataclass
class Report:
    ingested: int = 0
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)    # {"path", "reason"}: files not meant to be read

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "unchanged": self.unchanged, "failed": self.failed,
                "skipped": self.skipped}


def file_hash(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def size_limit(name: str | Path) -> int | None:
    """The size limit (bytes) of the loader for a file of this name: its module's ``MAX_BYTES``."""
    kind = LOADERS.get(Path(str(name)).suffix.lower())
    if kind is None:
        return None
    return getattr(import_module(f"{__package__}.load.{kind}"), "MAX_BYTES", None)


def too_large(size: int, limit: int) -> str:
    return f"file too large ({-(-size // MB)} MB; the limit is {limit // MB} MB)"     # rounded up: 50 MB + 1 byte is 51


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def utf8(s: str) -> str:
    """A file name as text that can be stored and printed: bytes that are not UTF-8 (which Python
    keeps as lone surrogates) become ``\\xNN``."""
    try:
        b = s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        b = s.encode("utf-8", "surrogatepass")
    return b.decode("utf-8", "backslashreplace")


def one_line(s: str) -> str:
    """A failure's path or reason as one printable line: control characters (a newline or an escape
    sequence in a member's name) escaped, undecodable bytes as ``\\xNN``."""
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], utf8(s))


def _reason(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__


def _wanted(name: str) -> bool:
    return skip_reason(name) is None


def skip_reason(name: str) -> str | None:
    """Why ingest passes over a file by its name (None: it reads it): listed, never dropped silently."""
    p = PurePosixPath(name)
    ext = p.suffix.lower()
    if p.name.startswith("."):
        return "hidden file"
    if p.stem.upper() in NOT_DOCUMENTS:
        return f"a folder's own notes ({p.stem})"
    if ext in LOADERS or ext == ".zip":
        return None
    return f"unsupported file type '{ext}'" if ext else "no file extension (type unknown)"


def walk(root: Path, failed: list[dict], skipped: list[dict]) -> list[Path]:
    """The files under a folder (sorted, recursive, symlinked folders followed once); a folder that
    cannot be listed is reported in ``failed``, a hidden one in ``skipped``, never passed over silently."""
    out: list[Path] = []
    seen: set[str] = set()

    def onerror(e: OSError) -> None:
        failed.append({"path": e.filename or str(root), "error": f"cannot read folder ({_reason(e)})"})

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:               # a symlink loop, or the same folder linked twice
            dirnames[:] = []
            continue
        seen.add(real)
        for d in [d for d in dirnames if d.startswith(".")]:     # .git, .cache: listed once, not walked
            skipped.append({"path": str(Path(dirpath) / d), "reason": "hidden folder"})
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath) / f for f in filenames)
    return sorted(out)


def discover(paths: list[str], tmp: Path, failed: list[dict], skipped: list[dict] | None = None) -> Iterator[Item]:
    """Every document under paths: folders walked in sorted order, zip members unpacked to tmp.
    Nothing here raises for one bad file: each problem is one entry in ``failed``, each file that
    is not a document one in ``skipped`` ({"path", "reason"})."""
    skipped = [] if skipped is None else skipped
    for p in paths:
        path = Path(p)
        try:
            is_dir = path.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            for f in walk(path, failed, skipped):
                reason = skip_reason(f.name)
                if reason is None:
                    yield from _file(f, tmp, failed, skipped, named=False)
                else:
                    skipped.append({"path": str(f), "reason": reason})
        elif os.path.lexists(path):
            yield from _file(path, tmp, failed, skipped, named=True)
        else:
            failed.append({"path": str(p), "error": "no such file or directory"})


def _file(f: Path, tmp: Path, failed: list[dict], skipped: list[dict], named: bool) -> Iterator[Item]:
    try:
        st = f.stat()
    except OSError as e:
        broken = os.path.islink(f) and isinstance(e, FileNotFoundError)
        failed.append({"path": str(f), "error": "broken symbolic link" if broken else f"cannot read ({_reason(e)})"})
        return
    if not stat.S_ISREG(st.st_mode):
        failed.append({"path": str(f), "error": "not a regular file"})
        return
    if f.suffix.lower() == ".zip":
        yield from _zip_members(f, tmp, failed, skipped)
        return
    limit = size_limit(f)
    if limit is not None and st.st_size > limit:
        failed.append({"path": str(f), "error": too_large(st.st_size, limit)})
        return
    yield from _items(f, utf8(str(f.resolve())), failed)


def _items(path: Path, source: str, failed: list[dict]) -> Iterator[Item]:
    """The documents of one file: itself, or one per row of a spreadsheet export (each hashed by its
    own content, so editing one row re-extracts only that row)."""
    if LOADERS.get(path.suffix.lower()) not in MULTI:
        try:
            digest = file_hash(path)
        except OSError as e:
            failed.append({"path": source, "error": f"cannot read ({_reason(e)})"})
            return
        yield Item(source, path, digest)
        return
    from .load import load_all
    try:
        raws = load_all(path)
    except LoadError as e:
        failed.append({"path": source, "error": str(e)})
        return
    except OSError as e:
        failed.append({"path": source, "error": f"cannot read ({_reason(e)})"})
        return
    for raw in raws:
        row = int(raw.source.rsplit("#row=", 1)[1])
        key = repr(sorted(raw.page_metadata.items())) + "\x00" + raw.text
        yield Item(f"{source}#row={row}", path, hashlib.sha1(key.encode("utf-8")).hexdigest(), row)


class _Budget:
    """What one top-level archive may still unpack: bytes (written, refused members included) and entries."""

    def __init__(self) -> None:
        self.bytes = ARCHIVE_MAX_BYTES
        self.members = ARCHIVE_MAX_MEMBERS


class _Overflow(Exception):
    """A member's stream went past its limit (``archive``: the archive's total, not the member's)."""

    def __init__(self, written: int, archive: bool) -> None:
        super().__init__(written)
        self.written, self.archive = written, archive


def _entry_count(archive: Path) -> int | None:
    """Entries the archive's end record announces, read without building the member list."""
    try:
        with open(archive, "rb") as fp:
            end = zipfile._EndRecData(fp)     # noqa: SLF001 - the stdlib's own reader of the end record
    except Exception:  # noqa: BLE001 - ZipFile reports a broken archive itself
        return None
    return end[zipfile._ECD_ENTRIES_TOTAL] if end else None  # noqa: SLF001


def _unpack(z: zipfile.ZipFile, m: zipfile.ZipInfo, target: Path, limit: int, budget: _Budget) -> None:
    """Stream one member to target, counting bytes: stops at ``limit`` or at the archive's budget,
    whatever the member's header says (zipfile itself also stops at the header's size and then
    fails its CRC check).  Reads small chunks so a member is never expanded whole in memory."""
    cap = min(limit, budget.bytes)
    # deflate honours read sizes; bzip2/lzma decompress a whole compressed read at once
    chunk = _CHUNK if m.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else 1024
    written = 0
    try:
        with z.open(m) as src, open(target, "wb") as dst:
            while True:
                data = src.read(chunk)
                if not data:
                    break
                if written + len(data) > cap:
                    written += len(data)
                    raise _Overflow(written, archive=cap < limit)
                dst.write(data)
                written += len(data)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    finally:
        budget.bytes -= min(written, cap)


def _zip_members(archive: Path, tmp: Path, failed: list[dict], skipped: list[dict], label: str | None = None,
                 depth: int = 1,
                 budget: _Budget | None = None) -> Iterator[Item]:
    """The documents of a zip archive, unpacked member by member into tmp (see the module's doc for
    the limits).  ``label`` is the archive's own source name (``outer.zip!inner.zip`` when nested)."""
    label = label or utf8(str(archive.resolve()))
    budget = budget or _Budget()
    n = _entry_count(archive)
    if n is not None and n > budget.members:
        failed.append({"path": label, "error": f"archive has {n} entries (the limit is {ARCHIVE_MAX_MEMBERS})"})
        return
    try:
        z = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        failed.append({"path": label, "error": f"not a readable zip archive ({e})"})
        return
    with z:
        infos = [m for m in z.infolist() if not m.is_dir()]
        budget.members -= len(infos)
        if budget.members < 0:
            failed.append({"path": label, "error": f"archive has more than {ARCHIVE_MAX_MEMBERS} entries"})
            return
        for m in infos:
            src = f"{label}!{m.filename}"
            name = PurePosixPath(m.filename.replace("\\", "/")).name
            if m.is_dir() or not name:
                continue
            reason = skip_reason(name)
            if reason is not None:
                skipped.append({"path": src, "reason": reason})
                continue
            nested = name.lower().endswith(".zip")
            if nested and depth >= ARCHIVE_MAX_DEPTH:
                failed.append({"path": src, "error": f"archive nested more than {ARCHIVE_MAX_DEPTH} deep: skipped"})
                continue
            limit = ARCHIVE_MAX_BYTES if nested else size_limit(name)
            if m.file_size > limit:
                failed.append({"path": src, "error": too_large(m.file_size, limit)})
                continue
            if m.file_size > budget.bytes:
                failed.append({"path": label, "error": f"archive unpacks to more than {ARCHIVE_MAX_BYTES // MB} MB: "
                                                       f"stopped at {m.filename}"})
                return
            target = tmp / hashlib.sha1(src.encode("utf-8", "surrogatepass")).hexdigest()[:16] / name
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                _unpack(z, m, target, limit, budget)
            except _Overflow as e:
                if e.archive:
                    failed.append({"path": label, "error": f"archive unpacks to more than {ARCHIVE_MAX_BYTES // MB} "
                                                           f"MB: stopped at {m.filename}"})
                    return
                failed.append({"path": src, "error": f"member expands beyond the limit of {limit // MB} MB "
                                                     f"(its header says {m.file_size} bytes)"})
                continue
            except Exception as e:  # noqa: BLE001 - CRC errors, encryption, unknown compression, bad names …
                failed.append({"path": src, "error": f"cannot unpack ({type(e).__name__}: {e})"})
                continue
            if nested:
                yield from _zip_members(target, tmp, failed, skipped, label=src, depth=depth + 1, budget=budget)
                with contextlib.suppress(OSError):
                    target.unlink()
            else:
                yield from _items(target, src, failed)


def _sheet_row(path: str, row: int):
    from .load import load_all
    raws = _sheet_cache.get(path)
    if raws is None:
        _sheet_cache.clear()            # one spreadsheet at a time: rows arrive in file order
        raws = _sheet_cache[path] = {int(r.source.rsplit("#row=", 1)[1]): r for r in load_all(path)}
    return raws[row]


_sheet_cache: dict[str, dict] = {}


def extract_one(path: str, source: str, row: int | None = None, pool=None,
                sink=None) -> tuple[str, dict | None, str | None]:
    """Worker: (source, record, error).  Never raises.  With a process pool, a long text is
    extracted in parts in parallel (``document.extract_parts``, which hands them to ``sink``)."""
    try:
        from .document import build_record, extract_record
        rec = build_record(_sheet_row(path, row), source) if row is not None else extract_record(path, pool, sink)
        rec["source"] = source
        return source, rec, None
    except LoadError as e:
        _debug_traceback()
        return source, None, str(e)
    except RecursionError:
        return source, None, "document nested too deeply to process"
    except MemoryError:
        return source, None, "out of memory while extracting"
    except Exception as e:  # noqa: BLE001 - a document that breaks an extractor is reported, not fatal
        _debug_traceback()
        return source, None, f"internal error while extracting: {type(e).__name__}: {e}"


def _debug_traceback() -> None:
    """ZHENGCE_DEBUG=1: where a worker refused or broke on a file, on stderr (then its one line)."""
    if os.environ.get("ZHENGCE_DEBUG"):
        import traceback
        traceback.print_exc(file=sys.stderr)


SPLIT_BYTES = 1_000_000       # a file this large, ingested alone with workers > 1, is extracted in parts


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


PREPARE_MAX_CLAUSES = 20_000   # a worker prepares the index rows of a document up to this size (the rest: the writer)


def extract_prepared(path: str, source: str, row: int | None = None) -> tuple[str, dict | None, str | None, list | None]:
    """Worker: ``extract_one`` plus the record's search-index rows (``keyword.prepared_rows``: jieba
    tokens, term ids, character grams), so the single writer only inserts them.  A huge record gets
    None (its rows would cost as much to send as to make): the writer computes them as it writes."""
    source, rec, error = extract_one(path, source, row)
    rows = None
    if rec is not None and len(rec.get("clauses") or ()) <= PREPARE_MAX_CLAUSES:
        try:
            from .search.keyword import prepared_rows
            rows = list(prepared_rows(rec))
        except Exception:  # noqa: BLE001 - the writer (or the first query) indexes it instead
            rows = None
    return source, rec, error, rows


# --- temp folders, signals, workers ----------------------------------------------------------------

def sweep_stale_temp(root: str | Path | None = None) -> int:
    """Remove temp folders of ingests whose process is gone (killed with SIGKILL); how many."""
    n = 0
    for d in Path(root or tempfile.gettempdir()).glob(TMP_PREFIX + "*"):
        m = re.match(re.escape(TMP_PREFIX) + r"(\d+)-", d.name)
        try:
            if m:
                stale = int(m.group(1)) != os.getpid() and not process_alive(int(m.group(1)))
            else:                  # a folder of an older zhengce (no pid in its name): when a day old
                stale = time.time() - d.stat().st_mtime > 86400
            if stale and d.is_dir():
                shutil.rmtree(d, ignore_errors=True)
                n += 1
        except OSError:
            continue
    return n


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) during an ingest: raised in the main thread so the temp folder is removed."""


@contextlib.contextmanager
def _signals_raise():
    """While an ingest runs, SIGTERM raises ``Interrupted`` (SIGINT already raises KeyboardInterrupt),
    so every ``finally`` runs.  Only the main thread can install handlers; elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(f"signal {signum}")
    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _worker_init(parent: int) -> None:
    """In each extraction worker: die with the parent, leave signals to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C reaches the parent, which ends the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(Exception):              # Linux: the kernel kills us when the parent dies
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:                        # the parent died before prctl took effect
        os._exit(1)

    def watch():                                      # elsewhere (and as a second line): poll the parent
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=watch, name="zhengce-parent-watch", daemon=True).start()


def _end_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: pending work cancelled, running workers killed (not waited for)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.kill()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(2)


def ingest(paths: list[str], store: Store, workers: int = 1,
           progress: Callable[[int, int], None] | None = None) -> Report:
    report = Report()
    sweep_stale_temp()
    tmpdir = tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-")
    try:
        with _signals_raise():
            _ingest(paths, store, workers, progress, Path(tmpdir), report)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        report.skipped[:] = [{**f, "path": one_line(str(f["path"]))} for f in report.skipped]
        report.failed[:] = [{**f, "path": one_line(str(f["path"])), "error": one_line(str(f["error"]))}
                            for f in report.failed]
    if report.ingested:
        link_attachments(store)
        store.resolve_citations()
        from .search import after_ingest    # search: embed the new text now, not at the first query
        after_ingest(store, workers=workers)
    return report


def _ingest(paths, store, workers, progress, tmp: Path, report: Report) -> None:
    items = list(discover(paths, tmp, report.failed, report.skipped))
    todo = []
    for it in items:
        if store.source_hash(it.source) == it.content_hash:
            report.unchanged += 1
        else:
            todo.append(it)
    done = report.unchanged
    if progress:
        progress(done, len(items))
    by_source = {it.source: it for it in todo}
    from .search import IngestIndexer
    pool = (lambda: ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                                        initargs=(os.getpid(),))) if workers > 1 else None
    parts = None     # the pool a long text's parts were extracted in: its index tokens are cut there too
    indexer = IngestIndexer.for_store(store, pool and (lambda: parts or pool())) if todo else None

    def store_result(source, record, error, rows=None, streamed=None):
        """Store one extraction's result; ``streamed``: the ``StreamedIndex`` its parts went to."""
        nonlocal done
        done += 1
        if error:
            report.failed.append({"path": source, "error": error})
            if streamed:
                streamed.settle(None)
        else:
            it = by_source[source]
            if not store.item_sequences:
                record = plain(record)
            if streamed:         # the document and its streamed index committed together
                outcome = store.put(record, source, it.content_hash, record["format"], then=streamed.mark)
                streamed.settle(record, rows)
            else:
                outcome = store.put(record, source, it.content_hash, record["format"])
                if outcome == "ingested" and indexer:
                    indexer.add(record, rows)
            if outcome == "ingested":
                report.ingested += 1
            else:
                report.unchanged += 1
        if progress:
            progress(done, len(items))

    if workers > 1 and len(todo) > 1:
        _run_pool(todo, workers, store_result, extract_prepared if indexer else extract_one)
    else:
        for it in todo:
            if pool and it.row is None and _size(it.path) >= SPLIT_BYTES:   # one long text: its parts in parallel
                # the workers start (and load the extractors) while this process reads and structures
                # the text; they cut the index tokens of each part (the index is written meanwhile,
                # ``StreamedIndex``), and of the whole record if it is indexed after all: a pool
                # forked later would copy the writer, which then holds the whole record
                from . import document
                parts = pool()
                if _size(it.path) >= 3 * document.SPLIT_FROM:     # surely long enough to be cut (3 bytes a 字)
                    document.warm(parts, workers, indexer.warm if indexer else None)
                streamed = indexer.stream() if indexer else None
                try:
                    store_result(*extract_one(str(it.path), it.source, it.row, parts, streamed), streamed=streamed)
                finally:
                    if streamed and not (streamed.marked or streamed.failed):    # interrupted: drop its rows
                        streamed.fail()
                    parts.shutdown(cancel_futures=True)
                    parts = None
            else:
                store_result(*extract_one(str(it.path), it.source, it.row))
    if indexer:
        indexer.flush()


CRASHED = "the extraction process died on this document (out of memory, or a crash in a parser)"


def _run_pool(todo: list[Item], workers: int, store_result, work=None) -> None:
    """Extract in worker processes, storing results in submission order.  A bounded window of
    documents in flight keeps memory flat however large the corpus.  A worker that dies (killed by
    the OOM killer, a crash in a C parser) breaks the pool: the documents that were in flight are
    then run again one at a time in a fresh pool, so only the one that kills its worker fails."""
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool
    work = work or extract_one
    pending = deque(todo)
    suspects: deque = deque()          # in flight when a pool broke: retried alone
    while pending or suspects:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
        window: deque = deque()
        try:
            while suspects:
                it = suspects[0]
                try:
                    result = pool.submit(work, str(it.path), it.source, it.row).result()
                except BrokenProcessPool:
                    suspects.popleft()
                    store_result(it.source, None, CRASHED)
                    raise
                suspects.popleft()
                store_result(*result)
            while pending or window:
                while pending and len(window) < 4 * workers:
                    it = pending.popleft()
                    window.append((it, pool.submit(work, str(it.path), it.source, it.row)))
                it, fut = window[0]
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    suspects.extend(i for i, _ in window)
                    window.clear()
                    raise
                window.popleft()
                store_result(*result)
        except BrokenProcessPool:
            _end_pool(pool)
            continue
        except BaseException:
            _end_pool(pool)
            raise
        pool.shutdown()


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
