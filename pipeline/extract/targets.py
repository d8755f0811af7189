"""Numeric targets (SCHEMA "Targets"): the sentence parser's candidates placed in context.

``target_parse.parse_targets`` reads a sentence (value, comparator, unit, indicator, recurrence,
an in-sentence deadline phrase); a clause split off mid-sentence is read with the clause before it.
This module decides which sentences are read — not facts: a clause of kind ``fact``, a past figure,
anything in a review part (a section under 2025年工作回顾 / “十三五”发展成就, or an unnumbered
review heading line up to the next goal heading: the review part of a 政府工作报告) or in a paragraph
that opens with a past period (“十四五”时期，… 这五年，…) up to a sentence opening a future one — drops
evidence that is not Chinese prose (URLs, percent-encoding, code), and resolves each deadline
from the clearest scope that gives one, in this order:
  1. the sentence (力争2021年底…);
  2. the latest sentence opening of the paragraph (到2025年，…; 今年…目标是：; 用三年时间，…);
  3. the intro of a goal list whose items start with ——/--/一是/1. (到2025年，主要目标是：);
  4. the nearest enclosing section whose heading names one period and is a goal heading or a
     single year (一、发展目标（2023—2025年）; 三、2026年工作安排) or, in an annual report, a later
     period (二、“十五五”时期主要任务 of a 2026年政府工作报告), or a goal section (主要目标)
     whose intro opens with 到2025年，(else the plan period of the title);
  5. a part opened by an unnumbered dated heading line or annex title (附件1 / 2026年十件民生实事);
  6. the year of an annual title (2026年…工作要点 / 政府工作报告) when no enclosing heading names
     another period.
A rule's time limit (20日内作出决定) takes no plan or section period, and a sum or rate the policy grants
(给予…最高500万元) none but its own sentence's, unless the document is a year's (2026年…工作要点 /
政府工作报告: a grant there is that year's pledge).  Tasks of a
five-year plan's 重点任务 section take none.  Indicator tables (a row per indicator, year columns
for baseline and target, 指标名称 / 单位 / 属性 columns) are read as well.
"""
from __future__ import annotations

import re
from functools import lru_cache
from bisect import bisect_left, bisect_right
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from ..lexicon import table, words
from ..model import Baseline, Target
from .indicator_context import qualify
from .target_parse import (GOAL_WORDS, _alt, _lex, _unit_kind, bare_grant, grant_topic, has_goal_word, is_past_fact,
                           is_review_heading, labelled_grant, parse_number, parse_targets)
from .time import extract_time_expressions, own_act_deadline, period_end, reference_year

CELL_SENTENCE = re.compile(r"[^。！？；;]+[。！？；;]?")
# a period named after the duration that bounds it (不超过6个月的过渡期, 不少于三十日的适应调整期)
PERIOD_NAMED_AFTER = re.compile(r"的(?P<noun>[\u4e00-\u9fff]{1,8}?(?:期|期限|期间|时长|周期))(?=[，,。；;、）)]|$)")
SENTENCE_END = re.compile(r"[。！？]\s*")
OPENING_DEADLINE = re.compile(r"^(?:到|至|力争到|力争|预计到|计划到)?(?P<when>(?:20\d{2}|[二〇○零一三四五六七八九]{4})年(?:底|末|前)?|“?十[四五六]五”?(?:末|期末|时期)?"
                              r"|(?:今|明)年(?:年底|底|末)?|用(?:\d{1,2}|[一二两三四五六七八九十])年(?:左右)?(?:的)?时间)[，,]")
YEAR_HEADER = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年?(?:目标|目标值|基数|基期|现状)?$")
NAME_HEADER = re.compile(r"^(?:指标名称|指标|主要指标|指标项|名称|项目)$")
SERIAL_HEADER = re.compile(r"^(?:序号|编号|序)$")
UNIT_HEADER = re.compile(r"^(?:指标)?(?:计量)?单位$")
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


# the column of an indicator table that names what each row measures (二级指标 | 评价标准 | …)
INDICATOR_HEADER = re.compile(r"^(?:[一二三四]级)?(?:指标名称|指标|主要指标|指标项)$")
# what explains a row rather than sets it (指标含义: 覆盖率=…/…; 就诊人数指…; 数据来源, 备注)
NOTE_HEADER = re.compile(r"(?:含义|解释|说明|定义|计算方法|计算公式|公式|来源|备注|考核方法|评分方法|依据|口径)$")
# a scoring scheme's column (指标内容及分值: 6万元以上（12分）): conditions that earn points, not targets
SCORE_HEADER = re.compile(r"分值|分数|得分|评分|赋分|计分")
CELL_NUMBER = re.compile(r"^\s*(?:\d{1,3}[.、．]|[（(]\d{1,3}[）)])\s*")
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
FORMULA = re.compile(r"[=＝][^，,。；;]*[/÷／]|[*×]\s*100\s*[%％]")   # 覆盖率=签约人数/常住人口数*100%: a definition


class _Cell(NamedTuple):
    start: int
    text: str
    indicator: str | None         # the row's indicator name, when the table has such a column


