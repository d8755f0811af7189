"""The section tree (SCHEMA "Sections") and the tables, read off the normalised text.

Numbering decides the level: ``一、`` 1, ``（一）`` 2, ``1.``/``1、`` 3, ``（1）`` 4.  Documents
built of articles (办法, 条例, 规定) use 篇/章/节/条 instead, ranked by which of them occur
(``第一章`` level 1 and ``第一条`` level 2 when both occur); enumerations inside an article are
list items, not sections.  A ``专栏`` caption is a section one level below the one it sits in.
Tables are runs of lines written as cells joined by `` | ``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import Section, Table

CN_NUM = "一二三四五六七八九十百零〇两"
OUTLINE = (
    (1, re.compile(rf"^(?P<num>[{CN_NUM}]{{1,4}}、)\s*(?P<rest>.*)$")),
    (2, re.compile(rf"^(?P<num>（[{CN_NUM}]{{1,4}}）)\s*(?P<rest>.*)$")),
    (3, re.compile(r"^(?P<num>\d{1,3}(?:[.．](?!\d)|、))\s*(?P<rest>.*)$")),
    (4, re.compile(r"^(?P<num>（\d{1,2}）)\s*(?P<rest>.*)$")),
)
OUTLINE_AT = tuple((level, re.compile(p.pattern[1:])) for level, p in OUTLINE)   # within a line
ARTICLE_KINDS = ("篇", "章", "节", "条")
ARTICLE = re.compile(rf"^(?P<num>第[{CN_NUM}\d]{{1,5}}(?P<kind>[篇章节条]))(?:\s+|(?=[（(])|$)(?P<rest>.*)$")
# 第一章总则: a part/chapter/section heading whose spacing the normaliser closed up (第一章 总 则); a
# short line without sentence punctuation, so that a body line such as 第三章规定的… is not one
ARTICLE_GLUED = re.compile(rf"^(?P<num>第[{CN_NUM}\d]{{1,5}}(?P<kind>[篇章节]))(?P<rest>[\u4e00-\u9fff“][^。，；：:,;]{{0,24}})$")
# 第一条为完善…: an article whose page dropped the space after its number; taken only as the next
# article in sequence, so that a body line opening with 第三条规定的… is not one
ARTICLE_RUN_ON = re.compile(rf"^(?P<num>第(?P<n>[{CN_NUM}\d]{{1,5}})条)(?P<rest>[^\s（(].*)$")
# an emergency plan's decimal outline (1 总则 / 1.1 编制目的及依据 / 1.2.1 国家级…): the depth of the
# number is the level; read only in a text with at least DECIMAL_MIN numbered sub-headings
DECIMAL = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[ \u3000]+(?P<rest>[\u4e00-\u9fff].*)$")
DECIMAL_SUB = re.compile(r"(?m)^\d{1,2}\.\d{1,2}(?:\.\d{1,2}){0,2}[ \u3000]+[\u4e00-\u9fff]")
DECIMAL_MIN = 4
DECIMAL_TOP = re.compile(r"^[^。，；：:,;]{1,30}$")   # 2 组织机构和职责: a bare number heads a short title
TOC_LINE = re.compile(r"^目\s*录$")
COLUMN_BOX = re.compile(rf"^(?P<num>专栏\s*[{CN_NUM}\d]{{1,3}})[\s:：]*(?P<rest>.*)$")
CAPTION_IN_ARTICLE = re.compile(r"^[（(]([^（）()]{1,20})[）)]")
# the list of annexes under a notice (附件：1.…  2.…): its numbered lines name documents, they are
# no sections of the text
ANNEX_LIST = re.compile(r"^附\s*件[:：]\s*(?:\d{1,2}[.．、]\s*\S.*)?$")
ANNEX_ITEM = re.compile(r"^\d{1,2}[.．、]\s*\S")
# an annex's own label (附件1： / 附件2 title): a level-1 section numbered 附件1, its heading the
# title after the label or on the next line; a downloadable file (附件1.docx) is none
ANNEX_LABEL = re.compile(rf"^(?P<num>附\s*件\s*(?:\d{{1,2}}|[{CN_NUM}]{{1,3}}))(?![\d\-—－])\s*[:：.．、]?\s*(?P<rest>.*)$")
# 附件 alone on its line, its title on the next: an annex after a text with sections of its own (a
# report's list of 民生实事); an annex under a bare notice is the policy itself, no section
ANNEX_ALONE = re.compile(r"^(?P<num>附\s*件)\s*[:：]?\s*$")
ANNEX_FILE = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|zip|rar|ofd|jpe?g|png)\s*$|下载", re.I)
ANNEX_TITLE_MAX = 60
# a plan built of 篇/章/节 (五年计划纲要) without articles: the part heading may run into its first
# sentence on the same line (第一节稳定粮食生产能力严格执行…, 第二篇 建设社会主义新农村 坚持…)
PLAN_PART = re.compile(rf"\s*(?P<num>第[{CN_NUM}\d]{{1,4}}(?P<kind>[篇章节]))[\s\u3000]*(?P<rest>\S.*)$")
PLAN_HEADING_GAP = re.compile(r"[ \u3000]+")
PLAN_HEADING_STOP = re.compile(r"[，。；：:,;]")
PLAN_HEADING_MAX = 40
UNNUMBERED_CHAPTER = re.compile(r"^[\u4e00-\u9fff]{2,16}$")


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


# an old plan's line: a short heading, a run of spaces, then its first sentence (（一）工农业总产值　　1990年…)
HEADING_THEN_TEXT = re.compile(r"^([\u4e00-\u9fff“”、]{2,30}?)(?<![在为于的和与及对])\s+(?=[\u4e00-\u9fff（第“]|\d{4}年)\S.{5,}")


def heading_of(rest: str) -> str:
    """The heading of a numbered line: up to its first 。 (SCHEMA), or up to the spaces that end a short
    heading its body runs on from; trailing punctuation dropped."""
    head = rest.split("。", 1)[0]
    if (m := HEADING_THEN_TEXT.match(head.strip())):
        head = m.group(1)
    return head.strip().rstrip("：:；;，,").strip()


def is_article_document(text: str) -> bool:
    return len(re.findall(rf"(?m)^第[{CN_NUM}\d]{{1,5}}条", text)) >= 3


def article_match(line: str):
    """``第一章 总则`` / ``第一章总则`` / ``第一条 …`` → match with num, kind, rest; else None."""
    return ARTICLE.match(line) or ARTICLE_GLUED.match(line)


_TOC_TAIL = re.compile(r"[\s.．·…—\-_]*\d*$")


def _toc_key(line: str) -> str:
    """A heading line as a table of contents lists it: no spaces, no dot leaders or page number."""
    return re.sub(r"\s+", "", _TOC_TAIL.sub("", line))


def _toc_lines(lines: list[_Line], articles: bool) -> set[int]:
    """Indexes of the lines of a table of contents (目录), which repeat the headings that follow:
    the lines after a ``目录`` line up to where its first entry comes again, and in a document of
    articles a run of chapter headings with nothing between them whose first comes again later."""
    skip: set[int] = set()
    keys: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.text:
            keys.setdefault(_toc_key(ln.text), []).append(i)

    def again_after(i: int) -> int | None:
        at = keys.get(_toc_key(lines[i].text), ())
        k = bisect.bisect_right(at, i)
        return at[k] if k < len(at) else None

    i, n = 0, len(lines)
    while i < n:
        t = lines[i].text
        if TOC_LINE.match(t):
            first = next((j for j in range(i + 1, min(n, i + 5)) if lines[j].text), None)
            end = again_after(first) if first is not None else None
            if end is not None and end - i <= 400:
                skip.update(range(i, end))
                i = end
                continue
        elif articles and (m := article_match(t)) and m["kind"] != "条":
            j, seen = i, {_toc_key(t)}
            while j + 1 < n and (not lines[j + 1].text or ((m2 := article_match(lines[j + 1].text)) and m2["kind"] != "条"
                                                           and _toc_key(lines[j + 1].text) not in seen)):
                j += 1
                seen.add(_toc_key(lines[j].text))
            run = [k for k in range(i, j + 1) if lines[k].text]
            if len(run) >= 2 and again_after(i) is not None and again_after(i) > j:
                skip.update(range(i, j + 1))
            i = j + 1
            continue
        i += 1
    return skip


def find_sections(text: str) -> list[Section]:
    lines = _lines(text)
    articles = is_article_document(text)
    toc = _toc_lines(lines, articles)
    raw: list[tuple[int, str, str, _Line, int]] = []   # (level, number, heading, line, heading_start)
    plan_rank = {} if articles else _plan_ranks(lines, toc)
    shift = len(plan_rank)           # outline numbering sits below the plan's 篇/章/节
    decimal = not articles and len(DECIMAL_SUB.findall(text)) >= DECIMAL_MIN
    if articles:
        present = []
        for k, ln in enumerate(lines):
            m = article_match(ln.text) if k not in toc else None
            if m and m["kind"] not in present:
                present.append(m["kind"])
        present.append("条")   # an article document has articles, spaced after their number or not
        rank = {k: i + 1 for i, k in enumerate(k for k in ARTICLE_KINDS if k in present)}
    annex_list = False
    for k, ln in enumerate(lines):
        t = ln.text
        if not t or " | " in t or k in toc:
            continue
        if ANNEX_LIST.match(t):
            annex_list = True
            continue
        if annex_list and ANNEX_ITEM.match(t):
            continue
        annex_list = False
        m = ANNEX_ALONE.match(t)
        if m and raw:
            head, end = _annex_title("", lines, k)
            if head:
                raw.append((1, "附件", head, _Line(ln.start, end, t), end - len(head)))
                continue
        m = ANNEX_LABEL.match(t)
        if m and m["rest"] and _next_is_item(lines, k):
            annex_list = True                  # 附件1.… / 2.…: the list, its first item on the label's line
            continue
        if m and not ANNEX_FILE.search(t):
            head, end = _annex_title(m["rest"], lines, k)
            if head:
                raw.append((1, re.sub(r"\s+", "", m["num"]), head, _Line(ln.start, end, t), ln.start + m.start("rest")))
                continue
        m = COLUMN_BOX.match(t)
        if m:
            raw.append((0, re.sub(r"\s+", "", m["num"]), heading_of(m["rest"]), ln, ln.start + m.start("rest")))
            continue
        if articles:
            m = article_match(t)
            if not m and (g := ARTICLE_RUN_ON.match(t)) and _numeral(g["n"]) == _last_article(raw) + 1:
                m = g
            if not m and "章" in rank and raw and raw[-1][1].endswith("条") and UNNUMBERED_CHAPTER.match(t) \
                    and _next_is_article(lines, k):
                # a chapter heading whose 第二章 the source lost, standing between two articles
                raw.append((rank["章"], "", t.strip(), ln, ln.start))
                continue
            if m:
                if m.re is ARTICLE_RUN_ON or m["kind"] == "条":
                    # 第一条 has an empty heading; a bracketed caption (第一条（目的和依据）) is kept as its heading
                    cap = CAPTION_IN_ARTICLE.match(m["rest"])
                    heading = cap.group(1) if cap else ""
                else:
                    heading = _close_cjk_spacing(heading_of(m["rest"]))
                raw.append((rank["条" if m.re is ARTICLE_RUN_ON else m["kind"]], m["num"], heading, ln,
                            ln.start + m.start("rest")))
            continue
        if plan_rank and _plan_parts(t, ln, plan_rank, raw):
            continue
        if decimal and (m := DECIMAL.match(t)) and ("." in m["num"] or DECIMAL_TOP.match(m["rest"])):
            raw.append((m["num"].count(".") + 1 + shift, m["num"], heading_of(m["rest"]), ln, ln.start + m.start("rest")))
            continue
        for level, pattern in OUTLINE:
            m = pattern.match(t)
            if m and m["rest"]:
                raw.append((level + shift, m["num"], heading_of(m["rest"]), ln, ln.start + m.start("rest")))
                break

    if articles and "节" in rank:
        raw = _articles_under_their_part(raw, rank)
    if shift:
        raw = _numbered_articles(raw, shift)
    if shift:   # below the plan's parts the outline levels in use follow on without gaps ((一) under 第一节)
        below = {lv: shift + i + 1 for i, lv in enumerate(sorted({r[0] for r in raw if r[0] > shift}))}
        raw = [(below.get(r[0], r[0]),) + r[1:] for r in raw]
    sections: list[Section] = []
    stack: list[Section] = []
    for level, number, heading, ln, hstart in raw:
        if level == 0:  # 专栏: one level below the section it sits in; a following 专栏 is its sibling
            host = next((s for s in reversed(stack) if not s.number.startswith("专栏")), None)
            level = host.level + 1 if host else 1
        while stack and stack[-1].level >= level:
            stack.pop()
        sec = Section(id=f"s{len(sections) + 1}", parent=stack[-1].id if stack else None, level=level,
                      number=number, heading=heading, span=(ln.start, ln.end), extent=(ln.start, len(text)))
        sections.append(sec)
        stack.append(sec)
    # a section's extent runs to the next section of the same or a higher level (one pass, a stack
    # of the sections still open)
    open_: list[Section] = []
    for later in sections:
        while open_ and open_[-1].level >= later.level:
            sec = open_.pop()
            sec.extent = (sec.span[0], max(sec.span[0], later.span[0] - 1))
        open_.append(later)
    return sections


def _articles_under_their_part(raw: list, rank: dict) -> list:
    """A 条 sits one level below the 章 or 节 it is in: in a regulation whose chapters have 节 only in
    places, the articles of a chapter without them are the chapter's children, not one level deeper."""
    out, part = [], None
    for entry in raw:
        level, number = entry[0], entry[1]
        if number.endswith(("篇", "章", "节")) or number == "" or number.startswith("附件"):
            part = level
        elif number.endswith("条") and part is not None and level > part + 1:
            entry = (part + 1,) + entry[1:]
        out.append(entry)
    return out


