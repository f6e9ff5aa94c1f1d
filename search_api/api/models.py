"""Response models: the API's contract, with Vietnamese examples for the OpenAPI document.

One module past the usual ~400 lines on purpose: like `ingest/records.py` for extraction, the contract reads in
one place, and the pieces several resources share (the document summary and its example, citations, tasks)
are written once. It holds declarations only, no logic.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


def _example(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


_DOC_ID = "_local/966d4f3e1f32a488"
_DOC_IRI = "https://w3id.org/vn-cchc/doc/_local/966d4f3e1f32a488"
_TITLE = "Ban hành Kế hoạch cải cách hành chính năm 2023 trên địa bàn tỉnh Vĩnh Long"


class Health(BaseModel):
    model_config = _example({"status": "ok"})
    status: Literal["ok"] = "ok"


# --- documents -------------------------------------------------------------------------------------


_DOC_EXAMPLE = {
    "id": _DOC_ID,
    "iri": _DOC_IRI,
    "source": "ingest/samples/004_bf7d911f24922af4.txt",
    "kind": "quyet-dinh",
    "title": _TITLE,
    "date": "2022-12",
    "scope": "vn.vinh-long",
}


class DocumentSummary(BaseModel):
    model_config = _example({**_DOC_EXAMPLE, "issuer": "Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long"})
    id: str = Field(description="Id in URLs: the path under …/doc/ (a canonical id, or _local/<hash> for drafts).")
    iri: str
    source: str = Field(description="The file as ingested.")
    kind: str | None = Field(default=None, description="Document kind slug: ke-hoach, cong-van, quyet-dinh …")
    title: str | None = None
    date: str | None = Field(default=None, description="ISO date, or partial (2022-12) when the day is blank.")
    scope: str | None = Field(default=None, description="Place code: vn.vinh-long, vn.soc-trang.tx-nga-nam …")
    issuer: str | None = None


class DocumentPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[DocumentSummary]


class DocumentFacts(DocumentSummary):
    year: int | None = Field(default=None, description="The year a plan covers.")
    signer: str | None = None
    signer_title: str | None = None
    signing_mode: str | None = Field(default=None, description="TM., KT., TL. …")


SpanKind = Literal["citation", "unit", "task", "target"]


class Span(BaseModel):
    kind: SpanKind
    start: int = Field(description="Offset into `text` (source offsets: the decoded file text).")
    end: int
    label: str = Field(description="What the span is: the citation as written, the unit's name, the task text …")
    ref: str | None = Field(default=None, description="IRI of the record (citation, unit, task, target).")


class Citation(BaseModel):
    """One citation in a document: what it cites, how (cue, relation) and what looks wrong (flags)."""

    citation: str | None = Field(default=None, description="IRI of the citation record.")
    work: str = Field(description="IRI of the cited work.")
    work_id: str | None = Field(default=None, description="The cited work's id, for /works/{id}/cited-by.")
    notation: str | None = None
    text: str = Field(description="The mention as written.")
    relation: str = Field(description="can_cu, thuc_hien, sua_doi_bo_sung, thay_the, bai_bo, huong_dan, … or mention.")
    cue: str | None = Field(default=None, description="The cue words as written (Căn cứ, theo quy định tại …).")
    date: str | None = Field(default=None, description="The date the citation gives the work.")
    start: int
    end: int
    nested: bool | None = None
    flags: list[str] = Field(default_factory=list)


class DocumentRef(BaseModel):
    id: str | None = None
    iri: str
    title: str | None = None


class CitingDocument(BaseModel):
    source: str
    document: DocumentRef
    citations: list[Citation]


class DocumentDetail(BaseModel):
    model_config = _example(
        {
            "document": _DOC_EXAMPLE,
            "text": "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG …",
            "text_available": True,
            "spans": [
                {
                    "kind": "citation",
                    "start": 312,
                    "end": 356,
                    "label": "Nghị định số 107/2020/NĐ-CP ngày 14/9/2020",
                    "ref": "https://w3id.org/vn-cchc/cit/966d4f3e1f32/312-356",
                }
            ],
            "cites": [],
            "cited_by": [],
        }
    )
    document: DocumentFacts
    text: str | None = Field(default=None, description="The decoded source text the span offsets refer to.")
    text_available: bool = Field(description="False when the file is no longer readable where it was ingested.")
    spans: list[Span]
    cites: list[Citation]
    cited_by: list[CitingDocument]


class UploadResult(BaseModel):
    model_config = _example(
        {
            "change": "new",
            "source": "cchc-data/uploads/254e954c69b7d655/ke-hoach-cchc-2024.txt",
            "document": {
                "id": "_local/254e954c69b7d655",
                "iri": "https://w3id.org/vn-cchc/doc/_local/254e954c69b7d655",
                "source": "cchc-data/uploads/254e954c69b7d655/ke-hoach-cchc-2024.txt",
                "kind": "ke-hoach",
                "title": "Thực hiện cải cách hành chính năm 2024",
            },
            "triples": 8054,
            "indexed": True,
        }
    )
    change: Literal["new", "updated", "unchanged"]
    source: str
    document: DocumentSummary | None = None
    triples: int | None = Field(
        default=None, description="Triples the upload wrote: its document's graph (None when unchanged)."
    )
    indexed: bool = Field(description="Whether the search index was updated with the document.")


# --- works, units, tasks ---------------------------------------------------------------------------


class WorkRef(BaseModel):
    id: str
    iri: str


class CitedBy(BaseModel):
    model_config = _example(
        {
            "query": "NĐ 107/2020",
            "works": [
                {
                    "id": "vn/nghi-dinh/107_2020_ndd-cp",
                    "iri": "https://w3id.org/vn-cchc/doc/vn/nghi-dinh/107_2020_ndd-cp",
                }
            ],
            "documents": [
                {
                    "source": "ingest/samples/002_d0cae71e4e4777ba.txt",
                    "document": {
                        "id": "_local/1a3a770d9a8d627a",
                        "iri": "https://w3id.org/vn-cchc/doc/_local/1a3a770d9a8d627a",
                        "title": "Cải cách hành chính năm 2022",
                    },
                    "citations": [
                        {
                            "work": "https://w3id.org/vn-cchc/doc/vn/nghi-dinh/107_2020_ndd-cp",
                            "text": "Nghị định số 107/2020/NĐ-CP ngày 14/9/2020",
                            "relation": "thuc_hien",
                            "cue": "Tổ chức thực hiện",
                            "date": "2020-09-14",
                            "start": 8157,
                            "end": 8199,
                            "flags": [],
                        }
                    ],
                }
            ],
        }
    )
    query: str
    works: list[WorkRef] = Field(description="The works the (possibly loose) id names.")
    documents: list[CitingDocument]


UnitMatch = Literal["exact", "partial", "all"]


class UnitSummary(BaseModel):
    model_config = _example(
        {
            "id": "vn.vinh-long/so-noi-vu",
            "iri": "https://w3id.org/vn-cchc/org/vn.vinh-long/so-noi-vu",
            "name": "Sở Nội vụ",
            "scope": "vn.vinh-long",
            "group": False,
            "match": "exact",
        }
    )
    id: str = Field(description="Unit id in URLs: vn.vinh-long/so-noi-vu, group/vn.vinh-long/….")
    iri: str
    name: str
    scope: str | None = None
    group: bool = Field(description="A generic group (các sở, ban, ngành …) rather than one body.")
    match: UnitMatch = Field(description="How the name matched `q`.")


class UnitList(BaseModel):
    items: list[UnitSummary]


class UnitTask(BaseModel):
    task: str
    role: Literal["lead", "cooperate"]
    text: str
    document: str
    document_id: str | None = None
    title: str | None = None
    area: str | None = None
    number: str | None = None
    deadline: str | None = None
    deadline_end: str | None = None
    products: list[str] = Field(default_factory=list)


class Partner(BaseModel):
    id: str
    iri: str
    name: str | None = None
    shared_tasks: int


class UnitDetail(BaseModel):
    model_config = _example(
        {
            "id": "vn.vinh-long/so-noi-vu",
            "iri": "https://w3id.org/vn-cchc/org/vn.vinh-long/so-noi-vu",
            "name": "Sở Nội vụ",
            "names": ["Sở Nội vụ"],
            "scope": "vn.vinh-long",
            "group": False,
            "sources": ["ingest/samples/004_bf7d911f24922af4.txt"],
            "lead": [
                {
                    "task": "https://w3id.org/vn-cchc/task/966d4f3e1f32/T01",
                    "role": "lead",
                    "text": "Xây dựng Quyết định ban hành Kế hoạch CCHC của tỉnh năm 2023.",
                    "document": _DOC_IRI,
                    "area": "chi-dao-dieu-hanh",
                    "deadline": "Quý IV năm 2022",
                    "deadline_end": "2022-12-31",
                    "products": ["Quyết định được ban hành"],
                }
            ],
            "cooperate": [],
            "partners": [
                {
                    "id": "vn.vinh-long/van-phong-ubnd-tinh",
                    "iri": "https://w3id.org/vn-cchc/org/vn.vinh-long/van-phong-ubnd-tinh",
                    "name": "Văn phòng UBND tỉnh",
                    "shared_tasks": 2,
                }
            ],
        }
    )
    id: str
    iri: str
    name: str
    names: list[str]
    scope: str | None = None
    group: bool
    sources: list[str] = Field(description="The files naming this unit.")
    lead: list[UnitTask]
    cooperate: list[UnitTask]
    partners: list[Partner]


class Agent(BaseModel):
    id: str
    iri: str
    name: str
    group: bool


class Deadline(BaseModel):
    text: str
    kind: str | None = None
    end: str | None = Field(default=None, description="ISO date by which it is due, when known.")


class Task(BaseModel):
    model_config = _example(
        {
            "id": "task/966d4f3e1f32/T01",
            "iri": "https://w3id.org/vn-cchc/task/966d4f3e1f32/T01",
            "document": _DOC_IRI,
            "document_id": _DOC_ID,
            "source": "ingest/samples/004_bf7d911f24922af4.txt",
            "scope": "vn.vinh-long",
            "origin": "table",
            "number": "1",
            "text": "Xây dựng Quyết định ban hành Kế hoạch CCHC của tỉnh năm 2023.",
            "area": "chi-dao-dieu-hanh",
            "products": ["Quyết định được ban hành"],
            "lead": [
                {
                    "id": "vn.vinh-long/so-noi-vu",
                    "iri": "https://w3id.org/vn-cchc/org/vn.vinh-long/so-noi-vu",
                    "name": "Sở Nội vụ",
                    "group": False,
                }
            ],
            "cooperate": [],
            "deadline": {"text": "Quý IV năm 2022", "kind": "quarter", "end": "2022-12-31"},
        }
    )
    id: str
    iri: str
    document: str
    document_id: str | None = None
    source: str
    scope: str | None = None
    origin: str
    number: str | None = None
    text: str
    area: str | None = None
    products: list[str]
    lead: list[Agent]
    cooperate: list[Agent]
    deadline: Deadline | None = None


class TaskPage(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[Task]


# --- deadlines ------------------------------------------------------------------------------------


class CalendarAgent(BaseModel):
    id: str = Field(description="Unit id (vn.soc-trang/so-noi-vu) or group id.")
    name: str


class CalendarDeadline(BaseModel):
    text: str = Field(description="As written in the plan.")
    kind: str = Field(description="by_date, window, recurring, event, relative, per_plan, multi, unspecified.")
    start: str | None = None
    end: str | None = None
    recurrence: str | None = Field(default=None, description="hang-thang, hang-quy, hang-nam, thuong-xuyen …")
    after: str | None = Field(default=None, description="A relative deadline's event, as written.")


class CalendarTask(BaseModel):
    id: str = Field(description="The task's IRI.")
    document: str = Field(description="IRI of its plan.")
    document_id: str
    title: str | None = None
    source: str
    scope: str | None = None
    number: str | None = None
    text: str
    area: str | None = None
    start: int = Field(description="Offset of the task in its source text.")
    end: int
    lead: list[CalendarAgent]
    cooperate: list[CalendarAgent]
    deadline: CalendarDeadline


class DueTask(BaseModel):
    due: str = Field(description="The day it falls due (ISO).")
    opens: str | None = Field(default=None, description="First day of the period it closes, when known.")
    recurrence: str | None = Field(default=None, description="Set on each occurrence of a recurring deadline.")
    overdue: bool = Field(description="Due before `as_of`.")
    task: CalendarTask


class OngoingTask(BaseModel):
    start: str
    end: str
    task: CalendarTask


class VagueTask(BaseModel):
    reason: str = Field(description="Why no day is given: after an event, another plan's timetable …")
    task: CalendarTask


class DeadlineCalendar(BaseModel):
    model_config = _example(
        {
            "start": "2024-01-01", "end": "2024-03-31", "as_of": None, "overdue": 0, "ongoing": [], "vague": [],
            "due": [{"due": "2024-03-31", "opens": "2024-01-01", "recurrence": None, "overdue": False, "task": {
                "id": "https://w3id.org/vn-cchc/task/254e954c69b7/T21", "document": _DOC_IRI, "document_id": _DOC_ID,
                "source": "ingest/samples/000_c4c1da0f57cfd92b.txt", "scope": "vn.soc-trang", "number": "3",
                "text": "Phối hợp với cơ quan có liên quan tham mưu, trình công bố danh mục thành phần hồ sơ TTHC",
                "area": "chinh-quyen-so", "start": 14389, "end": 14595,
                "lead": [{"id": "vn.soc-trang/trung-tam-phuc-vu-hanh-chinh-cong-tinh",
                          "name": "Trung tâm Phục vụ hành chính công tỉnh"}],
                "cooperate": [], "deadline": {"text": "Quý I/2024", "kind": "by_date", "start": "2024-01-01",
                                              "end": "2024-03-31"}}}],
        }
    )  # fmt: skip
    start: str | None = Field(default=None, description="The window; unbounded when absent.")
    end: str | None = None
    as_of: str | None = None
    due: list[DueTask] = Field(description="Due days in the window, recurring deadlines expanded, by day.")
    overdue: int = Field(description="How many of `due` are overdue.")
    ongoing: list[OngoingTask] = Field(description="Continuous work (thường xuyên) over the window.")
    vague: list[VagueTask] = Field(description="Deadlines that name no day: listed, never guessed.")


# --- task alignment -------------------------------------------------------------------------------


class AlignedTask(BaseModel):
    id: str = Field(description="The task's IRI.")
    number: str | None = None
    text: str
    area: str | None = None
    lead: list[str]
    cooperate: list[str]
    deadline: str | None = Field(default=None, description="As written.")


class TaskPair(BaseModel):
    status: Literal["matched", "changed"] = Field(description="changed: same task, other lead or deadline.")
    score: float
    semantic: float = Field(description="e5 similarity, rescaled to 0-1.")
    lexical: float = Field(description="Shared syllables and syllable pairs (Dice), 0-1.")
    changes: list[Literal["lead", "deadline"]]
    a: AlignedTask
    b: AlignedTask


class AlignmentCounts(BaseModel):
    matched: int
    changed: int
    only_a: int
    only_b: int


_ALIGNED = {
    "id": "https://w3id.org/vn-cchc/task/254e954c69b7/T07", "number": "1.", "area": "tthc",
    "text": "Xây dựng, trình ban hành và triển khai thực hiện Kế hoạch kiểm soát TTHC tại Văn phòng UBND tỉnh.",
    "lead": ["Trung tâm Phục vụ hành chính công tỉnh"], "cooperate": [], "deadline": "Quý I/2024",
}  # fmt: skip


class TaskAlignment(BaseModel):
    model_config = _example(
        {
            "a": _DOC_EXAMPLE, "b": {**_DOC_EXAMPLE, "id": "_local/254e954c69b7aaaa", "scope": "vn.soc-trang"},
            "pairs": [{"status": "changed", "score": 0.71, "semantic": 0.8, "lexical": 0.52, "changes": ["deadline"],
                       "a": _ALIGNED, "b": {**_ALIGNED, "deadline": "Quý I/2023"}}],
            "only_a": [], "only_b": [], "counts": {"matched": 0, "changed": 1, "only_a": 0, "only_b": 0},
            "threshold": 0.35,
        }
    )  # fmt: skip
    a: DocumentSummary
    b: DocumentSummary
    pairs: list[TaskPair]
    only_a: list[AlignedTask] = Field(description="Tasks of `a` with no counterpart in `b`.")
    only_b: list[AlignedTask]
    counts: AlignmentCounts
    threshold: float = Field(description="Pairs scoring under this are left unmatched.")


# --- compare, anomalies, graph ---------------------------------------------------------------------


class PlanTarget(BaseModel):
    area: str | None = None
    metric: str
    comparator: str
    value: float
    unit: str
    text: str


class TaskArea(BaseModel):
    area: str | None = None
    tasks: int
    first_deadline: str | None = None
    last_deadline: str | None = None


class PlanComparison(DocumentSummary):
    targets: list[PlanTarget]
    task_areas: list[TaskArea]
    cites: list[str] = Field(description="Notations of the legal basis the plan cites.")
    cites_only_here: list[str]


class Comparison(BaseModel):
    model_config = _example(
        {
            "plans": [
                {
                    "id": _DOC_ID,
                    "iri": _DOC_IRI,
                    "source": "ingest/samples/004_bf7d911f24922af4.txt",
                    "title": _TITLE,
                    "scope": "vn.vinh-long",
                    "targets": [
                        {
                            "area": "tthc",
                            "metric": "Tỷ lệ hồ sơ giải quyết đúng hạn",
                            "comparator": ">=",
                            "value": 98,
                            "unit": "%",
                            "text": "100% hồ sơ TTHC được giải quyết đúng hạn",
                        }
                    ],
                    "task_areas": [
                        {"area": "tthc", "tasks": 12, "first_deadline": "2023-03-31", "last_deadline": "2023-12-31"}
                    ],
                    "cites": ["107/2020/NĐ-CP"],
                    "cites_only_here": [],
                }
            ],
            "shared_basis": ["107/2020/NĐ-CP"],
        }
    )
    plans: list[PlanComparison]
    shared_basis: list[str] = Field(description="Notations every compared plan cites.")
    places: list[PlaceNow] = Field(
        default_factory=list, description="Each province named: where it stands now (a former one: what it joined)."
    )


class PlaceNow(BaseModel):
    """A province as named, and the province-level unit it is (or is part of) since the 2025 reorganisation."""

    asked: str
    province: str = Field(description="tỉnh Sóc Trăng")
    scope: str = Field(description="vn.soc-trang")
    current: bool = Field(description="Still a province-level unit after 1/7/2025.")
    part_of: str = Field(description="thành phố Cần Thơ (itself when current)")
    part_of_scope: str
    since: str | None = Field(default=None, description="Effective date of the merger (2025-07-01).")
    source: str | None = Field(default=None, description="The act: Nghị quyết số 202/2025/QH15 …")


class UnitInTime(BaseModel):
    """A province's body now, or a body it succeeded (a merged province's), with that body's tasks."""

    id: str
    iri: str
    name: str
    scope: str
    relation: Literal["current", "predecessor"]
    label: str = Field(description="Sở Nội vụ — tỉnh Sóc Trăng (cũ), đến 2025-06-30; nay thuộc thành phố Cần Thơ")
    valid_until: str | None = None
    successor: str | None = Field(default=None, description="Unit id of the body that took over.")
    since: str | None = None
    source: str | None = None
    lead: list[UnitTask]
    cooperate: list[UnitTask]


