"""Unit resolution (spec legal-identifiers §4): cell splitting, canonical names, scopes, and recall against gold."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ingest.normalize import normalize
from ingest.pipeline import extract_text
from ingest.records import DocumentMeta, Unit
from ingest.units import UnitResolver
from ingest.vntext import match_key
from tests.helpers import SAMPLES

SOC_TRANG_VP = DocumentMeta(
    source="000",
    sha256="",
    issuer="Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng",
    province="Sóc Trăng",
    scope="vn.soc-trang",
)
SOC_TRANG = DocumentMeta(
    source="001", sha256="", issuer="Ủy ban nhân dân tỉnh Sóc Trăng", province="Sóc Trăng", scope="vn.soc-trang"
)
DONG_NAI_SNV = DocumentMeta(
    source="002", sha256="", issuer="Sở Nội vụ tỉnh Đồng Nai", province="Đồng Nai", scope="vn.dong-nai"
)
NGA_NAM = DocumentMeta(
    source="003",
    sha256="",
    issuer="Ủy ban nhân dân thị xã Ngã Năm",
    province="Sóc Trăng",
    district="thị xã Ngã Năm",
    scope="vn.soc-trang.tx-nga-nam",
)
VINH_LONG = DocumentMeta(
    source="004", sha256="", issuer="Ủy ban nhân dân tỉnh Vĩnh Long", province="Vĩnh Long", scope="vn.vinh-long"
)
META = {"000": SOC_TRANG_VP, "001": SOC_TRANG, "002": DONG_NAI_SNV, "003": NGA_NAM, "004": VINH_LONG}


@pytest.mark.parametrize(
    ("meta", "cell", "expected"),
    [
        (VINH_LONG, "Văn phòng UBND tỉnh; Sở Nội vụ", ["vn.vinh-long/van-phong-ubnd-tinh", "vn.vinh-long/so-noi-vu"]),
        (VINH_LONG, "VP.UBND tỉnh", ["vn.vinh-long/van-phong-ubnd-tinh"]),
        (VINH_LONG, "Văn phòng Ủy ban nhân dân tỉnh", ["vn.vinh-long/van-phong-ubnd-tinh"]),
        (VINH_LONG, "- Sở Nội vụ - Sở Tư pháp", ["vn.vinh-long/so-noi-vu", "vn.vinh-long/so-tu-phap"]),
        (VINH_LONG, "Sở TT&TT", ["vn.vinh-long/so-thong-tin-va-truyen-thong"]),
        (VINH_LONG, "STTTT", ["vn.vinh-long/so-thong-tin-va-truyen-thong"]),
        (
            VINH_LONG,
            "Sở TTTT và Sở KH&ĐT",
            ["vn.vinh-long/so-thong-tin-va-truyen-thong", "vn.vinh-long/so-ke-hoach-va-dau-tu"],
        ),
        (VINH_LONG, "Giám đốc Sở Nội vụ", ["vn.vinh-long/so-noi-vu"]),
        (VINH_LONG, "Chủ tịch UBND tỉnh", ["vn.vinh-long/ubnd-tinh"]),
        (VINH_LONG, "Trung tâm PVHCC tỉnh", ["vn.vinh-long/trung-tam-phuc-vu-hanh-chinh-cong-tinh"]),
        (VINH_LONG, "Đài PT-TH", ["vn.vinh-long/dai-phat-thanh-va-truyen-hinh-tinh"]),
        (VINH_LONG, "Công an tỉnh", ["vn.vinh-long/cong-an-tinh"]),
        (VINH_LONG, "Bộ Nội vụ", ["vn/bo-noi-vu"]),
        (VINH_LONG, "Thủ tướng Chính phủ", ["vn/thu-tuong-chinh-phu"]),
        (VINH_LONG, "Các cơ quan, đơn vị có liên", ["group/vn.vinh-long/cac-co-quan-don-vi-co-lien-quan"]),
        (VINH_LONG, "Các cơ quan, đơn vị, địa phương", ["group/vn.vinh-long/cac-co-quan-don-vi-dia-phuong"]),
        (VINH_LONG, "Thủ trưởng các sở, ban, ngành tỉnh", ["group/vn.vinh-long/cac-so-ban-nganh-tinh"]),
        (
            VINH_LONG,
            "UBND các huyện, thị xã, thành phố",
            ["group/vn.vinh-long/uy-ban-nhan-dan-cac-huyen-thi-xa-thanh-pho"],
        ),
        (VINH_LONG, "UBND cấp huyện", ["group/vn.vinh-long/uy-ban-nhan-dan-cap-huyen"]),
        (
            SOC_TRANG_VP,
            "Phòng Ngoại vụ và các đơn vị có liên quan",
            ["vn.soc-trang/van-phong-ubnd-tinh/phong-ngoai-vu", "group/vn.soc-trang/cac-don-vi-co-lien-quan"],
        ),
        (SOC_TRANG_VP, "Phòng Quản trị - Tài vụ", ["vn.soc-trang/van-phong-ubnd-tinh/phong-quan-tri-tai-vu"]),
        (SOC_TRANG_VP, "Trung tâm Phục vụ hành chính công", ["vn.soc-trang/trung-tam-phuc-vu-hanh-chinh-cong-tinh"]),
        (SOC_TRANG, "Phòng KSTTHC", ["vn.soc-trang/van-phong-ubnd-tinh/phong-kiem-soat-thu-tuc-hanh-chinh"]),
        (DONG_NAI_SNV, "Văn phòng Sở", ["vn.dong-nai/so-noi-vu/van-phong-so"]),
        (DONG_NAI_SNV, "Thanh tra Sở", ["vn.dong-nai/so-noi-vu/thanh-tra-so"]),
        (DONG_NAI_SNV, "Các phòng, đơn vị trực thuộc Sở", ["group/vn.dong-nai/cac-phong-don-vi-truc-thuoc-so"]),
        (
            DONG_NAI_SNV,
            "phòng TCCQ, Ban TG",
            ["vn.dong-nai/so-noi-vu/phong-to-chuc-chinh-quyen", "vn.dong-nai/so-noi-vu/ban-ton-giao"],
        ),
        (NGA_NAM, "Phòng Nội vụ thị xã", ["vn.soc-trang.tx-nga-nam/phong-noi-vu"]),
        (NGA_NAM, "Văn phòng HĐND và UBND thị xã", ["vn.soc-trang.tx-nga-nam/van-phong-hdnd-va-ubnd-thi-xa"]),
        (NGA_NAM, "Sở Nội vụ tỉnh", ["vn.soc-trang/so-noi-vu"]),
        (NGA_NAM, "TT. HĐND thị xã", ["vn.soc-trang.tx-nga-nam/hdnd-thi-xa"]),
        (NGA_NAM, "UBND các xã, phường", ["group/vn.soc-trang.tx-nga-nam/uy-ban-nhan-dan-cac-xa-phuong"]),
        # a list of member nouns with no "các" is one group when the last carries the tail
        (VINH_LONG, "Cơ quan, đơn vị có liên quan", ["group/vn.vinh-long/co-quan-don-vi-co-lien-quan"]),
        (
            VINH_LONG,
            "Sở Tài chính, cơ quan, đơn vị và địa phương liên quan",
            ["vn.vinh-long/so-tai-chinh", "group/vn.vinh-long/co-quan-don-vi-va-dia-phuong-lien-quan"],
        ),
        (VINH_LONG, "Đơn vị, địa phương", ["group/vn.vinh-long/don-vi", "group/vn.vinh-long/dia-phuong"]),
    ],
)
def test_resolve_cell(meta: DocumentMeta, cell: str, expected: list[str]) -> None:
    assert [a.id for a in UnitResolver(meta).resolve(cell)] == expected


def test_resolve_flags_groups_and_keeps_text() -> None:
    refs = UnitResolver(VINH_LONG).resolve("Sở Tài chính; Các cơ quan, đơn vị có liên quan")
    assert [(r.name, r.is_group, r.text) for r in refs] == [
        ("Sở Tài chính", False, "Sở Tài chính"),
        ("Các cơ quan, đơn vị có liên quan", True, "Các cơ quan, đơn vị có liên quan"),
    ]


@pytest.mark.parametrize(
    "spellings",
    [
        ["các Phòng, ban ngành thị xã", "Các phòng, ban, ngành Thị xã", "các phòng ban ngành thị xã"],
        ["Các Sở, Ban, Ngành", "các sở, ban ngành", "Các sở ban ngành"],
        ["UBND các huyện, Thị xã", "Ủy ban nhân dân các Huyện, thị xã"],
    ],
)
def test_one_group_one_label_whatever_the_spelling(spellings: list[str]) -> None:
    """A group's id ignores case and commas, so its label must too (else the graph holds two labels for one id)."""
    named = {(ref.id, ref.name) for text in spellings for ref in UnitResolver(NGA_NAM).resolve(text)}
    assert len(named) == 1


