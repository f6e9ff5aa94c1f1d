"""ingest.vntext: the shared string helpers."""

from __future__ import annotations

import pytest

from ingest.vntext import fold, match_key, new_tones, slug


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("UỶ BAN", "ỦY BAN"),
        ("hoà bình, Hoà Bình", "hòa bình, Hòa Bình"),
        ("thuỷ sản, khoẻ", "thủy sản, khỏe"),
        # the tone already sits on the main vowel: before a final consonant, after the "q" of "qu"
        ("Đoàn Thanh niên", "Đoàn Thanh niên"),
        ("toàn dân, hoàn thành", "toàn dân, hoàn thành"),
        ("Quỹ bảo tồn", "Quỹ bảo tồn"),
        ("Ủy ban", "Ủy ban"),
    ],
)
def test_new_tones(text: str, expected: str) -> None:
    assert new_tones(text) == expected


def test_fold_match_key_slug() -> None:
    assert fold("Đoàn Thanh niên") == "doan thanh nien"
    assert match_key("  Uỷ   ban ") == match_key("Ủy ban") == "uy ban"
    assert slug("Sở Nội vụ") == "so-noi-vu" and slug("ĐA", dd=True) == "dda"
