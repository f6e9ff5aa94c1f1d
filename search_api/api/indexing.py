"""Keeping the search index in step with uploads (the same `build_index` `cchc ingest` uses)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.pipeline import extract_file
from ingest.read import read_file
from search_api.index import SearchIndex, SearchIndexError, build_index
from search_api.settings import Settings


def add_file(settings: Settings, path: Path, embedder: Any) -> bool:
    """Index one ingested file (chunks, embeddings, BM25); True once it is searchable."""
    limit = int(settings.max_upload_mb * 1_000_000)
    text = read_file(path, max_bytes=limit).text
    build_index(settings.home, [extract_file(path, max_bytes=limit)], {str(path): text}, embedder)
    return True


def is_indexed(settings: Settings, source: str) -> bool:
    try:
        index = SearchIndex.open(settings.home, read_only=True)
    except SearchIndexError:
        return False
    try:
        return source in index.sources()
    finally:
        index.close()
