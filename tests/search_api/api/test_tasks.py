"""/tasks: every filter (province, area, lead, cooperating unit, deadline, document)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import VINH_LONG_PLAN, csv_rows, doc_id_of


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
    doc_id = doc_id_of(client, VINH_LONG_PLAN)
    one = client.get("/tasks", params={"document": doc_id, "per_page": 1000}).json()
    assert one["total"] == len(one["items"]) > 0 and {t["document_id"] for t in one["items"]} == {doc_id}
    rows = csv_rows(client.get("/tasks.csv", params={"province": "Vĩnh Long", "lead": "Sở Nội vụ"}))
    assert len(rows) == led["total"]
