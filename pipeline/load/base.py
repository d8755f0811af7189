"""What every loader shares: the error it raises and small helpers."""
from __future__ import annotations


class LoadError(Exception):
    """A file the loader cannot read.  ``str(err)`` is a one-line reason, shown as
    ``zhengce: error: FILE: reason``."""


def cells_line(cells: list[str]) -> str:
    """How a table row is written into the text: cells joined by `` | ``."""
    return " | ".join(" ".join(c.split()) for c in cells)
