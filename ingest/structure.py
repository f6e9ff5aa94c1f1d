"""Document header facts (`DocumentMeta`) and the section tree (`Section`s) from normalised text.

Input is the text of `ingest.normalize` (one paragraph per line, table cells separated by tabs). Real documents
arrive with or without their first-page header block, so every header fact has a fallback read from the prose
("Sở Nội vụ ban hành Kế hoạch …", "(Kèm theo Quyết định số /QĐ-UBND ngày tháng 12 năm 2022 …)").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from ingest.areas import area_of, leading_area
from ingest.notation import GENERIC_NOUNS, KIND_NOUNS, PARTY_KINDS, STATE_KINDS
from ingest.places import District, find_district, province, province_mentions, scope_for
from ingest.records import DocumentMeta, Section
from ingest.vntext import collapse, match_key, new_tones

# ---------------------------------------------------------------------------------------------------- lines


class _Line(NamedTuple):  # a tuple, not a frozen dataclass: built for every line of every document
    start: int
    end: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split("\t")]

    @property
    def stripped(self) -> str:
        return self.text.strip()


_LINE_RE = re.compile(r"[^\n]+")


def _lines(text: str) -> list[_Line]:
    return [_Line(m.start(), m.end(), m.group()) for m in _LINE_RE.finditer(text) if m.group().strip()]


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


# ---------------------------------------------------------------------------------------------------- kinds

_DECISION_KINDS = {"Quyết định", "Chỉ thị", "Nghị quyết"}


def _kind_of_line(text: str) -> str | None:
    """The kind when the whole line is a kind heading ("KẾ HOẠCH"); "QUYẾT ĐỊNH:" (enacting formula) is not."""
    stripped = text.strip()
    if len(stripped) > 30 or stripped.endswith(":"):
        return None
    kind = KIND_NOUNS.get(match_key(stripped))
    return kind if kind not in GENERIC_NOUNS else None


def _kind_of_symbol(symbol: str) -> str | None:
    parts = [p for p in symbol.strip("/").split("/") if p and not p.isdigit()]
    if not parts:
        return None
    code = parts[0].split("-")[0]
    return STATE_KINDS.get(code) or PARTY_KINDS.get(code) or "Công văn"


# ---------------------------------------------------------------------------------------------------- dates

_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", re.IGNORECASE)
_DATE_SLASH = re.compile(r"ngày\s*(\d{1,2})?\s*[/.-]\s*(\d{1,2})?\s*[/.-]\s*(\d{4})", re.IGNORECASE)

_Date = tuple[int, int | None, int | None]


def _parse_date(text: str) -> tuple[_Date, str] | None:
    """(year, month, day) with blanks as None, and the matched text."""
    match = _DATE_WORDS.search(text) or _DATE_SLASH.search(text)
    if not match:
        return None
    day, month, year = (int(g) if g else None for g in match.groups())
    if year is None or (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    return (year, month, day if month is not None else None), match.group(0)


def _iso(date: _Date) -> str:
    year, month, day = date
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _more_specific(base: _Date, other: _Date) -> bool:
    """`other` agrees with `base` on every printed part and prints more of it."""
    if other[0] != base[0] or any(b is not None and b != o for b, o in zip(base[1:], other[1:], strict=True)):
        return False
    return sum(x is not None for x in other) > sum(x is not None for x in base)


# ---------------------------------------------------------------------------------------------------- orgs

_LEVEL_WORDS = r"tỉnh|thành phố|huyện|thị xã|quận|tp\.?|tx\.?"
_ABBREVIATIONS = (
    (re.compile(r"(?<![\w-])UBND(?![\w-])", re.IGNORECASE), "Ủy ban nhân dân"),
    (re.compile(r"(?<![\w-])HĐND(?![\w-])", re.IGNORECASE), "Hội đồng nhân dân"),
    (re.compile(r"(?<![\w-])VP\.?(?=\s)"), "Văn phòng"),
)


def _words(phrase: str) -> str:
    """Regex for a phrase whose words may be separated by any run of spaces (PDF text)."""
    return r"\s+".join(re.escape(w) for w in phrase.split())


# Head words of organisation names: the word after them starts with a capital ("Sở Nội vụ", "Ban Quản lý …").
_ORG_HEADS = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Văn phòng", "Chi cục", "Tổng cục", "Cục", "Sở", "Phòng", "Ban",
    "Trung tâm", "Thanh tra", "Bộ", "Viện", "Đài", "Báo", "Trường", "Bệnh viện", "Tỉnh ủy", "Huyện ủy", "Thị ủy",
)  # fmt: skip
_ORG_HEAD_RE = re.compile(r"^(?:" + "|".join(_words(h) for h in _ORG_HEADS) + r")(?!\w)", re.IGNORECASE)
_POSTS = (
    "Chủ tịch", "Giám đốc", "Tổng Giám đốc", "Chánh Văn phòng", "Chánh Thanh tra", "Trưởng phòng", "Trưởng ban",
    "Trưởng đoàn", "Bộ trưởng", "Thứ trưởng", "Thủ tướng", "Cục trưởng", "Chi cục trưởng", "Tổng cục trưởng",
    "Viện trưởng", "Hiệu trưởng", "Chánh án", "Bí thư", "Chủ nhiệm", "Thủ trưởng", "Trưởng khoa",
)  # fmt: skip
_POST_BY_KEY = {match_key(p): p for p in _POSTS}
_POST_RE = re.compile(r"(?:phó\s+)?(?:" + "|".join(_words(p) for p in _POSTS) + r")(?!\w)", re.IGNORECASE)


@cache
def _sector_names() -> dict[str, str]:
    """Proper-case department names ("Kế hoạch và Đầu tư") keyed by match key, from the shared unit lexicon."""
    data = json.loads(resources.files("ingest").joinpath("data/units.json").read_text(encoding="utf-8"))
    return {match_key(s): s for s in data.get("sectors", [])}


def _expand(text: str) -> str:
    text = new_tones(text)
    for pattern, full in _ABBREVIATIONS:
        text = pattern.sub(full, text)
    return collapse(text)


def _render_post(text: str) -> str:
    """`PHÓ CHỦ TỊCH` → `Phó Chủ tịch`, `CHÁNH VĂN PHÒNG` → `Chánh Văn phòng`."""
    key = match_key(text)
    deputy = key.startswith("pho ")
    base = _POST_BY_KEY.get(key[4:] if deputy else key)
    if base is None:
        lowered = collapse(text).lower()
        return lowered[:1].upper() + lowered[1:]
    return f"Phó {base}" if deputy else base


def _render_org(text: str, prov: str | None = None, district: District | None = None) -> str:
    """Canonical casing of an organisation name, with its place completed.

    `ỦY BAN NHÂN DÂN TỈNH` + Sóc Trăng → `Ủy ban nhân dân tỉnh Sóc Trăng`; `SỞ NỘI VỤ` → `Sở Nội vụ tỉnh …`;
    `Văn phòng UBND tỉnh` → `Văn phòng Ủy ban nhân dân tỉnh …`.
    """
    text = _expand(text).strip(" ,.;:")
    level = re.search(rf"(?<!\w)({_LEVEL_WORDS})(?:\s+(.*))?$", text, re.IGNORECASE)
    body, place = (text[: level.start()].strip(), level) if level else (text, None)
    rendered = _case_org(body)
    if place is not None:
        word = place.group(1).lower()
        word = {"tp": "thành phố", "tp.": "thành phố", "tx": "thị xã", "tx.": "thị xã"}.get(word, word)
        name = place.group(2) or ""
        if word == "tỉnh" or (word == "thành phố" and province(name) is not None):
            found = province(name) or province(prov)
            return f"{rendered} {word} {found.name}" if found else f"{rendered} {word} {name}".strip()
        if name:
            return f"{rendered} {word} {' '.join(w.capitalize() for w in name.split()) if _is_upper(name) else name}"
        if district is not None and district.kind == word:
            return f"{rendered} {district}"
        return f"{rendered} {word}"
    if district is not None:
        return f"{rendered} {district}"
    found = province(prov)
    return f"{rendered} tỉnh {found.name}" if found and not found.city else rendered


def _case_org(text: str) -> str:
    """Sentence case with capitals after org head words and post titles ("Chủ tịch Ủy ban nhân dân")."""
    out: list[str] = []
    rest = collapse(text)
    while rest:
        post = _POST_RE.match(rest)
        if post:
            out.append(_render_post(post.group(0)))
            rest = rest[post.end() :].strip()
            continue
        head = _ORG_HEAD_RE.match(rest)
        if not head:
            out.append(rest if not _is_upper(rest) else rest.lower())
            break
        canonical = next(h for h in _ORG_HEADS if match_key(h) == match_key(head.group(0)))
        out.append(canonical)
        rest = rest[head.end() :].strip()
        if rest and not _ORG_HEAD_RE.match(rest) and not _POST_RE.match(rest):
            sector = _sector_names().get(match_key(rest))
            if sector is None:
                lowered = rest.lower() if _is_upper(rest) else rest
                sector = lowered[:1].upper() + lowered[1:]
            out.append(sector)
            break
    return " ".join(out)


# ---------------------------------------------------------------------------------------------------- header

_MOTTO = re.compile(r"cong hoa xa hoi|doc lap|^[-_=.\s]+$")
_NUMBER_RE = re.compile(r"^Số\s*[:.]?\s*(\d{1,5}[a-z]?)?\s*(/[^\s,;()]+)")
_PLACE_DATE = re.compile(r"^([^\W\d_][^,\d\t]{0,40}?)\s*,\s*(ngày\b.*)$", re.IGNORECASE)
_CAPTION = re.compile(
    r"(?:Kèm|Ban hành kèm)\s+theo\s+(?P<kind>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s+(?:số\s*:?\s*)?"
    r"(?P<num>\d{1,5}[a-z]?)?\s*(?P<sym>/[^\s,;()]+)?\s*(?P<date>ngày[^()]{0,40}?\d{4})",
    re.IGNORECASE,
)
_ISSUER_VERB = r"(?:ban hành|yêu cầu|đề nghị|chỉ đạo|thông báo|báo cáo|xây dựng)(?!\w)"
_ISSUER_ACT = re.compile(
    r"(?:^|[,;:]\s+|\.\s+)((?:Chủ tịch\s+)?(?:Văn phòng|Sở|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Ban|Phòng|Thanh tra"
    rf"|Trung tâm|Chi cục|Cục|Hội đồng nhân dân|HĐND)(?!\w)[^,;.:()\n]{{0,80}}?)\s+{_ISSUER_VERB}"
)
_HAS_ISSUER_VERB = re.compile(_ISSUER_VERB)  # cheap test before _ISSUER_ACT, which has no fast start
_SIGN_MODE = re.compile(r"^(KT|TM|TL|TUQ|Q)\s*\.\s*(.*)$")
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*$")
_ITEM = re.compile(r"^[-+•·∙]\s*")
_NOI_NHAN = re.compile(r"Nơi nhận\b", re.I)
_VV = re.compile(r"V/v\b", re.IGNORECASE)
_HEADER_LINES = 40


@dataclass(slots=True)
class _Header:
    kind: str | None = None
    kind_index: int | None = None
    number: str | None = None
    template: str | None = None
    orgs: list[str] | None = None
    place: str | None = None
    date: _Date | None = None
    date_text: str | None = None
    title: str | None = None
    enacting: str | None = None


def _read_header(lines: list[_Line]) -> _Header:
    head = _Header()
    top = lines[:_HEADER_LINES]
    for i, line in enumerate(top):
        kind = _kind_of_line(line.text)
        if kind:
            head.kind, head.kind_index = kind, i
            break
    end = head.kind_index if head.kind_index is not None else min(len(top), 12)
    orgs: list[str] = []
    org_block = True  # the issuing body is printed in the contiguous block at the top
    for i, line in enumerate(top):
        for j, cell in enumerate(line.cells):
            if not cell:
                continue
            number = _NUMBER_RE.match(cell)
            if number and head.number is None and head.template is None:
                num, sym = number.groups()
                head.number, head.template = (f"{num}{sym}", None) if num else (None, sym)
                continue
            place = _PLACE_DATE.match(cell)
            if place and head.place is None and len(place.group(1).split()) <= 5 and place.group(1)[0].isupper():
                date_text = place.group(2)
                for follow in top[i + 1 : i + 3]:  # "Sóc Trăng, ngày" / "tháng 01 năm 2024" on separate lines
                    if re.search(r"năm\s*\d{4}|/\d{4}", date_text):
                        break
                    if re.match(r"(?:tháng|năm)\b", follow.stripped, re.IGNORECASE):
                        date_text = f"{date_text} {follow.stripped}"
                head.place = collapse(place.group(1))
                head.date_text = collapse(f"{place.group(1)}, {date_text}")
                parsed = _parse_date(date_text)
                head.date = parsed[0] if parsed else None
                continue
            if j == 0:
                if org_block and i < end and _is_org_line(cell):
                    orgs.append(cell)
                elif len(cell) > 60 or not _MOTTO.search(match_key(cell)):
                    org_block = False
    head.orgs = _merge_org_lines(orgs)
    if head.kind_index is not None:
        head.title, after = _title_after(lines, head.kind_index + 1)
        if head.kind in _DECISION_KINDS and after < len(lines):
            cand = lines[after].stripped
            if _is_upper(cand) and (_POST_RE.match(cand) or _ORG_HEAD_RE.match(_expand(cand))):
                head.enacting = cand
    else:
        for i, line in enumerate(top):
            first = line.cells[0] or line.stripped
            if _VV.match(first):
                head.title, _ = _title_after(lines, i, first_text=first)
                head.kind = "Công văn"
                break
    if head.kind is None and (head.number or head.template):
        head.kind = _kind_of_symbol(head.number or head.template or "")
    if head.kind is None and any(line.stripped.startswith("Kính gửi") for line in top):
        head.kind = "Công văn"
    return head


def _is_org_line(cell: str) -> bool:
    """An upper-case header line naming the issuing body (not the national motto, not the kind)."""
    return len(cell) <= 90 and _is_upper(cell) and not _MOTTO.search(match_key(cell)) and _kind_of_line(cell) is None


def _merge_org_lines(orgs: list[str]) -> list[str]:
    """["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"] → ["ỦY BAN NHÂN DÂN TỈNH VĨNH LONG"]."""
    merged: list[str] = []
    for org in orgs:
        if merged and re.match(rf"(?:{_LEVEL_WORDS})(?!\w)", org, re.IGNORECASE):
            merged[-1] = f"{merged[-1]} {org}"
        else:
            merged.append(org)
    return merged


def _title_after(lines: list[_Line], index: int, *, first_text: str | None = None) -> tuple[str | None, int]:
    """The trích yếu: the line after the kind heading, plus lines that continue it (lower-case start)."""
    if index >= len(lines):
        return None, index
    parts = [first_text if first_text is not None else lines[index].stripped]
    if "\t" in lines[index].text and first_text is None:
        parts = [lines[index].cells[0]]
    nxt = index + 1
    while nxt < len(lines) and lines[nxt].stripped[:1].islower() and "\t" not in lines[nxt].text:
        parts.append(lines[nxt].stripped)
        nxt += 1
    title = collapse(" ".join(parts))
    title = re.split(r"\s*\((?:Kèm|Ban hành kèm) theo", title)[0].strip(" ./")
    if not title or (_is_upper(title) and _kind_of_line(title)):
        return None, nxt
    return title, nxt


# ---------------------------------------------------------------------------------------------------- signature


def _closing(lines: list[_Line], body_end: int) -> tuple[tuple[str, ...], str | None, str | None, str | None]:
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


def _signature(window: list[_Line]) -> tuple[str | None, str | None, str | None]:
    mode: str | None = None
    title: str | None = None
    seen_block = False
    for line in window:
        for cell in line.cells:
            cell = cell.strip(" *")
            if not cell or _ITEM.match(cell) or _NOI_NHAN.match(cell):
                continue
            sign = _SIGN_MODE.match(cell)
            if sign and _is_upper(sign.group(2) or "X"):
                mode, seen_block = f"{sign.group(1)}.", True
                posts = list(_POST_RE.finditer(sign.group(2)))
                if len(posts) >= 2 or (mode == "TM." and posts and posts[-1].start() > 0):
                    title = _render_post(posts[-1].group(0))
                continue
            post = _POST_RE.fullmatch(cell)
            if post and _is_upper(cell):
                title, seen_block = _render_post(cell), True
                continue
            if seen_block and _is_name(cell):
                name = " ".join(w.capitalize() for w in cell.split()) if _is_upper(cell) else collapse(cell)
                return name, title, mode
    return None, title, mode


def _is_name(cell: str) -> bool:
    words = cell.split()
    if not 2 <= len(words) <= 6 or _POST_RE.search(cell) or _ORG_HEAD_RE.match(cell):
        return False
    if _is_upper(cell):
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


def _heading_marker(text: str) -> tuple[str, str, int, str] | None:
    """(kind, label, rank, rest-of-line) when the line opens a section."""
    pl = _PL_RE.match(text)
    if pl and len(text) < 250 and not text[pl.end() : pl.end() + 1].islower():
        return "pl", pl.group(1) or "", 0, text[pl.end() :]
    for kind, pattern, rank in (("dieu", _DIEU_RE, 1), ("roman", _ROMAN_RE, 1), ("letter", _LETTER_RE, 6)):
        match = pattern.match(text)
        if match and (kind != "roman" or _roman(match.group(1))):
            return kind, match.group(1), rank, text[match.end() :]
    arabic = _ARABIC_RE.match(text)
    if arabic:
        label = arabic.group(1)
        return "arabic", label, 1 + label.count(".") + 1, text[arabic.end() :]
    return None


_HEADING_CUT = re.compile(r":|;|\.(?:\s|$)")
_NON_SPACE_WS = re.compile(r"[^\S ]")


def _trim_heading(rest: str) -> tuple[str, str | None]:
    """Heading text (the part before ':' / end of first sentence, ≤ 150 chars) and its reform area."""
    if "  " in rest or rest[:1] == " " or rest[-1:] == " " or _NON_SPACE_WS.search(rest):
        rest = collapse(rest)  # only when it changes something: most heading lines are already single-spaced
    area = area_of(rest)
    if area is None:
        lead = leading_area(rest)
        if lead is not None:
            return lead[1], lead[0]
    whole = rest.rstrip(" .;")
    if len(whole) <= 150 and ":" not in whole:
        heading = whole
    else:
        cut_at = _HEADING_CUT.search(rest)
        heading = rest[: cut_at.start()] if cut_at else rest
    if len(heading) > 150:
        heading = heading[:150].rsplit(" ", 1)[0]
    return heading.strip(" .,-"), area


def _sections(lines: list[_Line], text_len: int) -> list[Section]:
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
    head = _read_header(lines)
    first_pl = next((s.start for s in sections if s.path.startswith("PL") and s.level == 1), None)
    body_end = next((i for i, ln in enumerate(lines) if first_pl is not None and ln.start >= first_pl), len(lines))
    recipients, signer, signer_title, mode = _closing(lines, body_end)
    number, template, date, date_text = head.number, head.template, head.date, head.date_text
    caption = _own_caption(text, head.kind, number or template)
    if caption is not None:
        cap_num, cap_sym, cap_date, cap_text = caption
        if number is None and template is None:
            number, template = (f"{cap_num}{cap_sym}", None) if cap_num and cap_sym else (None, cap_sym)
        if cap_date is not None and (date is None or _more_specific(date, cap_date)):
            date, date_text = cap_date, date_text or cap_text
    prov, district, issuer = _issuer(head, lines, text)
    year = re.search(r"\bnăm\s+(\d{4})\b", head.title or "")
    meta = DocumentMeta(
        source=source,
        sha256=sha256,
        kind=head.kind,
        number=number,
        notation_template=template,
        issuer=issuer,
        province=prov,
        district=str(district) if district else None,
        scope=scope_for(prov, district),
        place=head.place,
        date=_iso(date) if date else None,
        date_text=date_text,
        year_covered=int(year.group(1)) if year else None,
        title=head.title,
        signer=signer,
        signer_title=signer_title,
        signing_mode=mode,
        recipients=recipients,
    )
    return meta, tuple(sections)


_Caption = tuple[str | None, str | None, _Date | None, str]  # number, symbol, date, date text


def _own_caption(text: str, kind: str | None, symbol: str | None) -> _Caption | None:
    """The appendix caption that refers to this document ("Kèm theo Kế hoạch số /KH-SNV ngày tháng 01 năm 2022")."""
    if kind is None:
        return None
    for match in _CAPTION.finditer(text):
        if match_key(match.group("kind")) != match_key(kind):
            continue
        sym = match.group("sym")
        if symbol is not None and sym is not None and not symbol.endswith(sym):
            continue
        parsed = _parse_date(match.group("date"))
        return match.group("num"), sym, parsed[0] if parsed else None, collapse(match.group("date"))
    return None


def _issuer(head: _Header, lines: list[_Line], text: str) -> tuple[str | None, District | None, str | None]:
    """(province name, district, issuer) from the header block, else from the prose."""
    orgs = head.orgs or []
    prov = next((p for p in (_province_in(o) for o in orgs) if p), None)
    district = next((d for d in (find_district(o) for o in orgs) if d), None)
    if prov is None and province(head.place) is not None:
        prov = province(head.place).name  # type: ignore[union-attr]
    act = None
    for line in lines[:_HEADER_LINES]:
        match = _ISSUER_ACT.search(line.text) if _HAS_ISSUER_VERB.search(line.text) else None
        if match:
            act = re.sub(r"^Chủ tịch\s+", "", match.group(1))
            break
    if district is None and not orgs and act is not None:
        district = find_district(act)
    if prov is None:
        prov = next((p for p in (_province_in(t) for t in (act or "", head.title or "")) if p), None)
    if prov is None:
        counts = Counter(p.name for p in province_mentions(text[:30000]))
        prov = counts.most_common(1)[0][0] if counts else None
    issuer: str | None = None
    if head.enacting:
        issuer = _render_org(head.enacting, prov, district)
    elif orgs:
        issuer = _issuer_from_orgs(orgs, prov, district)
    elif act is not None:
        issuer = _render_org(act, prov, district)
    return prov, district, issuer


def _province_in(text: str) -> str | None:
    found = next(province_mentions(text), None)
    return found.name if found else None


def _issuer_from_orgs(orgs: list[str], prov: str | None, district: District | None) -> str:
    """["UBND TỈNH SÓC TRĂNG", "VĂN PHÒNG"] → "Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng"."""
    parent = _render_org(orgs[0], prov, district)
    if len(orgs) == 1:
        return parent
    own = _expand(orgs[-1])
    if re.fullmatch(r"(?:văn phòng|thanh tra)", own, re.IGNORECASE):
        return f"{_case_org(own)} {parent}"
    return _render_org(own, prov, district)
