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


def iter_inputs(paths: list[str], failed: list | None = None):
    """Files named, and the supported files under directories named (sorted, recursive); folders
    that cannot be read are added to ``failed`` (``{"path", "error"}``), never skipped silently."""
    from zhengce.pipeline.ingest import NOT_DOCUMENTS, walk
    from zhengce.pipeline.load import LOADERS
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in walk(path, failed if failed is not None else []):
                if (f.is_file() and f.suffix.lower() in LOADERS and not f.name.startswith(".")
                        and f.stem.upper() not in NOT_DOCUMENTS):
                    yield f
        else:
            yield path


# --- extract --------------------------------------------------------------------------------

def _ocr_option(parser) -> None:
    """``--ocr``: passed to the PDF loader (and ingest's workers) as ZHENGCE_OCR."""
    parser.add_argument("--ocr", choices=["auto", "always", "never"], default=None,
                        help="OCR of scanned PDF pages: auto (default: pages without a text layer, when the "
                             "ocr extra is installed), always (every page), never")


def _set_ocr(args) -> None:
    if getattr(args, "ocr", None):
        os.environ["ZHENGCE_OCR"] = args.ocr


def cmd_extract(args) -> int:
    _set_ocr(args)
    if args.kind_model:
        os.environ["ZHENGCE_KIND_MODEL"] = "1"
    from zhengce.pipeline.document import extract_all
    from zhengce.pipeline.load import LoadError

    unreadable: list[dict] = []
    files = list(iter_inputs(args.paths, unreadable))
    for u in unreadable:
        print(f"{PROG}: error: {u['path']}: {u['error']}", file=sys.stderr)
    if not files:
        return fail(f"{' '.join(args.paths)}: no supported documents found")
    single = len(files) == 1 and not Path(args.paths[0]).is_dir()
    records, failures = [], [(u["path"], u["error"]) for u in unreadable]
    with stdout_to_stderr() as out:
        for f in files:
            try:
                if f.exists() and not f.is_file():
                    raise LoadError("not a regular file")
                docs = extract_all(f)
            except (LoadError, Exception) as e:  # noqa: BLE001 - one document never stops the others
                if os.environ.get("ZHENGCE_DEBUG"):
                    if not isinstance(e, LoadError):
                        raise
                    import traceback    # a refused file: where the loader refused it, then the one line
                    traceback.print_exc(file=sys.stderr)
                why = str(e) if isinstance(e, LoadError) else f"internal error while extracting: {type(e).__name__}: {e}"
                failures.append((str(f), why))
                print(f"{PROG}: error: {f}: {why}", file=sys.stderr)
                continue
            records.extend(docs)
            single = single and len(docs) == 1     # a spreadsheet of rows prints one record per line
            if args.json and not single:
                for doc in docs:
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



# --- store commands -------------------------------------------------------------------------

def parse_filters(items: list[str] | None) -> dict[str, str]:
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


def cmd_ingest(args) -> int:
    _set_ocr(args)
    from zhengce.pipeline.ingest import ingest
    store = open_db(args.db, create=True)
    with stdout_to_stderr() as out:
        if sys.stderr.isatty() and not args.quiet:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
            with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), transient=True) as bar:
                task = bar.add_task("ingesting", total=None)
                report = ingest(args.paths, store, workers=args.workers,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))
        else:
            report = ingest(args.paths, store, workers=args.workers)
        for f in report.failed:
            print(f"{PROG}: error: {f['path']}: {f['error']}", file=sys.stderr)
        if args.json:
            out.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        else:
            print(f"ingested {report.ingested}, unchanged {report.unchanged}, failed {len(report.failed)}; "
                  f"{store.count()} documents in {args.db}", file=out)
            if not args.quiet and report.ingested + report.unchanged:
                _print_store_summary(store, out)
    store.close()
    return 1 if report.failed else 0


