"""One ingest: extracted documents into the graph store, then into the search index beside it.

`cchc ingest` streams (`ingest_stream`): documents are read, extracted, loaded and indexed a bounded batch at a
time, so memory does not grow with the corpus, and each batch is committed, so a killed run started again goes
on where it stopped (a document already in the graph and the index is neither extracted nor embedded again).
`POST /documents`, the benchmarks, the notebooks and the tests load a batch already extracted (`ingest_into`).
Both go through the same writers (`kg.loader.GraphWriter`, `search_api.index_build.IndexWriter`), so they leave a
data directory in the same state; extraction (and embedding) may run on Dask workers (`search_api.distributed`).
Either holds the data directory's writer lock (`search_api.store_lock`) for the whole ingest (every batch, graph
and index) and starts by reconciling graph, index, ledger and uploads (`search_api.reconcile`), so a writer that
crashed before is healed by the next one.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ingest.pipeline import Batch, Failure, Item, Progress, extract_item
from ingest.records import Extracted
from kg.ledger import Ledger
from kg.loader import GraphWriter, IngestSummary, load_graphs
from kg.store import GraphStore
from search_api.allocator import release_free_memory, tune_allocator
from search_api.chunk_store import text_key
from search_api.chunks import Chunk
from search_api.embedding import Embedder, Matrix
from search_api.index_build import BuildSummary, IndexWriter, build_index
from search_api.reconcile import Reconciled, reconcile
from search_api.settings import Settings
from search_api.store_lock import writing

# Documents extracted, loaded and indexed together: small enough that memory stays flat, large enough that each
# commit carries a few hundred chunks.
BATCH_DOCUMENTS = 64


@dataclass
class Phases:
    """Seconds spent in each phase (worker seconds for extract and embed when workers ran them)."""

    extract: float = 0.0
    graph: float = 0.0
    embed: float = 0.0
    index: float = 0.0
    skipped: int = 0  # documents found already stored and indexed, not extracted again

    def line(self) -> str:
        return (
            f"phases: extract {self.extract:.1f} s, graph {self.graph:.1f} s, embed {self.embed:.1f} s, "
            f"index {self.index:.1f} s; {self.skipped:,} documents already stored"
        )


@dataclass(frozen=True)
class Ingested:
    graph: IngestSummary
    index: BuildSummary | None  # None when no embedder was given or nothing was loaded
    reconciled: Reconciled = field(default_factory=Reconciled)  # what the ingest healed before it began
    phases: Phases = field(default_factory=Phases)


@dataclass(frozen=True)
class Prepared:
    """A document ready for the writer: extracted and, from a worker, cut into chunks with their vectors."""

    document: Extracted
    chunks: tuple[Chunk, ...] | None = None
    vectors: dict[str, Matrix] | None = None  # text key → vector
    extract_s: float = 0.0
    embed_s: float = 0.0


Preparer = Callable[[Iterable[list[Item]]], Iterator[list[Prepared]]]
"""Batches of items in, the same batches prepared out, in order (in this process, or on a cluster)."""


def prepare_here(batches: Iterable[list[Item]]) -> Iterator[list[Prepared]]:
    """Extract in this process; the index writer embeds what it does not have."""
    for batch in batches:
        out = []
        for item in batch:
            began = time.perf_counter()
            document = extract_item(item)
            out.append(Prepared(document, extract_s=time.perf_counter() - began))
        yield out


class Lookup:
    """The writer's embedder: vectors a worker already computed, else the model itself (timed)."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.name = getattr(model, "name", None) or type(model).__name__
        self.vectors: dict[str, Matrix] = {}
        self.seconds = 0.0

    @property
    def dim(self) -> int:
        return self.model.dim

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self.model.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        keys = [text_key(t) for t in texts]
        todo = [t for t, k in zip(texts, keys, strict=True) if k not in self.vectors]
        began = time.perf_counter()
        fresh = iter(self.model.embed_passages(todo)) if todo else iter(())
        self.seconds += time.perf_counter() - began
        rows = [self.vectors[k] if k in self.vectors else next(fresh) for k in keys]
        return np.stack(rows).astype(np.float32) if rows else np.zeros((0, self.dim), np.float32)


def ingest_stream(
    settings: Settings,
    items: Iterable[Item | Failure],
    embedder: Embedder | None,
    *,
    prepare: Preparer = prepare_here,
    batch_size: int = BATCH_DOCUMENTS,
    progress: StreamProgress | None = None,
    wait: float | None = 0.0,
) -> Ingested:
    """Load `items` batch by batch into the settings' store and, with an embedder, the index; failures are
    reported in the summary and skipped. `progress(n)` is told of every n items done (`skipped=True`: already
    stored). The writer lock is held from the reconciliation to the index's last save; `wait` as for
    `ingest_into`."""
    with writing(settings.home, wait=wait):
        return _stream(settings, items, embedder, prepare, batch_size, progress)


