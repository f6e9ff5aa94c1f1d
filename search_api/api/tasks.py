"""/tasks: the tasks of every plan, filtered by place, reform area, lead or cooperating unit and deadline."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from ingest.vntext import match_key
from kg import questions
from kg.iris import path_of, short_id
from search_api.api.answers import summaries
from search_api.api.deps import ReadStore, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import area_filter, in_province, province_filter
from search_api.api.formats import TableFormat, alt_content, csv_response, negotiate
from search_api.api.ids import document_iri, unit_iri
from search_api.api.models import Task, TaskPage

router = APIRouter(tags=["tasks"])

TASK_COLUMNS = (
    "id",
    "document_id",
    "source",
    "scope",
    "number",
    "text",
    "area",
    "lead",
    "cooperate",
    "deadline",
    "deadline_end",
    "products",
    "origin",
)


def _agent_matches(agents: list[dict[str, Any]], wanted: str | None) -> bool:
    """A unit filter names a unit id (`vn.vinh-long/so-noi-vu`) or part of its name (`Sở Nội vụ`)."""
    if wanted is None:
        return True
    iri, key = unit_iri(wanted), match_key(wanted)
    return any(a["id"] == iri or key in match_key(a["name"]) for a in agents)


def _task(t: dict[str, Any], scope: str | None) -> dict[str, Any]:
    agents = {role: [{**a, "iri": a["id"], "id": short_id(a["id"])} for a in t[role]] for role in ("lead", "cooperate")}
    return {
        **t,
        **agents,
        "iri": t["id"],
        "id": path_of(t["id"]),
        "document_id": short_id(t["document"]),
        "scope": scope,
    }


@router.get(
    "/tasks",
    operation_id="list_tasks",
    summary="Nhiệm vụ trong các kế hoạch (tasks, filtered)",
    response_model=TaskPage,
    responses={**alt_content("csv"), **error_responses(400, 404, 422, 503)},
)
def list_tasks(
    request: Request,
    state: State,
    store: ReadStore,
    province: Annotated[str | None, Query(examples=["Vĩnh Long"])] = None,
    area: Annotated[str | None, Query(description="Lĩnh vực cải cách: slug or name.", examples=["tthc"])] = None,
    lead: Annotated[str | None, Query(description="Đơn vị chủ trì: id or name.", examples=["Sở Nội vụ"])] = None,
    cooperate: Annotated[
        str | None, Query(description="Đơn vị phối hợp: id or name.", examples=["Sở Tài chính"])
    ] = None,
    deadline_from: Annotated[date | None, Query(description="Hạn hoàn thành từ ngày (ISO).")] = None,
    deadline_to: Annotated[date | None, Query(description="Hạn hoàn thành đến ngày (ISO).")] = None,
    document: Annotated[str | None, Query(description="Only this document's tasks (its id).")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[TableFormat | None, Query(description="csv: every matching row, unpaged.")] = None,
) -> Any:
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise ApiError(400, "deadline_from is after deadline_to")
    place, area_slug = province_filter(province), area_filter(area)
    scopes = {d["iri"]: d["scope"] for d in summaries(store)}
    doc_iri = document_iri(document) if document else None
    if doc_iri is not None and doc_iri not in scopes:
        raise ApiError(404, f"Không tìm thấy văn bản (no such document): {document}")
    tasks = state.stores.memo("plan_tasks", questions.plan_tasks)
    chosen = []
    for t in tasks:
        end = (t["deadline"] or {}).get("end")
        if (
            (doc_iri and t["document"] != doc_iri)
            or not in_province(scopes.get(t["document"]), place)
            or (area_slug and t["area"] != area_slug)
            or not _agent_matches(t["lead"], lead)
            or not _agent_matches(t["cooperate"], cooperate)
            or (deadline_from and (not end or end < deadline_from.isoformat()))
            or (deadline_to and (not end or end > deadline_to.isoformat()))
        ):
            continue
        chosen.append(_task(t, scopes.get(t["document"])))
    if negotiate(request, format, ("json", "csv")) == "csv":
        rows = [
            {
                **t,
                "lead": [a["name"] for a in t["lead"]],
                "cooperate": [a["name"] for a in t["cooperate"]],
                "deadline": (t["deadline"] or {}).get("text"),
                "deadline_end": (t["deadline"] or {}).get("end"),
            }
            for t in chosen
        ]
        return csv_response(rows, TASK_COLUMNS)
    items = chosen[(page - 1) * per_page : page * per_page]
    return TaskPage(total=len(chosen), page=page, per_page=per_page, items=[Task(**t) for t in items])
