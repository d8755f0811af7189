"""The document record (SCHEMA.md, ``zhengce.document/1``) as typed models.

One ``Document`` flows through every stage: a loader fills ``RawDocument``;
``normalise`` turns it into text plus an offset map; ``structure`` fills
metadata, sections and tables; each extractor adds its items.  Every
extracted item carries ``span = (start, end)``, offsets into ``Document.text``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

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

    def take_record(self) -> dict:
        """``record()`` for a document that is done with: each list of items is dumped and then
        emptied in turn, so the models and their dicts never all exist at once (for a 50 MB text
        that is a few hundred MB).  The same dict, keys in the same order."""
        head = self.model_dump(by_alias=True, mode="json", exclude=set(self._ITEM_LISTS))
        items = {}
        for name in self._ITEM_LISTS:
            items[name] = [x.model_dump(mode="json") for x in getattr(self, name)]
            setattr(self, name, [])
        fields = [f.alias or k for k, f in type(self).model_fields.items()]
        return {k: head[k] if k in head else items[k] for k in fields}


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
