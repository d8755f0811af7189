"""Numeric targets (SCHEMA "Targets"): the sentence parser's candidates placed in context.

``target_parse.parse_targets`` reads a sentence (value, comparator, unit, indicator, recurrence,
an in-sentence deadline phrase).  This module decides which sentences are read (not facts: a
十三五 review or a past figure is not a target), resolves each deadline — from the sentence,
else from a ``到2025年，`` opening the paragraph or a section heading — and reads indicator
tables (a row per indicator, year columns for baseline and target, a 属性 column for
约束性/预期性).
"""
from __future__ import annotations

import re
from datetime import date

from ..lexicon import table
from ..model import Baseline, Target
from .target_parse import is_past_fact, parse_number, parse_targets
from .time import period_end

OPENING_DEADLINE = re.compile(r"^(?:到|至|力争到|力争|预计到|计划到)?(?P<when>(?:20\d{2}|[二〇○零一三四五六七八九]{4})年(?:底|末|前)?|“?十[四五六]五”?(?:末|期末|时期)?)[，,]")
YEAR_HEADER = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年?(?:目标|目标值|基数|基期|现状)?$")
UNIT_IN_NAME = re.compile(r"[（(](?P<unit>[^（）()]{1,8})[）)]$")


def _doc_date(doc) -> date | None:
    d = doc.metadata.signed_date or doc.metadata.published_date
    try:
        return date.fromisoformat(d) if d else None
    except ValueError:
        return None


def _unit_from_indicator(name: str) -> str | None:
    for row in table("target_table_units"):
        if name.endswith(row["suffix"]):
            return row["unit"]
    return None


def table_targets(doc, doc_day: date | None) -> list[Target]:
    """Targets from indicator tables: 指标 | 2020年 | 2025年 | 属性."""
    out = []
    clause_at = {c.span[0]: c.id for c in doc.clauses}
    for t in doc.tables:
        header = t.rows[0]
        years = [(i, int(m["year"])) for i, cell in enumerate(header) if (m := YEAR_HEADER.match(cell.strip()))]
        if not years:
            continue
        binding_col = next((i for i, c in enumerate(header) if re.search(r"属性|性质|指标类型", c)), None)
        target_col, target_year = max(years, key=lambda x: x[1])
        base = [(i, y) for i, y in years if y < target_year]
        base_col, base_year = max(base, key=lambda x: x[1]) if base else (None, None)
        line_start = t.span[0]
        for r, row in enumerate(t.rows):
            row_start = line_start
            line_start += len(" | ".join(row)) + 1
            if r == 0 or target_col >= len(row):
                continue
            name = row[0].strip()
            value = parse_number(row[target_col]) if row[target_col].strip() else None
            if not name or value is None:
                continue
            m = UNIT_IN_NAME.search(name)
            unit = m["unit"] if m else _unit_from_indicator(name)
            indicator = name[:m.start()] if m else name
            baseline = None
            if base_col is not None and base_col < len(row):
                b = parse_number(row[base_col]) if row[base_col].strip() else None
                if b is not None:
                    baseline = Baseline(value=b, year=base_year)
            binding = None
            if binding_col is not None and binding_col < len(row) and row[binding_col].strip() in ("约束性", "预期性"):
                binding = row[binding_col].strip()
            row_text = doc.text[row_start:row_start + len(" | ".join(row))]
            out.append(Target(clause_id=clause_at.get(row_start), indicator=indicator, comparator="=", value=value,
                              unit=unit, deadline=f"{target_year}-12-31", baseline=baseline, binding=binding,
                              text=row_text, span=(row_start, row_start + len(row_text))))
    return out


def _paragraph_deadline(doc, start: int, doc_day: date | None) -> str | None:
    """A deadline opening the paragraph (``到2025年，…``) that holds offset start."""
    line_start = doc.text.rfind("\n", 0, start) + 1
    m = OPENING_DEADLINE.match(doc.text[line_start:start + 40])
    if m and line_start + m.end() <= start + 1:
        return period_end(m["when"], doc_day)
    return None