def prose_cells(doc) -> dict[int, list[_Cell]]:
    """Row start → the cells of that row that hold prose with a figure, in tables other than
    year-column indicator tables (which table_targets reads): a criterion column (重点人群签约服务覆盖率 |
    较上一年增加。2023年达到80%…) or a task column (工作任务 | …到2025年建成…) states targets as prose.
    A row shorter than its header lost its leading merged cells: it is aligned to the right."""
    out: dict[int, list[_Cell]] = {}
    for t in doc.tables:
        header = [c.strip() for c in t.rows[0]]
        if any(YEAR_HEADER.match(c) for c in header):
            continue
        name_cols = [i for i, c in enumerate(header) if INDICATOR_HEADER.match(c)]
        note_cols = {i for i, c in enumerate(header) if NOTE_HEADER.search(c) or SCORE_HEADER.search(c)}
        for r, row_start, row, shift in t.located_rows():
            if r == 0:
                continue
            names = [CELL_NUMBER.sub("", row[i - shift]).strip() for i in name_cols if 0 <= i - shift < len(row)]
            name = next((n for n in reversed(names) if n), None)
            cells = [_Cell(pos, cell, name) for k, (pos, cell) in enumerate(t.cell_starts(row_start, row))
                     if k + shift not in name_cols and k + shift not in note_cols and re.search(r"\d", cell)
                     and len(CJK_CHAR.findall(cell)) >= 4]
            if cells:
                out[row_start] = cells
    return out


@lru_cache(maxsize=1)
def _cell_comparators() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(words before, words after) a table cell's figure that bound it (≥95, >2, 95以上, 5左右), longest first."""
    rows = [r for r in table("target_comparators") if r.get("change") != "yes"]
    pre = [(r["word"], r["comparator"]) for r in rows if r["position"] == "pre" and int(r["gap"] or 0) == 0]
    post = [(r["word"], r["comparator"]) for r in rows if r["position"] == "post"]
    return (tuple(sorted(pre, key=lambda w: -len(w[0]))), tuple(sorted(post, key=lambda w: -len(w[0]))))


def cell_figure(cell: str) -> tuple[str, float] | None:
    """(comparator, value) of an indicator table's target cell: '95' -> =, '>2' -> >, '≥90%' -> >=,
    '3以上' -> >=; None when the cell holds no single figure."""
    s = cell.strip()
    comparator = "="
    pre, post = _cell_comparators()
    for word, comp in pre:
        if s.startswith(word):
            s, comparator = s[len(word):].strip(), comp
            break
    for word, comp in post:
        if s.endswith(word):
            s, comparator = s[:-len(word)].strip(), comp
            break
    value = parse_number(s) if s else None
    return (comparator, value) if value is not None else None


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
        name_col = next((i for i, c in enumerate(header) if NAME_HEADER.search(c.strip())), None)
        if name_col is None:                               # the first column that is not 序号
            name_col = next((i for i, c in enumerate(header) if not SERIAL_HEADER.match(c.strip())), 0)
        unit_col = next((i for i, c in enumerate(header) if UNIT_HEADER.match(c.strip())), None)
        target_col, target_year = max(years, key=lambda x: x[1])
        base = [(i, y) for i, y in years if y < target_year]
        base_col, base_year = max(base, key=lambda x: x[1]) if base else (None, None)
        for r, row_start, row, _ in t.located_rows():
            if r == 0 or target_col >= len(row):
                continue
            name = row[name_col].strip() if name_col < len(row) else ""
            figure = cell_figure(row[target_col])
            if not name or figure is None:
                continue
            comparator, value = figure
            m = UNIT_IN_NAME.search(name)
            unit_cell = row[unit_col].strip() if unit_col is not None and unit_col < len(row) else ""
            unit = unit_cell or (m["unit"] if m else _unit_from_indicator(name))
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
            out.append(Target(clause_id=clause_at.get(row_start), indicator=indicator, comparator=comparator, value=value,
                              unit=unit, deadline=f"{target_year}-12-31", baseline=baseline, binding=binding,
                              text=row_text, span=(row_start, row_start + len(row_text))))
    return out


def _paragraph_deadline(doc, start: int, doc_day: date | None, whole_paragraph: bool = True,
                        ref_year: int | None = None) -> str | None:
    """A deadline opening the sentence that holds offset start (``到2025年，A达到…，B达到…``), or
    with ``whole_paragraph`` (a goal section) the latest one opening a sentence of its paragraph
    (``到2025年，…。建设…，突破百项…``): elsewhere a later sentence is another task, not the goal's."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    while line_start < start and text[line_start] in " \t\u3000":
        line_start += 1
    best = None
    opens = [line_start] + [m.end() for m in SENTENCE_END.finditer(text, line_start, start)]
    for k in (opens if whole_paragraph else opens[-1:]):
        m = OPENING_DEADLINE.match(text[k:start + 40])    # 到2025年，…。到2030年，…: the latest opening holds
        if m and k + m.end() <= start + 1:
            best = m["when"]
    if best:
        return period_end(best, doc_day, ref_year)
    if doc_day is not None and THIS_YEAR_INTRO.match(doc.text[line_start:max(start, line_start + 40)]):
        return f"{doc_day.year}-12-31"                    # 今年经济社会发展的主要预期目标是：…
    return None


def _lead_in_deadline(doc, start: int, doc_day: date | None) -> str | None:
    """An item of a goal list (``——学前教育毛入园率达到99%``, ``一是…``, ``1. …``) is due when the
    paragraph leading into the list says (``…。到2025年，全区各级各类教育…``, ``今年主要预期目标是：``)."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    numbered = bool(NUMBERED_ITEM.match(text[line_start:line_start + 8]))
    if not numbered and not LIST_ITEM.match(text[line_start:line_start + 8]):
        return None
    pos, seen = line_start - 1, 0
    while pos > 0 and seen < 40:
        prev_start = text.rfind("\n", 0, pos) + 1
        line = text[prev_start:pos]
        pos, seen = prev_start - 1, seen + 1
        if not line.strip() or LIST_ITEM.match(line) or NUMBERED_ITEM.match(line):
            continue
        if numbered and not line.rstrip().endswith(("：", ":")):
            return None                                   # （一）… items: only under 主要目标是： itself
        m = INTRO_DEADLINE.search(line)
        if m and (doc_day is None or int(m["year"]) >= doc_day.year):
            return f"{m['year']}-12-31"
        if doc_day is not None and THIS_YEAR_INTRO.search(line):
            return f"{doc_day.year}-12-31"
        return None
    return None


