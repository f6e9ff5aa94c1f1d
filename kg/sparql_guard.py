"""Decide whether a SPARQL request may run on the read-only endpoint.

The text is parsed with rdflib's SPARQL 1.1 grammar (with the project's prefixes predeclared), never
scanned for keywords: `"SERVICE"` inside a string literal, an IRI or a comment is not a SERVICE clause,
and `INSERT` in a literal is not an update. A text that is not a query is parsed once more as an update
to tell "an update, refused" from "malformed". A query is refused when its algebra holds a SERVICE
pattern anywhere (nested groups, subqueries, OPTIONAL, MINUS, FILTER EXISTS), and when it names its
dataset (FROM, FROM NAMED): the engine would ignore it and answer over every graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.iris import PREFIXES

QueryForm = Literal["select", "ask", "construct", "describe"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


class RefusedQuery(ValueError):
    """Why a request cannot run; `code` is `sparql_syntax`, `sparql_update_refused`, `sparql_service_refused` or
    `sparql_from_refused`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    text: str
    form: QueryForm
    variables: tuple[str, ...]  # SELECT's projection, in order (empty for other forms)


def _nodes(node: Any) -> Iterator[CompValue]:
    """Every algebra/parse node below `node` (CompValues are dicts; patterns sit in lists too)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:300]


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:  # pyparsing and rdflib raise many types; any failure means "not an update"
        return False
    return True


def check_query(text: str) -> CheckedQuery:
    """The query, its form and projection; raises `RefusedQuery` for malformed text, updates and SERVICE."""
    if not text.strip():
        raise RefusedQuery("sparql_syntax", "empty query")
    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except Exception as err:  # parse and translation errors have no common base class
        if _is_update(text):
            raise RefusedQuery(
                "sparql_update_refused", "SPARQL Update is refused: this endpoint is read-only"
            ) from None
        raise RefusedQuery("sparql_syntax", f"malformed SPARQL query: {_first_line(err)}") from None
    algebra = prepared.algebra
    if any(n.name == "ServiceGraphPattern" for n in _nodes(algebra)):
        raise RefusedQuery("sparql_service_refused", "SERVICE (federated query) is refused on this endpoint")
    if dict(algebra).get("datasetClause"):
        raise RefusedQuery(
            "sparql_from_refused",
            "FROM / FROM NAMED is not supported: the default graph is the union of every document's graph; "
            "name one with GRAPH <iri> { … }",
        )
    form = _FORMS.get(algebra.name)
    if form is None:
        raise RefusedQuery("sparql_syntax", f"unsupported query form {algebra.name}")
    projection: list[Any] = list(algebra["PV"]) if form == "select" else []
    variables = tuple(str(v) for v in projection)
    return CheckedQuery(text=text, form=form, variables=variables)
