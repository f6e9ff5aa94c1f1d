"""Task alignment between two plans: each task paired with its best counterpart, one to one, or left unmatched.

A pair's score mixes what the two task texts mean (cosine of the project's e5 embeddings, both sides encoded as
"query: " as e5 asks for symmetric tasks, rescaled from the band where e5 puts unrelated Vietnamese sentences),
the words they share (Dice over folded syllable uni- and bigrams) and whether they sit in the same reform area.
scipy's `linear_sum_assignment` picks the one-to-one pairing with the highest total. A pair is kept when its score
reaches `threshold` and one of its two tasks has the other as its best candidate: the assignment otherwise marries
leftover tasks that are nobody's first choice. A kept pair is "changed" when its lead units or its deadline differ.
The tasks come in as `kg.questions.plan_tasks` gives them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from ingest.vntext import match_key
from search_api.embedding import Embedder

Status = Literal["matched", "changed"]
_WORDS = re.compile(r"\w+")
# e5 puts unrelated sentences of one language around 0.75-0.8 and paraphrases above 0.9: this band maps to [0, 1].
E5_FLOOR, E5_CEILING = 0.78, 0.95


@dataclass(frozen=True, slots=True)
class Weights:
    """How the score is made. Set on the two hand-aligned pairs of eval/alignment_gold.json (there is no third to
    hold out); precision and recall stay within 0.01 for thresholds 0.3-0.4 and an e5 floor of 0.75-0.8."""

    semantic: float = 0.5
    lexical: float = 0.5
    same_area: float = 0.1  # added when both tasks are in the same reform area
    threshold: float = 0.35


DEFAULT = Weights()


@dataclass(frozen=True, slots=True)
class Pair:
    a: int  # index into the first plan's tasks
    b: int
    score: float
    semantic: float  # rescaled e5 cosine, 0-1
    lexical: float  # Dice of syllable grams, 0-1
    status: Status
    changes: tuple[str, ...]  # "lead", "deadline"


@dataclass(frozen=True, slots=True)
class Alignment:
    pairs: tuple[Pair, ...]
    only_a: tuple[int, ...]  # indexes of the first plan's tasks with no counterpart
    only_b: tuple[int, ...]
    weights: Weights


def grams(text: str) -> frozenset[str]:
    """Folded syllables and syllable bigrams: "Sở Nội vụ" and "so noi vu" give the same set."""
    words = _WORDS.findall(match_key(text))
    return frozenset(words) | frozenset(f"{a} {b}" for a, b in itertools.pairwise(words))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def _names(agents: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(match_key(str(a["name"])) for a in agents)


def _deadline(task: Mapping[str, Any]) -> str:
    return match_key(str((task.get("deadline") or {}).get("text") or ""))


def changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[str, ...]:
    """What differs between two tasks taken as the same: the lead units (by name), the deadline (as written)."""
    out = []
    if _names(a["lead"]) != _names(b["lead"]):
        out.append("lead")
    if _deadline(a) != _deadline(b):
        out.append("deadline")
    return tuple(out)


def scores(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], embedder: Embedder, weights: Weights = DEFAULT
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(score, semantic, lexical) matrices, one row per task of `a`, one column per task of `b`."""
    if not a or not b:
        empty = np.zeros((len(a), len(b)))
        return empty, empty, empty
    vectors = embedder.embed_queries([t["text"] for t in [*a, *b]]).astype(np.float64)
    cosine = vectors[: len(a)] @ vectors[len(a) :].T
    semantic = np.clip((cosine - E5_FLOOR) / (E5_CEILING - E5_FLOOR), 0.0, 1.0)
    ga, gb = [grams(t["text"]) for t in a], [grams(t["text"]) for t in b]
    lexical = np.array([[dice(x, y) for y in gb] for x in ga])
    areas = np.array([[weights.same_area if x.get("area") and x.get("area") == y.get("area") else 0.0 for y in b]
                      for x in a])  # fmt: skip
    return weights.semantic * semantic + weights.lexical * lexical + areas, semantic, lexical


def align(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], embedder: Embedder, weights: Weights = DEFAULT
) -> Alignment:
    """The one-to-one pairing of the two plans' tasks with the highest total score, keeping the pairs that reach the
    threshold and are the first choice of one of their tasks."""
    score, semantic, lexical = scores(a, b, embedder, weights)
    rows, cols = linear_sum_assignment(score, maximize=True) if score.size else ((), ())
    first = (score.argmax(axis=1), score.argmax(axis=0)) if score.size else (np.zeros(0), np.zeros(0))
    pairs = tuple(
        Pair(int(i), int(j), float(score[i, j]), float(semantic[i, j]), float(lexical[i, j]),
             "changed" if (diff := changes(a[i], b[j])) else "matched", diff)
        for i, j in zip(rows, cols, strict=True)
        if score[i, j] >= weights.threshold and (first[0][i] == j or first[1][j] == i)
    )  # fmt: skip
    paired_a, paired_b = {p.a for p in pairs}, {p.b for p in pairs}
    return Alignment(
        pairs=tuple(sorted(pairs, key=lambda p: p.a)),
        only_a=tuple(i for i in range(len(a)) if i not in paired_a),
        only_b=tuple(j for j in range(len(b)) if j not in paired_b),
        weights=weights,
    )


CSV_COLUMNS = (
    "status", "score", "changes", "a_number", "a_text", "a_lead", "a_deadline", "b_number", "b_text", "b_lead",
    "b_deadline",
)  # fmt: skip


def _task_json(task: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": task["id"], "number": task.get("number"), "text": task["text"], "area": task.get("area"),
        "lead": [a["name"] for a in task["lead"]], "cooperate": [a["name"] for a in task["cooperate"]],
        "deadline": (task.get("deadline") or {}).get("text"),
    }  # fmt: skip


def alignment_json(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], result: Alignment) -> dict[str, Any]:
    """Pairs (matched, or changed with what changed) and each plan's unmatched tasks, as plain JSON."""
    pairs = [
        {"status": p.status, "score": round(p.score, 4), "semantic": round(p.semantic, 4),
         "lexical": round(p.lexical, 4), "changes": list(p.changes), "a": _task_json(a[p.a]), "b": _task_json(b[p.b])}
        for p in result.pairs
    ]  # fmt: skip
    return {
        "pairs": pairs,
        "only_a": [_task_json(a[i]) for i in result.only_a],
        "only_b": [_task_json(b[j]) for j in result.only_b],
        "counts": {
            "matched": sum(p.status == "matched" for p in result.pairs),
            "changed": sum(p.status == "changed" for p in result.pairs),
            "only_a": len(result.only_a),
            "only_b": len(result.only_b),
        },
        "threshold": result.weights.threshold,
    }


def alignment_rows(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per pair and per unmatched task (`CSV_COLUMNS`)."""

    def side(prefix: str, task: Mapping[str, Any] | None) -> dict[str, Any]:
        keys = ("number", "text", "lead", "deadline")
        return {f"{prefix}_{k}": task[k] for k in keys} if task else {}

    rows = [{"status": p["status"], "score": p["score"], "changes": p["changes"], **side("a", p["a"]),
             **side("b", p["b"])} for p in answer["pairs"]]  # fmt: skip
    rows += [{"status": "only_a", **side("a", t)} for t in answer["only_a"]]
    rows += [{"status": "only_b", **side("b", t)} for t in answer["only_b"]]
    return rows
