"""Clauses: sentences and list items, each with its kind, the cue that decided it, and actors.

Segmentation splits on 。！？； and line ends outside brackets (a ``（责任单位：…；…）`` stays
whole, and a labelled list closes the clause before it rather than standing alone); an article's
text starts right after its number (``第五条 市、区（县）人民政府应当…``).  A sentence is split
once more at a comma where a cue of another kind starts a new part (``要树立正确的政绩观，不得以
升学率评价教师``; also after manner adverbs, ``…，大力支持…``, and after a contrast, ``…，但…不得…``),
and closing formulas are parts of their own (``为…，制定本方案``; ``…负责解释，自印发之日起施行``).
The kind comes from the cue table ``lexicon/clause_cues.tsv`` (highest priority wins; words that
merely hold a cue are not cues, 可再生, 应装尽装; bare task verbs such as 落实/实行/贯彻实施/探索
count only where they open a part).  Sentences without a cue are ``goal`` when they set a future
state (``到2025年，…``, or stand in a goal section or a paragraph opened by such a deadline),
``fact`` when they report the past (a 十三五 review, ``…会议通过``, ``现将…印发给你们``), else
``other``; a purpose preamble and the guiding-ideology sentence (``以…为指导``) are ``other``.
Actors are the subject of the deciding cue, the objects of 鼓励/支持/请, 由X…, the partners of
X会同Y…, each member of an enumeration on its own (``银行、担保机构等金融机构`` → 银行 | 担保机构;
``市、区（县）人民政府`` stays one).  The statistical model (``models/clause_kind``) is consulted
for cue-less sentences only, when it is enabled; see ``classify`` for how the two are combined.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import table
from ..nlp import tagged
from ..model import Clause
from ..normalise import CJK
from ..structure.metadata import CN_DIGITS, is_org
from ..structure.sections import section_at, section_index

OPEN, CLOSE = "（(《“‘〔【[", "）)》”’〕】]"
TERMINATORS = "。！？；"
PAST_MARKERS = re.compile(r"已经|已(?!于)|累计|共有|现有|建成了|取得了|实现了|达到了|完成了|得到|显著|明显|(?<!巩固)(?<!扩大)(?<!拓展)(?<!放大)(?<!提升)(?<!治理)成效|先后|荣获|获评|被评为|被确立为|以来|期间.*(?:达|增|提高|完成)")
# (发展基础 as the heading's own subject: 发展基础 / “十三五”发展基础, not 夯实内需发展基础, a task)
REVIEW_HEADING = re.compile(r"(?:十[一二三四五]五|过去|以来).*(?:情况|回顾|成就|成效|基础|进展)|"
                            r"(?:^|[、\s）)”])(?:发展基础|发展现状)|工作回顾|主要成效|取得成效")


@lru_cache(maxsize=1024)
def in_review(heading_path: str) -> bool:
    """Whether a section path (headings joined by " / ") lies in a review of past work; a heading that
    also announces what comes (“十四五”时期发展成就和“十五五”时期主要目标任务) reviews nothing by itself."""
    return any((m := REVIEW_HEADING.search(h)) and not ANNOUNCES.match(h, m.end()) for h in heading_path.split(" / "))


# what a review heading goes on to announce (…发展成就和“十五五”时期主要目标任务)
ANNOUNCES = re.compile(r"[^，,。；;]{0,6}?(?:和|及|与|暨)[^，,。；;]{0,20}?(?:目标|任务|安排|重点工作|打算)")
YEAR_WRITTEN = r"(?:19|20)\d{2}|[一二][九〇○零][〇○零一二三四五六七八九]{2}"     # 2025, 一九五七
FUTURE_GOAL = re.compile(rf"^(?:到|至|力争到|预计到)(?:{YEAR_WRITTEN}|“?十[四五六]五”?)(?:年)?(?:底|末)?")


def _not_before_document(deadline: re.Match | None, doc_year: int | None) -> bool:
    """Whether a FUTURE_GOAL match names no year before the document's (到2025年, 到一九五七年, 到“十五五”末)."""
    if not deadline:
        return False
    y = re.search(YEAR_WRITTEN, deadline.group())
    return not (doc_year and y and int(y.group().translate(CN_DIGITS)) < doc_year)


@dataclass(frozen=True)
class Cue:
    word: str
    kind: str
    priority: int
    negated_by: str
    not_before: str
    not_in: re.Pattern | None = None     # words holding the cue that are not the cue (可再生, 应装尽装)
    opening: bool = False                # a bare task verb: a cue only where it opens a part (落实…, 实行…)
    counted: bool = False                # a verb of results: a cue only where it opens a part and counts
                                         # what it yields (完成旧住房修缮更新60万平方米)
    after_actor: bool = False            # a cue only right after an organisation (国务院办公厅将…: a commitment)
    purpose: bool = False                # after a comma that follows a duty, its aim: a part of its own (…应当处理，|防止污染水体)


# What may stand between a part's start and an opening cue: a manner adverb (审慎防范, 切实落实).
OPENING_PREFIX = re.compile(r"(?:^|[，,；;：:。（()）、．])\s*(?:(?:要|应|须|并|同时|还|也|进一步|着力|大力|全力|积极|切实|严格|认真|全面|有效|坚决|"
                            r"审慎|依法|加快|继续|持续|深入|稳妥|逐步|共同|统筹|主动|及时)\s*){0,2}$")


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    return tuple(Cue(r["cue"], r["kind"], int(r["priority"]), r.get("negated_by", ""), r.get("not_before", ""),
                     re.compile(r["not_in"]) if r.get("not_in") else None, r.get("where", "") in ("opening", "counted"),
                     r.get("where", "") == "counted", r.get("where", "") == "after_actor", r.get("where", "") == "purpose")
                 for r in table("clause_cues"))




# A quantity within the part a result verb opens: a figure with a measure word (60万平方米, 25台, 3个).
COUNT_AFTER = re.compile(r"[^，,。；;]{0,16}?\d+(?:\.\d+)?\s*(?:万|亿)?(?:平方公里|平方米|公里|千米|公顷|亩|个|台|套|户|家|项|座|所|处|条|"
                         r"间|张|辆|名|人|次|吨|千瓦|米)")


