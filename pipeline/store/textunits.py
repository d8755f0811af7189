"""The index's view of a record, shared by search and by the stores that index text themselves
(Elasticsearch): sentence units, the row each unit becomes, and the jieba segmentation both index
and query go through.  Below both ``store`` and ``search``: a store never imports search.

Sentence units: what a search hit is.

The extractors cut a sentence into clauses where a cue of another kind opens a comma part
(``完善…，`` / ``确保…。``) and keep labels such as ``（责任单位：市科委）`` as clauses of their own.
A reader wants the whole sentence or list item, so the index groups a record's clauses into units:
consecutive clauses of one section, on one line, up to the clause that ends a sentence or list item
(``。！？；``); a clause that is only a bracketed label or aside (``（责任单位：…）``,
``（有条件的可适当增加1-2个）``) closes the unit before it and is never a unit of its own; when no
clause holds the sentence it closes (a numbered task the structure stage took for a heading:
``11.推进海绵城市达标评估…。（牵头单位：区建设管理委）``), the unit starts with that sentence, the text
on the label's line before it.  Each
unit keeps its member clauses with their offsets in its text, so a hit can show which clause
matched.  Nothing here changes the record: it is the index's view of it.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

MAX_UNIT_CHARS = 400          # a "sentence" longer than this (a run-on list) is cut at a clause boundary
_END = re.compile(r"[。！？；!?;][”’」』）)]*\s*$")
_BRACKETED = re.compile(r"^\s*[（(【\[][^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*[）)】\]]\s*[。；;，,]?\s*$")


@functools.lru_cache(maxsize=1)
def _labels() -> tuple[str, ...]:
    try:
        from ..lexicon import words
        return tuple(words("resp_labels")) + ("责任领导", "完成时限", "时间节点", "完成时间")
    except Exception:  # noqa: BLE001 - the table is optional for this purpose
        return ("责任单位", "牵头单位", "配合单位")


def is_label(text: str) -> bool:
    """A clause that belongs to the sentence before it: wholly in brackets, or a responsibility /
    deadline label (``责任单位：…``)."""
    t = (text or "").strip()
    if not t:
        return True
    if _BRACKETED.match(t):
        return True
    head = t.lstrip("（(【[")
    return len(t) <= 120 and head.startswith(_labels())


@dataclass
class Unit:
    section_id: str | None
    members: list[dict] = field(default_factory=list)    # the record's clauses, in order
    text: str = ""
    offsets: list[tuple[int, int]] = field(default_factory=list)
    closed: bool = False
    lead: int = 0          # characters of text before the first clause: the sentence a label closes
    labels: list[bool] = field(default_factory=list)     # is_label of each member

    def add(self, clause: dict, label: bool | None = None) -> None:
        label = is_label(clause["text"]) if label is None else label
        start = len(self.text)
        self.text += clause["text"]
        self.members.append(clause)
        self.offsets.append((start, len(self.text)))
        self.labels.append(label)
        if not label:
            self.closed = bool(_END.search(clause["text"]))


_WORD = re.compile(r"\w")


def _lead(text: str, start: int, prev_end: int | None) -> str:
    """The text on a label's line before it, when no clause holds it: the sentence the label closes,
    which the structure stage took for a heading (a task list's ``11.推进海绵城市达标评估…。
    （牵头单位：区建设管理委）``).  '' when there is none (or only numbering)."""
    line = text.rfind("\n", 0, start) + 1
    lead = text[max(line, prev_end or 0):start].strip()
    if len(_WORD.findall(lead)) < 4 or len(lead) > MAX_UNIT_CHARS:
        return ""
    return lead


def sentence_units(rec: dict) -> list[Unit]:
    """The record's clauses grouped into sentence units, in order."""
    return list(iter_units(rec))


def iter_units(rec: dict) -> Iterator[Unit]:
    """``sentence_units`` one at a time (each once it is complete): a 50 MB record has ~300,000."""
    cut = UnitCutter(rec.get("text") or "")
    yield from cut.feed(rec.get("clauses", []))
    yield from cut.close()


