"""A hash of everything `extract` gives, to show a speed change left the output byte-identical.

    python -m benchmarks.extract_fingerprint [--limit N] [--per-document FILE]

Hashes the JSON of every extraction of three sets: the five samples (`ingest/samples`), the real documents
(`../shared/realdocs/docs`, as one batch, so the cross-document checks are in) and the first N records of the
Pháp điển corpus (`extract_text` per record, as `bench_extract` runs it). Prints one SHA-256 per set; with
`--per-document`, writes one `set<TAB>source<TAB>hash` line per document, so two runs can be diffed to find
the documents that changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from benchmarks.bench_extract import DEFAULT_CORPUS
from ingest.jsonl import jsonl_records
from ingest.pipeline import extract_paths, extract_text
from ingest.records import Extraction, to_json

SAMPLES = Path(__file__).resolve().parents[1] / "ingest" / "samples"
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "docs"


def _digest(extraction: Extraction) -> str:
    data = json.dumps(to_json(extraction), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _batch(folder: Path) -> Iterator[Extraction]:
    batch = extract_paths([folder])
    if batch.failures:
        raise SystemExit(f"{folder}: {len(batch.failures)} files failed, first: {batch.failures[0]}")
    for document in batch.documents:
        yield document.extraction


def _corpus(path: Path, limit: int) -> Iterator[Extraction]:
    texts = (r["text"] for r in jsonl_records(path, limit) if r.get("text"))
    for i, text in enumerate(texts):
        yield extract_text(text, source=f"record-{i}").extraction


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=2500, help="corpus records hashed (default 2500)")
    parser.add_argument("--per-document", type=Path, default=None, help="write one hash per document here")
    args = parser.parse_args()

    sets: dict[str, Iterable[Extraction]] = {
        "samples": _batch(SAMPLES),
        "realdocs": _batch(REALDOCS),
        f"corpus[:{args.limit}]": _corpus(args.corpus, args.limit),
    }
    lines: list[str] = []
    for name, extractions in sets.items():
        whole = hashlib.sha256()
        count = 0
        for extraction in extractions:
            digest = _digest(extraction)
            whole.update(digest.encode("ascii"))
            lines.append(f"{name}\t{extraction.source}\t{digest}")
            count += 1
        print(f"{name}: {count} documents, sha256 {whole.hexdigest()}")
    if args.per_document is not None:
        args.per_document.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
