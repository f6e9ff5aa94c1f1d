"""/deadlines: the calendar as JSON and as an iCalendar file, with the one error shape for bad input."""

from __future__ import annotations

import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.helpers import assert_error

Q1 = {"from": "2024-01-01", "to": "2024-03-31"}


def test_due_in_q1_2024_with_unit_and_span(client: TestClient) -> None:
    body = client.get("/deadlines", params=Q1).json()
    assert body["due"] and body["start"] == "2024-01-01" and body["end"] == "2024-03-31"
    for entry in body["due"]:
        assert "2024-01-01" <= entry["due"] <= "2024-03-31"
        task = entry["task"]
        assert task["lead"] and task["end"] > task["start"] and task["source"].endswith(".txt")
        assert task["document_id"] and not task["document_id"].startswith("http")
    assert {v["reason"] for v in body["vague"]} >= {"after an event"}


def test_overdue_as_of_and_filters(client: TestClient) -> None:
    body = client.get("/deadlines", params={"from": "2024-01-01", "to": "2024-12-31", "as_of": "2024-07-01"}).json()
    overdue = [d for d in body["due"] if d["overdue"]]
    assert body["overdue"] == len(overdue) > 0 and all(d["due"] < "2024-07-01" for d in overdue)
    other = client.get("/deadlines", params={**Q1, "province": "Vĩnh Long"}).json()
    assert other["due"] == []  # Vĩnh Long's plan is of 2023
    one = client.get("/deadlines", params={**Q1, "unit": "Phòng Quản trị - Tài vụ"}).json()
    assert one["due"] and all(
        any(a["name"] == "Phòng Quản trị - Tài vụ" for a in (*d["task"]["lead"], *d["task"]["cooperate"]))
        for d in one["due"]
    )
    plan = body["due"][0]["task"]["document_id"]
    assert client.get("/deadlines", params={**Q1, "document": plan}).json()["due"]


@pytest.mark.parametrize("how", ["param", "suffix"])
def test_ics_parses_back(client: TestClient, how: str) -> None:
    path, extra = ("/deadlines", {"format": "ics"}) if how == "param" else ("/deadlines.ics", {})
    response = client.get(path, params={**Q1, **extra})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    body = client.get("/deadlines", params=Q1).json()
    assert len(events) == len(body["due"]) + len(body["ongoing"])


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2024-03-01", "to": "2024-01-01"}, 400),
        ({"province": "Atlantis"}, 400),
        ({"document": "_local/0000000000000000"}, 404),
        ({"from": "01/03/2024"}, 422),
    ],
)
def test_bad_input_has_the_one_error_shape(client: TestClient, params: dict[str, str], status: int) -> None:
    assert_error(client.get("/deadlines", params=params), status)