PART_IN_LINE = re.compile(rf"第[{CN_NUM}\d]{{1,4}}[篇章节]")


def _numbered_articles(raw: list, shift: int) -> list:
    """Items numbered 一、二、… that run on across the chapters of a 章 document (国务院工作规则: 第二章's
    first item is 五、, not 一、) are its articles: numbered through the whole text like 第X条, each a
    rule of its own with no heading (SCHEMA: an article's heading is empty), its enumerations (（一）…)
    a list, not sections.  Items that start again at 一、 in each chapter are an outline, with headings."""
    top = shift + 1
    items = {k for k, r in enumerate(raw) if r[0] == top and r[1].endswith("、")}
    chapters_with_items, last, in_chapter = 0, 0, False
    for k, r in enumerate(raw):
        if r[0] <= shift:
            in_chapter = False
        elif k in items:
            if _numeral(r[1][:-1]) != last + 1:
                return raw            # numbering starts again (an outline) or is no sequence at all
            chapters_with_items += not in_chapter
            in_chapter, last = True, last + 1
    if len(items) < 5 or chapters_with_items < 2 or len(items) < 2 * chapters_with_items \
            or any(PART_IN_LINE.search(raw[k][2]) for k in items):
        return raw                    # parts above the chapters (一、主要任务 第一章 …), one per chapter
    out, in_article = [], False
    for k, r in enumerate(raw):
        if k in items:
            out.append((r[0], r[1], "", r[3], r[4]))
            in_article = True
        elif r[0] <= top:
            out.append(r)
            in_article = False
        elif not in_article:
            out.append(r)             # an enumeration inside an article is a list, not a section
    return out


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def _numeral(s: str) -> int:
    """第五十四条's 五十四 → 54 (arabic digits as they are); -1 when not a number."""
    if s.isdigit():
        return int(s)
    total, digit = 0, 0
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in "十百":
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
        else:
            return -1
    return total + digit


