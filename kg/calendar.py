"""Deadlines in time: what falls due in a window, what is overdue as of a day, recurring deadlines expanded,
and the deadlines that name no day, kept apart (never guessed).

`calendar_tasks` reads every task with a deadline from the graph (`deadline_rows.rq`, units from
`task_agents.rq`); `build_calendar` is pure: tasks, a window and a day in, a `Calendar` out. A recurring
deadline runs over its stated period, else over the year its plan covers; with neither it is vague.
"""

from __future__ import annotations

import calendar as months
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ingest.vntext import match_key
from kg.iris import short_id
from kg.questions import json_value
from kg.store import GraphStore

# Recurrences with a due day per period: the last day of each month, quarter or year.
_PERIOD_MONTHS = {"hang-thang": 1, "hang-quy": 3, "hang-nam": 12}
ONGOING = "thuong-xuyen"  # continuous work: active over its period, due on no particular day
# Why a deadline cannot be put on a day, by deadline kind (and for recurrences without a period).
VAGUE_REASONS = {
    "event": "after an event",
    "per_plan": "follows another plan's timetable",
    "relative": "counted from an event",
    "unspecified": "not a date",
    "multi": "several deadlines, none dated",
    "dinh-ky": "periodic, no frequency stated",
    "dot-xuat": "when needed",
    "no_period": "recurring, no period or plan year",
}


@dataclass(frozen=True, slots=True)
class Agent:
    id: str  # unit id (`vn.soc-trang/so-noi-vu`) or group id
    name: str


@dataclass(frozen=True, slots=True)
class TaskDeadline:
    """A deadline as normalised at extraction (`ingest.records.Deadline`), read back from the graph."""

    text: str
    kind: str
    start: date | None = None
    end: date | None = None
    recurrence: str | None = None  # "hang-quy", "thuong-xuyen+hang-quy" …
    after: str | None = None  # a relative deadline's event, as written


@dataclass(frozen=True, slots=True)
class CalendarTask:
    """A task with a deadline, and where it was read: file and character span."""

    id: str  # IRI
    document: str  # IRI of its plan
    title: str | None
    source: str
    scope: str | None  # place code of its plan: vn.soc-trang, vn.soc-trang.tx-nga-nam
    plan_year: int | None
    number: str | None
    text: str
    area: str | None
    start: int
    end: int
    deadline: TaskDeadline
    lead: tuple[Agent, ...] = ()
    cooperate: tuple[Agent, ...] = ()


@dataclass(frozen=True, slots=True)
class Due:
    """One day a task falls due: its deadline's end, or one occurrence of a recurring deadline."""

    task: CalendarTask
    due: date
    opens: date | None  # the first day of the period it closes (quarter, window), when known
    recurrence: str | None  # set for an occurrence of a recurring deadline
    overdue: bool


@dataclass(frozen=True, slots=True)
class Ongoing:
    """Continuous work (thường xuyên) whose period overlaps the window."""

    task: CalendarTask
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Vague:
    task: CalendarTask
    reason: str


@dataclass(frozen=True, slots=True)
class Calendar:
    start: date | None  # the window; None is unbounded on that side
    end: date | None
    as_of: date | None
    due: tuple[Due, ...] = ()
    ongoing: tuple[Ongoing, ...] = ()
    vague: tuple[Vague, ...] = ()
    overdue: tuple[Due, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "overdue", tuple(d for d in self.due if d.overdue))


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value is not None else None


def calendar_tasks(store: GraphStore) -> list[CalendarTask]:
    """Every task with a deadline, in file and text order, with its lead and cooperating units."""
    tasks: dict[str, CalendarTask] = {}
    for row in store.query("deadline_rows"):
        year = row.get("year")
        deadline = TaskDeadline(
            text=str(row["deadline"]), kind=str(row["kind"]), start=_day(row.get("begins")),
            end=_day(row.get("ends")), recurrence=json_value(row.get("recurrence")), after=json_value(row.get("after")),
        )  # fmt: skip
        tasks.setdefault(str(row["task"]), CalendarTask(
            id=str(row["task"]), document=str(row["doc"]), title=json_value(row.get("title")),
            source=str(row["path"]), scope=short_id(str(row["scope"])) if row.get("scope") else None,
            plan_year=int(str(year)[:4]) if year is not None else None, number=json_value(row.get("number")),
            text=str(row["text"]), area=str(row["area"]).rsplit("/", 1)[-1] if row.get("area") else None,
            start=int(str(row["start"])), end=int(str(row["end"])), deadline=deadline,
        ))  # fmt: skip
    roles: dict[tuple[str, str], list[Agent]] = {}
    for row in store.query("task_agents"):
        agents = roles.setdefault((str(row["task"]), str(row["role"])), [])
        agent = Agent(short_id(str(row["unit"])), str(row["label"]))
        if agent not in agents:
            agents.append(agent)
    return [
        replace(t, lead=_sorted(roles.get((t.id, "lead"), [])), cooperate=_sorted(roles.get((t.id, "cooperate"), [])))
        for t in tasks.values()
    ]


def _sorted(agents: Iterable[Agent]) -> tuple[Agent, ...]:
    return tuple(sorted(agents, key=lambda a: a.name))


