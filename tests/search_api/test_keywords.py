"""Keyword scoring (search_api.keywords): Vietnamese syllables, accented and folded, and BM25 that rows join and
leave exactly as if it were rebuilt."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from search_api.keywords import BM25_B, BM25_K1, Bm25, folded_syllables, syllables


def test_tokenizers_fold_case_tones_and_marks() -> None:
    assert syllables("Ủy ban, HOÁ đơn; 107/2020/NĐ-CP") == ["ủy", "ban", "hóa", "đơn", "107", "2020", "nđ", "cp"]
    assert folded_syllables("Chỉ tiêu TRỰC TUYẾN đạt") == ["chi", "tieu", "truc", "tuyen", "dat"]


def test_bm25_matches_the_textbook_formula() -> None:
    bm = Bm25()
    docs = [["a", "b", "a"], ["b", "c"], ["c", "c", "d", "e"]]
    bm.add([10, 20, 30], docs)
    ids, scores = bm.scores(["a", "c"])
    got = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    n, avgdl = 3, 3.0

    def term(tf: int, df: int, dl: int) -> float:
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, b = BM25_K1, BM25_B
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))

    assert got[10] == pytest.approx(term(2, 1, 3), rel=1e-5)
    assert got[20] == pytest.approx(term(1, 2, 2), rel=1e-5)
    assert got[30] == pytest.approx(term(2, 2, 4), rel=1e-5)


def test_bm25_removal_changes_statistics_like_a_rebuild() -> None:
    docs = {1: ["x", "y"], 2: ["x", "z", "z"], 3: ["y", "w"], 4: ["x", "x", "w"]}
    incremental = Bm25()
    incremental.add(list(docs), list(docs.values()))
    incremental.scores(["x"])  # settle, then remove and add on top of a built matrix
    incremental.remove([2, 3])
    incremental.add([5], [["z", "y", "x"]])
    rebuilt = Bm25()
    rebuilt.add([1, 4, 5], [docs[1], docs[4], ["z", "y", "x"]])
    for query in (["x"], ["z", "w"], ["y", "x", "q"]):
        a, b = incremental.scores(query), rebuilt.scores(query)
        assert a[0].tolist() == b[0].tolist()
        np.testing.assert_allclose(a[1], b[1], rtol=1e-6)
    incremental.compact()
    assert incremental.ids.tolist() == [1, 4, 5] and len(incremental) == 3


def test_concurrent_first_searches_fold_pending_rows_once() -> None:
    """The soak run (issue 12) found searches racing to fold a reopened index's pending rows: IndexError, 500."""
    words = [f"từ{i}" for i in range(300)]
    results: list[tuple[list[int], list[float]]] = []
    for _ in range(5):
        bm = Bm25()
        bm.add(range(3000), ([words[(i * 7 + j) % 300] for j in range(12)] for i in range(3000)))
        barrier = threading.Barrier(8)

        def search(bm: Bm25 = bm, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            ids, scores = bm.scores(words[:5])
            order = np.argsort(ids)
            results.append((ids[order].tolist(), scores[order].tolist()))

        threads = [threading.Thread(target=search) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 40 and all(r == results[0] for r in results)
