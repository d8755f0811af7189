"""Text normalisation (SCHEMA "Text"): one paragraph per line, form folded, chrome dropped.

Keeps the document's words; changes only their form:
- full-width ASCII letters, digits and symbols to half-width (Chinese punctuation such as
  （），：；！？ stays full-width);
- half-width ``( ) , : ;`` next to Chinese characters to ``（ ） ， ： ；``;
- document-number brackets (``[2021]``, ``【2021】``, ``(2021)``) to ``〔2021〕``;
- letter-spaced words (``国 家 能 源 局``) closed up;
- lines a page or PDF broke inside a sentence joined (``自主安排教`` + ``学计划``);
- web chrome, export headers and the page's metadata table dropped (the table's values are
  returned as ``page_metadata`` for the metadata stage).

Every output character remembers the source offset it came from, kept as runs (an anchor where
consecutive characters stop coming from consecutive source offsets, as ``offset_map`` gives them),
so a span in the record can always be mapped back into the loader's text; a 50 MB text costs a
few MB of anchors, not 8 bytes a character.
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from .lexicon import table, words

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
_CJK_OR_PUNCT = re.compile(f"[{CJK}“”‘’《》（）。，、；：！？〔〕【】]")
TERMINAL = "。！？；：…”’」』）)】>|"
NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]"
    r"|第[一二三四五六七八九十百零〇]+[章节条篇]|专栏\s*[一二三四五六七八九十\d]+|[①-⑳㈠-㈩]|附件\s*\d*)"
)
DOC_NUMBER_BRACKETS = re.compile(
    rf"(?P<prefix>[{CJK}]{{1,14}})\s*[\[【(（﹝［〔]\s*(?P<year>(?:19|20)\d{{2}})\s*[\]】)）﹞］〕]\s*(?P<num>\d{{1,5}})\s*(?=号)"
)
SPACES = " \t\u3000\u2002\u2003\u2009\u00a0\u200b\ufeff"
GARBLE = re.compile(r"\?{4,}|\ufffd|[ÃÂâ][\x80-\xbf]|[À-ÿ]{3,}|锟斤拷|烫烫烫")
_FOLD_KEEP = set("（），：；！？［］｛｝～")  # Chinese text uses these full-width forms as its own punctuation
_FOLD = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in _FOLD_KEEP}
_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}


@dataclass
class Normalised:
    text: str
    anchors: list[tuple[int, int]]     # (text offset, source offset) where the text → source shift changes
    flags: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    page_metadata: dict[str, str] = field(default_factory=dict)

    def offset_map(self) -> list[tuple[int, int]]:
        """Anchors (text offset, source offset) where the text → source shift changes."""
        return list(self.anchors)

    @property
    def source_index(self) -> "SourceIndex":
        """The source offset of each text character, as a sequence read off the anchors."""
        return SourceIndex(self.anchors, len(self.text))

    @source_index.setter
    def source_index(self, sources) -> None:
        self.anchors = _runs(sources)


class SourceIndex(Sequence):
    """Source offsets of a text's characters from its anchors: iterating runs in C, nothing is
    spelled out (a 50 MB text's array would be 136 MB)."""

    def __init__(self, anchors: list[tuple[int, int]], n: int) -> None:
        self.anchors, self.n = anchors, n

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        return _iter_runs(self.anchors, self.n)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return array("q", self)[i]
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        t, s = self.anchors[bisect_right(self.anchors, (i, float("inf"))) - 1]
        return s + i - t


def _iter_runs(runs: list[tuple[int, int]], n: int):
    ends = [t for t, _ in runs[1:]] + [n]
    return chain.from_iterable(range(s, s + e - t) for (t, s), e in zip(runs, ends))


def _runs(sources, base: int = 0) -> list[tuple[int, int]]:
    """Anchors of per-character sources: (offset + base, source) where source - offset changes.
    Sequences long enough to matter are compared in C, a block at a time (numpy)."""
    n = len(sources)
    if n < 4096:
        out, shift = [], None
        for i, s in enumerate(sources):
            if s - i != shift:
                out.append((i + base, s))
                shift = s - i
        return out
    import numpy as np
    out, prev = [], None
    for a in range(0, n, 1 << 20):
        block = np.asarray(sources[a:a + (1 << 20)], dtype=np.int64)
        shift = block - np.arange(a, a + len(block), dtype=np.int64)
        starts = np.flatnonzero(np.diff(shift)) + 1
        if prev is None or shift[0] != prev:
            starts = np.concatenate(([0], starts))
        out.extend((int(i) + a + base, int(block[i])) for i in starts)
        prev = shift[-1]
    return out


def to_source(offset_map: list[tuple[int, int]], offset: int) -> int:
    """The source offset of a text offset, from a record's offset_map."""
    import bisect
    if not offset_map:
        return offset
    i = bisect.bisect_right([a for a, _ in offset_map], offset) - 1
    t, s = offset_map[max(i, 0)]
    return s + (offset - t)


# --- lines ----------------------------------------------------------------------------------

@dataclass(slots=True)
class _Line:
    text: str
    runs: list[tuple[int, int]]   # (offset in text, source offset): from there on, sources count up by one
    blank_before: bool = False

    def src(self, k: int) -> int:
        """The source offset of character k."""
        t, s = self.runs[bisect_right(self.runs, (k, float("inf"))) - 1]
        return s + k - t

    def sources(self) -> array:
        return array("q", _iter_runs(self.runs, len(self.text)))

    def append(self, text: str, runs: list[tuple[int, int]]) -> None:
        off = len(self.text)
        self.runs.extend((t + off, s) for t, s in runs)
        self.text += text


def _split_lines(raw: str) -> list[_Line]:
    lines, blank = [], False
    for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", raw):
        body = m.group().rstrip("\r\n")
        if not m.group():
            break
        start = m.start()
        left = len(body) - len(body.lstrip(SPACES))
        stripped = body.strip(SPACES)
        if not stripped:
            blank = True
            continue
        lines.append(_Line(stripped, [(0, start + left)], blank))
        blank = False
    return lines


def _edit(line: _Line, start: int, end: int, replacement: str | None = None) -> None:
    """Replace text[start:end] by replacement, each new char taking the source of the first old one."""
    _edits(line, [(start, end, replacement or "")])


def _edits(line: _Line, edits: list[tuple[int, int, str]]) -> None:
    """Several ``_edit``s at once, in one pass over the line: (start, end, replacement), in text
    order, not overlapping, offsets in the line as it is."""
    if not edits:
        return
    text, src = line.text, line.sources()
    out, out_src, pos = [], array("q"), 0
    for start, end, new in edits:
        out.append(text[pos:start])
        out_src.extend(src[pos:start])
        src0 = src[start] if start < len(src) else (src[-1] if src else 0)
        out.append(new)
        out_src.extend(array("q", [src0]) * len(new))
        pos = end
    out.append(text[pos:])
    out_src.extend(src[pos:])
    line.text, line.runs = "".join(out), _runs(out_src)


_FOLD_TABLE = str.maketrans({**_FOLD, **{c: " " for c in SPACES}})
_NEEDS_FOLD = re.compile("[" + re.escape("".join(_FOLD) + SPACES) + "]")   # translate is slow on CJK: ask first
_NEEDS_WIDEN = re.compile(r"[(),:;]")


def _fold(line: _Line) -> None:
    text = line.text.translate(_FOLD_TABLE) if _NEEDS_FOLD.search(line.text) else line.text   # 1:1: offsets kept
    if _NEEDS_WIDEN.search(text):
        chars = list(text)
        # half-width punctuation beside Chinese → full-width (but not inside numbers such as 1,000
        # or 8:30); repeated to a fixed point, since a converted character is itself Chinese punctuation
        for _ in range(len(chars)):
            if not _widen_once(chars):
                break
        text = "".join(chars)
    line.text = text


def _widen_once(chars: list[str]) -> bool:
    changed = False
    text = "".join(chars)
    for m in _NEEDS_WIDEN.finditer(text):
        i, c = m.start(), m.group()
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if c in "()":
            widen = bool(_CJK_OR_PUNCT.match(prev or " ") or _CJK_OR_PUNCT.match(nxt or " ")
                         or (c == ")" and "（" in chars[max(0, i - 40):i]))
        else:
            widen = bool(_CJK_OR_PUNCT.match(prev or " ") or (_CJK_RE.match(nxt or " ") and not prev.isalnum()))
        if widen:
            chars[i] = _TO_FULL[c]
            changed = True
    # the matching half of a bracket pair converted above
    text = "".join(chars)
    for m in _HALF_PAIR.finditer(text):
        chars[m.start()], chars[m.end() - 1] = "（", "）"
        changed = True
    return changed


_HALF_PAIR = re.compile(r"（[^()（）]{0,60}\)|\([^()（）]{0,60}）")


def _close_letter_spacing(line: _Line) -> None:
    """``国 家 能 源 局`` (a signature spaced out for layout) → ``国家能源局``."""
    if " " not in line.text:
        return
    # close spaced-out runs, collapse runs of spaces, and again until nothing changes: a collapse can
    # make a run (一  一 一), and normalising the result again must change nothing
    for _ in range(3):
        before = line.text
        _edits(line, [(i, i + 1, "") for m in _SPACED_RUN.finditer(line.text)
                      for i in range(m.start() + 1, m.end() - 1, 2)])
        _edits(line, [(m.start() + 1, m.end(), "") for m in re.finditer(r" {2,}", line.text)])
        if line.text == before:
            break


# one-character words spaced out for layout (国 家 能 源 局, 第一章 总 则), ending a word: not the name
# before a title (尤 权 国务院副秘书长)
_SPACED_RUN = re.compile(rf"(?:[{CJK}] ){{2,}}[{CJK}](?![{CJK}])")


def _doc_number_brackets(line: _Line) -> None:
    if "号" not in line.text:
        return
    text = line.text
    edits = []
    for m in DOC_NUMBER_BRACKETS.finditer(text):
        seg = text[m.start("prefix"):m.end()]
        fixed = f"{m['prefix']}〔{m['year']}〕{m['num']}"
        if seg != fixed:
            edits.append((m.start("prefix"), m.end(), fixed))
    _edits(line, edits)


# --- chrome ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _chrome():
    exact, contains, patterns = set(), [], []
    for row in table("chrome"):
        kind, pat = row["kind"], row["pattern"]
        if kind == "line":
            exact.add(pat)
        elif kind == "contains":
            contains.append(pat)
        else:
            patterns.append(re.compile(pat))
    # one alternation each, scanned once per line (every line of every page is asked)
    any_contained = re.compile("|".join(map(re.escape, contains))) if contains else None
    any_pattern = re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None
    return exact, any_contained, any_pattern, frozenset(words("nav_words"))


CELL_BAR = re.compile(r"[|｜]")


def is_chrome(text: str) -> bool:
    exact, any_contained, any_pattern, nav = _chrome()
    if text in exact:
        return True
    if len(text) <= 120 and any_contained is not None and any_contained.search(text):
        return True
    if any_pattern is not None and any_pattern.match(text):
        return True
    if "|" not in text and "｜" not in text:
        return False
    cells = [c.strip() for c in CELL_BAR.split(text)]
    if len(cells) >= 3 and all(len(c) <= 10 for c in cells) and any(c in nav for c in cells):
        return True
    return False


@lru_cache(maxsize=1)
def _labels() -> tuple[tuple[re.Pattern, str, str], ...]:
    out = []
    for row in sorted(table("page_labels"), key=lambda r: -len(r["label"])):
        label = row["label"].rstrip(":：")
        pattern = r"\s*".join(map(re.escape, label))
        out.append((re.compile(pattern), label, row["field"]))
    return tuple(out)


@lru_cache(maxsize=1)
def _label_first_chars() -> frozenset[str]:
    return frozenset(label[0] for _, label, _ in _labels())


def _label_at(text: str, pos: int = 0) -> tuple[str, int] | None:
    """The page-table label starting at text[pos:], and where its value starts."""
    if pos >= len(text) or text[pos] not in _label_first_chars():
        return None            # most lines: no label can start here, no pattern need be tried
    for pattern, label, _ in _labels():
        m = pattern.match(text, pos)
        if m:
            end = m.end()
            # a label must be followed by a separator (or be the whole line): 标题：…, 索引号 | …
            rest = text[end:end + 2]
            if end == len(text) or rest[:1] in ":：|｜ " or rest[:1] == "\t":
                return label, end
    return None


def parse_label_line(text: str) -> dict[str, str] | None:
    """``索引号: 0124/2017-00309 公开目录: 政府文件 发布日期: 2017年02月20日`` and the
    ``索引号 | 0122/2022-01279 | 主题分类 | …`` table form → {label: value}; None if the line
    does not start with a page label."""
    text = text.strip()
    if not _label_at(text):
        return None
    cells = [c.strip() for c in re.split(r"\s*[|｜]\s*", text)] if re.search(r"[|｜]", text) else None
    out: dict[str, str] = {}
    if cells:
        i = 0
        while i < len(cells):
            hit = _label_at(cells[i])
            if hit and hit[1] >= len(cells[i].rstrip(":：")):
                value = cells[i + 1] if i + 1 < len(cells) and not _label_at(cells[i + 1]) else ""
                out.setdefault(hit[0], value)
                i += 2 if value else 1
            else:
                i += 1
        return out or None
    # label: value label: value …
    positions = []
    for m in re.finditer(r"(?:^|(?<=\s))\S", text):
        hit = _label_at(text, m.start())
        if hit and re.match(r"\s*[:：]", text[hit[1]:]):
            positions.append((m.start(), hit))
    if not positions or positions[0][0] != 0:
        return None
    for k, (start, (label, vstart)) in enumerate(positions):
        vend = positions[k + 1][0] if k + 1 < len(positions) else len(text)
        value = re.sub(r"^\s*[:：]\s*", "", text[vstart:vend]).strip()
        out.setdefault(label, value)
    return out


def _is_label_only(text: str) -> str | None:
    hit = _label_at(text)
    if hit and text[hit[1]:].strip(" :：") == "":
        return hit[0]
    return None


# --- reflow ---------------------------------------------------------------------------------

DOC_TYPE_END = re.compile(r"(?:通知|意见|方案|规划|办法|条例|规定|决定|计划|纲要|细则|通告|公告|报告|批复|函|标准|指南|清单|制度|规则|法)[》”]?(?:[（(][^（）()]{1,20}[）)])?$")
DATE_LINE = re.compile(r"^[（(]?(?:(?:19|20)\d{2}|[二〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日[）)]?$")


DOC_NUMBER_LINE = re.compile(
    rf"^[（(]?[{CJK}]{{1,14}}\s*〔(?:19|20)\d{{2}}〕\s*\d{{1,5}}\s*号[）)]?(?:\s+签发人[:：]\s*\S+)?$")


def _unbalanced(text: str) -> bool:
    # half-width brackets count with full-width ones: folding (…) to （…） must not change the answer
    return any(sum(text.count(x) for x in a) > sum(text.count(x) for x in b)
               for a, b in (("《", "》"), ("“", "”"), ("（(", "）)"), ("〔", "〕")))


SIGNING_OFFICIAL_LINE = re.compile(
    rf"^[{CJK}]{{0,14}}?(?:总\s*理|主\s*席|省\s*长|市\s*长|区\s*长|县\s*长|州\s*长|部\s*长|局\s*长|厅\s*长|主\s*任)(?:\s+|\s*[:：]\s*)[{CJK}·]{{2,8}}$")
RECORD_START = re.compile(r"^(?:根据)?(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")
RECORD_END = re.compile(r"(?:通过|批准|修正|修订|公布|发布|施行)[）)]?$")
SALUTATION = re.compile(r"^(?:各位|尊敬的|同志们|亲爱的)[^，。]{0,10}[：:]$")
DELIVERY_LINE = re.compile(r"^[—–\-－]{0,2}\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*在.{2,40}?会议上$")


CLOSING_OPENERS = "，。、；：！？）》”’,;:)"      # no line starts with these: a break fell inside a sentence


def _should_join(a: str, b: str, blank_between: bool, unpunctuated: bool = False) -> bool:
    if not a or not b or NUMBERING.match(b) or DATE_LINE.match(b) or " | " in a or " | " in b:
        return False
    if (len(b) <= 3 and b.isdigit()) or (len(a) <= 3 and a.isdigit()):
        return False   # a bare number kept as a table cell (_number_cell) stays its own line
    # a report's header: ——2026年1月26日在广东省第十四届 / 人民代表大会第五次会议上 / 广东省省长 孟凡利 / 各位代表：
    if DELIVERY_LINE.match(a + b) and re.match(r"^[—–\-－]{1,2}", a) and len(b) < 40:
        return True
    if (DELIVERY_LINE.match(a) or SIGNING_OFFICIAL_LINE.match(a) or SIGNING_OFFICIAL_LINE.match(b)
            or SALUTATION.match(b)):
        return False
    if RECORD_START.match(b) and RECORD_END.search(a):
        return False   # a law's dated record, one event a line: …会议通过 / 2023年1月9日 …会议批准）
    if b[0] in CLOSING_OPENERS and a[-1] not in "。！？；" and " | " not in a:
        return True   # a line never starts with closing punctuation (half-width too, or normalising twice
                      # would join what once did not): the break fell inside a sentence
    if a[-1] in TERMINAL or DOC_NUMBER_LINE.match(b) or DOC_NUMBER_LINE.match(a):
        return False
    if _unbalanced(a) and not DATE_LINE.match(a) and len(a) + len(b) < 200:
        return True
    if b.startswith("关于") and _issuers_line(a):
        return False  # the header's issuers over the title (…科技工业和信息化局 …人力资源和社会保障局 / 关于印发…)
    # a title broken over lines: 关于印发…省级试点 / 工作方案的通知
    if "关于" in a and not DOC_TYPE_END.search(a) and len(a) < 60 and len(b) < 40 and b[-1] not in TERMINAL:
        return True
    if (re.search(r"关于(?:印发|转发|发布|公布|下发|颁布)", a) and len(a) < 80 and len(b) < 40
            and re.search(r"的(?:通知|函|决定|批复)$", b) and not re.search(r"的(?:通知|函)$", a)):
        return True   # 关于印发广州市引进人才入户管理办法 / 实施细则的通知: the wrapper ends on 的通知
    if DOC_TYPE_END.search(a) and (len(a) < 80 or "关于" in a):
        return False  # a title line ends here
    # a body line cut mid-sentence: long, ends in a character (not punctuation), next goes on
    if a[-1] in "，、" and len(a) >= 8:
        return True
    # (blank lines between are ignored so that normalising twice changes nothing)
    return not unpunctuated and len(a) >= 30 and bool(re.match(rf"[{CJK}\w“《（]", b)) and not _looks_like_heading(a)


@lru_cache(maxsize=1)
def _org_end() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, sorted(words("org_suffixes"), key=len, reverse=True))) + ")$")


