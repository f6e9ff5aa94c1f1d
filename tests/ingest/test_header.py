"""ingest.header through ingest.structure.parse_document: header layouts of real documents, one case a layout."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.header import _issuer_act
from ingest.normalize import normalize
from ingest.records import DocumentMeta
from ingest.structure import parse_document

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"


def _meta(source: str) -> DocumentMeta:
    meta, _ = parse_document(normalize(source).text, source="x", sha256="")
    return meta


CASES = [
    (  # a header table (one cell per line), a title over two lines in capitals
        "|\n**ỦY BAN NHÂN\nDÂN**\n**TỈNH ĐỒNG THÁP**\n--------\n|\n**CỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM**\n"
        "Độc lập - Tự do - Hạnh phúc\n|\n|\nSố: 552/KH-UBND\n|\n*Đồng Tháp,\nngày 19 tháng 11 năm 2025*\n|\n\n"
        "**KẾ HOẠCH**\n\nTHỰC HIỆN LỘ TRÌNH ĐỔI MỚI CÔNG NGHỆ ĐẾN NĂM 2035\nTRÊN ĐỊA BÀN TỈNH ĐỒNG THÁP\n\n"
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n",
        {
            "kind": "Kế hoạch", "number": "552/KH-UBND", "date": "2025-11-19", "province": "Đồng Tháp",
            "issuer": "Ủy ban nhân dân tỉnh Đồng Tháp",
            "title": "THỰC HIỆN LỘ TRÌNH ĐỔI MỚI CÔNG NGHỆ ĐẾN NĂM 2035 TRÊN ĐỊA BÀN TỈNH ĐỒNG THÁP",
        },
    ),
    (  # "Số:" and the number on separate lines; "QUYẾT⏎ĐỊNH"; "VỀ⏎VIỆC …"; the enacting body ends the title
        f"ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\t{MOTTO}\nSố:\n102/2025/QĐ-UBND\nPhú Thọ, ngày 18 tháng 11 năm 2025\n"
        "QUYẾT\nĐỊNH\nVỀ\nVIỆC BAN HÀNH QUY CHẾ PHỐI HỢP\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\nCăn cứ Luật;\n",
        {
            "kind": "Quyết định", "number": "102/2025/QĐ-UBND", "date": "2025-11-18",
            "issuer": "Chủ tịch Ủy ban nhân dân tỉnh Phú Thọ", "title": "VỀ VIỆC BAN HÀNH QUY CHẾ PHỐI HỢP",
        },
    ),
    (  # a central body over its department, "V/v" in the number's cell: a letter with no province
        f"|\n**BỘ TÀI CHÍNH**\n**CỤC THUẾ**\n-------\n|\n{MOTTO}\n|\n|\n"
        "Số: 5348/CT-CS\n*V/v hướng dẫn góp vốn điều lệ*\n|\n"
        "*Hà Nội, ngày 20\ntháng 11 năm 2025*\n|\n**Kính gửi:** Thuế tỉnh Quảng Trị.\n",
        {
            "kind": "Công văn", "number": "5348/CT-CS", "date": "2025-11-20", "province": None, "scope": "vn._",
            "issuer": "Cục Thuế", "title": "V/v hướng dẫn góp vốn điều lệ",
        },
    ),
    (  # a site's notices and metadata block before the header: skipped, the document's own header read
        "Bản dịch này thuộc quyền sở hữu của THƯ VIỆN PHÁP LUẬT.\n|\nSố hiệu:\n|\n99/KH-UBND\n|\n|\n"
        "Ngày ban hành:\n|\n01/01/2020\n|\n"
        f"|\nỦY BAN NHÂN DÂN TỈNH CÀ MAU\n|\n{MOTTO}\n|\n|\nSố: 0204/KH-UBND\n|\nCà Mau, ngày 24 tháng 11 năm 2025\n|\n"
        "\nKẾ HOẠCH\n\nTÀI CHÍNH - NGÂN SÁCH NHÀ NƯỚC 03 NĂM 2026 - 2028\n\nKính gửi: Hội đồng nhân dân tỉnh Cà Mau\n",
        {"number": "0204/KH-UBND", "date": "2025-11-24", "issuer": "Ủy ban nhân dân tỉnh Cà Mau"},
    ),
    (  # the code of the number wrapped onto the next line of its cell
        f"|\nỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG\n|\n{MOTTO}\n|\n|\n"
        "Số: 3783/QĐ-\nUBND\n|\nHải Phòng, ngày 2 tháng 12 năm 2025\n|\n",
        {"number": "3783/QĐ-UBND", "issuer": "Ủy ban nhân dân thành phố Hải Phòng", "kind": "Quyết định"},
    ),
    (  # no kind heading and no motto: the kind comes from the notation's code
        "ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH\nSố: 45/KH-UBND\nChâu Thành, ngày 3 tháng 2 năm 2023\nNội dung.\n",
        {"kind": "Kế hoạch", "number": "45/KH-UBND", "issuer": "Ủy ban nhân dân huyện Châu Thành"},
    ),
    (  # the motto is never the issuer; the site's metadata fills a date the header leaves blank
        f"|\nNgày ban hành:\n|\n27/11/2025\n|\n|\nHỘI ĐỒNG NHÂN DÂN THÀNH PHỐ HÀ NỘI\n|\n{MOTTO}\n|\n|\n"
        "Số: 81/2025/NQ-HĐND\n|\n|\n"
        "\nNGHỊ QUYẾT\n\nQUY ĐỊNH CHI THU NHẬP TĂNG THÊM\n",
        {"issuer": "Hội đồng nhân dân thành phố Hà Nội", "date": "2025-11-27", "kind": "Nghị quyết"},
    ),
    (  # pipe rows with the rules glued to the cells; the page dropped the place and date
        "CHÍNH PHỦ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúc--------------- |\n"
        "Số: 16/2025/NĐ-CP |\n|\n\n**NGHỊ ĐỊNH**\n\nSỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU\n\n*Căn cứ Luật;*\n",
        {"kind": "Nghị định", "number": "16/2025/NĐ-CP", "issuer": "Chính phủ", "province": None, "date": None},
    ),
    (  # no issuer printed at all: the notation's code names the central body; the enacting line names it too
        "|\nSố: 1663/NQ-UBTVQH15 |\nĐộc lập - Tự do - Hạnh phúc\n|\n\n**NGHỊ QUYẾT**\n\n**Về việc sắp xếp**\n\n"
        "**ỦY BAN THƯỜNG VỤ QUỐC HỘI**\n\n*Căn cứ Hiến pháp;*\n",
        {"kind": "Nghị quyết", "issuer": "Ủy ban Thường vụ Quốc hội", "title": "Về việc sắp xếp"},
    ),
    ("|\nSố: 09/2025/NĐ-CP |\nĐộc lập - Tự do - Hạnh phúc\n|\n\n**NGHỊ ĐỊNH**\n\nQuy định về chính sách\n",
     {"issuer": "Chính phủ", "kind": "Nghị định"}),
    (  # the number and the place and date on one pipe row under a rule
        "CHÍNH PHỦ\n-------- |\nĐộc lập - Tự do - Hạnh phúc\n--------------- |\n"
        "Số: 25/2025/NĐ-CP | Hà Nội, ngày 21 tháng 02 năm 2025 |\n\n## NGHỊ ĐỊNH\n",
        {"number": "25/2025/NĐ-CP", "date": "2025-02-21", "place": "Hà Nội"},
    ),
    (  # no date in the header: a resolution's adoption date
        "|\nSố: 1663/NQ-UBTVQH15 |\n|\n\n**NGHỊ QUYẾT**\n\nVề việc sắp xếp\n\nĐiều 1. Nội dung.\n\n"
        "*Nghị quyết này được Ủy ban Thường vụ Quốc hội khóa XV thông qua ngày 16 tháng 6 năm 2025.*\n",
        {"date": "2025-06-16", "number": "1663/NQ-UBTVQH15"},
    ),
    (  # the number's hyphen lost in typing: the document's own number canonical, as its citations would be
        "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH BẮC NINH\tĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 2154/QĐUBND\tBắc Ninh, ngày 03 tháng 12 năm 2025\nQUYẾT ĐỊNH\nVề việc công bố thủ tục hành chính\n",
        {"number": "2154/QĐ-UBND", "date": "2025-12-03", "province": "Bắc Ninh"},
    ),
    (  # a page that dropped the kind heading: the title under the number, before the preamble
        "| CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúc |\nSố: 21/2025/TT-BGDĐT |\n|\n\n"
        "**Quy định chế độ trả tiền lương dạy thêm giờ đối với nhà giáo**\n\n*Căn cứ Luật Giáo dục số 43/2019/QH14;*\n",
        {"kind": "Thông tư", "title": "Quy định chế độ trả tiền lương dạy thêm giờ đối với nhà giáo"},
    ),
    (  # … or glued to it on one line: "NGHỊ ĐỊNHQuy định …"
        "|\nSố: 09/2025/NĐ-CP |\nĐộc lập - Tự do - Hạnh phúc\n|\n\n**NGHỊ ĐỊNH**Quy định về chính sách hỗ trợ\n\n"
        "*Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;*\n",
        {"kind": "Nghị định", "title": "Quy định về chính sách hỗ trợ"},
    ),
    (  # a first sentence under the number is no title: no preamble follows it
        "Số: 983/TB-CT\nCục Thuế có kế hoạch nâng cấp hệ thống.\nTrong thời gian này, Cục Thuế tạm dừng ứng dụng.\n",
        {"kind": "Thông báo", "title": None},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_header_layouts(source: str, expected: dict[str, str | None]) -> None:
    meta = _meta(source)
    assert {k: getattr(meta, k) for k in expected} == expected


@pytest.mark.parametrize(
    "source",
    [
        "Mặt trước thẻ căn cước có ảnh không?\nDòng chữ “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”;\n",  # no header at all
        "",
    ],
)
def test_no_header_gives_no_facts(source: str) -> None:
    meta = _meta(source)
    assert (meta.number, meta.issuer, meta.kind) == (None, None, None)


# The one-pattern form `_issuer_act` replaces (a clause break, then the body and a verb), as the reference.
_ACT_REFERENCE = re.compile(
    r"(?:^|[,;:]\s+|\.\s+)((?:Chủ tịch\s+)?(?:Văn phòng|Sở|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Ban|Phòng|Thanh tra"
    r"|Trung tâm|Chi cục|Cục|Hội đồng nhân dân|HĐND)(?!\w)[^,;.:()\n]{0,80}?)\s+(?:ban hành|yêu cầu|đề nghị|chỉ đạo"
    r"|thông báo|báo cáo|xây dựng)(?!\w)"
)
ACT_PIECES = [
    "Sở Nội vụ", "Chủ tịch ", "UBND tỉnh", "Ban", "Bancol", " ban hành", " báo cáo", " yêu cầu", ", ", ". ", ": ",
    ";  ", ".", ",", " ", "x", "Thực hiện Kế hoạch", "(", ")", "Cục Thuế", "Phòng", "\t",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ACT_PIECES), max_size=14))
def test_issuer_act_reads_like_the_one_pattern_form(pieces: list[str]) -> None:
    line = "".join(pieces)
    found = _ACT_REFERENCE.search(line)
    expected = re.sub(r"^Chủ tịch\s+", "", found.group(1)) if found else None
    assert _issuer_act(line) == expected


@pytest.mark.parametrize(
    ("line", "act"),
    [
        ("Sở Nội vụ ban hành Kế hoạch", "Sở Nội vụ"),
        ("Thực hiện Quyết định số 1, Chủ tịch UBND tỉnh yêu cầu", "UBND tỉnh"),
        ("Năm 2024.   Ban Chỉ đạo báo cáo kết quả", "Ban Chỉ đạo"),
        ("Theo đó Sở Nội vụ ban hành", None),  # the body must open a clause
    ],
)
def test_issuer_act_examples(line: str, act: str | None) -> None:
    assert _issuer_act(line) == act
