"""A calendar as an iCalendar file (RFC 5545, written by the `icalendar` library): one all-day event per due day.

Ongoing work becomes one event over its period; vague deadlines have no day and are left out (the JSON answer
lists them). Each event's UID is stable (task IRI and day), so a re-import updates instead of duplicating.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar as VCalendar
from icalendar import Event

from kg.calendar import Calendar, CalendarTask

PRODID = "-//CCHC Graph//deadline calendar//VI"
_SUMMARY_CHARS = 120


def _description(task: CalendarTask) -> str:
    lines = [task.text, f"Thời hạn (deadline): {task.deadline.text}"]
    if task.lead:
        lines.append("Chủ trì (lead): " + "; ".join(a.name for a in task.lead))
    if task.cooperate:
        lines.append("Phối hợp (cooperating): " + "; ".join(a.name for a in task.cooperate))
    lines.append(f"Nguồn (source): {task.source} [{task.start}:{task.end}]")
    return "\n".join(lines)


def _event(task: CalendarTask, first: date, last: date, uid_day: date, stamp: datetime) -> Event:
    event = Event()
    summary = task.text if len(task.text) <= _SUMMARY_CHARS else task.text[: _SUMMARY_CHARS - 1].rstrip() + "…"
    event.add("uid", f"{uid_day.isoformat()}/{task.id}")
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # all-day events end the day after (exclusive)
    event.add("summary", summary)
    event.add("description", _description(task))
    if task.area:
        event.add("categories", [task.area])
    return event


def to_ics(cal: Calendar, name: str, *, stamp: datetime | None = None) -> bytes:
    """The due days (and ongoing periods) of `cal` as an .ics file named `name` in calendar clients."""
    stamp = stamp or datetime.now(UTC)
    out = VCalendar()
    out.add("prodid", PRODID)
    out.add("version", "2.0")
    out.add("x-wr-calname", name)
    for due in cal.due:
        out.add_component(_event(due.task, due.due, due.due, due.due, stamp))
    for work in cal.ongoing:
        out.add_component(_event(work.task, work.start, work.end, work.start, stamp))
    ical: bytes = out.to_ical()
    return ical
