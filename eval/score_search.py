"""Score the project's search against hand-marked passages: Recall@5, MRR@10 and nDCG@10.

    python -m eval.score_search [--store DIR] [--mode bm25|dense|fused|all] [--queries FILE] [--samples DIR]

The store must already hold the documents the queries are about (`cchc ingest ingest/samples --store DIR`).

Relevance is judged by span overlap, never by chunk id, so one evaluation set stays valid however documents
are chunked: each judged place is an exact quote of a source file (or an explicit [start, end) span), and a
hit is relevant to it when the hit's [start, end) source span overlaps the quote's span in the same file
(files are compared by name, so a hit may carry the path it was ingested from). A quote counts once: the
first hit overlapping it earns its grade, later hits over the same quote earn nothing, so returning the
same passage twice (a paragraph and the target sentence inside it) cannot inflate a score. A hit that is
first to cover several quotes earns the best of their grades, not their sum, so one giant chunk cannot
outscore the ideal ranking. Gains are the grades themselves (2 = answers, 1 = partly relevant) with the
usual log2 rank discount.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ingest.pipeline import MAX_FILE_BYTES
from ingest.read import read_file
from search_api.settings import Settings

QUERIES = Path(__file__).with_name("search_queries.jsonl")
SAMPLES = Path(__file__).resolve().parents[1] / "ingest" / "samples"
MODES = ("bm25", "dense", "fused")
RECALL_K = 5
RANK_K = 10
METRICS = (f"recall@{RECALL_K}", f"mrr@{RANK_K}", f"ndcg@{RANK_K}")


class Hit(Protocol):
    """What scoring needs of a search hit (`search_api.search.Hit` has more)."""

    @property
    def source(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Judged:
    """One hand-marked relevant place: a [start, end) span of a source file, with its grade."""

    source: str  # file name (or record id), compared with `file_name(hit.source)`
    start: int
    end: int
    grade: int


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str
    type: str
    relevant: tuple[Judged, ...]


# --- metrics ---------------------------------------------------------------------------------------


def file_name(source: str) -> str:
    """The last path component, so "/data/ingest/samples/x.txt", "x.txt" and "C:\\in\\x.txt" all match."""
    return PurePosixPath(source.replace("\\", "/")).name


def overlaps(hit: Hit, judged: Judged) -> bool:
    """Same file and the half-open spans share at least one character (an empty hit overlaps nothing)."""
    return (
        hit.start < hit.end
        and file_name(hit.source) == judged.source
        and hit.start < judged.end
        and judged.start < hit.end
    )


def gains(hits: Sequence[Hit], judged: Sequence[Judged], k: int) -> list[int]:
    """Gain of each of the first k hits: the best grade among the relevant quotes it is first to overlap."""
    credited: set[int] = set()
    out: list[int] = []
    for hit in hits[:k]:
        new = [i for i, j in enumerate(judged) if j.grade > 0 and i not in credited and overlaps(hit, j)]
        credited.update(new)
        out.append(max((judged[i].grade for i in new), default=0))
    return out


def recall_at(hits: Sequence[Hit], judged: Sequence[Judged], k: int = RECALL_K) -> float:
    """Share of the relevant quotes (grade > 0) overlapped by at least one of the first k hits."""
    relevant = [j for j in judged if j.grade > 0]
    if not relevant:
        return 0.0
    found = sum(1 for j in relevant if any(overlaps(hit, j) for hit in hits[:k]))
    return found / len(relevant)


def mrr_at(hits: Sequence[Hit], judged: Sequence[Judged], k: int = RANK_K) -> float:
    """1 / rank of the first of the first k hits overlapping a relevant quote; 0 when none does."""
    for rank, gain in enumerate(gains(hits, judged, k), start=1):
        if gain:
            return 1.0 / rank
    return 0.0


def _dcg(grades: Iterable[int]) -> float:
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg_at(hits: Sequence[Hit], judged: Sequence[Judged], k: int = RANK_K) -> float:
    """DCG of the first k hits over the DCG of the ideal ranking (every quote its own hit, best grade first)."""
    ideal = _dcg(sorted((j.grade for j in judged if j.grade > 0), reverse=True)[:k])
    return _dcg(gains(hits, judged, k)) / ideal if ideal else 0.0


def score_query(hits: Sequence[Hit], query: Query) -> dict[str, float]:
    return {
        METRICS[0]: recall_at(hits, query.relevant, RECALL_K),
        METRICS[1]: mrr_at(hits, query.relevant, RANK_K),
        METRICS[2]: ndcg_at(hits, query.relevant, RANK_K),
    }


def _mean(scores: Sequence[Mapping[str, float]]) -> dict[str, float]:
    return {m: sum(s[m] for s in scores) / len(scores) for m in METRICS} if scores else dict.fromkeys(METRICS, 0.0)


def evaluate(run: Callable[[str], Sequence[Hit]], queries: Sequence[Query]) -> dict[str, float]:
    """Mean metrics over all queries ("ndcg@10") and per query type ("paraphrase/ndcg@10")."""
    scored = [(q.type, score_query(run(q.text), q)) for q in queries]
    out = _mean([s for _, s in scored])
    for qtype in sorted({t for t, _ in scored}):
        for metric, value in _mean([s for t, s in scored if t == qtype]).items():
            out[f"{qtype}/{metric}"] = value
    return out


# --- the evaluation set -----------------------------------------------------------------------------


def _span(item: Mapping[str, Any], texts: Callable[[str], str], qid: str) -> tuple[int, int]:
    """An item's [start, end): given explicitly, or where its quote occurs, which must be exactly once."""
    if "start" in item and "end" in item:
        return int(item["start"]), int(item["end"])
    quote, source = str(item["quote"]), str(item["source"])
    text = texts(source)
    start = text.find(quote)
    if start < 0 or text.find(quote, start + 1) >= 0:
        found = "not found" if start < 0 else "found more than once"
        raise ValueError(f"{qid}: quote {found} in {source}: {quote[:60]!r}")
    return start, start + len(quote)


