"""Deadline cells ("Quý I/2024", "Thường xuyên", "- Trong tháng 01/2024 - Hàng quý, năm 2024") → `Deadline`.

Matching runs on the folded text (no diacritics, lower case) so OCR tone slips and old/new tone placement do not
matter. Bare periods ("Quý I", "trong năm") take the plan's year, passed in as `year`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.records import Deadline, DeadlineKind
from ingest.vntext import collapse, finditer_where, fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(?:iv|i{1,3}|[1-4])\b"
_YEAR = r"(?:\s*(?:/|-|,)?\s*(?:nam\s*)?((?:19|20)\d\d)\b)?"
_QUARTERS = re.compile(rf"\bquy\s+({_Q}(?:\s*(?:,|va|-|den)\s*(?:quy\s+)?{_Q})*){_YEAR}")
_BAD_QUARTER = re.compile(r"\bquy\s+\d")
_HALF = re.compile(rf"\b0?6\s+thang\s+(dau|cuoi)\s+nam{_YEAR}")
_DATE = re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d\d))?\b(?!\s*/)")
_DATE_WORDS = re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+((?:19|20)\d\d))?")
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\b(?:\s*(?:/|nam)\s*((?:19|20)\d\d)\b)?|\b(\d{1,2})\s*/\s*((?:19|20)\d\d)\b")
_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*-\s*((?:19|20)\d\d)\b")
_ONE_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_THIS_YEAR = re.compile(r"\btrong\s+nam\b(?!\s+\d)|\bnam\s+nay\b")

_EVENT = re.compile(r"\b(?:sau\s+khi|ngay\s+khi|khi\s+co|khi\s+[^,;]{3,80}\bban\s+hanh)\b")
# "trong thời hạn 03 ngày làm việc kể từ ngày nhận …", "chậm nhất 05 ngày làm việc kể từ ngày ban hành",
# "trong vòng 10 (mười) ngày", "sau 15 ngày kể từ …": a duration counted from an event.
_RELATIVE = re.compile(
    r"\b(?:trong\s+(?:thoi\s+han|thoi\s+gian|vong)|cham\s+nhat(?:\s+(?:la|sau))?|sau|truoc)\s+(\d{1,3})"
    r"(?:\s*\([^)]{1,20}\))?\s+(ngay(?:\s+lam\s+viec)?|tuan|thang)\b(?:[^;]{0,40}?\bke\s+tu\s+(.{3,80}?))?(?=[.;,]|$)"
)
# "kể từ ngày ký / ban hành (Kế hoạch, Quyết định …) này": the count starts on the document's own date.
_FROM_ISSUE = re.compile(r"^(?:ngay\s+)?(?:ky|ban\s+hanh|ky\s+ban\s+hanh)\b")
_UNIT_DAYS = {"ngay": 1, "tuan": 7}
_PERIODIC_PLAIN = re.compile(r"^\s*(?:thuc\s+hien\s+)?theo\s+dinh\s+ky\b")
_PER_PLAN = re.compile(
    r"\b(?:long\s+ghep|theo\s+(?:ke\s+hoach|kh|thoi\s+han|thoi\s+gian|tien\s+do|huong\s+dan|quy\s+dinh|lo\s+trinh"
    r"|bc|bao\s+cao|thoi\s+diem|yeu\s+cau|chi\s+dao|van\s+ban|chuong\s+trinh|de\s+an|ky\s+bao\s+cao)"
    r"|dinh\s+ky\s+theo|cung\s+(?:thoi\s+diem|ky)\s+bao\s+cao)\b"
)
# Recurrence codes with their patterns; public because kg.vocab writes the code list from it.
RECURRING = (
    ("thuong-xuyen", re.compile(r"\b(?:thuong\s+xuyen|lien\s+tuc)\b")),
    ("hang-thang", re.compile(r"\b(?:hang|moi)\s+thang\b")),
    ("hang-quy", re.compile(r"\b(?:hang|moi)\s+quy\b")),
    ("hang-nam", re.compile(r"\b(?:hang|moi)\s+nam\b")),
    ("dinh-ky", re.compile(r"\bdinh\s+ky\b")),
    ("dot-xuat", re.compile(r"\bdot\s+xuat\b")),
)
# Bullets and semicolons separate the parts of a multi-deadline cell; "và" does only after a concrete date.
_PARTS = re.compile(r"(?:^|\s)[-+•*]\s+|;|\n")
_AND = re.compile(r"\s+v[àa]\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Period:
    start: str
    end: str


def parse_deadline(text: str, *, year: int | None, issued: str | None = None) -> Deadline:
    """Normalise one deadline cell or phrase; `year` is the plan year for periods printed without one, `issued`
    the document's ISO date, from which "… kể từ ngày ký" counts."""
    shown = collapse(text)
    relative = _relative(shown, issued)
    if relative is not None:
        return relative
    parts = [p for p in (collapse(x) for x in _PARTS.split(shown)) if p]
    pieces: list[Deadline] = []
    for part in parts:
        pieces.extend(_split_and(part, year))
    known = [p for p in pieces if p.kind != "unspecified"]
    if len(known) <= 1:
        only = known[0] if known else Deadline(text=shown, kind="unspecified")
        return Deadline(shown, only.kind, only.start, only.end, only.recurrence)
    ends = [p.end for p in known if p.end and p.kind in ("by_date", "window")]
    starts = [p.start for p in known if p.start and p.kind in ("by_date", "window")]
    recurrences = [p.recurrence for p in known if p.recurrence]
    return Deadline(
        text=shown,
        kind="multi",
        start=min(starts) if starts else None,
        end=min(ends) if ends else None,
        recurrence="+".join(dict.fromkeys(recurrences)) or None,
    )


