"""ingest.vntext: the shared string helpers."""

from __future__ import annotations

import re
import sys

import pytest

from ingest.vntext import fold, match_key, new_tones, slug, word_alternation


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


def test_fold_keeps_every_character_the_table_does_not_map() -> None:
    """The list table: characters past it (quotes, CJK, astral) and unmapped ones stay; marks go; letters fold."""
    assert fold("“Ủy ban” – 中文 𝐀 e\u0301") == "“uy ban” – 中文 𝐀 e"
    assert all(len(fold(chr(c))) == 1 for c in range(0x2000, sys.maxunicode + 1, 97))


def test_word_alternation_matches_as_the_plain_alternation() -> None:
    words = ("co", "co trach nhiem", "chu tri", "la", "lam", "phoi hop")
    plain = re.compile(rf"\b(?:{'|'.join(words)})\b")
    fast = re.compile(word_alternation(words))
    text = "so co trach nhiem chu tri, la lam; lama coco phoi hop, xco la"
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert [m.group() for m in fast.finditer(text)] == ["co", "chu tri", "la", "lam", "phoi hop", "la"]
