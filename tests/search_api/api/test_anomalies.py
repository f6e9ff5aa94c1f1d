"""/anomalies: the citation issues, filtered, as JSON and CSV."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import csv_rows


def test_anomalies(client: TestClient) -> None:
    items = client.get("/anomalies").json()["items"]
    assert any(a["kind"] == "suspected_typo" and a["probable"] for a in items)
    assert all(a["document_id"] and a["source"] for a in items)
    high = client.get("/anomalies", params={"severity": "high"}).json()["items"]
    assert high and all(a["severity"] == "high" for a in high)
    rows = csv_rows(client.get("/anomalies.csv"))
    assert len(rows) == len(items)
