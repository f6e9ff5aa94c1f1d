"""Questions through time (kg/history.py): a unit and its predecessors, a former province in `compare`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import history
from kg.cli import app
from kg.store import GraphStore
from tests.helpers import SAMPLES, load_files

runner = CliRunner()

_PLAN = """ỦY BAN NHÂN DÂN
{level} {upper}
Số: {number}/KH-UBND
{place}, ngày 10 tháng {month} năm {year}

KẾ HOẠCH
Cải cách hành chính năm {year}

1. Sở Nội vụ chủ trì theo dõi, đánh giá Chỉ số cải cách hành chính, hoàn thành trong Quý IV/{year}.
2. Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.
"""


def _write(folder: Path, name: str, level: str, place: str, number: int, month: int, year: int) -> Path:
    path = folder / name
    text = _PLAN.format(level=level, upper=place.upper(), place=place, number=number, month=month, year=year)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sóc Trăng's sample plan (2024), a Hậu Giang plan of 2024 and a Cần Thơ plan after the merger."""
    docs = tmp_path_factory.mktemp("docs")
    files = [
        SAMPLES / "001_fe3bcb04caaad112.txt",
        _write(docs, "hau_giang.txt", "TỈNH", "Hậu Giang", 7, 1, 2024),
        _write(docs, "can_tho.txt", "THÀNH PHỐ", "Cần Thơ", 9, 8, 2025),
    ]
    directory = tmp_path_factory.mktemp("store")
    store = GraphStore.open_local(directory)
    summary = load_files(files, store)
    store.close()
    assert summary.changes["new"] == 3 and not summary.failures
    return directory


@pytest.fixture
def store(home: Path) -> Iterator[GraphStore]:
    opened = GraphStore.open_local(home, read_only=True)
    yield opened
    opened.close()


def test_a_unit_through_time_answers_for_itself_and_its_predecessors(store: GraphStore) -> None:
    answer = history.unit_through_time(store, "Sở Nội vụ", "Cần Thơ")
    by_scope = {a["scope"]: a for a in answer}
    assert set(by_scope) == {"vn.can-tho", "vn.soc-trang", "vn.hau-giang"}
    assert by_scope["vn.can-tho"]["relation"] == "current"
    for former in ("vn.soc-trang", "vn.hau-giang"):
        unit = by_scope[former]
        assert unit["relation"] == "predecessor" and unit["valid_until"] == "2025-06-30"
        assert unit["successor"] == "vn.can-tho/so-noi-vu" and "202/2025/QH15" in unit["source"]
        assert "(cũ)" in unit["label"] and "Cần Thơ" in unit["label"]


def test_a_former_province_is_answered_through_its_successor(store: GraphStore) -> None:
    via_former = history.unit_through_time(store, "so noi vu", "tỉnh Sóc Trăng")
    assert [a["scope"] for a in via_former] == [
        a["scope"] for a in history.unit_through_time(store, "Sở Nội vụ", "TP Cần Thơ")
    ]
    assert history.unit_through_time(store, "Sở Nội vụ", "Vĩnh Long") == []  # no body of Vĩnh Long in this store


def test_cli_unit_through_time_labels_each_answer(home: Path) -> None:
    result = runner.invoke(app, ["unit", "Sở Nội vụ", "--province", "Cần Thơ", "--through-time", "--store", str(home)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert len(lines) == 3 and lines[0].startswith("Sở Nội vụ — thành phố Cần Thơ: leads 1")
    assert sum("(cũ)" in line and "nay thuộc thành phố Cần Thơ" in line for line in lines) == 2
    result = runner.invoke(app, ["unit", "Sở Nội vụ", "--through-time", "--store", str(home)])
    assert result.exit_code == 2 and "--province" in result.output


def test_cli_compare_says_where_a_former_province_went(home: Path) -> None:
    result = runner.invoke(app, ["compare", "Sóc Trăng", "Cần Thơ", "--store", str(home), "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {p["scope"] for p in answer["plans"]} == {"vn.soc-trang", "vn.can-tho"}
    soc_trang, can_tho = answer["places"]
    assert (
        not soc_trang["current"] and soc_trang["part_of"] == "thành phố Cần Thơ" and soc_trang["since"] == "2025-07-01"
    )
    assert can_tho["current"] and can_tho["since"] is None
    table = runner.invoke(app, ["compare", "Sóc Trăng", "--store", str(home)]).stdout
    assert table.startswith("tỉnh Sóc Trăng (cũ): part of thành phố Cần Thơ since 2025-07-01")