def _last_article(raw: list) -> int:
    """The number of the last article read so far (0 before the first)."""
    for entry in reversed(raw):
        if entry[1].endswith("条"):
            return _numeral(entry[1][1:-1])
    return 0


def _plan_ranks(lines: list[_Line], toc: set[int]) -> dict[str, int]:
    """Levels of the 篇/章/节 a document without articles is built of: each kind that heads at
    least two lines with different numbers, ranked 篇 > 章 > 节."""
    seen: dict[str, set[str]] = {}
    at: dict[tuple[str, str], list[int]] = {}
    for k, ln in enumerate(lines):
        m = PLAN_PART.match(ln.text) if k not in toc and "第" in ln.text[:3] else None
        if m:
            seen.setdefault(m["kind"], set()).add(m["num"])
            at.setdefault((m["kind"], m["num"]), []).append(k)
    kinds = [k for k in "篇章节" if len(seen.get(k, ())) >= 2]
    if kinds:
        # a contents list before the text: the first part's heading comes again where the text
        # starts, and every part heading before that is an entry of the list
        first = min(v[0] for (kind, _), v in at.items() if kind == kinds[0])
        again = next(v for (kind, _), v in at.items() if kind == kinds[0] and v[0] == first)
        if len(again) > 1:
            toc.update(i for v in at.values() for i in v if i < again[-1])
    return {k: i + 1 for i, k in enumerate(kinds)}


