"""Progress of a long load on stderr: pages of a scanned PDF as OCR reads them.

A loader opens ``Pages(source, total)`` and calls ``tick(number)`` after each page.  Where the
progress goes:

- to the function installed with ``set_hook(fn)`` (``fn(source, done, total)``), when there is
  one: a command that draws its own progress bar (``ingest``'s rich bar) shows pages there;
- otherwise to stderr, one line rewritten in place (``zhengce: OCR scan.pdf: page 3 (3/28)``)
  and cleared when the file is done — only when stderr is a terminal, the file has at least
  ``MIN_PAGES`` pages to read, and ``ZHENGCE_PROGRESS`` is not ``0``.  ``ZHENGCE_PROGRESS=0``
  silences it (the CLI sets it for ``--json`` and ``--quiet``); ``ZHENGCE_PROGRESS=1`` shows it
  even when stderr is not a terminal, one line per page.

Nothing is written while another live display owns stderr (rich's progress bar wraps
``sys.stderr``; a line written there would break it): without a hook such a load is quiet.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

MIN_PAGES = 2          # a file with a single page to read shows no progress

_hook: Callable[[str, int, int], None] | None = None


def set_hook(fn: Callable[[str, int, int], None] | None):
    """Send page progress to ``fn(source, done, total)`` (None: back to stderr); the previous hook."""
    global _hook
    prev, _hook = _hook, fn
    return prev


def _shown() -> str | None:
    """How progress is written to stderr: ``"tty"`` (in place), ``"lines"`` or None (not at all)."""
    setting = (os.environ.get("ZHENGCE_PROGRESS") or "").strip()
    if setting == "0":
        return None
    err = sys.stderr
    if err is None or hasattr(err, "rich_proxied_file"):      # a rich live display owns stderr
        return None
    try:
        tty = err.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty:
        return "tty"
    return "lines" if setting == "1" else None


class Pages:
    """Progress over ``total`` pages of one file (a context manager: the line is cleared on exit)."""

    def __init__(self, source: str | Path, total: int, what: str = "OCR"):
        self.source, self.total, self.done, self.what = str(source), total, 0, what
        self.hook = _hook
        self.mode = None if self.hook or total < MIN_PAGES else _shown()
        self._dirty = False

    def tick(self, number: int) -> None:
        """Page ``number`` (1-based) is done."""
        self.done += 1
        if self.hook is not None:
            self.hook(self.source, self.done, self.total)
            return
        if self.mode is None:
            return
        self.show(f"zhengce: {self.what} {Path(self.source).name}: page {number} ({self.done}/{self.total})")

    def show(self, line: str) -> None:
        """Write one progress line: rewritten in place on a terminal, else a line of its own."""
        try:
            if self.mode == "tty":
                sys.stderr.write("\r\x1b[K" + line)
                self._dirty = True
            else:
                sys.stderr.write(line + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):      # stderr closed: progress is not worth failing for
            self.mode = None

    def close(self) -> None:
        if self._dirty:
            try:
                sys.stderr.write("\r\x1b[K")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
            self._dirty = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
