"""Keyword search on SQLite FTS5: the tables, their maintenance, and the query.

Tables (all prefixed ``search_``, created next to the store's own tables, never touching them):

* ``search_clauses`` – one row per clause with a stable integer ``rid``, its heading chain, kind,
  ``text_hash`` (the key of the embedding cache) and ``has_target``;
* ``search_units`` / ``search_indicators`` – the responsible units and target indicators of each
  clause (the ``unit`` / ``indicator`` filters and facets);
* ``search_fts`` – FTS5 over jieba search-mode tokens (columns body, heading), BM25 ranked;
* ``search_tri`` – FTS5 ``trigram`` over the folded clause text: the fallback that finds
  out-of-vocabulary names and partial words (``城市体``) that segmentation misses;
* ``search_docs`` – which version (``ingested_at``) of each document is indexed, so ``sync``
  re-indexes exactly what changed whoever wrote the store;
* ``search_meta`` – ``generation``, bumped on every change (semantic models use it).

A query's items are ANDed.  A term matches a clause when each of its jieba words occurs (as a
word, or as all the dictionary words inside it); a quoted phrase must also occur literally.
Clauses found only by the substring fallback rank after every word match.
"""
from __future__ import annotations

import hashlib
import json
import time
from typing import Any, Iterable

from .base import FACET_KEYS, Hit, SearchError, truthy, year_range
from .text import ParsedQuery, content_words, fold, fts_quote, highlight, parse_query, segmented, sub_tokens, words
from ..store.sqlite import immediate

SEARCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS search_docs (doc_id TEXT PRIMARY KEY, ingested_at REAL, title TEXT);
CREATE TABLE IF NOT EXISTS search_clauses (
  rid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, clause_id TEXT NOT NULL, section_id TEXT, kind TEXT,
  heading TEXT, text TEXT, text_hash TEXT, has_target INTEGER, ord INTEGER
);
CREATE INDEX IF NOT EXISTS ix_sc_doc ON search_clauses(doc_id, clause_id);
CREATE INDEX IF NOT EXISTS ix_sc_hash ON search_clauses(text_hash);
CREATE INDEX IF NOT EXISTS ix_sc_kind ON search_clauses(kind);
CREATE TABLE IF NOT EXISTS search_units (rid INTEGER, unit TEXT);
CREATE INDEX IF NOT EXISTS ix_su_rid ON search_units(rid);
CREATE INDEX IF NOT EXISTS ix_su_unit ON search_units(unit);
CREATE TABLE IF NOT EXISTS search_indicators (rid INTEGER, indicator TEXT);
CREATE INDEX IF NOT EXISTS ix_si_rid ON search_indicators(rid);
CREATE INDEX IF NOT EXISTS ix_si_ind ON search_indicators(indicator);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(body, heading, tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS search_tri USING fts5(body, tokenize='trigram');
CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS search_vectors (model TEXT, text_hash TEXT, vec BLOB, PRIMARY KEY (model, text_hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_models (name TEXT PRIMARY KEY, meta TEXT, blob BLOB)
"""

W_BODY, W_HEADING = 1.0, 2.0      # BM25 column weights: a heading match counts double
TITLE_BOOST = 0.5                  # score × (1 + 0.5 × items found in the document title)
FACET_TOP = 20


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def ensure_schema(db) -> None:
    from .text import segmentation_id
    for stmt in SEARCH_SCHEMA.strip().split(";"):
        if stmt.strip():
            db.execute(stmt)
    db.execute("INSERT OR IGNORE INTO search_meta VALUES ('segmentation', ?)", (segmentation_id(),))


def has_schema(db) -> bool:
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name='search_clauses'").fetchone())


def generation(db) -> int:
    row = db.execute("SELECT value FROM search_meta WHERE key='generation'").fetchone()
    return int(row[0]) if row else 0


def bump_generation(db) -> None:
    db.execute("INSERT INTO search_meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE "
               "SET value = CAST(value AS INTEGER) + 1")


# --- maintenance ----------------------------------------------------------------------------

def clause_rows(rec: dict) -> Iterable[dict]:
    """What the index keeps of each clause of a record."""
    sections = {s["id"]: s for s in rec.get("sections", [])}
    target_clauses: dict[str, list[str]] = {}
    for t in rec.get("targets", []):
        if t.get("clause_id"):
            target_clauses.setdefault(t["clause_id"], [])
            if t.get("indicator"):
                target_clauses[t["clause_id"]].append(t["indicator"])
    units_by_clause: dict[str, set[str]] = {}
    units_by_section: dict[str, set[str]] = {}
    for r in rec.get("responsibilities", []):
        if r.get("clause_ids"):
            for cid in r["clause_ids"]:
                units_by_clause.setdefault(cid, set()).add(r["unit"])
        elif r.get("section_id"):
            units_by_section.setdefault(r["section_id"], set()).add(r["unit"])
    for i, c in enumerate(rec.get("clauses", [])):
        chain, sid, seen = [], c.get("section_id"), set()
        while sid and sid in sections and sid not in seen:
            seen.add(sid)
            if sections[sid].get("heading"):
                chain.append(sections[sid]["heading"])
            sid = sections[sid].get("parent")
        units = set(units_by_clause.get(c["id"], ())) | set(units_by_section.get(c.get("section_id") or "", ()))
        units |= set(c.get("actors") or [])
        yield {"clause_id": c["id"], "section_id": c.get("section_id"), "kind": c.get("kind") or "other",
               "heading": " / ".join(reversed(chain)), "text": c["text"], "text_hash": text_hash(c["text"]),
               "has_target": int(c["id"] in target_clauses), "ord": i,
               "units": sorted(units), "indicators": sorted(set(target_clauses.get(c["id"], [])))}


def index_record(db, rec: dict, ingested_at: float | None = None) -> int:
    """Add one record's clauses (call inside the writer's transaction).  Returns clauses indexed."""
    doc_id = rec["doc_id"]
    delete_doc(db, doc_id, bump=False)
    title = (rec.get("metadata") or {}).get("title")
    db.execute("INSERT OR REPLACE INTO search_docs VALUES (?,?,?)", (doc_id, ingested_at, fold(title or "")))
    n = 0
    heading_tokens: dict[str, str] = {}
    for row in clause_rows(rec):
        cur = db.execute("INSERT INTO search_clauses (doc_id, clause_id, section_id, kind, heading, text, text_hash, "
                         "has_target, ord) VALUES (?,?,?,?,?,?,?,?,?)",
                         (doc_id, row["clause_id"], row["section_id"], row["kind"], row["heading"], row["text"],
                          row["text_hash"], row["has_target"], row["ord"]))
        rid = cur.lastrowid
        if row["heading"] not in heading_tokens:
            heading_tokens[row["heading"]] = segmented(row["heading"])
        db.execute("INSERT INTO search_fts (rowid, body, heading) VALUES (?,?,?)",
                   (rid, segmented(row["text"]), heading_tokens[row["heading"]]))
        db.execute("INSERT INTO search_tri (rowid, body) VALUES (?,?)", (rid, fold(row["text"])))
        db.executemany("INSERT INTO search_units VALUES (?,?)", [(rid, u) for u in row["units"]])
        db.executemany("INSERT INTO search_indicators VALUES (?,?)", [(rid, x) for x in row["indicators"]])
        n += 1
    bump_generation(db)
    return n


def delete_doc(db, doc_id: str, bump: bool = True) -> None:
    rids = [r[0] for r in db.execute("SELECT rid FROM search_clauses WHERE doc_id=?", (doc_id,))]
    if rids:
        for chunk in range(0, len(rids), 500):
            part = rids[chunk:chunk + 500]
            marks = ",".join("?" * len(part))
            for t, col in (("search_fts", "rowid"), ("search_tri", "rowid"), ("search_units", "rid"),
                           ("search_indicators", "rid"), ("search_clauses", "rid")):
                db.execute(f"DELETE FROM {t} WHERE {col} IN ({marks})", part)
    db.execute("DELETE FROM search_docs WHERE doc_id=?", (doc_id,))
    if bump and rids:
        bump_generation(db)


def stale(db) -> tuple[list[str], list[str]]:
    """(doc_ids to drop from the index, doc_ids to (re)index) to match the store's documents."""
    indexed = dict(db.execute("SELECT doc_id, ingested_at FROM search_docs").fetchall())
    current = dict(db.execute("SELECT doc_id, ingested_at FROM documents").fetchall())
    drop = [d for d, t in indexed.items() if d not in current or current[d] != t]
    add = [d for d, t in current.items() if d not in indexed or indexed[d] != t]
    return drop, add


def sync(db, get_record, progress=None) -> int:
    """Re-index what changed in the store since the last sync (one transaction)."""
    drop, add = stale(db)
    if not drop and not add:
        return 0
    with immediate(db):
        for d in drop:
            delete_doc(db, d)
        times = dict(db.execute("SELECT doc_id, ingested_at FROM documents").fetchall())
        for i, d in enumerate(add):
            rec = get_record(d)
            if rec:
                index_record(db, rec, times.get(d))
            if progress:
                progress(i + 1, len(add))
    return len(add)


# --- filters --------------------------------------------------------------------------------

CLAUSE_LEVEL = ("kind", "unit", "indicator", "has_target")


def filter_sql(store, filters: dict[str, Any]) -> tuple[str, list]:
    """SQL conditions on ``sc`` (search_clauses) and ``d`` (documents) for every filter key."""
    doc_filters = {k: v for k, v in filters.items() if k not in CLAUSE_LEVEL}
    if "year" in doc_filters:
        lo, hi = year_range(doc_filters.pop("year"))
        doc_filters["year_from"], doc_filters["year_to"] = max(lo, int(doc_filters.get("year_from") or 0)), \
            min(hi, int(doc_filters.get("year_to") or 9999))
    where, args = store.doc_where(doc_filters, "d")
    conds, args = [where], list(args)
    if filters.get("kind"):
        kinds = [k.strip() for k in str(filters["kind"]).split(",") if k.strip()]
        conds.append(f"sc.kind IN ({','.join('?' * len(kinds))})")
        args += kinds
    if filters.get("unit"):
        conds.append("sc.rid IN (SELECT rid FROM search_units WHERE unit LIKE ? ESCAPE '\\')")
        args.append(f"%{_like(filters['unit'])}%")
    if filters.get("indicator"):
        conds.append("sc.rid IN (SELECT rid FROM search_indicators WHERE indicator LIKE ? ESCAPE '\\')")
        args.append(f"%{_like(filters['indicator'])}%")
    if "has_target" in filters:
        conds.append("sc.has_target = ?")
        args.append(int(truthy(filters["has_target"])))
    return " AND ".join(conds), args


def _like(s: Any) -> str:
    return str(s).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- the query ------------------------------------------------------------------------------

def word_expr(w: str) -> str:
    subs = sub_tokens(w)
    if not subs:
        return fts_quote(w)
    return "(" + fts_quote(w) + " OR (" + " AND ".join(fts_quote(s) for s in subs) + "))"


def match_expressions(pq: ParsedQuery, relaxed: bool = False) -> tuple[str | None, str | None, list[str], list[str]]:
    """(jieba MATCH or None, trigram MATCH or None, phrases a word hit must contain literally,
    items too short for trigrams that a substring hit must contain).  ``relaxed``: any word of the
    unquoted terms instead of all (the fallback when nothing matches them all)."""
    if relaxed:
        ws = [w for it in pq.items if not it.phrase for w in content_words(it.text)]
        ors = " OR ".join(word_expr(w) for w in dict.fromkeys(ws))
        phrases = [it.text for it in pq.items if it.phrase]
        ph = [("(" + " AND ".join(word_expr(w) for w in words(p)) + ")") for p in phrases if words(p)]
        expr = " AND ".join(ph + ([f"({ors})"] if ors else []))
        return ("{body heading} : (" + expr + ")" if expr else None), None, phrases, []
    parts, tri_parts, literal, short = [], [], [], []
    for it in pq.items:
        ws = content_words(it.text)
        if ws:
            parts.append("(" + " AND ".join(word_expr(w) for w in ws) + ")")
        if it.phrase:
            literal.append(it.text)
        if len(it.text) >= 3:
            tri_parts.append(fts_quote(it.text))
        else:
            short.append(it.text)
    kw = "{body heading} : (" + " AND ".join(parts) + ")" if parts and len(parts) == len(pq.items) else None
    tri = " AND ".join(tri_parts) if tri_parts else None
    return kw, tri, literal, short


class KeywordIndex:
    """Keyword search over one SQLite store's search tables."""

    def __init__(self, store, relax: bool = True):
        self.store = store
        self.db = store.db
        self.relax = relax

    def _candidates(self, pq: ParsedQuery, filters: dict, force_scan: bool = False,
                    relaxed: bool = False) -> tuple[str, list, bool]:
        """SQL selecting (rid, score, tier) of every clause matching query and filters, best first."""
        where, fargs = filter_sql(self.store, filters)
        if pq.empty:
            return (f"SELECT sc.rid AS rid, 0.0 AS score, 0 AS tier, sc.doc_id AS doc_id FROM search_clauses sc "
                    f"JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}"), fargs, False
        kw, tri, literal, short = match_expressions(pq, relaxed)
        tier0 = 2 if relaxed else 0
        title_items = [it.text for it in pq.items]
        boost = " + ".join(["0"] + ["(instr(sd.title, ?) > 0)"] * len(title_items))
        selects, args = [], []
        if kw:
            lit = "".join(" AND instr(lower(sc.text) || ' ' || lower(sc.heading), ?) > 0" for _ in literal)
            selects.append(
                f"SELECT sc.rid AS rid, -bm25(search_fts, {W_BODY}, {W_HEADING}) * (1 + {TITLE_BOOST} * ({boost})) "
                f"AS score, {tier0} AS tier, sc.doc_id AS doc_id FROM search_fts JOIN search_clauses sc ON sc.rid = search_fts.rowid "
                f"JOIN documents d ON d.doc_id = sc.doc_id JOIN search_docs sd ON sd.doc_id = sc.doc_id "
                f"WHERE search_fts MATCH ? AND {where}{lit}")
            args += title_items + [kw] + fargs + literal
        shorts = "".join(" AND instr(lower(sc.text), ?) > 0" for _ in short)
        if tri:
            not_kw = " AND search_tri.rowid NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)" if kw else ""
            selects.append(
                f"SELECT sc.rid AS rid, -bm25(search_tri) AS score, 1 AS tier, sc.doc_id AS doc_id FROM search_tri "
                f"JOIN search_clauses sc ON sc.rid = search_tri.rowid JOIN documents d ON d.doc_id = sc.doc_id "
                f"WHERE search_tri MATCH ? AND {where}{shorts}{not_kw}")
            args += [tri] + fargs + short + ([kw] if kw else [])
        if relaxed:
            return " UNION ALL ".join(selects) if selects else "SELECT NULL AS rid, 0 AS score, 2 AS tier, NULL AS doc_id WHERE 0", \
                args, False
        scan = not selects or force_scan
        if scan:
            selects, args = [], []  # only short items that segmentation did not resolve: a plain substring scan
            selects.append(f"SELECT sc.rid AS rid, 0.0 AS score, 1 AS tier, sc.doc_id AS doc_id FROM search_clauses sc "
                           f"JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}{shorts}")
            args += fargs + short
        return " UNION ALL ".join(selects), args, scan

    def search(self, pq: ParsedQuery | str, filters: dict, limit: int, offset: int, facets: bool,
               pool: int | None = None) -> tuple[int, list[tuple[int, float, int]], dict]:
        """(total, [(rid, score, tier)] of the page, facets).  ``pool`` instead of limit/offset returns
        the top ``pool`` candidates (for fusion)."""
        if isinstance(pq, str):
            pq = parse_query(pq)
        sql, args, scan = self._candidates(pq, filters)
        order = "tier, score DESC, doc_id, rid" if not pq.empty else "doc_id, rid"
        db = self.db
        _, tri, _, short = match_expressions(pq) if not pq.empty else (None, None, [], [])
        if not scan and not tri and short and not db.execute(f"SELECT 1 FROM ({sql}) LIMIT 1", args).fetchone():
            # short partial words (入园 inside 入园率) that neither words nor trigrams can find
            sql, args, scan = self._candidates(pq, filters, force_scan=True)
        if self.relax and not pq.empty and not db.execute(f"SELECT 1 FROM ({sql}) LIMIT 1", args).fetchone():
            # nothing has every word: rank clauses with some of them (BM25 favours those with more)
            sql, args, scan = self._candidates(pq, filters, relaxed=True)
        if not facets:  # one pass: the window count rides along with the page
            n, off = (pool, 0) if pool is not None else (limit, offset)
            rows = db.execute(f"SELECT rid, score, tier, COUNT(*) OVER () FROM ({sql}) ORDER BY {order} LIMIT ? OFFSET ?",
                              args + [max(n, 1), off]).fetchall()
            total = rows[0][3] if rows else (db.execute(f"SELECT COUNT(*) FROM ({sql})", args).fetchone()[0] if off else 0)
            return total, [tuple(r[:3]) for r in rows][:n], {}
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _search_m (rid INTEGER PRIMARY KEY, score REAL, tier INTEGER, "
                   "doc_id TEXT, pos INTEGER)")
        db.execute("DELETE FROM _search_m")
        db.execute(f"INSERT OR IGNORE INTO _search_m SELECT rid, score, tier, doc_id, ROW_NUMBER() OVER (ORDER BY {order}) "
                   f"FROM ({sql})", args)
        total = db.execute("SELECT COUNT(*) FROM _search_m").fetchone()[0]
        n, off = (pool, 0) if pool is not None else (limit, offset)
        rows = db.execute("SELECT rid, score, tier FROM _search_m ORDER BY pos LIMIT ? OFFSET ?", (n, off)).fetchall()
        f = facet_counts(db, "_search_m")
        return total, [tuple(r) for r in rows], f

    def some_words(self, pq: ParsedQuery, filters: dict, pool: int) -> list[tuple[int, float, int]]:
        """The top ``pool`` clauses holding any of the query's words, by BM25 (for fusion: it finds
        the paraphrases that share only some words with the query)."""
        if pq.empty:
            return []
        sql, args, _ = self._candidates(pq, filters, relaxed=True)
        return [tuple(r) for r in self.db.execute(
            f"SELECT rid, score, tier FROM ({sql}) ORDER BY score DESC, doc_id, rid LIMIT ?", args + [pool])]

    def hits(self, ranked: list[tuple[int, float, int]], pq: ParsedQuery | None) -> list[Hit]:
        """Hit objects for (rid, score, tier) rows, in that order."""
        if not ranked:
            return []
        rids = [r[0] for r in ranked]
        rows = {r["rid"]: r for r in self.db.execute(
            f"SELECT sc.*, d.title AS doc_title, (SELECT MIN(source) FROM sources s WHERE s.doc_id = sc.doc_id) AS source "
            f"FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE sc.rid IN ({','.join('?' * len(rids))})",
            rids)}
        literals = pq.literals if pq else []
        out = []
        for rid, score, tier in ranked:
            r = rows.get(rid)
            if r is None:
                continue
            out.append(Hit(doc_id=r["doc_id"], source=r["source"], title=r["doc_title"], clause_id=r["clause_id"],
                           section_id=r["section_id"], kind=r["kind"], text=r["text"], score=round(float(score), 6),
                           highlight=highlight(r["text"], literals), heading=r["heading"] or None,
                           matched_by=None if pq is None or pq.empty else
                           {0: "words", 1: "substring", 2: "some words"}.get(tier)))
        return out


def facet_counts(db, rid_table: str | None = None, where: str = "1=1", args: list | None = None) -> dict:
    """Counts per value of each facet over the clauses in ``rid_table`` (or all clauses matching where)."""
    args = args or []
    if rid_table:
        base = f"FROM {rid_table} m JOIN search_clauses sc ON sc.rid = m.rid JOIN documents d ON d.doc_id = sc.doc_id"
    else:
        base = f"FROM search_clauses sc JOIN documents d ON d.doc_id = sc.doc_id WHERE {where}"
        base = f"FROM (SELECT sc.rid AS rid {base}) m JOIN search_clauses sc ON sc.rid = m.rid JOIN documents d ON d.doc_id = sc.doc_id"
    exprs = {"province": "d.province", "level": "d.level", "year": "d.year", "doc_type": "d.doc_type",
             "issuer": "d.issuer", "kind": "sc.kind",
             "has_target": "CASE sc.has_target WHEN 1 THEN 'true' ELSE 'false' END"}
    out: dict[str, dict[str, int]] = {}
    for key in FACET_KEYS:
        if key in exprs:
            sql = (f"SELECT {exprs[key]} AS v, COUNT(*) AS n {base} WHERE {exprs[key]} IS NOT NULL "
                   f"GROUP BY v ORDER BY n DESC, v LIMIT {FACET_TOP}")
        else:
            table, col = {"unit": ("search_units", "unit"), "indicator": ("search_indicators", "indicator")}[key]
            sql = (f"SELECT x.{col} AS v, COUNT(DISTINCT m.rid) AS n {base} JOIN {table} x ON x.rid = m.rid "
                   f"GROUP BY v ORDER BY n DESC, v LIMIT {FACET_TOP}")
        out[key] = {str(r[0]): r[1] for r in db.execute(sql, args)}
    return out


def now() -> float:
    return time.time()


def dumps(x) -> str:
    return json.dumps(x, ensure_ascii=False)
