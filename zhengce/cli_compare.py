"""``zhengce compare``, ``zhengce family`` and ``zhengce targets``.

Registered by ``zhengce.cli.build_parser`` through ``register(sub)``.  Same conventions as the
other commands: with ``--json`` only JSON reaches stdout, failures are one ``zhengce: error: …``
line and exit 2 (``CliError``, with names from outside escaped by ``shown``; the helpers come from
``zhengce.cli_common``, never ``zhengce.cli``), heavy libraries (scikit-learn, datasketch, rapidfuzz, pandas,
matplotlib) load inside the command that needs them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _store(db: str):
    from zhengce.cli_common import CliError, open_db, shown
    if not db.startswith(("http://", "https://")):
        p = Path(db[len("sqlite:///"):] if db.startswith("sqlite:///") else db)
        if not p.exists():
            raise CliError(f"{shown(db)}: no such database")
    return open_db(db)


def _record(store, ref: str) -> dict:
    from zhengce.cli_common import CliError, resolve as _resolve, shown
    rec = store.get(_resolve(store, ref))
    if rec is None:
        raise CliError(f"{shown(ref)}: no such document in the store")
    return rec


def _meta(rec: dict) -> dict:
    m = rec.get("metadata") or {}
    r = m.get("region") or {}
    return {"title": m.get("title"), "region": "/".join(x for x in (r.get("province"), r.get("city"), r.get("county")) if x),
            "date": m.get("signed_date") or m.get("published_date"), "level": m.get("level")}


def _write(path: str, data: str | bytes, what: str) -> None:
    from zhengce.cli_common import CliError, shown
    try:
        p = Path(path)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding="utf-8")
    except OSError as e:
        raise CliError(f"{shown(path)}: cannot write the {what} ({e.strerror or e})") from None


# --- compare ----------------------------------------------------------------------------------

def cmd_compare(args) -> int:
    from zhengce.cli_common import CliError, console as _console, stdout_to_stderr
    if not 0 < args.threshold < 1:
        raise CliError(f"--threshold {args.threshold}: must be between 0 and 1")
    store = _store(args.db)
    a, b = _record(store, args.doc_a), _record(store, args.doc_b)
    with stdout_to_stderr() as out:
        from zhengce.pipeline.compare.align import AlignConfig, compare_records
        cfg = AlignConfig(threshold=args.threshold, moved_threshold=max(args.threshold, AlignConfig.moved_threshold))
        cmp_ = compare_records(a, b, cfg)
        if args.html:
            from zhengce.pipeline.compare.report import render_html
            _write(args.html, render_html(cmp_, _meta(a), _meta(b)), "HTML report")
            print(f"wrote {args.html}", file=sys.stderr)
        if args.json:
            out.write(json.dumps(cmp_.to_dict(diff=not args.no_diff), ensure_ascii=False) + "\n")
        elif not args.html or args.verbose:
            _print_comparison(cmp_, _meta(a), _meta(b), _console(out), 0 if args.full else args.limit)
    store.close()
    return 0


def _print_comparison(cmp_, ma, mb, console, limit) -> None:
    from rich.markup import escape
    from rich.table import Table
    from zhengce.pipeline.compare.align import char_diff
    s = cmp_.summary()
    console.print(f"[bold]A[/bold] {escape(ma['title'] or '')}  [dim]{ma['region']} {ma['date'] or ''} {cmp_.a_id}[/dim]")
    console.print(f"[bold]B[/bold] {escape(mb['title'] or '')}  [dim]{mb['region']} {mb['date'] or ''} {cmp_.b_id}[/dim]")
    console.print(f"parent clauses {s['parent_clauses']}: implemented {s['identical'] + s['modified']} "
                  f"({s['share_implemented']:.0%}) = identical {s['identical']} ({s['share_identical']:.0%}) + "
                  f"modified {s['modified']} ({s['share_changed']:.0%}); omitted {s['omitted']} ({s['share_omitted']:.0%}); "
                  f"moved {s['moved']}; new local clauses {s['added']} "
                  f"({', '.join(f'{k} {v}' for k, v in s['added_by_kind'].items()) or '—'})")
    t = Table(show_lines=False, expand=True)
    for col, w in (("A", None), ("", 14), ("B", None)):
        t.add_column(col, overflow="fold", ratio=None if w else 1, width=w)
    rows = list(cmp_.rows())
    for i, j, p in rows[:limit or None]:
        if p is not None:
            if p.relation == "identical":
                ta, tb = escape(cmp_.a[i].text), escape(cmp_.b[j].text)
            else:
                ta = tb = ""
                for op, x, y in char_diff(cmp_.a[i].text, cmp_.b[j].text):
                    if op == "=":
                        ta += escape(x)
                        tb += escape(y)
                    else:
                        ta += f"[red strike]{escape(x)}[/red strike]" if x else ""
                        tb += f"[green]{escape(y)}[/green]" if y else ""
            t.add_row(f"{cmp_.a[i].id} {ta}", f"{p.relation[:5]} {p.similarity:.2f}" + (" moved" if p.moved else ""),
                      f"{cmp_.b[j].id} {tb}")
        elif i is not None:
            t.add_row(f"[red]{cmp_.a[i].id} {escape(cmp_.a[i].text)}[/red]", "omitted", "")
        else:
            t.add_row("", f"added {cmp_.b[j].kind[:6]}", f"[green]{cmp_.b[j].id} {escape(cmp_.b[j].text)}[/green]")
    console.print(t)
    if limit and len(rows) > limit:
        console.print(f"the first {limit} of {len(rows)} rows; {len(rows) - limit} more: --full prints all, "
                      f"--limit N the first N, --html OUT writes a side-by-side report")


# --- family -----------------------------------------------------------------------------------

def cmd_family(args) -> int:
    from zhengce.cli_common import console as _console, resolve as _resolve, stdout_to_stderr
    store = _store(args.db)
    doc_id = _resolve(store, args.doc)
    with stdout_to_stderr() as out:
        from zhengce.pipeline.compare.lineage import family
        fam = family(store, doc_id, reuse=not args.no_reuse, min_share=args.min_share)
        if args.json:
            out.write(json.dumps(fam, ensure_ascii=False) + "\n")
        else:
            from rich.markup import escape
            from rich.tree import Tree
            by_parent: dict = {}
            for m in fam["members"]:
                by_parent.setdefault(m["parent"], []).append(m)

            def label(m):
                share = (f"  reuses {m['share_of_parent_reused']:.0%} of its parent ({m['link']})"
                         if m["share_of_parent_reused"] is not None else (f"  ({m['link']})" if m["link"] else ""))
                txt = (f"{escape(m['title'] or '')}  [dim]{m['level'] or '?'} {escape(m['region'] or '')} "
                       f"{m['date'] or ''} {m['doc_id'][:8]}[/dim]{share}")
                return f"[bold]{txt}[/bold]" if m["query"] else txt
            root = Tree(f"family of {doc_id} ({len(fam['members'])} members)")

            def grow(node, pid):
                for m in by_parent.get(pid, []):
                    grow(node.add(label(m)), m["doc_id"])
            grow(root, None)
            _console(out).print(root)
    store.close()
    return 0


# --- targets ----------------------------------------------------------------------------------

def cmd_targets(args) -> int:
    from zhengce.cli_common import CliError, parse_filters, shown, stdout_to_stderr
    from zhengce.pipeline.compare.indicators import COLUMN_KEYS, PIVOTS
    if args.pivot and args.pivot not in PIVOTS:
        raise CliError(f"--pivot {shown(args.pivot)}: unknown (known: {', '.join(PIVOTS)})")
    if args.columns not in COLUMN_KEYS:
        raise CliError(f"--columns {shown(args.columns)}: unknown (known: {', '.join(COLUMN_KEYS)})")
    if args.columns != "indicator" and not args.pivot:
        raise CliError(f"--columns {args.columns}: only with --pivot (e.g. --pivot region --columns {args.columns})")
    filters = parse_filters(args.filter)
    store = _store(args.db)
    with stdout_to_stderr() as out:
        from zhengce.pipeline.compare import indicators as ind
        from zhengce.pipeline.store import StoreError
        try:
            recs = ind.store_targets(store, args.indicator, **filters)
        except StoreError as e:
            raise CliError(str(e)) from None
        if args.propose_clusters:
            rows = ind.propose_clusters(r.get("indicator") for r in store.rows("targets"))
            text = "cluster\tmember\tstatus\tscore\n" + "".join(
                f"{r['cluster']}\t{r['member']}\t{r['status']}\t{r['score']}\n" for r in rows)
            _write(args.propose_clusters, text, "cluster proposal")
            print(f"wrote {len(rows)} names to {args.propose_clusters} (status 'proposed': review, then "
                  f"copy the rows to pipeline/lexicon/indicator_clusters.tsv as 'reviewed')", file=sys.stderr)
        labels, rows = ind.pivot_rows(recs, args.pivot, args.columns) if args.pivot else ([], [])
        shared = ind.shared_cells(labels, rows)
        doc_in_cell = args.columns != "document" and args.pivot != "doc"
        if args.csv or args.xlsx:
            _targets_files(args, ind, recs, labels, rows, doc_in_cell)
        if args.plot:
            if not recs:
                raise CliError(f"--plot {shown(args.plot)}: no targets to plot")
            try:
                paths = ind.plot(recs, args.plot, args.pivot or "region")
            except OSError as e:
                raise CliError(f"{shown(args.plot)}: {e.strerror or e}") from None
            print("wrote " + ", ".join(map(str, paths)), file=sys.stderr)
        if args.json:
            d = {"indicator": args.indicator, "targets": len(recs), "rows_long": ind.long_rows(recs)}
            if args.pivot:
                d.update({"pivot": args.pivot, "columns": args.columns, "indicators": labels, "rows": rows,
                          "shared_cells": shared})
            out.write(json.dumps(d, ensure_ascii=False, default=str) + "\n")
        elif not (args.csv or args.xlsx or args.plot or args.propose_clusters):
            _print_targets(args, ind, recs, labels, rows, shared, doc_in_cell, out)
    store.close()
    return 0


def _targets_files(args, ind, recs, labels, rows, doc_in_cell) -> None:
    """--csv: the long table, or the pivot (text cells listing every target) with --pivot; --xlsx: the
    long table as sheet 'targets', plus with --pivot 'table' (text cells) and 'pivot' (numbers, one
    row per k-th target of a cell)."""
    from zhengce.cli_common import CliError, shown
    import pandas as pd
    long = ind.targets_frame(recs)
    table = pd.DataFrame({l: [ind.format_cell(r.get(l), doc_in_cell, sep="; ") for r in rows] for l in labels},
                         index=pd.Index([r[args.pivot] for r in rows], name=args.pivot)) if args.pivot else None
    path = None
    try:
        if args.csv:
            path = args.csv
            (table if table is not None else long).to_csv(args.csv, encoding="utf-8-sig", index=table is not None)
            print(f"wrote {len(table if table is not None else long)} rows to {args.csv}", file=sys.stderr)
        if args.xlsx:
            path = args.xlsx
            with pd.ExcelWriter(args.xlsx, engine="openpyxl") as xw:
                long.to_excel(xw, sheet_name="targets", index=False)
                if table is not None:
                    table.to_excel(xw, sheet_name="table")
                    flat = ind.pivot_frame(recs, args.pivot, args.columns)
                    flat.columns = [f"{a}|{b}" for a, b in flat.columns] if len(flat.columns) else []
                    flat.to_excel(xw, sheet_name="pivot")
            print(f"wrote {args.xlsx}", file=sys.stderr)
    except OSError as e:
        raise CliError(f"{shown(path)}: {e.strerror or e}") from None


def _print_targets(args, ind, recs, labels, rows, shared, doc_in_cell, out) -> None:
    from rich.markup import escape
    from rich.table import Table
    from zhengce.cli_common import console as _console
    title = f"{len(recs)} targets" + (f" for {args.indicator}" if args.indicator else "")
    if not args.pivot:
        from zhengce.cli_common import fitted_table, width
        rows = []
        for r in ind.long_rows(recs):
            base = (f"{r['baseline_value']:g}" + (f"/{r['baseline_year']}" if r.get("baseline_year") else "")
                    if r.get("baseline_value") is not None else "")
            rows.append([r["region"], r["document"], str(r.get("year") or ""), r["indicator"],
                         ind.format_value(r) + (f" ({r['deadline'][:4]})" if r.get("deadline") else ""),
                         base, r.get("binding") or ""])
        cols = [("region", 8, 0), ("document", 10, 0, 2), ("year", 4, 1), ("indicator", 8, 0, 2),
                ("target", 10, 0), ("baseline", 8, 2), ("binding", 6, 3)]
        _console(out).print(fitted_table(title, cols, rows, width(out)))
        return
    t = Table(title=title + f", {args.pivot} × {args.columns}", show_lines=True)
    t.add_column(args.pivot, overflow="fold")
    for l in labels:
        t.add_column(escape(l), overflow="fold")
    for r in rows:
        t.add_row(escape(r[args.pivot]), *[escape(ind.format_cell(r.get(l), doc_in_cell)) for l in labels])
    console = _console(out)
    console.print(t)
    if shared:
        console.print(f"{shared} {'cells hold' if shared > 1 else 'cell holds'} more than one target: each is listed "
                      f"(oldest document first); --columns {'|'.join(k for k in ('year', 'deadline', 'document') if k != args.columns)} "
                      f"splits them further")


def _unit_interval(s: str) -> float:
    import argparse
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s}: not a number") from None
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError(f"{s}: must be between 0 and 1")
    return v


def _rows(s: str) -> int:
    import argparse
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s}: not a whole number") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"{s}: must be 1 or more (--full prints every row)")
    return v


def register(sub) -> None:
    c = sub.add_parser("compare", help="align the clauses of two documents (parent, implementation)",
                       description="Align the clauses of DOC_A (the parent) and DOC_B (the implementation): "
                                   "identical and modified pairs in the parent's order, omitted parent clauses, "
                                   "added local clauses. DOC is a doc_id, its prefix or a source path.")
    c.add_argument("doc_a", metavar="DOC_A")
    c.add_argument("doc_b", metavar="DOC_B")
    c.add_argument("--db", required=True)
    c.add_argument("--json", action="store_true", help="print {a, b, pairs, omitted, added, summary} as JSON")
    c.add_argument("--html", metavar="OUT", help="write a side-by-side HTML report")
    c.add_argument("--threshold", type=_unit_interval, default=0.5, help="least similarity of a pair (default 0.5)")
    c.add_argument("--no-diff", action="store_true", help="leave the character diff out of the JSON")
    c.add_argument("--limit", type=_rows, default=20, help="rows of the side-by-side table on the terminal (default 20)")
    c.add_argument("--full", action="store_true", help="every row of the side-by-side table")
    c.add_argument("--verbose", action="store_true", help="with --html, print the table too")
    c.set_defaults(func=cmd_compare)

    f = sub.add_parser("family", help="a policy's family: citations and uncited implementations",
                       description="The family tree of DOC (national → provincial → city → county) from resolved "
                                   "citations, plus documents that reuse many clauses of a higher-level member "
                                   "without citing it; each member with level, region, date and share of its "
                                   "parent reused.")
    f.add_argument("doc", metavar="DOC")
    f.add_argument("--db", required=True)
    f.add_argument("--json", action="store_true")
    f.add_argument("--no-reuse", action="store_true", help="citations only (no text-reuse detection)")
    f.add_argument("--min-share", type=_unit_interval, default=0.1,
                   help="least share of a parent's clauses a text-reuse child must reuse (default 0.1)")
    f.set_defaults(func=cmd_family)

    t = sub.add_parser("targets", help="targets across regions: a long table or a pivot, CSV/XLSX, charts",
                       description="Targets whose indicator answers --indicator (synonyms and similar names "
                                   "included): one row per target (region, document, year, deadline, indicator, "
                                   "comparator, value or range, unit, baseline), or with --pivot one row per "
                                   "region (…) and one column per indicator, year, deadline or document; a cell "
                                   "lists every target that falls in it.")
    t.add_argument("--db", required=True)
    t.add_argument("--indicator", metavar="NAME", help="e.g. 毛入园率 (default: every indicator)")
    t.add_argument("--pivot", metavar="ROWS", help="region, province, city, county, level, year or doc "
                                                   "(default: the long table, one row per target)")
    t.add_argument("--columns", default="indicator", metavar="COLS",
                   help="with --pivot: indicator (default), year (of the document), deadline or document")
    t.add_argument("--filter", action="append", metavar="KEY=VALUE", help="document filters as for `zhengce docs`")
    t.add_argument("--json", action="store_true",
                   help="print {indicator, targets, rows_long} (+ {pivot, columns, indicators, rows, shared_cells})")
    t.add_argument("--csv", metavar="OUT", help="write the long table (or, with --pivot, the pivot) as CSV")
    t.add_argument("--xlsx", metavar="OUT", help="write the long table (+ the pivot with --pivot) as XLSX sheets")
    t.add_argument("--plot", metavar="OUT", help="a chart per indicator: OUT/ (a folder of <indicator>.png), "
                                                 "OUT.png (one indicator; OUT-<indicator>.png for several) or OUT.html")
    t.add_argument("--propose-clusters", metavar="OUT.tsv",
                   help="write indicator-name clusters found in the store for review")
    t.set_defaults(func=cmd_targets)
