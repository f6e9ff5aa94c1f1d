"""Index segments: the BM25 counts and the vectors of a set of chunks, written once and never changed.

A writer appends a segment for the chunks no segment holds yet; a removed chunk only stops being live (the chunk
database is the truth), and a segment whose rows are mostly dead, or a pile of small ones (one per upload), is
rewritten from the segments' own arrays (`compaction_plan`). So an ingest never loads the index it adds to, and
its memory is that of one segment (`SEGMENT_CHUNKS`) whatever the size of the store; a search process loads each
segment once and keeps it while it lives (`load_segments` reuses what an older view had loaded).

Files under `index/segments/`: `<name>.npz` (the rest of the accented and folded BM25 arrays, the vector ids),
`<name>.<plain|folded>-<data|indices>.npy` (the term counts and their rows, most of a segment) and `<name>.faiss`
(a flat index). The counts and the index are memory-mapped when read: a search reads the columns of its terms and
every vector, and those pages are the OS's file cache, shared by every process reading the segment, not a copy in
each. (A segment's files are only ever replaced, never changed in place, so a mapping stays valid.) A segment of
the former layout keeps its counts in its npz and is read into memory. Which segments make the index is
`state.json`'s list, replaced atomically after the files it names are in place; files no list names are leftovers
of a crash and go at the next save.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from search_api.chunk_store import ChunkStore, Ids
from search_api.keywords import Bm25, folded_terms, terms
from search_api.vectors import Vectors

SEGMENTS_DIR = "segments"
# Chunks per segment written by an ingest: what a writer holds at once (20,000 chunks: ~30 MB of 384-d vectors and
# ~25 MB of BM25 counts), and a search reads 24 of them at the full Pháp điển corpus (468,000 chunks).
SEGMENT_CHUNKS = 20_000
# A segment with more dead rows than this is rewritten with its live rows only.
MAX_DEAD_FRACTION = 0.2
# Segments under half SEGMENT_CHUNKS are small (an upload writes one); this many of them are merged into one.
MAX_SMALL_SEGMENTS = 8

Mask = npt.NDArray[np.bool_]
# The BM25 arrays with an entry per count, each in a .npy file of its own so that it can be memory-mapped.
MAPPED = tuple(f"{part}_{array}" for part in ("plain", "folded") for array in ("data", "indices"))
# What reading a damaged segment raises: numpy and zipfile on a cut npz, FAISS (RuntimeError) on a bad index file.
_UNREADABLE = (OSError, ValueError, RuntimeError, KeyError, EOFError, zipfile.BadZipFile)


class SegmentError(Exception):
    """A segment's files are missing or cannot be read: its chunks are read from the database instead."""


