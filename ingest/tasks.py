"""Assignments → `Task` records: appendix table rows (origin "table") and prose duties (origin "prose").

Table tasks are the rows `ingest.tables` marks as tasks; prose duties are the assignments `ingest.assignments`
reads from the outline of the paragraphs. This module gives both their reform area, section, citations, parsed
deadline and products. Ids run T01, T02 … over table tasks in table order, then prose duties in document order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.assignments import Assignment, prose_assignments
from ingest.deadlines import parse_deadline
from ingest.records import Citation, Section, Task
from ingest.tables import Row, Table
from ingest.unit_phrases import Resolver
from ingest.vntext import collapse

# --- products -----------------------------------------------------------------------------------------------

_BULLET = re.compile(r"(?:^|\s)[-+•]\s+")
_UPPER_START = re.compile(r"[A-ZĐÀ-Ỹ]")


def split_products(text: str) -> tuple[str, ...]:
    """Split a product cell: "- Kế hoạch - Báo cáo" → ("Kế hoạch", "Báo cáo"); ";"/","-lists of capitalised items.

    "Quyết định/Báo cáo" and "Báo cáo, kết quả thanh tra, kiểm tra" stay whole: a slash pair names one product
    in two forms, and a comma before a lower-case word continues the same noun phrase.
    """
    text = collapse(text)
    if not text:
        return ()
    if _BULLET.match(text):
        parts = _BULLET.split(text)
    elif ";" in text:
        parts = text.split(";")
    else:
        parts = text.split(",")
        if not all(_UPPER_START.match(p.strip()) for p in parts):
            parts = [text]
    return tuple(p for p in (x.strip(" ;,.") for x in parts) if p)


# --- shared helpers -----------------------------------------------------------------------------------------

_PLAN_YEAR = re.compile(r"(?:cải cách hành chính|CCHC)[^\n.;]{0,60}?năm\s+((?:19|20)\d\d)\b", re.IGNORECASE)


def plan_year(text: str) -> int | None:
    """The year the plan covers, from the first "cải cách hành chính … năm YYYY" (title or opening lines)."""
    head = text[:5000]
    low = head.lower()  # the case-insensitive search is slow: first the cue in lower case ("ı", "İ" also match "i")
    if not any(cue in low for cue in ("cải cách hành chính", "cchc", "ı", "\u0307")):
        return None
    m = _PLAN_YEAR.search(head)
    return int(m.group(1)) if m else None


@dataclass(frozen=True, slots=True)
class _When:
    """What a deadline needs from its document: the plan's year and the date it was signed."""

    year: int | None
    issued: str | None


@dataclass(frozen=True, slots=True)
class _Context:
    """Sections and citations indexed once per document, for area/section/citation look-ups by offset."""

    sections: tuple[Section, ...]
    cite_starts: tuple[int, ...]
    cite_order: tuple[int, ...]
    citations: tuple[Citation, ...]

    @classmethod
    def of(cls, sections: Sequence[Section], citations: Sequence[Citation]) -> _Context:
        order = sorted(range(len(citations)), key=lambda i: citations[i].start)
        return cls(
            sections=tuple(sorted(sections, key=lambda s: (s.start, s.level))),
            cite_starts=tuple(citations[i].start for i in order),
            cite_order=tuple(order),
            citations=tuple(citations),
        )

    def enclosing(self, pos: int) -> list[Section]:
        return [s for s in self.sections if s.start <= pos < s.end]

    def section_path(self, pos: int) -> str | None:
        chain = self.enclosing(pos)
        return max(chain, key=lambda s: s.level).path if chain else None

    def area(self, pos: int) -> str | None:
        chain = sorted(self.enclosing(pos), key=lambda s: s.level, reverse=True)
        return next((s.area for s in chain if s.area), None)

    def cites(self, start: int, end: int) -> tuple[int, ...]:
        lo = bisect.bisect_left(self.cite_starts, start)
        hi = bisect.bisect_left(self.cite_starts, end)
        found = (self.cite_order[k] for k in range(lo, hi))
        return tuple(sorted(i for i in found if self.citations[i].end <= end))


def extract_tasks(
    text: str,
    *,
    tables: Sequence[Table],
    sections: Sequence[Section],
    resolver: Resolver,
    citations: Sequence[Citation],
    year: int | None = None,
    issued: str | None = None,
) -> tuple[Task, ...]:
    """Table tasks (in table order), then prose duties (in document order), numbered T01, T02 …

    `year` is the plan's year (for "Quý I" with no year), `issued` the document's date (for "… kể từ ngày ký").
    """
    ctx = _Context.of(sections, citations)
    year = year if year is not None else plan_year(text)
    when = _When(year, issued)
    drafts: list[Task] = []
    for table in tables:
        if table.assigns_tasks:
            drafts.extend(_table_task(row, ctx, resolver, when) for row in table.rows if row.kind == "task")
    covered = [(t.start, t.end) for t in tables]
    drafts.extend(_prose_task(a, text, ctx, when) for a in prose_assignments(text, covered, resolver))
    return tuple(_with_id(t, i) for i, t in enumerate(drafts, 1))


def _with_id(task: Task, n: int) -> Task:
    return Task(
        f"T{n:02d}", task.text, task.origin, task.area, task.number, task.lead, task.cooperate, task.products,
        task.deadline, task.start, task.end, task.section, task.citations,
    )  # fmt: skip


def _table_task(row: Row, ctx: _Context, resolver: Resolver, when: _When) -> Task:
    deadline = parse_deadline(row.deadline.text, year=when.year, issued=when.issued) if row.deadline else None
    return Task(
        id="",
        text=row.task.text if row.task else "",
        origin="table",
        area=row.area or ctx.area(row.start),
        number=row.number,
        lead=resolver.resolve(row.lead.text) if row.lead else (),
        cooperate=resolver.resolve(row.cooperate.text) if row.cooperate else (),
        products=split_products(row.product.text) if row.product else (),
        deadline=deadline,
        start=row.start,
        end=row.end,
        section=ctx.section_path(row.start),
        citations=ctx.cites(row.start, row.end),
    )


def _prose_task(a: Assignment, text: str, ctx: _Context, when: _When) -> Task:
    return Task(
        id="",
        text=collapse(text[a.start : a.end]),
        origin="prose",
        area=ctx.area(a.start),
        number=a.number,
        lead=a.lead,
        cooperate=a.cooperate,
        products=(),
        deadline=parse_deadline(a.deadline, year=when.year, issued=when.issued) if a.deadline else None,
        start=a.start,
        end=a.end,
        section=ctx.section_path(a.start),
        citations=ctx.cites(a.start, a.end),
    )
