"""What the citing document tells about itself: its scope (to place local codes), date and own number."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.citations.patterns import CENTRAL_CITIES, LEVEL_PREFIX, PARTY_PLACE_RE, PLACE_RE
from ingest.places import UNKNOWN_SCOPE, province
from ingest.records import DocumentMeta
from ingest.vntext import slug


@dataclass(frozen=True, slots=True)
class CitingContext:
    """What the citing document tells about itself: needed to scope local codes and to spot self-citations."""

    scope: str = UNKNOWN_SCOPE  # "vn.soc-trang", "vn.soc-trang.tx-nga-nam"
    level: str | None = None  # "province" | "district" | None
    date: str | None = None  # ISO or partial ("2024-01")
    own_notation: str | None = None  # "218/KH-UBND" or the template "/KH-VPUBND"
    province: str | None = None
    district: str | None = None
    plan_year: int | None = None  # the year a plan covers: bounds its issue date when the date is blank

    @classmethod
    def from_meta(cls, meta: DocumentMeta) -> CitingContext:
        parts = meta.scope.split(".")
        level = None if meta.scope == UNKNOWN_SCOPE else ("district" if len(parts) > 2 else "province")
        return cls(
            scope=meta.scope,
            level=level,
            date=meta.date,
            own_notation=meta.number or meta.notation_template,
            province=meta.province,
            district=meta.district,
            plan_year=meta.year_covered,
        )

    @property
    def province_scope(self) -> str:
        parts = self.scope.split(".")
        return ".".join(parts[:2]) if self.scope != UNKNOWN_SCOPE else UNKNOWN_SCOPE

    def latest_date(self) -> str | None:
        """The latest day the citing document can bear: end of its partial date, or mid plan-year."""
        if self.date:
            year, _, rest = self.date.partition("-")
            if not rest:
                return f"{year}-12-31"
            if len(rest) == 2:
                return f"{self.date}-31"
            return self.date
        return f"{self.plan_year}-06-30" if self.plan_year else None

    def scope_named(self, phrase: str) -> tuple[str, bool] | None:
        """The scope an issuer phrase names ("Ủy ban nhân dân tỉnh Sóc Trăng", "Tỉnh ủy Vĩnh Long", "UBND thị xã"),
        read from this document: the flag half is True when only the level word is written and the citing
        document fills in the name."""
        pm = PARTY_PLACE_RE.search(phrase)
        if pm:
            prov = province(pm.group("name").strip())
            return (f"vn.{prov.slug}", False) if prov else None
        for place in PLACE_RE.finditer(phrase):
            level = place.group("level").lower().rstrip(".")
            level = "thành phố" if level == "tp" else level
            name = (place.group("name") or "").strip()
            if level == "tỉnh" or (level == "thành phố" and name in CENTRAL_CITIES):
                if not name:
                    return (self.province_scope, True) if self.scope != UNKNOWN_SCOPE else None
                prov = province(name)
                return (f"vn.{prov.slug}", False) if prov else None
            if not name:
                return (self.scope, True) if self.level == "district" else None
            prov = province(name) if level == "thành phố" else None
            if prov is not None:
                return f"vn.{prov.slug}", False
            if self.scope == UNKNOWN_SCOPE:
                return None
            return f"{self.province_scope}.{LEVEL_PREFIX[level]}-{slug(name)}", False
        return None


_PLACE_DATE_RE = re.compile(r"(?m)(?:^|[|\t])[ *_]*(?P<place>[A-ZĐ]\w*(?:[ ][A-ZĐ]\w*){0,3}),[ ]+(?i:ngày)\b")


def context_from_header(text: str, context: CitingContext) -> CitingContext:
    """Fallback when the caller knows no scope: the place-date line ("Bình Dương, ngày …") names the province."""
    if ", ngày" not in text[:2000]:
        return context
    for m in _PLACE_DATE_RE.finditer(text, 0, 2000):
        prov = province(m.group("place"))
        if prov is not None:
            return replace(context, scope=f"vn.{prov.slug}", level="province", province=prov.name)
    return context
