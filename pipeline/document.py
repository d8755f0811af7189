"""load → normalise → structure → extract: the stages that turn a file into a record."""
from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
import re
import unicodedata
from pathlib import Path

from .load import load, load_all
from .model import Document, PackedItems, Quality
from .normalise import normalise
from .structure.metadata import extract_metadata
from .structure.sections import find_sections, find_tables
from .structure.tables import rebuild_cell_tables

QUALITY_ORDER = ("boilerplate_removed", "garbled_text", "spam_injection", "reflowed_lines", "ocr_needed", "ocr")


# CJK ideographs neither decompose nor compose with a neighbour, so NFKC of the runs between them is
# NFKC of the whole text, at a third of the cost
_BETWEEN_IDEOGRAPHS = re.compile(r"[^\u4e00-\u9fff]+")


def _nfkc(text: str) -> str:
    return _BETWEEN_IDEOGRAPHS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def doc_id_of(text: str) -> str:
    """Stable id from the normalised text, blind to width and white space, so the same document
    saved as HTML and as PDF gets the same id."""
    key = "".join(_nfkc(text).split())
    key = re.sub(r"[〔【［\[]", "[", re.sub(r"[〕】］\]]", "]", key))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def build(raw, source: str | None = None) -> Document:
    """A Document from a loader's RawDocument: normalised, structured and extracted."""
    from .extract.registry import run_extractors
    doc = structure_raw(raw, source)
    run_extractors(doc)
    return doc


def build_record(raw, source: str | None = None, pool=None, sink=None) -> dict:
    """``build(raw, source).take_record()``; with a process pool a long text is extracted in parts
    in parallel (``extract_parts``, which hands each part to ``sink``), and its items never exist as
    models in this process."""
    doc = structure_raw(raw, source)
    if pool is not None and len(doc.text) >= SPLIT_FROM:
        return extract_parts(doc, pool, sink)
    from .extract.registry import run_extractors
    run_extractors(doc)
    return doc.take_record()


SPLIT_FROM = 1_000_000    # characters (~3 MB): a text this long is extracted in parts when a pool is given
SPLIT_PART = 250_000      # characters per part, at least


def clean_cuts(doc: Document, part: int | None = None) -> list[int]:
    """Offsets where the text can be cut into parts that extract exactly as the whole does: the
    start of a line that opens a section while every section before it has ended (no section spans
    the cut), at least ``part`` characters apart; first 0, last the text's end.  The extractors work
    within a section and its sentences, so each part sees every context its clauses have."""
    part = part or SPLIT_PART
    cuts, reach = [0], 0
    for sec in doc.sections:
        a = sec.span[0]
        if reach <= a and a - cuts[-1] >= part and doc.text[a - 1:a] == "\n":
            cuts.append(a)
        reach = max(reach, sec.extent[1])
    if len(doc.text) - cuts[-1] < part // 2 and len(cuts) > 1:
        cuts.pop()                     # no small tail part
    return cuts + [len(doc.text)]


def _part(doc: Document, a: int, b: int, starts: dict | None = None) -> Document:
    """The text [a, b) as a document of its own (sections and tables shifted; metadata shared).
    ``starts``: ``_starts(doc)``, so that a long text's sections are not all scanned for each part."""
    def shift(sp):
        return (sp[0] - a, sp[1] - a)
    starts = starts or _starts(doc)
    return Document(doc_id=doc.doc_id, source=doc.source, format=doc.format, metadata=doc.metadata,
                    text=doc.text[a:b],
                    sections=[x.model_copy(update={"span": shift(x.span), "extent": (x.extent[0] - a, min(x.extent[1], b) - a)})
                              for x in _within(doc.sections, starts["sections"], a, b)],
                    tables=[x.model_copy(update={"span": shift(x.span)})
                            for x in _within(doc.tables, starts["tables"], a, b)])


def _starts(doc: Document) -> dict:
    """The start offsets of the document's sections and tables (None for a list not in text order)."""
    out = {}
    for name in ("sections", "tables"):
        st = [x.span[0] for x in getattr(doc, name)]
        out[name] = st if all(p <= q for p, q in zip(st, st[1:])) else None
    return out


def _within(items: list, starts: list[int] | None, a: int, b: int) -> list:
    """The items starting in [a, b), in order (by bisection when ``starts`` is given)."""
    if starts is None:
        return [x for x in items if a <= x.span[0] < b]
    return items[bisect_left(starts, a):bisect_left(starts, b)]


WHOLE_TEXT = ("citations",)   # extractors that read across the whole text (an alias 以下简称“…” defined once)


def _run(doc: Document, whole_text: bool) -> None:
    from importlib import import_module

    from .extract.registry import EXTRACTORS
    for name in EXTRACTORS:
        if (name in WHOLE_TEXT) == whole_text:
            import_module(f"{__package__}.extract.{name}").extract(doc)


