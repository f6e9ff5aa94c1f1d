"""Keyword scoring (search_api.keywords): Vietnamese syllables, accented and folded, and BM25 over segments whose
rows are masked or merged exactly as if the index were rebuilt."""

from __future__ import annotations

import math

import numpy as np
import pytest

from search_api.keywords import (
    BM25_B,
    BM25_K1,
    Bm25,
    Keywords,
    folded_syllables,
    folded_terms,
    syllables,
    terms,
)


def test_tokenizers_fold_case_tones_and_marks() -> None:
    assert syllables("Ủy ban, HOÁ đơn; 107/2020/NĐ-CP") == ["ủy", "ban", "hóa", "đơn", "107", "2020", "nđ", "cp"]
    assert folded_syllables("Chỉ tiêu TRỰC TUYẾN đạt") == ["chi", "tieu", "truc", "tuyen", "dat"]


def _scores(bm: Bm25, query: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return Keywords([(bm, np.ones(len(bm), bool))]).scores(query)


def test_bm25_matches_the_textbook_formula() -> None:
    bm = Bm25.build([10, 20, 30], [["a", "b", "a"], ["b", "c"], ["c", "c", "d", "e"]])
    ids, scores = _scores(bm, ["a", "c"])
    got = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    n, avgdl = 3, 3.0

    def term(tf: int, df: int, dl: int) -> float:
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, b = BM25_K1, BM25_B
        return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))

    assert got[10] == pytest.approx(term(2, 1, 3), rel=1e-5)
    assert got[20] == pytest.approx(term(1, 2, 2), rel=1e-5)
    assert got[30] == pytest.approx(term(2, 2, 4), rel=1e-5)


DOCS = {1: ["x", "y"], 2: ["x", "z", "z"], 3: ["y", "w"], 4: ["x", "x", "w"], 5: ["z", "y", "x"], 6: ["w"]}
QUERIES = (["x"], ["z", "w"], ["y", "x", "q"], ["q"])


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> None:
    order_a, order_b = np.argsort(a[0]), np.argsort(b[0])
    assert a[0][order_a].tolist() == b[0][order_b].tolist()
    np.testing.assert_allclose(a[1][order_a], b[1][order_b], rtol=1e-6)


def test_segments_with_masked_rows_score_like_one_rebuilt_index() -> None:
    first = Bm25.build([1, 2, 3, 4], [DOCS[i] for i in (1, 2, 3, 4)])
    second = Bm25.build([5, 6], [DOCS[5], DOCS[6]])
    masks = [(first, np.array([True, False, False, True])), (second, np.array([True, True]))]
    rebuilt = Bm25.build([1, 4, 5, 6], [DOCS[i] for i in (1, 4, 5, 6)])
    for query in QUERIES:
        _same(Keywords(masks).scores(query), _scores(rebuilt, query))
    assert Keywords([(first, np.zeros(4, bool))]).scores(["x"])[0].tolist() == []  # nothing live: no hit


def test_merged_segments_keep_the_counts_of_the_rows_kept() -> None:
    first = Bm25.build([1, 2, 3, 4], [DOCS[i] for i in (1, 2, 3, 4)])
    second = Bm25.build([5, 6], [DOCS[5], DOCS[6]])
    merged = Bm25.merged([(second, np.array([0, 1])), (first, np.array([0, 3]))])
    assert merged.ids.tolist() == [1, 4, 5, 6]  # ids ascending whatever order the parts came in
    rebuilt = Bm25.build([1, 4, 5, 6], [DOCS[i] for i in (1, 4, 5, 6)])
    np.testing.assert_array_equal(merged.lengths, rebuilt.lengths)
    for query in QUERIES:
        _same(_scores(merged, query), _scores(rebuilt, query))
    again = Bm25.from_arrays(merged.arrays("p"), "p")
    for query in QUERIES:
        _same(_scores(again, query), _scores(rebuilt, query))


def _bytes_per_posting(bm: Bm25) -> float:
    m = bm.matrix
    return (m.data.nbytes + m.indices.nbytes) / m.nnz


def test_counts_are_held_in_the_smallest_types_that_hold_them() -> None:
    """The counts are most of what a search process holds per chunk: int32 row positions and unsigned counts
    (5 bytes a posting, where scipy's defaults took 12), built, merged or read from a file of the former layout."""
    small = Bm25.build([1, 2, 3, 4], [DOCS[i] for i in (1, 2, 3, 4)])
    assert (small.matrix.indices.dtype, small.matrix.indptr.dtype, small.matrix.data.dtype) == (
        np.int32,
        np.int32,
        np.uint8,
    )
    assert _bytes_per_posting(small) == 5
    many = Bm25.build([7, 8], [["x"] * 300, ["x", "y"]])  # a count over 255 takes two bytes
    assert many.matrix.data.dtype == np.uint16 and _scores(many, ["x"])[0].tolist() == [7, 8]
    merged = Bm25.merged([(small, np.array([0, 1])), (many, np.array([0]))])
    assert merged.matrix.data.dtype == np.uint16 and merged.matrix.indices.dtype == np.int32
    former = {k: v.astype(np.int64) if k.endswith(("indices", "indptr")) else v for k, v in small.arrays("p").items()}
    former["p_data"] = former["p_data"].astype(np.float32)  # as the earlier segments were written
    read = Bm25.from_arrays(former, "p")
    assert _bytes_per_posting(read) == 5
    for query in QUERIES:
        _same(_scores(read, query), _scores(small, query))


def test_abbreviations_and_their_words_find_each_other() -> None:
    assert terms("Uỷ ban nhân dân tỉnh") == ["ủy", "ban", "nhân", "dân", "ubnd", "tỉnh"]
    assert terms("UBND tỉnh") == ["ubnd", "tỉnh"]
    assert folded_terms("thu tuc hanh chinh") == ["thu", "tuc", "hanh", "chinh", "tthc"]
    assert folded_terms("Bộ Giáo dục và Đào tạo")[-1] == "bgddt"
    bm = Bm25.build([1, 2], [terms("Ủy ban nhân dân tỉnh ban hành kế hoạch"), terms("Sở Tư pháp rà soát TTHC")])
    assert _scores(bm, terms("UBND"))[0].tolist() == [1]
    ids, scores = _scores(bm, terms("thủ tục hành chính"))
    assert ids[np.argmax(scores)] == 2  # "hành" alone also matches the first
