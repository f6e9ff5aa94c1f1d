"""Quantitative targets: comparator cues, values, units, negatives, and recall against the seed gold."""

from __future__ import annotations

import pytest

from ingest.records import Section, Task
from ingest.targets import find_targets


def _one(text: str) -> list[tuple[str, float, str]]:
    return [(t.comparator, t.value, t.unit) for t in find_targets(text, sections=(), tasks=())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("đảm bảo 100% các nội dung hoàn thành đúng tiến độ.", [("=", 100.0, "%")]),
        ("Tối thiểu 80% thủ tục hành chính được cung cấp trực tuyến.", [(">=", 80.0, "%")]),
        ("Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 96%.", [(">=", 96.0, "%")]),
        ("đảm bảo đạt từ 80% trở lên.", [(">=", 80.0, "%")]),
        ("Tăng tỷ lệ hồ sơ đạt từ 90% trở lên.", [(">=", 90.0, "%")]),
        ("đảm bảo trên 70% đơn vị được kiểm tra", [(">", 70.0, "%")]),
        ("tỷ lệ hồ sơ trễ hạn không quá 5%.", [("<=", 5.0, "%")]),
        ("tỷ lệ hồ sơ trễ hạn dưới 2%.", [("<", 2.0, "%")]),
        ("chỉ số đạt 80,5%.", [("=", 80.5, "%")]),
        ("hàng tháng có ít nhất 01 bài viết về CCHC", [(">=", 1.0, "bài viết/tháng")]),
        ("hàng quý có ít nhất 01 bài viết đăng tải", [(">=", 1.0, "bài viết/quý")]),
        ("thu nhập tăng thêm từ 01 lần lương cơ sở/người/tháng trở lên.", [(">=", 1.0, "lần lương cơ sở/người/tháng")]),
        ("(50% TTHC có hồ sơ mẫu)", [("=", 50.0, "%")]),
        ("100% công chức, tối thiểu 95% viên chức được bố trí đúng", [("=", 100.0, "%"), (">=", 95.0, "%")]),
        ("Phương án đơn giản hóa: 127 TTHC * 10% = 12.7 (13 TTHC cần đề xuất đơn giản hóa);", [("=", 13.0, "TTHC")]),
        ("Phân cấp: 20% * 80 (127-32-15) = 16 TTHC, đề xuất phân bổ", [("=", 16.0, "TTHC")]),
        ("là 82/127 để đạt tối thiểu 80% cần 102/127 TTHC đạt 80.3%;", [("=", 102.0, "TTHC")]),
        # not targets
        ("Kế hoạch số 218/KH-UBND ngày 19/12/2023", []),
        ("cung cấp dịch vụ công trực tuyến mức độ 3, 4", []),
        ("theo tiêu chuẩn TCVN ISO 9001:2015", []),
        ("qua Tổng đài 1022", []),
        ("Lĩnh vực TĐKT\t22\t22*80% = 18\t03 cấp", []),
        ("STT\tLĩnh vực\tSố TTHC\tPhân bổ theo tỷ lệ 80%\tGhi chú", []),
        ("Nghị định số 107/2020/NĐ-CP; khoản 2 Điều 5", []),
        ("tổ chức 02 lớp tập huấn", []),
    ],
)
def test_target_values(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert _one(text) == expected


def test_coordinated_metrics_share_one_threshold() -> None:
    first, second = "Tỷ lệ VBQPPL được ban hành đúng thẩm quyền", "Tỷ lệ VBQPPL được xử lý sau rà soát"
    text = f"duy trì “{first}” và “{second}” tiếp tục đạt 100%."
    assert [t.metric for t in find_targets(text, sections=(), tasks=())] == [first, second]
    text = "Tăng tỷ lệ văn bản điện tử được ký số, văn bản điện tử trao đổi giữa các cơ quan đạt từ 90% trở lên."
    assert len(find_targets(text, sections=(), tasks=())) == 2


def test_metric_is_the_quantified_phrase() -> None:
    (t,) = find_targets("- Tối thiểu 50% công chức, viên chức được bồi dưỡng nghiệp vụ;", sections=(), tasks=())
    assert t.metric == "công chức, viên chức được bồi dưỡng nghiệp vụ"
    (t,) = find_targets("Tỷ lệ giải quyết hồ sơ đúng hạn đạt tối thiểu 96%.", sections=(), tasks=())
    assert t.metric == "Tỷ lệ giải quyết hồ sơ đúng hạn"


def test_area_and_task_come_from_context() -> None:
    text = "I. Cải cách TTHC\nđạt tối thiểu 60%.\n1\tRà soát 100% TTHC\tSở Nội vụ"
    section = Section(path="I", heading="Cải cách TTHC", level=1, area="tthc", start=0, end=len(text))
    row = text.index("1\t")
    task = Task(
        id="T01", text="Rà soát 100% TTHC", origin="table", area="the-che", number="1", lead=(), cooperate=(),
        products=(), deadline=None, start=row, end=len(text),
    )  # fmt: skip
    first, second = find_targets(text, sections=[section], tasks=[task])
    assert (first.area, first.task) == ("tthc", None)
    assert (second.area, second.task) == ("the-che", "T01")
    assert text[second.start : second.end] == "Rà soát 100% TTHC"


@pytest.mark.parametrize(
    ("line", "change", "metric"),
    [
        ("- Cắt giảm 30% thời gian giải quyết TTHC.", "reduce", "thời gian giải quyết TTHC"),
        ("- Tăng 10% số hồ sơ trực tuyến.", "increase", "số hồ sơ trực tuyến"),
        ("- 100% TTHC được công khai trên https://dichvucong.gov.vn.", None, "TTHC được công khai trên"),
    ],
)
def test_change_and_no_url_in_the_metric(line: str, change: str | None, metric: str) -> None:
    (target,) = find_targets(line, sections=(), tasks=())
    assert (target.change, target.metric) == (change, metric)


def test_a_table_cell_with_only_the_number_takes_the_row_s_indicator() -> None:
    row = "1\tTỉ lệ dịch vụ công trực tuyến toàn trình\t%\t100%"
    (target,) = find_targets(row, sections=(), tasks=())
    assert (target.value, target.metric) == (100.0, "Tỉ lệ dịch vụ công trực tuyến toàn trình")
