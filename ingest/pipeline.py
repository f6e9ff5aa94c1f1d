"""files → text → normalised text → structure → extracted records (with source offsets).

The only place that knows the order of the stages; every stage is a pure function of its inputs. A batch of
files (`extract_paths`) is extracted file by file, then checked across documents (`batch_of`); what leaves is
`Extracted`: the records with the text they came from, which the graph and the index take as they are.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ingest import __version__
from ingest.anomalies import cross_document_anomalies, find_anomalies
from ingest.citations import CitingContext, find_citations
from ingest.containers import DEFAULT_LIMITS, ContainerLimits
from ingest.jsonl import count_records, is_jsonl, jsonl_documents
from ingest.normalize import NormalizedText, normalize
from ingest.provenance import with_pages
from ingest.read import SUPPORTED_SUFFIXES, ReadError, read_file
from ingest.records import Anomaly, DocumentMeta, Extracted, Extraction, Page, Unit
from ingest.structure import parse_document
from ingest.tables import parse_tables
from ingest.targets import find_targets
from ingest.tasks import extract_tasks
from ingest.units import UnitResolver

R = TypeVar("R")

MAX_FILE_BYTES = 20_000_000  # the default size limit of one file (`cchc extract --max-mb`, uploads: Settings)

Progress = Callable[[int, int], None]
"""Called with (done, total) as a stage goes through a batch (the command line draws a bar with it)."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be extracted, and why (one line, for stderr)."""

    source: str
    reason: str


class Batch(NamedTuple):
    """What a batch of files gave: the documents extracted, and the files that could not be."""

    documents: list[Extracted]
    failures: list[Failure]


