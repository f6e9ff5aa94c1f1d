"""One ingest: extract once, load the graph, then bring the search index up to date.

`cchc ingest`, the benchmarks and the tests all go through here, so they leave a data directory
in the same state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.loader import IngestSummary, Progress, ingest_paths
from search_api import index
from search_api.embedding import Embedder
from search_api.settings import Settings


@dataclass(frozen=True)
class Ingested:
    graph: IngestSummary
    index: index.BuildSummary | None  # None when no embedder was given or nothing was loaded


def ingest_into(
    settings: Settings,
    paths: Iterable[Path],
    embedder: Embedder | None,
    *,
    graph_progress: Progress | None = None,
    index_progress: index.Progress | None = None,
) -> Ingested:
    """Load `paths` into the settings' store and, with an embedder, into the search index beside it."""
    store = settings.open_store(read_only=False)
    try:
        summary = ingest_paths(paths, store, progress=graph_progress)
    finally:
        store.close()
    built = None
    if embedder is not None and summary.loaded:
        built = index.build_index(settings.home, summary.loaded, summary.texts, embedder, index_progress)
    return Ingested(summary, built)
