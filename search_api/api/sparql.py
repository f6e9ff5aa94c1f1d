"""GET|POST /sparql: the SPARQL 1.1 protocol over the graph, read-only, with a row and a time limit.

Every query runs in a worker process (`search_api.api.sparql_workers`): the read-only check of
`kg.sparql_guard` (updates, SERVICE and FROM are refused), parsing and the query itself. Past the time
limit the worker is killed, so the query really stops and the client gets a 504; when every worker is
taken a new query gets a 503, and past a client's own share a 429.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any
from urllib.parse import parse_qs

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from search_api.api.deps import ServiceState, State
from search_api.api.errors import ApiError, error_responses, log
from search_api.api.formats import JSON_LD_SCHEMA
from search_api.api.models import SparqlResults
from search_api.api.sparql_workers import Busy, Outcome, QueryRequest

router = APIRouter(tags=["sparql"])

RESULTS_JSON = "application/sparql-results+json"
RESULTS_CSV = "text/csv"
_RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}


async def _run(request: Request, state: ServiceState, text: str) -> tuple[Outcome, str]:
    """The query's outcome and, for CONSTRUCT and DESCRIBE, the RDF media type it is written in."""
    media = _wants(request, tuple(_RDF_TYPES))
    settings = state.settings
    asked = QueryRequest(text, settings.sparql_max_rows, _RDF_TYPES[media])
    client = request.client.host if request.client else "-"
    try:
        # Waiting on a worker process is not computing: its own threads, not the request threads.
        outcome = await to_thread.run_sync(state.sparql.answer, client, asked, limiter=state.sparql.waiters)
    except Busy as err:
        raise ApiError(err.status, err.message, "busy" if err.status == 503 else "too_many_requests") from None
    if outcome.failure is not None:
        status, code, message = outcome.failure
        if status == 500:
            log.error("%s: %s", message, text[:500])
        raise ApiError(status, message, code)
    return outcome, media


def _wants(request: Request, choices: tuple[str, ...]) -> str:
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in choices:
            return media
    return choices[0]


def _respond(request: Request, answer: tuple[Outcome, str]) -> Response:
    outcome, media = answer
    headers = {"X-SPARQL-Truncated": "true"} if outcome.truncated else {}
    if outcome.rdf is not None:
        return Response(outcome.rdf, media_type=f"{media}; charset=utf-8", headers=headers)
    if outcome.form == "select" and _wants(request, (RESULTS_JSON, "application/json", RESULTS_CSV)) == RESULTS_CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(outcome.variables)
        for row in outcome.rows:
            writer.writerow([row[v]["value"] if v in row else "" for v in outcome.variables])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    body: dict[str, Any] = {"head": {"vars": outcome.variables}}
    if outcome.form == "ask":
        body["boolean"] = outcome.boolean
    else:
        body["results"] = {"bindings": outcome.rows}
    body["truncated"] = outcome.truncated
    return Response(json.dumps(body, ensure_ascii=False), media_type=RESULTS_JSON, headers=headers)


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "SPARQL results (JSON or CSV) for SELECT/ASK; RDF for CONSTRUCT/DESCRIBE.",
        "content": {
            RESULTS_JSON: {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
            RESULTS_CSV: {"schema": {"type": "string"}},
            "text/turtle": {"schema": {"type": "string"}},
            "application/ld+json": {"schema": JSON_LD_SCHEMA},
            "application/n-triples": {"schema": {"type": "string"}},
        },
    },
    **error_responses(400, 413, 415, 422, 429, 503, 504),
}
_EXAMPLE = "SELECT ?plan ?title WHERE { ?plan a cchc:Plan ; eli:title ?title } LIMIT 10"


@router.get(
    "/sparql",
    operation_id="sparql_query_get",
    summary="Truy vấn SPARQL chỉ đọc (read-only SPARQL, GET)",
    response_model=SparqlResults,
    responses=_RESPONSES,
)
async def sparql_get(
    request: Request,
    state: State,
    query: Annotated[
        str,
        Query(
            description="A SPARQL 1.1 query; prefixes cchc, eli, org, prov, dct, skos … are predeclared.",
            examples=[_EXAMPLE],
        ),
    ],
) -> Response:
    return _respond(request, await _run(request, state, query))


@router.post(
    "/sparql",
    operation_id="sparql_query_post",
    summary="Truy vấn SPARQL chỉ đọc (read-only SPARQL, POST)",
    response_model=SparqlResults,
    responses=_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/sparql-query": {"schema": {"type": "string"}, "example": _EXAMPLE},
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "required": ["query"], "properties": {"query": {"type": "string"}}}
                },
            },
        }
    },
)
async def sparql_post(request: Request, state: State) -> Response:
    """The body is the query (`application/sparql-query`) or a form with `query=`; `update=` is refused."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    limit = state.settings.sparql_max_query_mb
    if len(body) > int(limit * 1_000_000):
        raise ApiError(413, f"query over {limit:g} MB")
    text = body.decode("utf-8", errors="replace")
    if media == "application/x-www-form-urlencoded":
        form = parse_qs(text)
        if "update" in form:
            raise ApiError(400, "SPARQL Update is refused: this endpoint is read-only", "sparql_update_refused")
        if "query" not in form:
            raise ApiError(400, "form field `query` is required")
        text = form["query"][0]
    elif media != "application/sparql-query":
        raise ApiError(415, "send application/sparql-query or a form (application/x-www-form-urlencoded) with query=")
    return _respond(request, await _run(request, state, text))
