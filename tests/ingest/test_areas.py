"""Reform-area matching (spec legal-identifiers §5.2): headings and table group rows, never sentences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.areas import REFORM_AREAS, area_of, heading_key, leading_area, may_name_area

SLUGS = [
    "chi-dao-dieu-hanh", "the-che", "tthc", "to-chuc-bo-may", "cong-vu", "tai-chinh-cong", "chinh-quyen-so", "tac-dong",
]  # fmt: skip


def test_eight_standard_areas() -> None:
    assert list(REFORM_AREAS) == SLUGS


@pytest.mark.parametrize("area", REFORM_AREAS.values(), ids=lambda a: a.slug)
def test_every_label_matches_its_own_area(area) -> None:  # type: ignore[no-untyped-def]
    for label in (area.pref_label, *area.alt_labels):
        assert area_of(label) == area.slug, label
        assert area_of(label.upper()) == area.slug, label


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        # seed headings, as normalised
        ("I. CẢI CÁCH THỂ CHẾ", "the-che"),
        ("<b>Cải cách TTHC</b>", "tthc"),
        ("Công tác chỉ đạo điều hành", "chi-dao-dieu-hanh"),
        ("Xây dựng và phát triển Chính phủ điện tử, chính quyền số", "chinh-quyen-so"),
        ("VII\tChỉ đạo điều hành CCHC\t\t\t\t", "chi-dao-dieu-hanh"),
        ("<b>I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH</b>\t\t\t\t\t", "chi-dao-dieu-hanh"),
        ("<b>VIII</b>\t<b>ĐÁNH GIÁ TÁC ĐỘNG CỦA CCHC ĐẾN NGƯỜI DÂN, TỔ CHỨC VÀ PHÁT TRIỂN KT - XH</b>\t\t", "tac-dong"),
        ("Công tác chỉ đạo điều hành\t1. Xây dựng và tổ chức thực hiện CCHC\tKế hoạch", "chi-dao-dieu-hanh"),
        ("3. Cải cách thủ tục hành chính (TTHC)", "tthc"),
        ("2. Cải cách thủ tục hành chính.", "tthc"),
        ("7. Công tác chỉ đạo, điều hành thực hiện cải cách hành chính", "chi-dao-dieu-hanh"),
        ("1. Công tác chỉ đạo, điều hành CCHC", "chi-dao-dieu-hanh"),
        ("IV. CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC", "to-chuc-bo-may"),
        ("4. Cải cách tổ chức bộ máy", "to-chuc-bo-may"),
        ("**5. Cải cách chế độ công vụ**", "cong-vu"),
        ("Cải cách công vụ", "cong-vu"),
        ("V\tCải cách tài chính công\t\t\t\t", "tai-chinh-cong"),
        ("6. Xây dựng và phát triển chính quyền điện tử, chính quyền số", "chinh-quyen-so"),
        ("## VII. XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "chinh-quyen-so"),
        ("8. Đánh giá tác động của CCHC đến người dân, tổ chức và phát triển kinh tế - xã hội", "tac-dong"),
        # variants other provinces write
        ("1. Cải cách thể chế:", "the-che"),
        ("a) Cải cách thủ tục hành chính năm 2024", "tthc"),
        ("II - CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "tthc"),
        ("2.3. Cải cách chế độ công vụ, công chức", "cong-vu"),
        ("Xây dựng Chính quyền điện tử", "chinh-quyen-so"),
        ("Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", "chinh-quyen-so"),
        ("Hiện đại hóa hành chính", "chinh-quyen-so"),
        ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", "cong-vu"),
        ("Công tác lãnh đạo, chỉ đạo, điều hành cải cách hành chính", "chi-dao-dieu-hanh"),
        ("Chỉ đạo, điều hành", "chi-dao-dieu-hanh"),
        ("Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội", "tac-dong"),
        ("Cải cách tổ chức bộ máy hành chính nhà nước các cấp", "to-chuc-bo-may"),
        ("Cải cách hoá thủ tục hành chính", None),
    ],
)
def test_area_of(heading: str, expected: str | None) -> None:
    assert area_of(heading) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Cải cách hành chính năm 2022",
        "Thực hiện cải cách hành chính năm 2024",
        "II. NỘI DUNG",
        "NHIỆM VỤ CCHC",
        "Kinh phí thực hiện",
        "d) Nâng cao chất lượng xây dựng văn bản quy phạm pháp luật gắn với nâng cao hiệu lực",
        "e) Tăng cường cải cách thủ tục hành chính, quan tâm rà soát, đề xuất cắt giảm",
        "Tập trung triển khai có hiệu quả việc xây dựng Chính quyền điện tử, Chính quyền số theo chỉ tiêu",
        "Tiếp tục tham mưu hiệu quả công tác chỉ đạo điều hành cải cách hành chính, nhất là công tác tuyên truyền",
        "1\tKiểm soát thủ tục hành chính\t\t\t\t",
        "\t2. Xây dựng và tổ chức thực hiện Kế hoạch tuyên truyền CCHC tại Văn phòng UBND tỉnh.",
        "Kiểm soát thủ tục hành chính",
        "Sở Tài chính",
        "Cải cách",
        "",
        "\t\t\t",
    ],
)
def test_sentences_and_other_headings_are_not_areas(text: str) -> None:
    assert area_of(text) is None


def test_heading_key_strips_numbering_markup_brackets_and_year() -> None:
    assert heading_key("### **3. Cải cách thủ tục hành chính (TTHC)**") == "cai cach thu tuc hanh chinh"
    assert heading_key("VII. Cải cách thể chế năm 2024:") == "cai cach the che"


AREA_PIECES = [
    "Cải cách", "thể chế", "hành chính", "Về", "1.", "I.", "a)", "-", "<b>", "**", " ", "\t", "Triển khai",
    "Chính quyền số", "Xây dựng", "và", "Tiếp tục", "x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(AREA_PIECES), max_size=12).map(" ".join))
def test_may_name_area_is_false_only_where_no_area_is_found(text: str) -> None:
    if not may_name_area(text):
        assert area_of(text) is None and leading_area(text) is None


@pytest.mark.parametrize("prefix", ["", "1. ", "1.2. ", "I. ", "a) ", "- ", "<b>", "**", "Về ", "  "])
@pytest.mark.parametrize("suffix", ["", " Tiếp tục triển khai", ":"])
def test_may_name_area_holds_for_every_area_label(prefix: str, suffix: str) -> None:
    labels = [label for area in REFORM_AREAS.values() for label in (area.pref_label, *area.alt_labels)]
    for text in (f"{prefix}{label}{suffix}" for label in labels):
        if area_of(text) is not None or leading_area(text) is not None:
            assert may_name_area(text), text
