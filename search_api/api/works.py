"""/works/{id}/cited-by: the documents citing a work, named by its id or loosely ("NĐ 107/2020")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kg import questions
from kg.iris import short_id
from search_api.api.answers import cited_by, citing_document, is_work
from search_api.api.deps import ReadStore
from search_api.api.errors import ApiError, error_responses
from search_api.api.formats import TableFormat, alt_content, csv_response, negotiate
from search_api.api.ids import document_iri
from search_api.api.models import CitedBy, CitingDocument, WorkRef

router = APIRouter(tags=["works"])

CITED_BY_COLUMNS = (
    "source",
    "document_id",
    "title",
    "work_id",
    "notation",
    "text",
    "relation",
    "cue",
    "date",
    "start",
    "end",
    "nested",
    "flags",
)


def _cited_by_rows(documents: list[CitingDocument]) -> list[dict[str, Any]]:
    return [
        {"source": d.source, "document_id": d.document.id, "title": d.document.title, **c.model_dump()}
        for d in documents
        for c in d.citations
    ]


@router.get(
    "/works/{work_id:path}/cited-by",
    operation_id="work_cited_by",
    summary="Các văn bản trích dẫn một văn bản (documents citing a work)",
    response_model=CitedBy,
    responses={**alt_content("csv"), **error_responses(404, 422, 503)},
)
def work_cited_by(
    request: Request,
    store: ReadStore,
    work_id: str,
    format: Annotated[TableFormat | None, Query(description="csv: one row per citation.")] = None,
) -> Any:
    """`work_id`: a work's id (`vn/nghi-dinh/107_2020_ndd-cp`) or a loose notation, %2F for its slashes:
    `NĐ 107/2020`, `107/2021/NĐ-CP`, `Nghị định 107/2020/NĐ-CP`, `218/KH-UBND`."""
    iri = document_iri(work_id)
    documents = cited_by(store, iri)
    if documents or is_work(store, iri):  # an exact work id
        works = [iri]
    else:
        answer = questions.cites(store, work_id)
        documents = [citing_document(d, d["citations"]) for d in answer]
        works = sorted({c.work for d in documents for c in d.citations}) or questions.resolve_works(store, work_id)
    if not works:
        raise ApiError(404, f"Không tìm thấy văn bản được trích dẫn (no work matches): {work_id}")
    if negotiate(request, format, ("json", "csv")) == "csv":
        return csv_response(_cited_by_rows(documents), CITED_BY_COLUMNS)
    return CitedBy(query=work_id, works=[WorkRef(id=short_id(w) or w, iri=w) for w in works], documents=documents)
