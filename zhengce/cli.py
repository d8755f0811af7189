"""The ``zhengce`` command: thin, calls the pipeline stages.

argparse keeps ``zhengce --help`` instant; rich and the heavy libraries are imported by the
command that needs them.  With ``--json`` nothing but JSON reaches stdout: while a command
works, ``sys.stdout`` points at stderr (some Chinese NLP libraries print banners on import).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from zhengce.cli_common import (PROG, CliError, cell, console, debug, error_line, fail, failed_file,  # noqa: F401
                                fitted_table, newest_first, open_db, parse_filters, resolve, shown, stdout_to_stderr,
                                iter_inputs)

# the names other command modules used to import from here (zhengce.cli_compare): import them from
# zhengce.cli_common instead
_console = console
_resolve = resolve


# --- extract --------------------------------------------------------------------------------

def _ocr_option(parser) -> None:
    """``--ocr``: passed to the PDF loader (and ingest's workers) as ZHENGCE_OCR."""
    parser.add_argument("--ocr", choices=["auto", "always", "never"], default=None,
                        help="OCR of scanned PDF pages: auto (default: pages without a text layer, when the "
                             "ocr extra is installed), always (every page), never")


def _set_ocr(args) -> None:
    """The loaders read their settings from the environment (ingest's workers inherit it): the OCR
    mode, OCR pages in parallel with --workers, and no page progress under --json or --quiet."""
    if getattr(args, "ocr", None):
        os.environ["ZHENGCE_OCR"] = args.ocr
    if (getattr(args, "workers", 1) or 1) > 1:
        os.environ["ZHENGCE_OCR_WORKERS"] = str(args.workers)
    if getattr(args, "json", False) or getattr(args, "quiet", False):
        os.environ["ZHENGCE_PROGRESS"] = "0"


def cmd_extract(args) -> int:
    _set_ocr(args)
    if args.kind_model:
        os.environ["ZHENGCE_KIND_MODEL"] = "1"
    from zhengce.pipeline.document import extract_all
    from zhengce.pipeline.load import LoadError

    unreadable: list[dict] = []
    skipped: list[dict] = []
    files = list(iter_inputs(args.paths, unreadable, skipped))
    for u in unreadable:
        error_line(u["path"], u["error"])
    if skipped:
        kinds = sorted({s["reason"] for s in skipped})
        print(f"{PROG}: skipped {len(skipped)} file(s) that are not documents: {'; '.join(kinds[:4])}"
              + (" …" if len(kinds) > 4 else ""), file=sys.stderr)
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
            except Exception as e:  # noqa: BLE001 - one document never stops the others
                failures.append((str(f), failed_file(f, e)))
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


def _print_summary(docs, out) -> None:
    rows = []
    for d in docs:
        m = d.metadata
        rows.append({"ref": Path(d.source).name, "title": m.title, "doc_type": m.doc_type, "issuer": "、".join(m.issuers),
                     "date": m.signed_date or m.published_date, "province": m.region.province, "city": m.region.city,
                     "county": m.region.county, "level": m.level, "n_sections": len(d.sections),
                     "n_clauses": len(d.clauses), "n_targets": len(d.targets), "flags": d.quality.flags})
    _print_documents(rows, f"{len(docs)} documents", "file", out)


# the documents table of extract, ingest and docs: (column, key, min width, drop rank — highest goes
# first on a narrow terminal, 0 never)
DOC_COLUMNS = [("", "ref", 8, 0), ("title", "title", 20, 0, 2), ("date", "date", 10, 0), ("type", "doc_type", 8, 3),
               ("issuer", "issuer", 8, 4), ("region", "region", 6, 5), ("level", "level", 10, 6),
               ("sect", "n_sections", 4, 9), ("clauses", "n_clauses", 4, 8), ("targets", "n_targets", 4, 7),
               ("flags", "flags", 10, 10)]


def _print_documents(rows: list[dict], title: str, ref: str, out) -> None:
    """Documents newest first (undated ones, then untitled stubs, last), folded to the terminal."""
    for r in rows:
        r["region"] = "/".join(x for x in (r.get("province"), r.get("city"), r.get("county")) if x)
        r["date"] = r.get("date") or r.get("signed_date") or r.get("published_date") or ""
        if "flags" in r:
            r["flags"] = ",".join(r["flags"] or [])
    cols = [c for c in DOC_COLUMNS if c[1] in rows[0]] if rows else DOC_COLUMNS[:3]
    rows = newest_first(rows, lambda r: r["date"], lambda r: r.get("title"))
    con = console(out)
    con.print(fitted_table(title + ", newest first", [(c[0] or ref, *c[2:]) for c in cols],
                           [[str(r[c[1]]) if r[c[1]] is not None else "" for c in cols] for r in rows],
                           con.width))


def _print_record(d, out) -> None:
    from rich.table import Table
    c = console(out)
    m = d.metadata
    c.print(f"[bold]{cell(m.title or '(no title found)')}[/bold]  ({cell(m.doc_type or '?')})")
    rows = [("notice", m.notice_title), ("发文字号", m.doc_number), ("issuers", "、".join(m.issuers)),
            ("signed", m.signed_date), ("published", m.published_date), ("索引号", m.index_number),
            ("recipients", "，".join(m.recipients)),
            ("region", " ".join(x for x in (m.region.province, m.region.city, m.region.county) if x)
             + (f" ({m.region.code})" if m.region.code else "")),
            ("level", m.level), ("flags", ", ".join(d.quality.flags)),
            *((("notes" if i == 0 else ""), n) for i, n in enumerate(d.quality.notes)), ("doc_id", d.doc_id)]
    t = Table(show_header=False, box=None)
    for k, v in rows:
        if v:
            t.add_row(k, cell(v))
    c.print(t)
    c.print(f"\n[bold]sections[/bold] ({len(d.sections)})")
    for s in d.sections:
        c.print("  " * (s.level - 1) + cell(f"{s.number}{s.heading}"))
    counts = {k: len(getattr(d, k)) for k in ("tables", "clauses", "responsibilities", "targets",
                                              "time_expressions", "citations")}
    c.print("\n" + "  ".join(f"{k}: {v}" for k, v in counts.items()))



# --- store commands -------------------------------------------------------------------------

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
                from zhengce.pipeline.load import progress as page_progress
                pages: list = []

                def on_pages(source, done, total):     # a long scan's OCR pages, or embedding, as a second bar
                    label = source if source.startswith("embedding ") else f"OCR {Path(source).name}"
                    if not pages:
                        pages.append(bar.add_task(label, total=total))
                    bar.update(pages[0], description=label, completed=done, total=total)

                previous = page_progress.set_hook(on_pages)
                try:
                    report = ingest(args.paths, store, workers=args.workers,
                                    progress=lambda done, total: bar.update(task, completed=done, total=total))
                finally:
                    page_progress.set_hook(previous)
        else:
            report = ingest(args.paths, store, workers=args.workers)
        for f in report.failed:
            error_line(f["path"], f["error"])
        if args.json:
            out.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        else:
            skipped = f", skipped {len(report.skipped)} (not documents; --json lists them)" if report.skipped else ""
            console(out).print(cell(f"ingested {report.ingested}, unchanged {report.unchanged}, "
                                    f"failed {len(report.failed)}{skipped}; {store.count()} documents in {args.db}"))
            if not args.quiet and report.ingested + report.unchanged:
                _print_store_summary(store, out)
    store.close()
    return 1 if report.failed else 0


def _print_store_summary(store, out) -> None:
    docs = store.documents()
    _print_documents([{**d, "ref": d["doc_id"][:8]} for d in docs], f"{len(docs)} documents in the store", "doc_id", out)


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
            _print_documents([{k: v for k, v in d.items() if not k.startswith(("n_", "flags"))} | {"ref": d["doc_id"]}
                              for d in docs], f"{len(docs)} documents", "doc_id", out)
    return 0


def cmd_show(args) -> int:
    from zhengce.pipeline.model import Document
    store = open_db(args.db)
    rec = store.get(resolve(store, args.doc))
    with stdout_to_stderr() as out:
        if args.json:
            out.write(json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
            return 0
        doc = Document.model_validate(rec)
        _print_record(doc, out)
        con = console(out)
        if doc.targets:
            rows = []
            for x in doc.targets:
                value = f"{x.value:g}" + (f"–{x.value_max:g}" if x.value_max is not None else "")
                base = f"{x.baseline.value:g} ({x.baseline.year})" if x.baseline and x.baseline.value is not None else ""
                rows.append([x.indicator or "", x.comparator, value, x.unit or "", x.deadline or "", base, x.binding or ""])
            con.print(fitted_table("targets", [("indicator", 12, 0), ("cmp", 3, 0), ("value", 6, 0), ("unit", 4, 0),
                                               ("deadline", 8, 0), ("baseline", 8, 2), ("binding", 7, 1)], rows, con.width))
        if doc.responsibilities:
            units = {}
            for r in doc.responsibilities:
                units.setdefault(r.unit, set()).add(r.role)
            con.print("units: " + cell("；".join(f"{u}（{'/'.join(sorted(v))}）" for u, v in units.items())))
        con.print("sources: " + cell("；".join(store.sources(doc.doc_id))))
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
    print(f"wrote {n} rows to {shown(args.output)}", file=sys.stderr)
    return 0


def cmd_schema(args) -> int:
    from zhengce.pipeline.export import json_schema
    print(json.dumps(json_schema(), ensure_ascii=False, indent=1))
    return 0


def cmd_lineage(args) -> int:
    store = open_db(args.db)
    doc_id = resolve(store, args.doc)
    rec = store.get(doc_id)

    def label(d):
        region = "/".join(x for x in (d.get("province"), d.get("city"), d.get("county")) if x)
        return cell(f"{d.get('title')}  [{d.get('level') or '?'} {region} {d.get('signed_date') or ''}] {d['doc_id'][:8]}")

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
        console(out).print(root)
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
    e.add_argument("--workers", type=int, default=1,
                   help="processes that OCR the pages of a long scan in parallel (default 1)")
    _ocr_option(e)
    e.set_defaults(func=cmd_extract)

    i = sub.add_parser("ingest", help="extract documents into a store (files, folders, zip archives)")
    i.add_argument("paths", nargs="+", metavar="PATH")
    i.add_argument("--db", required=True, help="the store (an SQLite file; created if missing)")
    i.add_argument("--workers", type=int, default=1, help="extraction processes (default 1)")
    i.add_argument("--json", action="store_true", help="print {ingested, unchanged, failed, skipped} as JSON")
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
        if debug():
            raise
        return fail(f"internal error: {type(e).__name__}: {e} (set ZHENGCE_DEBUG=1 for a traceback)")


if __name__ == "__main__":
    sys.exit(main())