def test_an_office_of_a_department_keeps_its_capital() -> None:
    assert [r.name for r in UnitResolver(NGA_NAM).resolve("Văn phòng Sở")] != ["Văn phòng sở"]


def test_a_footnote_mark_is_not_part_of_a_name() -> None:
    """Web pages keep footnote references glued to the word: "Bộ Nội vụ[4]" is the ministry."""
    refs = UnitResolver(VINH_LONG).resolve("Bộ Nội vụ[4], Bộ Tài chính")
    assert [r.name for r in refs] == ["Bộ Nội vụ", "Bộ Tài chính"]
    (ref,) = UnitResolver(VINH_LONG).resolve("Ủy ban nhân dân cấp xã[17]")
    assert ref.name == "Ủy ban nhân dân cấp xã"


def test_truncated_cell_is_repaired() -> None:
    (ref,) = UnitResolver(VINH_LONG).resolve("Các cơ quan, đơn vị có liên")
    assert ref.name == "Các cơ quan, đơn vị có liên quan" and ref.is_group


def test_resolved_cells_appear_in_units_with_offsets() -> None:
    resolver = UnitResolver(VINH_LONG)
    text = "x\tBưu điện tỉnh\tCác cơ quan, đơn vị"
    (ref,) = resolver.resolve("Bưu điện tỉnh")
    units = {u.id: u for u in resolver.units(text, used=[ref.id])}
    assert "vn.vinh-long/buu-dien-tinh" in units
    mention = units["vn.vinh-long/buu-dien-tinh"].mentions[0]
    assert text[mention.start : mention.end] == "Bưu điện tỉnh"
    assert units["group/vn.vinh-long/cac-co-quan-don-vi"].is_group


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Giao Sở Nội vụ chủ trì, phối hợp", ["Sở Nội vụ"]),
        ("Sở Tài chính phối hợp Sở Kế hoạch và Đầu tư thực hiện", ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]),
        ("Xây dựng Chính phủ điện tử, Chính phủ số", []),
        ("kết quả Báo cáo của cơ sở y tế", []),
        ("Ban hành Kế hoạch của Ủy ban nhân dân tỉnh Vĩnh Long", ["UBND tỉnh"]),
        ("theo Kế hoạch số 218/KH-UBND, KH-VPUBND", []),
        (
            "Đài Phát thanh và Truyền hình Vĩnh Long, Báo Vĩnh Long",
            ["Đài Phát thanh và Truyền hình tỉnh", "Báo Vĩnh Long"],
        ),
        # a compound sector keeps its second half, with its dash or without ("Văn hoá Xã⏎hội" in a table cell);
        # the commune offices of 2025 are sectors too
        ("Lãnh đạo Phòng Văn hoá Xã hội xem xét hồ sơ", ["Phòng Văn hóa - Xã hội"]),
        ("Phòng Văn hóa - Xã hội thẩm định hồ sơ", ["Phòng Văn hóa - Xã hội"]),
        ("Phòng Tài chính Kế hoạch phối hợp thực hiện", ["Phòng Tài chính - Kế hoạch"]),
        ("Phòng Kinh tế, Hạ tầng và Đô thị tham mưu", ["Phòng Kinh tế, Hạ tầng và Đô thị"]),
    ],
)
def test_prose_mentions_stop_at_boundaries(sentence: str, expected: list[str]) -> None:
    units = UnitResolver(VINH_LONG).units(sentence)
    assert [u.name for u in units if not u.is_group] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("các cơ quan, đơn vị, địa phương tổ chức thực hiện", ["Các cơ quan, đơn vị, địa phương"]),  # a verb
        ("các cơ quan, đơn vị, tổ chức có liên quan", ["Các cơ quan, đơn vị, tổ chức có liên quan"]),  # a member
        ("các đơn vị thuộc Bộ Tư pháp", ["Các đơn vị"]),  # "thuộc" without a known owner is not part of the name
        ("các tổ chức chính trị - xã hội trực thuộc", ["Các tổ chức chính trị - xã hội trực thuộc"]),
        ("Ủy ban nhân dân các tỉnh, thành phố", ["Ủy ban nhân dân các tỉnh, thành phố"]),  # a group, not one body
    ],
)
def test_group_names_end_where_the_list_ends(sentence: str, expected: list[str]) -> None:
    units = UnitResolver(VINH_LONG).units(sentence)
    assert [u.name for u in units if u.is_group] == expected


