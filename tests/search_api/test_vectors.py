"""The vector index (search_api.vectors): exact while small, ids removed for good."""

from __future__ import annotations

import numpy as np
import pytest

from search_api import vectors as vectors_module
from search_api.vectors import Dense, HnswPolicy


def test_dense_index_kind_follows_size() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((30, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat = Dense.build(8, [(np.arange(30, dtype=np.int64), vectors)], 30)
    assert not flat.hnsw
    found, scores = flat.search(vectors[3], 3)
    assert found[0] == 3 and scores[0] == pytest.approx(1.0)
    flat.remove(np.array([3], np.int64))
    assert 3 not in flat.search(vectors[3], 30)[0].tolist() and len(flat) == 29


def test_an_hnsw_index_is_filled_and_calibrated_a_slice_and_a_block_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Built from slices and calibrated against exact answers read back a block at a time, the index is the one a
    single slice and a single block give."""
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 1300, dtype=np.int64)
    policy = HnswPolicy(threshold=100)
    whole = Dense.build(16, [(ids, vectors)], 300, policy)
    monkeypatch.setattr(vectors_module, "CALIBRATION_BLOCK", 7)
    sliced = Dense.build(16, [(ids[i : i + 64], vectors[i : i + 64]) for i in range(0, 300, 64)], 300, policy)
    assert whole.hnsw and sliced.hnsw
    assert sliced.ids().tolist() == ids.tolist()
    assert (sliced.recall, sliced.ef_search) == (whole.recall, whole.ef_search)
    assert sliced.search(vectors[5], 3)[0].tolist() == whole.search(vectors[5], 3)[0].tolist()
