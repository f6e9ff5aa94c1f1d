"""Province/district gazetteer and CID scope strings (spec legal-identifiers §1.6, §4.1)."""

from __future__ import annotations

import pytest

from ingest.places import (
    PROVINCES,
    District,
    change_of,
    district_level_on,
    district_slug,
    find_district,
    find_province,
    predecessors,
    province,
    province_on,
    province_slug,
    scope_for,
)
from ingest.vntext import fold


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
        ("tinh Soc Trang", "soc-trang"),
        ("thanh pho Can Tho", "can-tho"),
        ("TP Cần Thơ", "can-tho"),
        ("UBND TỈNH HẬU GIANG", "hau-giang"),
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


# The 2025 reorganisation as the issue lists it (Nghị quyết 202/2025/QH15), kept apart from the data file it checks.
_MERGED_2025 = {
    "Tuyên Quang": ["Hà Giang"], "Lào Cai": ["Yên Bái"], "Thái Nguyên": ["Bắc Kạn"],
    "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"], "Bắc Ninh": ["Bắc Giang"], "Hưng Yên": ["Thái Bình"],
    "Hải Phòng": ["Hải Dương"], "Ninh Bình": ["Hà Nam", "Nam Định"], "Quảng Trị": ["Quảng Bình"],
    "Đà Nẵng": ["Quảng Nam"], "Quảng Ngãi": ["Kon Tum"], "Gia Lai": ["Bình Định"], "Khánh Hòa": ["Ninh Thuận"],
    "Lâm Đồng": ["Đắk Nông", "Bình Thuận"], "Đắk Lắk": ["Phú Yên"], "Hồ Chí Minh": ["Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Bình Phước"], "Tây Ninh": ["Long An"], "Cần Thơ": ["Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Bến Tre", "Trà Vinh"], "Đồng Tháp": ["Tiền Giang"], "Cà Mau": ["Bạc Liêu"],
    "An Giang": ["Kiên Giang"],
}  # fmt: skip
_UNCHANGED_2025 = ["Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An"]
_UNCHANGED_2025 += ["Hà Tĩnh", "Cao Bằng"]
_FORMER_2025 = [(old, new) for new, olds in _MERGED_2025.items() for old in olds]


@pytest.mark.parametrize(("old", "new"), _FORMER_2025)
def test_merged_province_resolves_to_its_successor_from_1_7_2025(old: str, new: str) -> None:
    for spelling in (old, f"tỉnh {old}", old.upper(), fold(old), f"UBND tỉnh {old}"):
        assert province_on(spelling, "2025-06-30") == province(old), spelling
        assert province_on(spelling, "2025-07-01") == province(new), spelling
        assert province_on(spelling, "2026-01") == province(new), spelling
        assert province_on(f"{spelling} (cũ)", "2025-08-01") == province(old), spelling
    change = change_of(province(old))  # type: ignore[arg-type]
    assert change is not None and change.effective == "2025-07-01" and change.source.notation == "202/2025/QH15"


@pytest.mark.parametrize("name", [*_UNCHANGED_2025, *_MERGED_2025])
def test_continuing_province_is_itself_on_both_sides(name: str) -> None:
    found = province(name)
    assert found is not None and found.current
    assert province_on(name, "2024-01-01") == province_on(name, "2025-07-01") == found
    assert province_on(f"tỉnh {name} (cũ)", "2025-07-01") == found
    merged = {p.name for p in predecessors(found) if p.valid_until == "2025-06-30"}
    assert merged == set(_MERGED_2025.get(name, []))


def test_the_data_file_holds_the_34_units_and_no_more() -> None:
    assert {p.slug for p in PROVINCES if p.current} == {province_slug(n) for n in [*_UNCHANGED_2025, *_MERGED_2025]}
    assert {p.slug for p in PROVINCES if p.merged_into and p.valid_until == "2025-06-30"} == {
        province_slug(old) for old, _ in _FORMER_2025
    }


@pytest.mark.parametrize(
    ("name", "when", "slug"),
    [
        ("Thành phố Hồ Chí Minh", "2025-09-01", "ho-chi-minh"),
        ("TP. Hồ Chí Minh", "2024-01-01", "ho-chi-minh"),
        ("tỉnh Bà Rịa – Vũng Tàu", "2025-09-01", "ho-chi-minh"),
        ("Thừa Thiên Huế", "2024-12-31", "thua-thien-hue"),  # Huế became a city on 1/1/2025 (1314/NQ-UBTVQH15)
        ("Thừa Thiên - Huế", "2025-01-01", "hue"),
        ("tỉnh Đắk Lắk (cũ)", "2025-08-01", "dak-lak"),
        ("Phú Yên (mới)", None, "dak-lak"),
        ("Sóc Trăng", None, "soc-trang"),  # no date: the name as printed
        ("Ngã Năm", "2025-08-01", None),
    ],
)
def test_province_on(name: str, when: str | None, slug: str | None) -> None:
    found = province_on(name, when)
    assert (found.slug if found else None) == slug


def test_district_level_ends_on_1_7_2025() -> None:
    assert district_level_on("2025-06-30") and district_level_on("2024") and district_level_on(None)
    assert not district_level_on("2025-07-01") and not district_level_on("2025-12")
