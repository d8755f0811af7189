"""Ingest: files, folders (recursive) and zip archives into a store.

Extraction runs in worker processes (``workers``); the store has a single writer (this
process), and each document is written in its own transaction.  A source whose bytes hash to
what the store already holds is skipped before extraction, so re-running an interrupted ingest
completes the rest and re-ingesting an unchanged corpus is cheap.  A file that cannot be read is
reported and never touches what is stored.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .load import LOADERS, MULTI, LoadError
from .store.base import Store

NOT_DOCUMENTS = {"README", "MANIFEST", "LICENSE", "CHANGELOG", "SOURCES"}  # a folder's own notes


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

    def as_dict(self) -> dict:
        return {"ingested": self.ingested, "unchanged": self.unchanged, "failed": self.failed}


def file_hash(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def discover(paths: list[str], tmp: Path, failed: list[dict]) -> Iterator[Item]:
    """Every document under paths: folders walked in sorted order, zip members unpacked to tmp."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and f.stem.upper() not in NOT_DOCUMENTS:
                    if f.suffix.lower() == ".zip":
                        yield from _zip_members(f, tmp, failed)
                    elif f.suffix.lower() in LOADERS:
                        yield from _items(f, str(f.resolve()), failed)
        elif path.suffix.lower() == ".zip" and path.is_file():
            yield from _zip_members(path, tmp, failed)
        elif path.is_file():
            yield from _items(path, str(path.resolve()), failed)
        else:
            failed.append({"path": str(p), "error": "no such file or directory"})


def _items(path: Path, source: str, failed: list[dict]) -> Iterator[Item]:
    """The documents of one file: itself, or one per row of a spreadsheet export (each hashed by its
    own content, so editing one row re-extracts only that row)."""
    if LOADERS.get(path.suffix.lower()) not in MULTI:
        yield Item(source, path, file_hash(path))
        return
    from .load import load_all
    try:
        raws = load_all(path)
    except LoadError as e:
        failed.append({"path": source, "error": str(e)})
        return
    for raw in raws:
        row = int(raw.source.rsplit("#row=", 1)[1])
        key = repr(sorted(raw.page_metadata.items())) + "\x00" + raw.text
        yield Item(f"{source}#row={row}", path, hashlib.sha1(key.encode("utf-8")).hexdigest(), row)


def _zip_members(archive: Path, tmp: Path, failed: list[dict]) -> Iterator[Item]:
    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            for m in members:
                name = Path(m.filename)
                if name.suffix.lower() not in LOADERS or name.name.startswith(".") or name.stem.upper() in NOT_DOCUMENTS:
                    continue
                if m.file_size > 200 * 1024 * 1024:
                    failed.append({"path": f"{archive}!{m.filename}", "error": "archive member too large"})
                    continue
                target = tmp / hashlib.sha1(f"{archive}!{m.filename}".encode()).hexdigest()[:12] / name.name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with z.open(m) as src, open(target, "wb") as dst:
                        dst.write(src.read())
                except (zipfile.BadZipFile, OSError, RuntimeError) as e:
                    failed.append({"path": f"{archive}!{m.filename}", "error": f"cannot unpack ({e})"})
                    continue
                yield from _items(target, f"{archive.resolve()}!{m.filename}", failed)
    except (zipfile.BadZipFile, OSError) as e:
        failed.append({"path": str(archive), "error": f"not a readable zip archive ({e})"})


def _sheet_row(path: str, row: int):
    from .load import load_all
    raws = _sheet_cache.get(path)
    if raws is None:
        _sheet_cache.clear()            # one spreadsheet at a time: rows arrive in file order
        raws = _sheet_cache[path] = {int(r.source.rsplit("#row=", 1)[1]): r for r in load_all(path)}
    return raws[row]


_sheet_cache: dict[str, dict] = {}


def extract_one(path: str, source: str, row: int | None = None) -> tuple[str, dict | None, str | None]:
    """Worker: (source, record, error).  Never raises."""
    try:
        from .document import build, extract_file
        doc = build(_sheet_row(path, row), source) if row is not None else extract_file(path)
        doc.source = source
        return source, doc.record(), None
    except LoadError as e:
        return source, None, str(e)
    except Exception as e:  # noqa: BLE001 - a document that breaks an extractor is reported, not fatal
        return source, None, f"internal error while extracting: {type(e).__name__}: {e}"


def ingest(paths: list[str], store: Store, workers: int = 1,
           progress: Callable[[int, int], None] | None = None) -> Report:
    report = Report()
    with tempfile.TemporaryDirectory(prefix="zhengce-ingest-") as tmpdir:
        items = list(discover(paths, Path(tmpdir), report.failed))
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

        def store_result(source, record, error):
            nonlocal done
            done += 1
            if error:
                report.failed.append({"path": source, "error": error})
            else:
                it = by_source[source]
                outcome = store.put(record, source, it.content_hash, record["format"])
                if outcome == "ingested":
                    report.ingested += 1
                else:
                    report.unchanged += 1
            if progress:
                progress(done, len(items))

        if workers > 1 and len(todo) > 1:
            from collections import deque
            with ProcessPoolExecutor(max_workers=workers) as pool:
                # a bounded window of documents in flight keeps memory flat however large the corpus;
                # results are stored in submission order, so the store sees a deterministic sequence
                window: deque = deque()
                for it in todo:
                    window.append(pool.submit(extract_one, str(it.path), it.source, it.row))
                    if len(window) >= 4 * workers:
                        store_result(*window.popleft().result())
                while window:
                    store_result(*window.popleft().result())
        else:
            for it in todo:
                store_result(*extract_one(str(it.path), it.source, it.row))
    if report.ingested:
        store.resolve_citations()
    return report


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
