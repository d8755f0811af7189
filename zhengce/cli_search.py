"""``zhengce search``, ``zhengce similar``, ``zhengce reindex`` and ``zhengce serve``.

Registered by ``zhengce.cli.build_parser`` through ``register(sub)``.  Same conventions as the
other commands: with ``--json`` only JSON reaches stdout, failures are one ``zhengce: error: …``
line and exit 2 (``CliError``), heavy libraries load inside the command.
"""
from __future__ import annotations

import json
import sys

FILTER_HELP = ("KEY=VALUE, repeatable: region, province, city, county, level, year (2021, 2019-2022, 2020-), "
               "issuer, doc_type, kind (obligation,goal…), unit, indicator, has_target (true/false), doc_id")


def _backend(db: str, embed_model: str | None = None):
    from pathlib import Path

    from zhengce.cli_common import CliError
    from zhengce.pipeline.search import SearchError
    from zhengce.pipeline.store import StoreError
    if not db.startswith(("http://", "https://")) and not Path(db[len("sqlite:///"):] if db.startswith("sqlite:///") else db).exists():
        raise CliError(f"{db}: no such database")
    try:
        from zhengce.pipeline.search import open_search
        return open_search(db)
    except (StoreError, SearchError) as e:
        raise CliError(str(e)) from None


def cmd_search(args) -> int:
    from zhengce.cli_common import CliError, parse_filters, stdout_to_stderr
    from zhengce.pipeline.search import SearchError, SearchQuery
    from zhengce.pipeline.store import StoreError
    filters = parse_filters(args.filter)
    query = " ".join(args.query)     # words typed without quotes are one query, as if quoted together
    with stdout_to_stderr() as out:
        backend = _backend(args.db)
        try:
            res = backend.search(SearchQuery(query, args.mode, filters, args.limit, args.offset,
                                             not args.no_facets, args.embed_model))
        except (SearchError, StoreError) as e:
            raise CliError(str(e)) from None
        if args.json:
            out.write(json.dumps(res.as_dict(), ensure_ascii=False) + "\n")
        else:
            _print_hits(res, out, headline(res, args.offset, browse=not query.strip()), note=res.note())
            if res.facets and not args.no_facets:
                from zhengce.cli_common import cell, console
                con = console(out)
                for key, counts in res.facets.items():
                    if counts:
                        con.print(cell(f"  {key}: " + "  ".join(f"{k} {v}" for k, v in list(counts.items())[:8])))
    backend.close()
    return 0


def headline(res, offset: int = 0, browse: bool = False) -> str:
    """What the hits are, truthfully: keyword and hybrid count the sentences that match; semantic
    search ranks every sentence by similarity, so it has a rank range and no match count."""
    if browse:
        return f"{res.total} sentences pass the filters (no query words)"
    if res.mode == "semantic":
        if not res.hits:
            return "no sentences to rank (semantic)"
        return (f"sentences {offset + 1}–{offset + len(res.hits)} most similar in meaning "
                "(semantic: ranked by similarity, not counted)")
    if res.matched == "some":
        return f"{res.total} sentences hold some of the words ({res.mode})"
    if res.mode == "hybrid":
        return f"{res.total} sentences share words or meaning with the query (hybrid)"
    return f"{res.total} sentences match ({res.mode})"


# clause kinds that say nothing about a hit (the fallback kind): not printed
SILENT_KINDS = {"", "other", "其他"}


