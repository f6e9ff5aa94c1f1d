"""The document's own header (the first-page block of NĐ 30/2020 Phụ lục I) → kind, number, place, date, issuer, title.

Input is the normalised text: header tables arrive as tab-separated rows with each cell on one line ("ỦY BAN NHÂN
DÂN TỈNH X⇥CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc", "Số: 552/KH-UBND⇥X, ngày …"), plain text
has one field per line. The block is found by the national motto, so notices a web page prints before it are
skipped; those pages' metadata block ("Số hiệu:", "Loại văn bản:", "Nơi ban hành:", "Ngày ban hành:") is kept as
a fallback for fields the header does not print. The number may sit after "Số:" on the next line or in the
issuer's cell; the title (trích yếu) runs over several lines after the kind ("QUYẾT⏎ĐỊNH", "VỀ⏎VIỆC …") or follows
"V/v" in the number's cell; the issuer is never the motto and, for central bodies, has no province.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from ingest.notation import GENERIC_NOUNS, KIND_NOUNS, PARTY_KINDS, STATE_KINDS
from ingest.orgs import (
    LEVEL_WORDS,
    ORG_HEAD_RE,
    POST_RE,
    case_org,
    central_bodies,
    expand_abbreviations,
    is_central,
    is_upper,
    lexicon,
    org_parts,
    render_org,
)
from ingest.places import District, find_district, province, province_mentions
from ingest.vntext import collapse, match_key


class Line(NamedTuple):  # a tuple, not a frozen dataclass: built for every line of every document
    start: int
    end: int
    text: str

    @property
    def cells(self) -> list[str]:
        return [c.strip() for c in self.text.split("\t")]

    @property
    def stripped(self) -> str:
        return self.text.strip()


# ---------------------------------------------------------------------------------------------------- kinds

DECISION_KINDS = frozenset({"Quyết định", "Chỉ thị", "Nghị quyết"})


def kind_of_line(text: str) -> str | None:
    """The kind when the whole line is a kind heading ("KẾ HOẠCH"); "QUYẾT ĐỊNH:" (enacting formula) is not."""
    stripped = text.strip()
    if len(stripped) > 30 or stripped.endswith(":"):
        return None
    kind = KIND_NOUNS.get(match_key(stripped))
    return kind if kind not in GENERIC_NOUNS else None


def kind_of_symbol(symbol: str) -> str | None:
    """The kind a notation's code names ("/KH-UBND" → Kế hoạch); a code that names none is a công văn."""
    parts = [p for p in symbol.strip("/").split("/") if p and not p.isdigit()]
    if not parts:
        return None
    code = parts[0].split("-")[0]
    return STATE_KINDS.get(code) or PARTY_KINDS.get(code) or "Công văn"


# ---------------------------------------------------------------------------------------------------- dates

_DATE_WORDS = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})", re.IGNORECASE)
_DATE_SLASH = re.compile(r"ngày\s*(\d{1,2})?\s*[/.-]\s*(\d{1,2})?\s*[/.-]\s*(\d{4})", re.IGNORECASE)
_BARE_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")

Date = tuple[int, int | None, int | None]


