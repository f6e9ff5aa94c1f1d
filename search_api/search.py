"""Hybrid search over the index: BM25 (accented and diacritics-folded), dense e5 vectors, and the graph.

`Searcher.search(query, k, mode, filters)` is all a caller needs (the CLI and the API are thin layers over it):
- `bm25`: the accented and the folded BM25 scores of each chunk combined (see `BM25_MIX`), so "chi tieu truc
  tuyen" finds "chỉ tiêu … trực tuyến";
- `dense`: inner product of e5 query and passage vectors;
- `fused`: both lists fused, by reciprocal rank (k=60) or weighted min-max scores (see `DEFAULT_FUSION`).
A query naming a document ("NĐ 107/2020", "ke hoach 218") is also answered from the graph: the named work's
first passage when it is indexed, and every passage citing it, come first with `why="graph"`.
Filters restrict every mode before the top k is taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

import faiss
import numpy as np

from ingest.areas import REFORM_AREAS, area_of
from kg import questions
from kg.store import GraphStore, StoreError
from search_api.accents import default_restorer, has_diacritics
from search_api.chunk_store import Ids, Scores
from search_api.chunks import Chunk
from search_api.embedding import Embedder, Matrix, default_embedder
from search_api.index import SearchIndex

Mode = Literal["bm25", "dense", "fused"]
Fusion = Literal["rrf", "minmax"]
Mix = Literal["max", "sum", "accented", "folded"]
Why = Literal["graph", "bm25", "dense", "fused"]

CHUNK_KINDS = ("section", "task", "target")
RRF_K = 60
# Measured on eval/search_queries.jsonl (70 queries over the seeds, e5-small via ONNX), nDCG@10: BM25 0.824,
# dense 0.666; RRF (k=60) 0.770; min-max with dense weight 0.2 / 0.3 / 0.4 / 0.5 / 0.6: 0.840 / 0.839 / 0.838 /
# 0.819 / 0.779; min-max 0.4, with 0.2 for queries typed without diacritics: 0.846 (Recall@5 0.718, MRR@10 0.923).
# RRF throws away how far apart scores are, and a weak dense list then costs as much as it helps.
DEFAULT_FUSION: Fusion = "minmax"
DEFAULT_ALPHA = 0.4  # weight of the dense scores in min-max fusion
# e5 cannot read Vietnamese typed without diacritics (dense nDCG@10 0.13 on such queries, BM25 on the folded
# copy 0.83), so their fused ranking leans on BM25.
UNACCENTED_ALPHA = 0.2
# A query typed without diacritics gets them back (`search_api.accents`) before e5 embeds it; then dense reads it
# (Recall@10 of dense on such queries: 0.069 -> 1.000 on eval/phapdien_queries.jsonl). Its dense weight, measured
# on both sets' unaccented queries (Pháp điển 29: MRR@10; the seeds' 13: nDCG@10), as typed with 0.2: 0.908 / 0.863;
# restored with 0.2 / 0.3 / 0.4: 0.917 / 0.878, 0.983 / 0.869, 1.000 / 0.850. BM25 keeps the query as typed (its
# folded copy matches it; the restored text in the accented copy helped one set and cost the other).
RESTORED_ALPHA = 0.3
# How a chunk's accented and folded BM25 scores combine. nDCG@10 of BM25 alone: max 0.824, sum 0.823, folded
# only 0.808, accented only 0.757 (0.35 on queries without diacritics). "max" keeps an accented query's exact
# matches on top while an unaccented query still scores through the folded copy.
BM25_MIX: Mix = "max"
# Candidates taken from each list before fusing: enough that a chunk ranked low by one side can still rise.
CANDIDATES = 100
_YEARS = re.compile(r"^\s*((?:19|20)\d\d)?\s*(?:(-|–|\.\.)\s*((?:19|20)\d\d)?)?\s*$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked passage, with where it is and why it was returned."""

    source: str
    document: str
    chunk: str
    kind: str
    text: str
    start: int
    end: int
    score: float
    province: str | None
    year: int | None
    doc_kind: str | None
    area: str | None
    section: str | None
    units: tuple[str, ...]
    why: Why

    @classmethod
    def of(cls, chunk: Chunk, score: float, why: Why) -> Hit:
        return cls(
            source=chunk.source, document=chunk.document, chunk=chunk.id, kind=chunk.kind, text=chunk.display,
            start=chunk.start, end=chunk.end, score=round(float(score), 6), province=chunk.province,
            year=chunk.year, doc_kind=chunk.doc_kind, area=chunk.area, section=chunk.section, units=chunk.units,
            why=why,
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["units"] = list(self.units)
        return data


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions applied before ranking; names match without case or diacritics.

    `kind` is a chunk kind (section, task, target) or a document kind ("Kế hoạch"); `area` a reform-area slug
    or label; `unit` a unit id ("vn.vinh-long/so-noi-vu") or name ("Sở Nội vụ").
    """

    province: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    kind: str | None = None
    area: str | None = None
    unit: str | None = None

    def __bool__(self) -> bool:
        return any(
            v is not None for v in (self.province, self.year_from, self.year_to, self.kind, self.area, self.unit)
        )

    def with_years(self, text: str | None) -> Filters:
        """`--year 2024`, `--year 2022-2024`, `--year 2023-` (open ranges allowed)."""
        if not text:
            return self
        m = _YEARS.match(text)
        if m is None or not (m.group(1) or m.group(3)):
            raise ValueError(f"not a year or year range: {text!r}")
        low = int(m.group(1)) if m.group(1) else None
        high = int(m.group(3)) if m.group(3) else (None if m.group(2) else low)
        return replace(self, year_from=low, year_to=high)

    def select(self, index: SearchIndex) -> Ids:
        """Int ids of the chunks that pass."""
        kind = self.kind if self.kind in CHUNK_KINDS else None
        doc_kind = self.kind if self.kind and kind is None else None
        area = self.area if self.area in REFORM_AREAS or not self.area else (area_of(self.area) or self.area)
        return index.store.select(
            province=self.province, year_from=self.year_from, year_to=self.year_to, kind=kind, doc_kind=doc_kind,
            area=area, unit=self.unit,
        )  # fmt: skip


def best_n(ids: Ids, scores: Scores, n: int) -> tuple[Ids, Scores]:
    """The n best (ids, scores), best first; ties broken by id so results are deterministic. Only what scores at
    least the n-th best is sorted: a query's BM25 list over the whole corpus holds hundreds of thousands of chunks."""
    if len(scores) > 2 * n > 0:
        cut = np.partition(scores, len(scores) - n)[len(scores) - n]
        keep = scores >= cut
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:n]
    return ids[order], scores[order]