def _print_store_summary(store, out) -> None:
    from rich.table import Table
    docs = store.documents()
    t = Table(title=f"{len(docs)} documents in the store")
    for col in ("doc_id", "title", "type", "issuer", "date", "region", "level", "sect", "clauses", "targets", "flags"):
        t.add_column(col, overflow="fold")
    for d in docs:
        region = "/".join(x for x in (d["province"], d["city"], d["county"]) if x)
        t.add_row(d["doc_id"][:8], (d["title"] or "")[:34], d["doc_type"] or "", (d["issuer"] or "")[:22],
                  d["signed_date"] or d["published_date"] or "", region, d["level"] or "", str(d["n_sections"]),
                  str(d["n_clauses"]), str(d["n_targets"]), ",".join(d["flags"]))
    _console(out).print(t)


def cmd_docs(args) -> int:
    store = open_db(args.db)
    try:
        docs = store.documents(**parse_filters(args.filter))
    except Exception as e:  # StoreError for bad filters
        raise CliError(str(e)) from None
    with stdout_to_stderr() as out:
        if args.json:
            out.write(json.dumps(docs, ensure_ascii=False) + "\n")
        else:
            from rich.table import Table
            t = Table(title=f"{len(docs)} documents")
            for col in ("doc_id", "title", "type", "issuer", "date", "region", "level"):
                t.add_column(col, overflow="fold")
            for d in docs:
                t.add_row(d["doc_id"], d["title"] or "", d["doc_type"] or "", d["issuer"] or "",
                          d["signed_date"] or d["published_date"] or "",
                          "/".join(x for x in (d["province"], d["city"], d["county"]) if x), d["level"] or "")
            _console(out).print(t)
    return 0


def _resolve(store, ref: str) -> str:
    doc_id = store.resolve(ref)
    if not doc_id:
        raise CliError(f"{ref}: no such document in the store (give a doc_id, its prefix or a source path)")
    return doc_id