@lru_cache(maxsize=1)
def _cue_regex() -> re.Pattern:
    words = sorted({c.word for c in cues()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def _cue_by_word() -> dict[str, Cue]:
    return {c.word: c for c in cues()}


@lru_cache(maxsize=4096)
def find_cues(text: str) -> tuple[tuple[int, Cue], ...]:
    """Cue occurrences (offset, cue), skipping cues that are part of another word.  Cached: the
    segmenter, the classifier and the responsibility reader ask about the same parts."""
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
        if cue.not_in is not None and _inside_word(text, m.start(), m.end(), cue.not_in):
            continue
        if cue.opening and not _opens_part(text, m.start()) or cue.counted and not COUNT_AFTER.match(text, m.end()):
            continue
        if cue.after_actor and not (head_at_end(text, m.start())
                                    and actor_kind(text[max(0, m.start() - 30):m.start()]) == "org"):
            continue      # 市教育行政部门主管全市幼儿园工作: the body's duty; 主管部门 alone: none
        if cue.kind == "goal" and CONDITION_OPENS.match(text, max(text.rfind("，", 0, m.start()), text.rfind("；", 0, m.start()), -1) + 1):
            continue                       # 当项目…达到6050小时…，奖励结束: a condition, no goal
        if SLOGAN_LIST.match(text, m.end()):
            continue                       # 党委领导、政府负责、民主协商的…格局: a list of short phrases naming a noun
        if cue.kind in ("encouragement", "goal") and _in_copula_complement(text, m.start(), m.end()):
            continue                       # …是引导网上舆论、构建清朗网络空间的重要阵地: what a thing is, no act
        if _in_short_quote(text, m.start()) or _in_title(text, m.start()) or _in_named_quote(text, m.start()):
            continue                       # “建筑可阅读”, “政府牵头、部门联动”, 《关于加大激励支持力度的通知》: a name
        out.append((m.start(), cue))
    return tuple(out)


CONDITION_OPENS = re.compile(r"(?:当|如果|若|一旦)(?!前|年|期|地|然|今)")
SLOGAN_LIST = re.compile(r"(?:、[^、，,。；;的]{2,6})+的")


def _in_copula_complement(text: str, start: int, end: int) -> bool:
    """Whether a cue stands inside 是…的 (X是引导…的重要阵地, 是实现…的战略选择): it names the noun after 的."""
    k = max(text.rfind(ch, 0, start) for ch in "，,；;。")
    return bool(re.search(r"是[^，,；;。]{0,12}$", text[k + 1:start])) and \
        re.match(r"[^，,；;。]{1,30}的[^，,；;。]{1,12}(?:[，,；;。]|$)", text[end:]) is not None


def _in_title(text: str, pos: int) -> bool:
    """Whether pos lies inside 《…》 (a cited title)."""
    k = text.rfind("《", 0, pos)
    return k >= 0 and "》" not in text[k:pos] and "》" in text[pos:pos + 80]


# a quotation that names a principle or pledge (按照“谁投资、谁承担风险”的原则) or what someone said (列宁指出：“…”);
# a quoted rule (落实“…可以到企业兼职”的规定) keeps its own modal (read gold: a permission)
NAMED_BY_QUOTE = re.compile(r"的(?:方针|原则|承诺|理念|思路|论断)")
QUOTED_SAYING = re.compile(r"(?:指出|强调|说)[：:]$")


def _in_named_quote(text: str, pos: int) -> bool:
    """Whether pos lies inside “…” that names a principle or quotes a saying: the cue is the quotation's, not
    the sentence's."""
    k = text.rfind("“", 0, pos)
    if k < 0 or "”" in text[k:pos]:
        return False
    e = text.find("”", pos)
    return e >= 0 and (NAMED_BY_QUOTE.match(text, e + 1) is not None or QUOTED_SAYING.search(text, 0, k) is not None)


def _in_short_quote(text: str, pos: int) -> bool:
    """Whether pos lies inside “…” of at most 12 characters."""
    k = text.rfind("“", max(0, pos - 12), pos)
    if k < 0 or "”" in text[k:pos]:
        return False
    e = text.find("”", pos, k + 14)
    return e >= 0


def _opens_part(text: str, pos: int) -> bool:
    """Whether a cue at pos opens a part of the sentence, after at most two manner adverbs."""
    window = text[max(0, pos - 10):pos]
    m = OPENING_PREFIX.search(window)
    return bool(m) and (m.group()[:1] != "" and m.group()[:1] in "，,；;：:。（()）、．" or pos <= 10)


def _inside_word(text: str, start: int, end: int, words: re.Pattern) -> bool:
    """Whether text[start:end] lies inside a match of words (可 in 可再生, 应 in 应装尽装)."""
    for m in words.finditer(text, max(0, start - 16), min(len(text), end + 24)):   # 负责…工作的机构, 在确保…前提下 run on
        if m.start() <= start and end <= m.end():
            return True
    return False


def _charged_after_condition(text: str) -> tuple[int, int] | None:
    """(start of the condition, offset of 由) in …，…的，由X + an act (a sanction or a task after its
    condition, no modal before 由), else None."""
    if not re.search(r"的[，,]", text):
        return None
    m = by_you().search(text)
    if not m or m.start() != m.start("you") or not re.search(r"的[，,]$", text[:m.start()]):
        return None
    return _part_start(text, m.start() - 1), m.start()


def _part_start(text: str, pos: int) -> int:
    """Where the comma part holding pos begins."""
    return max(text.rfind("，", 0, pos), text.rfind(",", 0, pos)) + 1


def decide(text: str) -> tuple[str, str | None, int | None]:
    """(kind, cue word, cue offset) by the cue table; ('other', None, None) when no cue."""
    found = find_cues(text)
    if found and any(c.kind == "goal" for _, c in found):
        found = tuple((p, c) for p, c in found if c.kind != "goal" or not _goal_not_set(text, p, c.word))
    if not found:
        m = by_you().search(text)
        if m:
            return "obligation", "由", m.start("you")   # 由教育行政部门按照规定统筹…: the unit is charged with it
        by = assigned(text)
        if by:
            return "obligation", "由", by[0]            # 具体办法由市农业农村部门会同…制定
        return "other", None, None
    if (rule := RULE_AFTER_CONDITION.match(text)) and any(p < rule.end() for p, _ in found) \
            and (own := tuple((p, c) for p, c in found if p >= rule.end())):
        found = own       # 有权更正的行政机关审核属实的，应当予以更正: the condition's own cue decides nothing
    pos, cue = max(found, key=lambda pc: (pc[1].priority, -pc[0]))
    if (after := _charged_after_condition(text)) and after[0] <= pos < after[1]:
        return "obligation", "由", after[1]    # 未…不得使用…的，由交通行政管理部门责令改正: the cue is the condition's
    if cue.priority < 50 and cue.kind == "obligation" and (by := assigned(text)) and by[0] == 0:
        return "obligation", "由", 0      # 由各区卫生健康行政部门确定承担…服务的机构: 由 charges X, 承担 is the object's
    if cue.purpose:
        # 应当采取措施防止尘土飞扬: what the duty is for, the duty decides (要严格防止… stays a prohibition)
        duty = next(((p, c) for p, c in found if p < pos and c.kind == "obligation" and LEGAL_MODAL_OPEN.fullmatch(c.word)
                     and not MANNER_ONLY.fullmatch(text[p + len(c.word):pos])), None)
        if duty:
            return duty[1].kind, duty[1].word, duty[0]
    return cue.kind, cue.word, pos


# adverbs between a modal and the verb it governs (要严格防止, 应当切实避免)
MANNER_ONLY = re.compile(r"(?:严格|切实|坚决|有效|积极|努力|着力|全力|尽量|尽力|注意|及时|依法|主动|认真)*")


# 达到/实现 in a condition (按期达到整改要求的，处以…), after a negation (不能达到…) or a purpose (为了实现…): no goal set
_GOAL_NEGATED = re.compile(r"(?:不能|未能|无法|不能够|难以|为了|为)$")
_PART_END = re.compile(r"[^，,；;。：:]*")


def _goal_not_set(text: str, pos: int, word: str) -> bool:
    if _GOAL_NEGATED.search(text, max(0, pos - 3), pos):
        return True
    rest = _PART_END.match(text, pos + len(word)).group()
    return rest.endswith("的") and not FUTURE_GOAL.match(text)


# --- segmentation ---------------------------------------------------------------------------

_SENTENCE_MARKS = re.compile("[" + re.escape(OPEN + CLOSE + TERMINATORS) + "]")
_COMMA_MARKS = re.compile("[" + re.escape(OPEN + CLOSE) + "，,]")

def _sentences(text: str, start: int, end: int):
    """(start, end) spans of sentences in text[start:end], splitting outside brackets."""
    depth = 0
    s = start
    for m in _SENTENCE_MARKS.finditer(text, start, end):    # only the marks, not every character
        ch, i = m.group(), m.start()
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            yield s, i + 1
            s = i + 1
    if s < end:
        yield s, end


def _split_at_new_cue(text: str, start: int, end: int):
    """Split a sentence at a comma where a cue word starts the next part (``…系统工程，必须…``,
    ``…，大力支持…``, ``…，但…不得…``), unless all before it is one introductory phrase (``对于…内容，
    可…`` stays whole) or a subject with an adverbial (``市级河长根据省有关规定，可以…``).  A closing
    formula is always a part of its own (``为…，制定本方案``, ``…负责解释，自印发之日起施行``)."""
    seg = text[start:end]
    cuts = []
    depth = 0
    for m in _COMMA_MARKS.finditer(seg):
        ch = m.group()
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            cuts.append(m.start())
    piece = 0
    for c in cuts:
        before = seg[piece:c]
        after = seg[c + 1:]
        if CLOSING_PART.match(after) and len(before) >= 2:
            if re.match(r"为了?", before) and decide(before)[1] is None or re.fullmatch(r"现予(?:以)?公布", before) \
                    or FORMULA_LEAD.match(before) and not re.search(r"[，,]", before) and \
                    (before[0] != "本" or decide(before)[1] is None):
                continue                   # 为了推进…，促进…，制定本规定 / 现予公布，自…起施行 / 现结合本区实际，
                                           # 制定本办法 / 本办法适用于…，自…起实施: one formula
            cut = c
            k = before.rfind("，")
            if k > 0 and re.match(r"(?:结合|根据|依据|按照|依照|经)", before[k + 1:]):
                cut = piece + k            # 结合本市实际，制定本条例 stays together
            if cut > piece:
                yield start + piece, start + cut + 1
            piece = cut + 1
            continue
        if (will := WILL_SUBJECT.match(after)) and _clean_actor(will[1]) == will[1] and decide(before)[1] is not None \
                and actor_kind(will[1]) in ("org", "person") and not any(w.flag.startswith("v") for w in tagged(will[1])):
            yield start + piece, start + c + 1      # 严禁…违规行为，|我局将进行专项检查: what a body announces, a part of its own
            piece = c + 1
            continue
        if not _new_part_cue(before, after):
            continue
        if (rule := RULE_AFTER_CONDITION.match(seg[piece:])) and rule.end() == c + 1 - piece:
            continue        # 有权更正的行政机关审核属实的，应当予以更正: a condition and its rule, one clause
        last = before.rfind("，")
        if last > 0 and before.endswith("的") and RULE_AFTER_CONDITION.match(before[last + 1:] + "，" + after) \
                and any(c.word in LEGAL_MODALS + IMPERSONAL for _, c in find_cues(before[:last])):
            yield start + piece, start + piece + last + 1    # …不得超过两年，| 因特殊需要超过两年的，应当…: the rule,
            piece = piece + last + 1                          # then the condition with the rule it leads to
            continue
        if _aim_of_duty(before, after):
            yield start + piece, start + c + 1      # 畜禽养殖场应当对…进行处理，|防止污染水体: the duty, then its aim
            piece = c + 1
            continue
        last_part = re.split(r"[，,]", before)[-1]
        if by_you().match(after) and (
                last_part.endswith("的") and decide(before[:len(before) - len(last_part)])[1] is None or
                decide(before)[1] is None and not ACTION_LEAD.match(last_part) and not FUTURE_GOAL.match(before)
                and not re.search(r"包括|(?<!但|或|凡|于|总)是", before)):
            continue    # …的，由X责令改正: a sanction and its condition; …的具体办法，由市人民政府另行制定: a topic and its rule
        further = FURTHER_RULE.match(after)    # …，并可以…: a further rule, whatever phrase came before
        if len(before) < 6 or not further and (INTRODUCTORY.match(last_part) or INTRO_END.search(last_part)) or \
                (last_part == before and (_bare_subject(before) or
                                          _acting_subject(before, after) and decide(before)[1] is None)) or \
                _topic_subject(last_part, after) and decide(before)[1] is None or \
                _subject_adverbial(last_part) or REPORTED.search(last_part) or _subject_list(before):
            continue
        kind_before, cue_before, _ = decide(before)
        if cue_before is None and not FUTURE_GOAL.match(before) and \
                (CONDITION_PART.search(last_part) or CONDITION_OPENS_PART.match(before) or PURPOSE_OPEN.match(after) or
                 len(before) <= SHORT_LEAD and not ACTION_LEAD.match(before) or
                 RULE_AFTER_FRAME.match(after) and "是" not in last_part and
                 (last_part == before or not ACTION_LEAD.match(last_part))):
            continue        # 当事人对处罚决定不服的，可以…; 未经批准，不得…; 出示检查证件，有权…; 发现…隐患，应…上报;
                            # 优化…机制，力争完成…; 各部门主要负责人离京外出，应事先…报告: one rule
        if kind_before in ("obligation", "prohibition") and PURPOSE_AIM.match(after) and not AIM_MEASURED.search(after):
            continue        # 市人民政府应当建立…机制，实现…共享: what the duty is for, one rule (实现…全覆盖 is a goal)
        if last_part == before and GOAL_FRAME.fullmatch(before.strip()) and DUTY_OPENS.match(after):
            continue        # 实现“十五五”目标，必须…: the goals a duty serves, one rule (as 为实现上述目标，要…)
        if kind_before == "other" and FUTURE_GOAL.match(before):
            kind_before = "goal"
        if kind_before == decide(after)[0]:
            continue        # 支持和规范社会力量办学，鼓励社会各界捐资助学: one encouragement
        yield start + piece, start + c + 1
        piece = c + 1
    yield start + piece, end


# a body and 将 opening the part after a comma (…，我局将进行专项检查; …，中央财政将视情况…给予补助): what it announces
WILL_SUBJECT = re.compile(r"([^，,。；;]{2,16}?)将(?![^，,。；;]{0,6}(?:纳入|列入|作为|视为|按照))")
# 并/同时 and a legal modal after a comma: a further rule of the same subject (…按照实际发生额在税前扣除，并可
# 按照100%在税前加计扣除).
FURTHER_RULE = re.compile(r"(?:并|同时|也|还|亦|必要时)(?:应当|应|必须|须|不得|可以|可|有权)|并请(?!示|求)")
# What opens a closing formula's own sentence: its adverbial (现结合本区实际情况，制定本办法) or the document
# as subject (本办法适用于…，自…起实施).
FORMULA_LEAD = re.compile(r"^(?:现|特)?(?:结合|根据|依据|按照|依照|经)|^本(?:办法|规定|条例|细则|措施|方案|通知|意见|决定|规则|准则)")
# A verb of saying that ends a part: what follows the comma is what was said (《决定》提出，要完善…).
REPORTED = re.compile(r"(?:提出|指出|强调|表示)$")


def _topic_subject(before: str, after: str) -> bool:
    """A noun phrase with its modifier (进入国内销售、使用的医疗器械, 新建、改建…居住区等建设项目) that a
    modal follows after the comma: the subject of that rule, not a clause of its own."""
    m = re.search(r"[的等]([^的等，,、]{2,8})$", before)
    if not m or before.startswith("是") or COPULA.match(before) or not TOPIC_MODAL.match(after) \
            or decide(before)[1] is not None:
        return False          # X是…的重要战略，应当…: a statement, then a rule
    words = tagged(m.group(1))       # 重大事项: an attribute (重大, 主要) before the noun is still a noun phrase
    return bool(words) and words[-1].flag.startswith("n") and all(w.flag.startswith("n") or w.flag in ("a", "b")
                                                                   for w in words)


LEGAL_MODAL_WORDS = "应当|应|必须|须|不得"
LEGAL_MODAL_OPEN = re.compile(f"(?:{LEGAL_MODAL_WORDS})")
# what a topic noun phrase before a comma is the subject of: a legal modal, 可 or 要
TOPIC_MODAL = re.compile(rf"(?:{LEGAL_MODAL_WORDS}|可以|可(?!持续)|要(?![求点素件]))")


# A cue-less part that only conditions or frames the rule after the comma: a condition
# (…的, 未经…批准), or a short topic or manner phrase (移植所需费用，由…承担; 出示检查证件，有权…).
CONDITION_PART = re.compile(r"的$|(?:未经|非经|未依法|未按规定|未按照)[^，,]*$|(?:^|并)经[^，,]{1,20}(?:批准|同意)$")
CONDITION_OPENS_PART = re.compile(r"^(?:发现|遇到|遇有|出现)|^[^，,]{1,6}中遇到")
SHORT_LEAD = 10
# …but a short part that is a task of its own stays one (推进政务公开，实行…; 积极拓展合作空间，落实…).
ACTION_LEAD = re.compile(r"^(?:大力|积极|进一步|着力|切实|全力|加快|持续|全面|深入|不断|坚决|努力)*"
                         r"(?:推动|推进|推行|支持|鼓励|引导|加强|加快|加大|建设|培育|打造|发展|完善|建立|健全|组织|开展|"
                         r"实施|做好|落实|深化|扩大|拓展|提升|促进|优化|强化|依托|发挥|创建|提高|坚持|构建|保障|维护|"
                         r"巩固|稳定|激发|增强|降低|减少|防范|化解|统筹|协调|保证|确保|规范|严格|严肃)(?![中时后])")
# What a task's aim opens with after a comma (优化…机制，力争完成…; 研究构建…，实现…目标): the kind of the whole
# sentence, not a clause of its own.  (…，确保… stays a clause of its own: annotators sample it alone, and
# comparing two implementations pairs it alone.)
PURPOSE_OPEN = re.compile(r"^(?:力争|实现)")
GOAL_FRAME = re.compile(r"实现[^，,。；;]{1,30}?(?:目标|任务)[，,]?")     # 实现上述目标，
DUTY_OPENS = re.compile(r"(?:就|更|还)?(?:要|必须|须|应当|需要)")
PURPOSE_AIM = re.compile(r"^实现(?![\d一二三四五六七八九十百千])")   # …，实现…: an aim (not 实现2810亿元, a figure)
AIM_MEASURED = re.compile(r"全覆盖|全面|基本|达到|\d")          # …，实现…全覆盖 / 基本… / …80%: a goal of its own


# A rule's modal opening the part after a cue-less one (参保人员申请享受待遇，应按规定…; 开展森林景观利用活动，
# 不得擅自…; 实现上述目标，要坚持…): the part before frames that rule, one clause with it (not a series of
# tasks before a ban: 推进…建设，实施…工程，|不得重复建设).
RULE_AFTER_FRAME = re.compile(r"(?:都|均|也|还|则)?(?:应当|应(?![用急对收付])|必须|须|不得|要(?![求点素件])|可以)")


# A closing formula after a comma: the purpose preamble's 制定本方案 / 提出如下意见, and 自…起施行.
CLOSING_PART = re.compile(r"^(?:(?:特|现)?(?:就[^，,。；]{1,30})?(?:制定|制订|出台|提出)(?:本|如下|以下)[^，,。；]{0,12}|"
                          r"特(?:制定|制订)[^，,。；]{1,24}|"      # 特制定方案如下, 特制定2024—2026年三年行动计划
                          r"(?:特|现)(?:(?:就|将)[^，,。；]{1,40}?)?(?:通知|通报|批复|函复|答复|公告)如下|现将[^，,。；]{1,60}?予以通报|"
                          r"(?:现予(?:以)?公布[，,])?(?:本[^，,。；]{1,8})?自[^，,。；]{1,20}起(?:施行|执行|实施|生效)(?:[，,][^。；;]{0,30})?)[。；;：:]?$")
MANNER = r"(?:大力|积极|进一步|着力|切实|全力|加快|优先|重点|充分|继续|深入|坚决|严格|依法|审慎)"
CONTRAST = re.compile(r"^(?:但|但是|而|然而)[^，,。；]{0,8}?$")
COPULA = re.compile(r"^[^，,。；]{2,20}是[^，,。；]{2,40}的[^，,。；]{1,12}$")


def _aim_of_duty(before: str, after: str) -> bool:
    """A purpose cue (防止/避免, where = purpose) opening the part after a duty: a clause of its own."""
    found = find_cues(after[:4])
    return bool(found) and found[0][0] == 0 and found[0][1].purpose and decide(before)[0] == "obligation"


# the modal of a rule after its condition (…的要/应当/可…), not a noun after 的 (…的需要, …的应急预案)
CONDITION_RULE = re.compile(rf"{RULE_AFTER_FRAME.pattern}|可(?!能|持续|行|靠|控|视|见|观|信|用|再生|回收|降解)")
# A rule after its condition (…的，[X]应当/可以/不得…): what the rule after the comma says decides its kind, not a
# cue inside the condition (确需移植…树木的，可以先行移植: a permission; 可以利用二级基本农田的，不得占用…: a ban).
RULE_AFTER_CONDITION = re.compile(rf"^[^，,。；;]{{2,80}}的[，,](?=[^，,。；;]{{0,20}}?(?:{CONDITION_RULE.pattern}|有权(?!机关|部门)|禁止))")


def _new_part_cue(before: str, after: str) -> bool:
    """Whether the part after a comma opens with a cue of its own: at its start or after manner
    adverbs (大力支持…), after a contrast and a short subject (但四面均不得…), or after a short
    subject when the part before is a copular statement (电网规划是…的重要组成部分，电网规划应…)."""
    if by_you().match(after):
        return True
    found = [(p, c) for p, c in find_cues(after[:16]) if not c.counted]   # 新增…52家 in a list of results
    if not found:                                                          # goes on the sentence
        return False
    pos, cue = found[0]
    lead = after[:pos]
    if re.match(r"[，,]|$", after[pos + len(cue.word):]):
        return False       # 积极配合，全力支持，认真落实…: a verb with no object, one item of a series
    if cue.word == "只能":
        return False       # 所收集的信息，只能用于…: 只能 keeps the subject before it, it opens no rule of its own
    if pos == 0 or re.fullmatch(f"{MANNER}{{1,2}}", lead):
        return True
    if CONTRAST.match(lead):
        return True
    strong = cue.kind in ("obligation", "prohibition", "permission") and not cue.opening
    if FURTHER_RULE.match(after):
        return True        # …，并可以根据本规定制定实施细则: a further rule of its own
    if strong and lead.endswith("的") and not re.search(r"[，,]", lead) and decide(before)[1] is not None and \
            CONDITION_RULE.match(after, pos):
        return True        # 鼓励…进行监督，发现严重失职失责的要追究…: a rule on a condition of its own
    if strong and not find_cues(lead) and _new_subject(lead) and decide(before)[1] is not None and \
            not CONDITION_PART.search(re.split(r"[，,]", before)[-1]):   # 未达到标准的，县人民政府应当…: one rule
        return True        # …应当开设政务新媒体，其他单位可根据工作需要规范开设: a new subject, a new rule
    return strong and pos <= 8 and bool(COPULA.match(re.split(r"[，,]", before)[-1])) and not find_cues(lead)


def _new_subject(lead: str) -> bool:
    """Whether the words before a modal after a comma are a subject of their own (其他单位, 被邀请的投标人)."""
    lead = re.sub(rf"(?:[{SUBJECT_TRAIL}]|均|都|一般|原则上)+$", "", lead)
    if 2 <= len(lead) and _clean_actor(lead) == lead and actor_kind(lead) is not None:
        return True
    return _subject_before_when(lead) is not None


def _subject_before_when(lead: str) -> str | None:
    """长期失能人员出院后(可继续享受…): the subject before the time its rule applies, if the words are that."""
    if not lead.endswith(("后", "时", "中")):
        return None
    return next((lead[:k] for k in range(len(lead) - 2, max(1, len(lead) - 11), -1) if SUBJECT_WHEN.fullmatch(lead, k)
                 and not re.search(r"[自从]", lead[:k]) and _clean_actor(lead[:k]) == lead[:k]
                 and actor_kind(lead[:k]) is not None), None)    # the longest subject (…部门, not …部 + 门接到…后)


# a time frame between a subject and its modal: 出院后, 收到通知后, 在检查中, 申请时
SUBJECT_WHEN = re.compile(r"在?[^，,。；;]{1,8}?(?:以后|之后|后|时|中)")


def _subject_adverbial(part: str) -> bool:
    """An actor followed by an adverbial only (市、区（县）级河长根据省有关规定, 各组成部门按职责分工):
    the subject of what follows."""
    m = re.search(r"(?:根据|按照|按|依照|依据|依法|结合|在|对|经|通过|作为)", part)
    # 与企业通过…建立合作关系: a partner after a preposition is no subject
    return bool(m) and m.start() >= 2 and _clean_actor(part[:m.start()]) is not None and \
        not re.match(r"[与和同跟向对把将为从在]", part)


NOT_BARE_SUBJECT = re.compile(r"是|指|为|会同|联合|协同|参照|设在|设于|位于|隶属|属于|^(?:推动|推进|支持|鼓励|引导|加强|加快|建设|培育|打造|发展|完善|建立|健全|"
                              r"组织|开展|实施|做好|落实|深化|扩大|提升|促进|优化|强化|依托|发挥|创建|提高)")


def _subject_list(part: str) -> bool:
    """Lists of organisations joined across commas by 以及/及/和 and nothing else (乡级以上河长和乡镇人民政府，
    以及县级以上河长制工作机构和相关主管部门，应当…): the subject of the task after the last comma."""
    joined = LIST_COMMA.sub(r"\1", strip_numbering(part))
    return joined != strip_numbering(part) and not re.search(r"[，,]", joined) and all(
        _bare_subject(x) for x in re.split(r"以及|及其|及|和|、", joined) if x)


LIST_COMMA = re.compile(r"[，,](以及|及其|及|和)")


def _bare_subject(part: str) -> bool:
    """A part that is an organisation and nothing else (乡（镇）人民政府、街道办事处的爱国卫生组织): the
    subject of the task after the comma, not a clause of its own."""
    return not NOT_BARE_SUBJECT.search(part) and _clean_actor(part) == part.strip() and actor_kind(part) is not None


@lru_cache(maxsize=4)
def _by_words(*after_x: str) -> str:
    """The words of lexicon/by_acts.tsv and resp_by_verbs.tsv whose after_x is one of ``after_x`` ('' for
    an act that may close a unit's name, 'ends', 'only' for a word of procedure), as an alternation,
    longest first."""
    acts = {r.get("word") or r.get("verb") for name in ("by_acts", "resp_by_verbs") for r in table(name)
            if r["after_x"] in after_x}
    return "|".join(map(re.escape, sorted(acts, key=len, reverse=True)))


def _x_ends(procedure: bool = False) -> str:
    """The words that end X in 由X wherever they follow it; ``procedure``: with the words of procedure
    before the act."""
    return _by_words("ends", "only") if procedure else _by_words("ends")


@lru_cache(maxsize=2)
def by_you(procedure: bool = False) -> re.Pattern:
    """由X at the opening of a part (after a modal) and a word of lexicon/by_acts.tsv or resp_by_verbs.tsv
    marked to end X (由教育行政部门按照规定统筹…): X is charged with what follows.  ``procedure``: also the
    words of procedure before the act (由X在…, 由X报请…).  A word that runs on into a unit's name ends
    nothing (由市行政审批局办理, 由X负责人担任), nor one opening a relative clause (由X确定的机构进行…).  The segmenter cuts a sentence before such a part."""
    return re.compile(rf"(?<![^，,])(?:必须|应当|应|要|须|可以|可)?(?P<you>由)(?![于此衷])(?P<x>[^，,。]{{2,30}}?)"
                      rf"(?:{_x_ends(procedure)})(?!{ACT_IN_NAME.pattern}|[部处科局办室的]|中心)")


@lru_cache(maxsize=1)
def _assigned_acts() -> re.Pattern:
    """The acts 由X charges X with: lexicon/resp_by_verbs.tsv and lexicon/by_acts.tsv (not its words of
    procedure)."""
    return re.compile(_by_words("", "ends"))


BY = re.compile(r"(?<![理自经缘来因不转])由(?![于此衷])")
_NAME_GOES_ON = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:部门|机关|机构|单位|委员会|局|中心)")
ACT_IN_NAME = re.compile(r"(?:机构|部门|单位|机关|人员|人(?!民)|同志|小组|委员)")   # 由…审核机构进行审核, 由…负责人担任
# a verb of procedure after X: X acts by it (由X报同级人民政府批准, 由X在Y指导下制定, 由X委托Y审批)
# X商Y制定: X consults Y (国务院财政部门商国务院建设行政主管部门制定): 商 right after a body's name, before another
CONSULT_WORD = r"商(?![务业户品会标贸场事量])(?=[^，,。；;]{0,14}?(?:部门|机关|机构|委员会|政府|局|委))"
CONSULTS = rf"(?<=[门关府构局委]){CONSULT_WORD}"
PARTNER_WORDS = rf"会同|联合(?![会体社国])|协同|{CONSULTS}"
BY_STOP = re.compile(rf"报请|提请|报送|报经|商请|移送|委托|申请(?![的书表材]|人(?!民))|通过|向|(?<!所)在|将|把|参照|报(?![社刊业])|(?<![行作成因称视认])为(?![主准限])|{CONSULTS}")
# the kinds of administrative division, written alone (市, 自治区) or listed (由市或县（市）、区人民政府: 市 is one;
# 省、自治区、直辖市发展改革部门)
DIVISION_KINDS = "自治区|直辖市|自治州|自治县|县级市|省|市|县|区|州|盟|旗|乡|镇"
DIVISION_LIST = re.compile(rf"(?:各|有关|相关)?(?:{DIVISION_KINDS}|[、（）()])+")
_KIND = r"(?:省|市|县|区|自治区|直辖市|自治州|盟|旗)"
# such a list as a subject: the governments of those divisions (有关省、市、自治区应…; 各省、自治区、直辖市要…)
# (a whole provincial-level list: 各县、市 in 各县、市、区政府和管委会 and 各省、自治区 in 各省、自治区、直辖市人民政府
# are no subjects of their own)
GOVERNED_DIVISIONS = re.compile(rf"(?=.*(?:自治区|直辖市))(?:(?:各|有关|相关){_KIND}(?:[、（(]+{_KIND}[）)]?){{2,}}|省、自治区、直辖市)")


# acts whose object is a body (由X确定承担…的机构): a body after them is chosen, not one 由X describes
CHOOSES = ("确定", "指定", "认定", "选定", "遴选")


def assigned(text: str) -> tuple[int, str] | None:
    """(offset of 由, X) for 由X + an act, X an organisation (由县人民政府列入财政预算, 具体办法由市农业农村部门
    会同…制定, …的，由综合行政执法部门责令恢复原状): the clause charges X with the act, an obligation
    (SCHEMA).  Not a passive of a thing (由前沿技术驱动), an act inside a name (由本单位审核机构进行审核:
    the first act word is part of the unit), a body's members (副主任由…负责人担任), nor a relative clause
    naming a body (成立由分管市领导牵头…的工作组)."""
    if "由" not in text:
        return None
    for by in BY.finditer(text):
        window = re.split(r"[，,。；;：:由“”《》]", text[by.end():by.end() + 40])[0]
        for act in _assigned_acts().finditer(window, 2):
            if ACT_IN_NAME.match(window, act.end()):
                continue
            x = window[:act.start()]
            stop = BY_STOP.search(x, 2)
            x = _clean_actor(x[:stop.start()] if stop else x)   # 由区民政部门委托镇人民政府审批: 区民政部门
            members = re.split(r"或者|或|与|和", x or "")
            if x and actor_kind(x) == "org" and all(actor_kind(m) == "org" or DIVISION_LIST.fullmatch(m) for m in members) \
                    and (act.group() in CHOOSES or not re.match(r"[^，,。；;]{0,10}?的[^，,。；;]{0,12}?(?:组|机构|委员会|机制|队伍|平台|办公室|单位|企业|项目|人员|部门|机关)",
                                     window[act.end():])):
                return by.start(), x
            if not _NAME_GOES_ON.match(window, act.end()):
                break       # (由市医疗保障行政部门责令…: 保障 is inside the name, the act comes later)
    return None


INTRODUCTORY = re.compile(r"^(?:对于|对|在|按照|按|根据|依据|结合|围绕|针对|通过|为了|为|经|凡|如|若|其中|同时)")
INTRO_END = re.compile(r"(?:时|后|前|中|下|上|里|方面|期间|以来|基础上|过程中|情况下|(?:[年月日天周]|小时)内|之日起|日起)$")
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


SENTENCE_HEADING = 40     # characters: a label (加强组织领导) is far shorter
# an item that opens with a rule, not a label (2、中标人应切实加强施工现场安全质量管理，项目经理对…负主要责任。)
RULE_HEADING = re.compile(r"[\u4e00-\u9fff]{2,}(?:应当|应|必须|须|不得|严禁|负责)[\u4e00-\u9fff]")


def _actor_must(heading: str) -> bool:
    """An item opening with an organisation and 要 ((四)科研单位要健全完善内部管理制度。): a task given by
    name, content, not a label (主要任务 holds 要 in another word)."""
    m = HEADING_ACTOR_MUST.match(heading)
    return bool(m) and actor_kind(m.group(1)) == "org" and _clean_actor(m.group(1)) == m.group(1)


HEADING_ACTOR_MUST = re.compile(r"(.{2,20}?)要(?![求点素件闻害地])")


# a comma inside a heading that labels nothing (no text and no items under it) parts a sentence, not a
# label: 二、对新落户的港澳青年，给予5万元的就业补贴。 is the item itself
CLAUSE_INSIDE = re.compile(r"[\u4e00-\u9fff）)][，；][\u4e00-\u9fff（(“0-9]")
# an item that is a whole sentence setting a level ((一)全市城乡最低生活保障标准为每人每月1309元。): content
LEVEL_SET = re.compile(r"(?:为|达到|不低于|不高于|不超过|提高到|调整为)(?:每[人户月年日天次]){0,3}[\d一二三四五六七八九十]")


# an item that is a whole sentence stating a term or the document's own rule (1.“两重”：是指…; 7.3 本预案自印发之日起实施。)
OWN_RULE_HEADING = re.compile(r"^本(?:办法|预案|通知|规定|条例|细则|方案|意见|措施|规则|标准)|是指")


def _rule_heading(heading: str) -> bool:
    """An item with nothing under it whose heading is a rule (1.镇财政所、镇经管中心按照职责加强…监督管理。 is
    a task given by name; 2.本办法自印发之日起施行。): content as well as its label."""
    if OWN_RULE_HEADING.search(heading):
        return True
    from .responsibilities import clause_subjects      # (lazily: responsibilities reads this module)
    if any(heading.startswith(s) for s in clause_subjects(heading)):
        return True                                     # 1.镇财政所、镇经管中心按照职责加强…: a body and its task
    kind, cue, _ = decide(heading)
    entry = _cue_by_word().get(cue) if cue else None
    return entry is not None and entry.priority >= 50 and kind in ("obligation", "prohibition", "permission")


_LEADING_SPACE = re.compile(r"\s*")


def _bracketed_repeat_end(tail: str, heading: str) -> int:
    """Where the body starts in tail: past white space and the heading repeated in brackets
    (（加强组织领导）), and white space again (no pattern compiled per heading)."""
    i = _LEADING_SPACE.match(tail).end()
    if heading and tail[i:i + 1] in "（(" and tail.startswith(heading, i + 1) and \
            tail[i + 1 + len(heading):i + 2 + len(heading)] in ("）", ")") and i + 2 + len(heading) <= len(tail):
        i = _LEADING_SPACE.match(tail, i + 2 + len(heading)).end()
    return i

def _body_offset(line: str, sec, has_body: bool = True) -> int:
    """Where the clauses of a section's first line start.  An article (``第五条 市、区（县）人民政府
    应当…``) has an empty heading or a bracketed caption: its text starts right after the number
    (and caption).  A numbered item's heading runs to its first 。 (SCHEMA "Sections")."""
    number = sec.number or ""
    k = line.find(number) if number else -1
    # an article, or an item whose heading is a whole sentence (一、对…的省（区、市），在…时予以适当倾斜。):
    # its text is content, not a label
    if k >= 0 and (not sec.heading or number.endswith("条") or len(sec.heading) >= SENTENCE_HEADING
                   or RULE_HEADING.search(sec.heading) or _actor_must(sec.heading)
                   or (not has_body and (CLAUSE_INSIDE.search(sec.heading) or LEVEL_SET.search(sec.heading)
                                         or _rule_heading(sec.heading)))
                   or _only_units_after(line, sec.heading)):
        rest = k + len(number)
        return rest + _bracketed_repeat_end(line[rest:], sec.heading)
    k = line.find("。")
    return k + 1 if k >= 0 else len(line)


_NON_SPACE = re.compile(r"\S")


def _only_units_after(line: str, heading: str) -> bool:
    """An item whose heading sentence is followed by nothing but its units (4.完成旧住房修缮更新60万平方米。
    （牵头单位：区住房保障房屋管理局）): the sentence is the task those units carry, content, not a label."""
    k = line.find("。")
    return bool(heading) and k >= 0 and labelled_list().match(line[k + 1:].strip()) is not None


def segment(doc) -> list[tuple[int, int]]:
    text = doc.text
    heading_end = {}
    for sec in doc.sections:
        has_body = _NON_SPACE.search(text, sec.span[1], sec.extent[1]) is not None   # no copy of a long section
        heading_end[sec.span[0]] = sec.span[0] + _body_offset(text[sec.span[0]:sec.span[1]], sec, has_body)
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
                        if spans and not text[spans[-1][1]:s2].strip() and labelled_list().match(text[s2:e2]) \
                                and not _starts_section(doc, spans[-1][1], s2):
                            spans[-1] = (spans[-1][0], e2)   # （责任单位：市科委） closes the clause before it
                        else:
                            spans.append((s2, e2))
    return spans


@lru_cache(maxsize=1)
def labelled_list() -> re.Pattern:
    """A bracket that is only a labelled list of units (（牵头单位：…，支撑单位：…）), labels from
    lexicon/resp_labels.tsv."""
    labels = "|".join(sorted((re.escape(r["label"]) for r in table("resp_labels")), key=len, reverse=True))
    return re.compile(rf"^[（(](?:{labels})[：:][^（）()]*(?:[（(][^（）()]*[）)][^（）()]*)*[）)][。；;]?$")


def _starts_section(doc, a: int, b: int) -> bool:
    return section_index(doc.sections).starts_in(a, b)


# --- actors ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _heads() -> tuple[tuple[int, ...], dict[str, str]]:
    """(head lengths, longest first; head → kind)."""
    rows = table("actor_heads")
    kinds = {r["head"]: r["kind"] for r in rows}
    return tuple(sorted({len(h) for h in kinds}, reverse=True)), kinds


@lru_cache(maxsize=1)
def _head_last_chars() -> frozenset[str]:
    return frozenset(h[-1] for h in _heads()[1])


@lru_cache(maxsize=1)
def head_end_chars() -> re.Pattern:
    """A character an actor head word can end with: where a scan for subjects need look."""
    return re.compile("[" + re.escape("".join(sorted(_head_last_chars()))) + "]")


_HEADS_BY_LAST: dict[str, tuple[tuple[int, ...], dict[str, str]]] | None = None


def _heads_by_last() -> dict[str, tuple[tuple[int, ...], dict[str, str]]]:
    """Last character → (lengths of the heads ending with it, longest first; head → kind)."""
    global _HEADS_BY_LAST
    if _HEADS_BY_LAST is None:
        kinds = _heads()[1]
        lengths: dict[str, set[int]] = {}
        for h in kinds:
            lengths.setdefault(h[-1], set()).add(len(h))
        _HEADS_BY_LAST = {ch: (tuple(sorted(ns, reverse=True)), kinds) for ch, ns in lengths.items()}
    return _HEADS_BY_LAST


def head_at_end(phrase: str, end: int | None = None) -> str | None:
    """The longest actor head word ending phrase[:end] (None when that word is listed as kind
    ``none``: 举办 ends with 办 but names no office)."""
    end = len(phrase) if end is None else end
    if end <= 0:
        return None
    found = (_HEADS_BY_LAST or _heads_by_last()).get(phrase[end - 1])
    if found is None:                       # most calls: no head ends here
        return None
    lengths, kinds = found
    for n in lengths:
        if n <= end:
            word = phrase[end - n:end]
            if word in kinds:
                return None if kinds[word] == "none" else word
    return None


def head_goes_on(phrase: str, end: int) -> bool:
    """Whether the head ending at end is the start of a longer head (业主委员|会同意: 委员会; 管理人|员: 人员)."""
    head = head_at_end(phrase, end)
    return any((longer := head_at_end(phrase, end + k)) and
               (len(longer) > len(head) + k - 1 or longer in OVERLAP_HEADS)
               for k in (1, 2) if end + k <= len(phrase))


# heads that a shorter head's last character may start (管理人|员, 服务人|才, 境内外企|业, 各地|区), unlike
# 企业|主动 (业主) or 教师|大胆 (师大)
OVERLAP_HEADS = ("人员", "人才", "人士", "企业", "地区")


TRAILING_BRACKET = re.compile(r"[（(][^（）()]{1,12}[）)]$")
NAMED_ONLY = ("org+", "fund")     # actor_heads kinds that need a name before the head


def _head_of(phrase: str, base: str) -> str | None:
    """The head ending phrase: one holding its bracket (镇（街）), else the one before the bracket."""
    return (head_at_end(phrase) if base != phrase else None) or head_at_end(base)


def head_kind(phrase: str) -> str | None:
    """The table kind of the head word ending phrase (its trailing bracket read past)."""
    head = _head_of(phrase, TRAILING_BRACKET.sub("", phrase))
    return _heads()[1][head] if head else None


def _shared_suffix_list(pieces: list[str]) -> bool:
    """市财政、地方金融部门, 常住人口超过十万的镇、街道: an earlier member ends in a head that names a body
    only loosely (a sector, a town), the last in another head: the list shares the last head; so do
    levels before a post (镇（街道）、村（社区）级河长)."""
    if LEVEL_OF.search(pieces[-1]) and all(PLACE_ONLY.fullmatch(x) for x in pieces[:-1]) \
            and any(x[-1] in "）)" for x in pieces[:-1]):
        return True            # 镇（街道）、村（社区）级河长: the levels share the post named after 级
    last = head_at_end(TRAILING_BRACKET.sub("", pieces[-1]))
    return any(head_kind(x) in NAMED_ONLY and head_at_end(TRAILING_BRACKET.sub("", x)) != last for x in pieces[:-1])


LEVEL_OF = re.compile(r"^[^、，,]{1,6}?[）)]?级[\u4e00-\u9fff]{1,8}$")   # 村（社区）级河长, 县级人民政府
PLACE_ONLY = re.compile(r"[\u4e00-\u9fff]{1,2}(?:[（(][^（）()、]{1,4}[）)])?")     # 镇（街道）, 村: a level's place


@lru_cache(maxsize=8192)      # a pure function of the phrase; the same subjects recur across clauses
def actor_kind(phrase: str) -> str | None:
    """'org' or 'person' when the phrase ends with an actor head word, else None
    (a trailing bracket is read past: 各县（市、区） ends with 县)."""
    base = TRAILING_BRACKET.sub("", phrase)
    head = _head_of(phrase, base)
    if head:
        kind = _heads()[1][head]
        if kind in NAMED_ONLY:      # 泗泾镇, 中央财政: a head that names an organisation only after a name
            return "org" if len(base) > len(head) else None
        return "person" if kind == "group" else kind
    return "org" if _division(base) else None


@lru_cache(maxsize=4096)
def _division(name: str) -> bool:
    """A place named in full as an actor (北京市、天津市等各地区要…; 黄浦区要…), or kinds of division
    listed as one (各省、自治区、直辖市): its government."""
    if GOVERNED_DIVISIONS.fullmatch(name):
        return True
    if not (3 <= len(name) <= 12 and name[-1] in "省市县区州盟旗"):
        return False
    from ..structure.region import lookup
    return lookup(name) is not None


SUBJECT_TRAIL = "也都均还就亦则"
ADVERBIAL = re.compile(r"^(?:对于|对|在|按照|根据|结合|围绕|针对|通过|为了|为)[^，,]*[，,]")
SUBJECT_STOP = re.compile(r"(?:在|对|按照|按|根据|结合|于|将|把|通过|从|以(?!及)|向|与|同|会同)")


# a verb of doing that opens a phrase without 的: a task, never the name of an actor (全面实施乡镇（街道）…,
# 健全企业与…; but 实施义务教育的民办学校 is one)
# 组织/委托 open a task too (积极组织研究机构…承担, 委托第三方机构对…审核): the bodies come after the verb;
# 组织部门, 委托单位, 委托人 are names
TASK_OPENING = re.compile(r"^(?:全面|进一步|积极|大力|加快|深入|切实)*(?:实施|推进|推动|加强|建立健全|建立|健全|完善|落实|开展|"
                          r"深化|强化|提升|提高|促进|建强|构建|鼓励|支持(?![单方])|组织(?!部|人事|机构|编制|工作)|委托(?![人方单机]))")


TABLE_CELLS = re.compile(r"^(?:[^|]*\|\s*)+")
ITEM_NUMBER = re.compile(r"^\s*(?:(?:\d{1,2}[.．])+\d{0,2}\s*|\d{1,2}、|[（(][一二三四五六七八九十\d]{1,3}[）)]|"
                         r"第[一二三四五六七八九十百零〇\d]+条\s*)")


def strip_numbering(part: str) -> str:
    """A part without the table cells before it and its item number (| 22 | 加强组织领导 | 各区…,
    5.1.2 省级人民政府…, （1）各工业部门…, 1.各区…); 12345热线 keeps its digits."""
    return ITEM_NUMBER.sub("", TABLE_CELLS.sub("", part))


# the note that names an alias after a name: X（以下简称Y）
ALIAS_NOTE = r"[（(](?:以下简称|以下统称|以下称|下称|简称)"
TRAILING_ALIAS = re.compile(ALIAS_NOTE + r"[^（）()]*[）)]$")


MANNER_AFTER_NAME = re.compile(r"(?:依法依规|依法|依规|积极|认真|切实|统一|全面|主动|严格)+$")


@lru_cache(maxsize=8192)      # a pure function of the phrase, asked again by several readers
def _clean_actor(phrase: str) -> str | None:
    p = phrase.strip(" ，,、：:；;\"")
    if p[:1] == "“" and "”" not in p:
        p = p[1:]
    if p[-1:] == "”" and "“" not in p:
        p = p[:-1]                    # “120”急救网络医院 keeps its quotes
    if p[:1] in "（(" and not re.search(r"[）)]", p):
        p = p[1:]                     # （合肥海关、省商务厅负责）: the bracket is not part of the unit
    # 由企业、个人自行承担, 申请租赁人才公寓的人才一般应…, X分级负责: the subject, not 自行, 一般 or 分级
    p = re.sub(rf"(?:[{SUBJECT_TRAIL}]|自行|自主|共同|协商|分别|分级|主要|具体|一般|原则上)+$", "", p)
    if (how := MANNER_AFTER_NAME.search(p)) and how.start() <= 16 and not re.search(r"[以对向将把]", p[:how.start()]):
        p = p[:how.start()]           # 市科委依法(履行…): the body, not how it acts (not a clause: …以暴力…依法)
    if p.endswith("等") and head_at_end(p, len(p) - 1):
        p = p[:-1]                    # 金融机构、社会组织等应当…: the members listed
    p = TRAILING_ALIAS.sub("", p)     # X（以下简称Y）: X as first written
    p = strip_numbering(p)
    if re.match(r"(?:对于|对(?![象外])|在(?![校职岗读])|应当|必须|会同|协同)", p) or TASK_OPENING.match(p) and "的" not in p:
        return None                   # 对工程技术人员，要…; 在中小投资者维权…; 全面实施乡镇…; 会同X…: no subject
    if re.match(rf"{_OWN_AREA}?(?:建立健全|建立|设立|成立|组建)", p) and "的" not in p or \
            re.match(rf"{_OWN_AREA}(?:支持|鼓励|引导|推动)", p):
        return None                   # 本市建立市人民政府和市高级人民法院共同牵头的…机制: a body being set up;
                                      # 本市支持有关部门、行业组织等…开展协作: those supported, no subject
    p = re.sub(r"^(?:同时|此外|另外|其中|并且|并|而且|以及|由|请|建议|经(?![营济销办费纪理])|本[^，,、]{1,6}?由)", "", p)
    p = LEADING_TIME.sub("", p)       # 2020年年底前省属重点文化企业可…: the body, not the deadline
    by = [m.end() for m in BY_WORD.finditer(p, 1)]
    if by:
        p = p[by[-1]:]                 # 公共绿地由园林行政主管部门（负责）: the unit is after 由 (not 自由贸易)
    if re.fullmatch(r"(?:一个|多个|几个|某个)(?:部门|单位|机关|机构)", p) or re.search(r"(?<![凡别其])是|所称|适用于", p):
        return None                   # 由一个部门牵头: no one in particular; 参加…活动是每个公民(的义务): a copula;
                                      # 前款所称村庄不包括…: a definition; 上述政策适用于所有文化企业: a scope
    if not (2 <= len(p) <= (ENUMERATION_MAX if "、" in p else 32)) or re.search(r"[。；！？]|应当|必须|不得", p):
        return None
    if actor_kind(p) is None:
        return None
    if (k := RECEIVES.search(p, 2)) and head_at_end(p, k.start()):
        return None                   # 村（居）民委员会发现申请人及其家庭成员: a body and what it finds, not one name
    return p


_OWN_AREA = r"(?:本市|本省|本区|本县|全市|全省)"     # the issuer's own area as a sentence's subject
LEADING_TIME = re.compile(r"^(?:到|至|在|自)?(?:19|20)\d\d年(?![度级])(?:年底|年末|底|末|[一二三四1-4]季度|上半年|下半年)?(?:前|以前|起|后|内)?")


# an enumerated subject may run longer than one name (市、县（区）人民政府交通运输、水利、农业农村、林业等部门
# 和有关群团组织应当…): split into its members afterwards
ENUMERATION_MAX = 120


# words that show the phrase before a head is an act, not an actor (规范性文件提交司法行政部门…时)
TEMPORAL_NOT_SUBJECT = re.compile(r"^(?:向|因此|因|为|经|自(?!然人)|从|当)|提交|开展|确定|参加|报送|收到|依法|按照")


def _temporal_subject(first: str) -> str:
    """The longest actor that opens a temporal clause and holds no verb or preposition
    (市规划资源管理部门审批时 -> 市规划资源管理部门; 申请人办理…时 -> 申请人, not 申请人办)."""
    stop = _verb_or_stop().search(first)
    while stop and (head_at_end(first, stop.end()) or "") not in ("", stop.group()):
        stop = _verb_or_stop().search(first, stop.end())      # 地方金融组织: 组织 ends a name, not a verb
    end = min(stop.start() if stop else len(first) - 1, 27)
    for k in range(end, 1, -1):
        head = head_at_end(first, k)
        if head and len(head) >= 2 and first[k] not in "性的之" and actor_kind(first[:k]) and _heads()[1][head] != "group":
            return first[:k]
    return ""


@lru_cache(maxsize=1)
def _verb_or_stop() -> re.Pattern:
    return re.compile(f"{TEMPORAL_NOT_SUBJECT.pattern}|{SUBJECT_STOP.pattern}|{task_verbs()}")


def subject_actors(text: str, cue_pos: int) -> list[str]:
    """The organisations/groups written as the subject right before a cue (各中小学要…)."""
    left = text[:cue_pos]
    part = _PART_BREAK.split(left)[-1]
    if not part.strip() and _subject_list(left.rstrip("，, ")):
        # X和Y，以及Z和W，应当…: every member of the lists before the cue
        return split_members(LIST_COMMA.sub(r"\1", strip_numbering(left.rstrip("，, "))))
    candidates = [part]
    if when := _subject_before_when(part.strip()):
        candidates.append(when)          # 长期失能人员出院后可继续享受…
    m = SUBJECT_STOP.search(part)
    if m and m.start() >= 2:
        # 有关部门在核定…时，应当 → 有关部门; 各级人民政府对所属部门…要 → 各级人民政府
        candidates.insert(0 if m.group() in ("对", "在", "向", "将", "把", "会同") else 1, part[:m.start()])
    first = re.split(r"[，,]", text)[0]
    m2 = re.match(rf"^(.{{2,30}}?)(?={SUBJECT_STOP.pattern})", first)
    if m2 and head_at_end(first, m2.end()) and head_goes_on(first, m2.end()):
        m2 = None                  # 经业主委员|会同意: 会同 inside 委员会 is no stop
    # 有关部门在核定…时，应当…: the opening subject, when the cue's own part names none; but
    # 业主对分摊情况提出异议的，物业服务人应当…: the part has a subject of its own
    if m2 and cue_pos > len(first) and not _part_has_subject(text, cue_pos):
        candidates.append(m2.group(1))
    m3 = AS_ROLE.match(first)
    if m3 and cue_pos > len(first) and not part.strip():
        candidates.append(m3.group(1))     # X（以下简称Y）作为市人民政府的派出机构，负责…: X
    middle = _PART_BREAK.split(left)[1:-1] + [part]
    if cue_pos > len(first) and middle and all(INTRODUCTORY.match(p) and INTRO_END.search(p) for p in middle if p) \
            and _bare_subject(first):
        candidates.append(first)   # X的爱国卫生组织，在…的指导下，负责…: the subject before the adverbial
    elif cue_pos > len(first) and not middle[:-1] and not part.strip() and \
            (INTRO_END.search(first) or first.endswith("的") or _acting_subject(first, text[cue_pos:])) and \
            text[len(first) + 1:len(first) + 2] != "由":
        # 12345热线受理人员接听来电时，应当…: the actor that opens the temporal clause; 单位和个人开展
        # 增殖放流活动的，应当提前报告: the actor that opens the condition; 市场监督管理部门公示行政处罚
        # 信息，应当遵循…原则: the actor that does what the rule governs
        lead = _condition_subject(first) if first.endswith("的") else _temporal_subject(first)
        if lead:
            candidates.append(lead)
    for c in candidates:
        actor = _clean_actor(c)
        if actor:
            return _split_actor(actor)
    if text[cue_pos:cue_pos + 2] in LEGAL_MODAL_PREFIXES and (lead := _acting_lead(part.strip(), tight=True)):
        return _split_actor(lead)      # 排污单位排放污染物不得超过…; 自然人、法人和其他组织收集数据不得…: the actor whose act the rule governs
    if (framed := _subject_before_frames(text, cue_pos)):
        return _split_actor(framed)    # 受暴雨灾害严重威胁的单位，根据应急预案，可以…: the subject, then its frames
    opening = [first] if cue_pos > len(first) and not part.strip() else []
    for c in candidates + opening:
        # 各级人民政府、街道办事处以及…等有关主管部门 (too long as one): each list 以及 joins, when it is one
        sides = [_clean_actor(x) for x in c.split("以及")] if "以及" in c else []
        if sides and sides[0]:
            return [m for x in sides if x for m in _split_actor(x)]
    return []


BY_WORD = re.compile(r"(?<!自)由")     # 自由贸易 is no 由


def _subject_before_frames(text: str, cue_pos: int) -> str:
    """An actor written as the sentence's first part, then only adverbials or conditions up to a modal with
    no subject of its own (符合条件的残疾人，可…; …的港澳青年，符合…条件的，在职期间可领取…; 镇机关各科室
    如有…项目，可向…申请; 参保人员申请享受长护险待遇，应…)."""
    parts = _PART_BREAK.split(text[:cue_pos])
    if len(parts) < 2:
        return ""
    own = re.sub(rf"^(?:[{SUBJECT_TRAIL}]|并|同时|还|亦|一般|原则上|必要时)+", "", parts[-1].strip())
    if own and not (INTRO_END.search(own) and len(own) <= 8):
        return ""                      # 在职期间可领取…: a time frame only
    first = strip_numbering(parts[0].strip())
    middle = [p.strip() for p in parts[1:-1]]
    if not first or decide(first)[1] is not None or REPORTED.search(first) or \
            not all(p and (INTRODUCTORY.match(p) or p.endswith("的") or INTRO_END.search(p) and not _temporal_subject(p + "。"))
                    for p in middle):
        return ""
    if (k := RECEIVES.search(first, 2)) and _clean_actor(first[:k.start()]) == first[:k.start()] \
            and _plausible_lead(first[:k.start()]):
        return first[:k.start()]       # 生态环境主管部门发现…的同级其他部门，对…的，可以…: who finds it acts
    if _clean_actor(first) == first and not NOT_BARE_SUBJECT.search(first.split("的")[-1]) and _plausible_lead(first) \
            and not ("的" in first and _temporal_subject(first.rsplit("的", 1)[0] + "。")):
        return first                   # (not 患者或者其监护人…要求送往其指定的医疗机构: a clause whose object a 的 names)
    m = re.match(r"(.{2,30}?)(?:如有|如果|如需|若)", first)
    if m and _clean_actor(m.group(1)) == m.group(1):
        return m.group(1)
    return _acting_lead(first)


LEGAL_MODAL_PREFIXES = ("应当", "应", "必须", "须", "不得", "可以", "可", "有权")


def _acting_lead(part: str, tight: bool = False) -> str:
    """An actor opening the cue's own part, a verb right after it (排污单位|排放污染物不得…): that actor.
    ``tight``: only a verb and its one noun object between them (not 家庭医生|签约服务协议应…, a noun compound)."""
    part = strip_numbering(part)
    if len(part) < 4 or "的" in part or INTRODUCTORY.match(part):
        return ""
    lead = _temporal_subject(part + "。")
    if not lead or not part.startswith(lead) or len(lead) >= len(part) - 1 or actor_kind(lead) is None:
        return ""
    rest = tagged(part[len(lead):])
    if not rest or not rest[0].flag.startswith("v") or rest[0].flag == "vn" and len(rest) == 1:
        return ""
    if tight and not (rest[0].flag == "v" and len(rest) >= 2 and rest[1].flag.startswith("n")
                      and all(w.flag in ("d", "ad") for w in rest[2:])):
        return ""
    actor = _clean_actor(lead)
    return actor if actor == lead and _plausible_lead(lead) else ""


def _plausible_lead(lead: str) -> bool:
    """Whether a phrase opening a sentence names its actor, not a clause cut at a head word (未经…部门, 发现行政机关,
    民办学校自主招聘教师和其他工作人员, 城市规划预留中小学校): people named as such, or a body's name read as nouns."""
    from .responsibilities import _is_noun_phrase, _names_people
    if re.match(r"(?:未经|非经|发现|申请|为|对|在|本市|本省|本区|本县|全市|全省)", lead) or _has_preposition(lead) \
            or re.search(r"经(?![营济销办费纪理])", lead):
        return False              # (患者经急诊科室诊治后…的: the patient, then what was done to them)
    tail = lead.rsplit("的", 1)[-1]        # 受暴雨灾害严重威胁的单位: a relative clause may hold verbs
    if actor_kind(lead) == "person":
        words = tagged(tail)
        return _names_people(tail) and not (words and words[0].flag == "v" and len(words) > 2)   # not 聘任…技术人员
    if _is_noun_phrase(tail) or _named_by_act(tail):
        return True
    head = head_at_end(tail) or ""
    words = tagged(tail[:len(tail) - len(head)]) if head else []
    return len(words) == 1 and words[0].flag.startswith("v") and len(tail) <= 6     # 排污单位: a body named by its act


def _acting_subject(first: str, after: str) -> str:
    """An organisation doing something (市场监督管理部门公示行政处罚信息) in a part that a legal modal
    follows after the comma: the subject of that rule."""
    first = strip_numbering(first)
    if not LEGAL_MODAL_OPEN.match(after) or first.endswith("的") or re.search(r"[时后前中]$", first):
        return ""
    lead = _temporal_subject(first)
    if not lead or actor_kind(lead) not in ("org", "person") or len(lead) >= len(first) - 1:
        return ""
    if "的" in first and not (RECEIVES.match(first, len(lead)) and _noun_before_de(first)):
        return ""          # 各部门制定的规章，必须…: the subject is what the 的-phrase names (but X接到…问题的投诉，应当…)
    from .responsibilities import _is_noun_phrase, _starts_with_verb
    rest = tagged(first[len(lead):])
    acts = _starts_with_verb(first[len(lead):]) or len(rest) == 1 and rest[0].flag == "v"   # X解散，应当… (not X建设，: a verbal noun)
    # 执行政府规定…, 编制开发区规划…, 若民办幼儿园属于…: no organisation opens the part
    return lead if acts and (_is_noun_phrase(lead) or _named_by_act(lead)) else ""


def _named_by_act(lead: str) -> bool:
    """A body named by what it does, the verb right before its head (医疗器械使用单位, 药品生产企业)."""
    head = head_at_end(lead) or ""
    words = tagged(lead[:len(lead) - len(head)]) if head else []
    return len(words) >= 2 and words[-1].flag.startswith("v") and all(not w.flag.startswith(("v", "p", "d"))
                                                                      for w in words[:-1])


RECEIVES = re.compile(r"接到|收到|发现|受理")     # X接到…的投诉，应当…: X acts on what reaches it


def _noun_before_de(first: str) -> bool:
    """Whether a noun stands before the first 的 (…问题的投诉: an object with its modifier), not a verb
    (…讨论决定的建议, 所划定的区域: a relative clause naming the subject)."""
    words = tagged(first[:first.index("的")])
    return bool(words) and (not words[-1].flag.startswith("v") or words[-1].flag == "vn")


AS_ROLE = re.compile(r"^(.{2,40}?)作为[^，,。；;]{2,30}$")


def _condition_subject(first: str) -> str:
    """The actor that opens a condition as its subject, the shortest one a verb follows (排污单位委托
    第三方机构…的 -> 排污单位; 任何单位和个人发现…的 -> 任何单位和个人); none when the condition
    opens with no actor (残疾学生较多的, 处理敏感个人数据的, 给当事人造成损失的)."""
    from .responsibilities import _names_people, _starts_with_noun
    words = tagged(first)
    k = 0
    for w, nxt in zip(words, words[1:]):
        k += len(w.word)
        if k > 28:
            break
        if not head_at_end(first, k) or not actor_kind(first[:k]) or nxt.word in DEGREE_WORDS or \
                not (nxt.flag.startswith(("v", "p", "d")) and nxt.flag != "vn" or nxt.word in ("依法", "依照", "擅自")):
            continue
        actor = _clean_actor(first[:k])
        return actor if actor == first[:k] and _starts_with_noun(actor) and _names_people(actor) else ""
    return ""


DEGREE_WORDS = ("较", "很", "更", "最", "太", "比较", "过于", "较多", "较少")


def _part_has_subject(text: str, cue_pos: int) -> bool:
    """Whether the cue's part names a subject of its own after a condition (业主对…有异议的，筹备组
    应当…; …申请查询的，急救医疗指挥机构应当…), so the condition's subject is not the cue's."""
    k = max(text.rfind("，", 0, cue_pos), text.rfind(",", 0, cue_pos))
    if k < 1 or text[k - 1] != "的":
        return False
    own = re.sub(rf"^(?:[{SUBJECT_TRAIL}]|并|同时|还|均|都)+", "", text[k + 1:cue_pos].strip())
    return 2 <= len(own) <= 20 and "、" not in own and not (
        INTRODUCTORY.match(own) or SUBJECT_STOP.search(own) or ACTION_LEAD.match(own) or VERB_START.match(own)
        or re.match(r"[\d一二三四五六七八九十两]", own) or re.search(task_verbs(), own))


def _split_actor(actor: str) -> list[str]:
    return split_members(actor)


@lru_cache(maxsize=1)
def _pair_words() -> frozenset[str]:
    return frozenset(r["word"] for r in table("actor_pair_words"))


JOINERS = ("尤其是", "特别是", "以及", "及其", "或者", "及", "和", "与")
_JOINER_RE = {sep: re.compile(re.escape(sep) + ("(?![它他])" if sep in ("及其", "及") else "")) for sep in JOINERS}


def _split_pair(phrase: str) -> list[str]:
    """高校和科研院所 → 高校 | 科研院所; 各级人民政府及相关部门 → two; but 学校和单位, 学生和家长 (a
    bare 单位/家长 beside 和 makes one joint subject) and 本级或者上级总河长 (本级 is no actor) stay whole."""
    for sep in JOINERS:
        if sep in phrase:
            parts = _JOINER_RE[sep].split(phrase)     # X及其有关部门 → X | 有关部门 (及其它 is 及 + 其它)
            if len(parts) < 2:
                continue
            if all(len(p) >= 2 and actor_kind(p) for p in parts) and not any(p in _pair_words() for p in parts):
                return [q for p in parts for q in _split_pair(p)]
    return [phrase]


SHARED_MODIFIER = re.compile(r"^(?:各有关|各相关|有关|相关|其他|其它)")
BARE_GENERIC = r"(?:部门|单位|机构|组织|人员|工作人员|个人|机关|企业)"


# how the name of a place or person ends (托儿所, 幼儿园, 卫生院, 保育员, 物业服务人): a member of its own in a list
MEMBER_END = re.compile(r"(?:(?<!场)所|[园校院站馆员人者队厂关])$")
# a list whose last words qualify every member (…的经营、管理单位, 赡养人、扶养人所在单位, …或者使用者)
SHARED_TAIL = re.compile(r"的|所在|或者|等")


@lru_cache(maxsize=1)
def _parties() -> frozenset[str]:
    return frozenset(r["word"] for r in table("actor_parties"))     # 公民、法人和其他组织: the addressees, one actor


STAFF_OF = re.compile(r"(?<=.)及其(?:工作人员|从业人员|职工|员工)$")


def split_members(phrase: str) -> list[str]:
    """The members of an enumerated subject or object (see _members); a fresh list per call."""
    return list(_members(phrase))


@lru_cache(maxsize=8192)      # a pure function of the phrase; the same subjects recur across clauses
def _members(phrase: str) -> list[str]:      # (cached: callers get split_members's copy)
    """The members of an enumerated subject or object, each an actor of its own:
    ``区发展改革委、区投促办、区财政局`` → three, ``国家能源局和省级能源主管部门`` → two,
    ``银行、担保机构等金融机构`` → 银行 | 担保机构, ``电力企业、研究机构及其它行业相关单位`` → three.
    A list whose members share a suffix stays one unit (``市、区（县）人民政府``, ``各县、市、区政府
    和管委会``, ``教育、人社部门``)."""
    phrase = p = STAFF_OF.sub("", phrase)     # 幼儿园及其工作人员: the body (its staff act as it)
    p = phrase = re.sub(r"(?<=[^、，,])(?:以及|及|和|或者|或)其[他它]组织(?:等)?$", "", p) \
        if not re.match(r"(?:任何|一切)?(?:公民|自然人)", p) else p     # …企业和其他组织: the bodies named, not the catch-all
    parties = re.split(r"、|以及|或者|和|或|及|与", re.sub(r"^(?:任何|一切|各|其他|其它)", "", p))
    if len(parties) > 1 and all(x in _parties() for x in parties):
        return [phrase]                        # 公民、法人和其他组织; 任何部门、单位、个人: the parties a rule addresses, one
    left, sep, right = p.partition("以及")
    if sep and actor_kind(left) and (actor_kind(right.split("、")[0]) or "、" in right and actor_kind(right)):
        # 各有关部门和单位以及北京市、天津市; 各级人民政府、街道办事处以及农业农村、生态环境等有关主管部门:
        # 以及 joins two lists, each split on its own
        return split_members(left) + split_members(right)
    # not 学校、医院等单位设立的安全组织; 科学技术、教育、财政等部门 names sectors sharing 部门, not bodies
    m = re.match(r"^(.+?)等([^、，,和及的]{2,12})$", p)
    if m and ("、" in m.group(1) or actor_kind(m.group(1))) and head_kind(m.group(1)) not in NAMED_ONLY:
        p = m.group(1)                     # 银行、担保机构等金融机构: the members named
    p = re.sub(r"等$", "", p)
    left, sep, right = p.partition("或者")
    if sep and actor_kind(left) and SHARED_MODIFIER.match(right) and actor_kind(right):
        # 生态环境主管部门或者其他行使…权的部门、机构: a unit, or a group of others as written
        return split_members(left) + split_members(right)
    if sep and actor_kind(left) == "org" and actor_kind(right) == "org" and "、" not in right and "的" not in p \
            and head_at_end(TRAILING_BRACKET.sub("", left)) != head_at_end(TRAILING_BRACKET.sub("", right)):
        return split_members(left) + split_members(right)     # 乡、镇人民政府或者街道办事处: either body, each a unit
    pieces = p.split("、")
    if len(pieces) > 1 and SHARED_MODIFIER.match(pieces[0]) and \
            all(re.fullmatch(BARE_GENERIC, x) for x in re.split(r"、|和|及|或者|或", p[len(pieces[0]) + 1:])):
        return [phrase]                    # 有关部门、单位和工作人员: 有关 qualifies every member, one group
    if len(pieces) > 1 and re.fullmatch(r"[^的及和与]{1,12}的[^的及和与]{2,12}", pieces[-1]) and \
            all(len(x) <= 12 and "的" not in x for x in pieces[:-1]):
        return [phrase]                    # 乡（镇）人民政府、街道办事处的爱国卫生组织: 的 binds the whole list
    if len(pieces) > 1 and "所在" in pieces[-1] and not any("所在" in x for x in pieces[:-1]):
        return [phrase]                    # 赡养人、扶养人所在单位: the unit of either
    if len(pieces) > 1 and _shared_suffix_list(pieces):
        pair = _split_pair(pieces[-1]) if "或" not in pieces[-1] else []     # (X、Y或者Z: alternatives stay whole)
        if len(pair) == 2 and head_at_end(pair[0]) != head_at_end(pair[1]):
            # 发展改革、财政、社会组织管理部门和市残疾人联合会: the sectors share 部门, the body after 和 is its own
            return ["、".join(pieces[:-1] + [pair[0]]), pair[1]]
        return [phrase]
    if len(pieces) > 1:
        if all(actor_kind(x) and len(x) >= 2 for x in pieces):
            out = [q for x in pieces for q in _split_pair(x)]
            return out if all(actor_kind(q) for q in out) else [phrase]
        # 市、区（县）河长制工作机构和河长制工作责任单位, 市、区（县）、镇人民政府、街道办事处: the
        # shared-suffix list and a unit of its own
        for sep in ("以及", "及其", "及", "和", "、"):
            left, _, right = p.rpartition(sep)
            if sep == "及" and right[:1] == "其" and right[1:2] not in ("它", "他"):
                continue                   # X及其有关部门: split at 及其
            if sep == "及其" and right[:1] in ("它", "他"):
                continue                   # X及其他…单位: 及 + 其他, split at 及
            head = head_at_end(TRAILING_BRACKET.sub("", right))    # 再担保基金（机构）: the head before the bracket
            if left and head and len(right) > len(head) + 1 and actor_kind(left) and right not in _pair_words():
                # …林业等部门和乡镇人民政府、街道办事处: the list after the joiner splits on its own
                return [left] + (split_members(right) if "、" in right and sep != "、" else [right])
        # 市、区县人民政府相关部门、金融机构、社会组织: a division (市) shares the next member's name
        if SHARED_TAIL.search(p):
            return [phrase]
        groups, pending = [], []
        for x in pieces:
            pending.append(x)
            if re.fullmatch(BARE_GENERIC, x):
                return [phrase]                     # …其他有关部门、单位: 其他有关 qualifies both
            if len(x) >= 2 and not DIVISION_LIST.fullmatch(x) and (actor_kind(x) or MEMBER_END.search(x)):
                groups.append("、".join(pending))  # 托儿所、幼儿园、中小学校: places and people named as such
                pending = []
            # else a division (各市、县（市、区）教育部门) or a sector (公安、交通运输部门) shares the next name
        return groups if not pending and len(groups) > 1 else [phrase]
    return _split_pair(p)


# A group head (lexicon kind group) ends an object only where what follows is what the group does (鼓励
# 青年科技人才创新创业, 支持…法律服务人才在…发挥作用), not where it goes on a noun (人才培养, 村庄周边).
GROUP_ACTS = re.compile(r"[在到为和及与、，,。；;等]|$|创新|创业|参与|开展|发挥|从事|来|进入|投身|落户|申报|申请|加入|入驻|"
                        r"提供|担任|按照|依法")


def _np_end(window: str, start: int) -> int | None:
    """End of the first actor phrase starting at window[start]: the first head word, stretched to a
    longer head written over it from its start or right after it, up to four characters further
    with no separator or verb between (高等院 → 高等院校, 集团 → 集团成员校, 行业主 → 行业主管部门;
    but 教师大胆 stays 教师: 师大 starts inside 教师)."""
    for n in range(start + 2, len(window) + 1):
        head = head_at_end(window, n)
        if head and (_heads()[1][head] != "group" or GROUP_ACTS.match(window, n)):
            best = n
            for k in range(1, 5):
                if n + k > len(window) or re.search(r"[、和及与等，,（(]", window[n:n + k]) or VERB_START.match(window[n:]):
                    break
                longer = head_at_end(window, n + k)
                # 财政 → 财政部: a one-character office head right after it makes the longer name
                if longer and (_heads()[1][longer] != "group" or GROUP_ACTS.match(window, n + k)) and (len(longer) >= 2 or k == 1 and longer in "部局厅署") and (n + k - len(longer) <= n - len(head) or n + k - len(longer) >= n):
                    best = n + k
            while best < len(window) and head_goes_on(window, best):
                best += 1          # …管理委员|会: the longer head it starts
            return best
    return None


def object_actor(text: str, after: int) -> str | None:
    """The group named right after 鼓励/支持/请 (鼓励有条件的地方提高补助标准 → 有条件的地方), with its
    enumeration (鼓励高等院校、科研院所加快… → 高等院校、科研院所; 银行、担保机构等金融机构)."""
    window = text[after:after + 40]
    window = _PART_BREAK.split(window)[0]
    window = re.sub(r"^(?:和|并|与)?(?:规范|保障|引导|带动|推动|促进|帮助|督促|指导)", "", window)
    if VERB_START.match(window) or OBJECT_NOT.match(window):
        return None   # 鼓励开展…活动: an action; 请按照国务院有关文件精神…, 鼓励为青年…: a manner, not an actor
    end = _np_end(window, 0)
    if end is None:
        return None
    while end < len(window):
        m = re.match(r"(?:、|以及|及|和|与)", window[end:])
        if m:
            nxt = _np_end(window, end + m.end())
            if nxt is None or nxt - end > 16 or VERB_START.match(window[end + m.end():]):
                break
            end = nxt
            continue
        if window[end] == "等":
            nxt = _np_end(window, end + 1)
            end = nxt if nxt is not None and nxt - end <= 8 else end
        break
    if re.search(r"[^、和及与等]向(?!导)", window[:end]):
        return None   # 引导资金、人才等创新资源向企业聚集: what is steered and where, no actor
    if window.startswith("其"):
        return None   # 支持其申请…验收: the body named before, not a new actor
    np = window[:end]
    inner = INNER_ACT.search(np, 2)
    if inner and head_at_end(np, inner.start()) and actor_kind(np[:inner.start()]):
        np = np[:inner.start()]   # 支持民营企业参与…建设: the group, then what it does (not 城乡建设部门)
    actor = _clean_actor(np)
    words = tagged(actor) if actor and actor_kind(actor) == "person" and "的" not in actor else []
    if any(w.flag == "d" and n.flag.startswith("v") for w, n in zip(words, words[1:])):
        return None   # 引导全社会更加关心、关爱残疾人: a clause ending in people, not the people encouraged
    return actor


_PART_BREAK = re.compile(r"[，,。；;：:]")
# a preposition, a manner adverb or a verb of asking opening what follows 鼓励/支持/请: no actor is named (但 从事…的单位,
# 对外…, 经营…的企业 are)
OBJECT_NOT = re.compile(r"^(?:按照|依照|依据|根据|结合|围绕|针对|通过|以|为|向|与|同|对(?!外)|在|从(?!事)|把|将|"
                        r"主动|及时|自行|尽快|按时|提前|咨询|联系|登录|前往|携带)")   # 请主动联系…, 请咨询X: what to do


OBJECT_VERBS = (r"(?:开展|建设|实施|推进|加强|发展(?!改革)|建立|引进|引入|提供|创建|探索|举办|参与|参加|利用|采取|采用|使用|设立|"
                r"培育|打造|推动|深化|扩大|完善|落实)")
VERB_START = re.compile("^" + OBJECT_VERBS)


# a verb inside what looks like the object's name: the group ended before it (民营企业|参与…, 其|申请…)
INNER_ACT = re.compile(OBJECT_VERBS + "|申请(?!人)")


# the group named right after the cue is who is encouraged, supported or let act (同意某高新区享受…政策)
OBJECT_CUES = ("鼓励", "支持", "倡导", "引导", "允许", "同意")
# 请(及时)向X反映, 请商X办理: X is whom they report to or consult
REPORT_TO = re.compile(r"(?:径|直接|及时|迅速|立即|主动)*(?:向|商(?![业务场事保贸会户品标]))")
_JOINED_CUE = re.compile(rf"[和与及、并](?:{'|'.join(OBJECT_CUES)})")


# what a designation makes a body (X是…的主管部门, X是业主大会的执行机构), not a description (政务新媒体是…重要渠道)
DESIGNATION = re.compile(r"是[^，,。；;]{0,40}?(?:部门|机关|机构|单位|主体|责任人)(?:之一)?(?:[（(][^（）()]{0,24}[）)])?(?:[，,。；;]|$)")


def actors_of(text: str, kind: str, cue: str | None, cue_pos: int | None, recipients: list[str]) -> list[str]:
    if cue is None or cue_pos is None:     # 市民政部门是本市…工作的主管部门: the body a designation names
        if (rep := ON_BEHALF.search(text)) and actor_kind(rep[1]):
            return [rep[1]]                # 现在，我代表省人民政府，向大会报告工作: the government reporting
        return _leading_subjects(text, copula=bool(DESIGNATION.search(text)))
    if cue == "请":
        if REPORT_TO.match(text, cue_pos + len(cue)):
            return []                                    # 请径向市民政局反映: X is whom to tell, no actor
        obj = object_actor(text, cue_pos + len(cue))    # 请国家能源局派出机构对…加强监管
        return split_members(obj) if obj else list(recipients)
    if cue in OBJECT_CUES:
        # 鼓励企业…，支持高校和科研院所…: the groups each encouragement names, in order
        out: list[str] = []
        for pos, c in find_cues(text):
            if c.word in OBJECT_CUES and not _JOINED_CUE.match(text, pos + len(c.word)):   # (鼓励和支持高校: 支持's)
                obj = object_actor(text, pos + len(c.word))
                out += [a for a in (split_members(obj) if obj else []) if a not in out]
        return out or subject_actors(text, cue_pos)
    if (entry := _cue_by_word().get(cue)) and entry.counted:
        # 新引进和培育10家企业，培育5家…: what a plan yields; only a subject written in the cue's own part acts
        return subject_actors(text, cue_pos) if _PART_BREAK.split(text[:cue_pos])[-1].strip() else []
    # 学术委员会委员由依托单位聘任: what stands before 由 is acted on; X after it acts
    actors = _you_actor(text, cue_pos) if cue == "由" else subject_actors(text, cue_pos)
    if not actors:
        actors = _you_actor(text, cue_pos)
    if not actors and not _part_has_subject(text, cue_pos):
        actors = _leading_subjects(text[:cue_pos], copula=True)   # 总河长是第一责任人，…负责…
    if not actors:
        left = _PART_BREAK.split(text[:cue_pos])[-1]
        actors = _leading_subjects(left) if left else []     # …，市总河长每年巡查不少于一次
    if not actors and re.search(r"[，,]\s*(?:都|均|也)?$", text[:cue_pos]):
        # 有下列情形之一的，X、Y等部门，应当…: a bare subject between the frame and the modal
        parts = _PART_BREAK.split(text[:cue_pos].rstrip("，, 都均也"))
        if len(parts) > 1 and _bare_subject(parts[-1]):
            actors = split_members(_clean_actor(parts[-1]) or parts[-1])
    if not actors:
        # 机关和单位都要从严把关，该取缔的必须取缔: the subject of an earlier modal in the sentence
        for pos, c in find_cues(text[:cue_pos]):
            if c.kind == kind and (c.word in LEGAL_MODALS or c.word == "要"):
                actors = subject_actors(text, pos)
                if actors:
                    break
    if not actors:
        # 电网规划应…，电力企业、研究机构应积极参与配合: the subject of a later cue of the same kind
        for pos, c in find_cues(text):
            if pos > cue_pos and c.kind == kind and kind in ("obligation", "prohibition", "permission") \
                    and re.search(r"[，,；;]", text[cue_pos:pos]):
                actors = subject_actors(text, pos)
                if actors:
                    break
    for partner in partners(text):
        if actors and partner not in actors:
            actors.append(partner)
    return actors


def _you_actor(text: str, cue_pos: int) -> list[str]:
    """必须由X负责… / 可由X代…: X."""
    m = by_you(procedure=True).match(text, _part_start(text, cue_pos))
    stop = BY_STOP.search(m["x"], 2) if m else None
    a = _clean_actor(m["x"][:stop.start()] if stop else m["x"]) if m else None   # 由X商Y制定: X
    if not a and text[cue_pos:cue_pos + 1] == "由" and (by := assigned(text[cue_pos:])) and by[0] == 0:
        a = by[1]                           # 具体办法由市农业农村部门会同市科技、财政等部门制定
    return split_members(a) if a else []


@lru_cache(maxsize=2)
def task_verbs(partner_ends: bool = False) -> str:
    """lexicon/task_verbs.tsv as a regex alternation, longest first; ``partner_ends``: only the words
    that may end a list of partners (one-character verbs such as 设, 报 end too many unit names,
    城乡建设部门, except 对 and 做)."""
    words = [r["verb"] for r in table("task_verbs")
             if not partner_ends or len(r["verb"]) > 1 or r["verb"] in ("对", "做")]
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


# …会同Y自收到…之日起: the time a limit runs from ends the partners too
SINCE_EVENT = r"自(?=收到|受理|接到|[^，,。；;]{1,16}之日)"


# X组织Y编制…: the bodies X organises act with it as partners (组织实施/开展/协调… is a verb of X's own; 组织部 a name)
ORGANISES = r"组织(?!部|实施|开展|编制|协调|领导|机构|形式|保障|建设|管理|动员|指导|力量|和|、|的|者|化)"


@lru_cache(maxsize=2)
def _partner(words: str = PARTNER_WORDS) -> re.Pattern:
    """会同/联合/协同 and the units up to the task verb (lexicon/task_verbs.tsv, or an act that never closes
    a unit's name: after_x in by_acts.tsv/resp_by_verbs.tsv, 会同Y确定…, 会同Y另行制定…) or the part's end."""
    verbs = task_verbs(partner_ends=True) + "|另行|" + _x_ends()
    # …会同Y在每年3月底前公布: a time or place phrase after the partners ends them too
    # …会同公安、资源规划等有关部门统一…: a closing 等有关部门 ends them before any verb
    generic = r"(?:等|有关|相关)+(?:主管|职能|行政)?(?:部门|单位)(?=[\u4e00-\u9fff])(?!和|及|与|以及)"   # (…等)有关部门 + a verb
    return re.compile(rf"(?:{words})(?P<units>{generic}"
                      rf"|[^，,。；;]{{2,40}}?(?:(?=等?(?:{verbs}|在(?![职岗校])|{SINCE_EVENT})|[，,。；;])|{generic}))")


@lru_cache(maxsize=1)
def _partner_end() -> re.Pattern:
    """What may follow a list of partners: a task verb, 在 (a place or time), a modal or a manner
    adverb (会同国务院文物主管部门应当…, 会同相关行政管理部门逐步建立…), or the part's end."""
    return re.compile(rf"等?(?:{task_verbs(partner_ends=True)}|在(?![职岗校])|{SINCE_EVENT}|应当|应|要|须|必须|可以|逐步|重新|共同|统一|"
                      rf"定期|及时|依法|依照|分别|编制|进一步|尽快|适时)|[，,。；;]")


def partners(text: str) -> list[str]:
    """The units a clause's subject acts together with (X会同Y…: Y), member by member."""
    out = []
    for k in re.finditer(f"{PARTNER_WORDS}|{ORGANISES}", text):
        organises = k.group().startswith("组织")
        m = _partner(ORGANISES if organises else PARTNER_WORDS).match(text, k.start())
        if not m or organises and (actor_kind(LIST_AFTER_GROUP.split(m["units"])[-1]) != "org"
                                   or re.match(task_verbs(), m["units"])):
            continue                      # 组织专家评审, 组织召开…会议: people or an act organised, no partners
        units = m["units"]
        if not head_at_end(units):      # 会同…驻湖机构建立…: not cut inside 机构 before the verb 构建
            stop = min(len(text), k.end() + 41, *(i for p in "，,。；;" if (i := text.find(p, k.end())) >= 0))
            units = next((text[m.start("units"):e] for e in range(m.start("units") + 2, stop + 1)
                          if head_at_end(text, e) and _partner_end().match(text, e)), units)
        before = re.sub(r"(?:应当|应|要|须|必须|可|并|将|积极|主动|负责|牵头|适时|及时|定期|依法|共同)+$", "", text[:m.start()])
        if not head_at_end(before) and not before.endswith(("，", ",")):
            continue                      # 产业协同创新领导小组: 协同 inside a name (…，会同Y…: the subject's partner)
        for part in LIST_AFTER_GROUP.split(units):    # 发展改革、财政等部门和相关区人民政府: the group, then another
            a = _clean_actor(part)
            if a:
                out += [x for x in split_members(a) if x not in out]
    return out


LIST_AFTER_GROUP = re.compile(r"(?<=等部门|等单位)(?:和|及|以及|与)")


# 组织部 after 区委 is the party's department going on (天河区委组织部人才工作科), not 组织 as a verb
LEAD_SUBJECT = re.compile(rf"^(?:会同|{CONSULT_WORD}|牵头|负责(?!人)|联合|组织(?!部)|统筹|依据|依照|根据|按照|对|将|在|研究|定期|每|要|应|须|结合|及时|通过|"
                          r"履行|承担|可|不|是(?!指)|为(?![^，,。；]{0,30}的[，,])|"
                          r"(?:收到|接到|受理)[^，,。；]{1,20}?(?:后|之日起))")     # 项目办收到材料后及时组织…


def _has_preposition(phrase: str) -> bool:
    """Whether jieba reads a preposition inside the phrase (以, 对, 在…): a clause, not a unit name."""
    return any(w.flag == "p" for w in tagged(phrase))


# X、Y等部门，应当…: X and Y; also before a regulation's declarative duty (X、Y等部门，依法在各自职责范围内…监督管理)
_MODAL_AFTER_COMMA = re.compile(r"[，,](?:都|均|也)?(?:应当|应|要|须|必须|负责|依法|按照各自(?:的)?职责|在各自(?:的)?职责范围内|根据各自(?:的)?职责)")


# a date opening a schedule's line (7月2日，区教育局通过…公布录取情况): the subject follows it
DATE_PART = re.compile(r"(?:(?:19|20)\d{2}年)?\d{1,2}月\d{1,2}日(?:前|起|后|至\d{1,2}日)?|(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|前|起)?")


def _verb_first(phrase: str) -> bool:
    """Whether jieba reads the phrase's first word as a verb (优化政府支持…: no body opens it)."""
    words = tagged(phrase)
    return bool(words) and words[0].flag in ("v", "vn")


@lru_cache(maxsize=1)
def _task_verb_open() -> re.Pattern:
    return re.compile(rf"(?:{task_verbs(partner_ends=True)})")


def _acts_after(part: str, n: int) -> bool:
    """A task verb right after an organisation that opens the part (市住房城乡建设管理委制定并实施…,
    市委金融办引导金融机构…): that organisation acts."""
    m = _task_verb_open().match(part, n)
    if not m or any((h := head_at_end(part, e)) and e - len(h) >= n for e in range(m.end(), min(len(part), m.end() + 2) + 1)):
        return False           # 市委|组织部, 人民政府|负责人: the verb starts a name
    # not a cited title's words, nor a verb of a relative clause (市人民政府设立的…机构)
    return not part.startswith("《") and not re.match(r"[^，,。；;的]{0,3}的", part[m.end():])


def _leading_subjects(text: str, copula: bool = False) -> list[str]:
    """A cue-less clause (or the part before a cue) that opens with an organisation acting on its
    own (区发展改革委会同有关单位督促推进…; 国家发展改革委、国家能源局依据…对…进行…): that organisation."""
    parts = _PART_BREAK.split(text)
    part = parts[1] if len(parts) > 1 and DATE_PART.fullmatch(parts[0].strip()) else parts[0]   # 7月2日，区教育局…
    part = re.sub(r"^(?:同时|此外|另外|并|由)", "", part)
    for m in head_end_chars().finditer(part, 1, min(len(part), ENUMERATION_MAX)):   # only where a head word can end
        n = m.end()
        if n > 40 and "、" not in part[:n]:
            break                      # a subject this long is a list of sectors (发展改革、…、气象等部门)
        acts = False
        if head_at_end(part, n) and not head_goes_on(part, n) and \
                (LEAD_SUBJECT.match(part[n:]) or (acts := _acts_after(part, n)) or n == len(part) and (_MODAL_AFTER_COMMA.match(text, n)
                                                                     or text[n:] in ("，", ","))) and \
                (copula and part[n:n + 2] != "是否" or part[n:n + 1] != "是") and (_heads()[1][head_at_end(part, n)] != "group"
                                                                             or part[n:n + 1] == "将"):   # 我们将…
            a = _clean_actor(part[:n])
            if a and not VERB_START.match(a) and not re.match(r"(?:对|在|按|以|将|把|为|经(?![营济销办费纪理])|与|从|向|和|及|加强|"
                                                             r"推进|推动|支持|鼓励|发挥|充分|强化|提高|提升|引导|吸引|"
                                                             r"引进|招引|扶持|培育|监督|协助|督促|指导|举办|完善|健全|深化|"
                                                             r"扩大|落实|实施)", a):
                from .responsibilities import _is_noun_phrase, _plain_name, _starts_with_noun
                if _has_preposition(a) or not (_starts_with_noun(a) or SELF_REFERENCE.fullmatch(a)) or acts and (not _is_noun_phrase(a) or
                                                                                 len(a) <= 4 and _verb_first(a)):
                    return []          # 本市推动形成以企业为主体…, 围绕布局…, 成果报送区规划资源局审核: no organisation opens it
                members = split_members(a)
                if (n == len(part) or acts) and ("的" in a or not all(_plain_name(x) for x in members)) or "已" in a:
                    return []          # …要求送往其指定的医疗机构，应当…; 发展改革委已委托…公司对…: a clause, not a subject
                return members + [p for p in partners(text) if p not in members]
            return []
    return []


# a work report's opening: who reports (现在，我代表海南省人民政府，向大会报告工作)
ON_BEHALF = re.compile(r"我代表([^，,。；;]{2,20}?)[，,]?向")
# how a document's author names itself as the subject (我们将…, 我局将进行专项检查)
SELF_REFERENCE = re.compile(r"我(?:们|局|委|厅|部|办|院|司|署|会)")


# --- the extractor --------------------------------------------------------------------------

PREAMBLE = re.compile(r"^以[^，,。；]{2,40}为(?:指导|引领|统领)")
ISSUED = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日)\s*[^。；]{0,80}?(?:通过|批准|公布|修正|修订)|"
                    r"^(?:已)?经[^，,。；;]{2,40}会议(?:审议)?通过|(?:印发|转发)给你们[，,。；;]?$|(?:进行|作出|出台|印发|制定|发布|开展)了[^，,。；]{0,20}[。；;]?$")
