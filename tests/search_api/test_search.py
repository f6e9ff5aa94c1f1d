"""Hybrid search: modes, filters, folded BM25, graph-first answers, fusion, and one run with the real model."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import extract_paths
from ingest.read import read_file
from ingest.vntext import fold
from kg import questions
from kg.store import GraphStore
from search_api.accents import has_diacritics
from search_api.chunk_store import Ids, Scores
from search_api.embedding import Embedder, HashingEmbedder, Matrix, default_embedder
from search_api.index_build import build_index
from search_api.ingestion import ingest_into
from search_api.search import (
    RESTORED_ALPHA,
    UNACCENTED_ALPHA,
    Filters,
    Hit,
    Mode,
    Searcher,
    best_n,
    bm25_best,
    minmax,
    mix_bm25,
    rrf,
)
from search_api.settings import Settings
from tests.helpers import SAMPLES


def _index(home: Path, paths: list[Path], embedder: Embedder) -> None:
    documents, failures = extract_paths(paths)
    assert not failures
    build_index(home, documents, embedder)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples in a graph store and a search index (HashingEmbedder) under one data directory."""
    path = tmp_path_factory.mktemp("home")
    ingest_into(Settings(home=path), extract_paths([SAMPLES]), HashingEmbedder())
    return path


@pytest.fixture(scope="module")
def searcher(home: Path) -> Iterator[Searcher]:
    s = Searcher.open(home, embedder=HashingEmbedder())
    yield s
    s.close()


def _name(hit: Hit) -> str:
    return Path(hit.source).name[:3]


# --- modes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["bm25", "dense", "fused"])
def test_each_mode_returns_k_ranked_hits(searcher: Searcher, mode: Mode) -> None:
    hits = searcher.search("tuyên truyền cải cách hành chính", k=7, mode=mode)
    assert len(hits) == 7
    assert {h.why for h in hits} == {mode}
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len({h.chunk for h in hits}) == 7


def test_hits_serialise_with_what_the_cli_promises(searcher: Searcher) -> None:
    data = searcher.search("kiểm soát thủ tục hành chính", k=3)[0].to_json()
    assert {"source", "document", "text", "start", "end", "score", "kind", "why", "units"} <= data.keys()
    assert isinstance(data["units"], list)
    source = read_file(Path(data["source"]), max_bytes=10**8).text
    assert fold(data["text"].split()[1]) in fold(source[data["start"] : data["end"]])


def test_search_many_answers_like_search(searcher: Searcher) -> None:
    queries = ["đào tạo bồi dưỡng công chức", "chu ky so", "NĐ 107/2020"]
    many = searcher.search_many(queries, k=5)
    assert [[h.chunk for h in hits] for hits in many] == [[h.chunk for h in searcher.search(q, k=5)] for q in queries]


def test_folded_bm25_matches_queries_typed_without_diacritics(searcher: Searcher) -> None:
    hits = searcher.search("ty le ho so truc tuyen", k=3, mode="bm25")
    assert all("ty le ho so truc tuyen" in fold(h.text) for h in hits)
    accented = searcher.search("tỷ lệ hồ sơ trực tuyến", k=3, mode="bm25")
    assert {h.chunk for h in hits} == {h.chunk for h in accented}
    searcher.bm25_mix = "accented"
    try:  # the accented index alone cannot match it: the folded copy is what finds these
        assert not any("truc tuyen" in fold(h.text) for h in searcher.search("ty le ho so truc tuyen", mode="bm25"))
    finally:
        searcher.bm25_mix = "max"


