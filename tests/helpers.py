"""Helpers shared by test modules (fixtures live in conftest.py files; nothing here is a test)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ingest.pipeline import extract_paths
from kg.loader import IngestSummary, load_graphs
from kg.store import GraphStore

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "ingest" / "samples"


def shared_dir() -> Path:
    return Path(os.environ.get("CCHC_SHARED", REPO.parent / "shared")).resolve()


def load_files(paths: Iterable[Path], store: GraphStore) -> IngestSummary:
    """Extract files (JSON Lines corpora too) and load them into `store`, as `cchc ingest` does for the graph."""
    return load_graphs(extract_paths(paths, corpora=True), store)
