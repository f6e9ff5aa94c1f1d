"""Embedding throughput and query latency of multilingual-e5-small on torch and on onnxruntime, CPU or GPU.

    python -m benchmarks.bench_embedding [--data-dir cchc-data] [--passages 500] [--runtimes torch onnx]

Passages are the seed documents' paragraphs and table rows, consecutive short lines merged to ~60-75 XLM-R tokens
(topped up from the Pháp điển corpus if needed). Prints, per runtime and batch size, passages/s with batches
sorted by length, in one line with the achieved GFLOPS (weight products and attention, padding included), the
machine's float32 matmul rate measured here with numpy and torch (the ceiling is the better) and the load average;
then single-query latency p50/p95 and the cosine of each runtime's vectors to the first's.
Goal (issue: semantic search): ≥ 20 passages/s at ~66 tokens a passage.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ingest.jsonl import jsonl_records
from search_api.e5.folder import build_e5_folder
from search_api.embedding import Embedder, default_embedder, length_batches

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "ingest" / "samples"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "phapdien_articles.jsonl.gz"
QUERIES = [
    "Sở Nội vụ chủ trì những nhiệm vụ nào?",
    "tỷ lệ hồ sơ giải quyết trực tuyến toàn trình",
    "thời hạn báo cáo kết quả cải cách hành chính",
    "kinh phí thực hiện kế hoạch lấy từ đâu",
    "chỉ số hài lòng của người dân đối với sự phục vụ của cơ quan hành chính",
]


def passages(n: int, count_tokens: Callable[[str], int], corpus: Path, target_tokens: int = 60) -> list[str]:
    """Seed lines, consecutive short ones merged until a passage reaches `target_tokens`."""
    out: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        current = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) < 20:
                continue
            current = f"{current} {line}".strip()
            if count_tokens(current) >= target_tokens:
                out.append(current)
                current = ""
        if current:
            out.append(current)
    if len(out) < n and corpus.is_file():
        for record in jsonl_records(corpus):
            out.extend(p.strip() for p in record["text"].split("\n") if len(p.strip()) >= 20)
            if len(out) >= n:
                break
    return out[:n]


def padded_tokens(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> int:
    """Tokens the encoder computes when each batch is padded to its longest row."""
    return sum(len(b) * max(lengths[i] for i in b) for b in batches)


def matmul_gflops(rows: int = 1024, seconds: float = 1.0) -> dict[str, float]:
    """float32 rate of the encoder's largest product (tokens × 384 by 384 × 1536) with numpy's BLAS and with
    torch's: what the model can reach on this machine (the ceiling is the better of the two)."""
    import torch

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((rows, 384), np.float32), rng.standard_normal((384, 1536), np.float32)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    products: dict[str, Callable[[], object]] = {"numpy": lambda: a @ b, "torch": lambda: ta @ tb}
    out = {}
    for name, product in products.items():
        product()
        count, began = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - began) < seconds:
            product()
            count += 1
        out[name] = 2 * rows * 384 * 1536 * count / elapsed / 1e9
    return out


def latencies_ms(embedder: Embedder, rounds: int = 4) -> tuple[float, float]:
    """p50/p95 of one query at a time, the first round (warm-up) left out."""
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            began = time.perf_counter()
            embedder.embed_queries([q])
            times.append(time.perf_counter() - began)
    p50, p95 = np.percentile(np.array(times[len(QUERIES) :]) * 1000, [50, 95])
    return float(p50), float(p95)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "cchc-data")
    parser.add_argument("--passages", type=int, default=500)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runtimes", nargs="+", choices=["torch", "onnx"], default=["torch", "onnx"])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 32])
    args = parser.parse_args()

    rates = matmul_gflops()
    ceiling = max(rates.values())
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; fp32 matmul "
        + ", ".join(f"{k} {v:.0f}" for k, v in rates.items())
        + f" GFLOPS: ceiling {ceiling:.0f}"
    )
    began = time.perf_counter()
    folder = build_e5_folder(args.data_dir / "models" / "multilingual-e5-small")
    print(f"folder ready in {time.perf_counter() - began:.1f} s: {folder}")
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    texts = passages(args.passages, lambda t: len(tokenizer.encode("passage: " + t).ids), args.corpus)
    lengths = [len(e.ids) for e in tokenizer.encode_batch(["passage: " + t for t in texts])]
    mean = float(np.mean(lengths))
    print(f"{len(texts)} passages, tokens mean {mean:.1f} median {np.median(lengths):.0f} max {max(lengths)}")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    hidden, layers, ff = config["hidden_size"], config["num_hidden_layers"], config["intermediate_size"]
    flops_per_token = 2 * layers * (4 * hidden * hidden + 2 * hidden * ff)  # the weight matmuls
    attention = 2 * layers * 2 * hidden  # per token and per token it attends to (QKᵀ and AV)
    for batch_size in args.batch_sizes:
        in_order = [list(range(i, min(i + batch_size, len(texts)))) for i in range(0, len(texts), batch_size)]
        sorted_batches = [b.tolist() for b in length_batches(lengths, batch_size)]
        print(
            f"batch {batch_size}: padded tokens {padded_tokens(lengths, sorted_batches)} sorted, "
            f"{padded_tokens(lengths, in_order)} in input order, {sum(lengths)} real"
        )

    reference = None
    for runtime in args.runtimes:
        began = time.perf_counter()
        embedder = default_embedder(args.data_dir, runtime)
        print(f"{runtime}: {type(embedder).__name__} ready in {time.perf_counter() - began:.1f} s")
        embedder.embed_passages(texts[:16])  # warm-up
        for batch_size in args.batch_sizes:
            embedder.batch_size = batch_size
            began = time.perf_counter()
            vectors = embedder.embed_passages(texts)
            elapsed = time.perf_counter() - began
            batches = [b.tolist() for b in length_batches(lengths, batch_size)]
            flops = sum(
                len(b) * (longest := max(lengths[i] for i in b)) * (flops_per_token + attention * longest)
                for b in batches
            )
            gflops = flops / elapsed / 1e9
            # on a shared machine the rate available moves: the ceiling is the best matmul rate seen so far,
            # measured again right after each run
            ceiling = max(ceiling, *matmul_gflops().values())
            print(
                f"{runtime:<5} batch {batch_size:>3}: {len(texts) / elapsed:6.1f} passages/s at {mean:.0f} tokens, "
                f"{gflops:5.1f} GFLOPS = {gflops / ceiling:4.0%} of the {ceiling:.0f} GFLOPS fp32 matmul ceiling, "
                f"load {os.getloadavg()[0]:.2f}"
            )
        reference = vectors if reference is None else reference
        cosine = (vectors * reference).sum(axis=1)
        p50, p95 = latencies_ms(embedder)
        print(f"  single query p50 {p50:.1f} ms  p95 {p95:.1f} ms; cosine to {args.runtimes[0]} min {cosine.min():.7f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
