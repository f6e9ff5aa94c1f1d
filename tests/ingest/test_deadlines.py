"""Deadline normalisation (spec legal-identifiers §3.6): kinds, period bounds, recurrence, plan-year fallback."""

from __future__ import annotations

import pytest

from ingest.deadlines import deadline_phrase, parse_deadline

# text, plan year, kind, start, end, recurrence
CASES = [
    ("Quý I/2024", 2024, "by_date", "2024-01-01", "2024-03-31", None),
    ("Quý IV năm 2022", 2023, "by_date", "2022-10-01", "2022-12-31", None),
    ("Quý IV/2022", None, "by_date", "2022-10-01", "2022-12-31", None),
    ("Quý II, III năm 2023", 2023, "window", "2023-04-01", "2023-09-30", None),
    ("Trong quý II/2022", 2022, "by_date", "2022-04-01", "2022-06-30", None),
    ("Chậm nhất quý II/2022", 2022, "by_date", "2022-04-01", "2022-06-30", None),
    ("Tháng Quý IV/2022", 2022, "by_date", "2022-10-01", "2022-12-31", None),  # garbled: the quarter wins
    ("Quý I", 2023, "by_date", "2023-01-01", "2023-03-31", None),  # bare quarter takes the plan year
    ("Quý I", None, "unspecified", None, None, None),
    ("Tháng 01/2023", 2023, "by_date", "2023-01-01", "2023-01-31", None),
    ("Tháng 1/2023", 2023, "by_date", "2023-01-01", "2023-01-31", None),
    ("Tháng 01 năm 2023", 2023, "by_date", "2023-01-01", "2023-01-31", None),
    ("Tháng 8 năm 2023", 2023, "by_date", "2023-08-01", "2023-08-31", None),
    ("Trong tháng 01/2024", 2024, "by_date", "2024-01-01", "2024-01-31", None),
    ("Trong 12/2024", 2024, "by_date", "2024-12-01", "2024-12-31", None),
    ("Tháng 6", 2024, "by_date", "2024-06-01", "2024-06-30", None),
    ("Năm 2023", 2023, "by_date", "2023-01-01", "2023-12-31", None),
    ("Trong năm 2024", 2024, "by_date", "2024-01-01", "2024-12-31", None),
    ("6 tháng đầu năm 2024", 2024, "by_date", "2024-01-01", "2024-06-30", None),
    ("giai đoạn 2021-2025", 2022, "window", "2021-01-01", "2025-12-31", None),
    ("trước ngày 15/12/2023", 2023, "by_date", "2023-12-15", "2023-12-15", None),
    ("30/6/2024", None, "by_date", "2024-06-30", "2024-06-30", None),
    ("trước ngày 12/3", 2022, "by_date", "2022-03-12", "2022-03-12", None),
    ("ngày 31/02/2024", 2024, "unspecified", None, None, None),
    ("Thường xuyên", 2024, "recurring", None, None, "thuong-xuyen"),
    ("Thường xuyên trong năm", 2023, "recurring", "2023-01-01", "2023-12-31", "thuong-xuyen"),
    ("Hàng quý", 2024, "recurring", None, None, "hang-quy"),
    ("Hàng năm", 2024, "recurring", None, None, "hang-nam"),
    ("Định kỳ", 2024, "recurring", None, None, "dinh-ky"),
    ("Theo định kỳ", 2024, "recurring", None, None, "dinh-ky"),
    ("Định kỳ trong năm 2023", 2023, "recurring", "2023-01-01", "2023-12-31", "dinh-ky"),
    ("Định kỳ, đột xuất trong năm", 2023, "recurring", "2023-01-01", "2023-12-31", "dinh-ky+dot-xuat"),
    ("Hàng quý và năm 2024", 2024, "recurring", "2024-01-01", "2024-12-31", "hang-quy"),
    ("Sau khi có kết quả công bố", 2023, "event", None, None, None),
    ("Sau khi có kết quả công bổ", 2023, "event", None, None, None),  # OCR slip of the joined page-break cell
    ("Theo KH đào tạo, bồi dưỡng", 2022, "per_plan", None, None, None),
    ("Lồng ghép báo cáo CCHC", 2024, "per_plan", None, None, None),
    ("Theo thời hạn đã đăng ký với UBND tỉnh", 2022, "per_plan", None, None, None),
    ("Theo tiến độ phê duyệt", 2022, "per_plan", None, None, None),
    ("Theo hướng dẫn Trung ương", 2022, "per_plan", None, None, None),
    ("Định kỳ theo báo cáo CCHC", 2023, "per_plan", None, None, None),
    ("Theo BC CCHC định kỳ", 2023, "per_plan", None, None, None),
    ("Theo quy định của cơ quan có thẩm quyền", 2023, "per_plan", None, None, None),
    ("- Trong tháng 01/2024 - Hàng quý, năm 2024", 2024, "multi", "2024-01-01", "2024-01-31", "hang-quy"),
    ("Quý IV/2022 và theo định kỳ", 2023, "multi", "2022-10-01", "2022-12-31", "dinh-ky"),
    ("- Thực hiện thường xuyên; - Báo cáo theo thời điểm báo cáo CCHC", 2024, "multi", None, None, "thuong-xuyen"),
    ("Đáp ứng theo yêu cầu", 2023, "per_plan", None, None, None),
    ("Khi cần thiết", 2023, "unspecified", None, None, None),
]


