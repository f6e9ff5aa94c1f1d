"""Appendix tables: header-meaning columns, page-break debris, continuations, group/heading rows, offsets."""

from __future__ import annotations

from typing import Any

import pytest

from ingest.normalize import normalize
from ingest.tables import Row, Table, parse_tables
from tests.helpers import SAMPLES

T = "\t"


def _table(*lines: str) -> Table:
    tables = parse_tables("\n".join(lines))
    assert len(tables) == 1
    return tables[0]


def _tasks(table: Table) -> list[Row]:
    return [r for r in table.rows if r.kind == "task"]


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        (
            "Nhiệm vụ chung\tNhiệm vụ cụ thể\tSản phẩm\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian thực hiện",
            ("area", "task", "product", "lead", "cooperate", "deadline"),
        ),
        (
            "STT\tNhiệm vụ cụ thể\tKết quả/ Sản phẩm\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành",
            ("number", "task", "product", "lead", "cooperate", "deadline"),
        ),
        (
            "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm\tThời gian hoàn thành",
            ("number", "task", "lead", "cooperate", "product", "deadline"),
        ),
        (
            "TT\tNội dung công việc\tĐơn vị thực hiện\tThời hạn\tGhi chú",
            ("number", "task", "lead", "deadline", "note"),
        ),
        (
            "STT\tLĩnh vực\tSố TTHC\tPhân bổ theo tỷ lệ 80%\tGhi chú",
            ("number", "area", None, None, "note"),
        ),
        (  # a procedure's steps: the work is the content, not the step's name
            "Tên bước\tĐơn vị/người thực hiện\tNội dung công việc\tThời hạn giải quyết\tBiểu mẫu/ kết quả",
            (None, "lead", "task", "deadline", "product"),
        ),
        (  # the step's order is its number ("Bước 1"), not its work
            "Thứ tự công việc\tNội dung công việc\tĐơn vị thực hiện\tThời gian thực hiện",
            ("number", "task", "lead", "deadline"),
        ),
        ("Bước\tNội dung thực hiện\tTrách nhiệm\tThời gian", ("number", "task", "lead", "deadline")),
    ],
)
def test_header_roles_by_meaning(header: str, roles: tuple[str | None, ...]) -> None:
    table = _table(header, "1\tx\tx\tx\tx\tx"[: 2 * len(roles) - 1])
    assert table.roles == roles


def test_column_order_does_not_matter() -> None:
    table = _table(
        "Thời hạn\tĐơn vị phối hợp\tNhiệm vụ\tĐơn vị chủ trì\tSTT",
        "Quý I/2024\tSở Tư pháp\tRà soát văn bản\tSở Nội vụ\t1",
    )
    (row,) = _tasks(table)
    assert row.number == "1"
    assert row.task is not None and row.task.text == "Rà soát văn bản"
    assert row.lead is not None and row.lead.text == "Sở Nội vụ"
    assert row.cooperate is not None and row.cooperate.text == "Sở Tư pháp"
    assert row.deadline is not None and row.deadline.text == "Quý I/2024"


def test_two_line_header() -> None:
    table = _table(
        "STT\tNhiệm vụ\tĐơn vị thực hiện\t\tThời gian",
        "\t\tChủ trì\tPhối hợp\t",
        "1\tRà soát văn bản\tSở Tư pháp\tCác sở, ngành\tQuý II/2024",
    )
    assert table.roles == ("number", "task", "lead", "cooperate", "deadline")
    assert len(_tasks(table)) == 1