def _split_and(part: str, year: int | None) -> list[Deadline]:
    """Split on "và" only after a concrete date: "Quý IV/2022 và theo định kỳ" is two, "Hàng quý và năm 2024" one."""
    pieces = _AND.split(part, maxsplit=1)
    if len(pieces) == 2:
        left, right = (_parse_part(p, year) for p in pieces)
        if left.kind in ("by_date", "window") and right.kind not in ("unspecified", left.kind):
            return [left, right]
    return [_parse_part(part, year)]


def _parse_part(part: str, year: int | None) -> Deadline:
    low = fold(part)
    if _EVENT.search(low):
        return Deadline(part, "event")
    if _PERIODIC_PLAIN.search(low):
        return Deadline(part, "recurring", recurrence="dinh-ky")
    if _PER_PLAN.search(low):
        return Deadline(part, "per_plan")
    recurrence = "+".join(slug for slug, rx in RECURRING if rx.search(low)) or None
    if recurrence:
        span = _year_of(low, year)
        return Deadline(part, "recurring", span.start if span else None, span.end if span else None, recurrence)
    kind, period = _period(low, year)
    if period is None:
        return Deadline(part, "unspecified")
    return Deadline(part, kind, period.start, period.end)


def _period(low: str, year: int | None) -> tuple[DeadlineKind, _Period | None]:
    """The concrete period a phrase names: quarter(s), half-year, day, month, year or year range."""
    if m := _QUARTERS.search(low):
        quarters = sorted(_ROMAN[q] for q in re.findall(_Q, m.group(1)))
        y = int(m.group(2)) if m.group(2) else _fallback_year(low, year)
        if y is None:
            return "unspecified", None
        kind: DeadlineKind = "window" if len(quarters) > 1 else "by_date"
        return kind, _Period(_month_start(y, quarters[0] * 3 - 2), _month_end(y, quarters[-1] * 3))
    if _BAD_QUARTER.search(low):  # "Quý 5/2024": a misprint, not month 5
        return "unspecified", None
    if m := _HALF.search(low):
        y = int(m.group(2)) if m.group(2) else year
        if y is None:
            return "unspecified", None
        first = m.group(1) == "dau"
        return "by_date", _Period(_month_start(y, 1 if first else 7), _month_end(y, 6 if first else 12))
    if m := (_DATE_WORDS.search(low) or _DATE.search(low)):
        day, month = int(m.group(1)), int(m.group(2))
        y = int(m.group(3)) if m.group(3) else year
        if y is None or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(y, month)[1]:
            return "unspecified", None
        iso = f"{y:04d}-{month:02d}-{day:02d}"
        return "by_date", _Period(iso, iso)
    if m := _MONTH.search(low):
        month = int(m.group(1) or m.group(3))
        found = m.group(2) or m.group(4)
        y = int(found) if found else _fallback_year(low, year)
        if y is None or not 1 <= month <= 12:
            return "unspecified", None
        return "by_date", _Period(_month_start(y, month), _month_end(y, month))
    if m := _YEARS.search(low):
        return "window", _Period(f"{m.group(1)}-01-01", f"{m.group(2)}-12-31")
    span = _year_of(low, year)
    return ("by_date", span) if span else ("unspecified", None)


def _year_of(low: str, year: int | None) -> _Period | None:
    """The calendar year a phrase names ("năm 2024"; "trong năm" = the plan year)."""
    m = _ONE_YEAR.search(low)
    y = int(m.group(1)) if m else (year if _THIS_YEAR.search(low) else None)
    return _Period(f"{y:04d}-01-01", f"{y:04d}-12-31") if y else None


def _fallback_year(low: str, year: int | None) -> int | None:
    m = _ONE_YEAR.search(low)
    return int(m.group(1)) if m else year


def _month_start(y: int, month: int) -> str:
    return f"{y:04d}-{month:02d}-01"


def _month_end(y: int, month: int) -> str:
    return f"{y:04d}-{month:02d}-{calendar.monthrange(y, month)[1]:02d}"