RATE_WORD = re.compile(r"率|比例|比重|占")
# the rate a list's lead-in names: 绿地率应当符合以下要求： / 月缴费费率按以下标准执行： / 个人缴费费率： /
# 按以下比例支付： / 支付比例如下：
LEAD_RATE = re.compile(r"按(?:以下|下列|如下)比例(?P<verb>[\u4e00-\u9fff]{1,4})[：:]\s*$"
                       r"|(?P<rate>(?:(?!按|以下|下列)[\u4e00-\u9fff]){0,5}?(?:费率|[^，,、的按]率|比例|比重))"
                       r"(?:应当|应|按|如下|为|是)?[^，,：:]{0,10}[：:]\s*$")


def _lead_in_rate(doc, start: int) -> str | None:
    """The rate named by the lead-in of the list the figure at start is an item of (…，绿地率应当符合以下要求：
    （一）居住项目不低于百分之三十 -> 居住项目绿地率), else None."""
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    if not LIST_ITEM.match(text[line_start:line_start + 8]) and not NUMBERED_ITEM.match(text[line_start:line_start + 8]):
        return None
    pos = line_start - 1
    for _ in range(12):
        if pos <= 0:
            return None
        prev = text.rfind("\n", 0, pos) + 1
        line = text[prev:pos].strip()
        pos = prev - 1
        if line.endswith(("：", ":")):
            m = LEAD_RATE.search(line.split("，")[-1])
            if not m:
                return None
            rate = m["rate"] or (m["verb"] + "比例")
            return re.sub(r"^(?:按|其|的)", "", rate)
        if not (LIST_ITEM.match(line) or NUMBERED_ITEM.match(line)):
            return None
    return None


BULLET = re.compile(r"^(?:——|—|－－|•|●|▪|◆)")
LIST_ITEM = re.compile(r"^[ \t\u3000]*(?:——|—|－－|--|•|●|▪|◆|[一二三四五六七八九十]是|\d{1,2}[.．、)）](?!\d)|[（(]\d{1,2}[)）]|[①-⑳])")
NUMBERED_ITEM = re.compile(r"^[ \t\u3000]*[（(][一二三四五六七八九十]{1,3}[)）]")
INTRO_DEADLINE = re.compile(r"(?:^[ \t\u3000]*|[。；，,：:])(?:到|至|力争到|预计到)?(?P<year>20\d{2})年(?:底|末)?(?:[，,：:]|[^。；]{0,30}目标(?:是|为)?[：:])")
THIS_YEAR_INTRO = re.compile(r"^[ \t\u3000]*(?:今年|本年度?|全年)[^。；]{0,30}目标(?:是|为)?[：:]")


def _heading_deadline(doc, section_id: str | None, doc_day: date | None, by_id: dict | None = None,
                      ref_year: int | None = None) -> str | None:
    by_id = by_id if by_id is not None else {s.id: s for s in doc.sections}
    sec = by_id.get(section_id)
    while sec is not None:
        m = OPENING_DEADLINE.match(sec.heading + "，")
        if m:
            return period_end(m["when"], doc_day, ref_year)
        sec = by_id.get(sec.parent)
    return None


PLAN_NAME_AFTER = re.compile(r"^(?:行动|计划|规划|攻坚|专项)")
PLAN_TITLE = re.compile(r"规划|计划|方案|纲要|要点|行动|安排|工作报告")
ANNEX_LINE = re.compile(r"^附件\s*[\d一二三四五六七八九十]*\s*[：:]?$")
APPROVAL_TITLE = re.compile(r"(?:规划|计划|纲要|方案)[（(][^（）()]*\d{4}[^（）()]*[）)]的(?:批复|复函)$")
GOAL_HEADING = re.compile(r"目标|指标")  # a goal section: its intro's or the plan's period holds for its figures


