"""PDF and image files → text with page spans: a page's text layer where it has one, else OCR.

Mixed PDFs (some pages scanned) are read page by page; OCR text goes through the Vietnamese
post-correction (`ingest.ocr_correct`) before anything reads it. Pages are joined by a line break,
and each `Page` says where its text sits, whether OCR read it, and with what confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.legacy_encoding import to_unicode
from ingest.ocr import OcrError, OcrOptions, image_frames, ocr_file_pages
from ingest.ocr_correct import correct
from ingest.records import Page

MIN_LAYER_CHARS = 20  # fewer visible characters than this on a page: no real text layer (a scan)


class PagedError(ValueError):
    """A PDF or image that cannot be read; the message is one line for the user."""


def _join(texts: Sequence[str], scanned: dict[int, float]) -> tuple[str, tuple[Page, ...]]:
    pages, offset = [], 0
    for index, text in enumerate(texts):
        confidence = scanned.get(index)
        pages.append(Page(index + 1, offset, offset + len(text), confidence is not None, confidence))
        offset += len(text) + 1
    return "\n".join(texts), tuple(pages)


def _read_scans(path: Path, texts: list[str], indexes: list[int], options: OcrOptions | None) -> dict[int, float]:
    """OCR the pages `indexes` into `texts`; their confidences by page index."""
    try:
        read = ocr_file_pages(path, indexes, options)
    except OcrError as err:
        raise PagedError(str(err)) from None
    for index, page in zip(indexes, read, strict=True):
        texts[index] = correct(page.text)
    return {index: page.confidence for index, page in zip(indexes, read, strict=True)}


def read_pdf(path: Path, options: OcrOptions | None = None) -> tuple[str, tuple[Page, ...]]:
    """Every page's text layer, and OCR for the pages that have none."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PagedError("encrypted PDF (password required)")
        texts = [to_unicode(page.extract_text() or "")[0] for page in reader.pages]
    except PagedError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, NotImplementedError) as err:
        raise PagedError(f"not a valid PDF ({err})") from None
    scans = [i for i, text in enumerate(texts) if len("".join(text.split())) < MIN_LAYER_CHARS]
    text, pages = _join(texts, _read_scans(path, texts, scans, options) if scans else {})
    if not text.strip():
        raise PagedError("no text found, not even by OCR (blank pages?)")
    return text, pages


def read_image(path: Path, options: OcrOptions | None = None) -> tuple[str, tuple[Page, ...]]:
    """OCR of every page (frame) of an image file."""
    try:
        frames = image_frames(path)
    except OcrError as err:
        raise PagedError(str(err)) from None
    texts = [""] * frames
    text, pages = _join(texts, _read_scans(path, texts, list(range(frames)), options))
    if not text.strip():
        raise PagedError("no text found by OCR (blank or not a document?)")
    return text, pages
