"""One data directory with the five samples in graph and index, and a client over it, for every router's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.settings import Settings
from tests.helpers import ingested_home


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_home(tmp_path_factory.mktemp("api-home"))


@pytest.fixture(scope="session")
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as c:
        yield c