@pytest.mark.parametrize(("text", "year", "kind", "start", "end", "recurrence"), CASES)
def test_parse_deadline(
    text: str, year: int | None, kind: str, start: str | None, end: str | None, recurrence: str | None
) -> None:
    got = parse_deadline(text, year=year)
    assert (got.kind, got.start, got.end, got.recurrence) == (kind, start, end, recurrence)
    assert got.text == text


def test_whitespace_collapsed_in_text() -> None:
    assert parse_deadline("  Quý I/2024\n", year=None).text == "Quý I/2024"


@pytest.mark.parametrize("text", ["Quý 5/2024", "Tháng 13/2024", "quy định", "Kế hoạch"])
def test_not_periods(text: str) -> None:
    assert parse_deadline(text, year=2024).kind in ("unspecified", "per_plan")


# (text, issued, duration, business days, counts from, end): a time counted from an event; its end is known only
# when the event is the document's own signing.
RELATIVE = [
    ("trong thời hạn 03 ngày làm việc kể từ ngày ký Kế hoạch này", "2025-11-21", "P3D", True, "ngày ký Kế hoạch này",
     "2025-11-26"),  # Friday + 3 working days
    ("chậm nhất 05 ngày làm việc kể từ ngày ban hành", "2025-11-21", "P5D", True, "ngày ban hành", "2025-11-28"),
    ("trong thời hạn 10 ngày kể từ ngày nhận Kế hoạch này", "2025-11-21", "P10D", False, "ngày nhận Kế hoạch này",
     None),
    ("trong thời gian 10 (mười) ngày làm việc kể từ ngày tiếp nhận phản ánh", None, "P10D", True,
     "ngày tiếp nhận phản ánh", None),
    ("trong vòng 15 ngày kể từ ngày ký", "2025-12-20", "P15D", False, "ngày ký", "2026-01-04"),
    ("trong thời hạn 02 tháng", None, "P2M", False, None, None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "issued", "duration", "business", "after", "end"), RELATIVE)
def test_relative_deadlines(
    text: str, issued: str | None, duration: str, business: bool, after: str | None, end: str | None
) -> None:
    got = parse_deadline(text, year=2025, issued=issued)
    assert (got.kind, got.duration, got.business_days, got.after, got.end) == (
        "relative",
        duration,
        business,
        after,
        end,
    )


@pytest.mark.parametrize("text", ["khi Bộ Nội vụ ban hành hướng dẫn", "Sau khi có Quy chế của TW"])
def test_conditions_are_events_not_dates(text: str) -> None:
    got = parse_deadline(text, year=2025)
    assert (got.kind, got.start, got.end) == ("event", None, None)


def test_deadline_phrases_in_prose_tasks() -> None:
    from ingest.pipeline import extract_text

    text = (
        "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG\nSố: 12/KH-UBND\tVĩnh Long, ngày 21 tháng 11 năm 2025\nKẾ HOẠCH\nCải cách\n"
        "1. Sở Nội vụ:\na) Trình Kế hoạch trong thời hạn 03 ngày làm việc kể từ ngày ký Kế hoạch này.\n"
        "b) Tổng hợp báo cáo.\n- Thời gian thực hiện: Năm 2026.\n"
    )
    first, second = extract_text(text, source="x").extraction.tasks
    assert first.deadline is not None and (first.deadline.kind, first.deadline.end) == ("relative", "2025-11-26")
    assert second.deadline is not None and second.deadline.text == "Năm 2026"


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("Tổng hợp báo cáo trước ngày 15/12/2025.", "trước ngày 15/12/2025"),
        ("Trình Kế hoạch chậm nhất 05 ngày làm việc kể từ ngày ký.", "chậm nhất 05 ngày làm việc kể từ ngày ký"),
        # a length in weeks or months reads like one in days; "6 tháng đầu năm" stays a period
        (
            "Báo cáo trong thời hạn 02 tháng kể từ ngày nhận được Kế hoạch.",
            "trong thời hạn 02 tháng kể từ ngày nhận được Kế hoạch",
        ),
        ("Hoàn thành trong vòng 03 tháng.", "Hoàn thành trong vòng 03 tháng"),
        ("Gửi dự thảo chậm nhất 2 tuần kể từ ngày ký.", "chậm nhất 2 tuần kể từ ngày ký"),
        ("Tổng hợp trong thời gian 6 tháng đầu năm 2024.", "năm 2024"),
        # "TU" of a party notation ("319-KH/TU ngày …") is no "từ ngày": a cited document's date is no deadline
        ("Triển khai Kế hoạch số 319-KH/TU ngày 10/4/2025 của Tỉnh ủy trong các cơ quan.", None),
        ("Thực hiện Chỉ thị số 05-CT/TU ngày 3 tháng 4 năm 2025 của Ban Thường vụ.", None),
    ],
)
def test_deadline_phrase_of_a_wording(wording: str, expected: str | None) -> None:
    assert deadline_phrase(wording) == expected
