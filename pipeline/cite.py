"""References researchers can paste into a paper: GB/T 7714-2015 or BibTeX for a stored
document, located to a clause by its section path (``三、（二）4.``).

    reference(record, "c17")                 -> "随州市人民政府. 市人民政府关于…的意见: 随政发〔2021〕9号[Z]. 2021-06-25: 三、（二）4."
    reference(record, "c17", style="bibtex") -> "@misc{…}"
    section_path(record, "s7")               -> "三、（二）4."

GB/T 7714 form used here: ``责任者. 题名: 文号[Z]. 日期: 位置.`` for a document known from a
file (文献类型 ``Z``, 其他), and ``责任者. 题名: 文号[EB/OL]. (日期)[引用日期]: 位置. URL.`` for
one fetched from the web.  At most three issuers are named, then ``等``.  The locator is the
section path of the clause (numbers of its section and the sections above it); a clause
outside any section has none.

A document without a title is never cited by its doc_id: ``title_of`` supplies a description in
square brackets (GB/T 7714's mark for a title supplied by the cataloguer) from what the record
has, best first: issuer + doc_type + date (``[随州市人民政府意见, 2021-06-25]``), the opening
sentence of the text, the file name.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Optional

STYLES = ("gbt7714", "bibtex")


class CiteError(ValueError):
    """A clause or style that cannot be cited: one-line reason."""


def section_chain(record: dict, section_id: Optional[str]) -> list[dict]:
    """The sections from the top level down to ``section_id``."""
    by_id = {s["id"]: s for s in record.get("sections") or []}
    chain, seen = [], set()
    sid = section_id
    while sid and sid in by_id and sid not in seen:
        seen.add(sid)
        chain.append(by_id[sid])
        sid = by_id[sid].get("parent")
    return chain[::-1]


def section_path(record: dict, section_id: Optional[str]) -> str:
    """``三、（二）4.``: the numbers of a section and its ancestors, top first."""
    parts = []
    for s in section_chain(record, section_id):
        n = (s.get("number") or "").strip()
        if not n:
            n = (s.get("heading") or "").strip()[:12]
        if n:
            parts.append(n)
    return "".join(parts)


def find_clause(record: dict, clause_id: str) -> dict:
    for c in record.get("clauses") or []:
        if c.get("id") == clause_id:
            return c
    raise CiteError(f"document {record.get('doc_id')} has no clause {clause_id}")


_SENTENCE_END = re.compile(r"[。！？；\n]")
DESCRIPTION_CHARS = 30


def title_of(record: dict) -> str:
    """The title to cite: the document's own, else a description in ``[…]`` (see the module doc)."""
    m = record.get("metadata") or {}
    if m.get("title") or m.get("notice_title"):
        return m.get("title") or m["notice_title"]
    issuers = [i for i in (m.get("issuers") or []) if i]
    date = m.get("signed_date") or m.get("published_date") or ""
    if m.get("doc_type"):
        return "[" + (issuers[0] if issuers else "") + m["doc_type"] + (f", {date}" if date else "") + "]"
    opening = _SENTENCE_END.split((record.get("text") or "").strip(), 1)[0].strip()
    if opening:
        return "[" + (opening[:DESCRIPTION_CHARS] + "…" if len(opening) > DESCRIPTION_CHARS else opening) + "]"
    name = re.split(r"[\\/]", (record.get("source") or "").split("#row=", 1)[0])[-1]
    return f"[{name}]" if name else "[无题名文件]"


def _issuers(meta: dict) -> str:
    issuers = [i for i in (meta.get("issuers") or []) if i]
    if not issuers:
        return ""
    return ", ".join(issuers[:3]) + (", 等" if len(issuers) > 3 else "")


def _online(record: dict, sources: Optional[list[str]] = None) -> Optional[str]:
    for s in [record.get("source") or ""] + list(sources or []):
        if s.startswith(("http://", "https://")):
            return s
    return None


def gbt7714(record: dict, clause_id: Optional[str] = None, *, accessed: Optional[str] = None,
            sources: Optional[list[str]] = None) -> str:
    m = record.get("metadata") or {}
    title = title_of(record)
    head = _issuers(m)
    out = (head + ". " if head else "") + title
    if m.get("doc_number"):
        out += ": " + m["doc_number"]
    date = m.get("signed_date") or m.get("published_date") or ""
    loc = ""
    if clause_id:
        c = find_clause(record, clause_id)
        loc = section_path(record, c.get("section_id"))
    url = _online(record, sources)
    if url:
        accessed = accessed or _dt.date.today().isoformat()
        out += "[EB/OL]. " + (f"({date})" if date else "") + f"[{accessed}]"
        out += (f": {loc}. " if loc else ". ") + url + "."
    else:
        out += "[Z]."
        if date and loc:
            out += f" {date}: {loc}"
        elif date or loc:
            out += f" {date or loc}"
        if not out.endswith("."):
            out += "."
    return out


def _bib_escape(s: str) -> str:
    return re.sub(r"([{}\\])", r"\\\1", s or "")


def bibtex(record: dict, clause_id: Optional[str] = None, *, accessed: Optional[str] = None,
           sources: Optional[list[str]] = None) -> str:
    m = record.get("metadata") or {}
    date = m.get("signed_date") or m.get("published_date") or ""
    key = f"zhengce{date[:4]}{record.get('doc_id', '')[:8]}" + (f"{clause_id}" if clause_id else "")
    fields = []
    issuers = [i for i in (m.get("issuers") or []) if i]
    if issuers:
        fields.append(("author", " and ".join("{" + _bib_escape(i) + "}" for i in issuers)))
    fields.append(("title", "{" + _bib_escape(title_of(record)) + "}"))
    if m.get("doc_number"):
        fields.append(("number", _bib_escape(m["doc_number"])))
    if m.get("doc_type"):
        fields.append(("type", _bib_escape(m["doc_type"])))
    if date:
        fields.append(("year", date[:4]))
        fields.append(("date", date))
    if clause_id:
        c = find_clause(record, clause_id)
        path = section_path(record, c.get("section_id"))
        fields.append(("note", _bib_escape((path + " " if path else "") + f"({clause_id})")))
    url = _online(record, sources)
    if url:
        fields.append(("url", url))
        fields.append(("urldate", accessed or _dt.date.today().isoformat()))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{key},\n{body}\n}}"


def reference(record: dict, clause_id: Optional[str] = None, style: str = "gbt7714", **kw) -> str:
    """The reference to a document, or to one of its clauses, in ``style``."""
    if style == "gbt7714":
        return gbt7714(record, clause_id, **kw)
    if style == "bibtex":
        return bibtex(record, clause_id, **kw)
    raise CiteError(f"unknown style '{style}' (known: {', '.join(STYLES)})")


_REF = re.compile(r"^(?P<doc>[^:#\s]+)(?:[:#](?P<cid>c\d+))?$")


def split_ref(ref: str) -> tuple[str, Optional[str]]:
    """``DOCID:c17`` / ``DOCID#c17`` → (DOCID, c17); a bare ``DOCID`` → (DOCID, None)."""
    m = _REF.match((ref or "").strip())
    if not m:
        raise CiteError(f"'{ref}': expected DOCID:cN, DOCID#cN or DOCID")
    return m.group("doc"), m.group("cid")
