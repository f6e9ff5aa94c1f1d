"""Wall time of `POST /documents`: an upload read, extracted, loaded into the graph and indexed, in process.

    python -m benchmarks.bench_upload [--files N] [--hashing] [--docs DIR]

The app runs over a fresh data directory; the embedder is loaded before timing (the service shares one).
After one warm-up upload, the five samples and the first N files of `--docs` (default: the real documents in
../shared/realdocs/docs) are uploaded one by one, each a new file. Prints each upload's wall and CPU time, the
medians and totals (and the median of the last tenth, over the largest store), and the load average before and
after (the machine is shared). A file whose content is already stored is answered "unchanged" and not timed.
`--hashing` swaps the e5 model for `HashingEmbedder`, which leaves the pipeline's own cost: reading, extraction,
graph and index.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.embedding import Embedder, HashingEmbedder, default_embedder
from search_api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "ingest" / "samples"
REALDOCS = ROOT.parent / "shared" / "realdocs" / "docs"


def upload_all(home: Path, embedder: Embedder, warm: Path, files: list[Path]) -> list[tuple[str, int, float, float]]:
    """(name, bytes, wall seconds, CPU seconds) of each upload after the warm-up one."""
    out = []
    with TestClient(create_app(Settings(home=home), embedder=embedder)) as client:
        response = client.post("/documents", files={"file": (warm.name, warm.read_bytes())})
        if response.status_code != 201:
            raise SystemExit(f"warm-up upload failed: {response.text}")
        for path in files:
            data = path.read_bytes()
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.post("/documents", files={"file": (path.name, data)})
            wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
            if response.status_code == 200:  # content already stored under another name: no work, not timed
                print(f"  {path.name}: unchanged (its content was uploaded as {response.json()['source']})")
                continue
            if response.status_code != 201:
                raise SystemExit(f"{path.name}: {response.status_code} {response.text}")
            out.append((path.name, len(data), wall, cpu))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=10, help="how many files of --docs to upload")
    parser.add_argument("--docs", type=Path, default=REALDOCS)
    parser.add_argument("--hashing", action="store_true", help="HashingEmbedder: time the pipeline, not the model")
    args = parser.parse_args()
    docs = sorted(p for p in args.docs.iterdir() if p.is_file()) if args.docs.is_dir() else []
    warm, *rest = docs or sorted(SAMPLES.glob("*.txt"))
    files = sorted(SAMPLES.glob("*.txt")) + rest[: args.files] if docs else rest
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        embedder = HashingEmbedder() if args.hashing else default_embedder(home, Settings().embedder)
        print(f"load average before {os.getloadavg()} on {os.cpu_count()} CPUs; embedder {type(embedder).__name__}")
        rows = upload_all(home, embedder, warm, files)
    for name, size, wall, cpu in rows:
        print(f"  {name:<28} {size / 1e3:>8.1f} kB {wall * 1e3:>8.0f} ms wall {cpu * 1e3:>8.0f} ms cpu")
    walls, cpus = [r[2] for r in rows], [r[3] for r in rows]
    print(f"load average after {os.getloadavg()}")
    print(
        f"uploads: {len(rows)}, wall median {statistics.median(walls) * 1e3:.0f} ms, total {sum(walls):.2f} s; "
        f"cpu median {statistics.median(cpus) * 1e3:.0f} ms, total {sum(cpus):.2f} s"
    )
    last = walls[-len(walls) // 10 :]  # the store is largest at the end: does an upload's cost grow with it?
    print(f"the last {len(last)} uploads: wall median {statistics.median(last) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
