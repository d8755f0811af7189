"""An indicator named from the text around its figure (extract/targets.py asks once per target).

The parser names a figure from its own clause (服务时间, 租金标准…比例, 每处建筑面积).  Read golds name it
with what the sentence or the list around it says it is about: of their indicators' words, about 37 %
come from the same sentence before the figure and 13 % from the list's lead-in, only 6 % from a section
heading (prefixing a heading's topic lost far more than it gained).  Each reading below adds one such
qualifier, in this order, when the name does not hold it yet:

- the item's label: ``2. B类护理：…每月服务时间为28小时`` -> ``B类护理服务时间``;
- the list's scope: ``核心保护区应当按照下列标准和措施进行保护：…（四）建筑层数控制在两层以内`` ->
  ``核心保护区建筑层数`` (a body there is the list's actor: targets._list_actor reads it);
- a condition clause right before the figure's: ``承租国有企业非住宅房产的，租金标准…`` ->
  ``承租国有企业非住宅房产的租金标准…`` (not an exception: ``法律另有规定的，``);
- the object counted before a per-item measure: ``设置至少1个区级综合养老服务中心，每处建筑面积…`` ->
  ``区级综合养老服务中心每处建筑面积``;
- a list sibling's topic: ``应届高校毕业生就业率保持95%以上、市场就业率70%以上`` ->
  ``应届高校毕业生市场就业率``; ``新建5个以上紧密型城市医疗集团、区级覆盖率达80%`` ->
  ``紧密型城市医疗集团区级覆盖率``;
- the standard named after the figures: ``按照每个子女每月1000元的标准定额扣除`` ->
  ``扣除标准（每个子女每月）``.

Words live in ``lexicon/indicator_context.tsv``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..lexicon import words
from ..structure.metadata import is_org

__all__ = ["qualify"]

_ENUM = re.compile(r"[ \t\u3000]*(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、](?!\d)|[①-⑳])\s*")
_NUMBERING = re.compile(r"\s*(?:第[一二三四五六七八九十百零〇\d]+条|[（(][一二三四五六七八九十\d]{1,3}[)）]"
                        r"|\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}、)\s*")
_LABEL = re.compile(r"(?P<l>[^，,。；;：:\d]{2,10})[：:]")
# 符合条件的，经初核符合条件的，满足上述条件的: a condition that names no case of its own
_ANY_CASE = re.compile(r"(?:经[^，,]{0,4})?(?:符合|满足|具备)(?:上述|以上|规定|相应|相关|申请)?的?条件")
_FIGURE = re.compile(r"[\d一二三四五六七八九十百千]")
_SENTENCE_ENDS = "。；;！？!?\n"
_LEAD_BACK = 15                       # lines looked back over for a list's lead-in
_SHORT = 5                            # a sibling's topic is taken only by a name this short


def _alt(kind: str) -> str:
    return "|".join(map(re.escape, sorted(words("indicator_context", kind=kind), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    return {
        "open": re.compile(_alt("condition_open")),
        "except": re.compile(_alt("condition_except")),
        "tail": re.compile(_alt("condition_tail")),
        "lead": re.compile(_alt("list_lead")),
        "cut": re.compile(rf"{_alt('scope_cut')}|[，,]|其(?=[^，,]{{0,12}}(?:{_alt('list_lead')}))"),
        "per_item": re.compile(_alt("per_item")),
        "counted": re.compile(rf"[\d一二三四五六七八九十两]+(?:{_alt('item_counter')})(?P<o>[^，,。；;、\d（(]{{2,20}})"),
        "standard": re.compile(rf"[^，,。；;]{{0,40}}?的标准(?:{_alt('standard_verb')})?"
                               rf"(?P<x>[\u4e00-\u9fff]{{0,4}}?(?:{_alt('standard_grant')}))"),
    }


def _strip(pattern: re.Pattern, s: str) -> str:
    """``s`` without what ``pattern`` matches at its start (patterns here are matched, never searched)."""
    m = pattern.match(s)
    return s[m.end():] if m else s


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(ch, 0, pos) for ch in _SENTENCE_ENDS) + 1


def _line(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _item_label(text: str, start: int) -> Optional[str]:
    """``2. B类护理：…`` -> B类护理: the label of the numbered item the figure stands in."""
    line = text[_line(text, start)[0]:start]
    m = _ENUM.match(line)
    label = _LABEL.match(line, m.end()) if m else None
    return label["l"] if label else None


def _list_scope(text: str, start: int) -> Optional[str]:
    """What a list's lead-in line says its items are about (核心保护区应当按照下列标准…：), when the figure
    stands in a numbered item of it; None for a body (the list's actor) or no such lead-in."""
    pat = _patterns()
    line_start = _line(text, start)[0]
    if not _ENUM.match(text, line_start, start):
        return None
    pos = line_start
    for _ in range(_LEAD_BACK):
        if pos <= 0:
            return None
        ls, le = _line(text, pos - 1)
        line, pos = text[ls:le].strip(), ls
        if not line or _ENUM.match(line):
            continue
        if not (line.endswith(("：", ":")) and pat["lead"].search(line)):
            return None
        body = _strip(_ENUM, _strip(_NUMBERING, line))
        cut = pat["cut"].search(body)
        scope = body[:cut.start()] if cut else ""
        if 2 <= len(scope) <= 20 and not _FIGURE.search(scope) and not is_org(scope):
            return scope
        return None
    return None


def _condition(text: str, start: int) -> Optional[str]:
    """The condition clause right before the figure's (承租国有企业非住宅房产的，租金标准…) without its 的."""
    pat = _patterns()
    parts = re.split(r"[，,：:]", text[_sentence_start(text, start):start])
    if len(parts) < 2:
        return None
    clause = _strip(pat["open"], _strip(_NUMBERING, parts[-2].strip()))
    if clause.endswith("的") and 4 <= len(clause) - 1 <= 25 and not pat["tail"].match(clause) \
            and not pat["except"].search(clause) and not _ANY_CASE.fullmatch(clause[:-1]):
        return clause[:-1]
    return None


def _counted_object(text: str, start: int) -> Optional[str]:
    """What a per-item measure (每处建筑面积) counts: the object of the count in the clause before it."""
    before = text[_sentence_start(text, start):start]
    k = max(before.rfind("，"), before.rfind(","))
    if k < 0:
        return None
    j = max(before.rfind(ch, 0, k) for ch in "，,：:")
    counted = list(_patterns()["counted"].finditer(before, j + 1, k))
    return counted[-1]["o"] if counted else None


def _sibling_topic(text: str, start: int, indicator: str, sibling) -> Optional[str]:
    """The topic a short measure shares with the figure listed right before it (…就业率95%以上、市场就业率)."""
    if sibling is None or len(indicator) > _SHORT or sibling.span[1] > start \
            or not re.fullmatch(r"[^，,。；;、]{0,6}、", text[sibling.span[1]:start]):
        return None
    other = sibling.indicator or ""
    shared = 0
    while shared < min(len(other), len(indicator)) and other[-1 - shared] == indicator[-1 - shared]:
        shared += 1
    if shared >= 3:                                  # 就业率: a two-character head (能力, 产量) is no topic
        return other[:-shared]
    if sibling.unit in words("indicator_context", kind="sibling_count") and indicator.endswith("率"):
        return re.sub(r"(?:数量|人数|个数|数)$", "", other)   # 5个医疗集团、区级覆盖率: the groups' rate
    return None


def qualify(text: str, span: tuple[int, int], indicator: Optional[str], sibling=None) -> Optional[str]:
    """The indicator of the figure at ``span`` with what its context says it measures (module docstring);
    ``sibling`` is the target read just before it (its indicator, unit and span)."""
    if not indicator:
        return indicator
    start, end = span
    name = indicator
    label = _item_label(text, start)
    if label and label not in name:
        name = label + name
    scope = _list_scope(text, start)
    if scope and scope[:3] not in name:
        name = scope + name
    condition = _condition(text, start)
    if condition and condition[:3] not in name:
        name = condition + "的" + name
    if _patterns()["per_item"].match(name) and (counted := _counted_object(text, start)) and counted not in name:
        name = counted + name
    topic = _sibling_topic(text, start, name, sibling)
    if topic and len(topic) >= 2 and topic not in name:
        name = topic + name
    standard = _patterns()["standard"].match(text, end, end + 60)
    if standard and standard["x"] + "标准" not in name:
        rest = re.sub(r"(?:金额|数额)$", "", name)
        name = f"{standard['x']}标准（{rest}）" if rest else standard["x"] + "标准"
    return name