class _Scope:
    """What a document's structure says about its targets, computed once: the review parts (a
    十三五 review, 2025年工作回顾: past figures, not targets), the period each section's heading or
    goal intro sets (三、2026年工作安排; 一、主要目标 + 到2025年，…), the plan period of the title
    (…行动计划（2023—2025年）)."""

    def __init__(self, doc, doc_day: date | None, ref_year: int | None = None):
        self.doc, self.day, self.ref = doc, doc_day, ref_year
        self._times: dict[str, list] = {}
        self.by_id = {s.id: s for s in doc.sections}
        self.zones = _review_zones(doc)
        # review zones may overlap: by start, with the furthest end reached so far (bisect per offset)
        ordered = sorted(self.zones)
        self._zone_starts = [a for a, _ in ordered]
        self._zone_reach = []
        for _, b in ordered:
            self._zone_reach.append(max(b, self._zone_reach[-1]) if self._zone_reach else b)
        self.plan_zones = self._plan_zones()
        self._plan_starts = [a for a, _, _ in self.plan_zones]   # disjoint, in text order
        self._sec: dict[str, str | None] = {}
        self._past_para: dict[int, tuple[list[int], list[bool]]] = {}
        self.annual = False
        self.title_period = self._title_period()
        # an approval of a plan named with its period restates the plan's goals
        self.approval = bool(self.title_period and APPROVAL_TITLE.search(doc.metadata.title or ""))

    def heading_of(self, section_id: str | None) -> str:
        """A section's heading and its parent's (（二）申请条件 under 三、认定)."""
        sec = self.by_id.get(section_id)
        parent = self.by_id.get(sec.parent) if sec is not None else None
        return " ".join(x.heading for x in (sec, parent) if x is not None)

    def past_paragraph(self, pos: int) -> bool:
        """Whether the sentence at pos belongs to a paragraph's review of a past period: a sentence
        up to it opens with one (“十四五”时期，… / 这五年，… / 2025年，… in a 2026 report) and no
        sentence after that opens with a future one (今后五年，… / 到2030年，…)."""
        text = self.doc.text
        line_start = text.rfind("\n", 0, pos) + 1
        if line_start not in self._past_para:
            self._past_para[line_start] = self._paragraph_states(line_start)
        starts, states = self._past_para[line_start]
        return states[bisect_right(starts, pos) - 1]

    def times(self, text: str) -> list:
        """The time expressions of a heading or phrase, read once per document (a heading is asked
        about for every clause under it)."""
        if text not in self._times:
            self._times[text] = extract_time_expressions(text, self.day, self.ref)
        return self._times[text]

    def _paragraph_states(self, line_start: int) -> tuple[list[int], list[bool]]:
        """For each sentence start of the paragraph at line_start, whether a review holds there
        (computed once per paragraph: a long report paragraph has many targets)."""
        text = self.doc.text
        end = text.find("\n", line_start)
        end = len(text) if end < 0 else end
        past = self._opens_past(text[line_start:line_start + 40])
        starts, states = [line_start], [past]
        for m in SENTENCE_END.finditer(text, line_start, end):
            if FUTURE_OPENING.match(text, m.end()) or OPENING_DEADLINE.match(text[m.end():m.end() + 40]):
                past = False
            elif not past:
                past = self._opens_past(text[m.end():m.end() + 40])   # …。过去五年，我们…: the review starts here
            starts.append(m.end())
            states.append(past)
        return starts, states

    def _opens_past(self, opening: str) -> bool:
        m = PAST_OPENING.match(opening)
        if not m or self.day is None:
            return False
        if m["year"]:
            return int(m["year"]) < self.day.year
        if m["plan"]:
            spans = [t.end for t in self.times(m["plan"]) if t.end]
            return bool(spans) and spans[0][:4] < str(self.day.year)
        return True

    def in_review(self, pos: int) -> bool:
        k = bisect_right(self._zone_starts, pos)
        return bool(k) and pos < self._zone_reach[k - 1]

    def zone_deadline(self, pos: int) -> str | None:
        k = bisect_right(self._plan_starts, pos) - 1
        if k >= 0 and pos < self.plan_zones[k][1]:
            return self.plan_zones[k][2]
        return None

    def _plan_zones(self) -> list[tuple[int, int, str]]:
        """Parts opened by an unnumbered heading line that names one future period: an annex
        title (附件1 / 2026年省十件民生实事) or a goal heading (2026年主要目标任务); each runs to the
        next unnumbered heading line that names a period, the next 附件 or the end."""
        text, out, pos, after_annex = self.doc.text, [], 0, False
        numbered = {s.span[0] for s in self.doc.sections}
        for line in text.split("\n"):
            a, pos = pos, pos + len(line) + 1
            stripped = line.strip(" \t\u3000")
            if ANNEX_LINE.match(stripped):
                if out and out[-1][1] > a:
                    out[-1] = (out[-1][0], a, out[-1][2])
                after_annex = True
                continue
            m = _HEADING_LINE.match(line)
            annex, after_annex = after_annex and bool(stripped), after_annex and not stripped
            if not m or a in numbered or "，" in m["h"] or "|" in m["h"] \
                    or not re.search(r"\d{4}|十[一二三四五六]?五", m["h"]):
                continue
            spans = {(t.start, t.end) for t in self.times(m["h"])
                     if t.kind in ("interval", "named_period", "date") and t.end}
            if out and out[-1][1] > a:
                out[-1] = (out[-1][0], a, out[-1][2])
            if len(spans) != 1 or is_review_heading(m["h"]) or not (annex or GOAL_WORDS.search(m["h"])):
                continue
            end = self._future(next(iter(spans))[1])
            if end:
                out.append((a, len(text), end))
        return out

    def _future(self, end: str | None) -> str | None:
        if not end:
            return None
        if self.day is not None and end < self.day.isoformat()[:4]:
            return None
        return end

    def _title_period(self) -> str | None:
        title = self.doc.metadata.title or ""
        if not PLAN_TITLE.search(title):
            return None
        spans = {(t.start, t.end) for t in self.times(title)
                 if t.kind in ("interval", "named_period", "date") and t.end}
        if len(spans) != 1:
            return None
        start, end = spans.pop()
        self.annual = _one_year(start, end)                # 2026年工作要点: every figure is that year's
        return self._future(end)

    def section_deadline(self, section_id: str | None) -> str | None:
        """The nearest enclosing section whose heading names one future period (2026年工作安排,
        “十五五”时期主要目标), or a goal section (主要目标) whose intro opens with 到2025年，."""
        sec = self.by_id.get(section_id)
        while sec is not None:
            if sec.id not in self._sec:
                self._sec[sec.id] = self._own_deadline(sec)
            if self._sec[sec.id]:
                return self._sec[sec.id]
            sec = self.by_id.get(sec.parent)
        return None

    def _own_deadline(self, sec) -> str | None:
        if is_review_heading(sec.heading) and not GOAL_WORDS.search(sec.heading):
            return None
        goal = bool(GOAL_HEADING.search(sec.heading))
        spans = {(t.start, t.end) for t in self.times(sec.heading)
                 if t.kind in ("interval", "named_period", "date") and t.end}
        if len(spans) > 1 and len(ahead := {sp for sp in spans if self._future(sp[1])}) == 1:
            spans = ahead                                  # “十四五”时期发展成就和“十五五”时期主要目标任务
        if len(spans) == 1:
            start, end = spans.pop()
            if goal or _one_year(start, end):              # 主要目标（2023—2025年）; 三、2026年工作安排
                return self._future(end)
            if self.annual and self.title_period and end[:4] > self.title_period[:4]:
                return self._future(end)                   # 二、“十五五”时期主要任务 of a 2026年政府工作报告
            return None                                    # 三、“十四五”重点任务 of the plan itself: tasks, no date
        if spans or not goal:
            return None
        intro = _first_line_after(self.doc.text, sec.span[1])
        m = OPENING_DEADLINE.match(intro.lstrip(" \t\u3000"))
        if m:
            return self._future(period_end(m["when"], self.day, self.ref))
        lead = re.split(r"[：:，,。]", intro, maxsplit=1)[0]
        named = {(t.start, t.end) for t in self.times(lead) if t.kind in ("interval", "named_period") and t.end}
        if len(named) == 1 and GOAL_HEADING.search(lead):   # “十五”期间…的主要目标是：, the plan's own period
            return self._future(named.pop()[1])
        return self.title_period                           # 发展目标 in a …规划（2023—2025年）

    def under_dated_heading(self, section_id: str | None) -> bool:
        """Whether an enclosing section's heading names a period of its own (“十五五”时期主要任务)."""
        sec = self.by_id.get(section_id)
        while sec is not None:
            if re.search(r"\d{4}|十[一二三四五六]?五", sec.heading) and any(
                    t.kind in ("interval", "named_period", "date")
                    for t in self.times(sec.heading)):
                return True
            sec = self.by_id.get(sec.parent)
        return False

    def goal_section(self, section_id: str | None) -> bool:
        sec = self.by_id.get(section_id)
        while sec is not None:
            if GOAL_HEADING.search(sec.heading):
                return True
            sec = self.by_id.get(sec.parent)
        return False


