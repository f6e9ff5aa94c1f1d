"""/works/{id}/cited-by: loose notations, exact work ids, CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.helpers import csv_rows


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


def test_cited_by_ascsv_rows(client: TestClient) -> None:
    rows = csv_rows(client.get("/works/NĐ%20107%2F2020/cited-by", params={"format": "csv"}))
    assert {Path(r["source"]).name[:3] for r in rows} == {"000", "002", "004"}
    assert all(r["text"] and r["relation"] for r in rows)
