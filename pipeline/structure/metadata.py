"""Document metadata (SCHEMA "metadata") from the normalised text and the page's own table.

The text is read the way a clerk reads a 公文: the red header (``…文件``), the 发文字号 line,
the title (a wrapping ``关于印发《…》的通知`` and the policy's own title below it), the 主送机关
line ending in ``：``, and the signature block (issuers over a date).  The page's metadata
table (索引号, 发文机关, 成文日期 …), when there is one, fills what the text does not say and
wins where the text is ambiguous (发文机关).

Genres that are not a 公文 with a signature are read by their own layout:

* laws and regulations: the dated record under the title (``…通过`` / ``…批准`` / ``根据…修正``,
  ``国务院令第N号发布``) gives the date of the version in force (the latest adoption or revision,
  never a higher congress's approval) and the adopting body (``legislative_history``);
* 政府令 and a congress's 公告 that promulgate a regulation: the decree number, the signing
  official's date, the regulation's own title below the wrapper;
* government work reports: the delivery line (``——2026年2月3日在四川省第十四届人民代表大会第五次
  会议上``) gives the date and the reporting government (``_delivery``);
* news-agency releases (``新华社北京12月14日电 近日，中共中央、国务院印发了《…》``).

Issuers are recorded under their full names without a term of office (``full_issuer_name``,
``lexicon/issuer_full_names.tsv``); 文种 come from ``lexicon/doc_types.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import table, words
from ..model import Metadata, Region
from ..normalise import CJK, DATE_LINE, DOC_NUMBER_BRACKETS, DOC_NUMBER_LINE, GARBLE, NUMBERING
from .region import lookup, resolve_region

CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
DATE_ANY = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})\s*[年./-]\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月./-]\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?")
DOC_NUMBER = re.compile(rf"[{CJK}]{{1,14}}〔(?:19|20)\d{{2}}〕\d{{1,5}}号")
DOC_NUMBER_ONLY = DOC_NUMBER_LINE   # a line that is only a 发文字号 (in brackets, with 签发人 or not)
DECREE = re.compile(rf"^(?P<org>[{CJK}]{{2,20}}令)$")
DECREE_NUMBER = re.compile(r"^[（(]?\s*(?P<num>第\s*\d{1,4}\s*号)\s*[）)]?$")
DECREE_PROMULGATES = re.compile(r"(?:现予|现将[^。]{0,40}|现)公布")
# 国办函 印发…预案的函; 关于延长《…》有效期的通知 carries the rules whose term it extends
NOTICE = re.compile(r"关于(?:印发|转发|公布|重新发布|发布|下发|颁布|延长|继续(?:执行|实施))(?P<inner>.+?)(?:有效期)?的(?:通知|函)$")
# 国务院办公厅转发民政部关于清理整顿社会团体意见的通知: the forwarded document is the 关于… its issuer wrote
FORWARDED = re.compile(r"[\u4e00-\u9fff](?:转发|批转)[^《》关]{2,30}?(?P<inner>关于.+?)的通知$")
# 上海市人民政府办公厅印发《…》的通知: the issuer's name in place of 关于
NOTICE_BY_ISSUER = re.compile(r"^(?P<org>[^《》]{2,60}?)(?:印发|颁布|发布)(?P<inner>《.+》)的通知$")
# 附件：…, 附件2：…, 附件 3. …, 附件一、…: an attachment's own label before its name
ATTACHMENT_PREFIX = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]*\s*[:：.、]?\s*(?=\S)")


def _notice(text: str) -> re.Match | None:
    m = NOTICE.search(text) or FORWARDED.search(text)
    if m:
        return m
    m = NOTICE_BY_ISSUER.match(text)
    if m and all(is_org(p) for p in split_orgs(m["org"])):
        return m
    return None
BRACKETED_TAIL = re.compile(r"[（(][^（）()]{1,30}[）)]$")
APPROVAL = re.compile(r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*(?P<body>[^。（）()]{0,60}?)(?:通过|批准|公布|发布)")


MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
SPAM_TAIL = r"(?:体育|娱乐|彩票|国际|平台|官网|app|APP)?"


@dataclass
class _Line:
    index: int
    start: int
    text: str


def cn_date(m: re.Match) -> str | None:
    """ISO date from a DATE_ANY match, Chinese numerals included (二〇二一年三月五日)."""
    y = m["y"].translate(CN_DIGITS)
    month, day = _small_number(m["m"]), _small_number(m["d"])
    if not (y.isdigit() and month and day and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{int(y):04d}-{month:02d}-{day:02d}"


def _small_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    try:
        import cn2an  # maintained Chinese-numeral conversion
        return int(cn2an.cn2an(s, "smart"))
    except Exception:  # noqa: BLE001 - cn2an raises plain ValueError/KeyError variants
        return None


def parse_date(value: str | None) -> str | None:
    if not value:
        return None
    m = DATE_ANY.search(value)
    return cn_date(m) if m else None


def fix_doc_number(value: str | None) -> str | None:
    if not value:
        return None
    v = re.sub(r"\s+", "", value)
    v = DOC_NUMBER_BRACKETS.sub(lambda m: f"{m['prefix']}〔{m['year']}〕{m['num']}", v)
    m = DOC_NUMBER.search(v) or re.search(rf"[{CJK}]{{2,20}}令第\d{{1,4}}号", v)
    return m.group() if m else None


@lru_cache(maxsize=1)
def _doc_types() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((r["suffix"], r["doc_type"]) for r in table("doc_types")), key=lambda x: -len(x[0])))


ANNEX_LABEL_ONLY = re.compile(r"^\**附\s*件\**\s*[:：]\s*$")


def doc_type_of(title: str | None) -> str | None:
    if not title:
        return None
    t = title.rstrip("》”\"·・ ")
    while BRACKETED_TAIL.search(t):
        t = BRACKETED_TAIL.sub("", t).rstrip("》”\"")
    for suffix, doc_type in _doc_types():
        if t.endswith(suffix):
            return None if doc_type == "-" else doc_type
    return None


def self_named_type(text: str) -> str | None:
    """The 文种 a text with no title calls itself most (本纲要 five times in a plan outline saved without its
    cover: 纲要), when it does so at least twice."""
    counts: dict[str, int] = {}
    for m in _self_name_re().finditer(text):
        counts[m["w"]] = counts.get(m["w"], 0) + 1
    best = max(counts, key=counts.get, default=None)
    return doc_type_of(best) if best and counts[best] >= 2 else None


@lru_cache(maxsize=1)
def _self_name_re() -> re.Pattern:
    names = sorted({suffix for suffix, doc_type in _doc_types() if doc_type == suffix}, key=len, reverse=True)
    return re.compile(rf"本(?P<w>{'|'.join(map(re.escape, names))})")


FORWARDS = re.compile(r"[\u4e00-\u9fff](?:转发|批转)[\u4e00-\u9fff]{2,30}$")
SELF_NAMED = re.compile(r"(?:制定|编制|特制定|现制定)《(?P<name>[^《》]{4,80})》[（(]以下简称")


def is_title_like(text: str) -> bool:
    return (4 <= len(text) <= 120 and not re.search(r"[。；！？]", text) and not text.endswith(("：", ":"))
            and text.count("，") < 2   # a sentence of the body that happens to end in 规划
            and doc_type_of(text) is not None and not text.startswith(("现将", "根据", "为")))


@lru_cache(maxsize=1)
def _org_suffix() -> re.Pattern:
    sufs = sorted(words("org_suffixes"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, sufs)) + r")$")


def is_org(text: str) -> bool:
    t = text.strip()
    return 2 <= len(t) <= 60 and not re.search(r"[。；，：！？]", t) and bool(_org_suffix().search(t))


def split_orgs(line: str) -> list[str]:
    """A signature line may hold several organisations: separated by spaces or 、, or run together
    (黄浦区发展和改革委员会黄浦区建设和管理委员会)."""
    parts = [p for p in re.split(r"[\s、，,]+", line) if p]
    out: list[str] = []
    for p in parts:
        m = re.match(rf"^[{CJK}]{{1,8}}?[省市区县州盟旗]", p)
        prefix = m.group() if m and len(m.group()) >= 3 else None
        if prefix:
            pieces = re.split(rf"(?<=[委局厅部办会院署])(?={re.escape(prefix)})", p)
            out.extend(x for x in pieces if x)
        else:
            out.append(p)
    return out


def _clean_title(text: str) -> str:
    t = text.strip().strip("#*").strip()
    t = re.sub(r"^\d{1,4}_(?=[\u4e00-\u9fff])", "", t)   # 001_上海市…的通知: a file name's serial
    # a space inside a Chinese title is layout, except between two issuers (中共中央 国务院关于…)
    t = re.sub(rf"(?<=[{CJK}》”])\s+(?=[{CJK}《“])", lambda m: m.group() if _org_suffix().search(t[:m.start()]) else "", t)
    return t


def _spam_words() -> tuple[str, ...]:
    return words("spam_words")


def find_spam(text: str) -> list[str]:
    return [w for w in _spam_words() if w in text]


def extract_metadata(text: str, page: dict[str, str], flags: set[str], notes: list[str]) -> Metadata:
    lines: list[_Line] = []
    pos = 0
    for i, t in enumerate(text.split("\n")):
        lines.append(_Line(i, pos, t))
        pos += len(t) + 1
    head = lines[:60]

    # 发文字号
    doc_number = None
    number_line = None
    decree = None   # a 政府令 heading over its number: 上海市人民政府令 / （第19号）
    for ln in head:
        if DOC_NUMBER_ONLY.match(ln.text):
            doc_number, number_line = fix_doc_number(ln.text), ln.index
            break
        m = DECREE.match(ln.text)
        if m and ln.index + 1 < len(lines):
            n = DECREE_NUMBER.match(lines[ln.index + 1].text)
            if n:
                doc_number, number_line = m["org"] + re.sub(r"\s+", "", n["num"]), ln.index + 1
                decree = m["org"]
                break
    page_number = fix_doc_number(page.get("发文字号") or page.get("文号") or page.get("文件编号"))
    if page_number:
        doc_number = doc_number or page_number

    # titles
    candidates = [ln for ln in head if is_title_like(ln.text) and not DOC_NUMBER_ONLY.match(ln.text)
                  and not NUMBERING.match(ln.text)]
    notice_line = notice_text = None
    for ln in candidates:
        above = lines[ln.index - 1].text.strip() if ln.index else ""
        # one notice over two lines: 国务院办公厅转发国家地震局 / 关于…意见报告的通知
        full = above + ln.text if ln.text.startswith("关于") and FORWARDS.search(above) else ln.text
        if _notice(full):
            notice_line, notice_text = ln, full
            if number_line is not None and ln.index > number_line:
                break
    notice_title = title = None
    title_line = None
    if notice_line is not None:
        notice_title = _clean_title(notice_text)   # as printed, with its issuers when it names them
        inner = _notice(notice_title)["inner"]
        named = re.search(r"《(.+)》", inner)
        inner_name = named.group(1) if named else inner
        for ln in lines[notice_line.index + 1: notice_line.index + 80]:
            if ln.text == notice_line.text or "《" + inner_name + "》" in ln.text:
                continue
            t = ATTACHMENT_PREFIX.sub("", _clean_title(ln.text))   # 附件：上海市零碳园区建设工作方案
            if is_title_like(t) and _similar(t, inner_name):
                title, title_line = t, ln
                break
        if title is None:
            bundle = inner.count("《") > 1 or re.search(r"[两二三四五六七八九十\d]+[个项份部][\u4e00-\u9fff]{1,4}$", inner)
            issued = doc_type_of(inner_name) and not re.search(r"关于(?:转发|公布)|转发|批转", notice_title)
            if len(text) - notice_line.start < 1500 or bundle or not (named or issued):
                title = notice_title  # a cover notice whose policy is an attachment not in the file
                notice_title = None   # the notice is the document itself, not a cover over another (gold F)
                notes.append("the notice issues several documents; the notice is the title" if bundle else
                             "the file holds only the cover notice; the policy it issues is not in the text")
            else:
                title = inner_name
    else:
        page_title = _page_title(page)
        for ln in candidates:
            t = _clean_title(ln.text)
            if title is None:
                title, title_line = t, ln
            elif ln.index - title_line.index <= 3 and t.endswith(BRACKETED_TAIL.sub("", title)) \
                    and len(t) > len(BRACKETED_TAIL.sub("", title)):
                title, title_line = t, ln  # 关于…的通知（号） then 国家发展改革委 国家能源局关于…的通知
        promulgated = _promulgated(lines, title_line) if title_line is not None else None
        if promulgated is not None:
            title_line = promulgated
            title = _clean_title(promulgated.text)   # 某市人大常委会公告（第85号）《某市幼儿园条例》已经…通过，现予公布
        if title_line is not None and title_line.index:
            above = lines[title_line.index - 1].text.strip()
            parts = split_orgs(above)
            # one title over two lines: 国务院办公厅对全国政协十届四次会议 / 第4626号提案的答复.  An
            # issuers' line over a 关于 title (沁源县人民政府 / 关于…) is the header, not the title.
            if len(above) <= 60 and not is_title_like(above) and not re.search(r"[。，；：！？:]", above) \
                    and not NUMBERING.match(above) and not DOC_NUMBER_ONLY.match(above) and (
                        "关于" not in title and re.search(r"关于|(?:厅|部|委|院|局|府|会|室|署)对", above)
                        and not (parts and all(is_org(p) for p in parts))
                        or title.startswith("关于") and FORWARDS.search(above)):
                title = above + title   # 国务院办公厅转发国家地震局 / 关于…报告的通知
            elif not title.startswith("关于") and (above == "中华人民共和国" or lookup(above) is not None) \
                    and not title.startswith(above):
                title = above + title   # 中华人民共和国 / 国民经济和社会发展第六个五年计划
        if title:
            title = title.rstrip("·・ ")
        if page_title and (title is None or _bare_genre(title) and page_title.endswith(title)
                           and len(page_title) > len(title)):
            title = _clean_title(page_title)   # none in the text, or only 政府工作报告 there
        if title is None and lines and ATTACHMENT_PREFIX.match(lines[0].text):
            title = lines[0].text   # an attachment filed on its own (a map, a table)
        if title is None and lines:
            # a text that opens with its own name: 中华人民共和国…规划纲要（2006—2010 年）根据…编制，…
            first = re.split(r"，|(?<=[^\s])根据", lines[0].text, maxsplit=1)[0]
            first = re.sub(r"（[^（）]*\d{4}[^（）]*）", "", first)
            if is_title_like(first):
                title = first
        if title is None or title.startswith("《") or "是" in title:
            # a text that names itself as it opens: 制定《…“九五”计划和二○一○年远景目标纲要》（以下简称《纲要》）
            # (before a sentence taken for a title: 《纲要》是…的第一个中长期规划)
            for ln in head[:8]:
                m = SELF_NAMED.search(ln.text)
                if m and doc_type_of(m["name"]):
                    title = m["name"]
                    break
        if title:
            title = BRACKETED_TAIL.sub(lambda m: "" if DOC_NUMBER.search(m.group()) else m.group(), title)
        wrapper = _clean_title(page_title) if page_title else None
        if title and wrapper and wrapper != title and (issuing := _notice(wrapper)) and ISSUES.search(wrapper):
            named = re.search(r"《(.+)》", issuing["inner"])
            if _similar(title, named.group(1) if named else issuing["inner"]):
                notice_title = wrapper   # the page is titled by the 印发 notice its text carries without a heading

    if notice_title is None and decree and any(
            DECREE_PROMULGATES.search(ln.text) for ln in lines[number_line + 1: number_line + 4]):
        # the order that promulgates the regulation below it wraps it as a 印发 notice does (gold: a
        # 政府令 with its own 现予公布 text is the notice_title; a bare 令第N号公布 record line is not)
        notice_title = decree

    # 主送机关: the line ending in ： just below the (notice) title
    recipients: list[str] = []
    anchor = notice_line or title_line
    if anchor is not None:
        for ln in lines[anchor.index + 1: anchor.index + 5]:
            t = ln.text
            if DOC_NUMBER_ONLY.match(t) or is_title_like(t) or ANNEX_LABEL_ONLY.match(t):
                continue                     # 附件： heads the list of annexes, no 主送机关
            if t.endswith(("：", ":")) and len(t) <= 300 and "。" not in t and not t.startswith(("现将", "根据")):
                recipients = recipient_parts(t)
            break

    if not recipients:
        recipients = _addressees(lines, anchor)

    # signature block: organisations (or a signing official) over a date; else the page's 成文日期,
    # the legislative history under the title, the report's delivery line; else the last date line
    signed_date, signers, sure = _signature(lines, notice_line, title_line)
    page_date = parse_date(page.get("成文日期") or page.get("发文日期"))
    history = legislative_history(lines, title_line)
    adopted = history.adopted()
    approver = full_issuer_name(adopted.body) if adopted and adopted.body and is_org(full_issuer_name(adopted.body)) else None
    delivered = _delivery(lines, title_line)
    if not sure:
        signed_date = (page_date or (adopted.date if adopted else None)
                       or (delivered[0] if delivered else None) or signed_date)
    if history.decree_number and not doc_number:
        doc_number = history.decree_number
    issuers: list[str] = []
    page_issuer = page.get("发文机关") or page.get("发布机关")
    if page_issuer:
        issuers = [p for p in re.split(r"[、，,\s]+", page_issuer) if p]
        if signers and len(signers) > len(issuers) and all(i in signers for i in issuers):
            issuers = signers   # the page names the lead issuer, the signature all of them
    if not issuers and signers:
        issuers = signers
    if not issuers and doc_number and doc_number.endswith("号") and "令第" in doc_number:
        issuers = [doc_number.split("令第")[0]]        # 广东省人民政府令第290号
    if not issuers:
        issuers = _header_issuer(head)
    if not issuers and (title_line or notice_line):
        anchor_text = (notice_line or title_line).text
        for ln in head:   # 中共中央 国务院 / 关于…的意见 (any occurrence of the title line)
            if ln.text == anchor_text and ln.index:
                above = lines[ln.index - 1].text
                if above and not is_title_like(above) and all(is_org(p) for p in split_orgs(above)):
                    issuers = split_orgs(above)
                    break
    if not issuers and approver:
        issuers = [approver]
    release = _news_release(head, title)
    if not issuers and release:
        issuers = release[0]   # 新华社北京12月14日电 近日，中共中央、国务院印发了《…》
    if not issuers and delivered and delivered[1] and doc_type_of(title) == "政府工作报告":
        issuers = [delivered[1]]   # 在四川省第十四届人民代表大会第五次会议上 → 四川省人民政府
    if not issuers and title:
        prefix = title.split("关于")[0].strip() if "关于" in title else ""
        if prefix and not re.search(r"等[一二三四五六七八九十\d]+(?:个)?部门$", prefix):
            issuers = [p for p in split_orgs(prefix) if is_org(p)]
    if not issuers:
        for key in ("发布单位", "publisher", "发布机构", "来源"):
            if page.get(key) and is_org(page[key]):
                issuers = [page[key]]
                break

    spam = find_spam(text)
    if spam:
        flags.add("spam_injection")
        notes.append(f"text holds injected advertising/gambling words: {', '.join(spam)}")
    issuers = [GARBLE.sub("", i).strip("?？ ") for i in issuers]
    issuers = [i for i in issuers if i]

    region, level, region_notes = resolve_region(issuers, doc_number, title, text)
    notes.extend(region_notes)
    issuers = [full_issuer_name(_qualify(i, region, spam)) for i in issuers]

    page_published = (page.get("发布日期") or page.get("发布时间") or page.get("公开日期")
                      or page.get("发表时间") or page.get("时间"))
    published = parse_date(page_published)
    if not published and release and release[1]:
        year = re.search(r"(?:19|20)\d{2}", page_published or "") or re.search(r"(?:19|20)\d{2}", title or "")
        if year:   # the dateline's month and day in the year the page gives (2022年12月)
            published = parse_date(f"{year.group()}年{release[1]}")
    return Metadata(
        title=title, notice_title=notice_title, doc_number=doc_number, issuers=_dedupe(issuers),
        signed_date=signed_date, published_date=published,
        index_number=(page.get("索引号") or page.get("索取号") or None),
        doc_type=doc_type_of(title) or ("附件" if title and title.startswith("附件") else None)
        or (None if title else self_named_type(text)), recipients=recipients, region=region, level=level,
        topics=[t for t in re.split(r"[、，,\\/\s]+", page.get("主题分类", "")) if t],
    )


# --- legislative history --------------------------------------------------------------------

HISTORY_EVENT = re.compile(
    r"(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*(?P<body>(?:《[^》]{0,120}》|[^。；《》（）()])*?)"
    r"(?P<act>审议通过|修订通过|通过|批准|修正|修订|公布|发布|施行)")
ADOPT_ACTS = ("通过", "修正", "修订")
HISTORY_BODY_FIRST = re.compile(
    r"^(?P<body>[^（）()\d。；]{4,60}?)\s*(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*"
    r"(?P<act>审议通过|通过|批准|公布|发布)$")
DECREE_IN_BODY = re.compile(r"^(?P<org>.+?令)(?P<num>第\d{1,4}号)$")
SESSION = re.compile(r"第[一二三四五六七八九十百\d]+次")


@dataclass
class HistoryEvent:
    date: str
    act: str            # adopted | approved | promulgated | effective
    body: str | None    # the acting body, without term and session
    decree: str | None = None


@dataclass
class History:
    events: list[HistoryEvent]
    decree_number: str | None = None

    def adopted(self) -> HistoryEvent | None:
        """The version in force: the latest adoption or revision (通过, 修正, 修订), or a decree that
        promulgates a regulation without an adoption line before it (国务院令第262号发布).  An approval
        by the higher congress (批准) and a 公告 publishing an adoption are not the regulation's date;
        they count only when nothing else is given."""
        counted, previous = [], None
        for e in self.events:
            if e.act == "adopted" or (e.act == "promulgated" and e.decree and (previous is None or previous.act != "adopted")):
                counted.append(e)
            previous = e
        if not counted:
            counted = [e for e in self.events if e.act in ("promulgated", "approved")]
        return max(counted, key=lambda e: e.date) if counted else None


def _event_body(raw: str) -> tuple[str | None, str | None]:
    """(acting body, decree number) of one history event: 郑州市第十四届人民代表大会常务委员会第三次会议 →
    郑州市人民代表大会常务委员会; 中华人民共和国国务院令第262号 → 国务院 (and the decree's number);
    《国务院关于修改〈…〉的决定》 → 国务院."""
    raw = re.sub(r"^(?:根据|经|由)", "", raw.strip()).strip()
    m = DECREE_IN_BODY.match(raw)
    if m:
        org = m["org"][:-1]
        return full_issuer_name(org), m["org"] + m["num"]
    outside = re.sub(r"《[^》]*》", "", raw)
    outside = TERM.sub("", outside)
    outside = SESSION.split(outside)[0].strip()
    outside = re.sub(r"(?:的|会议|审议|公告)$", "", outside).strip()
    if outside and is_org(full_issuer_name(outside)):
        return full_issuer_name(outside), None
    named = re.search(r"《([^》]*?)关于", raw)   # 《国务院关于修改〈…〉的决定》
    if named and is_org(full_issuer_name(named.group(1))):
        return full_issuer_name(named.group(1)), None
    return None, None


def legislative_history(lines: list[_Line], title_line: _Line | None) -> History:
    """The dated record under a law's or regulation's title: ``2014年6月27日 郑州市第十四届人民代表大会
    常务委员会第三次会议通过`` / ``…批准`` / ``根据2020年…《关于修改…的决定》第二次修正``, one event a line or
    all in one bracketed line.  Read from the lines right below the title (or the first lines when no
    title was found) while they are made of such events."""
    start = title_line.index + 1 if title_line is not None else 0
    block: list[str] = []
    for ln in lines[start:start + 20]:
        t = ln.text.strip().strip("（）()")
        if re.match(r"^(?:根据|经)?\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日", t) and HISTORY_EVENT.search(t):
            block.append(t)
        elif not block and ln.text.startswith(("（", "(")) and (m := HISTORY_BODY_FIRST.match(t)):
            # （第七届全国人民代表大会第四次会议1991年4月9日批准）
            block.append(f"{m['date']} {m['body']}{m['act']}")
            break
        elif block or not DOC_NUMBER_ONLY.match(ln.text) and not DECREE_NUMBER.match(ln.text):
            break   # the record sits right under the title (after a 文号 line at most), not in the body
    events: list[HistoryEvent] = []
    decree_number = None
    for m in HISTORY_EVENT.finditer("\n".join(block)):
        date = parse_date(m["date"])
        if not date:
            continue
        act = m["act"]
        kind = ("adopted" if act in ("审议通过", "修订通过") or act in ADOPT_ACTS else
                "approved" if act == "批准" else "effective" if act == "施行" else "promulgated")
        body, decree = _event_body(m["body"])
        if kind == "promulgated" and "公告" in m["body"] and not decree:
            body = None
        events.append(HistoryEvent(date, kind, body, decree))
        if decree:
            decree_number = decree
    return History(events, fix_doc_number(decree_number) if decree_number else None)


DELIVERY = re.compile(
    r"^[—–\-－\s]*(?P<date>(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*在(?P<venue>[^，。；]{0,30}?)"
    r"(?:人民代表大会|人大)(?:常务委员会)?第[一二三四五六七八九十\d]{1,4}次(?:全体)?会议上$")


def _delivery(lines: list[_Line], title_line: _Line | None) -> tuple[str, str | None] | None:
    """A report's delivery line under its title, ``——2026年2月3日在四川省第十四届人民代表大会第五次会议上``:
    (the date it was delivered, the government reporting to that congress: 四川省人民政府, 国务院)."""
    start = title_line.index + 1 if title_line is not None else 0
    for ln in lines[start:start + 12]:
        m = DELIVERY.match(ln.text.strip())
        if m:
            venue = re.sub(r"第?[一二三四五六七八九十百零〇\d]{1,4}届", "", m["venue"]).strip()
            government = "国务院" if venue == "全国" else (venue + "人民政府" if venue else None)
            return parse_date(m["date"]), government
    return None


NEWS_RELEASE = re.compile(
    r"(?:新华社|人民日报)?[^，。]{0,6}?(?P<md>\d{1,2}月\d{1,2}日)电[^，。]{0,12}?(?:近日|日前|\d{1,2}日)?，?"
    r"(?P<orgs>[\u4e00-\u9fff、 ]{2,40}?)(?:印发了?|发布了?)《(?P<name>[^》]+)》")


def _news_release(head: list[_Line], title: str | None) -> tuple[list[str], str | None] | None:
    """A news agency's release of a document: ``新华社北京12月14日电 近日，中共中央、国务院印发了
    《扩大内需战略规划纲要（2022-2035年）》`` → (its issuers, the dateline's month and day)."""
    for ln in head[:12]:
        m = NEWS_RELEASE.search(ln.text)
        if not m:
            continue
        orgs = [p for p in re.split(r"[、\s]+", m["orgs"]) if p]
        if orgs and all(is_org(o) for o in orgs) and (not title or _similar(_clean_title(m["name"]), title)):
            return orgs, m["md"]
    return None


PROMULGATION = re.compile(r"^《(?P<name>[^《》]{2,80})》(?:已经|已由|已于|经)")


def _promulgated(lines: list[_Line], title_line: _Line) -> _Line | None:
    """A 公告 that promulgates a regulation printed below it: the regulation's own title line."""
    if doc_type_of(title_line.text) != "公告":
        return None
    for ln in lines[title_line.index + 1: title_line.index + 4]:
        m = PROMULGATION.match(ln.text)
        if m:
            for below in lines[ln.index + 1: ln.index + 12]:
                if _clean_title(below.text) == m["name"]:
                    return below
            return None
    return None


@lru_cache(maxsize=1)
def _addressee_end() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, words("recipient_heads"))) + ")$")


