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


class IndexWriter:
    """The index half of an ingest, batch by batch: chunk, embed only texts without a vector, commit.

    The index is opened once and never loaded: each batch goes to the database only, and `close` writes the
    segments of what is new (`SearchIndex.save`). Unchanged files (same sha256 and chunker version) are
    skipped; every batch of EMBED_BATCH chunks is committed, so an interrupted build resumes where it stopped.
    """

    def __init__(self, data_dir: Path, embedder: Embedder) -> None:
        self.started = time.perf_counter()
        self.summary = BuildSummary()
        self.embedder = embedder
        self.index = SearchIndex.open(data_dir)
        try:
            self.index.use_model(embedder)
            self.summary.embedded += self.index.embed_missing(embedder)
            self.known = self.index.sources()
        except BaseException:
            self.index.close()
            raise
        self._batch: list[tuple[str, str, Sequence[Chunk]]] = []
        self._pending = 0

    def is_indexed(self, source: str, sha256: str) -> bool:
        return self.known.get(source) == (sha256, CHUNKER_VERSION)

    def add(self, document: Extracted, chunks: Sequence[Chunk] | None = None) -> None:
        """Queue one document (with its chunks when a worker already cut them); commits every EMBED_BATCH
        chunks."""
        sha = document.extraction.document.sha256
        previous = self.known.get(document.source)
        self.summary.documents += 1
        if previous == (sha, CHUNKER_VERSION):
            self.summary.changes["unchanged"] += 1
            return
        self.summary.changes["new" if previous is None else "updated"] += 1
        cut = chunks_of(document) if chunks is None else chunks
        self._batch.append((document.source, sha, cut))
        self.known[document.source] = (sha, CHUNKER_VERSION)
        self._pending += len(cut)
        if self._pending >= EMBED_BATCH:
            self.flush()

    def flush(self) -> None:
        """Commit the queued documents."""
        if self._batch:
            self.summary.embedded += self.index.add_documents(self._batch, self.embedder)
        self._batch, self._pending = [], 0

    def close(self) -> BuildSummary:
        """Commit what is queued, then write its segments."""
        try:
            self.flush()
            self.index.save()
            self.summary.chunks = len(self.index)
        finally:
            self.index.close()
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary


def build_index(
    data_dir: Path,
    documents: Iterable[Extracted],
    embedder: Embedder,
    progress: Progress | None = None,
) -> BuildSummary:
    """Bring the index of `data_dir` up to date with these documents (others stay as they are); see
    `IndexWriter`. `progress(done, total)` counts documents."""
    writer = IndexWriter(data_dir, embedder)
    try:
        items = list(documents)
        for done, document in enumerate(items, start=1):
            writer.add(document)
            if progress:
                progress(done, len(items))
    except BaseException:
        writer.index.close()
        raise
    return writer.close()


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
