"""Tasks: product splitting, prose duty cues (spec §3.7) and the seed acceptance scores against gold."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ingest.records import AgentRef, Citation, DocumentMeta, Section, Task
from ingest.tables import parse_tables
from ingest.tasks import extract_tasks, plan_year, split_products
from ingest.units import UnitResolver
from ingest.vntext import slug

DONG_NAI = DocumentMeta(
    source="x", sha256="", issuer="Sở Nội vụ tỉnh Đồng Nai", province="Đồng Nai", scope="vn.dong-nai"
)


class StubResolver:
    """Stand-in for `UnitResolver`: split on ";", "," and "và", every piece a unit (keeps these tests local)."""

    def resolve(self, cell_text: str) -> tuple[AgentRef, ...]:
        parts = [p.strip(" .") for p in re.split(r"[;,]|\s+và\s+", cell_text) if p.strip(" .")]
        return tuple(AgentRef(slug(p), p, p.lower().startswith("các"), p) for p in parts)


def _prose(text: str, **kw: Any) -> tuple[Task, ...]:
    return extract_tasks(text, tables=(), sections=(), resolver=UnitResolver(DONG_NAI), citations=(), **kw)


def _names(refs: tuple[AgentRef, ...]) -> list[str]:
    return [r.name for r in refs]


@pytest.mark.parametrize(
    ("cell", "products"),
    [
        ("- Kế hoạch - Báo cáo", ("Kế hoạch", "Báo cáo")),
        ("Kế hoạch", ("Kế hoạch",)),
        ("Quyết định/Báo cáo", ("Quyết định/Báo cáo",)),
        ("Kế hoạch, Báo cáo", ("Kế hoạch", "Báo cáo")),
        ("Báo cáo, kết quả thanh tra, kiểm tra", ("Báo cáo, kết quả thanh tra, kiểm tra",)),
        ("Các VB QPPL sửa đổi; Danh mục VB hết hiệu lực", ("Các VB QPPL sửa đổi", "Danh mục VB hết hiệu lực")),
        ("- Kế hoạch rà soát; - Quyết định phê duyệt", ("Kế hoạch rà soát", "Quyết định phê duyệt")),
        ("Kinh tế - xã hội", ("Kinh tế - xã hội",)),
        ("", ()),
    ],
)  # fmt: skip
def test_split_products(cell: str, products: tuple[str, ...]) -> None:
    assert split_products(cell) == products


def test_unit_heading_with_lettered_items() -> None:
    text = "\n".join(
        [
            "III. TỔ CHỨC THỰC HIỆN",
            "2. Sở Nội vụ:",
            "a) Theo dõi, đôn đốc thực hiện Kế hoạch trước ngày 15/12/2023.",
            "b) Chủ trì, phối hợp với Sở Tư pháp tham mưu ban hành văn bản.",
            "c) Phối hợp với Văn phòng UBND tỉnh kiểm tra công vụ.",
            "3. Kinh phí thực hiện",
            "a) Kinh phí do ngân sách bảo đảm.",
        ]
    )
    a, b, c = _prose(text)
    assert [t.id for t in (a, b, c)] == ["T01", "T02", "T03"]
    assert [t.number for t in (a, b, c)] == ["2.a)", "2.b)", "2.c)"]
    assert _names(a.lead) == ["Sở Nội vụ"] and not a.cooperate
    assert a.deadline is not None and a.deadline.end == "2023-12-15"
    assert _names(b.lead) == ["Sở Nội vụ"] and _names(b.cooperate) == ["Sở Tư pháp"]
    # "Phối hợp với X …" under a unit heading: the heading's unit leads, X cooperates (realdocs/TASKS.md)
    assert _names(c.lead) == ["Sở Nội vụ"] and _names(c.cooperate) == ["Văn phòng UBND tỉnh"]
    assert all(t.origin == "prose" and text[t.start : t.end] == t.text for t in (a, b, c))


def test_bare_heading_takes_its_paragraphs_until_next_number() -> None:
    text = "8. Sở Y tế\nNâng cao chất lượng khám, chữa bệnh.\n9. Sở Xây dựng\nChỉ đạo các trường.\nNơi nhận:"
    tasks = _prose(text)
    assert [(_names(t.lead), t.text) for t in tasks] == [
        (["Sở Y tế"], "Nâng cao chất lượng khám, chữa bệnh."),
        (["Sở Xây dựng"], "Chỉ đạo các trường."),
    ]


def test_inline_unit_paragraph_and_giao() -> None:
    text = "\n".join(
        [
            "8. Sở Tư pháp phải kịp thời tham mưu tháo gỡ vướng mắc về đất đai.",
            "Điều 2. Giao Giám đốc Sở Nội vụ chủ trì, phối hợp với Thủ trưởng các cơ quan tổ chức triển khai.",
            "Thực hiện việc sắp xếp, giao số lượng biên chế theo quy định.",
            "Nâng cao chất lượng dịch vụ giáo dục.",
        ]
    )
    inline, giao = _prose(text)
    assert _names(inline.lead) == ["Sở Tư pháp"]
    assert inline.number == "8"
    assert _names(giao.lead) == ["Sở Nội vụ"] and [r.text for r in giao.cooperate] == ["Thủ trưởng các cơ quan"]


def test_non_unit_numbered_paragraphs_give_nothing() -> None:
    text = "1. Bố trí đủ nguồn lực.\n2. Ban hành các văn bản.\n3. Báo cáo năm: gửi đúng hạn.\na) Nội dung."
    assert _prose(text) == ()


def test_section_area_citations_and_year() -> None:
    text = "\n".join(
        [
            "Kế hoạch cải cách hành chính năm 2024",
            "STT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\tSản phẩm",
            "1\tTriển khai Nghị định số 107/2020/NĐ-CP\tSở Nội vụ\tCác sở, ngành\tQuý I\t- Kế hoạch - Báo cáo",
        ]
    )
    row_start = text.index("1\tTriển")
    cite_at = text.index("Nghị định số")
    section = Section("II", "CẢI CÁCH THỂ CHẾ", 1, "the-che", row_start - 5, len(text))
    citation = Citation(
        "Nghị định số 107/2020/NĐ-CP", cite_at, cite_at + 27, "107/2020/NĐ-CP", None, "Nghị định", "normative",
        "CP", "vn", 2020, None, None, "cites", None,
    )  # fmt: skip
    assert plan_year(text) == 2024
    (task,) = extract_tasks(
        text, tables=parse_tables(text), sections=(section,), resolver=StubResolver(), citations=(citation,)
    )
    assert (task.id, task.origin, task.area, task.section, task.citations) == ("T01", "table", "the-che", "II", (0,))
    assert task.deadline is not None and task.deadline.end == "2024-03-31"
    assert task.products == ("Kế hoạch", "Báo cáo")
    assert _names(task.cooperate) == ["Các sở", "ngành"]
