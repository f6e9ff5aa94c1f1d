"""Streaming ingest of the Pháp điển corpus: wall time by phase, peak RSS, rate, with the load average.

    python -m benchmarks.bench_ingest N [--embedder onnx|torch|hashing] [--workers W] [--home DIR]
    python -m benchmarks.bench_ingest N --write-sample OUT.jsonl   # the same N articles, for `cchc ingest`
    python -m benchmarks.bench_ingest N --embedder onnx --vectors-from FULL  # reuse a larger run's e5 vectors

The sample of N articles is the N records with text whose blake2b(id) is smallest: spread over every topic, and
nested (the 3,000-article sample is inside the 20,000 one), so an eval written on the small one holds on the
large ones. Run each size in its own process (peak RSS is the process's). `--embedder hashing` replaces e5 by the
hashing embedder of the tests (384 dimensions): the graph, chunking, SQLite and index segment work is the same,
without the hours of e5 on two cores; say so when quoting its RSS. `--vectors-from DIR` takes the vector of each
chunk text from the index of a larger run with the same model (the whole corpus, say) and embeds only what it lacks:
the sample's index is then exactly the one a run of its own would build, in the time of everything but e5.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from benchmarks.memory import rss_mb
from ingest.jsonl import jsonl_documents, jsonl_records
from ingest.pipeline import Item
from search_api.chunk_store import batches, text_key
from search_api.embedding import Embedder, HashingEmbedder, Matrix, default_embedder
from search_api.index import DB_FILE, INDEX_DIR
from search_api.ingestion import Lookup, ingest_stream
from search_api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "phapdien_articles.jsonl.gz"


def _rank(record_id: str) -> str:
    return hashlib.blake2b(record_id.encode("utf-8"), digest_size=8).hexdigest()


def sample_ids(corpus: Path, n: int) -> set[str]:
    """The n records with text whose hashed id is smallest."""
    ranked = sorted(
        _rank(str(r["id"])) + " " + str(r["id"]) for r in jsonl_records(corpus) if str(r.get("text") or "").strip()
    )
    return {line.split(" ", 1)[1] for line in ranked[:n]}


def sample_items(corpus: Path, n: int) -> Iterator[Item]:
    chosen = sample_ids(corpus, n)
    for doc_id, text in jsonl_documents(corpus, on_error=lambda _: None):  # a bad record is no sample
        if doc_id in chosen:
            yield Item(doc_id, text)


def write_sample(corpus: Path, n: int, out: Path) -> int:
    chosen = sample_ids(corpus, n)
    written = 0
    with out.open("w", encoding="utf-8") as f:
        for record in jsonl_records(corpus):
            if str(record["id"]) in chosen:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    return written


class StoredVectors(Lookup):
    """The writer's lookup, its known vectors read from another store (same model, same texts: the same vectors)."""

    def __init__(self, model: Embedder, other: Path) -> None:
        super().__init__(model)
        self.db = sqlite3.connect(f"file:{other / INDEX_DIR / DB_FILE}?mode=ro", uri=True)
        self.reused = self.computed = 0

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        keys = [text_key(t) for t in texts]
        self.vectors = {}
        for part in batches(keys, 900):
            marks = ",".join("?" * len(part))
            stored = self.db.execute(f"SELECT text_key, vector FROM embeddings WHERE text_key IN ({marks})", part)
            self.vectors.update((k, np.frombuffer(v, np.float16).astype(np.float32)) for k, v in stored)
        known = sum(k in self.vectors for k in keys)
        self.reused += known
        self.computed += len(keys) - known
        return super().embed_passages(texts)


class Streaming:
    """Counts documents and keeps the highest RSS seen between batches (before the index segments are written)."""

    def __init__(self) -> None:
        self.done = 0
        self.peak = 0.0

    def __call__(self, count: int, *, skipped: bool = False) -> None:
        self.done += count
        self.peak = max(self.peak, rss_mb())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--home", type=Path, default=None, help="data directory (default: a fresh one under /tmp)")
    parser.add_argument("--embedder", choices=["onnx", "torch", "hashing", "none"], default="hashing")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--write-sample", type=Path, default=None)
    parser.add_argument("--vectors-from", type=Path, default=None, help="a larger store embedded with the same model")
    args = parser.parse_args()
    if args.write_sample:
        print(f"{write_sample(args.corpus, args.n, args.write_sample):,} records written to {args.write_sample}")
        return
    home = args.home or Path(f"/tmp/cchc-bench-ingest-{args.n}-{args.embedder}")
    if args.home is None:
        shutil.rmtree(home, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.n:,} articles into {home}")
    settings = Settings(home=home)
    embedder: Embedder | None = None
    if args.embedder == "hashing":
        embedder = HashingEmbedder(384)
    elif args.embedder != "none":
        embedder = default_embedder(home, args.embedder)
    if embedder is not None and args.vectors_from is not None:
        embedder = StoredVectors(embedder, args.vectors_from)
    prepare = None
    close = None
    if args.workers:
        from search_api.distributed import EmbedderSpec, dask_preparer, open_client, threads_per_worker

        client, close = open_client(args.workers, None)
        threads = threads_per_worker(args.workers)
        spec = EmbedderSpec(args.embedder, home, 384, threads) if embedder is not None else None
        prepare = dask_preparer(client, spec)
    began = time.perf_counter()
    streaming = Streaming()
    try:
        items = sample_items(args.corpus, args.n)
        if prepare:
            done = ingest_stream(settings, items, embedder, prepare=prepare, progress=streaming)
        else:
            done = ingest_stream(settings, items, embedder, progress=streaming)
    finally:
        if close is not None:
            close()
    wall = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(done.graph.line())
    if done.index is not None:
        print(done.index.line())
    print(done.phases.line())
    if isinstance(embedder, StoredVectors):
        print(f"vectors: {embedder.reused:,} taken from {args.vectors_from}, {embedder.computed:,} computed")
    print(
        f"{args.n:,} articles, embedder {args.embedder}, workers {args.workers or 0}: wall {wall:.1f} s "
        f"({args.n / wall:.1f} articles/s), peak RSS {peak_mb:,.0f} MB (this process; "
        f"{streaming.peak:,.0f} MB at most between batches, before the index segments are written), "
        f"load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
