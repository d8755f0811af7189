"""PDF: the text layer in reading order, tables as `` | `` rows, running headers/footers dropped.

Library choice: **pdfplumber** (on pdfminer.six) reads every page.  pypdfium2 extracts plain
text about ten times faster, but its plain text comes in content-stream order (a running
header and footer first, then the body) with its own spacing, and gives no ruling lines for
table detection.  pdfplumber's per-glyph boxes and ruling lines let us (a) cut tables out of
the text flow at their position, (b) decide spacing between glyphs ourselves (CJK glyphs never
get spaces inserted between them) and (c) tell a running header from the first line of the
body by its position on the page.  Policy PDFs are short (tens of pages; ~0.1 s a page here),
so correctness wins over speed.  **pypdfium2** is the fallback:

- for a *file* pdfminer cannot open (``No /Root object!``, a broken cross-reference table):
  pdfium rebuilds the table when it opens the file; its repaired copy (saved again) is read by
  pdfplumber as any other file, tables included, and if even that fails, each page's glyphs are
  read with pdfium and go through the same line logic (no ruled-table detection).  A note says
  which; "damaged PDF" is reported only when pdfium cannot open the file either;
- for a *page* pdfminer cannot read (bad content stream) or whose fonts it cannot map to
  Unicode (glyphs come out as ``(cid:123)``, e.g. CID fonts in some encrypted files): that
  page's glyphs and boxes are read with pdfium, through the same line, table and header logic;
- for rendering pages to OCR (``ocr.py``).

What ``load`` does, page by page:

- duplicate glyphs (fake bold: the same character drawn twice, slightly offset) are dropped;
- ruled tables are found with ``page.find_tables()``; each becomes a ``RawTable`` and is written
  into the text at its vertical position as ``cells_line`` rows, its glyphs removed from the
  plain flow.  A one-cell "table" (a framed paragraph) stays plain text;
- columns (newspaper pages, two-column layouts) are found by XY-cut: a clear gutter running down
  a whole block, with at least four lines of prose filling each side, splits it into left and
  right; otherwise the widest clear horizontal gap splits it into top and bottom.  Blocks are
  read in that order, so a column is read to its end before the next; tables of short cells
  without rules are not columns;
- the remaining glyphs are grouped into lines by pdfplumber (``extract_text_lines``, layout off)
  and each line's text is rebuilt from its glyphs: a space glyph of the PDF is kept; without
  one, no space between two CJK glyphs unless the gap is wider than 1.5 em, a space between
  Latin glyphs when the gap exceeds 0.2 em (pdfplumber's own x_tolerance inserts spaces into
  justified Chinese); letter-spaced single digits next to Chinese are closed up
  (``2 0 0 1 年`` → ``2001年``) when their gaps are under 1 em;
- Kangxi radicals and CJK compatibility ideographs that some fonts' ToUnicode maps produce
  (``⼀`` U+2F00 for ``一``) are mapped to the unified ideographs;
- lines that repeat (digits masked) at the same place near the top or bottom of most pages are
  running headers/footers and go, as do bare page numbers (``- 3 -``, ``—3—``, ``3``,
  ``第3页``, ``3/10``) in the page margins;
- a page with no text layer but with images or drawings, or whose glyphs neither library can
  decode, is read by OCR (``ZHENGCE_OCR=auto``, when an engine is installed; ``always`` reads
  every page by OCR): the engine's text boxes become glyphs and go through the same line,
  column and header logic, and the document gets the ``ocr`` flag and a note naming the engine.
  Without OCR such a page adds the ``ocr_needed`` flag and a note saying how to enable it; a
  page with a few undecodable glyphs adds ``garbled_text``.  A page whose text layer is only a
  caption (under 100 characters) over a large image (a map attachment under its 附件 title) has
  the image's box read by OCR in ``auto`` mode, its lines placed among the text layer's.  Pages
  to OCR are collected while the file is read and then read together, in page order, with
  per-page progress (``progress.py``) and, with ``ZHENGCE_OCR_WORKERS``, in parallel
  (``ocr.read_pages``); a page OCR fails on gets what it would have got without OCR.

Pages are joined by a plain newline (the normaliser joins lines broken inside a sentence).
Every failure of the PDF library becomes a ``LoadError`` with a one-line reason.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..model import RawDocument, RawTable
from .base import LoadError, cells_line, check_size

MAX_BYTES = 200 * 1024 * 1024
EDGE_LINES = 3            # how many lines from the top/bottom of a page may be header/footer
EDGE_BAND = 0.2          # running headers/footers sit in the top/bottom 20% of the page
MARGIN = 0.15             # page numbers must sit in the top/bottom 15% of the page
CJK_SPACE_EM = 1.5        # a gap wider than this between two CJK glyphs is a real separation
MIXED_SPACE_EM = 0.3      # CJK next to Latin/digits
STEP_LINE_MAX = 30       # a line whose number follows the page number is at most this long
LATIN_SPACE_EM = 0.2      # between Latin glyphs (a space glyph is ~0.25 em wide)
DIGIT_SPACE_EM = 1.0      # letter-spaced digits: gaps up to this wide are closed up next to Chinese
_NARROW = "\x00"          # marks such a narrow space while a line is joined
LINE_OPTS = dict(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=True, use_text_flow=False)

_WIDE = re.compile(
    "[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2014\u2026\u201c\u201d\u2018\u2019"
    "\U00020000-\U0003134f]"
)
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
_CID = re.compile(r"\(cid:\d+\)")

PAGE_NUMBER = re.compile(
    r"""^(?:
        [-—–－‒―~～·•\s]*\d{1,4}[-—–－‒―~～·•\s]*                        # 3   - 3 -   —3—
      | [-—–－\s]*第\s*[\d一二三四五六七八九十百零〇]+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?[-—–－\s]*
      | 共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页
      | \d{1,4}\s*[/／]\s*\d{1,4}                                      # 3/10
      | (?:page|p\.?)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?              # Page 3 of 10
      | [-—–－]\s*[ivxlcIVXLC]{1,6}\s*[-—–－]                           # - iv -
    )$""",
    re.X | re.I,
)


@dataclass
class _Line:
    text: str
    top: float
    bottom: float


@dataclass
class _Page:
    number: int
    height: float
    items: list = field(default_factory=list)   # (top, _Line) or (top, RawTable), in reading order

    @property
    def lines(self) -> list[_Line]:
        return [it for _, it in self.items if isinstance(it, _Line)]


_AMBIGUOUS = set("\u2014\u2026\u201c\u201d\u2018\u2019")   # — … “ ” ‘ ’: wide in CJK fonts, narrow in Latin ones


def _is_wide(ch: str, glyph: dict | None = None) -> bool:
    if not ch or not _WIDE.match(ch):
        return False
    if glyph is not None and ch in _AMBIGUOUS:
        size = float(glyph.get("size") or 0)
        return size <= 0 or float(glyph["x1"]) - float(glyph["x0"]) >= 0.7 * size
    return True


def _char_text(c: dict) -> str:
    t = c.get("text") or ""
    if t in _LIGATURES:
        return _LIGATURES[t]
    if len(t) == 1 and ("\u2f00" <= t <= "\u2fdf" or "\u2e80" <= t <= "\u2eff" or "\uf900" <= t <= "\ufaff"):
        return unicodedata.normalize("NFKC", t)
    return t


def _join_chars(chars: list[dict]) -> str:
    """A line's text from its glyphs (in reading order), deciding spaces by the gaps between them.

    A space glyph in the PDF is kept (one space for a run of them: ``专栏一 主要目标``); without
    one, a space goes in only where the gap is wider than a word gap for that pair of scripts,
    and between two CJK glyphs only for a gap wider than 1.5 em, so justified or letter-spaced
    Chinese never gets spaces that the document did not have.
    """
    out: list[str] = []
    prev = None
    blank = False
    for c in chars:
        if c is prev:
            continue  # pdfplumber lists a ligature glyph (``ﬁ`` → ``fi``) once per letter
        t = _char_text(c)
        if not t or t.isspace():
            blank = prev is not None
            continue
        if prev is not None and out:
            a, b = out[-1][-1:], t[:1]
            em = max(float(prev.get("size") or 0), float(c.get("size") or 0), 1.0)
            gap = float(c["x0"]) - float(prev["x1"])
            wa, wb = _is_wide(a, prev), _is_wide(b, c)
            if wa and wb:
                space = blank or gap > CJK_SPACE_EM * em
            elif wa or wb:
                space = blank or gap > MIXED_SPACE_EM * em
            else:
                space = blank or gap > LATIN_SPACE_EM * em
            if space:
                out.append(_NARROW if gap <= DIGIT_SPACE_EM * em else " ")
        out.append(t)
        prev = c
        blank = False
    text = "".join(out).strip()
    if _NARROW in text:   # letter-spaced digits (``2 0 0 1 年``) closed up; table cells stay apart
        text = _close_digits(text, _NARROW).replace(_NARROW, " ")
    return text


def _text_lines(page) -> list[_Line]:
    lines = []
    for ln in page.extract_text_lines(return_chars=True, **LINE_OPTS):
        text = _join_chars(ln.get("chars") or [])
        if text:
            lines.append(_Line(text, float(ln["top"]), float(ln["bottom"])))
    return lines


def _center_in(c: dict, bbox) -> bool:
    x = (float(c["x0"]) + float(c["x1"])) / 2
    y = (float(c["top"]) + float(c["bottom"])) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Glyphs grouped into lines (top to bottom), each line's glyphs left to right."""
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: (float(c["top"]), float(c["x0"]))):
        if c.get("text", "").isspace() and not rows:
            continue
        if rows and abs(float(c["top"]) - float(rows[-1][0]["top"])) <= max(3.0, 0.3 * float(rows[-1][0].get("size") or 0)):
            rows[-1].append(c)
        else:
            rows.append([c])
    return [sorted(r, key=lambda c: float(c["x0"])) for r in rows]


