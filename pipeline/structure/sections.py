"""The section tree (SCHEMA "Sections") and the tables, read off the normalised text.

Numbering decides the level: ``一、`` 1, ``（一）`` 2, ``1.``/``1、`` 3, ``（1）`` 4.  Documents
built of articles (办法, 条例, 规定) use 篇/章/节/条 instead, ranked by which of them occur
(``第一章`` level 1 and ``第一条`` level 2 when both occur); enumerations inside an article are
list items, not sections.  A ``专栏`` caption is a section one level below the one it sits in.
Tables are runs of lines written as cells joined by `` | ``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Section, Table

CN_NUM = "一二三四五六七八九十百零〇两"
OUTLINE = (
    (1, re.compile(rf"^(?P<num>[{CN_NUM}]{{1,4}}、)\s*(?P<rest>.*)$")),
    (2, re.compile(rf"^(?P<num>（[{CN_NUM}]{{1,4}}）)\s*(?P<rest>.*)$")),
    (3, re.compile(r"^(?P<num>\d{1,2}(?:[.．](?!\d)|、))\s*(?P<rest>.*)$")),
    (4, re.compile(r"^(?P<num>（\d{1,2}）)\s*(?P<rest>.*)$")),
)
ARTICLE_KINDS = ("篇", "章", "节", "条")
ARTICLE = re.compile(rf"^(?P<num>第[{CN_NUM}\d]{{1,5}}(?P<kind>[篇章节条]))(?:\s+|(?=[（(])|$)(?P<rest>.*)$")
COLUMN_BOX = re.compile(rf"^(?P<num>专栏\s*[{CN_NUM}\d]{{1,3}})[\s:：]*(?P<rest>.*)$")
CAPTION_IN_ARTICLE = re.compile(r"^[（(]([^（）()]{1,20})[）)]")


@dataclass
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def heading_of(rest: str) -> str:
    """The heading of a numbered line: up to its first 。 (SCHEMA), trailing punctuation dropped."""
    head = rest.split("。", 1)[0]
    return head.strip().rstrip("：:；;，,").strip()


def is_article_document(text: str) -> bool:
    return len(re.findall(rf"(?m)^第[{CN_NUM}\d]{{1,5}}条", text)) >= 3


def find_sections(text: str) -> list[Section]:
    lines = _lines(text)
    articles = is_article_document(text)
    raw: list[tuple[int, str, str, _Line, int]] = []   # (level, number, heading, line, heading_start)
    if articles:
        present = []
        for ln in lines:
            m = ARTICLE.match(ln.text)
            if m and m["kind"] not in present:
                present.append(m["kind"])
        rank = {k: i + 1 for i, k in enumerate(k for k in ARTICLE_KINDS if k in present)}
    for ln in lines:
        t = ln.text
        if not t or " | " in t:
            continue
        m = COLUMN_BOX.match(t)
        if m:
            raw.append((0, re.sub(r"\s+", "", m["num"]), heading_of(m["rest"]), ln, ln.start + m.start("rest")))
            continue
        if articles:
            m = ARTICLE.match(t)
            if m:
                if m["kind"] == "条":
                    # 第一条 has an empty heading; a bracketed caption (第一条（目的和依据）) is kept as its heading
                    cap = CAPTION_IN_ARTICLE.match(m["rest"])
                    heading = cap.group(1) if cap else ""
                else:
                    heading = heading_of(m["rest"])
                raw.append((rank[m["kind"]], m["num"], heading, ln, ln.start + m.start("rest")))
            continue
        for level, pattern in OUTLINE:
            m = pattern.match(t)
            if m and m["rest"]:
                raw.append((level, m["num"], heading_of(m["rest"]), ln, ln.start + m.start("rest")))
                break

    sections: list[Section] = []
    stack: list[Section] = []
    for level, number, heading, ln, hstart in raw:
        if level == 0:  # 专栏: one level below the section it sits in
            level = (stack[-1].level + 1) if stack else 1
        while stack and stack[-1].level >= level:
            stack.pop()
        sec = Section(id=f"s{len(sections) + 1}", parent=stack[-1].id if stack else None, level=level,
                      number=number, heading=heading, span=(ln.start, ln.end), extent=(ln.start, len(text)))
        sections.append(sec)
        stack.append(sec)
    # a section's extent runs to the next section of the same or a higher level
    for i, sec in enumerate(sections):
        for later in sections[i + 1:]:
            if later.level <= sec.level:
                sec.extent = (sec.span[0], max(sec.span[0], later.span[0] - 1))
                break
    return sections


def section_at(sections: list[Section], offset: int) -> str | None:
    """The id of the innermost section holding offset: the last one starting at or before it whose
    extent covers it (sections are in text order, children after their parent)."""
    import bisect
    starts = [s.span[0] for s in sections]
    i = bisect.bisect_right(starts, offset) - 1
    while i >= 0:
        sec = sections[i]
        if sec.extent[0] <= offset <= sec.extent[1]:
            return sec.id
        i -= 1
    return None


def find_tables(text: str, sections: list[Section]) -> list[Table]:
    tables: list[Table] = []
    run: list[_Line] = []

    def close():
        if len(run) >= 2:
            rows = [[c.strip() for c in ln.text.split(" | ")] for ln in run]
            start = run[0].start
            caption = None
            sid = section_at(sections, start)
            if sid:
                sec = next(s for s in sections if s.id == sid)
                if sec.number.startswith("专栏"):
                    caption = sec.heading
            tables.append(Table(id=f"t{len(tables) + 1}", section_id=sid, span=(start, run[-1].end), rows=rows,
                                caption=caption))
        run.clear()

    for ln in _lines(text):
        if " | " in ln.text:
            run.append(ln)
        else:
            close()
    close()
    return tables
