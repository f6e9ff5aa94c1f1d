"""Load extracted documents into the store: one named graph per file, replaced atomically.

Files are extracted one at a time and written as soon as they are extracted, so an interrupted
run keeps everything written before it; a bad file is reported and skipped.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ingest.anomalies import cross_document_anomalies
from ingest.pipeline import Failure, expand_paths, extract_file, extract_text
from ingest.read import ReadError
from ingest.records import Extraction
from kg import iris
from kg.build import extraction_graph
from kg.store import GraphStore

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


@dataclass
class IngestSummary:
    files: int = 0
    changes: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})
    failures: list[Failure] = field(default_factory=list)
    triples: int = 0
    loaded: list[Extraction] = field(default_factory=list)  # for the search index, which follows the graph
    texts: dict[str, str] = field(default_factory=dict)  # text of records that are not files (JSON Lines)

    def line(self) -> str:
        c = self.changes
        return (
            f"{self.files} files: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{len(self.failures)} errors; {self.triples:,} triples in the store"
        )


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def jsonl_documents(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of each record of a JSON Lines corpus (`id`, `title`, `text`, optional metadata)."""
    opener: Callable[..., Any] = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                doc_id, text = str(record["id"]), str(record.get("text") or "")
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise ReadError(path, f"line {number}: not a document record ({err})") from err
            title = str(record.get("title") or "")
            yield doc_id, f"{title}\n{text}" if title else text


def _extractions(paths: Iterable[Path], failures: list[Failure], texts: dict[str, str]) -> Iterator[Extraction]:
    for path in paths:
        if is_jsonl(path):
            try:
                for doc_id, text in jsonl_documents(path):
                    texts[doc_id] = text
                    yield extract_text(text, source=doc_id)
            except (ReadError, OSError) as err:
                failures.append(Failure(str(path), getattr(err, "reason", str(err))))
            continue
        for file in expand_paths([path]):
            try:
                yield extract_file(file)
            except ReadError as err:
                failures.append(Failure(str(file), err.reason))


Progress = Callable[[list[Extraction]], Iterable[Extraction]]


def ingest_paths(paths: Iterable[Path], store: GraphStore, *, progress: Progress | None = None) -> IngestSummary:
    """Extract every file below `paths`, check cross-document anomalies over the batch, then load.

    Each file's graph is written in one atomic request, so an interrupted load leaves every file
    either as it was or fully replaced.
    """
    summary = IngestSummary()
    known = store.file_graphs()
    batch = list(_extractions(paths, summary.failures, summary.texts))
    extra = cross_document_anomalies(batch)
    for extraction in progress(batch) if progress else batch:
        if extraction.source in extra:
            extraction = replace(extraction, anomalies=extraction.anomalies + extra[extraction.source])
        sha = extraction.document.sha256
        graph = extraction_graph(extraction)
        change = store.replace_file(extraction.source, iris.file(sha), sha, graph, known=known)
        summary.changes[change] += 1
        summary.loaded.append(extraction)
    summary.files = len(batch) + len(summary.failures)
    summary.triples = store.triple_count()
    return summary
