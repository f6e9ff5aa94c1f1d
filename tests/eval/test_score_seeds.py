"""The issue's measured acceptance on the seeds, computed by eval.score_seeds (the same numbers `make score` prints)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eval import score_seeds
from ingest.pipeline import extract_paths
from ingest.records import Extraction, to_json


@pytest.fixture(scope="module")
def extracted(shared: Path) -> dict[str, Extraction]:
    documents, failures = extract_paths([shared / "seeds"])
    assert not failures
    return score_seeds.by_file(d.extraction for d in documents)


def test_citation_f1(extracted: dict[str, Extraction], seeds_gold: dict[str, Any]) -> None:
    score = score_seeds.score_citations(extracted, seeds_gold)
    print(score.line())
    assert score.f1 >= 0.98


def test_project_scorer_agrees_with_the_shared_tool(
    extracted: dict[str, Extraction], seeds_gold: dict[str, Any], shared: Path, tmp_path: Path
) -> None:
    out = tmp_path / "extract.json"
    out.write_text(json.dumps(to_json(list(extracted.values())), ensure_ascii=False), encoding="utf-8")
    tool = shared / "tools" / "score_citations.py"
    gold = shared / "gold" / "seeds_gold.json"
    run = subprocess.run([sys.executable, str(tool), "seeds", str(gold), str(out), "0"], capture_output=True, text=True)
    last = run.stdout.strip().splitlines()[-1]
    ours = score_seeds.score_citations(extracted, seeds_gold)
    assert f"F1={ours.f1:.3f}" in last, (last, ours.line())


def test_laws_by_name_recall(extracted: dict[str, Extraction], seeds_gold: dict[str, Any]) -> None:
    score = score_seeds.score_laws(extracted, seeds_gold)
    print(score.line())
    assert score.recall >= 0.9


def test_task_rows_exact_count_and_units_and_deadlines(
    extracted: dict[str, Extraction], seeds_gold: dict[str, Any]
) -> None:
    scores = score_seeds.score_tasks(extracted, seeds_gold)
    print("\n".join(scores.lines()))
    assert all(gold == got for gold, got in scores.counts.values()), scores.counts
    assert scores.lead.recall >= 0.95
    assert scores.cooperate.recall >= 0.95
    assert scores.deadline.recall >= 0.95


def test_targets_recall(extracted: dict[str, Extraction], seeds_gold: dict[str, Any]) -> None:
    score = score_seeds.score_targets(extracted, seeds_gold)
    print(score.line())
    assert score.recall >= 0.9
    assert score.precision >= 0.85


def test_seed_anomalies_flagged(extracted: dict[str, Extraction]) -> None:
    score = score_seeds.score_anomalies(extracted)
    print(score.line())
    assert score.hits == score.total
