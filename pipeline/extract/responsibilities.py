"""Responsible units (SCHEMA "Responsibilities").

Three sources, in order of explicitness:
1. labelled lists ``（责任单位：市教育局，各县、市、区政府和管委会）``, ``（牵头单位：…；配合单位：…）``;
2. bracketed unit lists with a verb or none: ``（省商务厅负责）``, ``（省商务厅牵头，省外办、省贸促会
   按职责分工配合）``, ``（市经济信息化委、市科委）`` closing a task; an item with several such
   annotations lists its units once per annotation;
3. prose (``prose_units``): the organisations a clause charges by name, generic ones as written
   (``各级人民政府应当…``, ``相关部门应当…``, ``国家发展改革委、国家能源局…对…进行``), ``由X牵头`` (lead),
   ``请X…``, ``X会同Y…`` (X lead, Y support), ``…应予以配合`` (support), ``与X等相关部门形成合力``
   (support); never the conditions of a sanction rule or a definition.
One entry per unit, split on the separators between units but never inside one
(``各县、市、区政府和管委会``, ``市、区（县）人民政府`` are one unit each); each attached to the
numbered item it closes.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import NamedTuple

from ..lexicon import table
from ..nlp import tagged
from ..model import Responsibility
from ..structure.metadata import is_org
from ..structure.sections import section_at
from ..structure.tables import column_of
from .clauses import (
    actor_kind, ALIAS_NOTE, BY, BY_STOP, CONSULT_WORD, CONSULTS, DIVISION_KINDS, DIVISION_LIST, ENUMERATION_MAX, find_cues, head_at_end,
    duty_holder, head_end_chars, head_goes_on, head_kind, _in_notice, NAMED_ONLY, object_actor, ORGANISES, partners,
    PARTNER_WORDS, _shared_suffix_list, split_members, strip_numbering, subject_actors, task_verbs, TRAILING_ALIAS)


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


@lru_cache(maxsize=8192)      # the same bureau names come back clause after clause, document after document
def is_unit(text: str, people: bool = False) -> bool:
    """Whether text names an organisation (``people``: or a group of people, 受理人员, 项目经理).  A verb
    opening it makes it a clause cut as a name, except in a noun of its own (依托单位, 组织部门)."""
    t = canonical(text)
    if re.match(r"^(?:将|把|对|在|按|以|由|为|从|引导|鼓励|支持|推动|推进|加强|发挥|依托(?!单位)|协助|组织(?!部)|开展|要求|或者|或|"
                r"以及|未|不(?!动产)|没有|违反|擅自|拒绝|拒不|监督|督促|指导|举办|参与|吸引|引进|通知|告知|会同|责令|报(?:经|请|送)?(?![社刊业告纸])|汇总|联系|咨询|承诺|批转|其(?![它他]))", t) or t.count("（") + t.count("(") != t.count("）") + t.count(")"):
        return False
    kinds = ("org", "person") if people else ("org",)
    # 公共厕所由其管理单位, …提出申请，经市住房和城乡建设部门: a clause cut as a unit (自由贸易区 is a name)
    # 国务院实行总理(负责制): a clause cut before its object, not a post
    if (cut := re.search(r"(?:^|或者?)受(?![理托益让援助委])([^的]{2,})$", t)) and is_unit(cut.group(1)):
        return False       # 受主任(委托的副主任): a clause cut before its verb
    long_list = "、" in t and all(len(x) <= 16 for x in t.split("、"))     # 发展改革、…、气象等部门
    return 2 <= len(t) <= (ENUMERATION_MAX if long_list else 40) and not re.search(r"[。；！？：:，,]|(?<!自)由|实行(?!.*的)", t) and (is_org(t) or actor_kind(t) in kinds)


@lru_cache(maxsize=1)
def _aliases() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((r["full"], r["short"]) for r in table("unit_aliases")), key=lambda x: -len(x[0])))


@lru_cache(maxsize=8192)
def canonical(unit: str) -> str:
    """The unit as lists name it: without layout, without a parenthesised merged bureau
    (市教育局（市体育局） → 市教育局), a full bureau name in its short form
    (区建设和管理委员会 → 区建设管理委, from lexicon/unit_aliases.tsv)."""
    u = re.sub(r"\s+", "", unit).strip("，,、；;。")
    u = re.sub(r"^(?:各有关|有关)?(?:责任|牵头)?单位[:：]", "", u)
    u = TRAILING_ALIAS.sub("", u)
    # a second plate of the same bureau (市卫健委（市中医药局）) goes; an alternative body the duty falls to
    # (镇人民政府（街道办事处）, 再担保基金（机构）) and 办公厅（室） stay as written
    base = re.sub(r"[（(][^（）()]{1,10}(?:局|委|厅)[）)]$", "", u)
    u = base if len(base) >= 2 and is_org(base) else u
    for full, short in _aliases():
        if u.endswith(full) and len(u) > len(full):   # a place comes first: 市…, 区…, 上海市…
            return u[: -len(full)] + short
    return u


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
            named = NAMED_AND_OTHERS.sub("", piece)    # 商务部等有关部门: 商务部, the unit named
            if named != piece and is_unit(named) and not GENERIC.match(named):
                piece = named
            if is_unit(piece):
                out.append((piece, base + s + lead, base + s + lead + len(piece)))
    return out


NAMED_AND_OTHERS = re.compile(r"等(?:有关|相关|其他|其它)?(?:部门|单位|机构)$")


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
    first_leads = FIRST_LEADS.search(text) is not None    # 排在第一位的部门为牵头部门: the document's own rule
    for bs, be, inner in _brackets(text):
        if len(inner) > 400 or inner.startswith(("以下简称", "简称", "下称")):
            continue
        inner = LIST_NOTE.sub("", inner)        # the rule stated at a list's end, 下同: no unit (offsets kept)
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
        parts = [(m.group(), m.start()) for m in re.finditer(r"[^，,；;]+", inner) if m.group().strip()]
        parsed = []
        for part, ps in parts:
            vm = verb_re.search(part)
            role = verb_roles[vm.group(1)] if vm else None
            units_text = part[:vm.start()] if vm else part
            if vm:      # （省外办、省贸促会按职责分工配合）: the manner words before the verb
                units_text = MANNER_BEFORE_VERB.sub("", units_text)
            k = units_text.find("会同")
            if k > 0:   # （国家发展改革委会同有关部门负责）: X leads, Y supports (SCHEMA)
                lead = split_units(units_text[:k], bs + 1 + ps)
                support = split_units(units_text[k + 2:], bs + 1 + ps + k + 2)
                if lead and support:
                    parsed.append((lead, "lead"))
                    parsed.append((support, "support"))
                    continue
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
        if not has_verb and not strip_numbering(text[text.rfind("\n", 0, bs) + 1:bs]).strip():
            continue   # 第五条（管理机构）: an article's caption, no task before it
        for k, (units, role) in enumerate(parsed):
            for n, (unit, s, e) in enumerate(units):
                if first_leads and k == 0 and n == 0 and len(units) > 1 and role in (None, "responsible"):
                    yield unit, "lead", s, e, bs, be     # （税务总局、财政部负责）: the first listed leads
                else:
                    yield unit, role or "responsible", s, e, bs, be


# a document that says the first body of each list leads (国发: 排在第一位的部门为牵头部门), and the note
# that says so, or that a list holds for what follows (下同), inside a list
FIRST_LEADS = re.compile(r"(?:排在|排|列在|列)第一位的(?:部门|单位)?为牵头(?:部门|单位)")
LIST_NOTE = re.compile(r"(?:[，,]\s*(?:(?:排在|排|列在|列)第一位的(?:部门|单位)?为牵头(?:部门|单位)|下同))+$")

MANNER_BEFORE_VERB = re.compile(r"(?:按照?(?:各自)?职[责能](?:分工)?|根据职责|分别|共同|积极|做好)+$")


# by a body's share of the duty: 按照各自职责, 根据职能分工, 按分工
BY_RULE = r"(?:按照|按|根据|依照|依据)"
DUTY_SHARE = r"(?:职责|职能|分工)(?:分工)?"


@lru_cache(maxsize=1)
def _subject_verb() -> re.Pattern:
    """What follows a unit that opens a part with a task: adverbs, then a verb of
    lexicon/task_verbs.tsv or an adverbial of time (在…时/中/内/上/前/后/下)."""
    verbs = task_verbs()
    return re.compile(r"^(?:也|还|都|均|要|应|须|必须|依法依规|依法|依规|统一|进一步|主动|定期|及时|积极|负责|可|"
                      rf"{BY_RULE}(?:各自|有关|相关)?{DUTY_SHARE}|共同|分别|协同)*"
                      rf"(?:(?!{LEAD_MEMBER})(?:{verbs})(?!部)|主管(?![部机单人处科]|主办)|{CONSULT_WORD}|在[^，,。；;]{{1,20}}?(?:时|中|内|上|前|后|下)|"   # 区委组织部: a name
                      r"对[^，,。；;]{1,40}?(?:进行|实施|开展|实行)(?=[^，,。；;]))")   # X依法对…进行审计监督


NOT_SUBJECT_START = re.compile(r"^(?:对|在|按|以|将|把|为|经(?![营济销办费纪理])|由|与|从|向|和|及|加强|提高|强化|推进|推动|支持|鼓励|"
                               r"监督|指导|督促|协调|组织(?!部)|领导(?!小组)|配合|参与|承担|履行|负责|提请|报告|接到|会同|"
                               r"发挥|充分|建立|健全|完善|深化|实施|开展|落实|坚持|围绕|引导|促进|提升|构建|全面|"
                               r"探索|积极|加大|加快|继续|力争|确保|科学|防止|认真|通过|必须|[一二三四五六七八九十]是|"
                               r"优化|规范|简化|扩大|降低|减少|增强|创新(?!型)|统筹|做好|抓好|发展(?!和?改革)|"
                               r"有关|相关|各相关|其他|其它|全区|全市|全县|全省)")


ENTRUSTED = re.compile(r"^委托(?![人方单机])")
# a list of bodies closed by 等…部门 and a comma, then how they share the task (按照各自职责, 根据…确定的职责)
DUTY_SHARED_BY_LIST = re.compile(r"(?P<list>[^，,。；;：:]{2,240}?、[^，,。；;：:]{1,40}?等(?:有关|相关)?(?:部门|单位|机构|机关))[，,]?"
                                 rf"{BY_RULE}[^，,。；;]{{0,20}}?{DUTY_SHARE}")
LEADING_ADVERBIAL = re.compile(r"^(?:原则上|同时|此外|另外|其中|并|还|也|今后|每年|当年|建议)")


PART_BREAK = re.compile(r"[，,。；;：:]")
OPEN_ITEM_BRACKET = re.compile(r"^[（(](?:[一二三四五六七八九十\d]{1,3}[）)])?")   # （一）… or a stray （


def clause_subjects(text: str) -> list[str]:
    """The organisations that open a part of a clause with a verb after them: 市教研室每学期组织…,
    …，机构编制部门会同…确定…, 县政府将…列入… (SCHEMA: an organisation given a task by name)."""
    out = []
    if "等" in text and (m := DUTY_SHARED_BY_LIST.match(strip_numbering(text))) and all(is_unit(u) for u in split_members(m["list"])):
        out.append(m["list"])      # 财政、…、畜牧等有关部门，根据本级人民政府确定的职责，依法做好…: the list does it
    for part in PART_BREAK.split(text):
        part = strip_numbering(OPEN_ITEM_BRACKET.sub("", part))
        # …，委托第三方机构对…进行审核: the body entrusted does the task
        subject = _part_subject(ENTRUSTED.sub("", part))
        if subject and subject not in out:
            out.append(subject)
    return out


def _part_subject(first: str) -> str | None:
    first = ENTRUSTED.sub("", LEADING_ADVERBIAL.sub("", first))    # 并委托专门机构进行…: the body entrusted
    if NOT_SUBJECT_START.match(first):
        shared = GENERIC_BY_DUTY.match(first)     # 其他有关部门按照各自职责做好…: charged as written
        return shared["unit"] if shared else None
    # only where a head word can end; a list of bodies may run longer (各级发展改革、财政…部门和市残疾人联合会)
    for m in head_end_chars().finditer(first, 1, min(len(first), 60 if "、" in first[:30] else 30)):
        n = m.end()
        alternative = ALTERNATIVE_BODY.match(first, n)
        if alternative and actor_kind(alternative["body"]) == "org":
            n = alternative.end()      # 镇人民政府（街道办事处）每月审核…: the unit with its alternative
        verb = head_at_end(first, m.end()) and not head_goes_on(first, m.end()) and actor_kind(first[:n]) == "org" \
            and _subject_verb().match(first[n:])
        if verb and NAMED_BY_TASK.match(first, n):
            return None            # 县级以上地方人民政府负责药品监督管理的部门: one body, named by its task
        if verb:
            prefix = first[:n]
            if first[n + verb.end():][:1] == "的" or MANNER_ONLY.fullmatch(verb.group()) \
                    and _verb_before_de(first, n + verb.end()):
                return None        # 居民委员会设立的人民调解委员会, 街（镇）共同管理的…体制: a noun phrase
            members = split_members(prefix)
            if len(members) > 1 and all(is_unit(m) and _is_noun_phrase(m) for m in members):
                return prefix      # 电力企业、研究机构及其它行业相关单位应…: each member a unit
            return prefix if is_unit(prefix) and _is_noun_phrase(prefix) else None
    return None


MANNER_ONLY = re.compile(r"(?:共同|分别|协同|统一)+")     # adverbs _subject_verb reads as the part's verb


def _verb_before_de(text: str, k: int) -> bool:
    """Whether a verb and 的 follow the manner adverb read as the part's verb (共同|管理的体制: a relative
    clause, no task)."""
    m = re.match(r"([\u4e00-\u9fff]{2})的", text[k:k + 3])
    words = tagged(m.group(1)) if m else []
    return len(words) == 1 and words[0].flag.startswith("v")


NAMED_BY_TASK = re.compile(r"负责[^，,。；;的]{1,16}的[^，,。；;的]{0,10}(?:部门|机构|单位|机关)")
ALTERNATIVE_BODY = re.compile(r"[（(](?P<body>[^（）()]{2,12})[）)]")
GENERIC_WORDS = r"(?:有关|相关|各相关|各有关|其他|其它)"
GENERIC = re.compile(rf"^{GENERIC_WORDS}")   # not named: 有关部门 is no one in particular
GENERIC_BODY = r"(?:部门|单位|机构|机关)"
# a generic body that opens a later part of a rule before its own modal (…，有关部门应当…), or shares a task by its
# duties (其他有关部门按照各自职责…): charged as written
GENERIC_BY_DUTY = re.compile(rf"(?P<unit>(?:其他|其它)?(?:有关|相关){GENERIC_BODY})(?:应当|要)?{BY_RULE}(?:各自|有关|相关)?{DUTY_SHARE}")
GENERIC_LATER = re.compile(rf"{GENERIC_WORDS}(?:有关|相关)?(?:[\u4e00-\u9fff]{{0,6}}?){GENERIC_BODY}")


# 本规定所称X，是指… / 所称X包括…; but 前款所称罚款由X规定 refers to a term and charges X
DEFINITION = re.compile(r"^[^，,。；;]{0,40}?(?:是指|指的是)|^指|^[^，,。；;]{0,20}所称[^，,。；;]{1,30}?[，,]?(?:是|指|包括)")
# (行政处罚决定 / 行政处罚信息 name a document, not the sanction of the condition)
CONDITION = re.compile(r"^[^，,。；;]{2,80}的[，,][^。；;]*?(?:处分|追究|(?<!行政)处罚(?!决定|信息|公示)|罚款|约谈|通报批评|责令|提醒|"
                       r"强制执行|表彰|奖励|表扬)")
# X发现…的，应当责令…: the condition is what X itself finds, X is charged with the rule after it
OWN_FINDING = re.compile(r"(?:在[^，,。；;]{1,20}中)?(?:发现|查明|认定)")
# a clause that opens by helping another body (…；协助转移受灾人员。): its subject, carried from the clause
# before, supports
HELP_OPENING = r"(?:并|同时|还|也)?(?:积极|主动|依法|及时|全力)*"
HELP_VERB = r"(?:协助|配合)(?![下的]|机制)"        # (not 配合下, 配合机制: a noun)
HELPS = re.compile(HELP_OPENING + HELP_VERB)
# a later part of X's sentence with no subject of its own in which X helps another body (…，并配合有关部门处理投诉;
# …，协同推进…): X supports as well; 协同 only before a task verb (协同打造 in a plan is a manner of working)
SUPPORT_LIMB = re.compile(rf"[，,；;]{HELP_OPENING}(?:(?:协同|配合|协助)(?:推进|做好|开展|实施)|"
                          rf"{HELP_VERB}(?=[^，,。；;]{{2}}))")
SUPPORT_TASK = re.compile(r"^[^，,。；;]{0,20}?(?:应当|应该|应|要|须|必须)(?:及时|予以|积极|主动|做好|给予|依法)*(?:参与)?(?:配合|协助)[。；;，,]?")


@lru_cache(maxsize=1)
def _generic_heads() -> tuple[str, ...]:
    return tuple(sorted((r["head"] for r in table("resp_generic_subjects")), key=len, reverse=True))


STATE_AFTER = re.compile(r"(?:当)?(?:同时)?(?:属于|一致|相同|"
                         r"纳入[^，,。；;]{0,16}?(?:名录|名单|目录)[。；;，,]?$|"
                         r"为[^，,。；;]{0,40}?(?:企业|单位|机构|组织)[。；;，,]?$)")
ELIGIBILITY_AFTER = re.compile(r"(?:当)?(?:同时)?(?:符合|具备|具有|满足|持有)")
GENERIC_CUE = re.compile(r"(?:都|均|也|亦)?(?:应当|应|必须|须|负责|有义务)")
GENERIC_NOT = re.compile(r"^(?:对|由|为|将|把|向|与|给|经(?!营)|按|依|根据|违反|违法|未|不|没有|擅自|拒绝|拒不|其|有下列)|"
                         r"违反|违法|下列|之一|(?<![理自经缘来因不转])由|(?<![凡别其])是")    # （二）防护绿地由…业主负责: the unit
    # follows 由; 参加…活动是每个公民应尽的义务: a copula, no subject


def generic_subjects(text: str) -> list[str]:
    """A generic subject that opens the clause and is given a task, as written (SCHEMA: a generic
    subject given a task is an entry too): 单位和个人应当…, 公民应当…, 经营者应当…,
    本省行政区域内的单位和个人，均应遵守…, 具备以下条件的单位，均应…; 农药生产企业、农药经营者应当…
    gives one entry each.  Never a sanction's target (违反本条例…的单位) or an object (对…的单位和个人，应当)."""
    m = GENERIC_CUE.search(text, 0, 60)     # the subject opens the clause: at most 40 characters
    if not m or ELIGIBILITY_AFTER.match(text, m.end()):
        return []                            # 享受待遇的人员应符合以下条件: a condition, not a task
    left = re.sub(r"^第[一二三四五六七八九十百零〇\d]+条\s*", "", text[:m.start()])
    left = re.sub(r"^凡是?", "", left)
    adverbial = re.search(r"(?<!所)(?:对|在|按照|依照|根据|于)[^，,]*$", left)
    if adverbial and adverbial.start() >= 2 and actor_kind(left[:adverbial.start()]):
        left = left[:adverbial.start()]     # 建筑施工单位或个人对建筑施工噪声必须…: the subject before the adverbial
    comma = left[-1:] in "，,"
    left = left.rstrip("，, ")
    if not (2 <= len(left) <= 40) or re.search(r"[，,。；;：:“”]", left) or GENERIC_NOT.search(left):
        return []
    members = [p for p in left.split("、")]
    if len(members) > 1 and "的" in left and left.rfind("的") > left.rfind("、") and \
            any(left.endswith(h) for h in _generic_heads()):
        members = [left]                     # 从事餐饮、洗车等经营项目的单位和个人: the 、 list sits in the relative clause
    if len(members) > 1 and split_members(left) == [left] and GENERIC.match(left):
        members = [left]                     # 有关部门、单位和工作人员: one group, as written
    generic = [any(p.endswith(h) for h in _generic_heads()) for p in members]
    if not any(generic):
        # 具备以下条件的单位，均应…: a conditioned organisation, as written
        return [left] if comma and "的" in left and actor_kind(left) == "org" and len(members) == 1 else []
    if not all(g or (actor_kind(p) == "org" and is_unit(p)) for p, g in zip(members, generic)):
        return []
    return [p for p in members if len(p) >= 2 and not private_person(p)]


