"""An extracted document → the passages a person wants as search hits.

Three kinds, each carrying what filters and answers need (document, span, province, year, area, units):
- `section`: paragraphs of the section tree, prefixed with their heading path so a paragraph reads in context;
  short paragraphs are merged with the next and long ones split at sentence boundaries, so every chunk stays
  under `MAX_WORDS` syllables and multilingual-e5 (512 tokens at most) sees it whole. Data rows of tables that
  assign nothing (allocation tables) are paragraphs too, each cell prefixed with its column name.
- `task`: one per appendix table row that is a task, with its columns named ("Nhiệm vụ: … | Chủ trì: …").
- `target`: one per quantitative target sentence.

Spans are SOURCE offsets (what `ingest.records` promises). Sections, tasks and targets already carry them;
splitting and merging paragraphs happens in the normalised text the extractors read (`Extracted.normalized`,
with the tables they found) and is mapped back with `source_span`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

from ingest.areas import REFORM_AREAS
from ingest.normalize import NormalizedText
from ingest.records import Extracted, Extraction, Section, Task
from ingest.tables import Cell, Row, Table
from ingest.vntext import match_key
from kg.build import document_iri

ChunkKind = Literal["section", "task", "target"]

# ~66 XLM-R tokens per passage on average in the seeds; Vietnamese runs ~1.3-1.6 tokens per syllable, so 120
# syllables plus a heading path stays well inside e5's 512-token window while keeping hits focused.
MAX_WORDS = 120
# A paragraph this short ("II. NỘI DUNG", "- Lưu: VT.") says little alone: it is merged with the next one.
MIN_WORDS = 12
# Headings longer than this are cut in the path (some headings are whole sentences).
PATH_HEADING_WORDS = 14
# Bump when chunking changes, so `build_index` re-chunks documents whose file did not change.
CHUNKER_VERSION = 1

_LINE = re.compile(r"[^\n]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+(?=\S)")
_CLAUSE_END = re.compile(r"(?<=,)\s+(?=\S)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One searchable passage: `text` is what is embedded and indexed, `display` what a reader is shown."""

    id: str  # "{sha256[:12]}:{start}-{end}:{kind}", stable while the file does not change
    source: str
    document: str  # document IRI (kg.build.document_iri)
    kind: ChunkKind
    text: str
    display: str
    start: int  # source offsets
    end: int
    province: str | None
    year: int | None  # the year the plan covers, else the year it was issued
    doc_kind: str | None
    area: str | None  # reform-area slug
    section: str | None  # section path ("II.1"), None before the first section
    units: tuple[str, ...] = ()  # Unit.id of units mentioned in or responsible for the passage


@dataclass(frozen=True, slots=True)
class _Piece:
    """A paragraph (or part of one) in normalised offsets."""

    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def document_year(extraction: Extraction) -> int | None:
    """The year a plan covers, else its issue year: what "plans of 2024" means to a user."""
    meta = extraction.document
    if meta.year_covered:
        return meta.year_covered
    return int(meta.date[:4]) if meta.date and meta.date[:4].isdigit() else None


def task_text(task: Task) -> str:
    """A task row with its column names, so both BM25 and the encoder see who does what by when."""
    parts = [f"Nhiệm vụ: {task.text}"]
    if task.lead:
        parts.append("Chủ trì: " + ", ".join(a.name for a in task.lead))
    if task.cooperate:
        parts.append("Phối hợp: " + ", ".join(a.name for a in task.cooperate))
    if task.products:
        parts.append("Sản phẩm: " + ", ".join(task.products))
    if task.deadline:
        parts.append(f"Thời hạn: {task.deadline.text}")
    if task.area in REFORM_AREAS:
        parts.append(f"Lĩnh vực: {REFORM_AREAS[task.area].pref_label}")
    return _SPACE.sub(" ", " | ".join(parts)).strip()


class _Context:
    """Per-document lookups: offsets both ways, the section tree, and unit mentions by position."""

    def __init__(self, extraction: Extraction, source_text: str, norm: NormalizedText) -> None:
        self.e = extraction
        self.norm = norm
        self.sections = sorted(extraction.sections, key=lambda s: (s.start, s.level))
        self.section_spans = [(self.to_norm(s.start), self.to_norm(s.end)) for s in self.sections]
        # Only mentions whose span really holds the name: a misplaced span would tag unrelated passages.
        mentions = sorted(
            (m.start, m.end, u.id)
            for u in extraction.units
            for m in u.mentions
            if match_key(source_text[m.start : m.end]) == match_key(m.text)
        )
        self.mention_starts = [m[0] for m in mentions]
        self.mentions = mentions
        self.max_mention = max((m[1] - m[0] for m in mentions), default=0)
        self.prose_tasks = sorted((t for t in extraction.tasks if t.origin == "prose"), key=lambda t: t.start)

    def to_norm(self, source_offset: int) -> int:
        """First normalised offset produced at or after `source_offset`."""
        return bisect.bisect_left(self.norm.starts, source_offset)

    def section_at(self, pos: int) -> int | None:
        """Index of the deepest section whose normalised span contains `pos`."""
        best: int | None = None
        for i, (a, b) in enumerate(self.section_spans):
            if a > pos:
                break
            if pos < b and (best is None or self.sections[i].level >= self.sections[best].level):
                best = i
        return best

    def chain(self, index: int | None) -> list[Section]:
        """The section and its ancestors, outermost first."""
        if index is None:
            return []
        out = [self.sections[index]]
        for j in range(index - 1, -1, -1):
            s = self.sections[j]
            if s.level < out[0].level and s.start <= out[0].start and s.end >= out[0].end:
                out.insert(0, s)
        return out

    def units_in(self, start: int, end: int) -> list[str]:
        """Units mentioned inside the source span, in order of first mention."""
        lo = bisect.bisect_left(self.mention_starts, start - self.max_mention)
        hi = bisect.bisect_left(self.mention_starts, end)
        return [uid for a, b, uid in self.mentions[lo:hi] if a >= start and b <= end]

    def tasks_over(self, start: int, end: int) -> list[Task]:
        return [t for t in self.prose_tasks if t.start < end and t.end > start]


