"""The ``zhengce`` command: thin, calls the pipeline stages.

argparse keeps ``zhengce --help`` instant; rich and the heavy libraries are imported by the
command that needs them.  With ``--json`` nothing but JSON reaches stdout: while a command
works, ``sys.stdout`` points at stderr (some Chinese NLP libraries print banners on import).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

PROG = "zhengce"
NOT_DOCUMENTS = {"README", "MANIFEST", "LICENSE", "CHANGELOG", "SOURCES"}  # a folder's own notes


class CliError(Exception):
    """A user-facing failure: printed as ``zhengce: error: <what>: <why>``, exit 2."""


def fail(message: str, code: int = 2) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


@contextlib.contextmanager
def stdout_to_stderr():
    real = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield real
    finally:
        sys.stdout = real


def iter_inputs(paths: list[str]):
    """Files named, and the supported files under directories named (sorted, recursive)."""
    from zhengce.pipeline.load import LOADERS
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if (f.is_file() and f.suffix.lower() in LOADERS and not f.name.startswith(".")
                        and f.stem.upper() not in NOT_DOCUMENTS):
                    yield f
        else:
            yield path


# --- extract --------------------------------------------------------------------------------

def cmd_extract(args) -> int:
    from zhengce.pipeline.document import extract_file
    from zhengce.pipeline.load import LoadError

    files = list(iter_inputs(args.paths))
    if not files:
        return fail(f"{' '.join(args.paths)}: no supported documents found")
    single = len(files) == 1 and not Path(args.paths[0]).is_dir()
    records, failures = [], []
    with stdout_to_stderr() as out:
        for f in files:
            try:
                doc = extract_file(f)
            except LoadError as e:
                failures.append((str(f), str(e)))
                print(f"{PROG}: error: {f}: {e}", file=sys.stderr)
                continue
            records.append(doc)
            if args.json and not single:
                out.write(json.dumps(doc.record(), ensure_ascii=False) + "\n")
        if args.json and single and records:
            out.write(json.dumps(records[0].record(), ensure_ascii=False, indent=None if args.compact else 1) + "\n")
        elif not args.json:
            if single and records:
                _print_record(records[0], out)
            elif records:
                _print_summary(records, out)
    if failures:
        return 2 if single or not records else 1
    return 0


def _console(out):
    from rich.console import Console
    return Console(file=out, highlight=False, soft_wrap=False, width=max(100, os.get_terminal_size(2).columns
                                                                          if sys.stderr.isatty() else 160))


def _print_summary(docs, out) -> None:
    from rich.table import Table
    t = Table(title=f"{len(docs)} documents", show_lines=False)
    for col in ("file", "title", "type", "issuer", "date", "region", "level", "sections", "flags"):
        t.add_column(col, overflow="fold")
    for d in docs:
        m = d.metadata
        region = "/".join(x for x in (m.region.province, m.region.city, m.region.county) if x)
        t.add_row(Path(d.source).name[:38], (m.title or "")[:40], m.doc_type or "", "、".join(m.issuers)[:30],
                  m.signed_date or m.published_date or "", region, m.level or "", str(len(d.sections)),
                  ",".join(d.quality.flags))
    _console(out).print(t)


def _print_record(d, out) -> None:
    from rich.table import Table
    c = _console(out)
    m = d.metadata
    c.print(f"[bold]{m.title}[/bold]  ({m.doc_type or '?'})")
    rows = [("notice", m.notice_title), ("发文字号", m.doc_number), ("issuers", "、".join(m.issuers)),
            ("signed", m.signed_date), ("published", m.published_date), ("索引号", m.index_number),
            ("recipients", "，".join(m.recipients)),
            ("region", " ".join(x for x in (m.region.province, m.region.city, m.region.county) if x)
             + (f" ({m.region.code})" if m.region.code else "")),
            ("level", m.level), ("flags", ", ".join(d.quality.flags)), ("doc_id", d.doc_id)]
    t = Table(show_header=False, box=None)
    for k, v in rows:
        if v:
            t.add_row(k, str(v))
    c.print(t)
    c.print(f"\n[bold]sections[/bold] ({len(d.sections)})")
    for s in d.sections:
        c.print("  " * (s.level - 1) + f"{s.number}{s.heading}")
    counts = {k: len(getattr(d, k)) for k in ("tables", "clauses", "responsibilities", "targets",
                                              "time_expressions", "citations")}
    c.print("\n" + "  ".join(f"{k}: {v}" for k, v in counts.items()))


# --- entry point ----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="政策 — document intelligence for Chinese policy texts.")
    p.add_argument("--version", action="version", version="zhengce 0.1.0")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    e = sub.add_parser("extract", help="turn documents into zhengce.document/1 records",
                       description="Extract one record per document (txt, md, html, pdf, docx). One file with "
                                   "--json prints its record; several files or a directory print JSON lines "
                                   "(--json) or a summary table.")
    e.add_argument("paths", nargs="+", metavar="FILE", help="files or directories")
    e.add_argument("--json", action="store_true", help="print the record(s) as JSON on stdout")
    e.add_argument("--compact", action="store_true", help="one-line JSON for a single record")
    e.set_defaults(func=cmd_extract)
    return p


class _Parser(argparse.ArgumentParser):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()

    def error(message):  # one line on stderr, exit 2, as for every other error
        raise CliError(message)
    parser.error = error
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for sp in action.choices.values():
            sp.error = error
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return 2
        return args.func(args)
    except CliError as e:
        return fail(str(e))
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - never a traceback for the user; ZHENGCE_DEBUG=1 shows it
        if os.environ.get("ZHENGCE_DEBUG"):
            raise
        return fail(f"internal error: {type(e).__name__}: {e} (set ZHENGCE_DEBUG=1 for a traceback)")


if __name__ == "__main__":
    sys.exit(main())
