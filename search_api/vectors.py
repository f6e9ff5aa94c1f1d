"""The vector index: FAISS inner-product search with the chunk store's int ids, exact while small, HNSW when large.

When to switch, and how HNSW is checked, is an `HnswPolicy` (the defaults are measured; tests pass small ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

from search_api.chunk_store import Ids, Scores
from search_api.embedding import Matrix

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
CALIBRATION_BLOCK = 50_000  # stored vectors read back at a time for the exact answers (200 x 50,000 scores: 40 MB)
# HNSW cannot remove ids: removed ones are masked at query time, and the graph rebuilt when they pile up.
HNSW_MAX_DELETED_FRACTION = 0.2
# A filter this selective is answered exactly from reconstructed vectors: filtered HNSW search misses neighbours.
EXACT_FILTER_MAX = 20_000


@dataclass(frozen=True, slots=True)
class HnswPolicy:
    """When the index is HNSW rather than exact, and when a dying HNSW graph is rebuilt."""

    threshold: int = HNSW_THRESHOLD
    max_deleted_fraction: float = HNSW_MAX_DELETED_FRACTION


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
    def build(
        cls, dim: int, slices: Iterable[tuple[Ids, Matrix]], count: int, policy: HnswPolicy | None = None
    ) -> Dense:
        """A fresh index of the right kind for `count` vectors, filled a slice at a time: the vectors are held once,
        by the index (at the full Pháp điển corpus a second copy of them all was most of a build's peak memory)."""
        if count >= (policy or HnswPolicy()).threshold:
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            dense = cls(dim, faiss.IndexIDMap2(inner))
        else:
            dense = cls(dim)
        for ids, vectors in slices:
            dense.add(ids, vectors)
        if dense.hnsw:
            dense.calibrate()
        return dense

    def calibrate(self, k: int = 10) -> float:
        """Raise efSearch until HNSW's top k agrees with exact search on a sample of the real vectors.

        The queries are stored vectors themselves: as close to real queries as the index can get without a log.
        Exact search reads the vectors back from the index a block at a time. Returns the recall@k reached (also
        kept in `self.recall`).
        """
        inner: Any = faiss.downcast_index(self.index.index)
        n = int(inner.ntotal)
        rng = np.random.default_rng(0)
        sample = inner.reconstruct_batch(rng.choice(n, min(CALIBRATION_QUERIES, n), replace=False))
        k = min(k, n)
        best = np.full((len(sample), k), -np.inf, np.float32)
        exact = np.zeros((len(sample), k), np.int64)  # positions of the top k so far, as a set
        for start in range(0, n, CALIBRATION_BLOCK):
            block = inner.reconstruct_n(start, min(CALIBRATION_BLOCK, n - start))
            scores = np.hstack([best, sample @ block.T])
            at = np.broadcast_to(np.arange(start, start + len(block)), (len(sample), len(block)))
            positions = np.hstack([exact, at])
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            best, exact = np.take_along_axis(scores, top, 1), np.take_along_axis(positions, top, 1)
        truth = self.ids()[exact]  # rows were added in id order, so position i holds the i-th id
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

    def needs_rebuild(self, policy: HnswPolicy) -> bool:
        """HNSW with many dead ids, or an index of the wrong kind for its size."""
        live = len(self)
        threshold, fraction = policy.threshold, policy.max_deleted_fraction
        if self.hnsw:
            return live < threshold // 2 or len(self.deleted) > fraction * self.index.ntotal
        return live >= threshold

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