def _one_year(start: str | None, end: str | None) -> bool:
    return bool(start and end and start[:4] == end[:4] and start[5:] == "01-01" and end[5:] == "12-31")


def _first_line_after(text: str, k: int) -> str:
    """The rest of the line from offset k (after a heading's 。), else the next non-empty line."""
    end = text.find("\n", k)
    end = len(text) if end < 0 else end
    rest = text[k:end].lstrip("。 \t\u3000")
    while not rest.strip() and end < len(text):
        k = end + 1
        end = text.find("\n", k)
        end = len(text) if end < 0 else end
        rest = text[k:end]
    return rest[:200]


# a paragraph opening with a past period reviews it: “十四五”时期，… 这五年，… 过去一年，… 2025年，…
PAST_OPENING = re.compile(r"^[ \t\u3000]*(?:(?:过去|这|近)[一两三四五六七八九十]?年|[一两三四五六七八九十]年来|近年来"
                          r"|(?P<plan>[“\"]?十[一二三四五]五[”\"]?)(?:时期|期间|以来)|(?P<year>(?:19|20)\d\d)年(?:以来)?)(?:[，,]|是)")
FUTURE_OPENING = re.compile(r"[ \t\u3000]*(?:今后|未来|下一步|接下来|展望|今年|明年)")
_HEADING_LINE = re.compile(r"^[ \t\u3000]*(?P<h>[^。；;！？\n]{4,40})[ \t\u3000]*$")


def _review_zones(doc) -> list[tuple[int, int]]:
    """Spans of text that review past work: a section under a review heading (一、2025年工作回顾,
    “十三五”发展成就) up to the next section of its level, and an unnumbered review heading line up to
    the next goal heading line (“十五五”时期主要目标和2026年重点工作) or numbered section."""
    zones = []
    for sec in doc.sections:
        if is_review_heading(sec.heading) and not GOAL_WORDS.search(sec.heading):
            zones.append((sec.span[0], sec.extent[1]))
    text = doc.text
    if not any(w in text for w in _review_words()):
        return zones
    starts = sorted(s.span[0] for s in doc.sections if s.level == 1)
    section_zone_starts = sorted(z0 for z0, _ in zones)
    lines, pos = [], 0                   # (start, end + 1, heading match) of every line
    for line in text.split("\n"):
        lines.append((pos, pos + len(line) + 1, _HEADING_LINE.match(line)))
        pos += len(line) + 1
    goal_starts = [a for a, _, m in lines if m and GOAL_WORDS.search(m["h"]) and "，" not in m["h"]]
    for a, pos, m in lines:
        if not m or not is_review_heading(m["h"]) or GOAL_WORDS.search(m["h"]) or "，" in m["h"]:
            continue
        k = bisect_left(section_zone_starts, a)
        if k < len(section_zone_starts) and section_zone_starts[k] < pos:
            continue                     # a section's review zone starts on this line
        k = bisect_right(starts, a)
        end = starts[k] if k < len(starts) else len(text)
        k = bisect_left(goal_starts, pos)    # the first goal heading line after it, before the section ends
        if k < len(goal_starts) and goal_starts[k] < end:
            end = goal_starts[k]
        zones.append((a, end))
    return zones


def _review_words():
    return words("target_cues", "word", kind="review_heading")


NOT_TEXT = re.compile(r"https?:|://|www\.|%[Ee][0-9A-Fa-f]|(?:%[0-9A-Fa-f]{2}){2}|(?:[A-Fa-f][0-9A-Fa-f]|[0-9][A-Fa-f])%"
                      r"|[A-Za-z0-9_]{12,}|[=&?][A-Za-z_]\w*=")   # URLs, percent-encoding (%E5%A4), code


def is_text_evidence(text: str, context: str) -> bool:
    """A target's evidence is Chinese prose: CJK in its text and no URL, percent-encoding or code
    around it (E5%比例 = 90% from an encoded link is not a target)."""
    if not re.search(r"[\u4e00-\u9fff]", text or ""):
        return False
    return not NOT_TEXT.search(context)


