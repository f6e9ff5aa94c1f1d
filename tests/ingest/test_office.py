"""ingest.office: .doc, .rtf and .odt (and legacy-font Word files) extract exactly like the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.ocr_corpus import Source, build_document
from ingest import legacy_encoding as le
from ingest import office
from ingest.pipeline import extract_file
from ingest.read import ReadError, read_file
from ingest.records import Extraction
from tests.conftest import SAMPLES

TABLE_SAMPLE = "002_d0cae71e4e4777ba"  # a plan with a 28-task appendix table and prose duties


def facts(e: Extraction) -> tuple[object, ...]:
    """What a user gets from a document, offsets aside: citations, tasks and who does them, units."""
    tasks = [
        (t.text, t.number, [a.id for a in t.lead], [a.id for a in t.cooperate], t.deadline, t.products) for t in e.tasks
    ]
    citations = [(c.cid, c.relation, c.date) for c in e.citations]
    return e.document.number, e.document.date, citations, tasks, sorted(u.id for u in e.units)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (SAMPLES / f"{TABLE_SAMPLE}.txt").read_text(encoding="utf-8")
    return build_document(Source(TABLE_SAMPLE, text), tmp_path_factory.mktemp("office"), scan=False)


@pytest.mark.parametrize(
    "name",
    ["docx", "doc", "rtf", "odt", "tcvn3.txt", "vni.txt", "tcvn3.docx", "vni.docx", "tcvn3.doc", "vni.doc"],
)
def test_every_format_extracts_like_the_text(versions: Path, name: str) -> None:
    expected = facts(extract_file(versions / "text.txt").extraction)
    assert len(expected[3]) >= 28  # the table's tasks at least: the comparison is not vacuous
    assert facts(extract_file(versions / f"{TABLE_SAMPLE}.{name}").extraction) == expected


def test_office_files_keep_table_rows(versions: Path) -> None:
    decoded = read_file(versions / f"{TABLE_SAMPLE}.doc", max_bytes=10**8)
    assert decoded.encoding == "doc" and decoded.media_type == "application/msword"
    rows = [line for line in decoded.text.split("\n") if line.startswith("1.3\t")]
    assert rows == [
        "1.3\tCông khai bộ TTHC kịp thời trên Trang thông tin điện tử của Sở\t"
        "TTHC công khai trên Trang thông tin điện tử của Sở\tVăn phòng Sở\tCác phòng, đơn vị trực thuộc Sở\t"
        "Thường xuyên"
    ]


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_tcvn3_and_vni_text_files_extract_like_unicode(tmp_path: Path, sample: str) -> None:
    """Plain-text legacy files: VNI is exact. TCVN3 has no code for a capital with a tone (typists
    switch to the `.VnTimeH` font, which plain text does not keep): "Ủy ban" reads "ủy ban", so the
    text is equal up to case and the cited works are the same (their scope may not be: it comes
    from the issuer's name)."""
    text = (SAMPLES / sample).read_text(encoding="utf-8")
    expected = extract_file(SAMPLES / sample).extraction
    for encoding in le.ENCODINGS:
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(le.encode(text, encoding).encode("cp1252"))
        decoded = read_file(path, max_bytes=10**8)
        assert decoded.encoding == encoding
        if encoding == "vni":
            assert decoded.text == text
            assert facts(extract_file(path).extraction) == facts(expected)
        else:
            assert decoded.text.lower() == text.lower()
            cited = [(c.notation, c.year, c.date) for c in extract_file(path).extraction.citations]
            assert cited == [(c.notation, c.year, c.date) for c in expected.citations]


def test_missing_libreoffice_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    monkeypatch.setattr(office.shutil, "which", lambda _name: None)
    with pytest.raises(ReadError) as err:
        read_file(path, max_bytes=10**6)
    assert err.value.reason == (
        "reading .doc, .rtf and .odt needs LibreOffice (Debian: apt-get install libreoffice-writer-nogui)"
    )


@pytest.mark.parametrize("name", ["broken.odt", "broken.doc"])
def test_corrupt_office_file_is_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really a zip \x00\x01\x02" * 10)
    with pytest.raises(ReadError) as err:
        read_file(path, max_bytes=10**6)
    assert "\n" not in err.value.reason and err.value.reason


def test_pdf_text_layer_in_a_legacy_font_reads_as_unicode(versions: Path) -> None:
    """A PDF printed from a TCVN3 Word file carries the legacy characters in its text layer. (Its ư,
    code 0xAD, is a soft hyphen to the printer and may be dropped: "phơng" for "phương" in laws
    cited by name; numbered notations have none.)"""
    pdf = office.convert(versions / f"{TABLE_SAMPLE}.tcvn3.docx", "pdf", versions)
    decoded = read_file(pdf, max_bytes=10**8)
    assert not any(page.ocr for page in decoded.pages)
    assert "Cải cách hành chính năm 2022" in decoded.text
    cited = {(c.notation, c.year) for c in extract_file(pdf).extraction.citations if c.notation}
    assert cited == {
        (c.notation, c.year) for c in extract_file(versions / "text.txt").extraction.citations if c.notation
    }
