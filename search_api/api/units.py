"""/units and /units/{id}: units by name, and one unit's tasks (lead, cooperating) and partners."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ingest.vntext import match_key
from kg import history, questions
from kg.iris import short_id
from search_api.api.deps import ReadStore
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import in_province, province_filter
from search_api.api.formats import TableFormat, alt_content, csv_response, negotiate
from search_api.api.ids import unit_iri
from search_api.api.models import (
    PlaceNow,
    UnitDetail,
    UnitHistory,
    UnitInTime,
    UnitList,
    UnitMatch,
    UnitSummary,
    UnitTask,
)

router = APIRouter(tags=["units"])

UNIT_TASK_COLUMNS = (
    "role",
    "task",
    "number",
    "text",
    "document_id",
    "title",
    "area",
    "deadline",
    "deadline_end",
    "products",
)


def _unit_summary(u: dict[str, Any], match: UnitMatch) -> UnitSummary:
    return UnitSummary(
        id=short_id(u["id"]) or u["id"],
        iri=u["id"],
        name=u["name"],
        scope=u.get("scope"),
        group=bool(u["group"]),
        match=match,
    )


@router.get(
    "/units",
    operation_id="list_units",
    summary="Tìm cơ quan, đơn vị (units by name)",
    response_model=UnitList,
    responses={**alt_content("csv"), **error_responses(400, 422, 503)},
)
def list_units(
    request: Request,
    store: ReadStore,
    q: Annotated[
        str | None, Query(description="Tên đơn vị; dấu và hoa/thường không bắt buộc.", examples=["Sở Nội vụ"])
    ] = None,
    province: Annotated[str | None, Query(examples=["Vĩnh Long"])] = None,
    format: Annotated[TableFormat | None, Query()] = None,
) -> Any:
    """Exact name matches first (`match: exact`), then names containing `q` (`partial`); no `q`: every unit."""
    place = province_filter(province)
    everything = [
        {**u, "name": u["names"][0]} for u in questions.unit_documents(store) if in_province(u["scope"], place)
    ]
    if q and q.strip():
        exact = [_unit_summary(u, "exact") for u in questions.find_units(store, q, place)]
        seen = {u.iri for u in exact}
        wanted = match_key(q)
        partial = [
            _unit_summary(u, "partial")
            for u in everything
            if u["id"] not in seen and any(wanted in match_key(n) for n in u["names"])
        ]
        items = exact + sorted(partial, key=lambda u: (u.name, u.id))
    else:
        items = sorted((_unit_summary(u, "all") for u in everything), key=lambda u: (u.scope or "", u.name, u.id))
    if negotiate(request, format, ("json", "csv")) == "csv":
        return csv_response([u.model_dump() for u in items], ("id", "name", "scope", "group", "match", "iri"))
    return UnitList(items=items)


def _unit_task(t: dict[str, Any]) -> UnitTask:
    return UnitTask(**t, document_id=short_id(t["document"]))


@router.get(
    "/units/through-time",
    operation_id="unit_through_time",
    summary="Một đơn vị qua các thời kỳ (a province's unit and the units it succeeded)",
    response_model=UnitHistory,
    responses=error_responses(404, 422, 503),
)
def unit_through_time(
    store: ReadStore,
    name: Annotated[str, Query(description="Tên đơn vị.", examples=["Sở Nội vụ"])],
    province: Annotated[str, Query(description="Tỉnh, thành phố; cả tỉnh cũ.", examples=["Cần Thơ"])],
) -> UnitHistory:
    """The unit of the province now and those of the provinces merged into it (1/7/2025), each labelled."""
    place = history.where_now(province)
    if place is None:
        raise ApiError(404, f"Không có tỉnh, thành phố này (no such province): {province}")
    items = []
    for u in history.unit_through_time(store, name, province):
        duties = questions.unit_responsibilities(store, u["id"])
        items.append(
            UnitInTime(
                **{**u, "iri": u["id"], "id": short_id(u["id"])},
                lead=[_unit_task(t) for t in duties["lead"]],
                cooperate=[_unit_task(t) for t in duties["cooperate"]],
            )
        )
    return UnitHistory(place=PlaceNow(**place), items=items)


@router.get(
    "/units/{unit_id:path}",
    operation_id="get_unit",
    summary="Một đơn vị: nhiệm vụ chủ trì, phối hợp và đối tác (a unit's tasks and partners)",
    response_model=UnitDetail,
    responses={**alt_content("csv"), **error_responses(404, 422, 503)},
)
def get_unit(
    request: Request,
    store: ReadStore,
    unit_id: str,
    format: Annotated[TableFormat | None, Query(description="csv: the unit's tasks.")] = None,
) -> Any:
    """`unit_id`: e.g. `vn.vinh-long/so-noi-vu` (as in /units answers)."""
    iri = unit_iri(unit_id)
    units = {u["id"]: u for u in questions.unit_documents(store)}
    unit = units.get(iri)
    if unit is None:
        raise ApiError(404, f"Không tìm thấy đơn vị (no such unit): {unit_id}")
    duties = questions.unit_responsibilities(store, iri)
    lead = [_unit_task(t) for t in duties["lead"]]
    cooperate = [_unit_task(t) for t in duties["cooperate"]]
    if negotiate(request, format, ("json", "csv")) == "csv":
        return csv_response([t.model_dump() for t in lead + cooperate], UNIT_TASK_COLUMNS)
    partners = [
        {
            "id": short_id(p["unit"]),
            "iri": p["unit"],
            "shared_tasks": p["shared_tasks"],
            "name": (units[p["unit"]]["names"] or [None])[0] if p["unit"] in units else None,
        }
        for p in duties["partners"]
    ]
    return UnitDetail(
        id=short_id(iri) or iri,
        iri=iri,
        name=unit["names"][0],
        names=unit["names"],
        scope=unit["scope"],
        group=bool(unit["group"]),
        sources=unit["sources"],
        lead=lead,
        cooperate=cooperate,
        partners=partners,  # type: ignore[arg-type]
    )
