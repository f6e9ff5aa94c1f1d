"""ingest.ocr_layout on drawn pages: skew, ruled grids with merged cells, words back into rows."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ingest import ocr_layout as layout
from ingest.ocr_layout import Word

DPI = 300


def _page() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (1700, 2200), 255)
    return image, ImageDraw.Draw(image)


def _grid(draw: ImageDraw.ImageDraw) -> None:
    """A 3x3 ruled table at x 200-1400, y 300-900; cell (0,1)-(0,2) merged, (1,0)-(2,0) merged."""
    xs, ys = (200, 500, 900, 1400), (300, 500, 700, 900)
    draw.rectangle((xs[0], ys[0], xs[-1], ys[-1]), outline=0, width=4)
    draw.line((xs[1], ys[0], xs[1], ys[-1]), fill=0, width=4)
    draw.line((xs[2], ys[1], xs[2], ys[-1]), fill=0, width=4)  # not through row 0: merged across
    draw.line((xs[0], ys[1], xs[-1], ys[1]), fill=0, width=4)
    draw.line((xs[1], ys[2], xs[-1], ys[2]), fill=0, width=4)  # not through column 0: merged down


def _word(text: str, x: int, y: int, line: int = 1) -> Word:
    return Word(text, x, y, 20 * len(text), 40, 95.0, (1, 1, line))


@pytest.mark.parametrize("degrees", [1.5, -0.8, 0.0, 2.6])
def test_skew_angle_undoes_a_rotation(degrees: float) -> None:
    image, draw = _page()
    for y in range(200, 2000, 60):  # text lines as bars
        draw.rectangle((200, y, 1400, y + 20), fill=0)
    rotated = np.asarray(image.rotate(degrees, fillcolor=255))
    assert layout.skew_angle(layout.ink(rotated)) == pytest.approx(-degrees, abs=0.06)


def test_ruled_grid_with_merged_cells() -> None:
    image, draw = _page()
    _grid(draw)
    draw.text((250, 350), "STT", fill=0)  # letters are no rules
    dark = layout.ink(np.asarray(image))
    found = layout.tables(*layout.rules(dark, DPI))
    assert len(found) == 1
    table = found[0]
    assert len(table.ys) == 4 and len(table.xs) == 4
    assert table.owner == (
        ((0, 0), (0, 1), (0, 1)),
        ((1, 0), (1, 1), (1, 2)),
        ((1, 0), (2, 1), (2, 2)),
    )
    words = [
        _word("STT", 220, 320),
        _word("Nhiệm", 520, 320),
        _word("vụ", 700, 320),
        _word("1", 220, 520),
        _word("Rà", 520, 520),
        _word("soát", 520, 570, line=2),  # a cell's second line
        _word("Sở", 920, 520),
        _word("Thường", 520, 720),
        _word("xuyên", 920, 720),
    ]
    assert layout.table_rows(table, words) == ["STT\tNhiệm vụ\t", "1\tRà soát\tSở", "\tThường\txuyên"]


def test_underlines_and_lone_rules_are_no_table() -> None:
    image, draw = _page()
    draw.line((200, 400, 1400, 400), fill=0, width=3)  # a signature line
    draw.line((200, 600, 1400, 600), fill=0, width=3)
    dark = layout.ink(np.asarray(image))
    assert layout.tables(*layout.rules(dark, DPI)) == []


def test_page_text_puts_tables_where_they_stand() -> None:
    image, draw = _page()
    _grid(draw)
    found = layout.tables(*layout.rules(layout.ink(np.asarray(image)), DPI))
    words = [
        Word("KẾ", 200, 100, 60, 40, 96.0, (1, 1, 1)),
        Word("HOẠCH", 280, 100, 150, 40, 96.0, (1, 1, 1)),
        _word("STT", 220, 320),
        _word("1", 220, 520),
        Word("Nơi", 200, 1000, 80, 40, 90.0, (3, 1, 1)),
        Word("nhận:", 290, 1000, 120, 40, 90.0, (3, 1, 1)),
    ]
    assert layout.page_text(words, found) == "KẾ HOẠCH\n\nSTT\t\t\n1\t\t\n\nNơi nhận:"


def test_despeckle_keeps_dots_near_letters() -> None:
    image, draw = _page()
    draw.rectangle((400, 400, 440, 460), fill=0)  # a letter
    draw.rectangle((446, 455, 449, 458), fill=0)  # its full stop
    draw.rectangle((1000, 1000, 1002, 1002), fill=0)  # dust, far from any ink
    gray = np.asarray(image).copy()
    clean = layout.despeckle(gray, layout.ink(gray), DPI)
    assert clean[456, 447] == 0 and clean[1001, 1001] == 255 and clean[430, 420] == 0


def test_marks_read_off_rules_are_dropped() -> None:
    horizontal = np.zeros((400, 400), dtype=bool)
    vertical = np.zeros((400, 400), dtype=bool)
    vertical[:, 100:103] = True
    words = [
        Word("|", 98, 50, 6, 30, 40.0, (1, 1, 1)),
        Word("|Kế", 99, 100, 60, 30, 80.0, (1, 1, 2)),
        Word("hoạch", 200, 100, 90, 30, 90.0, (1, 1, 2)),
        Word(":", 300, 100, 6, 30, 90.0, (1, 1, 2)),  # punctuation off the rules stays
    ]
    assert [w.text for w in layout.off_the_rules(words, horizontal, vertical)] == ["Kế", "hoạch", ":"]