class UnitCutter:
    """Groups clauses into sentence units as they come, in runs (a long text's parts, in order):
    ``feed`` yields each unit once a later clause shows it complete, ``close`` the last one.  The
    units are those of all the clauses fed at once."""

    def __init__(self, text: str):
        self.text = text
        self.cur: Unit | None = None
        self.prev_end: int | None = None

    def feed(self, clauses: Iterable[dict]) -> Iterator[Unit]:
        text = self.text
        for c in clauses:
            cur, prev_end = self.cur, self.prev_end
            span = c.get("span") or (None, None)
            gap = text[prev_end:span[0]] if prev_end is not None and span[0] is not None and span[0] >= prev_end else ""
            same_place = cur is not None and cur.section_id == c.get("section_id") and "\n" not in gap
            label = is_label(c["text"])
            if same_place and label and len(cur.text) + len(c["text"]) <= MAX_UNIT_CHARS * 2:
                cur.add(c, label)                  # a label closes the sentence before it, whatever its end
            elif same_place and not cur.closed and len(cur.text) + len(c["text"]) <= MAX_UNIT_CHARS:
                cur.add(c, label)
            else:
                if cur is not None:
                    yield cur
                cur = self.cur = Unit(c.get("section_id"))
                if label and span[0] is not None:
                    lead = _lead(text, span[0], prev_end)
                    if lead:
                        cur.text, cur.lead, cur.closed = lead, len(lead), bool(_END.search(lead))
                cur.add(c, label)
            self.prev_end = span[1] if span[1] is not None else prev_end

    def close(self) -> Iterator[Unit]:
        if self.cur is not None:
            yield self.cur
            self.cur = None


# --- index rows ------------------------------------------------------------------------------

def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


KIND_PRIORITY = ("prohibition", "obligation", "encouragement", "permission", "goal", "fact", "other")


def clause_rows(rec: dict) -> Iterable[dict]:
    """What the index keeps of each sentence unit of a record (``units.sentence_units``): one row
    per unit, holding its clauses' ids, kinds, units and indicators; its ``kind`` is the strongest of
    its clauses' kinds (prohibition before obligation … before other), ``kinds`` all of them."""
    rows = UnitRows(rec.get("text") or "", rec.get("sections", []))
    yield from rows.add(rec.get("clauses", []), rec.get("targets", []), rec.get("responsibilities", []))
    yield from rows.close()


class UnitRows:
    """``clause_rows`` of a record whose clauses, targets and responsibilities arrive in runs (a long
    text's parts, in order; its text and sections are known before): ``add`` returns the rows of the
    units each run completes, ``close`` the last.  The rows are those of the whole record as long as
    a run's targets and responsibilities name only clauses and sections of units not yet returned;
    ``exact`` turns False when one names an earlier unit's (its row went out without it)."""

    def __init__(self, text: str, sections: Iterable[dict]):
        self.sections = {s["id"]: s for s in sections}
        self.target_clauses: dict[str, list[str]] = {}
        self.units_by_clause: dict[str, set[str]] = {}
        self.units_by_section: dict[str, set[str]] = {}
        self.cut = UnitCutter(text)
        self.i = 0
        self.exact = True
        self._done_sections: set[str | None] = set()      # sections of the units returned so far

    def add(self, clauses: Sequence[dict], targets: Iterable[dict] = (),
            responsibilities: Iterable[dict] = ()) -> Iterator[dict]:
        open_ids = {c["id"] for c in self.cut.cur.members} if self.cut.cur is not None else set()
        here = open_ids | {c["id"] for c in clauses} if self.i else None    # the first run: nothing returned yet
        named: list[str] = []
        for t in targets:
            if t.get("clause_id"):
                named.append(t["clause_id"])
                self.target_clauses.setdefault(t["clause_id"], [])
                if t.get("indicator"):
                    self.target_clauses[t["clause_id"]].append(t["indicator"])
        for r in responsibilities:
            if r.get("clause_ids"):
                named += r["clause_ids"]
                for cid in r["clause_ids"]:
                    self.units_by_clause.setdefault(cid, set()).add(r["unit"])
            elif r.get("section_id"):
                self.units_by_section.setdefault(r["section_id"], set()).add(r["unit"])
                if r["section_id"] in self._done_sections:
                    self.exact = False
        if here is not None and any(cid not in here for cid in named):
            self.exact = False
        return self._rows(self.cut.feed(clauses))

    def close(self) -> Iterator[dict]:
        return self._rows(self.cut.close())

    def _rows(self, units: Iterable[Unit]) -> Iterator[dict]:
        sections = self.sections
        for u in units:
            i = self.i
            self.i += 1
            self._done_sections.add(u.section_id)
            if len(u.members) == 1 and u.labels[0] and i > 0 and not u.lead:
                continue     # a stray label: never a hit of its own
            chain, sid, seen = [], u.section_id, set()
            while sid and sid in sections and sid not in seen:
                seen.add(sid)
                if sections[sid].get("heading"):
                    chain.append(sections[sid]["heading"])
                sid = sections[sid].get("parent")
            units = set(self.units_by_section.get(u.section_id or "", ()))
            indicators: set[str] = set()
            kinds = []
            for c in u.members:
                units |= set(self.units_by_clause.get(c["id"], ())) | set(c.get("actors") or [])
                indicators |= set(self.target_clauses.get(c["id"], []))
                k = c.get("kind") or "other"
                if k not in kinds:
                    kinds.append(k)
            kind = min(kinds, key=lambda k: KIND_PRIORITY.index(k) if k in KIND_PRIORITY else len(KIND_PRIORITY))
            members = [[c["id"], a, b, c.get("kind") or "other"] for c, (a, b) in zip(u.members, u.offsets)]
            yield {"clause_id": u.members[0]["id"], "section_id": u.section_id, "kind": kind,
                   "heading": " / ".join(reversed(chain)), "text": u.text, "text_hash": text_hash(u.text),
                   "has_target": int(any(c["id"] in self.target_clauses for c in u.members)), "ord": i,
                   "kinds": ",".join(kinds), "members": json.dumps(members, ensure_ascii=False),
                   "clause_ids": [c["id"] for c in u.members],
                   "units": sorted(units), "indicators": sorted(indicators)}