@lru_cache(maxsize=1)
def _by_unit() -> tuple[re.Pattern, dict[str, str]]:
    """A verb of lexicon/resp_by_verbs.tsv, after at most a manner phrase (依法, 按照…)."""
    roles = {r["verb"]: r["role"] for r in table("resp_by_verbs")}
    verbs = "|".join(re.escape(v) + ("(?![人制])" if v == "负责" else "") for v in sorted(roles, key=len, reverse=True))
    return re.compile(r"(?:依法|依职权|另行|统一|分别|共同|负责|依照[^，,。；;]{0,20}?|按照[^，,。；;]{0,20}?|根据[^，,。；;]{0,20}?|结合[^，,。；;]{0,12}?|"
                      r"通过[^，,。；;]{0,20}?)?"
                      rf"(?P<v>{verbs})"), roles


# 由 opening 由X (clauses.BY), not in a ban on who may act (不得由…, 禁止由…)
BY_CHARGES = re.compile(r"(?<!不得)(?<!禁止)" + BY.pattern)


def by_units(text: str) -> list[tuple[str, str]]:
    """(unit, role) for 由X给予/负责/进行/责令/确定/聘任… (SCHEMA: the unit a clause charges by name), also
    after a sanction's condition (…的，由X责令改正: X is given the task); 由X或者Y给予… gives X and Y
    (由县级以上人民政府或者其有关部门 → 县级以上人民政府, 县级以上人民政府有关部门), a shared head stays
    one unit as written (由本级或者上级总河长).  X is the shortest phrase before a verb that is a unit:
    由城市管理部门责令 is 城市管理部门, not 城市 before 管理."""
    out: list[tuple[str, str]] = []
    if "由" not in text:
        return out
    verb_re, roles = _by_unit()
    for by in BY_CHARGES.finditer(text):
        window = re.split(r"[，,。；;：:由“”]", text[by.end():by.end() + 48])[0]
        units, role = [], "responsible"
        if re.match(r"[^，,。；;]*的[，,]", text[by.end():]):
            continue            # 依照职责应当由上级河长处理的，提请…: 由X inside a condition
        stop = BY_STOP.search(window, 2)
        if stop and not any(_by_members(window[:v.start()]) for v in verb_re.finditer(window, 2, stop.start())) \
                and not any(_acts_in_name(x) for x in re.split(r"或者|或|、|和|与", window[:stop.start()])):
            # 由本级人民政府提请同级人民代表大会常务委员会批准: X acts by referring it (not 由X牵头会同Y通过…:
            # X leads; not 由X督促Y在…: a unit acting inside the phrase)
            units = _by_members(re.sub(r"等$", "", window[:stop.start()]))
        for m in verb_re.finditer(window, 2) if not units else ():
            name = BY_VERB_IN_NAME.match(window, m.end())
            if name and (m.start("v") == m.start() or verb_re.match(window, name.end())):
                continue        # 由起草部门审核机构进行审核, 由县人民政府按照…确定的单位负责: the verb is inside the unit
            units, role = _by_members(re.sub(r"等$", "", window[:m.start()])), roles[m["v"]]
            if units:
                break
        rest = text[by.end() + len(window):by.end() + len(window) + 30]
        if not units and rest[:1] in "，," and _BY_NEXT_PART.match(rest[1:]):
            # 交通噪声由公安、交通、民航等部门，根据各自的职责监督管理: the verb after a comma
            units, role = _by_members(re.sub(r"等$", "", window)), "responsible"
        manner = _BY_MANNER_END.search(window)
        if not units and manner and rest[:1] in "，," and (v := verb_re.match(_BY_MODAL.sub("", rest[1:]))):
            # 由X按照职责分工，责令限期改正; 由X或者Y根据不同情节，给予警告: the verb after the manner phrase
            units, role = _by_members(re.sub(r"等$", "", window[:manner.start()])), roles[v["v"]]
        if not units:
            units = _by_any_predicate(window)
        out += [(unit, role) for unit in units if all(u != unit for u, _ in out)]
        if units and role == "lead" and "会同" in window:     # 由X会同Y提出方案: Y supports
            out += [(p, "support") for p in partners(window) if all(u != p for u, _ in out)]
    return out