def test_explicit_place_wins() -> None:
    units = UnitResolver(VINH_LONG).units("phối hợp với Sở Nội vụ tỉnh Sóc Trăng")
    assert [u.id for u in units] == ["vn.soc-trang/so-noi-vu"]


def test_elided_head_noun_distributes() -> None:
    text = "(Phòng Tư pháp, Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, Tài chính - Kế hoạch, Thanh tra thị xã)"
    ids = {u.id for u in UnitResolver(NGA_NAM).units(text)}
    assert ids == {
        "vn.soc-trang.tx-nga-nam/phong-tu-phap",
        "vn.soc-trang.tx-nga-nam/van-phong-hdnd-va-ubnd-thi-xa",
        "vn.soc-trang.tx-nga-nam/phong-tai-chinh-ke-hoach",
        "vn.soc-trang.tx-nga-nam/thanh-tra-thi-xa",
    }


# -- gold ---------------------------------------------------------------------------------------------------------

_PAREN = re.compile(r"\s*\([^)]*\)")


def _gold_keys(unit: dict[str, Any]) -> set[str]:
    names = [unit["name"], unit["unit_id"].split(":", 1)[1], *unit["variants"]]
    return {match_key(_PAREN.sub("", n).replace("–", "-")) for n in names} - {""}


def _doc_units(name: str) -> tuple[Unit, ...]:
    path = next(SAMPLES.glob(f"{name}_*.txt"))
    return UnitResolver(META[name]).units(normalize(path.read_text(encoding="utf-8")).text)


