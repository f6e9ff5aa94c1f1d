"""Load test of the API on 127.0.0.1: GET /search and GET /works/{id}/cited-by under concurrent clients, next to
the same client against /healthz (a FastAPI route that touches nothing) of the same app: the ratio is the figure.

    python -m benchmarks.load_api [--clients 16] [--duration 30] [--model e5|hashing]

A data directory with the five samples (graph and search index) is built under a temporary folder, the app is
started with uvicorn in a subprocess on a free 127.0.0.1 port, and each route is driven by `clients` concurrent
keep-alive connections (httpx, asyncio) for `duration` seconds. Only 127.0.0.1 is ever contacted. The client
runs on the same machine as the server, so both share the CPU (the load average is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "ingest" / "samples"
HOST = "127.0.0.1"
SEARCHES = [
    "tỷ lệ hồ sơ giải quyết trực tuyến",
    "cải cách thủ tục hành chính",
    "cai cach hanh chinh",
    "Sở Nội vụ chủ trì",
    "chỉ số hài lòng của người dân",
    "NĐ 107/2020",
    "số hóa hồ sơ",
    "tinh giản biên chế",
]
WORKS = ["NĐ 107/2020", "107/2021/NĐ-CP", "Nghị định 61/2018/NĐ-CP", "vn/nghi-dinh/107_2020_ndd-cp"]


@dataclass
class Stats:
    route: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def prepare(home: Path, model: str, extra: Sequence[Path] = ()) -> None:
    """The samples (and `extra` documents, read where they are) in the graph and the search index, as `cchc ingest`
    leaves them."""
    from ingest.pipeline import extract_paths
    from search_api.embedding import HashingEmbedder, default_embedder
    from search_api.ingestion import ingest_into
    from search_api.settings import Settings

    samples = home / "samples"
    shutil.copytree(SAMPLES, samples)
    embedder = HashingEmbedder() if model == "hashing" else default_embedder(home, Settings().embedder)
    done = ingest_into(Settings(home=home), extract_paths([samples, *extra]), embedder)
    if done.graph.failures:
        raise SystemExit(f"ingest failed: {done.graph.line()}")


def serve(home: Path, port: int, model: str) -> None:
    """The subprocess: the app under uvicorn on 127.0.0.1 only."""
    import uvicorn

    from search_api.app import create_app
    from search_api.embedding import HashingEmbedder
    from search_api.settings import Settings

    embedder = HashingEmbedder() if model == "hashing" else None  # None: the default model, as `cchc serve`
    app = create_app(Settings(home=home, host=HOST, port=port), embedder=embedder)
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def prepared(model: str, prefix: str, extra: Sequence[Path] = ()) -> Iterator[Path]:
    """A freshly prepared store in a temporary home, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        print(f"preparing {home} ({model}) …", file=sys.stderr)
        prepare(home, model, extra)
        yield home


@contextmanager
def serving(home: Path, model: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server over `home` on a free port: (base URL, its process)."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "benchmarks.load_api", "--model", model, "--serve", str(home), str(port)]
    server = subprocess.Popen(command, cwd=REPO)
    try:
        wait_ready(base, server)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def served(model: str, prefix: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server over a freshly prepared store in a temporary home, on a free port: (base URL, its process)."""
    with prepared(model, prefix) as home, serving(home, model) as (base, server):
        yield base, server


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


async def drive(base: str, route: str, paths: list[str], clients: int, duration: float) -> Stats:
    """`clients` loops, each sending one request after the other for `duration` seconds."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        stop = time.perf_counter() + duration

        async def one(worker: int) -> None:
            nonlocal errors
            n = worker
            while time.perf_counter() < stop:
                path = paths[n % len(paths)]
                n += 1
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

        began = time.perf_counter()
        await asyncio.gather(*(one(w) for w in range(clients)))
        seconds = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return Stats(
        route=route,
        requests=len(latencies),
        errors=errors,
        seconds=round(seconds, 2),
        rps=round(len(latencies) / seconds, 1),
        p50_ms=round(cuts[49] * 1000, 2),
        p95_ms=round(cuts[94] * 1000, 2),
        p99_ms=round(cuts[98] * 1000, 2),
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds per route.")
    parser.add_argument("--model", choices=("e5", "hashing"), default="e5", help="Search embedder (e5: the real one).")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--serve", nargs=2, metavar=("HOME", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]), args.model)
        return 0

    with served(args.model, "cchc-load-") as (base, _server):
        routes = {
            "GET /healthz (baseline)": ["/healthz"],
            "GET /search": [f"/search?q={quote(q)}&k=10" for q in SEARCHES],
            "GET /works/{id}/cited-by": [f"/works/{quote(w, safe='')}/cited-by" for w in WORKS],
        }
        for paths in routes.values():  # warm up: the model loads, the store opens
            for path in paths:
                response = httpx.get(base + path, timeout=120)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code} {response.text[:200]}")
        print(f"before: {load()}", file=sys.stderr)
        results = []
        for route, paths in routes.items():
            stats = asyncio.run(drive(base, route, paths, args.clients, args.duration))
            results.append(stats)
            print(f"  {route}: {stats.rps} req/s, p95 {stats.p95_ms} ms, {stats.errors} errors", file=sys.stderr)
        after = load()
    baseline = results[0]
    print(f"{args.clients} clients x {args.duration:g} s per route on {HOST}; search model: {args.model}; {after}")
    header = f"{'route':<26} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    print(header + f" {'req/s ratio':>11} {'p95 ratio':>9}")
    for s in results:
        ratio = f"{s.rps / baseline.rps:>11.3f} {s.p95_ms / baseline.p95_ms:>9.1f}"
        print(
            f"{s.route:<26} {s.requests:>8} {s.errors:>6} {s.rps:>8.1f} {s.p50_ms:>8.2f} {s.p95_ms:>8.2f} "
            f"{s.p99_ms:>8.2f} {ratio}"
        )
    if args.json:
        report: dict[str, Any] = {"clients": args.clients, "duration": args.duration, "model": args.model,
                                  "load": after, "results": [asdict(s) for s in results]}  # fmt: skip
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if any(s.errors for s in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
