"""Questions through time: a unit and its predecessors across the 2025 reorganisation, and where a former province
went. The successor links are the graph's (`kg/geography.py`); names and acts come from `ingest.places`."""

from __future__ import annotations

from typing import Any

from ingest.places import Province, change_of, province, province_on, successor_on
from ingest.vntext import match_key
from kg import questions
from kg.iris import short_id
from kg.questions import json_value
from kg.store import GraphStore

_NOW = "9999-12-31"  # "as of today" for the facts we hold: every recorded change has taken effect


def place_name(found: Province) -> str:
    return f"{'thành phố' if found.city else 'tỉnh'} {found.name}"


def _scope_province(scope: str) -> Province | None:
    parts = scope.split(".")
    return province(parts[1]) if len(parts) > 1 else None


def where_now(name: str) -> dict[str, Any] | None:
    """What a province name denotes now: itself, or the province-level unit a former province became part of
    ("Sóc Trăng" → thành phố Cần Thơ since 2025-07-01 by Nghị quyết 202/2025/QH15); None for no province."""
    found = province_on(name, None)
    if found is None:
        return None
    now = successor_on(found, _NOW)
    change = change_of(found) if now != found else None
    return {
        "asked": name,
        "province": place_name(found),
        "scope": f"vn.{found.slug}",
        "current": now == found,
        "part_of": place_name(now),
        "part_of_scope": f"vn.{now.slug}",
        "since": change.effective if change else None,
        "source": change.source.title if change else None,
    }


def unit_through_time(store: GraphStore, name: str, province_name: str) -> list[dict[str, Any]]:
    """The unit named `name` of a province now, and the bodies it succeeded, each labelled with its place and time.

    `province_name` may be a former province: its successor's unit is answered, and the former province's own body
    among the predecessors.
    """
    asked = province_on(province_name, None)
    if asked is None:
        return []
    now = successor_on(asked, _NOW)
    scope = f"vn.{now.slug}"
    wanted = match_key(name)
    rows = [r for r in store.query("unit_history") if match_key(str(r["label"])) == wanted]
    units: dict[str, dict[str, Any]] = {}
    for row in rows:
        units.setdefault(short_id(str(row["unit"])), {
            "id": str(row["unit"]), "name": json_value(row["label"]), "scope": short_id(str(row["scope"])),
            "valid_until": json_value(row.get("until")),
            "successor": short_id(str(row["successor"])) if row.get("successor") else None,
            "since": json_value(row.get("effective")), "source": json_value(row.get("source")),
        })  # fmt: skip
    current = next((u for u in units.values() if u["scope"] == scope), None)
    out: list[dict[str, Any]] = []
    if current is not None:
        out.append({**current, "relation": "current", "label": f"{current['name']} — {place_name(now)}"})
    for unit in sorted(units.values(), key=lambda u: u["id"]):
        if unit is current or not _leads_to(unit, units, scope):
            continue
        former = _scope_province(unit["scope"])
        where = place_name(former) if former else unit["scope"]
        label = f"{unit['name']} — {where} (cũ), đến {unit['valid_until']}; nay thuộc {place_name(now)}"
        out.append({**unit, "relation": "predecessor", "label": label})
    return out


def _leads_to(unit: dict[str, Any], units: dict[str, dict[str, Any]], scope: str) -> bool:
    """Whether a body's chain of successors ends at a body of `scope`."""
    seen: set[str] = set()
    while unit.get("successor") and unit["successor"] not in seen:
        successor: str = unit["successor"]
        if successor.split("/", 1)[0] == scope:
            return True
        seen.add(successor)
        unit = units.get(successor, {})
    return False


def compare(store: GraphStore, selectors: list[str]) -> dict[str, Any]:
    """`questions.compare`, with where each province named or compared stands now (a former one: what it joined)."""
    answer = questions.compare(store, selectors)
    named = [*selectors, *(p["scope"].split(".")[1] for p in answer["plans"] if p["scope"].count(".") >= 1)]
    places: dict[str, dict[str, Any]] = {}
    for name in named:
        if (found := where_now(name)) is not None:
            places.setdefault(found["scope"], found)
    return {**answer, "places": list(places.values())}
