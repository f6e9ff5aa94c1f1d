"""ingest.normalize: every rule with positive and negative cases, and the offset map back to the source."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.normalize import NormalizedText, normalize
from tests.helpers import SAMPLES


def _seed(prefix: str) -> str:
    (path,) = SAMPLES.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _assert_map_exact(source: str, norm: NormalizedText) -> None:
    """Every output char that spans exactly one source char is that char (modulo the look-alike table)."""
    text = norm.text
    assert len(norm.starts) == len(text) + 1
    assert len(norm.ends) == len(text)
    assert norm.starts[len(text)] == len(source)
    for i, ch in enumerate(text):
        a, b = norm.starts[i], norm.ends[i]
        assert 0 <= a < b <= len(source), (i, ch, a, b)
        if i:
            assert norm.starts[i - 1] <= a
        if b - a == 1 and ch not in " \n\t-/ĐđÐð":
            look_alike = ch.isascii() and unicodedata.name(source[a]).startswith(("CYRILLIC", "GREEK"))
            assert source[a] == ch or look_alike, (i, ch, source[a])


# --- characters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Nghi\u0323 đi\u0323nh", "Nghị định"),  # NFD (cp1258 / PDF) → NFC
        ("U\u031b\u0309y ban", "Ửy ban"),
        ("\u00d0ồng Nai", "Đồng Nai"),  # Latin ETH look-alike
        ("\u0189ồng", "Đồng"),
        ("\u00f0ơn vị", "đơn vị"),
        ("D\u0335ồng", "Đồng"),  # D + combining stroke
        ("d\u0336ơn", "đơn"),
        ("107/2020/N\u00d0-CP", "107/2020/NĐ-CP"),
        ("2021 \u2013 2030", "2021 - 2030"),
        ("a\u2010b\u2011c\u2012d\u2014e\u2015f\u2212g\ufe58h\ufe63i\uff0dj", "a-b-c-d-e-f-g-h-i-j"),
        ("01\u2215KH\u2044UBND\uff0f", "01/KH/UBND/"),
        ("số\u00a0218", "số 218"),
        ("số\u2009218\u202f/\u3000x", "số 218 / x"),
        ("Kế\u200b hoạch\ufeff\u200d", "Kế hoạch"),
        ("\ufeffKẾ HOẠCH", "KẾ HOẠCH"),
        ("Đà Nẵng", "Đà Nẵng"),  # already clean: unchanged
        ("TT-BTC", "TT-BTC"),
        ("23/2024/NĐ-C\u0420", "23/2024/NĐ-CP"),  # Cyrillic Р drawn like Latin P
        ("02/2024/TT-BKHĐ\u0422 \u0392\u03bf", "02/2024/TT-BKHĐT Bo"),  # Cyrillic Т, Greek Β and ο
    ],
)
def test_characters(source: str, expected: str) -> None:
    norm = normalize(source)
    assert norm.text == expected
    assert unicodedata.is_normalized("NFC", norm.text)
    _assert_map_exact(source, norm)


def test_nfd_offsets_cover_the_whole_sequence() -> None:
    source = "so\u0302\u0301 33"  # "số" decomposed into three code points
    norm = normalize(source)
    assert norm.text == "số 33"
    assert norm.source_span(0, 2) == (0, 4)
    assert norm.source_span(3, 5) == (5, 7)


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<b>Cải cách TTHC</b>\t2. Tham mưu", "Cải cách TTHC\t2. Tham mưu"),
        ("<p>5. Đẩy mạnh.</p>\t<p>Báo cáo</p>\t<p>Phòng A</p>", "5. Đẩy mạnh.\tBáo cáo\tPhòng A"),  # cells: no breaks
        ("<p>Đoạn một.</p><p>Đoạn hai.</p>", "Đoạn một.\nĐoạn hai."),  # prose: paragraph boundaries
        ("Dòng một.<br>Dòng hai.<br/>Ba.", "Dòng một.\nDòng hai.\nBa."),
        ("<div>A.</div><ul><li>Một;</li><li>Hai.</li></ul>", "A.\nMột;\nHai."),
        (
            "<table><tr><th>STT</th><th>Nhiệm vụ</th></tr><tr><td>1</td><td>Làm</td></tr></table>",
            "STT\tNhiệm vụ\n1\tLàm",
        ),
        ("<table><tr><td><p>Nhiệm vụ</p><p>con.</p></td><td>X</td></tr></table>", "Nhiệm vụ con.\tX"),
        ("A &amp; B &lt;5&gt; &#273;&#x1ED3;ng", "A & B <5> đồng"),
        ("2021&ndash;2030&nbsp;năm", "2021-2030 năm"),
        ("&unknownentity; giữ", "&unknownentity; giữ"),
        ("Kết<b>thúc</b> <i>x</i>", "Kếtthúc x"),
        ("<!-- ghi chú --><script>var a = '<p>';</script>Nội dung", "Nội dung"),
        ("tỷ lệ < 5% và a<b", "tỷ lệ < 5% và a<b"),  # not tags: left alone
    ],
)
def test_html(source: str, expected: str) -> None:
    norm = normalize(source)
    assert norm.text == expected
    _assert_map_exact(source, norm)


def test_html_page_line_breaks_are_spaces() -> None:
    source = "<html><body>\n<p>Căn cứ Nghị định số\n   33/2023/NĐ-CP của\nChính phủ.</p>\n<p>Hai.</p></body></html>"
    norm = normalize(source)
    assert norm.text == "Căn cứ Nghị định số 33/2023/NĐ-CP của Chính phủ.\nHai."
    _assert_map_exact(source, norm)


def test_html_page_indentation_tabs_are_not_cells() -> None:
    source = "<!DOCTYPE html>\n<body>\n\t<p>Đoạn một.</p>\n\t<p>Đoạn\thai.</p>\n\t<table><tr><td>1</td><td>A</td></tr>"
    assert normalize(source).text == "Đoạn một.\nĐoạn hai.\n1\tA"


def test_entity_offsets_cover_the_entity() -> None:
    source = "A&amp;B"
    norm = normalize(source)
    assert norm.text == "A&B"
    assert norm.source_span(1, 2) == (1, 6)
    assert norm.source_span(0, 3) == (0, 7)


# --- Markdown ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**KẾ HOẠCH**", "KẾ HOẠCH"),
        ("## **I. MỤC TIÊU**", "I. MỤC TIÊU"),
        ("#### 1. Mục đích", "1. Mục đích"),
        ("***Nơi nhận:***", "Nơi nhận:"),
        ("*Căn cứ Luật;*", "Căn cứ Luật;"),
        ("theo quy định (*nếu có*), đảm bảo", "theo quy định (nếu có), đảm bảo"),
        ("- Lưu: VT.*Nhật*", "- Lưu: VT.Nhật"),
        ("**KT. CHỦ TỊCH  \nPHÓ CHỦ TỊCH**", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
        ("**Phụ lục****Nhiệm vụ năm 2023**", "Phụ lục\nNhiệm vụ năm 2023"),
        ("__Chú ý__ ở đây", "Chú ý ở đây"),
        # negatives: multiplication, lone stars, blanks of underscores, '#' not a heading
        ("127 TTHC * 10% = 12.7", "127 TTHC * 10% = 12.7"),
        ("5\t5*80% = 4\t4*60% = 3", "5\t5*80% = 4\t4*60% = 3"),
        ("Số: ____/KH-UBND", "Số: ____/KH-UBND"),
        ("#1 ưu tiên", "#1 ưu tiên"),
        ("**Mở không đóng.\n\nĐoạn khác**", "Mở không đóng.\nĐoạn khác"),  # unpaired runs are markers too
        ("**2. **Ưu tiên bố trí", "2. Ưu tiên bố trí"),  # the closing run after a space
        ("**1. Sở Nội vụ **(thường trực):", "1. Sở Nội vụ (thường trực):"),
        ("** II**\tHỖ TRỢ", "II\tHỖ TRỢ"),
        ("*Hà Nội, ngày 20\ntháng 11 năm 2025 *", "Hà Nội, ngày 20 tháng 11 năm 2025"),  # a span over two lines
        # a marker alone on its line leaves no blank line that would end the table
        ("|\n**ỦY BAN NHÂN DÂN\n**\nTỈNH CÀ MAU\n|\nCỘNG HÒA\n|", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU\tCỘNG HÒA"),
    ],
)
def test_markdown(source: str, expected: str) -> None:
    norm = normalize(source)
    assert norm.text == expected
    _assert_map_exact(source, norm)


# --- lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("  Dòng   có   nhiều  khoảng  \n\n\n   Dòng hai.  ", "Dòng có nhiều khoảng\nDòng hai."),
        ("A.\n\n- 5 -\n\nB.", "A.\nB."),  # page numbers
        ("A.\n12\nB.", "A.\nB."),
        ("A.\n 3 \nB.", "A.\nB."),
        ("A.\n2024\nB.", "A.\n2024\nB."),  # four digits: a year, kept
        ("A.\n-----------\nB.", "A.\nB."),  # rules
        ("STT\tTên\n---\t---\n1\tA", "STT\tTên\n1\tA"),
        ("STT \t Tên \t\t Ghi chú\t", "STT\tTên\t\tGhi chú\t"),  # tabs kept, spaces around trimmed
        ("I\tCải cách thể chế\t\t\t\t", "I\tCải cách thể chế\t\t\t\t"),
        (
            "1\tTham mưu ban hành\tVăn phòng\n\tthuộc Sở theo quy định.\t\t",
            "1\tTham mưu ban hành\tVăn phòng\n\tthuộc Sở theo quy định.\t\t",
        ),
        ("Sóc Trăng, ngày\n\ntháng 01 năm 2024", "Sóc Trăng, ngày tháng 01 năm 2024"),
        (
            "- Ủy ban nhân dân các huyện, thành phố,  \ntỉnh Sóc Trăng.",
            "- Ủy ban nhân dân các huyện, thành phố, tỉnh Sóc Trăng.",
        ),
        (
            "(Kèm theo Quyết định số /QĐ-UBND ngày tháng 12 năm 2022  \ncủa Chủ tịch UBND tỉnh)",
            "(Kèm theo Quyết định số /QĐ-UBND ngày tháng 12 năm 2022 của Chủ tịch UBND tỉnh)",
        ),
        ("Kế hoạch số 05/KH-UBND ngày\n13/01/2023 của UBND", "Kế hoạch số 05/KH-UBND ngày 13/01/2023 của UBND"),
        # negatives: a break is meant
        ("KẾ HOẠCH\nThực hiện cải cách hành chính năm 2024", "KẾ HOẠCH\nThực hiện cải cách hành chính năm 2024"),
        ("ỦY BAN NHÂN DÂN\nTỈNH VĨNH LONG", "ỦY BAN NHÂN DÂN\nTỈNH VĨNH LONG"),
        ("Nơi nhận:\n- Như trên;\n- Lưu: VT.", "Nơi nhận:\n- Như trên;\n- Lưu: VT."),
        ("1. Mục tiêu\nTriển khai đồng bộ.", "1. Mục tiêu\nTriển khai đồng bộ."),
        ("nhiệm vụ sau\na) Rà soát", "nhiệm vụ sau\na) Rà soát"),
        ("Triacetin\n2915.39.90", "Triacetin\n2915.39.90"),  # cells one per line
        ("Túi ni lông\nkg", "Túi ni lông\nkg"),
        ("chuyển nhượng\tA\ncủa hộ\tB", "chuyển nhượng\tA\ncủa hộ\tB"),  # never across table rows
        ("Trên đây là Kế hoạch./.\nthêm", "Trên đây là Kế hoạch./.\nthêm"),
    ],
)
def test_lines(source: str, expected: str) -> None:
    norm = normalize(source)
    assert norm.text == expected
    _assert_map_exact(source, norm)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("TTMM..  ỦỦYY  BBAANN  NNHHÂÂNN  DDÂÂNN", "TM. ỦY BAN NHÂN DÂN"),
        ("CCHHỦỦ  TTỊỊCCHH", "CHỦ TỊCH"),
        ("KKiimm  TThhááii  PPhhoonngg", "Kim Thái Phong"),
        # negatives: single tokens, short tokens, ordinary words
        ("TTMM..", "TTMM.."),
        ("TT TT", "TT TT"),
        ("xoong nồi", "xoong nồi"),
        ("TT. Thị ủy", "TT. Thị ủy"),
        ("aabb ccdx", "aabb ccdx"),
    ],
)
def test_dedoubling(source: str, expected: str) -> None:
    norm = normalize(source)
    assert norm.text == expected
    _assert_map_exact(source, norm)


def test_dedoubled_offsets_cover_both_copies() -> None:
    source = "KKiimm  TThhááii"
    norm = normalize(source)
    assert norm.text == "Kim Thái"
    assert norm.source_span(0, 3) == (0, 6)
    assert source[slice(*norm.source_span(4, 8))] == "TThhááii"


# --- PDF layout (seed 003) ---------------------------------------------------------------------

WRAPPED = (
    " KẾ HOẠCH \n\nThực hiện cải cách hành chính năm 2024 \n\n \n\n"
    "Căn cứ Kế hoạch số 218/KH-UBND ngày 19/12/2024 của Ủy ban nhân \n\n"
    "dân tỉnh Sóc Trăng về thực hiện cải cách hành chính năm 2024; \n\n"
    "I. MỤC TIÊU, YÊU CẦU \n\n1. Mục tiêu \n\n"
    "Triển khai đồng bộ, hiệu quả các mục tiêu, nhiệm vụ, giải pháp cải cách \n\n"
    "hành chính trong Chương trình tổng thể cải cách hành chính giai đoạn 2021 – \n\n"
    "2030 và Kế hoạch triển khai Nghị quyết của Ban chấp hành Đảng bộ tỉnh về đẩy \n\n"
    "mạnh cải cách hành chính nhà nước tỉnh Sóc Trăng đến năm 2025, định hướng \n\n"
    "đến năm 2030 nhằm xây dựng nền hành chính chuyên nghiệp, hiện đại, hoạt \n\n"
    "động hiệu lực, hiệu quả, phát triển và phục vụ Nhân dân. \n\n"
    "Tiếp tục kiện toàn nhân sự làm việc tại Bộ phận Một cửa thị xã và Ủy ban \n\n"
    "nhân dân xã, phường đảm bảo hoạt động hiệu quả. Xử lý nghiêm cán bộ, công \n\n"
    "3 \n\n"
    "chức, viên chức làm phát sinh thêm hồ sơ, giấy tờ, yêu cầu, điều kiện không \n\n"
    "đúng quy định theo Nghị định số \n\n33/2023/NĐ-CP ngày 10/6/2023 của Chính phủ. \n\n"
    "lộ trình của Kế hoạch số 05/KH-UBND ngày 13/01/2023 của Ủy ban nhân dân thị xã Ngã \n\n"
    "Năm về Chuyển đổi số thị xã Ngã Năm đến năm 2025, định hướng đến năm 2030. \n\n"
    "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số \n\n"
    "Tập trung triển khai có hiệu quả việc xây dựng Chính quyền điện tử. \n\n"
    "III. PHÂN CÔNG CỤ THỂ CÁC NHIỆM VỤ VÀ TRIỂN KHAI \n\n"
    "THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM 2024 \n\n(Theo phụ lục đính kèm) \n\n"
)


def test_wrapped_pdf_lines_are_joined() -> None:
    lines = normalize(WRAPPED).text.split("\n")
    assert lines[:5] == [
        "KẾ HOẠCH",
        "Thực hiện cải cách hành chính năm 2024",
        "Căn cứ Kế hoạch số 218/KH-UBND ngày 19/12/2024 của Ủy ban nhân dân tỉnh Sóc Trăng về thực hiện cải cách"
        " hành chính năm 2024;",
        "I. MỤC TIÊU, YÊU CẦU",
        "1. Mục tiêu",
    ]
    assert lines[5].startswith("Triển khai đồng bộ") and lines[5].endswith("phục vụ Nhân dân.")
    assert "giai đoạn 2021 - 2030 và" in lines[5]
    assert "Xử lý nghiêm cán bộ, công chức, viên chức" in lines[6]  # page number "3" dropped
    assert "theo Nghị định số 33/2023/NĐ-CP ngày 10/6/2023" in lines[6]
    assert lines[7].endswith("thị xã Ngã Năm về Chuyển đổi số thị xã Ngã Năm đến năm 2025, định hướng đến năm 2030.")
    assert lines[8] == "6. Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    assert lines[10] == "III. PHÂN CÔNG CỤ THỂ CÁC NHIỆM VỤ VÀ TRIỂN KHAI THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM 2024"
    assert lines[11] == "(Theo phụ lục đính kèm)"
    _assert_map_exact(WRAPPED, normalize(WRAPPED))


def test_joined_span_maps_back_across_the_break() -> None:
    norm = normalize(WRAPPED)
    start = norm.text.index("Nghị định số 33/2023/NĐ-CP")
    end = start + len("Nghị định số 33/2023/NĐ-CP")
    a, b = norm.source_span(start, end)
    assert WRAPPED[a:b] == "Nghị định số \n\n33/2023/NĐ-CP"


# --- seeds -------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_shape(prefix: str) -> None:
    source = _seed(prefix)
    norm = normalize(source)
    _assert_map_exact(source, norm)
    lines = norm.text.split("\n")
    assert all(line and line == line.strip(" ") and "  " not in line for line in lines)
    assert not any(ch in norm.text for ch in "\u2013\u00a0\u200b\r")
    assert "<p>" not in norm.text and "<b>" not in norm.text and "**" not in norm.text
    assert not any(line.startswith("#") for line in lines)
    assert norm.source_span(0, len(norm.text))[0] <= source.index(lines[0][:5])


def test_seed_003_sentences_and_signature() -> None:
    lines = normalize(_seed("003")).text.split("\n")
    assert any("theo Nghị định số 33/2023/NĐ-CP ngày 10/6/2023 của Chính phủ." in line for line in lines)
    assert any("Kế hoạch số 05/KH-UBND ngày 13/01/2023 của Ủy ban nhân dân thị xã Ngã Năm" in line for line in lines)
    assert lines[-3:] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Kim Thái Phong"]
    assert not any(line.strip().isdigit() for line in lines)
    assert sum(1 for line in lines if line[:2] in ("I.", "II", "IV")) >= 4


def test_seed_000_html_cells_and_continuation_rows() -> None:
    lines = normalize(_seed("000")).text.split("\n")
    row = next(line for line in lines if line.startswith("5. Đẩy mạnh sử dụng hộp thư"))
    assert row.split("\t")[1:3] == ["Báo cáo kết quả thực hiện", "Phòng Quản trị - Tài vụ"]
    assert "Cải cách TTHC\t2. Tham mưu" in "\n".join(lines)
    assert sum(1 for line in lines if line.startswith("\t")) >= 15  # rows continued from the row above
    assert "Sóc Trăng, ngày tháng 01 năm 2024" in lines


def test_seed_002_tables_keep_rows() -> None:
    source = _seed("002")
    lines = normalize(source).text.split("\n")
    rows = [line for line in lines if "\t" in line]
    assert len(rows) == sum(1 for line in source.split("\n") if "\t" in line and line.strip(" \t-"))
    assert "I\tCải cách thể chế\t\t\t\t" in lines


# --- API ---------------------------------------------------------------------------------------


def test_empty_and_blank() -> None:
    for source in ("", "   \n\n \t \n"):
        norm = normalize(source)
        assert norm.text == ""
        assert norm.source_span(0, 0) == (len(source), len(source))


def test_source_offset_and_clamping() -> None:
    source = "  Căn cứ  Luật.\n"
    norm = normalize(source)
    assert norm.text == "Căn cứ Luật."
    assert norm.source_offset(0) == 2
    assert norm.source_offset(len(norm.text)) == len(source)
    assert norm.source_span(-5, 999) == (2, 15)
    assert norm.source_span(4, 2) == (norm.source_offset(4), norm.source_offset(4))
    assert source[slice(*norm.source_span(7, 12))] == "Luật."


# --- wraps of converted web pages ---------------------------------------------------------------

_WRAPPED_PAGE = """**I. MỤC
ĐÍCH, YÊU CẦU**

