"""files → text → normalised text → structure → extracted records (with source offsets).

The only place that knows the order of the stages; every stage is a pure function of its inputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ingest import __version__
from ingest.anomalies import cross_document_anomalies, find_anomalies
from ingest.citations import CitingContext, find_citations
from ingest.normalize import NormalizedText, normalize
from ingest.provenance import with_pages
from ingest.read import SUPPORTED_SUFFIXES, ReadError, read_file
from ingest.records import DocumentMeta, Extraction
from ingest.structure import parse_document
from ingest.tables import parse_tables
from ingest.targets import find_targets
from ingest.tasks import extract_tasks
from ingest.units import UnitResolver

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be extracted, and why (one line, for stderr)."""

    source: str
    reason: str


def extract_text(source_text: str, *, source: str) -> Extraction:
    """Extract every record from one decoded document text."""
    sha = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    norm = normalize(source_text)
    text = norm.text
    meta, sections = parse_document(text, source=source, sha256=sha)
    meta = dataclasses.replace(meta, cid=own_cid(meta))
    citations = find_citations(text, CitingContext.from_meta(meta), sections=sections)
    resolver = UnitResolver(meta)
    tables = parse_tables(text)
    tasks = extract_tasks(
        text, tables=tables, sections=sections, resolver=resolver, citations=citations, year=meta.year_covered
    )
    targets = find_targets(text, sections=sections, tasks=tasks)
    units = resolver.units(text)
    anomalies = find_anomalies(meta, citations, tasks)
    return Extraction(
        source=source,
        document=meta,
        sections=_remap(norm, sections),
        citations=_remap(norm, citations),
        units=tuple(_remap_unit(norm, u) for u in units),
        tasks=_remap(norm, tasks),
        targets=_remap(norm, targets),
        anomalies=anomalies,
        extractor_version=__version__,
    )


def own_cid(meta: DocumentMeta) -> str | None:
    """The document's own canonical id, read the way a citation of it would be (None for drafts)."""
    if not meta.number:
        return None
    when = f"năm {meta.date[:4]}" if meta.date else ""
    mention = f"{meta.kind or ''} số {meta.number} {when}".strip()
    context = CitingContext(scope=meta.scope, province=meta.province, district=meta.district)
    found = find_citations(mention, context)
    return found[0].cid if found else None


def extract_file(path: Path, *, source: str | None = None, max_bytes: int = 20_000_000) -> Extraction:
    """Read and extract one file; raises `ReadError` with a one-line reason."""
    decoded = read_file(path, max_bytes=max_bytes)
    return with_pages(extract_text(decoded.text, source=source if source is not None else str(path)), decoded.pages)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and every supported file below a directory (sorted, stable)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            yield path


def extract_paths(paths: Iterable[Path], *, max_bytes: int = 20_000_000) -> tuple[list[Extraction], list[Failure]]:
    """Extract every file; failures are collected, never fatal; batch anomalies added at the end."""
    done: list[Extraction] = []
    failed: list[Failure] = []
    for path in expand_paths(paths):
        try:
            done.append(extract_file(path, max_bytes=max_bytes))
        except ReadError as err:
            failed.append(Failure(str(path), err.reason))
    extra = cross_document_anomalies(done)
    done = [dataclasses.replace(e, anomalies=e.anomalies + extra.get(e.source, ())) for e in done]
    return done, failed


def _remap(norm: NormalizedText, records: Iterable[R]) -> tuple[R, ...]:
    out = []
    for rec in records:
        start, end = norm.source_span(rec.start, rec.end)  # type: ignore[attr-defined]
        out.append(dataclasses.replace(rec, start=start, end=end))  # type: ignore[type-var]
    return tuple(out)


def _remap_unit(norm: NormalizedText, unit: Any) -> Any:
    return dataclasses.replace(unit, mentions=_remap(norm, unit.mentions))