# a grant named only by the tier that gets it (四星级金额, 被评为五星级金额), under a heading naming the grant
_TIER_SUM = re.compile(r"(?:被评为|获评|评为)?(?P<tier>[\u4e00-\u9fff]{1,6}?)金额")
_GRANT_NAME = r"[\u4e00-\u9fff]{2,12}?(?:补贴|奖励|资助|补助|奖补)"
_GRANT_HEADING = re.compile(rf"{_GRANT_NAME}$")
_GRANT_ITEM = re.compile(rf"[（(][一二三四五六七八九十\d]{{1,3}}[)）]\s*(?P<name>{_GRANT_NAME})[。：:]?\s*$")
GRANT_LABEL_REACH = 300


def _grant_label(text: str, start: int, heading: str) -> str | None:
    """The grant a tier's sum belongs to: the item label that opens the lines before it in its article
    (（二）星级评定补贴。), else its section's heading."""
    line = text.rfind("\n", 0, start) + 1
    before = text[max(0, line - GRANT_LABEL_REACH):start]
    for piece in reversed(re.split(r"(?<=[。\n])", before)):
        if m := _GRANT_ITEM.search(piece.strip()):
            return m["name"]
    for h in heading.split():
        if m := _GRANT_HEADING.search(h):
            return m.group()
    return None


def in_definition(text: str, start: int) -> bool:
    """Whether the sentence holding text[start] defines a term before it (SCHEMA: a scope threshold
    that decides which cases a rule covers is not a target): 工业园区是指…的园区，零碳工业园区的年综合能耗
    原则上应不小于5万吨标准煤."""
    line = text.rfind("\n", 0, start) + 1            # bounded: never scan back past the line
    sentence_start = max([line] + [text.rfind(ch, line, start) + 1 for ch in "。；;"])
    before = re.sub(r"[（(][^（）()]*[）)]", "", text[sentence_start:start])   # not a note （系指…，下同）
    return any(w in before for w in _lex().cues.get("definition", ()))


_ITEM_LINE = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)|[①-⑳㈠-㈩])")
MAX_ITEMS_BACK = 12


@lru_cache(maxsize=1)
def _condition_lead_re() -> re.Pattern:
    """A list's lead-in naming conditions or criteria (…满足以下条件：, …诊断标准：)."""
    words = "|".join(map(re.escape, _lex().cues.get("condition_intro", ())))
    return re.compile(rf"(?:(?:以下|下列)[^，,。；;：:]{{0,4}}(?:{words})|(?:{words})(?:如下)?)[：:]$")


def in_condition_list(text: str, start: int, heading: str = "") -> bool:
    """Whether text[start] states a condition, not a target (SCHEMA: eligibility conditions are not
    targets): its section's heading ends naming conditions or criteria (申请条件, 诊断标准), or its line is an
    item of a list whose lead-in does (申请建设重点实验室必须满足以下条件：…（三）固定人员须在四十人以上)."""
    words = _lex().cues.get("condition_intro", ())
    if any(h.endswith(words) for h in heading.split()):
        return True                                  # （二）申请条件 (not 申请资格及学位情况: more than conditions)
    line = text.rfind("\n", 0, start) + 1
    if not words or not _ITEM_LINE.match(text, line):
        return False
    for _ in range(MAX_ITEMS_BACK):                  # back over the list's items to its lead-in
        if line <= 0:
            return False
        prev = text.rfind("\n", 0, line - 1) + 1
        lead = text[prev:line - 1].strip()
        if not _ITEM_LINE.match(lead):               # …应符合以下条件： / …诊断标准： (not …符合条件的企业…如下：)
            return bool(_condition_lead_re().search(lead))
        line = prev
    return False


def defines_term(cand) -> bool:
    """Whether a candidate's own subject defines a term (规模养殖场，是指常年存栏…二百头以上的)."""
    if cand.comparator == "=":
        return False                                  # “双千”计划是指…实施千项合作项目: what the plan does
    head = re.split(r"[\d零〇○一二两三四五六七八九十百千]", cand.text.split("，")[0], maxsplit=1)[0]
    return any(w in head for w in _lex().cues.get("definition", ()))   # …是指…人数比例达30%以上


_INTRO_BINDING: list = []


def intro_binding(text: str, start: int) -> str | None:
    """The binding a list's lead-in gives the target at text[start] in the same sentence or the paragraph it
    opens (今年主要预期目标是：地区生产总值增长5%左右；… -> 预期性), as the 属性 column of a table would."""
    if not _INTRO_BINDING:
        for kind, binding in (("expected_intro", "预期性"), ("bound_intro", "约束性")):
            words = _lex().cues.get(kind, ())
            if words:
                _INTRO_BINDING.append((re.compile(rf"(?:{_alt(words)})[^。；;：:，,]{{0,4}}[：:]"), binding))
    line = text.rfind("\n", 0, start) + 1
    sentence = max(line, text.rfind("。", line, start) + 1)
    for pattern, binding in _INTRO_BINDING:
        m = pattern.search(text, line, start)            # in the sentence, or opening the paragraph whose later
        if m and (m.start() >= sentence or ("。" not in text[line:m.start()] and _list_goes_on(text, m.end()))):
            return binding                               # sentences go on with the list
    return None


def _list_goes_on(text: str, k: int) -> bool:
    """Whether the sentence after a lead-in's colon holds only the list's head and a remark (预期目标是：地区生产总值
    增长5.5%—6%，在实际工作中努力争取更好结果。规模以上…增长7.5%左右…), the list going on after it; not a whole
    list (…增长5%左右；城镇新增就业70万人。全年新建5G基站2万个: a task after it)."""
    end = text.find("。", k)
    head = text[k:end if end >= 0 else len(text)]
    return "；" not in head and len(re.findall(r"\d+(?:\.\d+)?\s*[%％万亿]", re.sub(r"[—\-～~至到]\d", "", head))) <= 1


