"""JSON Lines corpora (`.jsonl`, `.jsonl.gz`): one record per line, such as the Pháp điển articles.

`cchc ingest` reads each record as a document (`id`, `title`, `text`); `kg.corpus` reads the Pháp điển records
whole. Both go through `jsonl_lines`, so blank lines and gzip are handled once.
"""

from __future__ import annotations

import gzip
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest.read import ReadError

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
HEAD_FIELDS = ("title", "source_note")  # record fields put before the text, one line each


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of every non-blank line, gzip or not."""
    opener: Callable[..., Any] = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield number, line


def jsonl_records(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The first `limit` records (every one when None), parsed."""
    for _, line in itertools.islice(jsonl_lines(path), limit):
        yield json.loads(line)


def jsonl_documents(path: Path) -> Iterator[tuple[str, str] | ReadError]:
    """(id, text) of each record of a JSON Lines corpus (`id`, `title`, `text`, optional metadata); the title
    and the source note, when there are, are the text's first lines (a Pháp điển article's note names the
    document it comes from: "(Điều 52 Luật số 58/2010/QH12 …)", which a reader searches by). A line that is not
    such a record comes as a `ReadError` naming
    its line, in its place, so a caller reports it and goes on with the rest."""
    for number, line in jsonl_lines(path):
        try:
            record = json.loads(line)
            doc_id, text = str(record["id"]), str(record.get("text") or "")
            head = [str(record.get(key) or "") for key in HEAD_FIELDS]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
            yield ReadError(path, f"line {number}: not a document record ({err})")
            continue
        yield doc_id, "\n".join([*(line for line in head if line), text])


def count_records(path: Path) -> int:
    """Non-blank lines of a corpus (a cheap first pass, for progress and ETA)."""
    return sum(1 for _ in jsonl_lines(path))