def _path_text(chain: Sequence[Section]) -> str:
    heads = []
    for s in chain:
        words = s.heading.split()
        heads.append(" ".join(words[:PATH_HEADING_WORDS]) + (" …" if len(words) > PATH_HEADING_WORDS else ""))
    return " > ".join(h for h in heads if h)


def _split(piece: _Piece, separators: Sequence[re.Pattern[str]] = (_SENTENCE_END, _CLAUSE_END)) -> list[_Piece]:
    """Cut a long paragraph at sentence ends (then commas, then anywhere) into parts of at most MAX_WORDS."""
    if piece.words <= MAX_WORDS:
        return [piece]
    if not separators:
        spans = [m.span() for m in re.finditer(r"\S+", piece.text)]
        out = []
        for i in range(0, len(spans), MAX_WORDS):
            a, b = spans[i][0], spans[min(i + MAX_WORDS, len(spans)) - 1][1]
            out.append(_Piece(piece.start + a, piece.start + b, piece.text[a:b]))
        return out
    cuts = [0, *(m.end() for m in separators[0].finditer(piece.text)), len(piece.text)]
    parts = [
        _Piece(piece.start + a, piece.start + a + len(piece.text[a:b].rstrip()), piece.text[a:b].rstrip())
        for a, b in itertools.pairwise(cuts)
        if piece.text[a:b].strip()
    ]
    packed: list[_Piece] = []
    for part in (p for raw in parts for p in _split(raw, separators[1:])):
        if packed and packed[-1].words + part.words <= MAX_WORDS:
            last = packed[-1]
            packed[-1] = _Piece(last.start, part.end, piece.text[last.start - piece.start : part.end - piece.start])
        else:
            packed.append(part)
    return packed


def _merge(pieces: Iterable[_Piece]) -> list[list[_Piece]]:
    """Group paragraphs: a short one joins the next; a short last one joins the previous when it fits."""
    groups: list[list[_Piece]] = []
    words = 0
    for piece in pieces:
        if groups and words < MIN_WORDS and words + piece.words <= MAX_WORDS:
            groups[-1].append(piece)
            words += piece.words
        else:
            groups.append([piece])
            words = piece.words
    if len(groups) > 1 and words < MIN_WORDS and sum(p.words for p in groups[-2]) + words <= MAX_WORDS:
        groups[-2].extend(groups.pop())
    return groups


def _table_pieces(text: str, tables: Sequence[Table], task_spans: Sequence[tuple[int, int]]) -> Iterator[_Piece]:
    """Data rows that are not task rows (already chunked as tasks), each cell labelled with its column."""
    for table in tables:
        for row in table.rows:
            cells = _row_cells(row)
            if len(cells) < 2 or any(a < row.end and b > row.start for a, b in task_spans):
                continue  # group and heading rows hold one cell: their area is already on every chunk
            labelled = []
            for cell in sorted(cells, key=lambda c: c.start):
                line_start = text.rfind("\n", 0, cell.start) + 1
                column = text.count("\t", line_start, cell.start)
                name = table.header[column] if column < len(table.header) else ""
                labelled.append(f"{name}: {cell.text}" if name and name != cell.text else cell.text)
            body = " | ".join(labelled)
            if body:
                yield _Piece(row.start, row.end, _SPACE.sub(" ", body))


def _row_cells(row: Row) -> list[Cell]:
    named = (row.area_text, row.task, row.product, row.lead, row.cooperate, row.deadline, row.note)
    return [c for c in (*named, *row.extra) if c is not None and c.text]


