"""The `cchc` command line: the contract other tools and checks call.

Each package owns its commands: `ingest.cli` (extract, schema), `kg.cli` (cites, unit, compare, sparql,
export, deadlines) and this module those that need the search index or the model (ingest, which loads the graph and
the index, search, align and serve); `app` assembles them in that order.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ingest import cli as ingest_cli
from ingest.cli import FormatOption, OutputFormat, print_json
from ingest.pipeline import count_items, iter_items
from kg import cli as kg_cli
from kg import questions
from kg.cli import StoreOption, store_command
from search_api.alignment import CSV_COLUMNS, alignment_json, alignment_rows
from search_api.alignment import align as align_tasks
from search_api.api.formats import csv_text
from search_api.embedding import default_embedder
from search_api.index import SearchIndexError
from search_api.ingestion import BATCH_DOCUMENTS, Preparer, ingest_stream, prepare_here
from search_api.progress import Reporter
from search_api.search import Filters, Searcher
from search_api.settings import Settings

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="CCHC Graph: Vietnamese administrative-reform documents."
)
service = typer.Typer()  # this package's commands, placed among the others' below


@store_command(service)
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, or JSON Lines corpora (.jsonl, .jsonl.gz).")],
    store: StoreOption = None,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Also build or update the search index.")] = True,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Extract and embed on a local Dask cluster of N processes.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Extract and embed on a running Dask scheduler (tcp://host:8786).")
    ] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, help="Documents loaded and committed together.")] = (
        BATCH_DOCUMENTS
    ),
    wait: Annotated[bool, typer.Option("--wait", help="Wait while another writer holds the store.")] = False,
) -> None:
    """Extract documents and load them into the graph (one named graph per file) and the search index, a batch at
    a time; a rerun skips what is already stored."""
    config = Settings.for_store(store)
    reporter = Reporter(count_items(paths, corpora=True), every=config.progress_every_s)
    close: Callable[[], None] = lambda: None  # noqa: E731
    try:
        embedder = default_embedder(config.home, config.embedder) if index else None
        prepare: Preparer = prepare_here
        if workers or scheduler:
            from search_api.distributed import EmbedderSpec, dask_preparer, open_client, threads_per_worker

            client, close = open_client(workers, scheduler)
            threads = None if scheduler else threads_per_worker(workers)
            prepare = dask_preparer(
                client, EmbedderSpec(config.embedder, config.home, threads=threads) if index else None
            )
        done = ingest_stream(
            config, iter_items(paths, corpora=True, limits=config.container_limits()), embedder, prepare=prepare,
            batch_size=batch, progress=reporter.advance, wait=None if wait else 0.0,
        )  # fmt: skip
    except SearchIndexError as err:
        typer.echo(f"cchc: search index: {err}", err=True)
        raise typer.Exit(code=2) from err
    finally:
        reporter.close()
        close()
    for failure in done.graph.failures:
        typer.echo(f"cchc: {failure.source}: {failure.reason}", err=True)
    typer.echo(done.graph.line())
    if done.index is not None:
        typer.echo(done.index.line())
    typer.echo(done.phases.line())
    if done.graph.failures:
        raise typer.Exit(code=1)


class SearchMode(StrEnum):
    fused = "fused"
    bm25 = "bm25"
    dense = "dense"


@store_command(service)
def search(
    query: Annotated[str | None, typer.Argument(help="A question or keywords, with or without diacritics.")] = None,
    queries: Annotated[
        Path | None, typer.Option("--queries", help="One query per line; prints one JSON list each.")
    ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=1000, help="Number of hits.")] = 10,
    mode: Annotated[SearchMode, typer.Option("--mode", help="fused, bm25 or dense.")] = SearchMode.fused,
    province: Annotated[str | None, typer.Option(help="Only this province (Vĩnh Long, vinh long).")] = None,
    year: Annotated[str | None, typer.Option(help="A year or range: 2024, 2022-2024, 2023-.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="Document kind (Kế hoạch) or chunk kind (section, task, target).")
    ] = None,
    area: Annotated[str | None, typer.Option(help="Reform area: slug (tthc) or name.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit name (Sở Nội vụ) or id.")] = None,
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Semantic + keyword search over passages, task rows and targets; document numbers answer from the graph."""
    if (query is None) == (queries is None):
        typer.echo("cchc: give a QUERY or --queries FILE", err=True)
        raise typer.Exit(code=2)
    try:
        filters = Filters(province=province, kind=kind, area=area, unit=unit).with_years(year)
        config = Settings.for_store(store)
        searcher = Searcher.open(config.home, embedder_kind=config.embedder)
    except (ValueError, SearchIndexError) as err:
        typer.echo(f"cchc: {err}", err=True)
        raise typer.Exit(code=2) from err
    try:
        if queries is not None:
            lines = [line.strip() for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()]
            for hits in searcher.search_many(lines, k, mode.value, filters):
                sys.stdout.write(json.dumps([h.to_json() for h in hits], ensure_ascii=False) + "\n")
            return
        hits = searcher.search(query or "", k, mode.value, filters)
        read_as = searcher.readable(query or "") if mode is not SearchMode.bm25 else query
    finally:
        searcher.close()
    if read_as != query:
        typer.echo(f"(đọc là / read as: {read_as})", err=True)
    if output_format is OutputFormat.json:
        print_json([h.to_json() for h in hits])
        return
    for rank, h in enumerate(hits, start=1):
        place = f"{Path(h.source).name}:{h.start}-{h.end}"
        typer.echo(f"{rank:>2}. {h.score:.3f} [{h.why}/{h.kind}] {place}  {h.province or '-'} {h.year or '-'}")
        typer.echo(f"    {h.text[:200].replace(chr(10), ' ')}")


class AlignFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _one_plan(graph: Any, selector: str) -> dict[str, Any]:
    found = questions.select_documents(graph, [selector])
    if len(found) != 1:
        typer.echo(f"cchc: {selector!r} names {len(found)} documents; name exactly one plan", err=True)
        raise typer.Exit(code=2)
    return found[0]


@store_command(service)
def align(
    plan_a: Annotated[str, typer.Argument(help="The first plan: file name, path fragment or id.")],
    plan_b: Annotated[str, typer.Argument(help="The plan to align it with.")],
    store: StoreOption = None,
    output_format: Annotated[AlignFormat, typer.Option("--format", help="table, json or csv.")] = AlignFormat.table,
) -> None:
    """Pair each task of one plan with its counterpart in another: matched, changed (lead or deadline), unmatched."""
    config = Settings.for_store(store)
    graph = kg_cli.open_store(store, read_only=True)
    plans = [_one_plan(graph, plan_a), _one_plan(graph, plan_b)]
    a, b = (questions.plan_tasks(graph, p["id"]) for p in plans)
    answer = alignment_json(a, b, align_tasks(a, b, default_embedder(config.home, config.embedder)))
    answer = {"a": plans[0], "b": plans[1], **answer}
    if output_format is AlignFormat.json:
        print_json(answer)
    elif output_format is AlignFormat.csv:
        sys.stdout.write(csv_text(alignment_rows(answer), CSV_COLUMNS))
    else:
        for p in answer["pairs"]:
            what = f"{p['status']} ({', '.join(p['changes'])})" if p["changes"] else p["status"]
            typer.echo(f"{p['score']:.2f} {what:<28} {p['a']['text'][:60]}  ↔  {p['b']['text'][:60]}")
        for side in ("only_a", "only_b"):
            for t in answer[side]:
                typer.echo(f"     {side:<28} {t['text'][:100]}")
        typer.echo(", ".join(f"{k} {v}" for k, v in answer["counts"].items()))


@service.command()
def serve(
    store: StoreOption = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default 8000 or $CCHC_PORT).")] = None,
    host: Annotated[str | None, typer.Option(help="Interface (default 127.0.0.1 or $CCHC_HOST).")] = None,
) -> None:
    """Serve the API and the browser UI over the store (http://127.0.0.1:8000/ by default)."""
    import uvicorn

    from search_api.app import create_app

    config = Settings.for_store(store)
    overrides = {k: v for k, v in (("port", port), ("host", host)) if v is not None}
    if overrides:
        config = config.model_validate({**config.model_dump(), **overrides})
    typer.echo(f"cchc: serving {config.home} on http://{config.host}:{config.port}/", err=True)
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="warning")


def _commands(*apps: typer.Typer) -> dict[str, Any]:
    return {info.callback.__name__: info for each in apps for info in each.registered_commands if info.callback}


_ALL = _commands(ingest_cli.app, kg_cli.app, service)
_ORDER = (
    "extract", "schema", "ingest", "cites", "unit", "compare", "sparql", "export", "deadlines", "search", "align",
    "serve",
)  # fmt: skip
app.registered_commands += [_ALL[name] for name in _ORDER]
