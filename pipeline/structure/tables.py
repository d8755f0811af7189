"""Tables that a page export flattened to one cell per line, rebuilt into rows.

A markdown or text export of a web page often writes a table one cell per line: the header cells
(``序号`` / ``指标名称`` / ``单位`` / ``2025年`` / ``属性``), then each row's cells.  This pass finds
such tables in the loader's text and writes each row back as one line of cells joined by `` | ``
(``load.base.cells_line``, the form every loader gives a table), so that the normaliser keeps the
rows together and ``sections.find_tables`` and the extractors read them as tables.

It acts only on strong evidence, never on ordinary prose:
- a header: three or more lines in a row that are all column names (``lexicon/table_columns.tsv``
  or a year column such as ``2025年目标值``);
- then rows: with a ``序号`` column, its integers 1, 2, 3 … anchor the rows (a dynamic programme
  picks which integer lines are row numbers, so a figure ``4`` in row 3 is not taken for row 4);
  without one, the body must divide into rows of exactly the header's width whose cells fit their
  columns (figures under year columns, 约束性/预期性 under 属性).
A cell the export merged over several rows (a category, the responsible units: ``merged`` in the
lexicon) appears only in the first of them; the rows below take it from above, as a spreadsheet
reader fills a rowspan.  A line that spans the whole table between rows (``行动二：…``) stays a
line of its own.
"""
from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import table, words

YEAR_COLUMN = re.compile(r"^(?:19|20)\d{2}\s*年?(?:底|末)?(?:目标值?|基数|基期值?|现状值?|预期值?|值|预期|目标)?"
                         r"(?:[（(][^（）()]{1,8}[）)])?$")
_INT = re.compile(r"^(\d{1,3})[.．、]?$")   # a row number: 12, 12. or 12、
_FIGURE = re.compile(r"^[<>≤≥＜＞~约]?\s*[-+]?\d[\d.,，]*\s*(?:%|‰|％)?\s*(?:以上|以下|左右|以内)?$")
_DASH = re.compile(r"^[—－\-–/／×\s]+$")
_SENTENCE_PUNCT = re.compile(r"[。；;！？]")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百\d]+[章节条篇部]"
                      r"|专栏\s*[一二三四五六七八九十\d]|附件|附表|表\s*\d|#)")
MAX_COLUMNS = 12
MAX_SPANNING = 2   # lines spanning the table between two rows (a group title, a sub-category)
MISFIT = -2.5      # score of a cell placed under a column it does not fit (a fitting one scores 1)
SPAN_COST = 1.0    # score lost per line read as spanning the table


@dataclass(slots=True)        # one a line of the text: a 50 MB text has a million
class _Cell:
    text: str
    start: int   # offset of text in the source


@dataclass
class _Column:
    name: str
    role: str
    merged: bool


@lru_cache(maxsize=1)
def _columns() -> tuple[dict[str, tuple[str, bool]], tuple[tuple[str, str, bool], ...]]:
    exact = {r["name"]: (r["role"], r["merged"] == "yes") for r in table("table_columns")}
    # a longer cell ending with a name takes its role (重点任务或项目 ← 项目); not 单位 (主办单位)
    tails = tuple(sorted(((n, ro, mg) for n, (ro, mg) in exact.items() if len(n) >= 2 and ro != "unit"),
                         key=lambda x: -len(x[0])))
    return exact, tails


def column_of(cell: str) -> _Column | None:
    """The column a header cell names, or None when the cell is not a known column name."""
    name = re.sub(r"\s+", "", cell)
    if not name or len(name) > 12 or _SENTENCE_PUNCT.search(name):
        return None
    exact, tails = _columns()
    if name in exact:
        role, merged = exact[name]
        return _Column(name, role, merged)
    if YEAR_COLUMN.match(name):
        return _Column(name, "year", False)
    parts = [q for q in re.split(r"[或及和与、/]", name) if q]
    if len(parts) > 1:   # 重点任务或项目: the first part that is a column name
        for q in parts:
            if q in exact:
                role, merged = exact[q]
                return _Column(name, role, merged)
    for tail, role, merged in tails:
        if name.endswith(tail) and len(name) <= len(tail) + 6:
            return _Column(name, role, merged)
    return None


