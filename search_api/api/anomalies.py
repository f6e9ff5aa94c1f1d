"""/anomalies: the citation issues found in the documents (suspected typos, date conflicts …)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kg import questions
from kg.iris import short_id
from search_api.api.deps import ReadStore
from search_api.api.errors import error_responses
from search_api.api.formats import TableFormat, alt_content, csv_response, negotiate
from search_api.api.models import Anomaly, AnomalyList

router = APIRouter(tags=["anomalies"])


@router.get(
    "/anomalies",
    operation_id="list_anomalies",
    summary="Trích dẫn bất thường (citation anomalies)",
    response_model=AnomalyList,
    responses={**alt_content("csv"), **error_responses(400, 422, 503)},
)
def list_anomalies(
    request: Request,
    store: ReadStore,
    severity: Annotated[str | None, Query(description="low, medium or high.", examples=["high"])] = None,
    kind: Annotated[
        str | None, Query(description="suspected_typo, date_conflict …", examples=["suspected_typo"])
    ] = None,
    format: Annotated[TableFormat | None, Query()] = None,
) -> Any:
    items = [
        Anomaly(**{**a, "document": a["doc"], "document_id": short_id(a["doc"]), "source": a["path"]})
        for a in questions.anomalies(store)
        if (not severity or a["severity"] == severity) and (not kind or a["kind"] == kind)
    ]
    if negotiate(request, format, ("json", "csv")) == "csv":
        columns = ("kind", "severity", "evidence", "document_id", "source", "text", "probable", "issue", "citation")
        return csv_response([a.model_dump() for a in items], columns)
    return AnomalyList(items=items)
