"""/search over the samples (HashingEmbedder): filters, and document numbers answered from the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kg.store import GraphStore
from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.settings import Settings
from tests.helpers import VINH_LONG_PLAN


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


def test_a_query_typed_without_diacritics_says_how_it_was_read(client: TestClient) -> None:
    plain = client.get("/search", params={"q": "cai cach thu tuc hanh chinh", "k": 3}).json()
    assert plain["read_as"] == "cải cách thủ tục hành chính"
    accented = client.get("/search", params={"q": "cải cách thủ tục hành chính", "k": 3}).json()
    assert accented["read_as"] is None
    keywords_only = client.get("/search", params={"q": "cai cach", "mode": "bm25"}).json()
    assert keywords_only["read_as"] is None  # BM25 matches the folded text as typed: nothing was re-read


def test_the_searcher_reads_the_graph_snapshot_every_request_reads(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A searcher opened its own read-only Oxigraph handle beside the one every other route reads: two sets of
    caches and table indexes (about 11 MB over the 418 real documents), both opened again at every upload."""
    opened: list[bool] = []
    open_local = GraphStore.open_local.__func__  # type: ignore[attr-defined]

    def counted(cls: type[GraphStore], directory: Path, *, read_only: bool = False) -> GraphStore:
        opened.append(read_only)
        return open_local(cls, directory, read_only=read_only)  # type: ignore[no-any-return]

    monkeypatch.setattr(GraphStore, "open_local", classmethod(counted))
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as fresh:
        hits = fresh.get("/search", params={"q": "NĐ 107/2020", "k": 10}).json()["hits"]
        assert hits[0]["why"] == "graph"
        assert fresh.get("/works/NĐ 107%2F2020/cited-by").status_code == 200
    assert opened.count(True) == 1  # (the start-up reconciliation opens the writer)
