"""/align: two plans' tasks paired one to one, as JSON and CSV, with the one error shape for bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.embedding import OnnxEmbedder
from search_api.settings import Settings
from tests.helpers import assert_error


@pytest.fixture(scope="module")
def client(home: Path, folder: Path) -> Iterator[TestClient]:
    """The samples' API with the project's e5 model: hashed n-grams do not tell paraphrases apart."""
    with TestClient(create_app(Settings(home=home), embedder=OnnxEmbedder(folder))) as c:
        yield c


def _plans(client: TestClient) -> tuple[str, str]:
    docs = client.get("/documents", params={"per_page": 100}).json()["items"]
    by_file = {d["source"].rsplit("/", 1)[-1][:3]: d["id"] for d in docs}
    return by_file["000"], by_file["002"]


def test_align_two_plans(client: TestClient) -> None:
    a, b = _plans(client)
    body: dict[str, Any] = client.get("/align", params={"a": a, "b": b}).json()
    assert body["a"]["id"] == a and body["b"]["id"] == b
    assert body["pairs"] and len(body["pairs"]) + body["counts"]["only_a"] == 25
    assert len({p["b"]["id"] for p in body["pairs"]}) == len(body["pairs"])
    assert body["counts"]["changed"] == sum(p["status"] == "changed" for p in body["pairs"])
    assert all(p["score"] >= body["threshold"] for p in body["pairs"])


def test_align_as_csv(client: TestClient) -> None:
    a, b = _plans(client)
    body = client.get("/align", params={"a": a, "b": b}).json()
    response = client.get("/align.csv", params={"a": a, "b": b})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(body["pairs"]) + body["counts"]["only_a"] + body["counts"]["only_b"]
    assert {r["status"] for r in rows} <= {"matched", "changed", "only_a", "only_b"}


@pytest.mark.parametrize(("which", "status"), [("missing", 404), ("same", 400), ("absent", 422)])
def test_bad_plans_have_the_one_error_shape(client: TestClient, which: str, status: int) -> None:
    a, _ = _plans(client)
    params = {"missing": {"a": a, "b": "_local/0000000000000000"}, "same": {"a": a, "b": a}, "absent": {"a": a}}
    assert_error(client.get("/align", params=params[which]), status)
