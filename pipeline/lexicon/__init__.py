"""Policy language as data.  Each table is a UTF-8 TSV next to this file: ``#`` starts a
comment line, the first non-comment line names the columns.  ``table(name)`` returns the rows
as dicts, read once per process."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict[str, str], ...]:
    text = resources.files(__package__).joinpath(f"{name}.tsv").read_text(encoding="utf-8")
    rows = [line.rstrip("\n").split("\t") for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    header, body = rows[0], rows[1:]
    return tuple({k: (r[i].strip() if i < len(r) else "") for i, k in enumerate(header)} for r in body)


@lru_cache(maxsize=None)
def words(name: str, column: str | None = None, **where: str) -> tuple[str, ...]:
    """One column of a table (the first by default), optionally filtered by other columns."""
    rows = table(name)
    if not rows:
        return ()
    col = column or next(iter(rows[0]))
    return tuple(r[col] for r in rows if all(r.get(k) == v for k, v in where.items()) and r[col])
