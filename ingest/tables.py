"""Appendix tables of normalised text → rows with cells mapped by header meaning.

Normalised text keeps one table row per line with `\\t` between cells. Real tables are messy: columns come in
any order and under different header words, the header repeats after every page break, a row split by a page
break continues on a line whose first cells are empty, area headings appear as group rows, as lines between
table fragments, or as a merged first column whose text lands on any row of its group. This module turns all
that into `Table`s of typed `Row`s; deciding what a task is, and resolving units, is left to `ingest.tasks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from ingest.areas import area_of
from ingest.vntext import fold

Role = Literal["number", "area", "task", "product", "lead", "cooperate", "deadline", "note"]
RowKind = Literal["task", "group", "heading", "other"]
"""task: has a lead unit; group: sets the reform area; heading: numbered sub-area/parent row without data;
other: data row of a table that assigns nothing (allocation tables)."""

# Header words → role, first match wins (so "Thời gian thực hiện" is a deadline, not a lead "… thực hiện").
_HEADER_ROLES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("note", re.compile(r"\bghi chu\b")),
    ("cooperate", re.compile(r"\bphoi hop\b")),
    ("lead", re.compile(r"\bchu tri\b")),
    ("deadline", re.compile(r"\b(?:thoi gian|thoi han|tien do|thoi diem|han hoan thanh|moc thoi gian)\b")),
    ("product", re.compile(r"\b(?:san pham|ket qua)\b")),
    # A procedure's steps are numbered by their order ("Thứ tự công việc" | "Bước 1"), not named by it.
    ("number", re.compile(r"^(?:stt|tt|so tt|so thu tu|thu tu(?: cong viec| buoc| thuc hien)?|buoc|cac buoc)$")),
    ("area", re.compile(r"\b(?:nhiem vu chung|linh vuc|noi dung chung|nhom nhiem vu)\b")),
    # "Tên thủ tục hành chính" names a procedure of a catalogue (danh mục TTHC), not a task; "Tên bước" a step of a
    # procedure, whose work is in its "Nội dung công việc" column
    ("task", re.compile(r"\b(?:nhiem vu|noi dung|cong viec|hoat dong|giai phap|ten(?! (?:thu tuc|tthc|buoc)))\b")),
    ("lead", re.compile(r"\b(?:(?:co quan|don vi) thuc hien|thuc hien|trach nhiem|don vi(?! tinh)|co quan)\b")),
)
_HEADER_CELL_MAX = 60
_TAB_LINE = re.compile(r"^[^\n\t]*\t[^\n]*", re.MULTILINE)
_SEPARATOR = re.compile(r"[-:=_|\s]*")
_NUM_CELL = re.compile(r"(?:(?:Bước|BƯỚC) ?)?(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]?")
# A summary row ("Tổng thời gian giải quyết | … | 07 ngày", "Tổng cộng"): neither a task nor a continuation.
_TOTAL = re.compile(r"(?:tong cong|tong thoi gian|tong so)\b")
_LEAD_NUM = re.compile(r"((?:[IVXLC]+\.|\d+(?:\.\d+)*[.)]?|[a-zđ]\)))\s+")
_ROMAN = re.compile(r"[IVXLC]+[.)]?")
_LETTER = re.compile(r"[a-zđ][.)]?")
# A line between two fragments of one table may be an area heading ("II. CẢI CÁCH THỂ CHẾ").
_GAP_MAX_LINES = 4
_GAP_LINE_MAX = 200


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's text (pieces of a row continued across pages joined by a space) and its span in the text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Row:
    """One logical row; role cells are None where the table lacks the column or the cell is empty."""

    kind: RowKind
    number: str | None  # as printed; empty STT of a merged cell inherits ("1"); sub-items get "2.a)"
    area: str | None  # reform-area slug from group rows / the area column
    start: int
    end: int
    task: Cell | None = None
    product: Cell | None = None
    lead: Cell | None = None
    cooperate: Cell | None = None
    deadline: Cell | None = None
    note: Cell | None = None
    area_text: Cell | None = None
    extra: tuple[Cell, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]  # header cell texts ("" for a table whose header was not found)
    roles: tuple[Role | None, ...]
    rows: tuple[Row, ...]
    start: int
    end: int

    @property
    def assigns_tasks(self) -> bool:
        """Only tables with a task and a lead column assign tasks (allocation, statistics and indicator tables
        such as "Chỉ tiêu | Đơn vị | Cơ quan chủ trì theo dõi" do not)."""
        return "lead" in self.roles and "task" in self.roles


@dataclass(slots=True)
class _Raw:
    """A physical line: cell spans, or a heading line found between two fragments of one table."""

    start: int
    end: int
    cells: list[Cell]
    gap_heading: bool = False


@dataclass(slots=True)
class _Draft:
    start: int
    roles: tuple[Role | None, ...]
    header: tuple[str, ...]
    lines: list[_Raw] = field(default_factory=list)


def parse_tables(text: str) -> tuple[Table, ...]:
    """Every table in normalised text, in document order (task-assigning or not)."""
    if "\t" not in text:  # tables are tab-separated rows
        return ()
    return tuple(_build(draft) for draft in _drafts(text) if draft.lines)


# --- physical lines → table drafts -------------------------------------------------------------------------


def _cells(text: str, start: int, end: int) -> list[Cell]:
    out: list[Cell] = []
    pos = start
    for piece in text[start:end].split("\t"):
        stripped = piece.strip()
        lead = len(piece) - len(piece.lstrip())
        out.append(Cell(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(piece) + 1
    return out


def _header_roles(cells: list[Cell]) -> tuple[Role | None, ...] | None:
    """Roles if this row is a header row (at least three cells named by role words, all short)."""
    filled = [c.text for c in cells if c.text]
    if len(filled) < 2 or any(len(t) > _HEADER_CELL_MAX or _NUM_CELL.fullmatch(t) for t in filled):
        return None
    roles = _roles_of([c.text for c in cells])
    named = sum(r is not None for r in roles)
    return roles if named >= 3 or (named >= 2 and "lead" in roles) else None


def _roles_of(texts: list[str]) -> tuple[Role | None, ...]:
    seen: set[Role] = set()
    roles: list[Role | None] = []
    for text in texts:
        key = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())
        role = next((r for r, rx in _HEADER_ROLES if key and rx.search(key)), None)
        if role in seen:
            role = None
        if role is not None:
            seen.add(role)
        roles.append(role)
    return tuple(roles)


def _sub_header(header: list[Cell], cells: list[Cell]) -> tuple[Role | None, ...] | None:
    """Roles of a two-line header ("Đơn vị thực hiện" over "Chủ trì | Phối hợp"), when `cells` is line two."""
    filled = [c.text for c in cells if c.text]
    if not filled or len(cells) != len(header) or any(len(t) > _HEADER_CELL_MAX for t in filled):
        return None
    if any(_roles_of([t])[0] is None for t in filled):
        return None
    merged = [f"{h.text} {c.text}".strip() if c.text else h.text for h, c in zip(header, cells, strict=True)]
    return _roles_of(merged)


def _gap_lines(text: str, start: int, end: int) -> list[_Raw] | None:
    """Lines between two table fragments, or None when they are too many/long to be page-break debris."""
    lines = [m for m in re.finditer(r"[^\n]+", text[start:end]) if m.group().strip()]
    if len(lines) > _GAP_MAX_LINES or any(len(m.group()) > _GAP_LINE_MAX for m in lines):
        return None
    out = []
    for m in lines:
        cell = _cells(text, start + m.start(), start + m.end())[0]
        if _ROMAN.match(cell.text.split(" ", 1)[0]) or area_of(cell.text):
            out.append(_Raw(cell.start, cell.end, [cell], gap_heading=True))
    return out


def _drafts(text: str) -> Iterator[_Draft]:
    draft: _Draft | None = None
    prev_end = -1
    pending_header: list[Cell] | None = None
    for m in _TAB_LINE.finditer(text):
        cells = _cells(text, m.start(), m.end())
        gap: list[_Raw] | None = [] if prev_end + 1 >= m.start() else _gap_lines(text, prev_end + 1, m.start())
        prev_end = m.end()
        roles = _header_roles(cells)
        if pending_header is not None and draft is not None and not draft.lines:
            sub = _sub_header(pending_header, cells)
            pending_header = None
            if sub is not None:
                draft.roles = sub
                continue
        if roles is not None:
            if draft is not None and gap is not None and roles == draft.roles:
                draft.lines.extend(gap)  # repeated header after a page break
                continue
            if draft is not None:
                yield draft
            draft = _Draft(m.start(), roles, tuple(c.text for c in cells))
            pending_header = cells
            continue
        if _SEPARATOR.fullmatch(m.group()):
            continue
        if draft is None or gap is None or abs(len(cells) - len(draft.roles)) > 1:
            if draft is not None:
                yield draft
            draft = _Draft(m.start(), tuple(None for _ in cells), tuple("" for _ in cells))
        else:
            draft.lines.extend(gap)
        draft.lines.append(_Raw(m.start(), m.end(), cells))
    if draft is not None:
        yield draft


# --- drafts → logical rows ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _RowDraft:
    start: int
    end: int
    number: str | None
    cells: dict[Role, Cell]
    extra: list[Cell]
    gap_heading: bool = False


def _align(raw: _Raw, roles: tuple[Role | None, ...]) -> tuple[dict[Role, Cell], list[Cell]]:
    """Cells by role; short rows lost their leading merged cells, so they are aligned to the right."""
    cells = raw.cells
    width = len(roles)
    numbered = None
    if len(cells) == width + 1 and "number" not in roles and _NUM_CELL.fullmatch(cells[0].text):
        numbered, cells = cells[0], cells[1:]  # a numbering column the header does not name ("Bước 1", "1")
    if len(cells) > width:  # stray trailing tabs or cells: fold the overflow into the last column
        tail = [c for c in cells[width - 1 :] if c.text]
        last = Cell(" ".join(c.text for c in tail), tail[0].start, tail[-1].end) if tail else cells[width - 1]
        cells = [*cells[: width - 1], last]
    offset = width - len(cells)
    by_role: dict[Role, Cell] = {}
    extra: list[Cell] = []
    for i, cell in enumerate(cells):
        if not cell.text:
            continue
        role = roles[i + offset]
        if role is None:
            extra.append(cell)
        else:
            by_role[role] = cell
    if numbered is not None:
        by_role["number"] = numbered
    return by_role, extra


def _split_number(cell: Cell) -> tuple[str | None, Cell | None]:
    """("1.", rest) from "1. Xây dựng …"; a bare number cell gives (number, None)."""
    if _NUM_CELL.fullmatch(cell.text):
        return cell.text, None
    m = _LEAD_NUM.match(cell.text)
    if not m:
        return None, cell
    return m.group(1), Cell(cell.text[m.end() :], cell.start + m.end(), cell.end)


def _row_draft(raw: _Raw, roles: tuple[Role | None, ...]) -> _RowDraft:
    if raw.gap_heading:
        label, heading = _split_number(raw.cells[0])
        return _RowDraft(raw.start, raw.end, label, {"task": heading} if heading else {}, [], gap_heading=True)
    cells, extra = _align(raw, roles)
    number: str | None = None
    if "number" in cells:
        number, rest = _split_number(cells.pop("number"))
        if rest is not None and "task" not in cells:
            cells["task"] = rest
        elif rest is not None:
            extra.insert(0, rest)
    if number is None and "task" in cells:
        number, rest = _split_number(cells["task"])
        if rest is not None:
            cells["task"] = rest
        else:
            del cells["task"]
    return _RowDraft(raw.start, raw.end, number, cells, extra)


def _is_total(cells: Mapping[Role, Cell]) -> bool:
    task = cells.get("task")
    return task is not None and _TOTAL.match(fold(task.text[:20])) is not None


def _continues(row: _RowDraft, prev: _RowDraft | None, roles: tuple[Role | None, ...]) -> bool:
    """A page-break continuation: no number or area, and no lead of its own (or text starting lower-case)."""
    if prev is None or prev.gap_heading or row.number is not None or "area" in row.cells:
        return False
    if _is_total(row.cells):
        return False
    first = next((c.text for c in row.cells.values()), "")
    if first[:1].islower():
        return True
    return "lead" in roles and "lead" not in row.cells and "cooperate" not in row.cells


def _join(prev: _RowDraft, row: _RowDraft) -> None:
    for role, cell in row.cells.items():
        old = prev.cells.get(role)
        prev.cells[role] = Cell(f"{old.text} {cell.text}", old.start, cell.end) if old else cell
    prev.extra.extend(row.extra)
    prev.end = row.end


def _build(draft: _Draft) -> Table:
    rows: list[_RowDraft] = []
    for raw in draft.lines:
        row = _row_draft(raw, draft.roles)
        if not row.cells and row.number is None and not row.extra:
            continue
        if _continues(row, rows[-1] if rows else None, draft.roles):
            _join(rows[-1], row)
        else:
            rows.append(row)
    final = _classify(rows, draft.roles)
    return Table(draft.header, draft.roles, tuple(final), draft.start, draft.lines[-1].end)


def _classify(rows: list[_RowDraft], roles: tuple[Role | None, ...]) -> list[Row]:
    """Kinds, inherited numbers and reform areas (group rows; area column groups restart at item 1)."""
    out: list[Row] = []
    area: str | None = None
    parent: str | None = None
    segment: list[int] = []  # indexes in `out` of the task rows of the current area-column group
    segment_area: Cell | None = None
    assigns = "lead" in roles

    def flush() -> None:
        slug = area_of(segment_area.text) if segment_area else None
        for i in segment:
            out[i] = replace(out[i], area=slug or out[i].area, area_text=segment_area)

    for row in rows:
        cells = row.cells
        has_data = any(r in cells for r in ("lead", "cooperate", "product", "deadline"))
        number = row.number
        label = " ".join(x for x in (number, cells["task"].text if "task" in cells else None) if x)
        if _is_total(cells):
            kind: RowKind = "other"
        elif assigns and "lead" in cells:
            kind = "task"
            prev = out[-1] if out else None
            if number is None and prev is not None and prev.kind == "task":
                number = prev.number
            elif number is not None and _LETTER.fullmatch(number) and parent:
                number = f"{parent.rstrip('.')}.{number}"
        elif not has_data and (row.gap_heading or number is None or _ROMAN.fullmatch(number)):
            kind = "group"
            area = area_of(label) or (None if number and _ROMAN.fullmatch(number) else area)
            parent = None
        elif not has_data:
            kind = "heading"
            parent = number
        else:
            kind = "other"
        area_cell = cells.get("area")
        if kind == "task" and "area" in roles:
            restart = number is not None and number.split(".")[0] == "1" and not _LETTER.fullmatch(number)
            if segment and ((area_cell and segment_area) or restart):
                flush()
                segment, segment_area = [], None
            segment.append(len(out))
            segment_area = segment_area or area_cell
        out.append(
            Row(
                kind=kind,
                number=number,
                area=area,
                start=row.start,
                end=row.end,
                task=cells.get("task"),
                product=cells.get("product"),
                lead=cells.get("lead"),
                cooperate=cells.get("cooperate"),
                deadline=cells.get("deadline"),
                note=cells.get("note"),
                area_text=area_cell,
                extra=tuple(row.extra),
            )
        )
    flush()
    return out
