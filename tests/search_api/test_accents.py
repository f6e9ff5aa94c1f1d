"""Diacritics restored on queries typed without them: the decoder on a small corpus, then the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.vntext import fold
from search_api.accents import DATA, AccentModel, Restorer, default_restorer

CORPUS = [
    "Thủ tục hành chính được công bố.",
    "Rà soát thủ tục hành chính.",
    "Thu thuế và thu phí theo quy định.",
    "Sở Nội vụ chủ trì, thu thuế.",
]


@pytest.fixture(scope="module")
def small() -> Restorer:
    return Restorer(AccentModel.count(CORPUS * 2))


def test_context_chooses_between_forms_of_one_syllable(small: Restorer) -> None:
    assert small.restore("thu tuc hanh chinh") == "thủ tục hành chính"
    assert small.restore("thu thue") == "thu thuế"


def test_case_spacing_digits_and_unknown_words_are_kept(small: Restorer) -> None:
    assert small.restore("So Noi vu  chu tri, THU THUE 2024 xyz") == "Sở Nội vụ  chủ trì, THU THUẾ 2024 xyz"


def test_a_text_with_diacritics_is_left_as_typed(small: Restorer) -> None:
    assert small.restore("thu tục") == "thu tục"
    assert small.restore("2024 / 107") == "2024 / 107"
    assert small.restore("") == ""


def test_counts_survive_save_and_load(tmp_path: Path) -> None:
    model = AccentModel.count(CORPUS * 2)
    model.save(tmp_path / "m.npz")
    again = Restorer(AccentModel.load(tmp_path / "m.npz"))
    assert again.restore("ra soat thu tuc") == "rà soát thủ tục"


def test_once_seen_pairs_and_syllables_are_pruned() -> None:
    model = AccentModel.count(["hiếm gặp", "thủ tục", "thủ tục"])
    assert model.vocab == ("thủ", "tục")
    assert model.pair_counts.tolist() == [2]


def test_the_model_ships_with_the_package() -> None:
    assert DATA.exists()
    assert default_restorer() is not None


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        ("thu tuc hanh chinh cap giay phep xay dung", "thủ tục hành chính cấp giấy phép xây dựng"),
        ("muc phat vi pham giao thong doi voi xe may", "mức phạt vi phạm giao thông đối với xe máy"),
        ("nghi dinh 107/2020 ve to chuc co quan chuyen mon", "nghị định 107/2020 về tổ chức cơ quan chuyên môn"),
        ("ho so dang ky ket hon gom nhung giay to gi", "hồ sơ đăng ký kết hôn gồm những giấy tờ gì"),
        ("UBND tinh giao So Noi vu chu tri", "UBND tỉnh giao Sở Nội vụ chủ trì"),
        ("quyen va nghia vu cua nguoi lao dong", "quyền và nghĩa vụ của người lao động"),
        ("xu phat hanh chinh trong linh vuc moi truong", "xử phạt hành chính trong lĩnh vực môi trường"),
        ("chi tieu ho so truc tuyen muc do 3 4", "chỉ tiêu hồ sơ trực tuyến mức độ 3 4"),
        ("tinh gian bien che", "tinh giản biên chế"),
        ("Ha Noi", "Hà Nội"),
    ],
)
def test_the_shipped_model_on_legal_and_administrative_queries(typed: str, restored: str) -> None:
    restorer = default_restorer()
    assert restorer is not None
    assert restorer.restore(typed) == restored


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_restoring_changes_nothing_but_diacritics(text: str) -> None:
    restorer = default_restorer()
    assert restorer is not None
    assert fold(restorer.restore(text)) == fold(text)
