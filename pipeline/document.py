"""load → normalise → structure → extract: the stages that turn a file into a record."""
from __future__ import annotations

import hashlib
from array import array
import re
import unicodedata
from pathlib import Path

from .load import load, load_all
from .model import Document, Quality
from .normalise import normalise
from .structure.metadata import extract_metadata
from .structure.sections import find_sections, find_tables
from .structure.tables import rebuild_cell_tables

QUALITY_ORDER = ("boilerplate_removed", "garbled_text", "spam_injection", "reflowed_lines", "ocr_needed", "ocr")


def doc_id_of(text: str) -> str:
    """Stable id from the normalised text, blind to width and white space, so the same document
    saved as HTML and as PDF gets the same id."""
    key = "".join(unicodedata.normalize("NFKC", text).split())
    key = re.sub(r"[〔【［\[]", "[", re.sub(r"[〕】］\]]", "]", key))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def build(raw, source: str | None = None) -> Document:
    """A Document from a loader's RawDocument: normalised, structured and extracted."""
    from .extract.registry import run_extractors
    doc = structure_raw(raw, source)
    run_extractors(doc)
    return doc


def structure(text: str, source: str = "<text>") -> Document:
    """Normalise and structure a text (metadata, sections, tables), without the extractors."""
    from .model import RawDocument
    return structure_raw(RawDocument(source=source, format="txt", text=text), source)


def structure_raw(raw, source: str | None = None) -> Document:
    text, back = rebuild_cell_tables(raw.text)   # tables flattened one cell per line → rows
    norm = normalise(text)
    if back is not None:   # offsets back into the loader's text
        norm.source_index = array("q", map(back.__getitem__, norm.source_index))   # 8 bytes a character
        norm.flags.add("reflowed_lines")
    flags = set(raw.flags) | norm.flags
    notes = list(raw.notes) + norm.notes
    page = {**norm.page_metadata, **{k: v for k, v in raw.page_metadata.items() if v}}
    metadata = extract_metadata(norm.text, page, flags, notes)
    sections = find_sections(norm.text)
    doc = Document(
        doc_id=doc_id_of(norm.text), source=source or raw.source, format=raw.format,
        metadata=metadata, text=norm.text, offset_map=norm.offset_map(),
        sections=sections, tables=find_tables(norm.text, sections),
    )
    doc.quality = Quality(flags=[f for f in QUALITY_ORDER if f in flags], notes=notes)
    return doc


def extract_file(path: str | Path) -> Document:
    return build(load(path), str(path))


def extract_all(path: str | Path) -> list[Document]:
    """Every document of a file (a spreadsheet export holds one per row), each with its source."""
    raws = load_all(path)
    return [build(raw, raw.source if len(raws) > 1 else str(path)) for raw in raws]
