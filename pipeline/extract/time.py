"""Time expressions (SCHEMA "Time expressions"): every date, period, named plan period,
recurrence and duration in a text, with its span and its normalised start/end.

    extract_time_expressions(text, doc_date=None) -> [TimeExpression, ...]   (in text order)
    period_end(expr_text, doc_date=None) -> "YYYY-MM-DD" | None             (a deadline's last day)

Conventions (SCHEMA, gold/):
- a period is reported from its first to its last day: ``2021年`` 2021-01-01…2021-12-31,
  ``2021年底`` 2021-12-01…2021-12-31 (kind ``date``), ``2022年6月`` the month, ``2021年5月20日``
  the day; ``上半年``/``第三季度``/``2月下旬`` without a year are read with the document's year;
- ``到``/``至``/``前`` around an expression are not part of it (``到2025年`` -> ``2025年``), but
  two points joined by ``—``/``-``/``至``/``到`` are one ``interval`` (``2021年至2025年``,
  ``2021—2025年``, ``2017年3月—2017年9月``, ``2月至6月``);
- named plan periods (``“十四五”`` with its quotes, ``十三五``, ``第十四个五年``, ``“七五”普法``)
  are ``named_period`` with the years of ``lexicon/time_periods.tsv``;
- recurrences (``每学期``, ``每3年``, ``每年9月``, ``一年一度``, ``“12·4”国家宪法日``) have null
  start/end and ``recurrence`` = the ``每…`` phrase (``每年`` for a cycle or a yearly day);
- durations: ``用三年时间``/``未来三年`` run from the document date N units on, and so does
  ``三年内`` where the text sets a goal by it (``争取三年内实现``, ``三年内完成``), not where it is
  counted from an event (``在一年内不得申请``, ``申请日前12个月内``: null dates); ``近三年``,
  ``三年来``/``一年来`` run over the whole years before its year in a document of its first quarter (as
  ``过去三年``; later in the year, up to the document's date; a plan period
  named before only if it is the one just over; ``近七年最高`` too), but ``30年来首次`` (a record) and
  ``成立70年来`` have null dates;
  ``5年间``/``5年中`` take the nearest preceding named period or interval of that length, a bare
  ``五年`` the period of that length its paragraph named before (``这五年，…、五年增量…``; not
  ``前五年``/``再奋斗五年`` nor a period compared with, ``比“六五”期间``); ``过去五年`` the whole years before the document's year (or
  such a period), ``这五年`` such a period over by the document's date, ``未来五年``/``今后五年``
  one not over by then; ``有效期5年`` runs from the date the text takes effect (``自…起施行``);
  ``连续两年``, ``满1年``, ``3至5年``, a plan's name (``三年行动计划``) and a bare length of time
  (``使用寿命20年以上``, ``不超过5年``, ``十年禁渔``) have null start/end, except ``…的五年`` restating
  a period of that length its sentence names (``“十四五”时期是…的五年``, ``…的关键五年，``) and ``再奋斗五年，到2035年``
  (2031…2035); where the sentence's subject is a time already (``2025年是…的一年``, ``这五年是…的五年``)
  the predicate is no time expression of its own;
- ``力争全年``/``确保全年`` is the document's year; another ``全年``
  (``time_year_words.tsv``) the year of the whole-year expression before it in its own or the
  previous paragraph (``2026年是…开局之年，做好全年工作``; a review's ``过去一年…全年实现…``), when it
  is the document's year or the year before; else ``全年`` is not read (``全年无休``);
- ``上年度`` (``time_relative_years.tsv``) is the year before the document's, with null dates in a
  regulation's articles (the year before the case a rule is applied to) and not read in a sentence
  with a recurrence (``每年3月31日前报送上一年度情况``);
- a date without its year (``8月11日``) in a paragraph telling of another year takes the year of
  the nearest dated expression at most 200 characters before it (the next year when its month and
  day come first): ``2003年5月13日，…。8月11日至18日，…`` is 2003;
- a past event named by its day in quotes (``“12·21”特大瓦斯爆炸事故``; event words in
  ``time_event_words.tsv``) is that day's last occurrence on or before the document's date (a bulletin
  of 2004-01-16: 2003-12-21); ``“25·7”区域性大洪水`` is July 2025;
- the bound of a time limit after ``最长``/``最高``/``不得超过``/``超过`` (``time_limit_words.tsv``:
  ``补贴期限最长不超过3年``) is a target's value, not a time expression;
- ``印发之日``/``发布之日`` in ``自本通知印发之日起`` are the document's own date;
- not time expressions: vague words (``lexicon/time_vague.tsv``), numbers in identifiers and
  document numbers (``〔2021〕``), school stages (``学前三年``, ``九年义务教育``,
  ``15年一贯制``), decades (``八十年代``), ages and hours (``3周岁``, ``1.5学时``), and dates that are the value of a page
  metadata label (``发布日期: 2017年02月20日``; labels from ``page_labels.tsv`` and
  ``time_labels.tsv``).

All patterns are compiled once; extraction is a fixed number of regex scans plus work per
candidate: a real 60k-character policy text takes about 25 ms (the first call that meets a
Chinese numeral also pays the one-time import of cn2an, about 0.3 s).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple, Optional

from ..lexicon import table, words
from ..model import TimeExpression

__all__ = ["extract_time_expressions", "period_end", "extract"]

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CN_DIGIT = "〇○零Ｏ一二三四五六七八九"          # digit-by-digit numerals (二〇二一)
_CN_NUM = "一二两三四五六七八九十"               # counting numerals (十四, 两)
_ZERO = str.maketrans({"〇": "零", "○": "零", "Ｏ": "零", "О": "零"})
_QUARTER_DIGITS = str.maketrans("1234", "一二三四")
_FOLD_DIGITS = {0xFF10 + i: 0x30 + i for i in range(10)}   # full-width digits (raw, unnormalised text)
_FULL_WIDTH_DIGIT = re.compile("[\uff10-\uff19]")

# --- numbers -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _num(s: str) -> Optional[int]:
    """An integer written in Arabic (any Unicode decimal digits) or Chinese numerals, or None."""
    s = s.strip()
    if not s:
        return None
    if s.isdecimal():                      # fast path, also full-width digits
        return int(s)
    import cn2an                           # imported lazily: only Chinese numerals need it
    try:
        v = cn2an.cn2an(s.translate(_ZERO), "smart")
    except Exception:
        return None
    try:
        return int(v) if float(v) == int(v) else None
    except (TypeError, ValueError):
        return None


# --- lexicon ----------------------------------------------------------------------------------


def _alt(items) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


def _load():
    parts = {r["word"]: r for r in table("time_parts")}
    periods: dict[tuple[str, str], tuple[int, int]] = {}
    for r in table("time_periods"):
        periods[(r["name"], r["series"])] = (int(r["start"]), int(r["end"]))
    rec = table("time_recurrence")
    units = [r["word"] for r in rec if r["type"] == "unit"]
    cycles = [r["word"] for r in rec if r["type"] == "cycle"]
    festivals = {r["word"]: (r["recurrence"] or "每年") for r in rec if r["type"] == "festival"}
    vague = words("time_vague")
    labels = set(words("page_labels")) | set(words("time_labels", where="before"))
    labels = {re.sub(r"[\s:：]", "", l) for l in labels if l.strip()}
    line_marks = words("time_labels", where="line")
    return parts, periods, units, cycles, festivals, vague, labels, line_marks


_PARTS, _PERIODS, _UNITS, _CYCLES, _FESTIVALS, _VAGUE, _LABELS, _LINE_MARKS = _load()
_NONYEAR = frozenset(words("time_nonyear_words"))
_REL_YEARS = {r["word"]: int(r["shift"]) for r in table("time_relative_years")}
_YEAR_PARTS = {w: r for w, r in _PARTS.items() if r["unit"] == "year"}
_MONTH_PARTS = {w: r for w, r in _PARTS.items() if r["unit"] == "month"}

# --- pattern fragments (named groups; _raw() strips the names for use inside finders) ----------

_S = r"[ \u3000]?"                                           # a stray space (PDF text)
_Y4 = r"(?<![\d/])(?:1[89]|2[01])\d\d(?!\d)"                 # an Arabic year 1800–2199
_NEXT_OK = rf"(?=$|[^{CJK}]|[前后起以到至开完启召])"          # 初/中 that are not 初中/中小学
_NOT_YEAR_WORD = r"(?![级轻龄纪均限薪])"                      # 2021年级, 今年轻, 年均 …

# characters after which 今年/明年/去年 is a relative year and not the end of a word (如今年轻人, 说明年度):
# prepositions and the verbs that announce a plan (预计今年, 建议今年, 力争明年, 确保今年)
_REL_AFTER = "于在到至从自和及与较比同是为即、计议争保望成好现"     # 完成今年目标任务, 做好今年工作, 实现今年…目标
_YP = (rf"(?:(?P<y>{_Y4}){_S}|(?P<yc>(?<![{_CN_DIGIT}十])[{_CN_DIGIT}]{{4}})"
       rf"|(?P<rel>(?:(?<![{CJK}])|(?<=[{_REL_AFTER}]))[今明去本次翌]))年{_NOT_YEAR_WORD}")
_bare_year_parts = [w for w, r in _YEAR_PARTS.items() if r["bare"] == "yes"]
_year_suffixes = [w for w in _YEAR_PARTS if w not in ("年底", "年末", "年初", "年中", "年度")]
_YSUF = (rf"(?P<ysuf>年?[底末]|年[初中]|[初中]{_NEXT_OK}|第?[1-4]季度|{_alt(_year_suffixes)}|度)")
_MP = _S + r"(?:(?P<m>(?<!\d)(?:1[0-2]|0?[1-9])(?!\d))" + _S + r"|(?P<mc>十[一二]|[一二三四五六七八九十]))月份?"
_DP = (_S + r"(?:(?P<d>(?<!\d)(?:3[01]|[12]\d|0?[1-9])(?!\d))" + _S +
       r"|(?P<dc>三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]))[日号]")
_MSUF = rf"(?P<msuf>[上中下]旬|[底末]|初{_NEXT_OK})"
_PARSE = re.compile(rf"(?:{_YP})?(?:{_YSUF}|(?:{_MP})?(?:{_DP})?(?:{_MSUF})?)")


def _raw(p: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", p)


_YP_R, _YSUF_R, _MP_R, _DP_R, _MSUF_R = map(_raw, (_YP, _YSUF, _MP, _DP, _MSUF))

# Finders.  Every finder starts with a literal or a character class (the guards that keep it
# out of longer numbers are look-behinds placed after that first character), so the regex
# engine skips ahead to candidate positions in C: that is what keeps a 60k-character
# document in a few milliseconds.
_GUARD = rf"\d{_CN_DIGIT}十百千万两.．"                       # a count is not part of a longer number
_YEAR_START = (rf"[12{_CN_DIGIT}今明去本]"
               rf"(?:(?<=[12])(?<![\d/].)(?:(?<=1)[89]|(?<=2)[01])\d\d(?!\d){_S}"
               rf"|(?<=[{_CN_DIGIT}])(?<![{_CN_DIGIT}十].)[{_CN_DIGIT}]{{3}}"
               rf"|(?<=[今明去本])(?:(?<![{CJK}].)|(?<=[{_REL_AFTER}].)))"
               rf"年{_NOT_YEAR_WORD}")
_DATED_R = rf"{_YP_R}(?:{_YSUF_R}|{_MP_R}(?:{_DP_R})?(?:{_MSUF_R})?)?"       # for tails
_BARE_M = (rf"[\d一二三四五六七八九十](?<![\d{_CN_DIGIT}十第年].)"
           rf"(?:(?<=\d)(?:(?<=1)[0-2]|(?<=0)[1-9]|(?<=[1-9]))(?!\d){_S}月份?(?:{_DP_R})?(?:{_MSUF_R})?"
           rf"|(?<=[一二三四五六七八九十])(?:(?<=十)[一二])?月(?:{_DP_R}|{_MSUF_R}))")
_Y4_START = r"[12](?<![\d/\-.].)(?:(?<=1)[89]|(?<=2)[01])\d\d(?!\d)"
# dashes between two dates; ― (U+2015) in the State Council's older texts (1997年4月―1998年2月)
_DASH = "—–－\\-~～―‐‒〜"
_SEP = rf"[ \u3000]*(?:[{_DASH}]{{1,2}}|至|到)[ \u3000]*"
_TP_RIGHT = rf"(?:{_DATED_R}|{_MP_R}(?:{_DP_R})?(?:{_MSUF_R})?|{_DP_R})"
_M12 = r"(?:1[0-2]|0?[1-9])(?!\d)|十[一二]|[一二三四五六七八九十]"
_FEST_DAY = rf"[“\"](?:\d{{1,2}}[·•.．]\d{{1,2}}|[{_CN_NUM}]{{2,3}})[”\"]"   # “12·4”, “六一”
_FEST_R = rf"(?:{_FEST_DAY})?(?:{_alt(_FESTIVALS)})"
_QUOTES = {"“": "”", '"': '"', "‘": "’", "「": "」", "『": "』"}
_COUNT_UNITS = ("个月", "个学期", "学期", "学年", "年", "周", "天")

_DECADE = r"(?P<dec>[一二三四五六七八九]十|[1-9]0)年代"                     # 九十年代, 80年代
_F = {
    "dated": rf"{_YEAR_START}(?:{_YSUF_R}|{_MP_R}(?:{_DP_R})?(?:{_MSUF_R})?)?",
    "bare_month": _BARE_M,
    # 1991一2000年: an OCR 一 for the dash between two Arabic years
    "yrange": rf"(?P<y1>{_Y4_START})(?:{_SEP}|一)(?P<y2>{_Y4})(?P<u>{_S}(?:学年度|学年|年度|年))?",
    "mrange": rf"(?:[{_DASH}]{{1,2}}|至|到)",              # 3—9月: found by its separator
    "bare_part": rf"{_alt(_bare_year_parts)}|第?[1-4]季度",   # 上半年, 第三季度, 年底 (time_parts.tsv)
    "iso": r"(?P<y>" + _Y4_START + r")(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d])(?!(?P=s)\d)",
    "named_q": rf"(?P<q>[“\"‘「『])(?P<name>{_alt(n for n, _ in _PERIODS)})(?P<q2>[”\"’」』])",
    "named_u": rf"(?P<name>{_alt(n for n, _ in _PERIODS)})",
    "named_ord": rf"第(?P<n>[{_CN_NUM}]{{1,3}})个五年",
    "every": (rf"每隔?(?P<n>(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})(?:[～~—–\-至到](?:\d{{1,2}}|[{_CN_NUM}]{{1,3}}))?)?"   # 每3～5年
              rf"(?P<u>{_alt(u for u in _UNITS if u != '年' and u != '周')}|周(?!岁)|年(?![级龄轻纪均限薪]))"),
    "cycle": rf"一(?P<u>学年|学期|季度|个月|年|季|月|周|星期)一(?:{_alt(_CYCLES)})",
    # 按月发放, 按季度开展, 按年度划转, 按日加收: done every such period (not 按月计算, 按月份, 按日期: a unit)
    "by_unit": r"按(?P<u>月度?|季度|季(?!节)|半年度?|年度|周|日)(?![份底末初期数])(?!计算|折算|平均|测算|核算|计|比例|标准|实际)",
    "festival": rf"{_alt(_FESTIVALS)}",
    "fest_day": rf"[“\"]\d{{1,2}}[·•.．]\d{{1,2}}[”\"][{CJK}]{{1,10}}?[日节]",
    # “12·21”特大瓦斯爆炸事故, “25·7”区域性大洪水: a past event named by its day (or year and month)
    "event_day": (r"[“\"](?P<a>\d{1,2})[·•.．](?P<b>\d{1,2})[”\"]"
                  rf"(?=[{CJK}、]{{0,12}}?(?:{_alt(words('time_event_words'))}))"),
    "count": (rf"(?P<n>[\d一二两三四五六七八九十半](?<![{_GUARD}].)[\d一二两三四五六七八九十]{{0,2}})"
              rf"(?P<u>{_alt(_COUNT_UNITS)})"),
    # 3至5年, 两至三年(后), 3个月至6个月: a span of time between two counts, not anchored to a date
    "count_range": (rf"(?P<n1>[\d一二两三四五六七八九十](?<![{_GUARD}每第].)[\d一二两三四五六七八九十]{{0,2}})"
                    rf"(?P<u1>个月|年)?{_SEP}(?P<n2>[\d一二两三四五六七八九十]{{1,3}})(?P<u>个月|年{_NOT_YEAR_WORD})"),
    # 有效期5年 / 有效期为二年: runs from the date the text takes effect (自…起施行) on
    "valid": rf"有效期(?:为|是)?(?P<n>\d{{1,2}}|[{_CN_NUM}]{{1,3}})(?P<u>个月|年)",
    # 自印发之日起 / 自本通知发布之日起: the document's own date
    "issue_day": r"(?:印发|发布|公布|颁布|下发|发文)之日(?=起)",
    # 本通知印发当月: the month of the document's own date
    "issue_month": rf"本[{CJK}]{{1,4}}?(?P<act>(?:印发|发布|公布|下发)当月)",
    # 力争全年…, 确保全年…: the document's year it sets a goal for (a review's 全年实现… is the year
    # before, a rule's 全年 any year: neither is read)
    "goal_year": r"全年(?:(?<=力争全年)|(?<=确保全年)|(?<=争取全年)|(?<=全力全年))",
    # 全年, 开局之年 (lexicon/time_year_words.tsv): the year of a whole-year expression before it
    "year_word": _alt(words("time_year_words")),
    # 上年度 (lexicon/time_relative_years.tsv)
    "rel_year": _alt(_REL_YEARS),
    # 本世纪, 下个世纪, 二十一世纪, 21世纪初: a century, or its first or last ten years or its middle (中叶)
    "century": (r"(?:(?P<rel>本|上个?|下个?)|(?<![\d一二三四五六七八九十])(?P<n>二十一|二十|十九|21|20|19))"
                rf"世纪(?:{_DECADE})?(?P<part>初|末|中叶|中期)?"),
    # 1年、2年或3年, 一个月、三个月及半年: alternative lengths of one period, one duration
    "count_list": (rf"(?:[\d{_CN_NUM}半](?<![\d{_CN_NUM}{_GUARD}每第].)[\d{_CN_NUM}半]{{0,2}}(?:个月|年))"
                   rf"(?:(?:、|或者|或|及|和)[\d{_CN_NUM}半]{{1,3}}(?:个月|年)(?![级龄度以内]))+"),
    # 提前十五日报告, 提前两周投放: how long before an event an act falls, a length of time (提前5个工作日 is a
    # time limit, a target)
    "ahead": rf"(?<=提前)(?P<n>\d{{1,3}}|[{_CN_NUM}]{{1,3}})(?:日|天|周)(?![内以])",
    # 一个纳税年度, 1个自然年度, 跨两个会计年度: a length of time counted in years of account, not anchored
    "year_count": (rf"(?P<n>\d(?<![\d{_CN_NUM}].)\d?|[{_CN_NUM}](?<![\d{_CN_NUM}].)[{_CN_NUM}]{{0,2}})"
                   r"个(?:纳税|自然|会计|财政|考核|结算)?年度"),
    # 九十年代, 80年代末 (no century written): the decade in the document's century, or in the one before if
    # it lies more than twenty years ahead
    "decade": rf"(?<![\d一二三四五六七八九十世纪]){_DECADE}(?P<part>初|末|中期)?",
}
_RE = {k: re.compile(v) for k, v in _F.items()}
_YEAR_ONLY = re.compile(_YEAR_START)
# 3月25日上午10时至3月27日, 6月27日10：00—7月1日15:00: an interval between two moments of two days
_CLOCK = r"(?:[上下]午|早上|晚上)?(?:[01]?\d|2[0-4])(?:[:：][0-5]\d|[时点](?:[0-5]?\d分|半)?)"
_INTERVAL_TAIL = re.compile(rf"(?:{_CLOCK})?{_SEP}(?P<b>{_TP_RIGHT})(?:{_CLOCK}(?![\d]))?")
_SINCE_TAIL = re.compile(r"至今|迄今")
_MRANGE_LEFT = re.compile(rf"(?<![\d{_CN_DIGIT}十第])(?P<m1>(?<!\d)(?:1[0-2]|0?[1-9])|十[一二]|[一二三四五六七八九十])[ \u3000]*$")
_MRANGE_RIGHT = re.compile(rf"[ \u3000]*(?P<m2>{_M12})月份?")
_MRANGE_HEAD = re.compile(rf"(?:(?<!\d)(?:1[89]|2[01])\d\d{_S}|[{_CN_DIGIT}]{{4}}|[今明去本])年$")
_COORD_DAY = re.compile(rf"(?:和|、|及|或|至|到|[{_DASH}]{{1,2}})(?:{_MP_R}(?:{_DP_R})?(?:{_MSUF_R})?|{_DP_R})")
_FEST_HEAD = re.compile(rf"{_FEST_DAY}$")
_COUNT_TAIL = re.compile(
    r"(?P<time>(?:左右)?的?时间)|(?P<within>之内|以内|内(?![容部外涵需]))|(?P<back>间|中|以来|来|里)"
    rf"|(?P<once>一(?:{_alt(_CYCLES)}))"
    r"|(?P<plan>行动计划|发展规划|行动方案|攻坚行动|攻坚计划|专项行动|提升计划|提升行动|滚动计划|规划|计划|行动)")
# 满1年 (a length of time a condition asks for; not 每满1年, a points rule per year, nor 届满3个月前,
# a lead time before an expiry); 过去五年 runs
# back from the document date unless a plan period of that length precedes it; 这五年 is such a
# period or nothing
_COUNT_HEAD = re.compile(r"(?P<use>利用|用|通过|经过|花)$|(?P<past>近|过去的?)$|(?P<future>未来|今后)$|(?P<cont>连续)$"
                         r"|(?P<ord>第)$|(?P<full>(?<![每届期])满)$|(?P<this>(?<![{CJK}])这)$".replace("{CJK}", CJK))
# where a sentence says when the text takes effect: 自2023年9月8日起施行, 自印发之日起实施
_EFFECTIVE = re.compile(r"自(?P<when>[^，。；\n]{2,20}?)起?(?:施行|实施|执行|生效)")
# 本通知有效期1年: the text's own term; 自2025年6月1日起: a day something starts from
_OWN_SUBJECT = re.compile(rf"本[{CJK}]{{1,6}}$")
_FROM_DAY = re.compile(r"[自从](?P<when>[^，。；\n起]{6,12})起")
_ISSUE_HEAD = re.compile(rf"[自从](?:本[{CJK}]{{1,6}})?$")
# a count of time right after the event it is counted from (之日起一年内, 届满后六个月内, 验收后3年内)
_EVENT_BEFORE = re.compile(r"(?:之日起|日起|起|之后|以后|后)$")
_OWN_EVENT_IN = re.compile(rf"本[{CJK}]{{1,4}}?(?P<act>印发|发布|公布|施行|实施)(?:之日起|后)")   # the document's own act
_OWN_EVENT = re.compile(_OWN_EVENT_IN.pattern + "$")
_OWN_EFFECTIVE = re.compile(rf"本[{CJK}]{{1,4}}?自(?P<when>[^，。；\n]{{6,20}}?)起(?:施行|实施)")
_SCHOOL_YEARS = re.compile(r"(?:制|小学|初中|高中|义务|教育)")
# a count + 内 runs from the document's date only where the text sets itself a goal by it
# (争取三年内实现…, 三年内完成…); elsewhere it runs from an event the rule names or the reader's own
# case (在一年内不得申请, 申请日前12个月内, 5年内关税减让): SCHEMA "5年内 counted from an event"
_GOAL_BEFORE = re.compile(r"(?:力争|争取|确保|努力|力求|计划|预计|拟|用)在?$")
_CLAUSE_OPEN = re.compile(r"(?:^|[，,。；;：:！？\n])[ \u3000]*$")
_GOAL_AFTER = re.compile(r"[，,]?(?:要|将)?(?:基本|全面|初步|逐步|率先|全部)?(?:完成|实现|建成|达到|形成|消除|覆盖)")
# 五年内不得申请, 五年内免征: what a rule forbids or grants for a span counted from an event
_RULE_AFTER = re.compile(r"[，,]?(?:不得|不予|不再|不准|禁止|不受理|免|停止|暂停|限制|取消|有效)")
# 近5年内未受过刑事处罚, 最近两年内有两次复发: a criterion looked back on from each application, no dates
_LOOK_BACK_CONDITION = re.compile(r"(?:之)?内?(?:未|无|没有|没|不曾|有[\d一二两三四五六七八九十]+次)")
# 30年来首次: the record a figure sets within a span, not a period that starts on a day (but 近七年最高 names
# the last seven years, as the read golds of work reports date it); 成立70年来: counted from the event
_RECORD_AFTER = re.compile(r"(?:的)?(?:首次|第一次|最|新高|新低|罕见|未有|仅见|之最)")
_SINCE_EVENT = re.compile(r"(?:成立|建立|组建|设立|创立|建区|建市|建国|开放|实施|施行|启动|开展|运行|开通|建成)$")
# a bare count of years/months (使用寿命20年以上, 不超过5年, 再延长30年, 十年禁渔) is a duration with no
# dates, except school stages and product terms (学前三年, 15年一贯制, 5年期贷款), ordinals and
# "the same year" (第三年, 同一年), grades and ages (三年级)
_BARE_BEFORE_BAD = re.compile(r"(?:第|第[一二三四五六七八九十\d]{1,3}个|每|每满|每多[^，。；]{0,2}|同|当|这|上|下|隔"
                              r"|学前|小学|初中|高中|大学|[\d一二三四五六七八九十][～~—–\-至到])$")   # 每3～5年: a range's end
# 补贴期限最长不超过3年: the bound of a time limit (lexicon/time_limit_words.tsv), a target's value
_LIMIT_BEFORE = re.compile("(?:" + "|".join(
    (f"(?<!{re.escape(r['not_after'])})" if r["not_after"] else "") + re.escape(r["word"])
    + (rf"(?:[{CJK}]{{0,2}}为)?" if r["then_为"] else "")       # 待遇享受最高时长为24个月
    for r in sorted(table("time_limit_words"), key=lambda r: -len(r["word"]))) + ")$")
# 一年至少进行一次资格认证, 两个月安排一次: a recurrence (SCHEMA: 每学期至少召开1次 -> 每学期)
_TIMES_PER = re.compile(r"(?:至少|最多|不少于|不超过|原则上)?(?:进行|开展|召开|组织|举办|安排|认证)?[一二两三1-3]次")
# 2个月最低生活保障标准: an amount (nouns of lexicon/time_amount_nouns.tsv)
_BARE_AFTER_BAD = re.compile(r"(?:[级龄轻纪均限薪度生代底末初]|期(?![满内间限])|一遇|一贯|义务|四季|到头"
                             rf"|的?(?:城镇|城乡|农村)?(?:{_alt(words('time_amount_nouns'))}))")
# …的关键五年。: a count after 的 and a modifier of up to two characters that closes its clause
_OF_MODIFIED = re.compile(rf"的[{CJK}]{{1,2}}$")
_CLAUSE_END = "，。；,;"
# 前五年和后五年, 再奋斗五年: a part of a longer span or the span after one, not a period named before
_PART_OF_SPAN = re.compile(rf"(?:[前后头末]|再[{CJK}]{{0,2}})$")
# 比“六五”期间增长87%: the period a figure is compared with, not the one a bare 五年 restates
_COMPARED = re.compile(r"(?:比|较|同比|相比)$")
# 再奋斗五年，到2035年: the years that end with the year it runs to
_RUNS_TO = re.compile(r"[，,]?(?:到|至)(?P<y>(?:19|20)\d\d)年")
_SENTENCE_START = re.compile(r"[。；！？\n]")
_NUMBERED_AFTER = re.compile(r"第?\d{1,4}号")      # a year that opens a document's number
_ARTICLE_LINE = re.compile(r"(?m)^[ \u3000#*]*第[一二三四五六七八九十百零〇\d]{1,4}条")
# a count of days/months/years after 印发之日起 (自发布之日起30日开始实施)
_AFTER_ISSUE = re.compile(rf"起(?P<n>\d{{1,3}}|[{_CN_NUM}]{{1,4}})(?P<u>个工作日|日|天|个月|年)")
# tie-break among candidates of equal length (lower first)
_KINDS = ("interval", "since", "yrange", "mrange", "dated", "bare_month", "bare_part", "goal_year", "rel_year", "iso", "named",
          "issue_day", "valid", "every", "cycle", "once", "festival", "use", "within", "past", "future", "back",
          "cont", "plan", "count_range", "full", "this", "bare", "year_word", "century", "decade", "year_count", "count_list", "ahead", "event_day")
_PRIO = {k: i for i, k in enumerate(_KINDS)}
_NAMED_BEFORE_BAD = set(_CN_NUM + "百零〇第")

_YEXT = re.compile(rf"(?:{_MP_R}(?:{_DP_R})?(?:{_MSUF_R})?|年?[底末]|年初|年中|{_alt(_year_suffixes)}|{_FEST_R})")
_MEXT = re.compile(rf"(?:{_DP_R}|[上中下]旬|[底末]|初{_NEXT_OK})")
_VAGUE_RE = re.compile(_alt(_VAGUE)) if _VAGUE else None
_LABEL_ALT = "|".join(r"\s*".join(map(re.escape, l)) for l in sorted(_LABELS, key=len, reverse=True))
_LINE_MARK_RE = re.compile(_alt(_LINE_MARKS), re.I) if _LINE_MARKS else None
_LABEL_SCAN = re.compile(_LABEL_ALT)
_LABEL_LEFT = " \t\r\n\u3000|｜*#>-"
_LABEL_TAIL = re.compile(r"[*_]*[ \t\u3000]*[:：|｜]?[*_]*[ \t\u3000]*")
_NEXT_LINE = re.compile(r"(?:[ \t\u3000]*\r?\n)+[ \t\u3000]*")


# --- dates --------------------------------------------------------------------------------------


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _last(y: int, m: int) -> int:
    """The last day of month m of year y."""
    if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0):
        return 29
    return _MONTH_DAYS[m]


def _valid_year(y: Optional[int]) -> bool:
    return y is not None and 1800 <= y <= 2199


def _ymd(y: int, mmdd: str) -> date:
    """A date from a parts-table value: 'MM-DD', '+MM-DD' (next year), 'MM-end'."""
    if mmdd.startswith("+"):
        y, mmdd = y + 1, mmdd[1:]
    mm, dd = mmdd.split("-")
    m = int(mm)
    return date(y, m, _last(y, m) if dd == "end" else int(dd))


def _add_months(d: date, months: int) -> Optional[date]:
    """d moved by a number of months (day clamped to the month's end); None past year 1 / 9999."""
    t = d.year * 12 + d.month - 1 + months
    y, m = divmod(t, 12)
    m += 1
    try:
        return date(y, m, min(d.day, _last(y, m)))
    except ValueError:
        return None


def _forward_end(d: date, months: int) -> Optional[date]:
    """The end of a span of months from d: the same day months later (用三年时间 from 2022-08-17 ->
    2025-08-17), but whole years from a year's first day end on the last day of the last year
    (未来十五年 of a plan read as of 1996-01-01 -> 2010-12-31)."""
    end = _add_months(d, months)
    if end is not None and (d.month, d.day) == (1, 1) and months % 12 == 0:
        end -= timedelta(days=1)
    return end


def _add_days(d: date, days: int) -> Optional[date]:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        return None


def _iso(d: Optional[date]) -> Optional[str]:
    return d.isoformat() if d else None


class _TP(NamedTuple):
    start: Optional[date]
    end: Optional[date]
    year: Optional[int]
    month: Optional[int]


def _year_key(s: str) -> str:
    s = s.translate(_QUARTER_DIGITS)
    if s in ("底", "末", "初", "中"):
        return "年" + s
    if s == "度":
        return "年度"
    return s


@lru_cache(maxsize=8192)
def _time_point(s: str, doc_date: Optional[date], year: Optional[int] = None,
                month: Optional[int] = None, ref_year: Optional[int] = None) -> Optional[_TP]:
    """Read a date-like phrase (2021年5月20日, 2021年底, 2月下旬, 今年上半年, 20日).

    ``year``/``month`` are inherited (the right side of an interval); a phrase without a year is
    read with the document's year (``ref_year``, the year the document is about, else the year
    of its date).  None when the phrase is not a valid date; start/end None when it needs a year
    that is not known."""
    g = _PARSE.fullmatch(s)
    if not g or not s:
        return None
    y = None
    if g["y"]:
        y = int(g["y"])
    elif g["yc"]:
        y = _num(g["yc"])
        if not _valid_year(y):
            return None
    elif g["rel"]:
        if g["rel"] in "次翌":             # 12月至次年2月: the year after the left side's
            y = year + 1 if year is not None else None
        elif doc_date is not None:
            y = doc_date.year + {"今": 0, "本": 0, "明": 1, "去": -1}[g["rel"]]
        if y is None:
            return _TP(None, None, None, None)
    else:
        y = year if year is not None else (ref_year or (doc_date.year if doc_date else None))
    has_year = bool(g["y"] or g["yc"] or g["rel"])
    m = int(g["m"]) if g["m"] else (_num(g["mc"]) if g["mc"] else None)
    d = int(g["d"]) if g["d"] else (_num(g["dc"]) if g["dc"] else None)
    if m is None and d is not None:
        m = month
        if m is None:
            return None
    if not has_year and m is None and not g["ysuf"]:
        return None
    if m is not None and not 1 <= m <= 12:
        return None
    if d is not None and not 1 <= d <= _last(2000, m):
        return None
    if y is None:
        return _TP(None, None, None, m)
    try:
        if g["ysuf"]:
            part = _YEAR_PARTS.get(_year_key(g["ysuf"]))
            if part is None:
                return None
            return _TP(_ymd(y, part["start"]), _ymd(y, part["end"]), y, None)
        if m is None:
            return _TP(date(y, 1, 1), date(y, 12, 31), y, None)
        if d is not None:
            day = date(y, m, d)
            return _TP(day, day, y, m)
        if g["msuf"]:
            key = g["msuf"] if g["msuf"].endswith("旬") else "月" + g["msuf"]
            part = _MONTH_PARTS[key]
            end = _last(y, m) if part["end"] == "end" else int(part["end"])
            return _TP(date(y, m, int(part["start"])), date(y, m, end), y, m)
        return _TP(date(y, m, 1), date(y, m, _last(y, m)), y, m)
    except (ValueError, KeyError):
        return None


def _part_of_year(word: str, y: Optional[int]) -> Optional[tuple[Optional[date], Optional[date]]]:
    part = _YEAR_PARTS.get(_year_key(word))
    if part is None:
        return None
    if y is None:
        return None, None
    try:
        return _ymd(y, part["start"]), _ymd(y, part["end"])
    except ValueError:                       # 冬季 of the year 9999
        return None, None


def _span_of_duration(n: Optional[float], unit: str) -> Optional[int]:
    """A duration in months (None when not a calendar unit)."""
    if n is None:
        return None
    if unit in ("年",):
        return int(round(n * 12))
    if unit in ("个月",):
        return int(round(n))
    return None


def _count(s: str) -> Optional[float]:
    return 0.5 if s == "半" else _num(s)


# --- candidates ---------------------------------------------------------------------------------


_YEARLESS = (0, "日")           # the back mark of a date without its year (1 once read with a year before it)
_HEADING_MAX = 40                # a paragraph this short is a heading (（一）经济运行顶住压力、稳中有进。)
_YEAR_PART = (0, "部")          # 一季度, 上半年 without a year: read in the year its paragraph tells of


class _Cand(NamedTuple):
    start: int
    end: int
    prio: int
    kind: str
    first: Optional[date]
    last: Optional[date]
    recurrence: Optional[str]
    back: Optional[tuple[int, str]] = None      # (months, 间|中|来…) for 5年间-style durations


_NAMED_BY_CENTURY = re.compile(rf"(?![的以之前后头里上下])[{CJK}]")
# a sentence whose subject is a time already (2025年是…, 这五年是…, 过去一年是…): what it is said to be is no new time
_TIME_SUBJECT = re.compile(r"(?:(?:19|20)\d\d年|[今去明]年|这[一二两三四五六七八九十\d]*年|过去的?[一二两三四五六七八九十\d]+年)"
                           r"[^，,。；;]{0,6}?是")
# 在“十四五”开局之年 (where something happened): the first or last year of the period it names
_PLAN_YEAR = re.compile(r"(?:时期)?的?(?P<w>开局|起步|收官)之?年")
# the kinds of a length of time with no dates, each looked for only where its key word occurs ("" = anywhere)
_UNDATED_LENGTHS = (("ahead", "提前"), ("count_list", ""), ("year_count", "年度"))


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding pos starts (after the last 。；！？ or line break before it)."""
    return max(text.rfind(ch, 0, pos) for ch in "。；！？\n") + 1


_BY_UNIT_PERIOD = {"年度": "年", "月度": "月", "半年度": "半年"}     # 按年度划转: every year (按季度: every 季度)
_CENTURY_PARTS = {None: (1, 100), "初": (1, 10), "末": (91, 100), "中叶": (41, 60), "中期": (41, 60)}
_DECADE_PARTS = {None: (0, 9), "初": (0, 3), "中期": (4, 6), "末": (7, 9)}


def _century(m: re.Match, doc_year: Optional[int]) -> tuple:
    """The years a century or decade names: 二十一世纪 -> 2001..2100; 本世纪 read in the document's year
    (1997: 1901..2000), 下个世纪 the next; 世纪末 its last ten years, 世纪初 its first ten, 中叶 its middle;
    上世纪九十年代 -> 1990..1999; a bare 八十年代 in the document's century unless that lies more than
    twenty years ahead of it."""
    groups = m.groupdict()
    if groups.get("n"):
        n = _num(m["n"])
    elif doc_year is None:
        return ()
    elif groups.get("rel"):
        n = (doc_year - 1) // 100 + 1 + {"本": 0, "上": -1, "下": 1}[m["rel"][0]]
    else:
        n = None
    if not m["dec"]:
        first, last = _CENTURY_PARTS[m["part"]]
        return date((n - 1) * 100 + first, 1, 1), date((n - 1) * 100 + last, 12, 31)
    decade = _num(m["dec"])
    if n is None:                                       # 九十年代 in 1982 or 2015: the 1990s; 五十年代 in 2020: the 1950s
        start = doc_year // 100 * 100 + decade
        start -= 100 if start > doc_year + 20 else 0
    else:                                               # 二十世纪九十年代 = 1990s (not 1890s)
        start = (n - 1) * 100 + decade
    first, last = _DECADE_PARTS[m["part"] if m["part"] in _DECADE_PARTS else None]
    return date(start + first, 1, 1), date(start + last, 12, 31)


def _candidates(text: str, doc_date: Optional[date], ref_year: Optional[int] = None):
    doc_year = ref_year or (doc_date.year if doc_date else None)
    n_text = len(text)
    out: list[_Cand] = []

    def add(name, s, e, kind, first=None, last=None, rec=None, back=None):
        if first is None or last is None:      # both or neither (a date out of range)
            first = last = None
        if e > s:
            out.append(_Cand(s, e, _PRIO[name], kind, first, last, rec, back))

    def point(m):
        """A date match: itself, and the interval / since-interval it starts."""
        a = _time_point(m.group(), doc_date, ref_year=ref_year)
        if a is None:                   # 2023年2月30日: not a day, but still the year
            y = _YEAR_ONLY.match(text, m.start()) if m.re is _RE["dated"] else None
            if y and y.end() < m.end():
                a = _time_point(y.group(), doc_date, ref_year=ref_year)
                if a is not None:
                    add("dated", y.start(), y.end(), "date", a.start, a.end)
            return
        yearless = _YEARLESS if m.re is _RE["bare_month"] else None    # 8月11日: read in the narrative's year
        add("dated" if m.re is _RE["dated"] else "bare_month", m.start(), m.end(), "date", a.start, a.end,
            back=yearless)
        t = _INTERVAL_TAIL.match(text, m.end())
        if t:
            b = _time_point(t["b"], doc_date, a.year, a.month, ref_year)
            if b is not None and not (a.start and b.end and a.start > b.end):
                ok = bool(a.start and b.end)
                add("interval", m.start(), t.end(), "interval", a.start if ok else None, b.end if ok else None,
                    back=yearless)
        t = _SINCE_TAIL.match(text, m.end())
        if t:
            ok = bool(a.start and doc_date and a.start <= doc_date)
            add("since", m.start(), t.end(), "interval", a.start if ok else None, doc_date if ok else None)

    for m in _RE["dated"].finditer(text):
        if not _NUMBERED_AFTER.match(text, m.end()):
            point(m)                      # (国务院一九八〇年223号文件, 2019年第5号公告: a document's number)
    for m in _RE["bare_month"].finditer(text):
        point(m)
    for m in _RE["yrange"].finditer(text):
        y1, y2, u = int(m["y1"]), int(m["y2"]), (m["u"] or "").strip()
        if y2 < y1 or (not u and not (y1 < y2 <= y1 + 30)):
            continue
        if u.startswith("学年"):
            first, last = date(y1, 9, 1), date(y2 if y2 > y1 else y1 + 1, 8, 31)
        else:
            first, last = date(y1, 1, 1), date(y2, 12, 31)
        add("yrange", m.start(), m.end(), "interval", first, last)
    for m in _RE["mrange"].finditer(text):
        left = _MRANGE_LEFT.search(text, max(0, m.start() - 6), m.start())
        right = _MRANGE_RIGHT.match(text, m.end()) if left else None
        if not right:
            continue
        y, s = doc_year, left.start()
        head = _MRANGE_HEAD.search(text, max(0, s - 8), s)
        if head:
            tp = _time_point(head.group(), doc_date, ref_year=ref_year)
            if tp is None:
                continue
            y, s = tp.year, head.start()
        m1, m2 = _num(left["m1"]), _num(right["m2"])
        if m1 is None or m2 is None or not (1 <= m1 <= m2 <= 12):
            continue
        if y is None:
            add("mrange", s, right.end(), "interval")
        else:
            add("mrange", s, right.end(), "interval", date(y, m1, 1), date(y, m2, _last(y, m2)),
                back=None if head else _YEARLESS)
    for m in _RE["bare_part"].finditer(text):
        s, w = m.start(), m.group()
        prev = text[s - 1] if s else ""
        if w[0] == "年":                 # not 青年中, 学年初, 三年底
            if prev and (prev.isdecimal() or prev in _CN_DIGIT or prev == "十" or prev + "年" in _NONYEAR):
                continue
        elif prev and (prev.isdecimal() or prev in _CN_DIGIT or prev in "十年每第前"):
            continue
        r = _part_of_year(w, doc_year)
        if r is not None:
            add("bare_part", s, m.end(), "date", *r, back=_YEAR_PART)
    for m in _RE["iso"].finditer(text):
        try:
            d = date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            continue
        add("iso", m.start(), m.end(), "date", d, d)

    def named(s, e, name):
        series = "pufa" if text.startswith("普法", e) and (name, "pufa") in _PERIODS else "plan"
        years = _PERIODS.get((name, series))
        end_word = re.match(r"期?末", text[e:e + 2])
        year_word = _PLAN_YEAR.match(text, e) if text[max(0, s - 1):s] == "在" else None
        if years and end_word:                            # “十三五”末: the period's last year
            add("named", s, e + end_word.end(), "named_period", date(years[1], 1, 1), date(years[1], 12, 31))
        elif years and year_word:                         # 在“十四五”开局之年: that one year
            y = years[0] if year_word["w"] in ("开局", "起步") else years[1]
            add("named", s, year_word.end(), "named_period", date(y, 1, 1), date(y, 12, 31))
        elif years:
            add("named", s, e, "named_period", date(years[0], 1, 1), date(years[1], 12, 31))

    for m in _RE["named_q"].finditer(text):
        if _QUOTES.get(m["q"]) == m["q2"]:
            named(m.start(), m.end(), m["name"])
    for m in _RE["named_u"].finditer(text):
        s, e, name = m.start(), m.end(), m["name"]
        if s and text[s - 1] in _NAMED_BEFORE_BAD:
            continue
        if len(name) >= 3:
            if e < n_text and text[e] in "年万亿个%倍":
                continue
        elif text[e:e + 1] in "”\"" and text.startswith(("规划", "计划", "时期", "期间", "末"), e + 1):
            e += 1                         # 六五”时期: an OCR'd text lost the opening quote
        elif not text.startswith(("规划", "计划", "时期", "期间", "普法", "末"), e):
            continue
        named(s, e, name)
    for m in _RE["named_ord"].finditer(text):
        n = _num(m["n"])
        years = next((ys for (nm, series), ys in _PERIODS.items() if series == "plan" and _num(nm[:-1]) == n), None)
        if m.start() and text[m.start() - 1] == "的" and n == 1:
            # “十四五”时期是…新征程的第一个五年, “十五”计划是进入新世纪的第一个五年计划: the plan period its
            # sentence names (else, before 计划/规划, the plan of that number: 发展国民经济的第一个五年计划)
            plan = years and text.startswith(("规划", "计划"), m.end())
            named_before = _RE["named_u"].search(text, _sentence_start(text, m.start()), m.start())
            if not named_before and not plan:
                continue              # 向第二个百年奋斗目标奋进的第一个五年, its sentence naming no plan: no period
            add("named", m.start(), m.end(), "named_period", date(years[0], 1, 1) if plan else None,
                date(years[1], 12, 31) if plan else None, back=(60, "的"))
            continue
        if years:
            add("named", m.start(), m.end(), "named_period", date(years[0], 1, 1), date(years[1], 12, 31))
    for m in _RE["every"].finditer(text):
        e = m.end()
        u = m["u"]
        ext = None
        if u in ("年", "年度") and not m["n"]:
            ext = _YEXT.match(text, e)
        elif u in ("月", "个月") and not m["n"]:
            ext = _MEXT.match(text, e)
        if ext:               # 每年2月底和8月底, 每年4月1日至6月20日: one recurrence with its second day
            e = ext.end()
            more = _COORD_DAY.match(text, e) if "月" in ext.group() or u in ("月", "个月") else None
            e = more.end() if more else e
        add("every", m.start(), e, "recurrence", rec=m.group())
    for m in _RE["cycle"].finditer(text):
        u = m["u"]
        add("cycle", m.start(), m.end(), "recurrence", rec="每" + ("月" if u == "个月" else u))
    for m in _RE["by_unit"].finditer(text):
        add("cycle", m.start(), m.end(), "recurrence", rec="每" + _BY_UNIT_PERIOD.get(m["u"], m["u"]))
    for m in _RE["festival"].finditer(text):
        s = m.start()
        head = _FEST_HEAD.search(text, max(0, s - 8), s)
        add("festival", head.start() if head else s, m.end(), "recurrence", rec=_FESTIVALS.get(m.group(), "每年"))
    for m in _RE["fest_day"].finditer(text):
        add("festival", m.start(), m.end(), "recurrence", rec="每年")
    for m in _RE["event_day"].finditer(text) if "事" in text or "灾" in text or "案" in text else ():
        days = _event_day(int(m["a"]), int(m["b"]), doc_date)
        if days is not None:
            add("event_day", m.start(), m.end(), "date", *days)
    for m in _RE["count"].finditer(text):
        _count_candidate(text, m, doc_date, add)
    for m in _RE["count_range"].finditer(text):
        n1, n2 = _num(m["n1"]), _num(m["n2"])
        if m["u1"] and m["u1"] != m["u"].rstrip():
            continue
        if _SCHOOL_YEARS.match(text, m.end()):
            continue                       # 普及五～六年小学教育: years of schooling
        if n1 is not None and n2 is not None and 0 < n1 < n2 <= 100:
            s, e = m.start(), m.end()
            tail = _COUNT_TAIL.match(text, e)
            span = None
            if tail and tail.lastgroup == "time":          # 利用3-5年时间: the whole phrase, as 用三年时间,
                e = tail.end()                             # from the document's date to the longer term
                head = _COUNT_HEAD.search(text, max(0, s - 2), s)
                s = head.start() if head and head.lastgroup == "use" else s
                months = _span_of_duration(n2, m["u"].strip())
                span = (doc_date, _forward_end(doc_date, months)) if doc_date is not None and months else None
            add("count_range", s, e, "duration", *(span or ()))
    if doc_year is not None:
        for m in _RE["goal_year"].finditer(text):
            add("goal_year", m.start(), m.end(), "date", date(doc_year, 1, 1), date(doc_year, 12, 31))
    for m in _RE["year_word"].finditer(text):
        if m.start() and text[m.start() - 1] in "可均都":
            continue                       # 可全年申办: all year round
        add("year_word", m.start(), m.end(), "date", back=(12, "年"))
    rules = None                           # whether the text is a regulation's articles (asked lazily)
    for m in _RE["rel_year"].finditer(text):
        if m.start() and text[m.start() - 1] in "以向":
            continue                       # 三年以上年度…: not 上年度
        y = doc_date.year + _REL_YEARS[m.group()] if doc_date else None
        a = _sentence_start(text, m.start())   # its sentence has a recurrence?
        b = _SENTENCE_START.search(text, m.end())
        if _RE["every"].search(text, a, b.start() if b else n_text):
            continue                       # 每年3月31日前报送上一年度情况: any year's
        if rules is None:
            rules = len(_ARTICLE_LINE.findall(text)) >= 3
        if rules:                          # 按照本市上一年度职工月平均工资 in a regulation: the year before
            continue                       # the case it is applied to, no time the text names (golds: none)
        add("rel_year", m.start(), m.end(), "date", *((date(y, 1, 1), date(y, 12, 31)) if y else ()))
    for m in _RE["century"].finditer(text) if "世纪" in text else ():
        if not (m["dec"] or m["part"]) and _NAMED_BY_CENTURY.match(text, m.end()):
            continue                       # 21世纪海上丝绸之路, 面向21世纪教育振兴行动计划: part of a name
        add("century", m.start(), m.end(), "named_period", *_century(m, doc_year))
    for name, word in _UNDATED_LENGTHS:      # 提前十五日, 1年、2年或3年, 一个纳税年度: lengths with no dates
        for m in _RE[name].finditer(text) if word in text else ():
            add(name, m.start(), m.end(), "duration")
    for m in _RE["decade"].finditer(text) if "年代" in text else ():
        add("decade", m.start(), m.end(), "named_period", *_century(m, doc_year))
    issued = printed_issue_date(text) or doc_date     # 印发之日: the day the document was printed, if it says
    for m in _RE["issue_day"].finditer(text):
        if not _ISSUE_HEAD.search(text, max(0, m.start() - 8), m.start()):
            continue                       # 自批准公布之日起: another act's date, not the document's
        add("issue_day", m.start(), m.end(), "date", issued, issued)
        t = _AFTER_ISSUE.match(text, m.end())
        if t:
            n, u = _num(t["n"]), t["u"]
            end = None
            if issued is not None and n:
                end = (_add_days(issued, n) if u in ("日", "天") else
                       _add_months(issued, n * (12 if u == "年" else 1)) if u in ("年", "个月") else None)
            add("use", t.start() + 1, t.end(), "duration", issued if end else None, end)
    if issued is not None:
        for m in _RE["issue_month"].finditer(text):
            first = issued.replace(day=1)
            add("issue_day", m.start("act"), m.end(), "date", first, _add_months(first, 1) - timedelta(days=1))
    for m in _RE["valid"].finditer(text):
        n = _num(m["n"])
        months = n * (12 if m["u"] == "年" else 1) if n else None
        start = _effective_date(text, m.start(), issued)
        if start is None and _OWN_SUBJECT.search(text, max(0, m.start() - 8), m.start()):
            start = _last_start_day(text, m.start(), doc_date)
        add("valid", m.start(), m.end(), "duration", start, _add_months(start, months) if start and months else None)
    return out


def own_act_deadline(text: str, doc_date: Optional[date]) -> Optional[str]:
    """The day a time limit counted from the document's own issue or effect ends (于本文印发后3个月内出台…
    → three months after the document's date), or None: a limit counted from an event (自收到申请之日起
    20日内) has no day of its own."""
    for m in _OWN_EVENT_IN.finditer(text):
        for t in extract_time_expressions(text[m.start():], doc_date):
            if t.kind == "duration" and t.end and t.span[0] <= m.end() - m.start() + 2:
                return t.end
    return None


_PRINTED = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日\s*印发\s*$", re.M)


def printed_issue_date(text: str) -> Optional[date]:
    """The day the document's colophon says it was printed (广州市人民政府办公厅秘书处 2021年12月6日印发),
    which is the day of its 印发之日; None without such a line."""
    found = None
    for found in _PRINTED.finditer(text):
        pass
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def _own_effective_date(text: str, doc_date: Optional[date]) -> Optional[date]:
    """The date the text says it takes effect (本条例自2021年12月15日起施行), or None."""
    m = _OWN_EFFECTIVE.search(text)
    return _when_date(m["when"], doc_date) if m else None


def _when_date(when: str, doc_date: Optional[date]) -> Optional[date]:
    """The day a 自…起施行 names: 2023年9月8日, or 印发之日 (the document's date); None for a period."""
    if _RE["issue_day"].search(when + "起"):
        return doc_date
    tp = _time_point(when, doc_date)
    return tp.start if tp is not None and tp.start == tp.end else None


def _last_start_day(text: str, at: int, doc_date: Optional[date]) -> Optional[date]:
    """The day a text's own 有效期 (本通知有效期1年, its own sentence) runs from: the last 自/从…起 day
    in the 400 characters before it (…标准自2025年6月1日起按新标准计算执行。本通知有效期1年), else the
    document's date (a text takes effect when issued)."""
    day = None
    for d in _FROM_DAY.finditer(text, max(0, at - 400), at):
        tp = _time_point(d["when"], doc_date)
        if tp is not None and tp.start is not None and tp.start == tp.end:
            day = tp.start
    return day or doc_date


def _effective_date(text: str, at: int, doc_date: Optional[date]) -> Optional[date]:
    """The date the sentence ending at ``at`` says the text takes effect (自2023年9月8日起施行 ->
    2023-09-08, 自印发之日起实施 -> the document's date), or None."""
    ss = 0
    for ss_m in _SENTENCE_START.finditer(text, max(0, at - 80), at):
        ss = ss_m.end()
    eff = None
    for eff in _EFFECTIVE.finditer(text, max(ss, at - 80), at):
        pass
    return _when_date(eff["when"], doc_date) if eff else None


def _count_candidate(text: str, m, doc_date: Optional[date], add) -> None:
    """A count of time units (三年, 6个月, 两个学期) in one of the duration / recurrence frames."""
    n_s, u = m["n"], m["u"]
    n = _count(n_s)
    if n is None or n <= 0 or (n_s == "半" and u != "年"):
        return
    s, e = m.start(), m.end()
    head = _COUNT_HEAD.search(text, max(0, s - 3), s)
    tail = _COUNT_TAIL.match(text, e)
    hk = head.lastgroup if head else None
    tk = tail.lastgroup if tail else None
    months = _span_of_duration(n, u)
    added = []                              # what the frames below report (none: a bare count)
    report = add

    def add(*a, **k):
        added.append(a[0])
        report(*a, **k)

    def forward(name, start, end):
        if doc_date is not None and months:
            add(name, start, end, "duration", doc_date, _forward_end(doc_date, months))
        elif doc_date is not None and u in ("周", "天"):
            add(name, start, end, "duration", doc_date, _add_days(doc_date, int(n * (7 if u == "周" else 1))))
        else:
            add(name, start, end, "duration")

    if hk == "cont":
        add("cont", head.start(), e, "duration")
    if hk == "past" and u in ("年", "个月"):
        end = tail.end() if tk in ("within", "back") and tail.group() in ("之内", "以内", "内", "以来", "来") else e
        if _LOOK_BACK_CONDITION.match(text, end) or _RECORD_AFTER.match(text, end) and not head.group().startswith("近"):
            add("past", head.start(), end, "duration")     # 近5年内未受过…: each applicant's look back
        elif head.group().startswith(("过去", "近")) and u == "年" and n == int(n):
            # 过去五年 in a 2021 plan (2016…2020), 过去一年 in a report (the year before), 近五年 (gold F:
            # a 2026 report's 近五年 is 2021…2025): whole years before the document's year, or a plan
            # period of that length named before it
            back = (months or 0, "过去")
            if doc_date is not None and doc_date.year - int(n) >= 1:
                add("past", head.start(), end, "duration", date(doc_date.year - int(n), 1, 1),
                    date(doc_date.year - 1, 12, 31), back=back)
            else:
                add("past", head.start(), end, "duration", back=back)
        elif doc_date is not None and months:
            add("past", head.start(), end, "duration", _add_months(doc_date, -months), doc_date)
        else:
            add("past", head.start(), end, "duration")
    if hk == "future" and u in ("年", "个月"):
        if doc_date is not None and months:
            add("future", head.start(), e, "duration", doc_date, _forward_end(doc_date, months),
                back=(months, "未来") if u == "年" else None)
        else:
            forward("future", head.start(), e)
    if hk == "this" and u == "年" and n == int(n):      # 这五年 / 这一年 (in a report: the year it reviews)
        add("this", head.start(), e, "duration", back=(months or 0, "这"))
    if hk == "full" and u in ("年", "个月"):
        add("full", s, e, "duration")
    if tk == "time" and u in ("个月", "个学期", "学期", "年", "周", "天"):
        forward("use", head.start() if hk == "use" else s, tail.end())
    if tk == "within" and u in ("个月", "年"):
        own = _OWN_EVENT.search(text, max(0, s - 14), s)
        if own:           # 自本条例施行之日起二年内, 于本文印发后3个月内: from the document's own date
            start = doc_date if own["act"] in ("印发", "发布", "公布") else _own_effective_date(text, doc_date)
            if start is not None and months:
                add("within", s, tail.end(), "duration", start, _add_months(start, months))
            else:
                add("within", s, tail.end(), "duration")
        elif _EVENT_BEFORE.search(text, max(0, s - 3), s):
            add("within", s, tail.end(), "duration")     # 自收到申请之日起一年内: counted from an event
        elif (_GOAL_BEFORE.search(text, max(0, s - 3), s)
              or (_CLAUSE_OPEN.search(text, max(0, s - 3), s) and _GOAL_AFTER.match(text, tail.end()))
              or (s == 0 and tail.end() == len(text))):   # or the phrase alone: a deadline a caller picked
            forward("within", s, tail.end())
        elif u == "年" and n == int(n) and _CLAUSE_OPEN.search(text, max(0, s - 3), s) \
                and not _RULE_AFTER.match(text, tail.end()):
            # 五年内，新增… in a plan: the plan period of that length running at the document's date
            add("within", s, tail.end(), "duration", back=(months or 0, "内"))
        else:
            add("within", s, tail.end(), "duration")
    if tk == "back" and u in ("个月", "年") and hk != "past":
        if _RECORD_AFTER.match(text, tail.end()) or _SINCE_EVENT.search(text, max(0, s - 2), s):
            add("back", s, tail.end(), "duration")
        else:
            add("back", s, tail.end(), "duration", back=(months or 0, tail.group()))
    if tk == "once" and u in ("个月", "学年", "学期", "年", "周"):
        add("once", s, tail.end(), "recurrence", rec="每" + ("" if n == 1 else n_s) + u)
    if tk == "plan" and u == "年" and hk != "ord":
        add("plan", s, tail.end(), "duration")
    if not added and u in ("年", "个月") and n <= 100 and not _digit_by_digit(n_s) \
            and not (s and text[s - 1].isascii() and text[s - 1].isalpha()) \
            and not _BARE_BEFORE_BAD.search(text, max(0, s - 6), s) \
            and not _LIMIT_BEFORE.search(text, max(0, s - 6), s) \
            and not _BARE_AFTER_BAD.match(text, e) and not _SCHOOL_YEARS.match(text, e):
        to = _RUNS_TO.match(text, e) if u == "年" and n == int(n) else None
        if _TIMES_PER.match(text, e):
            add("bare", s, e, "recurrence", rec="每" + ("" if n == 1 else n_s) + u)
        elif to:                                # 再奋斗五年，到2035年: 2031…2035
            y = int(to["y"])
            add("bare", s, e, "duration", date(y - int(n) + 1, 1, 1), date(y, 12, 31))
        elif u == "年" and n == int(n) and s and (text[s - 1] == "的" or (
                _OF_MODIFIED.search(text, max(0, s - 3), s) and text[e:e + 1] in _CLAUSE_END)):
            # “十四五”时期是…的五年, “十五五”时期是…的关键五年，: the period its sentence names; but
            # 2025年是…的一年 and 这五年是…的五年 restate a time their subject has named already
            if not _TIME_SUBJECT.match(text[_sentence_start(text, s):s].lstrip()):
                add("bare", s, e, "duration", back=(months or 0, "的"))
        elif u == "年" and n == int(n) and not _PART_OF_SPAN.search(text, max(0, s - 3), s):
            # 这五年，…。…、五年增量超1.36万亿元: the period of that length its paragraph named before
            add("bare", s, e, "duration", back=(months or 0, "段"))
        else:
            add("bare", s, e, "duration")


def _digit_by_digit(n_s: str) -> bool:
    """五七, 九五二: Chinese digits read one by one (the tail of a year broken by a space or OCR,
    一九 五七年), not a count; 一两, 三四 (about that many) and 十五 are counts."""
    if len(n_s) < 2 or n_s[0] not in _CN_NUM or "十" in n_s:
        return False
    if len(n_s) == 2:
        a, b = _num(n_s[0].replace("两", "二")), _num(n_s[1].replace("两", "二"))
        return a is None or b is None or b - a != 1
    return True


class _Chrome:
    """Where a text's page chrome holds dates that are not time expressions: values of page
    metadata labels (发布日期: 2017年02月20日, 成文日期 | 2022-08-25, a label line and its value
    line) and copyright lines.  Built with one scan per kind, then asked per candidate."""

    def __init__(self, text: str):
        self.text = text
        self.value_starts: set[int] = set()
        self.own_line_starts: set[int] = set()
        for m in _LABEL_SCAN.finditer(text):
            a = m.start()
            while a > 0 and text[a - 1] in "*_":
                a -= 1
            if a > 0 and text[a - 1] not in _LABEL_LEFT:
                continue
            t = _LABEL_TAIL.match(text, m.end()).end()
            if t < len(text) and text[t] not in "\r\n":
                self.value_starts.add(t)
                continue
            ls = text.rfind("\n", 0, a) + 1
            if text[ls:a].strip(" \t\u3000*_#>-"):
                continue                             # the label is not its line's only word
            nxt = _NEXT_LINE.match(text, t)
            if nxt:
                self.own_line_starts.add(nxt.end())
        self.marked: list[tuple[int, int]] = []
        if _LINE_MARK_RE is not None:
            for m in _LINE_MARK_RE.finditer(text):
                ls = text.rfind("\n", 0, m.start()) + 1
                le = text.find("\n", m.end())
                le = le if le >= 0 else len(text)
                if le - ls < 300 and (not self.marked or self.marked[-1] != (ls, le)):
                    self.marked.append((ls, le))
        self.marked_starts = [r[0] for r in self.marked]

    def holds(self, s: int, e: int) -> bool:
        if s in self.value_starts:
            return True
        if s in self.own_line_starts:
            le = self.text.find("\n", e)
            if not self.text[e:le if le >= 0 else len(self.text)].strip():
                return True
        if self.marked:
            i = bisect_right(self.marked_starts, s) - 1
            if i >= 0 and self.marked[i][1] >= e:
                return True
        return False


def _months_of(first: date, last: date) -> Optional[int]:
    """The length of a period in whole months, when it runs from a 1st to a month's last day."""
    if first.day != 1 or last.day != _last(last.year, last.month):
        return None
    return (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1


def _fits(word: str, p: "_Cand", doc_date: Optional[date]) -> bool:
    """Whether a preceding plan period can be the one a 过去/未来 N年 names: 过去五年 one that has
    ended by the document's date (the 十三五 a 2021 plan reviews), 未来五年 (and a plan's 五年内) one
    not over by then."""
    if doc_date is None:
        return word not in ("过去", "未来", "内", "来", "以来")
    if word in ("过去", "这"):
        return p.last < doc_date
    if word in ("来", "以来"):      # 五年来 in a 2026 report: the 十四五 just over, not the 十三五 it compares with
        return p.last < doc_date and p.last.year >= doc_date.year - 1
    if word in ("未来", "内"):
        return p.last >= doc_date and p.first.year <= doc_date.year + 1
    return True


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest first, then by pattern priority; keep those that overlap nothing kept."""
    starts: list[int] = []
    ends: dict[int, int] = {}
    kept: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.prio, c.start)):
        i = bisect_right(starts, c.start)
        if i > 0 and ends[starts[i - 1]] > c.start:
            continue
        if i < len(starts) and starts[i] < c.end:
            continue
        insort(starts, c.start)
        ends[c.start] = c.end
        kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept


def extract_time_expressions(text: str, doc_date: date | None = None,
                             ref_year: int | None = None) -> list[TimeExpression]:
    """Every time expression in text, in order, non-overlapping, with span (start,end) offsets into text.

    A date without its year (``1月1日``, ``上半年``, ``3月至5月``) is read in ``ref_year`` when given
    (the year the document is about, see ``reference_year``), else in the year of ``doc_date``;
    durations and 今年/明年 stay anchored to ``doc_date``."""
    if not text:
        return []
    original = text
    if _FULL_WIDTH_DIGIT.search(text):          # one character for one: spans stay valid
        text = text.translate(_FOLD_DIGITS)
    cands = _candidates(text, doc_date, ref_year)
    if not cands:
        return []
    if _VAGUE_RE is not None:
        vague = [(m.start(), m.end()) for m in _VAGUE_RE.finditer(text)]
        if vague:
            vs = [v[0] for v in vague]

            def clear(c: _Cand) -> bool:
                i = bisect_left(vs, c.end)          # vague words starting before c ends
                return not (i > 0 and vague[i - 1][1] > c.start)
            cands = [c for c in cands if clear(c)]
    # a metadata value wins over its own parts in selection, then goes
    chrome = _Chrome(text)
    kept = [c for c in _select(cands) if not chrome.holds(c.start, c.end)]
    result: list[TimeExpression] = []
    for i, c in enumerate(kept):
        first, last = c.first, c.last
        if c.back in (_YEARLESS, _YEAR_PART) and first is not None:
            # 8月11日 in a narrative of 2003 / 一季度 in a report's review of 2025: moved to that year
            y = _narrative_year(text, kept, i, doc_date) if c.back == _YEARLESS else _year_anchor(text, kept, i, doc_date)
            moved = _in_year(first, last, y)
            if moved is not None:
                first, last = moved
                kept[i] = c._replace(first=first, last=last, back=(1, "日") if c.back == _YEARLESS else c.back)
        elif c.back is not None and c.back[1] == "年":
            anchor = _year_anchor(text, kept, i, doc_date)
            if anchor is None and c.end - c.start == 2:
                continue                 # 全年无休: any year
            if anchor is not None:
                first, last = date(anchor, 1, 1), date(anchor, 12, 31)
                kept[i] = c._replace(first=first, last=last)
        elif c.back is not None:
            months, word = c.back
            fits = []
            for p in reversed(kept[max(0, i - 40):i]):
                if c.start - p.end > 5000:
                    break
                if word == "的" and _SENTENCE_START.search(text, p.end, c.start):
                    break              # “十四五”时期是…的五年 restates a period of its own sentence
                if word == "段":
                    if "\n" in text[p.end:c.start]:
                        break          # a bare 五年 restates a period of its own paragraph
                    if p.kind == "duration" and original[c.start:c.end] in original[p.start:p.end]:
                        if p.first and p.last:
                            fits.append(p)
                        break          # 五年内，…，五年安排…: the same span as the nearest 五年 before
                    if _COMPARED.search(text, max(0, p.start - 2), p.start):
                        continue
                if (p.kind in ("named_period", "interval") or word in ("的", "段") or (word == "这" and months == 12)) \
                        and p.first and p.last \
                        and months and _months_of(p.first, p.last) == months and _fits(word, p, doc_date):
                    fits.append(p)
            if fits:
                # the nearest; 这五年/过去五年 in a report: the latest period over by its date
                p = max(fits, key=lambda p: p.last) if word in ("这", "过去", "来", "以来") and doc_date else fits[0]
                first, last = p.first, p.last
            else:
                if word in ("来", "以来") and doc_date is not None and months:
                    if months % 12 == 0 and doc_date.year - months // 12 >= 1 and doc_date.month <= 3:
                        # 五年来/一年来 in a report of January 2026: the whole years before it (2021…2025),
                        # as 过去五年; later in the year (a report of October 2022), up to its date
                        first, last = date(doc_date.year - months // 12, 1, 1), date(doc_date.year - 1, 12, 31)
                    else:
                        first, last = _add_months(doc_date, -months), doc_date
                        if first is None:
                            last = None
            kept[i] = c._replace(first=first, last=last)   # …时期是…的关键五年: the second reads the first
        result.append(TimeExpression(
            text=original[c.start:c.end], span=(c.start, c.end), kind=c.kind,
            start=_iso(first), end=_iso(last), recurrence=c.recurrence))
    return result


def _in_year(first: date, last: Optional[date], year: Optional[int]) -> Optional[tuple[date, Optional[date]]]:
    """first and last moved by the years from first's year to year (None when year is none, already
    first's, or a day does not exist there: 2月29日)."""
    if year is None or year == first.year:
        return None
    moved = _shift_year(first, year - first.year), _shift_year(last, year - first.year)
    return moved if None not in moved else None


def _shift_year(d: date, years: int) -> Optional[date]:
    try:
        return d.replace(year=d.year + years)
    except ValueError:                       # 2月29日 in a year without one
        return None


# a deadline the text sets: 应于六月底前, 在3月31日之前
SET_DEADLINE = re.compile(r"\s*(?:前|以前|之前)")


def _event_day(a: int, b: int, doc_date: Optional[date]) -> tuple:
    """The dates of a past event named “M·D” (its last occurrence on or before the document's date) or
    “YY·M” (20YY, that month); () when the document's date is unknown, None when no such day exists."""
    if a > 12:                                                        # “25·7”: July 2025
        if not 1 <= b <= 12 or doc_date and 2000 + a > doc_date.year:
            return None
        return date(2000 + a, b, 1), _add_months(date(2000 + a, b, 1), 1) - timedelta(days=1)
    try:
        date(2000, a, b)                                              # a leap year: 2·29 is a day
    except ValueError:
        return None
    if doc_date is None:
        return ()
    for y in (doc_date.year, doc_date.year - 1, doc_date.year - 2):
        try:
            if date(y, a, b) <= doc_date:
                return date(y, a, b), date(y, a, b)
        except ValueError:                                            # 2·29 outside a leap year
            continue
    return ()


def _narrative_year(text: str, kept: list[_Cand], i: int, doc_date: Optional[date] = None) -> Optional[int]:
    """The year a date without one (8月11日) is read in where its paragraph tells of another year:
    that of the nearest dated expression before it, at most 200 characters back in the same
    paragraph and not in brackets (2003年5月13日，…发生…事故。8月11日至18日 -> 2003), one year later
    when the month and day come before the anchor's (1995年7月12日…强震后，相隔仅半年多…2月3日 ->
    1996); a date read so anchors the next one.  None: the document's year stands, also for a
    deadline the text sets (应于六月底前) that the anchor would put before the document."""
    c = kept[i]
    ps = text.rfind("\n", 0, c.start)
    for p in reversed(kept[max(0, i - 12):i]):
        if p.start <= ps or c.start - p.end > 200:
            return None
        if p.first is None or p.kind not in ("date", "interval"):
            continue
        if p.back == _YEARLESS or (p.back is not None and p.back[1] != "日"):
            return None                      # a date read in the document's year, a 全年 …
        if text.count("（", ps + 1, p.start) > text.count("）", ps + 1, p.start) \
                or text.count("(", ps + 1, p.start) > text.count(")", ps + 1, p.start):
            return None                      # （2019年5月1日起施行）: a citation's date
        cf = kept[i].first
        year = p.first.year + (1 if (cf.month, cf.day) < (p.first.month, p.first.day) else 0)
        if doc_date and year < doc_date.year and text[c.start - 1:c.start] in ("于", "在") and SET_DEADLINE.match(text, c.end):
            return None                      # 一九八〇年…决定。…各地应于六月底前…: a deadline the notice sets, its own year
        return year
    return None


def _year_anchor(text: str, kept: list[_Cand], i: int, doc_date: Optional[date]) -> Optional[int]:
    """The year a 全年 / 开局之年 / 一季度 at kept[i] stands for: that of the nearest whole-year
    expression before it in its own or the previous paragraph (headings between do not count), if it
    is the document's year or the year before."""
    if doc_date is None:
        return None
    c = kept[i]
    pps = text.rfind("\n", 0, c.start)
    while pps > 0:                       # back over one paragraph, and the headings before it
        prev = text.rfind("\n", 0, pps)
        real = pps - prev > _HEADING_MAX
        pps = prev
        if real:
            break
    for p in reversed(kept[max(0, i - 20):i]):
        if p.start <= pps:
            break
        if p.prio == _PRIO["rel_year"]:
            continue                         # 上年度…全年实际发放: a rule's any year, not the text's
        if p.first and p.last and p.first.year == p.last.year and (p.first.month, p.first.day) == (1, 1) \
                and (p.last.month, p.last.day) == (12, 31) and doc_date.year - 1 <= p.first.year <= doc_date.year:
            return p.first.year
    return None


def period_end(expr_text: str, doc_date: date | None = None, ref_year: int | None = None) -> str | None:
    """ISO date a deadline phrase means (last day of its period): '2025年' -> '2025-12-31', '2021年底' -> '2021-12-31', '十四五' -> '2025-12-31', '2022年6月' -> '2022-06-30'.
    ``ref_year`` as in ``extract_time_expressions`` (the year a yearless '6月底' is in)."""
    for t in extract_time_expressions(expr_text or "", doc_date, ref_year):
        if t.end:
            return t.end
    return None


_TITLE_YEAR = re.compile(r"(?<![\d〔\[（(—\-－~～至到])((?:19|20)\d\d)\s*年(?!\s*[—\-－~～至到]\s*(?:19|20)?\d\d)")


def reference_year(title: str | None, text: str, doc_date: date | None) -> int | None:
    """The year a document is about when it is not the year it was signed: a notice signed in
    November 2025 ``关于2026年部分节假日安排的通知`` dates ``1月1日``, ``春节`` … in 2026.  The title
    names one year (not a range such as 2021—2025年), the text names it too, and it is the year
    before or after the signing year; otherwise None (the document's own year is meant)."""
    if not title or doc_date is None:
        return None
    years = {int(y) for y in _TITLE_YEAR.findall(title)}
    if len(years) != 1 or re.search(r"(?:19|20)\d\d\s*[—\-－~～至到]", title):
        return None
    year = years.pop()
    if abs(year - doc_date.year) != 1:
        return None
    body = text.replace(title, "")
    return year if f"{year}年" in body else None


def extract(doc) -> None:
    """The registry's extractor interface (extract/registry.py): fill ``doc.time_expressions``
    from ``doc.text``, reading relative expressions with ``metadata.signed_date`` (else
    ``published_date``)."""
    doc_date = None
    for value in (doc.metadata.signed_date, doc.metadata.published_date):
        try:
            doc_date = date.fromisoformat(value) if value else None
        except ValueError:
            doc_date = None
        if doc_date:
            break
    title = doc.metadata.notice_title or doc.metadata.title
    if doc_date is None:
        doc_date = plan_start(title)
    doc.time_expressions = extract_time_expressions(doc.text, doc_date,
                                                    reference_year(title, doc.text, doc_date))


def plan_start(title: str | None) -> date | None:
    """The day a plan without a date of its own is read as of: the first day of the period its
    title names (国民经济和社会发展第六个五年计划 -> 1981-01-01, …“九五”计划和二○一○年远景目标纲要 ->
    1996-01-01), so that its 五年内/今后五年 are that period; None for any other title.  Only the
    reading of relative expressions uses it, never the document's metadata."""
    if not title or not re.search(r"(?:计划|规划|纲要)$", title):
        return None
    for t in extract_time_expressions(title):
        if t.kind in ("named_period", "interval") and t.start and t.end and t.end[:4] > t.start[:4]:
            return date.fromisoformat(t.start)
    return None
