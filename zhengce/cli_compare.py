"""``zhengce compare``, ``zhengce family`` and ``zhengce targets``.

Registered by ``zhengce.cli.build_parser`` through ``register(sub)``.  Same conventions as the
other commands: with ``--json`` only JSON reaches stdout, failures are one ``zhengce: error: …``
line and exit 2 (``CliError``), heavy libraries (scikit-learn, datasketch, rapidfuzz, pandas,
matplotlib) load inside the command that needs them.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _store(db: str):
    from zhengce.cli import CliError, open_db
    if not db.startswith(("http://", "https://")):
        p = Path(db[len("sqlite:///"):] if db.startswith("sqlite:///") else db)
        if not p.exists():
            raise CliError(f"{db}: no such database")
    return open_db(db)


def _record(store, ref: str) -> dict:
    from zhengce.cli import CliError, _resolve
    rec = store.get(_resolve(store, ref))
    if rec is None:
        raise CliError(f"{ref}: no such document in the store")
    return rec


def _meta(rec: dict) -> dict:
    m = rec.get("metadata") or {}
    r = m.get("region") or {}
    return {"title": m.get("title"), "region": "/".join(x for x in (r.get("province"), r.get("city"), r.get("county")) if x),
            "date": m.get("signed_date") or m.get("published_date"), "level": m.get("level")}


def _write(path: str, data: str | bytes, what: str) -> None:
    from zhengce.cli import CliError
    try:
        p = Path(path)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding="utf-8")
    except OSError as e:
        raise CliError(f"{path}: cannot write the {what} ({e.strerror or e})") from None


# --- compare ----------------------------------------------------------------------------------

def cmd_compare(args) -> int:
    from zhengce.cli import CliError, _console, stdout_to_stderr
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
            _print_comparison(cmp_, _meta(a), _meta(b), _console(out), args.limit)
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
    shown = 0
    for i, j, p in cmp_.rows():
        if limit and shown >= limit:
            t.add_row("…", "", "…")
            break
        shown += 1
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


# --- family -----------------------------------------------------------------------------------

def cmd_family(args) -> int:
    from zhengce.cli import _console, _resolve, stdout_to_stderr
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
    from zhengce.cli import CliError, _console, parse_filters, stdout_to_stderr
    from zhengce.pipeline.compare.indicators import PIVOTS
    if args.pivot not in PIVOTS:
        raise CliError(f"--pivot {args.pivot}: unknown (known: {', '.join(PIVOTS)})")
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
        indicators, rows = ind.pivot_rows(recs, args.pivot)
        if args.csv or args.xlsx:
            frame = ind.pivot_frame(recs, args.pivot)
            flat = frame.copy()
            flat.columns = [f"{a}|{b}" for a, b in frame.columns] if len(frame.columns) else []
            try:
                if args.csv:
                    flat.to_csv(args.csv, encoding="utf-8-sig")
                    print(f"wrote {len(flat)} rows to {args.csv}", file=sys.stderr)
                if args.xlsx:
                    import pandas as pd
                    with pd.ExcelWriter(args.xlsx, engine="openpyxl") as xw:
                        table = pd.DataFrame({i: [ind.format_cell(r.get(i)) for r in rows] for i in indicators},
                                             index=pd.Index([r[args.pivot] for r in rows], name=args.pivot))
                        table.to_excel(xw, sheet_name="table")
                        flat.to_excel(xw, sheet_name="pivot")
                        ind.targets_frame(recs).to_excel(xw, sheet_name="targets", index=False)
                    print(f"wrote {args.xlsx}", file=sys.stderr)
            except OSError as e:
                raise CliError(f"{args.csv or args.xlsx}: {e.strerror or e}") from None
        if args.plot:
            if not recs:
                raise CliError(f"--plot {args.plot}: no targets to plot")
            try:
                paths = ind.plot(recs, args.plot, args.pivot)
            except OSError as e:
                raise CliError(f"{args.plot}: {e.strerror or e}") from None
            print("wrote " + ", ".join(map(str, paths)), file=sys.stderr)
        if args.json:
            out.write(json.dumps({"indicator": args.indicator, "pivot": args.pivot, "indicators": indicators,
                                  "rows": rows, "targets": len(recs)}, ensure_ascii=False, default=str) + "\n")
        elif not (args.csv or args.xlsx or args.plot or args.propose_clusters):
            from rich.table import Table
            t = Table(title=f"{len(recs)} targets" + (f" for {args.indicator}" if args.indicator else ""))
            t.add_column(args.pivot, overflow="fold")
            for i in indicators:
                t.add_column(i, overflow="fold")
            for r in rows:
                t.add_row(r[args.pivot], *[ind.format_cell(r.get(i)) for i in indicators])
            _console(out).print(t)
    store.close()
    return 0


def _unit_interval(s: str) -> float:
    import argparse
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s}: not a number") from None
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError(f"{s}: must be between 0 and 1")
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
    c.add_argument("--limit", type=int, default=0, help="rows of the side-by-side table on the terminal (0 = all)")
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

    t = sub.add_parser("targets", help="targets across regions: a region × indicator table, CSV/XLSX, charts",
                       description="Targets whose indicator answers --indicator (synonyms and similar names "
                                   "included), one row per --pivot value and one column per indicator.")
    t.add_argument("--db", required=True)
    t.add_argument("--indicator", metavar="NAME", help="e.g. 毛入园率 (default: every indicator)")
    t.add_argument("--pivot", default="region", help="region (default), province, city, county, level, year, doc")
    t.add_argument("--filter", action="append", metavar="KEY=VALUE", help="document filters as for `zhengce docs`")
    t.add_argument("--json", action="store_true", help="print {indicator, pivot, indicators, rows} as JSON")
    t.add_argument("--csv", metavar="OUT", help="write the pivot table as CSV")
    t.add_argument("--xlsx", metavar="OUT", help="write the table, the pivot and the targets as XLSX sheets")
    t.add_argument("--plot", metavar="OUT", help="a chart per indicator: OUT.png (PNG per indicator) or OUT.html")
    t.add_argument("--propose-clusters", metavar="OUT.tsv",
                   help="write indicator-name clusters found in the store for review")
    t.set_defaults(func=cmd_targets)
