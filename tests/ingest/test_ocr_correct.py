"""ingest.ocr_correct and ingest.syllables: the Vietnamese OCR slips fixed, and text left alone."""

from __future__ import annotations

import pytest

from ingest.ocr_correct import correct
from ingest.syllables import is_syllable, split_syllables


@pytest.mark.parametrize(
    ("ocr", "fixed"),
    [
        ("Nghị định số 107/2020/NĐ-CR ngày 14/9/2020", "Nghị định số 107/2020/NĐ-CP ngày 14/9/2020"),
        ("Quyết định số 1086/QÐ-UBND", "Quyết định số 1086/QĐ-UBND"),  # Icelandic eth for Đ
        ("Kế hoạch số 218/KH-U8ND", "Kế hoạch số 218/KH-UBND"),
        ("Thông tư số 0l/2O21/TT-BNV", "Thông tư số 01/2021/TT-BNV"),
        ("Quyết định số l07 / 2O20 / QĐ - UBND", "Quyết định số 107/2020/QĐ-UBND"),
        ("ngày 14/9/20210 của Chính phủ", "ngày 14/9/2021 của Chính phủ"),
        ("trong năm 20240.", "trong năm 2024."),
        ("đạt 9O% trở lên", "đạt 90% trở lên"),
        ("sỐ trong thỜi gian", "số trong thời gian"),
        ("Văn phòng SỞ\tThanh tra SỞ, Văn phòng", "Văn phòng Sở\tThanh tra Sở, Văn phòng"),
        ("Các đơnvị có liên quan", "Các đơn vị có liên quan"),
        ("Nhiệmvụ chung\tSảnphẩm", "Nhiệm vụ chung\tSản phẩm"),
        ("Đơnvichủ trì", "Đơn vi chủ trì"),
        ("Đơnvjichủ trì\tĐơn vj phối hợp", "Đơn vị chủ trì\tĐơn vị phối hợp"),  # a dot below read as j
        ("e) Tăng cường;\n\nø) Nâng cao;\nh) Rà soát", "e) Tăng cường;\n\ng) Nâng cao;\nh) Rà soát"),
        ("chuye \u0302n môn", "chuyên môn"),  # a mark split from its letter
        ("ban hành ˆ theo", "ban hành theo"),
        ("KẾ HOẠCH |\n|\tCải cách ¦ thể chế\tVăn phòng Sở ' _", "KẾ HOẠCH\n\tCải cách thể chế\tVăn phòng Sở"),
        (".Đồng Nai, ngày 12\nSTT'\tNhiệm vụ`", "Đồng Nai, ngày 12\nSTT\tNhiệm vụ"),  # dust by a word
    ],
)
def test_fixes(ocr: str, fixed: str) -> None:
    assert correct(ocr) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ",
        "Quyết định số 28/2018/QĐ-TTg; Tờ trình số 12/TTr-SNV; Chương trình 05/CTr-UBND",
        "tỷ lệ 1/2, phân số 3/4, ngày 01/7/2025, giai đoạn 2021-2025",
        "ISO 9001:2015, mức độ 3, 4; II. NỘI DUNG; III; Điều 2",
        "UBND tỉnh Đắk Lắk, xã Ea Kao, TP. Hồ Chí Minh",  # names that are not one syllable each stay
        "CCHC, TTHC, VBQPPL, HĐND",
        "Ban hành KẾ HOẠCH CẢI CÁCH; giao SỞ NỘI VỤ; UBND ĐẮK LẮK",  # capitals written as capitals
        "STT\tNhiệm vụ\tĐơn vị chủ trì\n1\tRà soát\tSở Nội vụ",
        "Sở Nội vụ; Sở Thông tin và Truyền thông; Phòng Quản trị - Tài vụ",
        "a) Rà soát;\nb) Công khai;\nđ) Kiểm tra;\ne) Báo cáo",
        "Fax, Website, Zalo, jpg, Jun",
        "- Kế hoạch; ... và các nội dung khác.\n1. Mục tiêu: “Chính quyền số”",
    ],
)
def test_leaves_correct_text_alone(text: str) -> None:
    assert correct(text) == text


@pytest.mark.parametrize("word", ["nghiêng", "quyết", "giữ", "gì", "hoạch", "khuyến", "người", "Ủy", "ĐỒNG"])
def test_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["kea", "đơnvị", "cafộ", "hoaïch", "Đắk", "xyz", "ngàý"])
def test_not_syllables(word: str) -> None:
    assert not is_syllable(word)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("đơnvị", ["đơn", "vị"]),
        ("thànhphố", ["thành", "phố"]),
        ("vichủ", ["vi", "chủ"]),  # the longest onset for the later syllable
        ("Kếhoạchsố", ["Kế", "hoạch", "số"]),
        ("hoạch", ["hoạch"]),
        ("Đắk", None),
        ("abcdefghij", None),
    ],
)
def test_split_syllables(word: str, parts: list[str] | None) -> None:
    assert split_syllables(word) == parts