def select_tasks(
    tasks: Iterable[CalendarTask],
    *,
    unit: str | None = None,
    province: str | None = None,
    document: str | None = None,
) -> list[CalendarTask]:
    """Tasks of one unit (its id, or part of its name, as lead or partner), one province (its slug) or one plan."""
    key = match_key(unit) if unit else ""

    def names(task: CalendarTask) -> bool:
        return any(a.id == unit or key in match_key(a.name) for a in (*task.lead, *task.cooperate))

    def in_province(scope: str | None) -> bool:
        return scope is not None and (scope == f"vn.{province}" or scope.startswith(f"vn.{province}."))

    chosen = (t for t in tasks if not document or t.document == document)
    return [t for t in chosen if (not unit or names(t)) and (not province or in_province(t.scope))]


def _month_ends(first: date, last: date, step: int) -> Iterator[tuple[date, date]]:
    """(first day, last day) of each period of `step` months (aligned on the calendar year) ending in [first, last]."""
    year, month = first.year, first.month
    month += (step - month % step) % step  # the first period end at or after `first`
    while True:
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        end = date(year, month, months.monthrange(year, month)[1])
        if end > last:
            return
        opens_month = month - step + 1
        opens = date(year + (opens_month - 1) // 12, (opens_month - 1) % 12 + 1, 1)
        if end >= first:
            yield opens, end
        month += step


def _period(task: CalendarTask) -> tuple[date, date] | None:
    """The span a recurring deadline runs over: its own period, else the year of its plan (or of its date)."""
    d = task.deadline
    if d.kind == "recurring" and d.start and d.end:
        return d.start, d.end
    year = task.plan_year or (d.end.year if d.end else None)
    return (date(year, 1, 1), date(year, 12, 31)) if year else None


def placed(task: CalendarTask) -> tuple[list[tuple[date | None, date, str | None]], list[tuple[date, date]], list[str]]:
    """Where a task's deadline falls: due days (opens, due, recurrence), ongoing periods, and why the rest is vague."""
    d = task.deadline
    due: list[tuple[date | None, date, str | None]] = []
    ongoing: list[tuple[date, date]] = []
    vague: list[str] = []
    if d.end and d.kind in ("by_date", "window", "relative", "multi"):
        due.append((d.start, d.end, None))
    for code in (d.recurrence or "").split("+") if d.recurrence else ():
        period = _period(task)
        if code not in _PERIOD_MONTHS and code != ONGOING:
            vague.append(VAGUE_REASONS.get(code, f"recurring: {code}"))
        elif period is None:
            vague.append(VAGUE_REASONS["no_period"])
        elif code == ONGOING:
            ongoing.append(period)
        else:
            due.extend((opens, end, code) for opens, end in _month_ends(*period, _PERIOD_MONTHS[code]))
    if not due and not ongoing and not vague:
        vague.append(VAGUE_REASONS.get(d.kind, d.kind))
    return due, ongoing, vague if not due and not ongoing else []


def build_calendar(
    tasks: Sequence[CalendarTask], start: date | None = None, end: date | None = None, as_of: date | None = None
) -> Calendar:
    """The tasks' due days in [start, end] (overdue: due before `as_of`), ongoing work overlapping it, and the
    tasks whose deadline names no day."""
    if start and end and start > end:
        raise ValueError(f"the window starts after it ends: {start} > {end}")

    def inside(first: date, last: date) -> bool:
        return (start is None or last >= start) and (end is None or first <= end)

    due: list[Due] = []
    ongoing: list[Ongoing] = []
    vague: list[Vague] = []
    for task in tasks:
        days, periods, reasons = placed(task)
        due += [Due(task, day, opens, rec, as_of is not None and day < as_of) for opens, day, rec in days
                if inside(day, day)]  # fmt: skip
        ongoing += [Ongoing(task, first, last) for first, last in periods if inside(first, last)]
        vague += [Vague(task, reason) for reason in dict.fromkeys(reasons)]
    due.sort(key=lambda d: (d.due, d.task.source, d.task.start))
    return Calendar(start, end, as_of, tuple(due), tuple(ongoing), tuple(vague))


def task_json(task: CalendarTask) -> dict[str, Any]:
    """A calendar task as plain JSON: where it was read (source, start, end), its units and its deadline."""
    d = task.deadline
    return {
        "id": task.id, "document": task.document, "title": task.title, "source": task.source, "scope": task.scope,
        "number": task.number, "text": task.text, "area": task.area, "start": task.start, "end": task.end,
        "lead": [{"id": a.id, "name": a.name} for a in task.lead],
        "cooperate": [{"id": a.id, "name": a.name} for a in task.cooperate],
        "deadline": {"text": d.text, "kind": d.kind, "start": _iso(d.start), "end": _iso(d.end),
                     "recurrence": d.recurrence, "after": d.after},
    }  # fmt: skip


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def calendar_json(cal: Calendar) -> dict[str, Any]:
    """The calendar as plain JSON (what `cchc deadlines --format json` prints and `GET /deadlines` returns)."""
    return {
        "start": _iso(cal.start), "end": _iso(cal.end), "as_of": _iso(cal.as_of),
        "due": [{"due": d.due.isoformat(), "opens": _iso(d.opens), "recurrence": d.recurrence, "overdue": d.overdue,
                 "task": task_json(d.task)} for d in cal.due],
        "overdue": len(cal.overdue),
        "ongoing": [{"start": o.start.isoformat(), "end": o.end.isoformat(), "task": task_json(o.task)}
                    for o in cal.ongoing],
        "vague": [{"reason": v.reason, "task": task_json(v.task)} for v in cal.vague],
    }  # fmt: skip