def _issuers_line(text: str) -> bool:
    """A line of two or more organisations separated by spaces, nothing else."""
    parts = text.split()
    return len(parts) >= 2 and all(_org_end().search(p) for p in parts) and not re.search(r"[。，；：！？]", text)


def _looks_like_heading(text: str) -> bool:
    return bool(NUMBERING.match(text)) and len(text) < 50


# --- tables flattened to one cell per line -------------------------------------------------

_PIPES = re.compile(r"^[|｜]+$")
_NUMERIC = re.compile(r"^[-+]?\d[\d.,%‰]*$")


def _cell_type(cell: str) -> str:
    return "empty" if not cell else ("num" if _NUMERIC.match(cell.replace(" ", "")) else "text")


def _best_width(cells: list[str]) -> int:
    """The column count that makes the columns most uniform in type (numbers, words, empty)."""
    best, best_score = 1, -1.0
    for k in range(2, min(9, len(cells) // 2 + 1)):
        rows = [cells[i:i + k] for i in range(k, len(cells), k)]  # the header row is all words
        if not rows:
            continue
        score = 0.0
        for col in range(k):
            types = [_cell_type(r[col]) for r in rows if col < len(r) and r[col]]
            if types:
                score += max(types.count(t) for t in set(types)) / len(types)
        score /= k
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best


def _rebuild_flattened_tables(lines: list[_Line]) -> list[_Line]:
    """A table whose cells a page export put one per line, separated by ``|`` lines, back into
    rows written as ``cell | cell | …`` (one line per row)."""
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        if not _PIPES.match(lines[i].text):
            out.append(lines[i])
            i += 1
            continue
        # the run: pipe lines and the single content lines between them
        cells: list[tuple[str, list[tuple[int, int]]]] = []    # (text, its runs)
        current: tuple[str, list[tuple[int, int]]] | None = None
        j = i
        while j < len(lines):
            t = lines[j].text
            if _PIPES.match(t):
                for _ in t:
                    cells.append(current or ("", [(0, lines[j].src(0))]))
                    current = None
                j += 1
            elif j > i and _PIPES.match(lines[j - 1].text) and len(t) <= 60 and current is None and not NUMBERING.match(t):
                current = (t, lines[j].runs)
                j += 1
            else:
                break
        if current:
            cells.append(current)
        while cells and not cells[0][0]:
            cells.pop(0)
        while cells and not cells[-1][0]:
            cells.pop()
        if len(cells) < 4:
            i = j
            continue
        k = _best_width([c for c, _ in cells])
        for r in range(0, len(cells), k):
            row = cells[r:r + k]
            line = _Line("", [], blank_before=False)
            for n, (c, runs) in enumerate(row):
                if n:                      # the separator takes the source of the cell after it
                    line.append(" | ", [(q, runs[0][1]) for q in range(3)])
                line.append(c, runs if c else [])
            if line.text:
                out.append(line)
        i = j
    return out


# --- bare numbers: page numbers or table cells ---------------------------------------------------

_NUMERIC_CELL = re.compile(r"^[-+]?\d+(?:[.,]\d+)*%?$")      # 12, 3.5, 1,000, 95%
_ROW_WINDOW = 8          # a row number's neighbours in its column sit within this many lines
_CELL_SHORT, _CELL_LONG = 20, 60


def _cell_like(text: str, limit: int) -> bool:
    """A line that can be one cell of a table: short, no sentence punctuation, not a heading."""
    return (0 < len(text) <= limit and not any(p in text for p in "，。；！？,;!?")   # half-width: folded later
            and not NUMBERING.match(text))


def _number_cell(lines: list[_Line], i: int) -> bool:
    """Whether a bare number on a line of its own (``12``: what the chrome table drops as a page
    number) is a cell of a table that an export flattened one cell per line, to be kept: a numeric
    cell next to it (``万平方米 / 30 / 35``), short cells on both sides (``属性 / 1 / 保护修缮``), or
    a row number of a column (``2`` with ``1`` and ``3`` a few lines away, or ``1`` and a cell
    beside it).  A page
    number sits between prose lines or headings; one in page-number dress (``- 3 -``) always goes."""
    text = lines[i].text.strip()
    if not text.isdigit():
        return False
    prev = lines[i - 1].text.translate(_FOLD_TABLE).strip() if i else ""    # the next line is not folded yet
    nxt = lines[i + 1].text.translate(_FOLD_TABLE).strip() if i + 1 < len(lines) else ""
    k = i + 2
    while nxt and k < len(lines) and lines[k].text.strip()[:1] in CLOSING_OPENERS:
        nxt += lines[k].text.translate(_FOLD_TABLE).strip()   # the lines joining it later (…: / ；文): judged as
        k += 1                                                # one, so a second pass decides the same
    prev, nxt = ("" if _PIPES.match(x) else x for x in (prev, nxt))   # a lone | is dropped: no cell
    if _NUMERIC_CELL.match(prev) or _NUMERIC_CELL.match(nxt):
        return True
    if _cell_like(prev, _CELL_SHORT) and _cell_like(nxt, _CELL_SHORT):
        return True
    n, seen = int(text), set()
    for k in range(max(0, i - 2 * _ROW_WINDOW), min(len(lines), i + 2 * _ROW_WINDOW + 1)):
        other = lines[k].text.strip()
        if k != i and other.isdigit() and len(other) <= 3:
            step = int(other) - n
            if (step in (-1, 1) and abs(k - i) <= _ROW_WINDOW) or (step == -2 and k < i) or (step == 2 and k > i):
                seen.add(step)
    # numbered rows: the numbers before and after it in the column (or the two before or after
    # it), or one of them and a cell beside it; not blank pages' numbers between copies of one
    # running line (a scanned book's watermark)
    if prev[:10] == nxt[:10]:
        return False
    return ({-1, 1} <= seen or {-2, -1} <= seen or {1, 2} <= seen
            or (bool(seen & {-1, 1}) and (_cell_like(prev, _CELL_LONG) or _cell_like(nxt, _CELL_LONG))))


# --- crawler residue ---------------------------------------------------------------------------

_TEXT_FRAGMENT = re.compile(r"#:~:text=[^\s）)】」>\]]*")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'）)】，。；]+")
_LIST_MARKER = re.compile(r"^[-*+•]\s+(?=\S)")
_TIMESTAMP = re.compile(r"^(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s+\d{1,2}[:：时]\d{1,2}(?:[:：分]\d{1,2}秒?)?分?$")
_BREADCRUMB_SEP = {">", "›", "»", "＞", ">>"}
_MD_HEAD = re.compile(r"^(?:\*\*(?P<label>[^*\s]{1,10})\*\*(?=\s*[:：])|#{1,6}\s+(?=\S))")


def _decoded(run: str) -> str | None:
    """A run of percent escapes as text when it is UTF-8 for non-ASCII text (%E8%BF%91 → 近)."""
    from urllib.parse import unquote_to_bytes
    raw = unquote_to_bytes(run)
    if not any(b >= 0x80 for b in raw):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() else None


def _neutralise_residue(line: _Line) -> bool:
    """Crawler residue inside a line, so that no extractor reads it as the document's words: a
    browser text-fragment link (``#:~:text=%E8%BF%91…``) goes; percent-encoded UTF-8 inside a URL, or
    a run of at least two escapes anywhere, is decoded (``%E8%BF%91`` → ``近``; the decoded characters
    take the source offset of the run); a run inside a URL that is not text goes too."""
    if "%" not in line.text and "#" not in line.text:
        return False
    edits = [(m.start(), m.end(), "") for m in _TEXT_FRAGMENT.finditer(line.text)]
    _edits(line, edits)
    changed = bool(edits)
    text = line.text
    urls = [(u.start(), u.end()) for u in _URL.finditer(text)]
    edits = []
    for m in _PERCENT_RUN.finditer(text):
        in_url = any(a <= m.start() < b for a, b in urls)
        if not in_url and len(m.group()) < 6:
            continue   # 95%10: a percentage before a number, not an escape
        decoded = _decoded(m.group())
        if decoded is not None:
            edits.append((m.start(), m.end(), decoded))
        elif in_url or re.search(r"%[89A-Fa-f][0-9A-Fa-f]", m.group()):
            edits.append((m.start(), m.end(), ""))   # a URL's escapes, or UTF-8 cut off mid-character
    _edits(line, edits)
    return changed or bool(edits)


def _breadcrumb_lines(lines: list[_Line]) -> set[int]:
    """Indices of a breadcrumb a page printed one item per line (首页 / > / 政务信息 / > / 宁夏要闻)."""
    out: set[int] = set()
    for i, ln in enumerate(lines[:80]):
        if ln.text.strip() in _BREADCRUMB_SEP:
            for k in (i - 1, i, i + 1):
                if 0 <= k < len(lines) and (k == i or len(lines[k].text) <= 16 and not re.search(r"[。，；]", lines[k].text)):
                    out.add(k)
            k = i + 2   # the last item repeated as the column's heading (云南要闻 / 云南要闻)
            if k < len(lines) and i + 1 in out and lines[k].text == lines[i + 1].text:
                out.add(k)
    return out


# --- the stage --------------------------------------------------------------------------------

_NO_SPACE = re.compile(r"\s+")
PAGE_TITLE_LOOKAHEAD = 6
_WRAPPING_NOTICE = re.compile(r"关于(?:印发|转发|发布|公布|下发)[^。]*通知$")


def _page_title_repeated(lines: list[_Line]) -> bool:
    """Whether the first line is the page's title over the document, repeated by its notice title
    a few lines on: the title alone (…行动计划（2023—2025年） over 上海市人民政府办公厅关于印发《…》的
    通知) or the issuer and notice title on one line (太原市…人民政府 关于印发《…》的通知 over the
    issuer line and 关于印发《…》的通知).  Its dates and citations are the notice's, counted there."""
    if len(lines) < 2:
        return False
    first = _NO_SPACE.sub("", lines[0].text)
    if len(first) < 8 or "。" in first:
        return False
    for ln in lines[1:1 + PAGE_TITLE_LOOKAHEAD]:
        later = _NO_SPACE.sub("", ln.text)
        if _WRAPPING_NOTICE.search(later) and later != first and (first in later or later in first):
            return True
    return False


def normalise(raw: str) -> Normalised:
    lines = _split_lines(raw)
    flags: set[str] = set()
    notes: list[str] = []
    page_meta: dict[str, str] = {}

    kept: list[_Line] = []
    head_zone = True   # page tables and chrome sit above the document's own text
    breadcrumb = _breadcrumb_lines(lines)
    widget = False     # inside a font-size widget printed one button per line: 【字体： / 大 / 中 / 小 / 】
    i = 0
    while i < len(lines):
        line = lines[i]
        _fold(line)
        if _neutralise_residue(line):
            flags.add("boilerplate_removed")
        text = line.text
        if widget:
            if len(text) <= 4:
                widget = "】" not in text
                flags.add("boilerplate_removed")
                i += 1
                continue
            widget = False
        if head_zone and (md := _MD_HEAD.match(text)):
            # markdown a page export left in a DOCX/TXT: **发布日期**: …, # 标题, ## 政策全文
            if md["label"] is not None:
                _edit(line, md.end("label"), md.end("label") + 2)
                _edit(line, 0, 2)
            else:
                _edit(line, 0, md.end())
            text = line.text
        marker = _LIST_MARKER.match(text)
        if marker and (head_zone or _label_at(text, marker.end())) and _label_at(text, marker.end()):
            _edit(line, 0, marker.end())   # - 文件名称：… (a markdown list of the page's metadata)
            text = line.text
        # a cell beside the pipes of a table flattened one cell per line (more than one pipe line
        # around it: a lone | is dropped, and what it stood beside is judged without it)
        in_table = any(0 <= k < len(lines) and _PIPES.match(lines[k].text) for k in (i - 1, i + 1)) and \
            sum(1 for k in range(max(0, i - 4), min(len(lines), i + 5)) if _PIPES.match(lines[k].text)) >= 2
        if i in breadcrumb or (not in_table and is_chrome(text) and not _number_cell(lines, i)):
            flags.add("boilerplate_removed")
            widget = bool(re.search(r"【\s*字[体号]", text)) and "】" not in text
            i += 1
            continue
        if head_zone and _TIMESTAMP.match(text):
            page_meta.setdefault("发布时间", text)
            flags.add("boilerplate_removed")
            i += 1
            continue
        if head_zone:
            label = _is_label_only(text)
            if label and i + 1 < len(lines):
                nxt = lines[i + 1]
                _fold(nxt)
                value = nxt.text
                if _is_label_only(value.replace("**", "")) or len(value) > 60 or is_chrome(value):
                    value = ""
                    i += 1
                else:
                    i += 2
                page_meta.setdefault(label, value)
                flags.add("boilerplate_removed")
                continue
            parsed = parse_label_line(text)
            if parsed and len(text) < 300:
                for k, v in parsed.items():
                    page_meta.setdefault(k, v)
                flags.add("boilerplate_removed")
                i += 1
                continue
            if len(text) > 60 and text[-1] in "。；":
                head_zone = False
        _close_letter_spacing(line)
        _doc_number_brackets(line)
        kept.append(line)
        i += 1

    if any(_PIPES.match(ln.text) for ln in kept):
        kept = _rebuild_flattened_tables(kept)
        flags.add("reflowed_lines")

    # join lines broken inside a sentence; in a text whose long lines never end a sentence with 。 (old
    # plans saved one sentence a line, their full stops lost), a line is a sentence and stays one
    long_lines = [ln.text for ln in kept if len(ln.text) >= 30]
    unpunctuated = len(long_lines) >= 20 and sum(t[-1] in TERMINAL for t in long_lines) < len(long_lines) / 50
    merged: list[_Line] = []
    for line in kept:
        if merged and _should_join(merged[-1].text, line.text, line.blank_before, unpunctuated):
            prev = merged[-1]
            if prev.text and prev.text[-1] == " ":
                _edit(prev, len(prev.text) - 1, len(prev.text))
            # a space that only separates two halves of a CJK word goes; between Latin words it stays
            if prev.text and re.match(r"[A-Za-z0-9]", prev.text[-1]) and re.match(r"[A-Za-z]", line.text[0]):
                prev.append(" ", [(0, line.src(0))])
            prev.append(line.text, line.runs)
            flags.add("reflowed_lines")
            continue
        merged.append(line)

    if _page_title_repeated(merged):
        merged = merged[1:]
        flags.add("boilerplate_removed")

    out_text: list[str] = []
    anchors: list[tuple[int, int]] = []
    pos, shift, last = 0, None, 0       # last: the source of the last character out

    def put(t: int, src: int) -> None:
        nonlocal shift
        if src - t != shift:
            anchors.append((t, src))
            shift = src - t
    for k, line in enumerate(merged):
        _fold(line)  # again: a joined line has new neighbours for its punctuation
        if k:
            out_text.append("\n")
            put(pos, line.runs[0][1] - 1 if line.text else last)
            last = line.runs[0][1] - 1 if line.text else last
            pos += 1
        for t, src in line.runs:
            put(pos + t, src)
        if line.text:
            t, src = line.runs[-1]
            last = src + len(line.text) - 1 - t
        out_text.append(line.text)
        pos += len(line.text)
        line.text, line.runs = "", []     # each line's share of the text lives on in out_text only
    text = "".join(out_text)
    if GARBLE.search(text):
        flags.add("garbled_text")
        notes.append("garbled characters in the text (e.g. runs of '?', U+FFFD or mojibake); kept as found")
    return Normalised(text=text, anchors=anchors, flags=flags, notes=notes, page_metadata=page_meta)
