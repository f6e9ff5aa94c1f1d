"""Load extracted documents into the store: one named graph per file, replaced atomically.

Documents arrive extracted, a batch at a time (`cchc ingest` streams a corpus through here batch by batch). Each
batch is checked across documents against itself and every stored document (`kg.ledger`), not a corpus held in
memory; an anomaly a new document reveals about a stored one is added to that file's graph. Each file's graph is
then written in one atomic request, so an interrupted load leaves every file either as it was or fully replaced,
and a run started again finishes the rest (unchanged files are skipped).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import URIRef

from ingest.anomalies import Header, Mention, anomalies_among, document_facts
from ingest.pipeline import Batch, Failure, Progress
from ingest.records import Anomaly, Extracted
from kg import iris
from kg.build import extraction_graph, late_anomaly_graph
from kg.ledger import Ledger
from kg.store import FileGraph, GraphStore


@dataclass
class IngestSummary:
    files: int = 0
    changes: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})
    failures: list[Failure] = field(default_factory=list)
    written: int = 0  # triples of the document graphs this load wrote
    triples: int | None = None  # of the whole store, when counted (a full scan: `cchc ingest` does, uploads not)
    added: list[str] = field(default_factory=list)  # sources whose graph this load created

    def line(self) -> str:
        c = self.changes
        stored = f", {self.triples:,} in the store" if self.triples is not None else ""
        return (
            f"{self.files} files: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{len(self.failures)} errors; {self.written:,} triples written{stored}"
        )


class GraphWriter:
    """The one writer of file graphs during an ingest, with what the store holds (read once)."""

    def __init__(self, store: GraphStore, ledger: Ledger | None = None, sources: Sequence[str] | None = None) -> None:
        """`sources`: the only files this writer will be asked about (all when None: a whole run asks once)."""
        self.store = store
        self.ledger = ledger
        self.known: dict[str, FileGraph] = store.file_graphs(sources)

    def is_stored(self, source: str, sha256: str) -> bool:
        old = self.known.get(source)
        return old is not None and old.sha256 == sha256 and old.graph == iris.file(source)

    def write(
        self, documents: Sequence[Extracted], summary: IngestSummary, progress: Progress | None = None
    ) -> list[Extracted]:
        """Check the documents against the stored ones, then write each as its file's graph; returns them with
        the cross-document anomalies found."""
        checked, late = self._checked(documents)
        if self.ledger is not None:
            self.ledger.record(d.extraction for d in checked)
        for done, document in enumerate(checked, start=1):
            extraction = document.extraction
            sha = extraction.document.sha256
            graph = iris.file(extraction.source)
            triples = extraction_graph(extraction)
            change = self.store.replace_file(extraction.source, graph, sha, triples, known=self.known)
            self.known[extraction.source] = FileGraph(graph, sha)
            summary.changes[change] += 1
            summary.written += len(triples) if change != "unchanged" else 0
            if change == "new":
                summary.added.append(extraction.source)
            if progress:
                progress(done, len(checked))
        for source, anomalies in late.items():
            self._add_late(source, anomalies)
        self.store.flush()
        return checked

    def _checked(self, documents: Sequence[Extracted]) -> tuple[list[Extracted], dict[str, list[Anomaly]]]:
        """The documents with the anomalies found against the stored ones added, and those found for stored
        documents that only the new ones reveal."""
        if self.ledger is None or not documents:
            return list(documents), {}
        headers: list[Header] = []
        mentions: list[Mention] = []
        for document in documents:
            h, m = document_facts(document.extraction)
            headers += h
            mentions += m
        keys = {(h.notation, h.scope) for h in headers} | {(m.notation, m.scope) for m in mentions}
        sources = {d.source for d in documents}
        old_headers, old_mentions = self.ledger.sharing(keys, besides=sorted(sources))
        found = anomalies_among(old_headers + headers, old_mentions + mentions)
        before = anomalies_among(old_headers, old_mentions)
        out = []
        for document in documents:
            have = document.extraction.anomalies
            extra = tuple(a for a in found.get(document.source, ()) if a not in have)
            if extra:
                document = dataclasses.replace(
                    document, extraction=dataclasses.replace(document.extraction, anomalies=have + extra)
                )
            out.append(document)
        late = {
            source: [a for a in anomalies if a not in before.get(source, ())]
            for source, anomalies in found.items()
            if source not in sources
        }
        return out, {s: a for s, a in late.items() if a}

    def _add_late(self, source: str, anomalies: Sequence[Anomaly]) -> None:
        assert self.ledger is not None
        stored = self.ledger.document(source)
        graph = self.known.get(source) or self.store.file_graphs([source]).get(source)
        if stored is None or graph is None:
            return
        _, version, doc = stored
        for anomaly in anomalies:
            spans = [s for i in anomaly.citations if (s := self.ledger.citation_span(source, i)) is not None]
            triples = late_anomaly_graph(source, version, URIRef(doc), anomaly, spans)
            self.store.add_to_graph(graph.graph, triples)


def load_graphs(
    batch: Batch, store: GraphStore, *, progress: Progress | None = None, ledger: Ledger | None = None
) -> IngestSummary:
    """Write each extracted document as its file's named graph; the batch's failures are counted as files."""
    summary = IngestSummary(files=len(batch.documents) + len(batch.failures), failures=list(batch.failures))
    GraphWriter(store, ledger, [d.source for d in batch.documents]).write(batch.documents, summary, progress)
    return summary
