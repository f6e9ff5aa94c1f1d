"""The one normaliser both sides of eval.score_questions go through (eval.answer_keys): equal up to spelling,
and different works, scopes and units kept apart."""

from __future__ import annotations

from typing import Any

import pytest

from eval import answer_keys as keys


@pytest.mark.parametrize(
    ("value", "same_as"),
    [
        ("Xây dựng Kế hoạch CCHC năm 2023.", "xây dựng kế hoạch cchc năm 2023"),
        ("Quý IV năm 2022", "Quý IV năm 2022 "),
        ({"b": [2, 1], "a": "Sở Nội vụ"}, {"a": "SỞ NỘI VỤ", "b": [1.0, 2.0]}),
        (["x", "y", "x"], ["x", "x", "y"]),
    ],
)
def test_canon_equal(value: Any, same_as: Any) -> None:
    assert keys.canon(value) == keys.canon(same_as)


@pytest.mark.parametrize(
    ("value", "other"),
    [
        (["x", "y"], ["x", "y", "y"]),  # a multiset: repeats count
        ("Sở Nội vụ", "Sở Nội vụ tỉnh"),
        ({"a": None}, {"a": "None"}),
        (1, "1"),
    ],
)
def test_canon_different(value: Any, other: Any) -> None:
    assert keys.canon(value) != keys.canon(other)


@pytest.mark.parametrize(
    ("text", "iso"),
    [("07/3/2020", "2020-03-07"), ("before 12/3/2022", "2022-03-12"), ("19/12/2024", "2024-12-19"), (None, None)],
)
def test_iso_date(text: str | None, iso: str | None) -> None:
    assert keys.iso_date(text) == iso


@pytest.mark.parametrize(
    ("gold_id", "notation", "year", "law_name"),
    [
        ("NĐ:107/2020/NĐ-CP", "107/2020/NĐ-CP", None, None),
        ("NQ:18-NQ/TW(2017)", "18-NQ/TW", "2017", None),
        ("CT:06-CT/TU(2016)@VinhLong", "6-CT/TU", "2016", None),
        ("QĐ:2617/QĐ-UBND(2021)@VinhLong", "2617/QĐ-UBND", "2021", None),
        ("LUAT:to-chuc-chinh-quyen-dia-phuong(2015)", None, None, "Luật Tổ chức chính quyền địa phương"),
        (
            "LUAT:sua-doi-to-chuc-chinh-phu-va-to-chuc-chinh-quyen-dia-phuong(2019)",
            None,
            None,
            "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
        ),
    ],
)
def test_gold_work_keys_meet_ours(gold_id: str, notation: str | None, year: str | None, law_name: str | None) -> None:
    ours = keys.law_key(law_name) if law_name else keys.work_key(notation or "", year)
    assert keys.gold_work_key(gold_id) == ours


def test_work_keys_keep_different_works_apart() -> None:
    assert keys.gold_work_key("NĐ:107/2020/NĐ-CP") != keys.work_key("107/2021/NĐ-CP", None)
    assert keys.gold_work_key("NQ:19-NQ/TW(2017)") != keys.gold_work_key("NQ:19-NQ/TU(2020)@VinhLong")
    assert keys.law_key("Luật Tổ chức Chính phủ") != keys.law_key("Luật Tổ chức chính quyền địa phương")


@pytest.mark.parametrize(
    ("ours", "gold_scope"),
    [
        ("vn", "VN"),
        ("vn.soc-trang", "SocTrang"),
        ("vn.vinh-long", "VinhLong"),
        ("vn.soc-trang.tx-nga-nam", "NgaNam.SocTrang"),
    ],
)
def test_scope_keys_meet(ours: str, gold_scope: str) -> None:
    assert keys.scope_key(ours) == keys.gold_scope_key(gold_scope)


def test_unit_cells_compare_as_units() -> None:
    assert keys.unit_words("Phòng Ngoại vụ và các đơn vị có liên quan") == keys.unit_words(
        "Các đơn vị có liên quan Phòng Ngoại vụ"
    )
    assert keys.unit_words("Trung tâm Phục vụ hành chính công") == keys.unit_words(
        "Trung tâm Phục vụ hành chính công tỉnh"
    )
    assert keys.unit_words("Các cơ quan, đơn vị") != keys.unit_words("Các cơ quan, đơn vị có liên quan")
