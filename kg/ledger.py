"""The facts cross-document checks need of every stored document, in SQLite beside the graph (`ledger.sqlite`).

A streaming ingest checks each new batch against everything stored without holding the corpus in memory: it asks
the ledger for the headers and dated citations sharing a notation with the batch (`ingest.anomalies.Header`,
`Mention`). A document's facts are written before its graph, in one transaction, so a stored graph always has its
facts; facts of a document whose graph was never written (a killed run) are replaced when it is loaded again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.anomalies import Header, Mention, document_facts
from ingest.records import Extraction
from kg.build import document_iri

LEDGER_FILE = "ledger.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, version TEXT NOT NULL,
    doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS headers (source TEXT NOT NULL, notation TEXT NOT NULL, scope TEXT NOT NULL,
    date TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS headers_key ON headers (notation, scope);
CREATE INDEX IF NOT EXISTS headers_source ON headers (source);
CREATE TABLE IF NOT EXISTS mentions (source TEXT NOT NULL, idx INTEGER NOT NULL, notation TEXT NOT NULL,
    scope TEXT NOT NULL, date TEXT NOT NULL, future INTEGER NOT NULL, cid TEXT, span TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mentions_key ON mentions (notation, scope);
CREATE INDEX IF NOT EXISTS mentions_source ON mentions (source);
"""


class Ledger:
    """Headers and dated citations of the stored documents, looked up by notation."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(_SCHEMA)

    @classmethod
    def open(cls, home: Path) -> Ledger:
        home.mkdir(parents=True, exist_ok=True)
        return cls(home / LEDGER_FILE)

    def close(self) -> None:
        self.db.close()

    def record(self, extractions: Iterable[Extraction]) -> None:
        """Replace the facts of each document, all in one transaction."""
        with self.db:
            for ex in extractions:
                headers, mentions = document_facts(ex)
                self.forget_in_transaction(ex.source)
                version = ex.extractor_version or "0"
                row = (ex.source, ex.document.sha256, version, str(document_iri(ex)))
                self.db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", row)
                self.db.executemany(
                    "INSERT INTO headers VALUES (?, ?, ?, ?)",
                    [(h.source, h.notation, h.scope, h.date) for h in headers],
                )
                spans = [f"{c.start}-{c.end}" for c in ex.citations]
                self.db.executemany(
                    "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(m.source, m.index, m.notation, m.scope, m.date, int(m.future), m.cid, spans[m.index])
                     for m in mentions],
                )  # fmt: skip

    def sources(self) -> set[str]:
        """Every document the ledger holds facts of."""
        return {str(row[0]) for row in self.db.execute("SELECT source FROM documents")}

    def forget(self, source: str) -> None:
        with self.db:
            self.forget_in_transaction(source)

    def forget_in_transaction(self, source: str) -> None:
        for table in ("documents", "headers", "mentions"):
            self.db.execute(f"DELETE FROM {table} WHERE source = ?", (source,))

    def sharing(
        self, keys: Iterable[tuple[str, str]], *, besides: Sequence[str] = ()
    ) -> tuple[list[Header], list[Mention]]:
        """Stored headers and mentions with one of these (notation, scope) keys, except those of `besides`."""
        wanted = sorted(set(keys))
        skip = set(besides)
        headers: list[Header] = []
        mentions: list[Mention] = []
        for notation, scope in wanted:
            for row in self.db.execute(
                "SELECT source, notation, scope, date FROM headers WHERE notation = ? AND scope = ? ORDER BY source",
                (notation, scope),
            ):
                if row[0] not in skip:
                    headers.append(Header(*row))
            for row in self.db.execute(
                "SELECT source, idx, notation, scope, date, future, cid FROM mentions "
                "WHERE notation = ? AND scope = ? ORDER BY source, idx",
                (notation, scope),
            ):
                if row[0] not in skip:
                    mentions.append(Mention(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6]))
        return headers, mentions

    def citation_span(self, source: str, index: int) -> str | None:
        """The "start-end" of a stored document's citation (its node's key in the graph)."""
        row = self.db.execute("SELECT span FROM mentions WHERE source = ? AND idx = ?", (source, index)).fetchone()
        return None if row is None else str(row[0])

    def document(self, source: str) -> tuple[str, str, str] | None:
        """(sha256, extractor version, document IRI) of a stored document."""
        row = self.db.execute("SELECT sha256, version, doc FROM documents WHERE source = ?", (source,)).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))
