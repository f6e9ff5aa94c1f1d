"""The persisted search index of one data directory: the chunk database and the segments searched over it.

Layout under `data_dir / "index"`:
- `chunks.sqlite`: the truth (`search_api.chunk_store`): chunks, their embeddings, the model, a generation.
- `segments/` (`search_api.segments`): immutable BM25 counts (accented and folded) and flat vector indexes, each
  for a set of chunks; `state.json` names the segments that make the index, with the model and term version they
  were built with. A writer only touches the database until `save`, which appends segments for the chunks none
  holds and compacts (never loading the whole index); a reader masks the rows the database no longer has and
  builds, in memory, what the segments miss (a crash before a save, a reader racing a writer). So a crash at any
  point keeps everything committed, and nothing is ever embedded twice.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ingest.pipeline import Progress
from search_api.chunk_store import ChunkStore, Ids, Scores, batches, text_key
from search_api.chunks import Chunk
from search_api.embedding import Embedder, Matrix
from search_api.keywords import TERMS_VERSION, Keywords, folded_terms, terms
from search_api.segments import (
    SEGMENTS_DIR,
    Segment,
    SegmentError,
    compaction_plan,
    live_masks,
    replacing,
    segment_files,
    segment_ids,
    slices,
)
from search_api.vectors import dense_search

INDEX_DIR = "index"
DB_FILE = "chunks.sqlite"
STATE_FILE = "state.json"
# Chunks embedded per call: big enough for length-bucketed batches, small enough to commit often.
EMBED_BATCH = 256
# A fixed sentence every embedder touching the index embeds: one model gives the same vectors whatever runtime
# computes them (torch and ONNX agree to cosine > 0.9999), another model does not.
PROBE = "Kế hoạch cải cách hành chính năm 2024: tỷ lệ hồ sơ trực tuyến đạt tối thiểu 80%."
PROBE_MIN_COSINE = 0.999
# The whole-index files of the layout before segments: a save deletes them (their content is in the database).
FORMER_FILES = ("bm25.npz", "dense.faiss")
# A reader that finds a segment gone (a writer compacted it after the reader read the state) reads the state again.
READ_ATTEMPTS = 5


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


class View:
    """What searches read: every segment with its live rows, as of one moment of the database."""

    def __init__(self, parts: list[tuple[Segment, Any, Any]]) -> None:
        self.parts = parts  # (segment, live BM25 rows, live vector rows or None)
        self.plain = Keywords([(s.plain, rows) for s, rows, _ in parts])
        self.folded = Keywords([(s.folded, rows) for s, rows, _ in parts])

    def bm25(self, tokens: Sequence[str], *, folded: bool) -> tuple[Ids, Scores]:
        return (self.folded if folded else self.plain).scores(tokens)

    def dense(self, query: Matrix, k: int, allowed: Ids | None) -> tuple[Ids, Scores]:
        parts = [(s.vectors, rows) for s, _, rows in self.parts if s.vectors is not None]
        return dense_search(parts, query, k, allowed)

    def live_ids(self, *, vectors: bool = False) -> Ids:
        """The live chunk ids the BM25 rows (or the vectors) hold, ascending."""
        if vectors:
            held = [s.vectors.ids[rows] for s, _, rows in self.parts if s.vectors is not None and rows is not None]
        else:
            held = [s.ids[rows] for s, rows, _ in self.parts]
        return np.sort(np.concatenate(held)) if held else np.zeros(0, np.int64)

    @property
    def segments(self) -> dict[str, Segment]:
        return {s.name: s for s, _, _ in self.parts}


class SearchIndex:
    """Chunks, embeddings and the segments searched over them, for one data directory."""

    def __init__(self, path: Path, store: ChunkStore, *, read_only: bool) -> None:
        self.path = path
        self.store = store
        self.read_only = read_only
        self._view: View | None = None
        self._opening = threading.Lock()
        self._reuse: dict[str, Segment] = {}
        self._same: list[Embedder] = []  # embedders found to match the stored vectors (held: ids get reused)

    # --- opening and saving ------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False, reuse: SearchIndex | None = None) -> SearchIndex:
        """The index under `data_dir/index`; created when writable. Segments are read on the first search, and
        those `reuse` (an older reader of the same directory) has loaded are taken from it, not read again."""
        path = data_dir / INDEX_DIR
        if read_only and not (path / DB_FILE).exists():
            raise SearchIndexError(f"no search index at {path} (run `cchc ingest` first)")
        if not read_only:
            (path / SEGMENTS_DIR).mkdir(parents=True, exist_ok=True)
        index = cls(path, ChunkStore.open(path / DB_FILE, read_only=read_only), read_only=read_only)
        if reuse is not None and reuse._view is not None:
            index._reuse = reuse._view.segments
        return index

    def close(self) -> None:
        self.store.close()

    @property
    def dim(self) -> int | None:
        return self.store.dim

    def _state(self) -> dict[str, Any]:
        """The saved state, or an empty one when its segments were built for another model or term version."""
        file = self.path / STATE_FILE
        state = json.loads(file.read_text()) if file.exists() else {}
        if state.get("model") != self.store.model or state.get("terms") != TERMS_VERSION:
            return {"next": state.get("next", 0)}
        return state

    @property
    def view(self) -> View:
        """The segments named by the state, masked by the database, plus in memory what they miss."""
        with self._opening:  # searches share a reader: the first builds the view, the others wait for it
            if self._view is None:
                self._view = self._load_view()
            return self._view

    def _load_view(self) -> View:
        for _ in range(READ_ATTEMPTS):
            live = np.sort(self.store.live_ids())
            names = self._state().get("segments", [])
            segments = self._read_segments(names)
            if len(segments) == len(names) or self._state().get("segments", []) == names:
                break  # every segment read, or one is damaged (not replaced by a writer meanwhile)
        held = np.concatenate([s.ids for s in segments]) if segments else np.zeros(0, np.int64)
        missing = np.setdiff1d(live, held)
        segments += [Segment.from_store(f"memory-{n}", self.store, part) for n, part in enumerate(slices(missing))]
        return View(live_masks(segments, live))

    def _read_segments(self, names: Sequence[str]) -> list[Segment]:
        """The segments that can be read; the chunks of a damaged one are then read from the database."""
        out = []
        for name in names:
            try:
                out.append(self._reuse.get(name) or Segment.read(self.path / SEGMENTS_DIR, name))
            except SegmentError:
                continue
        return out

    def segment_names(self) -> list[str]:
        """The segments the saved state names."""
        return list(self._state().get("segments", []))

    def save(self) -> None:
        """Append segments for the chunks no segment holds and compact (`search_api.segments`); the state goes last,
        then the files it no longer names."""
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        self.store.vacuum_embeddings()
        directory = self.path / SEGMENTS_DIR
        state = self._state()
        counter = int(state.get("next", 0))
        live = np.sort(self.store.live_ids())
        ids_of: dict[str, Ids] = {}
        for name in state.get("segments", []):
            try:
                ids_of[name] = segment_ids(directory, name)
            except SegmentError:
                continue  # damaged: its chunks are written again from the database
        plan = compaction_plan(ids_of, live)
        written: list[str] = []
        held = [ids_of[name] for name in plan.keep]
        for group in plan.rewrite:
            parts = self._read_segments([name for name, _ in group])
            if len(parts) < len(group):
                continue  # as damaged
            segment = Segment.merged(f"{counter:06d}", [(s, rows) for s, (_, rows) in zip(parts, group, strict=True)])
            segment.write(directory)
            written.append(segment.name)
            held.append(segment.ids)
            counter += 1
        for part in slices(np.setdiff1d(live, np.concatenate(held) if held else np.zeros(0, np.int64))):
            segment = Segment.from_store(f"{counter:06d}", self.store, part)
            segment.write(directory)
            written.append(segment.name)
            counter += 1
        names = plan.keep + written
        state = {
            "generation": self.store.generation, "model": self.store.model, "terms": TERMS_VERSION,
            "chunks": len(live), "segments": names, "next": counter,
        }  # fmt: skip
        with replacing(self.path / STATE_FILE) as tmp:
            tmp.write_text(json.dumps(state))
        kept = {file for name in names for file in segment_files(name)}
        for file in [*directory.iterdir(), *(self.path / name for name in FORMER_FILES)]:
            if file.name not in kept:
                file.unlink(missing_ok=True)
        self._changed()

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
        self._changed()
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
        self.store.mark_all_embedded()
        if done:
            self._changed()
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

        Unchanged chunks keep their int id; others get a new one and the old ids stop being live, so a re-ingested
        document never leaves stale or duplicated hits. Only texts without a stored vector are embedded. Searches
        see the change at once (the segments are masked and completed from the database); `save` makes it last.
        """
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        if self.use_model(embedder):
            self.embed_missing(embedder)
        keys = {text_key(c.text): c.text for _, _, chunks in docs for c in chunks}
        known = self.store.known_keys(list(keys))
        todo = [k for k in keys if k not in known]
        vectors = embedder.embed_passages([keys[k] for k in todo]) if todo else np.zeros((0, embedder.dim), np.float32)
        self.store.replace_documents(docs, (todo, vectors))
        self._changed()
        return len(todo)

    def _changed(self) -> None:
        """The next search builds its view again; the segments it had read are reused."""
        if self._view is not None:
            self._reuse = self._view.segments
        self._view = None

    def remove_document(self, source: str) -> bool:
        """Forget a source's chunks; False when it was not indexed."""
        if self.read_only:
            raise SearchIndexError("index opened read-only")
        ids, known = self.store.remove_source(source)
        self._changed()
        return known or bool(len(ids))

    # --- reading -------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.store)

    def chunks(self, ids: Iterable[int]) -> list[Chunk]:
        """Chunks by int id, in the order given (unknown ids skipped)."""
        return self.store.chunks(ids)

    def bm25(self, query: str, *, folded: bool) -> tuple[Ids, Scores]:
        """BM25 (ids, scores) on accented or diacritics-folded syllables."""
        return self.view.bm25(folded_terms(query) if folded else terms(query), folded=folded)

    def dense(self, query: Matrix, k: int, allowed: Ids | None = None) -> tuple[Ids, Scores]:
        """Top-k (ids, inner products) of the live chunks with a vector, restricted to `allowed` when given."""
        return self.view.dense(query, k, allowed)