def _plan_parts(t: str, ln: _Line, rank: dict[str, int], raw: list) -> bool:
    """The 篇/章/节 headings a line opens with (one after another when a line holds two: 第三章 工 业
    第一节 工业的基本建设 （一）…), and an outline number right after them; False when it opens
    with none."""
    pos, found = 0, False
    while True:
        m = PLAN_PART.match(t, pos)
        if not m or m["kind"] not in rank:
            if found:
                for level, pattern in OUTLINE_AT:
                    o = pattern.match(t, pos)
                    if o and o["rest"]:
                        part = _Line(ln.start + o.start("num"), ln.end, t)
                        raw.append((level + len(rank), o["num"], heading_of(o["rest"]), part, ln.start + o.start("rest")))
                        break
            return found
        rest, rest_at = m["rest"], m.start("rest")
        gap = PLAN_HEADING_GAP.search(rest, 2)
        stop = PLAN_HEADING_STOP.search(rest)
        cut = min(x.start() for x in (gap, stop) if x) if (gap or stop) else len(rest)
        head = rest[:min(cut, PLAN_HEADING_MAX)].rstrip()
        # the span is the number and heading only: the sentence running on after it is text
        part = _Line(ln.start + m.start("num"), ln.start + rest_at + len(head), t)
        raw.append((rank[m["kind"]], m["num"], _close_cjk_spacing(head.strip()), part, ln.start + rest_at))
        found = True
        pos = rest_at + (gap.end() if gap and gap.start() == cut else len(rest))
        if pos >= len(t):
            return found