class UnitHistory(BaseModel):
    place: PlaceNow
    items: list[UnitInTime]


class Anomaly(BaseModel):
    model_config = _example(
        {
            "issue": "https://w3id.org/vn-cchc/issue/1a3a770d9a8d/A01",
            "kind": "suspected_typo",
            "severity": "high",
            "evidence": "73/NQ-CP (2021-07-15) is not a known work; 76/NQ-CP of the same issuer and date is: …",
            "document": "https://w3id.org/vn-cchc/doc/_local/1a3a770d9a8d627a",
            "document_id": "_local/1a3a770d9a8d627a",
            "source": "ingest/samples/002_d0cae71e4e4777ba.txt",
            "citation": "https://w3id.org/vn-cchc/cit/1a3a770d9a8d/92-129",
            "text": "Nghị quyết số 73/NQ-CP ngày 15/7/2021",
            "probable": "vn/nghi-quyet/76_nq-cp/2021",
        }
    )
    issue: str
    kind: str
    severity: str
    evidence: str
    document: str
    document_id: str | None = None
    source: str
    citation: str | None = None
    text: str | None = Field(default=None, description="The citation as written.")
    probable: str | None = Field(default=None, description="The probably intended work (canonical id).")


class AnomalyList(BaseModel):
    items: list[Anomaly]


