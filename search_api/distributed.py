"""Extraction and embedding on a Dask cluster: `cchc ingest --workers N` (a local one) or `--scheduler ADDRESS`.

Workers read nothing from the data directory and write nothing: each takes a batch of items, extracts them, cuts
their chunks and embeds the chunk texts, and returns all of it; the one writer (`search_api.ingestion`) stores
them in order, as Oxigraph and SQLite allow a single writer. A bounded number of batches is in flight, so the
writer's memory stays flat whatever the corpus size. The store comes out identical to a single-process run:
same documents, same order, same chunks, the same model's vectors.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.pipeline import Item, extract_item
from search_api.chunk_store import text_key
from search_api.chunks import chunks_of
from search_api.embedding import Embedder, HashingEmbedder, available_cores, default_embedder
from search_api.ingestion import Prepared, Preparer

# Batches submitted per worker ahead of the writer: enough to keep workers busy while the writer writes.
IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class EmbedderSpec:
    """How a worker builds the embedder (the model itself does not travel): `onnx`, `torch`, or `hashing` (tests,
    with its dimension)."""

    kind: str | None
    home: Path
    dim: int = 256
    threads: int | None = None  # cores the model may use (`threads_per_worker`); None: all of the worker's machine

    def load(self) -> Embedder:
        if self.kind == "hashing":
            return HashingEmbedder(self.dim)
        return default_embedder(self.home, self.kind, threads=self.threads)


_LOADED: dict[EmbedderSpec, Embedder] = {}  # one model per worker process, loaded by its first task


def prepare_batch(items: list[Item], spec: EmbedderSpec | None) -> list[Prepared]:
    """A worker's task: extract each item, cut its chunks and embed their distinct texts."""
    embedder = None
    if spec is not None:
        embedder = _LOADED.get(spec) or _LOADED.setdefault(spec, spec.load())
    out = []
    for item in items:
        began = time.perf_counter()
        document = extract_item(item)
        if embedder is None:
            out.append(Prepared(document, extract_s=time.perf_counter() - began))
            continue
        chunks = tuple(chunks_of(document))
        extracted = time.perf_counter()
        texts = {text_key(c.text): c.text for c in chunks}
        vectors = list(embedder.embed_passages(list(texts.values()))) if texts else []
        done = time.perf_counter()
        out.append(
            Prepared(
                document,
                chunks,
                dict(zip(texts, vectors, strict=True)),
                extract_s=extracted - began,
                embed_s=done - extracted,
            )
        )
    return out


def dask_preparer(client: Any, spec: EmbedderSpec | None) -> Preparer:
    """A `Preparer` running `prepare_batch` on the client's workers, batches returned in submission order."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))

    def prepare(batches: Iterable[list[Item]]) -> Iterator[list[Prepared]]:
        pending: deque[Any] = deque()
        for batch in batches:
            pending.append(client.submit(prepare_batch, batch, spec, pure=False))
            if len(pending) >= IN_FLIGHT_PER_WORKER * workers:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())

    return prepare


def _result(future: Any) -> list[Prepared]:
    result: list[Prepared] = future.result()
    future.release()
    return result


def threads_per_worker(workers: int | None) -> int | None:
    """The cores each of `workers` local workers' models may use: a model on every core in each worker made two
    workers twice slower than one process on two cores. None for a running scheduler's workers (their machines)."""
    return max(1, available_cores() // workers) if workers else None


def open_client(workers: int | None, scheduler: str | None) -> tuple[Any, Callable[[], None]]:
    """A client of the running scheduler at `scheduler`, or of a new local cluster of `workers` processes (one
    thread each: extraction is pure Python, and the model uses the cores it is given); and how to close it."""
    import dask.distributed

    dd: Any = dask.distributed  # untyped
    if scheduler:
        client = dd.Client(scheduler)
        return client, client.close
    cluster = dd.LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None)
    client = dd.Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return client, close
