"""The document record (SCHEMA.md, ``zhengce.document/1``) as typed models.

One ``Document`` flows through every stage: a loader fills ``RawDocument``;
``normalise`` turns it into text plus an offset map; ``structure`` fills
metadata, sections and tables; each extractor adds its items.  Every
extracted item carries ``span = (start, end)``, offsets into ``Document.text``.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Iterator, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "zhengce.document/1"

Span = tuple[int, int]
Level = Literal["national", "provincial", "municipal", "county"]
ClauseKind = Literal["obligation", "prohibition", "encouragement", "permission", "goal", "fact", "other"]
Role = Literal["lead", "support", "responsible"]
Comparator = Literal[">=", "<=", "=", ">", "<", "range", "approx"]
TimeKind = Literal["date", "interval", "named_period", "recurrence", "duration"]
QualityFlag = Literal["boilerplate_removed", "garbled_text", "spam_injection", "reflowed_lines", "ocr_needed", "ocr"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Region(_Model):
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None
    code: Optional[str] = Field(None, description="6-digit GB/T 2260 code of the most specific division")
    town: Optional[str] = Field(None, description="乡镇/街道 when the issuer is below county level")


class Metadata(_Model):
    title: Optional[str] = None
    notice_title: Optional[str] = None
    doc_number: Optional[str] = None
    issuers: list[str] = []
    signed_date: Optional[str] = None
    published_date: Optional[str] = None
    index_number: Optional[str] = None
    doc_type: Optional[str] = None
    recipients: list[str] = []
    region: Region = Region()
    level: Optional[Level] = None
    topics: list[str] = Field([], description="主题分类 from the page table")


class Quality(_Model):
    flags: list[QualityFlag] = []
    notes: list[str] = []


class Section(_Model):
    id: str
    parent: Optional[str] = None
    level: int
    number: str
    heading: str
    span: Span = Field(description="the numbered line (number + heading)")
    extent: Span = Field(description="the whole section, up to the next section of the same or a higher level")


class Table(_Model):
    id: str
    section_id: Optional[str] = None
    span: Span
    rows: list[list[str]]
    caption: Optional[str] = None

    def located_rows(self):
        """(row index, offset of the row's line in the text, cells, shift) per row; the text holds each
        row as its cells joined by " | ".  A row shorter than the first (header) row lost its leading
        merged cells, so its cell k stands in header column k + shift."""
        width = len(self.rows[0]) if self.rows else 0
        start = self.span[0]
        for r, cells in enumerate(self.rows):
            yield r, start, cells, max(0, width - len(cells))
            start += len(" | ".join(cells)) + 1

    @staticmethod
    def cell_starts(row_start: int, cells: list[str]):
        """(offset, cell) for the cells of a row whose line starts at row_start."""
        for cell in cells:
            yield row_start, cell
            row_start += len(cell) + 3


class Clause(_Model):
    id: str
    section_id: Optional[str] = None
    text: str
    span: Span
    kind: ClauseKind = "other"
    cue: Optional[str] = None
    actors: list[str] = []
    deadline: Optional[str] = None
    confidence: Optional[float] = None


class Responsibility(_Model):
    unit: str
    surface: Optional[str] = Field(None, description="the unit as written, when canonicalised")
    role: Role
    section_id: Optional[str] = None
    clause_ids: list[str] = []
    span: Span


class Baseline(_Model):
    value: Optional[float] = None
    year: Optional[int] = None


class Target(_Model):
    clause_id: Optional[str] = None
    indicator: Optional[str] = None
    comparator: Comparator
    value: float
    value_max: Optional[float] = None
    unit: Optional[str] = None
    deadline: Optional[str] = None
    baseline: Optional[Baseline] = None
    binding: Optional[Literal["约束性", "预期性"]] = None
    recurrence: Optional[str] = None
    text: str
    span: Span


class TimeExpression(_Model):
    text: str
    span: Span
    kind: TimeKind
    start: Optional[str] = None
    end: Optional[str] = None
    recurrence: Optional[str] = None


class Citation(_Model):
    title: str
    doc_number: Optional[str] = None
    alias: Optional[str] = None
    span: Span
    resolved_doc_id: Optional[str] = None


class Document(_Model):
    schema_: str = Field(SCHEMA_ID, alias="schema")
    doc_id: str
    source: str
    format: Literal["txt", "html", "pdf", "docx", "doc", "wps", "rtf", "csv", "xlsx", "jsonl", "parquet"]
    metadata: Metadata = Metadata()
    quality: Quality = Quality()
    text: str
    offset_map: list[tuple[int, int]] = Field(
        [], description="anchors (text offset, source offset): each text offset between two anchors maps "
                        "linearly back into the loader's source text")
    sections: list[Section] = []
    tables: list[Table] = []
    clauses: list[Clause] = []
    responsibilities: list[Responsibility] = []
    targets: list[Target] = []
    time_expressions: list[TimeExpression] = []
    citations: list[Citation] = []

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def record(self) -> dict:
        """The JSON-ready record, field names as in SCHEMA.md."""
        return self.model_dump(by_alias=True, mode="json")

    _ITEM_LISTS = ("sections", "tables", "clauses", "responsibilities", "targets", "time_expressions", "citations")

    def take_record(self, items: dict[str, Sequence[dict]] | None = None) -> dict:
        """``record()`` for a document that is done with: each list of items is dumped and then
        emptied in turn, so the models and their dicts never all exist at once (for a 50 MB text
        that is a few hundred MB).  ``items``: lists already in their record form (a long text's
        parts dumped in worker processes, ``PackedItems``), taken as they are.  The same dict, keys
        in the same order."""
        head = self.model_dump(by_alias=True, mode="json", exclude=set(self._ITEM_LISTS))
        given = items or {}
        dumped = {}
        for name in self._ITEM_LISTS:
            dumped[name] = given[name] if name in given else [x.model_dump(mode="json") for x in getattr(self, name)]
            setattr(self, name, [])
        fields = [f.alias or k for k, f in type(self).model_fields.items()]
        return {k: head[k] if k in head else dumped[k] for k in fields}


class PackedItems(Sequence):
    """A long list of record items (dicts) kept as JSON (UTF-8), a chunk per extracted part: a 50 MB
    text's ~370,000 clauses take a fraction of the memory as bytes that they take as dicts, and the
    writer holds them through storing and indexing.  Iterating parses one chunk at a time, so each
    pass makes fresh dicts (changes to them are not kept).  The chunks are the record's own JSON
    form (``store.sqlite.RECORD_JSON``), so a store writing the record's JSON copies them as they
    are (``json_chunks``) instead of dumping each item again; JSON also parses faster than pickle
    here (pickles are a quarter smaller).  The items must be JSON-ready
    (``model_dump(mode="json")``: they come back equal).  A record holding these goes only to
    readers that take any sequence of items (the SQLite store, the keyword index); ``plain`` turns
    it into lists for the others."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []      # UTF-8: a third smaller than a str here (ASCII keys)
        self._ends: list[int] = []          # items up to the end of each chunk

    def extend(self, items: list[dict]) -> None:
        if items:
            self._chunks.append(_record_json(items).encode("utf-8"))
            self._ends.append(len(self) + len(items))

    def json_chunks(self) -> Iterator[str]:
        """Each chunk's items as JSON in the record's JSON form, without the list's brackets: joined
        with ',' and bracketed they are the JSON of ``list(self)``."""
        for chunk in self._chunks:
            yield chunk[1:-1].decode("utf-8")

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def __iter__(self) -> Iterator[dict]:
        for chunk in self._chunks:
            yield from json.loads(chunk)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(self)[i]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        from bisect import bisect_right
        k = bisect_right(self._ends, i)
        return json.loads(self._chunks[k])[i - (self._ends[k - 1] if k else 0)]


def _record_json(x) -> str:
    from .store.sqlite import RECORD_JSON     # the stored record's JSON form
    return json.dumps(x, **RECORD_JSON)


def plain(record: dict) -> dict:
    """The record with any ``PackedItems`` as plain lists (for a reader that needs lists)."""
    return {k: list(v) if isinstance(v, PackedItems) else v for k, v in record.items()}


@dataclass
class RawTable:
    """A table as the loader saw it: rows of cell strings."""
    rows: list[list[str]]
    caption: Optional[str] = None


@dataclass
class RawDocument:
    """What every loader returns: text with one block per line, plus what the format told us.

    ``text`` is the loader's reading-order text (paragraphs separated by newlines; a table
    is rendered as lines of cells joined by `` | ``).  ``page_metadata`` holds label → value
    pairs the container gave (an HTML metadata table, <meta> tags, YAML front matter).
    """
    source: str
    format: str
    text: str
    page_metadata: dict[str, str] = field(default_factory=dict)
    tables: list[RawTable] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
