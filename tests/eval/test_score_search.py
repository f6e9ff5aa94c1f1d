"""Search metrics on hand-computed rankings, and the hand-marked evaluation set itself."""

from __future__ import annotations

import itertools
import json
import math
import sys
import types
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from eval import score_search as ss
from eval.score_search import Judged, Query, evaluate, gains, mrr_at, ndcg_at, recall_at
from ingest.pipeline import MAX_FILE_BYTES
from ingest.read import read_file
from tests.helpers import SAMPLES

TYPES = {"paraphrase", "no_diacritics", "keyword", "doc_number", "unit", "target", "deadline"}


@dataclass(frozen=True)
class H:
    source: str
    start: int
    end: int


A = Judged("a.txt", 100, 150, 2)
B = Judged("a.txt", 300, 340, 1)
C = Judged("b.txt", 0, 40, 2)
MISS = H("a.txt", 200, 250)


def hit(j: Judged, shift: int = 0) -> H:
    return H(j.source, j.start + shift, j.end + shift)


# --- metrics ---------------------------------------------------------------------------------------


def test_perfect_ranking_scores_one() -> None:
    hits = [hit(A), hit(C), hit(B)]
    assert recall_at(hits, [A, B, C], 5) == 1.0
    assert mrr_at(hits, [A, B, C], 10) == 1.0
    assert ndcg_at(hits, [A, B, C], 10) == pytest.approx(1.0)


def test_relevant_at_rank_three() -> None:
    hits = [MISS, H("a.txt", 0, 10), hit(A)]
    assert mrr_at(hits, [A], 10) == pytest.approx(1 / 3)
    assert ndcg_at(hits, [A], 10) == pytest.approx((2 / math.log2(4)) / 2)  # = 0.5
    assert recall_at(hits, [A], 5) == 1.0
    assert recall_at(hits, [A], 2) == 0.0
    assert mrr_at(hits, [A], 2) == 0.0


def test_graded_ndcg() -> None:
    # partly relevant B first, the answer A third: DCG = 1/1 + 2/log2(4) = 2; ideal = 2/1 + 1/log2(3)
    hits = [hit(B), MISS, hit(A)]
    assert gains(hits, [A, B], 10) == [1, 0, 2]
    assert ndcg_at(hits, [A, B], 10) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert ndcg_at(hits, [A, B], 10) == pytest.approx(0.7602, abs=1e-4)
    # swapped, the ranking is ideal
    assert ndcg_at([hit(A), hit(B)], [A, B], 10) == pytest.approx(1.0)


def test_a_quote_counts_once() -> None:
    # the same passage twice (a paragraph and the target sentence inside it): only the first earns the gain
    hits = [hit(A), H("a.txt", 120, 130), hit(A, shift=-10)]
    assert gains(hits, [A, B], 10) == [2, 0, 0]
    assert ndcg_at(hits, [A, B], 10) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert recall_at(hits, [A, B], 5) == 0.5


def test_one_hit_over_two_quotes_earns_the_best_grade_not_the_sum() -> None:
    giant = H("a.txt", 0, 1000)
    assert gains([giant], [A, B], 10) == [2]
    assert ndcg_at([giant], [A, B], 10) == pytest.approx(2 / (2 + 1 / math.log2(3)))
    assert recall_at([giant], [A, B], 5) == 1.0
    assert ndcg_at([giant, hit(B)], [A, B], 10) < 1.0  # B was already covered: the second hit earns nothing


def test_unknown_file_earns_nothing() -> None:
    hits = [H("other.txt", A.start, A.end), H("b.txt", A.start, A.end)]
    assert gains(hits, [A], 10) == [0, 0]
    assert recall_at(hits, [A], 5) == mrr_at(hits, [A], 10) == ndcg_at(hits, [A], 10) == 0.0


@pytest.mark.parametrize(
    ("hit_", "expected"),
    [
        (H("a.txt", 50, 100), False),  # ends where the quote starts: half-open spans do not touch
        (H("a.txt", 150, 200), False),  # starts where the quote ends
        (H("a.txt", 50, 101), True),  # one character in common
        (H("a.txt", 149, 300), True),
        (H("a.txt", 110, 120), True),  # inside
        (H("a.txt", 0, 1000), True),  # around
        (H("a.txt", 120, 120), False),  # empty hit
        (H("/data/ingest/samples/a.txt", 100, 150), True),  # compared by file name
        (H("C:\\corpus\\a.txt", 100, 150), True),
        (H("a.txt.bak", 100, 150), False),
        (H("b/a.txt/c.txt", 100, 150), False),
    ],
)
def test_overlap(hit_: H, expected: bool) -> None:
    assert ss.overlaps(hit_, A) is expected


def test_grade_zero_and_no_judgements() -> None:
    zero = Judged("a.txt", 100, 150, 0)
    assert gains([hit(zero)], [zero], 10) == [0]
    assert recall_at([hit(zero)], [zero], 5) == ndcg_at([hit(zero)], [zero], 10) == 0.0
    assert recall_at([], [A], 5) == mrr_at([], [A], 10) == ndcg_at([], [A], 10) == 0.0


def test_evaluate_means_overall_and_per_type() -> None:
    queries = [
        Query("q1", "first", "keyword", (A,)),
        Query("q2", "second", "keyword", (C,)),
        Query("q3", "third", "unit", (A, B)),
    ]
    runs: dict[str, Sequence[H]] = {"first": [hit(A)], "second": [MISS, MISS, hit(C)], "third": []}
    scores = evaluate(lambda text: runs[text], queries)
    assert scores["mrr@10"] == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert scores["recall@5"] == pytest.approx(2 / 3)
    assert scores["keyword/mrr@10"] == pytest.approx((1 + 1 / 3) / 2)
    assert scores["keyword/ndcg@10"] == pytest.approx((1 + 0.5) / 2)
    assert scores["unit/ndcg@10"] == 0.0
    assert set(scores) == {*ss.METRICS, *(f"{t}/{m}" for t in ("keyword", "unit") for m in ss.METRICS)}


