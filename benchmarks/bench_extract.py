"""Throughput of the whole `extract` over the Pháp điển corpus text, single process.

    python -m benchmarks.bench_extract [--corpus PATH] [--limit N]

Prints characters, megabytes (UTF-8) and MB/s by wall time and by the process's CPU time (on a shared machine
the CPU figure is the one that repeats), with the load average before and after. Goal: ≥ 3 MB/s.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ingest.jsonl import jsonl_records
from ingest.pipeline import extract_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "phapdien_articles.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    args = parser.parse_args()

    texts = [r["text"] for r in jsonl_records(args.corpus, args.limit) if r.get("text")]
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    n_chars = sum(len(t) for t in texts)
    counts = {"citations": 0, "tasks": 0, "targets": 0, "units": 0}
    load_before = os.getloadavg()[0]
    began, cpu_began = time.perf_counter(), time.process_time()
    for i, text in enumerate(texts):
        e = extract_text(text, source=f"record-{i}").extraction
        counts["citations"] += len(e.citations)
        counts["tasks"] += len(e.tasks)
        counts["targets"] += len(e.targets)
        counts["units"] += len(e.units)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    print(f"records={len(texts)} chars={n_chars:,} bytes={n_bytes:,}")
    print(
        f"extract: wall {seconds:.1f} s = {n_bytes / 1e6 / seconds:.2f} MB/s ({n_chars / 1e6 / seconds:.2f} Mchar/s); "
        f"CPU {cpu:.1f} s = {n_bytes / 1e6 / cpu:.2f} MB/s; load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    print("found: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
