"""The places and units of a file's graph through time: validity intervals and successor links (the 2025
reorganisation, `ingest/data/provinces.json`).

A scope keeps naming the unit as it existed (`place/vn.soc-trang`); what became of it is said beside it, from the
facts of `ingest.places`: the province's last day (`cchc:validUntil`), its successor (`cchc:successor`) and the
`org:ChangeEvent` of the act that merged it (`org:originalOrganization` → `org:resultingOrganization`, the
successor `org:resultedFrom` it, with its effective date and legal source). A body of a merged province gets the
same: Sở Nội vụ of Sóc Trăng is succeeded by Sở Nội vụ of Cần Thơ. District-level places and bodies end on the day
the district level did. Every file that names a place writes the same triples, so they survive any one file's
removal.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

from ingest.places import (
    DISTRICT_LEVEL_ENDS,
    DISTRICT_LEVEL_SOURCE,
    Change,
    Province,
    change_of,
    day_before,
    predecessors,
    province,
    successor_on,
)
from ingest.records import Unit
from kg import iris
from kg.iris import CCHC, ORG

Triple = tuple[URIRef, URIRef, Literal | URIRef]


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def _event(change: Change, original: URIRef, resulting: URIRef, key: str) -> Iterator[Triple]:
    event = iris.change_event(change.effective, key)
    yield event, RDF.type, ORG.ChangeEvent
    yield event, ORG.originalOrganization, original
    yield event, ORG.resultingOrganization, resulting
    yield event, CCHC.effectiveDate, _date(change.effective)
    yield event, DCTERMS.source, Literal(change.source.title, lang="vi")
    yield resulting, ORG.resultedFrom, event
    yield original, ORG.changedBy, event


def place_triples(scope: str) -> Iterator[Triple]:
    """A province or district-level place: its name, and, for a province, the merger it took part in on either side
    (a former province's last day and successor; a successor's predecessors)."""
    parts = scope.split(".")
    if len(parts) < 2 or (found := province(parts[1])) is None:
        return
    node = iris.place(scope)
    if len(parts) > 2:  # a district-level unit: it ended with the district level
        yield node, RDF.type, CCHC.AdministrativeUnit
        yield node, CCHC.validUntil, _date(day_before(DISTRICT_LEVEL_ENDS))
        yield node, DCTERMS.source, Literal(DISTRICT_LEVEL_SOURCE.title, lang="vi")
        return
    now = successor_on(found, "9999-12-31")  # the whole merger, whichever side of it the scope names
    yield from _province(now)
    for former in predecessors(now):
        yield from _province(former)
        change = change_of(former)
        if former.merged_into is None or change is None:
            continue
        successor = iris.place(f"vn.{former.merged_into}")
        yield iris.place(f"vn.{former.slug}"), CCHC.successor, successor
        yield from _event(change, iris.place(f"vn.{former.slug}"), successor, f"vn.{former.merged_into}")


def _province(found: Province) -> Iterator[Triple]:
    node = iris.place(f"vn.{found.slug}")
    yield node, RDF.type, CCHC.AdministrativeUnit
    yield node, SKOS.prefLabel, Literal(f"{'thành phố' if found.city else 'tỉnh'} {found.name}", lang="vi")
    if found.valid_until:
        yield node, CCHC.validUntil, _date(found.valid_until)


def unit_triples(unit: Unit) -> Iterator[Triple]:
    """A body of a merged province is succeeded by the body of that name in its successor; a district body ends."""
    parts = unit.scope.split(".")
    if unit.is_group or len(parts) < 2 or (found := province(parts[1])) is None:
        return
    node = iris.agent(unit.id)
    if len(parts) > 2:
        yield node, CCHC.validUntil, _date(day_before(DISTRICT_LEVEL_ENDS))
        return
    change = change_of(found)
    if found.merged_into is None or change is None:
        return
    successor_id = f"vn.{found.merged_into}{unit.id[len(unit.scope) :]}"
    successor = iris.agent(successor_id)
    yield node, CCHC.validUntil, _date(day_before(change.effective))
    yield node, CCHC.successor, successor
    yield from _event(change, node, successor, f"org/{successor_id}")