def _next_line(lines: list[_Line], k: int) -> _Line | None:
    """The next non-blank line within two lines after line k."""
    return next((ln for ln in lines[k + 1:k + 3] if ln.text.strip()), None)


def _next_is_article(lines: list[_Line], k: int) -> bool:
    nxt = _next_line(lines, k)
    m = article_match(nxt.text) if nxt is not None else None
    return bool(m and m["kind"] == "条")


def _next_is_item(lines: list[_Line], k: int) -> bool:
    nxt = _next_line(lines, k)
    return nxt is not None and bool(re.match(r"^2[.．、]", nxt.text.strip()))


def _annex_title(rest: str, lines: list[_Line], k: int) -> tuple[str, int]:
    """The title of an annex labelled on line k (附件1：title, or the label alone and the title on
    the next line) and where it ends; ("", 0) when there is no short title line."""
    if rest.strip():
        title, end = rest.strip(), lines[k].end
    else:
        nxt = _next_line(lines, k)
        if nxt is None:
            return "", 0
        title, end = nxt.text.strip(), nxt.end
    title = title.strip("*# ")
    if not title or len(title) > ANNEX_TITLE_MAX or " | " in title or re.search(r"[。；]", title):
        return "", 0
    return title, end


_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _close_cjk_spacing(heading: str) -> str:
    """``总 则`` → ``总则``: spaces between Chinese characters of a chapter heading are layout."""
    return _CJK_GAP.sub("", heading)


