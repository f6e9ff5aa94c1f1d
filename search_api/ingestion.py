"""One ingest: extracted documents into the graph store, then into the search index beside it.

`cchc ingest`, `POST /documents`, the benchmarks, the notebooks and the tests all load through `ingest_into`,
so they leave a data directory in the same state. Documents come in extracted (`ingest.pipeline`): nothing here
reads or extracts a file again. The whole ingest (graph, then index) holds the data directory's writer lock
(`search_api.store_lock`) and starts by reconciling graph, index and uploads (`search_api.reconcile`), so a
writer that crashed before is healed by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.pipeline import Batch, Progress
from kg.loader import IngestSummary, load_graphs
from kg.store import GraphStore
from search_api.embedding import Embedder
from search_api.index_build import BuildSummary, build_index
from search_api.reconcile import Reconciled, reconcile
from search_api.settings import Settings
from search_api.store_lock import writing


@dataclass(frozen=True)
class Ingested:
    graph: IngestSummary
    index: BuildSummary | None  # None when no embedder was given or nothing was loaded
    reconciled: Reconciled


def ingest_into(
    settings: Settings,
    batch: Batch,
    embedder: Embedder | None,
    *,
    store: GraphStore | None = None,
    graph_progress: Progress | None = None,
    index_progress: Progress | None = None,
    all_or_nothing: bool = False,
    wait: float | None = 0.0,
) -> Ingested:
    """Load `batch` into the settings' store (or `store`, left open) and, with an embedder, into the index.

    `all_or_nothing`: when indexing fails, the files this call added to the graph leave it again, so a failed
    upload stores nothing; without it (`cchc ingest`) the graph keeps what was loaded and a rerun indexes it.
    `wait`: seconds to wait for another writer (None: until it is done); past it, `StoreBusy`.
    """
    with writing(settings.home, wait=wait):
        writer = store if store is not None else settings.open_store(read_only=False)
        try:
            model = (lambda: embedder) if embedder is not None else None
            incoming = [d.source for d in batch.documents]
            healed = reconcile(settings.home, writer, model, max_bytes=settings.max_file_bytes, incoming=incoming)
            summary = load_graphs(batch, writer, progress=graph_progress)
        finally:
            if store is None:
                writer.close()
        if embedder is None or not batch.documents:
            return Ingested(summary, None, healed)
        try:
            built = build_index(settings.home, batch.documents, embedder, index_progress)
        except Exception:
            if all_or_nothing:
                _remove(settings, store, summary.added)
            raise
        return Ingested(summary, built, healed)


def _remove(settings: Settings, store: GraphStore | None, sources: list[str]) -> None:
    writer = store if store is not None else settings.open_store(read_only=False)
    try:
        for source in sources:
            writer.remove_file(source)
    finally:
        if store is None:
            writer.close()