def _cell_text(chars: list[dict], bbox) -> str:
    text = ""
    for r in _group_lines([c for c in chars if _center_in(c, bbox)]):
        piece = _join_chars(r)
        if not piece:
            continue
        if text and not (_is_wide(text[-1]) or _is_wide(piece[0])):
            text += " "  # a wrapped cell: lines join without a space next to CJK (``2020`` + ``年``)
        text += piece
    return text


def _tables(page, chars: list[dict]) -> list[tuple[tuple, list[list[str]]]]:
    """(bbox, rows) of the ruled tables on a page; one-cell frames and empty grids are left out."""
    found = []
    for t in page.find_tables():
        rows = []
        for row in t.rows:
            cells = [_cell_text(chars, bbox) for bbox in row.cells if bbox is not None]  # None: inside a merged cell
            if any(cells):
                rows.append(cells)
        if not rows or (len(rows) == 1 and len(rows[0]) == 1):
            continue
        found.append((tuple(float(v) for v in t.bbox), rows))
    return found


def _dedupe(page):
    """The page without duplicate glyphs (fake bold: the same character drawn again within 1 pt).
    Same result as ``page.dedupe_chars()``, in linear time."""
    kept: dict[tuple, list[dict]] = defaultdict(list)
    drop: set[int] = set()
    for c in page.chars:
        t = c.get("text") or ""
        if t.isspace():
            continue
        x, y = float(c["x0"]), float(c["top"])
        rx, ry = round(x), round(y)
        dup = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for o in kept.get((t, rx + dx, ry + dy), ()):
                    if abs(float(o["x0"]) - x) <= 1 and abs(float(o["top"]) - y) <= 1 and o.get("fontname") == c.get("fontname"):
                        dup = True
                        break
                if dup:
                    break
            if dup:
                break
        if dup:
            drop.add(id(c))
        else:
            kept[(t, rx, ry)].append(c)
    if not drop:
        return page
    return page.filter(lambda o: o.get("object_type") != "char" or id(o) not in drop)


