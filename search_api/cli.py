"""The `cchc` command line: the contract other tools and checks call."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from tqdm import tqdm

from ingest.pipeline import MAX_FILE_BYTES, Progress, extract_paths
from ingest.records import Extraction, extraction_schema, to_json
from kg import questions
from kg.store import GraphStore, StoreError, load_query
from kg.views import EXPORTERS, VIEWS, view
from search_api.embedding import default_embedder
from search_api.index import SearchIndexError
from search_api.ingestion import ingest_into
from search_api.search import Filters, Searcher
from search_api.settings import Settings

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="CCHC Graph: Vietnamese administrative-reform documents."
)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


def _summary_rows(extractions: list[Extraction]) -> list[str]:
    header = f"{'file':<28} {'kind':<11} {'number/template':<16} {'date':<10} cit units tasks targets anomalies"
    rows = [header, "-" * len(header)]
    for e in extractions:
        d = e.document
        rows.append(
            f"{Path(e.source).name[:28]:<28} {(d.kind or '?')[:11]:<11} "
            f"{(d.number or d.notation_template or '-')[:16]:<16} {(d.date or '?')[:10]:<10} "
            f"{len(e.citations):>3} {len(e.units):>5} {len(e.tasks):>5} {len(e.targets):>7} {len(e.anomalies):>9}"
        )
    return rows


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (every supported file below a folder).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="json: full records; table: a summary.")] = (
        OutputFormat.table
    ),
    max_mb: Annotated[float, typer.Option(help="Refuse files larger than this many megabytes.")] = (
        MAX_FILE_BYTES / 1_000_000
    ),
) -> None:
    """Extract citations, units, tasks, targets and anomalies from documents."""
    documents, failures = extract_paths(paths, max_bytes=int(max_mb * 1_000_000))
    extractions = [d.extraction for d in documents]
    for failure in failures:
        typer.echo(f"cchc: {failure.source}: {failure.reason}", err=True)
    if output_format is OutputFormat.json:
        json.dump(to_json(extractions), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        typer.echo("\n".join(_summary_rows(extractions)))
        typer.echo(f"{len(extractions)} extracted, {len(failures)} failed")
    if failures:
        raise typer.Exit(code=1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of `cchc extract --format json`."""
    json.dump(extraction_schema(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Data directory (default: $CCHC_HOME or ./cchc-data).")
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="json or a readable table.")]


def _open(store: Path | None, *, read_only: bool) -> GraphStore:
    try:
        return Settings.for_store(store).open_store(read_only=read_only)
    except StoreError as err:
        typer.echo(f"cchc: {err}", err=True)
        raise typer.Exit(code=2) from err


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, or JSON Lines corpora (.jsonl, .jsonl.gz).")],
    store: StoreOption = None,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Also build or update the search index.")] = True,
) -> None:
    """Extract documents and load them into the graph (one named graph per file) and the search index."""
    config = Settings.for_store(store)
    show = sys.stderr.isatty()
    bars = [tqdm(desc=name, unit="doc", disable=not show) for name in ("graph", "index")]
    try:
        embedder = default_embedder(config.home, config.embedder) if index else None
        done = ingest_into(
            config,
            extract_paths(paths, corpora=True),
            embedder,
            graph_progress=_advance(bars[0]),
            index_progress=_advance(bars[1]),
        )
    except StoreError as err:
        typer.echo(f"cchc: {err}", err=True)
        raise typer.Exit(code=2) from err
    except SearchIndexError as err:
        typer.echo(f"cchc: search index: {err}", err=True)
        raise typer.Exit(code=2) from err
    finally:
        for bar in bars:
            bar.close()
    for failure in done.graph.failures:
        typer.echo(f"cchc: {failure.source}: {failure.reason}", err=True)
    typer.echo(done.graph.line())
    if done.index is not None:
        typer.echo(done.index.line())
    if done.graph.failures:
        raise typer.Exit(code=1)


def _advance(bar: tqdm[Any]) -> Progress:
    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return advance


