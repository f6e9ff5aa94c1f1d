"""The deadline calendar: due days in a window, overdue as of a day, recurring deadlines expanded, vague ones apart;
on the samples checked against the hand-made gold of ../shared, and its iCalendar export parsed back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import icalendar
import pytest

from ingest.pipeline import MAX_FILE_BYTES
from ingest.read import read_file
from ingest.vntext import match_key
from kg.calendar import (
    Agent,
    CalendarTask,
    TaskDeadline,
    build_calendar,
    calendar_json,
    calendar_tasks,
    select_tasks,
)
from kg.ics import to_ics
from kg.store import GraphStore
from tests.helpers import SAMPLES

Q1 = (date(2024, 1, 1), date(2024, 3, 31))


def task(deadline: TaskDeadline, *, year: int | None = 2024, key: str = "T1", **extra: Any) -> CalendarTask:
    fields: dict[str, Any] = {
        "id": f"task/{key}", "document": "doc/a", "title": None, "source": "a.txt", "scope": "vn.soc-trang",
        "plan_year": year, "number": "1", "text": f"Nhiệm vụ {key}", "area": "tthc", "start": 0, "end": 10,
        "deadline": deadline, "lead": (Agent("vn.soc-trang/so-noi-vu", "Sở Nội vụ"),),
    }  # fmt: skip
    return CalendarTask(**{**fields, **extra})


def by_date(end: str, start: str | None = None) -> TaskDeadline:
    return TaskDeadline("…", "by_date", date.fromisoformat(start) if start else None, date.fromisoformat(end))


# --- the rules, on made-up tasks ----------------------------------------------------------------------------------


def test_due_in_window_and_overdue_as_of() -> None:
    tasks = [task(by_date("2024-03-31", "2024-01-01"), key="q1"), task(by_date("2024-06-30"), key="june")]
    cal = build_calendar(tasks, *Q1, as_of=date(2024, 3, 31))
    assert [(d.task.id, d.due, d.opens, d.overdue) for d in cal.due] == [
        ("task/q1", date(2024, 3, 31), date(2024, 1, 1), False)  # due on the day itself is not yet overdue
    ]
    later = build_calendar(tasks, date(2024, 1, 1), date(2024, 12, 31), as_of=date(2024, 7, 1))
    assert [d.task.id for d in later.overdue] == ["task/q1", "task/june"]
    assert build_calendar(tasks, as_of=date(2024, 7, 1)).due == later.due  # an open window holds every due day


def test_quarterly_and_monthly_deadlines_expand_over_their_period() -> None:
    quarterly = task(TaskDeadline("Hàng quý", "recurring", date(2024, 1, 1), date(2024, 12, 31), "hang-quy"))
    monthly = task(TaskDeadline("Hàng tháng", "recurring", recurrence="hang-thang"), key="m", year=2023)
    cal = build_calendar([quarterly, monthly], date(2023, 11, 15), date(2024, 6, 30))
    assert [(d.task.id, d.due, d.opens) for d in cal.due] == [
        ("task/m", date(2023, 11, 30), date(2023, 11, 1)),
        ("task/m", date(2023, 12, 31), date(2023, 12, 1)),
        ("task/T1", date(2024, 3, 31), date(2024, 1, 1)),
        ("task/T1", date(2024, 6, 30), date(2024, 4, 1)),
    ]
    assert all(d.recurrence for d in cal.due)


def test_a_dated_part_and_a_recurring_part_both_fall_due() -> None:
    multi = task(TaskDeadline("- Trong tháng 01/2024 - Hàng quý, năm 2024", "multi", date(2024, 1, 1),
                              date(2024, 1, 31), "hang-quy"))  # fmt: skip
    cal = build_calendar([multi], *Q1)
    assert [(d.due, d.recurrence) for d in cal.due] == [(date(2024, 1, 31), None), (date(2024, 3, 31), "hang-quy")]


def test_ongoing_work_overlaps_the_window_and_has_no_due_day() -> None:
    ongoing = task(TaskDeadline("Thường xuyên", "recurring", recurrence="thuong-xuyen"))
    cal = build_calendar([ongoing], *Q1)
    assert cal.due == () and [(o.start, o.end) for o in cal.ongoing] == [(date(2024, 1, 1), date(2024, 12, 31))]
    assert build_calendar([ongoing], date(2025, 1, 1), date(2025, 3, 31)).ongoing == ()


@pytest.mark.parametrize(
    ("deadline", "year", "reason"),
    [
        (TaskDeadline("Sau khi có kết quả công bố", "event"), 2024, "after an event"),
        (TaskDeadline("Theo Kế hoạch của tỉnh", "per_plan"), 2024, "follows another plan's timetable"),
        (TaskDeadline("Trong 10 ngày kể từ ngày nhận", "relative", after="ngày nhận"), 2024, "counted from an event"),
        (TaskDeadline("Định kỳ", "recurring", recurrence="dinh-ky"), 2024, "periodic, no frequency stated"),
        (TaskDeadline("Hàng quý", "recurring", recurrence="hang-quy"), None, "recurring, no period or plan year"),
        (TaskDeadline("Sớm", "unspecified"), 2024, "not a date"),
    ],
)
def test_vague_deadlines_are_listed_apart_never_guessed(deadline: TaskDeadline, year: int | None, reason: str) -> None:
    cal = build_calendar([task(deadline, year=year)], *Q1)
    assert cal.due == () and cal.ongoing == ()
    assert [v.reason for v in cal.vague] == [reason]


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="starts after it ends"):
        build_calendar([], date(2024, 3, 1), date(2024, 1, 1))


def test_select_by_unit_province_and_plan() -> None:
    ours = task(by_date("2024-01-31"))
    theirs = task(by_date("2024-01-31"), key="x", scope="vn.vinh-long", document="doc/b",
                  lead=(Agent("vn.vinh-long/so-tai-chinh", "Sở Tài chính"),))  # fmt: skip
    assert select_tasks([ours, theirs], unit="so noi vu") == [ours]
    assert select_tasks([ours, theirs], unit="vn.vinh-long/so-tai-chinh") == [theirs]
    assert select_tasks([ours, theirs], province="soc-trang") == [ours]
    assert select_tasks([ours, theirs], document="doc/b") == [theirs]


# --- the samples, against the gold --------------------------------------------------------------------------------


def gold_due_days(gold: dict[str, Any]) -> list[tuple[str, dict[str, Any], date]]:
    """(file, gold task, day) for every dated deadline of the gold, parts of multi deadlines included, and the
    quarter ends of a quarterly deadline in its year."""
    out = []
    for name, doc in gold.items():
        for t in doc.get("tasks", []) if not name.startswith("_") else []:
            norm = t.get("deadline_norm") or {}
            for part in [norm, *norm.get("parts", [])]:
                if part.get("kind") in ("by_date", "window") and part.get("date"):
                    out.append((name, t, date.fromisoformat(part["date"])))
                if "quarterly" in str(part.get("recurrence")) and (norm.get("date") or part.get("date")):
                    year = date.fromisoformat(norm.get("date") or part["date"]).year
                    out += [(name, t, date(year, m, 30 if m in (6, 9) else 31)) for m in (3, 6, 9, 12)]
    return out


def listed(cal_due: list[dict[str, Any]], name: str, gold_task: dict[str, Any], day: date) -> bool:
    """The gold task is in the calendar on `day`, with its lead unit and a span of the file holding its text."""
    text = read_file(SAMPLES / name, max_bytes=MAX_FILE_BYTES).text
    for d in cal_due:
        t = d["task"]
        if d["due"] != day.isoformat() or not t["source"].endswith(name):
            continue
        span = match_key(text[t["start"] : t["end"]])
        lead = match_key(gold_task["lead_text"])  # as written: "Trung tâm …" for "Trung tâm … tỉnh"
        if match_key(gold_task["task_text"])[:40] in span and any(lead in match_key(a["name"]) for a in t["lead"]):
            return True
    return False


def test_every_task_due_in_q1_2024_is_listed_with_unit_and_span(
    samples_store: GraphStore, seeds_gold: dict[str, Any]
) -> None:
    expected = [(n, t, d) for n, t, d in gold_due_days(seeds_gold) if Q1[0] <= d <= Q1[1]]
    assert len(expected) >= 4  # the gold has them: two in January, one in March, quarterly reports
    due = calendar_json(build_calendar(calendar_tasks(samples_store), *Q1))["due"]
    missing = [(n, t["task_id"], d) for n, t, d in expected if not listed(due, n, t, d)]
    assert missing == []
    assert all(Q1[0].isoformat() <= d["due"] <= Q1[1].isoformat() for d in due)


def test_overdue_as_of_july_2024(samples_store: GraphStore, seeds_gold: dict[str, Any]) -> None:
    as_of = date(2024, 7, 1)
    cal = calendar_json(build_calendar(calendar_tasks(samples_store), date(2024, 1, 1), date(2024, 12, 31), as_of))
    overdue = [d for d in cal["due"] if d["overdue"]]
    expected = [(n, t, d) for n, t, d in gold_due_days(seeds_gold) if date(2024, 1, 1) <= d < as_of]
    assert [x for x in expected if not listed(overdue, *x)] == []
    assert cal["overdue"] == len(overdue) > 0
    assert all(d["due"] < as_of.isoformat() for d in overdue)
    assert all(d["due"] >= as_of.isoformat() for d in cal["due"] if not d["overdue"])


def test_vague_sample_deadlines_are_apart(samples_store: GraphStore) -> None:
    cal = build_calendar(calendar_tasks(samples_store), *Q1)
    texts = {match_key(v.task.deadline.text) for v in cal.vague}
    assert "sau khi co ket qua cong bo" in texts  # after the index is published: no day to guess
    assert not {v.task.id for v in cal.vague} & {d.task.id for d in cal.due}


# --- iCalendar -----------------------------------------------------------------------------------------------------


def test_ics_parses_back_with_every_due_day(samples_store: GraphStore, tmp_path: Path) -> None:
    cal = build_calendar(calendar_tasks(samples_store), date(2024, 1, 1), date(2024, 12, 31))
    path = tmp_path / "deadlines.ics"
    path.write_bytes(to_ics(cal, "Sóc Trăng 2024"))
    parsed = icalendar.Calendar.from_ical(path.read_bytes())
    events = list(parsed.walk("VEVENT"))
    assert len(events) == len(cal.due) + len(cal.ongoing) > 0
    assert str(parsed["X-WR-CALNAME"]) == "Sóc Trăng 2024"
    assert len({str(e["UID"]) for e in events}) == len(events)
    days = sorted(e.decoded("DTSTART") for e in events[: len(cal.due)])
    assert days == [d.due for d in cal.due]
    first = events[0]
    assert first.decoded("DTEND") > first.decoded("DTSTART")
    assert cal.due[0].task.lead[0].name in str(first["DESCRIPTION"])
    assert f"[{cal.due[0].task.start}:{cal.due[0].task.end}]" in str(first["DESCRIPTION"])
