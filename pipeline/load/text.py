"""Plain text and Markdown: decode whatever encoding a researcher meets, strip Markdown form.

Encodings are detected by charset-normalizer (GB18030/GBK, Big5, UTF-16 …); a strict UTF-8
decode is tried first because it cannot succeed by accident on Chinese legacy encodings.
Markdown keeps its words: heading marks, bold marks and list bullets go, YAML front matter
becomes page metadata, quoted repository disclaimers are dropped as chrome.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..model import RawDocument
from .base import LoadError, read_bytes

MAX_BYTES = 50 * 1024 * 1024


# markdown marks stripped line by line (compiled once: every line of a text goes through them)
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
# `>2`, `>=90`: a table cell's comparison, not a quote mark
MD_QUOTE = re.compile(r"^\s{0,3}>(?![=\d.])\s?")
MD_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(?=\S)")
MD_RULE_START = re.compile(r"^\s*[-*+]\s*[-*+]")
MD_LINK = re.compile(r"\[([^\]]*)\]\((?:https?://|/)[^)]*\)")
MD_RULE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*")


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """(text, encoding name) of a byte string that should be text; LoadError otherwise."""
    if not data.strip():
        raise LoadError("empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                     (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise LoadError(f"broken {enc} text ({e.reason} at byte {e.start})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazily: only legacy encodings need it
    best = from_bytes(data[:400_000]).best()
    if best is None:
        raise LoadError("not a text file (no text encoding fits its bytes)")
    enc = best.encoding
    # GB2312/GBK detections are read as GB18030, their superset, so rare characters survive
    if enc.lower().replace("-", "").replace("_", "") in {"gb2312", "gbk", "cp936", "hz"}:
        enc = "gb18030"
    text = data.decode(enc, errors="replace")
    return text, enc


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))
    return controls / len(sample) > 0.05


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def strip_markdown(text: str, meta: dict[str, str], notes: list[str]) -> str:
    m = FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                meta.setdefault(key.strip(), value.strip())
        # keep the length: blank lines in place of the front matter, so offsets still point into the file
        text = "\n" * m.group(0).count("\n") + text[m.end():]
        notes.append("YAML front matter read as page metadata")
    out = []
    for line in text.split("\n"):
        s = line
        s = MD_HEADING.sub("", s)            # headings
        s = MD_QUOTE.sub("", s)              # block quotes
        s = MD_BULLET.sub("", s) if not MD_RULE_START.match(s) else s
        s = s.replace("**", "").replace("__", "")
        s = MD_LINK.sub(r"\1", s)  # links keep their words
        if MD_RULE.fullmatch(s):
            s = ""
        out.append(s)
    return "\n".join(out)


def load(path: Path) -> RawDocument:
    data = read_bytes(path, MAX_BYTES)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # UTF-16 without BOM is legitimate; other NUL-laden files are binary
        try:
            text, enc = data.decode("utf-16"), "utf-16"
            if _looks_binary(text) or not re.search(r"[\u4e00-\u9fff]", text):
                raise UnicodeDecodeError("utf-16", data, 0, 1, "not text")
        except UnicodeDecodeError:
            raise LoadError("binary data, not a text file") from None
    else:
        text, enc = decode(data, path.name)
    if _looks_binary(text):
        raise LoadError("binary data, not a text file")
    meta: dict[str, str] = {}
    notes: list[str] = []
    if enc not in ("utf-8", "utf-8-sig"):
        notes.append(f"decoded as {enc}")
    text = text.replace("\ufeff", "")
    if path.suffix.lower() in (".md", ".markdown"):
        text = strip_markdown(text, meta, notes)
    if not text.strip():
        raise LoadError("no text in the file")
    return RawDocument(source=str(path), format="txt", text=text, page_metadata=meta, notes=notes)