def parse_date(text: str) -> tuple[Date, str] | None:
    """(year, month, day) with blanks as None, and the matched text."""
    match = _DATE_WORDS.search(text) or _DATE_SLASH.search(text) or _BARE_DATE.match(text.strip())
    if not match:
        return None
    day, month, year = (int(g) if g else None for g in match.groups())
    if year is None or (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        return None
    return (year, month, day if month is not None else None), match.group(0)


def iso(date: Date) -> str:
    year, month, day = date
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def more_specific(base: Date, other: Date) -> bool:
    """`other` agrees with `base` on every printed part and prints more of it."""
    if other[0] != base[0] or any(b is not None and b != o for b, o in zip(base[1:], other[1:], strict=True)):
        return False
    return sum(x is not None for x in other) > sum(x is not None for x in base)


# ---------------------------------------------------------------------------------------------------- header

_MOTTO_WORDS = re.compile(r"cộng h[oò][aà]")  # on lower-cased text: a literal start scans fast, IGNORECASE does not
_MOTTO = re.compile(r"cong hoa xa hoi|doc lap - tu do|^[-_=.\s]+$")
_MOTTO_TEXT = re.compile(r"\s*(?:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM).*$", re.I)
_NUMBER_RE = re.compile(r"(?:^|\s)(?:Luật\s+)?Số\s*[:.]?\s*(\d{1,5}[a-z]?)?\s*(/\s?[^\s,;()]+)")
_PLACE_DATE = re.compile(r"(?:^|\s)([^\W\d_][^,\d\t]{0,40}?)\s*,\s*(ngày\b.*)$", re.IGNORECASE)
_COMMA_DAY = re.compile(r",\s*ngày\b", re.IGNORECASE)  # what _PLACE_DATE needs, found fast (a literal comma first)
_RULE = re.compile(r"[-_=]{3,}")  # "CHÍNH PHỦ-------": the rule under the issuer, glued to it
_CELL_MAX = 400
_BARE_NUMBER_LABEL = re.compile(r"Số\s*[:.]?")
_VV = re.compile(r"(?:^|\s)V/v\b\.?\s*", re.IGNORECASE)
# Lines that end the trích yếu: the preamble, a caption, the first item; the enacting body in capitals.
_TITLE_END = re.compile(
    r"(?:Căn cứ|Kính gửi|Ban hành kèm|Kèm theo|\(Kèm|\(Ban hành)(?!\w)|(?:[IVX]+|\d+)\.\s|Điều\s|Chương\s|PHẦN\s|Phần\s"
)
_CONTINUED = re.compile(r"(?:,|\b(?:CỦA|VỀ|VÀ|CHO|TẠI|THEO|VỚI|THUỘC|TRÊN|ĐỐI VỚI|của|về|và|cho|tại))$")
_ENACTING = re.compile(
    r"(?:CHỦ TỊCH|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|BỘ TRƯỞNG|THỦ TƯỚNG CHÍNH PHỦ|CHÍNH PHỦ$"
    r"|GIÁM ĐỐC|QUỐC HỘI$|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG)"
)
# … and, for a line after the first, the opening words of the preamble's sentences.
_TITLE_NEXT_END = re.compile(r"(?:Thực hiện|Theo|Xét|Trên cơ sở|Để|Nhằm|Trong|Sau khi|Ngày)(?!\w)")
_HEADER_LINES = 40
_TITLE_MAX = 500
_SITE_FIELDS = {
    "so hieu": "number",
    "loai van ban": "kind",
    "noi ban hanh": "issuer",
    "ngay ban hanh": "date",
}


@dataclass(slots=True)
class Header:
    kind: str | None = None
    kind_index: int | None = None
    number: str | None = None
    template: str | None = None
    orgs: list[str] = field(default_factory=list)
    place: str | None = None
    date: Date | None = None
    date_text: str | None = None
    title: str | None = None
    number_row: int | None = None  # the row of `top` that held the number
    enacting: str | None = None
    site: dict[str, str] = field(default_factory=dict)


def read_header(lines: list[Line]) -> Header:
    """The header facts of a document's first lines (see the module docstring)."""
    head = Header()
    begin = _block_start(lines)
    head.site = _site_fields(lines[:begin])
    top = lines[begin : begin + _HEADER_LINES]
    kind_at = _kind_line(top)
    if kind_at is not None:
        head.kind, head.kind_index = kind_at[0], begin + kind_at[1]
    end = kind_at[1] if kind_at is not None else min(len(top), 12)
    orgs: list[str] = []
    org_block = True  # the issuing body is printed in the contiguous block at the top
    for i, line in enumerate(top[: max(end, 1)]):
        for j, cell in enumerate(line.cells):
            if not cell or _read_cell(head, cell, row=i, top=top) or j:
                continue
            if org_block and _is_org_line(cell) and len(orgs) < 3:
                orgs.append(collapse(_RULE.sub(" ", _without_motto(cell))))
            elif org_block and (len(cell) > 60 or not _MOTTO.search(match_key(cell))):
                org_block = False
    head.orgs = _merge_org_lines([p for org in orgs for p in org_parts(org)])
    if kind_at is not None:
        head.title, after = _title_after(lines, begin + kind_at[2])
        if head.kind in DECISION_KINDS and after < len(lines):
            cand = lines[after].stripped
            named = (
                POST_RE.match(cand)
                or ORG_HEAD_RE.match(expand_abbreviations(cand))
                or match_key(cand) in central_bodies()
            )
            if is_upper(cand) and named:
                head.enacting = cand
    if head.kind is None and head.title is not None:
        head.kind = "Công văn"  # "V/v …" under the number: a letter
    if kind_at is None and head.title is None and head.number_row is not None:
        head.title = _title_under_number(top, head.number_row, head.number or head.template or "")
    if head.kind is None and (head.number or head.template):
        head.kind = kind_of_symbol(head.number or head.template or "")
    if head.kind is None and any(line.stripped.startswith("Kính gửi") for line in top):
        head.kind = "Công văn"
    if head.kind is None and head.site.get("kind"):
        head.kind = KIND_NOUNS.get(match_key(head.site["kind"]))
    return head


def _block_start(lines: list[Line]) -> int:
    """Index of the header's first line: the row with the national motto (or the issuer lines just above it)."""
    top = lines[:120]
    motto = _MOTTO_WORDS.search("\n".join(line.text for line in top).lower()) is not None  # on some line at all
    for i, line in enumerate(top):
        if len(line.text) <= 30 and kind_of_line(line.text) is not None:
            return 0  # the kind heading comes first: this header prints no motto (a later one belongs to an annex)
        if motto and _MOTTO_WORDS.search(line.text.lower()):
            if not _MOTTO.search(match_key(line.text)):
                continue
            first = line.cells[0]
            if first and not _MOTTO.search(match_key(first)):
                return i  # issuer ⇥ motto on one row
            k = i
            while k > 0 and i - k < 3 and _is_org_line(lines[k - 1].cells[0]):
                k -= 1
            return k
    return 0


def _site_fields(lines: list[Line]) -> dict[str, str]:
    """The metadata block a legal-document site prints before the document ("Số hiệu: ⇥ 5348/CT-CS")."""
    found: dict[str, str] = {}
    cells = [c for line in lines for c in line.cells if c]
    for k, cell in enumerate(cells):
        label = match_key(cell.split(":", 1)[0].lstrip("# "))
        name = _SITE_FIELDS.get(label)
        if name is None or name in found:
            continue
        value = cell.split(":", 1)[1].strip() if ":" in cell else ""
        if not value and k + 1 < len(cells):
            value = cells[k + 1]
        if value and not value.endswith(":"):
            found[name] = value
    return found


def _kind_line(top: list[Line]) -> tuple[str, int, int] | None:
    """(kind, index, index of the line after it): a kind heading, also split over two lines ("QUYẾT⏎ĐỊNH")."""
    for i, line in enumerate(top):
        if "\t" in line.text:
            continue
        kind = kind_of_line(line.text)
        if kind:
            return kind, i, i + 1
        if i + 1 < len(top) and len(line.stripped) <= 12 and is_upper(line.stripped):
            joined = kind_of_line(f"{line.stripped} {top[i + 1].stripped}")
            if joined:
                return joined, i, i + 2
    return None


def _read_cell(head: Header, cell: str, *, row: int, top: list[Line]) -> bool:
    """Read the number, the place and date, or the "V/v" title from one header cell; whether it held one."""
    if len(cell) > _CELL_MAX:
        return False  # a paragraph of prose, not a header field
    if _BARE_NUMBER_LABEL.fullmatch(cell) and row + 1 < len(top):
        cell = f"Số: {top[row + 1].cells[0]}"  # "Số:" on its own line, the number on the next
    number = _NUMBER_RE.search(cell) if "Số" in cell else None
    if number and head.number is None and head.template is None:
        num, sym = number.group(1), number.group(2).replace(" ", "")
        if sym.endswith("-") and (code := re.match(r"\s+([A-ZĐ][A-ZĐa-zđ&]*)", cell[number.end() :])):
            sym += code.group(1)  # "Số: 3783/QĐ-⏎UBND": the code wrapped onto the next line
        head.number, head.template = (f"{num}{sym}", None) if num else (None, sym)
        head.number_row = row
        vv = _VV.search(cell, number.end())
        if vv:
            head.title = collapse(cell[vv.start() :]).strip(" ./") or None
        before = cell[: number.start()].strip()
        if before and _is_org_line(before):
            return False  # "ỦY BAN … TỈNH X Số: 12/KH-UBND": the issuer's cell holds the number
        cell = cell[number.end() :]  # "Số: 25/2025/NĐ-CP Hà Nội, ngày …": the place and date may follow
        if not _PLACE_DATE.search(cell):
            return True
    place = _PLACE_DATE.search(cell) if head.place is None and _COMMA_DAY.search(cell) else None
    if place and head.place is None and len(place.group(1).split()) <= 7 and place.group(1)[0].isupper():
        date_text = place.group(2)
        if not re.search(r"năm\s*\d{4}|/\d{4}", date_text) and row + 1 < len(top):
            follow = top[row + 1].stripped  # "Sóc Trăng, ngày" / "tháng 01 năm 2024" on separate lines
            if re.match(r"(?:tháng|năm)\b", follow, re.IGNORECASE):
                date_text = f"{date_text} {follow}"
        head.place = collapse(_without_motto(place.group(1)))
        head.date_text = collapse(f"{head.place}, {date_text}")
        parsed = parse_date(date_text)
        head.date = parsed[0] if parsed else None
        return True
    if _VV.match(cell) and head.title is None:
        head.title, _ = _title_after(top, row)  # "V/v …" over several lines
        return True
    return False


def _is_org_line(cell: str) -> bool:
    """An upper-case header line naming the issuing body (not the national motto, not the kind)."""
    text = _without_motto(cell).strip()
    if not text or len(text) > 120 or not is_upper(text) or re.search(r"\d/", text):  # not a notation
        return False
    return not _MOTTO.search(match_key(text)) and kind_of_line(text) is None


def _without_motto(text: str) -> str:
    """The text before the national motto; the slow case-insensitive pattern runs only where "cộng h…" is."""
    return _MOTTO_TEXT.sub("", text) if "cộng h" in text.lower() else text


def _merge_org_lines(orgs: list[str]) -> list[str]:
    """["ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG"] → ["ỦY BAN NHÂN DÂN TỈNH VĨNH LONG"]."""
    merged: list[str] = []
    for org in orgs:
        if merged and (re.match(rf"(?:{LEVEL_WORDS})(?!\w)", org, re.IGNORECASE) or merged[-1].endswith(" NHÂN")):
            merged[-1] = f"{merged[-1]} {org}"
        else:
            merged.append(org)
    return merged


def _is_enacting(text: str, parts: list[str]) -> bool:
    """A line in capitals naming the enacting body ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X"), not a wrapped title line that
    starts with one ("… CỦA⏎CHỦ TỊCH UBND THÀNH PHỐ VỀ VIỆC …", "… SỞ TÀI CHÍNH,⏎ỦY BAN NHÂN DÂN CẤP XÃ")."""
    if not (is_upper(text) and _ENACTING.match(text)) or len(text) > 90:
        return False
    return not (parts and _CONTINUED.search(parts[-1]))


def _title_under_number(top: list[Line], row: int, number: str) -> str | None:
    """A title printed under the number with no kind heading (a page that dropped "THÔNG TƯ"): the lines after the
    number and its place and date, when the preamble ("Căn cứ …") follows them."""
    start = row + 1
    while start < len(top) and (not top[start].stripped or _PLACE_DATE.search(top[start].stripped)):
        start += 1
    title, nxt = _title_after(top, start)
    if title is None or nxt >= len(top) or not _TITLE_END.match(top[nxt].stripped) or len(title) > 300:
        return None
    kind = kind_of_symbol(number)
    if kind and title.startswith(kind.upper()):  # "NGHỊ ĐỊNHQuy định về …", "THÔNG BÁO VỀ …": the kind on the line
        title = title[len(kind) :]
    enacting = _ENACTING.search(title)  # "… MÃ SỐ CỤC TRƯỞNG CỤC HẢI QUAN": the enacting body on the same line
    if enacting and enacting.start() and is_upper(title[enacting.start() :]):
        title = title[: enacting.start()]
    return title.strip(" ./") or None


def _title_after(lines: list[Line], index: int) -> tuple[str | None, int]:
    """The trích yếu: the lines after the kind heading up to the preamble, the enacting body or the first item."""
    parts: list[str] = []
    nxt = index
    while nxt < len(lines) and len(parts) < 6:
        text = lines[nxt].cells[0] if "\t" in lines[nxt].text else lines[nxt].stripped
        if not text or _TITLE_END.match(text) or _is_enacting(text, parts):
            break
        if len(" ".join(parts)) > _TITLE_MAX:
            break
        if parts and (_TITLE_NEXT_END.match(text) or not (is_upper(text) == is_upper(parts[-1]) or text[:1].islower())):
            break  # a title in capitals ends where sentence case begins (and the reverse)
        parts.append(text)
        nxt += 1
    title = collapse(" ".join(parts))
    title = re.split(r"\s*\((?:Kèm|Ban hành kèm) theo", title)[0].strip(" ./")
    if not title or (is_upper(title) and kind_of_line(title)):
        return None, nxt
    return title, nxt


# ---------------------------------------------------------------------------------------------------- issuer

_CAPTION = re.compile(
    r"(?:Kèm|Ban hành kèm)\s+theo\s+(?P<kind>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s+(?:số\s*:?\s*)?"
    r"(?P<num>\d{1,5}[a-z]?)?\s*(?P<sym>/[^\s,;()]+)?\s*(?P<date>ngày[^()]{0,40}?\d{4})",
    re.IGNORECASE,
)
_ISSUER_VERBS = ("ban hành", "yêu cầu", "đề nghị", "chỉ đạo", "thông báo", "báo cáo", "xây dựng")
_ISSUER_VERB = rf"(?:{'|'.join(_ISSUER_VERBS)})(?!\w)"
_ANY_ISSUER_VERB = re.compile("|".join(_ISSUER_VERBS))  # the lines where an issuer's act may be
_ISSUER_BODIES = (
    "Văn phòng|Sở|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Ban|Phòng|Thanh tra|Trung tâm|Chi cục|Cục|Hội đồng nhân dân|HĐND"
)
# "…, Sở Nội vụ ban hành …": a body (or its chairman) at a clause's start, then one of the verbs. Tried only where
# `_ISSUER_ACT_START` (literals: a fast scan) finds a body's first word after a clause break.
_ISSUER_ACT = re.compile(rf"((?:Chủ tịch\s+)?(?:{_ISSUER_BODIES})(?!\w)[^,;.:()\n]{{0,80}}?)\s+{_ISSUER_VERB}")
_ISSUER_ACT_START = re.compile(f"Chủ tịch|{_ISSUER_BODIES}")


_Caption = tuple[str | None, str | None, Date | None, str]  # number, symbol, date, date text


def own_caption(text: str, kind: str | None, symbol: str | None) -> _Caption | None:
    """The appendix caption that refers to this document ("Kèm theo Kế hoạch số /KH-SNV ngày tháng 01 năm 2022")."""
    if kind is None or "kèm" not in text.lower():  # the caption's cue, tested before the slow case-insensitive scan
        return None
    for match in _CAPTION.finditer(text):
        if match_key(match.group("kind")) != match_key(kind):
            continue
        sym = match.group("sym")
        if symbol is not None and sym is not None and not symbol.endswith(sym):
            continue
        parsed = parse_date(match.group("date"))
        return match.group("num"), sym, parsed[0] if parsed else None, collapse(match.group("date"))
    return None


def issuer(head: Header, lines: list[Line], text: str) -> tuple[str | None, District | None, str | None]:
    """(province name, district, issuer) from the header block, else from the prose."""
    orgs = head.orgs or []
    if not orgs and not head.enacting and head.site.get("issuer"):
        orgs = [head.site["issuer"]]  # the site's "Nơi ban hành" when the page prints no header block
    prov = next((p for p in (_province_in(o) for o in orgs) if p), None)
    district = next((d for d in (find_district(o) for o in orgs) if d), None)
    central = bool(orgs) and is_central(orgs[0]) and prov is None
    if central:  # a ministry or the Government signs in Hà Nội: that is no province of the document
        return None, None, _issuer_from_orgs(orgs, None, None)
    if prov is None and province(head.place) is not None:
        prov = province(head.place).name  # type: ignore[union-attr]
    act = _act_in_head(lines[:_HEADER_LINES], text)
    if district is None and not orgs and act is not None:
        district = find_district(act)
    if prov is None:
        prov = next((p for p in (_province_in(t) for t in (act or "", head.title or "")) if p), None)
    if prov is None:
        counts = Counter(p.name for p in province_mentions(text[:30000]))
        prov = counts.most_common(1)[0][0] if counts else None
    issuer: str | None = None
    if head.enacting:
        issuer = render_org(head.enacting, prov, district)
    elif orgs:
        issuer = _issuer_from_orgs(orgs, prov, district)
    elif act is not None:
        issuer = render_org(act, prov, district)
    elif (by_code := _central_by_code(head.number or head.template)) is not None:
        return None, None, by_code  # "Số: 09/2025/NĐ-CP" under no printed issuer: the Government
    return prov, district, issuer


def _act_in_head(head_lines: list[Line], text: str) -> str | None:
    """The first issuer's act ("Sở Nội vụ ban hành …") of the header lines, read only on lines that hold a verb."""
    head_text = text[: head_lines[-1].end] if head_lines else ""
    starts = [line.start for line in head_lines]
    pos = 0
    while (verb := _ANY_ISSUER_VERB.search(head_text, pos)) is not None:
        line = head_lines[bisect.bisect_right(starts, verb.start()) - 1]
        act = _issuer_act(line.text)
        if act is not None:
            return act
        pos = max(line.end, verb.end())
    return None


def _issuer_act(line: str) -> str | None:
    """The body of the first "<body> <verb>" at the line's start or after ",", ";", ":" or "." and spaces."""
    pos = 0
    while (start := _ISSUER_ACT_START.search(line, pos)) is not None:
        at = gap = start.start()
        while gap and line[gap - 1].isspace():
            gap -= 1
        if at == 0 or (0 < gap < at and line[gap - 1] in ",;:."):
            match = _ISSUER_ACT.match(line, at)
            if match:
                return re.sub(r"^Chủ tịch\s+", "", match.group(1))
        pos = at + 1
    return None


_TRAILING_DIGITS = re.compile(r"\d+$")


def _central_by_code(notation: str | None) -> str | None:
    """The central body a notation's issuer code names ("…/NĐ-CP" → Chính phủ, "…/NQ-UBTVQH15" → UBTVQH)."""
    codes: dict[str, str] = lexicon().get("issuer_codes", {})  # type: ignore[assignment]
    last = (notation or "").rsplit("/", 1)[-1].split("-")[-1]
    return codes.get(_TRAILING_DIGITS.sub("", last))


def _province_in(text: str) -> str | None:
    found = next(province_mentions(text), None)
    return found.name if found else None


def _issuer_from_orgs(orgs: list[str], prov: str | None, district: District | None) -> str:
    """["UBND TỈNH SÓC TRĂNG", "VĂN PHÒNG"] → "Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng"."""
    parent = render_org(orgs[0], prov, district)
    if len(orgs) == 1:
        return parent
    own = expand_abbreviations(orgs[-1])
    if re.fullmatch(r"(?:văn phòng|thanh tra)", own, re.IGNORECASE):
        return f"{case_org(own)} {parent}"
    return render_org(own, prov, district)
