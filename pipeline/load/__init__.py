"""Loaders: one module per input format, all returning a ``RawDocument``.

``load(path)`` picks the loader by extension (and sniffs content for files whose extension
lies).  Heavy libraries (pdfplumber, python-docx, trafilatura) are imported inside the loader
that needs them.
"""
from __future__ import annotations

from importlib import import_module
from pathlib import Path

from ..model import RawDocument
from .base import LoadError

LOADERS = {
    ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".doc": "office", ".wps": "office", ".rtf": "office",   # via LibreOffice, when installed
    ".csv": "sheet", ".tsv": "sheet", ".xlsx": "sheet", ".jsonl": "sheet", ".parquet": "sheet",
}
MULTI = {"sheet"}      # loaders whose files hold many documents (one per row): see load_all
SUPPORTED = tuple(sorted(LOADERS))


def loader_for(path: Path) -> str:
    ext = path.suffix.lower()
    if ext in LOADERS:
        return LOADERS[ext]
    raise LoadError(f"unsupported file type '{ext or path.name}' (supported: {', '.join(SUPPORTED)})")


def load(path: str | Path) -> RawDocument:
    path = Path(path)
    if path.is_dir():
        raise LoadError("is a directory")
    if not path.exists():
        raise LoadError("no such file")
    module = import_module(f"{__name__}.{loader_for(path)}")
    return module.load(path)


def load_all(path: str | Path) -> list[RawDocument]:
    """Every document a file holds: one for most formats, one per row for a spreadsheet export."""
    path = Path(path)
    if path.is_file() and LOADERS.get(path.suffix.lower()) in MULTI:
        return import_module(f"{__name__}.{LOADERS[path.suffix.lower()]}").load_rows(path)
    return [load(path)]


__all__ = ["load", "load_all", "LoadError", "SUPPORTED", "loader_for"]
