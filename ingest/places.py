"""Province / district gazetteer, the 2025 reorganisation, and CID scope strings (spec legal-identifiers §1.6, §4.1).

A scope names the unit *as it existed*: `vn.soc-trang` stays `vn.soc-trang` after Sóc Trăng became part of Cần Thơ
on 1/7/2025. The changes themselves are facts of `data/provinces.json` (each with its act and effective date);
`province_on` applies them to a name as of a date, so a document's places are read as of that document's date.

Public API (kept small, other extractors import it):
- `PROVINCES`: the 63 pre-2025 provinces plus Huế (34 units from 1/7/2025); `CHANGES`: who became what, when.
- `province(name)` / `province_slug(name)`: look a name up ("Sóc Trăng", "tỉnh Sóc Trăng", "TP.HCM", "Đăk Lăk").
- `province_on(name, date)`: the province a name denotes on a date ("tỉnh Sóc Trăng (cũ)" is the former one).
- `successor_on(p, date)`, `predecessors(p)`, `district_level_on(date)`: the changes applied.
- `province_mentions(text)` / `find_province(text)`: *qualified* mentions ("tỉnh Sóc Trăng", "UBND TỈNH SÓC TRĂNG").
- `find_district(text)`: first district-level mention ("thị xã Ngã Năm", "HUYỆN CHÂU THÀNH") as a `District`.
- `district_slug(district)`, `scope_for(province, district)`: CID scope strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ingest.vntext import collapse, match_key, new_tones, slug

UNKNOWN_SCOPE = "vn._"
_DATA: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "provinces.json").read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Source:
    """The act a change rests on."""

    key: str  # "nq-202-2025-qh15"
    title: str
    notation: str  # "202/2025/QH15"
    adopted: str  # ISO date


@dataclass(frozen=True, slots=True)
class Change:
    """Province-level units that became one on a day: `predecessors` (the successor's former self included when it
    kept its name) → `successor`."""

    successor: str  # slug
    predecessors: tuple[str, ...]  # slugs
    effective: str  # ISO date: the first day of the successor
    source: Source


@dataclass(frozen=True, slots=True)
class Province:
    name: str  # "Sóc Trăng" (without "tỉnh"/"thành phố")
    slug: str  # "soc-trang"
    city: bool  # thành phố trực thuộc trung ương
    current: bool  # exists as a province-level unit after 1/7/2025
    merged_into: str | None = None  # slug of the unit it became part of (see `CHANGES`)
    aliases: tuple[str, ...] = ()
    valid_until: str | None = None  # ISO date: its last day, when it was merged into another


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

SOURCES = {key: Source(key, s["title"], s["notation"], s["adopted"]) for key, s in _DATA["sources"].items()}
CHANGES: tuple[Change, ...] = tuple(
    Change(slug(c["successor"]), tuple(slug(p) for p in c["predecessors"]), c["effective"], SOURCES[c["source"]])
    for c in _DATA["changes"]
)
# The first day without district-level units (chính quyền địa phương hai cấp), and the act that ended them.
DISTRICT_LEVEL_ENDS: str = _DATA["district_level"]["abolished"]
DISTRICT_LEVEL_SOURCE = SOURCES[_DATA["district_level"]["source"]]
_INTO = {p: c for c in CHANGES for p in c.predecessors if p != c.successor}


def _province(entry: dict[str, Any]) -> Province:
    key = slug(entry["name"])
    change = _INTO.get(key)
    name, city, aliases = entry["name"], entry.get("city", False), tuple(entry.get("aliases", ()))
    if change is None:
        return Province(name, key, city, True, None, aliases)
    return Province(name, key, city, False, change.successor, aliases, day_before(change.effective))


def day_before(iso: str) -> str:
    """The last day of what ends when a change takes effect on `iso`."""
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


PROVINCES: tuple[Province, ...] = tuple(_province(e) for e in _DATA["provinces"])

_BY_SLUG = {p.slug: p for p in PROVINCES}
_BY_KEY = {match_key(n): p for p in PROVINCES for n in (p.name, *p.aliases)}
# Leading qualifiers dropped before a name lookup, matched on the folded key ("tỉnh", "tinh", "TP.", "UBND tỉnh").
_QUALIFIER = re.compile(r"^(?:(?:uy ban nhan dan|ubnd|hdnd)\s+)?(?:tinh|thanh pho|tp\.?)\s*")


def province(name: str | None) -> Province | None:
    """The province a name or slug denotes ("Sóc Trăng", "tỉnh Sóc Trăng", "soc-trang", "TP.HCM"), else None."""
    if not name:
        return None
    text = collapse(new_tones(name)).strip(" ,.;:")
    if text in _BY_SLUG:
        return _BY_SLUG[text]
    found = _BY_KEY.get(match_key(text))
    return found if found is not None else _BY_KEY.get(_QUALIFIER.sub("", match_key(text)))


def province_slug(name: str | None) -> str | None:
    """`"Sóc Trăng"` → `"soc-trang"`; None when the name is not a province."""
    found = province(name)
    return found.slug if found else None


# "tỉnh Sóc Trăng (cũ)": the province before the reorganisation; "(mới)": the one after it.
_FORMER = re.compile(r"\s*\((cũ|mới)\)$", re.IGNORECASE)


def on_or_after(when: str | None, day: str) -> bool:
    """Whether a (possibly partial) ISO date lies on or after `day`; a partial date counts from its first day."""
    if not when:
        return False
    return (when + "-01-01")[:10] >= day


def successor_on(found: Province, when: str | None) -> Province:
    """The province-level unit that `found` was part of on a date (itself before its merger, or without a date)."""
    while found.merged_into is not None and on_or_after(when, _INTO[found.slug].effective):
        found = _BY_SLUG[found.merged_into]
    return found


def province_on(name: str | None, when: str | None) -> Province | None:
    """The province a name denotes on a date: a former province's name means its successor from the day it merged;
    "tỉnh X (cũ)" always means the former X, "X (mới)" the unit X is part of now."""
    if not name:
        return None
    marker = _FORMER.search(name)
    found = province(_FORMER.sub("", name) if marker else name)
    if found is None:
        return None
    if marker is not None:
        return found if marker.group(1).lower() == "cũ" else successor_on(found, "9999-12-31")
    return successor_on(found, when)


def predecessors(found: Province) -> tuple[Province, ...]:
    """The other province-level units merged into `found` (Sóc Trăng and Hậu Giang for Cần Thơ)."""
    return tuple(_BY_SLUG[p] for c in CHANGES if c.successor == found.slug for p in c.predecessors if p != found.slug)


def change_of(found: Province) -> Change | None:
    """The change that made `found` part of another unit, or, for a successor, the one that enlarged it."""
    return _INTO.get(found.slug) or next((c for c in CHANGES if c.successor == found.slug), None)


def district_level_on(when: str | None) -> bool:
    """Whether district-level units (huyện, quận, thị xã, thành phố thuộc tỉnh) existed on a date."""
    return not on_or_after(when, DISTRICT_LEVEL_ENDS)


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
