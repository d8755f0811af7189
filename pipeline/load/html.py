"""Saved web pages (gov.cn fragments and full portal pages).

selectolax (lexbor) parses the page; the page's metadata table (索引号, 发文机关, 成文日期,
标题, 发文字号, 发布日期 …) and <meta> tags become page metadata; the main text is the known
content container of government CMSs when there is one (UCAP-CONTENT, TRS_Editor, zoom …) and
trafilatura's main-text extraction otherwise.  Navigation, share widgets, scripts and footers
never reach the text.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..model import RawDocument, RawTable
from .base import LoadError, cells_line
from .text import MAX_BYTES, decode

MAX_DEPTH = 2000        # nesting of container elements (div, section, table …) a page may have
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
         "wbr", "keygen", "command", "basefont", "bgsound", "frame", "image", "isindex", "spacer"}
# elements the parser closes by itself (an unclosed <p> or <li> does not nest) and formatting elements
# (an unclosed <font> costs the parser nothing): neither counts towards the nesting estimate
_IMPLIED = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt", "rp", "rtc", "colgroup",
            "caption", "thead", "tbody", "tfoot", "head", "body", "html", "a", "b", "big", "code", "em", "font",
            "i", "nobr", "s", "small", "strike", "strong", "tt", "u", "span"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_SKIP = re.compile(r"<!--.*?-->|<(script|style|textarea)\b.*?</\1\s*>", re.S | re.I)

CONTAINERS = ("#UCAP-CONTENT", ".TRS_Editor", "#zoom", ".article_con", ".pages_content", "#pages_content",
              ".article-content", "#article-content", ".xxgk_content", ".content_text", "#content", ".content",
              "article")
TITLE_NODES = (".article_title", "h1", ".title", "#title")
DROP = ("script", "style", "noscript", "iframe", "form", "button", "nav", "header", "footer", "select", "svg")
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "center",
         "blockquote", "pre", "article", "dd", "dt", "dl", "hr", "table", "tr", "tbody", "thead"}
META_NAMES = {"articletitle": "meta:ArticleTitle", "pubdate": "发布日期", "contentsource": "来源",
              "columnname": "meta:ColumnName", "keywords": "meta:Keywords", "description": "meta:Description"}


def _label(text: str) -> str | None:
    from ..normalise import _label_at
    t = re.sub(r"\s+", "", text).rstrip(":：")
    if not t or len(t) > 8:
        return None
    hit = _label_at(t)
    return hit[0] if hit and hit[1] >= len(t) else None


def _text(node) -> str:
    return " ".join(node.text(deep=True, separator=" ").split())


def _metadata_tables(tree, meta: dict[str, str]) -> None:
    for tbl in tree.css("table"):
        cells = tbl.css("td, th")
        found = 0
        for i, cell in enumerate(cells):
            label = _label(_text(cell))
            if label and i + 1 < len(cells) and not _label(_text(cells[i + 1])):
                meta.setdefault(label, _text(cells[i + 1]))
                found += 1
        if found >= 2:
            tbl.decompose()


def nesting(text: str) -> int:
    """How deeply a page nests its container elements, estimated from its tags before parsing (an
    HTML parser spends time quadratic in the depth: 50,000 nested <div>s take lexbor seconds)."""
    depth = deepest = 0
    for m in _TAG.finditer(_SKIP.sub("", text)):
        name = m.group(2).lower()
        if name in _VOID or name in _IMPLIED or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def render(node, tables: list[RawTable]) -> str:
    """Block-aware text of a node: paragraphs on their own lines, tables as `` | `` rows.  An
    explicit stack, not recursion, so no nesting depth can exhaust Python's stack."""
    out: list[str] = []
    stack: list = [node]       # nodes to visit, and "\n" markers closing a block
    while stack:
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
            continue
        tag = n.tag
        if tag in DROP or tag == "-comment":
            continue
        if tag == "-text":
            out.append(n.text_content or "")
            continue
        if tag == "table":
            rows = []
            for tr in n.css("tr"):
                cells = [_text(c) for c in tr.iter() if c.tag in ("td", "th")]
                if any(cells):
                    rows.append(cells)
            if rows:
                if len(rows) == 1 and len(rows[0]) == 1:
                    out.append("\n" + rows[0][0] + "\n")
                else:
                    tables.append(RawTable(rows=rows))
                    out.append("\n" + "\n".join(cells_line(r) for r in rows) + "\n")
            continue
        block = tag in BLOCK
        if block:
            out.append("\n")
            stack.append("\n")
        stack.extend(reversed(list(n.iter(include_text=True))))
    text = "".join(out)
    text = re.sub(r"[ \t\u00a0]*\n[ \t\u00a0\n]*", "\n", text)
    return text.strip("\n")


def load(path: Path) -> RawDocument:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise LoadError(f"file too large ({size // (1024 * 1024)} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)")
        data = path.read_bytes()
    except OSError as e:
        raise LoadError(e.strerror or "cannot read") from None
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.I)
    text = None
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        enc = "gb18030" if enc in ("gb2312", "gbk") else enc
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, _ = decode(data, path.name)
    if not re.search(r"<\s*(html|body|div|p|table|span|br)\b", text[:200_000], re.I):
        raise LoadError("not an HTML page (no HTML elements)")
    depth = nesting(text)
    if depth > MAX_DEPTH:
        raise LoadError(f"page nested too deeply ({depth} levels of elements; the limit is {MAX_DEPTH})")
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser(text)
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        key = META_NAMES.get((node.attributes.get("name") or "").lower())
        if key and node.attributes.get("content"):
            meta.setdefault(key, node.attributes["content"].strip())
    title_node = tree.css_first("title")
    if title_node is not None and _text(title_node):
        meta.setdefault("meta:title", _text(title_node))
    _metadata_tables(tree, meta)
    for sel in DROP:
        for n in tree.css(sel):
            n.decompose()

    tables: list[RawTable] = []
    notes: list[str] = []
    container = next((c for c in (tree.css_first(s) for s in CONTAINERS) if c is not None and len(_text(c)) > 80), None)
    if container is not None:
        body = render(container, tables)
        heading = next((t for t in (tree.css_first(s) for s in TITLE_NODES) if t is not None and _text(t)), None)
        if heading is not None and _text(heading)[:12] not in body[:800]:
            body = _text(heading) + "\n" + body
        notes.append("main text from the page's content container")
    else:
        import trafilatura  # lazily: it pulls in lxml and friends
        try:
            body = trafilatura.extract(text, output_format="txt", include_tables=True, include_comments=False,
                                       favor_recall=True) or ""
        except RecursionError:   # its tree walks recurse; our own rendering below does not
            body = ""
        if not body.strip():
            root = tree.body or tree.root
            body = render(root, tables) if root is not None else ""
        notes.append("main text by trafilatura")
    if not body.strip():
        raise LoadError("no text in the page")
    return RawDocument(source=str(path), format="html", text=body, page_metadata=meta, tables=tables,
                       flags={"boilerplate_removed"}, notes=notes)
