"""Graph store benchmark on the Pháp điển corpus: Oxigraph on disk vs a plain in-memory rdflib Dataset.

usage: python -m benchmarks.bench_graph [CORPUS.jsonl.gz] [--limit N] [--sample N] [--runs N] [--workdir DIR]

1. load: `kg.corpus.load_corpus` writes the first `--limit` records (all by default) as N-Quads and
   bulk-loads them into the embedded store: records, quads, triples, time, triples/s, size on disk;
2. reopen: a fresh process opens the store read-only (`GraphStore.open_local`), with its RSS after opening
   and after the first answer;
3. queries: `--runs` timed runs (after one warm-up) of each user question through `GraphStore.query` /
   `query_text`, the project's own path: `cited_by` for the work cited most often and for 30/2020/NĐ-CP,
   `document_cites` for the work whose articles cite most, `works_by_notation`, and a per-kind aggregate
   over every citation; p50 / p95;
4. the same questions, same SPARQL, same `GraphStore` code, on an in-memory rdflib `Dataset` parsed from the
   same N-Quads (load time and RSS too), and rdflib's parser writing into Oxigraph vs the native bulk load.
   In-memory rdflib needs ~1 GB per million triples and runs queries slowly: `--sample N` compares both
   engines on the first N records instead (a second Oxigraph store is loaded from that same sample).
Each engine runs in its own spawned process, so memory figures are that engine's alone.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import Dataset, Literal, URIRef
from rdflib.term import Identifier

from benchmarks.memory import rss_mb
from kg import iris
from kg.corpus import load_corpus
from kg.store import GraphStore

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "phapdien_articles.jsonl.gz"
NAMED_WORK = "vn/nghi-dinh/30_2020_ndd-cp"  # Nghị định 30/2020/NĐ-CP (công tác văn thư), cited by the seed plans

PER_KIND = """
SELECT ?kind (COUNT(DISTINCT ?citation) AS ?citations) (COUNT(DISTINCT ?doc) AS ?documents)
WHERE { ?citation a cchc:Citation ; cchc:citesWork ?work ; cchc:inDocument ?doc . ?work eli:type_document ?kind }
GROUP BY ?kind ORDER BY DESC(?citations)
"""
MOST_CITED = """
SELECT ?work (COUNT(?citation) AS ?n) WHERE { ?citation a cchc:Citation ; cchc:citesWork ?work }
GROUP BY ?work ORDER BY DESC(?n) STR(?work) LIMIT 1
"""
MOST_CITING = """
SELECT ?doc (COUNT(?citation) AS ?n) WHERE { ?citation a cchc:Citation ; cchc:inDocument ?doc }
GROUP BY ?doc ORDER BY DESC(?n) STR(?doc) LIMIT 1
"""


@dataclass(frozen=True, slots=True)
class Question:
    label: str
    name: str | None  # a named query of kg/queries, else `text` runs through query_text
    bindings: dict[str, Identifier]
    text: str = ""

    def run(self, store: GraphStore) -> int:
        """Rows answered (converted to rdflib terms, as every caller of the store gets them)."""
        if self.name:
            return len(store.query(self.name, **self.bindings))
        return len(store.query_text(self.text))


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ms = sorted(t * 1000 for t in times)
    return statistics.median(ms), statistics.quantiles(ms, n=20, method="inclusive")[18]


def questions(store: GraphStore) -> list[Question]:
    """The benchmark's questions, with targets picked from the data (not hard-coded results)."""
    top = URIRef(str(store.query_text(MOST_CITED)[0]["work"]))
    citing = URIRef(str(store.query_text(MOST_CITING)[0]["doc"]))
    notation = store.query_text(f"SELECT ?n WHERE {{ {top.n3()} eli:id_local ?n }} LIMIT 1")
    return [
        Question(f"cited_by (most cited: {iris.short_id(top)})", "cited_by", {"work": top}),
        Question(f"cited_by ({NAMED_WORK})", "cited_by", {"work": iris.work(NAMED_WORK)}),
        Question(f"document_cites ({iris.short_id(citing)})", "document_cites", {"doc": citing}),
        Question(
            f"works_by_notation ({notation[0]['n'] if notation else '-'})",
            "works_by_notation",
            {"notation": Literal(str(notation[0]["n"])) if notation else Literal("")},
        ),
        Question("per-kind citation aggregate", None, {}, PER_KIND),
    ]