# what may follow 由X as its predicate: an adverbial of manner, place or partner, or a verb (jieba)
BY_ADVERBIAL = re.compile(r"^(?:依法|依照|依据|按照|按|根据|结合|通过|在|对|向|与|同|会同|从|于|视|统一|分别|共同|直接|全额|自行|及时|"
                          r"具体|负责|另行|逐级)")
# 由X组成/担任/产生: X makes up or fills a body, no task; 由X编制的预算: a relative clause, no task
BY_NOT_TASK = re.compile(r"^(?:[^，,。；;]{0,12}?(?:组成|构成|担任|产生|兼任))|^[^，,。；;]{0,10}?的")


def _by_any_predicate(window: str) -> list[str]:
    """由X + a predicate that no verb of lexicon/resp_by_verbs.tsv opens (由桥梁权属单位设置, 由原登记机关注销
    登记, 由公安机关依法处理, 由县级人民政府根据本地实际…): X, the longest unit before it that ends where a
    word ends (由国家委托…: no 国家委; 由保管人交回街道办事处: no name with a verb inside)."""
    if re.search(r"(?:组成|构成|担任|兼任)$", window):
        return []            # 由X、Y和Z组成: who makes up a body, no task
    heads = [k for k in range(len(window), 2, -1) if head_at_end(window, k) and not head_goes_on(window, k)]
    if not heads:
        return []
    words = _tagged(window)
    ends = {sum(len(w) for w, _ in words[:n + 1]): n for n in range(len(words))}
    for k in heads:
        if k not in ends:
            continue
        name, rest = window[:k], window[k:]
        # 由区级财政部门与定点康复机构直接结算: both parties
        if any(flag == "p" for _, flag in words[:ends[k] + 1]):
            continue         # 由X根据Y需求统筹…: X, before its adverbial
        units = [u for part in name.split("与") for u in _by_members(re.sub(r"等$", "", part))]
        # (an organisation: 由申请人签名确认 gives a person a step of a procedure, no task)
        if units and all(is_unit(u) for u in units) and any(_acts_in_name(u) for u in units):
            continue         # 由区民政部门列入年度部门预算: not 区民政部门列入年度部门, a verb inside; a shorter unit
        if not units or len(units) < name.count("与") + 1 or not all(is_unit(u) for u in units):
            return []
        if not rest or BY_NOT_TASK.match(rest):
            return []
        if BY_ADVERBIAL.match(rest):
            return units
        nxt = words[ends[k] + 1] if ends[k] + 1 < len(words) else None
        return units if nxt is not None and nxt[1] in ("v", "vn") else []
    return []