def _print_hits(res, out, title: str, note: str | None = None) -> None:
    """Each hit: the sentence (or list item) with the query's words in bold yellow and the clause
    that matched best underlined, under its document title (or file name) and section path."""
    import html
    import re

    from rich.markup import escape

    from zhengce.cli_common import cell, console
    c = console(out)
    c.print(f"[bold]{cell(title)}[/bold]")
    if note:
        c.print(f"[bold red]note:[/bold red] {cell(note)}")
    for i, h in enumerate(res.hits, 1):
        snippet = h.highlight
        plain = html.unescape(re.sub(r"</?mark>", "", snippet))
        if h.clause_text and len(getattr(h, "clause_ids", []) or []) > 1 and h.clause_text in plain:
            # underline the matching clause inside the sentence (marks may sit inside it)
            start = plain.index(h.clause_text)
            snippet = _underline(snippet, start, start + len(h.clause_text))
        # tags → private-use characters (kept by cell(), which escapes markup and control characters)
        snippet = cell(html.unescape(snippet.replace("<mark>", "\ue001").replace("</mark>", "\ue002")
                                     .replace("<u>", "\ue003").replace("</u>", "\ue004")))
        snippet = (snippet.replace("\ue001", "[bold yellow]").replace("\ue002", "[/bold yellow]")
                   .replace("\ue003", "[underline]").replace("\ue004", "[/underline]"))
        kind = "" if (h.kind or "") in SILENT_KINDS else f" {escape(h.kind)}"
        c.print(f"{i:>3}. [cyan]{h.doc_id}:{h.clause_id}[/cyan]{kind}  {h.score:.3f}  "
                f"[dim]{cell((h.title or h.source or '')[:60])}[/dim]")
        if h.heading:
            c.print(f"     [dim]§ {cell(h.heading[:100])}[/dim]")
        c.print(f"     {snippet}")


def _underline(snippet: str, start: int, end: int) -> str:
    """Wrap characters start..end of the snippet's visible text in <u>…</u>, closing and reopening
    around <mark> tags so the tags stay nested."""
    import re
    out, pos = [], 0
    for tok in re.findall(r"</?mark>|&[a-z]+;|.", snippet, flags=re.S):
        if tok in ("<mark>", "</mark>"):
            if start < pos < end:
                out.append("</u>" + tok + "<u>")
            else:
                out.append(tok)
            continue
        if pos == start:
            out.append("<u>")
        out.append(tok)
        pos += 1
        if pos == end:
            out.append("</u>")
    return "".join(out)


def cmd_similar(args) -> int:
    from zhengce.cli_common import CliError, parse_filters, stdout_to_stderr
    from zhengce.pipeline.search import SearchError
    from zhengce.pipeline.store import StoreError
    filters = parse_filters(args.filter)
    with stdout_to_stderr() as out:
        backend = _backend(args.db)
        try:
            res = backend.similar(args.clause, args.limit, filters, args.embed_model,
                                  other_documents=not args.same_document)
        except (SearchError, StoreError) as e:
            raise CliError(str(e)) from None
        if args.json:
            out.write(json.dumps(res.as_dict(), ensure_ascii=False) + "\n")
        else:
            _print_hits(res, out, f"clauses like {args.clause}")
    backend.close()
    return 0


def cmd_reindex(args) -> int:
    from zhengce.cli_common import CliError, stdout_to_stderr
    from zhengce.pipeline.search import SearchError
    from zhengce.pipeline.store import StoreError
    with stdout_to_stderr() as out:
        try:
            from zhengce.pipeline.search import open_search
            backend = open_search(args.db, sync=False) if not args.db.startswith("http") else open_search(args.db)
            report = backend.reindex(args.embed_model)
        except (SearchError, StoreError) as e:
            raise CliError(str(e)) from None
        if args.json:
            out.write(json.dumps(report, ensure_ascii=False) + "\n")
        else:
            print(f"indexed {report['clauses']} clauses of {report['documents']} documents; "
                  f"{report['embedded']} embedded with {report['model']}", file=out)
    backend.close()
    return 0


