"""ingest.read: encodings, formats and the one-line reasons for files that cannot be read."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import docx
import pytest

from ingest.normalize import normalize
from ingest.read import SUPPORTED_SUFFIXES, ReadError, decode_bytes, read_file

VI = "Ủy ban nhân dân tỉnh Sóc Trăng\nKế hoạch số 218/KH-UBND ngày 19/12/2023 về cải cách hành chính năm 2024"
LIMIT = 20_000_000


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters (â, ơ, ư, đ …) precomposed, tones as combining marks."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (VI.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + VI.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + VI.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + VI.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + VI.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + VI.encode("utf-32-be"), "utf-32-be"),
        (VI.encode("utf-16-le"), "utf-16-le"),  # no BOM: NULs in every other byte
        (VI.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    decoded = read_file(_write(tmp_path, "a.txt", data), max_bytes=LIMIT)
    assert decoded.text == VI
    assert decoded.encoding == encoding
    assert decoded.media_type == "text/plain"
    assert decode_bytes(data) == (VI, encoding)


def test_cp1258_vietnamese(tmp_path: Path) -> None:
    data = _cp1258(VI)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded = read_file(_write(tmp_path, "a.txt", data), max_bytes=LIMIT)
    assert decoded.encoding == "cp1258"
    assert decoded.text == data.decode("cp1258")  # offsets refer to the decoded text as it is
    assert unicodedata.normalize("NFC", decoded.text) == VI
    assert normalize(decoded.text).text == VI


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = (VI * 20).encode("utf-8") + b"\xff" + VI.encode("utf-8")
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8"
    assert text.count("\ufffd") == 1
    assert text.startswith(VI)


def test_cp1252_western_text_is_not_taken_for_vietnamese() -> None:
    text, encoding = decode_bytes("Café crème à côté de l'hôtel, déjà vu.".encode("cp1252"))
    assert encoding != "cp1258"
    assert "Café" in text


def test_markdown_and_html_keep_markup(tmp_path: Path) -> None:
    md = read_file(_write(tmp_path, "a.md", "**KẾ HOẠCH**  \n# Tiêu đề".encode()), max_bytes=LIMIT)
    assert (md.text, md.media_type) == ("**KẾ HOẠCH**  \n# Tiêu đề", "text/markdown")
    page = "<html><body><p>Căn cứ &amp; Luật</p></body></html>"
    html = read_file(_write(tmp_path, "a.HTM", page.encode()), max_bytes=LIMIT)
    assert (html.text, html.media_type) == (page, "text/html")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.txt", b"", "empty file"),
        ("a.txt", b"  \r\n\t\n ", "empty file"),
        ("a.md", codecs.BOM_UTF8 + b"\n\n", "empty file"),
        ("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary content (not text)"),
        ("a.txt", bytes(range(1, 9)) * 200, "binary content (not text)"),
        ("a.xyz", b"text", "unsupported file type .xyz"),
        ("README", b"text", "unsupported file type (no extension)"),
        ("a.xls", b"\xd0\xcf\x11\xe0", "unsupported file type .xls"),
    ],
)
def test_unreadable(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = _write(tmp_path, name, data)
    with pytest.raises(ReadError) as info:
        read_file(path, max_bytes=LIMIT)
    assert info.value.reason == reason
    assert info.value.path == path
    assert "\n" not in str(info.value)


def test_size_limit_checked_before_reading(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", b"a" * 2_600_000)
    with pytest.raises(ReadError) as info:
        read_file(path, max_bytes=2_000_000)
    assert info.value.reason == "over the size limit (2.6 MB > 2 MB)"
    assert read_file(path, max_bytes=3_000_000).text == "a" * 2_600_000


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read_file(tmp_path / "nope.txt", max_bytes=LIMIT)
    assert info.value.reason == "no such file or folder"


def test_supported_suffixes() -> None:
    expected = {".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".doc", ".rtf", ".odt"}
    expected |= {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
    assert frozenset(expected) == SUPPORTED_SUFFIXES


# --- .docx ---------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020;")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["STT", "Nhiệm vụ", "Thời gian"], ["1", "Rà soát", "Quý I"], ["", "Tuyên truyền", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 1).add_paragraph("văn bản")  # a second paragraph inside a cell stays in the cell
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical merge: the continued cell reads empty
    document.add_paragraph("Nơi nhận:")
    path = tmp_path / "plan.docx"
    document.save(str(path))

    decoded = read_file(path, max_bytes=LIMIT)
    assert decoded.encoding == "docx"
    assert decoded.text.split("\n") == [
        "KẾ HOẠCH",
        "Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020;",
        "STT\tNhiệm vụ\tThời gian",
        "1\tRà soát văn bản\tQuý I",
        "\tTuyên truyền\t",
        "Nơi nhận:",
    ]


def test_docx_merged_cells_keep_the_grid(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "I. CẢI CÁCH THỂ CHẾ"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "Rà soát"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    assert read_file(path, max_bytes=LIMIT).text.split("\n") == ["I. CẢI CÁCH THỂ CHẾ\t\t", "1\tRà soát\t"]


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 not really a zip", b"plain text, not a zip", b"PK\x05\x06" + b"\x00" * 18]
)
def test_corrupt_docx(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError) as info:
        read_file(_write(tmp_path, "bad.docx", data), max_bytes=LIMIT)
    assert info.value.reason.startswith("not a valid .docx")


def test_empty_docx(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    with pytest.raises(ReadError) as info:
        read_file(path, max_bytes=LIMIT)
    assert info.value.reason == "empty file"


# --- .pdf ----------------------------------------------------------------------------------------


def _pdf(lines: list[str]) -> bytes:
    """A minimal valid PDF: one page, Helvetica text lines (ASCII), correct xref offsets."""
    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops += [f"({line}) Tj", "T*"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.pdf", _pdf(["Ke hoach so 218/KH-UBND", "ngay 19/12/2023"]))
    decoded = read_file(path, max_bytes=LIMIT)
    assert (decoded.encoding, decoded.media_type) == ("pdf", "application/pdf")
    assert "Ke hoach so 218/KH-UBND" in decoded.text
    assert "ngay 19/12/2023" in decoded.text


def test_blank_pdf_is_read_by_ocr_and_found_empty(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read_file(_write(tmp_path, "scan.pdf", _pdf([])), max_bytes=LIMIT)
    assert info.value.reason == "no text found, not even by OCR (blank pages?)"


def test_corrupt_pdf(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read_file(_write(tmp_path, "bad.pdf", b"%PDF-1.4\ngarbage without objects"), max_bytes=LIMIT)
    assert info.value.reason.startswith("not a valid PDF")
