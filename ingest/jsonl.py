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
HEAD_FIELDS = ("title", "source_note")  # record fields put before the text, one line each


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def _raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    opener: Callable[..., Any] = gzip.open if path.name.endswith(".gz") else open
    try:
        lines = opener(path, "rb")
    except OSError as err:
        raise ReadError(path, f"cannot open: {err.strerror or err}") from None
    with lines:
        number = 0
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
    """(id, text) of each record of a JSON Lines corpus (`id`, `title`, `text`, optional metadata), one at a
    time; the title and the source note, when there are, are the text's first lines (a Pháp điển article's note
    names the document it comes from: "(Điều 52 Luật số 58/2010/QH12 …)", which a reader searches by).

    A record's id is its identity: an id given twice is one document, its last line (a first pass notes each
    id's last line, so only ids are held, never texts). A line that is not such a record is passed to
    `on_error` as one line (`line 4: …`) and skipped, so the records after it still go in; without `on_error`
    it raises `ReadError`.
    """
    last = _last_lines(path)
    earlier: dict[str, int] = {}
    try:
        for number, line in _raw_lines(path):
            parsed = _document(number, line)
            if isinstance(parsed, str):
                if on_error is None:
                    raise ReadError(path, parsed)
                on_error(parsed)
                continue
            doc_id, text = parsed
            if last.get(doc_id, number) != number:
                earlier.setdefault(doc_id, number)
                continue
            if doc_id in earlier and on_error is not None:
                on_error(f"line {number}: id {doc_id!r} is also on line {earlier[doc_id]}: this later record is kept")
            yield doc_id, text
    except ReadError as err:  # the file cannot be opened or read on: the records before it still go in
        if on_error is None:
            raise
        on_error(err.reason)


def _last_lines(path: Path) -> dict[str, int]:
    """Each record id's last line (a bad line, or the file's end where it cannot be read on, is left out)."""
    last: dict[str, int] = {}
    try:
        for number, line in _raw_lines(path):
            parsed = _document(number, line)
            if not isinstance(parsed, str):
                last[parsed[0]] = number
    except ReadError:
        pass  # the reading pass reports it
    return last


def _document(number: int, line: bytes) -> tuple[str, str] | str:
    """(id, text) of one line, or why it is not a document record."""
    try:
        record = json.loads(line.decode("utf-8"))
        doc_id, text = str(record["id"]), str(record.get("text") or "")
        head = [str(record.get(key) or "") for key in HEAD_FIELDS]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        return f"line {number}: not a document record ({str(err).splitlines()[0][:200]})"
    return doc_id, "\n".join([*(h for h in head if h), text])


def count_records(path: Path) -> int:
    """Non-blank lines of a corpus (a cheap first pass, for progress and ETA); 1 when it cannot be read."""
    try:
        return sum(1 for _ in _raw_lines(path))
    except ReadError:
        return 1
