"""Province/district gazetteer and CID scope strings (spec legal-identifiers §1.6, §4.1)."""

from __future__ import annotations

import pytest

from ingest.places import (
    PROVINCES,
    District,
    district_slug,
    find_district,
    find_province,
    province,
    province_slug,
    scope_for,
)


def test_gazetteer_counts() -> None:
    assert len([p for p in PROVINCES if p.slug != "hue"]) == 63  # pre-2025 provinces
    assert len([p for p in PROVINCES if p.current]) == 34  # from 1/7/2025
    assert len({p.slug for p in PROVINCES}) == len(PROVINCES)
    assert all(p.merged_into in {q.slug for q in PROVINCES if q.current} for p in PROVINCES if p.merged_into)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Sóc Trăng", "soc-trang"),
        ("tỉnh Sóc Trăng", "soc-trang"),
        ("TỈNH VĨNH LONG", "vinh-long"),
        ("Đồng Nai", "dong-nai"),
        ("Đắk Lắk", "dak-lak"),
        ("Đăk Lăk", "dak-lak"),
        ("Thành phố Hồ Chí Minh", "ho-chi-minh"),
        ("TP.HCM", "ho-chi-minh"),
        ("Thừa Thiên - Huế", "thua-thien-hue"),
        ("Bà Rịa - Vũng Tàu", "ba-ria-vung-tau"),
        ("Khánh Hoà", "khanh-hoa"),
        ("soc-trang", "soc-trang"),
        ("Ngã Năm", None),
        ("Văn phòng", None),
        ("", None),
    ],
)
def test_province_slug(name: str, slug: str | None) -> None:
    assert province_slug(name) == slug


def test_merger_is_recorded_not_applied() -> None:
    soc_trang = province("Sóc Trăng")
    assert soc_trang is not None and soc_trang.slug == "soc-trang" and soc_trang.merged_into == "can-tho"
    assert not soc_trang.current


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("UBND TỈNH SÓC TRĂNG", "soc-trang"),
        ("của Ủy ban nhân dân tỉnh Sóc Trăng về thực hiện", "soc-trang"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ", "can-tho"),
        ("trên địa bàn tỉnh Vĩnh Long", "vinh-long"),
        ("các tỉnh, thành phố", None),
        ("Long An toàn thông tin", None),  # bare names are not mentions
    ],
)
def test_find_province(text: str, slug: str | None) -> None:
    found = find_province(text)
    assert (found.slug if found else None) == slug


@pytest.mark.parametrize(
    ("text", "expected", "slug"),
    [
        ("Ủy ban nhân dân thị xã Ngã Năm ban hành Kế hoạch", "thị xã Ngã Năm", "tx-nga-nam"),
        ("ỦY BAN NHÂN DÂN THỊ XÃ NGÃ NĂM", "thị xã Ngã Năm", "tx-nga-nam"),
        ("UBND huyện Châu Thành, tỉnh Sóc Trăng", "huyện Châu Thành", "h-chau-thanh"),
        ("thành phố Sóc Trăng", "thành phố Sóc Trăng", "tp-soc-trang"),
        ("Quận Ninh Kiều", "quận Ninh Kiều", "q-ninh-kieu"),
        ("các huyện, thị xã, thành phố", None, None),
        ("thành phố Cần Thơ", None, None),  # province-level city
        ("UBND cấp huyện", None, None),
    ],
)
def test_find_district(text: str, expected: str | None, slug: str | None) -> None:
    found = find_district(text)
    assert (str(found) if found else None) == expected
    assert district_slug(text) == slug


@pytest.mark.parametrize(
    ("prov", "district", "scope"),
    [
        ("Sóc Trăng", None, "vn.soc-trang"),
        ("Sóc Trăng", "thị xã Ngã Năm", "vn.soc-trang.tx-nga-nam"),
        ("Vĩnh Long", District("huyện", "Long Hồ"), "vn.vinh-long.h-long-ho"),
        ("Đắk Lắk", None, "vn.dak-lak"),
        (None, "thị xã Ngã Năm", "vn._"),
        ("Atlantis", None, "vn._"),
    ],
)
def test_scope_for(prov: str | None, district: str | District | None, scope: str) -> None:
    assert scope_for(prov, district) == scope
