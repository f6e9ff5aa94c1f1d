"""Which facts were read by OCR: every record whose span touches a page without a text layer is
flagged `ocr=True`, and the document carries its pages and their mean OCR confidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

from ingest.records import Extraction, Page

R = TypeVar("R")


def with_pages(extraction: Extraction, pages: Sequence[Page]) -> Extraction:
    """The extraction with its file's pages; records on OCR pages flagged (offsets are source offsets)."""
    if not pages:
        return extraction
    scanned = [(p.start, p.end) for p in pages if p.ocr]
    if not scanned:
        return replace(extraction, pages=tuple(pages))

    def on_scan(start: int, end: int) -> bool:
        return any(a < max(end, start + 1) and start < b for a, b in scanned)

    def flagged(records: tuple[R, ...]) -> tuple[R, ...]:
        return tuple(replace(r, ocr=on_scan(r.start, r.end)) for r in records)  # type: ignore[attr-defined,type-var]

    def unit(u: Any) -> Any:
        return replace(u, mentions=flagged(u.mentions))

    return replace(
        extraction,
        citations=flagged(extraction.citations),
        tasks=flagged(extraction.tasks),
        targets=flagged(extraction.targets),
        units=tuple(unit(u) for u in extraction.units),
        pages=tuple(pages),
        ocr_confidence=ocr_confidence(pages),
    )


def ocr_confidence(pages: Sequence[Page]) -> float | None:
    """Mean confidence of the OCR pages, weighted by their characters (None without OCR pages)."""
    read = [(p.confidence or 0.0, max(p.end - p.start, 1)) for p in pages if p.ocr]
    if not read:
        return None
    return round(sum(c * n for c, n in read) / sum(n for _, n in read), 4)
