"""Render a document text into PDF and DOCX files, for loader tests (format equivalence).

PDF uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1, not embedded; pdfminer
maps it back to Unicode through its bundled CMaps, so no system font is needed).  Long lines
wrap at the page width, like real PDFs, so a paragraph comes back as several lines broken
inside a sentence; every page gets a running header and a page-number footer.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional, Sequence

FONT = "STSong-Light"
MERGE_LEFT = "<<"    # in render_docx table rows: this cell is merged into the cell on its left
MERGE_UP = "^^"      # ... into the cell above


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


NO_LINE_START = "，。、；：？！）》”’】〕…—,.;:?!)"


def wrap(line: str, width: float, size: float, font: str = FONT) -> list[str]:
    """Break a line into pieces no wider than ``width`` points (character by character), as a
    Chinese typesetter does: closing punctuation never starts a line, it hangs at the end of
    the line before."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    out, cur = [], ""
    for ch in line:
        if cur and stringWidth(cur + ch, font, size) > width and ch not in NO_LINE_START:
            out.append(cur)
            cur = ""
        cur += ch
    if cur or not out:
        out.append(cur)
    return out


def render_pdf(text: str, path, *, header: Optional[str] = "某某市人民政府办公室文件",
               footer: Optional[str] = "- {page} -", size: float = 12, encrypt: Optional[str] = None,
               indent: int = 2, pagesize=None, header_even: Optional[str] = None) -> int:
    """Write ``text`` (one paragraph per line) as a PDF; returns the number of pages.

    A line ``\\f`` starts a new page.  ``header``/``footer`` may use ``{page}`` and ``{total}``;
    ``header_even`` (if given) is the header of even pages.  ``encrypt`` is a user password or a
    reportlab ``StandardEncryption``.
    """
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    total = 0
    if "{total}" in (header or "") + (footer or ""):
        total = render_pdf(text, BytesIO(), header=(header or "").replace("{total}", "0") or None,
                           footer=(footer or "").replace("{total}", "0") or None, size=size, indent=indent,
                           pagesize=pagesize, header_even=header_even)

    font = _font()
    w, h = pagesize or A4
    left, right, top, bottom = 72, 72, 80, 80
    leading = size * 1.6
    c = canvas.Canvas(path if hasattr(path, "write") else str(path), pagesize=(w, h), encrypt=encrypt)
    page = 1

    def furniture():
        c.setFont(font, 9)
        head = header_even if header_even and page % 2 == 0 else header
        if head:
            c.drawCentredString(w / 2, h - 45, head.format(page=page, total=total))
            c.line(left, h - 52, w - right, h - 52)
        if footer:
            c.drawCentredString(w / 2, 40, footer.format(page=page, total=total))
        c.setFont(font, size)

    furniture()
    y = h - top

    def new_page():
        nonlocal page, y
        c.showPage()
        page += 1
        furniture()
        y = h - top

    for para in text.split("\n"):
        if para == "\f":
            new_page()
            continue
        para = para.strip()
        if not para:
            continue
        # the first line is indented by ``indent`` characters; later lines use the full width
        first, *_ = wrap(para, w - left - right - indent * size, size, font)
        lines = [(indent * size, first)]
        if len(para) > len(first):
            lines += [(0, piece) for piece in wrap(para[len(first):], w - left - right, size, font)]
        for dx, piece in lines:
            if y < bottom:
                new_page()
            c.drawString(left + dx, y, piece)
            y -= leading
    c.showPage()
    c.save()
    return page


def render_pdf_table(rows: Sequence[Sequence[str]], path, *, before: Iterable[str] = (),
                     after: Iterable[str] = (), size: float = 10, col_widths=None,
                     encrypt: Optional[str] = None) -> None:
    """A PDF with paragraphs ``before``, a ruled table of ``rows`` (cells wrap), paragraphs ``after``."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from xml.sax.saxutils import escape

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=19, wordWrap="CJK", firstLineIndent=24)
    cell = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.4, wordWrap="CJK")
    story = [Paragraph(escape(t), body) for t in before]
    data = [[Paragraph(escape(str(v)), cell) for v in r] for r in rows]
    table = Table(data, colWidths=col_widths, repeatRows=0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(table)
    story += [Paragraph(escape(t), body) for t in after]
    SimpleDocTemplate(str(path), pagesize=A4, encrypt=encrypt).build(story)


def render_pdf_image_only(path, *, pages: int = 1, image: bool = True, text_page: Optional[str] = None) -> None:
    """A PDF without a text layer, like a scan: each page holds an image (or only a rectangle).
    ``text_page`` adds a first page with that line of real text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    if text_page:
        c.setFont(_font(), 12)
        c.drawString(72, 760, text_page)
        c.showPage()
    for _ in range(pages):
        if image:
            from PIL import Image, ImageDraw
            im = Image.new("RGB", (200, 280), "white")
            d = ImageDraw.Draw(im)
            for k in range(8):
                d.rectangle((20, 20 + 30 * k, 180, 35 + 30 * k), fill="black")  # "lines of text"
            c.drawImage(ImageReader(im), 72, 200, width=450, height=600)
        else:
            c.rect(72, 200, 450, 600, stroke=1, fill=0)
        c.showPage()
    c.save()


def render_docx(text: str, path, *, tables: Optional[dict[int, Sequence[Sequence[str]]]] = None,
                header: Optional[str] = "某某市人民政府办公室文件", footer: Optional[str] = "第 1 页") -> None:
    """Write ``text`` (one paragraph per line) as a DOCX.  ``tables`` maps a line index to table
    rows inserted after that line (index -1: before the first line); a cell ``MERGE_LEFT`` /
    ``MERGE_UP`` is merged into its left / upper neighbour.  The section gets a header and footer
    that are not body text."""
    import docx

    d = docx.Document()
    tables = dict(tables or {})

    def add_table(rows):
        ncols = max(len(r) for r in rows)
        t = d.add_table(rows=len(rows), cols=ncols)
        t.style = "Table Grid"
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if v not in (MERGE_LEFT, MERGE_UP):
                    t.cell(i, j).text = v
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if v == MERGE_LEFT:
                    t.cell(i, j - 1).merge(t.cell(i, j))
                elif v == MERGE_UP:
                    t.cell(i - 1, j).merge(t.cell(i, j))

    if -1 in tables:
        add_table(tables.pop(-1))
    for i, line in enumerate(text.split("\n")):
        d.add_paragraph(line)
        if i in tables:
            add_table(tables[i])
    sec = d.sections[0]
    if header:
        sec.header.paragraphs[0].text = header
    if footer:
        sec.footer.paragraphs[0].text = footer
    d.save(str(path))
