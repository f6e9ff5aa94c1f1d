"""One ingest: extracted documents into the graph store, then into the search index beside it.

`cchc ingest`, `POST /documents`, the benchmarks, the notebooks and the tests all load through `ingest_into`,
so they leave a data directory in the same state. Documents come in extracted (`ingest.pipeline`): nothing here
reads or extracts a file again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.pipeline import Batch, Progress
from kg.loader import IngestSummary, load_graphs
from kg.store import GraphStore
from search_api.embedding import Embedder
from search_api.index_build import BuildSummary, build_index
from search_api.settings import Settings


@dataclass(frozen=True)
class Ingested:
    graph: IngestSummary
    index: BuildSummary | None  # None when no embedder was given or nothing was loaded


def ingest_into(
    settings: Settings,
    batch: Batch,
    embedder: Embedder | None,
    *,
    store: GraphStore | None = None,
    graph_progress: Progress | None = None,
    index_progress: Progress | None = None,
    all_or_nothing: bool = False,
) -> Ingested:
    """Load `batch` into the settings' store (or `store`, left open) and, with an embedder, into the index.

    `all_or_nothing`: when indexing fails, the files this call added to the graph leave it again, so a failed
    upload stores nothing; without it (`cchc ingest`) the graph keeps what was loaded and a rerun indexes it.
    """
    writer = store if store is not None else settings.open_store(read_only=False)
    try:
        summary = load_graphs(batch, writer, progress=graph_progress)
    finally:
        if store is None:
            writer.close()
    if embedder is None or not batch.documents:
        return Ingested(summary, None)
    try:
        built = build_index(settings.home, batch.documents, embedder, index_progress)
    except Exception:
        if all_or_nothing:
            _remove(settings, store, summary.added)
        raise
    return Ingested(summary, built)


def _remove(settings: Settings, store: GraphStore | None, sources: list[str]) -> None:
    writer = store if store is not None else settings.open_store(read_only=False)
    try:
        for source in sources:
            writer.remove_file(source)
    finally:
        if store is None:
            writer.close()
