"""Numeric targets in one sentence (SCHEMA "Targets"): the sentence-level parser.

    parse_targets(sentence, base=0) -> [TargetCandidate, ...]     (in sentence order)
    parse_number(s) -> float | None
    is_past_fact(sentence, doc_year=None) -> bool
    is_review_heading(heading) -> bool

The caller (the targets extractor) decides what to keep: it drops candidates of sentences
that ``is_past_fact`` marks (or that sit in a review section, ``is_review_heading``), and
attaches deadline, baseline and binding from the clause, the plan period and indicator tables.

What counts (all policy language lives in ``lexicon/target_*.tsv``):
- a figure with a unit of ``target_units.tsv`` (a magnitude stays in the unit: 2万家 -> 2 万家,
  5亿元 -> 5 亿元; 百分之八十 / 八成 -> 80 %) governed by a comparator of
  ``target_comparators.tsv``: 达到/提高到/保持 X -> ``=``; X以上, 不低于, 不少于, 至少 -> ``>=``;
  超过/超/突破 -> ``>``; 不超过, 最高, 控制在, X以内/以下 -> ``<=``; 3至5个 -> ``range``;
  约, 左右 -> ``approx``.  A post word (以上) overrides an ``=`` pre word (达到…10%以上 -> >=), and
  左右 any pre word (控制在5.5%左右 -> approx); 50余人 / 30多家 -> ``>``; a sum per period
  (300万元/年) keeps 万元 with recurrence 每年;
- a figure after a recurrence (每学期至少召开1次 -> >= 1 次, recurrence 每学期; 每年3所);
- a rate or amount the policy sets: 按(不低于)…的1.5% (the base goes into the indicator),
  a bare percentage (计提的10%教育资金), money with a funding word (给予…奖励5万元);
- ``全覆盖`` after a goal verb (实现/推进/推动…) or a date in its clause -> ``=`` 100 %;
  ``3个100%全覆盖`` is one target;
- figures joined by 、/和 after one comparator share it (分别占比达30%、20%和10%: three targets,
  the subjects before 分别 dealt out in order; words the first (last) subject shares with the others
  go to each: 全省与其他RCEP国家货物贸易、对外投资… -> 全省与其他RCEP国家对外投资占比; 一产、二产、
  三产增加值 -> 一产增加值; 城乡居民…分别增长7%和8% -> 城镇居民…, 农村居民…); one figure after 分别
  or 均 is each subject's (规上加工企业、精深加工项目分别达到200个以上: two targets); a figure with
  no cue before 、 and a subject whose figure has one shares it (粮食播种面积3320万亩、产量1285万吨以上);
- a count of things the policy will build, cultivate, add or train, after a count verb of
  ``target_count_verbs.tsv`` (打造8个…园区, 新引进和培育10家…企业, 突破百项…技术: 百/千 alone are
  100/1000) or in a clause the verb opens and the figure closes (培育专精特新企业10家) -> ``=``; its
  indicator is what is counted (the noun after the figure; an output rate such as 年产 adds its
  measure: 商业火箭年产量（批量化制造能力）).  Counts of the policy's own tasks (五项工作, 十条措施,
  ``own_task`` in target_cues.tsv, or a count that opens a list: 建立三项机制：) are not;
- a time limit a rule sets: a duration followed by 内 and an action of ``target_time_limits.tsv``
  (收到申请之日起20日内作出决定 -> <= 20 日, indicator 作出决定时限), unless it restates a right
  (可…六十日内申请行政复议) or is a condition (十个工作日内不能办结的).

What does not (the guards of ``target_not_targets.tsv``, each with its reason; years, dates and the like
never become figures): years, dates, plan periods and recurrence periods (每3年), figures inside 《》,
〔〕 or a scope/note bracket (（单体建筑面积2万平方米以上）, （以下简称…）), ordinals (第3),
codes (5G, “5+2”, 2.0), counters of targets (the 3个 of 3个100%), thresholds that qualify a noun
(2万平方米以上的建筑), eligibility conditions (投入运行1年以上，可以申报), durations without a
leading comparator, bare counts (五项工作, 达到一个新水平, 一批), once-per-period frequencies
(每三年核定一次), sanctions (处一万元以上三万元以下罚款), baselines (由80%提高到90%: the 80%, which
with the year written with it becomes the 90%'s ``baseline``; 分别从209元、280元提高到217元、290元 pairs
them in order),
conditions (…达到70%以上（含70%）的，予以表扬; 不足…的; 当…达到6050小时或者…; …二十株以上，…一百株以上的，
报…), unit scopes (500千伏及以上电网项目; 离岸距离大于等于50公里近海海上风电项目), the cap of a penalty
(…罚款，最高不超过五千万元), the extent of a place (总规划面积约60平方公里), names (15分钟社区生活圈,
2035年远景目标: no deadline either), project phases (二期) and OCR-broken figures (21，7%, 六○三·七万).
A change verb (增长/提高/降低 7%, ``change`` in target_comparators.tsv) stays in the indicator
(国内生产总值年均增长), without how it is measured or set (按可比价格计算, 按2000年价格计算的, 增速目标设定为);
5000人以上2万人以下 of one unit is one range.

``indicator`` names the measured thing, without the verbs of doing, plus the measure of the unit's
dimension: the words before the comparator with leading goal words, dates and connectives stripped
(力争2021年底义务教育…覆盖率达到80% -> 义务教育阶段优质教育资源覆盖率), a leading verb of doing
(``doing`` in target_cues.tsv) dropped unless it heads a 的 phrase (完成旧住房修缮更新60万平方米 ->
旧住房修缮更新面积; 完成绿化的时间 stays).  When that phrase has no rate/quantity head, the noun after the
figure and the unit's measure word are added (设置2个以上级部 -> …设置级部数量; a counted size adds its
dimension: 实施7公里燃气老化管道改造 -> 燃气老化管道改造长度); a share is A占B比例 (海绵城市达标区面积占建成区
50% -> …占建成区比例; 种植面积不低于其绿地总面积的80% -> 种植面积占绿地总面积比例; a ratio subject keeps the
base in brackets: 交流比例（占符合交流条件人数）); a bound written before 的 + noun measures that noun
(节能率不低于15%的既有公共建筑节能改造 -> 既有公共建筑节能改造节能率); a quota for each names the each
(每个省培育一家…龙头机构 -> 每个省龙头机构); a water-quality grade (保持Ⅱ类) is 2 类, …水质类别; an empty subject
takes the previous candidate's indicator in the sentence (…,2022年底全覆盖; 最短公示期为三个月，最长为一年
when both measure the same kind) or the previous clause.  A granted sum is named by one function,
``_grant_indicator``: who gets it and what it is (对港澳青年企业给予10万元一次性奖励支持 -> 港澳青年企业
一次性奖励; …的在职港澳青年，一次性给予5万元的就业补贴 -> 在职港澳青年就业补贴).
``text`` is the short phrase holding the target; ``span`` its offsets + ``base``.
``deadline_text`` is the nearest date / period before the figure in the sentence (2021年底).
"""
from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional

from ..lexicon import table, words
from ..nlp import cut, tagged

__all__ = ["TargetCandidate", "parse_targets", "parse_number", "is_past_fact", "is_review_heading", "has_goal_word"]

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CN_DIGITS = "零〇○一二两三四五六七八九十"
_CN_ALL = _CN_DIGITS + "百千万亿"
_CN_VALUE = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CLAUSE_PUNCT = "，,。；;：:！？!?\n"
_OPEN_PAREN, _CLOSE_PAREN = "（(", "）)"
_LIST_SEP = re.compile(r"\s*(?:、|和|及|与|或|，|,)\s*")


@dataclass
class TargetCandidate:
    indicator: Optional[str]
    comparator: str
    value: float
    value_max: Optional[float]
    unit: Optional[str]
    recurrence: Optional[str]
    text: str
    span: tuple[int, int]            # offsets into the sentence + base
    deadline_text: Optional[str]     # a time phrase in the sentence governing the value
    what: Optional[str] = None       # "limit" (a rule's time limit: 20日内作出决定), "count" (打造8个园区),
                                     # "grant" (a sum or rate the policy grants: 给予…5万元, 最高500万元; a
                                     # floor on spending, 发放消费券8亿元以上, or a raise, 标准从2375元提高到
                                     # 2423元, is a goal, not a grant rule)
    baseline: Optional[tuple] = None  # the starting value of 从X提高到Y and its year: (X, year or None)


# --- lexicon -----------------------------------------------------------------------------------


def _alt(items) -> str:
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)) if w)


class _Unit(NamedTuple):
    kind: str
    measure: str
    blockers: tuple[str, ...]


class _Lex(NamedTuple):
    units: dict
    unit_re: re.Pattern
    magnitude_re: re.Pattern
    pre: dict
    pre_block: dict
    changes: frozenset
    pre_re: re.Pattern
    post: dict
    post_re: re.Pattern
    range_re: re.Pattern
    cues: dict
    time_re: re.Pattern
    lead_re: re.Pattern
    lead_block: tuple[str, ...]
    doing_re: re.Pattern
    modal_re: re.Pattern
    object_lead_re: re.Pattern
    past_re: re.Pattern
    goal_re: re.Pattern
    not_past_re: re.Pattern
    count_verbs: dict
    count_chain_re: re.Pattern
    count_verb_re: re.Pattern
    limit: dict
    limit_action_re: re.Pattern
    limit_appeal_re: re.Pattern


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    units, mags = {}, []
    for r in table("target_units"):
        if r["kind"] == "magnitude":
            mags.append(r["unit"])
            continue
        blockers = tuple(b for b in r.get("blockers", "").split(",") if b)
        units[r["unit"]] = _Unit(r["kind"], r.get("measure", ""), blockers)
    pre, post, seps, changes, pre_block = {}, {}, [], set(), {}
    for r in table("target_comparators"):
        if r["position"] == "pre":
            pre[r["word"]] = (r["comparator"], int(r["gap"] or 0))
            if r.get("blockers"):
                pre_block[r["word"]] = tuple(r["blockers"].split(","))
            if r.get("change") == "yes":
                changes.add(r["word"])
        elif r["position"] == "post":
            post[r["word"]] = r["comparator"]
        elif r["position"] == "range":
            seps.append(r["word"])
    cues: dict[str, tuple[str, ...]] = {}
    for r in table("target_cues"):
        cues.setdefault(r["kind"], ())
        cues[r["kind"]] += (r["word"],)
    cues = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in cues.items()}
    count_verbs = {r["verb"]: (r["kind"], r.get("measure", ""), r.get("recurrence", "") or None)
                   for r in table("target_count_verbs")}
    cv = _alt(count_verbs)
    limit: dict[str, tuple[str, ...]] = {}
    for r in table("target_time_limits"):
        limit[r["kind"]] = limit.get(r["kind"], ()) + (r["word"],)
    rec_units = [r["word"] for r in table("time_recurrence") if r["type"] == "unit"]
    periods = {r["name"] for r in table("time_periods")}
    y4 = r"(?<!\d)(?:19|20)\d\d(?!\d)|[〇○零一二三四五六七八九]{4}"
    ypart = r"(?:年底|年末|年初|年中|底|末|初|上半年|下半年|第?[一二三四1-4]季度)"
    month = r"(?:(?:1[0-2]|0?[1-9])(?!\d)|十[一二]|[一二三四五六七八九十])月(?:份)?(?:(?:3[01]|[12]\d|0?[1-9])[日号])?(?:底|末|初|[上中下]旬)?"
    time_re = re.compile(
        rf"(?P<interval>(?:{y4})\s*年?\s*(?:[—–\-－~～]{{1,2}}|至|到)\s*(?:{y4})\s*年(?:{ypart})?)"
        rf"|(?P<date>(?:{y4})\s*年(?![级龄轻纪均限薪])(?:{month}|{ypart})?)"
        rf"|(?P<month>(?<![\d年月日第])(?<![一二三四五六七八九十]){month})"
        rf"|(?P<named>[“\"](?:{_alt(periods)})[”\"]|(?:{_alt(periods)})(?=规划|计划|时期|期间|期末|末|普法))"
        rf"|(?P<rel>(?:今|明)年(?:年底|年末|底|末)?|利?用(?:(?:\d{{1,2}}|[一二两三四五六七八九十])(?:[—–\-－~～至到])?){{1,2}}年(?:左右)?(?:的)?时间"
        # 争取三年内实现…: a goal's period from the document's date (not 自…之日起三年内, a time limit)
        rf"|(?:(?<=争取)|(?<=力争)|(?<=确保)|(?<=未来)|(?<=今后))(?:\d{{1,2}}|[一二两三四五六七八九十])年(?:内|之内))"
        rf"|(?P<rec>每隔?(?:\d{{1,2}}|[一二两三四五六七八九十]{{1,3}}|半)?个?(?:{_alt(rec_units)})(?!岁))")
    return _Lex(
        units=units,
        unit_re=re.compile(_alt(units)),
        magnitude_re=re.compile(_alt(mags)),
        pre=pre, pre_block=pre_block, changes=frozenset(changes), pre_re=re.compile(_alt(pre)),
        post=post, post_re=re.compile(_alt(post)),
        range_re=re.compile(rf"\s*(?:{_alt(seps)})\s*"),
        cues=cues,
        time_re=time_re,
        lead_re=re.compile(_alt(cues.get("lead", ()))),
        lead_block=cues.get("lead_block", ()),
        doing_re=re.compile(_alt(cues.get("doing", ()))),
        modal_re=re.compile(_alt(cues.get("modal", ()))),
        object_lead_re=re.compile(rf"^(?:{_alt(cues.get('object_lead', ()))})"),
        past_re=re.compile(_alt(cues.get("past", ()))),
        goal_re=re.compile(_alt(cues.get("goal", ()))),
        not_past_re=re.compile(_alt(cues.get("not_past", ()))),
        count_verbs=count_verbs,
        # a chain of count verbs ending right before the figure: 打造, 新引进和培育, 形成年产
        # 制定首批5项…, 认定第二批10家…: the batch named between the verb and the figure
        count_chain_re=re.compile(rf"(?:{cv})(?:[和及与、并]?(?:{cv}))*新?(?:首批|新一批|第[一二三四五六七八九十\d]{{1,2}}批)?$"),
        count_verb_re=re.compile(cv),
        limit=limit,
        limit_action_re=re.compile(_alt(limit.get("action", ()))),
        limit_appeal_re=re.compile(_alt(limit.get("appeal", ()))),
    )


# --- numbers -----------------------------------------------------------------------------------

# old plans' thousands written with 、 between digit groups (七、○○○公里, 二、三○○个, 一八、○○○万元)
_CN_THOUSANDS = r"[一二三四五六七八九][○〇零一二三四五六七八九]{0,2}(?:、[○〇零一二三四五六七八九]{3}(?![○〇零一二三四五六七八九十百千]))+"
_NUM_RE = re.compile(
    r"(?P<pct>百分之|千分之|(?<![百千十])万分之|(?<![\d零〇○一二两三四五六七八九十百千万])[二三四五六七八九十]分之(?=[一二三四五六七八九]))?"
    r"(?P<n>\d+(?:,\d{3})+(?:\.\d+)?|(?<![\d.])\d{1,3}(?:，\s?\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?:{_CN_THOUSANDS})[万亿]?"
    rf"|[{_CN_ALL}]*[{_CN_DIGITS}][{_CN_ALL}]*(?:[点·][零〇○一二三四五六七八九]+)?)")   # 一八·六: an old text's 点
_FIGURE_CHARS = rf"[\d{_CN_DIGITS}百千ⅠⅡⅢⅣⅤ]"


@lru_cache(maxsize=1)
def _any_re() -> re.Pattern:
    """A cheap test: a figure, or a word that means one (全覆盖, 正增长: _cover_re)."""
    return re.compile(rf"{_FIGURE_CHARS}|{_cover_re().pattern}")
_ROMAN = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5}
_GRADE_RE = re.compile(r"(?<![劣A-Za-zⅠⅡⅢⅣⅤ、])([ⅠⅡⅢⅣⅤ])类")   # 水质保持Ⅱ类 (not 劣Ⅴ类, Ⅰ类、Ⅱ类射线装置)
_CN_GUARD = set("统唯之逐单同专第万每任划数几")      # 统一, 唯一, 之一, 逐一, 第三, 数十个, 几十家 …
_NUMBER_CHARS = frozenset("0123456789" + _CN_ALL)
_OCR_DECIMAL = re.compile(rf"[\d{_CN_DIGITS}]\s*·\s*$|\d\s*[，,]\s*$")  # 21，7% / 12 · 3% / 六○三·七万: an OCR-broken figure
_AR_GUARD_BEFORE = set("0123456789.．/_+＋·-－") | set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=4096)
def _cn_number(s: str) -> Optional[float]:
    if not s:
        return None
    if all(c in _CN_VALUE for c in s):
        if len(s) == 1:                                           # fast paths: 三, 两, 十, 十五, 三十, 三十五
            return float(_CN_VALUE[s])
        return float("".join(str(_CN_VALUE[c]) for c in s))     # digit by digit: 二〇二五
    if s == "十":
        return 10.0
    if len(s) <= 3 and "十" in s and all(c in _CN_VALUE or c == "十" for c in s) and s.count("十") == 1:
        tens, _, ones = s.partition("十")
        if (not tens or (tens in _CN_VALUE and _CN_VALUE[tens] > 0)) and (not ones or ones in _CN_VALUE):
            return float((_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[ones] if ones else 0))
    try:                                                          # the rest: cn2an (imported lazily)
        import cn2an                                              # lazily: only Chinese numerals
        v = cn2an.cn2an(s.replace("〇", "零").replace("○", "零"), "smart")
        return float(v)
    except Exception:
        return None


def _fraction_percent(denominator: str, numerator: float) -> float:
    """N分之M as a percentage (三, 1 -> 33.33): a share written as a fraction reads like 百分之."""
    return round(numerator / _cn_number(denominator) * 100, 2)


def parse_number(s: str) -> Optional[float]:
    """A number written in Arabic or Chinese numerals: '99' '1.5' '5,898' -> the value; a trailing
    magnitude is left to the unit ('1.5万' -> 1.5); percentages give the percent figure
    ('百分之八十', '八成', '30%' -> 80 / 80 / 30); '二〇二五' -> 2025; anything else -> None."""
    if not isinstance(s, str):
        return None
    t = s.strip()
    if not t:
        return None
    for suffix in ("%", "％", "‰"):
        if t.endswith(suffix):
            t = t[:-1].strip()
            break
    scale = 1.0
    if t.startswith("百分之") or t.startswith("千分之"):
        t = t[3:]
    elif (fraction := re.match(r"([二三四五六七八九十])分之(?=.)", t)):     # 三分之一 -> 33.33 (percent)
        value = parse_number(t[fraction.end():])
        return _fraction_percent(fraction[1], value) if value is not None else None
    elif t.endswith("成") and len(t) > 1:
        t, scale = t[:-1], 10.0
    if not t:
        return None
    if len(t) > 1 and t[-1] in "万亿" and t[:-1] and t[-2] not in "万亿":
        t = t[:-1]                                               # 1.5万 -> 1.5 (万 is the unit's)
    elif len(t) > 2 and t.endswith("万亿"):
        t = t[:-2]
    try:
        return float(re.sub(r"[,，\s]", "", t)) * scale if re.fullmatch(r"\d+(?:(?:,|，\s?)\d{3})*(?:\.\d+)?", t) else \
            (_value_cn(t) * scale if _value_cn(t) is not None else None)
    except (ValueError, OverflowError):
        return None


def _value_cn(t: str) -> Optional[float]:
    t = t.replace("·", "点")
    if "、" in t and re.fullmatch(_CN_THOUSANDS, t):
        t = t.replace("、", "")                                 # 七、○○○ -> 七○○○, read digit by digit
    if not re.fullmatch(rf"[{_CN_ALL}]+(?:点[零〇○一二三四五六七八九]+)?", t) or not any(c in _CN_DIGITS for c in t):
        return None
    return _cn_number(t)


# --- spans of a sentence ----------------------------------------------------------------------


class _Tok(NamedTuple):
    start: int          # first character of the figure (百分之 included)
    num_end: int        # after the number (and magnitude / unit / 成)
    end: int            # after the unit
    value: float
    value_max: Optional[float]
    unit: Optional[str]
    kind: Optional[str]
    measure: str
    chinese: bool
    raw: str
    per: Optional[str] = None   # a sum per period (300万元/年): its recurrence (每年), not part of the unit
    more: bool = False          # 50余人, 30多家: more than the figure


