"""The API as a whole: /healthz, the one error shape for every failure (and for the unexpected), 503s before
there is a store or an index, readers seeing new writes, the OpenAPI contract and the UI after the API."""

from __future__ import annotations

import gc
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from search_api.api import documents
from search_api.api.deps import get_store
from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.settings import Settings
from tests.helpers import SAMPLES, VINH_LONG_PLAN, assert_error, load_files


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_answers_while_every_request_thread_is_busy(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/healthz touches no thread, lock or store: it answers while reads hold every request thread."""
    busy, done = threading.Event(), threading.Event()
    real = documents.summaries

    def slow_summaries(store: Any) -> Any:
        busy.set()
        done.wait(60)
        return real(store)

    monkeypatch.setattr(documents, "summaries", slow_summaries)
    statuses: list[int] = []
    with TestClient(create_app(Settings(home=home, request_threads=1), embedder=HashingEmbedder())) as client:
        reader = threading.Thread(target=lambda: statuses.append(client.get("/documents").status_code))
        reader.start()
        assert busy.wait(60)  # the only request thread is taken
        probe = threading.Thread(target=lambda: statuses.append(client.get("/healthz").status_code))
        probe.start()
        probe.join(timeout=30)
        answered = not probe.is_alive()
        done.set()
        reader.join()
        probe.join()
    assert answered
    assert statuses == [200, 200]


FAILURES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("GET", "/documents/_local/0000000000000000", {}, 404, "not_found"),
    ("GET", "/documents/..%2F..%2Fetc%2Fpasswd", {}, 404, "not_found"),
    ("GET", "/documents/../../etc/passwd", {}, 404, "not_found"),
    ("GET", "/documents/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", {}, 404, "not_found"),
    ("GET", "/units/..%2F..%2Fetc%2Fpasswd", {}, 404, "not_found"),
    ("GET", "/units/vn.vinh-long/khong-co", {}, 404, "not_found"),
    ("GET", "/works/..%2F..%2Fetc%2Fpasswd/cited-by", {}, 404, "not_found"),
    ("GET", "/works/NĐ%20999%2F2099/cited-by", {}, 404, "not_found"),
    ("GET", "/graph", {"node": "../../etc/passwd"}, 404, "not_found"),
    ("GET", "/compare", {"docs": "không có"}, 404, "not_found"),
    ("GET", "/no-such-route", {}, 404, "not_found"),
    ("GET", "/documents", {"province": "Atlantis"}, 400, "bad_request"),
    ("GET", "/tasks", {"area": "không có"}, 400, "bad_request"),
    ("GET", "/tasks", {"deadline_from": "2024-01-01", "deadline_to": "2023-01-01"}, 400, "bad_request"),
    ("GET", "/graph", {"edges": "friends"}, 422, "validation_error"),
    ("GET", "/search", {"q": "   "}, 400, "bad_request"),
    ("GET", "/search", {"q": "x", "year_from": 2024, "year_to": 2020}, 400, "bad_request"),
    ("GET", "/sparql", {"query": "SELECT ?x WHERE { ?x a"}, 400, "sparql_syntax"),
    ("GET", "/sparql", {"query": "DELETE WHERE { ?s ?p ?o }"}, 400, "sparql_update_refused"),
    (
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"},
        400,
        "sparql_service_refused",
    ),
    ("GET", "/search", {}, 422, "validation_error"),
    ("GET", "/search", {"q": "x", "k": 0}, 422, "validation_error"),
    ("GET", "/search", {"q": "x", "mode": "magic"}, 422, "validation_error"),
    ("GET", "/documents", {"page": "first"}, 422, "validation_error"),
    ("GET", "/tasks", {"deadline_from": "yesterday"}, 422, "validation_error"),
    ("GET", "/graph", {"depth": 99}, 422, "validation_error"),
    ("GET", "/compare", {}, 422, "validation_error"),
    ("GET", "/sparql", {}, 422, "validation_error"),
    ("GET", "/documents", {"format": "xml"}, 422, "validation_error"),
    ("DELETE", "/documents", {}, 405, "method_not_allowed"),
    ("PUT", "/healthz", {}, 405, "method_not_allowed"),
]


def test_a_serving_app_leaves_its_startup_objects_out_of_full_collections(home: Path) -> None:
    """A full collection walks every object the process holds: with the modules, lexicons and store the server
    loads at startup that was a pause of 0.1–0.9 s of every request, /healthz included, several times a minute
    under uploads. Frozen while the app serves (the cyclic garbage of requests is still collected)."""
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as client:
        assert gc.get_freeze_count() > 10_000
        assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() == 0  # released again when the app stops


@pytest.mark.parametrize(("method", "path", "params", "status", "code"), FAILURES)
def test_every_failure_has_the_one_error_shape(
    client: TestClient, method: str, path: str, params: dict[str, Any], status: int, code: str
) -> None:
    error = assert_error(client.request(method, path, params=params), status, code)
    if status == 422:
        assert "query." in error["message"]  # says which parameter


def test_unexpected_errors_are_500_in_the_error_shape_without_traceback(home: Path) -> None:
    app = create_app(Settings(home=home), embedder=HashingEmbedder())

    def broken() -> Any:
        raise RuntimeError("secret internals /etc/shadow")

    app.dependency_overrides[get_store] = broken
    with TestClient(app, raise_server_exceptions=False) as c:
        for path in ("/documents", "/units/vn.vinh-long/so-noi-vu", "/anomalies"):
            error = assert_error(c.get(path), 500, "internal_error")
            assert "secret" not in error["message"] and "RuntimeError" not in error["message"]


def test_missing_store_and_index_are_503(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(home=tmp_path), embedder=HashingEmbedder())) as c:
        assert_error(c.get("/documents"), 503, "no_store")
        assert_error(c.get("/search", params={"q": "kế hoạch"}), 503, "no_index")
        assert c.get("/healthz").status_code == 200


def test_a_sparql_server_that_is_gone_is_503_with_its_reason(tmp_path: Path) -> None:
    """The configured remote store down: each route says so in the error shape, not as an internal error."""
    settings = Settings(home=tmp_path, sparql_endpoint="http://127.0.0.1:9/sparql")  # nothing listens there
    with TestClient(create_app(settings, embedder=HashingEmbedder()), raise_server_exceptions=False) as c:
        for path in ("/documents", "/anomalies", "/units/vn.vinh-long/so-noi-vu"):
            error = assert_error(c.get(path), 503, "store_unavailable")
            assert "the SPARQL server cannot be reached" in error["message"]
        assert c.get("/healthz").status_code == 200


def test_store_changes_are_seen_by_readers(tmp_path: Path) -> None:
    """A reader's snapshot is replaced when the store changes on disk (here: a second ingest)."""
    home = tmp_path / "home"
    home.mkdir()
    samples = home / "samples"
    shutil.copytree(SAMPLES, samples)
    first = Settings(home=home).open_store(read_only=False)
    load_files([samples / VINH_LONG_PLAN], first)
    first.close()
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as c:
        assert c.get("/documents").json()["total"] == 1
        writer = Settings(home=home).open_store(read_only=False)
        load_files([samples], writer)
        writer.close()
        assert c.get("/documents").json()["total"] == 5


def test_openapi_declares_operation_ids_models_errors_and_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # 422 is declared in the one error shape instead
    seen: set[str] = set()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            assert op.get("operationId") and op["operationId"] not in seen, where
            seen.add(op["operationId"])
            ok = op["responses"].get("200") or op["responses"].get("201")
            assert ok, where
            ref = json.dumps(ok["content"])
            assert "#/components/schemas/" in ref, f"{where}: no response model"
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    assert "ErrorResponse" in json.dumps(response), f"{where} {status}"
            model = ok["content"].get("application/json", ok["content"].get("application/sparql-results+json"))
            name = model["schema"]["$ref"].rsplit("/", 1)[-1]
            examples = json.dumps([op.get("parameters", []), op.get("requestBody", {}), schemas[name]])
            assert '"example' in examples, f"{where}: no example"
    assert {
        "search",
        "list_documents",
        "get_document",
        "upload_document",
        "work_cited_by",
        "list_units",
        "get_unit",
        "list_tasks",
        "compare_plans",
        "list_anomalies",
        "get_graph",
        "sparql_query_get",
        "sparql_query_post",
        "healthz",
    } <= seen
    assert "Sở Nội vụ" in json.dumps(spec, ensure_ascii=False)  # Vietnamese examples


def test_ui_is_served_after_the_api(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/documents").headers["content-type"].startswith("application/json")


def test_options_lists_the_methods_of_the_path(client: TestClient) -> None:
    """Issue 12, item 12: OPTIONS had answered 405 with the UI's `GET, HEAD` whatever the path."""
    for path, allowed in (("/documents", "GET, HEAD, OPTIONS, POST"), ("/sparql", "GET, HEAD, OPTIONS, POST"),
                          ("/works/vn/x/cited-by", "GET, HEAD, OPTIONS")):  # fmt: skip
        response = client.options(path)
        assert response.status_code == 204 and response.headers["allow"] == allowed
    assert_error(client.options("/no-such-route"), 404)