def _score(gold: list[dict[str, Any]], units: tuple[Unit, ...]) -> tuple[float, float]:
    mine = [u for u in units if not u.is_group]
    keys = [{match_key(u.name), *(match_key(v) for v in u.variants)} for u in mine]
    found = sum(any(_gold_keys(g) & k for k in keys) for g in gold)
    right = sum(any(_gold_keys(g) & k for g in gold) for k in keys)
    return found / len(gold), right / max(len(mine), 1)


@pytest.mark.parametrize("doc", ["000", "001", "002", "003", "004"])
def test_concrete_units_against_gold(doc: str, seeds_gold: dict[str, Any]) -> None:
    gold = next(v for k, v in seeds_gold.items() if k.startswith(doc))["units"]["concrete"]
    recall, precision = _score(gold, _doc_units(doc))
    print(f"{doc}: concrete units recall {recall:.2f} precision {precision:.2f} (gold {len(gold)})")
    assert recall >= 0.85
    assert precision >= 0.8


def test_same_unit_same_id_across_documents() -> None:
    def ids(doc: str) -> set[str]:
        return {u.id for u in _doc_units(doc)}

    st_001, nn_003, vl_004, dn_002 = ids("001"), ids("003"), ids("004"), ids("002")
    assert "vn.soc-trang/so-noi-vu" in st_001 & nn_003
    assert "vn.vinh-long/so-noi-vu" in vl_004 and "vn.dong-nai/so-noi-vu" in dn_002
    assert "vn.soc-trang/ubnd-tinh" in ids("000") & st_001 & nn_003
    assert "vn/thu-tuong-chinh-phu" in st_001 & dn_002 & nn_003 & vl_004
    assert "vn/chinh-phu" in ids("000") & st_001 & dn_002 & nn_003 & vl_004


