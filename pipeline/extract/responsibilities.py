"""Responsible units (SCHEMA "Responsibilities").

Three sources, in order of explicitness:
1. labelled lists ``（责任单位：市教育局，各县、市、区政府和管委会）``, ``（牵头单位：…；配合单位：…）``;
2. bracketed unit lists with a verb or none: ``（省商务厅负责）``, ``（体育总局、民政部负责）``,
   ``（市经济信息化委、市科委）`` closing a task;
3. prose: the organisations a clause charges by name (``教体局要发挥好牵头协调作用`` → lead,
   ``县教科局负责制定…`` → responsible), from the clause extractor's actors.
One entry per unit, split on the separators between units but never inside one
(``各县、市、区政府和管委会`` is one unit); each attached to the numbered item it closes.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..lexicon import table
from ..model import Responsibility
from ..structure.metadata import is_org
from ..structure.sections import section_at
from .clauses import actor_kind


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern, dict[str, str]]:
    roles = {r["label"]: r["role"] for r in table("resp_labels")}
    pattern = re.compile("(" + "|".join(sorted(map(re.escape, roles), key=len, reverse=True)) + r")\s*[:：]\s*")
    return pattern, roles


@lru_cache(maxsize=1)
def _verbs() -> tuple[re.Pattern, dict[str, str]]:
    roles = {r["verb"]: r["role"] for r in table("resp_verbs")}
    pattern = re.compile("(" + "|".join(sorted(map(re.escape, roles), key=len, reverse=True)) + r")$")
    return pattern, roles


def is_unit(text: str) -> bool:
    t = canonical(text)
    if re.match(r"^(?:将|把|对|在|按|以|由|为|从)", t):
        return False
    return 2 <= len(t) <= 40 and not re.search(r"[。；！？：:]", t) and (is_org(t) or actor_kind(t) == "org")


def canonical(unit: str) -> str:
    """The unit without layout and without a parenthesised merged bureau: 市教育局（市体育局） → 市教育局."""
    u = re.sub(r"\s+", "", unit).strip("，,、；;。")
    u = re.sub(r"^(?:各有关|有关)?(?:责任|牵头)?单位[:：]", "", u)
    base = re.sub(r"[（(][^（）()]*[）)]$", "", u)
    return base if len(base) >= 2 and is_org(base) else u


def split_units(text: str, base: int) -> list[tuple[str, int, int]]:
    """(unit, start, end) for each unit in a list, offsets into the document (base = text's offset)."""
    out = []
    for m in re.finditer(r"[^，,；;]+", text):
        part, pstart = m.group(), m.start()
        pieces = []
        pos = 0
        for piece in part.split("、"):
            pieces.append((piece, pstart + pos))
            pos += len(piece) + 1
        if len(pieces) > 1 and all(is_unit(p) for p, _ in pieces):
            chosen = pieces
        else:
            chosen = [(part, pstart)]
        for piece, s in chosen:
            lead = len(piece) - len(piece.lstrip(" 　"))
            piece = piece.strip(" 　")
            piece = re.sub(r"等$", "", piece) if is_unit(re.sub(r"等$", "", piece)) else piece
            if is_unit(piece):
                out.append((piece, base + s + lead, base + s + lead + len(piece)))
    return out


def _brackets(text: str):
    """Balanced （…） spans with their inner text (nested brackets kept inside)."""
    stack = []
    for i, ch in enumerate(text):
        if ch in "（(":
            stack.append(i)
        elif ch in "）)" and stack:
            start = stack.pop()
            if not stack:
                yield start, i + 1, text[start + 1:i]


def explicit_lists(text: str):
    """(unit, role, start, end, block_start, block_end) from bracketed lists."""
    label_re, label_roles = _labels()
    verb_re, verb_roles = _verbs()
    for bs, be, inner in _brackets(text):
        if len(inner) > 400 or inner.startswith(("以下简称", "简称", "下称")):
            continue
        labelled = list(label_re.finditer(inner))
        if labelled and labelled[0].start() == 0:
            for k, m in enumerate(labelled):
                seg_end = labelled[k + 1].start() if k + 1 < len(labelled) else len(inner)
                seg = inner[m.end():seg_end]
                seg = re.split(r"[；;](?:适用范围|完成时限|时间)", seg)[0]
                for unit, s, e in split_units(seg, bs + 1 + m.end()):
                    yield unit, label_roles[m.group(1)], s, e, bs, be
            continue
        # （X负责） / （X牵头，Y配合） / a bare unit list closing a task
        parts = [(m.group(), m.start()) for m in re.finditer(r"[^，,；;]+", inner)]
        parsed = []
        for part, ps in parts:
            vm = verb_re.search(part)
            role = verb_roles[vm.group(1)] if vm else None
            units_text = part[:vm.start()] if vm else part
            units = split_units(units_text, bs + 1 + ps)
            if not units or sum(e - s for _, s, e in units) < 0.6 * len(units_text.replace("、", "")):
                parsed = None
                break
            parsed.append((units, role))
        if not parsed:
            continue
        has_verb = any(role for _, role in parsed)
        at_end = re.match(r"\s*(?:[。；;]|$|\n)", text[be:be + 2] or "") is not None
        if not has_verb and not at_end:
            continue   # 市教育局（市体育局） inside a sentence is an alias, not a list
        for units, role in parsed:
            for unit, s, e in units:
                yield unit, role or "responsible", s, e, bs, be


def extract(doc) -> None:
    text = doc.text
    out: list[Responsibility] = []
    seen: set[tuple[str, str | None, str]] = set()
    clause_spans = [(c.span, c.id, c.section_id) for c in doc.clauses]

    def add(unit, role, s, e, sid, clause_ids):
        key = (canonical(unit), sid, role)
        if key in seen:
            return
        seen.add(key)
        canon = canonical(unit)
        out.append(Responsibility(unit=canon, surface=unit if unit != canon else None, role=role, section_id=sid,
                                  clause_ids=clause_ids, span=(s, e)))

    for unit, role, s, e, bs, be in explicit_lists(text):
        sid = section_at(doc.sections, bs)
        ids = [cid for (cs, ce), cid, csid in clause_spans if csid == sid and cs < bs][-20:]
        add(unit, role, s, e, sid, ids)

    for c in doc.clauses:
        if c.kind not in ("obligation", "prohibition") or not c.actors or c.cue == "请":
            continue   # 请认真贯彻落实 asks the notice's recipients to act, it names no task
        for actor in c.actors:
            if actor_kind(actor) != "org" and not is_org(actor):
                continue
            k = c.text.find(actor)
            after = c.text[k + len(actor):k + len(actor) + 12] if k >= 0 else ""
            role = "lead" if "牵头" in after else "support" if re.match(r"^(?:要|应)?(?:配合|协助|协同|参与)", after) else "responsible"
            s = c.span[0] + max(k, 0)
            add(actor, role, s, s + len(actor), c.section_id, [c.id])
    out.sort(key=lambda r: r.span[0])
    doc.responsibilities = out
