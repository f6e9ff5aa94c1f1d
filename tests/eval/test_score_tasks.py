"""Tasks on real documents (issue: responsibilities from any real document), scored by the shared tool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import score_tasks


@pytest.fixture(scope="module", params=["dev", "extra"])
def result(request: pytest.FixtureRequest, shared: Path) -> score_tasks.TaskScore:
    name = request.param
    return score_tasks.score(name, score_tasks.gold_sets(shared)[name], shared)


def test_thresholds(result: score_tasks.TaskScore) -> None:
    print(result.line())
    # The bar: 0.90 on the development gold, 0.85 on documents the rules were not written from.
    bar = 0.90 if result.name == "dev" else 0.85
    assert result.recall >= bar and result.precision >= bar and result.lead >= bar
    assert result.deadline >= 0.85


def test_extra_gold_anchors_are_where_they_say(shared: Path) -> None:
    gold = json.loads(score_tasks.EXTRA_GOLD.read_text(encoding="utf-8"))
    dev = json.loads((shared / "realdocs" / "tasks_gold_dev.json").read_text(encoding="utf-8"))
    assert len(gold) == 10 and not set(gold) & set(dev)
    for fname, doc in gold.items():
        text = (shared / "realdocs" / "docs" / fname).read_text(encoding="utf-8")
        assert doc["notes"]
        for task in doc["tasks"]:
            assert text.find(task["anchor"]) == task["start"], (fname, task["anchor"])
            assert 30 <= len(task["anchor"]) <= 80 and text.count(task["anchor"]) == 1
            assert isinstance(task["lead"], list) and isinstance(task["cooperate"], list)
