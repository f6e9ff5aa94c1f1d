"""The records that leave `ingest/`: the contract for `kg/` and `search_api/`.

Every record is a frozen dataclass. Offsets (`start`, `end`) are character offsets into the
*decoded source text* of the file (after byte decoding, before any normalisation), so a user can
open the file and find the exact span. Extractors work on normalised text and return records with
normalised offsets; `ingest.pipeline` maps them back before anything leaves the package.

JSON: `to_json(record)` gives plain dicts/lists; `extraction_schema()` gives the JSON Schema of
`cchc extract`'s output (derived from these types by pydantic, so it cannot drift).

`Extracted` is what the stages after `ingest` take: one document's `Extraction` with the text it was read from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # only annotations: the readers below import nothing from here, and must not have to
    from ingest.normalize import NormalizedText
    from ingest.tables import Table

Comparator = Literal["=", ">=", ">", "<=", "<"]
"""How a target's value binds: `tối thiểu`/`từ … trở lên`/`ít nhất` are `>=`, `trên` is `>`."""

Relation = Literal[
    "can_cu",  # Căn cứ … (legal basis)
    "thuc_hien",  # Thực hiện / Triển khai / Tổ chức thực hiện … (implements)
    "theo",  # theo / tại / theo quy định tại / theo hướng dẫn của … (refers)
    "sua_doi_bo_sung",  # sửa đổi, bổ sung (amends)
    "thay_the",  # thay thế (replaces)
    "bai_bo",  # bãi bỏ (repeals)
    "huong_dan",  # hướng dẫn / quy định chi tiết (guides)
    "de_nghi",  # Theo đề nghị của … tại Tờ trình … (proposal)
    "cites",  # no cue: plain mention
]

Family = Literal["normative", "administrative", "party", "law_by_name"]

