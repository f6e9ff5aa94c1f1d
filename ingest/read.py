"""Files → decoded source text: the text every offset of `ingest/` refers to.

Plain text, Markdown and HTML are decoded as they are (markup is left for `ingest.normalize`, so
offsets point into the real file text); .docx and .pdf are reduced to text (paragraphs on lines,
table cells separated by tabs), .doc, .rtf and .odt through LibreOffice's .docx (`ingest.office`).
Text typed in TCVN3 or VNI fonts is decoded to Unicode (`ingest.legacy_encoding`).
Every failure is a `ReadError` with a one-line reason for the user.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from ingest import legacy_encoding, office, paged
from ingest.containers import DEFAULT_LIMITS, ContainerError, ContainerLimits, check_container
from ingest.ocr import IMAGE_SUFFIXES, OcrOptions
from ingest.records import Page

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf", *office.SUFFIXES, *IMAGE_SUFFIXES})

_MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".rtf": "application/rtf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 8192
# C0 controls other than tab, line feed, form feed and carriage return: never in a real text file.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# What only Vietnamese decoded as cp1258 shows (letters and combining tone marks where cp1258 and
# cp1252 differ; â, ê, ô are the same byte in both, so they prove nothing).
_VIETNAMESE = re.compile(r"[ăđơưĂĐƠƯ\u0300\u0301\u0303\u0309\u0323]")
_LEGACY = ("cp1258", "cp1252")


class ReadError(Exception):
    """A file that cannot be turned into text; `reason` is one line for the user."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class _DecodeError(ValueError):
    """`decode_bytes` failure; `read_file` adds the path."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's decoded text (offsets of every record refer to it) and how it was obtained."""

    path: Path
    text: str
    encoding: str  # byte encoding ("utf-8", "tcvn3" …) or the format read ("docx", "pdf", "ocr" …)
    media_type: str
    pages: tuple[Page, ...] = ()  # PDF and image files: each page's span, and whether OCR read it


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes of a text file → (text, encoding); raises ValueError with a one-line reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.removesuffix("-sig"))
            except UnicodeDecodeError as err:
                raise _DecodeError(
                    f"cannot decode: invalid {encoding} after its byte-order mark ({err.reason})"
                ) from None
            return _checked(text), encoding
    utf16 = _utf16_without_bom(data[:_SAMPLE])
    if utf16:
        try:
            return _checked(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:_SAMPLE]:
        raise _DecodeError("binary content (not text)")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if bad == 0 or (bad <= len(text) // 1000 and len(data) - len(text) > 10 * bad):
        # Valid UTF-8, or UTF-8 with a few stray bytes (many multi-byte letters decoded fine).
        text, legacy = legacy_encoding.to_unicode(text)
        return _checked(text), legacy or "utf-8"
    return _legacy(data)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL high bytes in every other position (for Latin-script text)."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.3 * half and even.count(0) < 0.05 * half:
        return "utf-16-le"
    if even.count(0) > 0.3 * half and odd.count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def _legacy(data: bytes) -> tuple[str, str]:
    """Not UTF: TCVN3 or VNI, else Windows-1258 when the text reads as Vietnamese, else charset-normalizer's guess."""
    text, vietnamese = legacy_encoding.to_unicode(data.decode("cp1252", errors="replace"))
    if vietnamese:
        return _checked(text), vietnamese
    for encoding in _LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1258" and len(_VIETNAMESE.findall(text[:_SAMPLE])) >= 3:
            return _checked(text), encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * _SAMPLE]).best()
    if best is None:
        raise _DecodeError("cannot decode: not UTF-8 and no known single-byte encoding fits")
    encoding = str(best.encoding)
    try:
        return _checked(data.decode(encoding)), encoding
    except (UnicodeDecodeError, LookupError) as err:
        raise _DecodeError(f"cannot decode as {encoding}: {err}") from None


def _checked(text: str) -> str:
    """Reject decoded text that is really binary, or has nothing in it."""
    sample = text[:_SAMPLE]
    if sample and len(_CONTROL.findall(sample)) > 0.02 * len(sample):
        raise _DecodeError("binary content (not text)")
    if not text.strip():
        raise _DecodeError("empty file")
    return text