# --- loading ----------------------------------------------------------------------------------------


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_places_quotes_and_explicit_spans(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("Kế hoạch số 218/KH-UBND về cải cách hành chính năm 2024.", encoding="utf-8")
    rows: list[dict[str, object]] = [
        {
            "id": "x1",
            "query": "ke hoach 218",
            "type": "doc_number",
            "relevant": [
                {"source": "doc.txt", "quote": "218/KH-UBND", "grade": 2},
                {"source": "corpus.jsonl#17", "start": 5, "end": 9, "grade": 1},
            ],
        },
    ]
    [query] = ss.load_queries(_write(tmp_path / "q.jsonl", rows), tmp_path)
    assert query.relevant == (Judged("doc.txt", 12, 23, 2), Judged("corpus.jsonl#17", 5, 9, 1))


@pytest.mark.parametrize("quote", ["không có trong văn bản", "cải cách"])
def test_load_refuses_a_quote_not_found_exactly_once(tmp_path: Path, quote: str) -> None:
    (tmp_path / "doc.txt").write_text("cải cách hành chính; cải cách thể chế", encoding="utf-8")
    rows: list[dict[str, object]] = [
        {"id": "x1", "query": "q", "type": "keyword", "relevant": [{"source": "doc.txt", "quote": quote, "grade": 2}]}
    ]
    with pytest.raises(ValueError, match="x1"):
        ss.load_queries(_write(tmp_path / "q.jsonl", rows), tmp_path)


# --- the evaluation set -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in ss.QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_queries_file_shape(rows: list[dict[str, object]]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "ids must be unique"
    assert len(rows) >= 40
    counts = Counter(str(r["type"]) for r in rows)
    assert set(counts) == TYPES, "every type represented, no other"
    assert counts["paraphrase"] >= 0.3 * len(rows)
    for r in rows:
        relevant = r["relevant"]
        assert isinstance(relevant, list) and relevant, r["id"]
        assert {item["grade"] for item in relevant} <= {1, 2}, r["id"]
        assert any(item["grade"] == 2 for item in relevant), f"{r['id']}: nothing answers it"


def test_every_quote_occurs_exactly_once_in_its_sample(rows: list[dict[str, object]]) -> None:
    texts = {p.name: read_file(p, max_bytes=MAX_FILE_BYTES).text for p in SAMPLES.glob("*.txt")}
    for r in rows:
        relevant = r["relevant"]
        assert isinstance(relevant, list)
        for item in relevant:
            quote, source = item["quote"], item["source"]
            assert source in texts, f"{r['id']}: unknown sample {source}"
            assert 20 <= len(quote) <= 200, f"{r['id']}: quote length {len(quote)}"
            assert texts[source].count(quote) == 1, f"{r['id']}: {quote!r} not exactly once in {source}"


def test_no_place_is_marked_twice_for_one_query() -> None:
    for query in ss.load_queries():
        spans = sorted(query.relevant, key=lambda j: (j.source, j.start))
        for left, right in itertools.pairwise(spans):
            assert left.source != right.source or left.end <= right.start, f"{query.id}: overlapping quotes"


def test_an_oracle_ranking_scores_one_on_the_set() -> None:
    queries = ss.load_queries()
    by_text = {q.text: [hit(j) for j in sorted(q.relevant, key=lambda j: -j.grade)] for q in queries}
    scores = evaluate(lambda text: by_text[text], queries)
    assert scores["ndcg@10"] == pytest.approx(1.0)
    assert scores["mrr@10"] == 1.0
    assert 0.9 < scores["recall@5"] < 1.0  # some queries mark more than five places


# --- command ------------------------------------------------------------------------------------------


def test_command_prints_every_mode_and_type(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = {q.text: q for q in ss.load_queries()}
    calls: list[tuple[str, int, str]] = []

    class FakeSearcher:
        @classmethod
        def open(cls, data_dir: Path, embedder_kind: str | None = None) -> FakeSearcher:
            assert data_dir == tmp_path
            return cls()

        def search(self, query: str, k: int = 10, mode: str = "fused", filters: object = None) -> list[H]:
            calls.append((query, k, mode))
            relevant = [hit(j) for j in queries[query].relevant]
            return {"fused": relevant, "bm25": relevant[1:], "dense": [MISS, *relevant]}[mode][:k]

        def close(self) -> None:
            calls.append(("", 0, "closed"))

    fake = types.ModuleType("search_api.search")
    fake.Searcher = FakeSearcher  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "search_api.search", fake)
    assert ss.main(["--store", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert calls[-1][2] == "closed"
    searches = calls[:-1]
    assert {mode for _, _, mode in searches} == {"bm25", "dense", "fused"}
    assert {k for _, k, _ in searches} == {10}
    assert len(searches) == 3 * len(queries)
    for word in ("Recall@5", "MRR@10", "nDCG@10", *TYPES):
        assert word in out
    assert "fused beats bm25 and dense on nDCG@10: yes" in out

    assert ss.main(["--store", str(tmp_path), "--mode", "bm25", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert list(scores) == ["bm25"] and scores["bm25"]["ndcg@10"] < 1.0
