"""ingest.provenance: records on OCR pages are flagged; the document keeps its pages and confidence."""

from __future__ import annotations

from ingest.pipeline import extract_file
from ingest.provenance import ocr_confidence, with_pages
from ingest.records import Page
from tests.conftest import SAMPLES


def test_records_on_ocr_pages_are_flagged() -> None:
    text = (SAMPLES / "002_d0cae71e4e4777ba.txt").read_text(encoding="utf-8")
    extraction = extract_file(SAMPLES / "002_d0cae71e4e4777ba.txt").extraction
    half = len(text) // 2
    pages = (Page(1, 0, half), Page(2, half + 1, len(text), ocr=True, confidence=0.9))
    flagged = with_pages(extraction, pages)
    assert flagged.pages == pages and flagged.ocr_confidence == 0.9
    for records in (flagged.citations, flagged.tasks, flagged.targets):
        assert records and all(r.ocr == (r.end > half + 1) for r in records)
    mentions = [m for u in flagged.units for m in u.mentions]
    assert {m.ocr for m in mentions} == {True, False}
    assert all(m.ocr == (m.end > half + 1) for m in mentions)


def test_text_layer_pages_flag_nothing() -> None:
    extraction = extract_file(SAMPLES / "001_fe3bcb04caaad112.txt").extraction
    kept = with_pages(extraction, (Page(1, 0, 10), Page(2, 11, 20)))
    assert kept.ocr_confidence is None and kept.citations == extraction.citations
    assert with_pages(extraction, ()) is extraction


def test_document_confidence_weighs_pages_by_characters() -> None:
    pages = [Page(1, 0, 300, ocr=True, confidence=0.9), Page(2, 301, 401, ocr=True, confidence=0.5), Page(3, 402, 900)]
    assert ocr_confidence(pages) == 0.8
    assert ocr_confidence([Page(1, 0, 10)]) is None