# -- no concrete unit without an organisation name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "cell"),
    [
        (SOC_TRANG_VP, "Nhiệm vụ theo Mục III của Kế hoạch này"),  # a clause, not a name
        (SOC_TRANG, "sau đây gọi chung là"),
        (SOC_TRANG, "Đơn vị"),  # bare kind words
        (SOC_TRANG, "đơn vị"),
        (DONG_NAI_SNV, "Ban"),
        (NGA_NAM, "Phường"),
        (VINH_LONG, "ỦY BAN NHÂN DÂN"),
        (SOC_TRANG, "tỉnh Sóc Trăng"),  # a place only
        (DONG_NAI_SNV, "Trưởng ban"),  # a post only
    ],
)
def test_no_concrete_unit_without_a_name(meta: DocumentMeta, cell: str) -> None:
    resolver = UnitResolver(meta)
    refs = resolver.resolve(cell)
    assert all(r.is_group for r in refs), [r.id for r in refs]
    assert all(u.is_group for u in resolver.units("")), [u.id for u in resolver.units("")]


@pytest.mark.parametrize(
    ("meta", "cell", "expected"),
    [
        (
            SOC_TRANG_VP,
            "Trưởng các đơn vị được phân công nhiệm vụ theo Mục III của Kế hoạch này",
            ["group/vn.soc-trang/cac-don-vi-duoc-phan-cong"],
        ),
        (
            NGA_NAM,
            "Thủ trưởng các Phòng, ban ngành, các đơn vị sự nghiệp công lập thị xã",
            [
                "group/vn.soc-trang.tx-nga-nam/cac-phong-ban-nganh",
                "group/vn.soc-trang.tx-nga-nam/cac-don-vi-su-nghiep-cong-lap-thi-xa",
            ],
        ),
        (NGA_NAM, "Các Phòng, ban ngành thị xã", ["group/vn.soc-trang.tx-nga-nam/cac-phong-ban-nganh-thi-xa"]),
        (
            NGA_NAM,
            "Chủ tịch Ủy ban nhân dân các xã phường",
            ["group/vn.soc-trang.tx-nga-nam/uy-ban-nhan-dan-cac-xa-phuong"],
        ),
        (
            VINH_LONG,
            "Các sở, ban, ngành tỉnh; Ủy ban nhân dân (UBND) các huyện, thị xã, thành phố",
            [
                "group/vn.vinh-long/cac-so-ban-nganh-tinh",
                "group/vn.vinh-long/uy-ban-nhan-dan-cac-huyen-thi-xa-thanh-pho",
            ],
        ),
        (
            DONG_NAI_SNV,
            "Trưởng ban TĐKT, Trưởng ban Ban Tôn giáo",
            ["vn.dong-nai/so-noi-vu/ban-thi-dua-khen-thuong", "vn.dong-nai/so-noi-vu/ban-ton-giao"],
        ),
        # unnamed bodies are a group, a head noun alone is nothing
        (SOC_TRANG, "đơn vị", ["group/vn.soc-trang/don-vi"]),
        (NGA_NAM, "ban ngành", ["group/vn.soc-trang.tx-nga-nam/ban-nganh"]),
        (NGA_NAM, "Phường; Ban", []),
        # unknown organisations are still kept as written
        (
            VINH_LONG,
            "Sở Nội vụ; Kho bạc Nhà nước tỉnh",
            ["vn.vinh-long/so-noi-vu", "vn.vinh-long/kho-bac-nha-nuoc-tinh"],
        ),
        (VINH_LONG, "Bưu điện tỉnh", ["vn.vinh-long/buu-dien-tinh"]),
    ],
)
def test_cells_keep_only_named_units(meta: DocumentMeta, cell: str, expected: list[str]) -> None:
    assert [a.id for a in UnitResolver(meta).resolve(cell)] == expected


def test_phong_qt_is_not_expanded() -> None:
    """ "Phòng QT" could be Quản trị - Tài vụ or another division: kept as its own unit, never merged by guess."""
    (ref,) = UnitResolver(SOC_TRANG).resolve("Phòng QT")
    assert ref.name == "Phòng QT" and "quan-tri" not in ref.id


@pytest.mark.parametrize("doc", ["000", "001", "002", "003", "004"])
def test_every_seed_unit_has_a_name(doc: str) -> None:
    """No concrete unit of a seed (prose, cells, prose duties) is a bare kind word, a place, a post or a clause."""
    bare = re.compile(r"(?i)(?:đơn vị|ban|phường|xã|ban ngành.*|ủy ban nhân dân.*|sau đây.*|.* theo .*|tỉnh [A-ZĐ].*)")
    path = next(SAMPLES.glob(f"{doc}_*.txt"))
    for unit in extract_text(path.read_text(encoding="utf-8"), source=path.name).extraction.units:
        if not unit.is_group:
            assert not bare.fullmatch(unit.name), unit.id


