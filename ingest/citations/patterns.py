"""The regexes of citation finding, and the lexical reads around a match (kind noun, date, word boundary)."""

from __future__ import annotations

import re

from ingest import notation as nt

_CODE = r"[A-Za-zĐđƯ]{1,15}(?:&[A-ZĐ]{1,4})?\d{0,2}"
_UCODE = r"(?:[A-ZĐƯ]{1,15}|TTg|TTr|CTr|QyĐ|QĐi)\d{0,2}"
_GROUPS = rf"{_CODE}(?:-{_CODE}|[ ]+-[ ]*{_UCODE}|-[ ]+{_UCODE})*"
# Not preceded by a word char, "/", "." or "," (checked in code: faster). "\d\d{0,4}", not "\d{1,5}": a pattern that
# opens with a character class lets the regex engine skip straight to digits (twice as fast over a corpus).
_NUM = r"(?P<num>\d\d{0,4}[a-z]?)"
_NUM_BLOCKERS = frozenset("/.,…")
PARTIAL_KEYS = ("định", "ĐỊNH", "dinh", "NĐ", "ND", "uật", "UẬT")
NOTATION_RE = re.compile(
    rf"{_NUM}(?:"
    rf"[ ]*-[ ]*(?P<pkind>{_CODE})[ ]*/[ ]*(?P<piss>{_CODE}(?:-{_CODE})*)"  # P: 18-NQ/TW
    rf"|[ ]*/[ ]*(?P<year>(?:19|20)\d\d)[ ]*/[ ]*(?P<ncodes>{_GROUPS}(?:/{_GROUPS})?)"  # N: 107/2020/NĐ-CP
    rf"|[ ]*/[ ]*(?P<acodes>{_GROUPS})"  # A: 218/KH-UBND, 3787/BNV-CCHC
    r"|[ ]*/[ ]*(?P<pyear>(?:19|20)\d\d)(?![ ]*/|[.,]\d)"  # partial, kept only after NĐ/Luật: 107/2020
    r")(?!\w)"
)
# Noun-led partials (§1.7 step 2): "NĐ 107/2020", "Luật 80/2015" ride on NOTATION_RE (pyear); the bare
# "Nghị định số 107" is anchored on a literal so the scan stays fast.
BARE_RE = re.compile(r"ịnh[ ]+(?:số|SỐ)[ ]+(?P<num>\d{1,5})(?![\w/.,]|[ ]*/)")
PARTIAL_NOUN_RE = re.compile(
    r"(?P<noun>[Nn]ghị định|NGHỊ ĐỊNH|[Nn]ghi dinh|NĐ|ND|[Bb]ộ luật|Luật|LUẬT)[ ]+(?:(?i:số|so)[ ]*)?$"
)
LAW_RE = re.compile(r"(?:Bộ luật|BỘ LUẬT|Luật|LUẬT)(?=[ ]+\w)")

_DATE = (
    r"(?:(?P<d>\d{1,2})[ ]*(?P<s>[/.-])[ ]*(?P<m>\d{1,2})[ ]*(?P=s)[ ]*(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})[^\S\t]+(?i:tháng|thang)[^\S\t]+(?P<m2>\d{1,2})[^\S\t]+(?i:năm|nam)[^\S\t]+(?P<y2>(?:19|20)\d\d))"
)
DATE_AFTER_RE = re.compile(rf"[ ]*,?[ ]*\(?(?:(?i:ban hành|được ban hành)[ ]+)?(?i:ngày|ngay)[^\S\t]*{_DATE}(?!\d)")
YEAR_AFTER_RE = re.compile(r"[ ]*,?[ ]*(?i:năm|nam)[ ]+(?P<y>(?:19|20)\d\d)(?![\d/])")
ISSUED_ON_RE = re.compile(rf"(?i:ban hành)[ ]+(?:(?i:vào)[ ]+)?(?i:ngày)[^\S\t]*{_DATE}(?!\d)")
ISSUED_BEFORE_RE = re.compile(rf"(?i:ban hành)[ ]+(?i:ngày)[^\S\t]*{_DATE}[ ]+(?i:tại)[ ]*$")
SELF_RE = re.compile(r"[\s*#|_]*(?i:số|so)[ ]*:?[ ]*")
_NOUN_RE = re.compile(
    r"(?:^|[^a-z0-9])(?P<noun>"
    + "|".join(sorted((re.escape(k) for k in nt.KIND_NOUNS), key=len, reverse=True))
    + r")[ ]*(?:so[ ]*:?)?[ ]*$"
)
_ABBREV_RE = re.compile(r"(?:^|[^\w])(?P<noun>" + "|".join(nt.ABBREV_NOUNS) + r")[ ]+(?:(?i:số)[ ]*)?$")
QH_NOUN_RE = re.compile(
    r"(?<!\w)(?P<noun>Bộ luật|Luật|Nghị quyết|Pháp lệnh|Hiến pháp)(?P<name>[^;\t\n/\d]{0,90}?)[ ]*$"
)
ISSUER_PHRASE_RE = re.compile(r"[ ,]*(?:(?i:của|do)[ ]+)(?P<phrase>[^,;\t\n]{1,90})")
PLACE_RE = re.compile(
    r"(?<!\w)(?P<level>(?i:tỉnh|thành phố|tp\.?|thị xã|huyện|quận))"
    r"(?:[ ]+(?P<name>(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\w]*[ ]?){1,4}))?"
)
PARTY_PLACE_RE = re.compile(r"(?<!\w)(?:Tỉnh ủy|Thành ủy|Tỉnh uỷ|Thành uỷ)[ ]+(?P<name>(?:[A-ZĐ][\w]*[ ]?){1,4})")
CLAUSE_BREAK_RE = re.compile(r"[\n\t;]|\.[ ](?=[A-ZĐ])")
RELATION_BREAK_RE = re.compile(r"[\n\t]|\.[ ](?=[A-ZĐ])")  # "theo A; B" keeps one governing cue
CENTRAL_CITIES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"})
LEVEL_PREFIX = {"thị xã": "tx", "huyện": "h", "quận": "q", "thành phố": "tp"}


def iso_date(m: re.Match[str]) -> str | None:
    d, mo, y = (
        (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"), m.group("y2"))
    )
    day, month = int(d), int(mo)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{y}-{month:02d}-{day:02d}"


def split_codes(raw: str) -> list[str]:
    return [c for c in re.split(r"[ ]*[-/][ ]*", raw.strip()) if c]


def noun_before(text: str, pos: int, floor: int) -> tuple[str | None, int]:
    """Kind noun written right before a number ("Nghị định số", "QĐ", "Chương trình hành động số")."""
    left = text[max(floor, pos - 64) : pos]
    m = _ABBREV_RE.search(left)
    if m:
        return nt.ABBREV_NOUNS[m.group("noun")], pos - len(left) + m.start("noun")
    folded = nt.fast_fold(left)
    if len(folded) != len(left):
        return None, pos
    m = _NOUN_RE.search(folded)
    if m:
        return nt.KIND_NOUNS[m.group("noun")], pos - len(left) + m.start("noun")
    return None, pos


def line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\t", 0, pos)) + 1


def is_free(text: str, pos: int) -> bool:
    """The match does not continue a word, a number or a path ("a1/KH-X", "1.06.02", "…/KH-UBND")."""
    if pos == 0:
        return True
    prev = text[pos - 1]
    return not (prev.isalnum() or prev == "_" or prev in _NUM_BLOCKERS)


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