@app.command()
def cites(
    query: Annotated[str, typer.Argument(help='The cited work, loosely: "NĐ 107/2020", "107/2020", "218/KH-UBND".')],
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """The documents that cite a work, with each citation's span, cue, date and flags."""
    graph = _open(store, read_only=True)
    answer = questions.cites(graph, query)
    if output_format is OutputFormat.json:
        _print_json(answer)
        return
    for doc in answer:
        typer.echo(f"{doc['source']}  {doc['document']['title'] or ''}")
        for c in doc["citations"]:
            flags = f"  [{', '.join(c['flags'])}]" if c["flags"] else ""
            typer.echo(f"  {c['start']}-{c['end']}  {c['cue'] or c['relation']}: {c['text']}{flags}")
    typer.echo(f"{len(answer)} documents")


@app.command()
def unit(
    name: Annotated[str, typer.Argument(help='A unit name, e.g. "Sở Nội vụ".')],
    province: Annotated[str | None, typer.Option(help="Only this province (e.g. Vĩnh Long).")] = None,
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Tasks a unit leads and co-runs, and its partners; one answer per province's unit."""
    graph = _open(store, read_only=True)
    answer = [
        {**u, **questions.unit_responsibilities(graph, u["id"])} for u in questions.find_units(graph, name, province)
    ]
    if output_format is OutputFormat.json:
        _print_json(answer)
        return
    for u in answer:
        typer.echo(f"{u['name']} ({u['scope']}): leads {len(u['lead'])}, cooperates on {len(u['cooperate'])}")
        for t in u["lead"]:
            typer.echo(f"  chủ trì: {t['text'][:90]}  ({t['deadline'] or '-'})")
        for t in u["cooperate"]:
            typer.echo(f"  phối hợp: {t['text'][:90]}  ({t['deadline'] or '-'})")


@app.command()
def compare(
    selectors: Annotated[list[str], typer.Argument(help="Documents (file name or id) or provinces.")],
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Plans side by side: targets and task counts per reform area, deadlines, legal basis."""
    graph = _open(store, read_only=True)
    answer = questions.compare(graph, selectors)
    if output_format is OutputFormat.json:
        _print_json(answer)
        return
    for plan in answer["plans"]:
        typer.echo(f"{plan['source']}  {plan['title'] or ''} ({plan['scope']})")
        for area in plan["task_areas"]:
            span = f"{area['first_deadline'] or '-'} .. {area['last_deadline'] or '-'}"
            typer.echo(f"  {area['area'] or '-':<20} tasks {area['tasks']:>3}  deadlines {span}")
        for t in plan["targets"]:
            typer.echo(f"  target {t['comparator']} {t['value']} {t['unit']}: {t['metric'][:80]}")
        typer.echo(f"  cites only here: {', '.join(plan['cites_only_here']) or '-'}")
    typer.echo(f"shared legal basis: {', '.join(answer['shared_basis']) or '-'}")


@app.command()
def sparql(
    query_or_file: Annotated[str, typer.Argument(help="A SPARQL SELECT, a .rq file, or the name of a stored query.")],
    store: StoreOption = None,
) -> None:
    """Run a read-only SPARQL query over the graph (prefixes cchc, eli, org, prov, … are predeclared)."""
    path = Path(query_or_file)
    if path.suffix == ".rq" and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        try:
            text = load_query(query_or_file)
        except KeyError:
            text = query_or_file
    graph = _open(store, read_only=True)
    try:
        rows = graph.query_text(text)
    except Exception as err:  # the engine's parse and evaluation errors have no common base class
        typer.echo(f"cchc: query failed: {err}".splitlines()[0], err=True)
        raise typer.Exit(code=2) from err
    _print_json([{k: str(v) for k, v in row.items()} for row in rows])


class ExportFormat(StrEnum):
    ttl = "ttl"
    nq = "nq"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"
    cyjs = "cyjs"


_RDF_FORMATS = {"ttl": "turtle", "nq": "nquads", "jsonld": "json-ld"}


@app.command()
def export(
    output_format: Annotated[ExportFormat, typer.Option("--format", help="RDF dump or a networkx view format.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    graph_view: Annotated[str, typer.Option("--view", help=f"For graph formats: one of {', '.join(VIEWS)}.")] = (
        "citations"
    ),
    store: StoreOption = None,
) -> None:
    """Dump the graph as Turtle, N-Quads or JSON-LD, or a view as GraphML, GEXF or Cytoscape.js JSON."""
    graph = _open(store, read_only=True)
    fmt = output_format.value
    if fmt in _RDF_FORMATS:
        graph.dump(output, _RDF_FORMATS[fmt])
    else:
        if graph_view not in VIEWS:
            typer.echo(f"cchc: unknown view {graph_view!r}; one of {', '.join(VIEWS)}", err=True)
            raise typer.Exit(code=2)
        EXPORTERS[fmt](view(graph, graph_view), output)
    typer.echo(f"wrote {output}")


class SearchMode(StrEnum):
    fused = "fused"
    bm25 = "bm25"
    dense = "dense"


@app.command()
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
    finally:
        searcher.close()
    if output_format is OutputFormat.json:
        _print_json([h.to_json() for h in hits])
        return
    for rank, h in enumerate(hits, start=1):
        place = f"{Path(h.source).name}:{h.start}-{h.end}"
        typer.echo(f"{rank:>2}. {h.score:.3f} [{h.why}/{h.kind}] {place}  {h.province or '-'} {h.year or '-'}")
        typer.echo(f"    {h.text[:200].replace(chr(10), ' ')}")


@app.command()
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
