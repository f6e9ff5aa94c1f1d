"""Exact dense search over index segments: latency, achieved GFLOPS and memory bandwidth, the load average.

    python -m benchmarks.bench_dense [--vectors 468000] [--dim 384] [--queries 50]

Random unit vectors cut into segments of `SEGMENT_CHUNKS`, written as an ingest writes them and read back
memory-mapped as a search process reads them (`search_api.vectors`); one thread, as `Searcher.open` sets it. Each
query is timed three ways: every row live; a tenth of the rows masked as removed; a filter allowing 5,000 ids.
A query reads every vector once (2 × dim FLOPs a vector, stored as float16): the search is bound by memory
bandwidth, so the GB/s it reads is printed beside its GFLOPS and the machine's float32 matmul rate
(`bench_embedding.matmul_gflops`).
The default size is the full Pháp điển corpus (468,000 chunks of 384-d e5 vectors).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np

from benchmarks.bench_embedding import matmul_gflops
from search_api.segments import SEGMENT_CHUNKS
from search_api.vectors import Vectors, dense_search


def _percentiles(fn: Callable[[int], object], n: int) -> tuple[float, float]:
    fn(0)  # warm: pages mapped in
    times = []
    for i in range(n):
        began = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - began) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vectors", type=int, default=468_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(0)
    queries = rng.standard_normal((args.queries, args.dim)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        parts = []
        for start in range(0, args.vectors, SEGMENT_CHUNKS):
            n = min(SEGMENT_CHUNKS, args.vectors - start)
            block = rng.standard_normal((n, args.dim)).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            path = Path(tmp) / f"{start}.faiss"
            Vectors.build(np.arange(start, start + n, dtype=np.int64), block, args.dim).write(path)
            parts.append(Vectors.read(path, np.arange(start, start + n, dtype=np.int64)))
        live = [(p, np.ones(len(p), bool)) for p in parts]
        masked = [(p, rng.random(len(p)) > 0.1) for p in parts]
        allowed = np.sort(rng.choice(args.vectors, 5_000, replace=False)).astype(np.int64)
        rows = {
            "all rows live": _percentiles(lambda i: dense_search(live, queries[i], 100), args.queries),
            "a tenth removed (masked)": _percentiles(lambda i: dense_search(masked, queries[i], 100), args.queries),
            "filter of 5,000 ids": _percentiles(lambda i: dense_search(live, queries[i], 100, allowed), args.queries),
        }
    ceiling = max(matmul_gflops().values())
    flops, read = 2 * args.vectors * args.dim, args.vectors * parts[0].index.code_size
    print(f"{args.vectors:,} float16 vectors of {args.dim} in {len(parts)} segments, memory-mapped, one thread, k=100")
    for name, (p50, p95) in rows.items():
        print(
            f"  {name:<26} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {flops / p50 / 1e6:5.1f} GFLOPS "
            f"({read / p50 / 1e6:4.1f} GB/s read) at p50"
        )
    print(f"matmul ceiling {ceiling:.0f} GFLOPS (float32); load average {load:.2f} -> {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