RECIPIENTS_LOOKAHEAD = 8
# X及各Y / X及有关Y: a second addressee of its own after 及 (各街道办事处及各有关单位); 各省、自治区、直辖市及
# 计划单列市…主管部门 shares its sectors and stays one
RECIPIENT_AND = re.compile(r"及(?=(?:各|有关|相关)[^、，,及]{1,12}$)")


def recipient_parts(line: str) -> list[str]:
    """The addressees of a 主送机关 line: split on commas, and at 及 before a generic addressee."""
    out = []
    for part in re.split(r"[，,]", line.strip().rstrip("：:")):
        part = part.strip()
        m = RECIPIENT_AND.search(part)
        if m and (is_org(part[:m.start()]) or _addressee_end().search(part[:m.start()])):
            out += [part[:m.start()], part[m.end():]]
        elif part:
            out.append(part)
    return out


def _addressees(lines: list[_Line], anchor: _Line | None) -> list[str]:
    """A 主送机关 line that is not right under the title: above it (a page that dropped the notice
    title, 穗卫函〔2023〕1930号 / 各区卫生健康局、财政局，市医保中心： / …现印发给你们), or under a
    report's delivery line and speaker (全国人民代表大会常务委员会：).  Every part is an organisation
    or a generic addressee (lexicon/recipient_heads.tsv), and a sentence of the text follows."""
    end = min(len(lines), (anchor.index if anchor is not None else 0) + RECIPIENTS_LOOKAHEAD)
    for ln in lines[:end]:
        t = ln.text.strip()
        if not t.endswith(("：", ":")) or len(t) > 300 or "。" in t or NUMBERING.match(t):
            continue
        parts = recipient_parts(t)
        if parts and all(is_org(p) or _addressee_end().search(p) for p in parts):
            following = next((x.text for x in lines[ln.index + 1: ln.index + 3] if x.text.strip()), "")
            if "。" in following:
                return parts
    return []