@lru_cache(maxsize=4096)
def _tagged(phrase: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and tags of a short phrase (no HMM: the dictionary's words are what matter here)."""
    return tuple((w.word, w.flag) for w in tagged(phrase, hmm=False))


@lru_cache(maxsize=4096)
def _acts_in_name(phrase: str) -> bool:
    """Whether a unit inside the phrase acts on what follows it (保管人交回街道办事处, 县政府组织有关部门):
    a clause cut as a name.  A verbal noun after a unit is part of a name (国务院教育行政部门)."""
    for k in range(2, len(phrase) - 1):
        if head_at_end(phrase, k) and actor_kind(phrase[:k]):
            first = tagged(phrase[k:k + 6])[0]
            if first.flag == "v" and first.word not in NOUN_LIKE_VERBS:
                return True
    pos = 0
    for w in tagged(phrase):      # 保管人交回街道办事处: a verb whose object is a unit of its own
        pos += len(w.word)
        if w.flag == "v" and w.word not in NOUN_LIKE_VERBS and len(phrase) - pos >= 3 and is_unit(phrase[pos:]):
            return True
    return False


BY_VERB_IN_NAME = re.compile(r"的[^，,。；;]{0,12}?(?:部门|单位|机构|机关|人员|主体|组织)|(?:机构|部门|单位|机关|人员)")
_BY_MANNER_END = re.compile(r"(?:按照|根据|依照|依据)[^，,。；;]{0,12}$|依法$")
_BY_MODAL = re.compile(r"^(?:可以|可|应当|应|并|依法)+")
_BY_NEXT_PART = re.compile(r"(?:根据|按照|依照|依据|依法|按)[^，,。；;]{0,12}?(?:监督管理|管理|监督|负责|实施|组织|办理|处理)")


def _by_members(body: str) -> list[str]:
    """The units of 由X…: X itself, or each of X或者Y / X、Y when every member is one."""
    pieces = [p for p in re.split(r"或者|或|、|和|以及|(?<!以)及(?![其它他])", body)]
    units: list[str] = []
    sides = re.split(r"或者|或", body)
    if len(sides) > 1 and not any(re.match(r"其(?![他它])", x) for x in sides) and all(_by_unit_ok(x) for x in sides):
        # 由自然资源和规划部门或城市管理行政执法机关: two bodies, each a name as written (和 inside one)
        return [u for x in sides for u in _by_members(x)]
    if len(pieces) > 1 and _shared_suffix_list(body.split("、")):
        return [body] if _by_unit_ok(body) else []     # 国务院财政、价格主管部门: sectors sharing 主管部门
    if len(pieces) > 1:
        for p in pieces:
            if re.match(r"其(?![他它])", p) and units and (is_unit(p[1:]) or GENERIC.match(p[1:])):
                p = re.sub(r"^其", "", p)
                p = (units[-1] + p) if GENERIC.match(p) else p
            if not _by_unit_ok(p):
                return [body] if _by_unit_ok(body) else []
            units.append(p)
        return units
    return [body] if _by_unit_ok(body) else []


def _by_unit_ok(unit: str) -> bool:
    if len(unit) < 3 or re.match(r"^(?:至少|不少于|\d|[一两二三四五六七八九十]+名|本单位|本级|其(?![他它])|该|各该|所在(?!地?(?:区|县|市|镇|乡|街道))|负责人|[一两二三几某][个家名些]?(?:部门|单位|机关|机构))", unit) or re.search(
            r"报请|提请|报送|报经|商请|送往|移送|委托|通过|向|(?<!所)在|将|把|按照|参照|报(?![社刊业])", unit):
        return False
    if not (is_unit(unit) or any(unit.endswith(h) for h in _generic_heads())):
        return False
    # 由院前急救机构送往相关的医疗机构进行救治: a clause, not a unit; but 负责药品监督管理的部门 names one
    return "的" not in unit or _is_noun_phrase(unit) or RESPONSIBLE_FOR.match(unit) is not None


# a body named by the official act it does: 负责药品监督管理的部门, 作出处罚决定的机关, 受理复检申请的部门
RESPONSIBLE_FOR = re.compile(r"^[^，,。；;的]{0,16}(?:负责|作出|受理|实施|批准|审批|核发|颁发)[^，,。；;的]{1,16}的"
                             r"[^，,。；;的]{0,10}(?:部门|机构|单位|机关)$")


def _cue_at(text: str, cue: str) -> int:
    """Where the clause's cue stands (可 of 可以处…, not of 认可)."""
    return next((pos for pos, found in find_cues(text) if found.word == cue), len(text))


@lru_cache(maxsize=1)
def _private_person_re() -> re.Pattern:
    rows = table("resp_private_persons")
    ends = "|".join(re.escape(r["word"]) for r in rows if r["match"] == "end")
    whole = "|".join(re.escape(r["word"]) for r in rows if r["match"] == "whole")
    return re.compile(rf"(?:.*(?:{ends})|(?:[^，,。；;]*的)?(?:{whole}))$")


def private_person(unit: str) -> bool:
    """Whether a unit names private persons or front-line staff (lexicon/resp_private_persons.tsv): an
    actor of its clause, never a responsibility entry (纳税人, 上学途中的学生, 急救人员, a bare 人员)."""
    return _private_person_re().fullmatch(unit) is not None


PERSON_DUTY = re.compile(r"应当|应该|应|必须|须|不得|禁止|严禁|负责(?!制)|负总责|负[主全直首][要面接]责任|有义务|由")


def _overlapping_occurrence(text: str, word: str, start: int, end: int) -> tuple[int, int] | None:
    """The first occurrence of word in text that overlaps [start, end) (str.find: no pattern to
    compile per actor)."""
    i = text.find(word)
    while i >= 0 and word:
        if i < end and i + len(word) > start:
            return i, i + len(word)
        i = text.find(word, i + 1)
    return None


def prose_units(c) -> list[tuple[str, str]]:
    """(unit, role) for the organisations a clause charges by name (SCHEMA "Responsibilities"):
    the subject of an obligation or prohibition (各级人民政府应当…, 国家发展改革委、国家能源局…进行),
    a generic subject as written (相关部门应当…, 各有关单位要…), 由X牵头/负责 (lead/responsible),
    请X… (responsible), X会同Y… (X lead, Y support), X…，协同/配合… (also support), and the
    organisations that open a part with a task verb (市教研室每学期组织…).  One entry per member of an
    enumeration (区发展改革委、区投促办、区财政局 → three)."""
    text = c.text
    actors: list[str] = []
    if DEFINITION.match(text) or c.kind == "encouragement" or c.kind == "permission" and not c.cue:
        by = []
    else:     # …的，由X责令改正，…，可以处…罚款: 由X before the permission is a task all the same
        by = by_units(text[:_cue_at(text, c.cue)] if c.kind == "permission" else text)
    if CONDITION.match(text) or DEFINITION.match(text):
        # X…不履行职责的，对直接负责的主管人员依法给予处分: a condition, no task for X; but the unit
        # of …的，由X进行提醒 (the clause's actor by 由) is charged with the sanction
        you = [u for a in c.actors if c.cue == "由" for u in _by_members(a) or [a] if is_unit(u)]   # X或Y: each
        # …出现下列情形的，区民政部门应当责令整改: the body the rule after the condition charges has the task
        cond = re.search(r"的[，,]", text) if CONDITION.match(text) and c.kind in ("obligation", "prohibition") else None
        cond_end = cond.end() if cond else len(text)
        after = [u for _, members, end, at in modal_subjects(text)
                 if (end - len(members[-1]) >= cond_end or OWN_FINDING.match(text, end))
                 and not ELIGIBILITY_AFTER.match(AFTER_SUBJECT.sub("", text[at:])) for u in members]
        return [(a, "responsible") for a in you] + [(u, "responsible") for u in after if u not in you] + \
            [(u, r) for u, r in by if u not in you and u not in after]
    # 申请人所在企业需纳入…名录, X、Y及Z须一致, X应为…企业: what a body must be to qualify, no task
    # (only the bodies of the cue's own part: in 各区推进…，…标准应当一致 the state is the standards')
    cue_at = text.find(c.cue) if c.cue else -1
    state_from = max(text.rfind(p, 0, cue_at) for p in "，,；;：:") + 1 if c.kind in ("obligation", "prohibition") and \
        c.cue and STATE_AFTER.match(text, cue_at + len(c.cue)) else len(text)
    if c.kind in ("obligation", "prohibition") or (c.cue is None and c.kind == "other"):
        actors = [a for a in c.actors if not state_from <= text.find(a) < cue_at]
    if c.kind != "permission":    # 市经济信息化委支持推广…: a named unit given the task of supporting
        for subject in clause_subjects(text):
            for p in split_members(subject):
                if p not in actors and not state_from <= text.find(p) < cue_at:
                    actors.append(p)
    # 由使用权人或者管理单位负责: the members by_units found, not the alternative as one actor; 由X通知企业…:
    # X and its act, not X通知企业
    actors = [a for a in actors if (sum(u in a for u, _ in by) < 2 or not re.search("或者|或", a)) and
              not any(a != u and a.startswith(u) and "的" not in a[len(u):] and _by_unit()[0].match(a, len(u))
                      for u, _ in by)]
    duty_holders = set(c.actors)
    subject_end: dict[str, int] = {}     # a member of a subject list: where the whole subject ends
    if c.kind in ("obligation", "prohibition"):
        for subject, members, end, at in modal_subjects(text):
            rest = AFTER_SUBJECT.sub("", text[at:])
            if ELIGIBILITY_AFTER.match(rest) or STATE_AFTER.match(rest):
                continue          # 申请单位应符合以下条件, X须一致: what a body must be, no task
            start = end - len(subject)
            spans = {a: _overlapping_occurrence(text, a, start, end) for a in actors}
            read = [a for a in actors if spans[a]]
            if any(spans[a][0] < start for a in read):
                continue          # 所在地的街道办事处、乡镇人民政府: the actor names more than the part's opening
            runs_on = any(spans[a][1] > end for a in read)   # X受理业主委员会…: a subject cut past its verb
            if read and not runs_on and (any("、" in u for u in members) or
                                         not any("、" in a and a not in members for a in read)):
                continue          # the clause's actors have read this subject: as they read it
            # 登记管理机关、业务主管部门和挂靠单位要…: the members, not a run of two read as one
            actors = [a for a in actors if a not in read] + members
            duty_holders.update(members)
            subject_end.update((u, end) for u in members)
    together = partners(text) if actors else []
    actors += [p for p in together if p not in actors]
    out: list[tuple[str, str]] = []
    # people are charged as written only as the subject of a duty in a rule's words (受理人员应当…,
    # 任何单位和个人不得…): SCHEMA's generic subject given a task; 鼓励教师…, 教师可… and the
    # exhortation 校长和教师要… of a policy opinion give them none
    people = c.kind in ("obligation", "prohibition") and bool(c.cue and PERSON_DUTY.fullmatch(c.cue)) and \
        not ELIGIBILITY_AFTER.match(text, text.find(c.cue) + len(c.cue))   # 享受补贴的人员应符合以下条件
    if c.kind in ("obligation", "prohibition"):
        # 中标人应加强…，项目经理对…负主要责任: the subject of each later duty in the sentence too
        for pos, cue in find_cues(text):
            if pos > (text.find(c.cue) if c.cue else -1) and PERSON_DUTY.fullmatch(cue.word) and \
                    not ELIGIBILITY_AFTER.match(text, pos + len(cue.word)):
                for a in subject_actors(text, pos):
                    if a not in actors and actor_kind(a) == "person":
                        actors.append(a)
                        duty_holders.add(a)
                        people = True
    first_comma = min((i for i in (text.find("，"), text.find(",")) if i >= 0), default=-1)
    if first_comma >= 0 and MODAL_RE.search(text, 0, first_comma):
        first_comma = -1               # the part before the comma holds its own duty: no bare subject list
    for actor in actors:
        pieces = [u for u, _, _ in split_units(actor, 0)] if "、" in actor and text[:1] in "（(" else []
        if "以及" in actor and not pieces:      # 红十字会以及市医疗急救指挥机构: two units
            pieces = [u for u in list_members(actor) or [] if "、" not in u]
        for unit in (pieces if len(pieces) > 1 else [actor]):
            person = people and unit in duty_holders and actor_kind(unit) == "person"
            if not is_unit(unit, people=person) or person and (not _names_people(unit) or private_person(unit)):
                continue
            k = text.find(unit)
            end = subject_end.get(unit, k + len(unit))
            after = text[end:end + 12] if k >= 0 else ""
            if unit in together or SUPPORT_TASK.match(text[end:] if k >= 0 else "") or k < 0 and HELPS.match(text):
                role = "support"      # 相关部门、金融机构应当予以配合
            elif LEADS_AFTER.search(after) or together and (LEADS_WITH.match(text, end) or actors and unit == actors[0]
                                                   and LEADS_LATER.match(text, end)):
                role = "lead"          # X应当会同Y…; X要加强…，会同有关部门进行…: X leads, Y supports
            elif SUPPORTS.match(after.lstrip("，,")) or SUPPORTS.match(text[_list_end(text, end, actors):]) \
                    or 0 <= k < first_comma and SUPPORTS.match(text[first_comma + 1:]):   # X等部门以及Y等单位，应当…配合
                role = "support"       # 市财政局按照职责，协同实施…; 村（居）民委员会依法协助做好…; X、Y协助Z
            else:
                role = "responsible"
            out.append((unit, role))
            if role == "lead" and not LEADS_AFTER.search(after) and not LEADS_WITH.match(text, end):
                out.append((unit, "responsible"))    # X负责A，会同Y做B: A is X's own task, B one X leads
            if role == "responsible" and SUPPORT_LIMB.search(text, end):
                out.append((unit, "support"))    # 各责任单位应当依法履行…职责，协同推进…; …，并配合有关部门处理…
    out += [(u, r) for u, r in by if all(u != o for o, _ in out)]
    if c.kind not in ("encouragement", "permission"):
        for unit in paired_subjects(text):      # 建设单位与中标的施工企业就…签订《合同》: both parties act
            if all(unit != o for o, _ in out):
                out.append((unit, "responsible"))
    if "请" in text and c.cue != "请":
        # 请财政部在…中明确，中央高校…要…: the unit asked by 请 beside another cue's subject
        for pos, cue in find_cues(text):
            obj = object_actor(text, pos + 1) if cue.word == "请" else None
            out += [(u, "responsible") for u in (split_members(obj) if obj else [])
                    if is_unit(u) and _starts_with_noun(u) and all(u != o for o, _ in out)]
    duty_first = DUTY_FIRST.match(text) if c.kind == "prohibition" else None
    if c.kind == "obligation" or duty_first and "不得" in text[duty_first.end():]:
        # (相关托运单位应当在合同中明确…不得…: a prohibition whose duty comes first charges its subject too)
        for unit in generic_subjects(text):
            if all(u not in unit and unit not in u for u, _ in out):   # not X和Y again when X and Y are read
                out.append((unit, "support" if SUPPORT_TASK.match(text[text.find(unit) + len(unit):].lstrip("，,"))
                            else "responsible"))
    return out



DUTY_FIRST = re.compile(r"[^，,。；;]{2,40}?(?:应当|应|必须|负责)")     # a subject and the duty cue after it
PAIRED = re.compile(r"(?:^|(?<=[，,；;：:])|(?<=由))(?P<x>[^，,。；;：:与]{2,24}?)与(?P<y>[^，,。；;：:与]{2,24}?)"
                    r"(?:就[^，,。；;]{1,30}?)?(?:应当|应|要|须|必须|共同)?"
                    r"(?:签订|订立|加强(?:沟通|协作|合作|联系)|协商|共同(?!体)|联合(?!体|会)|建立)(?![^，,。；;]{0,20}的[^，,。；;]{0,12}(?:协议|合同|书|机制)[；;。]?$)")


def paired_subjects(text: str) -> list[str]:
    """Two bodies that open a part and act together (X与Y就…签订…, X与Y加强沟通, 由X与Y协商确定): both are charged."""
    out = []
    if "与" not in text:
        return out                # (most clauses: no pair to read)
    for part in re.finditer(r"[^，,。；;]+", text):
        if "与" not in part.group():
            continue
        body = strip_numbering(OPEN_ITEM_BRACKET.sub("", part.group()))
        body = re.sub(r"^[^，,。；;]{0,12}?由", "", body) if "由" in body[:14] else body
        m = PAIRED.match(body)
        if not m:
            continue
        pair = [m["x"], m["y"]]
        rest = body[m.end():]
        if re.search(r"的|时$", rest) or MODAL_RE.search(m["x"]):
            continue          # 政府与社会力量共同投资的工程, 中小企业与机关订立合同时: a noun or a time, no task
        if all(is_unit(u) and not _opens_with_verb(u) for u in pair):
            out += [u for u in pair if u not in out]
    return out


def _list_end(text: str, end: int, actors: list[str]) -> int:
    """Where the list of actors that a unit opens at ``end`` ends (市财政局|、市教育局|协助…)."""
    moved = True
    while moved:
        moved = False
        for other in actors:
            if text.startswith(other, end + 1) and text[end] in "、和及与":
                end, moved = end + 1 + len(other), True
    return end


LEADS_WITH = re.compile(rf"(?:[、和及与][^，,。；;、]{{2,20}}?)*(?:应当|应该|应|要|须|必须|将)?(?:会同|联合|{CONSULTS}|{ORGANISES})")   # X、Y会同Z: both lead
LEADS_LATER = re.compile(r"[^。；;]*?[，,](?:并|同时)?(?:会同|联合)")
SUPPORTS = re.compile(rf"^(?:要|应当|应该|应)?(?:{BY_RULE}(?:各自)?{DUTY_SHARE}[，,]?|依法)?(?:要|应当|应该|应)?(?:配合|协助|协同|参与)")


# X应当/要/须/不得… opening a part: the modal after a subject (应急, 要求, 负责人 are words of their own;
# X负责药品监督管理的部门 names a body)
MODAL = r"(?:都|均|也|还|亦)?(?:应当|应该|(?<![相适供响对反效回呼])应(?![用急对收付届])|(?<![重主需必只纲摘概])要(?![求素点件闻])|须(?!知)|必须|不得|严禁|负责(?![人同制])(?![^，,。；;的]{1,16}的[^，,。；;的]{0,10}(?:部门|机构|单位|机关))|有义务)"
# X接到报告后(，)应当…: a time adverbial between the subject and its modal
WHEN = r"(?:在[^，,。；;：:]{1,30}?(?:时|中|后|前|内)|(?:接到|收到|发现|受理|完成|办理)[^，,。；;：:]{0,30}?(?:后|时))"
WHEN_END = re.compile(rf"{WHEN}$")
MODAL_RE = re.compile(MODAL)
MODAL_CHARS = re.compile("[应要须必不负有]")
AFTER_SUBJECT = re.compile(rf"^{WHEN}?{MODAL}")        # what follows a subject up to its duty
MANNER_MODAL = re.compile(rf"^(?:(?:按照|根据|依照|依据)[^，,。；;]{{0,16}}?)?{MODAL}")
# X发现…的，应当…; X因不可抗力不能…的，应当…: a condition of the subject's own before its modal
OWN_CONDITION = r"(?:因|在|已|需要|拟|发现|对|确需|无法|申请|终止|变更|停止|收到|接到)[^，,。；;：:]{1,60}的"
SUBJECT_BEFORE_WHEN = re.compile(rf"(?P<s>[^，,。；;：:]{{2,50}}?)(?:{WHEN}|{OWN_CONDITION})$")
PLACE_PIECE = re.compile(rf"^(?:{DIVISION_KINDS}|街道|乡（镇）|县（市、区）|区（县）|县（市）)$")


def _long_list(phrase: str) -> bool:
    """A list of sectors or bodies too long for is_unit that ends in a unit (发展改革、教育、公安、…、
    红十字会等部门和单位): one unit as written."""
    return 40 < len(phrase) <= 80 and "、" in phrase and is_unit(phrase.split("、")[-1]) and \
        not re.search(r"[。；;：:，,的]", phrase) and _plain_name(phrase)


@lru_cache(maxsize=1)
def _bare_words() -> frozenset:
    """Generic words that name no one alone (单位, 个人, 部门, 企业): in a list they close the member
    before them (有关部门和单位, 单位和个人)."""
    return frozenset(h for h in _generic_heads() if len(h) <= 2) | \
        frozenset(r["suffix"] for r in table("recipient_heads") if len(r["suffix"]) <= 2)


def list_members(phrase: str, people: bool = False) -> list[str] | None:
    members = _list_members(phrase, people)
    return list(members) if members is not None else None


@lru_cache(maxsize=4096)      # subjects recur clause after clause
def _list_members(phrase: str, people: bool = False) -> tuple[str, ...] | None:
    """The units of a subject list, each a unit on its own or with the pieces before it that share its
    head (市、区县卫生健康主管部门、红十字会 → 市、区县卫生健康主管部门 | 红十字会); None when the list does not
    end in a unit.  Kept whole, as written: a list that shares a head or modifies one (民政、公安等部门,
    市财政、地方金融部门, 各级人民政府的计划、财政等部门), and a bare generic word closing a list
    (单位和个人, 有关部门和单位, 海关、海事、边检等单位)."""
    named = re.match(r"^(.+?)等[^、，,和及的等]{2,12}$", phrase)
    if named:          # 财政部等有关部门, 商会等社会组织: the units named (as split_members reads them)
        members = _list_members(named.group(1), people)
        if members and all("、" not in u and not GENERIC.match(u) for u in members):
            return members
    if "的" in phrase or _shared_suffix_list(phrase.split("、")) or "、" in phrase.split("等")[0] and "等" in phrase:
        # (机关、团体、学校、企业事业等单位: a list sharing 等单位, its members not all units)
        return (phrase,) if is_unit(phrase, people) else None
    out, group = [], ""
    for k, piece in enumerate(re.split(r"(、|以及|和|及|或者)", phrase)):
        group += piece
        if k % 2 or piece in _bare_words() or PLACE_PIECE.match(piece) or head_kind(piece) in NAMED_ONLY:
            continue          # a separator, a bare word, a place level or 市财政: the group goes on
        member = re.sub(r"^(?:、|以及|和|及|或者)", "", group)
        if is_unit(piece, people) and is_unit(member, people):
            out.append(member)
            group = ""
    if group and out and len(group) <= 4:
        out[-1] += group          # 有关部门和单位: the bare word closes the last member
    elif group and not out and (is_unit(group, people) or _long_list(group)):
        out.append(group)
    elif group:
        return None
    return tuple(out) or None


def modal_subjects(text: str) -> list[tuple[str, list[str], int, int]]:
    """(subject, its units, offset of its end, offset of the modal after it) for the organisations that open a part of a rule before its
    modal (SCHEMA: an organisation given a task by name): 居民委员会、村民委员会应当协助…, 在…中，业务主管部门、
    挂靠单位要…, 市医疗急救指挥机构接到报告后，应当….  The clause's own actors are read elsewhere; this
    reads the subjects that precede a modal where they stand, each member of a list of units."""
    out: list[tuple[str, int]] = []
    parts = [(m.group(), m.start()) for m in re.finditer(r"[^，,。；;：:]+", text)]
    for i, (part, ps) in enumerate(parts):
        if not MODAL_CHARS.search(part) and not (i + 1 < len(parts) and MODAL_RE.match(parts[i + 1][0])):
            continue          # no modal in the part nor opening the next: no subject to read
        body = strip_numbering(re.sub(r"^[（(](?:[一二三四五六七八九十\d]{1,3}[）)])", "", part))
        body = ENTRUSTED.sub("", LEADING_ADVERBIAL.sub("", body))    # 委托X负责…: X does the task
        base = ps + len(part) - len(body)
        # the subject: what stands before the part's first modal, less a time adverbial ending there
        # (two searches, not a lazy match of subject + adverbial + modal at every position)
        mm = MODAL_RE.search(body, 2, 92)
        if mm:
            when = WHEN_END.search(body, 0, mm.start())
            s_end = when.start() if when and when.start() >= 2 else mm.start()
            if s_end > 60:
                mm = None
        if not mm and i + 1 < len(parts) and MODAL_RE.match(parts[i + 1][0]):
            m = SUBJECT_BEFORE_WHEN.match(body)
            s_end = m.end("s") if m else 0
        elif not mm:
            continue
        if not s_end:
            continue
        head = body[:s_end]
        subject = re.sub(r"^第[一二三四五六七八九十百零〇\d]+条\s*", "", head)
        # X会同Y: X (Y is read as its partner); X（以下简称Z）: X as written
        subject = re.split(PARTNER_WORDS + "|" + ALIAS_NOTE, subject)[0]
        later_generic = i > 0 and GENERIC_LATER.fullmatch(subject)   # …，有关部门应当按照职责分工加强监管
        if NOT_SUBJECT_START.match(subject) and not later_generic or GENERIC_NOT.search(subject) or \
                re.search(r"[\d%％]", subject):
            continue
        members = list_members(subject) or []
        if not any(is_unit(u) for u in members) or _opens_with_verb(subject) or \
                "的" in subject and not _is_noun_phrase(subject):
            continue          # (the units first: tagging costs more than the lexicon)
        if all(_plain_name(u) for u in members):
            out.append((subject, members, base + head.index(subject) + len(subject), base + s_end))
    return out


# the manner phrase a subject may carry before the comma that cuts it from its modal
MANNER_END = re.compile(r"(?:(?:按照|根据|依照|依据)[^，,。；;]{0,16}|依法|分别)$")


def subject_before(prev: str, text: str) -> list[tuple[str, str, int]]:
    """(unit, role, offset in prev) for a subject that the clause before cut from its modal: 发展改革、
    教育、公安等部门和单位，/应当按照各自职责做好…; 综合行政执法、水利等主管部门按照各自职责，/负责做好…
    (SCHEMA: an organisation given a task by name).  Each member of a list of units, a conditioned
    organisation as written (实施职业教育的学校和培训机构，/应当…)."""
    if prev[-1:] not in "，," or not MANNER_MODAL.match(text):
        return []
    k = max(prev.rfind(p, 0, len(prev) - 1) for p in "，,；;：:。") + 1
    part = strip_numbering(re.sub(r"^第[一二三四五六七八九十百零〇\d]+条\s*", "", prev[k:-1]))
    k = len(prev) - 1 - len(part)
    subject = MANNER_END.sub("", part)
    rest = MANNER_MODAL.sub("", text)
    if NOT_SUBJECT_START.match(subject) or GENERIC_NOT.search(subject) or re.search(r"[\d%％]", subject) or \
            LEADING_ADVERBIAL.match(subject) or ELIGIBILITY_AFTER.match(rest) or STATE_AFTER.match(rest):
        return []
    partner = None
    if re.search("会同|联合", subject):     # X会同Y，负责…: X leads, Y supports
        subject, partner = re.split("会同|联合", subject, maxsplit=1)
    if "的" in subject:       # a conditioned organisation, as written (列入…目录的排污单位; not 建设…的政府)
        members = [subject] if is_unit(subject) and actor_kind(subject) == "org" and \
            (_starts_with_noun(subject) or subject.endswith(tuple(_bare_words()))) else []
    else:
        members = list_members(subject) or []
        members = members if all(_plain_name(u) for u in members) else []
    role = "support" if SUPPORT_TASK.match(text) or re.match(r"^(?:负责)?(?:配合|协助)", rest) else \
        "lead" if rest.startswith("牵头") else "responsible"
    if partner and members and (others := list_members(partner)):
        return [(u, "lead", k + subject.find(u)) for u in members] + \
            [(u, "support", k + len(subject) + 2 + max(partner.find(u), 0)) for u in others]
    return [(u, role, k + max(subject.find(u), 0)) for u in members]


@lru_cache(maxsize=4096)
def _plain_name(phrase: str) -> bool:
    """Whether a unit phrase is a name, not a clause cut as one: it opens with a noun, holds no
    preposition or adverb, and no unit inside it acts on what follows (县政府组织有关部门).  Verbs may
    stand inside a name (登记管理机关, 市医疗急救指挥机构, 挂靠单位).  One tagging of the phrase."""
    if not _starts_with_noun(phrase) or re.match(r"^本(?:省|市|区|县|镇)", phrase) and _opens_with_verb(phrase[2:]):
        return False       # 本市设立…委员会: a clause
    words = _tagged(phrase)
    if any(flag in ("p", "d") and word != "各" for word, flag in words):
        return False
    pos = 0
    for n, (word, flag) in enumerate(words[:-2]):
        pos += len(word)
        nxt, after = words[n + 1], words[n + 2]
        if nxt[1].startswith("v") and after[1] != "c" and after[0] not in ("和", "与", "及", "或", "等") and \
                head_at_end(phrase, pos) and is_unit(phrase[:pos]) and not DIVISION_LIST.fullmatch(phrase[:pos]):
            return False   # a unit, then a verb and its object (not 省、自治区、直辖市 before 发展改革部门: they share it)
    return True


def _name_words(kind: str) -> tuple[str, ...]:
    """Words of ``lexicon/resp_name_words.tsv`` that keep a verb inside a body's name."""
    return tuple(r["word"] for r in table("resp_name_words") if r["kind"] == kind)


NAMED_BY_ACT = _name_words("act_head")           # 审批部门, 批准机关, 受理单位: a lone verb names the body
NOUN_LIKE_VERBS = _name_words("noun_like_verb")  # 执法人员, X相关部门: words jieba tags as verbs in names
DEPARTMENT_BY_FIELD = re.compile(
    rf"^[^，,、的]{{0,12}}(?:{'|'.join(sorted(_name_words('department'), key=len, reverse=True))})部门$"
    rf"|^[^，,、的]{{0,8}}(?:{'|'.join(_name_words('organ'))})机关$")


def _opens_with_verb(phrase: str) -> bool:
    """_starts_with_verb on one cached tagging (no HMM)."""
    if DEPARTMENT_BY_FIELD.search(phrase):
        return False          # 教育行政主管部门, 组织编制机关: a field or act naming a department (教育 tags as a verb)
    words = _tagged(phrase[:12])
    if len(words) == 2 and words[1][0] in NAMED_BY_ACT:
        return False          # 审批部门, 批准机关, 受理单位: the body named by what it does
    return len(words) >= 2 and words[0][1].startswith("v") and words[1][1] != "c" and \
        words[1][0] not in ("和", "与", "及", "或", "等")


@lru_cache(maxsize=8192)     # the same unit phrases recur across clauses and documents; tagging is costly
def _starts_with_noun(phrase: str) -> bool:
    """Whether jieba tags the phrase's first word as a noun-like word (扩大学校, 每年对小学 and
    严格学校 open with a verb, an adverb or a quantity: not organisations)."""
    words = tagged(re.sub(r"^(?:各级|各)", "", phrase))
    if not words:
        return False
    first = words[0]
    if first.word == "第三方" or len(words) == 2 and words[1].word in NAMED_BY_ACT and first.flag.startswith("v"):
        return True          # 第三方机构: jieba tags the party as a numeral; 审批部门: a body named by its act
    return first.flag in ("vn", "an") or not first.flag.startswith(("v", "d", "p", "c", "m", "r", "u", "a"))   # 卫生(an)健康…部门


# Phrases that name an organisation's part in a task without making it the subject:
# 协助太原市社区大学推动… (it leads), 以华东师大、山西师大等院校为依托 / 依托省教科院 (support).
# (``充分发挥X的…作用`` names X's role but gives it no task by name, so it is not read: SCHEMA.)
ROLE_PHRASES = (
    (re.compile(r"协助(?P<units>[^，,。；;]{2,20}?)(?=推动|开展|做好|推进|完成|实施)"), "lead"),
    (re.compile(r"以(?P<units>[^，,。；;]{2,40}?)(?:等)?(?:院校|单位|机构)?[^，,。；;]{0,10}?为依托"), "support"),
    # (依托现有平台建设数据中心: what is built on X is no part of X's name)
    (re.compile(r"依托(?P<units>[^，,。；;“”]{2,30}?)(?=[，,。；;]|形成|开展|建立|推进|建设|打造|搭建|构建|组建|设立)"), "support"),
    # X…，与Y、Z等相关部门形成工作合力: Y and Z work with X
    (re.compile(r"(?:^|[，,])与(?P<units>[^，,。；;]{2,60}?)(?:等(?:相关|有关)?(?:部门|单位))?"
                r"(?=形成(?:工作)?合力|协同(?:推进|配合)|加强(?:协作|协同|配合)|密切配合)"), "support"),
)
# Phrases whose units are taken as written, a list split only when each member is a unit
# (宣传、网信、公安等部门 is one; 国家发展改革委和国家能源局 two):
# X…与Y建立沟通协调机制，共同做好… / 建立与Y的沟通协调机制，共同…: Y works with X (support).
WITH_MECHANISM = re.compile(r"与(?P<units>[^，,。；;与]{2,40}?)(?:之间)?(?:的|建立(?:健全|完善)?)[^，,。；;]{0,10}?"
                            r"(?:沟通|协调|协作|联动|会商)(?:协调|协作)?机制[，,](?=共同|协同|联合)")


@lru_cache(maxsize=1)
def _designation() -> tuple[re.Pattern, dict[str, str]]:
    """X是/为/作为…的主管单位 (lexicon/resp_designations.tsv): the post ends the part, X opens it."""
    roles = {r["noun"]: r["role"] for r in table("resp_designations")}
    nouns = "|".join(sorted(map(re.escape, roles), key=len, reverse=True))
    return re.compile(rf"(?:^|[，,；;])(?P<units>[^，,。；;]{{2,50}}?)(?<!尤其)(?:是|为|作为)(?!指)"
                      rf"[^，,。；;]{{0,40}}?(?P<post>{nouns})(?=[，,。；;（(]|$)"), roles


def _listed_units(body: str) -> list[str]:
    """The units a phrase names as written: each member when each is a unit, else the whole."""
    body = re.sub(r"^(?:第[一二三四五六七八九十百零〇\d]+条\s*)", "", body.strip())
    members = split_members(body)
    if len(members) > 1 and all(is_unit(u) for u in members):
        return members
    # 排在第一位的部门为牵头单位: a bare 部门 that a 的-phrase describes names no one in particular
    return [body] if is_unit(body) and not GENERIC.match(body) and not BARE_DESCRIBED.search(body) else []


BARE_DESCRIBED = re.compile(r"的(?:部门|单位|机构|机关)$")


_ASSISTED_BY = re.compile(r"(?:应当|应该|应|要|须|必须|依法|积极|主动|负责|按照职责)+$")


HELPER_NAMED = re.compile(r"负责|应当|应该|(?<![相适供响对反效回呼])应(?![用急对收付届])|(?<![重主需必只纲摘概])要(?![求素点件闻])|须|必须|职责[:：]")


def _helper_named(before: str) -> bool:
    """Whether the sentence before 协助X names who helps: a duty cue (X负责…，履行下列职责：…协助Y; X应按协议
    协助Y) or a unit opening its first part (X督促…；协助Y…)."""
    if HELPER_NAMED.search(before):
        return True
    first = PART_BREAK.split(before, 1)[0] if before else ""
    return bool(first and _part_subject(strip_numbering(first)))


def role_phrases(text: str, before: str = ""):
    """(unit, role, offset in text) for units named by ROLE_PHRASES, WITH_MECHANISM and designations."""
    designation, roles = _designation()
    for m in designation.finditer(text):
        if DEFINITION.match(text, m.start("units")):
            continue
        for unit in _listed_units(m["units"]):
            yield unit, roles[m["post"]], m.start("units") + max(m["units"].find(unit), 0)
    for m in WITH_MECHANISM.finditer(text):
        for unit in _listed_units(m["units"]):
            yield unit, "support", m.start("units") + max(m["units"].find(unit), 0)
    for pattern, role in ROLE_PHRASES:
        for m in pattern.finditer(text):
            body, base = m["units"], m.start("units")
            if role == "lead" and (head_at_end(_ASSISTED_BY.sub("", text[:m.start()])) or
                                   _helper_named(before + text[:m.start()])):
                continue        # 村（居）民委员会应当协助乡镇人民政府…: the subject supports, the one it helps has no entry here
            if role == "responsible":   # 发挥X（专家）的…作用: X is the longest unit list before the 的-phrase
                body = _units_before_role_noun(body)
                if not body:
                    continue
            pieces = re.split(r"(、|和|及)", body)
            pos = 0
            for piece in pieces:
                if piece not in ("、", "和", "及"):
                    unit = re.sub(r"(?:等|的)$", "", piece.strip())
                    if unit and is_unit(unit) and not GENERIC.match(unit) and _starts_with_noun(unit):
                        yield unit, role, base + pos
                pos += len(piece)


def _units_before_role_noun(body: str) -> str | None:
    for n in range(len(body), 1, -1):
        head, rest = body[:n], body[n:]
        if re.fullmatch(r"(?:专家)?(?:的)?[^的、]{0,6}", rest) and all(
                is_unit(p) for p in re.split(r"、|和|及", re.sub(r"的[^、和及]{0,8}(?=、|和|及|$)", "", head)) if p):
            return re.sub(r"的[^、和及]{0,8}(?=、|和|及|$)", "", head)
    return None


@lru_cache(maxsize=4096)
def _starts_with_verb(phrase: str) -> bool:
    """Whether the phrase is a verb and its object (公示行政处罚信息, 办理政务服务事项), not a verbal
    noun standing alone or joined to another (学校建设, 政府采购和招标投标等活动)."""
    words = tagged(phrase[:12])
    return len(words) >= 2 and words[0].flag.startswith("v") and words[1].flag != "c" and \
        words[1].word not in ("和", "与", "及", "或", "等")


@lru_cache(maxsize=8192)
def _is_noun_phrase(phrase: str) -> bool:
    """Whether jieba reads the phrase as nouns joined by 的/和/、 (非单一法人教育集团的各成员学校),
    not a clause of its own (学校按照预算管理有关规定和学校)."""
    if not _starts_with_noun(phrase) or re.match(r"^本(?:省|市|区|县|镇)", phrase) and _starts_with_verb(phrase[2:]):
        return False       # 本市设立…委员会: a clause
    end = 0
    for w in tagged(phrase):
        end += len(w.word)
        if w.flag.startswith("v") and w.flag != "vn" and w.word not in NOUN_LIKE_VERBS and \
                len(head_at_end(phrase, end) or "") <= len(w.word) and \
                not (end == len(phrase) and w.word.endswith("办")):     # 地方金融组织: 组织 ends a name; 市委金融办, 区历保办: an office
            return False
        if w.flag in ("p", "d") and w.word not in ("各",) or w.word in ("依法", "依照", "擅自"):
            return False
    return True


ALL_OF = re.compile(r"^(?:任何|一切|所有|全体|各级|各)")


SHORT_BRACKET = re.compile(r"[（(][^（）()]{1,3}[）)]")


@lru_cache(maxsize=4096)
def _names_people(phrase: str) -> bool:
    """Whether a person phrase names people, not a clause cut as one: a verb may only open it as a
    modifier (受理人员, 承办单位主要负责人, 任何组织和个人), never stand after its first word
    (区住建园林局通知申请人, 物业服务人不得强制业主, 民办学校招收学生)."""
    if any(head_at_end(phrase, k) and actor_kind(phrase[:k]) == "org" and ACTS_ON_PEOPLE.match(phrase, k)
           for k in range(2, len(phrase) - 2)):
        return False       # 区住房城乡建设局通知申请人: an organisation acting on people
    words = tagged(SHORT_BRACKET.sub("", ALL_OF.sub("", phrase)))     # 村（居）民委员会: tagged as 村民委员会
    if not words or words[0].flag.startswith(("p", "d", "r", "c", "u", "m")):
        return False
    # a verb may stand before 的 (民办学校聘任的教师: a relative clause inside the noun phrase) or make a
    # holder's noun with the 人/者 that ends the phrase (医疗器械注册人, 药品上市许可持有者)
    return all(not (w.flag.startswith("v") and w.flag != "vn" and w.word not in NOUN_LIKE_VERBS
                    and (k + 2 >= len(words) or words[k + 2].word != "的")
                    and not (k + 3 == len(words) and words[-1].word in ("人", "者")))
               and w.flag not in ("p", "d") for k, w in enumerate(words[1:]))


# verbs by which an organisation acts on people (…局通知申请人, 学校招收学生): never inside a name
ACTS_ON_PEOPLE = re.compile(r"(?:通知|告知|要求|责令|督促|指导|组织|聘请|聘任|聘用|招收|招聘|委托|指派|邀请|安排|引导|鼓励|支持|"
                            r"协助|帮助|对|向|将|与)(?!的)")


# a treasury named by its level (由区级财政承担, 市本级财政对…给予支持, 由市、区两级财政分担): the finance body of
# that government, charged by name (read golds of two sets list it; 中央财政 and a bare 财政 stay money)
LOCAL_TREASURY = re.compile(r"(?:[市区县镇乡省州]|[区县市省]级|同级|本级|两级)财政$")
# 牵头 after a unit: it leads (X牵头，Y配合), unless 牵头 names a member of it (医联体牵头医院, 牵头单位)
LEAD_MEMBER = r"牵头(?:医院|单位|部门|机构|学校|企业|处室|科室|医疗机构)"
LEADS_AFTER = re.compile(rf"(?!{LEAD_MEMBER})牵头")
# the duty a fund or treasury is given by name: a modal right after it, or after the rest of its list
DUTY_AFTER = re.compile(r"(?:[、和及与][^，,。；;]{0,16}?)?(?:均|都|也|还)?(?:应当|应|要|须|必须)")


def _ascending(xs) -> bool:
    return all(a <= b for a, b in zip(xs, xs[1:]))


# A part that lists which office handles what (一、申请受理责任部门 / 1.高层次人才。X科，地址，咨询电话):
# the office opening each item is the unit charged with the matter (SCHEMA: a unit given a task by name).
OFFICE_HEADING = re.compile(r"受理(?:责任)?(?:部门|单位|机构|窗口)|责任(?:部门|单位)$|经办(?:部门|机构)")
OFFICE_ACT = re.compile(r"(?:具体|统一|负责)?(?:受理|办理|负责)?$")


def _office_sections(sections) -> set:
    """The sections under a heading naming the offices that handle applications (and their items)."""
    heads = {s.id for s in sections if OFFICE_HEADING.search(s.heading)}
    return heads | {s.id for s in sections if s.parent in heads}


def _office_named(text: str) -> str | None:
    """The office a listing item opens with (X科，地址…; X具体受理，由Y汇总): the first part, when it is one."""
    first = OFFICE_ACT.sub("", re.split(r"[，,。；;：:]", text, maxsplit=1)[0])
    return first if is_unit(first) and actor_kind(first) == "org" and _is_noun_phrase(first) else None


def _charged_in_notice(text: str, unit: str) -> bool:
    """Whether a notice's own words charge the unit: it opens a part (or a list there) right before a
    modal (地方各级政府、各有关部门要…), or 由 names it (由所在单位向…提出)."""
    return re.search(rf"(?:^|[，,；;。：:、和及]){re.escape(unit)}(?:[、和及][^，,。；;]{{0,30}}?)?{MODAL}", text) is not None or \
        re.search(rf"由{re.escape(unit)}", text) is not None


ITEM_BEFORE_UNIT = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．])\s*")


