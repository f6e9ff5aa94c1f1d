"""ingest.site_trailer: the page a legal-document site prints after the document is no part of it."""

from __future__ import annotations

import pytest

from ingest.pipeline import extract_text
from ingest.site_trailer import trailer_edits

BODY = (
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ\nSố: 2703/QĐ-UBND\tQuảng Trị, ngày 18 tháng 11 năm 2025\nQUYẾT ĐỊNH\n"
    "Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ;\n"
    "Điều 1. Giao Sở Nội vụ chủ trì rà soát thủ tục hành chính.\n"
)
TRAILER = (
    "Quyết định 2703/QĐ-UBND năm 2025 công bố thủ tục hành chính nội bộ\n"
    "Văn bản này chưa cập nhật nội dung Tiếng Anh\n"
    "Quyết định 2703/QĐ-UBND ngày 18/11/2025 công bố thủ tục hành chính nội bộ\n"
    "## Văn bản liên quan\nBan hành:\n04/12/2025\nHiệu lực: Đã biết\nCập nhật:\n17/12/2025\n"
    "Nghị định 13/2023/NĐ-CP về Bảo vệ dữ liệu cá nhân (hiệu lực từ ngày 01/07/2023) yêu cầu xác nhận.\n"
)


def test_the_trailer_is_dropped_from_the_sites_link_line_to_the_end() -> None:
    assert trailer_edits(BODY + TRAILER) == [(len(BODY), len(BODY + TRAILER), "")]


def test_the_trailer_cites_nothing_and_assigns_nothing() -> None:
    extraction = extract_text(BODY + TRAILER, source="x").extraction
    assert [c.cid for c in extraction.citations] == ["vn/nghi-dinh/63_2010_ndd-cp"]
    assert [t.lead[0].name for t in extraction.tasks] == ["Sở Nội vụ"]


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        BODY + "III. VĂN BẢN LIÊN QUAN\nQuyết định số 1/QĐ-UBND.\n",  # a section of the document itself
        BODY + "Văn bản liên quan: Quyết định số 1/QĐ-UBND.\n",  # a label with its value
    ],
)
def test_a_document_without_the_trailer_keeps_every_line(text: str) -> None:
    assert trailer_edits(text) == []