def _page_title(page: dict[str, str]) -> str | None:
    """The title the page gives: its 标题/文件名称 label, else the article title of its HTML head, else
    the <title> up to the site name (…实施办法 - 广州市增城区人民政府门户网站)."""
    for key in ("标题", "文件名称", "名称", "meta:ArticleTitle", "meta:title"):
        value = (page.get(key) or "").strip()
        if key == "meta:title":
            value = re.split(r"\s+[-_|｜—]+\s+|_", value)[0].strip()
        if value and (key in ("标题", "文件名称", "名称") or doc_type_of(_clean_title(value))):
            return value
    return None


ISSUES = re.compile(r"关于(?:印发|转发|发布|颁布)")


def _bare_genre(title: str) -> bool:
    """A title that names only its genre (政府工作报告, 2026年政府工作报告 is not: it has its year)."""
    return any(title == suffix for suffix, _ in _doc_types())


def _similar(a: str, b: str) -> bool:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return False
    return a in b or b in a or len(sa & sb) / len(sa | sb) >= 0.7


SIGNING_OFFICIAL = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,12}?(?:总\s*理|主\s*席|省\s*长|市\s*长|区\s*长|县\s*长|州\s*长|镇\s*长|乡\s*长|部\s*长|局\s*长|厅\s*长|署\s*长|主\s*任))"
    r"(?:\s+|\s*[:：]\s*)[\u4e00-\u9fff·]{2,8}$")


