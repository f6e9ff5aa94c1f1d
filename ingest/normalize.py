"""Decoded source text → normalised text (one paragraph per line) with an exact offset map back.

Extractors all see the same clean text, so each pattern is written once against one shape of text;
the offset map lets every record point at the exact span of the file the user can open.

Three passes, each a list of `(start, end, replacement)` edits applied to the previous text:

1. characters: look-alikes/dashes/slashes/spaces (a length-preserving `str.translate`), zero-width
   characters, combining sequences (NFC), HTML tags (kept as line/cell boundaries) and entities,
   Markdown emphasis markers (noting the line breaks inside and at the edges of emphasis spans);
2. tables written as text (one cell per line between `|` lines; `| a | b |` rows) become tab-separated
   rows (`ingest.text_tables`);
3. lines: blank/page-number/rule lines dropped, de-doubled letters, Markdown headings, space runs,
   and the decision for every line break: keep it (new paragraph) or join the lines with one space
   (a PDF hard break inside a sentence, a wrap inside a blank-line delimited paragraph or inside an
   emphasis span).

The map is two int arrays: `starts[i]`/`ends[i]` = the source span that produced output char `i`
(a verbatim char spans one source char; a replacement spans all the source it replaced).
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from typing import NamedTuple

from ingest.text_tables import table_edits

Edit = tuple[int, int, str]

# ---------------------------------------------------------------------------------------------
# Pass 1: characters


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
_TRANSLATE = _translation()
_TRANSLATED = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")

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
class _Hints:
    """Source offsets of line breaks that emphasis marks as a wrap (`joined`) or as a phrase edge (`edges`)."""

    joined: set[int] = field(default_factory=set)
    edges: set[int] = field(default_factory=set)


def _char_edits(text: str, hints: _Hints) -> list[Edit]:
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
            rep = html.unescape(m.group()).translate(_TRANSLATE)
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


def _emphasis_edits(text: str, hints: _Hints) -> list[Edit]:
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


# ---------------------------------------------------------------------------------------------
# Pass 2: lines

# Blank lines, page numbers ("5", "- 5 -") and rules ("-----", a Markdown "---\t---" table rule).
_IGNORABLE_LINE = re.compile(r"-?[ ]*\d{1,3}[ ]*-?|[-_=*.\t ]*")
_IGNORABLE_START = frozenset("-_=*.\t0123456789")
_HEADING = re.compile(r"#{1,6}[ ]+")
_INLINE_SPACE = re.compile(r"[ ]*\t[ ]*|[ ]{2,}")
_TERMINAL = frozenset(".;:!?")
_JOINING_END = frozenset(",-(/")
# Words after which a number follows ("ngày \n13/01/2023", "Nghị định số \n33/2023/NĐ-CP").
_NUMBER_BEFORE = re.compile(r"(?:^|[ (])(?:số|ngày|tháng|năm|đoạn|điều|Điều|khoản|Khoản|điểm|Điểm|mục|Mục|Quý|quý)$")
# A structural word whose number went to the next line ("Điều⏎15. Trách nhiệm …").
_ARTICLE_WORD = re.compile(r"(?:^|[ (])(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN|khoản|Khoản|điểm|Điểm)$")
_WORD_TAIL = 8  # the longest word of the two patterns above (6 letters) with the character before it, and one spare
# The start of a new paragraph: bullet, numbered/lettered/roman item, article/chapter, preamble cues.
_ITEM = re.compile(
    r"(?:[-+•·●▪*][ ]"
    r"|\d{1,3}(?:\.\d{1,3})*[.)](?=[ ]|$|[^\W\d_])|\d{1,3}[-/][ ]"
    r"|[a-zđ](?:\.?\d{1,2})?\)"
    r"|[IVXLC]{1,7}[.)](?:[ ]|$)"
    r"|(?:Điều|Chương|Mục|Phần|Phụ lục|PHỤ LỤC|ĐIỀU|CHƯƠNG)[ ]+[\dIVXLC]"
    r"|Căn cứ|Nơi nhận|Kính gửi|Như trên)"
)


def _is_caps(line: str) -> bool:
    """An all-capitals line (a heading) with at least two letters."""
    return line.isupper() and sum(c.isalpha() for c in line[:8]) >= 2


def _doubled(line: str) -> list[str] | None:
    """Tokens of a line whose every token repeats each letter ("TTMM.. ỦỦYY"), else None."""
    if len(line) < 5 or line[0] != line[1]:
        return None
    tokens = line.split()
    if len(tokens) < 2 or max(len(t) for t in tokens) < 4:
        return None
    if all(len(t) % 2 == 0 and t[0::2] == t[1::2] for t in tokens):
        return tokens
    return None


class _Line(NamedTuple):
    start: int  # content bounds in the pass-1 text (outer spaces excluded)
    end: int
    text: str  # content as it will read after de-doubling
    table: bool
    edits: list[Edit] | None  # edits inside the line


def _wrap_width(lines: list[_Line]) -> int:
    """Typical length of a hard-wrapped (PDF) document's lines; 0 when lines are paragraphs."""
    lengths = sorted(len(ln.text) for ln in lines if not ln.table)
    if len(lengths) < 8:
        return 0
    width = lengths[int(len(lengths) * 0.9)]
    if not 40 <= width <= 130:
        return 0
    near = sum(1 for n in lengths if n >= 0.8 * width)
    return width if near >= 0.4 * len(lengths) else 0


