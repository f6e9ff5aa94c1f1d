"""Normalisation pass 1, characters: look-alikes, dashes, slashes and spaces, zero-width characters, combining
sequences, HTML tags and entities, Markdown emphasis markers.

Each is an edit `(start, end, replacement)` for `ingest.normalize`, which applies it with its offset map. Tags become
the line and cell boundaries they stand for; emphasis marks are deleted, and the line breaks inside or at the edge
of an emphasised span are noted in `Hints` for the line pass (a wrap inside "**1. Sở⏎Khoa học**" is joined).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.text_tables import Edit


def _translation() -> dict[int, str]:
    table: dict[int, str] = {0x00D0: "Đ", 0x00F0: "đ", 0x0189: "Đ"}
    dashes = [*range(0x2010, 0x2016), 0x2212, 0xFE58, 0xFE63, 0xFF0D]
    table.update(dict.fromkeys(dashes, "-"))
    table.update(dict.fromkeys((0x2044, 0x2215, 0xFF0F), "/"))
    spaces = [0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000, 0x000B, 0x000C]
    table.update(dict.fromkeys(spaces, " "))
    table.update(dict.fromkeys((0x000D, 0x0085, 0x2028, 0x2029), "\n"))
    # Cyrillic and Greek letters drawn like Latin ones ("NĐ-CР" with a Cyrillic Р, typed or pasted): Vietnamese
    # text has no use for them, and a notation or a name with one would match nothing.
    table.update(zip(map(ord, "АВЕКМНОРСТХаеорсухΑΒΕΖΗΙΚΜΝΟΡΤΥΧο"), "ABEKMHOPCTXaeopcyxABEZHIKMNOPTYXo", strict=True))
    return table


# Every entry maps one char to one char, so translating never moves an offset.
TRANSLATE = _translation()
TRANSLATED = re.compile("[" + "".join(map(chr, TRANSLATE)) + "]")

_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_CHARS = re.compile(
    r"(?P<tag><!--.*?-->|<(?P<raw>script|style)\b.*?</(?P=raw)\s*>|<[!?][^<>]*>"
    r"|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>)"
    r"|(?P<ent>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(?P<zw>[\u200b-\u200d\u2060\ufeff\u00ad]+)"
    rf"|(?P<comb>[{_COMBINING}]+)",
    re.S | re.I,
)
_HTML_PAGE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|\?xml|head|body)\b", re.I | re.S)
_HTML_SPACE = re.compile(r"[ ]*[\n\t][\s]*")
_CHAR_TRIGGER = re.compile(rf"[<&\u200b-\u200d\u2060\ufeff\u00ad{_COMBINING}]")
# Markdown emphasis markers: star runs (paired below, like CommonMark's delimiter runs) and `__…__`.
_STARS = re.compile(r"\*+|\n[ \t]*\n|\t")
_UNDERSCORES = re.compile(r"(?<![\w_])__(?=[^\s_])(?:[^\n]|\n(?![ \t]*\n))*?[^\s_]__(?![\w_])")
_STROKE = {"D\u0335": "Đ", "D\u0336": "Đ", "d\u0335": "đ", "d\u0336": "đ"}
_CELL_TAGS = frozenset({"td", "th"})
_ROW_TAGS = frozenset({"tr", "table", "thead", "tbody", "tfoot"})
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "hr", "pre", "section", "article", "header", "footer", "nav", "aside", "main", "figure", "figcaption",
        "caption", "address", "center", "title", "body", "html", "head", "form",
    }
)  # fmt: skip


class _TagState:
    """What a tag becomes depends on where it sits: a table cell, a tab-separated row, or prose."""

    def __init__(self, text: str, *, page: bool) -> None:
        self.text = text
        self.page = page  # a whole HTML page: its tabs are indentation, not cells
        self.cells = 0  # cells opened in the current <tr>
        self.in_cell = False
        self.line_end = -1
        self.line_has_tab = False

    def _in_tab_row(self, pos: int) -> bool:
        if self.page:
            return False
        if pos >= self.line_end:
            start = self.text.rfind("\n", 0, pos) + 1
            end = self.text.find("\n", pos)
            self.line_end = len(self.text) if end < 0 else end
            self.line_has_tab = "\t" in self.text[start : self.line_end]
        return self.line_has_tab

    def replace(self, m: re.Match[str]) -> str:
        name = (m.group("name") or "").lower()
        if name in _CELL_TAGS:
            if m.group("close"):
                self.in_cell = False
                return ""
            self.in_cell = True
            self.cells += 1
            return "\t" if self.cells > 1 else ""
        if name in _ROW_TAGS:
            self.cells = 0
            self.in_cell = False
            return "\n"
        if name in _BLOCK_TAGS:
            # Inside a cell (HTML table or a tab-separated row) a paragraph tag only wraps cell text.
            return " " if self.in_cell or self._in_tab_row(m.start()) else "\n"
        return ""


@dataclass(slots=True)
class Hints:
    """Source offsets of line breaks that emphasis marks as a wrap (`joined`) or as a phrase edge (`edges`)."""

    joined: set[int] = field(default_factory=set)
    edges: set[int] = field(default_factory=set)


def char_edits(text: str, hints: Hints) -> list[Edit]:
    """Pass-1 edits; line breaks inside or at the edge of an emphasis span are noted in `hints`."""
    edits: list[Edit] = []
    first = _CHAR_TRIGGER.search(text)
    page = _HTML_PAGE.match(text) is not None
    tags = _TagState(text, page=page)
    for m in _CHARS.finditer(text, first.start() if first else len(text)):
        kind = m.lastgroup
        a, b = m.span()
        if m.group("tag") is not None:
            edits.append((a, b, tags.replace(m)))
        elif kind == "ent":
            rep = html.unescape(m.group()).translate(TRANSLATE)
            if rep != m.group():
                edits.append((a, b, rep))
        elif kind == "zw":
            edits.append((a, b, ""))
        else:  # combining marks: compose with the base character before them
            if a > 0 and text[a - 1] != "\n" and not (edits and edits[-1][1] > a - 1):
                a -= 1
            seq = text[a:b]
            rep = unicodedata.normalize("NFC", seq)
            for k, v in _STROKE.items():
                rep = rep.replace(k, v)
            if rep != seq:
                edits.append((a, b, rep))
    if "*" in text or "__" in text:
        edits.extend(_emphasis_edits(text, hints))
    if page:  # in an HTML page line breaks and tabs are spaces: the tags carry the structure
        edits.extend((m.start(), m.end(), " ") for m in _HTML_SPACE.finditer(text))
    edits.sort()
    return edits


def _closes_after_space(text: str, opener: tuple[int, int], a: int, b: int) -> bool:
    """A run after a space closes the open span of the same length when the span is short (a line or two)."""
    oa, ob = opener
    return ob - oa == b - a and a - ob <= 160 and text.count("\n", ob, a) <= 1


def _emphasis_edits(text: str, hints: Hints) -> list[Edit]:
    """Delete paired emphasis markers; a run that closes one span and opens the next is a break.

    A line break inside a paired span ("**1. Sở⏎Khoa học và Công nghệ**") is noted as joined: the emphasis
    marks one phrase that the page wrapped; one right after a span closes or before one opens is an edge.
    """
    edits: list[Edit] = []
    openers: list[tuple[int, int]] = []
    stray: list[tuple[int, int]] = []
    n = len(text)
    for m in _STARS.finditer(text):
        a, b = m.span()
        if text[a] != "*":  # a blank line or a table cell ends every open span
            stray.extend(openers)
            openers.clear()
            continue
        before = text[a - 1] if a else " "
        after = text[b] if b < n else " "
        if before.isalnum() and after.isalnum() and b - a == 1:
            continue  # 5*80%: a multiplication sign, not emphasis
        if not before.isspace() and openers:
            oa, ob = openers.pop()
            edits.append((oa, ob, ""))
            if "\n" in text[ob:a]:
                hints.joined.update(m.start() + ob for m in re.finditer("\n", text[ob:a]))
            if b < n and text[b] == "\n":
                hints.edges.add(b)
            reopens = not after.isspace() and after != "*"
            # "**Phụ lục****Nhiệm vụ**" closes one span and opens the next: a break; "tr**ộn**", "1**1**" and
            # "**V****Ă****N PHÒNG**" (a letter a span) mark parts of one word
            breaks = reopens and before.isalnum() and after.isalnum() and b - a >= 4 and len(text[ob:a].strip()) > 2
            edits.append((a, b, "\n" if breaks else ""))
            if reopens and b - a >= 2:
                openers.append((b, b))  # the run both closed and opened: its edit covers both
            continue
        if before.isspace() and openers and _closes_after_space(text, openers[-1], a, b):
            oa, ob = openers.pop()  # "**2. **Ưu tiên", "**1. Sở Nội vụ **(…)": the space slipped inside the span
            edits.extend(((oa, ob, ""), (a, b, "")))
            continue
        if not after.isspace():
            openers.append((a, b))
            if a and text[a - 1] == "\n":
                hints.edges.add(a - 1)
        elif b - a >= 2:
            stray.append((a, b))
    for a, b in stray + openers:
        if b - a >= 2:  # a run of two or more stars left unpaired is a marker, never text
            edits.append((a, b, ""))
    for m in _UNDERSCORES.finditer(text):
        edits.append((m.start(), m.start() + 2, ""))
        edits.append((m.end() - 2, m.end(), ""))
    return [_whole_line(text, e) for e in edits if e[1] > e[0] or e[2]]


def _whole_line(text: str, edit: Edit) -> Edit:
    """A marker alone on its line ("**" closing a span on the next line) goes with its line break: deleting only the
    marker would leave a blank line, which reads as a paragraph (or table) end."""
    a, b, rep = edit
    if not rep and a > 0 and text[a - 1] == "\n" and b < len(text) and text[b] == "\n":
        return a, b + 1, rep
    return edit
