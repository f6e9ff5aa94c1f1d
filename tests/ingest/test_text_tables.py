"""ingest.text_tables through ingest.normalize: tables written as text become tab-separated rows."""

from __future__ import annotations

import pytest

from ingest.normalize import normalize
from ingest.text_tables import table_edits


def _cells_map_back(source: str, norm_text: str, starts: list[int], ends: list[int]) -> None:
    """Every cell of every tab row is a span of the source (emphasis marks and line breaks aside)."""
    pos = 0
    for line in norm_text.split("\n"):
        if "\t" in line:
            col = pos
            for cell in line.split("\t"):
                if cell:
                    a, b = starts[col], ends[col + len(cell) - 1]
                    assert " ".join(source[a:b].replace("*", "").split()) == cell
                col += len(cell) + 1
        pos += len(line) + 1


TASK_TABLE = """PHỤ LỤC
|
**STT**
|
**NHIỆM VỤ**
|
**CHỦ TRÌ**
|
**PHỐI HỢP**
|
**THỜI GIAN**
|
|
**I**
|
**NHÓM
GIẢI PHÁP VỀ CƠ CHẾ**
|
|
1
|
Rà soát, kịp thời cụ thể
hoá các cơ chế, chính sách.
|
Sở Tài chính
|
Sở, ban, ngành có liên quan
|
Thường xuyên
|
|
2
|
Đề xuất giải pháp cải thiện
môi trường đầu tư.
|
Sở Tài chính
|
|
2026
|
"""

