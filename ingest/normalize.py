"""Decoded source text → normalised text (one paragraph per line) with an exact offset map back.

Extractors all see the same clean text, so each pattern is written once against one shape of text;
the offset map lets every record point at the exact span of the file the user can open.

Three passes, each a list of `(start, end, replacement)` edits applied to the previous text:

1. characters (`ingest.normalize_chars`): look-alikes/dashes/slashes/spaces (a length-preserving
   `str.translate`), zero-width characters, combining sequences (NFC), HTML tags (kept as line/cell
   boundaries) and entities, Markdown emphasis markers (noting the line breaks inside and at the edges
   of emphasis spans); then the trailer a legal-document site prints after the document is dropped
   (`ingest.site_trailer`);
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

import re
import unicodedata
from array import array
from dataclasses import dataclass
from typing import NamedTuple

from ingest.normalize_chars import TRANSLATE, TRANSLATED, Hints, char_edits
from ingest.site_trailer import trailer_edits
from ingest.text_tables import Edit, table_edits
from ingest.unit_names import SECTORS

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
# Words no sentence or heading ends with: a preposition, a conjunction, a determiner, or a title still waiting for
# its body ("Chủ tịch⏎UBND các xã …"). A line ending with one goes on, whatever the next line starts with. Not
# "cùng", "trên", "tự do", "tiếp theo": they end "cuối cùng", "nêu trên", "quyền tự do", "quý tiếp theo".
_OPEN_END = re.compile(
    r"(?:^|[ (])(?:và|của|các|những|với|cho|tại|(?<!tiếp )theo|về|thuộc|trong|để|hoặc|gồm|(?<!tự )do|bởi|từ|đến|như|mà"
    r"|Chủ tịch|Giám đốc|Thủ trưởng|Chánh Văn phòng|Chánh Thanh tra|Trưởng|Phó)$"
)
_OPEN_TAIL = 16  # "Chánh Thanh tra" with the character before it
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


def _department_wraps() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """A line ending inside a department's name before a capitalised word of it ("Sở Công" | "Thương", "Sở Kế hoạch
    và" | "Đầu tư"): the pattern of the line's end, and the words each cut name goes on with."""
    rests: dict[str, list[str]] = {}
    for sector in SECTORS:
        words = sector.split()
        for k in range(1, len(words)):
            if words[k][0].isupper():
                rests.setdefault(" ".join(words[:k]), []).append(" ".join(words[k:]))
    heads = "|".join(re.escape(h) for h in sorted(rests, key=len, reverse=True))
    return re.compile(rf"(?:^|\s)(?:Sở|Bộ|Phòng) ({heads})$"), {h: tuple(r) for h, r in rests.items()}


_DEPARTMENT_CUT, _DEPARTMENT_RESTS = _department_wraps()


def _splits_department(p: str, n: str) -> bool:
    cut = _DEPARTMENT_CUT.search(p, max(0, len(p) - 40))
    if cut is None:
        return False
    return any(n.startswith(rest) and not n[len(rest) : len(rest) + 1].isalpha() for rest in _DEPARTMENT_RESTS[cut[1]])


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
    if _splits_department(p, n):
        return True
    if _is_caps(n):
        # A wrapped numbered heading ("III. PHÂN CÔNG …" / "THỰC HIỆN …") continues in capitals.
        return bool(width) and _is_caps(p) and _ITEM.match(p) is not None and len(p) >= 0.5 * width
    if _is_caps(p):
        return False
    open_end = _OPEN_END.search(p, max(0, len(p) - _OPEN_TAIL)) is not None
    if width:  # hard-wrapped text: a long line is a wrap even before a capital
        return n[0].islower() or n[0].isdigit() or last in _JOINING_END or len(p) >= 0.85 * width or open_end
    # Paragraph-per-line text: a break is meant unless the next line plainly continues the phrase;
    # one-word lines ("kg", "x") are table cells laid out one per line, joined only after a word that cannot end one.
    if " " not in p:
        return False
    if n[0].isdigit():
        return " " in n and (last in _JOINING_END or _ends_with(_NUMBER_BEFORE, p))
    return open_end or (" " in n and (n[0].islower() or last in _JOINING_END))


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


def _line_edits(text: str, starts: array[int], hints: Hints) -> list[Edit]:
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
    text: str, starts: array[int], hints: Hints, prev: _Line, nxt: _Line, width: int, *, paragraph: bool
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
    text = source_text.translate(TRANSLATE) if TRANSLATED.search(source_text) else source_text
    hints = Hints()
    text, starts, ends = _apply(text, starts, ends, char_edits(text, hints))
    if not unicodedata.is_normalized("NFC", text):
        text, starts, ends = _apply(text, starts, ends, _nfc_lines(text))
    text, starts, ends = _apply(text, starts, ends, trailer_edits(text))
    text, starts, ends = _apply(text, starts, ends, table_edits(text))
    text, starts, ends = _apply(text, starts, ends, _line_edits(text, starts, hints))
    return NormalizedText(text, starts, ends)