@lru_cache(maxsize=1)
def _column_roles() -> tuple[re.Pattern, dict[str, str]]:
    """A table column of units and its role (牵头单位 lead, 配合部门 support, 市卫健委内牵头处室 lead): the
    verb of a resp_labels.tsv label, then a word for bodies."""
    verbs = {}
    for r in table("resp_labels"):
        verb = re.sub(r"(?:单位|部门|主体)$", "", r["label"])
        verbs.setdefault(verb, r["role"])
    alternation = "|".join(sorted(map(re.escape, verbs), key=len, reverse=True))
    return re.compile(rf"^[^|]{{0,8}}?(?P<verb>{alternation})(?:单位|部门|处室|科室|机构|主体)$"), verbs


class _RowUnits(NamedTuple):
    row_start: int
    task: str | None               # the row's task name (工作事项, 重点任务): the item the units answer for
    units: list                    # (unit, role, start, end)


def table_units(doc) -> list[_RowUnits]:
    """The units of a task table's unit columns (序号 | 工作事项 | 主要内容 | 牵头单位 | 配合单位), row by
    row.  A row shorter than its header lost its leading merged cells (序号, 工作事项 spanning rows): it
    is aligned to the right and keeps the task above."""
    pattern, roles = _column_roles()
    out = []
    for t in doc.tables:
        header = [re.sub(r"\s+", "", c) for c in t.rows[0]]
        cols = {i: roles[m["verb"]] if (m := pattern.match(c)) else "responsible" for i, c in enumerate(header)
                if pattern.match(c) or _is_column(c, "resp")}
        if not cols:
            continue
        first_text = next((i for i, c in enumerate(header) if i not in cols and not _is_column(c, "seq")), None)
        task = None
        for r, row_start, row, shift in t.located_rows():
            if r == 0 or len(row) < 2:
                continue           # the header; a line spanning the table (行动二：…) names a group, no units
            if shift == 0 and first_text is not None and first_text < len(row):
                task = row[first_text].strip().rstrip("。") or task
            units = [(u, cols[k + shift], a, b) for k, (pos, cell) in enumerate(t.cell_starts(row_start, row))
                     if k + shift in cols for u, a, b in _column_units(cell, pos)]
            if units:
                out.append(_RowUnits(row_start, task, units))
    return out