DeadlineKind = Literal[
    "by_date",  # done by the end of a date/month/quarter/year
    "window",  # within a stated period (Quý II, III năm 2023)
    "recurring",  # thường xuyên, hàng quý, định kỳ …
    "event",  # after something happens (Sau khi có kết quả công bố), or when it happens (khi … ban hành)
    "relative",  # within a stated time of an event (trong thời hạn 10 ngày làm việc kể từ ngày nhận …)
    "per_plan",  # follows another plan's timetable (Theo KH đào tạo …)
    "multi",  # several deadlines in one cell
    "unspecified",  # text present but not interpretable
]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paged file (PDF, image): its span of the decoded text and how it was read."""

    number: int  # from 1
    start: int
    end: int
    ocr: bool = False  # read by OCR: the page had no text layer
    confidence: float | None = None  # OCR pages: Tesseract's mean word confidence, 0-1


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """The document's own header facts, as printed (blank fields of drafts stay None)."""

    source: str
    sha256: str
    kind: str | None = None  # "Kế hoạch", "Công văn", "Quyết định" …
    number: str | None = None  # "218/KH-UBND"; None when the sequence number is blank
    notation_template: str | None = None  # "/KH-VPUBND" for unnumbered drafts
    cid: str | None = None  # canonical id of the document itself when numbered (set by the pipeline)
    issuer: str | None = None  # "Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng"
    province: str | None = None  # "Sóc Trăng"
    district: str | None = None  # "thị xã Ngã Năm"
    scope: str = "vn._"  # CID scope: "vn.soc-trang", "vn.soc-trang.tx-nga-nam"; "vn._" unknown
    place: str | None = None  # place in the place-date line
    date: str | None = None  # ISO date or partial ("2024-01", "2022")
    date_text: str | None = None
    year_covered: int | None = None  # the plan's year ("năm 2024")
    title: str | None = None  # trích yếu
    signer: str | None = None
    signer_title: str | None = None
    signing_mode: str | None = None  # "TM.", "KT.", "TL.", "TUQ.", "Q."
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A node of the section tree (I/II…, 1./1.1., a)/b)/đ))."""

    path: str  # "II.1.a"
    heading: str
    level: int
    area: str | None  # reform-area slug (see ingest.areas.REFORM_AREAS)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Citation:
    """One mention of another document, as written, with what a reader needs to resolve it."""

    text: str  # the mention, whitespace collapsed ("Nghị định số 107/2020/NĐ-CP ngày 14/9/2020")
    start: int
    end: int
    notation: str | None  # canonical display notation (107/2020/NĐ-CP); None for laws by name
    law_name: str | None  # "Luật Cán bộ, công chức" for laws cited by name
    kind: str  # "Nghị định", "Kế hoạch", "Luật" …
    family: Family
    issuer: str | None  # issuer code group ("CP", "UBND", "BNV-CCHC", "TW")
    scope: str  # "vn", "vn.soc-trang", "vn._"
    year: int | None  # issue year (notation, attached date, or in-document coreference)
    date: str | None  # ISO date as cited
    cid: str | None  # canonical id (legal-identifiers §1.6); None only when not computable
    relation: Relation
    cue: str | None  # the cue words as written ("Căn cứ", "sửa đổi, bổ sung một số điều của")
    nested_in: int | None = None  # index of the citation whose subject contains this one
    section: str | None = None  # section path where it occurs
    flags: tuple[str, ...] = ()
    ocr: bool = False  # the span lies on a page read by OCR: check it against the image


@dataclass(frozen=True, slots=True)
class UnitMention:
    start: int
    end: int
    text: str
    ocr: bool = False  # on a page read by OCR


@dataclass(frozen=True, slots=True)
class Unit:
    """An organisation scoped to its province/district, or a generic group kept as a group."""

    id: str  # "vn.vinh-long/so-noi-vu"; groups: "group/vn.vinh-long/cac-co-quan-don-vi-co-lien-quan"
    name: str  # canonical name without the place ("Sở Nội vụ")
    scope: str  # "vn", "vn.vinh-long", "vn.soc-trang.tx-nga-nam"
    is_group: bool
    kind: str | None  # org kind or group kind ("so", "ubnd", "related-units" …)
    parent: str | None = None  # id of the body it is a unit of (Phòng … of Văn phòng UBND)
    variants: tuple[str, ...] = ()
    mentions: tuple[UnitMention, ...] = ()


@dataclass(frozen=True, slots=True)
class AgentRef:
    """A unit or group as named in a task cell, resolved to a `Unit.id`."""

    id: str
    name: str
    is_group: bool
    text: str  # as written


@dataclass(frozen=True, slots=True)
class Deadline:
    text: str
    kind: DeadlineKind
    start: str | None = None  # ISO date: beginning of the period, when known
    end: str | None = None  # ISO date: the last day by which it is due
    recurrence: str | None = None  # "thuong-xuyen", "hang-quy", "hang-nam", "dinh-ky" …
    duration: str | None = None  # a relative deadline's length, ISO 8601 ("P10D")
    business_days: bool = False  # counted in working days (ngày làm việc), not calendar days
    after: str | None = None  # the event it counts from, as written ("ngày nhận Kế hoạch này")


@dataclass(frozen=True, slots=True)
class Task:
    """An assignment: appendix table row or prose duty."""

    id: str  # "T01"… within the document
    text: str
    origin: Literal["table", "prose"]
    area: str | None  # reform-area slug
    number: str | None  # row/item number as printed ("1.4", "a)")
    lead: tuple[AgentRef, ...]
    cooperate: tuple[AgentRef, ...]
    products: tuple[str, ...]
    deadline: Deadline | None
    start: int
    end: int
    section: str | None = None
    citations: tuple[int, ...] = ()  # indexes into Extraction.citations inside this task
    ocr: bool = False  # on a page read by OCR


@dataclass(frozen=True, slots=True)
class Target:
    """A quantitative target (`tối thiểu 80% …`)."""

    text: str  # the sentence or clause
    metric: str  # what is measured (the clause without the number)
    comparator: Comparator
    value: float
    unit: str  # "%", "bài viết", "lần lương cơ sở/người/tháng" …
    area: str | None
    start: int
    end: int
    task: str | None = None  # Task.id when the target sits in a task row
    change: Literal["reduce", "increase"] | None = None  # "cắt giảm 30% thời gian …" reduces the metric by the value
    ocr: bool = False  # on a page read by OCR


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something a careful reader would flag; never silently merged."""

    kind: str  # date_conflict, date_year_mismatch, future_citation, suspected_typo, …
    severity: Literal["low", "medium", "high"]
    detail: str
    citations: tuple[int, ...] = ()  # indexes into Extraction.citations
    probable: str | None = None  # probable intended notation/CID for suspected errors


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one file."""

    source: str
    document: DocumentMeta
    sections: tuple[Section, ...] = ()
    citations: tuple[Citation, ...] = ()
    units: tuple[Unit, ...] = ()
    tasks: tuple[Task, ...] = ()
    targets: tuple[Target, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()
    extractor_version: str = field(default="")
    pages: tuple[Page, ...] = ()  # paged files: where each page's text is, and which were OCR'd
    ocr_confidence: float | None = None  # when pages were OCR'd: their mean confidence (by characters)


@dataclass(frozen=True, slots=True)
class Extracted:
    """One document through `ingest`: its records, and the text they were read from.

    The graph, chunking and the index all take these, so a file is read once and extracted once. `text` is the
    decoded source text (record offsets point into it); `normalized` and `tables` are the extractors' own reading
    of it, kept so chunking does not normalise and parse the tables again. Not part of `cchc extract`'s JSON.
    """

    extraction: Extraction
    text: str
    normalized: NormalizedText
    tables: tuple[Table, ...]

    @property
    def source(self) -> str:
        return self.extraction.source


def to_json(record: Any) -> Any:
    """Plain JSON-ready data (tuples become lists) for any record or list of records."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_json(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_json(item) for item in record]
    return record


def extraction_schema() -> dict[str, Any]:
    """JSON Schema of `cchc extract --format json` (a list of Extraction objects)."""
    from pydantic import TypeAdapter

    schema: dict[str, Any] = TypeAdapter(list[Extraction]).json_schema()
    schema["title"] = "cchc extract output"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
