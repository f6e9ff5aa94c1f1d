"""Load extracted documents into the store: one named graph per file, replaced atomically.

The batch arrives extracted and checked across documents (`ingest.pipeline.extract_paths`); each file's graph
is then written in one atomic request, so an interrupted load leaves every file either as it was or fully
replaced, and a run started again finishes the rest (unchanged files are skipped).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.pipeline import Batch, Failure, Progress
from kg import iris
from kg.build import extraction_graph
from kg.store import GraphStore


@dataclass
class IngestSummary:
    files: int = 0
    changes: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})
    failures: list[Failure] = field(default_factory=list)
    triples: int = 0
    added: list[str] = field(default_factory=list)  # sources whose graph this load created

    def line(self) -> str:
        c = self.changes
        return (
            f"{self.files} files: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{len(self.failures)} errors; {self.triples:,} triples in the store"
        )


def load_graphs(batch: Batch, store: GraphStore, *, progress: Progress | None = None) -> IngestSummary:
    """Write each extracted document as its file's named graph; the batch's failures are counted as files."""
    summary = IngestSummary(files=len(batch.documents) + len(batch.failures), failures=list(batch.failures))
    known = store.file_graphs()
    for done, document in enumerate(batch.documents, start=1):
        extraction = document.extraction
        sha = extraction.document.sha256
        graph = extraction_graph(extraction)
        change = store.replace_file(extraction.source, iris.file(extraction.source), sha, graph, known=known)
        summary.changes[change] += 1
        if change == "new":
            summary.added.append(extraction.source)
        if progress:
            progress(done, len(batch.documents))
    summary.triples = store.triple_count()
    return summary
