"""The chunk store: the search index's truth, in SQLite (`index/chunks.sqlite`).

Every chunk (all fields as JSON, plus columns to filter on) with an int id (never reused, so a deleted id
cannot come back as another chunk), the embedding of every distinct chunk text (float16: rebuilding FAISS never
re-embeds), the embedding model's name, dimension and probe vector, and a generation counter bumped by every
committed change. The BM25 and FAISS files are derived from it (`search_api.index`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ingest.vntext import match_key, slug
from search_api.chunks import CHUNKER_VERSION, Chunk
from search_api.embedding import Matrix

SCHEMA_VERSION = 1
Ids = npt.NDArray[np.int64]  # chunk int ids (the store's row ids)
Scores = npt.NDArray[np.float32]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, sha256 TEXT NOT NULL, chunker INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    chunk_id TEXT NOT NULL,
    document TEXT NOT NULL,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    province_key TEXT,
    year INTEGER,
    doc_kind_key TEXT,
    area TEXT,
    text_key TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (source, chunk_id)
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (document);
CREATE TABLE IF NOT EXISTS chunk_units (id INTEGER NOT NULL, unit TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunk_units_id ON chunk_units (id);
CREATE INDEX IF NOT EXISTS chunk_units_unit ON chunk_units (unit);
CREATE TABLE IF NOT EXISTS embeddings (text_key TEXT PRIMARY KEY, vector BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_text_key ON chunks (text_key);
"""
# Texts whose chunks went since the last save: the only vectors `vacuum_embeddings` may find unused.
_ORPHANS = "CREATE TABLE IF NOT EXISTS orphan_keys (text_key TEXT PRIMARY KEY)"


