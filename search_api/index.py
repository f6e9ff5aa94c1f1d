"""The persisted search index: chunks, their embeddings, a FAISS index and two BM25 indexes.

Layout under `data_dir / "index"`:
- `chunks.sqlite`: the truth. Every chunk (all fields as JSON, plus columns to filter on), an int id per chunk
  (never reused, so a deleted id cannot come back as another chunk), the embedding of every distinct chunk text
  (float16: rebuilding FAISS never re-embeds), the embedding model's name and dimension, and a generation counter
  bumped by every committed change.
- `dense.faiss`, `bm25.npz`, `state.json`: derived from the database and saved together with the generation they
  reflect. Opening an index whose files lag the database (a crash, a reader racing a writer) reconciles them from
  the database: missing ids are added from the stored embeddings, stale ids dropped. So a crash mid-build keeps
  everything committed, and nothing is ever embedded twice.

BM25 is scored at query time from a term-count matrix (IDF and average length computed over the live rows), so
adding or removing a document touches only its own rows. `bm25s` precomputes every score with IDF baked in and
has no add/remove, so each re-ingested file would mean re-indexing the whole corpus: hence the small scipy
implementation here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]  # no stubs installed: scipy-stubs would type it

from ingest.pipeline import Progress
from ingest.records import Extracted
from ingest.vntext import fold, match_key, new_tones, slug
from search_api.chunks import CHUNKER_VERSION, Chunk, chunks_of
from search_api.embedding import Embedder, Matrix

INDEX_DIR = "index"
DB_FILE = "chunks.sqlite"
FAISS_FILE = "dense.faiss"
BM25_FILE = "bm25.npz"
STATE_FILE = "state.json"
SCHEMA_VERSION = 1

# Exact search (IndexFlatIP) until this many vectors, HNSW32 after. Measured here (clustered 384-d unit vectors,
# one thread): flat 0.3 ms/query at 10k, 6 ms at 50k, 10 ms at 100k, 15 ms at 200k, while encoding the query
# takes 20-30 ms (ONNX) to 115 ms (torch); HNSW answers in well under 1 ms but takes ~17 s per 100k vectors to
# build (2 threads) and cannot delete. Below 200k exact search is never the bottleneck, so switch only there.
HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 40
HNSW_EF_SEARCH = 128  # recall@10 against exact at 200k: 0.967 with 64, 0.992 with 128
# Each HNSW build is checked against exact search on the real vectors; efSearch doubles until this recall@10.
HNSW_MIN_RECALL = 0.98
HNSW_MAX_EF_SEARCH = 1024
CALIBRATION_QUERIES = 200
# HNSW cannot remove ids: removed ones are masked at query time, and the graph rebuilt when they pile up.
HNSW_MAX_DELETED_FRACTION = 0.2
# A filter this selective is answered exactly from reconstructed vectors: filtered HNSW search misses neighbours.
EXACT_FILTER_MAX = 20_000
# Chunks embedded per call: big enough for length-bucketed batches, small enough to commit often.
EMBED_BATCH = 256
BM25_K1 = 1.2
BM25_B = 0.75
# A fixed sentence every embedder touching the index embeds: one model gives the same vectors whatever runtime
# computes them (torch and ONNX agree to cosine > 0.9999), another model does not.
PROBE = "Kế hoạch cải cách hành chính năm 2024: tỷ lệ hồ sơ trực tuyến đạt tối thiểu 80%."
PROBE_MIN_COSINE = 0.999
_MAX_TOKEN = 40  # longer "words" are base64, hashes, URLs: noise in the vocabulary

_WORD = re.compile(r"\w+")
Ids = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float32]


class SearchIndexError(Exception):
    """The index is missing, or was built with another embedding model."""


# --------------------------------------------------------------------------------------------- tokenisation


def syllables(text: str) -> list[str]:
    """Vietnamese syllables for BM25: NFC, one tone placement (hoá = hóa), lower case, punctuation dropped."""
    clean = new_tones(unicodedata.normalize("NFC", text)).lower()
    return [w for w in _WORD.findall(clean) if len(w) <= _MAX_TOKEN]


def folded_syllables(text: str) -> list[str]:
    """Syllables without diacritics (`đ` → `d`), so queries typed without accents still match."""
    clean = fold(new_tones(unicodedata.normalize("NFC", text)))
    return [w for w in _WORD.findall(clean) if len(w) <= _MAX_TOKEN]


def text_key(text: str) -> str:
    """Key of the embedding cache: identical texts (repeated rows, re-ingested files) are embedded once."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def fingerprint(embedder: Embedder) -> Matrix:
    """The probe sentence as passage and as query, one row: what `SearchIndex.same_model` compares."""
    return np.concatenate([embedder.embed_passages([PROBE])[0], embedder.embed_queries([PROBE])[0]])