def _pdfium_chars(pdfium_page, height: float) -> list[dict]:
    """The page's glyphs as pdfium reads them, in pdfplumber's char form (top-left origin)."""
    import pypdfium2.raw as raw  # lazily, only for pages pdfminer cannot decode

    textpage = pdfium_page.get_textpage()
    try:
        chars = []
        for i in range(textpage.count_chars()):
            if raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue  # pdfium's own line breaks and spaces
            t = textpage.get_text_range(i, 1)
            if not t or t in "\r\n":
                continue
            if t == "\ufffe":
                t = "-"  # pdfium's mark for a hyphen that breaks a word at the line end
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            chars.append({"text": t, "x0": left, "x1": right, "top": height - top, "bottom": height - bottom,
                          "size": raw.FPDFText_GetFontSize(textpage.raw, i), "object_type": "char"})
        return chars
    finally:
        textpage.close()


class _Ctx:
    """What reading one file shares across its pages: notes, flags, the OCR mode and engine."""

    def __init__(self, notes: list[str], flags: set[str], path: Path | None = None):
        from . import ocr
        self.notes, self.flags, self.path = notes, flags, path
        self.ocr_mode = ocr.mode()
        self._engine = False            # not looked up yet
        self.ocr_pages: list[int] = []   # pages whose text came from OCR
        self.ocr_empty: list[int] = []   # pages OCR found no text on
        self.ocr_failed: list[str] = []
        self.need: list[int] = []        # pages that need OCR and did not get it

    def engine(self):
        if self._engine is False:
            from . import ocr
            self._engine = ocr.get_engine() if self.ocr_mode != "never" else None
        return self._engine

    def finish(self) -> None:
        from . import ocr
        for pages in (self.ocr_pages, self.ocr_empty, self.need):
            pages.sort()
        if self.ocr_pages:
            self.flags.add("ocr")
            self.notes.append(f"text of {_pages(self.ocr_pages)} read by OCR ({self.engine().name}, "
                              f"{ocr.DPI} dpi; check figures and names against the original)")
        if self.ocr_empty:
            self.notes.append(f"OCR ({self.engine().name}) found no text on {_pages(self.ocr_empty)}")
        for reason in self.ocr_failed[:3]:
            self.notes.append(reason)
        if self.ocr_mode == "always" and self.engine() is None:
            self.notes.append(f"--ocr always, but no OCR engine is installed: text layers read instead; {ocr.HOW_TO_ENABLE}")
        if self.need:
            self.flags.add("ocr_needed")
            if self.ocr_mode == "never":
                self.notes.append(f"OCR is off (--ocr never): {_pages(self.need)} not read")
            elif self.engine() is None:
                self.notes.append(f"no OCR engine installed: {_pages(self.need)} not read; {ocr.HOW_TO_ENABLE}")


def _pages(numbers: list[int]) -> str:
    """``page 3`` / ``pages 1-4, 7``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    text = ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"page{'s' if len(numbers) > 1 else ''} {text}"


@dataclass
class _Pending:
    """A page to read by OCR once every page of the file has been looked at, so that the pages to
    OCR can be read together (in parallel with ``--workers``): ``fallback()`` gives the page when
    OCR fails, ``note`` is added when it succeeds, both at the page's place (``at``) in the notes."""
    number: int
    width: float
    height: float
    fallback: object
    note: str | None
    at: int
    crop: tuple | None = None      # only this box of the page (points, top-left origin) ...
    base: _Page | None = None      # ... its text added to these lines of the text layer


def _ocr_page(pdfium_page, number: int, width: float, height: float, ctx: _Ctx, fallback,
              note: str | None = None, crop: tuple | None = None, base: _Page | None = None):
    """The page to be read by OCR (a ``_Pending``), or ``fallback()`` when there is no engine."""
    engine = ctx.engine() if pdfium_page is not None else None
    if engine is None:
        return fallback()
    return _Pending(number, width, height, fallback, note, len(ctx.notes), crop, base)


def _resolve_ocr(pages: list, ctx: _Ctx, pdfium_page) -> list[_Page]:
    """The pages with every ``_Pending`` one read by OCR (in page order, with per-page progress),
    or replaced by its fallback where OCR failed."""
    jobs = [p for p in pages if isinstance(p, _Pending)]
    if not jobs:
        return pages
    from . import ocr, progress
    got: dict[int, _Page] = {}
    shift = 0
    results = ocr.read_pages(ctx.path, [(j.number - 1, j.crop) for j in jobs], pdfium_page, ctx.engine(), ocr.workers())
    with progress.Pages(ctx.path or "PDF", len(jobs)) as bar:
        for job, (_, boxes, scale, error) in zip(jobs, results):
            before = len(ctx.notes)
            chars = ocr.page_chars(boxes, scale, job.crop[:2] if job.crop else (0.0, 0.0)) if error is None else None
            if error is not None:
                ctx.ocr_failed.append(f"page {job.number}: OCR failed ({error})")
                try:
                    page = job.fallback()
                except Exception as e:  # noqa: BLE001 - the page is lost, not the file
                    page = _Page(number=job.number, height=job.height)
                    ctx.notes.append(f"page {job.number} could not be read ({_reason(e)})")
            elif not chars:
                ctx.ocr_empty.append(job.number)
                page = job.base or _Page(number=job.number, height=job.height)
            else:
                ctx.ocr_pages.append(job.number)
                page = _page_from_chars(chars, job.number, job.width, job.height, grouping=_group_ocr_lines)
                if job.base is not None:          # the image's lines among the text layer's, top to bottom
                    page.items = sorted(job.base.items + page.items, key=lambda it: it[0])
                if job.note:
                    ctx.notes.append(job.note)
            new = ctx.notes[before:]          # the page's notes go where the page was looked at
            del ctx.notes[before:]
            ctx.notes[job.at + shift:job.at + shift] = new
            shift += len(new)
            got[job.number] = page
            bar.tick(job.number)
    return [got[p.number] if isinstance(p, _Pending) else p for p in pages]


