"""The persisted search index of one data directory: the chunk store and the two retrieval indexes kept in step.

Layout under `data_dir / "index"`:
- `chunks.sqlite`: the truth (`search_api.chunk_store`): chunks, their embeddings, the model, a generation.
- `dense.faiss` (`search_api.vectors`), `bm25.npz` (`search_api.keywords`, accented and folded), `state.json`:
  derived from the database and saved together with the generation they reflect. Opening an index whose files
  lag the database (a crash, a reader racing a writer) reconciles them from the database: missing ids are added
  from the stored embeddings, stale ids dropped. So a crash mid-build keeps everything committed, and nothing is
  ever embedded twice.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from ingest.pipeline import Progress
from search_api.chunk_store import ChunkStore, Ids, Scores, batches, text_key
from search_api.chunks import Chunk
from search_api.embedding import Embedder, Matrix
from search_api.keywords import TERMS_VERSION, Bm25, folded_terms, terms
from search_api.vectors import Dense, HnswPolicy

INDEX_DIR = "index"
DB_FILE = "chunks.sqlite"
FAISS_FILE = "dense.faiss"
BM25_FILE = "bm25.npz"
STATE_FILE = "state.json"
# Chunks embedded per call: big enough for length-bucketed batches, small enough to commit often.
EMBED_BATCH = 256
# Chunks read back from the database at a time when BM25 and FAISS catch up with it.
RECONCILE_SLICE = 20_000
# A fixed sentence every embedder touching the index embeds: one model gives the same vectors whatever runtime
# computes them (torch and ONNX agree to cosine > 0.9999), another model does not.
PROBE = "Kế hoạch cải cách hành chính năm 2024: tỷ lệ hồ sơ trực tuyến đạt tối thiểu 80%."
PROBE_MIN_COSINE = 0.999


class SearchIndexError(Exception):
    """The index is missing, or was built with another embedding model."""


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


class SearchIndex:
    """Chunks, embeddings and both retrieval indexes of one data directory."""

    def __init__(self, path: Path, store: ChunkStore, *, read_only: bool, policy: HnswPolicy | None = None) -> None:
        self.path = path
        self.store = store
        self.read_only = read_only
        self.policy = policy or HnswPolicy()
        self.plain = Bm25()
        self.folded = Bm25()
        self.dense: Dense | None = None
        # A bulk writer (a streaming ingest) leaves BM25 and FAISS alone until `save`, which rebuilds what they
        # miss from the database in bounded slices: memory then does not grow with every batch written.
        self.deferred = False
        self._stale = False
        self._same: list[Embedder] = []  # embedders found to match the stored vectors (held: ids get reused)

    # --- opening and saving ------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False, policy: HnswPolicy | None = None) -> SearchIndex:
        """The index under `data_dir/index`, reconciled with its database; created when writable."""
        path = data_dir / INDEX_DIR
        if read_only and not (path / DB_FILE).exists():
            raise SearchIndexError(f"no search index at {path} (run `cchc ingest` first)")
        if not read_only:
            path.mkdir(parents=True, exist_ok=True)
        index = cls(path, ChunkStore.open(path / DB_FILE, read_only=read_only), read_only=read_only, policy=policy)
        index._load()
        return index

    def close(self) -> None:
        self.store.close()

    @property
    def dim(self) -> int | None:
        return self.store.dim

    def _load(self) -> None:
        """Read the saved files, then make them agree with the database whatever generation they are from."""
        state_file = self.path / STATE_FILE
        state = json.loads(state_file.read_text()) if state_file.exists() else {}
        model = self.store.model
        fresh = state.get("generation") == self.store.generation and state.get("model") == model
        same_terms = state.get("terms", 1) == TERMS_VERSION
        fresh = fresh and same_terms
        deleted: set[int] = set()
        if (self.path / BM25_FILE).exists():
            with np.load(self.path / BM25_FILE) as arrays:
                if same_terms:  # else rebuilt from the database (`_reconcile`)
                    self.plain = Bm25.from_arrays(arrays, "plain")
                    self.folded = Bm25.from_arrays(arrays, "folded")
                deleted = set(arrays["dense_deleted"].tolist()) if "dense_deleted" in arrays else set()
        dim = self.dim
        if dim is not None and (self.path / FAISS_FILE).exists() and state.get("model") == model:
            index = faiss.read_index(str(self.path / FAISS_FILE))
            if index.d == dim:
                self.dense = Dense(dim, index)
                self.dense.deleted = deleted if self.dense.hnsw else set()
        if dim is not None and self.dense is None:
            self.dense = Dense(dim)
        if not fresh:
            self._reconcile()

    def _reconcile(self) -> None:
        """Add what the files miss and drop what the database no longer has (no re-embedding), a slice of
        RECONCILE_SLICE chunks at a time."""
        live_ids = self.store.live_ids()
        for bm, tokenize in ((self.plain, terms), (self.folded, folded_terms)):
            bm.compact()
            bm.remove(np.setdiff1d(bm.ids, live_ids).tolist())
            for part in _slices(np.setdiff1d(live_ids, bm.ids)):
                bm.add(part.tolist(), (tokenize(c.text) for c in self.store.chunks(part)))
                bm.compact()
        if self.dense is not None:
            have = self.dense.ids()
            if self.dense.deleted:
                have = have[~np.isin(have, np.fromiter(self.dense.deleted, np.int64))]
            self.dense.remove(np.setdiff1d(have, live_ids))
            for part in _slices(np.setdiff1d(live_ids, have)):
                self.dense.add(*self.store.vectors(part))
        self._stale = False

    def save(self) -> None:
        """Write the derived files atomically (temp file, then rename); the state file goes last."""
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        self.store.vacuum_embeddings()
        if self._stale:
            self._reconcile()
        if self.dense is not None and self.dense.needs_rebuild(self.policy):
            dim, self.dense = self.dense.dim, None  # the old index and its vectors go before the new one fills
            slices = (self.store.vectors(part) for part in _slices(np.sort(self.store.live_ids())))
            self.dense = Dense.build(dim, slices, self.store.vector_count(), self.policy)
        arrays = {**self.plain.arrays("plain"), **self.folded.arrays("folded")}
        if self.dense is not None:
            arrays["dense_deleted"] = np.array(sorted(self.dense.deleted), np.int64)
        with _replacing(self.path / BM25_FILE) as tmp, tmp.open("wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        if self.dense is not None:
            with _replacing(self.path / FAISS_FILE) as tmp:
                faiss.write_index(self.dense.index, str(tmp))
        state = {
            "generation": self.store.generation, "model": self.store.model, "chunks": len(self.plain),
            "terms": TERMS_VERSION,
        }  # fmt: skip
        with _replacing(self.path / STATE_FILE) as tmp:
            tmp.write_text(json.dumps(state))

    # --- model ---------------------------------------------------------------------------------------

    def same_model(self, embedder: Embedder) -> bool:
        """Whether `embedder` computes the vectors stored here: compared by output, not by name, so the torch
        and ONNX runtimes of one model agree while any change of weights, prompts or pooling does not."""
        if any(e is embedder for e in self._same):
            return True
        stored = self.store.meta("probe")
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
        self.store.record_model(embedder_name(embedder), embedder.dim, probe)
        self.dense = Dense(embedder.dim)
        self._same = [embedder]
        return True

    def check_model(self, embedder: Embedder) -> None:
        """Refuse to compare query vectors with passage vectors of another model."""
        model = self.store.model
        if model is not None and not self.same_model(embedder):
            raise SearchIndexError(
                f"the index was embedded with {model}, not {embedder_name(embedder)}: run `cchc ingest` again"
            )

    def embed_missing(self, embedder: Embedder, progress: Progress | None = None) -> int:
        """Embed chunks that have no vector (after a model change or an interrupted build); resumable."""
        self.use_model(embedder)
        todo = self.store.unembedded()
        done = 0
        for batch in batches(todo, EMBED_BATCH):
            self.store.store_vectors([key for key, _ in batch], embedder.embed_passages([text for _, text in batch]))
            done += len(batch)
            if progress:
                progress(done, len(todo))
        if done:
            self._stale = True
            if not self.deferred:
                self._reconcile()
        return done

    # --- documents -----------------------------------------------------------------------------------

    def sources(self) -> dict[str, tuple[str, int]]:
        """Source → (sha256, chunker version) of every indexed document."""
        return self.store.sources()

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
        known = self.store.known_keys(list(keys))
        todo = [k for k in keys if k not in known]
        vectors = embedder.embed_passages([keys[k] for k in todo]) if todo else np.zeros((0, embedder.dim), np.float32)
        removed, added = self.store.replace_documents(docs, (todo, vectors))
        self._apply(removed, added)
        return len(todo)

    def _apply(self, removed: Ids, added: Sequence[tuple[int, Chunk]]) -> None:
        """Mirror a committed change in the in-memory BM25 and FAISS indexes (when deferred: at `save`)."""
        if self.deferred:
            self._stale = True
            return
        ids = np.array([i for i, _ in added], np.int64)
        for bm, tokenize in ((self.plain, terms), (self.folded, folded_terms)):
            bm.remove(removed.tolist())
            bm.add(ids.tolist(), (tokenize(c.text) for _, c in added))
        if self.dense is not None:
            self.dense.remove(removed)
            got, vectors = self.store.vectors(ids)
            self.dense.add(got, vectors)

    def remove_document(self, source: str) -> bool:
        """Forget a source's chunks; False when it was not indexed."""
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        ids, known = self.store.remove_source(source)
        self._apply(ids, [])
        return known or bool(len(ids))

    # --- reading -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.store)

    def chunks(self, ids: Iterable[int]) -> list[Chunk]:
        """Chunks by int id, in the order given (unknown ids skipped)."""
        return self.store.chunks(ids)

    def bm25(self, query: str, *, folded: bool) -> tuple[Ids, Scores]:
        """BM25 (ids, scores) on accented or diacritics-folded syllables."""
        if folded:
            return self.folded.scores(folded_terms(query))
        return self.plain.scores(terms(query))


def _slices(ids: Ids) -> Iterator[Ids]:
    for i in range(0, len(ids), RECONCILE_SLICE):
        yield ids[i : i + RECONCILE_SLICE]


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
