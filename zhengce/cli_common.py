"""What every ``zhengce`` subcommand shares: errors, file names as printed, the store, the console.

``zhengce.cli`` and each ``zhengce.cli_*`` module import from here, never from each other, so no
module of the command line imports another in a circle.  Nothing heavy is imported at module
level (rich, the pipeline and the store load inside the helper that needs them), so
``zhengce --help`` stays instant.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

PROG = "zhengce"

# characters that must never reach a terminal raw: C0/C1 controls (newline, ESC of a colour code),
# and the invisible marks that reorder or hide text (bidi overrides, line/paragraph separators)
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class CliError(Exception):
    """A user-facing failure: printed as ``zhengce: error: <what>: <why>``, exit 2."""


def shown(text) -> str:
    """A file name (or any text that came from outside) as it may be printed on one terminal line:
    control characters escaped as Python writes them (``\\n``, ``\\x1b``), bytes that are not
    UTF-8 (kept by Python as lone surrogates) as ``\\xNN``."""
    s = str(text)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROLS.sub(lambda m: repr(m.group())[1:-1], s)


def fail(message: str, code: int = 2) -> int:
    """Print one error line (whatever the message holds, it stays one line) and return ``code``."""
    print(f"{PROG}: error: {shown(message)}", file=sys.stderr)
    return code


def error_line(path, why: str) -> None:
    """``zhengce: error: <path>: <why>`` for one file that failed while the others go on."""
    fail(f"{shown(path)}: {why}")


def debug() -> bool:
    """``ZHENGCE_DEBUG=1``: tracebacks for refused files and internal errors."""
    return bool(os.environ.get("ZHENGCE_DEBUG"))


def failed_file(path, e: Exception) -> str:
    """Inside ``except``: the one line for a file that was refused (LoadError: its reason) or broke
    an extractor (anything else: an internal error), after the traceback with ZHENGCE_DEBUG=1.
    Returns the reason."""
    from zhengce.pipeline.load import LoadError
    if debug():
        import traceback
        traceback.print_exc(file=sys.stderr)
    why = str(e) if isinstance(e, LoadError) else f"internal error while extracting: {type(e).__name__}: {e}"
    error_line(path, why)
    return why


@contextlib.contextmanager
def stdout_to_stderr():
    """While a command works, ``sys.stdout`` is stderr (some NLP libraries print banners on import);
    the real stdout is yielded for the command's own output."""
    real = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield real
    finally:
        sys.stdout = real


def iter_inputs(paths: list[str], failed: list | None = None, skipped: list | None = None):
    """Files named, and the supported files under directories named (sorted, recursive); folders
    that cannot be read are added to ``failed`` (``{"path", "error"}``) and files that are not
    documents to ``skipped`` (``{"path", "reason"}``), never passed over silently."""
    from zhengce.pipeline.ingest import skip_reason, walk
    from zhengce.pipeline.load import LOADERS
    for p in paths:
        path = Path(p)
        if path.is_dir():
            failed_here: list = []
            passed_over: list = []
            for f in walk(path, failed_here, passed_over):
                reason = skip_reason(f.name) or (None if f.suffix.lower() in LOADERS else "an archive: use ingest")
                if reason is None and f.is_file():
                    yield f
                elif reason is not None:
                    passed_over.append({"path": str(f), "reason": reason})
            if skipped is not None:
                skipped.extend(passed_over)
            if failed is not None:
                failed.extend(failed_here)
        else:
            yield path


def parse_filters(items: list[str] | None) -> dict[str, str]:
    """``--filter KEY=VALUE`` options as a dict (CliError for a malformed or unknown key)."""
    from zhengce.pipeline.store.base import FILTER_KEYS
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CliError(f"--filter {item}: expected KEY=VALUE")
        if key not in FILTER_KEYS:
            raise CliError(f"--filter {item}: unknown key '{key}' (known: {', '.join(FILTER_KEYS)})")
        out[key] = value
    return out


def open_db(path: str, create: bool = False):
    from zhengce.pipeline.store import StoreError, open_store
    try:
        return open_store(path, create=create)
    except StoreError as e:
        raise CliError(str(e)) from None