# An office's seat or head, as a record of how things are set up (领导小组办公室设在生态环境部;
# 办公室主任由生态环境部副部长兼任), and a document someone has drawn up (…编制了《…》).
INSTITUTION = re.compile(r"^[^，,。；;]{2,24}设在[^，,。；;的]{2,30}[。；;]?$|由[^，,。；;]{2,40}(?:兼任|担任)[。；;]?$")
# A definition (本条例所称河长制，是指…; 挂靠单位是指…): what follows 是指 names, it sets no rule.
DEFINITION = re.compile(r"^[^，,。；;]{2,30}(?:[，,])?(?:是指|系指)")
# What is or was, with no cue: an approval on record (《…》已经市政府同意), a result reached (取得了显著效果,
# 发生了重大变化), a stance held (党中央、国务院高度重视…), a problem
# that remains (但融资担保行业还存在…等问题).
STATE_OF_THINGS = re.compile(r"已经[^，,。；;]{1,30}(?:同意|批准)[。；;]?$|"
                             r"(?:取得|进行|作出|实现|完成|形成|发生|积累|经历|提出)了|^[^，,。；;]{2,20}高度重视|"
                             r"(?:还|仍|仍然|依然|也)存在[^。；;]{0,60}(?:问题|不足|短板|差距)")