def embedder_name(embedder: Embedder) -> str:
    """A readable name for the model, recorded with the index (identity is checked by `fingerprint`)."""
    name = getattr(embedder, "name", None)
    if not isinstance(name, str):
        model = getattr(embedder, "model", None)
        source = getattr(getattr(model, "tokenizer", None), "name_or_path", "") or ""
        name = f"{type(embedder).__name__}:{Path(source).name}" if source else type(embedder).__name__
    return f"{name}/{embedder.dim}"


# -------------------------------------------------------------------------------------------------- BM25


class Bm25:
    """Okapi BM25 over a rows × terms count matrix; rows can be appended and removed at any time."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.ids: Ids = np.zeros(0, np.int64)  # row → chunk int id, ascending
        self.lengths: npt.NDArray[np.float32] = np.zeros(0, np.float32)
        self.alive: npt.NDArray[np.bool_] = np.zeros(0, bool)
        self.matrix = sparse.csc_array((0, 0), dtype=np.float32)
        self._pending: list[tuple[int, dict[int, int]]] = []

    def __len__(self) -> int:
        return int(self.alive.sum()) + len(self._pending)

    def add(self, ids: Iterable[int], token_lists: Iterable[Sequence[str]]) -> None:
        for chunk_id, tokens in zip(ids, token_lists, strict=True):
            counts: dict[int, int] = {}
            for token in tokens:
                col = self.vocab.setdefault(token, len(self.vocab))
                counts[col] = counts.get(col, 0) + 1
            self._pending.append((chunk_id, counts))

    def remove(self, ids: Iterable[int]) -> None:
        gone = set(ids)
        if not gone:
            return
        self._pending = [p for p in self._pending if p[0] not in gone]
        rows = np.searchsorted(self.ids, np.fromiter(gone, np.int64))
        rows = rows[(rows < len(self.ids))]
        rows = rows[np.isin(self.ids[rows], list(gone))]
        self.alive[rows] = False

    def _settle(self) -> None:
        """Fold pending rows into the matrix (ids stay ascending: new ids are always larger)."""
        if not self._pending:
            return
        self._pending.sort()
        indptr = np.cumsum([0] + [len(c) for _, c in self._pending])
        indices = np.fromiter((k for _, c in self._pending for k in c), np.int32, int(indptr[-1]))
        data = np.fromiter((v for _, c in self._pending for v in c.values()), np.float32, int(indptr[-1]))
        new = sparse.csr_array((data, indices, indptr), shape=(len(self._pending), len(self.vocab)))
        old = self.matrix
        old.resize((old.shape[0], len(self.vocab)))
        self.matrix = sparse.vstack([old, new], format="csc", dtype=np.float32)  # type: ignore[assignment]
        self.ids = np.concatenate([self.ids, np.array([i for i, _ in self._pending], np.int64)])
        self.lengths = np.concatenate([self.lengths, new.sum(axis=1).astype(np.float32)])
        self.alive = np.concatenate([self.alive, np.ones(len(self._pending), bool)])
        self._pending = []

    def compact(self) -> None:
        """Drop removed rows for good (done before saving)."""
        self._settle()
        if self.alive.all():
            return
        keep = np.flatnonzero(self.alive)
        self.matrix = self.matrix[keep, :].tocsc()  # type: ignore[assignment]
        self.ids, self.lengths, self.alive = self.ids[keep], self.lengths[keep], self.alive[keep]

    def scores(self, tokens: Sequence[str]) -> tuple[Ids, Scores]:
        """(chunk ids, scores) of every live row sharing a term with the query, unordered."""
        self._settle()
        cols = sorted({self.vocab[t] for t in tokens if t in self.vocab})
        live = int(self.alive.sum())
        if not cols or not live:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        sub = self.matrix[:, cols]
        rows, tf = sub.indices, sub.data
        col_of = np.repeat(np.arange(len(cols)), np.diff(sub.indptr))
        keep = self.alive[rows]
        rows, tf, col_of = rows[keep], tf[keep], col_of[keep]
        df = np.bincount(col_of, minlength=len(cols)).astype(np.float64)
        idf = np.log1p((live - df + 0.5) / (df + 0.5))
        avgdl = float(self.lengths[self.alive].mean()) or 1.0
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[rows] / avgdl)
        contrib = idf[col_of] * tf * (BM25_K1 + 1) / (tf + norm)
        total = np.bincount(rows, weights=contrib, minlength=len(self.ids))
        hit = np.flatnonzero(total > 0)
        return self.ids[hit], total[hit].astype(np.float32)

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        self.compact()
        m = self.matrix
        terms = np.array(sorted(self.vocab, key=self.vocab.__getitem__) or [""], dtype=str)
        return {
            f"{prefix}_data": m.data, f"{prefix}_indices": m.indices, f"{prefix}_indptr": m.indptr,
            f"{prefix}_shape": np.array(m.shape), f"{prefix}_ids": self.ids, f"{prefix}_lengths": self.lengths,
            f"{prefix}_terms": terms[: len(self.vocab)],
        }  # fmt: skip

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], prefix: str) -> Bm25:
        bm = cls()
        shape = tuple(int(x) for x in arrays[f"{prefix}_shape"])
        bm.matrix = sparse.csc_array(
            (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]), shape=shape
        )
        bm.vocab = {str(t): i for i, t in enumerate(arrays[f"{prefix}_terms"])}
        bm.ids = arrays[f"{prefix}_ids"].astype(np.int64)
        bm.lengths = arrays[f"{prefix}_lengths"].astype(np.float32)
        bm.alive = np.ones(len(bm.ids), bool)
        return bm


# ------------------------------------------------------------------------------------------------- dense


class Dense:
    """FAISS inner-product search with external int64 ids: exact while small, HNSW when large."""

    def __init__(self, dim: int, index: Any | None = None) -> None:
        self.dim = dim
        self.index: Any = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.deleted: set[int] = set()  # HNSW only: ids still in the graph but no longer live
        self.recall: float | None = None  # HNSW only: recall@10 against exact search when built
        self.ef_search = 0

    @property
    def hnsw(self) -> bool:
        return isinstance(faiss.downcast_index(self.index.index), faiss.IndexHNSWFlat)

    @classmethod
    def build(cls, dim: int, ids: Ids, vectors: Matrix) -> Dense:
        """A fresh index of the right kind for this many vectors."""
        if len(ids) >= HNSW_THRESHOLD:
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            dense = cls(dim, faiss.IndexIDMap2(inner))
        else:
            dense = cls(dim)
        dense.add(ids, vectors)
        if dense.hnsw:
            dense.calibrate(vectors)
        return dense

    def calibrate(self, vectors: Matrix, k: int = 10) -> float:
        """Raise efSearch until HNSW's top k agrees with exact search on a sample of the real vectors.

        The queries are stored vectors themselves: as close to real queries as the index can get without a log.
        Returns the recall@k reached (also kept in `self.recall`).
        """
        rng = np.random.default_rng(0)
        sample = vectors[rng.choice(len(vectors), min(CALIBRATION_QUERIES, len(vectors)), replace=False)]
        k = min(k, len(vectors))
        exact = np.argpartition(-(sample @ vectors.T), k - 1, axis=1)[:, :k]  # the top k, as a set
        truth = self.ids()[exact]  # rows were added in `ids` order, so position i holds the i-th id
        inner: Any = faiss.downcast_index(self.index.index)
        ef = HNSW_EF_SEARCH
        while True:
            inner.hnsw.efSearch = ef
            _, found = self.index.search(np.ascontiguousarray(sample), k)
            self.recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(truth, found, strict=True)]))
            if self.recall >= HNSW_MIN_RECALL or ef >= HNSW_MAX_EF_SEARCH:
                self.ef_search = ef
                return self.recall
            ef *= 2

    def ids(self) -> Ids:
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def __len__(self) -> int:
        return int(self.index.ntotal) - len(self.deleted)

    def add(self, ids: Ids, vectors: Matrix) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))

    def remove(self, ids: Ids) -> None:
        if not len(ids):
            return
        if self.hnsw:  # ids never added (no vector yet) may land here too: harmless, they match nothing
            self.deleted |= {int(i) for i in ids}
        else:
            self.index.remove_ids(ids.astype(np.int64))  # the SWIG wrapper converts the id array

    def needs_rebuild(self) -> bool:
        """HNSW with many dead ids, or an index of the wrong kind for its size."""
        live = len(self)
        if self.hnsw:
            return live < HNSW_THRESHOLD // 2 or len(self.deleted) > HNSW_MAX_DELETED_FRACTION * self.index.ntotal
        return live >= HNSW_THRESHOLD

    def search(self, query: Matrix, k: int, allowed: Ids | None = None) -> tuple[Ids, Scores]:
        """Top-k (ids, inner products) among live ids, restricted to `allowed` when given."""
        if self.index.ntotal == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is not None and self.hnsw and len(allowed) <= EXACT_FILTER_MAX:
            live = np.array([i for i in allowed.tolist() if i not in self.deleted], np.int64)
            if not len(live):
                return live, np.zeros(0, np.float32)
            sims = self.index.reconstruct_batch(live) @ q[0]
            top = np.argsort(-sims, kind="stable")[:k]
            return live[top], sims[top].astype(np.float32)
        selector: Any = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
        elif self.deleted:
            selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.fromiter(self.deleted, np.int64)))
        if self.hnsw:
            inner: Any = faiss.downcast_index(self.index.index)
            self.ef_search = self.ef_search or inner.hnsw.efSearch  # the calibrated value saved with the index
            inner.hnsw.efSearch = max(self.ef_search, 2 * k)
        params = None
        if selector is not None:
            params = faiss.SearchParameters()
            params.sel = selector
        scores, ids = self.index.search(q, min(k, int(self.index.ntotal)), params=params)
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), scores[0][found].astype(np.float32)


# ------------------------------------------------------------------------------------------------- index


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
"""