class CyElement(BaseModel):
    """A Cytoscape.js element: `data.id`; nodes carry label, kind, scope; edges source, target, kind."""

    data: dict[str, Any]


class CyElements(BaseModel):
    nodes: list[CyElement]
    edges: list[CyElement]


class GraphView(BaseModel):
    model_config = _example(
        {
            "center": "org/vn.vinh-long/so-noi-vu",
            "depth": 1,
            "truncated": False,
            "elements": {
                "nodes": [
                    {
                        "data": {
                            "id": "org/vn.vinh-long/so-noi-vu",
                            "label": "Sở Nội vụ",
                            "kind": "unit",
                            "scope": "vn.vinh-long",
                            "province": "vinh-long",
                        }
                    },
                    {
                        "data": {
                            "id": "task/966d4f3e1f32/T01",
                            "label": "Xây dựng Quyết định ban hành Kế hoạch CCHC",
                            "kind": "task",
                            "scope": "vn.vinh-long",
                            "province": "vinh-long",
                        }
                    },
                ],
                "edges": [
                    {
                        "data": {
                            "id": "e0",
                            "source": "org/vn.vinh-long/so-noi-vu",
                            "target": "task/966d4f3e1f32/T01",
                            "kind": "lead",
                        }
                    }
                ],
            },
        }
    )
    center: str | None = Field(description="The node at the centre (its id), or None for the overview.")
    depth: int
    truncated: bool = Field(description="True when nodes were left out to stay under the node limit.")
    elements: CyElements


# --- SPARQL ----------------------------------------------------------------------------------------


class SparqlTerm(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    type: Literal["uri", "literal", "bnode", "triple"]
    value: str
    lang: str | None = Field(default=None, alias="xml:lang", serialization_alias="xml:lang")
    datatype: str | None = None


class SparqlHead(BaseModel):
    vars: list[str] = Field(default_factory=list)


class SparqlBindings(BaseModel):
    bindings: list[dict[str, SparqlTerm]]


class SparqlResults(BaseModel):
    """SPARQL 1.1 Query Results JSON; `truncated` (an extension) says the row limit cut the results."""

    model_config = _example(
        {
            "head": {"vars": ["doc", "title"]},
            "results": {
                "bindings": [
                    {
                        "doc": {"type": "uri", "value": _DOC_IRI},
                        "title": {"type": "literal", "value": _TITLE, "xml:lang": "vi"},
                    }
                ]
            },
            "truncated": False,
        }
    )
    head: SparqlHead
    results: SparqlBindings | None = None
    boolean: bool | None = None
    truncated: bool = False