def _is_column(header: str, role: str) -> bool:
    """Whether lexicon/table_columns.tsv gives a header cell that role (序号 seq; 主办单位, 实施主体 resp)."""
    col = column_of(header)
    return col is not None and col.role == role


COLUMN_UNIT = re.compile(r"[^、，,；;\s/]+")


def _column_units(cell: str, base: int) -> list[tuple[str, int, int]]:
    """The units of a unit column's cell: the column says they are units, so every name counts
    (基层处, 医政处: a bureau's own divisions), a trailing 等 dropped; / and — are none."""
    out = []
    if len(cell) > 120 or re.search(r"[。：:]", cell):
        return out                 # a sentence or a titled line, not a column of names
    for m in COLUMN_UNIT.finditer(cell):
        unit = m.group().removesuffix("等")
        if 2 <= len(unit) <= 40 and CJK_RUN.search(unit):
            out.append((unit, base + m.start(), base + m.start() + len(unit)))
    return out


CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2}")


# a place named by its kind (东部沿海地区, 经济比较发达的地区, 有条件的大城市和城市群地区): no body, unless it
# stands for the governments of each such place (各地区, 有关地区, 试点地区)
AREA = re.compile(r"(?:地区|区域|地带|城市群)$")
AREA_BODIES = re.compile(r"^(?:各|地方|有关|相关|试点)")
ANYONE = re.compile(r"^(?:任何|一切)")


