"""JSON Lines corpora (`.jsonl`, `.jsonl.gz`): one record per line, such as the Pháp điển articles.

`cchc ingest` reads each record as a document (`id`, `title`, `text`); `kg.corpus` reads the Pháp điển records
whole. Both go through `jsonl_lines`, so blank lines and gzip are handled once.
"""

from __future__ import annotations

import gzip
import itertools
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ingest.read import ReadError

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    opener: Callable[..., Any] = gzip.open if path.name.endswith(".gz") else open
    try:
        lines = opener(path, "rb")
    except OSError as err:
        raise ReadError(path, f"cannot open: {err.strerror or err}") from None
    with lines:
        try:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield number, line
        except (OSError, EOFError, zlib.error) as err:  # a truncated or corrupt gzip stream: the records before stay
            raise ReadError(path, f"cannot read on from line {number + 1}: {err}") from None


def jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of every non-blank line, gzip or not."""
    for number, line in _raw_lines(path):
        try:
            yield number, line.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ReadError(path, f"line {number}: not UTF-8 ({err.reason})") from None


def jsonl_records(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The first `limit` records (every one when None), parsed."""
    for _, line in itertools.islice(jsonl_lines(path), limit):
        yield json.loads(line)


def jsonl_documents(path: Path, on_error: Callable[[str], None] | None = None) -> Iterator[tuple[str, str]]:
    """(id, text) of each record of a JSON Lines corpus (`id`, `title`, `text`, optional metadata); the title,
    when there is one, is the text's first line.

    A record's id is its identity: an id given twice is one document, its last line. A line that is not such a
    record is passed to `on_error` as one line (`line 4: …`) and skipped, so the records after it still go in;
    without `on_error` it raises `ReadError`.
    """
    found: dict[str, tuple[int, str]] = {}
    try:
        for number, line in _raw_lines(path):
            parsed = _document(number, line)
            if isinstance(parsed, str):
                if on_error is None:
                    raise ReadError(path, parsed)
                on_error(parsed)
                continue
            doc_id, text = parsed
            if doc_id in found and on_error is not None:
                on_error(f"line {number}: id {doc_id!r} is also on line {found[doc_id][0]}: this later record is kept")
            found.pop(doc_id, None)
            found[doc_id] = number, text
    except ReadError as err:  # the file cannot be opened or read on: the records before it still go in
        if on_error is None:
            raise
        on_error(err.reason)
    for doc_id, (_, text) in found.items():
        yield doc_id, text


def _document(number: int, line: bytes) -> tuple[str, str] | str:
    """(id, text) of one line, or why it is not a document record."""
    try:
        record = json.loads(line.decode("utf-8"))
        doc_id, text = str(record["id"]), str(record.get("text") or "")
        title = str(record.get("title") or "")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        return f"line {number}: not a document record ({str(err).splitlines()[0][:200]})"
    return doc_id, f"{title}\n{text}" if title else text