def test_repeated_header_and_continuation_across_page() -> None:
    header = "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm\tThời gian hoàn thành"
    table = _table(
        header,
        "I. CÔNG TÁC CHỈ ĐẠO ĐIỀU HÀNH\t\t\t\t\t",
        "5\tTham mưu khắc phục qua kết quả đánh giá\tSở Nội vụ\tCác cơ quan, đơn vị\tVăn bản\tSau khi có kết quả công",
        header,
        "\txếp loại chỉ số Par Index năm 2022.\t\t\t\tbố",
        "\tXây dựng Kế hoạch CCHC của cơ quan, đơn vị.\tCác cơ quan, đơn vị\tSở Nội vụ\tKế hoạch\tQuý IV năm 2022",
    )
    first, second = _tasks(table)
    assert first.task is not None and first.task.text.endswith("đánh giá xếp loại chỉ số Par Index năm 2022.")
    assert first.deadline is not None and first.deadline.text == "Sau khi có kết quả công bố"
    assert first.area == "chi-dao-dieu-hanh"
    # an empty STT with a lead of its own is a new task in the merged STT cell
    assert second.number == "5" and second.lead is not None and second.lead.text == "Các cơ quan, đơn vị"


def test_headings_between_fragments_set_area() -> None:
    header = "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm\tThời gian hoàn thành"
    text = "\n".join(
        [
            header,
            "1\tXây dựng kế hoạch\tSở Nội vụ\tCác cơ quan, đơn vị\tKế hoạch\tQuý IV năm 2022",
            "II. CẢI CÁCH THỂ CHẾ",
            "1\tRà soát văn bản\tSở Tư pháp\tCác cơ quan, đơn vị\tBáo cáo\tNăm 2023",
        ]
    )
    (table,) = parse_tables(text)
    assert [r.area for r in _tasks(table)] == [None, "the-che"]


def test_group_subarea_and_parent_rows() -> None:
    table = _table(
        "STT\tNhiệm vụ cụ thể\tKết quả/ Sản phẩm\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành",
        "II\tCải cách thủ tục hành chính\t\t\t\t",
        "1\tKiểm soát thủ tục hành chính\t\t\t\t",
        "1.1\tRà soát thủ tục\tQuyết định\tVăn phòng Sở\tCác phòng\tThường xuyên",
        "2\tTuyển dụng công chức, viên chức\t\t\t\t",
        "a)\tTuyển dụng công chức.\tBáo cáo\tSở Nội vụ\tCác cơ quan, đơn vị\tThường xuyên",
        "b)\tTuyển dụng viên chức.\tBáo cáo\tCác cơ quan, đơn vị\tSở Nội vụ\tThường xuyên",
    )
    kinds = [(r.kind, r.number) for r in table.rows]
    assert kinds == [
        ("group", "II"),
        ("heading", "1"),
        ("task", "1.1"),
        ("heading", "2"),
        ("task", "2.a)"),
        ("task", "2.b)"),
    ]
    assert {r.area for r in table.rows} == {"tthc"}


def test_area_column_group_restarts_at_item_one() -> None:
    """The merged "Nhiệm vụ chung" cell prints on any row of its group (seed 000 "Cải cách TTHC")."""
    table = _table(
        "Nhiệm vụ chung\tNhiệm vụ cụ thể\tSản phẩm\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian thực hiện",
        "Cải cách thể chế\t1. Công tác pháp chế.\tKế hoạch\tPhòng Nội chính\tCác đơn vị có liên quan\tNăm 2024",
        "\t2. Rà soát văn bản.\tBáo cáo\tPhòng Nội chính\tCác đơn vị có liên quan\tNăm 2024",
        "\t1. Kế hoạch kiểm soát TTHC.\tKế hoạch\tTrung tâm\tCác đơn vị có liên quan\tNăm 2024",
        "Cải cách TTHC\t2. Công bố TTHC.\tQuyết định\tTrung tâm\tCác đơn vị có liên quan\tThường xuyên",
        "3. Công khai TTHC.\tBáo cáo\tTrung tâm\tCác đơn vị có liên quan\tThường xuyên",  # short row: right-aligned
        "---\t---\t---\t---\t---\t---",
    )
    rows = _tasks(table)
    assert [(r.number, r.area) for r in rows] == [
        ("1.", "the-che"),
        ("2.", "the-che"),
        ("1.", "tthc"),
        ("2.", "tthc"),
        ("3.", "tthc"),
    ]
    assert rows[0].task is not None and rows[0].task.text == "Công tác pháp chế."