def extract(doc) -> None:
    text = doc.text
    out: list[Responsibility] = []
    seen: set = set()
    entry_of: dict = {}                # (unit, section, role) -> its entry
    clause_spans = [(c.span, c.id, c.section_id) for c in doc.clauses]

    def add(unit, role, s, e, sid, clause_ids, block=None):
        number = ITEM_BEFORE_UNIT.match(unit)
        if number:          # （三）公安机关…: the item's number is no part of the unit
            unit, s = unit[number.end():], s + number.end()
        if block is None and head_kind(unit) == "fund" and not DUTY_AFTER.match(text, e) and not LOCAL_TREASURY.search(unit):
            return     # 长护险基金按规定支付…: money, not a body; 中央财政要…, 由区级财政承担 are bodies
        if ANYONE.match(unit):
            return     # 任何单位和个人不得…, 一切单位和个人都有义务…: a rule for everyone names no one in particular
        if block is None and AREA.search(unit) and not AREA_BODIES.match(unit):
            return     # 东部沿海地区要…, 有条件的地区可以…: a kind of place, no body (各地区, 地方各级, 试点地区 are)
        key = (canonical(unit), sid, role)
        if (key, block) in seen or (block is None and key in seen):
            first = entry_of.get(key)
            if first is not None:          # the same unit charged again in its section: one entry, every clause
                first.clause_ids.extend(c for c in clause_ids if c not in first.clause_ids)
            return
        seen.add((key, block))
        seen.add(key)      # an item with two annotations lists a unit twice; prose adds it once
        canon = canonical(unit)
        out.append(Responsibility(unit=canon, surface=unit if unit != canon else None, role=role, section_id=sid,
                                  clause_ids=list(clause_ids), span=(s, e)))
        entry_of.setdefault(key, out[-1])

    by_section: dict = {}          # section id -> (clause starts, clause ids), in clause order
    for (cs, ce), cid, csid in clause_spans:
        starts, ids = by_section.setdefault(csid, ([], []))
        starts.append(cs)
        ids.append(cid)
    ordered = {sid: _ascending(starts) for sid, (starts, _) in by_section.items()}
    lists = set()
    for unit, role, s, e, bs, be in explicit_lists(text):
        sid = section_at(doc.sections, bs)
        starts, sec_ids = by_section.get(sid, ((), ()))
        if ordered.get(sid, True):
            n = bisect_left(starts, bs)
            ids = list(sec_ids[max(0, n - 20):n])
        else:
            ids = [cid for cs, cid in zip(starts, sec_ids) if cs < bs][-20:]
        add(unit, role, s, e, sid, ids, block=bs)
        lists.add((bs, be))

    rows_with_units = set()
    task_rows = table_units(doc)
    if task_rows:
        # the table assigns units to the document's numbered items by name: a row goes under the section
        # its task names, else the table's own; the row's clause starts where the row does
        named = {}
        for sec in doc.sections:
            named.setdefault(sec.heading.rstrip("。"), sec.id)
        clause_at = {cs: cid for (cs, _), cid, _ in clause_spans}
    for row in task_rows:
        sid = named.get(row.task) if row.task else None
        sid = sid or section_at(doc.sections, row.row_start)
        ids = [clause_at[row.row_start]] if row.row_start in clause_at else []
        for unit, role, s, e in row.units:
            add(unit, role, s, e, sid, ids, block=row.row_start)
        rows_with_units.add(row.row_start)

    # a clause inside a list's block [bs, be + 1]: the blocks by start with a running max of ends
    blocks = sorted(lists)
    block_starts = [bs for bs, _ in blocks]
    reach, top = [], None
    for _, be in blocks:
        top = be if top is None else max(top, be)
        reach.append(top)
    for c in doc.clauses:
        notice = _in_notice(doc, c.span[0])
        if c.kind == "fact" or notice and (c.kind not in ("obligation", "prohibition") or c.cue == "请"):
            continue   # 请认真贯彻落实 in the notice asks its recipients to act, it names no task
        j = bisect_right(block_starts, c.span[0])
        if j and c.span[1] <= reach[j - 1] + 1 or c.span[0] in rows_with_units:
            continue   # （合肥海关牵头，省贸促会按职责分工配合）, a task table's unit columns: read above
        for unit, role in prose_units(c):
            k = c.text.find(unit)
            if notice and not _charged_in_notice(c.text, unit):
                continue   # the notice's addressees, 从督查情况看，各地区…: but 民政、公安等部门要积极配合 names its units
            s = c.span[0] + max(k, 0)
            add(unit, role, s, s + len(unit), c.section_id, [c.id])
    for prev, c in zip(doc.clauses, doc.clauses[1:]):
        if c.kind in ("obligation", "prohibition") and prev.section_id == c.section_id and \
                not _in_notice(doc, c.span[0]):
            for unit, role, k in subject_before(prev.text, c.text):
                add(unit, role, prev.span[0] + k, prev.span[0] + k + len(unit), c.section_id, [prev.id, c.id])
    offices = _office_sections(doc.sections)
    for c in doc.clauses:
        if c.section_id in offices and (unit := _office_named(c.text)):
            k = c.text.find(unit)
            add(unit, "responsible", c.span[0] + k, c.span[0] + k + len(unit), c.section_id, [c.id])
    for c in doc.clauses:
        if c.kind == "fact" or _in_notice(doc, c.span[0]):
            continue
        before = ""                 # the sentence before the clause: only 协助X asks who helps (ROLE_PHRASES)
        if "协助" in c.text:
            before = text[max(text.rfind("。", 0, c.span[0]), sections_start(doc, c)) + 1:c.span[0]]
        for unit, role, offset in role_phrases(c.text, before):
            s = c.span[0] + offset
            add(unit, role, s, s + len(unit), c.section_id, [c.id])
    for sec in doc.sections:
        # a section headed X职责 lists X's duties: 办公室 there is X (…指挥部办公室及其职责); with no one
        # else charged in it, X is its unit (国家粮食应急工作指挥部职责: （1）掌握…；（2）研究…)
        who = duty_holder(sec.heading)
        ids = by_section.get(sec.id, ((), ()))[1]
        if not who or not ids:
            continue
        mine = [r for r in out if r.section_id == sec.id]
        for r in mine:
            if r.unit != who and who.endswith(r.unit):
                r.surface, r.unit = r.surface or r.unit, who
        charged = mine or any(r.section_id and sec.extent[0] <= r.span[0] < sec.extent[1] for r in out)
        if not charged and (k := text.find(who, sec.span[0])) >= 0:
            add(who, "responsible", k, k + len(who), sec.id, list(ids))
    out.sort(key=lambda r: r.span[0])
    doc.responsibilities = out
    _units_as_actors(doc)


def sections_start(doc, c) -> int:
    """Where the section holding clause c starts (-1 without one)."""
    sec = next((x for x in doc.sections if x.id == c.section_id), None)
    return sec.span[0] - 1 if sec else -1


def _units_as_actors(doc) -> None:
    """A clause with no actor of its own whose words name a unit charged by it (…的，由有关机关责令改正;
    审计机关依法对…实施审计监督): those units are its actors, in the order the clause names them."""
    clause_of = {c.id: c for c in doc.clauses}
    named: dict = {}
    for r in doc.responsibilities:
        for cid in r.clause_ids:
            c = clause_of.get(cid)
            if c is None or c.actors or " | " in c.text or not c.span[0] <= r.span[0] < c.span[1]:
                continue        # a task table's row: its unit column answers for the task (as a label does)
            before = c.text[:r.span[0] - c.span[0]]
            if before.count("（") + before.count("(") > before.count("）") + before.count(")"):
                continue        # （责任单位：市教育局、市财政局）: a label names who answers for the task, not whom it addresses
            named.setdefault(cid, {}).setdefault(r.unit, r.span[0])
    for cid, units in named.items():
        clause_of[cid].actors = sorted(units, key=units.get)
