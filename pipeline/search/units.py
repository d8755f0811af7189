"""Sentence units: what a search hit is.

The extractors cut a sentence into clauses where a cue of another kind opens a comma part
(``完善…，`` / ``确保…。``) and keep labels such as ``（责任单位：市科委）`` as clauses of their own.
A reader wants the whole sentence or list item, so the index groups a record's clauses into units:
consecutive clauses of one section, on one line, up to the clause that ends a sentence or list item
(``。！？；``); a clause that is only a bracketed label or aside (``（责任单位：…）``,
``（有条件的可适当增加1-2个）``) closes the unit before it and is never a unit of its own.  Each
unit keeps its member clauses with their offsets in its text, so a hit can show which clause
matched.  Nothing here changes the record: it is the index's view of it.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterator

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

    def add(self, clause: dict) -> None:
        start = len(self.text)
        self.text += clause["text"]
        self.members.append(clause)
        self.offsets.append((start, len(self.text)))
        if not is_label(clause["text"]):
            self.closed = bool(_END.search(clause["text"]))


def sentence_units(rec: dict) -> list[Unit]:
    """The record's clauses grouped into sentence units, in order."""
    return list(iter_units(rec))


def iter_units(rec: dict) -> Iterator[Unit]:
    """``sentence_units`` one at a time (each once it is complete): a 50 MB record has ~300,000."""
    text = rec.get("text") or ""
    cur: Unit | None = None
    prev_end = None
    for c in rec.get("clauses", []):
        span = c.get("span") or (None, None)
        gap = text[prev_end:span[0]] if prev_end is not None and span[0] is not None and span[0] >= prev_end else ""
        same_place = cur is not None and cur.section_id == c.get("section_id") and "\n" not in gap
        if same_place and is_label(c["text"]) and len(cur.text) + len(c["text"]) <= MAX_UNIT_CHARS * 2:
            cur.add(c)                         # a label closes the sentence before it, whatever its end
        elif same_place and not cur.closed and len(cur.text) + len(c["text"]) <= MAX_UNIT_CHARS:
            cur.add(c)
        else:
            if cur is not None:
                yield cur
            cur = Unit(c.get("section_id"))
            cur.add(c)
        prev_end = span[1] if span[1] is not None else prev_end
    if cur is not None:
        yield cur