def read_file(
    path: Path, *, max_bytes: int, ocr: OcrOptions | None = None, limits: ContainerLimits = DEFAULT_LIMITS
) -> Decoded:
    """Decode one file; raises `ReadError` (unsupported, empty, too large, binary, corrupt, no text).
    Scanned pages are OCR'd with `ocr` (default: `OcrOptions()`, cached by content); .docx and .odt containers
    are checked against `limits` first."""
    suffix = path.suffix.lower()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReadError(path, "no such file or folder") from None
    except OSError as err:
        raise ReadError(path, f"cannot open: {err.strerror or err}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(path, _folder_problem(path))
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(path, f"unsupported file type {suffix}" if suffix else "unsupported file type (no extension)")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(path, "not a regular file (a pipe, socket or device)")
    size = info.st_size
    if size == 0:
        raise ReadError(path, "empty file")
    if size > max_bytes:
        raise ReadError(path, f"over the size limit ({_mb(size)} > {_mb(max_bytes)})")
    media_type = _MEDIA_TYPES[suffix]
    try:
        if suffix == ".docx":
            return Decoded(path, _checked(_docx_text(path, limits)), "docx", media_type)
        if suffix in office.SUFFIXES:
            if suffix == ".odt":
                check_container(path, limits)
            with office.as_docx(path) as converted:
                return Decoded(path, _checked(_docx_text(converted, limits)), suffix[1:], media_type)
        if suffix == ".pdf":
            text, pages = paged.read_pdf(path, ocr)
            return Decoded(path, text, "pdf", media_type, pages)
        if suffix in IMAGE_SUFFIXES:
            text, pages = paged.read_image(path, ocr)
            return Decoded(path, text, "ocr", media_type, pages)
        text, encoding = decode_bytes(path.read_bytes())
    except ContainerError as err:
        raise ReadError(path, f"not a valid {suffix}: {err}") from None
    except (_DecodeError, office.ConversionError, paged.PagedError) as err:
        raise ReadError(path, str(err)) from None
    except OSError as err:
        raise ReadError(path, f"cannot read: {err.strerror or err}") from None
    return Decoded(path, text, encoding, media_type)


def _folder_problem(path: Path) -> str:
    try:
        with os.scandir(path) as entries:
            next(entries, None)
    except OSError as err:
        return f"cannot list folder: {err.strerror or err}"
    return "a folder, not a file"


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n % 1_000_000 else f"{n // 1_000_000} MB"


# --- .docx ---------------------------------------------------------------------------------------


def _docx_text(path: Path, limits: ContainerLimits) -> str:
    """Body paragraphs one per line, table rows one per line with tab-separated cells, in document order."""
    import docx

    check_container(path, limits)
    try:
        document = docx.Document(str(path))
        text = "\n".join(_docx_blocks(document.element.body, _Fonts(document.styles.element)))
    except Exception as err:  # python-docx, lxml and zipfile raise many types for a broken file: one line for it
        reason = (str(err).strip() or type(err).__name__).splitlines()[0][:200]
        raise _DecodeError(f"not a valid .docx (corrupt or not a Word document: {reason})") from None
    return legacy_encoding.to_unicode(text)[0]  # legacy text whose runs do not name their font


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _own_font(rpr: Any) -> str | None:
    fonts = rpr.find(f"{_W}rFonts") if rpr is not None else None
    return None if fonts is None else fonts.get(f"{_W}ascii") or fonts.get(f"{_W}hAnsi")


def _val(parent: Any, tag: str) -> str | None:
    child = parent.find(f"{_W}{tag}") if parent is not None else None
    return None if child is None else child.get(f"{_W}val")


class _Fonts:
    """The font each run shows in (its own, else its character or paragraph style's, else the default),
    which tells text typed in a TCVN3 (`.VnTime`) or VNI (`VNI-Times`) font."""

    def __init__(self, styles: Any) -> None:
        self._by_id = {s.get(f"{_W}styleId"): s for s in styles.iter(f"{_W}style")}
        default_style = next(
            (
                k
                for k, s in self._by_id.items()
                if s.get(f"{_W}type") == "paragraph" and s.get(f"{_W}default") in ("1", "true")
            ),
            None,
        )
        self.default = self.style(default_style) or _own_font(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr"))

    def style(self, style_id: str | None, depth: int = 0) -> str | None:
        style = self._by_id.get(style_id)
        if style is None or depth > 20:
            return None
        return _own_font(style.find(f"{_W}rPr")) or self.style(_val(style, "basedOn"), depth + 1)

    def of_run(self, run: Any, paragraph_font: str | None) -> str | None:
        rpr = run.find(f"{_W}rPr")
        return _own_font(rpr) or self.style(_val(rpr, "rStyle")) or paragraph_font or self.default


def _docx_blocks(parent: Any, fonts: _Fonts) -> Iterator[str]:
    for child in parent.iterchildren():
        name = _local(child.tag)
        if name == "p":
            yield _docx_paragraph(child, fonts)
        elif name == "tbl":
            for row in child.iterchildren():
                if _local(row.tag) == "tr":
                    yield "\t".join(_docx_cells(row, fonts))
        elif name == "sdt":  # content control: its blocks sit in w:sdtContent
            for content in child.iterchildren():
                if _local(content.tag) == "sdtContent":
                    yield from _docx_blocks(content, fonts)


def _docx_paragraph(p: Any, fonts: _Fonts) -> str:
    """The paragraph's visible text: runs, tabs and breaks (deleted revisions excluded); runs in a
    legacy Vietnamese font decoded to Unicode."""
    paragraph_font = fonts.style(_val(p.find(f"{_W}pPr"), "pStyle"))
    parts: list[tuple[str, tuple[legacy_encoding.Encoding, bool] | None]] = []
    for node in p.iter():
        name = _local(node.tag)
        if name == "t" and _local(node.getparent().tag) != "del":
            run = node.getparent()
            parts.append((node.text or "", legacy_encoding.font_encoding(fonts.of_run(run, paragraph_font))))
        elif name == "softHyphen":  # byte 0xAD: an optional hyphen, but ư in a TCVN3 font
            legacy = legacy_encoding.font_encoding(fonts.of_run(node.getparent(), paragraph_font))
            if legacy and legacy[0] == "tcvn3":
                parts.append(("\u00ad", legacy))
        elif name == "tab" and _local(node.getparent().tag) == "r":
            parts.append(("\t", None))
        elif name in ("br", "cr"):
            parts.append(("\n", None))
    out: list[str] = []
    for legacy, group in groupby(parts, key=lambda part: part[1]):
        text = "".join(t for t, _ in group)
        out.append(legacy_encoding.decode(text, legacy[0], uppercase=legacy[1]) if legacy else text)
    return "".join(out)


def _docx_cells(tr: Any, fonts: _Fonts) -> Iterator[str]:
    """A row's cells on the grid: a merged cell's text once, empty cells for the rest of its span."""
    for tc in tr.iterchildren():
        if _local(tc.tag) != "tc":
            continue
        continued = tc.vMerge == "continue"
        paragraphs = (_docx_paragraph(p, fonts) for p in tc.iter() if _local(p.tag) == "p")
        text = "" if continued else " ".join(" ".join(paragraphs).split())
        yield text
        for _ in range(tc.grid_span - 1):
            yield ""