def _signature(lines: list[_Line], notice_line, title_line) -> tuple[str | None, list[str], bool]:
    """(signed date, signing organisations, sure): the first date line directly under organisation
    lines (or under a signing official, 总理 李克强 / 市 长：温国辉) after the (notice) title, else the
    last date line of the document (not sure)."""
    dated = [ln for ln in lines if DATE_LINE.match(GARBLE.sub("", ln.text).strip("（）()?？ "))]
    if not dated:
        return None, [], False
    start = (notice_line or title_line).index if (notice_line or title_line) else 0

    def orgs_above(ln):
        out = []
        for prev in reversed(lines[max(0, ln.index - 8):ln.index]):
            t = GARBLE.sub("", prev.text).strip("?？ ")
            if not t:
                continue
            parts = split_orgs(t)
            if parts and all(is_org(p) for p in parts):
                out = parts + out
            else:
                break
        return out

    after = [ln for ln in dated if ln.index > start]
    for ln in after:
        orgs = orgs_above(ln)
        if orgs:
            return parse_date(ln.text), orgs, True
    for ln in dated:   # a decree signed by an official sits above the title: 总理 李克强 / 2018年11月6日
        if ln.index and SIGNING_OFFICIAL.match(lines[ln.index - 1].text.strip()):
            return parse_date(ln.text), [], True
    own = {ln.index + k for ln in (notice_line, title_line) if ln is not None for k in range(3)}   # a title over lines
    titles = [ln.text.strip() for ln in (notice_line, title_line) if ln is not None]

    def other_title(text: str) -> bool:
        return is_title_like(text) and not any(text in t or t in text for t in titles)

    for last in reversed(dated):
        above = next((p for p in reversed(lines[max(0, last.index - 3):last.index]) if p.text.strip()), None)
        if above is not None and above.index not in own and other_title(GARBLE.sub("", above.text).strip()):
            continue   # the date under another document's title (a journal's next item: …的批复 / 一九八三年三月二十四日)
        return parse_date(last.text), orgs_above(last), False
    return None, [], False


