"""ingest.assignments through the pipeline: each structure that assigns work (realdocs/TASKS.md), and what does not.

Each case is a short document in the shape real documents take; the expected tasks are (wording start, leads,
cooperating units) as a reader lists them.
"""

from __future__ import annotations

import pytest

from ingest.pipeline import extract_text

HEAD = (
    "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP\nSố: 12/KH-UBND\tĐồng Tháp, ngày 19 tháng 11 năm 2025\n"
    "KẾ HOẠCH\nThực hiện năm 2026\n"
)


def _tasks(body: str) -> list[tuple[str, list[str], list[str]]]:
    text = HEAD + body
    return [
        (text[t.start : t.start + 24].split("\n")[0], [r.name for r in t.lead], [r.name for r in t.cooperate])
        for t in extract_text(text, source="x").extraction.tasks
    ]


ASSIGNING = [
    (  # a unit phrase ends at its duty verb ("đẩy nhanh", "phê duyệt"), never inside a name ("Tôn giáo" is no "giao")
        "1. Bộ Xây dựng đẩy nhanh tiến độ phê duyệt Báo cáo nghiên cứu khả thi.\n"
        "2. Các sở, ban, ngành cấp tỉnh phê duyệt phương án xử lý tài sản.\n"
        "3. Sở Dân tộc và Tôn giáo chủ trì hướng dẫn các địa phương.\n",
        [
            ("Bộ Xây dựng đẩy nhanh ti", ["Bộ Xây dựng"], []),
            ("Các sở, ban, ngành cấp t", ["Các sở, ban, ngành cấp tỉnh"], []),
            ("Sở Dân tộc và Tôn giáo c", ["Sở Dân tộc và Tôn giáo"], []),
        ],
    ),
    (  # the subject hands the work on ("giao", "đề nghị", "yêu cầu"): the unit it names leads
        "1. Ủy ban nhân dân tỉnh giao Sở Nông nghiệp và Môi trường chủ trì rà soát danh mục.\n"
        "2. Chính phủ trân trọng đề nghị Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam phối hợp tuyên truyền.\n"
        "Trên cơ sở đó, Bộ Văn hóa, Thể thao và Du lịch trân trọng đề nghị:\n1. Các sở, ngành rà soát các điều kiện.\n",
        [
            ("Ủy ban nhân dân tỉnh gia", ["Sở Nông nghiệp và Môi trường"], []),
            ("Chính phủ trân trọng đề ", ["Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"], []),
            ("Các sở, ngành rà soát cá", ["Các sở, ngành"], []),
        ],
    ),
    (  # a legal basis that opens a duty, under a unit heading and before a subject, is still the duty's wording
        "3. Các sở, ban, ngành tỉnh:\n- Căn cứ chức năng, nhiệm vụ, xây dựng kế hoạch thực hiện.\n"
        "4. Căn cứ Kế hoạch này, Ủy ban nhân dân các xã xây dựng kế hoạch của địa phương.\n",
        [
            ("Căn cứ chức năng, nhiệm ", ["Các sở, ban, ngành tỉnh"], []),
            ("Căn cứ Kế hoạch này, Ủy ", ["Ủy ban nhân dân các xã"], []),
        ],
    ),
    (  # a unit heading over dashed items; "Phối hợp với X …" keeps the heading's unit as lead
        "V. TỔ CHỨC THỰC HIỆN\n1. Sở Khoa học và Công nghệ\n- Chủ trì tham mưu Ủy ban nhân dân Tỉnh triển khai.\n"
        "- Phối hợp với Sở Tài chính xây dựng cơ chế chính sách.\n2. Sở Công Thương\n- Hỗ trợ doanh nghiệp.\n",
        [
            ("Chủ trì tham mưu Ủy ban ", ["Sở Khoa học và Công nghệ"], []),
            ("Phối hợp với Sở Tài chín", ["Sở Khoa học và Công nghệ"], ["Sở Tài chính"]),
            ("Hỗ trợ doanh nghiệp.", ["Sở Công Thương"], []),
        ],
    ),
    (  # "Trách nhiệm của …" and "Điều N." headings own their numbered clauses
        "Điều 14. Trách nhiệm của Sở Y tế\n1. Tổ chức tập huấn cho cán bộ y tế.\n2. Kiểm tra việc thực hiện.\n",
        [("Tổ chức tập huấn cho cán", ["Sở Y tế"], []), ("Kiểm tra việc thực hiện.", ["Sở Y tế"], [])],
    ),
    (  # a heading that assigns with roles and a colon hands its units to the items
        "III. TỔ CHỨC THỰC HIỆN\n1. Giao Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp thực hiện các nhiệm vụ sau:\n"
        "a) Rà soát thủ tục hành chính.\nb) Báo cáo kết quả.\n",
        [
            ("Rà soát thủ tục hành chí", ["Sở Nội vụ"], ["Sở Tư pháp"]),
            ("Báo cáo kết quả.", ["Sở Nội vụ"], ["Sở Tư pháp"]),
        ],
    ),
    (  # sub-headings hand down their roles: "a) Chủ trì, phối hợp với Y" and "b) Phối hợp với Z"
        "V. TỔ CHỨC THỰC HIỆN\n1. Sở Công Thương\na) Chủ trì, phối hợp với Sở Tài chính:\n- Xây dựng kế hoạch.\n"
        "b) Phối hợp với Công an tỉnh:\n- Kiểm tra thị trường.\n",
        [
            ("Xây dựng kế hoạch.", ["Sở Công Thương"], ["Sở Tài chính"]),
            ("Kiểm tra thị trường.", ["Sở Công Thương"], ["Công an tỉnh"]),
        ],
    ),
    (  # assigning sentences anywhere: "Giao X …", "Đề nghị X …", "X có trách nhiệm …"; a lead-in before the subject
        "IV. TỔ CHỨC THỰC HIỆN\nGiao Sở Nội vụ chủ trì, phối hợp với các sở, ngành triển khai Kế hoạch.\n"
        "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tham gia giám sát.\n"
        "Trong quá trình triển khai, các sở, ban, ngành có trách nhiệm báo cáo định kỳ.\n",
        [
            ("Giao Sở Nội vụ chủ trì, ", ["Sở Nội vụ"], ["Các sở, ngành"]),
            ("Đề nghị Ủy ban Mặt trận ", ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"], []),
            ("Trong quá trình triển kh", ["Các sở, ban, ngành"], []),
        ],
    ),
    (  # a delegation hands the work to its holder: "Ủy quyền cho X tiếp nhận, thẩm định …"
        "QUYẾT ĐỊNH:\nĐiều 1. Ủy quyền cho Giám đốc Sở Nông nghiệp và Môi trường tiếp nhận, thẩm định và giải "
        "quyết thủ tục hành chính.\n",
        [("Ủy quyền cho Giám đốc Sở", ["Sở Nông nghiệp và Môi trường"], [])],
    ),
    (  # one paragraph, two actors with their own deadlines: two tasks
        "V. TỔ CHỨC THỰC HIỆN\n1. Trưởng các phòng, đơn vị có trách nhiệm báo cáo; cụ thể:\n"
        "- Báo cáo quý I: các phòng gửi báo cáo về Văn phòng Sở trước ngày 12/3; Văn phòng Sở tổng hợp báo cáo "
        "Ban Giám đốc Sở trước ngày 16/3.\n",
        [("Báo cáo quý I: các phòng", ["Các phòng"], []), ("Văn phòng Sở tổng hợp bá", ["Văn phòng Sở"], [])],
    ),
    (  # a labelled block: content, lead, partners, time
        "III. NỘI DUNG\na) Hoạt động 1\n- Nội dung: Triển khai Tháng hành động.\n"
        "- Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Y tế.\n- Thời gian: Tháng 11/2025.\n",
        [("Triển khai Tháng hành độ", ["Sở Nội vụ"], ["Sở Y tế"])],
    ),
    (  # a unit and a colon, then its work inline
        "V. TỔ CHỨC THỰC HIỆN\n3. UBND các xã, phường: tổ chức tuyên truyền đến người dân.\n",
        [("UBND các xã, phường: tổ ", ["Ủy ban nhân dân các xã, phường"], [])],
    ),
    (  # a subject whose members follow a colon, then its work and its partners ("phối hợp chặt chẽ với")
        "4. Chủ tịch Ủy ban nhân dân các tỉnh: Hà Tĩnh, Quảng Trị, Huế chủ động phối hợp chặt chẽ với Bộ Tài chính"
        " để bảo đảm quyền lợi của người dân.\n",
        [("Chủ tịch Ủy ban nhân dân", ["Ủy ban nhân dân các tỉnh"], ["Bộ Tài chính"])],
    ),
    (  # a heading that ends in "điện" (electricity) is no công điện's addressee line
        "II. QUY ĐỊNH VỀ GIÁ BÁN ĐIỆN\n1. Sở Công Thương có trách nhiệm kiểm tra giá bán lẻ điện.\n",
        [("Sở Công Thương có trách ", ["Sở Công Thương"], [])],
    ),
    (  # "trực tiếp" before the duty verb is no part of the name
        "1. Chủ tịch Ủy ban nhân dân cấp xã trực tiếp chỉ đạo việc phòng cháy, chữa cháy rừng.\n"
        "2. Sở Nông nghiệp và Môi trường trực tiếp kiểm tra, đôn đốc các địa phương.\n",
        [
            ("Chủ tịch Ủy ban nhân dân", ["Ủy ban nhân dân cấp xã"], []),
            ("Sở Nông nghiệp và Môi tr", ["Sở Nông nghiệp và Môi trường"], []),
        ],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), ASSIGNING)
def test_assigning_structures(body: str, expected: list[tuple[str, list[str], list[str]]]) -> None:
    assert _tasks(body) == expected


NOT_ASSIGNING = [
    # a purpose section names no actor that is assigned
    "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Các sở, ngành nâng cao nhận thức về cải cách hành chính.\n",
    # the closing execution clause
    "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các sở, ban, ngành chịu trách "
    "nhiệm thi hành Quyết định này./.\n",
    # a description of what was done, a statement of function
    "Năm 2024, Sở Nội vụ đã tổ chức 12 lớp tập huấn.\nBộ Tư pháp là cơ quan chuyên môn giúp Chính phủ.\n",
    # what a body is: "Cục là tổ chức thuộc bộ …", "Doanh nghiệp công nghệ số là lực lượng tiên phong …"
    "Cục là tổ chức thuộc bộ, thực hiện chức năng tham mưu, giúp Bộ trưởng quản lý nhà nước.\n",
    "Doanh nghiệp công nghệ số là lực lượng tiên phong trong kiến tạo hạ tầng số.\n",
    # the conditional closing
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan phản ánh về Sở Nội vụ để tổng hợp.\n",
    # items with no unit under a heading with no unit
    "II. NHIỆM VỤ, GIẢI PHÁP\n1. Tổ chức tập huấn cho cán bộ.\n2. Đẩy mạnh ứng dụng công nghệ thông tin.\n",
    # a notice's closing formula
    "Văn phòng Chính phủ thông báo để Ủy ban nhân dân tỉnh và các cơ quan liên quan biết, thực hiện./.\n",
    # the addressees of a công điện
    "THỦ TƯỚNG CHÍNH PHỦ điện:\n- Bộ trưởng các Bộ: Tài chính, Nội vụ, Y tế.\n- Chủ tịch Ủy ban nhân dân các tỉnh.\n",
    # a glossary line and a form's blanks after a unit and a colon
    "Trung tâm Phục vụ hành chính công: TTPVHCC.\nChủ tịch Hội đồng kết luận: ông/bà............ đủ tiêu chuẩn.\n",
    # a decision's preamble: the enacting body in capitals over its legal basis and the request it answers
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n"
    "Căn cứ Quyết định số 2617/QĐ-UBND ngày 30 tháng 9 năm 2021 của Ủy ban nhân dân tỉnh;\n"
    "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 789/TTr-SNV ngày 05 tháng 12 năm 2022.\nQUYẾT ĐỊNH:\n",
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\n"
    "Xét đề nghị của Chính phủ tại Tờ trình số 370/TTr-CP,\nQUYẾT NGHỊ:\n",
    # the enacting body's line broken by a web page; the enacting formula ("… quyết định … như sau:", "quyết nghị:")
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI\nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\nXét đề nghị của Chính phủ "
    "tại Tờ trình số 394/TTr-CP, Báo cáo thẩm tra số 481\n/BC-UBPLTP15 ngày\ntháng\nnăm 2025 của Ủy ban Pháp luật,\n"
    "Trên cơ sở Đề án số 395/ĐA-CP của Chính phủ, Ủy ban Thường vụ Quốc hội quyết định sắp xếp các đơn vị như sau:\n"
    "1. Sắp xếp toàn bộ diện tích tự nhiên của xã A và xã B thành xã mới.\n",
    # the closing execution clause broken over two lines by a web page, and the page's list of related documents
    "QUYẾT ĐỊNH:\nĐiều 3. Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở\nKhoa học và Công nghệ, thủ trưởng "
    "các cơ quan có liên quan chịu trách nhiệm thi hành Quyết định này./.\nVăn bản liên quan\nBan hành:\n21/11/2025\n"
    "Hiệu lực: Đã biết\nCập nhật:\n29/11/2025\n",
    # a signature block: the signer's title in capitals, "(Đã ký)" and the name
    "Luật này được Quốc hội khóa XV, kỳ họp thứ 9 thông qua ngày 24 tháng 6 năm 2025.\nCHỦ TỊCH QUỐC HỘI\n(Đã ký)\n"
    "Trần Thanh Mẫn\n",
    # the enacting formula after the last line of the legal basis
    "Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 19 tháng 02 năm 2025;\nTheo đề nghị của Vụ trưởng Vụ Pháp "
    "chế;\nBộ trưởng Bộ Công Thương ban hành Thông tư quy định hồ sơ, trình tự kiểm tra.\n",
    "Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;\nQuốc hội ban hành Luật Dữ liệu.\n",
    # a decree's enacting formula after the request it answers
    "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;\nTheo đề nghị của Bộ trưởng Bộ Nông nghiệp và Môi "
    "trường, Chính phủ ban hành Nghị định quy định về quản lý giống cây trồng.\n",
]


@pytest.mark.parametrize("body", NOT_ASSIGNING)
def test_not_tasks(body: str) -> None:
    assert _tasks(body) == []
