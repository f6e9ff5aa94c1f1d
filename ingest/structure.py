"""Document header facts (`DocumentMeta`) and the section tree (`Section`s) from normalised text.

Input is the text of `ingest.normalize` (one paragraph per line, table cells separated by tabs). Real documents
arrive with or without their first-page header block, so every header fact has a fallback read from the prose
("Sở Nội vụ ban hành Kế hoạch …", "(Kèm theo Quyết định số /QĐ-UBND ngày tháng 12 năm 2022 …)").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.areas import area_of, leading_area, may_name_area
from ingest.header import Line, iso, issuer, more_specific, own_caption, parse_date, read_header
from ingest.notation import restore_hyphens
from ingest.orgs import ORG_HEAD_RE, POST_RE, is_upper, render_post
from ingest.places import district_level_on, province_on, scope_for
from ingest.records import DocumentMeta, Section
from ingest.vntext import collapse


def _lines(text: str) -> list[Line]:
    """The lines that are not blank, with their offsets."""
    out: list[Line] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Line(pos, pos + len(line), line))
        pos += len(line) + 1
    return out


_SIGN_MODE = re.compile(r"^(KT|TM|TL|TUQ|Q)\s*\.\s*(.*)$")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*$")
_ITEM = re.compile(r"^[-+•·∙]\s*")
_NOI_NHAN = re.compile(r"Nơi nhận\b", re.I)
_HEADER_LINES = 40
_ADOPTED = re.compile(r"được [^.\n]{0,160}?thông qua (ngày \d{1,2} tháng \d{1,2} năm \d{4})")


# ---------------------------------------------------------------------------------------------------- signature


def _closing(lines: list[Line], body_end: int) -> tuple[tuple[str, ...], str | None, str | None, str | None]:
    """(recipients, signer, signer_title, signing_mode) from the Nơi nhận list and the signature block."""
    nn = next((i for i, ln in enumerate(lines[:body_end]) if _NOI_NHAN.match(ln.stripped)), None)
    recipients: list[str] = []
    if nn is not None:
        first = re.sub(r"^Nơi nhận\s*:?\s*", "", lines[nn].cells[0], flags=re.I)
        items = [first] if first else []
        for line in lines[nn + 1 : body_end]:
            cell = line.cells[0]
            if not cell:
                continue
            if _ITEM.match(cell):
                items.append(cell)
            elif items and cell[:1].islower():
                items[-1] = f"{items[-1]} {cell}"
            else:
                break
        recipients = [r for r in (_ITEM.sub("", i).strip(" ;,.") for i in items) if r]
        window = lines[max(0, nn - 8) : min(body_end, nn + 40)]
    else:
        window = lines[max(0, body_end - 15) : body_end]
    signer, title, mode = _signature(window)
    return tuple(recipients), signer, title, mode


def _signature(window: list[Line]) -> tuple[str | None, str | None, str | None]:
    mode: str | None = None
    title: str | None = None
    seen_block = False
    for line in window:
        for cell in line.cells:
            cell = cell.strip(" *")
            if not cell or _ITEM.match(cell) or _NOI_NHAN.match(cell):
                continue
            sign = _SIGN_MODE.match(cell)
            if sign and is_upper(sign.group(2) or "X"):
                mode, seen_block = f"{sign.group(1)}.", True
                posts = list(POST_RE.finditer(sign.group(2)))
                if len(posts) >= 2 or (mode == "TM." and posts and posts[-1].start() > 0):
                    title = render_post(posts[-1].group(0))
                continue
            post = POST_RE.fullmatch(cell)
            if post and is_upper(cell):
                title, seen_block = render_post(cell), True
                continue
            if seen_block and _is_name(cell):
                name = " ".join(w.capitalize() for w in cell.split()) if is_upper(cell) else collapse(cell)
                return name, title, mode
    return None, title, mode


def _is_name(cell: str) -> bool:
    words = cell.split()
    if not 2 <= len(words) <= 6 or POST_RE.search(cell) or ORG_HEAD_RE.match(cell):
        return False
    if is_upper(cell):
        return all(_NAME_WORD.match(w) for w in words)
    return all(_NAME_WORD.match(w) and w[0].isupper() and w[1:].islower() for w in words)


# ---------------------------------------------------------------------------------------------------- sections


@dataclass(slots=True)
class _Node:
    kind: str  # "pl", "dieu", "roman", "arabic", "letter"
    rank: int
    path: str
    heading: str
    area: str | None
    start: int
    end: int
    level: int


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_PL_RE = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s*)?([IVXLC]+|\d{1,2})(?!\w))?\s*[:.\-]?\s*")
_DIEU_RE = re.compile(r"^Điều\s+(\d{1,3})\s*[.:]\s*")
_ROMAN_RE = re.compile(r"^([IVXLC]{1,6})\s*[.)\-]\s*(?=[^\W\d_])")
_ARABIC_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3}|\d{1,2}(?=[.)]))[.)]?\s*(?=[^\W\d_])")
_LETTER_RE = re.compile(r"^([a-zđ])\)\s*(?=\S)")


def _roman(text: str) -> int | None:
    values = [_ROMAN_VALUES[c] for c in text]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if 0 < total <= 40 else None


# The patterns above open with disjoint characters, so a line's first character picks the one that may match.
_MARKER_BY_INITIAL = {
    "P": ("pl", _PL_RE, 0),
    "Đ": ("dieu", _DIEU_RE, 1),
    **dict.fromkeys("IVXLC", ("roman", _ROMAN_RE, 1)),
    **dict.fromkeys("abcdefghijklmnopqrstuvwxyzđ", ("letter", _LETTER_RE, 6)),
}


def _heading_marker(text: str) -> tuple[str, str, int, str] | None:
    """(kind, label, rank, rest-of-line) when the line opens a section."""
    initial = text[:1]
    if initial.isdecimal():  # the digits of `\d`
        arabic = _ARABIC_RE.match(text)
        if arabic is None:
            return None
        label = arabic.group(1)
        return "arabic", label, 1 + label.count(".") + 1, text[arabic.end() :]
    if initial not in _MARKER_BY_INITIAL:
        return None
    kind, pattern, rank = _MARKER_BY_INITIAL[initial]
    match = pattern.match(text)
    if match is None:
        return None
    if kind == "pl":
        if len(text) >= 250 or text[match.end() : match.end() + 1].islower():
            return None
        return "pl", match.group(1) or "", 0, text[match.end() :]
    if kind == "roman" and not _roman(match.group(1)):
        return None
    return kind, match.group(1), rank, text[match.end() :]


_HEADING_CUT = re.compile(r":|;|\.(?:\s|$)")
_NON_SPACE_WS = re.compile(r"[^\S ]")
_HEADING_MAX = 150


def _trim_heading(rest: str) -> tuple[str, str | None]:
    """Heading text (the part before ':' / end of first sentence, ≤ 150 chars) and its reform area."""
    # Only when it changes something: most heading lines are already single-spaced. Every whitespace character but
    # the space is unprintable, so isprintable() rules them out faster than the search.
    if "  " in rest or rest[:1] == " " or rest[-1:] == " " or (not rest.isprintable() and _NON_SPACE_WS.search(rest)):
        rest = collapse(rest)
    area = None
    if may_name_area(rest):  # most headings are no area's name: spared both reads
        area = area_of(rest)
        lead = leading_area(rest) if area is None else None
        if lead is not None:
            return lead[1], lead[0]
    whole = rest.rstrip(" .;")
    if len(whole) <= _HEADING_MAX and ":" not in whole:
        heading = whole
    else:  # the first cut, looked for only where it can end a heading (a paragraph's whole length is not scanned)
        cut_at = _HEADING_CUT.search(rest, 0, _HEADING_MAX + 2)
        heading = rest[: cut_at.start()] if cut_at and cut_at.start() <= _HEADING_MAX else rest[: _HEADING_MAX + 1]
    if len(heading) > _HEADING_MAX:
        heading = heading[:_HEADING_MAX].rsplit(" ", 1)[0]
    return heading.strip(" .,-"), area


def _sections(lines: list[Line], text_len: int) -> list[Section]:
    nodes: list[_Node] = []
    stack: list[_Node] = []
    seen: Counter[str] = Counter()
    unnumbered_pl = 0
    for idx, line in enumerate(lines):
        if "\t" in line.text:
            continue
        text = line.stripped
        marker = _heading_marker(text)
        if marker is None:
            continue
        kind, label, rank, rest = marker
        while stack and stack[-1].rank >= rank:
            stack.pop().end = line.start
        parent = stack[-1] if stack else None
        if kind == "pl":
            if not label:
                unnumbered_pl += 1
            path = f"PL{label}" if label else ("PL" if unnumbered_pl == 1 else f"PL{unnumbered_pl}")
            if not rest.strip() and idx + 1 < len(lines) and "\t" not in lines[idx + 1].text:
                rest = lines[idx + 1].stripped
        elif kind == "dieu":
            path = f"D{label}"
        elif kind == "arabic":
            base = next((n for n in reversed(stack) if n.kind != "arabic"), None)
            path = f"{base.path}.{label}" if base else label
        else:
            path = f"{parent.path}.{label}" if parent else label
        seen[path] += 1
        if seen[path] > 1:
            path = f"{path}_{seen[path]}"
        heading, area = _trim_heading(rest)
        if area is None and parent is not None:
            area = parent.area
        node = _Node(kind, rank, path, heading, area, line.start, text_len, len(stack) + 1)
        nodes.append(node)
        stack.append(node)
    return [Section(n.path, n.heading, n.level, n.area, n.start, n.end) for n in nodes]


# ---------------------------------------------------------------------------------------------------- document


def parse_document(text: str, *, source: str, sha256: str) -> tuple[DocumentMeta, tuple[Section, ...]]:
    """Header facts and section tree of one normalised document."""
    lines = _lines(text)
    sections = _sections(lines, len(text))
    head = read_header(lines)
    first_pl = next((s.start for s in sections if s.path.startswith("PL") and s.level == 1), None)
    body_end = next((i for i, ln in enumerate(lines) if first_pl is not None and ln.start >= first_pl), len(lines))
    recipients, signer, signer_title, mode = _closing(lines, body_end)
    number, template, date, date_text = head.number, head.template, head.date, head.date_text
    caption = own_caption(text, head.kind, number or template)
    if caption is not None:
        cap_num, cap_sym, cap_date, cap_text = caption
        if number is None and template is None:
            number, template = (f"{cap_num}{cap_sym}", None) if cap_num and cap_sym else (None, cap_sym)
        if cap_date is not None and (date is None or more_specific(date, cap_date)):
            date, date_text = cap_date, date_text or cap_text
    if date is None and (site_date := parse_date(head.site.get("date", ""))) is not None:
        date, date_text = site_date[0], head.site["date"]  # the site's "Ngày ban hành" when the header has none
    adopted = _ADOPTED.search(text) if date is None and "thông qua" in text else None
    if adopted is not None and (parsed := parse_date(adopted.group(1))) is not None:
        date, date_text = parsed[0], adopted.group(1)  # a law or resolution "… thông qua ngày 16 tháng 6 năm 2025"
    prov, district, issuer_name = issuer(head, lines, text)
    on = iso(date) if date else None
    home = province_on(prov, on)  # the places of a document are those of its date: no district level from 1/7/2025
    prov, district = (home.name if home else prov), (district if district_level_on(on) else None)
    year = re.search(r"\bnăm\s+(\d{4})\b", head.title or "")
    meta = DocumentMeta(
        source=source,
        sha256=sha256,
        kind=head.kind,
        number=restore_hyphens(number) if number else None,  # "Số: 123/QĐUBND" is 123/QĐ-UBND
        notation_template=template,
        issuer=issuer_name,
        province=prov,
        district=str(district) if district else None,
        scope=scope_for(prov, district),
        place=head.place,
        date=on,
        date_text=date_text,
        year_covered=int(year.group(1)) if year else None,
        title=head.title,
        signer=signer,
        signer_title=signer_title,
        signing_mode=mode,
        recipients=recipients,
    )
    return meta, tuple(sections)
