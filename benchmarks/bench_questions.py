"""Every named question over a graph of many documents: rows and seconds of each, run store-wide (unbound).

    python -m benchmarks.bench_questions [FOLDER ...] [--limit N] [--time-limit 100]

The graph holds the given folders (by default ../shared/realdocs/docs; `--limit` keeps the first N files),
ingested into a fresh store as `cchc ingest` writes it. Many documents cite the same laws and name the same
units, and each file states what it says of them again, so a question that joins those facts as they come makes
rows by the product of the files stating them: this prints the ones that take long. Each question runs in a
process of its own under `--time-limit` seconds (one that does not end is printed as such, not waited for).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.queues import Queue
from pathlib import Path

from benchmarks.load_api import load

REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "docs"


def ask(home: Path, name: str, answers: Queue[tuple[int, float]]) -> None:
    """Put (rows, seconds) of the named question over the store at `home`."""
    from kg.store import GraphStore

    store = GraphStore.open_local(home, read_only=True)
    started = time.perf_counter()
    rows = len(store.query(name))
    answers.put((rows, time.perf_counter() - started))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folders", nargs="*", type=Path, default=[REALDOCS])
    parser.add_argument("--limit", type=int, default=0, help="only the first N files of the folders")
    parser.add_argument("--time-limit", type=float, default=100.0, help="seconds a question may take")
    args = parser.parse_args(argv)
    from ingest.pipeline import extract_paths
    from kg.loader import load_graphs
    from kg.store import GraphStore, query_names

    files = sorted(p for folder in args.folders for p in folder.rglob("*") if p.is_file())
    files = files[: args.limit] if args.limit else files
    with tempfile.TemporaryDirectory(prefix="cchc-questions-") as tmp:
        home = Path(tmp)
        writer = GraphStore.open_local(home)
        started = time.perf_counter()
        summary = load_graphs(extract_paths(files), writer)
        writer.close()
        print(f"{len(files)} files, {sum(summary.changes.values())} documents in the graph "
              f"({len(summary.failures)} failed) in {time.perf_counter() - started:.1f} s; {load()}")  # fmt: skip
        print(f"{'question':<24} {'rows':>8} {'seconds':>8}")
        context = multiprocessing.get_context("spawn")
        for name in query_names():
            answers: Queue[tuple[int, float]] = context.Queue()
            process = context.Process(target=ask, args=(home, name, answers))
            process.start()
            process.join(args.time_limit)
            if process.is_alive():  # a question that does not end is not waited for
                process.kill()
                process.join()
                print(f"{name:<24} {'-':>8} > {args.time_limit:g} (stopped)", flush=True)
            elif process.exitcode == 0:
                rows, seconds = answers.get()
                print(f"{name:<24} {rows:>8} {seconds:>8.2f}", flush=True)
            else:
                print(f"{name:<24} {'-':>8} failed (exit {process.exitcode})", flush=True)
        print(f"after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