# A request acknowledged (你们关于支持…的请示（国科发高〔2018〕235号）收悉): a fact whatever cue the request's name holds.
ACKNOWLEDGED = re.compile(r"收悉[。；;，,]?$")
# What a bulletin reports as done: an accident and its toll, the findings of an inquiry, the sanctions
# imposed on named people (通报: 8月11日，…事故造成43人死亡; 经调查认定，…均为责任事故; X受到撤销党内职务处分;
# X被移交司法机关依法追究刑事责任), and what was left unsettled at the time (当时，…未作规定).
NARRATED_EVENT = re.compile(r"受到[^，,。；;]{0,24}处分|被(?:移交|移送)司法机关|被(?:开除|撤销|免去|判处)|"
                            r"造成\d+人(?:死亡|受伤|遇难|失踪)|均为责任事故|^经调查认定|^当时[，,]")
# How a review of the past year ends: the government's pledge to mend what is short (对此，我们将…) and what is
# still to do (…还要加大力度, …仍需进一步提升).
PLEDGE = re.compile(r"^(?:对此[，,]?|对这些[^，,。；;]{0,24}[，,])?我们将")
STILL_TO_DO = re.compile(r"(?:还|仍|尚)(?:要|需)")
# a cue-less report of what was done (这些问题制约了政策效果; 相继颁布实施《网络安全法》…): a fact; not a case a rule
# sets out (…已有处罚规定的，) nor a part that still holds a duty word
PERFECTIVE = re.compile(r"(?<![为除到罢])了(?![解结却])|(?:相继|先后)(?:颁布|印发|出台|制定|实施|开展|建成)")
CASE_OR_DUTY = re.compile(r"的[，,]|要|应|必须|须")
FUTURE_MARK = re.compile(r"到20\d{2}|力争|将|今后|下一步")
RETROSPECT = re.compile(r"^(?:近年来|近些年来?|近几年来?|多年来|长期以来|过去[一二三四五六七八九十几\d]*年(?:来|间|里)?)[，,]")
DRAWN_UP = re.compile(r"(?:编制|制定|制订|印发|出台|发布|颁布|修订)了《")
GOAL_HEADING = re.compile(r"(?:主要|发展|总体|工作|预期|行动|具体|阶段性?|近期|远期|中期)目标|目标任务|^目标$")
WEAK_PRIORITY = 50


