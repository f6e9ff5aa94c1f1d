"""Whether two data directories hold the same store: the check of a killed-and-rerun ingest against an
uninterrupted one.

    python -m benchmarks.compare_stores DIR_A DIR_B

Prints, for each: the quad count and an order-free digest of every quad of the graph, the chunk count and a digest of
the chunk rows (source, chunk id, document, kind, span, text key), the stored embeddings; then whether the derived
index files (`state.json` and every segment it names) are byte for byte the same. Exit 1 when anything differs.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph

from search_api.index import DB_FILE, INDEX_DIR, STATE_FILE
from search_api.segments import SEGMENTS_DIR

_CHUNK_ROWS = 'SELECT source, chunk_id, document, kind, start, "end", text_key FROM chunks'


def digest(items: Iterable[object]) -> tuple[int, str]:
    """(count, XOR of 8-byte hashes): equal for equal sets whatever their order."""
    n = acc = 0
    for item in items:
        acc ^= int.from_bytes(hashlib.blake2b(repr(item).encode(), digest_size=8).digest(), "big")
        n += 1
    return n, f"{acc:016x}"


def summary(home: Path) -> dict[str, object]:
    graph = pyoxigraph.Store.read_only(str(home / "graph"))
    db = sqlite3.connect(f"file:{home / INDEX_DIR / DB_FILE}?mode=ro", uri=True)
    try:
        return {
            "quads": digest(str(q) for q in graph.quads_for_pattern(None, None, None, None)),
            "chunks": digest(db.execute(_CHUNK_ROWS)),
            "embeddings": db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0],
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    a, b = summary(args.a), summary(args.b)
    for key in a:
        print(f"{key:<11} {a[key]!s:<40} {b[key]!s:<40} {'same' if a[key] == b[key] else 'DIFFERENT'}")
    segments = [sorted(p.name for p in (home / INDEX_DIR / SEGMENTS_DIR).iterdir()) for home in (args.a, args.b)]
    if segments[0] != segments[1]:
        print(f"segment files DIFFERENT: {segments[0]} against {segments[1]}")
        raise SystemExit(1)
    files = [STATE_FILE, *(f"{SEGMENTS_DIR}/{name}" for name in segments[0])]
    same_files = [filecmp.cmp(args.a / INDEX_DIR / f, args.b / INDEX_DIR / f, shallow=False) for f in files]
    for name, same in zip(files, same_files, strict=True):
        print(f"{name:<11} {'byte for byte the same' if same else 'DIFFERENT'}")
    if a != b or not all(same_files):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