def _lead_in_deadline(doc, start: int, doc_day: date | None) -> str | None:
    """A bulleted goal (``——学前教育毛入园率达到99%``) is due when the paragraph leading into the
    list says (``…。到2025年，全区各级各类教育…``)."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    if not BULLET.match(text[line_start:line_start + 3]):
        return None
    pos = line_start - 1
    while pos > 0:
        prev_start = text.rfind("\n", 0, pos) + 1
        line = text[prev_start:pos]
        if not BULLET.match(line):
            m = INTRO_DEADLINE.search(line)
            if m and (doc_day is None or int(m["year"]) >= doc_day.year):
                return f"{m['year']}-12-31"
            return None
        pos = prev_start - 1
    return None


BULLET = re.compile(r"^(?:——|—|－－|•|●|▪|◆)")
INTRO_DEADLINE = re.compile(r"(?:^|[。；，,])(?:到|至|力争到|预计到)(?P<year>20\d{2})年(?:底|末)?[，,]")


def _heading_deadline(doc, section_id: str | None, doc_day: date | None) -> str | None:
    by_id = {s.id: s for s in doc.sections}
    sec = by_id.get(section_id)
    while sec is not None:
        m = OPENING_DEADLINE.match(sec.heading + "，")
        if m:
            return period_end(m["when"], doc_day)
        sec = by_id.get(sec.parent)
    return None


PLAN_NAME_AFTER = re.compile(r"^(?:行动|计划|规划|攻坚|专项)")


def not_a_target(cand) -> bool:
    """Numbers the sentence parser reads that are not goals: a plan's name (三年行动计划), an
    indefinite 一批, the single act of a recurring duty (每三年核定一次)."""
    text = cand.text
    if cand.unit == "年" and re.search(r"年(?:行动|计划|规划|攻坚)", text):
        return True
    if cand.unit in ("批", "些") and cand.value == 1:
        return True
    if cand.unit == "次" and cand.value == 1 and cand.comparator == "=" and re.search(r"[一1]次", text) \
            and cand.recurrence and re.search(r"每[一二三四五六七八九十两\d]+年", cand.recurrence):
        return True
    return False


def extract(doc) -> None:
    doc_day = _doc_date(doc)
    targets: list[Target] = []
    year = doc_day.year if doc_day else None
    for c in doc.clauses:
        if " | " in c.text or c.kind == "fact" or is_past_fact(c.text, year):
            continue
        for cand in parse_targets(c.text, c.span[0]):
            if not_a_target(cand):
                continue
            deadline = period_end(cand.deadline_text, doc_day) if cand.deadline_text else None
            if deadline is None:
                deadline = (_paragraph_deadline(doc, c.span[0], doc_day) or _heading_deadline(doc, c.section_id, doc_day)
                            or _lead_in_deadline(doc, c.span[0], doc_day))
            targets.append(Target(clause_id=c.id, indicator=cand.indicator, comparator=cand.comparator,
                                  value=cand.value, value_max=cand.value_max, unit=cand.unit, deadline=deadline,
                                  recurrence=cand.recurrence, text=cand.text, span=cand.span))
    targets.extend(table_targets(doc, doc_day))
    targets.sort(key=lambda t: t.span[0])
    doc.targets = targets
    # a clause's deadline: the earliest of its targets' deadlines, else its paragraph's or heading's
    by_clause: dict[str, str] = {}
    for t in targets:
        if t.clause_id and t.deadline:
            by_clause.setdefault(t.clause_id, t.deadline)
    for c in doc.clauses:
        c.deadline = by_clause.get(c.id) or _paragraph_deadline(doc, c.span[0], doc_day) \
            or _heading_deadline(doc, c.section_id, doc_day) or _phase_deadline(doc, c.section_id, doc_day)


def _phase_deadline(doc, section_id: str | None, doc_day: date | None) -> str | None:
    """A phase named in a heading: 具体实施阶段（2017年3月—2017年9月） → 2017-09-30."""
    from .time import extract_time_expressions
    by_id = {s.id: s for s in doc.sections}
    sec = by_id.get(section_id)
    while sec is not None:
        for t in extract_time_expressions(sec.heading, doc_day):
            if t.kind in ("interval", "date") and t.end:
                return t.end
        sec = by_id.get(sec.parent)
    return None