@dataclass
class BuildSummary:
    """What `build_index` did."""

    documents: int = 0
    changes: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        c = self.changes
        return (
            f"search index: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged documents; "
            f"{self.chunks:,} chunks, {self.embedded:,} embedded in {self.seconds:.1f} s"
        )


def _f16(vectors: Matrix) -> Matrix:
    """Vectors as stored (float16), so a rebuilt index scores exactly like the one built incrementally."""
    return np.asarray(vectors, dtype=np.float16).astype(np.float32)


def _chunk_from_json(data: str) -> Chunk:
    fields = json.loads(data)
    fields["units"] = tuple(fields["units"])
    return Chunk(**fields)


class SearchIndex:
    """Chunks, embeddings and both retrieval indexes of one data directory."""

    def __init__(self, path: Path, db: sqlite3.Connection, *, read_only: bool) -> None:
        self.path = path
        self.db = db
        self.read_only = read_only
        self.plain = Bm25()
        self.folded = Bm25()
        self.dense: Dense | None = None
        self._same: list[Embedder] = []  # embedders found to match the stored vectors (held: ids get reused)

    # --- opening and saving ------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False) -> SearchIndex:
        """The index under `data_dir/index`, reconciled with its database; created when writable."""
        path = data_dir / INDEX_DIR
        db_file = path / DB_FILE
        if read_only:
            if not db_file.exists():
                raise SearchIndexError(f"no search index at {path} (run `cchc ingest` first)")
            db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, check_same_thread=False)
        else:
            path.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(db_file, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            db.commit()
        index = cls(path, db, read_only=read_only)
        index._load()
        return index

    def close(self) -> None:
        self.db.close()

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

    def _load(self) -> None:
        """Read the saved files, then make them agree with the database whatever generation they are from."""
        state_file = self.path / STATE_FILE
        state = json.loads(state_file.read_text()) if state_file.exists() else {}
        fresh = state.get("generation") == self.generation and state.get("model") == self.model
        deleted: set[int] = set()
        if (self.path / BM25_FILE).exists():
            with np.load(self.path / BM25_FILE) as arrays:
                self.plain = Bm25.from_arrays(arrays, "plain")
                self.folded = Bm25.from_arrays(arrays, "folded")
                deleted = set(arrays["dense_deleted"].tolist()) if "dense_deleted" in arrays else set()
        dim = self.dim
        if dim is not None and (self.path / FAISS_FILE).exists() and state.get("model") == self.model:
            index = faiss.read_index(str(self.path / FAISS_FILE))
            if index.d == dim:
                self.dense = Dense(dim, index)
                self.dense.deleted = deleted if self.dense.hnsw else set()
        if dim is not None and self.dense is None:
            self.dense = Dense(dim)
        if not fresh:
            self._reconcile()

    def _reconcile(self) -> None:
        """Add what the files miss and drop what the database no longer has (no re-embedding)."""
        live = {row[0]: row[1] for row in self.db.execute("SELECT id, text_key FROM chunks")}
        live_ids = np.fromiter(live, np.int64, len(live))
        for bm, tokenize in ((self.plain, syllables), (self.folded, folded_syllables)):
            bm.compact()
            bm.remove(np.setdiff1d(bm.ids, live_ids).tolist())
            missing = np.setdiff1d(live_ids, bm.ids)
            bm.add(missing.tolist(), (tokenize(c.text) for c in self.chunks(missing)))
        if self.dense is not None:
            have = self.dense.ids()
            if self.dense.deleted:
                have = have[~np.isin(have, np.fromiter(self.dense.deleted, np.int64))]
            self.dense.remove(np.setdiff1d(have, live_ids))
            ids, vectors = self._vectors(np.setdiff1d(live_ids, have))
            self.dense.add(ids, vectors)

    def _vectors(self, ids: Ids | None = None) -> tuple[Ids, Matrix]:
        """Stored embeddings of the given chunk ids (all when None) that have one."""
        dim = self.dim or 0
        query = "SELECT c.id, e.vector FROM chunks c JOIN embeddings e ON e.text_key = c.text_key"
        rows: list[tuple[int, bytes]] = []
        if ids is None:
            rows = self.db.execute(query + " ORDER BY c.id").fetchall()
        else:
            for batch in _batches(ids.tolist(), 900):
                marks = ",".join("?" * len(batch))
                rows += self.db.execute(f"{query} WHERE c.id IN ({marks})", batch).fetchall()
            rows.sort()
        out_ids = np.array([r[0] for r in rows], np.int64)
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float16).reshape(-1, dim)
        return out_ids, vectors.astype(np.float32)

    def save(self) -> None:
        """Write the derived files atomically (temp file, then rename); the state file goes last."""
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        self._vacuum_embeddings()
        if self.dense is not None and self.dense.needs_rebuild():
            ids, vectors = self._vectors()
            self.dense = Dense.build(self.dense.dim, ids, vectors)
        arrays = {**self.plain.arrays("plain"), **self.folded.arrays("folded")}
        if self.dense is not None:
            arrays["dense_deleted"] = np.array(sorted(self.dense.deleted), np.int64)
        with _replacing(self.path / BM25_FILE) as tmp, tmp.open("wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        if self.dense is not None:
            with _replacing(self.path / FAISS_FILE) as tmp:
                faiss.write_index(self.dense.index, str(tmp))
        state = {"generation": self.generation, "model": self.model, "chunks": len(self.plain)}
        with _replacing(self.path / STATE_FILE) as tmp:
            tmp.write_text(json.dumps(state))

    def _vacuum_embeddings(self) -> None:
        """Forget embeddings no chunk uses any more (kept until now so a re-ingested text reuses its vector)."""
        with self.db:
            self.db.execute("DELETE FROM embeddings WHERE text_key NOT IN (SELECT text_key FROM chunks)")

    # --- model ---------------------------------------------------------------------------------------

    def same_model(self, embedder: Embedder) -> bool:
        """Whether `embedder` computes the vectors stored here: compared by output, not by name, so the torch
        and ONNX runtimes of one model agree while any change of weights, prompts or pooling does not."""
        if any(e is embedder for e in self._same):
            return True
        stored = self.meta("probe")
        if stored is None or self.dim != embedder.dim:
            return False
        old, new = np.array(json.loads(stored), np.float32), fingerprint(embedder)
        dim = embedder.dim
        same = all(float(old[part] @ new[part]) >= PROBE_MIN_COSINE for part in (slice(0, dim), slice(dim, None)))
        if same:
            self._same.append(embedder)
        return same

    def use_model(self, embedder: Embedder) -> bool:
        """Record the embedder; a different one drops every stored vector (they must all be re-embedded)."""
        if self.same_model(embedder):
            return False
        probe = json.dumps([round(float(x), 6) for x in fingerprint(embedder)])
        with self.db:
            self.db.execute("DELETE FROM embeddings")
            self.db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("model", embedder_name(embedder)), ("dim", str(embedder.dim)), ("probe", probe)],
            )
            self._bump()
        self.dense = Dense(embedder.dim)
        self._same = [embedder]
        return True

    def check_model(self, embedder: Embedder) -> None:
        """Refuse to compare query vectors with passage vectors of another model."""
        if self.model is not None and not self.same_model(embedder):
            raise SearchIndexError(
                f"the index was embedded with {self.model}, not {embedder_name(embedder)}: run `cchc ingest` again"
            )

    def embed_missing(self, embedder: Embedder, progress: Progress | None = None) -> int:
        """Embed chunks that have no vector (after a model change or an interrupted build); resumable."""
        self.use_model(embedder)
        todo = self.db.execute(
            "SELECT DISTINCT c.text_key, c.data FROM chunks c LEFT JOIN embeddings e ON e.text_key = c.text_key "
            "WHERE e.text_key IS NULL"
        ).fetchall()
        done = 0
        for batch in _batches(todo, EMBED_BATCH):
            texts = [_chunk_from_json(data).text for _, data in batch]
            self._store_vectors([key for key, _ in batch], embedder.embed_passages(texts))
            done += len(batch)
            if progress:
                progress(done, len(todo))
        if done:
            self._reconcile()
        return done

    def _store_vectors(self, keys: Sequence[str], vectors: Matrix) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                ((k, np.asarray(v, np.float16).tobytes()) for k, v in zip(keys, vectors, strict=True)),
            )
            self._bump()

    def _bump(self) -> None:
        self.db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # --- documents -----------------------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, int]]:
        """Source → (sha256, chunker version) of every indexed document."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT source, sha256, chunker FROM sources")}

    def add_document(self, source: str, chunks: Sequence[Chunk], embedder: Embedder, *, sha256: str = "") -> None:
        """Replace one source's chunks (see `add_documents`)."""
        self.add_documents([(source, sha256, chunks)], embedder)

    def add_documents(self, docs: Sequence[tuple[str, str, Sequence[Chunk]]], embedder: Embedder) -> int:
        """Replace the chunks of each (source, sha256, chunks) in one transaction; returns texts embedded.

        Unchanged chunks keep their int id; others get a new one and the old ids leave FAISS and BM25, so a
        re-ingested document never leaves stale or duplicated hits. Only texts without a stored vector are
        embedded.
        """
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        if self.use_model(embedder):
            self.embed_missing(embedder)
        keys = {text_key(c.text): c.text for _, _, chunks in docs for c in chunks}
        known = self._known_keys(list(keys))
        todo = [k for k in keys if k not in known]
        vectors = embedder.embed_passages([keys[k] for k in todo]) if todo else np.zeros((0, embedder.dim))
        removed: list[int] = []
        added: list[tuple[int, Chunk]] = []
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                ((k, np.asarray(v, np.float16).tobytes()) for k, v in zip(todo, vectors, strict=True)),
            )
            for source, sha, chunks in docs:
                gone, new = self._replace(source, chunks)
                removed += gone
                added += new
                self.db.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (source, sha, CHUNKER_VERSION))
            self._bump()
        self._apply(np.array(removed, np.int64), added)
        return len(todo)

    def _known_keys(self, keys: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for batch in _batches(keys, 900):
            marks = ",".join("?" * len(batch))
            known |= {
                r[0] for r in self.db.execute(f"SELECT text_key FROM embeddings WHERE text_key IN ({marks})", batch)
            }
        return known

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
        for rowid in removed:
            self.db.execute("DELETE FROM chunks WHERE id = ?", (rowid,))
            self.db.execute("DELETE FROM chunk_units WHERE id = ?", (rowid,))
        return removed, added

    def _apply(self, removed: Ids, added: Sequence[tuple[int, Chunk]]) -> None:
        """Mirror a committed change in the in-memory BM25 and FAISS indexes."""
        ids = np.array([i for i, _ in added], np.int64)
        for bm, tokenize in ((self.plain, syllables), (self.folded, folded_syllables)):
            bm.remove(removed.tolist())
            bm.add(ids.tolist(), (tokenize(c.text) for _, c in added))
        if self.dense is not None:
            self.dense.remove(removed)
            got, vectors = self._vectors(ids)
            self.dense.add(got, vectors)

    def remove_document(self, source: str) -> bool:
        """Forget a source's chunks; False when it was not indexed."""
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        with self.db:
            ids = [r[0] for r in self.db.execute("SELECT id FROM chunks WHERE source = ?", (source,))]
            known = self.db.execute("DELETE FROM sources WHERE source = ?", (source,)).rowcount > 0
            self.db.execute("DELETE FROM chunks WHERE source = ?", (source,))
            self.db.executemany("DELETE FROM chunk_units WHERE id = ?", ((i,) for i in ids))
            self._bump()
        self._apply(np.array(ids, np.int64), [])
        return known or bool(ids)

    # --- reading -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def chunks(self, ids: Iterable[int]) -> list[Chunk]:
        """Chunks by int id, in the order given (unknown ids skipped)."""
        wanted = [int(i) for i in ids]
        found = self.chunk_map(wanted)
        return [found[i] for i in wanted if i in found]

    def chunk_map(self, ids: Sequence[int]) -> dict[int, Chunk]:
        """Int id → chunk for the ids that exist."""
        found: dict[int, Chunk] = {}
        for batch in _batches(list(ids), 900):
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

    def bm25(self, query: str, *, folded: bool) -> tuple[Ids, Scores]:
        """BM25 (ids, scores) on accented or diacritics-folded syllables."""
        if folded:
            return self.folded.scores(folded_syllables(query))
        return self.plain.scores(syllables(query))


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temp path beside `target` that replaces it atomically once the block succeeds."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(0o644)  # mkstemp makes it private; readers may run as another user
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------- build


def build_index(
    data_dir: Path,
    documents: Iterable[Extracted],
    embedder: Embedder,
    progress: Progress | None = None,
) -> BuildSummary:
    """Bring the index of `data_dir` up to date with these documents (others stay as they are).

    Unchanged files (same sha256 and chunker version) are skipped; changed ones are re-chunked and replace their
    old chunks; only new texts are embedded, EMBED_BATCH chunks at a time, each batch committed, so an
    interrupted build resumes where it stopped. `progress(done, total)` counts documents.
    """
    started = time.perf_counter()
    summary = BuildSummary()
    index = SearchIndex.open(data_dir)
    try:
        index.use_model(embedder)
        summary.embedded += index.embed_missing(embedder)
        known = index.sources()
        items = list(documents)
        batch: list[tuple[str, str, Sequence[Chunk]]] = []
        pending = 0
        for done, document in enumerate(items, start=1):
            sha = document.extraction.document.sha256
            previous = known.get(document.source)
            if previous == (sha, CHUNKER_VERSION):
                summary.changes["unchanged"] += 1
            else:
                summary.changes["new" if previous is None else "updated"] += 1
                chunks = chunks_of(document)
                batch.append((document.source, sha, chunks))
                pending += len(chunks)
            if pending >= EMBED_BATCH or (done == len(items) and batch):
                summary.embedded += index.add_documents(batch, embedder)
                batch, pending = [], 0
            if progress:
                progress(done, len(items))
        summary.documents = len(items)
        index.save()
        summary.chunks = len(index)
    finally:
        index.close()
    summary.seconds = time.perf_counter() - started
    return summary


def is_indexed(data_dir: Path, source: str) -> bool:
    """Whether the index of `data_dir` holds `source` (False when there is no index yet)."""
    try:
        index = SearchIndex.open(data_dir, read_only=True)
    except SearchIndexError:
        return False
    try:
        return source in index.sources()
    finally:
        index.close()
