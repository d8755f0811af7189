"""Citations (SCHEMA "Citations"): every 《…》 that names a law, regulation, plan, standard,
opinion, notice or other policy document.

    extract_citations(text) -> [Citation, ...]        (in text order)

Conventions (SCHEMA, gold/):
- ``title`` is the text inside the outermost 《》 (line breaks inside it removed); a nested
  《》 or 〈〉 stays part of the title (《关于印发〈…〉的通知》 is one citation), and a policy document
  named in 〈〉 inside it is a citation of its own too (《关于修改〈X条例〉的决定》 cites X条例).  An issuer before
  the brackets (国务院《优化营商环境条例》) is not part of the title.
- A title is a policy document when its last word (trailing bracket groups such as （试行）,
  (2021—2025年) set aside) is a document type of ``lexicon/citation_doc_types.tsv`` and no
  longer word of ``citation_non_policy.tsv`` ends it (《孙子兵法》, 《…学生读本》 are not);
  or when the closing 》 is followed by a type marked ``after`` (《社会参与评价学校》制度,
  ``《关于报送…方案的》的通知``: the title stays the bracketed text).
- ``doc_number``: a bracket right after the 》 holding a 发文字号 (（教基〔2020〕7号）,
  (中发[2019]26号), （国务院令第708号）), year brackets normalised to 〔〕.
  A number standing before the title in ``…令第71号公布的《…》`` (原 = former, not part of it) is
  the cited document's number too.
- ``alias``: a bracket right after the title (or its number) holding a cue of
  ``citation_alias_cues.tsv`` (（以下简称《标准》）, （以下简称“标准”）).  Every later 《标准》 is
  a citation of the same document: title = the full title, alias and doc_number carried over.
  The 《标准》 inside the defining bracket is not a citation of its own.  A title that is a document
  type alone, with no 以下简称 before it (《纲要》 after 《海南省…五年规划纲要（草案）》), is the short name
  of the last document cited whose title ends in it: that title, with the short name as alias.
- ``span`` runs from the 《 to the 》, extended over the number / alias brackets when present.
- A 《 that is never closed (《太原市…发展规划(2021—2025年),统筹推进…) is read up to its first
  clause punctuation and cut after the last document-type word there.
- A 《…》 on a line of page links (a file to download, 【政策解读】, 点击查看) is no citation.
- A contract or pledge the parties sign (签订《合同》和《廉洁协议》: a form word of
  ``citation_signed_forms.tsv`` ending the title after a signing verb in the same clause) is no
  citation: it names a form to fill in, not a policy document.
- ``resolved_doc_id`` is always None here (the index fills it).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ..lexicon import table, words
from ..model import Citation

__all__ = ["extract_citations", "is_policy_title"]

_OPEN, _CLOSE = "《", "》"
_MAX_TITLE = 160                      # characters scanned for a closing 》
_STOP = set("。！？；;!?")            # a title never runs over these
_UNCLOSED_STOP = re.compile(r"[，,。；;！？!?：:\n《]")
_TRAILING_GROUP = re.compile(r"\s*(?:[（(][^（()）]{0,30}[)）]|〔[^〔〕]{0,30}〕|\[[^\[\]]{0,30}\])\s*$")
_BRACKET_PAIRS = {"（": "）", "(": ")"}
_YEAR_BR = re.compile(r"[〔\[［【(（]\s*((?:19|20)\d\d)\s*[〕\]］】)）]")
_CJK = r"\u3400-\u9fff"
_DOC_NO = re.compile(
    rf"^\s*([{_CJK}A-Za-z]{{1,20}}?)\s*"
    rf"(?:[〔\[［【(（]\s*((?:19|20)\d\d)\s*[〕\]］】)）]\s*第?\s*(\d{{1,5}})\s*号"
    rf"|(令)\s*第\s*(\d{{1,5}})\s*号)\s*(?:文件)?\s*$")
# a line of page links, not of the text: a file to download (…的通知.pdf), a link to an
# interpretation (【音频解读】关于《…》的解读), a breadcrumb with 点击查看
_LINK_LINE = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar)\s*$|【[^】]{0,8}(?:解读|下载)[^】]{0,4}】|点击|下载[:：]", re.I)
_QUOTED = re.compile(r"^[《“\"「『‘〈]?(.+?)[》”\"」』’〉]?$")


@lru_cache(maxsize=1)
def _lexicon():
    types = {r["word"]: r.get("after") == "yes" for r in table("citation_doc_types")}
    non_policy = frozenset(words("citation_non_policy"))
    alias_cues = tuple(sorted(words("citation_alias_cues"), key=len, reverse=True))
    after = tuple(sorted((w for w, a in types.items() if a), key=len, reverse=True))
    lens = sorted({len(w) for w in types} | {len(w) for w in non_policy}, reverse=True)
    return frozenset(types), non_policy, alias_cues, after, lens


@lru_cache(maxsize=1)
def _signed_forms() -> tuple[re.Pattern, tuple[str, ...]]:
    verbs = words("citation_signed_forms", kind="verb")
    forms = tuple(sorted(words("citation_signed_forms", kind="form"), key=len, reverse=True))
    return re.compile("|".join(map(re.escape, verbs))), forms


def _signed_form(text: str, at: int, title: str) -> bool:
    """Whether the 《 at ``at`` names a contract the clause signs (签订《合同》和《廉洁协议》)."""
    verbs, forms = _signed_forms()
    if not _core(title).endswith(forms):
        return False
    stop = max(text.rfind(p, max(0, at - 40), at) for p in "，。；：！？\n")
    return bool(verbs.search(text, stop + 1, at))


def _type_end(title: str) -> int:
    """Length of the policy-type word ending ``title`` (0 when none or a non-policy word wins)."""
    types, non_policy, _, _, lens = _lexicon()
    for n in lens:                     # longest first: the longer of policy / non-policy decides
        if n > len(title):
            continue
        tail = title[-n:]
        if tail in non_policy:
            return 0
        if tail in types:
            return n
    return 0


def _core(title: str) -> str:
    """The title without trailing bracket groups （试行） (2021—2025年) and white space."""
    core = title.strip()
    for _ in range(3):
        stripped = _TRAILING_GROUP.sub("", core)
        if stripped == core or not stripped:
            break
        core = stripped
    return core.strip()


def _non_policy(title: str) -> bool:
    """Whether a word of ``citation_non_policy.tsv`` ends the title (a book, a certificate)."""
    _, non_policy, _, _, lens = _lexicon()
    core = _core(title)
    return any(core[-n:] in non_policy for n in lens if n <= len(core)) and not _type_end(core)


def is_policy_title(title: str) -> bool:
    """Whether a 《》 title names a policy document by its last word."""
    return bool(title) and _type_end(_core(title)) > 0


def _clean_title(raw: str) -> str:
    return re.sub(r"[ \t\u3000]*[\r\n]+[ \t\u3000]*", "", raw).strip()


def _close(text: str, start: int) -> int:
    """Index of the 》 closing the 《 at ``start`` (nesting counted), or -1."""
    depth, end = 0, min(len(text), start + _MAX_TITLE)
    i = start
    while i < end:
        ch = text[i]
        if ch == _OPEN:
            depth += 1
        elif ch == _CLOSE:
            depth -= 1
            if depth == 0:
                return i
        elif ch in _STOP or (ch == "\n" and i + 1 < len(text) and text[i + 1] == "\n"):
            return -1
        i += 1
    return -1


def _unclosed_title(text: str, start: int) -> Optional[int]:
    """End (exclusive) of the title of an unclosed 《 at ``start``, or None."""
    m = _UNCLOSED_STOP.search(text, start + 1, min(len(text), start + _MAX_TITLE))
    stop = m.start() if m else min(len(text), start + _MAX_TITLE)
    chunk = text[start + 1:stop]
    # cut after the last type word, allowing bracket groups after it: …规划(2021—2025年)
    best = None
    for i in range(len(chunk), 1, -1):
        if _type_end(_core(chunk[:i])):
            best = i
            break
    return start + 1 + best if best else None


def _bracket(text: str, pos: int) -> Optional[tuple[int, str]]:
    """A （…） / (…) group starting at ``pos`` (after spaces): (end exclusive, content)."""
    i = pos
    while i < len(text) and text[i] in " \t\u3000":
        i += 1
    if i >= len(text) or text[i] not in _BRACKET_PAIRS:
        return None
    depth, j, end = 0, i, min(len(text), i + 80)
    while j < end:
        ch = text[j]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth -= 1
            if depth == 0:
                return j + 1, text[i + 1:j]
        elif ch in _STOP or ch == "\n":
            return None
        j += 1
    return None


def _doc_number(part: str) -> Optional[str]:
    m = _DOC_NO.match(part)
    if not m:
        return None
    prefix = m.group(1)
    if m.group(2):
        return f"{prefix}〔{m.group(2)}〕{m.group(3)}号"
    return f"{prefix}令第{m.group(5)}号"


# 2014年8月19日原国家工商行政管理总局令第71号公布的《…》: the document's number before its title
_NUMBER_BEFORE = re.compile(
    rf"^(?:原|经)?(?P<num>[{_CJK}]{{2,20}}?(?:令第\d{{1,5}}号|〔(?:19|20)\d\d〕\d{{1,5}}号))(?:文件)?(?:公布|发布|印发)的$")
_BEFORE_CUT = re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日|[，。；：、\s（）()《》“”]")


def _number_before(text: str, at: int) -> Optional[str]:
    if not text.endswith("的", 0, at):
        return None
    m = _NUMBER_BEFORE.match(_BEFORE_CUT.split(text[max(0, at - 40):at])[-1])
    return _doc_number(m["num"]) if m else None


def _alias(part: str) -> Optional[str]:
    _, _, cues, _, _ = _lexicon()
    p = part.strip()
    for cue in cues:
        if p.startswith(cue):
            rest = p[len(cue):].strip(" ：:为")
            m = re.match(r"^[《“\"「『‘〈]([^》”\"」』’〉]{1,30})[》”\"」』’〉]", rest)
            if m:
                return m.group(1).strip()
            rest = re.split(r"[，,、；;]", rest)[0].strip()
            return rest if 0 < len(rest) <= 20 else None
    return None


def _tail(text: str, end: int) -> tuple[int, Optional[str], Optional[str]]:
    """Number and alias brackets after a title ending at ``end``: (new end, doc_number, alias)."""
    number = alias = None
    for _ in range(2):
        got = _bracket(text, end)
        if not got:
            break
        b_end, content = got
        found = False
        for part in re.split(r"[，,；;]", content):
            n = _doc_number(part)
            if n and number is None:
                number, found = n, True
                continue
            a = _alias(part)
            if a and alias is None:
                alias, found = a, True
        if not found:
            break
        end = b_end
    return end, number, alias


def _after_type(text: str, end: int) -> bool:
    """Whether a document-type word marked ``after`` follows the 》 ending at ``end``."""
    _, _, _, after, _ = _lexicon()
    rest = text[end:end + 8]
    if rest.startswith("的"):
        rest = rest[1:]
    return any(rest.startswith(w) for w in after)


def extract_citations(text: str) -> list[Citation]:
    """Every policy-document citation in ``text`` (see the module docstring)."""
    out: list[Citation] = []
    if not text or _OPEN not in text:
        return out
    aliases: dict[str, tuple[str, Optional[str]]] = {}
    i = text.find(_OPEN)
    while i >= 0:
        if _on_link_line(text, i):
            nl = text.find("\n", i)
            i = text.find(_OPEN, nl) if nl >= 0 else -1
            continue
        close = _close(text, i)
        if close >= 0:
            raw, title_end, end = text[i + 1:close], close, close + 1
        else:
            t_end = _unclosed_title(text, i)
            if t_end is None:
                i = text.find(_OPEN, i + 1)
                continue
            raw, title_end, end = text[i + 1:t_end], t_end, t_end
        title = _clean_title(raw)
        if title in aliases:
            full, number = aliases[title]
            out.append(Citation(title=full, doc_number=number, alias=title, span=(i, end)))
            i = text.find(_OPEN, end)
            continue
        new_end, number, alias = _tail(text, end)
        earlier = _short_form_of(title, out) if not (alias or number) else None
        if earlier is not None:        # 《海南省…规划纲要（草案）》…《纲要》提出: the same document
            out.append(Citation(title=earlier.title, doc_number=earlier.doc_number, alias=title, span=(i, end)))
            i = text.find(_OPEN, end)
            continue
        number = number or _number_before(text, i)
        if title and (is_policy_title(title) or (alias or number) and not _non_policy(title)
                      or (close >= 0 and _after_type(text, end))) \
                and not (not number and _signed_form(text, i, title)):
            out.append(Citation(title=title, doc_number=number, alias=alias, span=(i, new_end)))
            out.extend(_nested(text, i + 1, title_end))
            if alias:
                aliases[alias] = (title, number)
                inner = re.search(r"《([^《》]{1,30})》", alias)
                if inner:                  # 以下简称省《办法》: every later 《办法》 is this document
                    aliases.setdefault(inner.group(1), (title, number))
            end = new_end
        elif close < 0:
            end = i + 1                # nothing found: look for a 《 inside the unclosed text
        i = text.find(_OPEN, end)
    return out


def _short_form_of(title: str, earlier: list[Citation]) -> Optional[Citation]:
    """The document cited last whose title ends in ``title`` when ``title`` is a document type alone
    (《纲要》 after 《海南省…五年规划纲要（草案）》, with no 以下简称): the text's short name for it."""
    if not title or _type_end(title) != len(title):
        return None
    for c in reversed(earlier):
        core = _core(c.title)
        if len(core) > len(title) and core.endswith(title):
            return c
    return None


def _on_link_line(text: str, at: int) -> bool:
    ls = text.rfind("\n", 0, at) + 1
    le = text.find("\n", at)
    return bool(_LINK_LINE.search(text, ls, le if le >= 0 else len(text)))


def _nested(text: str, start: int, end: int) -> list[Citation]:
    """The documents a citation's title names in 〈〉 (《关于修改〈青岛市环境噪声管理规定〉的决定》 cites
    the 规定 too; gold/ and SCHEMA: each document named is a citation)."""
    out = []
    for m in re.finditer(r"〈([^〈〉《》]{2,80})〉", text[start:end]):
        title = _clean_title(m.group(1))
        if is_policy_title(title):
            out.append(Citation(title=title, span=(start + m.start(), start + m.end())))
    return out


def extract(doc) -> None:
    """Registry entry point: fill doc.citations from the record's text."""
    if not any(getattr(c, "span", None) for c in doc.citations):
        doc.citations = extract_citations(doc.text)
