"""GET|POST /sparql: the SPARQL 1.1 protocol over the graph, read-only, with a row and a time limit.

`kg.sparql_guard` refuses updates and SERVICE before anything runs. The query runs in a small
dedicated thread pool: on timeout the client gets a 504 at once; the engine cannot be interrupted, so
the worker stops at the next row it reads (a query that computes long before its first row keeps
its worker until done, and when every worker is taken new queries get a 503).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from dataclasses import dataclass
from typing import Annotated, Any, cast
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kg.iris import PREFIXES
from kg.sparql_guard import CheckedQuery, RefusedQuery, check_query
from kg.store import GraphStore
from search_api.api.deps import ReadStore, ServiceState, State
from search_api.api.errors import ApiError, error_responses, log
from search_api.api.models import SparqlResults

router = APIRouter(tags=["sparql"])

RESULTS_JSON = "application/sparql-results+json"
RESULTS_CSV = "text/csv"
_RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}


def _term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    if isinstance(node, Literal):
        term = {"type": "literal", "value": str(node)}
        if node.language:
            term["xml:lang"] = node.language
        elif node.datatype:
            term["datatype"] = str(node.datatype)
        return term
    return {"type": "literal", "value": str(node)}


@dataclass
class Outcome:
    form: str
    variables: list[str]
    rows: list[dict[str, dict[str, str]]]
    boolean: bool | None
    graph: Graph | None
    truncated: bool
    failure: tuple[int, str, str] | None = None  # (status, code, message) when the query did not complete


def _collect(store: GraphStore, checked: CheckedQuery, max_rows: int, deadline: float) -> Outcome:
    result: Result = store.run(checked.text)
    if checked.form == "ask":
        return Outcome("ask", [], [], bool(result.askAnswer), None, False)
    if checked.form in ("construct", "describe"):
        assert result.graph is not None
        graph, truncated = Graph(), False
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        for n, triple in enumerate(result.graph):
            if n == max_rows:
                truncated = True
                break
            graph.add(triple)
        return Outcome(checked.form, [], [], None, graph, truncated)
    variables = list(checked.variables) or [str(v) for v in (result.vars or [])]  # the query's order
    rows: list[dict[str, dict[str, str]]] = []
    truncated = False
    try:
        for row in cast(Any, result):
            if time.monotonic() > deadline:
                return Outcome("select", variables, [], None, None, False, (504, "timeout", "over the time limit"))
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append({str(k): _term(v) for k, v in row.asdict().items() if v is not None})
    finally:
        _release(result)
    return Outcome("select", variables, rows, None, None, truncated)


def _release(result: Result) -> None:
    """Close the generator of unread rows on this thread. It holds an Oxigraph iterator, which must be dropped
    on the thread that made it, in a reference cycle with the Result (oxrdflib's generator reads
    `result.vars`): left to the cyclic garbage collector it would be dropped on whichever thread runs it."""
    pending = getattr(result, "_genbindings", None)
    if pending is not None:
        pending.close()
        result._genbindings = None


def _execute(store: GraphStore, checked: CheckedQuery, max_rows: int, deadline: float) -> Outcome:
    """Run in a worker thread. Nothing holding engine objects leaves it (Oxigraph's result iterators must be
    dropped on the thread that made them), so failures come back as plain values, not exceptions."""
    try:
        return _collect(store, checked, max_rows, deadline)
    except (SyntaxError, ValueError) as err:  # the engine's own parse and type errors
        return Outcome(
            checked.form,
            [],
            [],
            None,
            None,
            False,
            (400, "sparql_syntax", f"SPARQL query failed: {str(err).splitlines()[0][:300]}"),
        )
    except Exception:  # anything else is ours: log it here, answer 500
        log.exception("SPARQL query failed: %s", checked.text[:500])
        return Outcome(checked.form, [], [], None, None, False, (500, "internal_error", "SPARQL query failed"))


async def _run(state: ServiceState, store: GraphStore, text: str) -> Outcome:
    try:
        checked = check_query(text)
    except RefusedQuery as err:
        raise ApiError(400, err.message, err.code) from None
    settings = state.settings
    if not state.sparql_slots.acquire(blocking=False):
        raise ApiError(503, "Máy chủ đang bận (every SPARQL worker is busy); try again later", "busy")
    deadline = time.monotonic() + settings.sparql_timeout_s

    task = state.sparql_pool.submit(_execute, store, checked, settings.sparql_max_rows, deadline)
    task.add_done_callback(lambda _: state.sparql_slots.release())  # also when cancelled before it started
    future = asyncio.wrap_future(task)
    try:
        outcome = await asyncio.wait_for(future, timeout=settings.sparql_timeout_s)
    except TimeoutError:
        outcome = Outcome(checked.form, [], [], None, None, False, (504, "timeout", ""))
    if outcome.failure is not None:
        status, code, message = outcome.failure
        if status == 504:
            message = f"Truy vấn quá thời gian (query over the {settings.sparql_timeout_s:g} s limit)"
        raise ApiError(status, message, code)
    return outcome


def _wants(request: Request, choices: tuple[str, ...]) -> str:
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in choices:
            return media
    return choices[0]


def _respond(request: Request, outcome: Outcome) -> Response:
    headers = {"X-SPARQL-Truncated": "true"} if outcome.truncated else {}
    if outcome.graph is not None:
        media = _wants(request, tuple(_RDF_TYPES))
        rdf = outcome.graph.serialize(format=_RDF_TYPES[media])
        return Response(rdf, media_type=f"{media}; charset=utf-8", headers=headers)
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
            "application/ld+json": {"schema": {"type": "string"}},
        },
    },
    **error_responses(400, 415, 422, 503, 504),
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
    store: ReadStore,
    query: Annotated[
        str,
        Query(
            description="A SPARQL 1.1 query; prefixes cchc, eli, org, prov, dct, skos … are predeclared.",
            examples=[_EXAMPLE],
        ),
    ],
) -> Response:
    return _respond(request, await _run(state, store, query))


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
async def sparql_post(request: Request, state: State, store: ReadStore) -> Response:
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
    return _respond(request, await _run(state, store, text))
