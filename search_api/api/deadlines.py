"""/deadlines: the deadline calendar (due in a window, overdue as of a day, vague ones apart), as JSON or .ics."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from kg.calendar import build_calendar, calendar_json, calendar_tasks, select_tasks
from kg.ics import to_ics
from kg.iris import short_id
from search_api.api.answers import summaries
from search_api.api.deps import ReadStore, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import province_filter
from search_api.api.formats import MEDIA_TYPES, alt_content, negotiate
from search_api.api.ids import document_iri
from search_api.api.models import DeadlineCalendar

router = APIRouter(tags=["deadlines"])


class CalendarFormat(StrEnum):
    json = "json"
    ics = "ics"


def _with_ids(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "task": {**entry["task"], "document_id": short_id(entry["task"]["document"])}}


@router.get(
    "/deadlines",
    operation_id="deadline_calendar",
    summary="Lịch hạn hoàn thành nhiệm vụ (deadline calendar)",
    response_model=DeadlineCalendar,
    responses={**alt_content("ics"), **error_responses(400, 404, 422, 503)},
)
def deadlines(
    request: Request,
    state: State,
    store: ReadStore,
    start: Annotated[date | None, Query(alias="from", description="First day of the window (ISO).")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day of the window (ISO).")] = None,
    as_of: Annotated[date | None, Query(description="Due before this day: overdue.")] = None,
    unit: Annotated[str | None, Query(description="Lead or cooperating unit: id or name.", examples=["Sở Nội vụ"])] = (
        None
    ),
    province: Annotated[str | None, Query(examples=["Sóc Trăng"])] = None,
    document: Annotated[str | None, Query(description="Only this plan (its id).")] = None,
    format: Annotated[CalendarFormat | None, Query(description="ics: the due days as an iCalendar file.")] = None,
) -> Any:
    """Tasks due in [from, to] with their unit and source span, recurring deadlines expanded, overdue ones as of a
    day, continuous work over the window, and the deadlines that name no day, apart."""
    if start and end and start > end:
        raise ApiError(400, f"from ({start}) is after to ({end})")
    place = province_filter(province)
    plan = document_iri(document) if document else None
    if plan is not None and plan not in {d["iri"] for d in summaries(store)}:
        raise ApiError(404, f"Không tìm thấy văn bản (no such document): {document}")
    tasks = select_tasks(state.stores.memo("calendar_tasks", calendar_tasks), unit=unit, province=place, document=plan)
    cal = build_calendar(tasks, start, end, as_of)
    if negotiate(request, format, ("json", "ics")) == "ics":
        name = " · ".join(x for x in ("Hạn nhiệm vụ CCHC", unit, province, document) if x)
        return Response(to_ics(cal, name), media_type=f"{MEDIA_TYPES['ics']}; charset=utf-8")
    body = calendar_json(cal)
    for key in ("due", "ongoing", "vague"):
        body[key] = [_with_ids(e) for e in body[key]]
    return DeadlineCalendar(**body)
