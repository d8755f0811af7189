"""What every loader shares: the error it raises and small helpers."""
from __future__ import annotations


class LoadError(Exception):
    """A file the loader cannot read.  ``str(err)`` is a one-line reason, shown as
    ``zhengce: error: FILE: reason``."""


def check_size(path, limit: int) -> None:
    """LoadError (one line) when the file cannot be stat'ed or is over ``limit`` bytes: checked
    before a byte is read."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None
    if size > limit:
        raise LoadError(f"file too large ({size // (1024 * 1024)} MB; the limit is {limit // (1024 * 1024)} MB)")


def read_bytes(path, limit: int) -> bytes:
    """The file's bytes after ``check_size``; read errors as one-line LoadErrors."""
    check_size(path, limit)
    try:
        return path.read_bytes()
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None


def cells_line(cells: list[str]) -> str:
    """How a table row is written into the text: cells joined by `` | ``."""
    return " | ".join(" ".join(c.split()) for c in cells)