# --- segmentation ----------------------------------------------------------------------------

_jieba = None
_lock = threading.Lock()


def jieba():
    """jieba, imported on first use, configured as the rest of zhengce configures it: cache in a
    writable temp dir, quiet logs, and the policy user dictionary (``pipeline.nlp.segmenter``) —
    the extractors load that dictionary into the same global jieba, so search must load it too or
    index-time and query-time segmentation would differ between processes."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                cache = os.environ.get("JIEBA_CACHE_DIR") or os.environ.get("ZHENGCE_CACHE_DIR") or tempfile.gettempdir()
                try:
                    os.makedirs(cache, exist_ok=True)
                    if not os.access(cache, os.W_OK):
                        raise OSError
                except OSError:
                    cache = tempfile.gettempdir()
                os.environ["JIEBA_CACHE_DIR"] = cache
                try:
                    from ..nlp import segmenter
                    j = segmenter()
                except ImportError:  # pragma: no cover - older trees without pipeline/nlp.py
                    import logging

                    import jieba as j
                    j.setLogLevel(logging.WARNING)
                j.dt.tmp_dir = cache
                j.initialize()
                _jieba = j
    return _jieba


def fold(text: str) -> str:
    """NFKC (full-width → half-width) and lower case: the form both index and query see."""
    return unicodedata.normalize("NFKC", text or "").lower()


_WORDY = re.compile(r"[\w]", re.UNICODE)


# jieba cuts at punctuation anyway, so cutting sentence by sentence gives the same tokens; the cache
# pays off because policies copy sentences (a county's 实施方案 repeats its province's wording)
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


@functools.lru_cache(maxsize=50_000)
def _sentence_tokens(sentence: str) -> tuple[str, ...]:
    out = []
    freq = jieba().dt.FREQ
    for t in jieba().cut_for_search(sentence):
        t = t.strip()
        if t and _WORDY.search(t):
            if 3 <= len(t) <= MADE_UP_MAX and not freq.get(t) and _HAN.fullmatch(t):
                out.extend(t[i:i + 2] for i in range(len(t) - 1))
            out.append(t)
    return tuple(out)


# Search mode adds the dictionary words inside a dictionary word (学前教育 → 学前, 教育), but nothing
# inside a word jieba's HMM made up from characters it has no word for: 市河长 and 总河长 are such
# words, so 河长 never matched them.  Their character bigrams are added the same way (市河, 河长),
# for made-up words of up to MADE_UP_MAX characters (longer ones are names, cut by other means).
MADE_UP_MAX = 6
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def tokens(text: str) -> list[str]:
    """Search-mode jieba tokens of text, in order, punctuation and spaces dropped."""
    if not text:
        return []
    out: list[str] = []
    for sentence in _SENTENCE_END.split(fold(text)):
        if sentence:
            out.extend(_sentence_tokens(sentence))
    return out


def segmented(text: str) -> str:
    """Space-joined tokens: what goes into a whitespace-tokenised full-text field."""
    return " ".join(tokens(text))