PART_ITEMS = ("clauses", "responsibilities", "targets", "time_expressions")   # what a part's extractors add


def _extract_part(part: Document, a: int, work=None) -> dict:
    """Worker: a part's items as JSON-ready dicts (``take_record``'s form) with their spans shifted
    back by ``a``: dumping them here, in parallel, spares the writer a model per item and a copy.
    ``work(part_record)`` (the part's own record, spans in its text), when given, adds its result
    as ``"work"`` (``PartSink.part_work``: the keyword index's tokens of the part)."""
    _run(part, whole_text=False)
    out: dict = {}
    for name in PART_ITEMS:
        out[name] = [x.model_dump(mode="json") for x in getattr(part, name)]
    if work is not None:
        out["work"] = work({"text": part.text, "sections": [x.model_dump(mode="json") for x in part.sections],
                            **{k: out[k] for k in PART_ITEMS}})
    for name in PART_ITEMS:
        for x in out[name]:
            x["span"] = [x["span"][0] + a, x["span"][1] + a]
    return out


class PartSink:
    """What ``extract_parts`` tells of a long text as it goes (the keyword index is written from it
    while the parts are still being extracted): ``start(doc)`` once its text is structured;
    ``part(items)`` for each part in order, its items as they will be in the record (global spans
    and clause ids) and ``items["work"]`` the result of ``part_work`` run on it in its worker;
    ``end()`` after the last part.  A sink never raises: its failures are its own, never the
    extraction's."""

    part_work = None          # a picklable function of a part's own record, run in the worker

    def start(self, doc: Document) -> None: ...

    def part(self, items: dict) -> None: ...

    def end(self) -> None: ...


def warm(pool, workers: int, extra=None) -> None:
    """Start ``workers`` processes of a fresh pool and load the extractors there (and ``extra()``),
    while this process reads and structures the text: the first parts then start at once."""
    for _ in range(workers):
        pool.submit(_warm, extra)


def _warm(extra=None) -> None:
    from .extract.registry import run_extractors
    run_extractors(structure("一、总体要求\n（一）各区人民政府要加强组织领导，确保2025年完成。"))
    if extra is not None:
        extra()


def extract_parts(doc: Document, pool, sink: PartSink | None = None) -> dict:
    """The record of ``doc`` with the extractors run on the parts of ``clean_cuts`` in a process
    pool (those of ``WHOLE_TEXT`` on the whole text, here), their items joined in order: clause ids
    numbered on through the parts (and the responsibilities' and targets' references to them with
    them).  The same record as ``take_record`` after extracting the whole text in one process
    (tests/test_ingest.py checks it), in about 1/workers of the time.  Each part is handed to
    ``sink`` as it is joined (see ``PartSink``)."""
    from .extract.registry import run_extractors
    cuts = clean_cuts(doc)
    if len(cuts) <= 2:
        run_extractors(doc)
        return doc.take_record()
    from collections import deque
    spans = deque(zip(cuts, cuts[1:]))
    window: deque = deque()           # a few parts in flight: results are joined and dropped in turn
    if sink is not None:
        sink.start(doc)
    work = sink.part_work if sink is not None else None      # (start may have turned it off)

    starts = _starts(doc)

    def submit() -> None:
        if spans:
            a, b = spans.popleft()
            window.append(pool.submit(_extract_part, _part(doc, a, b, starts), a, work))
    for _ in range(2 * max(1, getattr(pool, "_max_workers", 2))):
        submit()
    _run(doc, whole_text=True)        # meanwhile, here: citations read the whole text
    items = {name: PackedItems() for name in PART_ITEMS}     # kept as JSON: see PackedItems
    n = 0                             # clauses so far
    while window:
        part = window.popleft().result()
        submit()
        ids = {}
        for c in part["clauses"]:
            n += 1
            ids[c["id"]] = f"c{n}"
            c["id"] = f"c{n}"
        for r in part["responsibilities"]:
            r["clause_ids"] = [ids.get(c, c) for c in r["clause_ids"]]
        for t in part["targets"]:
            t["clause_id"] = ids.get(t["clause_id"], t["clause_id"])
        for name in PART_ITEMS:
            items[name].extend(part[name])
        if sink is not None:
            sink.part(part)
        del part
    if sink is not None:
        sink.end()
    return doc.take_record(items)


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


def extract_record(path: str | Path, pool=None, sink: PartSink | None = None) -> dict:
    """``extract_file(path).take_record()``, a long text extracted in parts with a pool (``build_record``)."""
    return build_record(load(path), str(path), pool, sink)


def extract_all(path: str | Path) -> list[Document]:
    """Every document of a file (a spreadsheet export holds one per row), each with its source."""
    raws = load_all(path)
    return [build(raw, raw.source if len(raws) > 1 else str(path)) for raw in raws]
