"""/works/{id}/cited-by: loose notations, exact work ids, CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_error, csv_rows


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


def test_every_work_the_api_returns_answers_cited_by(client: TestClient) -> None:
    """Issue 12, defect 10: a law cited by name had a work id that /works/{id}/cited-by answered with 404."""
    checked = 0
    for document in client.get("/documents").json()["items"]:
        for citation in client.get(f"/documents/{document['id']}").json()["cites"]:
            response = client.get(f"/works/{quote(citation['work_id'], safe='')}/cited-by")
            assert response.status_code == 200, (citation["work_id"], response.text)
            assert document["source"] in {d["source"] for d in response.json()["documents"]}
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("bad", [" ", ">", '"', "{}", "<", "\\", "^", "`", "|", "%00"])
def test_an_iri_with_characters_iris_cannot_hold_is_not_found(client: TestClient, bad: str) -> None:
    """Issue 12, defect 11: a full IRI with a space, `>`, `"` or `{}` had given a 500."""
    iri = f"https://w3id.org/vn-cchc/doc/vn/nghi-dinh/107{bad}2020"
    for path in (f"/works/{quote(iri, safe='')}/cited-by", f"/documents/{quote(iri, safe='')}"):
        assert_error(client.get(path), 404)
    unit = f"https://w3id.org/vn-cchc/org/vn.vinh-long/so{bad}noi-vu"
    assert_error(client.get(f"/units/{quote(unit, safe='')}"), 404)
