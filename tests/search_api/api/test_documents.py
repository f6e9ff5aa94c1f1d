"""/documents and /documents/{id}: the page and its filters, one document with its text and spans, ids
%2F-encoded, the file's graph as Turtle and JSON-LD."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from kg.store import GraphStore
from tests.helpers import SAMPLES, VINH_LONG_PLAN, doc_id_of


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
    doc_id = doc_id_of(client, VINH_LONG_PLAN)
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


def test_one_document_is_read_without_listing_every_file(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """GET /documents/{id} listed every file's graph to find its own file and the copies of its content: a scan of
    the store per request, as an upload's were."""
    doc_id = doc_id_of(client, VINH_LONG_PLAN)
    listed = GraphStore.file_graphs
    listings: list[bool] = []

    def watched(store: GraphStore, *args: Any, **kwargs: Any) -> Any:
        listings.append(not args and not kwargs)
        return listed(store, *args, **kwargs)

    monkeypatch.setattr(GraphStore, "file_graphs", watched)
    body = client.get(f"/documents/{doc_id}").json()
    assert body["text_available"] and body["document"]["id"] == doc_id
    assert listings and not any(listings)


def test_document_id_may_be_percent_encoded(client: TestClient) -> None:
    doc_id = doc_id_of(client, VINH_LONG_PLAN)
    assert client.get(f"/documents/{quote(doc_id, safe='')}").json()["document"]["id"] == doc_id


def test_document_as_turtle_and_jsonld(client: TestClient) -> None:
    doc_id = doc_id_of(client, VINH_LONG_PLAN)
    turtle = client.get(f"/documents/{doc_id}", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 100
    by_suffix = client.get(f"/documents/{doc_id}.ttl")
    assert by_suffix.headers["content-type"].startswith("text/turtle")
    jsonld = client.get(f"/documents/{doc_id}", params={"format": "jsonld"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)


def test_reading_documents_leaves_the_module_pattern_cache_alone(client: TestClient) -> None:
    """Each document's unit names make a pattern of its own, which went through `re`'s module cache: 512 patterns
    kept (11 KB each over the real documents, 4.7 MB), evicting other code's."""
    ids = [d["id"] for d in client.get("/documents").json()["items"]]
    re.purge()
    for doc_id in ids:
        assert any(s["kind"] == "unit" for s in client.get(f"/documents/{doc_id}").json()["spans"])
    cache = re._cache  # type: ignore[attr-defined]  # (type, pattern, flags) → compiled
    assert isinstance(cache, dict) and not [k for k in cache if str(k[1]).startswith(r"(?<!\w)(?:")]