def _page_from_chars(chars: list[dict], number: int, width: float, height: float, tables=(),
                     grouping=None) -> _Page:
    """A page from glyph records (pdfium's or OCR's): lines in reading order, column by column,
    with ``tables`` ((bbox, rows) pairs) at their positions."""
    grouping = grouping or _group_lines
    boxes = [b for b, _ in tables]
    rest = [c for c in chars if not any(_center_in(c, b) for b in boxes)]
    regions = _regions(rest, boxes, width)
    items = []
    for k, part in enumerate(regions or [rest]):
        for group in grouping(part):
            text = _join_chars(group)
            if text:
                ln = _Line(text, min(float(c["top"]) for c in group), max(float(c["bottom"]) for c in group))
                items.append(((k, ln.top), ln))
    for bbox, rows in tables:
        items.append(((_region_of(bbox, regions), bbox[1]), RawTable(rows=rows)))
    items.sort(key=lambda it: it[0])
    return _Page(number=number, height=height, items=[(key[1], it) for key, it in items])


def _read_page(page, number: int, ctx: _Ctx, pdfium_page=None):
    """One page's lines and tables (or a ``_Pending`` page for OCR).  ``pdfium_page()`` gives the
    same page opened by pdfium, the fallback for fonts whose glyphs pdfminer cannot map to Unicode
    (``(cid:123)``), and what is rendered for OCR."""
    if ctx.ocr_mode == "always":
        return _ocr_page(pdfium_page, number, float(page.width), float(page.height), ctx,
                         lambda: _read_layer(page, number, ctx, pdfium_page))
    return _read_layer(page, number, ctx, pdfium_page)


def _read_layer(page, number: int, ctx: _Ctx, pdfium_page=None):
    """A page from its text layer; a page without one (or whose font cannot be decoded) goes to OCR
    in ``auto`` mode."""
    notes, flags = ctx.notes, ctx.flags
    height, width = float(page.height), float(page.width)
    page = _dedupe(page)
    chars = page.chars
    if not any((c.get("text") or "").strip() for c in chars):
        if page.images or page.rects or page.curves or page.lines:
            what = "image only" if page.images else "drawings only"

            def unread():
                ctx.need.append(number)
                notes.append(f"page {number} has no text layer ({what}): OCR needed")
                return _Page(number=number, height=height)
            return _ocr_page(pdfium_page, number, width, height, ctx, unread) if ctx.ocr_mode == "auto" else unread()
        return _Page(number=number, height=height)
    fallback = False
    cid = sum(1 for c in chars if _CID.fullmatch(c.get("text") or ""))
    if cid:
        other = None
        if pdfium_page is not None:
            try:
                other = _pdfium_chars(pdfium_page(), height)
            except Exception:  # the fallback failing leaves us where we were
                other = None
        readable = [c for c in other or [] if c["text"].strip() and c["text"] != "\ufffd"]
        if readable and len(readable) >= 0.7 * sum(1 for c in chars if (c.get("text") or "").strip()):
            chars, fallback = other, True
            notes.append(f"page {number}: text read with pdfium (pdfminer could not map its font to Unicode)")
        else:
            flags.add("garbled_text")
            many = cid > 0.3 * sum(1 for c in chars if (c.get("text") or "").strip())
            chars = [c for c in chars if not _CID.fullmatch(c.get("text") or "")]
            page = page.filter(lambda o: o.get("object_type") != "char" or not _CID.fullmatch(o.get("text") or ""))
            if many:
                lost = f"page {number}: the font has no Unicode mapping ({cid} glyphs unreadable)"

                def unread():
                    ctx.need.append(number)
                    notes.append(f"{lost}: OCR needed")
                    return _layout(page, chars, number, ctx, False, pdfium_page)
                if ctx.ocr_mode == "auto":
                    return _ocr_page(pdfium_page, number, width, height, ctx, unread, note=f"{lost}: read by OCR")
                return unread()
            notes.append(f"page {number}: {cid} glyphs without Unicode mapping dropped")
    return _layout(page, chars, number, ctx, fallback, pdfium_page)


IMAGE_PAGE_TEXT = 100     # a page with a large image and less text than this is a picture with a caption


