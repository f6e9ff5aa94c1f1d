"""Tables written as plain text → one line per row with tab-separated cells (the shape `ingest.tables` reads).

Two encodings reach us from converted web pages and Markdown:

* **one cell per line**: every cell's text sits between lines that hold a single `|`; a row ends where two
  `|` lines follow each other (`|⏎|`), and an empty cell is one more `|` line. Empty cells and row ends
  therefore look alike; the column count of the first row, and a row number opening the next row, tell
  them apart. Layout tables (the header block with the issuer and the motto, the signature block) are
  written the same way and become rows too, like the tables of a `.docx`.
* **pipe rows**: `| a | b | c |` lines, with or without the outer bars, and `|---|---|` rules.

`table_edits` returns `(start, end, replacement)` edits for `ingest.normalize`, which applies them with its
offset map, so every cell still points at its exact source span. Cell text is kept verbatim; only the bars
and the line breaks between and inside cells are replaced.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

Edit = tuple[int, int, str]

_BAR = "|"
# A row number as the first cell of a row: "1", "1.2", "II", "a", "a)", "(3)".
_ROW_NUMBER = re.compile(r"\(?(?:(?:[IVXLC]{1,6}|\d{1,3})(?:\.\d{1,3}){0,3}|[a-zđ])[.)]?\)?")
_RULE = re.compile(r"[-_=*.\s]*")  # "--------" under a header cell
_PIPE_ROW = re.compile(r"\|?[^|\n]*(?:\|[^|\n]*)+\|?")
_PIPE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?")
# A cell longer than this is body text between two tables, not a cell: the table ends before it.
_CELL_MAX_LINES = 80
# A shorter run of lines is body text too when it holds numbered or lettered items ("1. Bộ Tài chính chủ
# trì …", "a) …"): a telegram or letter whose whole body a web page put inside a layout table. Real cells
# of task tables are a few lines long; 20 lines is above every cell of the 418 real documents' tables.
_BODY_MIN_LINES = 20
_ITEM = re.compile(r"(?:\d{1,2}|[a-zđ])[.)]\s+\S")
# Text that is never a cell: an appendix caption between the signature block and the appendix table.
_CAPTION = re.compile(r"(?:PHỤ LỤC|Phụ lục|PHỤ BIỂU|Phụ biểu)(?!\w)")
# The signature block's row: recipients ("Nơi nhận") and the signature, nothing after them.
_RECIPIENTS = re.compile(r"Nơi nhận\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int
    end: int  # end of the line's content (the "\n" after it, if any, is at `end`)
    text: str  # stripped


@dataclass(slots=True)
class _Gap:
    """What lies between two bar lines: the content lines of one cell, or nothing."""

    lines: list[_Line]


def table_edits(text: str) -> list[Edit]:
    """Edits that turn every text-encoded table of `text` into tab-separated rows."""
    if "|" not in text:
        return []
    lines = _split_lines(text)
    edits: list[Edit] = []
    i = 0
    while i < len(lines):
        stripped = lines[i].text
        if stripped == _BAR:
            i = _one_cell_per_line(lines, i, edits)
        elif "|" in stripped and _PIPE_ROW.fullmatch(stripped) and _is_pipe_block(lines, i):
            i = _pipe_rows(lines, i, edits)
        else:
            i += 1
    return edits


def _split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw) + 1
    return out


# --- one cell per line -------------------------------------------------------------------------------------


def _gaps(lines: list[_Line], first_bar: int) -> tuple[list[_Gap], list[int]]:
    """Gaps between consecutive bar lines from `first_bar` on, and the index of every bar line.

    The run stops at a blank line, at the end of the text, or at content not closed by a bar.
    """
    gaps: list[_Gap] = []
    bars = [first_bar]
    i = first_bar + 1
    current: list[_Line] = []
    while i < len(lines):
        line = lines[i]
        if line.text == _BAR:
            gaps.append(_Gap(current))
            bars.append(i)
            current = []
        elif (
            not line.text
            or len(current) >= _CELL_MAX_LINES
            or (not current and _CAPTION.match(line.text))
            or (len(current) >= _BODY_MIN_LINES and _has_items(current))
        ):
            break
        else:
            current.append(line)
        i += 1
    return gaps, bars


def _has_items(lines: list[_Line]) -> bool:
    return sum(1 for line in lines if _ITEM.match(line.text)) >= 2


def _is_row_number(gap: _Gap) -> bool:
    return len(gap.lines) == 1 and _ROW_NUMBER.fullmatch(gap.lines[0].text) is not None


def _rows(gaps: list[_Gap]) -> tuple[list[list[_Gap]], int]:
    """Group gaps into rows of cells; returns the rows and how many gaps they used."""
    if not gaps:
        return [], 0
    # The first row: its cells up to the first empty gap (header cells are never empty).
    first: list[_Gap] = []
    k = 0
    while k < len(gaps) and gaps[k].lines:
        first.append(gaps[k])
        k += 1
        if len(first) == 2 and _RECIPIENTS.match(first[0].lines[0].text):
            return [first], k
    rows = [first]
    if k >= len(gaps):
        return rows, k
    width = len(first)
    k += 1  # the row boundary
    numbered = (bool(first) and _is_row_number(first[0])) or _numbered_header(first)
    row: list[_Gap] = []
    while k < len(gaps):
        gap = gaps[k]
        if width == 1 and len(rows) == 1 and not row and gap.lines:
            # A one-cell title row over the real header: the next row sets the width.
            width = 0
        if width and len(row) == width:
            if gap.lines and not (numbered and _is_row_number(gap)):
                rows.append(row)  # content where the next row should open: the table ended at the last bar
                return rows, k
            if gap.lines:  # a row number right after a full row: a row boundary lost in conversion
                rows.append(row)
                row = []
                continue
            rows.append(row)
            row = []
            k += 1
            continue
        if gap.lines:
            row.append(gap)
            k += 1
            continue
        # An empty gap: an empty cell, or the end of a short row (a merged group row "I | NHÓM …")?
        run = k
        while run < len(gaps) and not gaps[run].lines:
            run += 1
        following = gaps[run] if run < len(gaps) else None
        landing = len(row) + (run - k)
        if width == 0:
            width = len(row)  # the second row of a table under a one-cell title sets the width
            rows.append(row)
            row = []
            k += 1
            continue
        if (
            numbered
            and following is not None
            and _is_row_number(following)
            and landing % (width + 1) != 0
            and len(row) + (run - k) - 1 <= width
        ):
            row.extend(_Gap([]) for _ in range(run - k - 1))
            rows.append(row)
            row = []
            k = run
            continue
        row.append(gap)
        k += 1
    if row:
        rows.append(row)
    return rows, k


def _numbered_header(first: list[_Gap]) -> bool:
    head = " ".join(line.text for line in first[0].lines).strip(" .").lower() if first else ""
    return head in {"stt", "tt", "số tt", "số thứ tự", "thứ tự"}


def _one_cell_per_line(lines: list[_Line], first_bar: int, edits: list[Edit]) -> int:
    gaps, bars = _gaps(lines, first_bar)
    rows, used = _rows(gaps)
    if not any(cell.lines for row in rows for cell in row):
        return first_bar + 1
    last_bar = bars[used]  # the bar that closes the last row taken
    width = max(len(row) for row in rows)
    pieces: list[tuple[int, int, str]] = []  # (from, to) of text replaced between kept content
    cursor = lines[first_bar].start
    for r, row in enumerate(rows):
        lead = "" if r == 0 else "\n"
        for c, cell in enumerate(row):
            sep = lead if c == 0 else "\t"
            if not cell.lines:
                pieces.append((cursor, cursor, sep))
                continue
            kept = [ln for ln in cell.lines if not _RULE.fullmatch(ln.text)] or cell.lines[:1]
            pieces.append((cursor, kept[0].start, sep))
            for prev, nxt in itertools.pairwise(kept):
                pieces.append((prev.end, nxt.start, " "))
            cursor = kept[-1].end
        if len(row) < width:
            pieces.append((cursor, cursor, "\t" * (width - len(row))))
    pieces.append((cursor, lines[last_bar].end, ""))
    edits.extend(_merge(pieces))
    return last_bar + 1


def _merge(pieces: list[tuple[int, int, str]]) -> list[Edit]:
    """Adjacent replacements at one place become one edit (insertions before deletions keep their order)."""
    out: list[Edit] = []
    for a, b, rep in pieces:
        if out and out[-1][1] == a:
            pa, _, prep = out[-1]
            out[-1] = (pa, b, prep + rep)
        elif b > a or rep:
            out.append((a, b, rep))
    return out


# --- pipe rows ---------------------------------------------------------------------------------------------


def _is_pipe_block(lines: list[_Line], i: int) -> bool:
    """Two or more consecutive pipe rows with a bar at an edge of the line ("a | b |", "| a | b"), the first with two
    cells at least; a `|---|` rule may sit among them. Cell counts may differ (a header row over a one-cell row)."""
    if i + 1 >= len(lines) or not (_is_pipe_row(lines[i].text) and _is_pipe_row(lines[i + 1].text)):
        return False
    data = [t for t in (lines[i].text, lines[i + 1].text) if not _PIPE_RULE.fullmatch(t)]
    edged = bool(data) and all(t.startswith("|") or t.endswith("|") for t in data)
    return edged and len([c for c in data[0].strip("|").split("|") if c.strip()]) >= 2


def _is_pipe_row(text: str) -> bool:
    return bool(text) and "|" in text and _PIPE_ROW.fullmatch(text) is not None


def _pipe_rows(lines: list[_Line], i: int, edits: list[Edit]) -> int:
    while i < len(lines) and _is_pipe_row(lines[i].text):
        line = lines[i]
        if _PIPE_RULE.fullmatch(line.text):
            edits.append((line.start, line.end, ""))
        else:
            edits.extend(_pipe_row_edits(line))
        i += 1
    return i


def _pipe_row_edits(line: _Line) -> list[Edit]:
    out: list[Edit] = []
    text = line.text
    lo, hi = 0, len(text)
    if text.startswith("|"):
        lo = 1
    if text.endswith("|") and hi > lo:
        hi -= 1
    if lo:
        out.append((line.start, line.start + 1, ""))
    for m in re.finditer(r"\s*\|\s*", text[lo:hi]):
        out.append((line.start + lo + m.start(), line.start + lo + m.end(), "\t"))
    if hi < len(text):
        out.append((line.start + hi, line.end, ""))
    return out
