"""Units read as of their document's date (the 2025 reorganisation): successors, "(cũ)", no district level after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import extract_text
from ingest.places import PROVINCES, Province, province, province_on
from ingest.records import DocumentMeta
from ingest.units import UnitResolver


def _meta(prov: str, date: str | None, district: str | None = None) -> DocumentMeta:
    found = province(prov)
    assert found is not None
    scope = f"vn.{found.slug}" + (".h-chau-thanh" if district else "")
    return DocumentMeta(source="t", sha256="", province=prov, district=district, scope=scope, date=date)


def _ids(meta: DocumentMeta, cell: str) -> list[str]:
    return [ref.id for ref in UnitResolver(meta).resolve(cell)]


@pytest.mark.parametrize("former", [p for p in PROVINCES if p.valid_until == "2025-06-30"], ids=lambda p: p.slug)
def test_a_former_province_s_department_is_its_successor_s_from_1_7_2025(former: Province) -> None:
    cell = f"Sở Nội vụ tỉnh {former.name}"
    assert _ids(_meta("Hà Nội", "2025-06-30"), cell) == [f"vn.{former.slug}/so-noi-vu"]
    assert _ids(_meta("Hà Nội", "2025-07-01"), cell) == [f"vn.{former.merged_into}/so-noi-vu"]
    assert _ids(_meta("Hà Nội", "2025-09-01"), f"{cell} (cũ)") == [f"vn.{former.slug}/so-noi-vu"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("UBND tỉnh Sóc Trăng (cũ)", ["vn.soc-trang/ubnd-tinh"]),
        ("Ủy ban nhân dân tỉnh Hậu Giang", ["vn.can-tho/ubnd-tinh"]),
        ("Sở Tư pháp tỉnh Quảng Trị (cũ)", ["vn.quang-tri/so-tu-phap"]),
    ],
)
def test_cu_reads_the_former_province_in_a_document_after_the_merger(cell: str, expected: list[str]) -> None:
    assert _ids(_meta("Cần Thơ", "2025-08-15"), cell) == expected


@pytest.mark.parametrize(
    "cell",
    ["UBND các huyện, thị xã, thành phố", "UBND huyện", "Phòng Nội vụ huyện Châu Thành", "UBND thị xã Ngã Năm"],
)
def test_no_district_level_unit_from_1_7_2025(cell: str) -> None:
    before = _ids(_meta("Sóc Trăng", "2025-06-30"), cell)
    assert before, cell  # the same cell names a district body or group before the reorganisation
    assert _ids(_meta("Cần Thơ", "2025-07-01"), cell) == []


_PLAN = """ỦY BAN NHÂN DÂN
TỈNH {upper}
Số: 12/KH-UBND
{place}, ngày {day} tháng {month} năm {year}

KẾ HOẠCH
Cải cách hành chính năm {year}

1. Ủy ban nhân dân huyện Châu Thành chủ trì rà soát thủ tục hành chính, hoàn thành trong Quý IV/{year}.
2. Sở Nội vụ tỉnh Sóc Trăng (cũ) phối hợp với Ủy ban nhân dân các huyện, thị xã tổng kết.
"""


def _plan_units(prov: str, day: int, month: int, year: int) -> tuple[set[str], DocumentMeta]:
    text = _PLAN.format(upper=prov.upper(), place=prov, day=day, month=month, year=year)
    extracted = extract_text(text, source="plan.txt")
    return {u.id for u in extracted.extraction.units}, extracted.extraction.document


def test_a_document_dated_after_the_merger_has_no_district_level_unit() -> None:
    after, meta = _plan_units("Cần Thơ", 15, 8, 2025)
    assert meta.date == "2025-08-15" and meta.district is None
    assert "vn.soc-trang/so-noi-vu" in after
    assert not any(re.search(r"\.(h|tx|q|tp)-|cap-huyen|cac-huyen", unit) for unit in after), after
    before, _ = _plan_units("Sóc Trăng", 15, 8, 2024)
    assert any(re.search(r"\.h-chau-thanh|cac-huyen", unit) for unit in before), before


_CU = re.compile(r"(?:tỉnh|thành phố) ((?:[A-ZĐ]\w*\s){0,3}[A-ZĐ]\w*)\s+\(cũ\)")


def test_cu_mentions_in_real_documents_resolve(shared: Path) -> None:
    """Every "tỉnh X (cũ)" of the real documents names a former province, and its successor is a current one."""
    found = 0
    for path in sorted((shared / "realdocs" / "docs").glob("*.md")):
        for match in _CU.finditer(path.read_text(encoding="utf-8")):
            name = " ".join(match.group(1).split())
            former = province_on(f"{name} (cũ)", "2025-07-01")
            assert former is not None, (path.name, name)
            successor = province_on(name, "2025-07-01")
            assert successor is not None and successor.current, (path.name, name)
            found += 1
    assert found >= 10