def mix_bm25(accented: tuple[Ids, Scores], folded: tuple[Ids, Scores], how: Mix = BM25_MIX) -> tuple[Ids, Scores]:
    """One BM25 score per chunk from the accented and the folded index."""
    if how == "accented":
        return accented
    if how == "folded":
        return folded
    ids = np.union1d(accented[0], folded[0])
    a = np.zeros(len(ids), np.float32)
    f = np.zeros(len(ids), np.float32)
    a[np.searchsorted(ids, accented[0])] = accented[1]
    f[np.searchsorted(ids, folded[0])] = folded[1]
    return ids, (np.maximum(a, f) if how == "max" else a + f)


def bm25_best(accented: tuple[Ids, Scores], folded: tuple[Ids, Scores], how: Mix, n: int) -> tuple[Ids, Scores]:
    """The n best of `mix_bm25`. With "max" each side is cut to its own n best first, which changes nothing (a chunk
    among the n best of the larger score is among the n best of the side that gave it) and spares merging every
    matching chunk of both sides (300 ms a query over 468,904 chunks)."""
    if how == "max":
        accented, folded = best_n(*accented, n), best_n(*folded, n)
    return best_n(*mix_bm25(accented, folded, how), n)


def _within(ranked: tuple[Ids, Scores], allowed: Ids) -> tuple[Ids, Scores]:
    keep = np.isin(ranked[0], allowed)
    return ranked[0][keep], ranked[1][keep]