def _header_issuer(head: list[_Line]) -> list[str]:
    """The red header: ``中共固原市原州区委员会`` / ``教育工作领导小组办公室文件``."""
    for k, ln in enumerate(head[:10]):
        if ln.text.endswith("文件") and len(ln.text) <= 40:
            parts = [ln.text[:-2]]
            j = k - 1
            while j >= 0 and is_org(head[j].text) or (j >= 0 and re.fullmatch(rf"[{CJK}]{{2,30}}", head[j].text or "")):
                parts.insert(0, head[j].text)
                j -= 1
                if len(parts) > 3:
                    break
            name = "".join(parts)
            return [name] if is_org(name) else []
    return []


def _qualify(issuer: str, region: Region, spam: list[str]) -> str:
    """Give an issuer its place: 市人民政府 → 随州市人民政府; a spam word written where the place
    belongs (必赢体育教育厅) → 辽宁省教育厅."""
    place = region.province if region.province and not region.city else (region.county or region.city or region.province)
    for w in sorted(spam, key=len, reverse=True):
        m = re.search(re.escape(w) + SPAM_TAIL, issuer)
        if m and place:
            issuer = issuer[:m.start()] + place + issuer[m.end():]
    m = re.match(rf"^(省|市|县|区)(?=[{CJK}]{{2}})", issuer)
    if m and not re.match(r"^(?:市场|市政|区域|县域|省级|市级|区级|县级)", issuer):
        municipality = region.province in MUNICIPALITIES
        place = {"省": region.province, "市": region.city or (region.province if municipality else None),
                 "县": region.county, "区": region.county}[m.group(1)]
        if place and place.endswith(m.group(1)):
            issuer = place + issuer[1:]
    return issuer