def _standard_of_heading(indicator: str, heading: str) -> str:
    """A price per unit named only by where it applies (富力大厦32.5元/平方米/月 -> 富力大厦金额) under a
    heading naming the standard ((一)租金标准) is that place's standard: 富力大厦租金标准."""
    heading = re.sub(r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]?\s*", "", heading.strip())
    if not indicator.endswith("金额") or len(heading) > 10 or \
            not any(heading.endswith(w) for w in _lex().cues.get("standard_heading", ())):
        return indicator
    return indicator[:-2] + heading


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


LIST_INTRO_ACTOR = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+条)?[ \t\u3000]*(?P<who>[^，。：:；\n]{2,24}?)(?:应当|应)?(?:履行|承担|负责|做好)(?:下列|以下)[^。\n]{0,10}[：:]")
ENUM_START = re.compile(r"^[（(][一二三四五六七八九十\d]{1,3}[)）]")


def _list_actor(doc, clause, by_id) -> str | None:
    """Who the list of duties a clause belongs to is given to: 第十三条 村（社区）级河长履行下列主要职责：
    （一）开展河湖日常巡查，每周不少于一次 -> 村（社区）级河长."""
    if not ENUM_START.match(clause.text):
        return None
    sec = by_id.get(clause.section_id)
    if sec is None:
        return None
    m = LIST_INTRO_ACTOR.match(doc.text[sec.span[0]:sec.span[0] + 80])
    return m["who"].strip() if m else None


def _clause_candidates(doc, c, before, after=None):
    """The parser's candidates of a clause, read with the clauses around it in the same sentence
    (…空运货物、空运物品， | 实行6小时内放行便利措施。: the subject may sit in the one before; 每年安排最高
    100万元活动经费， | 支持…举办…交流活动: what a budget is for in the one after)."""
    def joined(a, b):
        return a is not None and b is not None and a.span[1] <= b.span[0] and a.text[-1:] in "，,、" \
            and not doc.text[a.span[1]:b.span[0]].strip() and a.section_id == b.section_id
    start = before.span[0] if joined(before, c) else c.span[0]
    end = after.span[1] if joined(c, after) and c.text[-1:] in "，," else c.span[1]
    if (start, end) == tuple(c.span):
        return parse_targets(c.text, c.span[0])
    return [t for t in parse_targets(doc.text[start:end], start) if c.span[0] <= t.span[0] < c.span[1]]


class _Heading(NamedTuple):
    """A numbered heading line that states a whole rule and holds no clause of its own (（一）全市城乡最低
    生活保障标准为每人每月1309元。): read as a clause of its section."""
    id: str | None
    section_id: str
    text: str
    span: tuple[int, int]
    kind: str | None = None


def _bare_headings(doc) -> list[_Heading]:
    starts = sorted(c.span[0] for c in doc.clauses)
    out = []
    for sec in doc.sections:
        a, b = sec.span
        if not sec.heading or not re.search(r"\d", sec.heading):
            continue
        k = bisect_left(starts, a)
        if k < len(starts) and starts[k] < b or (k and any(c.span[1] > a for c in doc.clauses[k - 1:k])):
            continue                                     # a clause holds (part of) the line
        at = doc.text.find(sec.heading, a, b + 1)
        if at < 0 or CRITERION.search(sec.heading) or doc.text[at + len(sec.heading):b + 2].strip()[:1] in _ITEM_ENDS:
            continue                                     # 1.单个库区…1500平方米以上； / 应至少具备以下1项：/ FEV1增加≥12%
        out.append(_Heading(None, sec.id, sec.heading, (at, at + len(sec.heading))))
    return out


_ITEM_ENDS = frozenset("；;：:")                          # an item of a list of conditions, a list's lead-in
CRITERION = re.compile(r"[≥≤＜＞<>]\s*\d")                # a measured criterion (诊断标准), not a figure a policy sets


