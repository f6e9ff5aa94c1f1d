"""The vector index (search_api.vectors): exact while small, ids removed for good."""

from __future__ import annotations

import numpy as np
import pytest

from search_api.vectors import Dense


def test_dense_index_kind_follows_size() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((30, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    flat = Dense.build(8, np.arange(30, dtype=np.int64), vectors)
    assert not flat.hnsw
    found, scores = flat.search(vectors[3], 3)
    assert found[0] == 3 and scores[0] == pytest.approx(1.0)
    flat.remove(np.array([3], np.int64))
    assert 3 not in flat.search(vectors[3], 30)[0].tolist() and len(flat) == 29
