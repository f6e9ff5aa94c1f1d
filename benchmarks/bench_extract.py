"""Throughput of the whole `extract` over the Pháp điển corpus text, in one process or on N Dask workers.

    python -m benchmarks.bench_extract [--corpus PATH] [--limit N] [--workers N]

Prints characters, megabytes (UTF-8) and MB/s by wall time and by the process's CPU time (on a shared machine
the CPU figure is the one that repeats), with the load average before and after. Goal: ≥ 3 MB/s.

With `--workers N` the records go, in batches, through the path `cchc ingest --workers N` takes (a local Dask
cluster, `search_api.distributed`, extraction only): the wall figure then includes sending texts and returning
extractions, and the cluster's start-up is printed apart.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ingest.jsonl import jsonl_records
from ingest.pipeline import Item, extract_text
from ingest.records import Extracted
from search_api.distributed import dask_preparer, open_client
from search_api.ingestion import Preparer

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "phapdien_articles.jsonl.gz"
BATCH = 64  # documents a task, as `cchc ingest --batch` by default


def extracted_here(texts: list[str]) -> Iterator[Extracted]:
    for i, text in enumerate(texts):
        yield extract_text(text, source=f"record-{i}")


def extracted_on_workers(texts: list[str], prepare: Preparer) -> Iterator[Extracted]:
    items = [Item(f"record-{i}", text) for i, text in enumerate(texts)]
    batches = (items[at : at + BATCH] for at in range(0, len(items), BATCH))
    for prepared in prepare(batches):
        yield from (p.document for p in prepared)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--workers", type=int, default=None, help="extract on a local Dask cluster of N processes")
    args = parser.parse_args()

    texts = [r["text"] for r in jsonl_records(args.corpus, args.limit) if r.get("text")]
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    n_chars = sum(len(t) for t in texts)
    counts = {"citations": 0, "tasks": 0, "targets": 0, "units": 0}
    close = None
    if args.workers:
        started = time.perf_counter()
        client, close = open_client(args.workers, None)
        print(f"local Dask cluster of {args.workers} processes started in {time.perf_counter() - started:.1f} s")
        documents = extracted_on_workers(texts, dask_preparer(client, None))
    else:
        documents = extracted_here(texts)
    load_before = os.getloadavg()[0]
    began, cpu_began = time.perf_counter(), time.process_time()
    for document in documents:
        e = document.extraction
        counts["citations"] += len(e.citations)
        counts["tasks"] += len(e.tasks)
        counts["targets"] += len(e.targets)
        counts["units"] += len(e.units)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    if close is not None:
        close()
    where = f"{args.workers} Dask workers" if args.workers else "one process"
    print(f"records={len(texts)} chars={n_chars:,} bytes={n_bytes:,}")
    print(
        f"extract ({where}): wall {seconds:.1f} s = {n_bytes / 1e6 / seconds:.2f} MB/s "
        f"({n_chars / 1e6 / seconds:.2f} Mchar/s); "
        + (f"CPU {cpu:.1f} s = {n_bytes / 1e6 / cpu:.2f} MB/s; " if not args.workers else "")
        + f"load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    print("found: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
