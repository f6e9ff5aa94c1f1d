"""/sparql: the SPARQL 1.1 protocol (GET, POST body, POST form), read-only, with row and time limits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.settings import Settings
from tests.helpers import assert_error, ingested_home

PLANS = "SELECT ?plan ?title WHERE { ?plan a cchc:Plan ; eli:title ?title } ORDER BY ?title"
# Two type patterns joined on nothing: ~2.5 M rows to count, about half a second; long enough for a 0.05 s limit.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?d a ?f }"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_home(tmp_path_factory.mktemp("sparql-home"), index=False)


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(home=home, sparql_max_rows=50), embedder=HashingEmbedder())) as c:
        yield c


def _bindings(response: object) -> list[dict[str, dict[str, str]]]:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/sparql-results+json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["head"]["vars"] == ["plan", "title"]
    return list(body["results"]["bindings"])


def test_get_select_in_sparql_json(client: TestClient) -> None:
    rows = _bindings(client.get("/sparql", params={"query": PLANS}))
    assert len(rows) == 3  # the three Kế hoạch among the samples
    assert all(r["plan"]["type"] == "uri" and r["title"]["type"] == "literal" for r in rows)
    assert {r["title"].get("xml:lang") for r in rows} == {"vi"}


def test_post_body_and_form_give_the_same_answer(client: TestClient) -> None:
    by_get = _bindings(client.get("/sparql", params={"query": PLANS}))
    by_body = client.post("/sparql", content=PLANS.encode(), headers={"Content-Type": "application/sparql-query"})
    by_form = client.post("/sparql", data={"query": PLANS})
    assert _bindings(by_body) == by_get == _bindings(by_form)


def test_ask_construct_and_csv(client: TestClient) -> None:
    ask = client.get("/sparql", params={"query": "ASK { ?t a cchc:Task }"}).json()
    assert ask["boolean"] is True and "results" not in ask
    construct = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?p eli:title ?t } WHERE { ?p a cchc:Plan ; eli:title ?t }"},
        headers={"Accept": "text/turtle"},
    )
    assert construct.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=construct.text, format="turtle")) == 3
    table = client.get("/sparql", params={"query": PLANS}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert len(rows) == 3 and rows[0].keys() == {"plan", "title"}


def test_row_limit_truncates_and_says_so(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"})
    body = response.json()
    assert len(body["results"]["bindings"]) == 50 and body["truncated"] is True
    assert response.headers["X-SPARQL-Truncated"] == "true"
    small = client.get("/sparql", params={"query": PLANS}).json()
    assert small["truncated"] is False


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <http://example.org/data.ttl>",
        "PREFIX ex: <http://example.org/> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_and_change_nothing(client: TestClient, query: str) -> None:
    before = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    assert_error(client.get("/sparql", params={"query": query}), 400, "sparql_update_refused")
    assert_error(client.post("/sparql", data={"update": query}), 400, "sparql_update_refused")
    assert_error(
        client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
        400,
        "sparql_update_refused",
    )
    after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    assert before == after


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://example.org/sparql> { ?s ?p ?x } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { OPTIONAL { SERVICE <http://e.org/q> { ?s ?p ?o } } } } }",
        "ASK { ?s ?p ?o MINUS { service <http://example.org/sparql> { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused_wherever_it_hides(client: TestClient, query: str) -> None:
    assert_error(client.get("/sparql", params={"query": query}), 400, "sparql_service_refused")


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?t WHERE { ?t a cchc:Task ; dct:description ?d FILTER (CONTAINS(?d, "SERVICE <http://x>")) }',
        "# SERVICE <http://example.org/sparql> { ?s ?p ?o }\nSELECT ?s WHERE { ?s a cchc:Plan }",
        'SELECT ?s WHERE { ?s <http://example.org/SERVICE> "INSERT DATA" }',
    ],
)
def test_keywords_in_literals_comments_and_iris_are_not_clauses(client: TestClient, query: str) -> None:
    assert client.get("/sparql", params={"query": query}).status_code == 200


@pytest.mark.parametrize(
    "query", ["SELECT ?x WHERE { ?x a cchc:Plan", "SELEKT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s nope:p ?o }", ""]
)
def test_malformed_queries_are_400(client: TestClient, query: str) -> None:
    assert_error(client.get("/sparql", params={"query": query}), 400, "sparql_syntax")


def test_post_needs_a_sparql_media_type(client: TestClient) -> None:
    assert_error(client.post("/sparql", content=PLANS.encode(), headers={"Content-Type": "text/plain"}), 415)
    assert_error(client.post("/sparql", data={"q": PLANS}), 400)


def test_time_limit_is_504_and_the_endpoint_recovers(home: Path) -> None:
    app = create_app(Settings(home=home, sparql_timeout_s=0.05), embedder=HashingEmbedder())
    with TestClient(app) as c:
        assert_error(c.get("/sparql", params={"query": SLOW}), 504, "timeout")
        streaming = "SELECT * WHERE { ?a a ?c . ?d a ?f }"  # rows stream: the worker stops at the deadline
        assert_error(c.get("/sparql", params={"query": streaming}), 504, "timeout")
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as c:
        assert int(c.get("/sparql", params={"query": SLOW}).json()["results"]["bindings"][0]["n"]["value"]) > 10**6


def test_busy_workers_are_503(home: Path) -> None:
    app = create_app(Settings(home=home), embedder=HashingEmbedder())
    slots = app.state.cchc.sparql_slots
    taken = 0
    while slots.acquire(blocking=False):  # as if every worker were still running a query past its limit
        taken += 1
    try:
        with TestClient(app) as c:
            assert_error(c.get("/sparql", params={"query": PLANS}), 503, "busy")
    finally:
        for _ in range(taken):
            slots.release()
    with TestClient(app) as c:
        assert c.get("/sparql", params={"query": PLANS}).status_code == 200
