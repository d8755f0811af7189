"""``zhengce report``: corpus health of a folder or a store, without gold (pipeline/health.py).

Registered by ``zhengce.cli.build_parser`` through ``register(sub)``.  With ``--json`` only JSON
reaches stdout; ``--markdown`` prints the tables kept in docs/health.md.
"""
from __future__ import annotations

import json


def _folder_records(paths: list[str], failures: list[dict]):
    from zhengce.cli_common import failed_file, iter_inputs
    from zhengce.pipeline.document import extract_all
    for f in iter_inputs(paths, failures):
        try:
            docs = extract_all(f)
        except Exception as e:  # noqa: BLE001 - one broken document is a line of the report, not an abort
            failures.append({"path": str(f), "error": failed_file(f, e)})
            continue
        for d in docs:
            yield d.record()


def cmd_report(args) -> int:
    from zhengce.cli_common import CliError, open_db, stdout_to_stderr
    from zhengce.pipeline.health import health, markdown
    if bool(args.paths) == bool(args.db):
        raise CliError("report: give FOLDER/FILE arguments or --db DB (one of the two)")
    failures: list[dict] = []
    with stdout_to_stderr() as out:
        if args.db:
            store = open_db(args.db)
            try:
                rep = health(store.records(), failures, worst=args.worst)
            finally:
                store.close()
            name = args.db
        else:
            rep = health(_folder_records(args.paths, failures), failures, worst=args.worst)
            name = " ".join(args.paths)
        if args.json:
            out.write(json.dumps(rep, ensure_ascii=False) + "\n")
        elif args.markdown:
            out.write(markdown(rep, name))
        else:
            _print(rep, name, out)
    return 0


def _print(rep: dict, name: str, out) -> None:
    from rich.table import Table

    from zhengce.cli_common import cell, console, shown
    from zhengce.pipeline.health import METADATA_FIELDS
    con = console(out)
    m, t, c, r = rep["metadata"], rep["targets"], rep["clauses"], rep["responsibilities"]
    con.print(f"[bold]{cell(name)}[/bold]: {rep['documents']} documents, {rep['load_failures']} load failures")
    meta = Table(title="documents with …")
    for f in (*METADATA_FIELDS, "title+type+date+level"):
        meta.add_column(f)
    meta.add_row(*(f"{m[f]:.1%}" for f in METADATA_FIELDS), f"{rep['all_four']:.1%}")
    con.print(meta)
    con.print(f"targets {t['total']} ({t['per_document']}/doc): not Chinese text {t['not_text']}, "
              f"with deadline {t['with_deadline']:.1%}, with indicator {t['with_indicator']:.1%}, "
              f"malformed indicator {t['indicator_malformed']}")
    con.print(f"clauses {c['total']}: " + ", ".join(f"{k} {v:.1%}" for k, v in c["kinds"].items()))
    con.print(f"responsibilities {r['total']} ({r['per_document']}/doc; "
              f"{r['documents_with_any']:.0%} of documents have any)")
    by = Table(title="by doc_type")
    for col in ("doc_type", "docs", "all four", "other", "targets", "resp/doc"):
        by.add_column(col)
    for row in rep["by_doc_type"]:
        by.add_row(row["doc_type"], str(row["documents"]), f"{row['all_four']:.0%}", f"{row['clauses_other']:.0%}",
                   str(row["targets"]), str(row["responsibilities_per_document"]))
    con.print(by)
    if rep["worst"]:
        w = Table(title="worst documents (read these beside their sources)")
        for col in ("doc_id", "title / source", "doc_type", "problems"):
            w.add_column(col, overflow="fold")
        for d in rep["worst"]:
            w.add_row(d["doc_id"][:8], cell((d["title"] or d["source"].rsplit("/", 1)[-1])[:40]), cell(d["doc_type"]),
                      cell("; ".join(d["problems"])))
        con.print(w)
    for f in rep["failures"]:
        con.print(cell(f"load failure: {shown(f['path'])}: {f['error']}"))


def register(sub) -> None:
    r = sub.add_parser("report", help="corpus health of a folder or store: metadata, targets, clause kinds, worst documents",
                       description="Measure records without gold: the share of documents with title, doc_type, "
                                   "date, level, issuer and region; targets without indicator or deadline and "
                                   "targets whose evidence is not Chinese text; the clause-kind mix; "
                                   "responsibilities per document; load failures; and the worst documents.")
    r.add_argument("paths", nargs="*", metavar="FOLDER", help="files or folders to extract and measure")
    r.add_argument("--db", help="measure a store instead of extracting files")
    r.add_argument("--worst", type=int, default=15, help="how many worst documents to list (default 15)")
    r.add_argument("--json", action="store_true", help="print the report as JSON")
    r.add_argument("--markdown", action="store_true", help="print the report as Markdown tables")
    r.set_defaults(func=cmd_report)
