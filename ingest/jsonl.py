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


def jsonl_documents(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of each record of a JSON Lines corpus (`id`, `title`, `text`, optional metadata); the title,
    when there is one, is the text's first line. A line that is not such a record raises `ReadError`."""
    for number, line in jsonl_lines(path):
        try:
            record = json.loads(line)
            doc_id, text = str(record["id"]), str(record.get("text") or "")
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ReadError(path, f"line {number}: not a document record ({err})") from err
        title = str(record.get("title") or "")
        yield doc_id, f"{title}\n{text}" if title else text