class SectionIndex:
    """Innermost section at an offset in O(log n): bisect over the section starts, then up the
    parent chain (the innermost section holding an offset is the last one starting at or before
    it, or one of its ancestors)."""

    def __init__(self, sections: list[Section]):
        self.sections = sections
        self.starts = [s.span[0] for s in sections]
        pos = {s.id: i for i, s in enumerate(sections)}
        self.parent = [pos.get(s.parent, -1) if s.parent else -1 for s in sections]
        self.by_id = {s.id: s for s in sections}

    def starts_in(self, a: int, b: int) -> bool:
        """Whether a section starts at an offset in [a, b)."""
        i = bisect.bisect_left(self.starts, a)
        return i < len(self.starts) and self.starts[i] < b

    def at(self, offset: int) -> str | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        while i >= 0:
            sec = self.sections[i]
            if sec.extent[0] <= offset <= sec.extent[1]:
                return sec.id
            i = self.parent[i]
        return None


_INDEX: list = [None]   # the index of the last section list asked about (callers ask per clause)


def section_index(sections: list[Section]) -> SectionIndex:
    idx = _INDEX[0]
    if idx is None or idx.sections is not sections or len(idx.starts) != len(sections) \
            or (sections and (idx.starts[0] != sections[0].span[0] or idx.starts[-1] != sections[-1].span[0])):
        idx = _INDEX[0] = SectionIndex(sections)
    return idx


def section_at(sections: list[Section], offset: int) -> str | None:
    """The id of the innermost section holding offset: the last one starting at or before it whose
    extent covers it (sections are in text order, children after their parent)."""
    return section_index(sections).at(offset)


MAX_SPANNING_LINES = 2   # lines between two rows that span the whole table (行动二：…) and stay in it


def _header_like(line: str) -> bool:
    cells = [c.strip() for c in line.split(" | ")]
    return all(c and len(c) <= 12 and not re.search(r"\d", c.replace("年", "")) or re.fullmatch(r"(?:19|20)\d{2}\s*年.{0,6}", c)
               for c in cells)


def _spanning(line: str) -> bool:
    """A line between two rows of a table that can be a row spanning it: a short title, not a
    sentence (a paragraph or a caption of the next table is not)."""
    return 0 < len(line) <= 60 and not re.search(r"[。；;]$|^(?:表|附表)\s*\d", line)


def find_tables(text: str, sections: list[Section]) -> list[Table]:
    """Runs of `` | `` row lines; a line or two between rows that spans the table (a group title
    such as ``行动二：…``, not a section heading) stays in it as a one-cell row when the rows go
    on after it (the next line is a row, not a new header)."""
    tables: list[Table] = []
    run: list[_Line] = []
    index = SectionIndex(sections)
    heading_starts = {sec.span[0] for sec in sections}
    lines = [ln for ln in _lines(text) if ln.text]

    def close():
        while run and " | " not in run[-1].text:
            run.pop()
        if len(run) >= 2:
            rows = [[c.strip() for c in ln.text.split(" | ")] for ln in run]
            start = run[0].start
            caption = None
            sid = index.at(start)
            if sid:
                sec = index.by_id[sid]
                if sec.number.startswith("专栏"):
                    caption = sec.heading
            tables.append(Table(id=f"t{len(tables) + 1}", section_id=sid, span=(start, run[-1].end), rows=rows,
                                caption=caption))
        run.clear()

    i = 0
    while i < len(lines):
        ln = lines[i]
        if " | " in ln.text:
            run.append(ln)
            i += 1
            continue
        if run:
            # a section heading between rows (一、知识产权保护方面) stays in a table whose header it follows
            # when the rows after it have the header's width: the export split one table by its groups
            width = len(run[0].text.split(" | ")) if _header_like(run[0].text) else 0
            j = i
            while j < len(lines) and j - i < MAX_SPANNING_LINES and " | " not in lines[j].text \
                    and _spanning(lines[j].text) and (lines[j].start not in heading_starts or width):
                j += 1
            if j < len(lines) and width and any(lines[k].start in heading_starts for k in range(i, j)) \
                    and len(lines[j].text.split(" | ")) != width:
                j = i
            if j > i and j < len(lines) and " | " in lines[j].text and not _header_like(lines[j].text):
                run.extend(lines[i:j])
                i = j
                continue
        close()
        i += 1
    close()
    return tables