# A paragraph opened by a look back over the past year(s) (a work report's 过去的一年，…): its
# figures are results, not goals (…全省地区生产总值达到5.53万亿元、增长4.8%).
LOOK_BACK = re.compile(r"(?:过去的?(?:一|[二三四五]|几)年|这(?:一|[二三四五]|几)年|一年来|[二三四五]年来|去年)[，,]")


def classify(text: str, section_heading_path: str, doc_year: int | None,
             goal_context: bool = False, review_context: bool = False) -> tuple[str, str | None, int | None]:
    """Rules first: a cue decides.  Without a cue, a sentence opening with a future deadline is a
    goal, a sentence in a review section or with past markers about a past year is a fact.
    A purpose preamble (为…，制定本方案) or the guiding-ideology sentence (以…为指导) is ``other``
    whatever verbs it holds; a legislative or issuing record (…会议通过, 现将…印发给你们) is a fact.
    ``goal_context``: the clause stands in a goal section (一、主要目标) or in a paragraph opened
    by a future deadline (到2025年，…。建设一批…), so a clause without a cue there is a goal."""
    if PREAMBLE.search(text) or CLOSING_PART.match(text) or LISTED_CASE.match(text):
        return "other", None, None         # （三）依法应当作出…的决定而未作出的；: a case a rule lists, not a rule
    if ACKNOWLEDGED.search(text):
        return "fact", None, None
    kind, cue, pos = decide(text)
    review_context = review_context or bool(LOOK_BACK.match(text))   # …。过去五年，我们…实现…: a look back too
    looking_back = in_review(section_heading_path) or review_context
    if looking_back and ((cue is None or _cue_priority(cue) < WEAK_PRIORITY + 10) and PLEDGE.match(text)
                         or cue is not None and STILL_TO_DO.match(text, max(0, pos - 1))):
        return "other", None, None         # a review's closing: 我们将正视问题…, …还要加大力度: neither done nor a task set
    if cue is not None and (d := DEFINITION.search(text)) and pos >= d.end():
        return "other", None, None         # 业务主管部门是指…经委托承担业务主管职能的单位: what a word means
    if cue is None and (ISSUED.search(text) or INSTITUTION.search(text) or
                        (STATE_OF_THINGS.search(text) or PERFECTIVE.search(text) and not CASE_OR_DUTY.search(text))
                        and not FUTURE_MARK.search(text)):
        return "fact", None, None
    if cue is None and NARRATED_EVENT.search(text) and not CASE_OR_DUTY.search(text) and not LIST_ITEM.match(text) \
            and not re.search(r"的[；;。]?$", text):
        return "fact", None, None          # a bulletin's account: 事故造成43人死亡, X受到撤销党内职务处分, 被移交司法机关
    if RETROSPECT.match(text) and "了" in text:
        return "fact", None, None          # 近年来，各地区…进行了积极探索: what was done, whatever verbs it holds
    if DRAWN_UP.search(text) and (cue is None or _cue_priority(cue) < 75):
        return "fact", None, None          # 区房管局牵头编制了《…行动计划》: work done, whatever verbs it holds
    future_ok = _not_before_document(FUTURE_GOAL.match(text), doc_year)
    if cue is not None:
        if kind == "goal" and (looking_back or _starts_in_past(text, doc_year)):
            return "fact", None, None
        if looking_back and not LEGAL_MODAL_OPEN.match(cue) and cue not in ("要", "禁止", "严禁"):
            return "fact", None, None      # 过去一年，…全力支持雄安新区建设，…: what was done, whatever verb it holds
        if future_ok and kind != "goal" and _cue_priority(cue) < WEAK_PRIORITY:
            return "goal", None, None      # 到2025年，…不低于90%: the deadline sets a goal
        if _cue_is_opening(cue) and GUIDING_HEADING.search(section_heading_path.rsplit(" / ", 1)[-1]):
            return "other", None, None     # 指导思想: 认真贯彻落实…精神 states a stance, not a task
        return kind, cue, pos
    if review_context:
        return "fact", None, None      # 这五年，…: a paragraph looking back, even under 主要目标任务
    in_goals = goal_context or GOAL_HEADING.search(section_heading_path.rsplit(" / ", 1)[-1])
    if in_goals and not in_review(section_heading_path) and not _starts_in_past(text, doc_year) \
            and not _names_past_year(text, doc_year):
        return "goal", None, None      # 发展目标: …资源得到充分盘活利用，完成改造面积11.4万平方米 is the plan's goal
    if _is_past(text, section_heading_path, doc_year):
        return "fact", None, None
    if future_ok or in_goals:
        return "goal", None, None
    return "other", None, None


