"""The graph commands: `cchc cites`, `unit`, `compare`, `sparql`, `export` (read-only, over the configured store)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ingest.cli import FormatOption, OutputFormat, print_json
from kg import history, questions
from kg.settings import StoreSettings
from kg.store import GraphStore, StoreError, load_query
from kg.views import EXPORTERS, VIEWS, view

app = typer.Typer()

StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Data directory (default: $CCHC_HOME or ./cchc-data).")
]


def open_store(store: Path | None, *, read_only: bool) -> GraphStore:
    """The configured store, or exit 2 with the reason on stderr."""
    try:
        return StoreSettings.for_store(store).open_store(read_only=read_only)
    except StoreError as err:
        typer.echo(f"cchc: {err}", err=True)
        raise typer.Exit(code=2) from err


@app.command()
def cites(
    query: Annotated[str, typer.Argument(help='The cited work, loosely: "NĐ 107/2020", "107/2020", "218/KH-UBND".')],
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """The documents that cite a work, with each citation's span, cue, date and flags."""
    graph = open_store(store, read_only=True)
    answer = questions.cites(graph, query)
    if output_format is OutputFormat.json:
        print_json(answer)
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
    through_time: Annotated[
        bool,
        typer.Option(
            "--through-time", help="With --province: also the bodies it succeeded (Sóc Trăng's for Cần Thơ's)."
        ),
    ] = False,
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Tasks a unit leads and co-runs, and its partners; one answer per province's unit."""
    graph = open_store(store, read_only=True)
    if not through_time:
        found = questions.find_units(graph, name, province)
    elif province is not None:
        found = history.unit_through_time(graph, name, province)
    else:
        typer.echo("cchc: --through-time needs --province", err=True)
        raise typer.Exit(code=2)
    answer = [{**u, **questions.unit_responsibilities(graph, u["id"])} for u in found]
    if output_format is OutputFormat.json:
        print_json(answer)
        return
    for u in answer:
        title = u.get("label") or f"{u['name']} ({u['scope']})"
        typer.echo(f"{title}: leads {len(u['lead'])}, cooperates on {len(u['cooperate'])}")
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
    graph = open_store(store, read_only=True)
    answer = history.compare(graph, selectors)
    if output_format is OutputFormat.json:
        print_json(answer)
        return
    for place in answer["places"]:
        if not place["current"]:
            typer.echo(
                f"{place['province']} (cũ): part of {place['part_of']} since {place['since']} ({place['source']})"
            )
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
    graph = open_store(store, read_only=True)
    try:
        rows = graph.query_text(text)
    except Exception as err:  # the engine's parse and evaluation errors have no common base class
        typer.echo(f"cchc: query failed: {err}".splitlines()[0], err=True)
        raise typer.Exit(code=2) from err
    print_json([{k: str(v) for k, v in row.items()} for row in rows])


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
    graph = open_store(store, read_only=True)
    fmt = output_format.value
    if fmt in _RDF_FORMATS:
        graph.dump(output, _RDF_FORMATS[fmt])
    else:
        if graph_view not in VIEWS:
            typer.echo(f"cchc: unknown view {graph_view!r}; one of {', '.join(VIEWS)}", err=True)
            raise typer.Exit(code=2)
        EXPORTERS[fmt](view(graph, graph_view), output)
    typer.echo(f"wrote {output}")
