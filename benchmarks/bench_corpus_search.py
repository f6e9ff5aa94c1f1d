"""Search quality and latency over an indexed Pháp điển sample, on `eval/phapdien_queries.jsonl`.

    python -m benchmarks.bench_corpus_search --store DIR [--fit] [--latency 50]

The store holds a sample built by `cchc ingest` (see `benchmarks.bench_ingest --write-sample`: the 3,000, 20,000
… articles with the smallest hashed ids, nested, so every query's article is in every sample). Prints, per mode
(bm25, dense, fused) and per query type, Recall@10, MRR@10 and nDCG@10 over the top ten hits (an article counts
once, at its first hit), for all queries, the dev half and the test half. `--fit` chooses the fused weight of
the dense list on the dev half and reports it on the test half. Then p50/p95 of one fused query at a time on the
real index, the query embedding included; and the load average.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search_api.embedding import Embedder, Matrix
from search_api.search import Hit, Mode, Searcher
from search_api.settings import Settings

QUERIES = Path(__file__).resolve().parents[1] / "eval" / "phapdien_queries.jsonl"
K = 10
MODES: tuple[Mode, ...] = ("bm25", "dense", "fused")
ALPHAS = tuple(round(a * 0.1, 1) for a in range(11))
UNACCENTED_ALPHAS = (0.0, 0.1, 0.2, 0.3)  # e5 hardly reads Vietnamese without diacritics: only small weights


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    type: str
    split: str
    relevant: frozenset[str]


def load(path: Path) -> list[Query]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Query(r["id"], r["query"], r["type"], r["split"], frozenset(r["relevant"])) for r in rows]


def scores(hits: Sequence[Hit], relevant: frozenset[str]) -> tuple[float, float, float]:
    """Recall@K, MRR@K, nDCG@K of one ranking (an article counts once, at its first hit)."""
    seen: set[str] = set()
    gains = []
    for hit in hits[:K]:
        found = hit.source in relevant and hit.source not in seen
        seen.add(hit.source)
        gains.append(1.0 if found else 0.0)
    recall = sum(gains) / len(relevant)
    mrr = next((1.0 / (i + 1) for i, g in enumerate(gains) if g), 0.0)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return recall, mrr, dcg / ideal


class Cached:
    """The searcher's embedder, each query embedded once across modes and weights."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.name = getattr(model, "name", type(model).__name__)
        self.cache: dict[str, Matrix] = {}

    @property
    def dim(self) -> int:
        return self.model.dim

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.model.embed_queries(todo), strict=True))
        return np.stack([self.cache[t] for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.model.embed_passages(texts)


def table(searcher: Searcher, queries: list[Query], mode: Mode) -> dict[str, tuple[float, float, float]]:
    """Mean scores by group: all, dev, test and each query type."""
    rankings = searcher.search_many([q.text for q in queries], K, mode)
    groups: dict[str, list[tuple[float, float, float]]] = {}
    for q, hits in zip(queries, rankings, strict=True):
        s = scores(hits, q.relevant)
        for group in ("all", q.split, q.type):
            groups.setdefault(group, []).append(s)
    return {g: tuple(float(np.mean([x[i] for x in v])) for i in range(3)) for g, v in groups.items()}  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--fit", action="store_true", help="fit the fused dense weight on dev, report on test")
    parser.add_argument("--latency", type=int, default=50, help="queries timed one at a time (0: none)")
    args = parser.parse_args()
    queries = load(args.queries)
    settings = Settings.for_store(args.store)
    searcher = Searcher.open(settings.home, embedder_kind=settings.embedder)
    print(f"load average {os.getloadavg()[0]:.2f}; {len(searcher.index):,} chunks; {len(queries)} queries")
    searcher._embedder = Cached(searcher.embedder)
    try:
        for mode in MODES:
            for group, (r, m, n) in sorted(table(searcher, queries, mode).items()):
                print(f"{mode:<5} {group:<10} Recall@10 {r:.3f}  MRR@10 {m:.3f}  nDCG@10 {n:.3f}")
        if args.fit:
            fit(searcher, queries)
        if args.latency:
            latency(searcher, queries[: args.latency])
    finally:
        searcher.close()
    print(f"load average {os.getloadavg()[0]:.2f}")


def fit(searcher: Searcher, queries: list[Query]) -> None:
    """The dense weight (one for accented queries, one for unaccented) best on dev MRR@10, shown on test."""
    dev = [q for q in queries if q.split == "dev"]
    test = [q for q in queries if q.split == "test"]
    best: tuple[float, float, float] = (-1.0, 0.0, 0.0)
    for alpha in ALPHAS:
        for unaccented in UNACCENTED_ALPHAS:
            searcher.alpha, searcher.alpha_unaccented = alpha, unaccented
            r, m, _ = table(searcher, dev, "fused")["all"]
            if r + m > best[0]:
                best = (r + m, alpha, unaccented)
    _, searcher.alpha, searcher.alpha_unaccented = best
    r, m, n = table(searcher, test, "fused")["all"]
    print(
        f"fitted on dev: dense weight {searcher.alpha} (accented), {searcher.alpha_unaccented} (no diacritics); "
        f"test Recall@10 {r:.3f}  MRR@10 {m:.3f}  nDCG@10 {n:.3f}"
    )


def latency(searcher: Searcher, queries: list[Query]) -> None:
    """One fused query at a time on the real index, the query embedded each time (no cache)."""
    assert isinstance(searcher._embedder, Cached)
    searcher._embedder = searcher._embedder.model
    searcher.search(queries[0].text)  # warm-up
    times = []
    for q in queries:
        began = time.perf_counter()
        searcher.search(q.text, K, "fused")
        times.append((time.perf_counter() - began) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    print(f"fused latency over {len(times)} queries, query embedding included: p50 {p50:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