@dataclass(frozen=True, eq=False)
class Segment:
    """The accented and folded BM25 counts of some chunks, and their vectors (None before any model)."""

    name: str
    plain: Bm25
    folded: Bm25
    vectors: Vectors | None

    @property
    def ids(self) -> Ids:
        return self.plain.ids

    @classmethod
    def from_store(cls, name: str, store: ChunkStore, ids: Ids) -> Segment:
        """The segment of these chunk ids, read from the chunk database (ids it no longer has are left out)."""
        found = store.chunk_map(np.sort(ids).tolist())
        rows = sorted(found)
        texts = [found[i].text for i in rows]
        plain = Bm25.build(rows, (terms(t) for t in texts))
        folded = Bm25.build(rows, (folded_terms(t) for t in texts))
        dim = store.dim
        vectors = Vectors.build(*store.vectors(plain.ids), dim) if dim else None
        return cls(name, plain, folded, vectors)

    @classmethod
    def merged(cls, name: str, parts: Sequence[tuple[Segment, Ids]]) -> Segment:
        """One segment of the given rows (positions) of each part, copied from their arrays, not recomputed."""
        plain = Bm25.merged([(s.plain, rows) for s, rows in parts])
        folded = Bm25.merged([(s.folded, rows) for s, rows in parts])
        vectors = None
        if all(s.vectors is not None for s, _ in parts):
            ids = np.concatenate([s.ids[rows] for s, rows in parts])
            matrix = np.concatenate([s.vectors.rows(_vector_rows(s, rows)) for s, rows in parts if s.vectors])
            order = np.argsort(ids, kind="stable")
            vectors = Vectors.build(ids[order], matrix[order], parts[0][0].vectors.index.d)  # type: ignore[union-attr]
        return cls(name, plain, folded, vectors)

    def write(self, directory: Path) -> None:
        """Its files, each atomically; the segment counts only once a state names it."""
        arrays = {**self.plain.arrays("plain"), **self.folded.arrays("folded")}
        for key in MAPPED:
            with replacing(directory / _mapped_file(self.name, key)) as tmp, tmp.open("wb") as f:
                np.save(f, arrays.pop(key))
        if self.vectors is not None:
            with replacing(directory / f"{self.name}.faiss") as tmp:
                self.vectors.write(tmp)
                size = tmp.stat().st_size
            arrays["vector_ids"] = self.vectors.ids
            arrays["vector_bytes"] = np.array(size, np.int64)  # so that a cut vector file is found without reading it
        with replacing(directory / f"{self.name}.npz") as tmp, tmp.open("wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]

    @classmethod
    def read(cls, directory: Path, name: str) -> Segment:
        try:
            with np.load(directory / f"{name}.npz") as stored:
                arrays = dict(stored)
            if _counts_apart(arrays):
                arrays |= {key: np.load(directory / _mapped_file(name, key), mmap_mode="r") for key in MAPPED}
            plain, folded = Bm25.from_arrays(arrays, "plain"), Bm25.from_arrays(arrays, "folded")
            vector_ids = arrays["vector_ids"].astype(np.int64) if "vector_ids" in arrays else None
            vectors = None if vector_ids is None else Vectors.read(directory / f"{name}.faiss", vector_ids)
        except _UNREADABLE as err:
            raise SegmentError(f"segment {name}: {err}") from err
        if vectors is not None and len(vectors) != int(vectors.index.ntotal):
            raise SegmentError(f"segment {name}: {len(vectors)} vector ids, {vectors.index.ntotal} vectors")
        return cls(name, plain, folded, vectors)


def segment_files(name: str) -> list[str]:
    """The names of a segment's files (one of the former layout has no .npy files)."""
    return [f"{name}.npz", f"{name}.faiss", *(_mapped_file(name, key) for key in MAPPED)]


def _counts_apart(npz: Mapping[str, Any]) -> bool:
    """Whether a segment keeps its counts in .npy files of their own (the former layout held them in its npz)."""
    return MAPPED[0] not in npz


def _mapped_file(name: str, key: str) -> str:
    return f"{name}.{key.replace('_', '-')}.npy"


def _vector_rows(segment: Segment, rows: Ids) -> Ids:
    """Positions in the segment's vectors of the chunks at these BM25 rows (equal when every chunk has a vector)."""
    assert segment.vectors is not None
    return np.searchsorted(segment.vectors.ids, segment.ids[rows])


def segment_ids(directory: Path, name: str) -> Ids:
    """A segment's chunk ids without reading its counts (a member of its npz is read alone); SegmentError when a
    file is missing or cut."""
    try:
        with np.load(directory / f"{name}.npz") as arrays:
            ids: Ids = arrays["plain_ids"].astype(np.int64)
            size = int(arrays["vector_bytes"]) if "vector_ids" in arrays else None
            counts_apart = _counts_apart(arrays)
        if size is not None and (directory / f"{name}.faiss").stat().st_size != size:
            raise SegmentError(f"segment {name}: the vector file is not the {size:,} bytes written")
        for key in MAPPED if counts_apart else ():
            np.load(directory / _mapped_file(name, key), mmap_mode="r")  # its header read, its size checked
    except _UNREADABLE as err:
        raise SegmentError(f"segment {name}: {err}") from err
    return ids


@dataclass(frozen=True)
class CompactionPlan:
    """What a save does with the segments it finds: keep, rewrite (groups merged into one segment each), drop."""

    keep: list[str]
    rewrite: list[list[tuple[str, Ids]]]  # groups of (segment, live row positions)
    drop: list[str]


def compaction_plan(ids_of: Mapping[str, Ids], live: Ids) -> CompactionPlan:
    """Segments with no live row go; one mostly dead is rewritten alone; MAX_SMALL_SEGMENTS small ones or more
    are merged into one. Every group holds at most max(SEGMENT_CHUNKS, MAX_SMALL_SEGMENTS * SEGMENT_CHUNKS / 2)
    rows, so a save's memory does not grow with the store."""
    keep, rewrite, drop, small = [], [], [], []
    for name, ids in ids_of.items():
        rows = np.flatnonzero(np.isin(ids, live))
        if not len(rows):
            drop.append(name)
        elif len(rows) < len(ids) * (1 - MAX_DEAD_FRACTION):
            rewrite.append([(name, rows)])
        elif len(rows) < SEGMENT_CHUNKS // 2:
            small.append((name, rows))
        else:
            keep.append(name)
    if len(small) >= MAX_SMALL_SEGMENTS:
        rewrite.append(small)
    else:
        keep += [name for name, _ in small]
    drop += [name for group in rewrite for name, _ in group]
    return CompactionPlan(sorted(keep), rewrite, drop)


def live_masks(segments: Sequence[Segment], live: Ids) -> list[tuple[Segment, Mask, Mask | None]]:
    """Each segment with its live BM25 rows and live vector rows."""
    out: list[tuple[Segment, Mask, Mask | None]] = []
    for segment in segments:
        vectors = None if segment.vectors is None else np.isin(segment.vectors.ids, live)
        out.append((segment, np.isin(segment.ids, live), vectors))
    return out


def slices(ids: Ids) -> Iterator[Ids]:
    """The ids a segment at a time."""
    for i in range(0, len(ids), SEGMENT_CHUNKS):
        yield ids[i : i + SEGMENT_CHUNKS]


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
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