def _time(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times, result


def _query_all(store: GraphStore, qs: list[Question], runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in qs:
        times, rows = _time(partial(q.run, store), runs)
        p50, p95 = _percentiles(times)
        out[q.label] = {"rows": rows, "p50": p50, "p95": p95}
    return out


def oxigraph_side(home: str, runs: int, qs: list[Question] | None) -> dict[str, Any]:
    """In a fresh process: reopen the store, then time the questions (picked here unless given)."""
    rss0 = rss_mb()
    t0 = time.perf_counter()
    store = GraphStore.open_local(Path(home), read_only=True)
    reopen = time.perf_counter() - t0
    rss_open = rss_mb()
    t0 = time.perf_counter()
    store.query_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    first = time.perf_counter() - t0
    qs = qs or questions(store)
    triples = store.triple_count()
    results = _query_all(store, qs, runs)
    return {
        "reopen": reopen,
        "first": first,
        "rss_base": rss0,
        "rss_open": rss_open,
        "rss_after": rss_mb(),
        "triples": triples,
        "questions": qs,
        "results": results,
    }


def rdflib_side(nquads: str, runs: int, qs: list[Question]) -> dict[str, Any]:
    """In a fresh process: parse the N-Quads into an in-memory Dataset, then time the same questions."""
    rss0 = rss_mb()
    t0 = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    load = time.perf_counter() - t0
    rss_loaded = rss_mb()
    store = GraphStore(ds)  # the same query code path, over rdflib's memory store and SPARQL engine
    triples = store.triple_count()
    results = _query_all(store, qs, runs)
    return {"load": load, "rss_base": rss0, "rss_loaded": rss_loaded, "triples": triples, "results": results}


def rdflib_into_oxigraph(nquads: str, home: str) -> dict[str, Any]:
    """rdflib's N-Quads parser writing into Oxigraph (the path a naive loader takes)."""
    native = pyoxigraph.Store(home)
    t0 = time.perf_counter()
    Dataset(store=OxigraphStore(store=native)).parse(nquads, format="nquads")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "triples": len(native)}


def _in_process(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def _print_queries(title: str, results: dict[str, Any], other: dict[str, Any] | None = None) -> None:
    print(title)
    head = f"  {'question':<58} {'rows':>6} {'p50 ms':>10} {'p95 ms':>10}"
    print(head + (f" {'rdflib p50':>11} {'rdflib p95':>11} {'ratio p50':>10}" if other else ""))
    for label, r in results.items():
        line = f"  {label:<58} {r['rows']:>6} {r['p50']:>10.2f} {r['p95']:>10.2f}"
        if other:
            o = other[label]
            rows = "" if o["rows"] == r["rows"] else f"  (rdflib rows {o['rows']})"
            line += f" {o['p50']:>11.2f} {o['p95']:>11.2f} {o['p50'] / r['p50']:>9.1f}×{rows}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="load only the first N records")
    parser.add_argument("--sample", type=int, default=None, help="compare engines on the first N records")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the store and N-Quads here")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-graph-"))
    work.mkdir(parents=True, exist_ok=True)

    full = load_corpus(work / "full", args.corpus, args.limit, nquads=work / "full.nq")
    nq_mb = full.nquads.stat().st_size / 1e6
    print(f"corpus: {args.corpus} (limit {args.limit or 'none'}) — workdir {work}")
    print(f"records: {full.records:,}")
    print(f"quads written: {full.quads:,} ({nq_mb:.0f} MB of N-Quads) in {full.write_seconds:.1f} s")
    print(f"native bulk load: {full.load_seconds:.1f} s = {full.quads / full.load_seconds:,.0f} quads/s")
    total = full.write_seconds + full.load_seconds
    print(f"load time (records → store): {total:.1f} s = {full.quads / total:,.0f} quads/s")
    print(f"store size on disk: {_du_mb(work / 'full' / 'graph'):.0f} MB")

    ox = _in_process(oxigraph_side, str(work / "full"), args.runs, None)
    print(f"triples in store: {ox['triples']:,}")
    print(f"reopen (read-only): {ox['reopen'] * 1000:.1f} ms; first answer {ox['first'] * 1000:.1f} ms")
    print(
        f"RSS: {ox['rss_base']:.0f} MB before opening, {ox['rss_open']:.0f} MB after reopen, "
        f"{ox['rss_after']:.0f} MB after the query runs"
    )
    _print_queries(f"Oxigraph on disk, GraphStore.query, {args.runs} runs each:", ox["results"])

    qs: list[Question] = ox["questions"]
    if args.sample:
        sample = load_corpus(work / "sample", args.corpus, args.sample, nquads=work / "sample.nq")
        print(f"\nengine comparison on a fixed sample: the first {sample.records:,} records ({sample.quads:,} quads)")
        ox = _in_process(oxigraph_side, str(work / "sample"), args.runs, qs)
        nquads, load_seconds = sample.nquads, sample.load_seconds
    else:
        print("\nengine comparison on the same full data")
        nquads, load_seconds = full.nquads, full.load_seconds
    mem = _in_process(rdflib_side, str(nquads), args.runs, qs)
    naive = _in_process(rdflib_into_oxigraph, str(nquads), str(work / "rdflib-parse"))
    print(
        f"in-memory rdflib Dataset: parse {mem['load']:.1f} s ({mem['triples']:,} triples), "
        f"RSS {mem['rss_base']:.0f} → {mem['rss_loaded']:.0f} MB"
    )
    print(
        f"into Oxigraph: rdflib parser {naive['seconds']:.1f} s vs native bulk load {load_seconds:.1f} s "
        f"({naive['seconds'] / load_seconds:.1f}×)"
    )
    _print_queries(f"Oxigraph vs in-memory rdflib, {args.runs} runs each (ratio = rdflib / Oxigraph):", ox["results"],
                   mem["results"])  # fmt: skip


if __name__ == "__main__":
    main()