GUIDING_HEADING = re.compile(r"指导思想|总体思路")


def _cue_is_opening(word: str) -> bool:
    cue = _cue_by_word().get(word)
    return bool(cue and cue.opening)


def _cue_priority(word: str) -> int:
    cue = _cue_by_word().get(word)
    return cue.priority if cue else 100


def _opens_future_goal(line: str, doc_year: int | None) -> bool:
    """Whether a paragraph opens with a deadline not before the document's year (到2025年，…)."""
    return _not_before_document(FUTURE_GOAL.match(line.lstrip(" \u3000—-")), doc_year)


def _starts_in_past(text: str, doc_year: int | None) -> bool:
    """Whether the sentence opens with a year before the document's, after at most a short label
    (稳增长“21”条：2025年4月1日，省政府办公厅印发…: a note on what was done)."""
    m = re.match(r"^(?:[^，,。；;：:]{1,16}[：:])?(?:截至|截止)?(20\d{2})年(?:底|末)?", text)
    return bool(m and doc_year and int(m.group(1)) < doc_year)


def _names_past_year(text: str, doc_year: int | None) -> bool:
    """A year before the document's (2020年全区…) or a past plan period (“十三五”期间) in the text."""
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)年", text)]
    return bool(doc_year and any(y < doc_year for y in years)) or bool(re.search(r"十[一二三]五[”\"]?(?:时期|期间|以来)", text))