def _relative(shown: str, issued: str | None) -> Deadline | None:
    """A duration counted from an event; its end when the event is the document's own signing."""
    low = fold(shown)
    m = _RELATIVE.search(low)
    if m is None:
        return None
    n, unit, anchor = int(m.group(1)), m.group(2), m.group(3)
    business = "lam viec" in unit
    duration = f"P{n}M" if unit == "thang" else f"P{n * _UNIT_DAYS[unit.split()[0]]}D"
    after = shown[m.start(3) : m.end(3)].strip() if anchor else None
    end = None
    if after is not None and issued and len(issued) == 10 and _FROM_ISSUE.match(anchor or "") and unit != "thang":
        end = _add_days(issued, n * _UNIT_DAYS[unit.split()[0]], business=business)
    return Deadline(shown, "relative", None, end, None, duration, business, after)


def _add_days(iso_date: str, days: int, *, business: bool) -> str:
    """`iso_date` + `days` calendar days, or working days (Monday to Friday; public holidays are not known here)."""
    day = date.fromisoformat(iso_date)
    if not business:
        return (day + timedelta(days=days)).isoformat()
    while days:
        day += timedelta(days=1)
        days -= day.weekday() < 5
    return day.isoformat()


# --- deadline phrases inside a task's wording (prose tasks) ------------------------------------------------

# A dated limit anywhere in the wording: "trước ngày 30/6", "chậm nhất 05 ngày làm việc kể từ …"; never a code
# of a notation ("319-KH/TU ngày …": "TU" folds to "từ").
DEADLINE_PHRASE = re.compile(
    r"(?<![/-])\b(?:truoc|cham nhat(?: (?:vao|la))?|hoan thanh(?: truoc| trong)?|trong|xong truoc|den|tu)\s+"
    r"(?:ngay\s+\d{1,2}\s*(?:/\s*\d{1,2}(?:\s*/\s*\d{4})?|thang\s+\d{1,2}(?:\s+nam\s+\d{4})?)"
    r"|thang\s+\d{1,2}(?:\s*/\s*\d{4}|\s+nam\s+\d{4})?|quy\s+[ivx1-4]+(?:\s*/\s*\d{4}|\s+nam\s+\d{4})?"
    r"|nam\s+\d{4}|6 thang (?:dau|cuoi) nam(?:\s+\d{4})?"
    r"|(?:thoi han|thoi gian|vong)\s+\d{1,3}(?:\s*\([^)]{1,20}\))?\s+(?:ngay(?: lam viec)?|tuan|thang(?! dau| cuoi))"
    r"(?:[^.;]{0,60}?ke tu[^.;,]{0,60})?)"
    r"|\bcham nhat(?: (?:la|sau))?\s+\d{1,3}\s+(?:ngay(?: lam viec)?|tuan|thang)(?:[^.;]{0,60}?ke tu[^.;,]{0,60})?"
    r"|\b(?:ngay|thang|quy|nam)\s+\d[\d/]*\s*(?=[.;]|$)"
)
# Every alternative above opens at a word's start with one of these letters: where a phrase may begin.
_DEADLINE_START = re.compile(r"[cdhnqtx](?<!\w[cdhnqtx])")
_TIME_LABEL = re.compile(r"(?:^|\n|[-+•]\s*)(?:thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: hoan thanh)?)\s*:\s*")
_LEADING_FREQUENCY = re.compile(
    r"^(?:dinh ky\s+)?(?:hang|moi)\s+(?:ngay|tuan|thang|quy|nam)(?:\s*,\s*(?:hang\s+)?(?:thang|quy|nam|6 thang))*"
    r"(?:\s*\(?\s*truoc ngay\s+\d{1,2}(?:\s*/\s*\d{1,2}|\s+thang\s+\d{1,2})\s*\)?)?"
    r"|^thuong xuyen|^dinh ky\s+(?:hang|moi)\s+\w+"
)


def deadline_phrase(body: str) -> str | None:
    """The deadline phrase of a task's wording: a "Thời gian thực hiện:" line, a leading frequency, or a dated limit
    anywhere."""
    folded = fold(body)
    label = _TIME_LABEL.search(folded) if "thoi " in folded else None  # both labels start "thoi "; no fast start
    if label:
        return body[label.end() : label.end() + 120].split("\n")[0].strip(" .;") or None
    lead = _LEADING_FREQUENCY.match(folded)
    if lead:
        return body[: lead.end()].strip(" ,(")
    m = deadline_in(folded)
    return body[m.start() : m.end()].strip(" ,.;") if m else None


def deadline_in(folded: str) -> re.Match[str] | None:
    """`DEADLINE_PHRASE.search(folded)`, with the phrase tried only where one may begin."""
    return next(finditer_where(_DEADLINE_START, DEADLINE_PHRASE, folded), None)