def cmd_show(args) -> int:
    from zhengce.pipeline.model import Document
    store = open_db(args.db)
    rec = store.get(_resolve(store, args.doc))
    with stdout_to_stderr() as out:
        if args.json:
            out.write(json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
            return 0
        doc = Document.model_validate(rec)
        _print_record(doc, out)
        from rich.table import Table
        if doc.targets:
            t = Table(title="targets")
            for col in ("indicator", "cmp", "value", "unit", "deadline", "baseline", "binding"):
                t.add_column(col, overflow="fold")
            for x in doc.targets:
                value = f"{x.value:g}" + (f"–{x.value_max:g}" if x.value_max is not None else "")
                base = f"{x.baseline.value:g} ({x.baseline.year})" if x.baseline and x.baseline.value is not None else ""
                t.add_row(x.indicator or "", x.comparator, value, x.unit or "", x.deadline or "", base, x.binding or "")
            _console(out).print(t)
        if doc.responsibilities:
            units = {}
            for r in doc.responsibilities:
                units.setdefault(r.unit, set()).add(r.role)
            _console(out).print("units: " + "；".join(f"{u}（{'/'.join(sorted(v))}）" for u, v in units.items()))
        srcs = store.sources(doc.doc_id)
        _console(out).print("sources: " + "；".join(srcs))
    return 0


def cmd_export(args) -> int:
    from zhengce.pipeline.export import export
    store = open_db(args.db)
    filters = parse_filters(args.filter)
    with stdout_to_stderr():
        try:
            n = export(store, args.format, Path(args.output), args.table, **filters)
        except OSError as e:
            raise CliError(f"{args.output}: {e.strerror or e}") from None
    print(f"wrote {n} rows to {args.output}", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from zhengce.pipeline.export import json_schema
    print(json.dumps(json_schema(), ensure_ascii=False, indent=1))
    return 0


def cmd_lineage(args) -> int:
    store = open_db(args.db)
    doc_id = _resolve(store, args.doc)
    rec = store.get(doc_id)

    def label(d):
        from rich.markup import escape
        region = "/".join(x for x in (d.get("province"), d.get("city"), d.get("county")) if x)
        return escape(f"{d.get('title')}  [{d.get('level') or '?'} {region} {d.get('signed_date') or ''}] {d['doc_id'][:8]}")

    def walk(fn, start, seen):
        out = []
        for d in fn(start):
            if d["doc_id"] in seen:
                continue
            seen.add(d["doc_id"])
            out.append({**d, "children": walk(fn, d["doc_id"], seen)})
        return out
    tree = {"doc_id": doc_id, "title": rec["metadata"]["title"],
            "cites": walk(store.cited, doc_id, {doc_id}), "cited_by": walk(store.citing, doc_id, {doc_id})}
    with stdout_to_stderr() as out:
        if args.json:
            out.write(json.dumps(tree, ensure_ascii=False, indent=1) + "\n")
            return 0
        from rich.tree import Tree
        m = rec["metadata"]
        me = {"doc_id": doc_id, "title": m["title"], "level": m["level"], "signed_date": m["signed_date"], **m["region"]}
        root = Tree(f"[bold]{label(me)}[/bold]")
        up = root.add("cites (higher up)")
        down = root.add("cited by (implementations)")

        def grow(node, items):
            for d in items:
                grow(node.add(label(d)), d["children"])
        grow(up, tree["cites"])
        grow(down, tree["cited_by"])
        _console(out).print(root)
    return 0

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
    e.add_argument("--kind-model", action="store_true",
                   help="also consult the statistical clause-kind model for clauses without a cue word")
    _ocr_option(e)
    e.set_defaults(func=cmd_extract)

    i = sub.add_parser("ingest", help="extract documents into a store (files, folders, zip archives)")
    i.add_argument("paths", nargs="+", metavar="PATH")
    i.add_argument("--db", required=True, help="the store (an SQLite file; created if missing)")
    i.add_argument("--workers", type=int, default=1, help="extraction processes (default 1)")
    i.add_argument("--json", action="store_true", help="print {ingested, unchanged, failed} as JSON")
    i.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    _ocr_option(i)
    i.set_defaults(func=cmd_ingest)

    d = sub.add_parser("docs", help="list stored documents")
    d.add_argument("--db", required=True)
    d.add_argument("--filter", action="append", metavar="KEY=VALUE",
                   help="region, province, city, county, level, year (2021 or 2019-2022), issuer, doc_type, kind, unit, indicator, has_target")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_docs)

    sh = sub.add_parser("show", help="one stored record, readably (outline, targets, units)")
    sh.add_argument("doc", metavar="DOC", help="doc_id, its prefix, or a source path")
    sh.add_argument("--db", required=True)
    sh.add_argument("--json", action="store_true")
    sh.set_defaults(func=cmd_show)

    x = sub.add_parser("export", help="export records or tables (jsonl, csv, parquet, xlsx)")
    x.add_argument("--db", required=True)
    x.add_argument("--format", required=True, choices=["jsonl", "csv", "parquet", "xlsx"])
    x.add_argument("--table", choices=["documents", "clauses", "targets", "responsibilities"],
                   help="for csv/parquet (default documents); xlsx without it writes one sheet per table")
    x.add_argument("--filter", action="append", metavar="KEY=VALUE")
    x.add_argument("-o", "--output", required=True)
    x.set_defaults(func=cmd_export)

    sc = sub.add_parser("schema", help="print the JSON Schema of the record")
    sc.set_defaults(func=cmd_schema)

    ln = sub.add_parser("lineage", help="documents citing / cited by DOC, as a tree")
    ln.add_argument("doc", metavar="DOC")
    ln.add_argument("--db", required=True)
    ln.add_argument("--json", action="store_true")
    ln.set_defaults(func=cmd_lineage)

    # commands that live in their own modules (each imports its machinery lazily)
    from zhengce import cli_compare, cli_report, cli_search, cli_ui
    cli_search.register(sub)
    cli_compare.register(sub)
    cli_ui.register(sub)
    cli_report.register(sub)
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