@lru_cache(maxsize=1)
def _org_suffixes() -> tuple[str, ...]:
    return tuple(sorted(set(words("org_suffixes")) | {"街镇", "街道", "乡镇", "专班", "各区", "各县"}, key=len, reverse=True))


def _is_orgs(cell: str) -> bool:
    parts = [p for p in re.split(r"[、，,；;/\s]+", cell) if p]
    if not parts or _SENTENCE_PUNCT.search(cell):
        return False
    sufs = _org_suffixes()
    hits = sum(1 for p in parts if p.rstrip("等）)").endswith(sufs))
    return hits * 2 >= len(parts)


def fits(cell: str, col: _Column) -> bool:
    """Whether a cell can be a value of a column."""
    c = cell.strip()
    if not c:
        return False
    role = col.role
    if role == "seq":
        return bool(_INT.match(c))
    if role in ("year", "value"):
        return bool(_FIGURE.match(c) or _DASH.match(c)) or (len(c) <= 10 and not _SENTENCE_PUNCT.search(c))
    if role == "binding":
        return c in ("约束性", "预期性", "引导性", "指导性") or bool(_DASH.match(c))
    if role == "unit":
        return len(c) <= 8 and not re.search(r"\d", c) and not _SENTENCE_PUNCT.search(c)
    if role == "resp":
        return _is_orgs(c)
    if role == "group":   # a category: short, not a sentence, not a titled line (行动二：…)
        return len(c) <= 30 and not re.search(r"[。；;！？：:]", c) and not _INT.match(c)
    if role == "name":
        return len(c) <= 60 and not _INT.match(c)
    if role == "deadline":
        return len(c) <= 30 and bool(re.search(r"年|月|季度|长期|持续|常态|底|前", c))
    return not _INT.match(c)   # task, note


# --- finding the tables -------------------------------------------------------------------------

def _cells(text: str) -> list[_Cell]:
    """The non-blank lines of the text, stripped, with their source offsets."""
    out = []
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group()
        stripped = raw.strip(" \t\u3000\u00a0")
        if stripped:
            out.append(_Cell(stripped, m.start() + raw.index(stripped)))
    return out


def _header_at(cells: list[_Cell], i: int) -> list[_Column] | None:
    cols: list[_Column] = []
    j = i
    while j < len(cells) and len(cols) < MAX_COLUMNS:
        col = column_of(cells[j].text)
        if col is None:
            break
        cols.append(col)
        j += 1
    if len(cols) < 3 or sum(c.role == "seq" for c in cols) > 1:
        return None
    if len({c.name for c in cols}) < len(cols):
        return None
    return cols


@dataclass
class _Row:
    cells: list[_Cell | None]         # one per column (None: not in the text)
    spanning: list[_Cell]             # lines spanning the table before this row


def _align(seg: list[_Cell], cols: list[_Column]) -> tuple[float, list[int | None]]:
    """The best in-order placement of all of seg's lines under cols, a column left out when the
    export merged it away: (score, column index per line).  A line fitting its column scores 1, one
    that does not MISFIT; leaving out a merged column costs 0.2, any other 1."""
    n, m = len(seg), len(cols)
    if n > m:
        return float("-inf"), []
    NEG = float("-inf")
    dp = [[NEG] * (m + 1) for _ in range(n + 1)]
    how: dict[tuple[int, int], tuple[int, int]] = {}
    dp[0][0] = 0.0
    for a in range(n + 1):
        for b in range(m + 1):
            cur = dp[a][b]
            if cur == NEG or b == m:
                continue
            skip = cur - (0.2 if cols[b].merged else 1.0)
            if skip > dp[a][b + 1]:
                dp[a][b + 1], how[(a, b + 1)] = skip, (a, b)
            if a < n:
                take = cur + (1.0 if fits(seg[a].text, cols[b]) else MISFIT)
                if take > dp[a + 1][b + 1]:
                    dp[a + 1][b + 1], how[(a + 1, b + 1)] = take, (a, b)
    placed: list[int | None] = [None] * n
    a, b = n, m
    while (a, b) in how:
        pa, pb = how[(a, b)]
        if pa < a:
            placed[pa] = pb
        a, b = pa, pb
    return dp[n][m], placed


