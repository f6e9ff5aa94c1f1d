"""The graph commands: `cchc cites`, `unit`, `compare`, `sparql`, `export`, `deadlines` (read-only, over the configured
store)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from ingest.cli import FormatOption, OutputFormat, print_json
from ingest.places import province_slug
from kg import history, questions
from kg.calendar import Calendar, build_calendar, calendar_json, calendar_tasks, select_tasks
from kg.ics import to_ics
from kg.settings import StoreSettings
from kg.store import GraphStore, StoreError, load_query
from kg.views import EXPORTERS, VIEWS, view

app = typer.Typer()
P = ParamSpec("P")
R = TypeVar("R")

StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Data directory (default: $CCHC_HOME or ./cchc-data).")
]


def store_command(commands: typer.Typer) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """`commands.command()` for a command that uses the store: a store failure at any point (none yet, busy, a
    SPARQL server gone or refusing) is one line on stderr and exit 2, not a traceback."""

    def register(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return command(*args, **kwargs)
            except StoreError as err:
                typer.echo(f"cchc: {err}", err=True)
                raise typer.Exit(code=2) from err

        commands.command()(run)
        return run

    return register


def open_store(store: Path | None, *, read_only: bool) -> GraphStore:
    """The configured store (a failure is reported by `store_command`)."""
    return StoreSettings.for_store(store).open_store(read_only=read_only)


@store_command(app)
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


@store_command(app)
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


@store_command(app)
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


@store_command(app)
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


@store_command(app)
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


_ISO = ["%Y-%m-%d"]


def _print_calendar(cal: Calendar) -> None:
    for d in cal.due:
        mark = "QUÁ HẠN" if d.overdue else "hạn"
        lead = ", ".join(a.name for a in d.task.lead) or "-"
        typer.echo(f"{d.due}  {mark:<7} {lead[:40]:<40} {Path(d.task.source).name}:{d.task.start}-{d.task.end}")
        typer.echo(f"    {d.task.text[:110]}  ({d.task.deadline.text})")
    for o in cal.ongoing:
        typer.echo(f"{o.start} .. {o.end}  thường xuyên  {o.task.text[:90]}")
    for v in cal.vague:
        typer.echo(f"không rõ ngày ({v.reason}): {v.task.deadline.text}  {v.task.text[:80]}")
    typer.echo(f"{len(cal.due)} due, {len(cal.overdue)} overdue, {len(cal.ongoing)} ongoing, {len(cal.vague)} vague")


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@store_command(app)
def deadlines(
    start: Annotated[datetime | None, typer.Option("--from", formats=_ISO, help="First day of the window.")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=_ISO, help="Last day of the window.")] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=_ISO, help="Due before this day: overdue (if not done).")
    ] = None,
    unit: Annotated[str | None, typer.Option(help='Only tasks this unit leads or joins ("Sở Nội vụ", its id).')] = None,
    province: Annotated[str | None, typer.Option(help="Only plans of this province.")] = None,
    document: Annotated[str | None, typer.Option(help="Only this plan (file name or id).")] = None,
    ics: Annotated[Path | None, typer.Option(help="Also write the due days as an iCalendar (.ics) file.")] = None,
    store: StoreOption = None,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Tasks due in a window with their unit and source span, overdue ones as of a day, recurring deadlines
    expanded; deadlines that name no day are listed apart."""
    place = province_slug(province) if province else None
    if province and place is None:
        typer.echo(f"cchc: unknown province {province!r}", err=True)
        raise typer.Exit(code=2)
    graph = open_store(store, read_only=True)
    plan = None
    if document:
        found = questions.select_documents(graph, [document])
        if len(found) != 1:
            typer.echo(f"cchc: {document!r} names {len(found)} documents; name exactly one", err=True)
            raise typer.Exit(code=2)
        plan = found[0]["id"]
    tasks = select_tasks(calendar_tasks(graph), unit=unit, province=place, document=plan)
    try:
        cal = build_calendar(tasks, _day(start), _day(end), _day(as_of))
    except ValueError as err:
        typer.echo(f"cchc: {err}", err=True)
        raise typer.Exit(code=2) from err
    if ics:
        name = " · ".join(x for x in ("Hạn nhiệm vụ CCHC", unit, province, document) if x)
        partial = ics.with_name(ics.name + ".partial")  # a killed run leaves no half-written calendar
        partial.write_bytes(to_ics(cal, name))
        partial.replace(ics)
        typer.echo(f"wrote {ics}", err=True)
    if output_format is OutputFormat.json:
        print_json(calendar_json(cal))
    else:
        _print_calendar(cal)