_BRACKET_CHARS = re.compile(r"[《》〔〕【】\[\]［］（）()]")
# a full-width comma grouping thousands (old plans: 13，240亿元) is part of the figure, not a clause break
_THOUSANDS_COMMA = r"(?:(?<=(?<![\d.])\d)|(?<=(?<![\d.])\d\d)|(?<=(?<![\d.])\d\d\d)|(?<=\d，\d\d\d))，(?=\s?\d{3}(?!\d))"
_THOUSANDS_AT = re.compile(_THOUSANDS_COMMA)
_PUNCT_RE = re.compile("[" + re.escape(_CLAUSE_PUNCT) + "]")


def _bracket_regions(s: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(title / number-bracket regions, paren groups) as (start, end) pairs."""
    masked, parens, stack_title, stack_paren = [], [], [], []
    for m in _BRACKET_CHARS.finditer(s):
        i, ch = m.start(), m.group()
        if ch in "《〔【[［":
            stack_title.append((ch, i))
        elif ch in "》〕】]］" and stack_title:
            _, j = stack_title.pop()
            if not stack_title:
                masked.append((j, i + 1))
        elif ch in _OPEN_PAREN:
            stack_paren.append(i)
        elif ch in _CLOSE_PAREN and stack_paren:
            j = stack_paren.pop()
            parens.append((j, i + 1))
    if stack_title:                                    # an unclosed 《: mask to the clause end
        for _, j in stack_title:
            k = j + 1
            while k < len(s) and s[k] not in _CLAUSE_PUNCT:
                k += 1
            masked.append((j, k))
    return masked, parens


def _inside(regions, i: int, j: Optional[int] = None) -> bool:
    j = i + 1 if j is None else j
    return any(a <= i and j <= b for a, b in regions)


class _Sent:
    """A sentence with the regions the parser needs, computed once."""

    def __init__(self, s: str):
        lex = _lex()
        self.s = s
        self.masked, parens = _bracket_regions(s)
        self.times = [(m.start(), m.end(), m.lastgroup, m.group()) for m in lex.time_re.finditer(s)
                      if not _inside(self.masked, m.start(), m.end())]
        self.parens = parens
        keep, scope = lex.cues.get("paren_keep", ()), lex.cues.get("scope_paren", ())
        self.scope_parens = []
        for a, b in parens:
            content = s[a + 1:b - 1]
            if (any(w in content for w in scope) or re.search(r"(?:19|20)\d\d年", content)) \
                    and not any(w in content for w in keep):
                self.scope_parens.append((a, b))
        # a short quoted name with a figure in it (“最多跑一次”, “双千”计划) names a slogan or a programme
        self.scope_parens += [m.span() for m in _QUOTED_NAME.finditer(s) if not self.time_at(m.start() + 1)]
        self.bounds = [i for i in (m.start() for m in _PUNCT_RE.finditer(s))
                       if not (s[i] == "，" and i and s[i - 1].isdigit() and _THOUSANDS_AT.match(s, i))]

    def clause(self, i: int) -> tuple[int, int]:
        """The clause around position i: between clause punctuation, inside its innermost bracket."""
        k = bisect.bisect_left(self.bounds, i)
        start = self.bounds[k - 1] + 1 if k > 0 else 0
        end = self.bounds[k] if k < len(self.bounds) else len(self.s)
        inner = [(a, b) for a, b in self.parens if a < i < b]
        if inner:
            a, b = max(inner)
            start, end = max(start, a + 1), min(end, b - 1)
        return start, end

    def time_at(self, i: int):
        for t in self.times:
            if t[0] <= i < t[1]:
                return t
        return None

    def masked_at(self, i: int, j: int) -> bool:
        return (_inside(self.masked, i, j) or _inside(self.scope_parens, i, j)
                or any(a <= i < b for a, b, _, _ in self.times))


def _tokens(st: _Sent) -> tuple[list[_Tok], list[tuple[int, int]]]:
    """Figures with a unit, in order, and the counters (the 3个 of 3个100%) that were skipped."""
    lex, s = _lex(), st.s
    toks, counters = [], []
    first = _first_chars()
    pos = 0
    n = len(s)
    while True:
        m = _NUM_RE.search(s, pos)
        if not m:
            break
        pos = m.end()
        nxt = s[pos:pos + 2].lstrip(" ")[:1]
        if not m.group("pct") and (not nxt or nxt not in first and nxt != "/") and not _OCR_DASH.match(s, pos):   # cheap test
            continue
        start, ntext, pct = m.start(), m.group("n"), m.group("pct")
        chinese = not ntext[0].isdigit()
        before = s[start - 1] if start else ""
        if st.masked_at(start, m.end()):
            continue
        if before == "第" or (chinese and before in _CN_GUARD) or _OCR_DECIMAL.search(s, max(0, start - 4), start):
            continue
        after = s[m.end()] if m.end() < n else ""
        if not chinese and (before in _AR_GUARD_BEFORE or after in ("+", "＋", "·")
                            or (after.isascii() and after.isalpha())
                            or _OCR_DECIMAL.search(s, max(0, start - 4), start)):
            continue
        tok = _read_unit(s, start, m.end(), ntext, pct, chinese)
        if tok is None:
            continue
        # a range: N<sep>M with one unit
        at = tok.end if tok.unit else tok.num_end
        r = lex.range_re.match(s, at) or _OCR_DASH.match(s, at)
        if r:
            m2 = _NUM_RE.match(s, r.end())
            if m2 and m2.group("n") and (not m2.group("pct") or m2.group("pct") == pct) \
                    and not st.masked_at(m2.start(), m2.end()):          # 千分之三至千分之五: one range
                t2 = _read_unit(s, m2.start(), m2.end(), m2.group("n"), m2.group("pct"),
                                not m2.group("n")[0].isdigit())
                if t2 is not None and t2.unit and (tok.unit is None or tok.unit == t2.unit
                                                   or tok.unit in _MAGNITUDES and t2.unit.startswith(tok.unit)) \
                        and t2.value >= tok.value:
                    tok = tok._replace(end=t2.end, value_max=t2.value, unit=t2.unit, kind=t2.kind,
                                       measure=t2.measure)
                    pos = t2.end
        if tok.unit is None:
            continue
        if tok.unit == "个" and tok.value_max is None and tok.end < n and _COUNTER_NEXT.match(s, tok.end):
            counters.append((tok.start, tok.end))        # 3个100%: the 3个 counts targets
            pos = tok.end
            continue
        toks.append(tok)
        pos = max(pos, tok.end)
    toks.extend(_bare_hundreds(st, toks))
    if "类" in s:
        toks.extend(_Tok(m.start(), m.end(1), m.end(), float(_ROMAN[m.group(1)]), None, "类", "grade", "类别", False,
                         m.group()) for m in _GRADE_RE.finditer(s) if not st.masked_at(m.start(), m.end()))
    toks.sort(key=lambda t: t.start)
    return toks, counters


_INCLUSIVE = re.compile(r"\s*[（(]含(?:本数|[^）)]{0,8}?\d[^）)]{0,4})[）)]")
_QUOTED_NAME = re.compile(rf"“(?=[^“”]{{0,11}}[\d{_CN_DIGITS}百千])[^“”%％‰]{{1,12}}”")   # (“四个100%”: a goal)
_OCR_DASH = re.compile(r"(?<=[\d万亿])一(?=\d)")    # 25一30%, 1，390万一1，480万吨: an OCR'd dash between figures
_MAGNITUDES = ("万", "亿", "万亿", "千", "百万", "千万")  # 600万到700万人: the first figure's unit is its magnitude
_COUNTER_NEXT = re.compile(rf"[\d{_CN_DIGITS}]+(?:\.\d+)?\s*[%％]|百分之")   # 3个100%: a counter of targets
_BARE_RE = re.compile(r"(?<![\d零〇○一二两三四五六七八九十百千万亿])([百千])")
_BARE_BOUND = re.compile(r"以上|以下|以内|左右")


def _bare_hundreds(st: "_Sent", toks: list) -> list:
    """百 / 千 standing alone as a count right after a count verb: 打造百家领军企业 -> 100 家."""
    s, lex = st.s, _lex()
    if "百" not in s and "千" not in s:
        return []
    out = []
    taken = [(t.start, t.end) for t in toks]
    for m in _BARE_RE.finditer(s):
        i = m.start()
        if any(a <= i < b for a, b in taken) or st.masked_at(i, i + 1):
            continue
        value = 100.0 if m.group(1) == "百" else 1000.0
        mag = lex.magnitude_re.match(s, i + 1)
        um = lex.unit_re.match(s, mag.end()) if mag else None
        if um and _BARE_BOUND.match(s, um.end()):
            # 产量稳定在百万吨以上: 百/千 before a magnitude, bounded by the word after its unit
            u = lex.units[um.group()]
            out.append(_Tok(i, mag.end(), um.end(), value, None, s[i + 1:um.end()], u.kind, u.measure, True, s[i:um.end()]))
            continue
        um = lex.unit_re.match(s, i + 1)
        if not um or lex.units[um.group()].kind != "count" or \
                any(s.startswith(b, i + 1) for b in lex.units[um.group()].blockers):
            continue
        if not lex.count_chain_re.search(s, max(0, i - 12), i):
            continue
        u = lex.units[um.group()]
        out.append(_Tok(i, i + 1, um.end(), value, None, um.group(), u.kind, u.measure, True, s[i:um.end()]))
    return out


@lru_cache(maxsize=1)
def _first_chars() -> frozenset:
    """Characters that may follow a number of a target: a unit's, a magnitude's, a range separator's,
    成, or (after 百分之…) any character."""
    chars = {w[0] for w in _lex().units if w}
    chars |= set("万亿千百十成%％‰至到—–-－~～余多")
    for r in table("target_units"):
        chars.add(r["unit"][0])
    for r in table("target_comparators"):
        if r["position"] == "range":
            chars.add(r["word"][0])
    return frozenset(chars)


_PER_PERIOD = {"年": "每年", "月": "每月", "日": "每天", "天": "每天", "周": "每周"}
# the denominator of a rate that is not money (人/百亿元, 吨/万元, 人/万人), magnitude included
PER_QUANTITY = re.compile(r"/[百千万亿]{0,2}(?:元|人|户|吨|平方米|平方公里|公顷|亩|千瓦时)")


_SLASH_SHARE = re.compile(r"/(\d{1,2})(?![\d/.\-年月日])")


def _read_unit(s: str, start: int, num_end: int, ntext: str, pct: Optional[str], chinese: bool) -> Optional[_Tok]:
    lex = _lex()
    mag = ""
    if chinese:
        if len(ntext) > 1 and ntext[-1] in "万亿" and ntext[-2] not in "万亿":
            mag, ntext = ntext[-1], ntext[:-1]
        value = _value_cn(ntext)
    else:
        try:
            value = float(re.sub(r"[,，\s]", "", ntext))
        except ValueError:
            value = None
    if value is None:
        return None
    end = num_end
    if pct:
        if pct == "万分之":
            value = round(value / 100, 4)                           # 每日利率万分之五: 0.05 %
        elif pct.endswith("分之") and pct not in ("百分之", "千分之"):
            value = _fraction_percent(pct[:-2], value)               # 三分之一: a share, in percent like 百分之
        unit = "‰" if pct == "千分之" else "%"
        return _Tok(start, end, end, value, None, unit, "percent", "比例", chinese, s[start:end])
    slash = None if chinese or s[start - 1:start] in "/.-" or s[start - 1:start].isdigit() else _SLASH_SHARE.match(s, end)
    if slash and 0 < value < int(slash[1]):                  # 专家占1/3: a share written with a slash, in percent
        return _Tok(start, slash.end(), slash.end(), round(value / int(slash[1]) * 100, 2), None, "%", "percent",
                    "比例", chinese, s[start:slash.end()])
    if end < len(s) and s[end] == "成" and value <= 10 and not s.startswith("成不", end):
        return _Tok(start, end + 1, end + 1, value * 10, None, "%", "percent", "比例", chinese, s[start:end + 1])
    if not chinese:
        gap = 1 if s[end:end + 1] == " " else 0           # 136000 万人: a PDF's space before the magnitude
        mm = lex.magnitude_re.match(s, end + gap)
        um0 = lex.unit_re.match(s, end + gap)
        if mm and not (um0 and len(um0.group()) > len(mm.group())):   # 50千瓦时: a unit, not 千
            mag, end = mm.group(), mm.end()
    p = end
    if p < len(s) and s[p] == " ":
        p += 1
    more = not pct and p < len(s) and s[p] in "余多" and bool(lex.unit_re.match(s, p + 1))
    if more:
        p += 1                                            # 50余人 -> > 50 人
    um = lex.unit_re.match(s, p)
    unit = kind = None
    measure = ""
    if um:
        u = lex.units[um.group()]
        if not any(s.startswith(b, p) for b in u.blockers):
            unit, kind, measure, end = um.group(), u.kind, u.measure, um.end()
            if kind == "money":
                per = re.match(rf"/(?:平方米|立方米|千瓦时|千瓦|兆瓦|[{CJK}](?:[·/][{CJK}])?)", s[end:end + 6])  # 元/人·月
                if per and per.group()[1:] in _PER_PERIOD:
                    end += len(per.group())               # 300万元/年: 万元, each year
                    return _Tok(start, num_end, end, value, None, mag + unit, kind, measure, chinese, s[start:end],
                                _PER_PERIOD[per.group()[1:]])
                if per:
                    unit += per.group()
                    end += len(per.group())
                    again = re.match(rf"/([{CJK}])", s[end:end + 2])
                    if again and again.group(1) in _PER_PERIOD:   # 32.5元/平方米/月: a price per unit and period
                        unit += again.group()                     # (stays whole in the unit), charged each month
                        end += 2
                        return _Tok(start, num_end, end, value, None, mag + unit, kind, measure, chinese,
                                    s[start:end], _PER_PERIOD[again.group(1)])
            elif per := PER_QUANTITY.match(s, end):
                unit += per.group()                       # 0.6人/百亿元, 1.2吨/万元: a rate per an amount
                end = per.end()
    if unit is None and mag:
        unit, kind = "", "count"
    if unit is not None:
        if unit in ("％",):
            unit = "%"
        unit = mag + unit
    return _Tok(start, num_end, end, value, None, unit, kind, measure, chinese, s[start:end], None, more and unit is not None)


# --- helpers for indicator and text --------------------------------------------------------------

_STRIP_CHARS = " \t\u3000、，,：:——-－·)）"


_NUMBERING = re.compile(r"(?:第[一二三四五六七八九十百零〇\d]+[条章节款项部分]|[（(][一二三四五六七八九十\d]{1,3}[)）]"
                        r"|\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}、|[一二三四五六七八九十]是|[①-⑳])\s*")
_MAX_SUBJECT = 40


def _strip_subject(st: _Sent, a: int, b: int, strip_rec: bool = True) -> int:
    """Move a past leading punctuation, dates, goal words and connectives of s[a:b]."""
    lex, s = _lex(), st.s
    changed = True
    while changed and a < b:
        changed = False
        while a < b and s[a] in _STRIP_CHARS:
            a += 1
            changed = True
        m = _NUMBERING.match(s, a, b)
        if m:
            a = m.end()
            changed = True
            continue
        t = st.time_at(a)
        if t and t[1] <= b and (strip_rec or t[2] != "rec"):
            a = t[1]
            m = _PERIOD_TAIL.match(s, a, b)               # “十五五”时期
            a = m.end() if m else a
            changed = True
            continue
        m = lex.lead_re.match(s, a, b) or _PREVIOUS_TAIL.match(s, a, b)
        if m and not any(s.startswith(w, a) for w in lex.lead_block):
            a = m.end()
            changed = True
    if b - a > _MAX_SUBJECT:                    # a run-on line (heading + text): keep its last words
        k = max(s.rfind(" ", a, b), s.rfind("\u3000", a, b))
        a = k + 1 if k >= 0 and b - k - 1 >= 2 else b - _MAX_SUBJECT
    return a


_PERIOD_TAIL = re.compile(r"时期|期间|期末|末期")
# the end of the figure before and the conjunction after it (…千分之二|的比例且|单处面积不少于三十平方米)
_PREVIOUS_TAIL = re.compile(r"的[\u4e00-\u9fff]{1,6}?(?:并且|且)")
# how a change is measured or what it was set as, between the indicator and its change word:
# 地区生产总值按可比价格计算增长, 地区生产总值增速目标设定为年均增长 -> 地区生产总值(年均)增长
_CHANGE_BASIS = re.compile(r"(?:按照?(?:可比价格?|不变价格?|现价|可比口径)?(?:计算)?|(?:增速|增长)?目标值?(?:设定|确定|设)?为)"
                           r"(?=(?:年均|年平均|平均每年)?(?:增长|增速|提高|下降|降低|减少))")


_PRICE_BASIS = re.compile(r"按(?:照)?(?:(?:19|20)\d\d年|[一二][九〇○零][〇○零一二三四五六七八九]{2}年)?(?:可比|不变|当年)?价格?计算的?")


# 经家庭医生评估可将处方用药量…: the approval a figure waits on and the modal before what it measures
_APPROVED_FIRST = re.compile(r"^经[^，,。；;]{1,16}?(?:评估|批准|同意|审核|认定|确认)(?:后)?(?:可以|可)?(?:将|把)?(?=.{2})")


def _tidy_indicator(indicator: Optional[str]) -> Optional[str]:
    """Without how a figure is measured (按2000年价格计算的国内生产总值 -> 国内生产总值) or the approval it
    waits on (经家庭医生评估可将处方用药量 -> 处方用药量)."""
    if not indicator:
        return indicator
    return _balanced(_APPROVED_FIRST.sub("", _PRICE_BASIS.sub("", _CHANGE_BASIS.sub("", indicator))) or indicator)


def _measured(indicator: Optional[str]) -> Optional[str]:
    """The measured thing without words of obligation (modal in target_cues.tsv) and without the verb of
    doing before it (完成旧住房修缮更新面积 -> 旧住房修缮更新面积), unless the verb heads a 的 phrase that the
    measure belongs to (完成绿化的时间)."""
    if indicator:
        bare = _MANNER_AFTER_MODAL.sub("", indicator)        # 小区应当按照套内建筑面积… -> 小区套内建筑面积…
        bare = _lex().modal_re.sub("", bare)                 # 幼儿园应当每年组织面向家长… -> 幼儿园每年组织…
        bare = _balanced(bare if _PRICE_BASIS.match(bare) else _LEAD_MANNER.sub("", bare))   # 可按照在税前… -> 税前…
        indicator = bare if len(bare) >= 2 else indicator
    if indicator:                                         # 或人均居住面积, 提供不低于本市工资标准: no connective, no bound
        bare = _inner_bound_re().sub("", _LEAD_CONNECTIVE.sub("", indicator))
        indicator = bare if len(bare) >= 2 else indicator
    k = _WHOLE_AREA.match(indicator or "").end()           # 全区完成…: the area stays, the verb goes
    m = _lex().doing_re.match(indicator or "", k)
    if m and "的" not in indicator and len(indicator) - m.end() >= 2:
        return indicator[:k] + indicator[m.end():]
    return indicator or None


_CHANGED_TO = re.compile(r"(?:上升|下降|提高|增加|减少|增长|降低|扩大|缩小)为$")   # 下降为1957年的18.2%: that year's level
_SHARE_OF = re.compile(r"[\u4e00-\u9fff（）]{2,30}的")
_SHARE_FIGURE = re.compile(r"百分之|千分之|\d+(?:\.\d+)?\s*[%％‰]")
_LEAD_CONNECTIVE = re.compile(r"^(?:的|或者|或|且|即|其中)")
_WHOLE_AREA = re.compile(r"(?:[全各](?:省|市|区|县|镇|乡|街道))?")


@lru_cache(maxsize=1)
def _inner_bound_re() -> re.Pattern:
    """A floor or ceiling word of target_comparators.tsv left inside a name (提供不低于本市工资标准)."""
    words = [w for w, (cmp_, _) in _lex().pre.items() if w.startswith("不") and cmp_ in (">=", "<=")]
    return re.compile(rf"(?:{_alt(words)})(?=[\u4e00-\u9fff]{{2}})")
# how a rule is to be applied is no part of what it measures: a manner word opening the name or after a modal
_LEAD_MANNER = re.compile(r"^(?:可以|可(?=按|依|根))?(?:(?:按照|依照|依据|根据|按(?![期时月季年日需劳比]))在?)?")
_MANNER_AFTER_MODAL = re.compile(r"(?<=[\u4e00-\u9fff])(?:应当|应该|必须|须|可以)(?:按照|依照)(?!规定|有关|相关|国家|法律)")


MARK_PAIRS = (("（", "）"), ("(", ")"), ("“", "”"))


def stray_marks(name: str, open_: str, close: str) -> tuple[int, int]:
    """(where the last closing mark with no opening mark before it stands, or -1; how many opening marks
    are left unclosed): how a name cut inside a bracket or quote shows (health.py counts such names)."""
    depth, cut = 0, -1
    for i, ch in enumerate(name):
        if ch == open_:
            depth += 1
        elif ch == close:
            if depth:
                depth -= 1
            else:
                cut = i
    return cut, depth


def _balanced(name: str) -> str:
    """A name cut inside a bracket or quote made whole: a stray closing mark and what stands before it go
    (下同）比1957年计划增长 -> 比1957年计划增长), one ending the name goes, a stray opening quote goes, an open
    bracket is closed."""
    for open_, close in MARK_PAIRS:
        cut, _ = stray_marks(name, open_, close)
        if cut >= 0 and len(name) - cut - 1 >= 2:
            name = name[cut + 1:]
        elif cut == len(name) - 1 and cut >= 2:
            name = name[:-1]                              # 销区销量” (the quote the figure stood in): the name
        if name.count(open_) > name.count(close):
            name = name.replace(open_, "", 1) if open_ == "“" else name + close
    return name


def _strip_tail(subject: str) -> str:
    tails, blocks = _lex().cues.get("subject_tail", ()), _lex().cues.get("tail_block", ())
    changed = True
    while changed and subject:
        changed = False
        if any(subject.endswith(b) for b in blocks):
            break
        for w in tails:
            if subject.endswith(w) and len(subject) > len(w):
                subject, changed = subject[:-len(w)].rstrip(_STRIP_CHARS), True
                break
    return subject


def _rate_head(subject: str) -> bool:
    return any(subject.endswith(w) for w in _lex().cues.get("rate_head", ()))


def _complete_measure(subject: str, kind: Optional[str]) -> bool:
    """Whether the indicator names its measure already: a rate head, or a capacity or length for a size figure."""
    return _rate_head(subject) or kind == "size" and any(subject.endswith(w) for w in _lex().cues.get("size_head", ()))


def _object(s: str, i: int) -> tuple[str, int]:
    """The noun right after a figure (1次家长委员会会议 -> 家长委员会会议), cut at 的; (text, end).
    A second unit in brackets is passed over (建设超100条（个）幸福河湖 -> 幸福河湖)."""
    alt = re.match(r"[（(][\u4e00-\u9fff]{1,2}[）)]", s[i:i + 5])
    if alt:
        obj, end = _object(s, i + alt.end())
        return (obj, end) if obj else ("", i)
    m = re.match(rf"[{CJK}“”\"][{CJK}“”\"、]{{0,19}}", s[i:i + 20])
    if not m or m.group()[0] in "的、和及与或以等且但”\"" or \
            any(m.group().startswith(w) for w in _lex().cues.get("full_cover", ())):
        return "", i
    obj = m.group().rstrip("、")
    for stop in ("的", "，"):
        k = obj.find(stop)
        if k > 0:
            obj = obj[:k]
    k = obj.find("、")
    if k > 0 and re.search(r"\d", s[i + k:i + k + 20].split("，")[0]):
        obj = obj[:k]                                     # 5个以上紧密型城市医疗集团、区级覆盖率达80%: the next item
    # a clause-level verb after the object ends it (…会议，完善…) — punctuation already does
    return obj, i + len(obj)


def _strip_object(obj: str) -> str:
    return _lex().object_lead_re.sub("", obj, count=1) or obj


_VERB_ONLY = re.compile(r"(?:予以|进行)?(?:确定|执行|计算|核定|发放|收取|计发|计收|支付|缴纳|设置|配置|配建|预留|安排|提取|计提)"
                        r"(?:和(?:收取|发放|计算))?")
_AN_RE = re.compile(r"按(?:照)?(?P<cue>不低于|不少于|不超过|不高于|不大于|不小于|不得低于|不得超过)?(?P<base>[^，,。；;：:]{1,25}?)的$")


# --- the parser -------------------------------------------------------------------------------------


def parse_targets(sentence: str, base: int = 0) -> list[TargetCandidate]:
    """Numeric targets of one sentence (see the module docstring)."""
    if not isinstance(sentence, str) or not sentence or not _any_re().search(sentence):
        return []
    try:
        return _parse(sentence, base)
    except (ValueError, OverflowError, IndexError, RecursionError):   # never fail a document
        return []


class _Found(NamedTuple):
    start: int
    end: int
    comparator: str
    value: float
    value_max: Optional[float]
    unit: Optional[str]
    recurrence: Optional[str]
    deadline: Optional[str]
    indicator: Optional[str]
    group: int
    region: tuple[int, int]       # subject region (raw), for 分别 lists
    cue_start: int
    count: Optional[tuple] = None  # the count verb of a count target (_count_cue)
    what: Optional[str] = None     # "limit" (a rule's time limit), "count" (things to build), "grant", None
    baseline: Optional[tuple] = None  # 从77%提高到80%: (77, None); 由1985年的21.3%上升到…: (21.3, 1985)
    grant: Optional[tuple] = None  # a grant's (who, what): (首台套装备投保的企业, 保险补贴), for the cap after it
    whole: Optional[str] = None    # the indicator of the count this one is a part of (…563个，其中公办小学315个)


@lru_cache(maxsize=1)
def _cover_re() -> re.Pattern:
    cues = _lex().cues
    rank = rf"|(?:{_alt(cues['rank_lead'])})[\d{_CN_DIGITS}]{{1,3}}(?![\d{_CN_DIGITS}%％])" if cues.get("rank_lead") else ""
    return re.compile((_alt(cues.get("full_cover", ()) + cues.get("positive_growth", ())) or "全覆盖") + rank)


def _parse(s: str, base: int) -> list[TargetCandidate]:
    st = _Sent(s)
    toks, counters = _tokens(st)
    found: list[_Found] = []
    covers = [m for m in _cover_re().finditer(s) if not st.masked_at(m.start(), m.end())]
    events = sorted([(t.start, 0, t) for t in toks] + [(m.start(), 1, m) for m in covers], key=lambda e: e[:2])
    prev_end, group = -1, 0
    bare = []                                             # figures with no cue of their own
    for _, is_cover, obj in events:
        f = _cover(st, obj, prev_end, found, group) if is_cover else _figure(st, obj, prev_end, found, counters, group)
        if f is None and not is_cover:
            bare.append(obj)
        if f is None or f == "merged":
            continue
        found.append(f)
        group, prev_end = max(group, f.group), f.end
    _share_cue(st, found, bare)
    found = _merge_bounds(s, found)
    _shared_unit(st, found)
    _deal_out_lists(st, found)
    _deal_out_awards(st, found)
    _borrow_counted(st, found)
    _share_topic(st, found)
    _share_subject(st, found)
    _adjusted_topic(st, found)
    _compared_topic(st, found)
    out = []
    seen = set()
    for f in found:
        if (f.start, f.end, f.value, f.indicator) in seen:
            continue
        seen.add((f.start, f.end, f.value, f.indicator))
        end = f.end
        while end - f.start > 2 and s[end - 1] in "和及与、":
            end -= 1                 # 建设4个国家级渔港经济区和|10个…: the list's joiner is no part of the item
        out.append(TargetCandidate(indicator=_measured(f.indicator), comparator=f.comparator, value=f.value,
                                   value_max=f.value_max, unit=f.unit, recurrence=f.recurrence,
                                   text=s[f.start:end], span=(base + f.start, base + end),
                                   deadline_text=f.deadline, what=f.what, baseline=f.baseline))
    return out


_FROM_TO = re.compile(r"(?P<from>从|由)(?:现在的|目前的|现有的|每人每月|每人每年|每人|每户|每月|每年)?"
                      rf"(?P<list>(?:[^，,。；;：:从由到至]|{_THOUSANDS_COMMA}){{1,40}}?)"   # 由1980年的2，425万人增加到…
                      r"(?:提高|提升|增加|增长|扩大|上升|降低|下降|减少|缩短|压缩|调整|上调|下调|调增|调减|增|降)(?:到|至|为)")


_TO_YEAR = re.compile(r"^(?:(?:19|20)\d\d|[一二九〇○零][一二三四五六七八九〇○零]{3})\s?年(?:底|末)?的?")


def _from_to(st: _Sent, c_start: int, c_end: int, num_start: int):
    """从77%提高到80% / 分别从每人每月209元、280元提高到217元、290元: where the figure at num_start stands.
    ("from", …) for a starting value, ("to", baseline, 从's position, baseline year) for a value it
    rises or falls to (the k-th after 到 takes the k-th after 从; 由1985年的21.3%: year 1985), None otherwise."""
    s = st.s
    for m in _FROM_TO.finditer(s, c_start, c_end):
        nums, year = [], None
        for n in _NUM_RE.finditer(m["list"]):
            if not n.group("n") or not re.match(rf"[\d{_CN_DIGITS}]", n.group("n")):
                continue
            if m["list"][n.end():n.end() + 1] == "年":      # 由1985年的21.3%: the year of the baseline
                y = parse_number(n.group("n"))
                year = int(y) if y and 1900 <= y <= 2100 else year
                continue
            if m["list"][n.start() - 1:n.start()] == "·" and n.start():
                continue                                  # 六·五 (an OCR-broken 6.5): its decimals
            nums.append(n)
        if not nums:
            continue
        if m.start("list") <= num_start < m.end("list"):
            return "from", None, None, None
        if num_start < m.end():
            continue
        between = _TO_YEAR.sub("", s[m.end():num_start])   # …上升为一九五七年的百分之五四: the target year
        k = len([n for n in _NUM_RE.finditer(between) if n.group("n")]) if between.strip() else 0
        if re.search(rf"[^\s\d.%％{_CN_ALL}、和及与万亿千百元个人次所家项条座套张台户名位]", between) or k >= len(nums):
            return None
        broken = m["list"][nums[k].end():nums[k].end() + 1] == "·"
        return "to", None if broken else parse_number(nums[k].group()), m.start(), year
    return None


def _share_cue(st: _Sent, found: list, bare: list) -> None:
    """粮食播种面积3320万亩、产量1285万吨以上 / 新能源开工1600万千瓦、投产1000万千瓦以上: a figure with no
    cue of its own, then 、 and the next subject whose figure has one, is a target of the same kind, and
    the next one's subject starts after the 、."""
    s = st.s
    for t in bare:
        if t.unit is None or t.kind in ("duration", "age", "time") or s[t.end:t.end + 1] != "、":
            continue
        k = next((k for k, f in enumerate(found) if f.region[0] <= t.start and t.end < f.cue_start <= t.end + 12
                  and re.fullmatch(f"[{CJK}]{{1,10}}", s[t.end + 1:f.cue_start])), None)
        if k is None or st.clause(t.start) != st.clause(found[k].cue_start):
            continue
        f = found[k]
        lo = max([st.clause(t.start)[0]] + [g.end for g in found[:k] if g.end <= t.start])
        a = _strip_subject(st, lo, t.start)
        subject = _strip_tail(s[a:t.start].strip(_STRIP_CHARS))
        if not subject:
            continue
        ind = subject + (t.measure if t.measure and not _complete_measure(subject, _unit_kind(t.unit))
                         and not subject.endswith(t.measure) else "")
        cmp_ = f.comparator if f.comparator in (">=", "<=", "approx") else "="
        found.insert(k, _Found(a, t.end, cmp_, t.value, None, t.unit, f.recurrence, f.deadline, ind, f.group,
                               (lo, t.start), t.start))
        cut = (f.indicator or "").rfind("、")
        if cut > 0 and re.search(r"\d", f.indicator[:cut]):
            found[k + 1] = f._replace(start=t.end + 1, indicator=f.indicator[cut + 1:])


ORIGIN_AFTER = re.compile(r"[”\"]?(?:期间|时期)?(?:批复|批准|确定|规划|部署|认定|命名|启动|建成)的")


def _deadline(st: _Sent, i: int) -> tuple[Optional[str], int]:
    """The nearest date / interval / named period before position i, and its start (-1)."""
    s = st.s
    best = None
    for a, b, kind, text in st.times:
        if b > i or kind == "rec":
            continue
        if _inside(st.scope_parens, a, b):
            continue
        before, after = s[max(0, a - 2):a], s[b:b + 4]
        if re.search(r"[比较与同由从]\s*$", before) or re.match(r"(?:的?基础上|相比|同期|水平|远景|价格|不变价|可比价)", after) \
                or before.endswith("为") and after.startswith("的") and not _CHANGED_TO.search(s, max(0, a - 4), a):
            continue                                      # 比2020年; 由1985年的…; 2035年远景目标; 按2000年价格计算; 将为1952年的368%
        if ORIGIN_AFTER.match(s, b):
            continue                                      # “十四五”批复的6个基地: when it was approved, not a deadline
        alone = (a == 0 or s[a - 1] in "，,；;") and s[b:b + 1] in ("，", ",")   # …，利用3-5年时间，力争…: a frame
        if kind == "rel" and _PUNCT_RE.search(s, b, i) and s[:a].strip(_STRIP_CHARS + "力争要计划预计到") and not alone:
            continue                                      # …,用三年时间基本消除薄弱学校,实现…全覆盖: another action's
        best = (text, a)
    if best is None:
        return None, -1
    text, a = best
    return re.sub(r"\s+", "", text), a


def _recurrence(st: _Sent, lo: int, i: int) -> tuple[Optional[str], int]:
    best = (None, -1)
    for a, b, kind, text in st.times:
        if kind == "rec" and lo <= a and b <= i:
            best = (text, a)
    return best


def _pre_cue(st: _Sent, lo: int, i: int):
    """The comparator word nearest before position i within [lo, i): (word, comparator, start, end)."""
    lex, s = _lex(), st.s
    best = None
    for m in lex.pre_re.finditer(s, lo, i):
        cmp_, gap = lex.pre[m.group()]
        if m.group().startswith(("不", "低于", "高于", "超过")) and _SHARE_OF.fullmatch(s, m.end(), i) \
                and _SHARE_FIGURE.match(s, i):
            gap = i - m.end()                             # 不少于物业总建筑面积的千分之三: a share of a base
        if i - m.end() > gap or st.masked_at(m.start(), m.end()) \
                or any(s.startswith(w, m.end()) for w in lex.pre_block.get(m.group(), ())) \
                or (len(m.group()) == 1 and m.start() and s[m.start() - 1] in _NUMBER_CHARS):
            continue                                      # (688万只: a unit after a number, not 只)
        between = s[m.end():i]
        if re.search(r"[\d“”\"《》]", between):
            continue
        if best is None or m.end() > best[3] or (m.end() == best[3] and m.start() < best[2]):
            best = (m.group(), cmp_, m.start(), m.end())
    neg = _NEGATION_BEFORE.search(s, max(lo, best[2] - 8), best[2]) if best and best[1] in _NEGATED else None
    if neg and not lex.pre_re.match(s, neg.start()):          # (不低于…最低: a comparator word of its own)
        best = (best[0], _NEGATED[best[1]], best[2], best[3])    # 不同时担任超过3个: at most 3
    return best


# a negation a few words before 超过/多于 (不同时担任超过3个, 不能连续超过两届): the bound is a ceiling
_NEGATED = {">": "<=", ">=": "<"}
_NEGATION = r"不得|不能|不可|不宜|不应|不再|不准|不"
_NEGATION_BEFORE = re.compile(rf"(?:{_NEGATION})(?![仅但断少])[^，,。；;不的]{{0,6}}$")


_SCOPE_FIGURE = re.compile(r"\d[\d.]*[^\d%的，,]{0,4}?[及或]?(?:以上|以下|以内)的")


def _prev_clause(st: _Sent, start: int) -> str:
    """The clause before the one starting at ``start`` (stripped), when it holds no figure."""
    s = st.s
    if start <= 1:
        return ""
    a, b = st.clause(start - 2)
    if b >= start or re.search(r"\d|%", _SCOPE_FIGURE.sub("", s[a:b])):
        return ""                                         # (but 单户担保金额500万元以上的再担保业务收费，原则上…: a scope)
    a = _strip_subject(st, a, b)
    text = s[a:b].strip(_STRIP_CHARS)
    return text if 2 <= len(text) <= 60 else ""


def _figure(st: _Sent, t: _Tok, prev_end: int, found: list, counters: list, group: int):
    lex, s = _lex(), st.s
    c_start, c_end = st.clause(t.start)
    lo = max(c_start, prev_end if prev_end <= t.start else c_start)
    num_start = t.start
    for a, b in counters:
        if b == t.start:
            num_start = a
    # comparator
    pre = _pre_cue(st, max(lo, num_start - 36), num_start)
    pm = lex.post_re.match(s, t.end)
    post = None
    if pm:
        w = pm.group()
        if not (w.endswith("以下") and s[pm.end():pm.end() + 1] in set("简称统几各")):
            post = (w, lex.post[w], pm.end())
    post_end = post[2] if post else t.end
    # a period (补贴期限最长不超过3年) does not recur with the sum before it (…每年不超过5万元、)
    rec_text, rec_start = _recurrence(st, lo if t.kind in ("duration", "time") else c_start, num_start)
    if rec_text is None and t.per:
        rec_text, rec_start = t.per, num_start              # 不超过300万元/年 -> 每年
    an = _AN_RE.search(s, c_start, num_start) if "按" in s[c_start:num_start] else None
    if an and an.end() != num_start:
        an = None
    # a continuation of a list: 30%、20%和10%
    cont = whole = whole_by = None
    if pre is None and found and found[-1].end <= t.start:
        last = found[-1]
        gap = s[last.end:t.start]
        if (_LIST_SEP.fullmatch(gap) or (not gap and s[last.end - 1] in "、和及与或")) \
                and st.clause(last.end - 1)[0] == c_start:   # (…30家标杆孵化器和)10家…: the item took the 和
            cont = last
    kind = t.kind
    # a time limit a rule sets: 收到申请之日起20日内作出决定, 48小时内放行
    limit = None
    if kind in ("duration", "time") and t.value_max is None and (pre is None or pre[1] == "<="):
        limit = _time_limit(st, t, c_start, num_start)
        if limit is False:
            return None
        if limit:
            within = limit[0] > t.end and not s.startswith("前", t.end)
            post, post_end = ("内", "<=", limit[0]) if within else ("前", ">=", limit[0]), limit[0]
    # a period a rule sets by name: 建设周期一般为3至5年, 公示期为7个工作日
    period = kind == "duration" and not limit and pre is None and _period_re().search(s, c_start, num_start)
    # a count of things the policy will build: 打造8个…园区, 培育百家…企业, 培育专精特新企业10家
    count = None
    if (kind in ("count", "size") or kind == "money" and _SPENT.search(s, max(lo, num_start - 4), num_start)) \
            and an is None and t.value_max is None and t.unit not in _NOT_COUNTED \
            and (pre is None or pre[0] in lex.count_verbs or _inside_count_verb(st, lo, num_start, pre)):
        count = _count_cue(st, lo, num_start, post_end, c_end)
        if count and pre is not None and not count[5]:
            count = None                                  # 经营主体突破300万户: a level (>), not a count
        if count:
            pre = None
        elif pre is None and found and found[-1].count and s[found[-1].end:found[-1].end + 1] == "、" \
                and st.clause(found[-1].end - 1)[0] == c_start \
                and (post_end == c_end or s[post_end:post_end + 1] in _CLAUSE_PUNCT + "、"):
            count = ("tail", lo) + found[-1].count[2:5] + (False,)   # 新增A4000人、B6500人: one verb, a list
            whole, whole_by = found[-1].whole, found[-1].deadline
        elif pre is None and found and found[-1].count and _PART_OF.fullmatch(s, c_start, num_start) \
                and st.clause(found[-1].end - 1)[1] + 1 == c_start and _unit_kind(found[-1].unit) == kind:
            count = ("tail", lo) + found[-1].count[2:5] + (False,)   # 设置计划563个，其中公办小学315个: a part
            whole, whole_by = found[-1].indicator, found[-1].deadline
    if cont is not None and cont.whole and not pre:
        whole, whole_by = cont.whole, cont.deadline       # …其中公办、民办小学各…: a part too
    if cont is not None and cont.count and not count and kind in ("count", "size"):
        follows = bool(_object(s, post_end)[0])           # 改造2.5万套（间）城市危旧房、2.6万户城中村: its own noun
        count = cont.count[:5] + (follows,)
    # what decides the comparator
    if t.value_max is not None:
        cmp_ = "range"
    elif post and (pre is None or pre[1] == "=" or post[1] in (pre[1], "approx")):   # 控制在5.5%左右 -> approx
        cmp_ = post[1]
    elif pre:
        cmp_ = pre[1]
    elif an and an.group("cue"):
        cmp_ = lex.pre.get(an.group("cue"), (">=",))[0]
    elif cont is not None:
        cmp_ = cont.comparator
    else:
        cmp_ = "="
    from_to = _from_to(st, c_start, c_end, num_start) if ("从" in s[c_start:c_end] or "由" in s[c_start:c_end]) \
        and any(w in s[c_start:c_end] for w in ("到", "至", "为")) else None
    if from_to and from_to[0] == "from":
        return None                                       # 从77%提高到80%: 77% is where it starts
    if t.more and cmp_ == "=":
        cmp_ = ">"                                        # 新增文物保护员50余人 -> > 50 人
    if cmp_ in (">", "<") and _INCLUSIVE.match(s, post_end):
        cmp_ += "="                                       # 超过50人（含50人）: the bound itself counts
    has_cue = bool(pre or post or t.value_max is not None or rec_text or an or cont or count or period)
    # --- is it a target?
    quota = count is not None and not rec_text and _EACH_UNIT.search(s, c_start, num_start)
    if _not_a_target(_Fig(st, t, kind, pre, post, post_end, cmp_, limit, period, count, an, rec_text, has_cue,
                          quota, c_start, c_end, num_start)):
        return None
    if rec_text is None and cont is not None:
        rec_text = cont.recurrence
    # --- indicator
    if an:
        subj_end = an.start()
    elif pre:
        subj_end = pre[2]
    elif count and count[0] == "verb":
        subj_end = count[1]
    else:
        subj_end = num_start
    if from_to and lo <= from_to[2] < subj_end:
        subj_end = from_to[2]                             # …最低比例从77%提高到80%: what stands before 从
        pre = None if pre and pre[2] >= subj_end else pre
    a = _strip_subject(st, lo, subj_end)
    subject = _strip_tail(s[a:subj_end].strip(_STRIP_CHARS))
    if pre and pre[1] in _NEGATED.values() and lex.pre[pre[0]][0] in _NEGATED and (neg := _NEGATION_BEFORE.search(subject)):
        subject = subject[:neg.start()] + re.sub(rf"^(?:{_NEGATION})", "", neg.group())
    if _BOUND_OPEN.fullmatch(subject):
        subject = ""                                      # …为准，最多不超过2个百分点: the clause before names it
    if subject.count("（") > subject.count("）") and s[subj_end - 1:subj_end] == "）":
        subject += "）"                                   # 科技创新平台（基地）10家: the bracket stays closed
    obj, obj_end = _object(s, post_end)
    between = between0 = s[pre[3]:num_start] if pre else ""
    if "的" in between or len(between) > 6 or re.search(r"[^\u3400-\u9fff]", between):
        between = ""
    between = re.sub(r"(?:为|是)$", "", between)            # 最高时长为24个月 -> 时长
    measure = t.measure
    count_ind = None
    if count:
        count_ind, c_obj_end = _count_indicator(st, count, post_end, c_end)
        if count_ind is None and count[0] == "verb" and not (subject or obj):
            return None                                   # 培育10家 with nothing counted
        if count_ind is False:
            return None                                   # 五项工作, 十条措施: the policy's own tasks
        if count_ind:
            obj_end = max(obj_end, c_obj_end)
        if count[2] == "rate" and count[4] and rec_text is None:
            rec_text = count[4]
    grant = _grant_indicator(st, kind, lo, c_start, num_start, post_end, c_end, subject, found) \
        if kind in ("money", "percent") and not count and not limit and cont is None \
        and not (pre and pre[0] in lex.changes) else None
    de_noun = _object(s, post_end + 1) if pre and s[post_end:post_end + 1] == "的" else None
    de_noun = de_noun if de_noun and de_noun[0] and not _not_measured(de_noun[0]) else None
    lead_fig = _lead_figure_re().match(subject) if de_noun else None
    if limit:
        indicator = _limit_indicator(st, subject, limit, c_start)
        obj_end = max(obj_end, limit[2])                  # (end of 内, action start, end, name, object, …)
    elif grant:
        indicator, obj_end = grant[0], max(obj_end, grant[1])
    elif count_ind and count[2] == "count" and (named := _named_before_count(s, count, num_start)):
        indicator = f"{count_ind}（{named}）"            # 加快邵永、铜吉等6条高铁 -> 高铁（邵永、铜吉等）
    elif count_ind and len(count_ind) <= 3 and count[2] == "count":
        a2 = _strip_subject(st, lo, num_start)            # 设置2个以上级部: a short noun keeps its context
        context = s[a2:num_start].strip(_STRIP_CHARS)
        core = context + count_ind
        indicator = core + (measure if measure and not core.endswith(measure) else "")
    elif count_ind and quota and count[0] == "verb":
        each = quota.start()                              # 每个省（自治区、直辖市）培育一家…的龙头机构
        indicator = s[each:count[1]].strip().rstrip("，,、") + count_ind.rsplit("的", 1)[-1]   # -> 每个省（…）龙头机构
    elif count_ind:
        indicator = count_ind + (measure if kind == "size" and count[2] == "count" and measure
                                 and not _rate_head(count_ind) else "")   # 7公里燃气老化管道改造 -> …改造长度
    elif cont is not None:
        indicator = cont.indicator
    elif an:
        o = _strip_object(obj)
        if not o or _VERB_ONLY.fullmatch(o):
            o = subject                                   # 特困人员基本生活标准按…标准的1.6倍确定: the subject's share
        base_ = an.group("base").strip()
        indicator = (f"{o}（占{base_}）" if re.search(r"(?:比例|比重|率)$", o) else f"{o}占{base_}比例") if o \
            else f"{base_}比例"                           # 商业服务设施比例应按不大于…的5%: its own share of the base
    elif subject and pre and pre[0] in lex.changes:
        if _BASE_ONLY.fullmatch(subject) and found and found[-1].indicator \
                and st.clause(found[-1].end - 1)[1] + 1 == c_start:
            subject = _BASE_CUT.split(found[-1].indicator)[0] + subject   # 工业总产值…达到13，240亿元，比1985年增长43.4%
        indicator = subject + pre[0]                      # 国内生产总值年均增长 (7%)
    elif (lead_fig and _rate_head(subject[lead_fig.end():])) or (de_noun and kind == "size" and _rate_head(subject)):
        # a bound written before 的 + a noun measures that noun: 3万平方米节能率不低于15%的既有公共建筑节能改造
        # -> 既有公共建筑节能改造节能率; …区域控制宽度不少于一百米的绿化缓冲带 -> 绿化缓冲带…区域控制宽度
        noun, obj_end = de_noun
        indicator = noun + subject[lead_fig.end() if lead_fig else 0:]
    elif kind == "percent" and _SHARE_SUBJECT.search(subject) and not _RATIO_HEAD.search(subject):
        indicator = subject + "比例"                        # 经费占国内生产总值4%, 达标区面积占建成区50%的目标要求
    elif kind in ("percent", "permille") and not pre and s[post_end:post_end + 1] == "的" \
            and not (subject and _rate_head(subject)) and _share_of(s, post_end, c_end):
        share, share_end = _share_of(s, post_end, c_end)   # 100%的社区卫生服务中心完成中医馆设置
        indicator, obj_end = share + "比例", max(obj_end, share_end)
        rate = re.match(r"(?:比例|比率|标准)([\u4e00-\u9fff]{0,4})$", share)
        if rate:                                           # 由长护险基金按90%的比例支付: a rate of paying
            who = re.sub(r"(?:按照|按)$", "", subject)
            indicator = (who + rate.group(1) + "比例") if who or rate.group(1) else indicator
    elif kind in ("percent", "permille") and not pre and (share := _COPULA_SHARE.fullmatch(subject)):
        indicator = f"{share['x']}（占{share['y']}）"          # 补贴标准为每人每次就餐费用的四分之一
    elif subject and _rate_head(subject):
        indicator = _share_name(subject, between0) if pre and kind == "percent" else subject
        if kind == "percent" and indicator == subject and re.search(r"占[^占]{2,}$", subject) \
                and not _RATIO_HEAD.search(subject):
            indicator += "比例"                             # 占全国工业总产值的59%: a share, not the 总产值
    else:
        copula = _COPULA_PER.fullmatch(subject)
        if _PER_HEAD.fullmatch(subject) and not obj and found \
                and (st.clause(found[-1].end - 1)[1] + 1 == c_start or _BOUND_OPEN.match(s, c_start)) \
                and (subject or _unit_kind(found[-1].unit) == kind):   # 每人仅可申请一次 / 最长为一年 (a period again)
            subject = found[-1].indicator or subject       # …最短公示期为三个月，最长为一年: the same period
        elif copula and not obj and found and st.clause(found[-1].end - 1)[1] + 1 == c_start:
            # X标准按…的1.5倍确定，为每人每月1963.5元: the amount is X itself, the subject of the clause before
            subject = (found[-1].indicator if _unit_kind(found[-1].unit) == kind
                       else _strip_tail(s[found[-1].region[0]:found[-1].region[1]].strip(_STRIP_CHARS))) or subject
        elif len(subject) <= 2 and not obj:
            subject = _prev_clause(st, c_start) + subject
        if subject and not obj and pre and kind == "percent" and _share_name(subject, between0) != subject:
            indicator = _share_name(subject, between0)    # …再担保业务收费，原则上不高于承担风险责任的0.5%
        elif subject or obj:
            verb = s[count[1]:num_start] if subject and not obj and count and count[0] == "verb" else ""
            core = subject + verb + between + obj         # 职业技能培训20万人次: the verb names what is counted
            indicator = core + (measure if measure and not _complete_measure(core, kind) and not core.endswith(measure) else "")
        elif found:
            indicator = found[-1].indicator
        else:
            indicator = None
    # --- text
    deadline, d_start = _deadline(st, num_start)
    if limit and d_start < c_start:
        deadline = None                                   # 于11月10日前申请，…5个工作日内完成复核: counted from an event
    starts = [num_start]
    if subject and a < subj_end:
        starts.append(a)
    if pre:
        starts.append(pre[2])
    if an:
        starts.append(an.start())
    if count and count[0] == "verb" and count[1] >= lo:
        starts.append(count[1])                           # (not a verb the list shares: 新建10家…、30家标杆孵化器)
    if rec_text and rec_start >= lo:
        starts.append(rec_start)
    if deadline and d_start >= lo:
        starts.append(d_start)
    start = min(starts)
    q = s.rfind("“", max(c_start, start - 6), start)
    if q >= 0 and s.find("”", q, start) < 0:
        start = q                                         # (…专精特新“小巨人”企业…: the evidence keeps the quote whole)
    end = max(post_end, obj_end)
    if limit and _LIMIT_LIST.match(s, t.end):
        end = t.end                                       # 五个工作日、七个工作日…内办结: a list item, the action after the last
    if not _HAS_CJK.search(s, start, end) and cont is not None:
        start = cont.cue_start if _HAS_CJK.search(s, cont.cue_start, end) else cont.start   # 30%、20%: …达30%、20%
    g = cont.group if cont is not None else group + 1
    if indicator and found and _GRADE.match(indicator) and (grade := _GRADE.search(found[-1].indicator or "")) \
            and grade.start():
        indicator = found[-1].indicator[:grade.start()] + indicator   # 需求等级1-2级补贴标准为…，3-5级补贴标准为…
    if whole and subject:
        indicator = _part_name(re.sub(r"^其中", "", subject), whole, t.measure)
        deadline = deadline or whole_by                   # a part is due when its whole is
    indicator = _tidy_indicator(indicator)
    if period and indicator and indicator.endswith(lex.limit.get("lasting", ())):
        indicator += "期限"                               # 记录应当保存2年以上 -> 记录保存期限
    if cmp_ == "=" and not (pre or post or cont) and indicator and _cap_noun_re().search(indicator):
        cmp_ = "<="                                       # 费用限额标准为每人每天120元: a ceiling
    return _Found(start, end, cmp_, t.value, t.value_max, t.unit, rec_text, deadline, indicator, g,
                  (lo, subj_end), pre[2] if pre else (count[1] if count and count[0] == "verb" else num_start),
                  count, "limit" if limit else ("count" if count else ("grant" if grant and cmp_ not in (">=", ">")
                                                                  and not from_to else None)),
                  (from_to[1], from_to[3]) if from_to and from_to[1] is not None else None, grant[2] if grant else None,
                  whole)


# 其中 and the part's plain name before its figure (其中公办小学315个), not a clause (其中属于中央各部的约为九○○个)
_PART_OF = re.compile(r"其中\s*[^，,。；;的有是为约包括属于\d]{2,12}")


# a grade or level written first in a subject (3-5级补贴标准): the words before the grade named earlier
_GRADE = re.compile(r"[\d一二三四五六七八九十]+(?:[-—–~～至][\d一二三四五六七八九十]+)?级")


def _part_name(part: str, whole: str, measure: str | None) -> str:
    """The indicator of a part of a count (其中公办小学315个 of 设置积分入学计划数量): the part and what
    the whole counts (公办小学积分入学计划数量); a part naming its own noun (护理型床位 of 新建养老床位数量)
    keeps it with the measure."""
    core = whole[m.end():] if (m := _lex().count_verb_re.match(whole)) and len(whole) - m.end() >= 2 else whole
    noun = core[:-len(measure)] if measure and core.endswith(measure) else core
    if len(noun) >= 2 and part.endswith(noun[-2:]):
        return part + (measure or "")
    return part + core


_HAS_CJK = re.compile(f"[{CJK}]")
def _eligibility_after(tail: str) -> bool:
    """Whether an eligibility word follows a threshold: in its clause, or opening the next one
    (投入运行1年以上，可以申报) — not in a clause of its own subject (…最长为2年，单个企业最多申报5人)."""
    for w in _lex().cues.get("eligibility", ()):
        k = tail.find(w)
        if k >= 0 and len(tail[:k].split("，")[-1]) <= (3 if "，" in tail[:k] else k) \
                and not _APPLICANT.match(tail, k + len(w)):
            return True
    return False


_APPLICANT = re.compile(r"[^，,。；;]{0,3}?(?:人|者|单位|对象)")   # 其他申请人…, 享受补贴对象信息: a noun, not the act


class _Fig(NamedTuple):
    """What a not-a-target guard may ask of a figure (see target_not_targets.tsv)."""
    st: _Sent
    t: _Tok
    kind: str
    pre: Optional[tuple]      # (word, comparator, start, end) of the bound before
    post: Optional[tuple]     # (word, comparator, end) of the bound after
    post_end: int             # end of the figure and its bound
    cmp_: str
    limit: object             # a time limit a rule sets
    period: object            # a period a rule names (公示期为7个工作日)
    count: Optional[tuple]    # a count verb governing the figure
    an: object                # 按…的 N%: a rate of a base
    rec_text: Optional[str]
    has_cue: bool
    quota: object             # 每个省…培育一家: one for each
    c_start: int
    c_end: int
    num_start: int

    @property
    def before(self) -> str:
        return self.st.s[self.c_start:self.num_start]

    def seen(self, pattern: re.Pattern) -> bool:          # a guard's "before" context
        return bool(pattern.search(self.before))

    def follows(self, pattern: re.Pattern) -> bool:       # a guard's "after" context
        return bool(pattern.match(self.st.s, self.post_end))

    def cues(self, kind: str) -> tuple:
        return _lex().cues.get(kind, ())


def _bare_figure(f: _Fig) -> bool:
    if f.kind in ("percent", "permille", "points"):
        return bool(re.search(rf"(?:{_alt(f.cues('baseline'))})$", f.st.s[max(f.c_start, f.t.start - 3):f.t.start]))
    return not (f.kind == "money" and any(w in f.st.s[f.c_start:f.c_end] for w in f.cues("funding")))


def _unit_scope(f: _Fig) -> bool:
    s, e = f.st.s, f.post_end
    return bool(_HAS_CJK.match(s, e)) and not _lex().pre_re.match(s, e) and s[e] not in "的和及或并且" \
        and not any(s.startswith(w, e) for w in f.cues("post_ok"))


def _penalty_cap(f: _Fig) -> bool:
    s, c = f.st.s, f.c_start
    return c > 1 and bool(_BOUND_OPEN.match(s, c)) and any(w in s[f.st.clause(c - 2)[0]:c] for w in f.cues("penalty"))


# which figures each guard of target_not_targets.tsv applies to; (figure, before, after) -> not a target.
# before/after are the row's patterns matched as the table says (None when the row has none).
_FLOOR_CEIL = (">=", "<=")
_NOT_TARGET = {
    "duration_without_bound": lambda f, b, a: f.kind in ("duration", "age") and not f.limit and not f.period and (
        not f.pre or f.cmp_ in (">", "<") or (f.kind == "duration" and f.pre[0] in _lex().changes)),
    "penalty": lambda f, b, a: any(w in f.st.s[f.c_start:f.c_end] for w in f.cues("penalty")),
    "penalty_cap": lambda f, b, a: _penalty_cap(f),
    "vague": lambda f, b, a: any(f.st.s.startswith(w, f.t.start) for w in f.cues("vague")),
    "one_as_frequency": lambda f, b, a: f.t.value == 1 and f.cmp_ == "=" and f.kind not in ("percent", "permille", "money")
        and not (f.pre or f.post) and bool(f.t.chinese or f.rec_text) and not f.quota,
    "chinese_one": lambda f, b, a: f.t.chinese and f.t.value == 1 and f.cmp_ == "="
        and f.kind not in ("percent", "permille") and not f.rec_text and not f.quota,
    "no_cue": lambda f, b, a: not f.has_cue and _bare_figure(f),
    "scope_of_noun": lambda f, b, a: not f.limit and f.follows(a) and (
        bool(f.post) and f.post[1] in _FLOOR_CEIL or bool(f.pre) and f.pre[1] in (">", "<") and not (f.post or f.count))
        and f.kind not in ("percent", "permille"),
    "if_then": lambda f, b, a: bool(f.post or f.pre) and f.seen(b) and f.follows(a),
    "condition_list": lambda f, b, a: bool(f.post) and f.post[1] in _FLOOR_CEIL and not (f.pre or f.count or f.limit)
        and f.follows(a),
    "unit_scope": lambda f, b, a: bool(f.post) and not (f.pre or f.count or f.limit or f.an or f.rec_text)
        and f.post[1] in _FLOOR_CEIL and f.kind not in ("percent", "permille") and _unit_scope(f),
    "scope_threshold": lambda f, b, a: bool(f.pre) and not f.post and f.st.s[f.post_end:f.post_end + 1] == "的" and (
        f.pre[1] == "<" or (f.pre[1] in (">", ">=") and any(f.before.lstrip(_STRIP_CHARS).startswith(w)
                                                             for w in f.cues("scope_lead")))),
    "grant_tier": lambda f, b, a: bool(f.pre or f.post) and bool(_grant_lex().tier_re.match(f.st.s, f.post_end) or (
        any(w in f.before for w in f.cues("scope_lead")) and _grant_lex().tier_list_re.match(f.st.s, f.post_end))),
    "which_projects": lambda f, b, a: bool(f.pre) and (f.pre[1] in (">", "<") or (
        f.pre[1] in _FLOOR_CEIL and f.kind in ("size", "money"))) and not (f.post or f.count or f.limit or f.rec_text)
        and f.follows(a),
    "when_condition": lambda f, b, a: f.seen(b),
    "name_circle": lambda f, b, a: f.kind in ("time", "duration") and f.follows(a),
    "condition_de": lambda f, b, a: bool(f.post or f.pre) and not f.limit and f.follows(a),
    "condition_chain": lambda f, b, a: _NOT_TARGET["condition_de"](f, b, a),  # the same test, 的， parts later
    "condition_when": lambda f, b, a: _NOT_TARGET["condition_de"](f, b, a),   # the same test, after …时，
    "who_may": lambda f, b, a: _NOT_TARGET["condition_de"](f, b, a),          # …以上业主可以提议
    "quorum": lambda f, b, a: f.kind in ("percent", "permille") and f.follows(a),
    "eligibility": lambda f, b, a: bool(f.post or f.pre) and not f.limit
        and _eligibility_after(f.st.s[f.post_end:f.post_end + 14]),
    "scope_lead": lambda f, b, a: bool(f.post) and not f.pre and not f.limit
        and any(f.before.lstrip(_STRIP_CHARS).startswith(w) for w in f.cues("scope_lead")),
    "place_extent": lambda f, b, a: f.cmp_ == "approx" and bool(f.pre) and not f.post and f.kind == "size"
        and any(f.st.s[max(f.c_start, f.pre[2] - 6):f.pre[2]].endswith(w) for w in f.cues("describe_head")),
    "place_range": lambda f, b, a: f.t.value_max is not None and f.kind == "size"
        and not (f.pre or f.count or f.limit or f.an or f.rec_text)
        and any(w in f.before for w in f.cues("describe_head")),
    "grade_as_qualifier": lambda f, b, a: f.kind == "grade" and (not f.pre or f.follows(a)),
}


@lru_cache(maxsize=1)
def _not_target_rows() -> tuple:
    rows = []
    for r in table("target_not_targets"):
        before = re.compile(r["before"]) if r["before"] else None
        after = re.compile(r["after"]) if r["after"] else None
        rows.append((r["guard"], _NOT_TARGET[r["guard"]], before, after))
    return tuple(rows)


def _not_a_target(f: _Fig) -> Optional[str]:
    """The first guard of target_not_targets.tsv that says the figure is not a target (its name), or None."""
    for name, applies, before, after in _not_target_rows():
        if applies(f, before, after):
            return name
    return None


def _unit_kind(unit: Optional[str]) -> Optional[str]:
    """The kind of a unit as written, magnitude and all (万元 -> money, 个月 -> duration)."""
    units = _lex().units
    unit = (unit or "").lstrip("十百千万亿")
    return units[unit].kind if unit in units else ("percent" if unit in ("%", "‰") else None)


_PER_HEAD_TAIL = re.compile(r"(?:每年|每月|每个|每人|每户|每家|每处)+$")
_COPULA_PER = re.compile(r"(?:为|是)(?:每人|每户|每家|每个|每年|每月)*")   # …确定，为每人每月1963.5元: no subject of its own
_PER_HEAD = re.compile(r"(?:每人|每户|每家|每个|每年|每月)*")   # 每人仅可申请一次: per head of the grant before
_BOUND_OPEN = re.compile(r"\s*(?:但|并且|并)?(?:最高|最多|最低|最少|最长|最短|不超过|不得超过|不低于)")
_EACH_UNIT = re.compile(r"每(?![年月日天周季次期届隔半])")       # 每个省…培育一家: a quota for each, not a frequency
# money a plan will put in (完成固定资产投资220亿元, 安排资金136亿元): counted as a count verb's object
_SPENT = re.compile(r"(?:投资|资金)$")
_NOT_COUNTED = frozenset({"期"})                     # 灌溉二期, 一期工程: a phase of a project, not a count


def _share_name(subject: str, between: str) -> str:
    """A percentage of a base written between cue and figure (不低于X的80%): 交流比例（占X） when the
    subject is a ratio already, else 种植面积占X比例; the subject alone without such a base."""
    if not (between.endswith("的") and 1 < len(between) <= 16) or re.search(r"年(?:底|末)?的$", between):
        return subject                                    # (提高到一九五七年的百分之一七: a date, not a base)
    base = re.sub("^其", "", between[:-1])
    return f"{subject}（占{base}）" if _RATIO_HEAD.search(subject) else f"{subject}占{base}比例"


_COPULA_SHARE = re.compile(r"(?P<x>[^为，,的]{2,12}?(?:标准|比例|额度|金额|费用|补贴|补助))为(?P<y>[^为，,]{2,20}?)的?")   # X为Y的N%
_SHARE_SUBJECT = re.compile(r"[^占]{2}占(?:(?!比重|比例|比率)[^占]){2,}$")   # A占B N%: the share of A in B
_RATIO_HEAD = re.compile(r"(?:比|比例|比重|率)$")           # a subject that is a ratio already


def _share_of(s: str, i: int, c_end: int):
    """What a bare share N%的… is a share of, to the clause end: (phrase, end) or None."""
    m = re.match(rf"的([{CJK}“”\"、（）()]{{2,30}})", s[i:c_end])
    return (m.group(1), i + m.end()) if m else None
_PERMIT_RE = re.compile(r"(?<![许认不宁])可(?:以)?(?![能靠持行爱观])|有权")
_LIMIT_SUBJECT_CUT = (re.compile(r"应当|(?<![相对供反适响效理])应|必须|须|需要|需|(?<![主重只])要(?!求)"),   # not 主要农作物
                      re.compile(r"(?<![所存现正实外内])在(?![地内])|自(?![然治主行愿])|从(?!事)|(?<![属等由处对关位])于"))   # not 所在地, 自然, 从事


@lru_cache(maxsize=1)
def _period_re() -> re.Pattern:
    """A period named by the rule right before its figure: 建设周期一般为 | 公示期为 | 有效期原则上为, or
    an act that lasts it: 公示(十五日以上) | 保存(2年以上)."""
    lim = _lex().limit
    return re.compile(rf"(?:{_alt(lim.get('period', ()))})(?:一般|原则上|暂定|统一|均)?为$"
                      rf"|(?:{_alt(lim.get('lasting', ()))})$")


_AWARD_OBJECT = re.compile(rf"的?(?P<obj>[{CJK}“”\"]{{1,24}})(?=[，,。；;、（(]|$)")
_BENEFICIARY = re.compile(rf"^(?:第[一二三四五六七八九十百零〇\d]+条\s*|[（(]?[一二三四五六七八九十\d]{{1,3}}[)）、.．]\s*)?(?:对于|对|针对)(?P<who>[^，,。；;]{{2,60}}?)(?:，|,)?(?:给予|安排|奖励|补贴|资助|补助|奖补|按)")
_QUANTIFIER = re.compile(r"一批|若干|一系列")
# a rate granted: 按实际投保费率的80%给予保险补贴, …租金总额的50%予以租金补贴
_RATE_GRANT = re.compile(rf"(?:的比例|的标准|比例|标准)?(?:给予|予以)(?P<what>[{CJK}]{{1,12}}?)(?=[，,。；;、（(]|$)")


class _GrantLex(NamedTuple):
    verb_re: re.Pattern       # a grant verb and the words between it and the sum (给予每家, 安排最高)
    noun_re: re.Pattern       # what is granted ends with one of these (…奖励, …补贴, …经费, …标准)
    amount_re: re.Pattern     # …金额, …标准, …限额: an amount's name already
    chaff_re: re.Pattern      # how a sum is paid, not what it is (每人每月, 最高, 可领取)
    generic_re: re.Pattern    # a qualifier that says nothing (符合条件的)
    unit_lead_re: re.Pattern  # 单个企业, 每个项目: a cap per unit of the grant before
    who_lead_re: re.Pattern   # 支持…, 鼓励…: a policy verb before the beneficiary
    unit_nouns: tuple         # 企业, 项目: what 每个…/单个… counts
    topic_lead_re: re.Pattern  # 加强, 培育 (and the who_lead verbs): opening a measure's heading, not what it supports
    verb_any_re: re.Pattern   # a grant verb anywhere (给予不超过…30%…的经费支持)
    tier_re: re.Pattern      # a threshold naming who gets the grant that follows
    tier_list_re: re.Pattern  # …, after 对: thresholds listed before the noun, no comma before the verb
    amount_words: tuple       # 金额, 标准, 额度 …
    nouns: tuple              # 奖励, 补贴, 经费 …: what a grant is


@lru_cache(maxsize=1)
def _grant_lex() -> _GrantLex:
    g: dict[str, list[str]] = {}
    for r in table("target_grants"):
        g.setdefault(r["kind"], []).append(r["word"])
    chaff = rf"(?:每[个家项所]?|单个|单家)(?:{_alt(g['unit_noun'])})|每(?:{_alt(g['per'])})|{_alt(g['chaff'])}"
    return _GrantLex(verb_re=re.compile(rf"(?:{_alt(g['verb'])})(?:一次性|{chaff})*$"),
                     noun_re=re.compile(rf"(?:{_alt(g['noun'] + g['amount'])})$"),
                     amount_re=re.compile(rf"(?:{_alt(g['amount'])})$"),
                     chaff_re=re.compile(rf"(?:{chaff})+"),
                     generic_re=re.compile(rf"^(?:{_alt(g['generic'])})"),
                     unit_lead_re=re.compile(rf"^(?:{_alt(g['unit_lead'])})"),
                     who_lead_re=re.compile(rf"^(?:{_alt(g['who_lead'])})"),
                     unit_nouns=tuple(g["unit_noun"]),
                     topic_lead_re=re.compile(rf"^(?:{_alt(g['topic_lead'] + g['who_lead'])})"),
                     verb_any_re=re.compile(_alt(g["verb"])),
                     amount_words=tuple(g["amount"]),
                     nouns=tuple(g["noun"]),
                     # (超过1亿元)/年的企业，给予…; (5000万元至1亿元)的企业，按…
                     tier_re=re.compile(r"(?:/[年月])?(?:以上|以下)?(?:（[^（）]{0,8}）)?的[\u4e00-\u9fff]{1,10}[，,]可?(?:分别)?"
                                        rf"(?:一次性)?(?:按|{_alt(g['verb'])})"),
                     # 对单户担保金额500万元及以下、平均担保费率不超过1%的担保业务给予…: which business gets it
                     tier_list_re=re.compile(r"(?:/[年月])?(?:以上|以下)?(?:、[^，,。；;、的]{1,20})*的"
                                             rf"(?!{_alt(g['amount'])}|比例)[\u4e00-\u9fff]{{1,10}}?[，,]?可?(?:分别)?"
                                             rf"(?:一次性)?(?:按|{_alt(g['verb'])})"))


# what a budget is for, in the clause after it: …活动经费，支持在天河区举办大型粤港澳青年交流活动、
_PURPOSE = re.compile(r"[，,](?:支持|用于)(?:支持)?(?:在[^，,、。；;]{1,8}?(?:区|市|县|地区|内))?(?:举办|开展|建设|组织)?"
                      r"(?P<p>[^，,、。；;的]{2,16}?)(?=[，,、。；;]|$)")
# a beneficiary by the class it is recognised in: (通过)X认定的Y -> XY
_RECOGNISED = re.compile(r"(?:通过|获得|获)?(?P<cls>[^的，,]{4,}?)(?:遴选认定|认定|认证|评定)的(?P<head>[^的]{2,12})")


def _short_who(who: str) -> str:
    """A beneficiary by its head: …认定的港澳青年企业 -> 港澳青年企业; 符合条件的企业 -> 企业; a head too
    short to say which keeps what it is when that is short (获批国家级技术创新中心的企业), else the words
    right before its 的 (…运营模式等方面评价突出的平台 -> 评价突出的平台); a class it is recognised in stays."""
    who = _grant_lex().generic_re.sub("", re.sub(r"[（(][^（）()]*[）)]", "", who))
    r = _RECOGNISED.fullmatch(who)
    if r:                                          # 通过省级“专精特新”中小企业认定的港澳青年企业: the class stays
        cls = r["cls"] if len(r["cls"]) <= 24 else re.split(r"、|或|和|及", r["cls"])[0]
        return cls + r["head"]
    if len(who) <= 10 or "的" not in who:
        return who
    before, _, head = who.rpartition("的")
    if len(head) <= 4:
        if len(who) <= 20 and "、" not in before:
            return who
        mod = re.split(r"[的、，,等]|方面", before)[-1]
        if 2 <= len(mod) <= 8:
            return mod + "的" + head
    return head


def _grant_noun(s: str, i: int, c_end: int) -> tuple[str, int]:
    """What is granted, named right after the sum: 10万元一次性奖励支持 -> 一次性奖励, 5万元的就业补贴 ->
    就业补贴, 100万元经费支持港澳社区建设 -> 港澳社区建设经费.  (name, end); ("", i) when none."""
    m = _AWARD_OBJECT.match(s, i, c_end + 1 if c_end < len(s) else c_end)
    if not m:
        return "", i
    obj = re.sub(r"^的", "", m["obj"].strip("“”\""))
    f = re.fullmatch(r"(经费|资金)(?:支持|用于)(.{2,})", obj)
    if f:
        obj = f[2] + f[1]
    bare = re.sub(r"(?:予以支持|的支持|支持)$", "", obj)
    if bare != obj and _grant_lex().noun_re.search(bare):
        obj = bare                                 # 一次性奖励支持 -> 一次性奖励; 配套建设支持 stays
    return obj, m.end("obj")


def _amount(who: str, what: str, cap: bool = False) -> str:
    """The name of a granted sum: who + what, with 金额 when what names no grant (配套建设支持 -> …支持金额)
    or, for the cap of a grant named before (…保险补贴比例，…最高500万元), no amount (保险补贴金额)."""
    lex = _grant_lex()
    bare = not lex.noun_re.search(what) or (cap and not lex.amount_re.search(what))
    return (who + what + ("金额" if bare else ""))[:60]


def _grant_name(subject: str) -> tuple[str, str]:
    """(who, what) of the words before a sum, without how it is paid or who pays: 每个企业租金补贴每年 ->
    ("", 企业租金补贴); 区财政按照小学每生每学年 -> ("", 小学); 基金最高支付限额为职工参保人员每人每月 ->
    (职工参保人员, 基金最高支付限额)."""
    name = _unchaff(subject)
    name = re.sub(r"^[^，,]*?(?:按照|按)(?=..)", "", name)
    head, sep, rest = name.partition("为")
    if sep and _grant_lex().noun_re.search(head):
        rest = _short_who(_unchaff(rest)).rsplit("的", 1)[-1]     # …运营的长者饭堂 -> 长者饭堂
        return (rest if len(rest) <= 12 and not re.search(r"\d|分之", rest) else ""), head.strip(_STRIP_CHARS)
    return "", name.strip(_STRIP_CHARS)


def _unchaff(text: str) -> str:
    """Drop how a sum is paid: 每 + a unit anywhere (每人每月), the other chaff words at either end."""
    return _grant_lex().chaff_re.sub(
        lambda m: "" if m.start() == 0 or m.end() == len(text) or "每" in m.group() else m.group(), text)


def _full_head(st: _Sent, who: str, start: int) -> str:
    """A bare head (平台) named in full by the 针对… clause before the one at ``start``: 针对创新主体自主建设的
    概念验证平台，对…评价突出的平台给予后补助 -> 评价突出的概念验证平台."""
    head = who.rsplit("的", 1)[-1]
    if len(head) > 2 or start <= 1 or st.s[start - 1] not in "，,":
        return who
    a, e = st.clause(start - 2)
    m = re.match(r"(?:针对|对于|对)(.+)$", st.s[_strip_subject(st, a, e):e].strip(_STRIP_CHARS))
    full = _short_who(m[1]).rsplit("的", 1)[-1] if m and m[1].endswith(head) else ""
    return who[:len(who) - len(head)] + full if len(full) > len(head) else who


def _grant_who(st: _Sent, c_start: int, num_start: int) -> str:
    """Who gets a grant: 对X给予 / 对X，按 in the clause or the one before, else the nearest clause before
    in the sentence that ends in a noun (a condition …的 is passed over: 在…就业满1年的港澳青年，符合…的，)."""
    s = st.s
    b = _BENEFICIARY.match(s, c_start)
    if b:
        return _full_head(st, _short_who(b["who"]), c_start)
    k = c_start
    for _ in range(3):
        if k <= 1 or s[k - 1] not in "，,":
            return ""
        a, e = st.clause(k - 2)
        k = a
        a = _strip_subject(st, a, e)
        text = s[a:e].strip(_STRIP_CHARS)
        opened = re.match(r"(?:对于|对|针对)(.{2,})", text)
        if text.endswith("的") and not opened:
            continue                                      # 符合…的，: a condition names no one
        if opened:                                        # 对企业牵头承担国家重大科技项目的，按…
            text = opened[1][:-1] if opened[1].endswith("的") else opened[1]
        text = _grant_lex().who_lead_re.sub("", text)
        if _TIER_WHO.search(text) and len(text) <= 30 and not re.search(r"按|给予|标准", text):
            return text                                   # 基础研究投入达到或超过1亿元/年的企业: the tier is the threshold
        who = _short_who(text)
        return who if 2 <= len(who) <= 30 and not re.search(r"[\d%]", who) and not _rate_head(who) \
            and not _grant_lex().verb_re.search(who) else ""     # not 按200元/人的标准给予补贴
    return ""


_BARE_GRANT = re.compile(r"(?:支持|扶持|补助|补贴|资助|奖励|奖补)(?:金额|资金|额度|标准|上限)?")


def _unit_noun(subject: str) -> str:
    """What a sum per unit is counted by: 每家企业每年最高 -> 企业."""
    m = re.search(r"(?:每[个家项所]?|单个|单家)(" + "|".join(_grant_lex().unit_nouns) + ")", subject)
    return m[1] if m else ""


def _rate_of_grant(indicator: Optional[str]) -> Optional[tuple]:
    """(who, what) of a grant rate named by its subject: 资助比例（占企业投入） -> ("", 资助)."""
    m = re.fullmatch(r"([^占]+?)(?:比例|比率)(?:（占.*）)?", indicator or "")
    return ("", m[1]) if m and _grant_lex().noun_re.search(m[1]) else None


# a beneficiary marked by an amount (a tier: 投入超过1亿元的企业, 户籍人口超过100万的城市), not by a duration
# (连续就业满1年的港澳青年): the amount stays in its name
_TIER_WHO = re.compile(r"\d[\d.]*(?:[万亿千百]|元|%|人|家|个)[^的]*的[^的\d]{1,10}$")
# after a granted figure, more bounds of the same grant and then 的 + what is granted:
# (30%)、最高3000万元的经费支持, (10万元)、20万元和50万元的一次性奖励支持
_MORE_BOUNDS = re.compile(r"(?:[、和及或](?:最高|最多|不超过|不高于|累计)?[^，,。；;、的\d]{0,8}?\d[\d.]*[^\d，,。；;、的]{0,4}?)*(?=的)")
# what a granted rate is a share of, between its bound word and the figure: 不超过总投入(30%)
_RATE_BASE = re.compile(r"(?:不超过|不高于|最高|最多)(?P<base>[\u4e00-\u9fff]{2,8}?)的?$")


def _noun_after_bounds(st: _Sent, c_start: int, num_start: int, post_end: int, c_end: int):
    """What a grant verb before a figure grants when its name follows the figures: (what, end) or None.
    给予不超过总投入30%、最高3000万元的经费支持: both figures are 经费 (the rate and the cap)."""
    s = st.s
    if not _grant_lex().verb_any_re.search(s, c_start, num_start) or "分别" in s[c_start:num_start]:
        return None                                    # 分别给予10万元、20万元…: dealt out per beneficiary
    m = _MORE_BOUNDS.match(s, post_end)
    if not m:
        return None
    what, end = _grant_noun(s, m.end(), c_end)
    return (what, end) if what and _grant_lex().noun_re.search(what) else None


def bare_grant(indicator: Optional[str]) -> bool:
    """A grant named only by what it is (经费, 一次性奖励比例): its sentence names no one who gets it."""
    core = re.sub(r"^一次性|(?:比例|金额)(?:（占[^（）]*）)?$", "", indicator or "")
    return 0 < len(core) <= 4 and bool(_grant_lex().noun_re.fullmatch(core))


def labelled_grant(label: str, indicator: str) -> str:
    """A bare grant under a label naming it: 医养结合补贴 + 一次性补贴 -> 医养结合补贴（一次性）; 应用性基础研究 +
    经费支持 -> 应用性基础研究经费支持."""
    noun = next((w for w in _grant_lex().nouns if indicator.endswith(w) and label.endswith(w)), None)
    if noun is None:
        return label + indicator
    how = indicator[:-len(noun)]
    return f"{label}（{how}）" if how else label


def grant_topic(heading: str) -> str:
    """What a measure's heading supports, for a grant its sentence leaves unnamed: 加强应用性基础研究 ->
    应用性基础研究, 培育发展科学仪器产业 -> 科学仪器产业 ('' when little is left)."""
    lead = _grant_lex().topic_lead_re
    topic = re.sub(r"[。；;：:]$", "", heading.strip())
    while lead.match(topic):
        topic = lead.sub("", topic, count=1)
    topic = re.sub(r"(?:高质量)?(?:发展|建设)$", "", topic) if len(topic) > 8 else topic
    return topic if 2 <= len(topic) <= 20 and not re.search(r"[，,。\d]", topic) else ""


def _grant_indicator(st: _Sent, kind: str, lo: int, c_start: int, num_start: int, post_end: int, c_end: int,
                     subject: str, found: list):
    """The name of a sum or rate a policy grants (SCHEMA: funding rates and caps are targets): who gets it
    + what it is, in the sentence's words: 对新认定的企业给予20万元一次性奖励支持 -> 新认定的企业一次性奖励;
    对首台套装备投保的企业，按实际投保费率的80%给予保险补贴 -> 首台套装备投保的企业保险补贴比例; a cap
    after it (单个企业每年最高不超过500万元) -> 首台套装备投保的企业保险补贴金额; a sum named only as
    support (支持金额最高可至3000万元) takes what the clause before names.  How it is paid (每人每月, 最高)
    is left out.  (indicator, end, (who, what)) or None when the figure is no grant."""
    s, lex = st.s, _grant_lex()
    who0, name = _grant_name(subject)
    named_after = _noun_after_bounds(st, c_start, num_start, post_end, c_end)
    if named_after:                                                 # 给予不超过总投入30%、最高3000万元的经费支持
        what, end = named_after
        who = _grant_who(st, c_start, num_start)
        if kind == "percent":
            base = _RATE_BASE.search(s, c_start, num_start)   # 不超过总投入30% -> …比例（占总投入）
            return (who + what + "比例" + (f"（占{base['base']}）" if base else ""))[:60], end, (who, what)
        return _amount(who, what), end, (who, what)
    if kind == "percent":
        m = _RATE_GRANT.match(s, post_end)
        if not m:
            return None
        what = _grant_noun(s, m.start("what"), c_end)[0] or m["what"]
        who = who0 + name if name and not re.search(r"[\d%的]", name) and len(name) <= 12 \
            else _grant_who(st, c_start, num_start)
        if not who:                                                 # 按设备投资额的10%给予奖补 -> 奖补占设备投资额比例
            an = _AN_RE.search(s, c_start, num_start)
            base = an["base"].strip() if an and an.end() == num_start else ""
            return (f"{what}占{base}比例" if base else what + "比例"), m.end("what"), ("", what)
        return (who + what + "比例")[:60], m.end("what"), (who, what)
    end = post_end
    after = _RATE_GRANT.match(s, post_end)                          # 按每人3000元给予用人单位留用补贴
    verb = lex.verb_re.search(s, c_start, num_start)                # 给予每家30万元一次性配套建设支持
    if verb and len(name) > 2 and name.endswith(verb.group()[:2]):
        verb = None                                                 # 每个企业租金补贴每年不超过5万元: a noun
    if after or verb:
        what, end = (after["what"], after.end("what")) if after else _grant_noun(s, post_end, c_end)
        if not what and verb and lex.noun_re.search(verb.group()[:2]):
            what = verb.group()[:2]                                 # 一次性奖励20万元, 每年最高补贴50万元
        p = _PURPOSE.match(s, end) if re.search(r"(?:经费|资金)$", what) and len(what) <= 6 else None
        if p:                                                       # 100万元活动经费，支持…举办…交流活动、
            head = re.sub(r"(?:经费|资金)$", "", what)
            what = p["p"] + (what[len(head):] if head and p["p"].endswith(head) else what)
        who = _grant_who(st, c_start, num_start) or \
            (name if len(name) <= 12 and not lex.verb_re.search(name) and not re.search(r"[\d的由从]", name) else "") \
            or _unit_noun(subject)                                  # 每家企业每年最高补贴50万元 -> 企业补贴
        if what or who:
            return _amount(who, what), end, (who, what)
    prior = found[-1].grant or _rate_of_grant(found[-1].indicator) if found else None
    if prior and lex.unit_lead_re.match(subject) and lex.noun_re.search(name) \
            and st.clause(found[-1].start)[0] <= lo:                # …10%给予奖励，单个企业年度奖励不超过300万元
        return _amount(prior[0], name, cap=True), end, (prior[0], name)
    if prior and len(name) <= 8 and not lex.noun_re.search(name) and st.clause(found[-1].start)[0] <= lo:
        # the cap of the grant before it in the sentence (单个企业每年最高不超过500万元; 资助比例不超过…的30%，
        # 最高不超过200万元), or the same amount for another beneficiary (…限额为职工参保人员每人每月1000元，
        # 居民参保人员每人每月500元)
        who, what = prior
        if len(name) >= 2 and not lex.unit_lead_re.match(subject):
            who = name
        return _amount(who, what, cap=True), end, (who, what)
    if not name:                                                    # 补贴标准为…，最高不超过3元
        who, what = _grant_name(_prev_clause(st, c_start))
        return (_amount(who, what), end, (who, what)) if lex.noun_re.search(what) else None
    if lex.noun_re.search(name) or re.search(r"(?:支持|扶持)$", name):
        if not who0 and _BARE_GRANT.fullmatch(name):
            # 新建一批概念验证平台，支持金额最高可至3000万元; 对…的平台给予后补助，支持金额不超过300万元/年
            prev = _QUANTIFIER.sub("", _prev_clause(st, c_start))
            g = _BENEFICIARY.match(prev)
            what = prev[g.end():] if g else ""
            if what and len(what) <= 12:
                who = _full_head(st, _short_who(g["who"]), st.clause(c_start - 2)[0])
                return _amount(who, what, cap=True), end, (who, what)
            if prev:
                return prev[-30:] + name, end, (prev[-30:], name)
        who = who0 or (_grant_who(st, c_start, num_start) if len(re.sub("^一次性", "", name)) <= 6 else "")   # 对…企业，一次性奖励20万元
        return _amount(who, name), end, (who, name)
    if name != subject and len(name) >= 2 and not re.search(r"[\d的]", name) \
            and any(w in s[c_start:c_end] for w in _lex().cues.get("funding", ())):
        return name + "金额", end, None                             # 第一类资助对象每人每月400元 (资助…)
    return None


def _time_limit(st: _Sent, t: _Tok, c_start: int, num_start: int):
    """``N日内`` + an action (作出决定, 放行, 完成审核): (end of 内, action start, action end, its name, the
    object of 将X before it, whether the action names its own object);
    False for a time limit that is not the rule's (可在六十日内申请行政复议, 十个工作日内不能办结的);
    None when the figure is not followed by 内 and an action."""
    lex, s = _lex(), st.s
    # 应当在拆除或者闲置三十日前, 应在项目并网投产一年以内: a duty's limit counted from the event it names
    duty_event = _DUTY_EVENT.search(s, max(c_start, num_start - 30), num_start)
    if t.unit not in lex.limit.get("unit", ()) and not (
            t.unit in lex.limit.get("anchored_unit", ()) and (_EVENT_ANCHOR.search(s[max(c_start, num_start - 4):num_start])
                                                              or duty_event)):
        return None                                       # 三年内建成…: a plan horizon; 投产后一年以内提交…: a rule's
    m = _WITHIN.match(s, t.end) or _LIMIT_LIST.match(s, t.end)   # 五个工作日、七个工作日、八个工作日内
    if not m and s.startswith("前", t.end) and (_EVENT_BEFORE_FIGURE.search(s, max(c_start, num_start - 8), num_start)
                                               or duty_event):
        m = _BEFORE.match(s, t.end)                       # 会议召开十五日前通知全体业主: a lead time before an event
    elif not m and not (_BEFORE_EVENT.search(s, max(c_start, num_start - 6), num_start)
                        or _AHEAD.search(s, max(c_start, num_start - 4), num_start)):
        return None
    e = m.end() if m else t.end                           # 合同期满前3个月提出续租申请: at least that long before
    if not m and s[e:e + 1] in "，,":
        return None                                       # 任期届满前三十日，尚未召开…的: a condition, no action
    if any(s.startswith(w, e) for w in lex.limit.get("stop", ())):
        return False
    limit_end = e
    if (alt := _ALT_LIMIT.match(s, e)):
        e = alt.end()                                     # 定期会议召开十五日前或者临时会议召开七日前通知…: one action
    k = e
    while k < len(s) and s[k] not in "。；;\n":
        k += 1
    parts = re.split(r"[，,]", s[e:k])
    first = parts[0]
    if first.endswith("的"):
        return False                                      # 出生180天内且…的新生儿: a condition
    region_end = e + len(first)
    if not first.strip() and len(parts) > 1:
        region_end = e + 1 + len(parts[1])
    if lex.limit_appeal_re.search(s, e, region_end):
        return False                                      # …六十日内申请行政复议
    if _PERMIT_RE.search(s, c_start, num_start):
        return False                                      # 当事人可以在…15日内…
    lead = e + (s[e:e + 1] in "，,")
    prep = any(s.startswith(w, lead) for w in lex.limit.get("prep", ()))
    reach = 24 if prep or _prep_verb(s, lead) else 16
    jiang = s.find("将", lead, min(region_end, lead + 32))
    if jiang >= 0:                                        # 内通过本省、自治区、直辖市…部门将X推送至…: the action follows 将X
        reach = max(reach, jiang - e + 16)
    before = _RULED_LIMIT.search(s, max(c_start, num_start - 40), num_start)
    duty = _DUTY_AFTER.match(s, lead) or (before and before.group().startswith(_MODALS))   # 十日内，应当及时将…移交
    ruled = before or duty
    if ruled:                                             # 应当自…之日起5个工作日内，通过…平台向社会公布: a duty's
        k = 1 if not first.strip() else 0                 # limit governs the whole verb phrase after it, past
        if len(parts) > k + 1 and not _limit_action(s, e, region_end, region_end) \
                and any(parts[k].startswith(w) for w in lex.limit.get("adverbial", ())):
            region_end = e + k + len(parts[k]) + 1 + len(parts[k + 1])   # an adverbial clause: 内，根据…情况，提出审核意见
        reach = region_end - e
    act = _limit_action(s, e, min(region_end, e + reach), region_end)
    if act and _PERMIT_RE.search(s, e, act[0]):
        return None                                       # 投产后五年内，可以每年从…提取: a window of a permission
    if act and not prep and "的" in s[e:act[0]] and not duty:   # (a duty's phrase may hold a 的: 向所在地的…报送)
        return None                                       # 36个月内通过…单位的检验检测、首次进行…注册的产品
    return (limit_end,) + act if act else None


# an alternative limit after 或者 (…十五日前或者临时会议召开七日前): the action after both is each one's
_ALT_LIMIT = re.compile(rf"(?:或者|或)[^，,。；;]{{1,20}}?[\d{_CN_DIGITS}]+个?(?:工作日|日|天|月|年|小时)(?:前|内|以内)")


def _prep_verb(s: str, i: int) -> bool:
    return any(s.startswith(w, i) for w in _lex().limit.get("prep_verb", ()))


@lru_cache(maxsize=1)
def _limit_words() -> tuple[re.Pattern, frozenset, frozenset, re.Pattern, frozenset]:
    lim = _lex().limit
    return (re.compile(_alt(lim.get("action", ()) + lim.get("light", ()))), frozenset(lim.get("light", ())),
            frozenset(lim.get("drop", ())), re.compile(_alt(lim.get("noun_after", ()))),
            frozenset(lim.get("decide", ())))


_ACTION_STOP = re.compile(r"[的，,、；;。：:（(\n]|并|和|及|或|与|以及")
_DETERMINERS = "相应|有关|相关|必要|规定"
_DETERMINER = re.compile(_DETERMINERS)          # 核发相应的操作证件 names 核发操作证件
_DETERMINER_IN = re.compile(rf"(?<=.)(?:{_DETERMINERS})的|(?<=.)(?:下列|以下)")


def _limit_action(s: str, e: int, end: int, region_end: int):
    """The action a time limit is set for, after N日内: from the first light verb (向…办理缴存登记, 补办审批
    手续) or else the first action word that is not part of a noun (通过…公示系统向社会公示), to the next
    separator, at most 14 characters cut between words; the object of 将X before it (将资金拨付…).
    (action start, action end, name, object) or None."""
    action_re, light, drop, noun_after, decide = _limit_words()
    acts = [m for m in action_re.finditer(s, e, end) if not noun_after.match(s, m.end())]   # not 公示系统
    acts = [m for m in acts if s[m.start() - 1] != "将"] or acts   # not the 办理结果 of 将办理结果…报送
    acts = [m for m in acts if s[m.end():m.end() + 1] != "的"] or acts   # not 将单位缴存的…公积金汇缴到…
    if not acts:
        return None
    act = next((m for m in acts if m.group() in light), acts[0])
    stop = _ACTION_STOP.search(s, act.end(), region_end)
    while stop and stop.group() == "的" and _DETERMINER.fullmatch(s, act.end(), stop.start()):
        stop = _ACTION_STOP.search(s, stop.end(), region_end)   # 核发相应的操作证件: past 相应的
    j = stop.start() if stop else region_end
    name = ""
    for w in cut(s[act.start():j]):
        if len(name) + len(w) > 14:
            break
        name += w
    j = act.start() + len(name)
    name = _DETERMINER_IN.sub("", name.replace("《", "").replace("》", ""))
    rest = name[len(act.group()):]
    has_obj = len(rest) >= 2 and not action_re.match(rest) and act.group() not in decide   # 补办审批手续, 告知残疾人
    if act.group() in drop and len(rest) >= 2:
        name = rest                                   # 完成竣工备案 -> 竣工备案
        has_obj = len(rest) >= 4                      # 进行奖励, 完成初核: the verb alone
    k = s.rfind("将", e, act.start())
    obj = re.split(r"(?<=..)(?:通过|经由|按照|依照|在|向|到|于)", s[k + 1:act.start()])[0].strip() if k >= 0 else ""
    obj = obj if 1 <= len(obj) <= 12 else ""          # 将行政处罚信息通过…系统进行公示 -> 行政处罚信息
    on = _ACTED_ON.match(s, e, act.start()) if not obj and act.group() in drop else None
    if on:                                            # 内对本市户籍老年人的送餐补贴资格进行确认 -> 送餐补贴资格确认
        pieces = on["obj"].split("的")              # 本市户籍老年人享受就餐补贴的资格 -> 享受就餐补贴资格
        obj = on["obj"] if len(on["obj"]) <= 12 else "".join(pieces[-2:]) if len("".join(pieces[-2:])) <= 12 \
            else pieces[-1]
        obj = obj if len(obj) >= 2 else ""
    return act.start(), j, name, obj, has_obj


# what a time limit's action is done to, written with 对 before a light verb (内对申请材料进行审查)
_ACTED_ON = re.compile(r"[，,]?(?:依法|及时)?(?:对|就)(?P<obj>[^，,。；;对]{2,24}?)$")
_MODAL_OPEN = re.compile(r"应当|应|必须|须|需|可以|可")
_PREV_ACTOR = re.compile(r"(?P<who>(?!应|须|要|在|自|对|从|向|可|但|并)[^，,的]{2,16}?)(?:应当|应|须|要|组织|负责|会同|牵头|依法|对(?![比照外])|从|向|自|在|认为|发现|收到|接到|受理)")
_LIMIT_VERBS = frozenset({"实行", "实施", "执行", "推行", "落实", "做到", "确保"})
# a time limit of a duty: a modal before it (应当自…之日起, 须在…后) or counted from the day of an event (在受理之日起)
_DUTY_MODAL = r"(?:应当|(?<![相对供反适响效理])应(?![用急对收付])|必须|(?<![无需])须)"
_RULED_LIMIT = re.compile(rf"(?:{_DUTY_MODAL}|(?<![主重需只])要(?=在|于|自|从))"
                          r"[^，,。；;]*$|(?:之日|次日)起$")
_MODALS = ("应当", "应", "必须", "须", "要")
_DUTY_AFTER = re.compile(r"(?:应当|应|必须|须)(?:及时|依法|立即)?")
_EVENT_ENDS = "期满|届满|到期|截止|结束|终止"
_BEFORE_EVENT = re.compile(rf"(?:{_EVENT_ENDS})前$")   # a lead time before an event
_WITHIN = re.compile(r"以内|之内|内")
_BEFORE = re.compile("前")
_LIMIT_LIST = re.compile(r"(?:[、和或及][\d一二三四五六七八九十两百]+个?(?:工作日|日|天|小时|分钟|个月|周))+(?:以内|之内|内)")
_AHEAD = re.compile(r"提前(?:至少)?$")                   # 应当提前十五日向…书面申请: a notice period
_EVENT_BEFORE_FIGURE = re.compile(rf"(?:{_EVENT_ENDS}|召开|举行|开始|开工|实施|施行)的?$")   # 召开十五日前, 任期届满的五个月前
_DUTY_EVENT = re.compile(rf"{_DUTY_MODAL}(?:在|于)[^，,。；;\d一二三四五六七八九十两]{{2,24}}$")
_EVENT_ANCHOR = re.compile(r"(?:之日起|之日后|之后|以后|后|起)$")   # a duration counted from an event
_LIMIT_FROM = re.compile(r"(?:自|从|在|于)?[^，,]*?(?:之日起|之日后|之日|之后|以后|后的?|起)$")


def _limit_subject(subject: str) -> str:
    """Who or what a time limit's clause opens with, without the modal, the event it counts from and 对:
    镇（街）在收到…之日起 -> 镇（街）; 区残联自接收到初审意见之日起 -> 区残联."""
    modal, prep = _LIMIT_SUBJECT_CUT
    m = modal.search(subject) or prep.search(subject)
    if m:
        subject = subject[:m.start()] if m.start() >= 2 else ""
    subject = _LIMIT_FROM.sub("", subject)
    subject = _strip_tail(re.sub(r"^(?:对于|对)", "", subject.strip(_STRIP_CHARS)).rstrip("的"))
    if subject.count("（") > subject.count("）"):
        subject += "）"                                   # 镇（街）在…: the bracket stays closed
    return subject


def _limit_indicator(st: _Sent, subject: str, limit, c_start: int) -> Optional[str]:
    """What the limit is for + 时限: the object and the action (将资金拨付 -> 资金拨付时限, 补办审批手续时限)
    without the authority that acts; with the subject when the action names no object of its own
    (RCEP国家货物…放行时限, 区教育行政部门作出许可时限, 镇（街）告知残疾人时限)."""
    _, _, _, action, obj, has_obj = limit
    if obj:
        return obj + action + "时限"
    subject = _limit_subject(subject)
    if not subject or subject in _LIMIT_VERBS:           # …空运物品，实行6小时内放行 (not 供热八个工作日内办结)
        subject = _prev_clause(st, c_start) or ""
        if has_obj and _limit_words()[0].search(subject):
            subject = ""                                  # 城建中心组织…竣工验收，并在…15日内完成竣工备案
        elif len(subject) > 16:                          # a whole clause before: only who acts in it
            m = _PREV_ACTOR.match(subject)
            subject = m["who"] if m else (subject if len(subject) <= 24 and not _MODAL_OPEN.match(subject) else "")
        else:                                             # 区残联自接收到初审意见之日起，应在…内 -> 区残联
            subject = re.sub(r"(?<=..)(?:自|从)[^，,]*?之日起$", "", subject)
    # 区民政部门应当在…3个工作日内作出审批决定 -> 区民政部门作出审批决定时限: who must act names the limit
    return (subject + action + "时限") if action else None


@lru_cache(maxsize=1)
def _actor_heads() -> re.Pattern:
    return re.compile(rf"(?:{_alt(r['head'] for r in table('actor_heads') if r['kind'] in ('org', 'person'))})$")


def _actor_head(subject: str) -> bool:
    """Whether a subject names who acts (…管理部门, 单位, 申请人), not what is acted on (供热, 热线事项)."""
    return bool(_actor_heads().search(subject))


# a qualifier of one phrase, not a past one (已建成的) nor items a text sets (《标准》提出的92条管理要求: its tasks)
_QUALIFIER_STOP = re.compile(r"[，,。；;：:、（(《]|已|曾|过去|提出|确定|规定|明确|部署")
_LIST_STOP = re.compile(r"[，,。；;：:（(《]|已|曾|过去|包括|其中")


# a change's subject that names only its base or period (比1985年, 平均每年): what changes is the level before
_BASE_ONLY = re.compile(r"(?:比[^，,、的]{1,10}?(?:年|期间|时期|末)|平均每年|平均|年均|每年|五年内?)+(?:平均)?")
_BASE_CUT = re.compile(r"比[^，,、的]{1,10}?(?:年|期间|时期|末)|平均每年|年均")


@lru_cache(maxsize=1)
def _units_note() -> re.Pattern:
    """A bracket of the units that carry the item (…7000张（牵头单位：民政厅）), labels from
    lexicon/resp_labels.tsv: the figure before it still ends its clause."""
    return re.compile(r"[（(](?:" + "|".join(map(re.escape, words("resp_labels", "label"))) + r")[：:]")


def _inside_count_verb(st: _Sent, lo: int, num_start: int, pre) -> bool:
    """Whether a comparator word is the end of a count verb right before the figure (完善提升20个…网络,
    改造提升24个服务区: a count of things to improve, not a rise of 20)."""
    m = _lex().count_chain_re.search(st.s, max(lo, num_start - 16), num_start)
    return bool(m) and m.start() <= pre[2] < m.end()


def _count_cue(st: _Sent, lo: int, num_start: int, post_end: int, c_end: int):
    """A count verb governing the figure: (how, start, kind, measure, recurrence, object_follows).
    how "verb": the verb (chain) stands right before the figure (打造8个, 新引进和培育10家, 形成年产50发);
    how "tail": the verb opens the clause and the figure ends it (培育专精特新企业10家)."""
    lex, s = _lex(), st.s
    m = lex.count_chain_re.search(s, max(lo, num_start - 16), num_start)
    follows = bool(re.match(rf"[{CJK}“\"\d]", s[post_end:post_end + 1])) and s[post_end:post_end + 1] not in "的、和及与或等"
    if m:
        verbs = lex.count_verb_re.findall(m.group())
        kind, measure, rec = lex.count_verbs[verbs[-1]]
        return ("verb", m.start(), kind, measure, rec, follows)
    if follows and s[num_start - 1:num_start] == "的":   # 抓好总投资2万亿元的389个省重点项目: the verb's object
        v = _last_count_verb(s, max(lo, num_start - 20), num_start - 1)   # is the counted noun, a qualifier between
        if v is not None and v.end() < num_start - 2 and not _QUALIFIER_STOP.search(s, v.end(), num_start - 1):
            kind, measure, rec = lex.count_verbs[v.group()]
            if kind == "count":
                return ("verb", v.start(), kind, measure, rec, follows)
    if follows and s[num_start - 1:num_start] == "等":   # 推进银川陆港等5个物流园区建设: the verb's objects
        v = _last_count_verb(s, max(lo, num_start - 40), num_start - 1)   # named, then counted
        opening = s[_strip_subject(st, lo, num_start):v.start()] if v is not None else ""
        if v is not None and v.end() < num_start - 2 and not _LIST_STOP.search(s, v.end(), num_start - 1) \
                and len(opening) <= 6 and not re.search("[对将把]", opening) and s[num_start] != "零" \
                and lex.count_verbs[v.group()][0] == "count":   # not 对X推进…等130项经验予以表扬; 等零部件
            return ("verb", v.start(), "count", lex.count_verbs[v.group()][1], lex.count_verbs[v.group()][2], follows)
    if follows and s[num_start - 1:num_start] in ("在", "为") and (num_start - 1 == lo or s[num_start - 2] in "，,；;"
                                                                  or _PLACE_OPEN.match(s, lo, num_start - 1)):
        v = lex.count_verb_re.search(s, post_end + 1, min(c_end, post_end + 12))
        if v and lex.count_verbs[v.group()][0] == "count":   # 在3000个小区设置智能回收机: so many places get it
            return ("verb", num_start - 1, "count", "", None, follows)
    if post_end == c_end or s[post_end:post_end + 1] in _CLAUSE_PUNCT + "、" or _units_note().match(s, post_end):
        a = _strip_subject(st, lo, num_start)
        v = lex.count_verb_re.search(s, a, min(num_start, a + 8))
        if v and num_start - v.end() >= 2:
            kind, measure, rec = lex.count_verbs[v.group()]
            return ("tail", v.start(), kind, measure, rec, False)
    return None


def _last_count_verb(s: str, start: int, end: int) -> re.Match | None:
    v = None
    for v in _lex().count_verb_re.finditer(s, start, end):
        pass
    return v


_PLACE_OPEN = re.compile(r"\s*(?:[全各](?:省|市|区|县)|今年|年内)?$")   # (全市)在3000个小区…: the clause opens with it


def _not_measured(noun: str) -> bool:
    """A noun after 的 that is no thing a bound measures: 保持年产1亿吨的水平, 不少于二十平方米的标准配置…,
    50%的目标要求 (abstract_head, own_task in target_cues.tsv; amount in target_grants.tsv)."""
    cues = _lex().cues
    return any(noun.endswith(w) for w in cues.get("abstract_head", ())) or any(
        noun.startswith(w) for w in cues.get("own_task", ()) + _grant_lex().amount_words)


@lru_cache(maxsize=1)
def _modifier_re() -> re.Pattern:
    """A bound qualifying the noun a figure counts, between them: 节能率不低于15%的 (…既有公共建筑节能改造)."""
    lex = _lex()
    return re.compile(rf"[{CJK}]{{1,8}}?(?:{lex.pre_re.pattern})[\d.]+\s*(?:[%％]|{lex.unit_re.pattern})?(?:以上|以下)?的")


@lru_cache(maxsize=1)
def _cap_noun_re() -> re.Pattern:
    """An indicator naming a ceiling (基金最高支付限额, 费用限额标准)."""
    caps = _lex().cues.get("cap_noun", ())
    return re.compile(rf"(?:{_alt(caps)})(?:标准)?$") if caps else re.compile(r"(?!)")


@lru_cache(maxsize=1)
def _lead_figure_re() -> re.Pattern:
    """A subject opening with another figure and its unit (3万平方米节能率 -> 节能率 is what is bound)."""
    lex = _lex()
    return re.compile(rf"^[^，,]*?[\d.]+\s*(?:{lex.magnitude_re.pattern})?(?:{lex.unit_re.pattern})")


_COUNT_OBJ_STOP = re.compile(rf"[^{CJK}“”\"（）()A-Za-z\d.]|[、和及与][\d{_CN_DIGITS}百千]")


def _named_before_count(s: str, count, num_start: int) -> str:
    """The items a count names before its figure (推进国家物流枢纽、…和银川陆港等5个物流园区: 国家物流枢纽、…和银川
    陆港等), kept in the indicator to tell parallel counts apart ('' when none are named)."""
    v = _lex().count_verb_re.match(s, count[1]) if s[num_start - 1:num_start] == "等" else None
    return s[v.end():num_start] if v and num_start - v.end() >= 3 else ""


def _count_indicator(st: _Sent, count, post_end: int, c_end: int):
    """What a count counts: the noun after the figure (打造8个空间信息产业协同创新特色园区 -> 空间信息
    产业协同创新特色园区); a 的 phrase ending in an abstract head is cut (600颗商业卫星的批量化制造能力
    -> 商业卫星); an output rate adds its measure (商业火箭年产量（批量化制造能力）).  (indicator, end);
    None when nothing follows the figure, False when it counts the policy's own tasks (五项工作)."""
    lex, s = _lex(), st.s
    own = lex.cues.get("own_task", ())
    if s[c_end:c_end + 1] and s[c_end] in "：:" and not _units_note().match(s, post_end):
        return False, post_end                            # 建立三项机制：… (a list of the policy's own items)
    if count[0] != "verb":                               # 培育…企业10家: the subject names it
        return None, post_end
    if not count[5]:
        return None, post_end
    mod = _modifier_re().match(s, post_end, c_end)
    if mod:
        post_end = mod.end()                              # 3万平方米节能率不低于15%的既有公共建筑节能改造: the noun after
    m = _COUNT_OBJ_STOP.search(s, post_end, min(c_end, post_end + 30))
    end = m.start() if m else min(c_end, post_end + 30)
    if m and s[end] == "、" and c_end - post_end <= 30 and "的" in s[end:c_end] \
            and not re.search(rf"[\d{_CN_DIGITS}]", s[end:c_end]):
        end = c_end                                       # 打造40个吸引力强、带动面广的消费场景
    obj = s[post_end:end].rstrip("和及与并、等")
    if any(obj.startswith(w) for w in own):
        return False, post_end
    abstract = lex.cues.get("abstract_head", ())
    cap = ""
    if "的" in obj:
        head = obj.rsplit("的", 1)[1]
        if any(head.endswith(w) for w in abstract):
            obj, cap = obj.split("的", 1)[0], head
    if not obj:
        return None, post_end
    if count[2] == "rate":
        if not cap:
            mm = re.match(rf"[^，,。；;]*?的([{CJK}]{{1,12}}?(?:{'|'.join(map(re.escape, abstract)) or '能力'}))", s[end:c_end])
            cap = mm.group(1) if mm else ""
        ind = obj + count[3] + (f"（{cap}）" if cap else "")
    else:
        ind = obj
    return ind, post_end + len(obj) if not cap else end


_COVER_LIST_NEXT = re.compile(r"[^，,。；;、的]{2,20}全覆盖")     # 5G演进网络县级全覆盖、千兆光网行政村全覆盖


def _cover(st: _Sent, m: re.Match, prev_end: int, found: list, group: int):
    """全覆盖 -> = 100 %, or merged into a 100% figure right before it (3个100%全覆盖); 正增长 after a goal
    verb -> > 0 % of the change (固定资产投资实现正增长 -> 固定资产投资增长 > 0 %)."""
    lex, s = _lex(), st.s
    i, j = m.start(), m.end()
    if m.group() in lex.cues.get("positive_growth", ()):
        return _positive_growth(st, i, j, prev_end, group)
    if not any(m.group().startswith(w) for w in lex.cues.get("full_cover", ())):
        return _rank(st, m, prev_end, group)
    if s[j:j + 1] == "的" or s[j:j + 1] == "、" and not _COVER_LIST_NEXT.match(s, j + 1):
        return None                                        # 全覆盖的…, 全覆盖、多元化的…
    if found and found[-1].value == 100 and found[-1].unit == "%" and 0 <= i - found[-1].end <= 1:
        last = found[-1]
        lo, hi = last.region
        a = _strip_subject(st, lo, hi)
        subject = s[a:hi].strip(_STRIP_CHARS)
        if not subject:
            subject = _prev_clause(st, st.clause(last.start)[0])
        ind = (subject if subject.endswith(("覆盖率", "覆盖面")) else subject + "覆盖率") if subject else last.indicator
        found[-1] = last._replace(end=j, indicator=ind)
        return "merged"
    c_start, _ = st.clause(i)
    lo = max(c_start, prev_end if 0 <= prev_end <= i else c_start)
    region = s[lo:i]
    deadline, d_start = _deadline(st, i)
    listed = bool(found) and found[-1].value == 100 and found[-1].unit == "%" and s[found[-1].end:i][:1] == "、"
    if not (any(w in region for w in lex.cues.get("cover_verb", ())) or (deadline and d_start >= lo) or listed):
        return None                                        # (…县级全覆盖、千兆光网行政村全覆盖: the list's verb)
    a = _strip_subject(st, lo, i)
    subject = s[a:i].strip(_STRIP_CHARS).rstrip("“\"")       # 电子铭牌信息“全覆盖”
    if subject:
        indicator = subject if subject.endswith(("覆盖率", "覆盖面")) else subject + "覆盖率"
    elif found:
        indicator = found[-1].indicator
    else:
        prev = _prev_clause(st, c_start)
        indicator = prev + "覆盖率" if prev else None
    start = min([x for x in (a if subject else i, d_start if deadline and d_start >= lo else i) if x >= 0])
    return _Found(start, j, "=", 100.0, None, "%", None, deadline, indicator, group + 1, (lo, i), i)


def _positive_growth(st: _Sent, i: int, j: int, prev_end: int, group: int):
    lex, s = _lex(), st.s
    c_start, _ = st.clause(i)
    lo = max(c_start, prev_end if 0 <= prev_end <= i else c_start)
    verb = re.search(rf"(?:{_alt(lex.cues.get('cover_verb', ()))})$", s[lo:i])
    if not verb:
        return None                                        # 由负转正增长, 保持了正增长: no goal of its own
    a = _strip_subject(st, lo, i - len(verb.group()))
    subject = s[a:i - len(verb.group())].strip(_STRIP_CHARS)
    if not subject:
        return None
    deadline, d_start = _deadline(st, i)
    return _Found(a, j, ">", 0.0, None, "%", None, deadline, subject + "增长", group + 1, (lo, i), i)


def _rank(st: _Sent, m: re.Match, prev_end: int, group: int):
    """A rank to reach or keep (区域创新能力保持全国前十 -> 区域创新能力全国排名 <= 10 位): after a rank_verb."""
    lex, s = _lex(), st.s
    i, j = m.start(), m.end()
    c_start, _ = st.clause(i)
    lo = max(c_start, prev_end if 0 <= prev_end <= i else c_start)
    verb = re.search(rf"(?:{_alt(lex.cues.get('rank_verb', ()))})$", s[lo:i])
    lead = next(w for w in lex.cues["rank_lead"] if m.group().startswith(w))
    value = parse_number(m.group()[len(lead):])
    if not verb or not value:
        return None
    a = _strip_subject(st, lo, i - len(verb.group()))
    subject = s[a:i - len(verb.group())].strip(_STRIP_CHARS)
    if not subject or re.search(rf"[\d{_CN_DIGITS}]", subject):
        return None                                        # 力争5家企业进入全国前100: a count, not a rank
    scope = lead[:-1]                                      # 全国前 -> 全国
    deadline, _ = _deadline(st, i)
    return _Found(a, j, "<=", value, None, "位", None, deadline, subject + scope + "排名", group + 1, (lo, i), i)


def _merge_bounds(s: str, found: list) -> list:
    """5000平方米以上2万平方米以下, 不少于五日且不超过六十日: a floor right before a ceiling of the same
    unit is one range."""
    out: list = []
    for f in found:
        if out and out[-1].comparator == ">=" and f.comparator == "<=" and out[-1].unit == f.unit \
                and f.value >= out[-1].value and (
                    (out[-1].end == f.start and s[:out[-1].end].endswith("以上"))
                    or re.fullmatch(r"\s*(?:且|并且|，且|，但|但)\s*", s[out[-1].end:f.start])):   # 不少于五日且不超过六十日
            last = out[-1]
            out[-1] = last._replace(end=f.end, comparator="range", value_max=f.value)
            continue
        out.append(f)
    return out


def _shared_unit(st: _Sent, found: list) -> None:
    """分别提高3个和4个百分点: the unit the last figure writes out is each one's (3 个 -> 3 个百分点)."""
    for k in range(len(found) - 1, 0, -1):
        f, prev = found[k], found[k - 1]
        if prev.unit and f.unit and f.unit != prev.unit and f.unit.startswith(prev.unit) \
                and st.s[prev.end:f.start].strip() in ("和", "、", "及", "与", "或"):
            found[k - 1] = prev._replace(unit=f.unit, comparator=prev.comparator)


def _deal_out_lists(st: _Sent, found: list) -> None:
    """A、B和C分别占比达30%、20%和10%: give each figure of a list its own subject.  城乡居民…分别增长7%和8%
    deals 城镇 and 农村; one figure after 分别 (A、B分别达到200个以上) is a target of each subject."""
    s = st.s
    groups: dict[int, list[int]] = {}
    for k, f in enumerate(found):
        groups.setdefault(f.group, []).append(k)
    copies: dict[int, list] = {}
    for ks in groups.values():
        first = found[ks[0]]
        lo, cue = first.region[0], first.cue_start
        region = s[lo:cue]
        each = _EACH.search(region) if len(ks) == 1 and "分别" not in region else None
        if not each and len(ks) == 1 and "分别" not in region and _shared_change(region, first):
            each = _END.search(region)                    # 社会消费品零售总额、固定资产投资增长4%左右: each grows
        if "分别" not in region and not each:
            twins = _twin_names(first) if len(ks) == 1 else None
            if twins:                                     # A标准和B标准为每人每月2976元: the figure is each one's
                copies[ks[0]] = [first._replace(indicator=t) for t in twins]
            continue
        head, _, mid = region.partition("分别") if not each else (region[:each.start()], "", region[each.end():])
        a = _strip_subject(st, lo, lo + len(head))
        subject = _strip_tail(s[a:lo + len(head)].strip(_STRIP_CHARS))   # …毛入学率力争分别达到: not 力争
        if len(ks) == 1:
            parts = _list_parts(subject)
            ind = first.indicator or ""
            rate = _RATE_WORD.search(parts[-1]) if len(parts) >= 2 else None
            if rate and len(parts[-1]) - len(rate.group()) >= 2:
                parts[-1] = parts[-1][:rate.start()]         # …增加值年均: 年均 is how each one grows
            at = ind.rfind(parts[-1]) if len(parts) >= 2 else -1
            if at >= 0:                                   # A、B分别达到200个以上: the figure is each one's
                tail = re.sub(r"^(?:各|均|都)", "", ind[at + len(parts[-1]):].replace("分别", ""))
                copies[ks[0]] = [first._replace(indicator=p + tail) for p in parts]
            continue
        if len(ks) == 2 and "城乡" in subject and not re.search(r"[、和及与]", subject):
            parts = [subject.replace("城乡", "城镇", 1), subject.replace("城乡", "农村", 1)]
        else:
            for sep in (r"[、和及与]", r"[、和及]", r"[、和]", r"、"):
                parts = [p.strip(_STRIP_CHARS) for p in re.split(sep, subject) if p.strip(_STRIP_CHARS)]
                if len(parts) == len(ks):
                    break
            else:
                continue
            parts = _share_words(parts)
            if parts[0].startswith("第") and all(re.fullmatch(rf"[{_CN_DIGITS}]+.*", p) for p in parts[1:]):
                parts = [parts[0]] + ["第" + p for p in parts[1:]]   # 第一、二、三产业: 第二产业, 第三产业
        change = next((w for w in _lex().changes if (first.indicator or "").endswith(w)), "")
        mid = _FROM_TO.sub("", mid)                        # 分别从每人每月209元、280元提高到217元、290元
        mid = re.sub(r"^\s*(?:为|是)\s*$", "", mid)         # 分别为13%、51%和36%: the copula names nothing
        last = found[ks[-1]]
        u = s.find(last.unit or "", last.start, last.end) if _unit_kind(last.unit) == "money" else -1
        noun = _award_noun(s, u + len(last.unit), st.clause(last.end - 1)[1])[0] if u >= 0 else ""
        # 水果、蔬菜产量分别达2050万吨、4200万吨以上: the 以上/左右 closing the list holds for every figure in it
        closing = last.comparator if last.comparator in (">=", "<=", "approx") else None
        if all(found[k].what == "limit" for k in ks):     # 分别于五个工作日、七个工作日…内办结: each one's time limit
            act = os.path.commonprefix([(found[k].indicator or "")[::-1] for k in ks])[::-1]
            mid = act if act.endswith("时限") else mid
        for p, k in zip(parts, ks):
            ind = _PER_HEAD_TAIL.sub("", p + mid.strip())      # …设施每年每个分别不少于60万元、…5万元运营经费
            ind = ind if ind.endswith(change) else ind + change
            found[k] = found[k]._replace(indicator=ind + (noun if noun and noun != "金额" else ""))
            if closing and found[k].comparator == "=" and found[k].value_max is None:
                found[k] = found[k]._replace(comparator=closing)
    for k in sorted(copies, reverse=True):
        found[k:k + 1] = copies[k]


_INVESTED = ("总投资", "计划投资", "完成投资", "投资")


@lru_cache(maxsize=1)
def _change_tail_re() -> re.Pattern:
    """A change word closing an indicator, with the rate word before it (…增加值年均增长)."""
    return re.compile(rf"(?:{_RATE_WORDS})?(?:{_alt(_lex().changes)})$")


@lru_cache(maxsize=1)
def _bare_measure_re() -> re.Pattern:
    """An indicator that names only a measure (产量, 产值, 累计数量, 利润增长): bare_measure in target_cues.tsv."""
    measures = _lex().cues.get("bare_measure", ())
    changes = _alt(_lex().changes)
    return re.compile(rf"(?:累计|新增|全年)?(?:{_alt(measures)})(?:{_RATE_WORDS})?(?:{changes})?") \
        if measures else re.compile(r"(?!)")


def _share_topic(st: _Sent, found: list) -> None:
    """A measure alone after 、 takes the topic of the figure before it: the item before without its last
    word (林下经济面积达260万亩、产值达130亿元 -> 林下经济产值; 规上工业增加值增长6%、利润增长5% -> 规上工业利润
    增长), or after a count the whole count (新增1000处信号灯联网、累计达8000处 -> 信号灯联网累计数量).  Not in a
    分别 list, whose subjects are dealt out."""
    for k in range(1, len(found)):
        f, prev = found[k], found[k - 1]
        own, before = f.indicator or "", prev.indicator or ""
        if not own or f.what == "count" or not _bare_measure_re().fullmatch(own) or len(before) < 3 \
                or before.endswith(own) \
                or st.s[prev.end:f.start].strip() not in ("、", "，", ",") or "分别" in st.s:
            continue
        if prev.what == "count":
            topic = re.sub(r"数量$", "", before)
        else:
            words = cut(_change_tail_re().sub("", before))
            topic = "".join(words[:-1]) if len(words) >= 2 else ""
        if len(topic) >= 2 and not own.startswith(topic):
            found[k] = f._replace(indicator=topic + own)


_ADJUST = "调整|上调|下调|浮动"
_ADJUSTED = re.compile(rf"^(?:{_ADJUST})幅度$")
_COMPARED = re.compile(r"^(?:比|较)(?:上年|[^，,。；;]{2,12}?年)|^(?:平均)?每年(?:平均)?(?:增长|增加|递增|提高)|^年均")
_LEVEL_PART = re.compile(rf"^(?:其中[，,：:]?)?(?:[\d{_CN_DIGITS}]{{4}}年(?:底|末)?的?)?(?P<x>[^\d{_CN_DIGITS}，,。；;：:]{{1,16}}?)"
                         rf"(?:将|要|计划|预计|可)?(?:达到|增加到|提高到|增至|为)?[\d{_CN_DIGITS}]")


def _compared_topic(st: _Sent, found: list) -> None:
    """A change that opens its part, named only by its comparison, takes what the level before it measures:
    工业总产值6，050亿元，比1980年增长22%，平均每年增长4% -> 工业总产值比1980年增长, 工业总产值平均每年增长."""
    for k, f in enumerate(found):
        ind = f.indicator or ""
        if not _COMPARED.match(ind):
            continue
        at = st.s.rfind(ind[:2], 0, f.end)
        parts = re.split(r"[，,；;]", st.s[:at].rstrip())
        if at < 0 or st.s[:at].rstrip()[-1:] not in "，,；;" or len(parts) < 2:
            continue
        m = next((m for p in reversed(parts[:-1])
                  if not _COMPARED.match(p.strip()) and (m := _LEVEL_PART.match(p.strip()))), None)
        if m:
            found[k] = f._replace(indicator=m["x"] + ind)


_ADJUSTED_SUBJECT = re.compile(rf"(?P<x>[^，,。；;]{{2,16}}?)(?:原则上|一般)?(?:每[^，,。；;]{{1,5}}?)?(?:{_ADJUST})(?:一次)?$")
_ADJUSTED_WHAT = re.compile(rf"对(?P<x>[^，,。；;对]{{2,24}}?)(?:进行|作|予以)?(?:适当|相应)?(?:的)?(?:{_ADJUST})[^，,。；;]{{0,4}}[，,]\s*$")


def _adjusted_topic(st: _Sent, found: list) -> None:
    """A bound on how far a level may be changed names that level: 可对年度新申请项目奖励标准进行适当调整，
    调整幅度不超过15% -> 年度新申请项目奖励标准调整幅度."""
    for k, f in enumerate(found):
        if f.indicator and _ADJUSTED.match(f.indicator):
            at = st.s.rfind(f.indicator, 0, f.end)
            m = _ADJUSTED_WHAT.search(st.s, 0, at)
            part = re.split(r"[，,。；;]", st.s[:at].rstrip("，, "))[-1]
            m2 = None if m else _ADJUSTED_SUBJECT.match(part)
            own = m["x"] if m else m2["x"] if m2 else None
            if own and (m or _rate_head(own)):      # 补贴标准每两年调整一次，调整幅度…: the standard adjusted
                found[k] = f._replace(indicator=own + f.indicator)


@lru_cache(maxsize=1)
def _unit_measures() -> frozenset:
    """The measure nouns target_units.tsv adds to names (数量, 功率, 面积 …)."""
    return frozenset(u.measure for u in _lex().units.values() if u.measure)


@lru_cache(maxsize=1)
def _rate_heads_longest_first() -> tuple:
    return tuple(sorted(_lex().cues.get("rate_head", ()), key=len, reverse=True))


def _share_subject(st: _Sent, found: list) -> None:
    """A figure named by its verb alone after a list mark takes the subject of the figure before it, whose
    verb it replaces: 年投资亿元以上项目新开工43个以上、竣工38个以上 -> 年投资亿元以上项目竣工数量;
    新能源开工1600万千瓦、投产1000万千瓦以上 -> 新能源投产功率."""
    measures = _unit_measures()
    for k in range(1, len(found)):
        f, prev = found[k], found[k - 1]
        own, before = f.indicator or "", prev.indicator or ""
        if st.s[prev.end:f.start].strip() not in ("、", "，", ","):
            continue
        m_own = next((m for m in measures if own.endswith(m) and 2 <= len(own) - len(m) <= 3), None)
        m_prev = next((m for m in measures if before.endswith(m)), None)
        if not m_own or not m_prev:
            continue
        verb = own[:-len(m_own)]
        words = tagged(before[:-len(m_prev)])
        last = words[-1] if words else None
        if not last or not all(w.flag.startswith("v") for w in tagged(verb)) or not (
                last.flag.startswith("v") or last.word in _lex().count_verbs or last.word[:1] == "新" and len(last.word) == 3):
            continue                                      # (新开工 is tagged a noun)
        cut_at = len(words) - 1
        while cut_at > 0 and words[cut_at - 1].word in ("新", "再", "共"):
            cut_at -= 1                                   # 新开工: the verb with its 新
        topic = "".join(w.word for w in words[:cut_at])
        if len(topic) >= 2:
            found[k] = f._replace(indicator=topic + own)


def _borrow_counted(st: _Sent, found: list) -> None:
    """A figure that names only a verb takes what the count in the clause before counts: 续建安置房7550套，
    新开工1000套以上 -> 新开工安置房; 建设…产业项目3800个，总投资1万亿元以上 -> …产业项目总投资."""
    lex = _lex()
    for k in range(1, len(found)):
        f, prev = found[k], found[k - 1]
        if prev.what != "count" or not f.indicator or not prev.indicator \
                or not re.fullmatch(r"\s*[，,]\s*", st.s[prev.end:f.start]):
            continue
        own = re.sub(r"(?:数量|金额)$", "", f.indicator)
        invested = own in _INVESTED
        if not (invested or (f.unit == prev.unit and (lex.count_chain_re.fullmatch(own) or len(own) <= 3))):
            continue
        noun = re.sub(r"数量$", "", prev.indicator)
        while (m := lex.count_verb_re.match(noun)) and len(noun) - m.end() >= 2:
            noun = noun[m.end():].lstrip("和及与、并新")
        if len(noun) >= 2 and noun != own:
            found[k] = f._replace(indicator=noun + own if invested else own + noun)


_EACH = re.compile(r"(?<![年人平日户生月])(?:均|都|各)\s*$")   # 游客人次、旅游花费均增长10%以上, A和B各4500万人
_RATE_WORDS = "年均|平均|同比"
_RATE_WORD = re.compile(rf"(?:{_RATE_WORDS})$")
_END = re.compile("$")


def _shared_change(region: str, f: _Found) -> bool:
    """A list of names right before one change figure (全社会研发经费投入、高技术制造业增加值年均增长10%左右):
    each of them changes by it.  Only names of four characters or more joined by 、 alone: 文化、教育和卫生
    系统 or …机关、团体的存款 share words the split cannot tell."""
    clause = re.split(r"[，,；;：:]", region)[-1]
    parts = clause.split("、")
    return len(parts) >= 2 and all(len(p.strip()) >= 4 for p in parts) and not re.search(r"[的和及与等]", clause) \
        and f.what is None and f.value_max is None and any((f.indicator or "").endswith(w) for w in _lex().changes)


def _twin_names(f: _Found) -> list[str] | None:
    """Two names of four characters or more, joined by 和/及/与 and ending in the same measure word
    (孤儿养育标准和事实无人抚养儿童基本生活补贴标准, 城镇登记失业率和调查失业率): one level set for both, or one
    change (城镇居民人均可支配收入和农村居民人均纯收入年均增长5%左右)."""
    ind = f.indicator or ""
    tail = _change_tail_re().search(ind)                  # …人均纯收入年均增长: each name grows by it
    tail = tail.group() if tail else ""
    m = re.fullmatch(r"([^、和及与的]{4,})[和及与]([^、和及与的]{4,})", ind[:len(ind) - len(tail)])
    if not m or f.value_max is not None or _unit_kind(f.unit) == "duration":
        return None                  # 符合病症标准和严重标准至少已持续1个月: one condition on both, not two levels
    head = next((w for w in _rate_heads_longest_first() if m[2].endswith(w)), None)
    return [m[1] + tail, m[2] + tail] if head and m[1].endswith(head) else None


def _list_parts(subject: str) -> list[str]:
    """The subjects of one figure dealt out by 分别 (培育引进规上加工企业、精深加工项目 -> 规上加工企业,
    精深加工项目): split on 、/和/及/与, a verb that only the first part carries dropped."""
    parts = [p.strip(_STRIP_CHARS) for p in re.split(r"[、和及与]", subject) if p.strip(_STRIP_CHARS)]
    if len(parts) < 2 or any(len(p) > 20 for p in parts):
        return []
    lex = _lex()
    m = re.match(rf"(?:{lex.count_verb_re.pattern})(?:[和及与、并]?(?:{lex.count_verb_re.pattern}))*", parts[0])
    if m and len(parts[0]) - m.end() >= 2 and not any(lex.count_verb_re.match(p) for p in parts[1:]):
        parts[0] = parts[0][m.end():]
    return _share_words(parts)


_AWARD_RESPECTIVELY = re.compile(r"分别(?:给予|安排|奖励|补贴|资助|补助|奖补)(?:每[家个人户项次年]|一次性|最高|不超过|最多|每年)*(?=[\d一二三四五六七八九十两])")
_LIST_GAP = re.compile(r"^\s*(?:、|和|及|以及|或)\s*$")
_ENUMERATION = re.compile(r"[^、，,。；;：:的为被对在经（(）)]+(?:、[^、，,。；;：:的为被对在经（(）)]+)+")
_ITEM_VERB = re.compile(r"^(?:获得|荣获|获评|获|被评为|被认定为|评为|认定为|入选|列入|实现|达到|通过|成为)")
_QUOTED_RUN = re.compile(r"(?:“[^“”]{1,12}”)(?:[、和及]?“[^“”]{1,12}”)+")


def _deal_out_awards(st: _Sent, found: list) -> None:
    """对获评国家级、省级、市级孵化载体的，分别给予每家80万元、30万元、20万元一次性配套建设支持 (and
    实现“小升规”“规改股”“股上市”目标的企业分别给予10万元、20万元和50万元): one beneficiary per sum, in
    order, each with the thing granted after the last sum (国家级孵化载体一次性配套建设支持金额)."""
    s = st.s
    k = 0
    while k < len(found):
        run = [k]
        while run[-1] + 1 < len(found) and found[run[-1] + 1].unit == found[k].unit \
                and _LIST_GAP.match(s[found[run[-1]].end:found[run[-1] + 1].start]):
            run.append(run[-1] + 1)
        k = run[-1] + 1
        first, last = found[run[0]], found[run[-1]]
        pre = _AWARD_RESPECTIVELY.search(s, max(0, first.start - 14), first.end)
        if len(run) < 2 or not pre:
            continue
        lo, hi = st.clause(first.start)[0], pre.start()
        if lo > 1 and not re.search(r"[、“]", s[lo:hi]):
            lo, hi = st.clause(lo - 2)                    # the beneficiaries stand in the clause before
        who = s[lo:hi].strip(_STRIP_CHARS)
        items, at = _respective_items(who, len(run))
        if not items:
            continue
        # …孵化载体的天河区…载体: the head after the last 的; …评估为优秀、良好、合格等级的: what comes before
        head = who.rsplit("的", 1)[-1] if "的" in who else ""
        after = bool(re.fullmatch(f"[{CJK}]{{2,20}}", head))
        if not after:
            head = re.sub(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．])", "", who[:at][-20:]).lstrip(_STRIP_CHARS)
        u = s.find(last.unit or "", last.start, last.end) if last.unit else -1
        noun = _award_noun(s, u + len(last.unit) if u >= 0 else last.end, st.clause(last.end)[1])[0]
        for item, j in zip(items, run):
            bare = item.strip("“”\"")
            if len(bare) <= 4 and head and head not in item:
                item = item + head if after else head + item
            ind = item + noun
            found[j] = found[j]._replace(indicator=ind[:60])


def _respective_items(who: str, n: int) -> tuple[list[str], int]:
    """(items, where the list starts): the n beneficiaries a 分别 list deals sums out to: the last enumeration of n members in the
    phrase before it (国家级、省级、市级港澳青年创新创业孵化载体 -> each with the shared words), or n quoted
    names in a row (“小升规”“规改股”“股上市”)."""
    quoted = [m for m in _QUOTED_RUN.finditer(who)]
    if quoted:
        names = re.findall(r"“[^“”]{1,12}”", quoted[-1].group())
        if len(names) == n:
            return names, quoted[-1].start()
    for m in reversed(list(_ENUMERATION.finditer(who))):
        parts = m.group().split("、")
        if len(parts) == n - 1:
            tail = re.split(r"和|及|与", parts[-1], maxsplit=1)
            parts = parts[:-1] + tail if len(tail) == 2 else parts
        if len(parts) == n and all(1 <= len(p) <= 30 for p in parts):
            lead = _ITEM_VERB.match(parts[0])
            if lead and not any(p.startswith(lead.group()) for p in parts[1:]):
                parts[0] = parts[0][lead.end():]          # 获得一等奖、二等奖和三等奖: the verb is not the name
            return _share_words([p.strip() for p in parts]), m.start()
    return [], 0


def _award_noun(s: str, post_end: int, c_end: int) -> tuple[str, int]:
    """What a granted sum is, and where it ends (一次性配套建设支持 -> 一次性配套建设支持金额;
    一次性奖励支持 -> 一次性奖励; nothing named -> 金额)."""
    obj, end = _grant_noun(s, post_end, c_end)
    return _amount("", obj), end


def _share_words(parts: list[str]) -> list[str]:
    """Words that the first (last) item of a list shares with the others: 全省与其他RCEP国家货物贸易、
    对外投资和实际利用外资 -> 全省与其他RCEP国家 before each; 城镇、农村居民人均可支配收入 ->
    居民人均可支配收入 after each (``shared_noun`` split off 农村居民).  Only when that item is much
    longer than the rest, or a little longer than short items of one length (一产、二产、三产增加值)."""
    if len(parts) < 2:
        return parts
    first, last = parts[0], parts[-1]
    others_first, others_last = parts[1:], parts[:-1]
    if len(first) >= max(map(len, others_first)) + 4:
        toks, suffix = cut(first), ""
        need = min(map(len, others_first))
        while toks and len(suffix) < need:
            suffix = toks.pop() + suffix
        prefix = first[:len(first) - len(suffix)]
        if len(prefix) >= 2 and suffix:
            return [first] + [prefix + p for p in others_first]
    ends = {p[-1] for p in others_last}
    if len(ends) == 1 and len(others_last[0]) >= 2 and ends <= set(last) \
            and len(last) - last.index(next(iter(ends))) - 1 >= 4:   # 区级、街道（镇）级、社区（村）级社区养老服务设施
        k = last.index(next(iter(ends))) + 1
        return [p + last[k:] for p in others_last] + [last]
    same = len(set(map(len, others_last))) == 1 and len(others_last[0]) <= 3   # 一产、二产、三产增加值: short heads
    last_words = cut(last)
    if len(last) >= max(map(len, others_last)) + (2 if same else 4):
        toks, head = list(last_words), ""
        need = min(map(len, others_last))
        if same and toks and len(toks[0]) > need and toks[0][need:] in _lex().cues.get("shared_noun", ()):
            toks[0:1] = [toks[0][:need], toks[0][need:]]  # 城镇、农村居民…: 农村居民 is 农村 + 居民
        while toks and len(head) < need:
            head += toks.pop(0)
        rest = last[len(head):]
        if len(rest) >= 2 and head and (len(last) >= max(map(len, others_last)) + 4 or len(head) == need) \
                and (len(rest) >= 3 or _rate_head(rest)):        # 水果、蔬菜、茶叶产量: 产量 is what each measures
            return [p + rest for p in others_last] + [last]
    measure = last_words[-1] if len(last_words) >= 2 else ""
    if len(measure) >= 2 and _rate_head(measure) and not any(map(_rate_head, others_last)):
        return [p + measure for p in others_last] + [last]   # 粮食、肉蛋奶、蔬菜产量: the measure of each
    return parts


# --- past facts and review sections ---------------------------------------------------------------

_SENT_YEAR = re.compile(r"^[\s“”—\-－]*(?:(?:截至|截止|截止到)\s*)?((?:19|20)\d\d)\s*年(?:底|末|年底|年末|\d{1,2}月(?:底|末)?)?\s*[，,]")
_BY_YEAR = re.compile(r"(?<!截)(到|至)\s*((?:19|20)\d\d)\s*年")
_YEAR_ANY = re.compile(r"(?<![\d〔\[【])((?:19|20)\d\d)\s*年(?![级龄轻纪均限薪])")


@lru_cache(maxsize=1)
def _plan_ends() -> dict[str, int]:
    return {r["name"]: int(r["end"]) for r in table("time_periods") if r["series"] == "plan"}


_AWARD_CONDITION = re.compile(r"(?:对于|对)[^。；;！]{1,60}?的[^，,。；;、]{0,20}[，,]?(?=(?:[^，,。；;]{0,8}?)(?:分别)?(?:给予|奖励|补贴|资助|补助|奖补))"
                              r"|(?:被评为|获评|荣获|获得)[^。；;！，,]{1,30}?的[，,]?(?=(?:分别)?(?:给予|奖励|补贴|资助|补助|奖补))")
# (被评为五星级的给予10万元: whom a rule rewards, without 对)


def is_past_fact(sentence: str, doc_year: Optional[int] = None) -> bool:
    """Whether a sentence reports past figures rather than setting targets: a past marker of
    ``target_cues.tsv`` (累计, 共有, 现有, 已, 先后, 以来, 了 …), a year before ``doc_year`` (or,
    without it, a sentence opening with a year: 2020年，全区…), a past plan period
    (“十三五”期间 when ``doc_year`` is later) — unless a goal word (力争, 确保, 到2025年, 不少于 …)
    makes it a goal."""
    if not isinstance(sentence, str) or not sentence:
        return False
    lex = _lex()
    s = sentence
    if lex.goal_re.search(s):
        return False
    for m in _BY_YEAR.finditer(s):                       # 到2025年: a goal; 至2020年底 only if not past
        if doc_year is None or int(m.group(2)) >= doc_year:
            return False
    cleaned = lex.not_past_re.sub("", s)
    cleaned = _AWARD_CONDITION.sub("", cleaned)    # 对荣获一等奖的企业，给予…: whom a rule rewards, not the past
    if lex.past_re.search(cleaned):
        masked, _ = _bracket_regions(cleaned)
        for m in lex.past_re.finditer(cleaned):
            if not _inside(masked, m.start(), m.end()):
                return True
    if doc_year is None:
        return bool(_SENT_YEAR.match(s))
    if not _YEAR_ANY.search(s) and "五" not in s:
        return False
    masked, _ = _bracket_regions(s)
    for m in _YEAR_ANY.finditer(s):
        if _inside(masked, m.start(), m.end()):
            continue
        if re.search(r"[比较与同]$", s[max(0, m.start() - 1):m.start()]):
            continue
        if int(m.group(1)) < doc_year:
            return True
    periods = _plan_ends()
    for m in re.finditer(r"[“\"]?(十[一二三四五六]?五)[”\"]?(?:时期|期间|以来|末)", s):
        end = periods.get(m.group(1))
        if end is not None and end < doc_year:
            return True
    return False


def has_goal_word(sentence: str) -> bool:
    """Whether a sentence holds a goal word of ``target_cues.tsv`` (力争, 确保, 不低于, 应当 …)."""
    return bool(isinstance(sentence, str) and _lex().goal_re.search(sentence))


# A heading that names what comes (主要目标, 2026年重点工作, “十五五”时期主要目标任务): no review, even when it
# names a past period's results beside it.
GOAL_WORDS = re.compile(r"目标|任务|安排|重点工作|主要工作|计划|打算|思路|考虑|展望|举措|部署")


def is_review_heading(heading: str) -> bool:
    """Whether a section heading opens a review of past work (“十三五”教育事业发展情况, 发展基础)."""
    if not isinstance(heading, str):
        return False
    return any(w in heading for w in _lex().cues.get("review_heading", ()))
