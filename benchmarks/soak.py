"""Soak test of the API on 127.0.0.1: many clients mixing every kind of read, runaway SPARQL, and an upload each
second, while a probe times /healthz throughout and the server's memory is watched.

    python -m benchmarks.soak [--clients 16] [--duration 60] [--model e5|hashing] [--realdocs N]

Each client loops over search, cited-by, the document list, one document, a SPARQL query and (one client in
eight) a runaway SPARQL query that can only end at its time limit. Meanwhile one upload per second (or, when one
takes longer, as soon as it is done) sends a new document (a sample with a numbered line added), and a probe in a
process of its own (so that the readers' busy event loop adds nothing to its figure) asks /healthz ten times a
second. Printed: requests and errors per kind (an error is any answer but 200/201, and for a runaway a 504),
/healthz p50/p99/max, how long uploads took, and the load average (the clients share the CPU).

Memory is taken once the server is in its steady state (warmed up, then the same reads without uploads for STEADY_S
seconds: a thread arena filled or a part loaded on first use is not growth) and at the end. Every upload is a new
document (an upload's identity is its content), so the store grows through the run and the server rightly holds more
(the pages of its mapped index segments that searches read, the graph store's caches). To tell that from memory the
run leaves behind, a second, fresh server is started over the final store, warmed up and read the same way without
uploads: its resident memory is what the stored data needs, and the soak server's excess over it is what the run
retained. The store holds the five samples, and with `--realdocs N` the first N real documents too: over five
documents a minute of uploads is ten times the data, over a working store a small part of it.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from benchmarks.load_api import HOST, SAMPLES, SEARCHES, WORKS, load, prepared, serving
from benchmarks.memory import rss_mb

SPARQL = "SELECT ?plan ?title WHERE { ?plan a cchc:Plan ; eli:title ?title } LIMIT 20"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PLAN = SAMPLES / "004_bf7d911f24922af4.txt"
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "docs"
# Seconds of the same reads, without uploads, a server answers before its memory is taken: what the first requests
# allocate once (a thread arena filled, parts loaded on first use) is not growth.
STEADY_S = 15.0


@dataclass
class Tally:
    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[tuple[str, int | str]] = field(default_factory=Counter)  # a status, or the client's error
    health_ms: list[float] = field(default_factory=list)
    upload_s: list[float] = field(default_factory=list)  # seconds each upload took
    samples: dict[tuple[str, int | str], str] = field(default_factory=dict)  # one body of each unexpected answer

    def count(self, kind: str, status: int | str, expected: tuple[int, ...]) -> None:
        self.requests[kind] += 1
        self.statuses[(kind, status)] += 1
        if status not in expected:
            self.errors[kind] += 1


def children_rss_mb(pid: int) -> float:
    """Resident memory of every process below `pid` (the SPARQL workers sit under a fork server)."""
    kids: list[str] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids += children.read_text().split()
        except OSError:
            continue
    return sum(rss_mb(int(k)) + children_rss_mb(int(k)) for k in kids if Path(f"/proc/{k}").exists())


async def _get(client: httpx.AsyncClient, tally: Tally, kind: str, path: str, expected: tuple[int, ...]) -> None:
    status: int | str
    try:
        response = await client.get(path)
        status = response.status_code
        if status not in expected:
            tally.samples.setdefault((kind, status), response.text[:200])
    except httpx.HTTPError as err:
        status = type(err).__name__
    tally.count(kind, status, expected)


async def reader(client: httpx.AsyncClient, n: int, stop: float, tally: Tally, doc_ids: list[str]) -> None:
    runaway = n % 8 == 7
    i = n
    while time.monotonic() < stop:
        i += 1
        if runaway:
            await _get(client, tally, "sparql runaway", f"/sparql?query={quote(RUNAWAY)}", (504,))
            continue
        step = i % 5
        if step == 0:
            await _get(client, tally, "search", f"/search?q={quote(SEARCHES[i % len(SEARCHES)])}&k=10", (200,))
        elif step == 1:
            await _get(client, tally, "cited-by", f"/works/{quote(WORKS[i % len(WORKS)], safe='')}/cited-by", (200,))
        elif step == 2:
            await _get(client, tally, "documents", "/documents", (200,))
        elif step == 3:
            await _get(client, tally, "document", f"/documents/{quote(doc_ids[i % len(doc_ids)], safe='')}", (200,))
        else:
            await _get(client, tally, "sparql", f"/sparql?query={quote(SPARQL)}", (200,))


async def uploader(client: httpx.AsyncClient, stop: float, tally: Tally) -> None:
    text = PLAN.read_text(encoding="utf-8")
    n = 0
    while time.monotonic() < stop:
        started = time.monotonic()
        n += 1
        body = f"{text}\nGhi chú soak số {n} lúc {time.time():.3f}.\n".encode()
        files = {"file": (f"soak-{n}.txt", body, "text/plain")}
        status: int | str
        try:
            status = (await client.post("/documents", files=files)).status_code
        except httpx.HTTPError as err:
            status = type(err).__name__
        tally.count("upload", status, (201,))
        tally.upload_s.append(time.monotonic() - started)
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def probe(base: str, duration: float) -> list[tuple[float, int | str]]:
    """(milliseconds, status) of a /healthz request every 0.1 s for `duration` seconds (run in its own process)."""
    out: list[tuple[float, int | str]] = []
    stop = time.monotonic() + duration
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < stop:
            started = time.perf_counter()
            status: int | str
            try:
                status = client.get("/healthz").status_code
            except httpx.HTTPError as err:
                status = type(err).__name__
            out.append(((time.perf_counter() - started) * 1000, status))
            time.sleep(0.1)
    return out


async def soak(base: str, clients: int, duration: float, doc_ids: list[str], *, uploads: bool = True) -> Tally:
    tally = Tally()
    stop = time.monotonic() + duration
    # Each client from its own loopback address (127.0.0.2, …): the server limits SPARQL per client address.
    readers = [
        httpx.AsyncClient(
            base_url=base, timeout=60, transport=httpx.AsyncHTTPTransport(local_address=f"127.0.0.{n + 2}")
        )
        for n in range(clients)
    ]
    async with httpx.AsyncClient(base_url=base, timeout=120) as upload:
        try:
            await asyncio.gather(
                *(reader(client, n, stop, tally, doc_ids) for n, client in enumerate(readers)),
                *([uploader(upload, stop, tally)] if uploads else []),
            )
        finally:
            for client in readers:
                await client.aclose()
    return tally


def warm_up(base: str, note: str) -> list[str]:
    """The model, the store, the SPARQL workers and the writer's path; the documents' ids."""
    warm = ("/search?q=x", f"/works/{quote(WORKS[0], safe='')}/cited-by", f"/sparql?query={quote(SPARQL)}")
    for path in warm:
        httpx.get(base + path, timeout=120)
    files = {"file": ("warm-up.txt", PLAN.read_bytes() + f"\n{note}\n".encode(), "text/plain")}
    httpx.post(f"{base}/documents", files=files, timeout=120)
    return [d["id"] for d in httpx.get(f"{base}/documents", params={"per_page": 500}, timeout=60).json()["items"]]


def documents(base: str) -> int:
    return int(httpx.get(f"{base}/documents", params={"per_page": 1}, timeout=60).json()["total"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--model",
        choices=("e5", "hashing"),
        default="e5",
        help="Search and upload embedder (e5: the server as `cchc serve` runs it; hashing: the tests' stand-in, "
        "without the model's memory, so the same growth in megabytes is a larger share).",
    )
    parser.add_argument(
        "--realdocs", type=int, default=0, help="also store the first N of ../shared/realdocs/docs before the run"
    )
    args = parser.parse_args(argv)
    extra = sorted(REALDOCS.iterdir())[: args.realdocs] if args.realdocs else []
    with prepared(args.model, "cchc-soak-", extra) as home:
        with serving(home, args.model) as (base, server):
            doc_ids = warm_up(base, "Warm-up.")
            asyncio.run(soak(base, args.clients, min(STEADY_S, args.duration), doc_ids, uploads=False))
            before_mb, before_docs, before_load = rss_mb(server.pid), documents(base), load()
            before_anon, before_file = rss_mb(server.pid, "RssAnon"), rss_mb(server.pid, "RssFile")
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                probing = pool.submit(probe, base, args.duration)
                tally = asyncio.run(soak(base, args.clients, args.duration, doc_ids))
                for ms, status in probing.result():
                    tally.health_ms.append(ms)
                    tally.count("healthz", status, (200,))
            after_mb, workers_mb, after_load = rss_mb(server.pid), children_rss_mb(server.pid), load()
            after_anon, after_file = rss_mb(server.pid, "RssAnon"), rss_mb(server.pid, "RssFile")
            after_docs = documents(base)
        with serving(home, args.model) as (base, server):  # the reference: the final store, no uploads
            doc_ids = warm_up(base, "Warm-up of the reference.")
            asyncio.run(soak(base, args.clients, min(STEADY_S, args.duration), doc_ids, uploads=False))
            fresh_mb, fresh_docs = rss_mb(server.pid), documents(base)
    health = sorted(tally.health_ms)
    cuts = statistics.quantiles(health, n=100, method="inclusive") if len(health) > 1 else [health[0]] * 99
    print(f"{args.clients} clients x {args.duration:g} s, uploads one at a time (at most one a second), "
          f"model {args.model}, on {HOST}")  # fmt: skip
    print(f"before: {before_load}\nafter:  {after_load}")
    print(f"{'kind':<16} {'requests':>8} {'errors':>6}  statuses")
    for kind in sorted(tally.requests):
        statuses = ", ".join(f"{s}: {n}" for (k, s), n in sorted(tally.statuses.items(), key=str) if k == kind)
        print(f"{kind:<16} {tally.requests[kind]:>8} {tally.errors[kind]:>6}  {statuses}")
    for (kind, status), body in sorted(tally.samples.items(), key=str):
        print(f"  {kind} {status}: {body}")
    print(f"/healthz: p50 {cuts[49]:.1f} ms, p99 {cuts[98]:.1f} ms, max {health[-1]:.1f} ms over {len(health)} probes")
    took = sorted(tally.upload_s)
    print(f"uploads (one at a time, the next a second after the last began): {len(took)} in {args.duration:g} s, "
          f"each {took[len(took) // 2]:.1f} s (median), {took[-1]:.1f} s at most")  # fmt: skip
    growth = (after_mb - before_mb) / before_mb * 100
    print(f"server RSS: {before_mb:.0f} MB after warm-up and {min(STEADY_S, args.duration):g} s of reads "
          f"({before_docs} documents), {after_mb:.0f} MB at the end "
          f"({after_docs} documents): {growth:+.1f} %; SPARQL workers {workers_mb:.0f} MB")  # fmt: skip
    print(f"  of which its own (RssAnon) {before_anon:.0f} -> {after_anon:.0f} MB "
          f"({(after_anon - before_anon) / before_mb * 100:+.1f} % of the RSS before), pages of mapped files (RssFile, "
          f"the index segments and libraries) {before_file:.0f} -> {after_file:.0f} MB")  # fmt: skip
    data, retained = fresh_mb - before_mb, after_mb - fresh_mb
    print(f"a fresh server over the final store ({fresh_docs} documents), warmed up and read the same way "
          f"without uploads for {min(STEADY_S, args.duration):g} s: {fresh_mb:.0f} MB")  # fmt: skip
    print(f"  held for the stored documents: {data:+.0f} MB ({data / before_mb * 100:+.1f} %); "
          f"retained by the run: {retained:+.0f} MB ({retained / before_mb * 100:+.1f} %)")  # fmt: skip
    return 1 if sum(tally.errors.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