def _split_gap(seg: list[_Cell], after: list[_Column], before: list[_Column], last: bool):
    """The lines between two row numbers: the first row's remaining cells, lines spanning the
    table, the next row's cells before its number.  Returns (trailing, placement, spanning,
    leading, score); the last row has no next row, and lines that do not fit are not its own."""
    p = len(before)
    best = None
    for t in range(min(len(seg), len(after)), -1, -1):
        score, placed = _align(seg[:t], after)
        rest = seg[t:]
        if last:   # lines after the row are after the table
            span, lead = [], []
        else:
            lead = rest[len(rest) - min(p, len(rest)):] if p else []
            span = rest[:len(rest) - len(lead)]
            score += sum(1.0 if fits(c.text, col) else MISFIT for c, col in zip(reversed(lead), reversed(before)))
            score -= SPAN_COST * len(span) + (5 * (len(span) - MAX_SPANNING) if len(span) > MAX_SPANNING else 0)
        if best is None or score > best[-1]:
            best = (seg[:t], placed, span, lead, score)
    return best


def _rows_by_number(cells: list[_Cell], body: int, cols: list[_Column]) -> tuple[list[_Row], int] | None:
    """Rows anchored by the 序号 column's integers 1, 2, 3 …; (rows, index after the table)."""
    p = next(i for i, c in enumerate(cols) if c.role == "seq")
    before, after = cols[:p], cols[p + 1:]
    width = len(cols)
    max_gap = width - 1 + MAX_SPANNING + 1
    # candidate row numbers: integer lines, by value
    limit = min(len(cells), body + 4000)
    cands: dict[int, list[int]] = {}
    for j in range(body, limit):
        if m := _INT.match(cells[j].text):
            cands.setdefault(int(m.group(1)), []).append(j)
    firsts = [j for j in cands.get(1, []) if j - body <= p + MAX_SPANNING]
    if not firsts:
        return None
    # best[(k, j)] = (score, previous j) for row number k at line j
    best: dict[int, tuple[float, int | None]] = {j: (0.0, None) for j in firsts}
    layers = [best]
    k = 1
    while True:
        nxt: dict[int, tuple[float, int | None]] = {}
        for j in cands.get(k + 1, []):
            for i, (score, _) in layers[-1].items():
                if i < j and j - i <= max_gap:
                    s = _split_gap(cells[i + 1:j], after, before, last=False)[-1]
                    if s > -4 and (j not in nxt or score + s > nxt[j][0]):
                        nxt[j] = (score + s, i)
        if not nxt:
            break
        layers.append(nxt)
        k += 1
    if len(layers) < 2:
        return None
    # the last row: its cells after the number, while they fit and are not a heading; the last
    # integer reached may be a figure of the row before (a table ending in row 4 whose value is 5)
    def tail_of(j: int) -> list[_Cell]:
        seg = []
        for c in cells[j + 1:j + 1 + len(after)]:
            if _HEADING.match(c.text) or column_of(c.text):
                break
            seg.append(c)
        return seg

    choice = None
    for depth in range(len(layers) - 1, max(0, len(layers) - 3), -1):
        for j, (score, _) in layers[depth].items():
            total = score + _split_gap(tail_of(j), after, before, last=True)[-1]
            if choice is None or total > choice[0]:
                choice = (total, depth, j)
    _, depth, end_j = choice
    tail_seg = tail_of(end_j)
    anchors = [end_j]
    for layer in reversed(layers[1:depth + 1]):
        anchors.append(layer[anchors[-1]][1])
    anchors.reverse()
    rows: list[_Row] = []
    lead0 = cells[body:anchors[0]]
    pending_span, pending_lead = lead0[:max(0, len(lead0) - p)], lead0[max(0, len(lead0) - p):]
    for n, a in enumerate(anchors):
        last = n == len(anchors) - 1
        seg = tail_seg if last else cells[a + 1:anchors[n + 1]]
        trailing, placed, span, lead, _ = _split_gap(seg, after, before, last)
        row: list[_Cell | None] = [None] * width
        for col_i, c in zip(range(p - len(pending_lead), p), pending_lead):
            row[col_i] = c
        row[p] = cells[a]
        for c, ci in zip(trailing, placed):
            row[p + 1 + ci] = c
        rows.append(_Row(row, pending_span))
        pending_span, pending_lead = span, lead
    end = anchors[-1] + 1 + len(trailing)
    return rows, end


