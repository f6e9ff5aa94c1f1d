"""/align: each task of one plan paired with its counterpart in another (matched, changed, unmatched), JSON or CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kg import questions
from search_api.alignment import CSV_COLUMNS, align, alignment_json, alignment_rows
from search_api.api.answers import summaries
from search_api.api.deps import ReadStore, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.formats import TableFormat, alt_content, csv_response, negotiate
from search_api.api.ids import document_iri
from search_api.api.models import TaskAlignment

router = APIRouter(tags=["plans"])


@router.get(
    "/align",
    operation_id="align_plans",
    summary="Đối chiếu nhiệm vụ giữa hai kế hoạch (task alignment)",
    response_model=TaskAlignment,
    responses={**alt_content("csv"), **error_responses(400, 404, 422, 503)},
)
def align_plans(
    request: Request,
    state: State,
    store: ReadStore,
    a: Annotated[str, Query(description="The first plan (its id).")],
    b: Annotated[str, Query(description="The plan to align it with (its id).")],
    format: Annotated[TableFormat | None, Query(description="csv: one row per pair and per unmatched task.")] = None,
) -> Any:
    """Pairs each task of `a` with its best counterpart in `b`, one to one (e5 meaning, shared words, same reform
    area, with a threshold): matched, changed (other lead or deadline), and each plan's unmatched tasks."""
    docs = {d["iri"]: d for d in summaries(store)}
    plans = [docs.get(document_iri(x)) for x in (a, b)]
    missing = [x for x, d in zip((a, b), plans, strict=True) if d is None]
    if missing:
        raise ApiError(404, f"Không tìm thấy văn bản (no such document): {', '.join(missing)}")
    if document_iri(a) == document_iri(b):
        raise ApiError(400, "a and b name the same plan")
    ta, tb = (questions.plan_tasks(store, document_iri(x)) for x in (a, b))
    answer = {"a": plans[0], "b": plans[1], **alignment_json(ta, tb, align(ta, tb, state.get_embedder()))}
    if negotiate(request, format, ("json", "csv")) == "csv":
        return csv_response(alignment_rows(answer), CSV_COLUMNS)
    return TaskAlignment(**answer)
