"""kg.geography: places and bodies through the 2025 reorganisation, as the graph of a file states them."""

from __future__ import annotations

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ingest.pipeline import extract_text
from kg import iris
from kg.build import extraction_graph
from kg.iris import CCHC, ORG

_PLAN = """ỦY BAN NHÂN DÂN
TỈNH SÓC TRĂNG
Số: 12/KH-UBND
Sóc Trăng, ngày 10 tháng 01 năm 2024

KẾ HOẠCH
Cải cách hành chính năm 2024

1. Sở Nội vụ chủ trì theo dõi, hoàn thành trong Quý IV/2024.
2. Ủy ban nhân dân huyện Châu Thành chủ trì rà soát thủ tục hành chính.
"""


def _graph() -> Graph:
    return extraction_graph(extract_text(_PLAN, source="plan.txt").extraction)


def test_a_merged_province_has_its_last_day_successor_and_change_event() -> None:
    g = _graph()
    soc_trang, can_tho = iris.place("vn.soc-trang"), iris.place("vn.can-tho")
    assert (soc_trang, RDF.type, CCHC.AdministrativeUnit) in g
    assert g.value(soc_trang, CCHC.validUntil) == Literal("2025-06-30", datatype=XSD.date)
    assert g.value(soc_trang, CCHC.successor) == can_tho
    event = g.value(can_tho, ORG.resultedFrom)
    assert isinstance(event, URIRef) and (event, RDF.type, ORG.ChangeEvent) in g
    originals = set(g.objects(event, ORG.originalOrganization))
    assert originals == {iris.place("vn.can-tho"), soc_trang, iris.place("vn.hau-giang")} - {can_tho}
    assert g.value(event, CCHC.effectiveDate) == Literal("2025-07-01", datatype=XSD.date)
    assert "202/2025/QH15" in str(g.value(event, DCTERMS.source))


def test_a_body_of_a_merged_province_is_succeeded_by_its_namesake_in_the_successor() -> None:
    g = _graph()
    so_noi_vu = iris.agent("vn.soc-trang/so-noi-vu")
    assert g.value(so_noi_vu, CCHC.successor) == iris.agent("vn.can-tho/so-noi-vu")
    event = g.value(so_noi_vu, ORG.changedBy)
    assert g.value(event, ORG.resultingOrganization) == iris.agent("vn.can-tho/so-noi-vu")


def test_district_bodies_end_with_the_district_level() -> None:
    g = _graph()
    district = [s for s in g.subjects(CCHC.scope, iris.place("vn.soc-trang.h-chau-thanh"))]
    assert district
    for node in district:
        assert g.value(node, CCHC.validUntil) == Literal("2025-06-30", datatype=XSD.date)
        assert g.value(node, CCHC.successor) is None