def text_key(text: str) -> str:
    """Key of the embedding cache: identical texts (repeated rows, re-ingested files) are embedded once."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _chunk_from_json(data: str) -> Chunk:
    fields = json.loads(data)
    fields["units"] = tuple(fields["units"])
    return Chunk(**fields)


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class ChunkStore:
    """One `chunks.sqlite`: writes are transactions, each bumping the generation."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        # A connection and its statement cache refer to each other: dropped unclosed, it (and its page cache) waits
        # for a full collection. A server drops a reader's store at every upload, so it is closed with its store.
        weakref.finalize(self, db.close)

    @classmethod
    def open(cls, db_file: Path, *, read_only: bool) -> ChunkStore:
        """Open the database (created, with its schema, when writable)."""
        if read_only:
            return cls(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, check_same_thread=False))
        db = sqlite3.connect(db_file, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'orphan_keys'").fetchone() is None:
            db.execute(_ORPHANS)  # new, or a store of an earlier version: its next save checks every vector once
            db.execute("INSERT INTO orphan_keys SELECT text_key FROM embeddings")
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        db.commit()
        return cls(db)

    def close(self) -> None:
        self.db.close()

    # --- facts about the store -----------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    @property
    def model(self) -> str | None:
        """Name of the model the stored embeddings come from (None before the first embedding)."""
        return self.meta("model")

    @property
    def dim(self) -> int | None:
        value = self.meta("dim")
        return int(value) if value else None

    def _bump(self) -> None:
        self.db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # --- embeddings ----------------------------------------------------------------------------------

    def record_model(self, name: str, dim: int, probe: str) -> None:
        """A new model: every stored vector goes (they must all be embedded again)."""
        with self.db:
            self.db.execute("DELETE FROM embeddings")
            self.db.execute("DELETE FROM meta WHERE key = 'all_embedded'")
            self.db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", [("model", name), ("dim", str(dim)), ("probe", probe)]
            )
            self._bump()

    def unembedded(self) -> list[tuple[str, str]]:
        """(text key, chunk text) of every distinct text that has no vector yet: none since `mark_all_embedded`,
        for every chunk gets its vector in the transaction that adds it; else a scan of every chunk."""
        if self.meta("all_embedded") == "1":
            return []
        rows = self.db.execute(
            "SELECT DISTINCT c.text_key, c.data FROM chunks c LEFT JOIN embeddings e ON e.text_key = c.text_key "
            "WHERE e.text_key IS NULL"
        ).fetchall()
        return [(key, _chunk_from_json(data).text) for key, data in rows]

    def mark_all_embedded(self) -> None:
        """Every chunk has its vector (until the next model change)."""
        if self.meta("all_embedded") == "1":
            return
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('all_embedded', '1')")

    def store_vectors(self, keys: Sequence[str], vectors: Matrix) -> None:
        with self.db:
            self._insert_vectors(keys, vectors)
            self._bump()

    def _insert_vectors(self, keys: Sequence[str], vectors: Matrix) -> None:
        """Vectors by text key, as float16, inside the caller's transaction."""
        rows = ((k, np.asarray(v, np.float16).tobytes()) for k, v in zip(keys, vectors, strict=True))
        self.db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)", rows)

    def known_keys(self, keys: Sequence[str]) -> set[str]:
        """The text keys that already have a vector."""
        known: set[str] = set()
        for batch in batches(keys, 900):
            marks = ",".join("?" * len(batch))
            known |= {
                r[0] for r in self.db.execute(f"SELECT text_key FROM embeddings WHERE text_key IN ({marks})", batch)
            }
        return known

    def vectors(self, ids: Ids | None = None) -> tuple[Ids, Matrix]:
        """Stored embeddings of the given chunk ids (all when None) that have one, in id order."""
        dim = self.dim or 0
        query = "SELECT c.id, e.vector FROM chunks c JOIN embeddings e ON e.text_key = c.text_key"
        rows: list[tuple[int, bytes]] = []
        if ids is None:
            rows = self.db.execute(query + " ORDER BY c.id").fetchall()
        else:
            for batch in batches(ids.tolist(), 900):
                marks = ",".join("?" * len(batch))
                rows += self.db.execute(f"{query} WHERE c.id IN ({marks})", batch).fetchall()
            rows.sort()
        out_ids = np.array([r[0] for r in rows], np.int64)
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(-1, dim)
        return out_ids, vectors.astype(np.float32)

    def vector_count(self) -> int:
        """How many chunks have an embedding."""
        query = "SELECT count(*) FROM chunks c JOIN embeddings e ON e.text_key = c.text_key"
        return int(self.db.execute(query).fetchone()[0])

    def vacuum_embeddings(self) -> None:
        """Forget embeddings no chunk uses any more (kept until now so a re-ingested text reuses its vector): only
        texts whose chunks went since the last vacuum are looked at, not every stored vector."""
        with self.db:
            self.db.execute(
                "DELETE FROM embeddings WHERE text_key IN (SELECT text_key FROM orphan_keys) "
                "AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.text_key = embeddings.text_key)"
            )
            self.db.execute("DELETE FROM orphan_keys")

    # --- documents -----------------------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, int]]:
        """Source → (sha256, chunker version) of every indexed document."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT source, sha256, chunker FROM sources")}

    def replace_documents(
        self, docs: Sequence[tuple[str, str, Sequence[Chunk]]], new_vectors: tuple[Sequence[str], Matrix]
    ) -> tuple[Ids, list[tuple[int, Chunk]]]:
        """In one transaction: the new vectors, then each (source, sha256, chunks) replacing the source's old
        chunks. Returns (ids removed, (id, chunk) added): an unchanged chunk keeps its id and is in neither."""
        removed: list[int] = []
        added: list[tuple[int, Chunk]] = []
        keys, vectors = new_vectors
        with self.db:
            self._insert_vectors(keys, vectors)
            for source, sha, chunks in docs:
                gone, new = self._replace(source, chunks)
                removed += gone
                added += new
                self.db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (source, sha, CHUNKER_VERSION))
            self._bump()
        return np.array(removed, np.int64), added

    def _replace(self, source: str, chunks: Sequence[Chunk]) -> tuple[list[int], list[tuple[int, Chunk]]]:
        """Rows for one source inside the caller's transaction: (ids removed, (id, chunk) added)."""
        old = {r[1]: (r[0], r[2]) for r in self.db.execute(
            "SELECT id, chunk_id, text_key FROM chunks WHERE source = ?", (source,))}  # fmt: skip
        removed: list[int] = []
        added: list[tuple[int, Chunk]] = []
        wanted = {c.id for c in chunks}
        for chunk_id, (rowid, _) in old.items():
            if chunk_id not in wanted:
                removed.append(rowid)
        for chunk in chunks:
            key = text_key(chunk.text)
            columns = (
                chunk.document, chunk.kind, chunk.start, chunk.end,
                match_key(chunk.province) if chunk.province else None, chunk.year,
                match_key(chunk.doc_kind) if chunk.doc_kind else None, chunk.area, key,
                json.dumps(asdict(chunk), ensure_ascii=False),
            )  # fmt: skip
            previous = old.get(chunk.id)
            if previous is not None and previous[1] == key:
                self.db.execute(
                    'UPDATE chunks SET document=?, kind=?, start=?, "end"=?, province_key=?, year=?, doc_kind_key=?, '
                    "area=?, text_key=?, data=? WHERE id = ?",
                    (*columns, previous[0]),
                )
                rowid = previous[0]
            else:
                if previous is not None:
                    removed.append(previous[0])
                    self.db.execute("DELETE FROM chunks WHERE id = ?", (previous[0],))
                cur = self.db.execute(
                    'INSERT INTO chunks (source, chunk_id, document, kind, start, "end", province_key, year, '
                    "doc_kind_key, area, text_key, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (source, chunk.id, *columns),
                )
                rowid = int(cur.lastrowid or 0)
                added.append((rowid, chunk))
            self.db.execute("DELETE FROM chunk_units WHERE id = ?", (rowid,))
            self.db.executemany("INSERT INTO chunk_units VALUES (?, ?)", ((rowid, u) for u in chunk.units))
        self.db.executemany(
            "INSERT OR IGNORE INTO orphan_keys VALUES (?)",
            ((key,) for _, key in old.values()),  # superset: the vacuum keeps those still used
        )
        for rowid in removed:
            self.db.execute("DELETE FROM chunks WHERE id = ?", (rowid,))
            self.db.execute("DELETE FROM chunk_units WHERE id = ?", (rowid,))
        return removed, added

    def remove_source(self, source: str) -> tuple[Ids, bool]:
        """Forget a source's chunks: (their ids, whether the source was recorded)."""
        with self.db:
            ids = [r[0] for r in self.db.execute("SELECT id FROM chunks WHERE source = ?", (source,))]
            self.db.execute("INSERT OR IGNORE INTO orphan_keys SELECT text_key FROM chunks WHERE source = ?", (source,))
            known = self.db.execute("DELETE FROM sources WHERE source = ?", (source,)).rowcount > 0
            self.db.execute("DELETE FROM chunks WHERE source = ?", (source,))
            self.db.executemany("DELETE FROM chunk_units WHERE id = ?", ((i,) for i in ids))
            self._bump()
        return np.array(ids, np.int64), known

    # --- reading -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def live_ids(self) -> Ids:
        """Every chunk's int id."""
        return np.fromiter((r[0] for r in self.db.execute("SELECT id FROM chunks")), np.int64)

    def chunks(self, ids: Iterable[int]) -> list[Chunk]:
        """Chunks by int id, in the order given (unknown ids skipped)."""
        wanted = [int(i) for i in ids]
        found = self.chunk_map(wanted)
        return [found[i] for i in wanted if i in found]

    def chunk_map(self, ids: Sequence[int]) -> dict[int, Chunk]:
        """Int id → chunk for the ids that exist."""
        found: dict[int, Chunk] = {}
        for batch in batches(list(ids), 900):
            marks = ",".join("?" * len(batch))
            for rowid, data in self.db.execute(f"SELECT id, data FROM chunks WHERE id IN ({marks})", batch):
                found[rowid] = _chunk_from_json(data)
        return found

    def overlapping(self, spans: Iterable[tuple[str, int, int]]) -> list[int]:
        """Int ids of chunks of `source` whose span overlaps [start, end), for each (source, start, end)."""
        out: list[int] = []
        for source, start, end in spans:
            out += [r[0] for r in self.db.execute(
                'SELECT id FROM chunks WHERE source = ? AND start < ? AND "end" > ? ORDER BY start, id',
                (source, end, start))]  # fmt: skip
        return list(dict.fromkeys(out))

    def document_chunks(self, document: str) -> list[int]:
        """Int ids of a document's chunks, first passage first (the header names the document)."""
        rows = self.db.execute("SELECT id FROM chunks WHERE document = ? ORDER BY start, id", (document,))
        return [r[0] for r in rows]

    def select(
        self,
        *,
        province: str | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
        kind: str | None = None,
        doc_kind: str | None = None,
        area: str | None = None,
        unit: str | None = None,
    ) -> Ids:
        """Int ids of the chunks passing every given filter (names compared without case or diacritics)."""
        where: list[str] = []
        params: list[Any] = []
        if province:
            where.append("province_key = ?")
            params.append(match_key(province))
        if year_from is not None:
            where.append("year >= ?")
            params.append(year_from)
        if year_to is not None:
            where.append("year <= ?")
            params.append(year_to)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if doc_kind:
            where.append("doc_kind_key = ?")
            params.append(match_key(doc_kind))
        if area:
            where.append("area = ?")
            params.append(area)
        if unit:
            where.append("id IN (SELECT id FROM chunk_units WHERE unit = ? OR unit LIKE ? ESCAPE '\\')")
            params += [unit, "%/" + slug(unit).replace("_", "\\_")]
        sql = "SELECT id FROM chunks" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return np.array([r[0] for r in self.db.execute(sql, params)], np.int64)