def resolve(store, ref: str) -> str:
    """The doc_id of a doc_id, its prefix or a source path (CliError when none)."""
    doc_id = store.resolve(ref)
    if not doc_id:
        raise CliError(f"{ref}: no such document in the store (give a doc_id, its prefix or a source path)")
    return doc_id


# --- the console ----------------------------------------------------------------------------------

PIPED_WIDTH = 160   # output to a file or a pipe: wide, so nothing folds that need not


def width(out=None) -> int:
    """Columns to print in: $COLUMNS when set, else the terminal's width, else ``PIPED_WIDTH``."""
    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return int(cols)
    for f in (out, sys.stdout, sys.stderr):
        try:
            if f is not None and f.isatty():
                return os.get_terminal_size(f.fileno()).columns
        except (AttributeError, OSError, ValueError):
            continue
    return PIPED_WIDTH


def console(out, soft_wrap: bool = False):
    """A rich console writing to ``out`` at the terminal's width (long text folds, never runs past)."""
    from rich.console import Console
    return Console(file=out, highlight=False, soft_wrap=soft_wrap, width=width(out))


def cell(text) -> str:
    """Text from a record as a rich table cell: one line, no markup interpreted."""
    from rich.markup import escape
    return escape(shown(text if text is not None else ""))


def fitted_table(title: str, columns: list[tuple], rows: list[list[str]], room: int):
    """A rich table that fits ``room`` columns: ``columns`` are (name, min width, drop rank[, share]);
    when the narrowest layout is still too wide, columns with the highest drop rank go first (rank 0
    is never dropped), and the title says which were left out.  The widest columns are narrowed
    first (a column of share 2 keeps twice the width of the others), none below its min width, and
    their text folds onto more lines, so a title is never cut to nothing."""
    from rich.cells import cell_len
    from rich.table import Table
    columns = [(c[0], max(c[1], cell_len(c[0])), c[2], c[3] if len(c) > 3 else 1) for c in columns]
    keep = list(range(len(columns)))
    cells = [[cell(r[i]) for i in range(len(columns))] for r in rows]

    def space(idx):     # a box table: 1 border, then per column 2 padding + 1 border
        return room - 1 - 3 * len(idx)
    dropped = []
    for i in sorted((i for i, c in enumerate(columns) if c[2]), key=lambda i: -columns[i][2]):
        if sum(columns[j][1] for j in keep) <= space(keep):
            break
        keep.remove(i)
        dropped.append(columns[i][0])
    if dropped:
        title += f"; for width, {', '.join(dropped)} left out (--json has everything)"
    natural = {i: max([cell_len(columns[i][0])] + [max(map(cell_len, c[i].split("\n"))) for c in cells]) for i in keep}
    widths = dict(natural)
    if sum(natural.values()) > space(keep):   # water-fill: the largest cap under which everything fits
        def fill(cap):
            return {i: max(columns[i][1], min(natural[i], cap * columns[i][3])) for i in keep}
        cap = max(natural.values())
        while cap > 1 and sum(fill(cap).values()) > space(keep):
            cap -= 1
        widths = fill(cap)
        spare = space(keep) - sum(widths.values())
        for i in sorted(keep, key=lambda i: -columns[i][3]):   # what is left: widest share first
            more = max(0, min(spare, natural[i] - widths[i]))
            widths[i] += more
            spare -= more
    t = Table(title=title, expand=False)
    for i in keep:
        t.add_column(columns[i][0], overflow="fold", min_width=columns[i][1], width=widths[i])
    for c in cells:
        t.add_row(*(c[i] for i in keep))
    return t


def newest_first(items: list, date, title=lambda x: True) -> list:
    """Dated items newest first, then the undated; within a date, titled items before untitled
    stubs (``date``/``title`` read an item)."""
    dated = sorted((x for x in items if date(x)), key=lambda x: (date(x), bool(title(x))), reverse=True)
    undated = sorted((x for x in items if not date(x)), key=lambda x: not title(x))
    return dated + undated
