"""Assignments → `Task` records: appendix table rows (origin "table") and prose duties (origin "prose").

Table tasks are the rows `ingest.tables` marks as tasks. Prose duties follow the spec's cues (legal-identifiers
§3.7): a numbered paragraph that opens with a unit ("2. Sở Nội vụ:", "8. Sở Tài nguyên và Môi trường phải …")
makes that unit the lead of its lettered items (or of its own text / following paragraph); inside such an item
"Chủ trì, phối hợp với Y …" adds Y as cooperating unit and "Phối hợp với X …" makes X the lead and the heading
unit a cooperating one; anywhere, "Giao X chủ trì, phối hợp với Y …" assigns X with Y.
Ids run T01, T02 … over table tasks in table order, then prose duties in document order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ingest.deadlines import parse_deadline
from ingest.records import AgentRef, Citation, Deadline, Section, Task
from ingest.tables import Row, Table
from ingest.vntext import collapse, fold, new_tones


class Resolver(Protocol):
    """What `extract_tasks` needs from `ingest.units.UnitResolver`."""

    def resolve(self, cell_text: str) -> tuple[AgentRef, ...]: ...


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
    m = _PLAN_YEAR.search(text, 0, 5000)
    return int(m.group(1)) if m else None


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
) -> tuple[Task, ...]:
    """Table tasks (in table order), then prose duties (in document order), numbered T01, T02 …"""
    ctx = _Context.of(sections, citations)
    year = year if year is not None else plan_year(text)
    drafts: list[Task] = []
    for table in tables:
        if table.assigns_tasks:
            drafts.extend(_table_task(row, ctx, resolver, year) for row in table.rows if row.kind == "task")
    covered = [(t.start, t.end) for t in tables]
    drafts.extend(_prose_tasks(text, covered, ctx, resolver, year))
    return tuple(_with_id(t, i) for i, t in enumerate(drafts, 1))


def _with_id(task: Task, n: int) -> Task:
    return Task(
        f"T{n:02d}", task.text, task.origin, task.area, task.number, task.lead, task.cooperate, task.products,
        task.deadline, task.start, task.end, task.section, task.citations,
    )  # fmt: skip


def _table_task(row: Row, ctx: _Context, resolver: Resolver, year: int | None) -> Task:
    deadline = parse_deadline(row.deadline.text, year=year) if row.deadline else None
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


# --- prose --------------------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"\s*(?:(?P<roman>[IVXLC]+)\.|(?P<arabic>\d+(?:\.\d+)*)[.)]|(?P<letter>[a-zđ])\)|(?P<bullet>[-+•]))\s+"
)
# Words a unit phrase may open with (posts, "các", then an organisation head noun); checked with diacritics so
# "Bố trí" is not "Bộ", and "Ban hành" / "Báo cáo" are not organisations.
_UNIT_LEADS = r"tất cả|các|thủ trưởng|giám đốc|chủ tịch|trưởng|lãnh đạo|phó"
_UNIT_HEADS = (
    r"sở|ubnd|ủy ban|văn phòng|ban(?! hành)|phòng|trung tâm|thanh tra|đài|báo(?! cáo)|công an|bộ|cục|chi cục"
    r"|hội đồng|hđnd|kho bạc|cơ quan|đơn vị|ngành|đoàn|liên đoàn|mặt trận|tỉnh ủy|huyện ủy|thị ủy"
)
_UNIT_START = re.compile(rf"(?:(?:{_UNIT_LEADS})\s+)*(?:{_UNIT_HEADS})(?!\w)")
# A necessary condition for _UNIT_START, tested on a short prefix (12 characters; its words have at most 6): the
# paragraph must open with the first word of one of its alternatives. Saves folding whole paragraphs.
_UNIT_FIRST = re.compile(
    "|".join(sorted({w.split(" ")[0].split("(")[0] for w in f"{_UNIT_LEADS}|{_UNIT_HEADS}".split("|")}))
)
# Where a unit phrase ends: a colon, or the first duty verb / modal after it.
_DUTY = re.compile(
    r":|\b(?:phai|co trach nhiem|chiu trach nhiem|theo chuc nang|chu dong|chu tri|phoi hop|thuc hien|trien khai"
    r"|tham muu|to chuc|xay dung|bao cao|theo doi|kiem tra|huong dan|ra soat|tang cuong|nghiem tuc|tiep tuc"
    r"|khan truong|can|de nghi|giup|quan tam|ban hanh|co y kien|dam bao|tich cuc|dinh ky|gui|tong hop)\b"
)
_VERB = re.compile(
    r"\b(?:chu tri|thao go|danh gia|tham muu|trien khai|thuc hien|to chuc|xay dung|theo doi|kiem tra|huong dan"
    r"|ra soat|tang cuong|giai quyet|de xuat|bao cao|trinh|cham diem|nghien cuu|cap nhat|don doc|van hanh|duy tri"
    r"|tuyen truyen|cong bo|ban hanh|hoan thien|quan ly|cung cap|xu ly|thong ke|khao sat|tap huan|boi duong"
    r"|day manh|nang cao|tiep tuc|chi dao|giam sat|khac phuc|lap|tham dinh|cai tien|tong hop|giup|ho tro"
    r"|tao|dam bao|thong tin|xac dinh|de nghi|van dong|dua|chuan bi|co trach nhiem|chiu trach nhiem)\b|[.;:(]"
)
_GIAO = re.compile(r"(?:^|(?<=[.;:]\s))Giao\s+(?:cho\s+)?")  # the verb opens a clause; "giao" inside is "given"
# Lines that end the assignments block: signature block, recipients, closing formula, appendix title.
_CLOSER = re.compile(r"(?:Nơi nhận|Trên đây|TM\.|KT\.|TL\.|TUQ\.|PHỤ LỤC|Phụ lục)(?!\w)")
_CHU_TRI_PH = re.compile(r"\s*,?\s*chu tri\s*,?\s*(?:va\s+)?phoi hop\s+(?:voi\s+)?")
_PH = re.compile(r"\s*phoi hop\s+(?:voi\s+)?")
_MODAL = re.compile(r"(?:co trach nhiem|chiu trach nhiem|phai)\b")  # "X có trách nhiệm …" is a duty of X
_DUTY_OF = re.compile(r"trach nhiem [^:]{2,120}:\s*")  # "Trách nhiệm điều hành: Ban Giám đốc Sở."
_PROSE_DEADLINE = re.compile(
    r"\b(?:trước|chậm nhất(?: (?:vào|là))?|hoàn thành(?: trong)?|trong)\s+(?:ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?"
    r"|quý\s+[IV]+(?:/\d{4}|\s+năm\s+\d{4})?|tháng\s+\d{1,2}(?:/\d{4}|\s+năm\s+\d{4})?|năm\s+\d{4})",
    re.IGNORECASE,
)
_HEAD_MAX = 300
Mode = Literal["items", "paragraphs", "inline"]


@dataclass(slots=True)
class _Owner:
    """The unit heading the current numbered paragraph, and what of the following lines are its duties."""

    units: tuple[AgentRef, ...]
    number: str
    mode: Mode  # items: "…sau:" then a)/- items; paragraphs: bare heading then paragraphs; inline: its own text
    lettered: bool = False


def _lines(text: str, covered: list[tuple[int, int]]) -> Iterable[tuple[int, int, str]]:
    """Non-table paragraphs with offsets."""
    starts = [s for s, _ in covered]
    for m in re.finditer(r"[^\n]+", text):
        k = bisect.bisect_right(starts, m.start()) - 1
        if "\t" in m.group() or (k >= 0 and m.start() < covered[k][1]):
            continue
        yield m.start(), m.end(), m.group()


def _unit_phrase(body: str, resolver: Resolver) -> tuple[tuple[AgentRef, ...], str] | None:
    """(units, rest) when the paragraph opens with a unit phrase ("Sở Nội vụ:", "Các cơ quan, đơn vị báo cáo …")."""
    if not _UNIT_FIRST.match(new_tones(body[:12]).lower()) or not _UNIT_START.match(new_tones(body).lower()):
        return None
    end = _first_lower(_DUTY, body, 0)
    if end > _HEAD_MAX or end == 0:
        return None
    units = resolver.resolve(body[:end].strip(" ,;"))
    return (units, body[end:].lstrip(": ").strip()) if units else None


def _until_verb(text: str, start: int) -> str:
    """The unit list that starts at `start` and runs to the next verb or clause end (160 characters at most)."""
    stop = _first_lower(_VERB, text, start)
    return text[start : min(stop, start + 160)].strip(" ,")


def _first_lower(rx: re.Pattern[str], text: str, start: int) -> int:
    """Where the first match of `rx` (on the folded text) starts that is not a capitalised name word.

    Unit names hold verbs too ("Sở Xây dựng", "Ban Quản lý …"), but there they are capitalised.
    """
    window = text[: start + _HEAD_MAX + 100]
    for m in rx.finditer(fold(window), start):
        if not text[m.start()].isupper():
            return m.start()
    return len(window)


Refs = tuple[AgentRef, ...]


def _roles(body: str, owner: Refs, resolver: Resolver) -> tuple[Refs, Refs]:
    """Lead and cooperating units of one duty under a heading unit (spec §3.7 cues)."""
    low = fold(body[:60])
    if m := _CHU_TRI_PH.match(low):
        return owner, resolver.resolve(_until_verb(body, m.end()))
    if m := _PH.match(low):
        lead = resolver.resolve(_until_verb(body, m.end()))
        return (lead, owner) if lead else (owner, ())
    return owner, ()


def _giao(body: str, resolver: Resolver) -> tuple[Refs, Refs] | None:
    """Lead and cooperating units of "Giao X chủ trì, phối hợp với Y …" / "Giao X thực hiện …"."""
    m = _GIAO.search(body) if "Giao" in body else None  # substring test first: _GIAO has no fast start
    if not m or not _UNIT_START.match(new_tones(body[m.end() :]).lower()):
        return None
    low = fold(body)
    named = _until_verb(body, m.end())
    lead = resolver.resolve(re.sub(r"\s+và$", "", named)) if named else ()
    if not lead:
        return None
    after = m.end() + len(body[m.end() :]) - len(body[m.end() :].lstrip()) + len(named)
    ph = _CHU_TRI_PH.match(low, after)
    return lead, (resolver.resolve(_until_verb(body, ph.end())) if ph else ())


def _prose_deadline(body: str, year: int | None) -> Deadline | None:
    m = _PROSE_DEADLINE.search(body)
    return parse_deadline(m.group(), year=year) if m else None


def _actor_clauses(body: str, resolver: Resolver) -> list[tuple[int, int, Refs | None, Refs]]:
    """(start, end, lead, cooperate) of each duty in `body`; lead None keeps the caller's.

    "X gửi … trước ngày 12/3; Y tổng hợp … trước ngày 16/3": a clause after ";" that opens with its own actor
    and states its own deadline is a duty of that actor, not more of X's.
    """
    out: list[tuple[int, int, Refs | None, Refs]] = [(0, len(body), None, ())]
    for m in re.finditer(r";\s+", body):
        stop = body.find(";", m.end())
        clause = body[m.end() : stop if stop >= 0 else len(body)]
        if not _PROSE_DEADLINE.search(clause) or (head := _unit_phrase(clause, resolver)) is None:
            continue
        start, _, lead, coop = out[-1]
        out[-1] = (start, m.start(), lead, coop)
        out.append((m.end(), len(body), *_roles(head[1], head[0], resolver)))
    return out


def _prose_tasks(
    text: str, covered: list[tuple[int, int]], ctx: _Context, resolver: Resolver, year: int | None
) -> Iterable[Task]:
    owner: _Owner | None = None

    def task(start: int, end: int, body: str, number: str | None, lead: tuple[AgentRef, ...],
             coop: tuple[AgentRef, ...]) -> Iterable[Task]:  # fmt: skip
        for a, b, own_lead, own_coop in _actor_clauses(body, resolver):
            part = body[a:b]
            s, e = start + a, (end if b == len(body) else start + b)
            yield Task(
                id="", text=collapse(part), origin="prose", area=ctx.area(s), number=number,
                lead=lead if own_lead is None else own_lead, cooperate=coop if own_lead is None else own_coop,
                products=(), deadline=_prose_deadline(part, year), start=s, end=e,
                section=ctx.section_path(s), citations=ctx.cites(s, e),
            )  # fmt: skip

    for start, end, line in _lines(text, covered):
        if _CLOSER.match(line.strip()) or (line.isupper() and owner is not None):
            owner = None
            continue
        m = _MARKER.match(line)
        body = (line[m.end() :] if m else line).strip()
        at = start + line.index(body) if body else end
        intro = body.endswith(":")
        if m and (m.group("roman") or m.group("arabic")):
            number = m.group("roman") or m.group("arabic")
            owner = None
            if (head := _unit_phrase(body, resolver)) is not None:
                units, rest = head
                mode: Mode = "items" if intro else ("inline" if rest else "paragraphs")
                owner = _Owner(units, number, mode)
                if mode == "inline":
                    lead, coop = _roles(rest, units, resolver)
                    yield from task(at, end, body, number, lead, coop)
                continue
            if (found := _giao(body, resolver)) is not None:
                if intro:
                    owner = _Owner(found[0], number, "items")
                else:
                    yield from task(at, end, body, number, *found)
            continue
        letter = m.group("letter") if m else None
        bullet = bool(m and m.group("bullet"))
        if (
            owner is not None
            and not intro
            and (
                letter
                or (bullet and owner.mode == "items" and not owner.lettered)
                or (not m and owner.mode == "paragraphs" and not owner.lettered)
            )
        ):
            owner.lettered = owner.lettered or bool(letter)
            lead, coop = _roles(body, owner.units, resolver)
            number = f"{owner.number}.{letter})" if letter else None
            yield from task(at, end, body, number, lead, coop)
            continue
        duty = _DUTY_OF.match(fold(body[:140])) if bullet else None
        if duty and (units := resolver.resolve(re.split(r"[;.]", body[duty.end() :])[0])):
            yield from task(at, end, body, None, units, ())
            continue
        if owner is None and (head := _unit_phrase(body, resolver)) and _MODAL.match(fold(head[1][:30])):
            yield from task(at, end, body, f"{letter})" if letter else None, head[0], ())
            continue
        if (found := _giao(body, resolver)) is not None:
            yield from task(at, end, body, f"{letter})" if letter else None, *found)