def _rows_by_width(cells: list[_Cell], body: int, cols: list[_Column]) -> tuple[list[_Row], int] | None:
    """Rows of exactly the header's width, every cell fitting its column."""
    width = len(cols)
    rows: list[_Row] = []
    j = body
    while j + width <= len(cells):
        chunk = cells[j:j + width]
        if not all(fits(c.text, col) for c, col in zip(chunk, cols)) or any(column_of(c.text) and c.text in
                                                                           (x.name for x in cols) for c in chunk):
            break
        rows.append(_Row(list(chunk), []))
        j += width
    if len(rows) < 2:
        return None
    # figures under the year/value columns in most rows: a table of indicators, not a list of words
    figure_cols = [i for i, c in enumerate(cols) if c.role in ("year", "value")]
    if figure_cols and sum(1 for r in rows if any(_FIGURE.match(r.cells[i].text) for i in figure_cols)) * 2 < len(rows):
        return None
    if not figure_cols and not any(c.role in ("resp", "binding", "deadline") for c in cols):
        return None
    return rows, j


def _fill_down(rows: list[_Row], cols: list[_Column]) -> None:
    """A merged cell missing from a row is the one above it (rowspan); so is any cell missing
    before the last one the row has, since a row line has no empty cells."""
    seq = next((i for i, c in enumerate(cols) if c.role == "seq"), -1)
    above: list[_Cell | None] = [None] * len(cols)
    for r in rows:
        for i, col in enumerate(cols):
            inner = any(c is not None for c in r.cells[i + 1:])   # a row line has no empty cell inside
            if r.cells[i] is None and (col.merged or i < seq or inner) and above[i] is not None:
                r.cells[i] = above[i]
            if r.cells[i] is not None:
                above[i] = r.cells[i]


def rebuild_cell_tables(text: str) -> tuple[str, Sequence[int] | None]:
    """The text with every one-cell-per-line table written as rows, and for each character of
    the new text its offset in the old one (None when nothing changed)."""
    if "\n" not in text:
        return text, None
    cells = _cells(text)
    pieces: list[tuple[int, int] | list[tuple[str, int]]] = []   # kept source ranges or new lines
    pos = 0
    i = 0
    n = len(cells)
    while i < n:
        cols = column_of(cells[i].text) and _header_at(cells, i)
        if not cols:
            i += 1
            continue
        body = i + len(cols)
        found = (_rows_by_number(cells, body, cols) if any(c.role == "seq" for c in cols)
                 else _rows_by_width(cells, body, cols))
        if not found:
            i += 1
            continue
        rows, end = found
        _fill_down(rows, cols)
        if any(c is None and any(d is not None for d in r.cells[k + 1:]) for r in rows for k, c in enumerate(r.cells)):
            # a cell missing inside a row with nothing above to take: not this header's table
            i += 1
            continue
        lines: list[list[_Cell]] = [[cells[i + k] for k in range(len(cols))]]
        for r in rows:
            lines.extend([c] for c in r.spanning)
            row = list(r.cells)
            while row and row[-1] is None:
                row.pop()
            lines.append([c if c is not None else _Cell("", lines[-1][-1].start) for c in row])
        region_start, last = cells[i].start, cells[end - 1]
        pieces.append((pos, region_start))
        pieces.append(_render(lines))
        pos = last.start + len(last.text)
        i = end
    if not pieces:
        return text, None
    pieces.append((pos, len(text)))
    out: list[str] = []
    # 4 bytes a character (8 past 2**31), no objects for the garbage collector to walk
    back = array("i" if len(text) < 2 ** 31 else "q")
    for piece in pieces:
        if isinstance(piece, tuple):
            a, b = piece
            out.append(text[a:b])
            back.extend(range(a, b))
        else:
            for s, src in piece:
                out.append(s)
                back.extend([src] * len(s))
    new = "".join(out)
    return new, back


def _render(lines: list[list[_Cell]]) -> list[tuple[str, int]]:
    """Row lines as (string, source offset) pieces: each cell's characters map to its own source,
    a separator to the cell after it."""
    out: list[tuple[str, int]] = []
    for k, row in enumerate(lines):
        if k:
            out.append(("\n", row[0].start - 1 if row[0].start else 0))
        for m, c in enumerate(row):
            t = " ".join(c.text.split())
            if m:
                out.append((" | ", c.start))
            if t == c.text:
                out.extend((ch, c.start + q) for q, ch in enumerate(t))
            else:
                out.extend((ch, c.start) for ch in t)
    return out
