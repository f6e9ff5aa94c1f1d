"""Search benchmark: embedding throughput, index build time, and latency of the whole `search` path vs bare dense.

    python -m benchmarks.bench_search [--corpus PATH] [--sample N] [--budget SECONDS] [--workdir DIR]

1. Seeds: `ingest/samples` extracted (`extract_paths`), then graph and index loaded as `cchc ingest` loads them
   (`ingest_into`, default embedder); chunks, build seconds, passages/s. Then latency p50/p95 over the 70 queries of
   `eval/search_queries.jsonl` for `Searcher.search` (fused, k=10: query embedding, both BM25s, dense, fusion,
   graph lookup, chunk fetch), for the query embedding alone, and for the bare dense search of the precomputed
   query vector over the same segments (`SearchIndex.dense`, k=100 = the candidates the path asks for).
2. Corpus: a FIXED sample of the Pháp điển corpus, the first N records with non-empty `text` in file order, each
   read as `cchc ingest` reads a JSON Lines record (`jsonl_documents`: title + text), extracted with
   `extract_text` and checked as one batch (`batch_of`), loaded by `ingest_into` (graph, then index). N: unless
   `--sample` is given, passages/s is measured on the chunks of the first records (≥ 500 chunks), and N is the number of
   articles whose chunks embed within `--budget` seconds (default 480 s: the full 64,768 articles would take
   far longer on this CPU). Measured on this machine (2 CPUs, load ~3-4: 26 passages/s, 4.83 chunks/article,
   ≈ 198 min for the full corpus) that gave N = 2,611; `--sample 2611` reproduces that sample.
   Queries: 100 titles (the "Điều <label>." prefix dropped) of random articles outside the sample, seed 0.
   Then, to speak for the full corpus, segments of random unit vectors are searched beside the real ones up to
   the chunk count the full corpus would have (sample chunks/article × 64,768): bare dense latency at that size is
   measured on them, and end-to-end latency at that size estimated as the sample's plus the growth of the dense
   part (BM25 and the rest are NOT scaled: labelled synthetic padding; `bench_corpus_search` measures the real
   index at full size).
Every query is run ROUNDS times after one warm-up round; the dense search runs on one thread, as `Searcher.open` sets
it.
Goal (issue: semantic search): end-to-end / bare dense ≤ 3×; p95 < 100 ms at 65k articles, query embedding
included. The machine is shared: the load average is printed at start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ingest.jsonl import jsonl_documents, jsonl_records
from ingest.pipeline import Batch, batch_of, extract_paths, extract_text
from search_api.chunks import chunks_of
from search_api.embedding import Embedder, default_embedder
from search_api.ingestion import ingest_into
from search_api.search import CANDIDATES, Searcher
from search_api.segments import SEGMENT_CHUNKS
from search_api.settings import Settings
from search_api.vectors import Vectors, dense_search

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "ingest" / "samples"
QUERIES_FILE = ROOT / "eval" / "search_queries.jsonl"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "phapdien_articles.jsonl.gz"
FULL_CORPUS_ARTICLES = 64_768
CALIBRATION_CHUNKS = 500
CORPUS_QUERIES = 100
ROUNDS = 3
K = 10
_TITLE_LABEL = re.compile(r"^\s*Điều\s+[\w.]+\.\s*")


def percentiles(seconds: Sequence[float]) -> tuple[float, float]:
    p50, p95 = np.percentile(np.array(seconds) * 1000, [50, 95])
    return float(p50), float(p95)


def timed(fn: Callable[[int], Any], n: int, rounds: int = ROUNDS) -> list[float]:
    """Seconds of fn(i) for every item i, `rounds` times each, after one untimed warm-up round."""
    for i in range(n):
        fn(i)
    out = []
    for _ in range(rounds):
        for i in range(n):
            began = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - began)
    return out


def build(data_dir: Path, batch: Batch, embedder: Embedder) -> None:
    """A fresh graph and index, loaded as `cchc ingest` loads them; prints graph seconds, chunks, build seconds and
    passages/s."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    began = time.perf_counter()
    done = ingest_into(Settings(home=data_dir), batch, embedder)
    summary = done.index
    assert summary is not None
    graph_s = time.perf_counter() - began - summary.seconds
    rate = summary.embedded / summary.seconds if summary.seconds else 0.0
    print(f"  graph loaded in {graph_s:.1f} s")
    print(
        f"  index: {summary.documents:,} documents, {summary.chunks:,} chunks ({summary.embedded:,} distinct texts "
        f"embedded), build {summary.seconds:.1f} s, {rate:.1f} passages/s (whole build incl. chunking, BM25, vectors)"
    )