def load_queries(path: Path = QUERIES, samples: Path = SAMPLES) -> list[Query]:
    """Read the JSON Lines evaluation set and place every quote in its file (decoded as ingestion decodes it)."""
    cache: dict[str, str] = {}

    def texts(source: str) -> str:
        if source not in cache:
            cache[source] = read_file(samples / source, max_bytes=MAX_FILE_BYTES).text
        return cache[source]

    queries: list[Query] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        qid = str(row["id"])
        judged = tuple(
            Judged(file_name(str(item["source"])), *_span(item, texts, qid), int(item["grade"]))
            for item in row["relevant"]
        )
        queries.append(Query(qid, str(row["query"]), str(row["type"]), judged))
    return queries


# --- command ------------------------------------------------------------------------------------------


def _table(results: Mapping[str, Mapping[str, float]], queries: Sequence[Query]) -> list[str]:
    head = f"{'mode':<8}{'Recall@5':>10}{'MRR@10':>10}{'nDCG@10':>10}"
    lines = [f"{len(queries)} queries", head, "-" * len(head)]
    lines += [f"{mode:<8}" + "".join(f"{scores[m]:>10.3f}" for m in METRICS) for mode, scores in results.items()]
    counts: dict[str, int] = {}
    for q in queries:
        counts[q.type] = counts.get(q.type, 0) + 1
    lines += ["", f"{'type':<15}{'n':>4}  " + head, "-" * (21 + len(head))]
    for qtype in sorted(counts):
        for mode, scores in results.items():
            cells = "".join(f"{scores[f'{qtype}/{m}']:>10.3f}" for m in METRICS)
            lines.append(f"{qtype:<15}{counts[qtype]:>4}  {mode:<8}{cells}")
    if set(MODES) <= results.keys():
        ndcg = {mode: results[mode][METRICS[2]] for mode in MODES}
        wins = ndcg["fused"] > max(ndcg["bm25"], ndcg["dense"])
        lines += ["", f"fused beats bm25 and dense on nDCG@10: {'yes' if wins else 'NO'}"]
    return lines


def _runner(searcher: Any, mode: str) -> Callable[[str], Sequence[Hit]]:
    """One query → its top hits in one search mode."""

    def run(text: str) -> Sequence[Hit]:
        hits: Sequence[Hit] = searcher.search(text, k=RANK_K, mode=mode)
        return hits

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--store", type=Path, default=None, help="Data directory (default: CCHC_HOME or cchc-data).")
    parser.add_argument("--mode", choices=(*MODES, "all"), default="all")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="JSON Lines evaluation set.")
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="Folder holding the quoted source files.")
    parser.add_argument("--json", action="store_true", help="Print the scores as JSON instead of a table.")
    args = parser.parse_args(argv)

    from search_api.search import Searcher  # imported here: it loads FAISS and the embedding model

    queries = load_queries(args.queries, args.samples)
    config = Settings.for_store(args.store)
    searcher = Searcher.open(config.home, embedder_kind=config.embedder)
    modes = MODES if args.mode == "all" else (args.mode,)
    try:
        results = {mode: evaluate(_runner(searcher, mode), queries) for mode in modes}
    finally:
        searcher.close()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print("\n".join(_table(results, queries)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
