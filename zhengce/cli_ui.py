"""``zhengce cite``: a reference to a stored clause (or document) to paste into a paper.

Registered by ``zhengce.cli.build_parser`` through ``register(sub)``.  Same conventions as the
other commands: with ``--json`` only JSON reaches stdout; failures are one ``zhengce: error: …``
line and exit 2.
"""
from __future__ import annotations

import json


def cmd_cite(args) -> int:
    from zhengce.cli_common import CliError, open_db
    from zhengce.pipeline.cite import CiteError, reference, section_path, split_ref, find_clause
    try:
        doc_ref, clause_id = split_ref(args.clause)
    except CiteError as e:
        raise CliError(str(e)) from None
    store = open_db(args.db)
    try:
        try:
            doc_id = store.resolve(doc_ref)
        except ValueError:
            doc_id = None
        if not doc_id:
            raise CliError(f"{doc_ref}: no such document in the store (give a doc_id, its prefix or a source path)")
        rec = store.get(doc_id)
        try:
            text = reference(rec, clause_id, args.style, accessed=args.accessed, sources=store.sources(doc_id))
            path = section_path(rec, find_clause(rec, clause_id).get("section_id")) if clause_id else ""
        except CiteError as e:
            raise CliError(str(e)) from None
    finally:
        store.close()
    if args.json:
        print(json.dumps({"doc_id": doc_id, "clause_id": clause_id, "section_path": path, "style": args.style,
                          "reference": text}, ensure_ascii=False))
    else:
        print(text)
    return 0


def register(sub) -> None:
    c = sub.add_parser("cite", help="a reference (GB/T 7714 or BibTeX) to a stored clause or document",
                       description="Print a reference to paste into a paper: the document in GB/T 7714 (or "
                                   "BibTeX) located by the clause's section path, e.g. 三、（二）4.")
    c.add_argument("clause", metavar="CLAUSE_ID", help="DOCID:cN or DOCID#cN (DOCID may be a unique prefix); "
                                                       "a bare DOCID cites the whole document")
    c.add_argument("--db", required=True)
    c.add_argument("--style", choices=["gbt7714", "bibtex"], default="gbt7714")
    c.add_argument("--accessed", metavar="YYYY-MM-DD", help="引用日期 for online sources (default today)")
    c.add_argument("--json", action="store_true", help="print {doc_id, clause_id, section_path, style, reference}")
    c.set_defaults(func=cmd_cite)