def test_allocation_table_has_no_tasks() -> None:
    table = _table(
        "STT\tLĩnh vực\tSố TTHC\tPhân bổ theo tỷ lệ 80%\tGhi chú",
        "I\tQuyết định số 1086/QĐ-UBND ngày 15/4/2020\t\t\t",
        "1\tLĩnh vực thuộc phòng CCVC\t5\t5*80% = 4\t",
    )
    assert not table.assigns_tasks
    assert not _tasks(table)


def test_cell_offsets_point_into_text() -> None:
    text = "Mở đầu\nSTT\tNhiệm vụ\tĐơn vị chủ trì\tThời hạn\n1\t  Rà soát  \tSở Nội vụ\tQuý I/2024\nKết thúc"
    (table,) = parse_tables(text)
    (row,) = _tasks(table)
    for cell in (row.task, row.lead, row.deadline):
        assert cell is not None and text[cell.start : cell.end] == cell.text
    assert text[row.start : row.end] == "1\t  Rà soát  \tSở Nội vụ\tQuý I/2024"


def test_far_apart_tables_stay_apart() -> None:
    header = "STT\tNhiệm vụ\tĐơn vị chủ trì\tThời hạn"
    prose = "\n".join(f"Đoạn văn số {i} của văn bản." for i in range(6))
    tables = parse_tables("\n".join([header, "1\tA\tSở Nội vụ\tQuý I", prose, "2\tB\tSở Tư pháp\tQuý II"]))
    assert len(tables) == 2 and not tables[1].assigns_tasks


GOLD_TASK_ROWS = {"000": 25, "001": 0, "002": 28, "003": 0, "004": 58}


@pytest.mark.parametrize("prefix", sorted(GOLD_TASK_ROWS))
def test_seed_task_row_counts(prefix: str, seeds_gold: dict[str, Any]) -> None:
    path = next(SAMPLES.glob(f"{prefix}_*.txt"))
    tables = parse_tables(normalize(path.read_text(encoding="utf-8")).text)
    count = sum(len(_tasks(t)) for t in tables if t.assigns_tasks)
    assert count == GOLD_TASK_ROWS[prefix] == len(seeds_gold[path.name]["tasks"])


def test_seed_002_subarea_rows_are_not_tasks() -> None:
    path = next(SAMPLES.glob("002_*.txt"))
    tables = parse_tables(normalize(path.read_text(encoding="utf-8")).text)
    headings = [r.task.text for r in tables[0].rows if r.kind == "heading" and r.task]
    assert headings[0] == "Kiểm soát thủ tục hành chính" and len(headings) == 4
    assert [t.assigns_tasks for t in tables] == [True, False, False]


def test_a_procedures_total_row_is_no_task() -> None:
    table = _table(
        "Thứ tự công việc\tNội dung công việc\tĐơn vị thực hiện\tThời gian thực hiện",
        "Bước 1\tTiếp nhận hồ sơ\tTrung tâm Phục vụ hành chính công\t0,5 ngày",
        "Bước 2\tThẩm định hồ sơ\tSở Y tế\t5 ngày",
        "Tổng thời gian giải quyết\t\t\t07 ngày làm việc",
    )
    assert [(r.number, r.task.text if r.task else None) for r in _tasks(table)] == [
        ("Bước 1", "Tiếp nhận hồ sơ"),
        ("Bước 2", "Thẩm định hồ sơ"),
    ]


def test_a_numbering_column_the_header_does_not_name() -> None:
    table = _table(
        "Nội dung công việc\tĐơn vị thực hiện\tThời gian thực hiện",
        "Bước 1\tTiếp nhận hồ sơ\tTrung tâm Phục vụ hành chính công\t0,5 ngày",
        "Bước 2\tThẩm định hồ sơ\tSở Y tế\t5 ngày",
    )
    assert [(r.number, r.task and r.task.text, r.lead and r.lead.text) for r in _tasks(table)] == [
        ("Bước 1", "Tiếp nhận hồ sơ", "Trung tâm Phục vụ hành chính công"),
        ("Bước 2", "Thẩm định hồ sơ", "Sở Y tế"),
    ]
