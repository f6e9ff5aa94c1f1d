"""Task alignment against hand-aligned pairs of plans: pair precision and recall.

    python -m eval.score_alignment [--shared ../shared] [--store DIR] [--json]

The plans named in eval/alignment_gold.json (its `_convention` says how the gold is written) are extracted and
loaded into a temporary graph, their tasks read back with `kg.questions.plan_tasks` and aligned with
`search_api.alignment.align` and the project's e5 embedder (its model folder under the data directory, built on
first use), exactly as `cchc align` does.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ingest.pipeline import extract_paths
from ingest.vntext import collapse
from kg import questions
from kg.loader import load_graphs
from kg.store import GraphStore
from search_api.alignment import Weights, align
from search_api.embedding import Embedder, default_embedder
from search_api.settings import Settings

GOLD = Path(__file__).with_name("alignment_gold.json")
DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@dataclass(frozen=True)
class PairScore:
    name: str
    predicted: int
    correct: int
    groups: int
    found: int
    wrong: tuple[tuple[str, str], ...]  # predicted pairs outside every group (texts, shortened)
    missed: tuple[str, ...]  # first anchor of each group not found
    not_extracted: tuple[str, ...] = ()  # groups left out: one side has no extracted task (first anchor)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.groups if self.groups else 0.0


def anchored(tasks: Sequence[Mapping[str, Any]], anchor: str) -> int | None:
    """The index of the task whose text starts with `anchor` (whitespace collapsed); None when no task does."""
    hits = [i for i, t in enumerate(tasks) if collapse(str(t["text"])).startswith(anchor)]
    if len(hits) > 1:
        raise ValueError(f"gold anchor names {len(hits)} tasks: {anchor!r}")
    return hits[0] if hits else None


def plan_tasks(store: GraphStore, source: Path) -> list[dict[str, Any]]:
    found = [d for d in questions.documents(store) if Path(d["source"]).resolve() == source.resolve()]
    if len(found) != 1:
        raise ValueError(f"{source}: {len(found)} documents in the graph")
    return questions.plan_tasks(store, found[0]["id"])


def score_plan(entry: Mapping[str, Any], a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]],
               embedder: Embedder, weights: Weights) -> PairScore:  # fmt: skip
    """Align two plans' tasks and score the pairs against the entry's groups."""
    resolved = [
        (g, {anchored(a, x) for x in g["a"]} - {None}, {anchored(b, y) for y in g["b"]} - {None})
        for g in entry["groups"]
    ]
    kept = [(g, ga, gb) for g, ga, gb in resolved if ga and gb]
    groups = [(ga, gb) for _, ga, gb in kept]
    pairs = [(p.a, p.b) for p in align(a, b, embedder, weights).pairs]
    inside = [any(i in ga and j in gb for ga, gb in groups) for i, j in pairs]
    found = [any(i in ga and j in gb for i, j in pairs) for ga, gb in groups]
    return PairScore(
        name=entry["name"], predicted=len(pairs), correct=sum(inside), groups=len(groups), found=sum(found),
        wrong=tuple((a[i]["text"][:60], b[j]["text"][:60]) for (i, j), ok in zip(pairs, inside, strict=True) if not ok),
        missed=tuple(g["a"][0] for (g, _, _), ok in zip(kept, found, strict=True) if not ok),
        not_extracted=tuple(g["a"][0] for g, ga, gb in resolved if not (ga and gb)),
    )  # fmt: skip


def evaluate(shared: Path, embedder: Embedder, weights: Weights | None = None, gold: Path = GOLD) -> list[PairScore]:
    weights = weights or Weights()
    entries = json.loads(gold.read_text(encoding="utf-8"))["plans"]
    paths = sorted({shared / e[side] for e in entries for side in ("a", "b")})
    with tempfile.TemporaryDirectory(prefix="cchc-align-") as home:
        store = GraphStore.open_local(Path(home))
        summary = load_graphs(extract_paths(paths), store)
        if summary.failures:
            raise ValueError(f"could not load: {summary.failures}")
        try:
            return [
                score_plan(e, plan_tasks(store, shared / e["a"]), plan_tasks(store, shared / e["b"]), embedder, weights)
                for e in entries
            ]
        finally:
            store.close()


def total(scores: Sequence[PairScore]) -> tuple[float, float]:
    """Pair precision and recall over every plan pair together (micro average)."""
    predicted, correct = sum(s.predicted for s in scores), sum(s.correct for s in scores)
    groups, found = sum(s.groups for s in scores), sum(s.found for s in scores)
    return (correct / predicted if predicted else 0.0), (found / groups if groups else 0.0)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="The shared folder (realdocs, seeds).")
    parser.add_argument("--store", type=Path, default=None, help="Data directory holding the model (CCHC_HOME).")
    parser.add_argument("--json", action="store_true", help="Print the scores as JSON.")
    args = parser.parse_args(argv)
    config = Settings.for_store(args.store)
    scores = evaluate(args.shared, default_embedder(config.home, config.embedder))
    precision, recall = total(scores)
    if args.json:
        rows = [{**asdict(s), "precision": s.precision, "recall": s.recall} for s in scores]
        print(json.dumps({"plans": rows, "precision": precision, "recall": recall}, ensure_ascii=False, indent=1))
        return 0
    for s in scores:
        print(f"{s.name}\n  pairs {s.predicted}, correct {s.correct}: precision {s.precision:.3f};"
              f" groups {s.groups}, found {s.found}: recall {s.recall:.3f}")  # fmt: skip
        for x, y in s.wrong:
            print(f"  wrong: {x} ↔ {y}")
        for x in s.missed:
            print(f"  missed: {x}")
        for x in s.not_extracted:
            print(f"  not extracted, left out: {x}")
    print(f"pair precision {precision:.3f} recall {recall:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