def extract_text(source_text: str, *, source: str, pages: Sequence[Page] = ()) -> Extracted:
    """Extract every record from one decoded document text (with its pages, when it was read page by page)."""
    sha = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    norm = normalize(source_text)
    text = norm.text
    meta, sections = parse_document(text, source=source, sha256=sha)
    cid = own_cid(meta)
    meta = dataclasses.replace(meta, cid=cid) if cid is not None else meta  # `parse_document` leaves it None
    citations = find_citations(text, CitingContext.from_meta(meta), sections=sections)
    resolver = UnitResolver(meta)
    tables = parse_tables(text)
    tasks = extract_tasks(
        text,
        tables=tables,
        sections=sections,
        resolver=resolver,
        citations=citations,
        year=meta.year_covered,
        issued=meta.date,
    )
    targets = find_targets(text, sections=sections, tasks=tasks)
    units = resolver.units(text, used={ref.id for task in tasks for ref in (*task.lead, *task.cooperate)})
    anomalies = find_anomalies(meta, citations, tasks)
    extraction = Extraction(
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
    return Extracted(with_pages(extraction, pages), source_text, norm, tables)


def own_cid(meta: DocumentMeta) -> str | None:
    """The document's own canonical id, read the way a citation of it would be (None for drafts)."""
    if not meta.number:
        return None
    when = f"năm {meta.date[:4]}" if meta.date else ""
    mention = f"{meta.kind or ''} số {meta.number} {when}".strip()
    context = CitingContext(scope=meta.scope, province=meta.province, district=meta.district)
    found = find_citations(mention, context)
    return found[0].cid if found else None


def extract_file(
    path: Path, *, source: str | None = None, max_bytes: int = MAX_FILE_BYTES, limits: ContainerLimits = DEFAULT_LIMITS
) -> Extracted:
    """Read and extract one file; raises `ReadError` with a one-line reason."""
    decoded = read_file(path, max_bytes=max_bytes, limits=limits)
    return extract_text(decoded.text, source=source if source is not None else str(path), pages=decoded.pages)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files, and every supported file below a folder (sorted, stable), as canonical absolute paths: a file's
    path is its identity in the store, whatever folder the command ran from. A folder that cannot be listed is
    yielded too, so reading it reports why."""
    for given in paths:
        path = given.resolve()
        try:
            folder = path.is_dir()
        except OSError:  # a path below a folder we may not enter: reading it says why
            folder = False
        if folder:
            yield from sorted(_supported_below(path))
        else:
            yield path


def _supported_below(folder: Path) -> list[Path]:
    found: list[Path] = []
    unlisted: list[Path] = []
    for parent, subfolders, files in os.walk(folder, onerror=lambda err: unlisted.append(Path(str(err.filename)))):
        subfolders.sort()
        found += [Path(parent, f) for f in files if Path(f).suffix.lower() in SUPPORTED_SUFFIXES]
    return found + unlisted


@dataclass(frozen=True, slots=True)
class Item:
    """One document read and waiting to be extracted: its source name and decoded text (with its pages)."""

    source: str
    text: str
    pages: tuple[Page, ...] = ()

    @property
    def sha256(self) -> str:
        """The content hash `extract_text` records (compared with the store's before extracting again)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def extract_item(item: Item) -> Extracted:
    return extract_text(item.text, source=item.source, pages=item.pages)


def iter_items(
    paths: Iterable[Path],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    corpora: bool = False,
    limits: ContainerLimits = DEFAULT_LIMITS,
) -> Iterator[Item | Failure]:
    """Every document of `paths`, read one at a time (a folder: every supported file below it), or why it could
    not be. With `corpora`, a JSON Lines file is a corpus of document records, each an item (a bad record is a
    failure naming its line, and the next ones still come; an id given twice is one item, its last record);
    otherwise it is refused like any unsupported file."""
    for path in paths:
        if corpora and is_jsonl(path):
            failed: list[Failure] = []
            for doc_id, text in jsonl_documents(path, _reporter(failed, str(path))):
                yield from failed
                failed.clear()
                yield Item(doc_id, text)
            yield from failed
            continue
        for file in expand_paths([path]):
            try:
                decoded = read_file(file, max_bytes=max_bytes, limits=limits)
            except ReadError as err:
                yield Failure(str(file), err.reason)
                continue
            yield Item(str(file), decoded.text, tuple(decoded.pages))


def _reporter(failures: list[Failure], source: str) -> Callable[[str], None]:
    return lambda reason: failures.append(Failure(source, reason))


def count_items(paths: Iterable[Path], *, corpora: bool = False) -> int:
    """How many items `iter_items` will give, without reading any document (a corpus's lines are counted)."""
    total = 0
    for path in paths:
        if corpora and is_jsonl(path):
            total += count_records(path)
        else:
            total += sum(1 for _ in expand_paths([path]))
    return total


def extract_paths(
    paths: Iterable[Path],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    corpora: bool = False,
    limits: ContainerLimits = DEFAULT_LIMITS,
) -> Batch:
    """Extract every document of `paths` (see `iter_items`), then check the batch across documents.

    Failures are collected, never fatal. The whole batch is held: `cchc ingest` streams instead
    (`search_api.ingestion.ingest_stream`).
    """
    done: list[Extracted] = []
    failed: list[Failure] = []
    for item in iter_items(paths, max_bytes=max_bytes, corpora=corpora, limits=limits):
        if isinstance(item, Failure):
            failed.append(item)
        else:
            done.append(extract_item(item))
    return batch_of(done, failed)


def batch_of(documents: Sequence[Extracted], failures: Sequence[Failure] = ()) -> Batch:
    """The documents with the cross-document checks of the batch added to their anomalies."""
    extra = cross_document_anomalies([d.extraction for d in documents])
    checked = [
        dataclasses.replace(d, extraction=_with_anomalies(d.extraction, extra.get(d.source, ()))) for d in documents
    ]
    return Batch(checked, list(failures))


def _with_anomalies(extraction: Extraction, extra: tuple[Anomaly, ...]) -> Extraction:
    return dataclasses.replace(extraction, anomalies=extraction.anomalies + extra) if extra else extraction


def _remap(norm: NormalizedText, records: Iterable[R]) -> tuple[R, ...]:
    """The records with their spans moved to the source text."""
    out = []
    for rec in records:
        values_of, position = _fields(type(rec))
        values = list(values_of(rec))
        at_start, at_end = position["start"], position["end"]
        values[at_start], values[at_end] = norm.source_span(values[at_start], values[at_end])
        out.append(type(rec)(*values))  # `_rebuilt`, unrolled: this runs for every record of every document
    return tuple(out)


def _remap_unit(norm: NormalizedText, unit: Unit) -> Unit:
    """The unit with its mentions' spans moved to the source text."""
    return _rebuilt(unit, {"mentions": _remap(norm, unit.mentions)})


def _rebuilt(rec: R, changes: dict[str, Any]) -> R:
    """`dataclasses.replace(rec, **changes)` without its per-call checks (records are rebuilt by the thousand)."""
    values_of, position = _fields(type(rec))
    values = list(values_of(rec))
    for name, value in changes.items():
        values[position[name]] = value
    return type(rec)(*values)


_FIELDS: dict[type, tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]]] = {}


def _fields(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]], dict[str, int]]:
    """A getter of a record class's field values in order, and each field's position (memoised per class)."""
    if cls not in _FIELDS:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELDS[cls] = operator.attrgetter(*names), {name: i for i, name in enumerate(names)}
    return _FIELDS[cls]
