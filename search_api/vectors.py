"""Dense search: exact inner product over each index segment's vectors, a FAISS float16 index memory-mapped from its
file.

Exact rather than approximate. `python -m benchmarks.bench_dense` (2026-12-04, load 0.71, the files really
memory-mapped): 468,000 384-d float16 vectors (the full Pháp điển corpus) in 24 segments, one thread, p50 12.0 ms a
query, 23.1 ms with a tenth of the rows masked as removed (29.9 and 15.5 GB/s read); bound by memory bandwidth,
while embedding the query takes 8-30 ms. HNSW, used before, answered in under
1 ms but took 150 s and 1.8 GB at the end of an ingest of the whole corpus, could not remove a vector, and found
98 % of the exact top 10. A segment's index is written once and never rebuilt; memory-mapped, it costs a search
process page cache, not heap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import numpy.typing as npt

from search_api.chunk_store import Ids, Scores
from search_api.embedding import Matrix


class Vectors:
    """One segment's vectors: row i of an exhaustive inner-product index is chunk `ids[i]` (ascending)."""

    def __init__(self, ids: Ids, index: Any) -> None:
        self.ids = ids
        self.index = index

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, ids: Ids, vectors: Matrix, dim: int) -> Vectors:
        """Stored as float16, as the chunk database keeps them: nothing is lost, and a search reads half the bytes."""
        index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
        if len(ids):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(ids, index)

    @classmethod
    def read(cls, path: Path, ids: Ids) -> Vectors:
        """Memory-mapped: the file's pages are read when searched, and shared by every process reading it. (Not
        IO_FLAG_MMAP: it maps inverted lists only, and a flat index was read into memory.)"""
        return cls(ids, faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC))

    def write(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    def rows(self, positions: Ids) -> Matrix:
        """The vectors at these row positions (a copy)."""
        if not len(positions):
            return np.zeros((0, self.index.d), np.float32)
        return np.asarray(self.index.reconstruct_batch(positions.astype(np.int64)), np.float32)


def dense_search(
    parts: Sequence[tuple[Vectors, npt.NDArray[np.bool_]]], query: Matrix, k: int, allowed: Ids | None = None
) -> tuple[Ids, Scores]:
    """Top-k (chunk ids, inner products) over the live rows (the mask beside each part), restricted to `allowed`
    when given."""
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    found_ids, found_scores = [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
    for part, alive in parts:
        mask = alive if allowed is None else alive & np.isin(part.ids, allowed)
        wanted = min(k, int(mask.sum()))
        if wanted <= 0:
            continue
        params = None
        if not mask.all():
            bits = np.packbits(mask, bitorder="little")  # held until the search returns
            params = faiss.SearchParameters()
            params.sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
        scores, rows = part.index.search(q, wanted, params=params)
        ok = rows[0] >= 0
        found_ids.append(part.ids[rows[0][ok]])
        found_scores.append(scores[0][ok].astype(np.float32))
    ids, scores = np.concatenate(found_ids), np.concatenate(found_scores)
    top = np.argsort(-scores, kind="stable")[:k]
    return ids[top], scores[top]