def _layout(page, chars: list[dict], number: int, ctx: _Ctx, fallback: bool, pdfium_page=None):
    """A page's glyphs (``fallback``: pdfium's) as lines and tables in reading order.  A large
    image on a page that holds little text besides (a map or a scan attachment under its title)
    is read by OCR in ``auto`` mode, its lines placed among the text layer's."""
    notes = ctx.notes
    height, width = float(page.height), float(page.width)
    out = _Page(number=number, height=height)
    tables = _tables(page, chars)
    if fallback:
        out = _page_from_chars(chars, number, width, height, tables)
    else:
        boxes = [b for b, _ in tables]
        rest = [c for c in chars if not any(_center_in(c, b) for b in boxes)] if boxes else chars
        regions = _regions(rest, boxes, width)
        if boxes:
            page = page.filter(lambda o: o.get("object_type") != "char" or not any(_center_in(o, b) for b in boxes))
        items = []
        if regions:   # columns: each read on its own, left to right
            for k, part in enumerate(regions):
                ids = {id(c) for c in part}
                sub = page.filter(lambda o, ids=ids: o.get("object_type") != "char" or id(o) in ids)
                items += [((k, ln.top), ln) for ln in _text_lines(sub)]
        else:
            items = [((0, ln.top), ln) for ln in _text_lines(page)]
        items += [((_region_of(bbox, regions), bbox[1]), RawTable(rows=rows)) for bbox, rows in tables]
        items.sort(key=lambda it: it[0])
        out.items = [(key[1], it) for key, it in items]
        if regions:
            notes.append(f"page {number}: {len(regions)} text columns/blocks read in reading order")
    area = width * height
    for im in page.images:
        w = abs(float(im.get("x1", 0)) - float(im.get("x0", 0)))
        h = abs(float(im.get("bottom", 0)) - float(im.get("top", 0)))
        if area and w * h > 0.4 * area:
            def unread():
                from . import ocr
                hint = ("" if ctx.ocr_mode == "always" else f" ({ocr.HOW_TO_ENABLE})"
                        if ctx.ocr_mode == "auto" and ctx.engine() is None else " (--ocr always reads it)")
                notes.append(f"page {number} has a large image; text inside it is not extracted{hint}")
                return out
            if ctx.ocr_mode == "auto" and sum(len(it.text) for it in out.lines) < IMAGE_PAGE_TEXT:
                box = tuple(float(im.get(k, 0)) for k in ("x0", "top", "x1", "bottom"))
                return _ocr_page(pdfium_page, number, width, height, ctx, unread, crop=box, base=out,
                                 note=f"page {number}: the text inside its large image read by OCR")
            return unread()
    return out


def _read_page_pdfium(pdfium_page, number: int, ctx: _Ctx):
    """A page that pdfminer cannot read, read with pdfium (glyphs, then the same line logic; ruled
    tables are not detected on this path), or a ``_Pending`` page for OCR."""
    pg = pdfium_page()
    width, height = (float(v) for v in pg.get_size())
    if ctx.ocr_mode == "always":
        return _ocr_page(pdfium_page, number, width, height, ctx, lambda: _pdfium_layer(pg, pdfium_page, number, ctx))
    return _pdfium_layer(pg, pdfium_page, number, ctx)


def _pdfium_layer(pg, pdfium_page, number: int, ctx: _Ctx):
    width, height = (float(v) for v in pg.get_size())
    chars = [c for c in _pdfium_chars(pg, height) if c["text"].strip()]
    if not chars:
        has_objects = any(True for _ in pg.get_objects())
        if has_objects:
            def unread():
                ctx.need.append(number)
                ctx.notes.append(f"page {number} has no text layer: OCR needed")
                return _Page(number=number, height=height)
            return _ocr_page(pdfium_page, number, width, height, ctx, unread) if ctx.ocr_mode == "auto" else unread()
        return _Page(number=number, height=height)
    return _page_from_chars(_dedupe_chars(chars), number, width, height)


def _dedupe_chars(chars: list[dict]) -> list[dict]:
    seen = set()
    out = []
    for c in chars:
        key = (c["text"], round(float(c["x0"])), round(float(c["top"])))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _group_ocr_lines(chars: list[dict]) -> list[list[dict]]:
    """OCR boxes grouped into lines by vertical overlap (a slightly skewed scan drifts across a line
    more than a text layer's baseline does), each line left to right."""
    rows: list[list[dict]] = []
    for c in sorted(chars, key=lambda c: ((float(c["top"]) + float(c["bottom"])) / 2, float(c["x0"]))):
        top, bottom = float(c["top"]), float(c["bottom"])
        for r in rows[-3:]:
            last = max(r, key=lambda o: float(o["x1"]))
            lt, lb = float(last["top"]), float(last["bottom"])
            overlap = min(bottom, lb) - max(top, lt)
            if overlap >= 0.5 * min(bottom - top, lb - lt) and not any(
                    min(float(c["x1"]), float(o["x1"])) - max(float(c["x0"]), float(o["x0"])) > 0.3 * (float(c["x1"]) - float(c["x0"]))
                    for o in r):
                r.append(c)
                break
        else:
            rows.append([c])
    rows = [sorted(r, key=lambda c: float(c["x0"])) for r in rows]
    rows.sort(key=lambda r: min(float(c["top"]) for c in r))
    return rows


# --- reading order: columns ---------------------------------------------------------------

COLUMN_GUTTER_EM = 0.9    # a gap at least this wide (in the body's font size) all down a block
COLUMN_MIN_ROWS = 4       # ... with at least this many lines on each side
COLUMN_MIN_EM = 8         # ... each side at least this wide
COLUMN_FULL = 0.6         # ... and most lines of each side filling it (prose, not table cells)


