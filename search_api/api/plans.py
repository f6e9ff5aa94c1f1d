"""/compare: plans side by side (targets and tasks per reform area, deadlines, shared and differing basis)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from kg import history
from kg.iris import short_id
from search_api.api.answers import summaries
from search_api.api.deps import ReadStore
from search_api.api.errors import ApiError, error_responses
from search_api.api.ids import document_iri
from search_api.api.models import Comparison, PlaceNow, PlanComparison

router = APIRouter(tags=["plans"])


@router.get(
    "/compare",
    operation_id="compare_plans",
    summary="So sánh các kế hoạch (plans side by side)",
    response_model=Comparison,
    responses=error_responses(404, 422, 503),
)
def compare_plans(
    store: ReadStore,
    docs: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"[^,\s]")]],
        Query(
            min_length=1,
            description="Documents (ids) or provinces, comma-separated or repeated.",
            examples=["Vĩnh Long,Sóc Trăng"],
        ),
    ],
) -> Comparison:
    """Targets per reform area, task counts and deadline ranges per area, shared and differing legal basis; for each
    province named, where it stands now (a former province: the one it became part of on 1/7/2025)."""
    selectors = [s.strip() for value in docs for s in value.split(",") if s.strip()]
    known = {d["iri"] for d in summaries(store)}
    answer = history.compare(store, [document_iri(s) if document_iri(s) in known else s for s in selectors])
    if not answer["plans"]:
        raise ApiError(404, f"Không có văn bản nào khớp (no document matches): {', '.join(selectors)}")
    plans = [PlanComparison(**{**p, "iri": p["id"], "id": short_id(p["id"])}) for p in answer["plans"]]
    places = [PlaceNow(**p) for p in answer["places"]]
    return Comparison(plans=plans, shared_basis=answer["shared_basis"], places=places)