def rrf(lists: Sequence[tuple[Ids, Scores]], k: int = RRF_K) -> tuple[Ids, Scores]:
    """Reciprocal rank fusion: Σ 1/(k + rank) over the ranked lists."""
    total: dict[int, float] = {}
    for ids, _ in lists:
        for rank, i in enumerate(ids.tolist(), start=1):
            total[i] = total.get(i, 0.0) + 1.0 / (k + rank)
    return _as_arrays(total)


def minmax(lists: Sequence[tuple[Ids, Scores]], weights: Sequence[float]) -> tuple[Ids, Scores]:
    """Weighted sum of each list's scores rescaled to [0, 1] over its candidates (absent = 0)."""
    total: dict[int, float] = {}
    for (ids, scores), w in zip(lists, weights, strict=True):
        if not len(ids):
            continue
        low, high = float(scores.min()), float(scores.max())
        scaled = (scores - low) / (high - low) if high > low else np.ones_like(scores)
        for i, s in zip(ids.tolist(), scaled.tolist(), strict=True):
            total[i] = total.get(i, 0.0) + w * s
    return _as_arrays(total)


def _as_arrays(scores: dict[int, float]) -> tuple[Ids, Scores]:
    return np.fromiter(scores, np.int64, len(scores)), np.fromiter(scores.values(), np.float32, len(scores))


