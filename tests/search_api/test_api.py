"""The HTTP API in-process (TestClient) over a data directory holding the five samples: every route's
happy path, the one error shape for every failure, path-like ids, and the OpenAPI contract.

SPARQL and uploads have their own files (test_api_sparql.py, test_api_upload.py); they build their data
directories with `ingested_home` from here.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from ingest.pipeline import extract_paths
from search_api.api.deps import get_store
from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.ingestion import ingest_into
from search_api.settings import Settings
from tests.conftest import SAMPLES
from tests.helpers import load_files

VINH_LONG_PLAN = "004_bf7d911f24922af4.txt"


def ingested_home(home: Path, *, index: bool = True) -> Path:
    """`home` with the samples (copied under it, so their recorded paths stay readable) in graph and index."""
    samples = home / "samples"
    shutil.copytree(SAMPLES, samples)
    done = ingest_into(Settings(home=home), extract_paths([samples]), HashingEmbedder() if index else None)
    assert not done.graph.failures and done.graph.changes["new"] == 5, done.graph.line()
    return home


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape, exactly: `{"error": {"status", "code", "message"}}` and nothing else."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in error["message"] and 'File "' not in error["message"]
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_home(tmp_path_factory.mktemp("api-home"))


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as c:
        yield c


def _doc_id(client: TestClient, file_name: str) -> str:
    docs = client.get("/documents").json()["items"]
    return str(next(d["id"] for d in docs if d["source"].endswith(file_name)))


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


# --- happy paths ---------------------------------------------------------------------------------


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_documents_page_and_filters(client: TestClient) -> None:
    page = client.get("/documents").json()
    assert page["total"] == 5 and len(page["items"]) == 5
    assert {d["id"] for d in page["items"]} == {d["iri"].split("/doc/", 1)[1] for d in page["items"]}
    soc_trang = client.get("/documents", params={"province": "Sóc Trăng"}).json()
    assert sorted(Path(d["source"]).name[:3] for d in soc_trang["items"]) == ["000", "001", "003"]  # district too
    plans = client.get("/documents", params={"kind": "Kế hoạch"}).json()
    assert {d["kind"] for d in plans["items"]} == {"ke-hoach"} and plans["total"] == 3
    second = client.get("/documents", params={"page": 2, "per_page": 2}).json()
    assert second["total"] == 5 and len(second["items"]) == 2 and second["items"][0] == page["items"][2]


def test_document_detail_text_spans_and_citations(client: TestClient) -> None:
    doc_id = _doc_id(client, VINH_LONG_PLAN)
    body = client.get(f"/documents/{doc_id}").json()
    assert body["document"]["id"] == doc_id and body["document"]["scope"] == "vn.vinh-long"
    assert body["text_available"] and body["text"].startswith(
        (SAMPLES / VINH_LONG_PLAN).read_text(encoding="utf-8")[:200]
    )
    text = body["text"]
    kinds = {s["kind"] for s in body["spans"]}
    assert {"citation", "task", "unit"} <= kinds
    for span in body["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(text)
        if span["kind"] in ("citation", "unit"):  # the label is the span's own text, whitespace collapsed
            assert " ".join(text[span["start"] : span["end"]].split()).lower() == span["label"].lower()
    units = [s for s in body["spans"] if s["kind"] == "unit"]
    assert any(s["label"] == "Sở Nội vụ" and s["ref"].endswith("/org/vn.vinh-long/so-noi-vu") for s in units)
    cited = {c["notation"] for c in body["cites"]}
    assert "107/2020/NĐ-CP" in cited
    assert all(c["relation"] and isinstance(c["flags"], list) for c in body["cites"])
    assert any(c["cue"] for c in body["cites"])
    assert body["cited_by"] == []  # an unnumbered plan: nothing can cite it


def test_document_id_may_be_percent_encoded(client: TestClient) -> None:
    doc_id = _doc_id(client, VINH_LONG_PLAN)
    assert client.get(f"/documents/{quote(doc_id, safe='')}").json()["document"]["id"] == doc_id


def test_document_as_turtle_and_jsonld(client: TestClient) -> None:
    doc_id = _doc_id(client, VINH_LONG_PLAN)
    turtle = client.get(f"/documents/{doc_id}", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 100
    by_suffix = client.get(f"/documents/{doc_id}.ttl")
    assert by_suffix.headers["content-type"].startswith("text/turtle")
    jsonld = client.get(f"/documents/{doc_id}", params={"format": "jsonld"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)


def _cited_by_files(body: dict[str, Any]) -> list[str]:
    return sorted(Path(d["source"]).name[:3] for d in body["documents"])


def test_cited_by_loose_notation(client: TestClient) -> None:
    body = client.get("/works/NĐ%20107%2F2020/cited-by").json()
    assert _cited_by_files(body) == ["000", "002", "004"]
    assert [w["id"] for w in body["works"]] == ["vn/nghi-dinh/107_2020_ndd-cp"]
    citation = body["documents"][0]["citations"][0]
    assert {"text", "start", "end", "relation", "cue", "date", "flags"} <= citation.keys()
    assert _cited_by_files(client.get("/works/107%2F2021%2FNĐ-CP/cited-by").json()) == ["002"]


def test_cited_by_exact_work_id(client: TestClient) -> None:
    body = client.get("/works/vn/nghi-dinh/107_2020_ndd-cp/cited-by").json()
    assert _cited_by_files(body) == ["000", "002", "004"]


def test_cited_by_as_csv(client: TestClient) -> None:
    rows = _csv(client.get("/works/NĐ%20107%2F2020/cited-by", params={"format": "csv"}))
    assert {Path(r["source"]).name[:3] for r in rows} == {"000", "002", "004"}
    assert all(r["text"] and r["relation"] for r in rows)


def test_units_search_and_detail(client: TestClient) -> None:
    units = client.get("/units", params={"q": "Sở Nội vụ", "province": "Vĩnh Long"}).json()["items"]
    assert units[0]["match"] == "exact" and units[0]["id"] == "vn.vinh-long/so-noi-vu"
    assert all(u["scope"].startswith("vn.vinh-long") for u in units)
    detail = client.get(f"/units/{units[0]['id']}").json()
    assert detail["name"] == "Sở Nội vụ" and len(detail["lead"]) >= 10
    assert all(t["role"] == "lead" for t in detail["lead"]) and all(
        t["role"] == "cooperate" for t in detail["cooperate"]
    )
    assert detail["partners"] and all(p["shared_tasks"] >= 1 and p["id"] for p in detail["partners"])
    unaccented = client.get("/units", params={"q": "so noi vu", "province": "vinh-long"}).json()["items"]
    assert unaccented[0]["id"] == "vn.vinh-long/so-noi-vu"
    rows = _csv(client.get(f"/units/{units[0]['id']}.csv"))
    assert len([r for r in rows if r["role"] == "lead"]) == len(detail["lead"])


def test_units_list_all_and_partial(client: TestClient) -> None:
    everything = client.get("/units").json()["items"]
    assert len(everything) > 20 and {u["match"] for u in everything} == {"all"}
    partial = client.get("/units", params={"q": "nội vụ"}).json()["items"]
    assert partial and all("nội vụ" in u["name"].lower() for u in partial)
    rows = _csv(client.get("/units", params={"province": "Đồng Nai"}, headers={"Accept": "text/csv"}))
    assert rows and all(r["scope"].startswith("vn.dong-nai") for r in rows)


def test_tasks_filters(client: TestClient) -> None:
    led = client.get("/tasks", params={"province": "Vĩnh Long", "lead": "Sở Nội vụ"}).json()
    assert led["total"] >= 10
    assert all(any(a["name"] == "Sở Nội vụ" for a in t["lead"]) for t in led["items"])
    assert all(t["scope"] == "vn.vinh-long" for t in led["items"])
    by_id = client.get("/tasks", params={"lead": "vn.vinh-long/so-noi-vu"}).json()
    assert by_id["total"] == led["total"]
    area = client.get("/tasks", params={"area": "Cải cách thủ tục hành chính"}).json()
    assert area["total"] > 0 and {t["area"] for t in area["items"]} == {"tthc"}
    window = client.get("/tasks", params={"deadline_from": "2023-01-01", "deadline_to": "2023-06-30"}).json()
    assert window["total"] > 0
    assert all("2023-01-01" <= t["deadline"]["end"] <= "2023-06-30" for t in window["items"])
    cooperating = client.get("/tasks", params={"cooperate": "Sở Tài chính"}).json()
    assert cooperating["total"] > 0
    assert all(any("tài chính" in a["name"].lower() for a in t["cooperate"]) for t in cooperating["items"])
    doc_id = _doc_id(client, VINH_LONG_PLAN)
    one = client.get("/tasks", params={"document": doc_id, "per_page": 1000}).json()
    assert one["total"] == len(one["items"]) > 0 and {t["document_id"] for t in one["items"]} == {doc_id}
    rows = _csv(client.get("/tasks.csv", params={"province": "Vĩnh Long", "lead": "Sở Nội vụ"}))
    assert len(rows) == led["total"]


def test_compare_two_plans(client: TestClient) -> None:
    body = client.get("/compare", params={"docs": "Vĩnh Long,Đồng Nai"}).json()
    assert sorted(p["scope"] for p in body["plans"]) == ["vn.dong-nai", "vn.vinh-long"]
    for plan in body["plans"]:
        assert plan["task_areas"] and all(a["tasks"] > 0 for a in plan["task_areas"])
        assert set(plan["cites_only_here"]) <= set(plan["cites"])
    assert "107/2020/NĐ-CP" in body["shared_basis"]
    ids = [p["id"] for p in body["plans"]]
    again = client.get("/compare", params=[("docs", ids[0]), ("docs", ids[1])]).json()
    assert [p["id"] for p in again["plans"]] == ids


def test_anomalies(client: TestClient) -> None:
    items = client.get("/anomalies").json()["items"]
    assert any(a["kind"] == "suspected_typo" and a["probable"] for a in items)
    assert all(a["document_id"] and a["source"] for a in items)
    high = client.get("/anomalies", params={"severity": "high"}).json()["items"]
    assert high and all(a["severity"] == "high" for a in high)
    rows = _csv(client.get("/anomalies.csv"))
    assert len(rows) == len(items)


def test_graph_around_a_unit(client: TestClient) -> None:
    body = client.get("/graph", params={"node": "org/vn.vinh-long/so-noi-vu", "depth": 1}).json()
    assert body["center"] == "org/vn.vinh-long/so-noi-vu"
    nodes = {n["data"]["id"]: n["data"] for n in body["elements"]["nodes"]}
    assert nodes["org/vn.vinh-long/so-noi-vu"]["kind"] == "unit"
    assert nodes["org/vn.vinh-long/so-noi-vu"]["province"] == "vinh-long"
    edges = [e["data"] for e in body["elements"]["edges"]]
    assert {e["kind"] for e in edges} >= {"lead", "cooperate"}
    assert all(e["source"] in nodes and e["target"] in nodes and e["id"] for e in edges)
    led = [e for e in edges if e["kind"] == "lead" and e["source"] == "org/vn.vinh-long/so-noi-vu"]
    assert len(led) >= 10
    deeper = client.get("/graph", params={"node": "vn.vinh-long/so-noi-vu", "depth": 2}).json()
    assert len(deeper["elements"]["nodes"]) > len(nodes)  # tasks → their plan and the other units
    only_cites = client.get("/graph", params={"node": "org/vn.vinh-long/so-noi-vu", "edges": "cites"}).json()
    assert [n["data"]["id"] for n in only_cites["elements"]["nodes"]] == ["org/vn.vinh-long/so-noi-vu"]


def test_graph_around_a_work_and_overview(client: TestClient) -> None:
    body = client.get("/graph", params={"node": "NĐ 107/2020", "edges": "cites"}).json()
    assert body["center"] == "doc/vn/nghi-dinh/107_2020_ndd-cp"
    citing = {e["data"]["source"] for e in body["elements"]["edges"] if e["data"]["target"] == body["center"]}
    assert len(citing) == 3
    overview = client.get("/graph", params={"limit": 25}).json()
    assert overview["center"] is None and overview["truncated"] and len(overview["elements"]["nodes"]) == 25
    turtle = client.get("/graph", params={"node": "NĐ 107/2020", "edges": "cites", "format": "ttl"})
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 0


def test_search_with_filters(client: TestClient) -> None:
    body = client.get("/search", params={"q": "cải cách thủ tục hành chính", "k": 5}).json()
    assert body["mode"] == "fused" and 0 < len(body["hits"]) <= 5
    hit = body["hits"][0]
    assert {"source", "document", "document_id", "text", "start", "end", "score"} <= hit.keys()
    assert client.get(f"/documents/{hit['document_id']}").status_code == 200
    only = client.get("/search", params={"q": "cai cach hanh chinh", "province": "Vĩnh Long", "mode": "bm25"}).json()
    assert only["hits"] and all(h["source"].endswith(VINH_LONG_PLAN) for h in only["hits"])
    years = client.get("/search", params={"q": "kế hoạch", "year_from": 2023, "year_to": 2023}).json()
    assert all(h["year"] == 2023 for h in years["hits"])


def test_search_by_document_number_answers_from_the_graph(client: TestClient) -> None:
    hits = client.get("/search", params={"q": "NĐ 107/2020", "k": 10}).json()["hits"]
    assert hits[0]["why"] == "graph"
    assert {Path(h["source"]).name[:3] for h in hits if h["why"] == "graph"} == {"000", "002", "004"}


# --- failures: the one error shape ---------------------------------------------------------------

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
    ("GET", "/graph", {"edges": "friends"}, 400, "bad_request"),
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


# --- OpenAPI -------------------------------------------------------------------------------------


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
