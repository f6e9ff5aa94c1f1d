"""ingest.legacy_encoding: TCVN3 and VNI tables, their inverse, and detection of mojibake."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest

from ingest import legacy_encoding as le
from ingest.read import read_file

LETTERS = le.vietnamese_letters()
LOWER = [c for c in LETTERS if c.islower()]
UPPER = [c for c in LETTERS if c.isupper()]
TEXT = (
    "Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ sửa đổi, bổ sung một số điều; "
    "Sở Nội vụ chủ trì, phối hợp với các cơ quan, đơn vị có liên quan thực hiện nhiệm vụ cải cách hành chính "
    "năm 2024, bảo đảm tiến độ trước ngày 30/6/2024."
)


def test_every_vietnamese_letter_is_covered() -> None:
    assert len(LOWER) == len(UPPER) == 67  # 12 vowels x 6 tones, less the 6 plain ASCII vowels, and đ
    assert all(unicodedata.is_normalized("NFC", c) for c in LETTERS)


@pytest.mark.parametrize("letter", LETTERS)
def test_vni_round_trip_every_letter(letter: str) -> None:
    legacy = le.encode(letter, "vni")
    assert all(ord(c) < 0x100 for c in legacy)  # ì í Ì Í are their own VNI bytes
    assert le.decode(legacy, "vni") == letter
    assert le.decode(f"x{legacy}x", "vni") == f"x{letter}x"


@pytest.mark.parametrize("letter", LOWER)
def test_tcvn3_round_trip_every_lowercase_letter(letter: str) -> None:
    legacy = le.encode(letter, "tcvn3")
    assert len(legacy) == 1 and 0xA1 <= ord(legacy) <= 0xFE
    assert le.decode(legacy, "tcvn3") == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_capitals_round_trip_through_the_capitals_font(letter: str) -> None:
    """TCVN3 has no code for most capitals: `.VnTimeH` shows the lowercase code as a capital."""
    legacy = le.encode(letter, "tcvn3")
    assert le.decode(legacy, "tcvn3", uppercase=True) == letter


def test_tcvn3_codes_are_distinct() -> None:
    codes = {le.encode(c, "tcvn3") for c in LOWER}
    assert len(codes) == len(LOWER)


@pytest.mark.parametrize(
    ("legacy", "encoding", "unicode"),
    [
        ("KÕ ho¹ch", "tcvn3", "Kế hoạch"),
        ("B¶o Th¾ng", "tcvn3", "Bảo Thắng"),
        ("KÕ HO¹CH C¶I C¸CH", "tcvn3", "KẾ HOẠCH CẢI CÁCH"),  # capitals typed in plain text
        ("Keá hoaïch", "vni", "Kế hoạch"),
        ("KEÁ HOAÏCH", "vni", "KẾ HOẠCH"),
        ("Xin chaøo caùc baïn", "vni", "Xin chào các bạn"),
        ("Ñoàng Nai, ngaøy 14 thaùng 9", "vni", "Đồng Nai, ngày 14 tháng 9"),
        ("Sôû Noäi vuï", "vni", "Sở Nội vụ"),
    ],
)
def test_known_mojibake(legacy: str, encoding: le.Encoding, unicode: str) -> None:
    assert le.decode(legacy, encoding) == unicode


@pytest.mark.parametrize("encoding", le.ENCODINGS)
def test_detect_legacy_text(encoding: le.Encoding) -> None:
    assert le.detect(le.encode(TEXT, encoding)) == encoding
    assert le.decode(le.encode(TEXT, encoding), encoding) == TEXT


@pytest.mark.parametrize(
    "text",
    [
        TEXT,  # Unicode Vietnamese
        "Plain ASCII only, nothing to decode.",
        "Café, crème brûlée et pâté à la française — déjà vu, naïve façade.",  # Latin-1 letters
        "Straße, Grüße, Öl und Bär über Äcker.",
        "Giá: 1.500.000 đ ± 5%, ¼ số hồ sơ; § 3 ©",
    ],
)
def test_detect_leaves_other_text_alone(text: str) -> None:
    assert le.detect(text) is None


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", ("tcvn3", False)),
        (".VnTimeH", ("tcvn3", True)),
        (".VnArial", ("tcvn3", False)),
        ("VnTime", ("tcvn3", False)),
        ("VNI-Times", ("vni", False)),
        ("VNI-Helve", ("vni", False)),
        ("Times New Roman", None),
        ("Verdana", None),
        (None, None),
    ],
)
def test_font_encoding(font: str | None, expected: tuple[str, bool] | None) -> None:
    assert le.font_encoding(font) == expected


@pytest.mark.parametrize("encoding", le.ENCODINGS)
@pytest.mark.parametrize("byte_encoding", ["cp1252", "utf-8"])
def test_read_legacy_text_file(tmp_path: Path, encoding: le.Encoding, byte_encoding: str) -> None:
    """Bytes of a legacy-font text file, or its mojibake saved as UTF-8, read as Unicode."""
    path = tmp_path / "a.txt"
    path.write_bytes(le.encode(TEXT, encoding).encode(byte_encoding))
    decoded = read_file(path, max_bytes=10**6)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


def test_read_docx_runs_in_legacy_fonts(tmp_path: Path) -> None:
    """Runs in .VnTime, .VnTimeH and VNI-Times fonts beside Unicode runs, in a paragraph and a table."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run(le.encode("KẾ HOẠCH", "tcvn3")).font.name = ".VnTimeH"
    paragraph.add_run(" cải cách ")  # Unicode, default font
    paragraph.add_run(le.encode("hành chính năm 2024", "tcvn3")).font.name = ".VnTime"
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).paragraphs[0].add_run(le.encode("Sở Nội vụ", "vni")).font.name = "VNI-Times"
    table.cell(0, 1).paragraphs[0].add_run("Thường xuyên")
    styled = document.add_paragraph(le.encode("Đồng Nai, ngày 14 tháng 9 năm 2021", "vni"))
    styled.style = document.styles.add_style("Legacy", 1)
    styled.style.font.name = "VNI-Times"  # the font comes from the paragraph style
    path = tmp_path / "legacy.docx"
    document.save(str(path))
    assert read_file(path, max_bytes=10**6).text.split("\n") == [
        "KẾ HOẠCH cải cách hành chính năm 2024",
        "Sở Nội vụ\tThường xuyên",
        "Đồng Nai, ngày 14 tháng 9 năm 2021",
    ]
