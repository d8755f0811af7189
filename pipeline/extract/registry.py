"""The ordered list of extractors.  Each is ``extract(doc) -> None`` filling its part of the
record; later extractors may read what earlier ones produced (targets read clauses and time
expressions).  Adding one = one module in this package + one line here."""
from __future__ import annotations

from importlib import import_module

EXTRACTORS: tuple[str, ...] = ("clauses", "responsibilities", "time", "targets", "citations")


def run_extractors(doc) -> None:
    for name in EXTRACTORS:
        import_module(f"{__package__}.{name}").extract(doc)
