"""DOCX (Word 2007+): body paragraphs and tables in document order.

python-docx opens the package; the body XML is walked in order (``w:p`` and ``w:tbl``, and
the content of ``w:sdt`` content controls), so tables sit where they are in the document.
A paragraph's text is read from its runs as Word shows it: ``w:t`` text, tabs, line breaks
(``w:br`` → a new line), hyperlinks, fields' displayed results and tracked insertions; deleted
text, field codes, hidden runs (``w:vanish``) and the fallback copy of alternate content are
left out.  Run formatting (highlight, colour, bold) is ignored.

Word's automatic list numbering (``w:numPr`` on the paragraph or its style) is not stored in
the text; it is rendered from ``numbering.xml`` (decimal, Chinese counting, letters, roman,
circled numbers) so that ``一、`` / ``（一）`` headings survive; bullets are dropped.

Each table row becomes a ``RawTable`` row and a ``cells_line`` line; python-docx repeats a
horizontally merged cell once per grid column, so consecutive repeats of the same cell are
kept once; a vertically merged cell's text repeats in each row it spans (so every row reads
complete).  A one-cell table (a framed paragraph) stays plain text.  Section headers and
footers are not body text and are not read.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..model import RawDocument, RawTable
from .base import LoadError, cells_line, check_size

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MAX_BYTES = 200 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# subtrees whose text Word does not show (or shows elsewhere)
_SKIP = {W + "del", W + "moveFrom", W + "txbxContent", W + "rPr", W + "pPr", W + "instrText",
         W + "delText", MC + "Fallback", W + "footnoteReference", W + "commentReference"}


def _on(el, name: str) -> bool:
    """Is a boolean run property such as w:vanish switched on?"""
    x = el.find(W + name) if el is not None else None
    if x is None:
        return False
    return x.get(W + "val", "true").lower() not in ("0", "false", "off")


def _run_text(el, out: list[str]) -> None:
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIP:
        return
    if tag == W + "r" and _on(el.find(W + "rPr"), "vanish"):
        return
    if tag == W + "t":
        out.append(el.text or "")
        return
    if tag == W + "tab" or tag == W + "ptab":
        out.append("\t")
    elif tag == W + "br" or tag == W + "cr":
        out.append("\n")
    elif tag == W + "noBreakHyphen":
        out.append("-")
    elif tag == W + "sym":
        code = el.get(W + "char") or ""
        try:
            ch = chr(int(code, 16))
        except ValueError:
            ch = ""
        if ch and not ("\ue000" <= ch <= "\uf8ff"):  # symbol-font glyphs (Wingdings) have no meaning as text
            out.append(ch)
    for child in el:
        _run_text(child, out)


def paragraph_text(p) -> str:
    out: list[str] = []
    for child in p:
        _run_text(child, out)
    return "".join(out)


# ---------------------------------------------------------------------------- list numbering

_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + _chinese(rest) if rest < 10 else
                                    (_CN_DIGITS[rest // 10] + "十" + (_CN_DIGITS[rest % 10] if rest % 10 else "")))
        return _CN_DIGITS[n // 100] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
            (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _format(n: int, fmt: str) -> str | None:
    if fmt in ("decimal", "decimalZero", "arabicFullWidth"):
        return f"{n:02d}" if fmt == "decimalZero" and n < 10 else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "chineseLegalSimplified"):
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "ideographEnclosedCircle" and 1 <= n <= 10:
        return chr(0x3220 + n - 1)
    if fmt == "none":
        return ""
    return None  # bullet and anything exotic: no number text


class _Numbering:
    """Renders Word list numbers (``w:numPr``) the way Word displays them."""

    def __init__(self, document):
        self.levels, self.counters, self.abstract_of, self.style_num, self.restarts = {}, {}, {}, {}, {}
        self.seen, self.used = set(), 0
        try:
            self._parse(document)
        except Exception:  # broken numbering must not lose the document: no numbers then
            self.levels, self.style_num = {}, {}

    def _parse(self, document):
        self.levels: dict[str, dict[int, dict]] = {}    # numId → ilvl → {fmt, text, start}
        self.counters: dict[str, dict[int, int]] = {}   # abstractNumId → ilvl → current value
        self.abstract_of: dict[str, str] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.restarts: dict[str, dict[int, int]] = {}   # numId → ilvl → start, for "restart numbering"
        self.seen: set[str] = set()
        self.used = 0
        try:
            numbering = document.part.numbering_part.element
        except Exception:  # no numbering part
            numbering = None
        abstract: dict[str, dict[int, dict]] = {}
        if numbering is not None:
            for an in numbering.findall(W + "abstractNum"):
                aid = an.get(W + "abstractNumId")
                abstract[aid] = {}
                for lvl in an.findall(W + "lvl"):
                    abstract[aid][int(lvl.get(W + "ilvl", "0"))] = self._level(lvl)
            for num in numbering.findall(W + "num"):
                nid = num.get(W + "numId")
                ref = num.find(W + "abstractNumId")
                aid = ref.get(W + "val") if ref is not None else None
                levels = {k: dict(v) for k, v in abstract.get(aid, {}).items()}
                for ov in num.findall(W + "lvlOverride"):
                    il = int(ov.get(W + "ilvl", "0"))
                    lvl = ov.find(W + "lvl")
                    if lvl is not None:
                        levels[il] = self._level(lvl)
                    so = ov.find(W + "startOverride")
                    if so is not None and il in levels:
                        levels[il]["start"] = int(so.get(W + "val", "1"))
                        self.restarts.setdefault(nid, {})[il] = levels[il]["start"]
                self.levels[nid] = levels
                self.abstract_of[nid] = aid or nid
        try:
            styles = document.styles.element
        except Exception:
            styles = None
        based: dict[str, str] = {}
        own: dict[str, tuple[str | None, int | None]] = {}
        if styles is not None:
            for st in styles.findall(W + "style"):
                sid = st.get(W + "styleId")
                b = st.find(W + "basedOn")
                if b is not None:
                    based[sid] = b.get(W + "val")
                np_ = st.find(f"{W}pPr/{W}numPr")
                if np_ is not None:
                    own[sid] = self._numpr(np_)
        for sid in set(own) | set(based):
            seen, cur = set(), sid
            while cur and cur not in own and cur not in seen:
                seen.add(cur)
                cur = based.get(cur)
            if cur in own:
                self.style_num[sid] = own[cur]

    @staticmethod
    def _level(lvl) -> dict:
        def val(name, default):
            x = lvl.find(W + name)
            return x.get(W + "val", default) if x is not None else default
        return {"fmt": val("numFmt", "decimal"), "text": val("lvlText", ""), "start": int(val("start", "1") or 1)}

    @staticmethod
    def _numpr(np_) -> tuple[str | None, int | None]:
        nid = np_.find(W + "numId")
        il = np_.find(W + "ilvl")
        return (nid.get(W + "val") if nid is not None else None,
                int(il.get(W + "val", "0")) if il is not None else None)

    def label(self, p) -> str:
        """The number Word shows before paragraph ``p`` ('' when none)."""
        try:
            return self._label(p)
        except Exception:
            return ""

    def _label(self, p) -> str:
        ppr = p.find(W + "pPr")
        nid, ilvl = None, None
        if ppr is not None:
            ps = ppr.find(W + "pStyle")
            if ps is not None and ps.get(W + "val") in self.style_num:
                nid, ilvl = self.style_num[ps.get(W + "val")]
            np_ = ppr.find(W + "numPr")
            if np_ is not None:
                n2, i2 = self._numpr(np_)
                nid = n2 if n2 is not None else nid
                ilvl = i2 if i2 is not None else ilvl
        if not nid or nid == "0" or nid not in self.levels:
            return ""
        ilvl = ilvl or 0
        levels = self.levels[nid]
        if ilvl not in levels:
            return ""
        # list instances (w:num) of one abstract list continue each other unless one restarts
        counters = self.counters.setdefault(self.abstract_of[nid], {})
        if nid not in self.seen:
            self.seen.add(nid)
            for il, start in self.restarts.get(nid, {}).items():
                counters[il] = start - 1
                for deeper in [k for k in counters if k > il]:
                    del counters[deeper]
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if _format(1, levels[ilvl]["fmt"]) is None:
            return ""  # bullets

        def repl(m):
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            value = counters.get(k, levels[k]["start"])
            fmt = levels[k]["fmt"]
            return _format(value, fmt) or ""

        text = re.sub(r"%(\d)", repl, levels[ilvl]["text"])
        if text:
            self.used += 1
        return text


# ---------------------------------------------------------------------------- body walk

def _blocks(container):
    """w:p and w:tbl elements of a body or cell, in order, looking inside content controls."""
    for el in container:
        tag = el.tag
        if tag in (W + "p", W + "tbl"):
            yield el
        elif tag in (W + "sdt",):
            content = el.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif tag in (W + "customXml", W + "ins", W + "moveTo"):
            yield from _blocks(el)


def _cell_text(tc, numbering: _Numbering) -> str:
    parts = []
    for el in _blocks(tc):
        if el.tag == W + "p":
            t = (numbering.label(el) + paragraph_text(el)).strip()
            if t:
                parts.append(t)
        else:  # a nested table: its rows, flattened
            for row in _table_rows(el, numbering, None):
                parts.append(cells_line(row))
    return "\n".join(parts)


def _table_rows(tbl, numbering: _Numbering, table) -> list[list[str]]:
    rows: list[list[str]] = []
    if table is not None:
        try:
            for row in table.rows:
                cells, prev = [], None
                for cell in row.cells:
                    if prev is not None and cell._tc is prev:
                        continue  # a merged cell repeated for each grid column it spans
                    prev = cell._tc
                    cells.append(_cell_text(cell._tc, numbering))
                rows.append(cells)
            return [r for r in rows if any(c.strip() for c in r)]
        except Exception:  # malformed spans (e.g. vMerge continue in the first row): read raw cells
            rows = []
    for tr in tbl.iter(W + "tr"):
        if next(tr.iterancestors(W + "tbl"), None) is not tbl:
            continue  # rows of nested tables
        rows.append([_cell_text(tc, numbering) for tc in tr.iter(W + "tc")
                     if next(tc.iterancestors(W + "tr"), None) is tr])
    return [r for r in rows if any(c.strip() for c in r)]


def _read(document) -> tuple[str, list[RawTable], list[str]]:
    from docx.table import Table  # lazily, with python-docx

    numbering = _Numbering(document)
    lines: list[str] = []
    tables: list[RawTable] = []
    notes: list[str] = []
    body = document.element.body
    for el in _blocks(body):
        if el.tag == W + "p":
            label, text = numbering.label(el), paragraph_text(el)
            if label and text[:1].isascii() and text[:1].isalnum():
                label += " "  # Word puts a tab after the number; keep ``1.`` apart from ``2025年``
            text = label + text
            for line in text.split("\n"):
                line = line.strip()
                if line:
                    lines.append(line)
        else:
            rows = _table_rows(el, numbering, Table(el, document))
            if not rows:
                continue
            if len(rows) == 1 and len(rows[0]) == 1:
                lines.extend(l.strip() for l in rows[0][0].split("\n") if l.strip())
                continue
            tables.append(RawTable(rows=rows))
            lines.extend(cells_line(r) for r in rows)
    if body.find(W + "altChunk") is not None:
        notes.append("embedded alternative-format content (altChunk) not read")
    if numbering.used:
        notes.append(f"Word list numbering rendered into the text ({numbering.used} paragraphs)")
    return "\n".join(lines), tables, notes


def load(path: Path) -> RawDocument:
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None
    if size == 0:
        raise LoadError("empty file")
    check_size(path, MAX_BYTES)       # the same one-line reason as every loader, before a byte more is read
    if head.startswith(OLE_MAGIC):   # a Word 97-2003 file under a .docx name (or an encrypted DOCX)
        from . import office
        try:
            office._check_ole(path, "doc")
            ole_ok = True
        except LoadError as e:
            if "password" in str(e):
                raise LoadError("not a DOCX package: a password-protected document") from None
            ole_ok = False
        if ole_ok and office.soffice():
            raw = office.convert(path, "doc")
            raw.notes.insert(0, "a legacy Word .doc file named .docx")
            return raw
        if ole_ok:
            raise LoadError("not a DOCX package: a legacy Word .doc (reading it needs LibreOffice: "
                            "apt-get install libreoffice-writer-nogui)")
        raise LoadError("not a DOCX package: a legacy Word .doc or a password-protected document")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise LoadError("not a DOCX file (not a zip package, or a truncated one)") from None
    if "word/document.xml" not in names and not any(n.endswith("/document.xml") for n in names):
        kind = ("an Excel workbook" if any(n.startswith("xl/") for n in names) else
                "a PowerPoint file" if any(n.startswith("ppt/") for n in names) else "not a Word document")
        raise LoadError(f"not a DOCX file (a zip package that is {kind})")
    try:
        import docx  # lazily: importing this module stays instant
    except ImportError:
        raise LoadError("reading DOCX needs python-docx (pip install python-docx)") from None
    try:
        document = docx.Document(str(path))
        text, tables, notes = _read(document)
    except LoadError:
        raise
    except Exception as e:  # python-docx, lxml and zipfile raise many kinds; none may escape
        name = type(e).__name__
        msg = " ".join(str(e).split())
        if "content type" in msg:
            reason = "not a Word document (" + msg.split("content type is", 1)[-1].strip(" '") + ")"
        elif name in ("BadZipFile", "EOFError", "zlib.error", "error"):
            reason = "corrupt DOCX (damaged zip data)"
        elif name in ("XMLSyntaxError",):
            reason = f"corrupt DOCX (broken XML: {msg[:80]})"
        elif name in ("KeyError", "PackageNotFoundError"):
            reason = "corrupt DOCX (a required part is missing)"
        else:
            reason = f"corrupt DOCX ({name}{': ' + msg[:80] if msg else ''})"
        raise LoadError(reason) from None
    return RawDocument(source=str(path), format="docx", text=text, tables=tables, notes=notes)
