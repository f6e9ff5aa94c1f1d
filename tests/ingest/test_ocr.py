"""OCR end to end on a page the project scans itself (few pages: the full corpus is benchmarks/bench_ocr).

The page is a Word document printed to PDF by LibreOffice, rendered at 300 dpi and "scanned"
(rotation, blur, dust, a red seal) into an image-only PDF, exactly as `eval.ocr_corpus` builds the
benchmark corpus.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter

from eval.ocr_corpus import image_pdf, render_pages, scanned, write_docx
from ingest import ocr, office
from ingest.ocr import OcrOptions, ocr_file_pages
from ingest.pipeline import extract_file
from ingest.read import ReadError, read_file
from ingest.records import Extraction, to_json
from tests.conftest import SAMPLES

ROWS = [
    ("STT", "Nhiệm vụ", "Sản phẩm", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"),
    ("1", "Rà soát, đề xuất sửa đổi các văn bản quy phạm pháp luật không còn phù hợp", "Danh mục văn bản",
     "Văn phòng Sở", "Thanh tra Sở", "Quý II năm 2022"),
    ("2", "Công khai thủ tục hành chính trên Trang thông tin điện tử của Sở", "Thủ tục được công khai",
     "Văn phòng Sở", "Các phòng chuyên môn", "Thường xuyên"),
    ("3", "Tổ chức kiểm tra công tác cải cách hành chính tại các đơn vị trực thuộc", "Báo cáo kết quả kiểm tra",
     "Thanh tra Sở", "Văn phòng Sở", "Tháng 10 năm 2022"),
]  # fmt: skip
TEXT = "\n".join(
    [
        "Số: 15/KH-SNV",
        "Đồng Nai, ngày 12 tháng 01 năm 2022",
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2022",
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách"
        " hành chính nhà nước giai đoạn 2021-2030;",
        "Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ;",
        "Thực hiện Quyết định số 3183/QĐ-UBND ngày 09/9/2021 của UBND tỉnh;",
        "Sở Nội vụ ban hành Kế hoạch cải cách hành chính năm 2022 như sau:",
        *("\t".join(row) for row in ROWS),
    ]
)
NO_TESSERACT = "scanned pages need Tesseract OCR (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)"


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scan")
    (folder / "text.txt").write_text(TEXT, encoding="utf-8")
    printed = office.convert(write_docx(TEXT, folder / "plan.docx"), "pdf", folder)
    pages = render_pages(printed, 300)
    rng = random.Random(14)
    images = [scanned(png, rng, stamp=True) for png in pages]
    images[0].save(folder / "plan.png", dpi=(300, 300))
    return {
        "text": folder / "text.txt",
        "printed": printed,
        "scan": image_pdf(images, folder / "plan.scan.pdf", 300),
        "png": folder / "plan.png",
        "folder": folder,
    }


def _joined(parts: list[Path], path: Path) -> Path:
    """One PDF of the pages of `parts`, in order."""
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with path.open("wb") as out:
        writer.write(out)
    return path


def _keys(e: Extraction) -> list[tuple[str | None, int | None]]:
    return sorted((c.notation, c.year) for c in e.citations)


def _tasks(e: Extraction) -> list[tuple[str | None, list[str]]]:
    """Task numbers and lead units (a scan's dust may still cost a cooperating unit; bench_ocr counts)."""
    return [(t.number, [a.id for a in t.lead]) for t in e.tasks]


def test_scanned_pdf_extracts_like_the_text(scan: dict[str, Path]) -> None:
    decoded = read_file(scan["scan"], max_bytes=10**8)
    assert [(p.number, p.ocr) for p in decoded.pages] == [(1, True)]
    assert decoded.pages[0].confidence is not None and decoded.pages[0].confidence > 0.8
    text_version, ocr_version = extract_file(scan["text"]).extraction, extract_file(scan["scan"]).extraction
    assert _keys(ocr_version) == _keys(text_version) and len(_keys(text_version)) == 3
    assert _tasks(ocr_version) == _tasks(text_version) and len(text_version.tasks) == 3
    assert ocr_version.ocr_confidence == decoded.pages[0].confidence
    records = [*ocr_version.citations, *ocr_version.tasks, *(m for u in ocr_version.units for m in u.mentions)]
    assert records and all(r.ocr for r in records)


def test_table_rows_come_back_as_rows(scan: dict[str, Path]) -> None:
    rows = [line.split("\t") for line in read_file(scan["scan"], max_bytes=10**8).text.split("\n") if "\t" in line]
    assert len(rows) == 4 and all(len(row) == 6 for row in rows)
    assert [row[0] for row in rows] == ["STT", "1", "2", "3"]  # lone numbers, read cell by cell
    assert [row[3] for row in rows] == [row[3] for row in ROWS]


def test_mixed_pdf_is_read_page_by_page(scan: dict[str, Path], tmp_path: Path) -> None:
    mixed = _joined([scan["printed"], scan["scan"]], tmp_path / "mixed.pdf")  # a text layer, then a scan
    decoded = read_file(mixed, max_bytes=10**8)
    assert [(p.number, p.ocr) for p in decoded.pages] == [(1, False), (2, True)]
    assert decoded.pages[0].confidence is None
    extraction = extract_file(mixed).extraction
    split = decoded.pages[1].start
    assert {c.ocr for c in extraction.citations if c.start < split} == {False}
    assert {c.ocr for c in extraction.citations if c.start >= split} == {True}


def test_a_second_read_comes_from_the_cache(scan: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    first = read_file(scan["scan"], max_bytes=10**8)

    def no_ocr(*args: str, stdin: bytes | None = None) -> str:
        raise AssertionError("a cached page was read again")

    monkeypatch.setattr(ocr, "_tesseract", no_ocr)
    assert read_file(scan["scan"], max_bytes=10**8) == first


def test_image_files_are_read_by_ocr(scan: dict[str, Path]) -> None:
    decoded = read_file(scan["png"], max_bytes=10**8)
    assert decoded.encoding == "ocr" and decoded.media_type == "image/png"
    assert "107/2020/NĐ-CP" in decoded.text and decoded.pages[0].ocr


def _cache_entries(cache: Path) -> list[Path]:
    """The cache's entries; a temporary file a killed writer left (".tmp-…") is none: it is never read."""
    return [p for p in cache.glob("*/*.json") if not p.name.startswith(".")]


def test_interrupted_ocr_resumes_without_reading_a_page_twice(scan: dict[str, Path], tmp_path: Path) -> None:
    """A run killed (SIGKILL) after its first page resumes: the pages it finished come from the cache."""
    # Five pages, so that a poller starved on a loaded machine still kills the run before it reads them all.
    pages_in = 5
    five = _joined([scan["scan"]] * pages_in, tmp_path / "five.pdf")
    cache = tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path; from ingest.ocr import OcrOptions, ocr_file_pages; "
        f"ocr_file_pages(Path({str(five)!r}), {list(range(pages_in))}, "
        f"OcrOptions(workers=1, cache_dir=Path({str(cache)!r})))"
    )
    run = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 120
    while not _cache_entries(cache) and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.02)
    run.kill()
    run.wait()
    done_before = len(_cache_entries(cache))
    assert 1 <= done_before < pages_in
    pages = ocr_file_pages(five, list(range(pages_in)), OcrOptions(workers=1, cache_dir=cache))
    assert sum(p.cached for p in pages) == done_before
    assert len({p.text for p in pages}) == 1  # every page read completely, the same scan
    for stored in _cache_entries(cache):
        json.loads(stored.read_text(encoding="utf-8"))  # no torn write