CAN_THO = DocumentMeta(
    source="x", sha256="", issuer="Ủy ban nhân dân thành phố Cần Thơ", province="Cần Thơ", scope="vn.can-tho"
)


@pytest.mark.parametrize(
    ("meta", "cell", "written"),
    [
        # compound names stay whole
        (CAN_THO, "Liên hiệp các Hội Khoa học và Kỹ thuật", ["Liên hiệp các Hội Khoa học và Kỹ thuật"]),
        (CAN_THO, "Ban Quản lý khu Kinh tế", ["Ban Quản lý khu Kinh tế"]),
        (CAN_THO, "Báo và Phát thanh, Truyền hình Cần Thơ", ["Báo và Phát thanh, Truyền hình Cần Thơ"]),
        (CAN_THO, "Ban Tuyên giáo và Dân vận Thành ủy", ["Ban Tuyên giáo và Dân vận Thành ủy"]),
        (CAN_THO, "Chi cục Hải quan khu vực XIX", ["Chi cục Hải quan khu vực XIX"]),
        # a list is split at units, a group keeps its tail
        (CAN_THO, "Bộ Công an, Bộ Tài chính và các bộ, ngành, địa phương khác có liên quan",
         ["Bộ Công an", "Bộ Tài chính", "các bộ, ngành, địa phương khác có liên quan"]),
        (CAN_THO, "Ủy ban nhân dân xã, phường", ["Ủy ban nhân dân xã, phường"]),
        (CAN_THO, "Mặt trận Tổ quốc, Đoàn Thanh niên, Hội Phụ nữ",
         ["Mặt trận Tổ quốc", "Đoàn Thanh niên", "Hội Phụ nữ"]),
        # a post stays in the text as written; an aside in parentheses is no unit; a clause ends a name
        (CAN_THO, "Thủ trưởng các cơ quan, đơn vị", ["Thủ trưởng các cơ quan, đơn vị"]),
        (CAN_THO, "Bộ Công an (Trung tâm Dữ liệu quốc gia)", ["Bộ Công an"]),
        (CAN_THO, "Bộ Khoa học và Công nghệ với các tiêu chuẩn áp dụng chung", ["Bộ Khoa học và Công nghệ"]),
        (CAN_THO, "các đơn vị điện lực trên địa bàn thành phố trong việc cấp điện",
         ["các đơn vị điện lực trên địa bàn thành phố"]),
        # not units at all
        (CAN_THO, "Quý IV/2025", []),
        (CAN_THO, "TỔ CHỨC THỰC HIỆN", []),
        (CAN_THO, "Tổ chức các hoạt động tập huấn", []),
    ],
)  # fmt: skip
def test_names_as_written(meta: DocumentMeta, cell: str, written: list[str]) -> None:
    assert [r.text for r in UnitResolver(meta).resolve(cell)] == written


def test_a_city_s_own_bodies_are_at_province_level() -> None:
    (police,) = UnitResolver(CAN_THO).resolve("Công an thành phố")
    assert police.id == "vn.can-tho/cong-an-thanh-pho" and not police.is_group


def test_group_variants_share_one_id() -> None:
    resolver = UnitResolver(CAN_THO)
    (short,) = resolver.resolve("UBND các xã, phường")
    (full,) = resolver.resolve("Ủy ban nhân dân các xã, phường")
    assert short.id == full.id and short.is_group


@pytest.mark.parametrize(
    ("cell", "scope"),
    [
        ("Đài Truyền hình Việt Nam", "vn"),
        ("Cục Viễn thám quốc gia", "vn"),
        ("VPCP", "vn"),
        ("Hiệp hội Du lịch", "vn.can-tho"),
    ],
)
def test_national_bodies_are_not_scoped_to_the_document_s_province(cell: str, scope: str) -> None:
    (ref,) = UnitResolver(CAN_THO).resolve(cell)
    assert ref.id.split("/")[0] == scope
