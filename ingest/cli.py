"""`cchc extract` and `cchc schema`: documents in, records out (nothing stored)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ingest.pipeline import MAX_FILE_BYTES, extract_paths
from ingest.records import Extraction, extraction_schema, to_json

app = typer.Typer()


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="json or a readable table.")]


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


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
