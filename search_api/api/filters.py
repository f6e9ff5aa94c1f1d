"""Loose filter values read the way people type them: "Vĩnh Long", "vinh-long", "vn.vinh-long";
"Cải cách thủ tục hành chính", "tthc". An unknown value is a 400, never an empty answer."""

from __future__ import annotations

from ingest.areas import REFORM_AREAS
from ingest.places import province_slug
from ingest.vntext import match_key, slug
from search_api.api.errors import ApiError


def province_filter(value: str | None) -> str | None:
    """The province slug (`vinh-long`) a filter names; raises a 400 for an unknown province."""
    if value is None or not value.strip():
        return None
    found = province_slug(value.strip().removeprefix("vn."))
    if found is None:
        raise ApiError(400, f"Không rõ tỉnh/thành phố (unknown province): {value}")
    return found


def in_province(scope: str | None, province: str | None) -> bool:
    """Whether a place code (`vn.vinh-long`, `vn.soc-trang.tx-nga-nam`) lies in the province."""
    if province is None:
        return True
    return scope is not None and (scope == f"vn.{province}" or scope.startswith(f"vn.{province}."))


def area_filter(value: str | None) -> str | None:
    """The reform-area slug a filter names (its slug, its label or an alternative label)."""
    if value is None or not value.strip():
        return None
    wanted = match_key(value)
    for area_slug, area in REFORM_AREAS.items():
        if value.strip() == area_slug or wanted in {match_key(n) for n in (area.pref_label, *area.alt_labels)}:
            return area_slug
    raise ApiError(400, f"Không rõ lĩnh vực cải cách (unknown reform area): {value}; one of {', '.join(REFORM_AREAS)}")


def kind_filter(value: str | None) -> str | None:
    """A document-kind slug: "Kế hoạch" and "ke-hoach" both give `ke-hoach`."""
    return slug(value) if value and value.strip() else None