class Recording(HashingEmbedder):
    """The hashing embedder, keeping the query texts it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        self.queries.extend(texts)
        return super().embed_queries(texts)


def test_a_query_typed_without_diacritics_is_embedded_with_them(home: Path) -> None:
    recording = Recording()
    s = Searcher.open(home, embedder=recording)
    try:
        s.search("thu tuc hanh chinh", mode="dense")
        s.search("thủ tục hành chinh", mode="dense")  # some marks typed: the writer chose them, it goes as typed
        assert recording.queries[-2:] == ["thủ tục hành chính", "thủ tục hành chinh"]
    finally:
        s.close()


def test_a_restored_query_is_fused_with_the_restored_weight(searcher: Searcher) -> None:
    query = "ty le ho so truc tuyen"
    dense = [h.chunk for h in searcher.search(query, k=5, mode="dense")]
    bm25 = [h.chunk for h in searcher.search(query, k=5, mode="bm25")]
    assert dense != bm25
    restorer = searcher.restorer
    searcher.alpha_restored, searcher.alpha_unaccented = 1.0, 0.0
    try:
        assert [h.chunk for h in searcher.search(query, k=5)] == dense
        searcher.restorer = None  # nothing restored: the weight of queries without diacritics applies
        assert [h.chunk for h in searcher.search(query, k=5)] == bm25
    finally:
        searcher.restorer = restorer
        searcher.alpha_restored, searcher.alpha_unaccented = RESTORED_ALPHA, UNACCENTED_ALPHA


# --- filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["bm25", "dense", "fused"])
def test_filters_apply_in_every_mode_before_top_k(searcher: Searcher, mode: Mode) -> None:
    query = "rà soát thủ tục hành chính"
    only = Filters(province="Vĩnh Long", kind="task")
    hits = searcher.search(query, k=10, mode=mode, filters=only)
    assert len(hits) == 10  # enough Vĩnh Long task rows exist: the filter must not starve the top 10
    assert {(h.province, h.kind) for h in hits} == {("Vĩnh Long", "task")}
    years = searcher.search(query, k=10, mode=mode, filters=Filters().with_years("2024"))
    assert years and {h.year for h in years} == {2024}
    area = searcher.search(query, k=5, mode=mode, filters=Filters(area="Cải cách thủ tục hành chính"))
    assert area and {h.area for h in area} == {"tthc"}
    docs = searcher.search(query, k=5, mode=mode, filters=Filters(kind="Công văn"))
    assert docs and {h.doc_kind for h in docs} == {"Công văn"}
    unit = searcher.search(query, k=5, mode=mode, filters=Filters(unit="Sở Nội vụ"))
    assert unit and all(any(u.endswith("/so-noi-vu") for u in h.units) for h in unit)
    assert searcher.search(query, mode=mode, filters=Filters(province="Hà Giang")) == []


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("2024", 2024, 2024),
        ("2022-2024", 2022, 2024),
        ("2023-", 2023, None),
        ("-2022", None, 2022),
        ("2021..2023", 2021, 2023),
    ],
)
def test_year_options(text: str, low: int | None, high: int | None) -> None:
    f = Filters().with_years(text)
    assert (f.year_from, f.year_to) == (low, high)


@pytest.mark.parametrize("text", ["năm 2024", "24", "2024-2025-2026", "-"])
def test_bad_year_options(text: str) -> None:
    with pytest.raises(ValueError):
        Filters().with_years(text)


# --- graph-first answers ---------------------------------------------------------------------------


def test_document_number_queries_put_citing_passages_first(home: Path, searcher: Searcher) -> None:
    query = "NĐ 107/2020"
    hits = searcher.search(query, k=10)
    store = GraphStore.open_local(home, read_only=True)
    try:
        citing = questions.cites(store, query)
    finally:
        store.close()
    spans = [(d["source"], c["start"], c["end"]) for d in citing for c in d["citations"]]
    graph = [h for h in hits if h.why == "graph"]
    assert graph and hits[: len(graph)] == graph  # graph answers come first
    for h in graph:
        assert any(h.source == s and h.start < e and b < h.end for s, b, e in spans)
    assert {_name(h) for h in graph} == {"000", "002", "004"}
    others = [h for h in hits if h.why != "graph"]
    assert not any(h.source == s and h.start < e and b < h.end for h in others for s, b, e in spans)


def test_a_plan_number_without_diacritics_finds_the_plans_citing_it(searcher: Searcher) -> None:
    hits = searcher.search("ke hoach 218", k=5)
    graph = [h for h in hits if h.why == "graph"]
    assert {_name(h) for h in graph} == {"000", "003"}
    assert all("218/KH-UBND" in h.text for h in graph)


def test_filters_apply_to_graph_answers(searcher: Searcher) -> None:
    hits = searcher.search("NĐ 107/2020", k=5, filters=Filters(province="Vĩnh Long"))
    assert hits and {h.province for h in hits} == {"Vĩnh Long"}
    assert hits[0].why == "graph" and _name(hits[0]) == "004"


def test_topic_queries_do_not_consult_the_graph(searcher: Searcher) -> None:
    assert searcher.graph_chunks("tuyên truyền cải cách hành chính", None) == []
    assert all(h.why == "fused" for h in searcher.search("tuyên truyền cải cách hành chính"))


def test_search_works_without_a_graph(tmp_path: Path) -> None:
    _index(tmp_path, [SAMPLES / "000_c4c1da0f57cfd92b.txt"], HashingEmbedder())
    s = Searcher.open(tmp_path, embedder=HashingEmbedder())
    try:
        assert s.graph is None
        hits = s.search("NĐ 107/2020", k=3)
        assert hits and {h.why for h in hits} == {"fused"}
    finally:
        s.close()


# --- fusion helpers ---------------------------------------------------------------------------------


def _ranked(*pairs: tuple[int, float]) -> tuple[Ids, Scores]:
    return np.array([p[0] for p in pairs], np.int64), np.array([p[1] for p in pairs], np.float32)


def test_rrf_sums_reciprocal_ranks() -> None:
    ids, scores = rrf([_ranked((1, 9.0), (2, 5.0)), _ranked((2, 0.9), (3, 0.1))], k=60)
    got = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    assert got[2] == pytest.approx(1 / 62 + 1 / 61)
    assert got[1] == pytest.approx(1 / 61) and got[3] == pytest.approx(1 / 62)


def test_minmax_rescales_each_list_then_weights_it() -> None:
    ids, scores = minmax([_ranked((1, 10.0), (2, 6.0), (3, 2.0)), _ranked((3, 0.9), (4, 0.5))], [0.6, 0.4])
    got = dict(zip(ids.tolist(), scores.tolist(), strict=True))
    assert got == pytest.approx({1: 0.6, 2: 0.3, 3: 0.4, 4: 0.0})


def test_bm25_mix_takes_the_better_of_accented_and_folded() -> None:
    ids, scores = mix_bm25(_ranked((1, 2.0), (2, 1.0)), _ranked((2, 3.0), (5, 0.5)), "max")
    assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == {1: 2.0, 2: 3.0, 5: 0.5}
    ids, scores = mix_bm25(
        _ranked((1, 2.0), (2, 1.0)),
        _ranked(
            (2, 3.0),
        ),
        "sum",
    )
    assert dict(zip(ids.tolist(), scores.tolist(), strict=True)) == {1: 2.0, 2: 4.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("chỉ tiêu trực tuyến", True), ("chi tieu truc tuyen", False), ("ĐỀ ÁN", True), ("ISO 9001", False), ("đ", True)],
)
def test_has_diacritics(text: str, expected: bool) -> None:
    assert has_diacritics(text) is expected


# --- the real model -----------------------------------------------------------------------------------


def test_end_to_end_with_the_default_model(tmp_path: Path) -> None:
    """multilingual-e5-small on two sample plans: a paraphrased question finds its passage in the top 5."""
    _index(
        tmp_path,
        [SAMPLES / "000_c4c1da0f57cfd92b.txt", SAMPLES / "003_a521161aeb0064af.txt"],
        default_embedder(tmp_path),
    )
    s = Searcher.open(tmp_path)
    try:
        question = "người lao động ở Văn phòng được nhận thêm thu nhập bao nhiêu mỗi tháng"
        modes: tuple[Mode, ...] = ("dense", "fused")
        for mode in modes:
            hits = s.search(question, k=5, mode=mode)
            assert any("thu nhập tăng thêm" in h.text and "lương cơ sở" in h.text for h in hits), mode
    finally:
        s.close()


def _full_top(ids: Ids, scores: Scores, n: int) -> tuple[list[int], list[float]]:
    order = np.lexsort((ids, -scores))[:n]
    return ids[order].tolist(), scores[order].tolist()


@pytest.mark.parametrize("seed", range(20))
def test_the_best_n_are_those_of_a_full_sort_ties_included(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ids = rng.permutation(5_000).astype(np.int64)
    scores = rng.integers(0, 40, 5_000).astype(np.float32)  # many ties at every cut
    top_ids, top_scores = best_n(ids, scores, 100)
    assert (top_ids.tolist(), top_scores.tolist()) == _full_top(ids, scores, 100)


@pytest.mark.parametrize("seed", range(20))
def test_bm25_cut_per_side_before_mixing_keeps_the_mixed_best(seed: int) -> None:
    """At 468,904 chunks, mixing every matching chunk of both sides took 300 ms a query (p95 781 ms): the best n
    of the larger of two scores are among the best n of either side, so each side is cut first."""
    rng = np.random.default_rng(seed)
    a = (np.sort(rng.choice(20_000, 6_000, replace=False)).astype(np.int64), rng.random(6_000).astype(np.float32))
    f = (np.sort(rng.choice(20_000, 9_000, replace=False)).astype(np.int64), rng.random(9_000).astype(np.float32))
    whole = _full_top(*mix_bm25(a, f, "max"), 100)
    cut = bm25_best(a, f, "max", 100)
    assert (cut[0].tolist(), cut[1].tolist()) == whole
