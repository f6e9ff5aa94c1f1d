"""A store with the five sample documents ingested, shared by the graph tests (read-only use)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.loader import ingest_paths
from kg.store import GraphStore
from tests.conftest import SAMPLES


@pytest.fixture(scope="session")
def samples_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cchc-home")
    store = GraphStore.open_local(home)
    summary = ingest_paths([SAMPLES], store)
    store.close()
    assert summary.changes["new"] == 5 and not summary.failures
    return home


@pytest.fixture
def samples_store(samples_store_dir: Path) -> Iterator[GraphStore]:
    store = GraphStore.open_local(samples_store_dir, read_only=True)
    yield store
    store.close()
