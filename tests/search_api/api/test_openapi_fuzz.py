"""Schemathesis over the OpenAPI document, in process: every route, generated requests, no 5xx and every answer
as the schema declares it (status, content type, headers, body). Bounded: a few examples per operation."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.settings import Settings
from tests.helpers import ingested_home

EXAMPLES = 25
# Routes where a request the schema allows may still be refused (a documented 400 or 415): a SPARQL text, an
# uploaded file's content, a province or reform area named loosely are only known valid once read. Every other
# route accepts whatever its schema allows.
READ_TO_KNOW = {"GET /search", "GET /documents", "POST /documents", "GET /units", "GET /tasks", "GET /sparql",
                "POST /sparql", "GET /deadlines"}  # fmt: skip


def _check(operation: schemathesis.APIOperation) -> None:
    excluded = [positive_data_acceptance] if operation.label in READ_TO_KNOW else []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(excluded_checks=excluded)

    check()


def test_every_route_answers_as_its_schema_says(tmp_path: Path) -> None:
    app = create_app(Settings(home=ingested_home(tmp_path), sparql_timeout_s=2), embedder=HashingEmbedder())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        checked += 1
        try:
            _check(operation)
        except (Exception, BaseExceptionGroup) as err:  # every operation is checked; failures are listed together
            failures.append(f"{operation.label}: {str(err)[:1500]}")
    assert checked >= 14
    assert not failures, "\n\n".join(failures)
