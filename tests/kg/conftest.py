"""A read-only store over the samples (`samples_store_dir` in tests/conftest.py), opened per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import GraphStore


@pytest.fixture
def samples_store(samples_store_dir: Path) -> Iterator[GraphStore]:
    store = GraphStore.open_local(samples_store_dir, read_only=True)
    yield store
    store.close()
