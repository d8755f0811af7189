"""PDF: the text layer in reading order, tables as `` | `` rows, running headers/footers dropped.

Library choice: **pdfplumber** (on pdfminer.six) reads every page.  pypdfium2 extracts plain
text about ten times faster, but its plain text comes in content-stream order (a running
header and footer first, then the body) with its own spacing, and gives no ruling lines for
table detection.  pdfplumber's per-glyph boxes and ruling lines let us (a) cut tables out of
the text flow at their position, (b) decide spacing between glyphs ourselves (CJK glyphs never
get spaces inserted between them) and (c) tell a running header from the first line of the
body by its position on the page.  Policy PDFs are short (tens of pages; ~0.1 s a page here),
so correctness wins over speed.  **pypdfium2** is the fallback for pages whose fonts pdfminer
cannot map to Unicode (glyphs come out as ``(cid:123)``, e.g. CID fonts in some encrypted
files): such a page's glyphs and boxes are read with pdfium instead, and go through the same
line, table and header logic.

What ``load`` does, page by page:

- duplicate glyphs (fake bold: the same character drawn twice, slightly offset) are dropped;
- ruled tables are found with ``page.find_tables()``; each becomes a ``RawTable`` and is written
  into the text at its vertical position as ``cells_line`` rows, its glyphs removed from the
  plain flow.  A one-cell "table" (a framed paragraph) stays plain text;
- the remaining glyphs are grouped into lines by pdfplumber (``extract_text_lines``, layout off)
  and each line's text is rebuilt from its glyphs: a space glyph of the PDF is kept; without
  one, no space between two CJK glyphs unless the gap is wider than 1.5 em, a space between
  Latin glyphs when the gap exceeds 0.2 em (pdfplumber's own x_tolerance inserts spaces into
  justified Chinese);
- Kangxi radicals and CJK compatibility ideographs that some fonts' ToUnicode maps produce
  (``⼀`` U+2F00 for ``一``) are mapped to the unified ideographs;
- lines that repeat (digits masked) at the same place near the top or bottom of most pages are
  running headers/footers and go, as do bare page numbers (``- 3 -``, ``—3—``, ``3``,
  ``第3页``, ``3/10``) in the page margins;
- a page with no text layer but with images or drawings adds the ``ocr_needed`` flag and a note;
  a page whose glyphs neither library can decode adds ``garbled_text`` (and ``ocr_needed``
  when most of the page is unreadable).

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
from .base import LoadError, cells_line

MAX_BYTES = 200 * 1024 * 1024
EDGE_LINES = 3            # how many lines from the top/bottom of a page may be header/footer
EDGE_BAND = 0.2          # running headers/footers sit in the top/bottom 20% of the page
MARGIN = 0.15             # page numbers must sit in the top/bottom 15% of the page
CJK_SPACE_EM = 1.5        # a gap wider than this between two CJK glyphs is a real separation
MIXED_SPACE_EM = 0.3      # CJK next to Latin/digits
STEP_LINE_MAX = 30       # a line whose number follows the page number is at most this long
LATIN_SPACE_EM = 0.2      # between Latin glyphs (a space glyph is ~0.25 em wide)
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
                out.append(" ")
        out.append(t)
        prev = c
        blank = False
    return "".join(out).strip()


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


def _read_page(page, number: int, notes: list[str], flags: set[str], pdfium_page=None) -> _Page:
    """One page's lines and tables.  ``pdfium_page()`` gives the same page opened by pdfium, the
    fallback for fonts whose glyphs pdfminer cannot map to Unicode (``(cid:123)``)."""
    height = float(page.height)
    out = _Page(number=number, height=height)
    page = _dedupe(page)
    chars = page.chars
    if not any((c.get("text") or "").strip() for c in chars):
        if page.images or page.rects or page.curves or page.lines:
            flags.add("ocr_needed")
            what = "image only" if page.images else "drawings only"
            notes.append(f"page {number} has no text layer ({what}): OCR needed")
        return out
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
            if cid > 0.3 * sum(1 for c in chars if (c.get("text") or "").strip()):
                flags.add("ocr_needed")
                notes.append(f"page {number}: the font has no Unicode mapping ({cid} glyphs unreadable): OCR needed")
            else:
                notes.append(f"page {number}: {cid} glyphs without Unicode mapping dropped")
            chars = [c for c in chars if not _CID.fullmatch(c.get("text") or "")]
            page = page.filter(lambda o: o.get("object_type") != "char" or not _CID.fullmatch(o.get("text") or ""))
    tables = _tables(page, chars)
    boxes = [b for b, _ in tables]
    if fallback:
        rest = [c for c in chars if not any(_center_in(c, b) for b in boxes)]
        lines = []
        for group in _group_lines(rest):
            text = _join_chars(group)
            if text:
                lines.append(_Line(text, min(float(c["top"]) for c in group), max(float(c["bottom"]) for c in group)))
    else:
        if boxes:
            page = page.filter(lambda o: o.get("object_type") != "char" or not any(_center_in(o, b) for b in boxes))
        lines = _text_lines(page)
    items = [(ln.top, ln) for ln in lines]
    items += [(bbox[1], RawTable(rows=rows)) for bbox, rows in tables]
    items.sort(key=lambda it: it[0])
    out.items = items
    area = float(page.width) * height
    for im in page.images:
        w = abs(float(im.get("x1", 0)) - float(im.get("x0", 0)))
        h = abs(float(im.get("bottom", 0)) - float(im.get("top", 0)))
        if area and w * h > 0.4 * area:
            notes.append(f"page {number} has a large image; text inside it is not extracted")
            break
    return out


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
    if size > MAX_BYTES:
        raise LoadError(f"PDF too large ({size // (1024 * 1024)} MB > {MAX_BYTES // (1024 * 1024)} MB)")
    try:
        import pdfplumber  # lazily: importing this module stays instant
    except ImportError:
        raise LoadError("reading PDF needs pdfplumber (pip install pdfplumber)") from None

    notes: list[str] = []
    flags: set[str] = set()
    pages: list[_Page] = []
    pdfium_doc = None

    def pdfium_page(index: int):
        nonlocal pdfium_doc
        if pdfium_doc is None:
            import pypdfium2  # lazily: only for pages whose fonts pdfminer cannot decode
            pdfium_doc = pypdfium2.PdfDocument(str(path))
        return pdfium_doc[index]

    try:
        with pdfplumber.open(path) as pdf:
            failed: list[str] = []
            for i, page in enumerate(pdf.pages, 1):
                try:
                    pages.append(_read_page(page, i, notes, flags, lambda i=i: pdfium_page(i - 1)))
                except Exception as e:  # one broken page (bad content stream, font) loses only itself
                    if "Password" in type(e).__name__ or (e.args and "Password" in type(e.args[0]).__name__):
                        raise
                    failed.append(_reason(e))
                    pages.append(_Page(number=i, height=float(page.height or 0)))
                    notes.append(f"page {i} could not be read ({failed[-1]})")
            if failed and len(failed) == len(pages):
                raise LoadError(failed[0] if len(failed) == 1 else f"no page could be read ({failed[0]})")
    except LoadError:
        raise
    except Exception as e:  # pdfminer raises many kinds (and RecursionError, MemoryError); none may escape
        raise LoadError(_reason(e)) from None
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
    if not text.strip():
        flags.add("ocr_needed")
        notes.append("the PDF has no text layer: OCR needed")
    return RawDocument(source=str(path), format="pdf", text=text, tables=tables, flags=flags, notes=notes)