def extract(doc) -> None:
    doc_day = _doc_date(doc)
    targets: list[Target] = []
    year = doc_day.year if doc_day else None
    # a yearless 3月底前 in a notice signed in November about next year is next year's (time.py's reading)
    ref = reference_year(doc.metadata.notice_title or doc.metadata.title, doc.text, doc_day)
    scope = _Scope(doc, doc_day, ref)

    def read(c, cands) -> None:
        actor = None
        for cand in cands:
            if not_a_target(cand):
                continue
            s, e = cand.span
            if not is_text_evidence(cand.text, doc.text[max(0, s - 30):e + 30]) or in_definition(doc.text, s) \
                    or defines_term(cand) or cand.what not in ("limit", "grant") \
                    and in_condition_list(doc.text, s, scope.heading_of(c.section_id)):
                continue
            deadline = period_end(cand.deadline_text, doc_day, ref) if cand.deadline_text else None
            rule = cand.what == "grant" and not scope.annual      # a standing grant rule (not a year's pledge):
            if deadline is None and not rule:                     # its own sentence's date only
                deadline = (_paragraph_deadline(doc, c.span[0], doc_day, scope.goal_section(c.section_id), ref)
                            or _heading_deadline(doc, c.section_id, doc_day, scope.by_id, ref)
                            or _lead_in_deadline(doc, c.span[0], doc_day))
            if deadline is None and cand.what == "limit":       # 于本文印发后3个月内出台…: a day of its own
                deadline = own_act_deadline(doc.text[max(0, s - 20):e], doc_day)
            if deadline is None and cand.what != "limit" and not rule:
                deadline = scope.section_deadline(c.section_id) or scope.zone_deadline(s)
            if deadline is None and cand.what != "limit" and not cand.recurrence and scope.annual \
                    and not scope.under_dated_heading(c.section_id):
                deadline = scope.title_period                    # not under “十五五”时期主要任务
            if deadline is None and cand.what not in ("limit", "grant") and scope.approval \
                    and "远景" not in cand.text:                 # …总体规划（2018—2035年）的批复: the plan's goals
                deadline = scope.title_period                    # (not a 远景 one beyond it)
            indicator = cand.indicator
            if _unit_kind(cand.unit) in ("duration", "time") and (period := PERIOD_NAMED_AFTER.match(doc.text, e)) \
                    and not (indicator or "").endswith(period["noun"]):
                indicator = period["noun"]      # 承租人可申请最长不超过6个月的过渡期: the period the figure bounds
            if cand.what == "grant" and bare_grant(indicator) and \
                    (topic := grant_topic(scope.by_id[c.section_id].heading) if c.section_id in scope.by_id else ""):
                indicator = labelled_grant(topic, indicator)   # （一）加强应用性基础研究。…给予…经费支持
            elif cand.what == "grant" and bare_grant(indicator) and (named := _grant_label(doc.text, s, "")):
                indicator = labelled_grant(named, indicator)   # （一）医养结合补贴。…给予一次性补贴15万元
            elif cand.what == "grant" and (tier := _TIER_SUM.fullmatch(indicator or "")) \
                    and (named := _grant_label(doc.text, s, scope.heading_of(c.section_id))):
                indicator = f"{named}（{tier['tier']}）"   # （二）星级评定补贴。四星级的给予5万元 -> 星级评定补贴（四星级）
            if indicator and cand.unit and "/" in cand.unit and c.section_id in scope.by_id:
                indicator = _standard_of_heading(indicator, scope.by_id[c.section_id].heading)
            if indicator and cand.unit == "%" and indicator.endswith("比例") \
                    and not RATE_WORD.search(indicator[:-2]):   # （2）满35周岁…参保人员为0.02% under 个人缴费费率：
                rate = _lead_in_rate(doc, s)
                if rate and not indicator[:-2].endswith(rate[:-2]):   # not 由申请人支付 + 支付比例
                    indicator = indicator[:-2] + rate
            if indicator and actor is None:
                actor = _list_actor(doc, c, scope.by_id) or ""
            if indicator and actor and not indicator.startswith(actor):
                indicator = actor + indicator
            indicator = qualify(doc.text, cand.span, indicator, targets[-1] if targets else None)
            baseline = Baseline(value=cand.baseline[0], year=cand.baseline[1]) if cand.baseline else None
            targets.append(Target(clause_id=c.id, indicator=indicator, comparator=cand.comparator,
                                  value=cand.value, value_max=cand.value_max, unit=cand.unit, deadline=deadline,
                                  baseline=baseline, binding=intro_binding(doc.text, s),
                                  recurrence=cand.recurrence, text=cand.text, span=cand.span))

    def skipped(c, goal_here: bool = False) -> bool:
        return " | " in c.text or c.kind == "fact" or (is_past_fact(c.text, year) and not goal_here) \
            or scope.in_review(c.span[0]) or (scope.past_paragraph(c.span[0]) and not has_goal_word(c.text))

    cells_of_row = prose_cells(doc)
    prev = None
    for k, c in enumerate(doc.clauses):
        before, prev = prev, c
        after = doc.clauses[k + 1] if k + 1 < len(doc.clauses) else None
        # 累计实现… in 发展目标, 新增…、累计达8000处 under 2026年重点工作: a goal
        goal_here = c.kind == "goal" and (scope.goal_section(c.section_id) or
                                          scope.section_deadline(c.section_id) is not None)
        if not skipped(c, goal_here):
            read(c, _clause_candidates(doc, c, before, after))
        elif c.span[0] in cells_of_row:
            for cell in cells_of_row[c.span[0]]:
                for m in CELL_SENTENCE.finditer(cell.text):
                    sentence = m.group()
                    if is_past_fact(sentence, year) and not has_goal_word(sentence) or scope.in_review(cell.start) \
                            or FORMULA.search(sentence):
                        continue
                    cands = parse_targets(sentence, cell.start + m.start())
                    read(c, [replace(x, indicator=cell.indicator) for x in cands] if cell.indicator else cands)
    for h in _bare_headings(doc):                       # （一）全市城乡最低生活保障标准为每人每月1309元。
        if not skipped(h):
            read(h, parse_targets(h.text, h.span[0]))
    targets.extend(table_targets(doc, doc_day))
    targets.sort(key=lambda t: t.span[0])
    doc.targets = targets
    # a clause's deadline: the earliest of its targets' deadlines, else its paragraph's or heading's
    by_clause: dict[str, str] = {}
    goals = set()
    for t in targets:
        if t.clause_id and t.deadline:
            by_clause.setdefault(t.clause_id, t.deadline)
            if t.recurrence is None:
                goals.add(t.clause_id)                    # (标准为每人每月1309元 from a date is a rule, not a goal)
    heading_memo: dict = {}
    for c in doc.clauses:
        if c.kind == "other" and c.cue is None and c.id in goals:
            c.kind = "goal"                               # 举办促消费活动2000场以上: a figure set for a date
        c.deadline = by_clause.get(c.id) or _paragraph_deadline(doc, c.span[0], doc_day, ref_year=ref)
        if c.deadline is None and c.section_id is not None:
            if c.section_id not in heading_memo:
                heading_memo[c.section_id] = _heading_deadline(doc, c.section_id, doc_day, scope.by_id, ref) \
                    or _phase_deadline(c.section_id, scope.by_id, scope.times)
            c.deadline = heading_memo[c.section_id]


def _phase_deadline(section_id: str | None, by_id: dict, times) -> str | None:
    """A phase named in a heading: 具体实施阶段（2017年3月—2017年9月） → 2017-09-30 (times: the scope's
    reading of a heading, once per document)."""
    sec = by_id.get(section_id)
    while sec is not None:
        for t in times(sec.heading):
            if t.kind in ("interval", "date") and t.end:
                return t.end
        sec = by_id.get(sec.parent)
    return None