def _em(chars: list[dict]) -> float:
    sizes = sorted(float(c.get("size") or 0) for c in chars if float(c.get("size") or 0) > 0)
    return sizes[len(sizes) // 2] if sizes else 10.0


def _rows_of(chars: list[dict]) -> list[tuple[float, float]]:
    """(x0, x1) of each line of a group of glyphs."""
    out = []
    for r in _group_lines(chars):
        out.append((min(float(c["x0"]) for c in r), max(float(c["x1"]) for c in r)))
    return out


def _prose_side(chars: list[dict], em: float) -> bool:
    rows = _rows_of(chars)
    if len(rows) < COLUMN_MIN_ROWS:
        return False
    left = min(x0 for x0, _ in rows)
    right = max(x1 for _, x1 in rows)
    if right - left < COLUMN_MIN_EM * em:
        return False
    full = sum(1 for x0, x1 in rows if x1 - x0 >= COLUMN_FULL * (right - left))
    return full >= 0.5 * len(rows)


def _gutter(chars: list[dict], obstacles: list[tuple], em: float) -> float | None:
    """The x of a column gutter running down the whole block, or None."""
    spans = sorted([(float(c["x0"]), float(c["x1"])) for c in chars] + [(b[0], b[2]) for b in obstacles])
    if not spans:
        return None
    best, best_w = None, 0.0
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= COLUMN_GUTTER_EM * em and x0 - reach > best_w:
            mid = (reach + x0) / 2
            left = [c for c in chars if float(c["x1"]) <= mid]
            right = [c for c in chars if float(c["x0"]) >= mid]
            if _prose_side(left, em) and _prose_side(right, em):
                best, best_w = mid, x0 - reach
        reach = max(reach, x1)
    return best


def _hcut(chars: list[dict], obstacles: list[tuple], em: float) -> float | None:
    """The y of the widest clear horizontal gap in a block (wider than its usual line gap)."""
    spans = sorted([(float(c["top"]), float(c["bottom"])) for c in chars] + [(b[1], b[3]) for b in obstacles])
    gaps = []
    reach = spans[0][1]
    for t, b in spans[1:]:
        if t > reach:
            gaps.append((t - reach, (t + reach) / 2))
        reach = max(reach, b)
    if not gaps:
        return None
    usual = sorted(g for g, _ in gaps)[len(gaps) // 2]
    width, y = max(gaps)
    return y if width > max(0.8 * em, 1.5 * usual) else None


def _regions(chars: list[dict], obstacles: list[tuple], width: float) -> list[list[dict]] | None:
    """The page's glyphs split into blocks in reading order (XY-cut: a column gutter that runs down
    a whole block splits it left | right, otherwise the widest clear gap splits it top / bottom),
    or None when no block has columns (the usual page: lines read top to bottom)."""
    if len(chars) < 2 * COLUMN_MIN_ROWS:
        return None
    em = _em(chars)
    found = False

    def cut(part: list[dict], obs: list[tuple], depth: int) -> list[list[dict]]:
        nonlocal found
        if depth > 12 or len(part) < 2 * COLUMN_MIN_ROWS:
            return [part]
        x = _gutter(part, obs, em)
        if x is not None:
            found = True
            left = [c for c in part if (float(c["x0"]) + float(c["x1"])) / 2 < x]
            right = [c for c in part if (float(c["x0"]) + float(c["x1"])) / 2 >= x]
            return (cut(left, [b for b in obs if b[2] <= x], depth + 1)
                    + cut(right, [b for b in obs if b[0] >= x], depth + 1))
        y = _hcut(part, obs, em)
        if y is None:
            return [part]
        top = [c for c in part if (float(c["top"]) + float(c["bottom"])) / 2 < y]
        bottom = [c for c in part if (float(c["top"]) + float(c["bottom"])) / 2 >= y]
        if not top or not bottom:
            return [part]
        return (cut(top, [b for b in obs if b[3] <= y], depth + 1)
                + cut(bottom, [b for b in obs if b[1] >= y], depth + 1))

    parts = [p for p in cut(list(chars), list(obstacles), 0) if p]
    return parts if found and len(parts) > 1 else None


def _region_of(bbox, regions) -> int:
    """The index of the block a table belongs to: the last block that starts above it and overlaps
    it horizontally (0 without blocks)."""
    if not regions:
        return 0
    k = 0
    for i, part in enumerate(regions):
        x0 = min(float(c["x0"]) for c in part)
        x1 = max(float(c["x1"]) for c in part)
        top = min(float(c["top"]) for c in part)
        if top <= bbox[1] and x0 < bbox[2] and x1 > bbox[0]:
            k = i
    return k


_DIGIT_RUNS = {}


def _close_digits(text: str, sp: str = " ") -> str:
    """Letter-spaced digits closed up, as the normaliser closes up letter-spaced signatures:
    ``2 0 0 1 年 5 月`` → ``2001年5月``.  A run of single digits is closed up when a Chinese
    character stands next to it (a lone digit: on both sides), so numbers in a row of table
    cells stay apart."""
    if sp not in text or not re.search(r"\d", text):
        return text
    run_re = _DIGIT_RUNS.get(sp) or _DIGIT_RUNS.setdefault(
        sp, re.compile(rf"(?<![0-9A-Za-z.])\d(?:{re.escape(sp)}\d)*(?![0-9A-Za-z.])"))
    out: list[str] = []
    pos = 0
    for m in run_re.finditer(text):
        s, e = m.span()
        before = text[s - 1] if s else ""
        b = text[s - 2] if before == sp and s >= 2 else before
        after = text[e] if e < len(text) else ""
        a = text[e + 1] if after == sp and e + 1 < len(text) else after
        spaced = sp in m.group(0) or before == sp or after == sp
        run = len(m.group(0)) > 1
        if not spaced or not ((_is_wide(b) or _is_wide(a)) if run else (_is_wide(b) and _is_wide(a))):
            continue
        ls = s - 1 if before == sp and _is_wide(b) else s
        le = e + 1 if after == sp and _is_wide(a) else e
        out.append(text[pos:ls])
        out.append(m.group(0).replace(sp, ""))
        pos = le
    out.append(text[pos:])
    return "".join(out)


_NUM = re.compile(r"\d+")


def _mask(text: str) -> str:
    return _NUM.sub("#", "".join(text.split()))


def _edge_lines(p: _Page) -> list[tuple[str, _Line]]:
    """The first and last few text lines of a page, with the edge they sit at."""
    lines = p.lines
    top = [ln for ln in lines[:EDGE_LINES] if ln.bottom <= EDGE_BAND * p.height]
    bottom = [ln for ln in lines[-EDGE_LINES:]
              if ln.top >= (1 - EDGE_BAND) * p.height and all(ln is not t for t in top)]
    return [("top", ln) for ln in top] + [("bottom", ln) for ln in bottom]


def _running_lines(pages: list[_Page]) -> set[tuple[str, int]]:
    """(edge, id) of the lines that are running headers/footers.

    A running line has the same text (digits aside) at about the same distance from the same
    page edge on most pages (at least 40%, so odd/even headers count), and each of its numbers
    is either the same everywhere (``2025年第3期``) or moves in step with the page number
    (``- 3 -``, ``第 3 页``; only in short lines set apart from the body by a wider gap than
    the page's usual line gap).  ``附件1`` … ``附件3`` at the top of three pages is not running.
    """
    text_pages = [p for p in pages if p.lines]
    n = len(text_pages)
    if n < 2:
        return set()
    need = max(2, math.ceil(0.4 * n))
    groups: dict[tuple[str, str], list[tuple[_Page, _Line, float]]] = defaultdict(list)
    for p in text_pages:
        for edge, ln in _edge_lines(p):
            pos = ln.top if edge == "top" else p.height - ln.bottom
            groups[(edge, _mask(ln.text))].append((p, ln, pos))
    gap_of: dict[int, float] = {}   # for each edge line: its gap to the body next to it, over the page's usual gap
    for p in text_pages:
        lines = p.lines
        gaps = sorted(b.top - a.bottom for a, b in zip(lines, lines[1:]))
        usual = max(gaps[len(gaps) // 2], 0.0) if gaps else 0.0
        for edge, ln in _edge_lines(p):
            i = next(k for k, x in enumerate(lines) if x is ln)
            if edge == "top":
                gap = lines[i + 1].top - ln.bottom if i + 1 < len(lines) else math.inf
            else:
                gap = ln.top - lines[i - 1].bottom if i > 0 else math.inf
            gap_of[id(ln)] = gap - max(1.5 * usual, usual + 0.5 * (ln.bottom - ln.top))

    out: set[tuple[str, int]] = set()
    for (edge, _), occ in groups.items():
        if len({id(p) for p, _, _ in occ}) < need:
            continue
        for p0, ln0, pos0 in occ:
            tol = max(6.0, (ln0.bottom - ln0.top) * 0.8)
            near = [(p, ln) for p, ln, pos in occ if abs(pos - pos0) <= tol]
            if len({id(p) for p, _ in near}) < need:
                continue
            values = [[int(v) for v in _NUM.findall(ln.text)] for _, ln in near]
            # a number in step with the page counts only in a short line set apart from the body
            # (so ``附件1`` … ``附件3`` opening successive pages is not taken for a header)
            apart = [len(_mask(ln.text)) <= STEP_LINE_MAX and gap_of[id(ln)] >= 0 for _, ln in near]
            ok = [True] * len(near)
            for k in range(len(values[0]) if values else 0):
                const_value, const_n = Counter(v[k] for v in values).most_common(1)[0]
                offsets = [v[k] - p.number for v, (p, _) in zip(values, near)]
                step_value, _n = Counter(offsets).most_common(1)[0]
                step_ok = [o == step_value and a for o, a in zip(offsets, apart)]
                if const_n >= sum(step_ok):
                    good = [v[k] == const_value for v in values]
                else:
                    good = step_ok
                ok = [x and y for x, y in zip(ok, good)]
            members = [(p, ln) for (p, ln), g in zip(near, ok) if g]
            if len({id(p) for p, _ in members}) >= need and any(ln is ln0 for _, ln in members):
                out.add((edge, id(ln0)))
    return out


def _drop_running(pages: list[_Page], notes: list[str], flags: set[str]) -> None:
    running = _running_lines(pages)

    def page_number(p: _Page, ln: _Line) -> bool:
        in_margin = ln.top < MARGIN * p.height or ln.bottom > (1 - MARGIN) * p.height
        return in_margin and bool(PAGE_NUMBER.match(ln.text))

    examples: list[str] = []
    running_count = numbers = 0
    for p in pages:
        lines = p.lines
        remove: set[int] = set()
        # only a run of such lines from the very top or bottom edge goes
        for edge, seq in (("top", lines[:EDGE_LINES]), ("bottom", lines[::-1][:EDGE_LINES])):
            for ln in seq:
                if id(ln) in remove:
                    break
                if PAGE_NUMBER.match(ln.text) and ((edge, id(ln)) in running or page_number(p, ln)):
                    numbers += 1
                elif (edge, id(ln)) in running:
                    running_count += 1
                    if ln.text not in examples:
                        examples.append(ln.text)
                else:
                    break
                remove.add(id(ln))
        if remove:
            p.items = [it for it in p.items if id(it[1]) not in remove]
    if running_count:
        flags.add("boilerplate_removed")
        shown = "; ".join(f"“{t}”" for t in examples[:3])
        notes.append(f"running page header/footer lines removed ({running_count} lines, e.g. {shown})")
    if numbers:
        notes.append(f"page numbers removed ({numbers})")


def _reason(exc: BaseException) -> str:
    """A one-line reason for a PDF library failure."""
    chain = [exc]
    for e in (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None,
              exc.__cause__, exc.__context__):
        if e is not None:
            chain.append(e)
    names = {type(e).__name__ for e in chain}
    msg = next((str(e) for e in reversed(chain) if str(e)), "")
    if names & {"PDFPasswordIncorrect"}:
        return "encrypted PDF (password required)"
    if names & {"PDFEncryptionError", "PDFEncryptionWarning"} or "encrypt" in msg.lower():
        return "encrypted PDF (unsupported encryption)"
    if names & {"PSEOF"} or "EOF" in msg:
        return "truncated or damaged PDF (unexpected end of file)"
    if "/Root" in msg:
        return "damaged PDF (no document catalog)"
    if names & {"PDFSyntaxError", "PSSyntaxError", "PSTypeError", "PDFNoValidXRef"}:
        return f"damaged PDF ({' '.join(msg.split())[:100] or 'syntax error'})"
    if isinstance(exc, MemoryError):
        return "PDF too large to read"
    if isinstance(exc, RecursionError):
        return "damaged PDF (object references too deep)"
    inner = chain[-1]
    detail = " ".join(str(inner).split())[:100]
    return f"unreadable PDF ({type(inner).__name__}{': ' + detail if detail else ''})"


def _password(e: BaseException) -> bool:
    return "Password" in type(e).__name__ or bool(e.args and "Password" in type(e.args[0]).__name__)


def _read_plumber(source, ctx: _Ctx, pdfium_page) -> list[_Page]:
    """Every page through pdfplumber; a page pdfminer cannot read is read with pdfium, or lost
    with a note.  Raises what pdfminer raises when it cannot open the file."""
    import pdfplumber
    pages: list[_Page] = []
    failed: list[str] = []
    with pdfplumber.open(source) as pdf:
        for i, page in enumerate(pdf.pages, 1):
            try:
                pages.append(_read_page(page, i, ctx, lambda i=i: pdfium_page(i - 1)))
                continue
            except Exception as e:  # one broken page (bad content stream, font) loses only itself
                if _password(e):
                    raise
                reason = _reason(e)
            try:
                pages.append(_read_page_pdfium(lambda i=i: pdfium_page(i - 1), i, ctx))
                ctx.notes.append(f"page {i}: read with pdfium (pdfminer could not: {reason})")
            except Exception:
                failed.append(reason)
                pages.append(_Page(number=i, height=float(page.height or 0)))
                ctx.notes.append(f"page {i} could not be read ({reason})")
        pages = _resolve_ocr(pages, ctx, pdfium_page)
    if failed and len(failed) == len(pages):
        raise LoadError(failed[0] if len(failed) == 1 else f"no page could be read ({failed[0]})")
    return pages


def load(path: Path) -> RawDocument:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1024)
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None
    if size == 0 or not head.strip():
        raise LoadError("empty file")
    if b"%PDF-" not in head:
        raise LoadError("not a PDF file (no %PDF header)")
    check_size(path, MAX_BYTES)       # the same one-line reason as every loader
    try:
        import pdfplumber  # noqa: F401 - lazily: importing this module stays instant
    except ImportError:
        raise LoadError("reading PDF needs pdfplumber (pip install pdfplumber)") from None

    notes: list[str] = []
    flags: set[str] = set()
    ctx = _Ctx(notes, flags, path)
    pdfium_doc = None
    pdfium_error: list[BaseException] = []

    def pdfium_page(index: int):
        nonlocal pdfium_doc
        if pdfium_doc is None:
            import pypdfium2  # lazily: only for pages pdfminer cannot decode, OCR, or a file it cannot open
            try:
                pdfium_doc = pypdfium2.PdfDocument(str(path))
            except Exception as e:
                pdfium_error.append(e)
                raise
        return pdfium_doc[index]

    try:
        try:
            pages = _read_plumber(path, ctx, pdfium_page)
        except LoadError:
            raise
        except Exception as e:  # pdfminer raises many kinds (and RecursionError, MemoryError); none may escape
            if _password(e) or isinstance(e, MemoryError):
                raise LoadError(_reason(e)) from None
            pages = _read_with_pdfium(path, e, ctx, pdfium_page)
    finally:
        if pdfium_doc is not None:
            try:
                pdfium_doc.close()
            except Exception:
                pass
    if not pages:
        raise LoadError("truncated or damaged PDF (no pages)" if b"%%EOF" not in tail else "PDF has no pages")
    if b"%%EOF" not in tail:
        notes.append("PDF has no %%EOF end marker (truncated?); read what was recoverable")
    ctx.finish()

    _drop_running(pages, notes, flags)
    tables: list[RawTable] = []
    out: list[str] = []
    for p in pages:
        for _, it in p.items:
            if isinstance(it, RawTable):
                tables.append(it)
                out.extend(cells_line(r) for r in it.rows)
            else:
                out.append(it.text)
    text = "\n".join(out)
    if not text.strip() and "ocr" not in flags and not ctx.ocr_empty:
        flags.add("ocr_needed")
        if not any("OCR" in n for n in notes):
            notes.append("the PDF has no text layer: OCR needed")
    return RawDocument(source=str(path), format="pdf", text=text, tables=tables, flags=flags, notes=notes)


def _read_with_pdfium(path: Path, error: BaseException, ctx: _Ctx, pdfium_page) -> list[_Page]:
    """A file pdfminer cannot open (``No /Root object!``, a broken cross-reference table …), read
    with pdfium: first its repaired copy (pdfium rebuilds the cross-reference table; saved again,
    pdfplumber reads it, tables included), else page by page from pdfium's glyphs.  Only a file
    pdfium cannot open either is a damaged PDF."""
    import io
    reason = _reason(error)
    why = " ".join(str(error).split())[:80] or type(error).__name__
    try:
        import pypdfium2
        doc = pypdfium2.PdfDocument(str(path))
    except Exception:
        raise LoadError(reason) from None
    try:
        n = len(doc)
        if n == 0:
            raise LoadError(reason)
        buf = io.BytesIO()
        try:
            doc.save(buf)
            buf.seek(0)
            pages = _read_plumber(buf, ctx, pdfium_page)
            ctx.notes.append(f"pdfminer could not open the file ({why}); read from the copy pdfium repaired")
            return pages
        except LoadError:
            raise
        except Exception:
            pass
        pages = []
        for i in range(n):
            try:
                pages.append(_read_page_pdfium(lambda i=i: pdfium_page(i), i + 1, ctx))
            except Exception as e:  # noqa: BLE001
                pages.append(_Page(number=i + 1, height=0.0))
                ctx.notes.append(f"page {i + 1} could not be read ({type(e).__name__})")
        pages = _resolve_ocr(pages, ctx, pdfium_page)
        ctx.notes.append(f"pdfminer could not open the file ({why}); read with pdfium (tables not detected)")
        return pages
    finally:
        doc.close()
