"""A scanned page's geometry: its skew, its ruled tables, and the OCR words put back in reading order.

Tesseract reads a table cell by cell as separate blocks, so a row's cells come back as unrelated
lines. Administrative documents rule their tables, so the rules are found in the image (long
horizontal and vertical runs of ink), cells built from them (a missing rule inside the grid is a
merged cell), and every word placed in the cell under its centre: a table row comes out as one line
of tab-separated cells, exactly as the .docx reader writes it. Pure functions of arrays and words.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]
Gray = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class Word:
    """One word as Tesseract read it: text, box (pixels), confidence 0-100, and its line's id."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: tuple[int, int, int]  # (block, paragraph, line) numbers

    @property
    def center(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled grid: row and column rule positions, and each grid cell's merged cell (its top-left)."""

    ys: tuple[int, ...]
    xs: tuple[int, ...]
    owner: tuple[tuple[tuple[int, int], ...], ...]  # owner[i][j] = (row, col) of the cell covering it

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        left, top, right, bottom = self.box
        if not (left <= x < right and top <= y < bottom):
            return None
        i, j = bisect_right(self.ys, y) - 1, bisect_right(self.xs, x) - 1
        return self.owner[i][j]


# --- image ------------------------------------------------------------------------------------------


def ink(gray: Gray) -> Mask:
    """Dark pixels, by Otsu's threshold over the page's histogram."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    total_weight, total_mean = weight[-1], mean[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mean * weight - mean * total_weight) ** 2 / (weight * (total_weight - weight))
    if np.isnan(between).all():
        return np.zeros(gray.shape, dtype=bool)  # one grey level: a blank page
    threshold = int(np.nanargmax(between))
    return gray <= threshold


def despeckle(gray: Gray, dark: Mask, dpi: int) -> Gray:
    """The page without dust: specks (ink blobs smaller than a full stop) with no other ink near them.
    A full stop or a dot below sits close to its letter, so it stays."""
    from scipy import ndimage  # type: ignore[import-untyped]  # no stubs installed

    labels, _count = ndimage.label(dark)
    sizes = np.bincount(labels.ravel())
    small = sizes <= max(4, int((dpi / 100) ** 2 * 4))
    small[0] = False
    specks = small[labels]
    reach = int(dpi / 20)
    near = ndimage.uniform_filter((dark & ~specks).astype(np.float32), size=2 * reach + 1) > 0
    kept = np.zeros(len(sizes), dtype=bool)
    kept[np.unique(labels[specks & near])] = True
    clean = gray.copy()
    clean[specks & ~kept[labels]] = 255
    return clean


def skew_angle(dark: Mask, *, limit: float = 3.0) -> float:
    """The page's skew in degrees (positive: lines fall to the right), from where shearing the ink
    by that angle makes the sharpest row profile (text lines and rules line up)."""
    step = max(1, dark.shape[1] // 800)
    ys, xs = np.nonzero(dark[::step, ::step])
    if len(ys) < 100:
        return 0.0

    def sharpness(degrees: float) -> float:
        rows = np.round(ys - xs * np.tan(np.radians(degrees))).astype(np.int64)
        profile = np.bincount(rows - rows.min())
        return float(np.dot(profile, profile))

    coarse = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    return float(max(np.arange(coarse - 0.25, coarse + 0.25 + 1e-9, 0.02), key=sharpness))


def _long_runs(mask: Mask, length: int) -> Mask:
    """Pixels in horizontal runs of at least `length` (gaps of up to 2 pixels bridged)."""
    bridged = mask.copy()
    bridged[:, 1:] |= mask[:, :-1]
    bridged[:, 2:] |= mask[:, :-2]
    edges = np.diff(np.pad(bridged, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    out = np.zeros_like(mask)
    for row, start, end in zip(rows, starts, ends, strict=True):
        if end - start >= length:
            out[row, start:end] = True
    return out


def rules(dark: Mask, dpi: int) -> tuple[Mask, Mask]:
    """Horizontal and vertical rules: straight ink runs longer than any letter (0.3 in)."""
    length = int(0.3 * dpi)
    return _long_runs(dark, length), _long_runs(dark.T, length).T


def _positions(profile: npt.NDArray[np.intp], offset: int) -> list[int]:
    """Centres of the runs of non-zero entries (one rule, a few pixels thick, is one position)."""
    nonzero = np.flatnonzero(profile)
    if len(nonzero) == 0:
        return []
    groups = np.split(nonzero, np.flatnonzero(np.diff(nonzero) > 2) + 1)
    return [offset + int(g.mean()) for g in groups]


def tables(horizontal: Mask, vertical: Mask) -> list[Table]:
    """The ruled tables of a page: connected grids of rules with at least one row and two columns."""
    from scipy import ndimage  # type: ignore[import-untyped]  # no stubs installed

    labels, _count = ndimage.label(horizontal | vertical, structure=np.ones((3, 3), dtype=bool))
    found = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        part = labels[box] == index
        h, v = horizontal[box] & part, vertical[box] & part
        ys = _positions(h.sum(axis=1), box[0].start)
        xs = _positions(v.sum(axis=0), box[1].start)
        if len(ys) < 2 or len(xs) < 3:
            continue
        found.append(_grid(ys, xs, horizontal, vertical))
    return sorted(found, key=lambda t: t.ys[0])


def _covered(mask: Mask, rows: slice, cols: slice, axis: int) -> bool:
    """Whether a rule runs along at least half of the segment (rows x cols) of the mask."""
    segment = mask[rows, cols].any(axis=axis)
    return bool(segment.size) and float(segment.mean()) >= 0.5


def _grid(ys: list[int], xs: list[int], horizontal: Mask, vertical: Mask) -> Table:
    """Grid cells merged across every missing rule (union-find over the cells)."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = {(i, j): (i, j) for i in range(n_rows) for j in range(n_cols)}

    def root(cell: tuple[int, int]) -> tuple[int, int]:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    t = 4  # pixels either side of a rule's centre
    for i in range(n_rows):
        for j in range(n_cols):
            if j + 1 < n_cols and not _covered(
                vertical, slice(ys[i], ys[i + 1]), slice(xs[j + 1] - t, xs[j + 1] + t + 1), 1
            ):
                union((i, j), (i, j + 1))
            if i + 1 < n_rows and not _covered(
                horizontal, slice(ys[i + 1] - t, ys[i + 1] + t + 1), slice(xs[j], xs[j + 1]), 0
            ):
                union((i, j), (i + 1, j))
    owner = tuple(tuple(root((i, j)) for j in range(n_cols)) for i in range(n_rows))
    return Table(tuple(ys), tuple(xs), owner)


def without(gray: Gray, mask: Mask) -> Gray:
    """The image with the masked pixels (and a 2-pixel fringe, blurred ink) made white."""
    from scipy import ndimage  # type: ignore[import-untyped]  # no stubs installed

    clean = gray.copy()
    clean[ndimage.binary_dilation(mask, iterations=2)] = 255
    return clean


def _cell_boxes(table: Table) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Each merged cell's box (left, top, right, bottom), keyed by its top-left grid cell."""
    boxes: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for i, owners in enumerate(table.owner):
        for j, owner in enumerate(owners):
            left, top, right, bottom = table.xs[j], table.ys[i], table.xs[j + 1], table.ys[i + 1]
            if owner in boxes:
                a, b, c, d = boxes[owner]
                left, top, right, bottom = min(a, left), min(b, top), max(c, right), max(d, bottom)
            boxes[owner] = (left, top, right, bottom)
    return boxes


def empty_cells(found: Sequence[Table], words: Sequence[Word], dark: Mask, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (inside the rules) of table cells with ink but no word: Tesseract's page layout drops
    a lone character, such as a row's number, as noise."""
    margin = max(3, dpi // 30)  # clear of the rules, thick as a scan blurs them
    filled = {table.cell_of(*w.center) for table in found for w in words}
    out = []
    for table in found:
        for cell, (left, top, right, bottom) in _cell_boxes(table).items():
            box = (left + margin, top + margin, right - margin, bottom - margin)
            if cell in filled or box[2] <= box[0] or box[3] <= box[1]:
                continue
            if int(dark[box[1] : box[3], box[0] : box[2]].sum()) >= (dpi // 30) ** 2:
                out.append(box)
    return out


# --- words → text -------------------------------------------------------------------------------------


def _lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into visual lines (a word joins a line its vertical middle falls inside)."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top + w.height / 2, w.left)):
        middle = word.top + word.height / 2
        for line in lines:
            top = min(w.top for w in line)
            bottom = max(w.top + w.height for w in line)
            if top <= middle <= bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def _cell_text(words: Sequence[Word]) -> str:
    return " ".join(" ".join(w.text for w in line) for line in _lines(words))


def table_rows(table: Table, words: Sequence[Word]) -> list[str]:
    """One line per grid row: its cells' text tab-separated (a merged cell's text once, in its first
    row and column; empty cells for the rest of its span, as the .docx reader writes them)."""
    by_cell: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        cell = table.cell_of(*word.center)
        if cell is not None:
            by_cell.setdefault(cell, []).append(word)
    rows = []
    for i, owners in enumerate(table.owner):
        cells = [_cell_text(by_cell.get((i, j), ())) if owner == (i, j) else "" for j, owner in enumerate(owners)]
        if any(cells):
            rows.append("\t".join(cells))
    return rows


_RULE_MARKS = "|[]!:;.,'`¬_-—~ˆ"
_BAR_MARKS = "|[]!"
_REACH = 12  # pixels: Tesseract's box of a word may stop short of the rule it read as a bar


def off_the_rules(words: Sequence[Word], horizontal: Mask, vertical: Mask) -> list[Word]:
    """Words less what Tesseract reads off a table rule: a word of nothing but marks ("|", "_") on
    a rule is dropped, bars stuck to a word's end ("|Kế") are cut off."""
    rules = horizontal | vertical
    out = []
    for w in words:
        near = rules[
            max(w.top - _REACH, 0) : w.top + w.height + _REACH, max(w.left - _REACH, 0) : w.left + w.width + _REACH
        ]
        if not near.any():
            out.append(w)
            continue
        text = w.text.strip(_BAR_MARKS)
        if text and text.strip(_RULE_MARKS):
            out.append(replace(w, text=text) if text != w.text else w)
    return out


def page_text(words: Sequence[Word], found: Sequence[Table]) -> str:
    """The page as text: Tesseract's lines in its reading order, paragraphs apart by a blank line,
    each table's rows where the table stands."""
    inside = {id(w) for t in found for w in words if t.cell_of(*w.center) is not None}
    prose: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        if id(word) not in inside:
            prose.setdefault(word.line, []).append(word)
    pending = list(found)
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for key, line in prose.items():
        top = min(w.top for w in line)
        while pending and pending[0].ys[0] < top:
            out.extend(["", *table_rows(pending.pop(0), words), ""])
            previous = None
        if previous is not None and key[:2] != previous:
            out.append("")
        out.append(" ".join(w.text for w in sorted(line, key=lambda w: w.left)))
        previous = key[:2]
    for table in pending:
        out.extend(["", *table_rows(table, words)])
    return "\n".join(out).strip("\n")