def latency(searcher: Searcher, queries: Sequence[str]) -> dict[str, tuple[float, float]]:
    """p50/p95 (ms) of the whole search, the query embedding alone, and the bare dense search on the same index."""
    vectors = np.ascontiguousarray(searcher.embed(queries), dtype=np.float32)
    k = CANDIDATES
    rows = {
        "search (fused, whole path)": timed(lambda i: searcher.search(queries[i], K), len(queries)),
        "query embedding alone": timed(lambda i: searcher.embedder.embed_queries([queries[i]]), len(queries)),
        f"bare dense search (k={k})": timed(lambda i: searcher.index.dense(vectors[i], k), len(queries)),
    }
    return {name: percentiles(t) for name, t in rows.items()}


def report(stats: dict[str, tuple[float, float]], n_queries: int) -> None:
    (e2e, emb, bare) = stats.values()
    print(f"  {'latency, ms (' + str(n_queries) + ' queries x ' + str(ROUNDS) + ')':<42}{'p50':>9}{'p95':>9}")
    for name, (p50, p95) in stats.items():
        print(f"  {name:<42}{p50:>9.2f}{p95:>9.2f}")
    print(f"  {'ratio end-to-end / bare dense':<42}{e2e[0] / bare[0]:>9.1f}{e2e[1] / bare[1]:>9.1f}")
    print(
        f"  {'ratio end-to-end / (embedding + dense)':<42}{e2e[0] / (emb[0] + bare[0]):>9.2f}"
        f"{e2e[1] / (emb[1] + bare[1]):>9.2f}"
    )


def open_searcher(data_dir: Path, embedder: Embedder) -> Searcher:
    searcher = Searcher.open(data_dir, embedder)
    view = searcher.index.view
    graph = "with graph" if searcher.graph is not None else "no graph"
    print(f"  dense: {len(view.live_ids(vectors=True)):,} vectors in {len(view.parts)} segments, exact, {graph}")
    return searcher


def seeds(workdir: Path, embedder: Embedder) -> None:
    print("== 1. seeds (ingest/samples) ==")
    batch = extract_paths([SAMPLES])
    print(f"  {len(batch.documents)} documents extracted, {len(batch.failures)} failures")
    data_dir = workdir / "seeds"
    build(data_dir, batch, embedder)
    queries = [json.loads(line)["query"] for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines() if line]
    searcher = open_searcher(data_dir, embedder)
    try:
        report(latency(searcher, queries), len(queries))
    finally:
        searcher.close()


def scan(corpus: Path) -> list[tuple[str, str, bool]]:
    """(id, title, has non-empty text) of every record, in file order."""
    records = jsonl_records(corpus)
    return [(str(r["id"]), str(r.get("title") or ""), bool(str(r.get("text") or "").strip())) for r in records]