class Searcher:
    """Queries one data directory's index (and graph, when there is one)."""

    def __init__(
        self,
        index: SearchIndex,
        data_dir: Path,
        embedder: Embedder | None = None,
        graph: GraphStore | None = None,
        *,
        embedder_kind: str | None = None,
        snapshot: Callable[[], GraphStore | None] | None = None,
    ) -> None:
        self.index = index
        self.data_dir = data_dir
        self._embedder = embedder
        self._embedder_kind = embedder_kind  # the runtime of the default model, when no embedder is given
        self._own_graph = graph
        self._snapshot = snapshot
        self.fusion: Fusion = DEFAULT_FUSION
        self.alpha = DEFAULT_ALPHA
        self.alpha_unaccented = UNACCENTED_ALPHA
        self.alpha_restored = RESTORED_ALPHA
        self.bm25_mix: Mix = BM25_MIX
        self.restorer = default_restorer()

    @classmethod
    def open(
        cls,
        data_dir: Path,
        embedder: Embedder | None = None,
        *,
        embedder_kind: str | None = None,
        reuse: Searcher | None = None,
        snapshot: Callable[[], GraphStore | None] | None = None,
    ) -> Searcher:
        """Open read-only; the default model (`embedder_kind`: onnx or torch) is loaded only when a dense query
        needs it. The index segments an older searcher (`reuse`) had read are taken from it. `snapshot`: where a
        server's routes get their graph snapshot, read by the searcher too instead of a handle of its own."""
        faiss.omp_set_num_threads(1)  # one query at a time: extra threads only add overhead (measured)
        index = SearchIndex.open(data_dir, read_only=True, reuse=reuse.index if reuse is not None else None)
        graph = None
        if snapshot is None and (data_dir / "graph").exists():
            try:
                graph = GraphStore.open_local(data_dir, read_only=True)
            except StoreError:
                graph = None
        return cls(index, data_dir, embedder, graph, embedder_kind=embedder_kind, snapshot=snapshot)

    @property
    def graph(self) -> GraphStore | None:
        """The graph document-number queries are answered from (None: there is none yet)."""
        return self._snapshot() if self._snapshot is not None else self._own_graph

    def close(self) -> None:
        self.index.close()
        if self._own_graph is not None:
            self._own_graph.close()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder(self.data_dir, self._embedder_kind)
        return self._embedder

    def readable(self, query: str) -> str:
        """The query with its diacritics put back when it was typed without them (`search_api.accents`)."""
        return self.restorer.restore(query) if self.restorer is not None else query

    def embed(self, queries: Sequence[str]) -> Matrix:
        """Query vectors, checked against the model the index was built with."""
        self.index.check_model(self.embedder)
        return self.embedder.embed_queries(list(queries))

    def search(self, query: str, k: int = 10, mode: Mode = "fused", filters: Filters | None = None) -> list[Hit]:
        return self.search_many([query], k, mode, filters)[0]

    def search_many(
        self, queries: Sequence[str], k: int = 10, mode: Mode = "fused", filters: Filters | None = None
    ) -> list[list[Hit]]:
        """Answers to several queries; the query vectors are computed in one batch."""
        vectors = self.embed([self.readable(q) for q in queries]) if mode != "bm25" and queries else None
        allowed = filters.select(self.index) if filters else None
        out = []
        for n, query in enumerate(queries):
            vector = vectors[n] if vectors is not None else None
            out.append(self._search(query, k, mode, allowed, vector))
        return out

    def ranked(self, query: str, mode: Mode, allowed: Ids | None, vector: Matrix | None, n: int) -> tuple[Ids, Scores]:
        """The n best chunk ids for one mode, with their scores."""
        if allowed is not None and not len(allowed):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        lists = []
        if mode in ("bm25", "fused"):
            accented, folded = self.index.bm25(query, folded=False), self.index.bm25(query, folded=True)
            if allowed is not None:
                accented, folded = _within(accented, allowed), _within(folded, allowed)
            lists.append(bm25_best(accented, folded, self.bm25_mix, max(n, CANDIDATES)))
        if mode in ("dense", "fused") and vector is not None:
            lists.append(self.index.dense(vector, max(n, CANDIDATES), allowed))
        if mode != "fused":
            return best_n(*lists[0], n) if lists else (np.zeros(0, np.int64), np.zeros(0, np.float32))
        if has_diacritics(query):
            alpha = self.alpha
        else:
            alpha = self.alpha_restored if self.readable(query) != query else self.alpha_unaccented
        fused = rrf(lists) if self.fusion == "rrf" else minmax(lists, [1 - alpha, alpha][: len(lists)])
        return best_n(*fused, n)

    def _search(self, query: str, k: int, mode: Mode, allowed: Ids | None, vector: Matrix | None) -> list[Hit]:
        ids, scores = self.ranked(query, mode, allowed, vector, max(k, CANDIDATES))
        first = self.graph_chunks(query, allowed)
        base = dict(zip(ids.tolist(), scores.tolist(), strict=True))
        rank = {i: r for r, i in enumerate(ids.tolist())}
        first.sort(key=lambda i: rank.get(i, len(rank)))  # stable: unranked ones keep their document order
        graph = set(first)
        order = (first + [i for i in ids.tolist() if i not in graph])[:k]
        chunks = self.index.store.chunk_map(order)
        why: Why = "fused" if mode == "fused" else mode
        return [Hit.of(chunks[i], base.get(i, 0.0), "graph" if i in graph else why) for i in order if i in chunks]

    def graph_chunks(self, query: str, allowed: Ids | None) -> list[int]:
        """Chunks the graph names for a document-number query: the work's own header, then passages citing it."""
        graph = self.graph
        if graph is None:
            return []
        works = questions.resolve_works(graph, query)
        if not works:
            return []
        own = [ids[0] for w in works if (ids := self.index.store.document_chunks(w))]
        spans = [(d["source"], c["start"], c["end"]) for d in questions.cites(graph, query) for c in d["citations"]]
        chosen = list(dict.fromkeys(own + self.index.store.overlapping(spans)))
        if allowed is not None:
            permitted = set(allowed.tolist())
            chosen = [i for i in chosen if i in permitted]
        return chosen
