"""Content negotiation: JSON by default, CSV for tables, Turtle/JSON-LD for graph resources, iCalendar for deadlines.

A `format` query parameter wins over the Accept header; a `.csv`/`.ttl`/`.jsonld`/`.ics` suffix on the path is
turned into that parameter by `SuffixFormat` before routing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from rdflib import Graph
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from kg.iris import PREFIXES


class TableFormat(StrEnum):
    json = "json"
    csv = "csv"


class GraphFormat(StrEnum):
    json = "json"
    ttl = "ttl"
    jsonld = "jsonld"


MEDIA_TYPES = {
    "csv": "text/csv",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "json": "application/json",
    "ics": "text/calendar",
}
_BY_MEDIA_TYPE = {v: k for k, v in MEDIA_TYPES.items()}
SUFFIXES = (".csv", ".ttl", ".jsonld", ".ics")


def negotiate(request: Request, chosen: StrEnum | None, allowed: Iterable[str]) -> str:
    """The format to answer in: `?format=`, else the first acceptable media type in Accept, else json."""
    if chosen is not None:
        return chosen.value
    options = set(allowed)
    for part in request.headers.get("accept", "").split(","):
        fmt = _BY_MEDIA_TYPE.get(part.split(";")[0].strip().lower())
        if fmt in options:
            return fmt
    return "json"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text: a header line, lists joined with "; " (also what `cchc align --format csv` prints)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_response(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Response:
    """Rows as CSV (UTF-8, a header line; lists joined with "; ")."""
    return Response(csv_text(rows, columns), media_type="text/csv; charset=utf-8")


def rdf_response(graph: Graph, fmt: str) -> Response:
    """A graph as Turtle or JSON-LD (with the project's prefixes / context)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        body = graph.serialize(format="json-ld", context=context, auto_compact=True)
    else:
        body = graph.serialize(format="turtle")
    return Response(body, media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8")


JSON_LD_SCHEMA: dict[str, Any] = {"type": ["object", "array"], "description": "JSON-LD"}


def alt_content(*fmts: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: the other media types a 200 can have (JSON-LD is JSON, the others text)."""
    return {
        200: {
            "content": {
                MEDIA_TYPES[f]: {"schema": JSON_LD_SCHEMA if f == "jsonld" else {"type": "string"}} for f in fmts
            }
        }
    }


class SuffixFormat:
    """ASGI middleware: `/tasks.csv` → `/tasks?format=csv`, `/documents/x.ttl` → `/documents/x?format=ttl`.

    Only under the API's own prefixes, so static files keep their names.
    """

    def __init__(self, app: ASGIApp, prefixes: Sequence[str]) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            suffix = next((s for s in SUFFIXES if path.endswith(s)), None)
            if suffix and any(path == p + suffix or path.startswith(p + "/") for p in self.prefixes):
                query = scope.get("query_string", b"")
                extra = f"format={suffix[1:]}".encode()
                scope = {k: v for k, v in scope.items() if k != "raw_path"}  # stale once the path changes
                scope["path"] = path[: -len(suffix)]
                scope["query_string"] = query + b"&" + extra if query else extra
        await self.app(scope, receive, send)