def _paragraphs(ctx: _Context, text: str, tables: Sequence[Table]) -> list[tuple[int | None, _Piece]]:
    """Every paragraph outside tables, and table data rows, with the index of the section they sit in."""
    table_spans = [(t.start, t.end) for t in tables]
    task_spans = [(ctx.to_norm(t.start), ctx.to_norm(t.end)) for t in ctx.e.tasks if t.origin == "table"]
    pieces: list[_Piece] = []
    for m in _LINE.finditer(text):
        a, b = m.span()
        if any(ta <= a < tb for ta, tb in table_spans) or not m.group().strip():
            continue
        pieces.append(_Piece(a, b, _SPACE.sub(" ", m.group().replace("\t", " | ")).strip()))
    pieces.extend(_table_pieces(text, tables, task_spans))
    pieces.sort(key=lambda p: p.start)
    out: list[tuple[int | None, _Piece]] = []
    for n, piece in enumerate(pieces):
        index = ctx.section_at(piece.start)
        bare_heading = index is not None and _heads(ctx, index, piece) and piece.words < 2 * MIN_WORDS
        if bare_heading and n + 1 < len(pieces) and pieces[n + 1].start < ctx.section_spans[index][1]:  # type: ignore[index]
            continue  # its words are in the path of the paragraphs below it
        out.append((index, piece))
    return out


def _heads(ctx: _Context, index: int, piece: _Piece) -> bool:
    """Whether the paragraph is the heading line of section `index` (numbering may precede the heading)."""
    return piece.start <= ctx.section_spans[index][0] < piece.start + 8


def _section_chunks(ctx: _Context, tables: Sequence[Table], make: Callable[..., Chunk]) -> list[Chunk]:
    chunks: list[Chunk] = []
    paragraphs = _paragraphs(ctx, ctx.norm.text, tables)
    i = 0
    while i < len(paragraphs):
        index = paragraphs[i][0]
        run: list[_Piece] = []
        while i < len(paragraphs) and paragraphs[i][0] == index:
            run.extend(_split(paragraphs[i][1]))
            i += 1
        chain = ctx.chain(index)
        area = next((s.area for s in reversed(chain) if s.area), None)
        for group in _merge(run):
            # the heading line itself is read under its parents' headings, not its own once more
            path = _path_text(chain[:-1] if index is not None and _heads(ctx, index, group[0]) else chain)
            start, end = ctx.norm.source_span(group[0].start, group[-1].end)
            display = "\n".join(p.text for p in group)
            tasks = ctx.tasks_over(start, end)
            units = ctx.units_in(start, end) + [a.id for t in tasks for a in (*t.lead, *t.cooperate)]
            chunks.append(
                make(
                    id=_chunk_id(ctx.e, start, end, "section"),
                    kind="section",
                    text=f"{path}\n{display}" if path else display,
                    display=display,
                    start=start,
                    end=end,
                    area=area or next((t.area for t in tasks if t.area), None),
                    section=chain[-1].path if chain else None,
                    units=tuple(dict.fromkeys(units)),
                )
            )
    return chunks


def _chunk_id(e: Extraction, start: int, end: int, kind: str) -> str:
    return f"{e.document.sha256[:12]}:{start}-{end}:{kind}"


def chunks_of(document: Extracted) -> list[Chunk]:
    """All chunks of one document, in source order (sections, then task rows and targets by position)."""
    extraction = document.extraction
    ctx = _Context(extraction, document.text, document.normalized)
    meta = extraction.document
    make = partial(
        Chunk,
        source=extraction.source,
        document=str(document_iri(extraction)),
        province=meta.province,
        year=document_year(extraction),
        doc_kind=meta.kind,
    )
    chunks = _section_chunks(ctx, document.tables, make)
    tasks = {t.id: t for t in extraction.tasks}
    for task in extraction.tasks:
        if task.origin != "table":
            continue
        text = task_text(task)
        units = [a.id for a in (*task.lead, *task.cooperate)] + ctx.units_in(task.start, task.end)
        chunks.append(
            make(
                id=_chunk_id(extraction, task.start, task.end, "task"),
                kind="task", text=text, display=text, start=task.start, end=task.end, area=task.area,
                section=task.section, units=tuple(dict.fromkeys(units)),
            )
        )  # fmt: skip
    seen: set[tuple[int, int]] = set()
    for target in extraction.targets:
        if (target.start, target.end) in seen:
            continue  # one sentence may state several targets: one hit is enough
        seen.add((target.start, target.end))
        owner = tasks.get(target.task) if target.task else None
        units = ctx.units_in(target.start, target.end)
        if owner:
            units = [a.id for a in (*owner.lead, *owner.cooperate)] + units
        index = ctx.section_at(ctx.to_norm(target.start))
        sentence = _SPACE.sub(" ", target.text).strip()
        chunks.append(
            make(
                id=_chunk_id(extraction, target.start, target.end, "target"),
                kind="target", text=sentence, display=sentence, start=target.start, end=target.end,
                area=target.area or next((s.area for s in reversed(ctx.chain(index)) if s.area), None),
                section=ctx.sections[index].path if index is not None else None,
                units=tuple(dict.fromkeys(units)),
            )
        )  # fmt: skip
    chunks.sort(key=lambda c: (c.start, c.end, c.kind))
    return _unique(chunks)


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    """Drop exact repeats of an id (a target that is a whole paragraph keeps both kinds, they differ in kind)."""
    seen: set[str] = set()
    out = []
    for c in chunks:
        if c.id not in seen:
            seen.add(c.id)
            out.append(c)
    return out
