"""Building the search index from extracted documents: chunk, embed what is new, commit in batches, save.

`build_index` is the index half of every ingest (`search_api.ingestion.ingest_into`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.pipeline import Progress
from ingest.records import Extracted
from search_api.chunks import CHUNKER_VERSION, Chunk, chunks_of
from search_api.embedding import Embedder
from search_api.index import EMBED_BATCH, SearchIndex, SearchIndexError
from search_api.vectors import HnswPolicy


@dataclass
class BuildSummary:
    """What `build_index` did."""

    documents: int = 0
    changes: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        c = self.changes
        return (
            f"search index: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged documents; "
            f"{self.chunks:,} chunks, {self.embedded:,} embedded in {self.seconds:.1f} s"
        )


def build_index(
    data_dir: Path,
    documents: Iterable[Extracted],
    embedder: Embedder,
    progress: Progress | None = None,
    *,
    policy: HnswPolicy | None = None,
) -> BuildSummary:
    """Bring the index of `data_dir` up to date with these documents (others stay as they are).

    Unchanged files (same sha256 and chunker version) are skipped; changed ones are re-chunked and replace their
    old chunks; only new texts are embedded, EMBED_BATCH chunks at a time, each batch committed, so an
    interrupted build resumes where it stopped. `progress(done, total)` counts documents.
    """
    started = time.perf_counter()
    summary = BuildSummary()
    index = SearchIndex.open(data_dir, policy=policy)
    try:
        index.use_model(embedder)
        summary.embedded += index.embed_missing(embedder)
        known = index.sources()
        items = list(documents)
        batch: list[tuple[str, str, Sequence[Chunk]]] = []
        pending = 0
        for done, document in enumerate(items, start=1):
            sha = document.extraction.document.sha256
            previous = known.get(document.source)
            if previous == (sha, CHUNKER_VERSION):
                summary.changes["unchanged"] += 1
            else:
                summary.changes["new" if previous is None else "updated"] += 1
                chunks = chunks_of(document)
                batch.append((document.source, sha, chunks))
                pending += len(chunks)
            if pending >= EMBED_BATCH or (done == len(items) and batch):
                summary.embedded += index.add_documents(batch, embedder)
                batch, pending = [], 0
            if progress:
                progress(done, len(items))
        summary.documents = len(items)
        index.save()
        summary.chunks = len(index)
    finally:
        index.close()
    summary.seconds = time.perf_counter() - started
    return summary


def is_indexed(data_dir: Path, source: str) -> bool:
    """Whether the index of `data_dir` holds `source` (False when there is no index yet)."""
    try:
        index = SearchIndex.open(data_dir, read_only=True)
    except SearchIndexError:
        return False
    try:
        return source in index.sources()
    finally:
        index.close()
