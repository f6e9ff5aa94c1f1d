"""Task alignment on made-up plans: one to one, a threshold leaving tasks unmatched, changed leads and deadlines."""

from __future__ import annotations

from typing import Any

import pytest

from search_api.alignment import DEFAULT, Weights, align, changes, dice, grams
from search_api.embedding import HashingEmbedder

EMBEDDER = HashingEmbedder()


def task(text: str, lead: str = "Sở Nội vụ", deadline: str | None = "Quý I/2024", area: str | None = "tthc") -> Any:
    return {"text": text, "area": area, "lead": [{"name": lead}], "cooperate": [],
            "deadline": {"text": deadline} if deadline else None}  # fmt: skip


A = [
    task("Xây dựng Kế hoạch kiểm soát thủ tục hành chính năm 2024"),
    task("Rà soát, cắt giảm thủ tục hành chính nội bộ", area="tthc"),
    task("Tổ chức hội thi tìm hiểu về cải cách hành chính", area="chi-dao-dieu-hanh"),
]
B = [
    task("Tổ chức hội thi tìm hiểu cải cách hành chính", lead="Sở Tư pháp", area="chi-dao-dieu-hanh"),
    task("Xây dựng Kế hoạch kiểm soát thủ tục hành chính năm 2025", deadline="Quý II/2025"),
    task("Nâng cấp hạ tầng mạng máy tính của cơ quan", area="chinh-quyen-so"),
]


def test_each_task_pairs_with_its_counterpart_one_to_one() -> None:
    result = align(A, B, EMBEDDER)
    assert {(p.a, p.b) for p in result.pairs} == {(0, 1), (2, 0)}
    assert result.only_a == (1,) and result.only_b == (2,)
    assert len({p.b for p in result.pairs}) == len(result.pairs)


def test_a_pair_is_changed_when_its_lead_or_deadline_differs() -> None:
    by_a = {p.a: p for p in align(A, B, EMBEDDER).pairs}
    assert by_a[0].status == "changed" and by_a[0].changes == ("deadline",)
    assert by_a[2].changes == ("lead",)
    same = align(A[:1], A[:1], EMBEDDER).pairs[0]
    assert same.status == "matched" and same.changes == () and same.score > 0.9
    assert changes(task("x", lead="Sở Nội vụ"), task("y", lead="SỞ NỘI VỤ")) == ()  # names compare folded


def test_a_high_threshold_leaves_everything_unmatched() -> None:
    result = align(A, B, EMBEDDER, Weights(threshold=2.0))
    assert result.pairs == () and result.only_a == (0, 1, 2) and result.only_b == (0, 1, 2)


@pytest.mark.parametrize(("a", "b"), [([], B), (A, []), ([], [])])
def test_an_empty_plan_aligns_to_nothing(a: list[Any], b: list[Any]) -> None:
    result = align(a, b, EMBEDDER)
    assert result.pairs == () and len(result.only_a) == len(a) and len(result.only_b) == len(b)


def test_lexical_overlap_ignores_case_and_diacritics() -> None:
    assert grams("Sở Nội vụ") == grams("so noi vu")
    assert dice(grams("cải cách hành chính"), grams("cai cach hanh chinh")) == 1.0
    assert dice(grams("cải cách"), grams("hạ tầng")) == 0.0
    assert DEFAULT.threshold > 0