HEADER_AND_BODY = """|
**ỦY BAN NHÂN
DÂN**
**TỈNH PHÚ THỌ**
--------
|
**CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số:
102/2025/QĐ-UBND
|
*Phú Thọ, ngày
18 tháng 11 năm 2025*
|
**Kính gửi:** Sở Nội vụ.
Ủy ban nhân dân tỉnh đề nghị Sở Nội vụ
thực hiện các nội dung sau.
|
Nơi nhận:
- Như trên;
- Lưu: VT.
|
**KT. CHỦ TỊCH**
PHÓ CHỦ TỊCH
Đinh Công Sứ
|
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            TASK_TABLE,
            "PHỤ LỤC\n"
            "STT\tNHIỆM VỤ\tCHỦ TRÌ\tPHỐI HỢP\tTHỜI GIAN\n"
            "I\tNHÓM GIẢI PHÁP VỀ CƠ CHẾ\t\t\t\n"
            "1\tRà soát, kịp thời cụ thể hoá các cơ chế, chính sách.\tSở Tài chính\tSở, ban, ngành có liên quan"
            "\tThường xuyên\n"
            "2\tĐề xuất giải pháp cải thiện môi trường đầu tư.\tSở Tài chính\t\t2026",
        ),
        (
            HEADER_AND_BODY,
            "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n"
            "Số: 102/2025/QĐ-UBND\tPhú Thọ, ngày 18 tháng 11 năm 2025\n"
            "Kính gửi: Sở Nội vụ.\n"
            "Ủy ban nhân dân tỉnh đề nghị Sở Nội vụ thực hiện các nội dung sau.\n"
            "Nơi nhận: - Như trên; - Lưu: VT.\tKT. CHỦ TỊCH PHÓ CHỦ TỊCH Đinh Công Sứ",
        ),
        # Markdown pipe rows, with and without outer bars, rule dropped.
        (
            "| TT | Nhiệm vụ | Chủ trì |\n|---|---|---|\n| 1 | Rà soát | Sở Nội vụ |",
            "TT\tNhiệm vụ\tChủ trì\n1\tRà soát\tSở Nội vụ",
        ),
        (
            "QUỐC HỘI | CỘNG HÒA XÃ HỘI |\nLuật số: 60/2024/QH15 | |",
            "QUỐC HỘI\tCỘNG HÒA XÃ HỘI\nLuật số: 60/2024/QH15\t",
        ),
        # A one-cell title row over the header: the next row sets the width.
        (
            "|\nBẢNG PHÂN CÔNG\n|\n|\nTT\n|\nNội dung\n|\n|\n1\n|\nRà soát\n|",
            "BẢNG PHÂN CÔNG\t\nTT\tNội dung\n1\tRà soát",
        ),
    ],
)
def test_tables_become_rows(source: str, expected: str) -> None:
    norm = normalize(source)
    assert norm.text == expected
    _cells_map_back(source, norm.text, list(norm.starts), list(norm.ends))


@pytest.mark.parametrize(
    "source",
    [
        "Chi phí | tổng cộng",  # one pipe in prose
        "|\n\nKhông có bảng.",  # a stray bar
        "Kết quả: a | b\nNội dung khác",  # a single pipe row is not a table
        "Không có gạch đứng nào.",
    ],
)
def test_prose_with_bars_is_not_a_table(source: str) -> None:
    assert "\t" not in normalize(source).text


def test_empty_cells_in_a_numbered_table_keep_columns() -> None:
    source = "|\nTT\n|\nTên\n|\nSố lượng\n|\nGhi chú\n|\n|\n1\n|\nTrong nước\n|\n|\n|\n|\n2\n|\nQuốc tế\n|\n|\n|\n"
    assert normalize(source).text == "TT\tTên\tSố lượng\tGhi chú\n1\tTrong nước\t\t\n2\tQuốc tế\t\t"


def test_no_edits_without_bars() -> None:
    assert table_edits("Kế hoạch\nkhông có bảng") == []


def test_table_ends_at_a_blank_line() -> None:
    source = "|\nA\n|\nB\n|\n\n1. Sở Nội vụ\n"
    assert normalize(source).text == "A\tB\n1. Sở Nội vụ"


def test_appendix_caption_between_signature_and_table_is_not_a_cell() -> None:
    source = (
        "|\nNơi nhận:\n- Như Điều 3;\n|\nKT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG\nNguyễn Văn A\n|\n"
        "PHỤ LỤC II\nDANH MỤC NHIỆM VỤ\n|\nTT\n|\nNhiệm vụ\n|\nCơ quan chủ trì\n|\n|\n"
        "1\n|\nXây dựng Luật\n|\nBộ Công an\n|\n"
    )
    assert normalize(source).text.split("\n") == [
        "Nơi nhận: - Như Điều 3;\tKT. THỦ TƯỚNG PHÓ THỦ TƯỚNG Nguyễn Văn A",
        "PHỤ LỤC II",
        "DANH MỤC NHIỆM VỤ",
        "TT\tNhiệm vụ\tCơ quan chủ trì",
        "1\tXây dựng Luật\tBộ Công an",
    ]


def test_merged_group_rows_and_a_lost_row_boundary() -> None:
    source = (
        "|\nTT\n|\nNhiệm vụ\n|\nChủ trì\n|\n|\nIII\n|\nỨng dụng\n|\n|\nIII.1\n|\nNhóm nền tảng\n|\n|\n"
        "1\n|\nTriển khai Cổng\n|\nVăn phòng Chính phủ\n|\n2\n|\nXây dựng\n|\nBộ Công an\n|\n"
    )
    assert normalize(source).text.split("\n") == [
        "TT\tNhiệm vụ\tChủ trì",
        "III\tỨng dụng\t",
        "III.1\tNhóm nền tảng\t",
        "1\tTriển khai Cổng\tVăn phòng Chính phủ",
        "2\tXây dựng\tBộ Công an",
    ]


def test_a_long_cell_with_numbered_items_is_body_text_not_a_cell() -> None:
    """Web pages put a whole telegram's body inside a layout table: its items must stay lines of prose."""
    body = "\n".join(
        f"{n}. Bộ số {n} chủ trì, phối hợp với các địa phương\nthực hiện việc thứ {n} của công điện này\n"
        "theo chức năng, nhiệm vụ được giao."
        for n in range(1, 8)
    )
    source = f"|\nKính gửi: các Bộ\n|\n{body}\n|\nNơi nhận:\n|\n"
    items = [line for line in normalize(source).text.split("\n") if "Bộ số" in line]
    assert [line[:10] for line in items] == [f"{n}. Bộ số {n}" for n in range(1, 8)]
    assert not any("\t" in line for line in items)


def test_a_long_cell_without_items_stays_a_cell() -> None:
    long_cell = "\n".join(f"dòng mô tả thứ {n} của bước thực hiện" for n in range(25))
    source = f"|\nBước\n|\nNội dung\n|\n|\n1\n|\n{long_cell}\n|\n"
    assert normalize(source).text.split("\n")[1].startswith("1\tdòng mô tả thứ 0")