def _ends_with(pattern: re.Pattern[str], line: str) -> bool:
    """`pattern.search(line)` for a pattern anchored at the line's end: only the line's tail is scanned."""
    return pattern.search(line, max(0, len(line) - _WORD_TAIL)) is not None


def _joins(prev: _Line, nxt: _Line, width: int) -> bool:
    """Whether the break between two content lines is a hard wrap inside one paragraph."""
    if prev.table or nxt.table:
        return False
    p, n = prev.text, nxt.text
    last = p[-1]
    if n[0].isdigit() and _ends_with(_ARTICLE_WORD, p):  # "Điều⏎15. Trách nhiệm …": the number is not an item
        return True
    if last in _TERMINAL or _ITEM.match(n):
        return False
    if _is_caps(n):
        # A wrapped numbered heading ("III. PHÂN CÔNG …" / "THỰC HIỆN …") continues in capitals.
        return bool(width) and _is_caps(p) and _ITEM.match(p) is not None and len(p) >= 0.5 * width
    if _is_caps(p):
        return False
    if width:  # hard-wrapped text: a long line is a wrap even before a capital
        return n[0].islower() or n[0].isdigit() or last in _JOINING_END or len(p) >= 0.85 * width
    # Paragraph-per-line text: a break is meant unless the next line plainly continues the phrase;
    # one-word lines ("kg", "x") are table cells laid out one per line, never joined.
    if " " not in n or " " not in p:
        return False
    if n[0].isdigit():
        return last in _JOINING_END or _ends_with(_NUMBER_BEFORE, p)
    return n[0].islower() or last in _JOINING_END


def _line(text: str, a: int, b: int) -> _Line:
    """One content line `text[a:b]`: its inner edits (heading marks, doubled letters, space runs)."""
    edits: list[Edit] = []
    body = a
    if text[a] == "#":
        heading = _HEADING.match(text, a, b)
        if heading:
            body = heading.end()
            edits.append((a, body, ""))
    content = text[body:b]
    spaced = "  " in content or "\t" in content
    tokens = _doubled(content)
    if tokens is not None:
        t = body
        for tok in tokens:
            t = text.index(tok, t)
            edits.extend((t + k, t + k + 2, tok[k]) for k in range(0, len(tok), 2))
            t += len(tok)
        content = " ".join(tok[0::2] for tok in tokens)
    if spaced:
        for m in _INLINE_SPACE.finditer(text, body, b):
            s, e = m.span()
            tab = text.find("\t", s, e)
            if tab < 0:
                edits.append((s + 1, e, ""))
            else:
                if tab > s:
                    edits.append((s, tab, ""))
                if e > tab + 1:
                    edits.append((tab + 1, e, ""))
        if tokens is not None:
            edits.sort()
    return _Line(a, b, content, "\t" in content, edits or None)


def _line_edits(text: str, starts: array[int], hints: _Hints) -> list[Edit]:
    lines: list[_Line] = []
    gap_before: list[bool] = []  # a blank line (or a stray table bar) before the line: a paragraph break
    pos = 0
    gap = False
    for raw in text.split("\n"):
        stripped = raw.strip(" ")
        if not stripped or stripped == "|":
            gap = True
        elif not (stripped[0] in _IGNORABLE_START and _IGNORABLE_LINE.fullmatch(stripped)):
            a = pos + len(raw) - len(raw.lstrip(" "))
            lines.append(_line(text, a, a + len(stripped)))
            gap_before.append(gap)
            gap = False
        pos += len(raw) + 1
    n = len(text)
    if not lines:
        return [(0, n, "")] if n else []
    width = _wrap_width(lines)
    in_block = _paragraph_blocks(lines, gap_before)
    out: list[Edit] = []
    if lines[0].start > 0:
        out.append((0, lines[0].start, ""))
    prev = lines[0]
    for k in range(1, len(lines)):
        line = lines[k]
        if prev.edits:
            out.extend(prev.edits)
        if gap_before[k]:
            joins = _joins(prev, line, width)
        else:
            joins = _joins_in_block(text, starts, hints, prev, line, width, paragraph=in_block[k])
        out.append((prev.end, line.start, " " if joins else "\n"))
        prev = line
    if prev.edits:
        out.extend(prev.edits)
    if prev.end < n:
        out.append((prev.end, n, ""))
    return out


_BLOCK_MAX_LINES = 30