@lru_cache(maxsize=1)
def _full_names() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((r["short"], r["full"]) for r in table("issuer_full_names")), key=lambda x: -len(x[0])))


TERM = re.compile(r"第?[一二三四五六七八九十百零〇\d]{1,4}届(?=(?:全国)?(?:人民代表大会|人大|人民政府|政府|政协|委员会))")
OFFICE_TAIL = re.compile(r"(?:办公厅|办公室)$")


def full_issuer_name(issuer: str) -> str:
    """An issuer under its full name, without the term of office: 国家发展改革委 → 国家发展和改革委员会,
    上海市科委办公室 → 上海市科学技术委员会办公室, 郑州市第十四届人民代表大会常务委员会 and 某市八届人民政府 →
    the body without 第十四届 / 八届, 经…人民代表大会 → the body, 中华人民共和国国务院 → 国务院."""
    name = TERM.sub("", issuer.strip())
    name = re.sub(r"^经(?=[\u4e00-\u9fff]{3})", "", name)
    name = re.sub(r"^中华人民共和国(?=国务院)", "", name)
    m = OFFICE_TAIL.search(name)
    core, tail = (name[:m.start()], m.group()) if m else (name, "")
    for short, full in _full_names():
        if core.endswith(short) and not core.endswith(full):
            core = core[: -len(short)] + full
            break
    return core + tail


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out
