"""Task alignment against the hand-aligned plans of eval/alignment_gold.json, with the project's e5 model: the
issue's thresholds (pair precision ≥ 0.85, recall ≥ 0.80), and the scorer's own arithmetic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval import score_alignment as sa
from search_api.alignment import Weights
from search_api.embedding import HashingEmbedder, OnnxEmbedder


def test_gold_anchors_name_one_extracted_task_each(shared: Path) -> None:
    gold = json.loads(sa.GOLD.read_text(encoding="utf-8"))
    assert gold["_convention"] and len(gold["plans"]) >= 2
    scores = sa.evaluate(shared, HashingEmbedder())  # resolves every anchor (a doubly-matched anchor raises)
    assert [s.groups + len(s.not_extracted) for s in scores] == [len(p["groups"]) for p in gold["plans"]]
    assert sum(s.groups for s in scores) >= 25


def test_alignment_meets_the_thresholds(shared: Path, folder: Path) -> None:
    scores = sa.evaluate(shared, OnnxEmbedder(folder))
    precision, recall = sa.total(scores)
    assert precision >= 0.85, [(s.name, s.wrong) for s in scores]
    assert recall >= 0.80, [(s.name, s.missed) for s in scores]


def _task(text: str) -> dict[str, Any]:
    return {"text": text, "area": None, "lead": [], "cooperate": [], "deadline": None}


def test_a_pair_inside_a_group_is_correct_and_finds_the_group_once() -> None:
    a = [_task("Sở Nội vụ hướng dẫn khen thưởng"), _task("Sở Nội vụ tổng hợp báo cáo"), _task("Hoàn toàn khác")]
    b = [_task("Sở Nội vụ hướng dẫn khen thưởng và tổng hợp báo cáo"), _task("Một việc không liên quan gì")]
    entry = {"name": "x", "groups": [{"a": ["Sở Nội vụ hướng dẫn", "Sở Nội vụ tổng hợp"], "b": ["Sở Nội vụ"]}]}
    score = sa.score_plan(entry, a, b, HashingEmbedder(), Weights())
    assert score.groups == 1 and score.found == 1
    assert score.correct == score.predicted - len(score.wrong) and score.correct >= 1


def test_a_group_the_extractor_misses_is_left_out() -> None:
    a, b = [_task("Sở Nội vụ hướng dẫn")], [_task("Sở Nội vụ hướng dẫn")]
    entry = {"name": "x", "groups": [{"a": ["Sở Nội vụ"], "b": ["Sở Nội vụ"]}, {"a": ["Sở Y tế"], "b": ["Sở Nội vụ"]}]}
    score = sa.score_plan(entry, a, b, HashingEmbedder(), Weights())
    assert score.groups == 1 and score.found == 1 and score.not_extracted == ("Sở Y tế",)


def test_an_anchor_naming_two_tasks_is_refused() -> None:
    with pytest.raises(ValueError, match="names 2 tasks"):
        sa.anchored([_task("Báo cáo quý"), _task("Báo cáo quý I")], "Báo cáo")