def test_progress_is_shown_per_page(scan: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    ocr_file_pages(scan["scan"], [0], OcrOptions(progress=True))
    err = capsys.readouterr().err
    assert "OCR plan.scan.pdf" in err and "1/1" in err and "page" in err


def test_missing_tesseract_is_one_line_naming_the_packages(
    scan: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CCHC_OCR_CACHE", str(tmp_path / "empty-cache"))
    ocr.tesseract_version.cache_clear()
    try:
        with pytest.raises(ReadError) as err:
            read_file(scan["scan"], max_bytes=10**8)
    finally:
        ocr.tesseract_version.cache_clear()
    assert (
        err.value.reason == "scanned pages need Tesseract OCR (Debian: apt-get install tesseract-ocr tesseract-ocr-vie)"
    )


def test_text_files_get_only_default_new_fields() -> None:
    """`cchc extract --format json` of an ordinary text file: the OCR fields are there, at their defaults."""
    data = to_json(extract_file(SAMPLES / "002_d0cae71e4e4777ba.txt").extraction)
    assert data["pages"] == [] and data["ocr_confidence"] is None
    assert {c["ocr"] for c in data["citations"]} == {False}
    assert {t["ocr"] for t in data["tasks"]} == {False}


def test_pages_are_read_in_parallel_with_the_same_result(scan: dict[str, Path], tmp_path: Path) -> None:
    two = _joined([scan["scan"]] * 2, tmp_path / "two.pdf")
    serial = ocr_file_pages(two, [0, 1], OcrOptions(workers=1, cache_dir=None))
    parallel = ocr_file_pages(two, [0, 1], OcrOptions(workers=2, cache_dir=None))
    assert [p.text for p in parallel] == [p.text for p in serial]
