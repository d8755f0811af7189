"""Document metadata (SCHEMA "metadata") from the normalised text and the page's own table.

The text is read the way a clerk reads a 公文: the red header (``…文件``), the 发文字号 line,
the title (a wrapping ``关于印发《…》的通知`` and the policy's own title below it), the 主送机关
line ending in ``：``, and the signature block (issuers over a date).  The page's metadata
table (索引号, 发文机关, 成文日期 …), when there is one, fills what the text does not say and
wins where the text is ambiguous (发文机关).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import table, words
from ..model import Metadata, Region
from ..normalise import CJK, DATE_LINE, DOC_NUMBER_BRACKETS, DOC_NUMBER_LINE, GARBLE, NUMBERING
from .region import resolve_region

CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
DATE_ANY = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[二〇○零一三四五六七八九]{4})\s*[年./-]\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月./-]\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?")
DOC_NUMBER = re.compile(rf"[{CJK}]{{1,14}}〔(?:19|20)\d{{2}}〕\d{{1,5}}号")
DOC_NUMBER_ONLY = DOC_NUMBER_LINE   # a line that is only a 发文字号 (in brackets, with 签发人 or not)
DECREE = re.compile(rf"^(?P<org>[{CJK}]{{2,20}}令)$")
DECREE_NUMBER = re.compile(r"^[（(]?\s*(?P<num>第\s*\d{1,4}\s*号)\s*[）)]?$")
NOTICE = re.compile(r"关于(?:印发|转发|公布|发布|下发|颁布)(?P<inner>.+?)的通知$")
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


def doc_type_of(title: str | None) -> str | None:
    if not title:
        return None
    t = title.rstrip("》”\"")
    while BRACKETED_TAIL.search(t):
        t = BRACKETED_TAIL.sub("", t).rstrip("》”\"")
    for suffix, doc_type in _doc_types():
        if t.endswith(suffix):
            return doc_type
    return None


def is_title_like(text: str) -> bool:
    return (4 <= len(text) <= 120 and not re.search(r"[。；！？]", text) and not text.endswith(("：", ":"))
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
    for ln in head:
        if DOC_NUMBER_ONLY.match(ln.text):
            doc_number, number_line = fix_doc_number(ln.text), ln.index
            break
        m = DECREE.match(ln.text)
        if m and ln.index + 1 < len(lines):
            n = DECREE_NUMBER.match(lines[ln.index + 1].text)
            if n:
                doc_number, number_line = m["org"] + re.sub(r"\s+", "", n["num"]), ln.index + 1
                break
    page_number = fix_doc_number(page.get("发文字号") or page.get("文号") or page.get("文件编号"))
    if page_number:
        doc_number = doc_number or page_number

    # titles
    candidates = [ln for ln in head if is_title_like(ln.text) and not DOC_NUMBER_ONLY.match(ln.text)
                  and not NUMBERING.match(ln.text)]
    notice_line = None
    for ln in candidates:
        if NOTICE.search(ln.text):
            notice_line = ln
            if number_line is not None and ln.index > number_line:
                break
    notice_title = title = None
    title_line = None
    if notice_line is not None:
        notice_title = _clean_title(notice_line.text)
        notice_title = re.sub(rf"^.*?[{CJK}](?=关于(?:印发|转发|公布|发布|下发|颁布))", "", notice_title) \
            if not re.match(r"^关于", notice_title) and _org_suffix().search(notice_title.split("关于")[0].strip()) else notice_title
        inner = NOTICE.search(notice_title)["inner"]
        named = re.search(r"《(.+)》", inner)
        inner_name = named.group(1) if named else inner
        for ln in lines[notice_line.index + 1: notice_line.index + 80]:
            if ln.text == notice_line.text or "《" + inner_name + "》" in ln.text:
                continue
            t = _clean_title(ln.text)
            if is_title_like(t) and _similar(t, inner_name):
                title, title_line = t, ln
                break
        if title is None:
            if len(text) - notice_line.start < 1500 or not named:
                title = notice_title  # a cover notice whose policy is an attachment not in the file
                notes.append("the file holds only the cover notice; the policy it issues is not in the text")
            else:
                title = inner_name
    else:
        page_title = page.get("标题")
        for ln in candidates:
            t = _clean_title(ln.text)
            if title is None:
                title, title_line = t, ln
            elif ln.index - title_line.index <= 3 and t.endswith(BRACKETED_TAIL.sub("", title)) and len(t) > len(title):
                title, title_line = t, ln  # 关于…的通知（号） then 国家发展改革委 国家能源局关于…的通知
        if title is None and page_title:
            title = _clean_title(page_title)
        if title is None and lines and re.match(r"^附件\s*\d*\s*[:：]?\s*\S", lines[0].text):
            title = lines[0].text   # an attachment filed on its own (a map, a table)
        if title is None and lines:
            # a text that opens with its own name: 中华人民共和国…规划纲要，根据…编制
            first = lines[0].text.split("，", 1)[0]
            first = re.sub(r"（[^（）]*\d{4}[^（）]*）", "", first)
            if is_title_like(first):
                title = first
        if title:
            title = BRACKETED_TAIL.sub(lambda m: "" if DOC_NUMBER.search(m.group()) else m.group(), title)

    # 主送机关: the line ending in ： just below the (notice) title
    recipients: list[str] = []
    anchor = notice_line or title_line
    if anchor is not None:
        for ln in lines[anchor.index + 1: anchor.index + 5]:
            t = ln.text
            if DOC_NUMBER_ONLY.match(t) or is_title_like(t):
                continue
            if t.endswith(("：", ":")) and len(t) <= 300 and "。" not in t and not t.startswith(("现将", "根据")):
                recipients = [r.strip() for r in re.split(r"[，,]", t.rstrip("：:")) if r.strip()]
            break

    # signature block: organisations over a date
    signed_date, signers = _signature(lines, notice_line, title_line)
    if not signed_date:
        signed_date = parse_date(page.get("成文日期") or page.get("发文日期"))
    approver = None
    for ln in head[:12]:
        m = APPROVAL.search(ln.text)
        if m:
            signed_date = signed_date or parse_date(m["date"])
            body = re.sub(r"第[一二三四五六七八九十百\d]+届", "", m["body"])
            body = re.split(r"第[一二三四五六七八九十百\d]+次", body)[0].strip()
            approver = body if is_org(body) else None
            break

    issuers: list[str] = []
    if page.get("发文机关"):
        issuers = [p for p in re.split(r"[、，,\s]+", page["发文机关"]) if p]
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
    if not issuers and title:
        prefix = title.split("关于")[0].strip() if "关于" in title else ""
        if prefix and not re.search(r"等[一二三四五六七八九十\d]+(?:个)?部门$", prefix):
            issuers = [p for p in split_orgs(prefix) if is_org(p)]
    if not issuers:
        for key in ("发布单位", "publisher", "发布机构"):
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
    issuers = [_qualify(i, region, spam) for i in issuers]

    published = parse_date(page.get("发布日期") or page.get("发布时间") or page.get("公开日期"))
    return Metadata(
        title=title, notice_title=notice_title, doc_number=doc_number, issuers=_dedupe(issuers),
        signed_date=signed_date, published_date=published,
        index_number=(page.get("索引号") or page.get("索取号") or None),
        doc_type=doc_type_of(title) or ("附件" if title and title.startswith("附件") else None), recipients=recipients, region=region, level=level,
        topics=[t for t in re.split(r"[、，,\\/\s]+", page.get("主题分类", "")) if t],
    )


def _similar(a: str, b: str) -> bool:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return False
    return a in b or b in a or len(sa & sb) / len(sa | sb) >= 0.7


def _signature(lines: list[_Line], notice_line, title_line) -> tuple[str | None, list[str]]:
    """(signed date, signing organisations): the first date line directly under organisation
    lines after the (notice) title, else the last date line of the document."""
    dated = [ln for ln in lines if DATE_LINE.match(GARBLE.sub("", ln.text).strip("（）()?？ "))]
    if not dated:
        return None, []
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
    with_orgs = [(ln, orgs_above(ln)) for ln in after]
    for ln, orgs in with_orgs:
        if orgs:
            return parse_date(ln.text), orgs
    last = dated[-1]
    return parse_date(last.text), orgs_above(last)


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


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out
