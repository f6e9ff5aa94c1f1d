"""Dense search (search_api.vectors): exact top k over segments, dead rows and filters masked, files memory-mapped."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search_api.vectors import Vectors, dense_search
from tests.helpers import mapped_files


def _unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_segments_give_the_exact_top_k_of_their_live_allowed_rows(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = _unit(rng, 300).astype(np.float16).astype(np.float32)  # stored as float16: exact at that precision
    ids = np.arange(1000, 1300, dtype=np.int64)
    alive = rng.random(300) > 0.3
    allowed = ids[rng.random(300) > 0.5]
    query = _unit(rng, 1)[0]
    cuts = [(0, 120), (120, 121), (121, 300)]  # one segment of a single row
    parts = [(Vectors.build(ids[a:b], vectors[a:b], 16), alive[a:b]) for a, b in cuts]
    for limit in (None, allowed):
        mask = alive if limit is None else alive & np.isin(ids, allowed)
        brute = np.argsort(-(vectors[mask] @ query), kind="stable")[:10]
        got, scores = dense_search(parts, query, 10, limit)
        assert got.tolist() == ids[mask][brute].tolist()
        np.testing.assert_allclose(scores, (vectors[mask] @ query)[brute], rtol=1e-5)
    for n, (part, _) in enumerate(parts):
        part.write(tmp_path / f"{n}.faiss")
    mapped = [(Vectors.read(tmp_path / f"{n}.faiss", part.ids), mask) for n, (part, mask) in enumerate(parts)]
    assert dense_search(mapped, query, 10)[0].tolist() == dense_search(parts, query, 10)[0].tolist()
    np.testing.assert_array_equal(mapped[2][0].rows(np.array([0, 5])), vectors[[121, 126]])


def test_a_read_index_is_memory_mapped_from_its_file(tmp_path: Path) -> None:
    """Its pages are the OS's cache, shared by every process reading the segment, not a copy in each (faiss's
    IO_FLAG_MMAP maps only inverted lists: a flat index was read into memory)."""
    rng = np.random.default_rng(2)
    Vectors.build(np.arange(50, dtype=np.int64), _unit(rng, 50), 16).write(tmp_path / "v.faiss")
    read = Vectors.read(tmp_path / "v.faiss", np.arange(50, dtype=np.int64))
    assert str(tmp_path / "v.faiss") in mapped_files()
    assert dense_search([(read, np.ones(50, bool))], _unit(rng, 1)[0], 3)[0].shape == (3,)


def test_nothing_live_or_allowed_gives_no_hit() -> None:
    rng = np.random.default_rng(1)
    part = Vectors.build(np.arange(5, dtype=np.int64), _unit(rng, 5), 16)
    query = _unit(rng, 1)[0]
    assert dense_search([(part, np.zeros(5, bool))], query, 3)[0].tolist() == []
    assert dense_search([(part, np.ones(5, bool))], query, 3, np.array([99], np.int64))[0].tolist() == []
    assert dense_search([], query, 3)[0].tolist() == []
    assert len(dense_search([(part, np.ones(5, bool))], query, 10)[0]) == 5
