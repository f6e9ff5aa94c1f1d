"""The index segments of a whole store written from its chunk database: time and peak RSS, the load average.

    python -m benchmarks.bench_index_rebuild DATA_DIR

The chunk database (`DATA_DIR/index/chunks.sqlite`, texts and vectors) is copied to a temporary directory, and
the copy's segments are written from it as the end of a streaming ingest writes those of the chunks it added
(`SearchIndex.save`, a segment at a time). Run it in its own process: the peak RSS is the process's. The store
given is only read.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from search_api.index import DB_FILE, INDEX_DIR, SearchIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        (copy / INDEX_DIR).mkdir()
        shutil.copy(args.data_dir / INDEX_DIR / DB_FILE, copy / INDEX_DIR / DB_FILE)
        load = os.getloadavg()[0]
        began = time.perf_counter()
        index = SearchIndex.open(copy)  # no segment yet: all are written from the database
        try:
            index.save()
            chunks, segments = len(index), len(index.segment_names())
        finally:
            index.close()
        seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{chunks:,} chunks: {segments} segments written in {seconds:.1f} s, "
        f"peak RSS {peak:,.0f} MB; load average {load:.2f} -> {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
