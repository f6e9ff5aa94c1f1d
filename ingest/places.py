"""Province / district gazetteer and CID scope strings (spec legal-identifiers §1.6, §4.1).

A scope names the unit *as it existed on the document date*: `vn.soc-trang` stays `vn.soc-trang` after
Sóc Trăng merged into Cần Thơ on 1/7/2025 (the merger is recorded in `Province.merged_into`, never applied).

Public API (kept small, other extractors import it):
- `PROVINCES`: the 63 pre-2025 provinces plus the post-2025 names (34 units from 1/7/2025).
- `province(name)` / `province_slug(name)`: look a name up ("Sóc Trăng", "tỉnh Sóc Trăng", "TP.HCM", "Đăk Lăk").
- `province_mentions(text)` / `find_province(text)`: *qualified* mentions ("tỉnh Sóc Trăng", "UBND TỈNH SÓC TRĂNG").
- `find_district(text)`: first district-level mention ("thị xã Ngã Năm", "HUYỆN CHÂU THÀNH") as a `District`.
- `district_slug(district)`, `scope_for(province, district)`: CID scope strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ingest.vntext import collapse, match_key, new_tones, slug

UNKNOWN_SCOPE = "vn._"


@dataclass(frozen=True, slots=True)
class Province:
    name: str  # "Sóc Trăng" (without "tỉnh"/"thành phố")
    slug: str  # "soc-trang"
    city: bool  # thành phố trực thuộc trung ương
    current: bool  # exists as a province-level unit after 1/7/2025
    merged_into: str | None = None  # slug of the unit it became part of on 1/7/2025 (Nghị quyết 202/2025/QH15)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class District:
    """A district-level unit as written: kind ("thị xã") and name ("Ngã Năm")."""

    kind: str  # "huyện", "thị xã", "thành phố", "quận"
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def slug(self) -> str:
        return f"{DISTRICT_PREFIXES[self.kind]}-{slug(self.name)}"


# Slug prefixes of second-level units (spec §1.6); only district-level kinds are searched for.
DISTRICT_PREFIXES = {"huyện": "h", "thị xã": "tx", "thành phố": "tp", "quận": "q"}


def _p(name: str, *aliases: str, city: bool = False, into: str | None = None, current: bool = True) -> Province:
    return Province(name, slug(name), city, current and into is None, into, aliases)


PROVINCES: tuple[Province, ...] = (
    # Centrally-run cities (pre-2025: 5; Huế became the 6th in 2025).
    _p("Hà Nội", city=True),
    _p("Hồ Chí Minh", "TP.HCM", "TPHCM", "TP HCM", "HCM", "Sài Gòn", city=True),
    _p("Hải Phòng", city=True),
    _p("Đà Nẵng", city=True),
    _p("Cần Thơ", city=True),
    _p("Huế", city=True),
    # Provinces that continue after 1/7/2025 (possibly enlarged).
    _p("Cao Bằng"), _p("Lai Châu"), _p("Điện Biên"), _p("Lạng Sơn"), _p("Sơn La"), _p("Quảng Ninh"),
    _p("Thanh Hóa"), _p("Nghệ An"), _p("Hà Tĩnh"), _p("Tuyên Quang"), _p("Lào Cai"), _p("Thái Nguyên"),
    _p("Phú Thọ"), _p("Bắc Ninh"), _p("Hưng Yên"), _p("Ninh Bình"), _p("Quảng Trị"), _p("Quảng Ngãi"),
    _p("Gia Lai"), _p("Khánh Hòa"), _p("Lâm Đồng"), _p("Đắk Lắk", "Đăk Lăk", "Đắc Lắc", "Đắk Lăk", "Daklak", "Dak Lak"),
    _p("Đồng Nai"), _p("Tây Ninh"), _p("Vĩnh Long"), _p("Đồng Tháp"), _p("Cà Mau"), _p("An Giang"),
    # Provinces merged on 1/7/2025 (scope kept as printed).
    _p("Hà Giang", into="tuyen-quang"), _p("Yên Bái", into="lao-cai"), _p("Bắc Kạn", "Bắc Cạn", into="thai-nguyen"),
    _p("Vĩnh Phúc", into="phu-tho"), _p("Hòa Bình", into="phu-tho"), _p("Bắc Giang", into="bac-ninh"),
    _p("Thái Bình", into="hung-yen"), _p("Hải Dương", into="hai-phong"), _p("Hà Nam", into="ninh-binh"),
    _p("Nam Định", into="ninh-binh"), _p("Quảng Bình", into="quang-tri"),
    _p("Thừa Thiên Huế", "Thừa Thiên - Huế", "Thừa Thiên-Huế", into="hue"), _p("Quảng Nam", into="da-nang"),
    _p("Kon Tum", "Kontum", into="quang-ngai"), _p("Bình Định", into="gia-lai"), _p("Ninh Thuận", into="khanh-hoa"),
    _p("Đắk Nông", "Đăk Nông", "Đắc Nông", into="lam-dong"), _p("Bình Thuận", into="lam-dong"),
    _p("Phú Yên", into="dak-lak"), _p("Bình Dương", into="ho-chi-minh"),
    _p("Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu", "Bà Rịa – Vũng Tàu", "BR-VT", into="ho-chi-minh"),
    _p("Bình Phước", into="dong-nai"), _p("Long An", into="tay-ninh"), _p("Sóc Trăng", into="can-tho"),
    _p("Hậu Giang", into="can-tho"), _p("Bến Tre", into="vinh-long"), _p("Trà Vinh", into="vinh-long"),
    _p("Tiền Giang", into="dong-thap"), _p("Bạc Liêu", into="ca-mau"), _p("Kiên Giang", into="an-giang"),
)  # fmt: skip

_BY_SLUG = {p.slug: p for p in PROVINCES}
_BY_KEY = {match_key(n): p for p in PROVINCES for n in (p.name, *p.aliases)}
# Leading qualifiers dropped before a name lookup ("tỉnh", "thành phố", "TP.", "UBND tỉnh").
_QUALIFIER = re.compile(r"^(?:(?:ủy ban nhân dân|ubnd|hđnd)\s+)?(?:tỉnh|thành phố|tp\.?)\s*", re.IGNORECASE)


def province(name: str | None) -> Province | None:
    """The province a name or slug denotes ("Sóc Trăng", "tỉnh Sóc Trăng", "soc-trang", "TP.HCM"), else None."""
    if not name:
        return None
    text = collapse(new_tones(name)).strip(" ,.;:")
    if text in _BY_SLUG:
        return _BY_SLUG[text]
    found = _BY_KEY.get(match_key(text))
    return found if found is not None else _BY_KEY.get(match_key(_QUALIFIER.sub("", text)))


def province_slug(name: str | None) -> str | None:
    """`"Sóc Trăng"` → `"soc-trang"`; None when the name is not a province."""
    found = province(name)
    return found.slug if found else None


_QUALIFIERS = ("tỉnh", "thành phố", "tp")  # what _province_mention_re needs (lower case; new_tones leaves them)


@cache
def _province_mention_re() -> re.Pattern[str]:
    names = sorted({new_tones(n).lower() for p in PROVINCES for n in (p.name, *p.aliases)}, key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    # Literal "t" first (not a look-behind) so the engine can skip to candidate positions.
    return re.compile(rf"t(?<!\wt)(?:ỉnh|hành phố|p\.?)\s*({alt})(?!\w)")


def province_mentions(text: str) -> Iterator[Province]:
    """Provinces named with their qualifier ("tỉnh Sóc Trăng", "THÀNH PHỐ CẦN THƠ", "TP.HCM"), in text order.

    Bare names are not searched: "Long An", "Hà Nam" … also occur as ordinary words or person names.
    """
    lowered = text.lower()
    if not any(qualifier in lowered for qualifier in _QUALIFIERS):
        return  # most texts name no province: spare them new_tones and the scan
    for match in _province_mention_re().finditer(new_tones(text).lower()):
        found = province(match.group(1))
        if found is not None:
            yield found


def find_province(text: str) -> Province | None:
    """First qualified province mention (see `province_mentions`)."""
    return next(province_mentions(text), None)


_DISTRICT_RE = re.compile(r"(?<!\w)(?i:huyện|thị xã|thành phố|quận|tx\.|tp\.)[ \t]*((?:[^\W\d_]+[ \t]*){1,5})")
_DISTRICT_ABBR = {"tx.": "thị xã", "tp.": "thành phố"}


def find_district(text: str) -> District | None:
    """First district-level unit named with its kind ("thị xã Ngã Năm"), capitalised name required.

    "các huyện, thị xã, thành phố" (generic) does not match; "thành phố Cần Thơ" (a province-level city) is skipped.
    """
    for match in _DISTRICT_RE.finditer(text):
        kind_text = match.group(0)[: match.start(1) - match.start(0)].strip().lower()
        kind = _DISTRICT_ABBR.get(kind_text, kind_text)
        words = match.group(1).split()
        all_caps = match.group(1).isupper()
        name_words = []
        for word in words:
            if not word[0].isupper() or (not all_caps and word.isupper() and len(word) > 1):
                break
            name_words.append(word)
        if not name_words:
            continue
        name = " ".join(w.capitalize() for w in name_words) if all_caps else " ".join(name_words)
        found = province(name)
        if kind == "thành phố" and found is not None and found.city:
            continue
        return District(kind, name)
    return None


def district_slug(district: str | District | None) -> str | None:
    """`"thị xã Ngã Năm"` → `"tx-nga-nam"`; None when no district kind word leads the text."""
    if district is None:
        return None
    if isinstance(district, District):
        return district.slug
    found = find_district(district)
    return found.slug if found else None


def scope_for(province_name: str | None, district: str | District | None = None) -> str:
    """CID scope: `vn.soc-trang`, `vn.soc-trang.tx-nga-nam`; `vn._` when the province is unknown."""
    prov = province(province_name)
    if prov is None:
        return UNKNOWN_SCOPE
    dslug = district_slug(district)
    return f"vn.{prov.slug}.{dslug}" if dslug else f"vn.{prov.slug}"