_YEAR_IN = re.compile(r"(?<![\d〔\[【])((?:19|20)\d\d)\s*年(?![级龄轻纪均限薪度])")
_PAST_FIGURE = re.compile(r"\d(?:\.\d+)?\s*(?:%|万|亿|个|家|件|项|人|公里|倍|吨|元)")


def _is_past(text: str, headings: str, doc_year: int | None) -> bool:
    if in_review(headings) or _starts_in_past(text, doc_year):
        return True
    if re.match(r"^[“\"]?十[一二三]五[”\"]?(?:时期|期间|以来)", text):
        return True
    if doc_year and _PAST_FIGURE.search(text) and not re.search(r"力争|目标|预计|将", text):
        years = [int(y) for y in _YEAR_IN.findall(text)]
        if years and max(years) < doc_year:
            return True             # 光缆线路长度从2012年的1479万公里增加到2021年的5481万公里: figures of past years
    # 对…成效明显的县（市、区），给予…50万元: the markers describe whom a rule rewards, not the past
    text = re.sub(r"^(?:对于|对)[^，,。；;]*?的[^，,。；;]{0,12}[，,]", "", text)
    # 给予累计不超过2000万元的经费支持: a cap a rule sets, not a past total
    return bool(PAST_MARKERS.search(text)) and bool(re.search(r"\d", text)) and \
        not re.search(r"到20\d{2}年|力争|目标|给予|不超过|不高于|以内", text)


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
    duty_list = None                   # (section, actors) of an open 应当履行下列职责： list
    clauses = []
    goal_lines: dict[int, bool] = {}
    review_lines: dict[int, bool] = {}
    for s, e in segment(doc):
        clause_text = text[s:e]
        sid = section_at(doc.sections, s)
        line_start = text.rfind("\n", 0, s) + 1
        if line_start not in goal_lines:
            goal_lines[line_start] = _opens_future_goal(text[line_start:line_start + 40], doc_year)
            review_lines[line_start] = bool(LOOK_BACK.match(text, line_start))
        kind, cue, pos = classify(clause_text, heading_path(sid), doc_year,
                                  goal_context=goal_lines[line_start] and line_start < s - 1,
                                  review_context=review_lines[line_start])
        lead = text[line_start:s]
        if cue is not None and lead.strip() and LIST_ITEM.fullmatch(lead) and LISTED_CASE.match(lead + clause_text):
            kind, cue, pos = "other", None, None     # the item's number read as a heading: still a listed case
        actors = actors_of(clause_text, kind, cue, pos, recipients if _in_notice(doc, s) else [])
        if not actors and cue and clauses and clauses[-1].actors and clauses[-1].section_id == sid \
                and pos is not None and not subject_actors(clause_text, pos) and \
                (text[s - 1:s] in ("；", ";") or _subjectless(clause_text, pos) and
                 (_article_goes_on(doc, sid, clauses[-1], cue) or text[s - 1:s] in ("，", ",") and
                  kind in ("obligation", "prohibition", "permission") and cue not in IMPERSONAL
                  and clauses[-1].cue not in OBJECT_CUES and not BY_PART.search(clauses[-1].text + clause_text))):
            # …学校可自主安排…；对于…，可自主统筹…: same subject; an article's next sentence that
            # leaves its subject out (承前省略: 受理人员接听来电时，应当…。能够即时答复的，应当即时答复) too;
            # and the part a new cue cut off the sentence (…负责…工作，并可以…制定实施细则), unless the
            # actors before were whom 由 charges (由学生和家长自愿选择，严禁…乱收费)
            actors = list(clauses[-1].actors)
        if duty_list and (duty_list[0] != sid or text[s - 1:s] == "\n" and not LIST_ITEM.match(clause_text)):
            duty_list = None
        if not actors and kind != "fact" and duty_list:
            actors = list(duty_list[1])          # the items of X应当履行下列职责： are X's
        if actors and DUTY_LIST_LEAD.search(clause_text):
            duty_list = (sid, actors)
        clauses.append(Clause(id=f"c{len(clauses) + 1}", section_id=sid, text=clause_text, span=(s, e),
                              kind=kind, cue=cue, actors=actors))
    _consult_model(clauses)
    doc.clauses = clauses