def cmd_serve(args) -> int:
    from zhengce.cli_common import CliError
    from zhengce.pipeline.search import SearchError
    from zhengce.pipeline.store import StoreError
    try:
        import uvicorn
    except ImportError:
        raise CliError("serve: uvicorn is not installed (pip install uvicorn fastapi)") from None
    from zhengce.search_api.guard import allowed_hosts_from_env
    hosts = [h.strip().lower() for h in args.allowed_host or [] if h.strip()]
    allowed = hosts + allowed_hosts_from_env() if hosts else None    # None: the Guard reads the variable
    try:
        from zhengce.search_api.app import create_app
        from zhengce.search_api.rest import PREFIX
        app = create_app(args.db, embed_model=args.embed_model, allowed_hosts=allowed)
    except (SearchError, StoreError) as e:
        raise CliError(str(e)) from None
    print(f"zhengce: serving {args.db} on http://{args.host}:{args.port}/ (REST API under {PREFIX}, "
          f"docs at {PREFIX}/docs)", file=sys.stderr)
    if hosts:
        print("zhengce: requests accepted for Host " + ", ".join(hosts), file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    except OSError as e:
        raise CliError(f"serve: cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    return 0


def _limit(value: str) -> int:
    from zhengce.cli_common import CliError
    try:
        n = int(value)
    except ValueError:
        raise CliError(f"--limit/--offset {value}: expected a whole number") from None
    if n < 0:
        raise CliError(f"--limit/--offset {value}: must not be negative")
    return n


def register(sub) -> None:
    s = sub.add_parser("search", help="search clauses (keyword, semantic, hybrid) with filters and facets",
                       description="Search the sentences of a store (each hit a whole sentence or list item, "
                                   "the matching clause marked). The words of QUERY, quoted or not, are one "
                                   "query (zhengce search 国内生产总值 增长 is zhengce search \"国内生产总值 增长\"). "
                                   "keyword: a sentence must hold every word (or a synonym of it); when none "
                                   "does, the sentences holding some of the words are returned and a note says "
                                   "so. semantic: every sentence is ranked by similarity in meaning to the whole "
                                   "query, so there is no match count. hybrid: both lists fused. Question and "
                                   "filler words (怎么, 如何, 哪些 …) are left out, policy synonyms searched after "
                                   "the words as typed. A phrase in quotes (“营商环境”, or '\"营商 环境\"' past the "
                                   "shell) must occur literally; no other query syntax.")
    s.add_argument("query", metavar="QUERY", nargs="*", default=[],
                   help="words or \"phrases\" (none: browse by --filter)")
    s.add_argument("--db", required=True)
    s.add_argument("--mode", choices=["keyword", "semantic", "hybrid"], default="keyword")
    s.add_argument("--filter", action="append", metavar="KEY=VALUE", help=FILTER_HELP)
    s.add_argument("--limit", type=_limit, default=10, help="hits per page (default 10, at most 200)")
    s.add_argument("--offset", type=_limit, default=0, help="hits to skip (pagination)")
    s.add_argument("--embed-model", metavar="MODEL", help="e5 (default when the embed-zh extra is installed), tfidf "
                                                          "(default otherwise) or a sentence-transformers model "
                                                          "name/path (env ZHENGCE_EMBED_MODEL)")
    s.add_argument("--no-facets", action="store_true", help="skip facet counts (faster)")
    s.add_argument("--json", action="store_true", help="print {total, hits, facets, matched, query} as JSON")
    s.set_defaults(func=cmd_search)

    m = sub.add_parser("similar", help="clauses nearest to a stored clause, in other documents")
    m.add_argument("clause", metavar="CLAUSE_ID", help="DOCID:cN or DOCID#cN (DOCID may be a unique prefix)")
    m.add_argument("--db", required=True)
    m.add_argument("--filter", action="append", metavar="KEY=VALUE", help=FILTER_HELP)
    m.add_argument("--limit", type=_limit, default=10)
    m.add_argument("--embed-model", metavar="MODEL")
    m.add_argument("--same-document", action="store_true", help="also return clauses of the clause's own document")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_similar)

    r = sub.add_parser("reindex", help="rebuild the search index and embeddings of a store")
    r.add_argument("--db", required=True)
    r.add_argument("--embed-model", metavar="MODEL", help="also embed with this model (default tfidf)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_reindex)

    v = sub.add_parser("serve", help="the web UI at / and the read-only REST API under /api/v1 (docs at /api/v1/docs)",
                       description="Serve one store: the web UI at /, the read-only REST API under /api/v1 "
                                   "(OpenAPI docs at /api/v1/docs).  Bound beyond loopback, only requests whose "
                                   "Host is the bound address or a name given with --allowed-host are answered.")
    v.add_argument("--db", required=True)
    v.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    v.add_argument("--port", type=int, default=8000)
    v.add_argument("--embed-model", metavar="MODEL")
    v.add_argument("--allowed-host", action="append", metavar="HOST",
                   help="a Host name this server is reached by when bound beyond loopback (repeatable; adds to "
                        "ZHENGCE_ALLOWED_HOSTS; '*' accepts any); without it only the bound address itself")
    v.set_defaults(func=cmd_serve)
