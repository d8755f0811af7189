"""Clauses: sentences and list items, each with its kind, the cue that decided it, and actors.

Segmentation splits on 。！？； and line ends outside brackets (a ``（责任单位：…；…）`` stays
whole), and splits a sentence once more at a comma where a cue of another kind starts a new
part (``要树立正确的政绩观，不得以升学率评价教师`` is an obligation and a prohibition).
The kind comes from the cue table ``lexicon/clause_cues.tsv`` (highest priority wins);
sentences without a cue are ``goal`` when they set a future state (``到2025年，…``), ``fact``
when they report the past (a 十三五 review), else ``other``.  The statistical model
(``models/clause_kind``) is consulted for cue-less sentences only, when it is installed; see
``classify`` for how the two are combined.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import table
from ..model import Clause
from ..normalise import CJK
from ..structure.metadata import is_org
from ..structure.sections import section_at

OPEN, CLOSE = "（(《“‘〔【[", "）)》”’〕】]"
TERMINATORS = "。！？；"
PAST_MARKERS = re.compile(r"已经|已(?!于)|累计|共有|现有|建成了|取得了|实现了|达到了|完成了|得到|显著|明显|成效|先后|荣获|获评|被评为|被确立为|以来|期间.*(?:达|增|提高|完成)")
REVIEW_HEADING = re.compile(r"(?:十[一二三四五]五|过去|以来).*(?:情况|回顾|成就|成效|基础|进展)|发展基础|发展现状|工作回顾|主要成效|取得成效")
FUTURE_GOAL = re.compile(r"^(?:到|至|力争到|预计到)(?:20\d{2}|“?十[四五六]五”?)(?:年)?(?:底|末)?")


@dataclass(frozen=True)
class Cue:
    word: str
    kind: str
    priority: int
    negated_by: str
    not_before: str


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    return tuple(Cue(r["cue"], r["kind"], int(r["priority"]), r.get("negated_by", ""), r.get("not_before", ""))
                 for r in table("clause_cues"))


@lru_cache(maxsize=1)
def _cue_regex() -> re.Pattern:
    words = sorted({c.word for c in cues()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def _cue_by_word() -> dict[str, Cue]:
    return {c.word: c for c in cues()}


def find_cues(text: str) -> list[tuple[int, Cue]]:
    """Cue occurrences (offset, cue), skipping cues that are part of another word."""
    out = []
    by_word = _cue_by_word()
    for m in _cue_regex().finditer(text):
        cue = by_word[m.group()]
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before and before in cue.negated_by:
            continue
        if after and after in cue.not_before:
            continue
        if cue.word == "要" and (after in "求" and not re.match(r"要求(?:各|全|有关|相关)", text[m.start():])):
            continue
        out.append((m.start(), cue))
    return out


def decide(text: str) -> tuple[str, str | None, int | None]:
    """(kind, cue word, cue offset) by the cue table; ('other', None, None) when no cue."""
    found = find_cues(text)
    if not found:
        m = YOU.search(text)
        if m:
            return "obligation", "由", m.start("you")   # 由教育行政部门按照规定统筹…: the unit is charged with it
        return "other", None, None
    pos, cue = max(found, key=lambda pc: (pc[1].priority, -pc[0]))
    return cue.kind, cue.word, pos


# --- segmentation ---------------------------------------------------------------------------

def _sentences(text: str, start: int, end: int):
    """(start, end) spans of sentences in text[start:end], splitting outside brackets."""
    depth = 0
    s = start
    for i in range(start, end):
        ch = text[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in TERMINATORS and depth == 0:
            yield s, i + 1
            s = i + 1
    if s < end:
        yield s, end


def _split_at_new_cue(text: str, start: int, end: int):
    """Split a sentence at a comma where a cue word starts the next part (``…系统工程，必须…``),
    unless all before it is one introductory phrase (``对于…内容，可…`` stays whole)."""
    seg = text[start:end]
    cuts = []
    depth = 0
    for i, ch in enumerate(seg):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif ch in "，," and depth == 0:
            cuts.append(i)
    piece = 0
    for c in cuts:
        before = seg[piece:c]
        after = seg[c + 1:]
        found = find_cues(after[:6])
        if not (found and found[0][0] == 0) and not YOU.match(after):
            continue
        last_part = re.split(r"[，,]", before)[-1]
        if len(before) < 6 or INTRODUCTORY.match(last_part) or INTRO_END.search(last_part):
            continue
        kind_before = decide(before)[0]
        if kind_before == "other" and FUTURE_GOAL.match(before):
            kind_before = "goal"
        if kind_before == decide(after)[0]:
            continue        # 支持和规范社会力量办学，鼓励社会各界捐资助学: one encouragement
        yield start + piece, start + c + 1
        piece = c + 1
    yield start + piece, end


YOU = re.compile(r"(?:^|(?<=[，,]))(?P<you>由)[^，,。]{2,30}?(?:统筹|组织|按照|负责|集体|研究|决定|审核|审批|制定|实施)")
INTRODUCTORY = re.compile(r"^(?:对于|对|在|按照|按|根据|依据|结合|围绕|针对|通过|为了|为|经|凡|如|若|其中|同时)")
INTRO_END = re.compile(r"(?:时|后|前|中|下|上|里|方面|期间|以来|基础上|过程中|情况下)$")
RESP_LABEL = re.compile(r"^[（(](?:责任单位|牵头单位|负责单位|责任部门|负责部门|牵头部门|配合单位|支撑单位|推进单位)")


def _split_parentheticals(text: str, start: int, end: int):
    """A bracketed aside that is a clause of its own (``（有条件的可适当增加1-2个）``,
    ``（责任单位：…）``) becomes a separate piece."""
    pieces, s = [], start
    for m in re.finditer(r"[（(][^（）()]{6,200}[）)]", text[start:end]):
        a, b = start + m.start(), start + m.end()
        inner = m.group()
        if RESP_LABEL.match(inner) or find_cues(inner):
            if a > s:
                pieces.append((s, a))
            pieces.append((a, b))
            s = b
    if s < end:
        pieces.append((s, end))
    return pieces


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \u3000，,、":
        s += 1
    while e > s and text[e - 1] in " \u3000":
        e -= 1
    return s, e


_WORDY = re.compile(f"[{CJK}A-Za-z0-9]")


def segment(doc) -> list[tuple[int, int]]:
    text = doc.text
    heading_end = {}
    for sec in doc.sections:
        line = text[sec.span[0]:sec.span[1]]
        k = line.find("。")
        heading_end[sec.span[0]] = sec.span[0] + (k + 1 if k >= 0 else len(line))
    spans = []
    pos = 0
    for line in text.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        if not line.strip():
            continue
        body_start = heading_end.get(ls, ls)
        if body_start >= le:
            continue
        if " | " in line:  # a table row is one clause
            spans.append((ls, le))
            continue
        for s, e in _sentences(text, body_start, le):
            for s1, e1 in _split_parentheticals(text, s, e):
                for s2, e2 in _split_at_new_cue(text, s1, e1):
                    s2, e2 = _trim(text, s2, e2)
                    if e2 - s2 >= 2 and _WORDY.search(text, s2, e2):
                        spans.append((s2, e2))
    return spans


# --- actors ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _heads() -> tuple[tuple[int, ...], dict[str, str]]:
    """(head lengths, longest first; head → kind)."""
    rows = table("actor_heads")
    kinds = {r["head"]: r["kind"] for r in rows}
    return tuple(sorted({len(h) for h in kinds}, reverse=True)), kinds


def head_at_end(phrase: str, end: int | None = None) -> str | None:
    """The longest actor head word ending phrase[:end]."""
    lengths, kinds = _heads()
    end = len(phrase) if end is None else end
    for n in lengths:
        if n <= end and phrase[end - n:end] in kinds:
            return phrase[end - n:end]
    return None


def actor_kind(phrase: str) -> str | None:
    """'org' or 'person' when the phrase ends with an actor head word, else None
    (a trailing bracket is read past: 各县（市、区） ends with 县)."""
    base = re.sub(r"[（(][^（）()]{1,12}[）)]$", "", phrase)
    head = head_at_end(base)
    return _heads()[1][head] if head else None


SUBJECT_TRAIL = "也都均还就亦则"
ADVERBIAL = re.compile(r"^(?:对于|对|在|按照|根据|结合|围绕|针对|通过|为了|为)[^，,]*[，,]")
SUBJECT_STOP = re.compile(r"(?:在|对|按照|按|根据|结合|于|将|把|通过|从|以|向|与|同|会同)")


def _clean_actor(phrase: str) -> str | None:
    p = phrase.strip(" ，,、：:；;“”\"")
    if p[:1] in "（(" and not re.search(r"[）)]", p):
        p = p[1:]                     # （合肥海关、省商务厅负责）: the bracket is not part of the unit
    p = re.sub(rf"[{SUBJECT_TRAIL}]+$", "", p)
    p = re.sub(r"^(?:同时|此外|另外|其中|并且|并|而且|由|请|经)", "", p)
    if not (2 <= len(p) <= 32) or re.search(r"[。；！？]", p):
        return None
    if actor_kind(p) is None:
        return None
    return p


def subject_actors(text: str, cue_pos: int) -> list[str]:
    """The organisations/groups written as the subject right before a cue (各中小学要…)."""
    left = text[:cue_pos]
    part = _PART_BREAK.split(left)[-1]
    candidates = [part]
    m = SUBJECT_STOP.search(part)
    if m and m.start() >= 2:
        candidates.append(part[:m.start()])      # 有关部门在核定…时，应当 → 有关部门
    first = re.split(r"[，,]", text)[0]
    m2 = re.match(rf"^(.{{2,30}}?)(?={SUBJECT_STOP.pattern})", first)
    if m2 and cue_pos > len(first):
        candidates.append(m2.group(1))
    for c in candidates:
        actor = _clean_actor(c)
        if actor:
            return _split_actor(actor)
    return []


def _split_actor(actor: str) -> list[str]:
    pieces = actor.split("、")
    if len(pieces) > 1 and all(p.startswith("各") and actor_kind(p) for p in pieces):
        return pieces                      # 各乡镇、各部门 (but 各县、市、区政府 is one unit)
    for sep in ("尤其是", "特别是", "以及"):
        if sep in actor:
            parts = [p for p in actor.split(sep) if p]
            if all(actor_kind(p) for p in parts):
                return parts
    if "和" in actor:
        a, _, b = actor.partition("和")
        if len(a) >= 2 and len(b) >= 2 and actor_kind(a) and actor_kind(b) and "、" not in actor:
            return [a, b]
    return [actor]


def object_actor(text: str, after: int) -> str | None:
    """The group named right after 鼓励/支持/由 (鼓励有条件的地方提高补助标准 → 有条件的地方)."""
    window = text[after:after + 30]
    window = _PART_BREAK.split(window)[0]
    window = re.sub(r"^和(?:规范|保障|引导)", "", window)
    if VERB_START.match(window):
        return None   # 鼓励开展…活动: an action, not an actor
    for n in range(2, len(window) + 1):
        if head_at_end(window, n):
            best = window[:n]
            for k in range(1, 5):   # 集团 → 集团成员校: a longer head written right after
                head = head_at_end(window, n + k) if n + k <= len(window) else None
                if head and len(head) <= k:
                    best = window[:n + k]
            return _clean_actor(best)
    return None


_PART_BREAK = re.compile(r"[，,。；;：:]")


VERB_START = re.compile(r"^(?:开展|建设|实施|推进|加强|发展|建立|引进|提供|创建|探索|举办|参与|参加|利用|采取|使用|设立|培育|打造|推动|深化|扩大|完善|落实)")


def actors_of(text: str, kind: str, cue: str | None, cue_pos: int | None, recipients: list[str]) -> list[str]:
    if cue is None or cue_pos is None:
        return []
    if cue == "请":
        return list(recipients)
    if cue in ("鼓励", "支持", "倡导", "引导", "允许"):
        obj = object_actor(text, cue_pos + len(cue))
        return [obj] if obj else subject_actors(text, cue_pos)
    actors = subject_actors(text, cue_pos)
    if not actors:
        part_start = max(text.rfind("，", 0, cue_pos), text.rfind(",", 0, cue_pos)) + 1
        m = re.match(r"(?:必须|应当|应|要|须)?由(.{2,30}?)(?:负责|牵头|统筹|按照|自愿|集体|组织)", text[part_start:])
        if m:
            a = _clean_actor(m.group(1))
            actors = [a] if a else []
    return actors


# --- the extractor --------------------------------------------------------------------------

def classify(text: str, section_heading_path: str, doc_year: int | None) -> tuple[str, str | None, int | None]:
    """Rules first: a cue decides.  Without a cue, a sentence opening with a future deadline is a
    goal, a sentence in a review section or with past markers about a past year is a fact."""
    kind, cue, pos = decide(text)
    if cue is not None:
        if kind == "goal" and (REVIEW_HEADING.search(section_heading_path) or _starts_in_past(text, doc_year)):
            return "fact", None, None
        return kind, cue, pos
    if _is_past(text, section_heading_path, doc_year):
        return "fact", None, None
    m = FUTURE_GOAL.match(text)
    if m and not (doc_year and (y := re.search(r"20\d{2}", m.group())) and int(y.group()) < doc_year):
        return "goal", None, None
    return "other", None, None


def _starts_in_past(text: str, doc_year: int | None) -> bool:
    m = re.match(r"^(?:截至|截止)?(20\d{2})年(?:底|末)?", text)
    return bool(m and doc_year and int(m.group(1)) < doc_year)


def _is_past(text: str, headings: str, doc_year: int | None) -> bool:
    if REVIEW_HEADING.search(headings) or _starts_in_past(text, doc_year):
        return True
    if re.match(r"^[“\"]?十[一二三]五[”\"]?(?:时期|期间|以来)", text):
        return True
    return bool(PAST_MARKERS.search(text)) and bool(re.search(r"\d", text)) and not re.search(r"到20\d{2}年|力争|目标", text)


def extract(doc) -> None:
    text = doc.text
    recipients = doc.metadata.recipients
    doc_year = int(doc.metadata.signed_date[:4]) if doc.metadata.signed_date else None
    by_id = {s.id: s for s in doc.sections}
    path_cache: dict[str | None, str] = {}

    def heading_path(sid):
        if sid not in path_cache:
            parts, cur = [], by_id.get(sid)
            while cur is not None:
                parts.append(cur.heading)
                cur = by_id.get(cur.parent)
            path_cache[sid] = " / ".join(reversed(parts))
        return path_cache[sid]

    recipients = [p for r in recipients for p in (r.split("、") if all(is_org(x) for x in r.split("、")) else [r])]
    clauses = []
    for s, e in segment(doc):
        clause_text = text[s:e]
        sid = section_at(doc.sections, s)
        kind, cue, pos = classify(clause_text, heading_path(sid), doc_year)
        actors = actors_of(clause_text, kind, cue, pos, recipients if _in_notice(doc, s) else [])
        if not actors and cue and clauses and clauses[-1].actors and text[s - 1:s] in ("；", ";") \
                and clauses[-1].section_id == sid and pos is not None and not subject_actors(clause_text, pos):
            actors = list(clauses[-1].actors)   # …学校可自主安排…；对于…，可自主统筹…: same subject
        clauses.append(Clause(id=f"c{len(clauses) + 1}", section_id=sid, text=clause_text, span=(s, e),
                              kind=kind, cue=cue, actors=actors))
    _consult_model(clauses)
    doc.clauses = clauses


def _consult_model(clauses: list[Clause]) -> None:
    """Cue-less clauses: the statistical model's kind when it is confident (kind_model.py)."""
    from .kind_model import MIN_CONFIDENCE, predict
    open_ = [c for c in clauses if c.cue is None and " | " not in c.text and len(c.text) >= 4]
    predictions = predict([c.text for c in open_])
    if not predictions:
        return
    for c, (kind, p) in zip(open_, predictions):
        c.confidence = round(p, 3)
        if p >= MIN_CONFIDENCE and kind in ("goal", "fact", "other"):
            c.kind = kind


def _in_notice(doc, offset: int) -> bool:
    """Whether an offset lies in the wrapping notice (before the policy's own first section)."""
    first = doc.sections[0].span[0] if doc.sections else len(doc.text)
    return offset < first