def _paragraph_blocks(lines: list[_Line], gap_before: list[bool]) -> list[bool]:
    """Per line: whether it sits in a soft-wrapped paragraph between blank lines (converted web pages).

    There a line break without a blank line is a wrap of the page, whatever the next line starts with.
    Not so in a document that never leaves a blank line, in a run of lines too long to be one paragraph,
    or where blank lines separate paragraphs that are one line each (line breaks inside a block are meant).
    """
    flags = [False] * len(gap_before)
    wraps = sum(
        1
        for k in range(1, len(lines))
        if not gap_before[k] and not lines[k].table and not lines[k - 1].table and not _ITEM.match(lines[k].text)
    )
    if sum(gap_before) < 3 or wraps < 0.25 * len(lines):
        return flags
    start = 0
    for k in range(1, len(gap_before) + 1):
        if k == len(gap_before) or gap_before[k]:
            if k - start <= _BLOCK_MAX_LINES:
                flags[start:k] = [True] * (k - start)
            start = k
    return flags


def _joins_in_block(
    text: str, starts: array[int], hints: _Hints, prev: _Line, nxt: _Line, width: int, *, paragraph: bool
) -> bool:
    """Whether a break with no blank line before `nxt` is a wrap inside one paragraph."""
    if prev.table or nxt.table:
        return False
    if _ITEM.match(nxt.text):
        return nxt.text[0].isdigit() and _ends_with(_ARTICLE_WORD, prev.text)
    if text.startswith("  ", prev.end) or text[prev.end - 1] == "\\":  # a Markdown hard line break
        return _joins(prev, nxt, width)
    breaks = [starts[q] for q in range(prev.end, nxt.start) if text[q] == "\n"]
    if any(b in hints.joined for b in breaks):
        return True
    if paragraph:
        return not any(b in hints.edges for b in breaks)
    return _joins(prev, nxt, width)


# ---------------------------------------------------------------------------------------------
# Applying edits with the offset map

_IDENTITY = array("i")


def _identity(n: int) -> array[int]:
    """A cached 0..n array, so identity maps are one memcpy instead of a Python loop."""
    global _IDENTITY
    if len(_IDENTITY) <= n:
        _IDENTITY = array("i", range(max(n + 1, 2 * len(_IDENTITY))))
    return _IDENTITY


def _apply(text: str, starts: array[int], ends: array[int], edits: list[Edit]) -> tuple[str, array[int], array[int]]:
    """Apply sorted edits (overlapping ones dropped); compose the map through them."""
    if not edits:
        return text, starts, ends
    pieces: list[str] = []
    new_starts: array[int] = array("i")
    new_ends: array[int] = array("i")
    pos = 0
    for a, b, rep in edits:
        if a < pos:
            continue
        if a > pos:
            pieces.append(text[pos:a])
            new_starts += starts[pos:a]
            new_ends += ends[pos:a]
        if rep:
            pieces.append(rep)
            if b > a:
                lo, hi = starts[a], ends[b - 1]
            else:
                lo = hi = starts[a]
            new_starts += array("i", (lo,)) * len(rep)
            new_ends += array("i", (hi,)) * len(rep)
        pos = b
    if pos < len(text):
        pieces.append(text[pos:])
        new_starts += starts[pos : len(text)]
        new_ends += ends[pos:]
    new_starts.append(starts[len(text)])
    return "".join(pieces), new_starts, new_ends


def _nfc_lines(text: str) -> list[Edit]:
    """Fallback for rare non-NFC leftovers (not base+marks): recompose whole lines."""
    edits: list[Edit] = []
    pos = 0
    for line in text.split("\n"):
        if not unicodedata.is_normalized("NFC", line):
            edits.append((pos, pos + len(line), unicodedata.normalize("NFC", line)))
        pos += len(line) + 1
    return edits


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalised text and, per output char, the source span that produced it."""

    text: str
    starts: array[int]  # len(text) + 1; the last entry is len(source)
    ends: array[int]  # len(text)

    def source_offset(self, i: int) -> int:
        """Source offset of normalised offset `i` (0 ≤ i ≤ len(text))."""
        return self.starts[max(0, min(i, len(self.text)))]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span covering normalised `[start, end)` (removed material inside is covered)."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if end == start:
            return self.starts[start], self.starts[start]
        return self.starts[start], self.ends[end - 1]


def normalize(source_text: str) -> NormalizedText:
    """Normalise a decoded document; see the module docstring for the rules."""
    n = len(source_text)
    ident = _identity(n + 1)
    starts, ends = ident[: n + 1], ident[1 : n + 1]
    text = source_text.translate(_TRANSLATE) if _TRANSLATED.search(source_text) else source_text
    hints = _Hints()
    text, starts, ends = _apply(text, starts, ends, _char_edits(text, hints))
    if not unicodedata.is_normalized("NFC", text):
        text, starts, ends = _apply(text, starts, ends, _nfc_lines(text))
    text, starts, ends = _apply(text, starts, ends, table_edits(text))
    text, starts, ends = _apply(text, starts, ends, _line_edits(text, starts, hints))
    return NormalizedText(text, starts, ends)