class StreamProgress(Protocol):
    """Told of every `count` documents done; `skipped`: already stored, passed over without work."""

    def __call__(self, count: int, *, skipped: bool = False) -> None: ...


def _stream(
    settings: Settings,
    items: Iterable[Item | Failure],
    embedder: Embedder | None,
    prepare: Preparer,
    batch_size: int,
    progress: StreamProgress | None,
) -> Ingested:
    tune_allocator()
    summary = IngestSummary()
    phases = Phases()
    lookup = Lookup(embedder) if embedder is not None else None
    store = settings.open_store(read_only=False)
    ledger: Ledger | None = None
    index: IndexWriter | None = None
    try:
        model = (lambda: embedder) if embedder is not None else None
        healed = reconcile(settings.home, store, model, max_bytes=settings.max_file_bytes)
        ledger = Ledger.open(settings.home)
        graph = GraphWriter(store, ledger)
        index = IndexWriter(settings.home, lookup) if lookup is not None else None

        def done(item: Item) -> bool:
            sha = item.sha256
            return graph.is_stored(item.source, sha) and (index is None or index.is_indexed(item.source, sha))

        def todo(chunk: list[Item | Failure]) -> list[Item]:
            summary.files += len(chunk)
            fresh = []
            for item in chunk:
                if isinstance(item, Failure):
                    summary.failures.append(item)
                elif done(item):
                    phases.skipped += 1
                    summary.changes["unchanged"] += 1
                    if index is not None:
                        index.summary.changes["unchanged"] += 1
                else:
                    fresh.append(item)
            if progress and len(fresh) < len(chunk):
                progress(len(chunk) - len(fresh), skipped=True)
            return fresh

        batches = (todo(chunk) for chunk in _batched(items, batch_size))
        for prepared in prepare(b for b in batches if b):
            _write(prepared, graph, index, lookup, summary, phases)
            release_free_memory()  # what the batch freed goes back, so the run's memory stays that of one batch
            if progress:
                progress(len(prepared))
        summary.triples = store.triple_count()
    finally:
        if ledger is not None:
            ledger.close()
        store.close()
        began = time.perf_counter()
        built = index.close() if index is not None else None
        phases.index += time.perf_counter() - began
    if lookup is not None:
        phases.embed += lookup.seconds
        phases.index -= lookup.seconds
    return Ingested(summary, built, healed, phases)


def _batched(items: Iterable[Item | Failure], size: int) -> Iterator[list[Item | Failure]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _write(
    prepared: list[Prepared],
    graph: GraphWriter,
    index: IndexWriter | None,
    lookup: Lookup | None,
    summary: IngestSummary,
    phases: Phases,
) -> None:
    """One batch: its graphs, then its chunks (committed before the next batch is taken)."""
    began = time.perf_counter()
    written = graph.write([p.document for p in prepared], summary)
    phases.graph += time.perf_counter() - began
    phases.extract += sum(p.extract_s for p in prepared)
    phases.embed += sum(p.embed_s for p in prepared)
    if index is None or lookup is None:
        return
    began = time.perf_counter()
    for p, document in zip(prepared, written, strict=True):
        lookup.vectors.update(p.vectors or {})
        index.add(document, p.chunks)
    index.flush()
    lookup.vectors.clear()
    phases.index += time.perf_counter() - began


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
    upload stores nothing; without it the graph keeps what was loaded and a rerun indexes it.
    `wait`: seconds to wait for another writer (None: until it is done); past it, `StoreBusy`.
    """
    with writing(settings.home, wait=wait):
        writer = store if store is not None else settings.open_store(read_only=False)
        try:
            model = (lambda: embedder) if embedder is not None else None
            incoming = [d.source for d in batch.documents]
            healed = reconcile(settings.home, writer, model, max_bytes=settings.max_file_bytes, incoming=incoming)
            ledger = Ledger.open(settings.home)
            try:
                summary = load_graphs(batch, writer, progress=graph_progress, ledger=ledger)
            finally:
                ledger.close()
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
    ledger = Ledger.open(settings.home)
    try:
        for source in sources:
            writer.remove_file(source)
            ledger.forget(source)
    finally:
        ledger.close()
        if store is None:
            writer.close()
