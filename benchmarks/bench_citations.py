"""Citation finder benchmark over the Pháp điển corpus: speed (MB/s) and the source-note agreement check.

usage: python -m benchmarks.bench_citations [CORPUS.jsonl.gz] [--limit N]
1. speed: `find_citations` on every article text (one call per article, as the pipeline calls it per file);
2. agreement: the first notation found in each record's `source_note` must equal `source_doc_number`
   (compared as notation keys: case, spaces, leading zeros ignored) for ≥ 99.5 % of records that have one.
   Misses are listed; those whose `source_doc_number` is itself malformed (the corpus' own regex cut it short,
   e.g. "02" for "02 /2018/TTLT-…") are counted apart.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from ingest.citations import CitingContext, find_citations
from ingest.jsonl import jsonl_records
from ingest.normalize import normalize
from ingest.notation import notation_key
from ingest.vntext import collapse

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "phapdien_articles.jsonl.gz"
_WELL_FORMED = re.compile(r"\d+[a-z]?(?:/\d{4})?/[A-ZĐa-zđ&]+(?:-[A-ZĐa-zđ&]+\d*)*\d*|\d+-[A-ZĐa-zđ]+/[A-ZĐa-zđ]+")


def _key(notation: str) -> str:
    """Notation key with `/` and `-` inside the code group treated alike (old joint circulars use both)."""
    key = notation_key(notation)
    head = re.match(r"\d+[A-Z]?(?:/\d{4})?[/-]", key)
    return key if head is None else head.group() + key[head.end() :].replace("/", "-")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    records = list(jsonl_records(args.corpus, args.limit or None))
    ctx = CitingContext()
    find_citations("Nghị định số 30/2020/NĐ-CP và Luật Viên chức", ctx)  # warm the lazy registry load

    texts = [r["text"] for r in records]
    size = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    found = sum(len(find_citations(t, ctx)) for t in texts)
    elapsed = time.perf_counter() - t0
    print(f"speed: {size / 1e6:.1f} MB, {found} citations in {elapsed:.2f} s = {size / 1e6 / elapsed:.1f} MB/s")

    total = ok = malformed = 0
    misses: list[tuple[str, str, str]] = []
    for rec in records:
        expected = rec.get("source_doc_number") or ""
        if not expected:
            continue
        total += 1
        note = collapse(normalize(rec["source_note"]).text)
        cits = [c for c in find_citations(note, ctx) if c.notation]
        got = cits[0].notation or "" if cits else ""
        if _key(got) == _key(expected):
            ok += 1
        elif not _WELL_FORMED.fullmatch(expected) or _key(got).startswith(_key(expected)):
            malformed += 1  # the corpus regex stopped early: "02" of "02 /2018/…", "BNN" of "BNN&PTNT"
        else:
            misses.append((expected, got, note[:140]))
    print(
        f"source_note agreement: {ok}/{total} = {ok / total:.4f} "
        f"(source_doc_number malformed or cut short: {malformed}; "
        f"on well-formed ones {ok / (total - malformed):.4f})"
    )
    seen: set[str] = set()
    for expected, got, note in misses:
        if expected not in seen:
            seen.add(expected)
            print(f"  miss {expected!r} got {got!r}: {note}")


if __name__ == "__main__":
    main()