def corpus_documents(corpus: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of each good record of a corpus."""
    yield from jsonl_documents(corpus, on_error=lambda _: None)


def pick_sample(corpus: Path, embedder: Embedder, wanted: int | None, budget: float, with_text: set[str]) -> int:
    """N given, or N whose chunks embed in `budget` s at the rate measured on the first ≥ 500 chunks."""
    if wanted is not None:
        print(f"  sample size given: N = {wanted:,}")
        return wanted
    passages: list[str] = []
    articles = 0
    for doc_id, text in corpus_documents(corpus):
        if doc_id not in with_text:
            continue  # no body text: not part of the sample
        passages += [c.text for c in chunks_of(extract_text(text, source=doc_id))]
        articles += 1
        if len(passages) >= CALIBRATION_CHUNKS:
            break
    began = time.perf_counter()
    embedder.embed_passages(passages)
    rate = len(passages) / (time.perf_counter() - began)
    per_article = len(passages) / articles
    n = min(len(with_text), int(budget * rate / per_article))
    print(
        f"  calibration: {len(passages)} chunks of the first {articles} articles embedded at {rate:.1f} passages/s "
        f"({per_article:.2f} chunks/article); full corpus ≈ {FULL_CORPUS_ARTICLES * per_article / rate / 60:.0f} min "
        f"of embedding -> N = {n:,} articles (≈ {budget:.0f} s of embedding)"
    )
    return n


def padded_dense(searcher: Searcher, queries: Sequence[str], target: int) -> tuple[tuple[float, float], int]:
    """Bare dense p50/p95 over the index's segments and segments of random unit vectors, `target` vectors in all."""
    view = searcher.index.view
    parts = [(s.vectors, rows) for s, _, rows in view.parts if s.vectors is not None]
    have = sum(len(v) for v, _ in parts)
    dim = searcher.index.dim or 0
    rng = np.random.default_rng(0)
    start = int(view.live_ids().max()) + 1
    for low in range(0, max(0, target - have), SEGMENT_CHUNKS):
        n = min(SEGMENT_CHUNKS, target - have - low)
        block = rng.standard_normal((n, dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        parts.append(
            (Vectors.build(np.arange(start + low, start + low + n, dtype=np.int64), block, dim), np.ones(n, bool))
        )
    vectors = np.ascontiguousarray(searcher.embed(queries), dtype=np.float32)
    times = timed(lambda i: dense_search(parts, vectors[i], CANDIDATES), len(queries))
    return percentiles(times), sum(len(v) for v, _ in parts)


def corpus_part(corpus: Path, workdir: Path, embedder: Embedder, wanted: int | None, budget: float) -> None:
    print(f"== 2. corpus ({corpus.name}) ==")
    records = scan(corpus)
    with_text = [r for r in records if r[2]]
    print(f"  {len(records):,} records, {len(with_text):,} with non-empty text")
    n = pick_sample(corpus, embedder, wanted, budget, {r[0] for r in with_text})
    chosen = {r[0] for r in with_text[:n]}
    began = time.perf_counter()
    documents = []
    for doc_id, text in corpus_documents(corpus):
        if doc_id in chosen:
            documents.append(extract_text(text, source=doc_id))
            if len(documents) == n:
                break
    batch = batch_of(documents)
    print(f"  sample: the first {n:,} records with non-empty text; extracted in {time.perf_counter() - began:.1f} s")
    data_dir = workdir / f"corpus-{n}"
    build(data_dir, batch, embedder)
    others = [r for r in records if r[0] not in chosen and r[1].strip()]
    rng = np.random.default_rng(0)
    picks = rng.choice(len(others), CORPUS_QUERIES, replace=False)
    queries = [_TITLE_LABEL.sub("", others[int(i)][1]).strip() or others[int(i)][1] for i in picks]
    print(f"  queries: {len(queries)} titles of random articles outside the sample (seed 0), e.g. {queries[:3]}")
    searcher = open_searcher(data_dir, embedder)
    try:
        stats = latency(searcher, queries)
        report(stats, len(queries))
        chunks = len(searcher.index)
        target = round(chunks / n * FULL_CORPUS_ARTICLES)
        print(
            f"  -- SYNTHETIC PADDING: the index's segments + segments of random unit vectors up to {target:,} "
            f"(= {chunks / n:.2f} chunks/article x {FULL_CORPUS_ARTICLES:,}); exact search as built here"
        )
        (p50, p95), total = padded_dense(searcher, queries, target)
        e2e, _, bare = stats.values()
        est = (e2e[0] - bare[0] + p50, e2e[1] - bare[1] + p95)
        label = f"bare dense at {total:,} vectors (k={CANDIDATES})"
        print(f"  {label:<42}{p50:>9.2f}{p95:>9.2f}")
        print(f"  {'est. end-to-end at that size (dense grown)':<42}{est[0]:>9.2f}{est[1]:>9.2f}")
        print(f"  {'dense share of est. end-to-end':<42}{p50 / est[0]:>9.0%}{p95 / est[1]:>9.0%}")
        print(f"  {'est. end-to-end / bare dense':<42}{est[0] / p50:>9.1f}{est[1] / p95:>9.1f}")
    finally:
        searcher.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sample", type=int, default=None, help="articles in the corpus sample (default: timed)")
    parser.add_argument("--budget", type=float, default=480.0, help="seconds of embedding the sample may take")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cchc-bench-search"))
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()} on {os.cpu_count()} CPUs")
    args.workdir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    embedder = default_embedder(args.workdir, Settings().embedder)
    print(f"embedder {type(embedder).__name__} ready in {time.perf_counter() - began:.1f} s")
    seeds(args.workdir, embedder)
    if args.corpus.is_file():
        corpus_part(args.corpus, args.workdir, embedder, args.sample, args.budget)
    else:
        print(f"corpus {args.corpus} not found: part 2 skipped")
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