# X应当履行下列职责： / X承担以下职责： opening a list of X's duties, and the item that goes on it
DUTY_LIST_LEAD = re.compile(r"(?:履行|承担|负责|行使)(?:下列|以下|如下)(?:主要)?(?:职责|职权|工作|任务|义务)[：:]\s*$")
# an item of a list of cases (有下列行为之一的：（一）…的；): what it describes is a condition, whatever cue it holds
LISTED_CASE = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．)])[^，,；;。]{2,80}的[；;。]?\s*$")
LIST_ITEM = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．)]|[一二三四五六七八九十]{1,3}、)")
# a section headed by a body's duties (国家粮食应急工作指挥部职责, 见习单位职责, …办公室及其职责)
DUTY_HEADING = re.compile(r"^(?P<who>[^，,。；;：:、]{3,30}?)(?:及其|的)?(?:主要)?职责$")


def duty_holder(heading: str) -> str | None:
    """The body a section is headed as the duties of: X for X职责, X及其职责."""
    m = DUTY_HEADING.match(heading or "")
    return m["who"] if m and actor_kind(m["who"]) == "org" and _clean_actor(m["who"]) == m["who"] else None


LEGAL_MODALS = ("应当", "应", "必须", "须", "不得", "可以", "可", "有权")
IMPERSONAL = ("禁止", "严禁")                    # 禁止下列行为: a ban on anyone, no subject to carry over
BY_PART = re.compile(r"(?:^|[，,])由")            # 由学生和家长自愿选择: whom 由 charges, not a subject


def _article_goes_on(doc, sid, previous, cue: str) -> bool:
    """Whether a clause goes on an article (第五条) whose previous sentence was a rule in the same
    legal modal register (应当/不得/可以…), so it shares that sentence's subject."""
    sec = next((x for x in doc.sections if x.id == sid), None)
    return bool(sec and (sec.number or "").endswith("条")) and cue in LEGAL_MODALS and previous.cue in LEGAL_MODALS


def _subjectless(text: str, pos: int) -> bool:
    """Whether a sentence states no subject of its own before its cue at pos: the cue opens it or
    its last part, after conditions and adverbials only (能够即时答复的，应当…; 未经批准，不得…; 可以延长…)."""
    parts = _PART_BREAK.split(text[:pos])
    last = re.sub(rf"^(?:[{SUBJECT_TRAIL}]|并|同时|还|也|亦|均|都|依法|及时|必要时)+", "", parts[-1].strip())
    return not last and all(not p or INTRODUCTORY.match(p) or INTRO_END.search(p) or CONDITION_PART.search(p)
                            for p in (x.strip() for x in parts[:-1]))


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