- Khuyến khích ứng dụng, đổi
mới và chuyển giao công nghệ.
Trên cơ sở đó nâng cao năng suất.

**1. Sở
Khoa học và Công nghệ**

- Là cơ quan thường trực, chủ
trì tham mưu Ủy ban nhân dân Tỉnh.

**2. Sở Tài chính**

Sở Tài chính tham mưu bố trí kinh phí
Hằng năm cho các đơn vị.
"""


def test_soft_wrapped_paragraphs_are_joined() -> None:
    assert normalize(_WRAPPED_PAGE).text.split("\n") == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- Khuyến khích ứng dụng, đổi mới và chuyển giao công nghệ. Trên cơ sở đó nâng cao năng suất.",
        "1. Sở Khoa học và Công nghệ",
        "- Là cơ quan thường trực, chủ trì tham mưu Ủy ban nhân dân Tỉnh.",
        "2. Sở Tài chính",
        "Sở Tài chính tham mưu bố trí kinh phí Hằng năm cho các đơn vị.",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**2. Sở\nKhoa học và Công nghệ**\n- Chủ trì", "2. Sở Khoa học và Công nghệ\n- Chủ trì"),  # no blank lines
        ("**KẾ HOẠCH**\nThực hiện năm 2024", "KẾ HOẠCH\nThực hiện năm 2024"),  # an emphasis edge is a break
        ("**Điều\n15. Trách nhiệm của Công an**\n1. Giám sát", "Điều 15. Trách nhiệm của Công an\n1. Giám sát"),
        ("kinh phí theo quy định năm\n\n6. Xây dựng", "kinh phí theo quy định năm\n6. Xây dựng"),
        # A department's name broken before a capitalised word of its own: one line, whatever the layout.
        ("Điều 2. Giao Sở Công\nThương chủ trì, phối hợp", "Điều 2. Giao Sở Công Thương chủ trì, phối hợp"),
        ("Phối hợp với Sở Kế hoạch và\nĐầu tư thẩm định", "Phối hợp với Sở Kế hoạch và Đầu tư thẩm định"),
        ("1. Sở Công Thương\nChủ trì tổ chức", "1. Sở Công Thương\nChủ trì tổ chức"),  # the name is whole
        # A line that ends on a word no sentence ends with (a preposition, "và", a title without its body) goes on.
        (
            "Thủ trưởng các cơ quan; Chủ tịch\nUBND các xã chịu trách nhiệm",
            "Thủ trưởng các cơ quan; Chủ tịch UBND các xã chịu trách nhiệm",
        ),
        ("2. Trách nhiệm của\nSở Nội vụ", "2. Trách nhiệm của Sở Nội vụ"),
        ("Phối hợp với\nUBND các huyện", "Phối hợp với UBND các huyện"),
        ("- Dừng chức năng trả thông báo (Etax và\niCanhan);", "- Dừng chức năng trả thông báo (Etax và iCanhan);"),
        (
            "quy trình luân chuyển hồ sơ do\nUBND cấp tỉnh ban hành",
            "quy trình luân chuyển hồ sơ do UBND cấp tỉnh ban hành",
        ),
        ("CHỦ TỊCH\nNguyễn Văn A", "CHỦ TỊCH\nNguyễn Văn A"),  # a signature block
        (
            "Ngày 29 tháng cuối của quý tiếp theo\nSố người thất nghiệp",
            "Ngày 29 tháng cuối của quý tiếp theo\nSố người thất nghiệp",
        ),
        ("Tỷ trọng năng lượng cuối cùng\nTổng năng lượng", "Tỷ trọng năng lượng cuối cùng\nTổng năng lượng"),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"),
        # Paragraphs one line each between blank lines: a break inside a block is meant.
        (
            "PHỤ LỤC I\nNHIỆM VỤ\n(Kèm theo Kế hoạch)" + "\n\nMột câu." * 8,
            "PHỤ LỤC I\nNHIỆM VỤ\n(Kèm theo Kế hoạch)" + "\nMột câu." * 8,
        ),
    ],
)
def test_wrap_decisions(source: str, expected: str) -> None:
    assert normalize(source).text == expected
