"""OCR of scanned pages (PDF pages without a text layer, image files) with Tesseract's Vietnamese model.

Each page is rendered (`OcrOptions.dpi`, chosen by `benchmarks/bench_ocr.py`), turned to grey
through its red channel (a red seal vanishes, black and blue ink stay), deskewed, its table rules
found (`ingest.ocr_layout`), then read by Tesseract; the words are put back in reading
order with tables as tab-separated rows. Pages run in parallel: one Tesseract process (one thread)
per core, fed from a thread pool (rendering is serialised: PDFium is not thread-safe).

Every page's result is cached under the content hash of its file, its page number and the engine's
settings, written atomically as soon as the page is read: a re-ingest never OCRs a page twice, and
an interrupted run resumes where it stopped. The cache holds Tesseract's reading; the Vietnamese
post-correction (`ingest.ocr_correct`) runs after it, so improving it needs no new OCR.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ingest import ocr_layout
from ingest.ocr_layout import Word

PACKAGES = "tesseract-ocr tesseract-ocr-vie"
LANGUAGE = "vie"
DEFAULT_DPI = 200  # measured (benchmarks/bench_ocr.py): lower CER and 2-3x faster than 300 on 300-dpi scans
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
ENGINE = "cchc-ocr-5"  # changes whenever preprocessing or layout changes what a page reads as
MAX_PIXELS = 12_000 * 12_000
TIMEOUT_S = 300.0  # one page
_NOISE_CONFIDENCE = 50.0
_PDFIUM = threading.Lock()


class OcrError(Exception):
    """OCR cannot run or the page cannot be read; the message is one line for the user."""


def default_cache_dir() -> Path:
    """`$CCHC_OCR_CACHE`, else the user's cache folder: OCR depends on the page, not on the store."""
    configured = os.environ.get("CCHC_OCR_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cchc" / "ocr"


@dataclass(frozen=True)
class OcrOptions:
    dpi: int = DEFAULT_DPI  # resolution PDF pages are rendered at
    workers: int = 0  # parallel pages; 0: one per CPU core
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no cache
    progress: bool | None = None  # a progress bar on stderr; None: when stderr is a terminal


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One page as read: text (before post-correction), mean word confidence 0-1, from the cache?"""

    text: str
    confidence: float
    cached: bool = False


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to read: a file and the page (frame) number in it, counted from 0."""

    path: Path
    index: int
    file_sha256: str


def _tesseract(*args: str, stdin: bytes | None = None) -> str:
    """Run Tesseract (one thread); its standard output, or a one-line `OcrError`."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # parallel pages, not threads inside a page
    try:
        done = subprocess.run(["tesseract", *args], input=stdin, capture_output=True, env=env, timeout=TIMEOUT_S)
    except FileNotFoundError:
        raise OcrError(f"scanned pages need Tesseract OCR (Debian: apt-get install {PACKAGES})") from None
    except subprocess.TimeoutExpired:
        raise OcrError(f"Tesseract took more than {TIMEOUT_S:.0f} s on one page") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise OcrError(f"Tesseract failed: {detail[-1] if detail else done.returncode}")
    return done.stdout.decode("utf-8", errors="replace")


@cache
def tesseract_version() -> str:
    """Tesseract's version, checking that it and its Vietnamese model are installed (one-line error)."""
    version = _tesseract("--version").split("\n", 1)[0].strip()
    if LANGUAGE not in _tesseract("--list-langs").split():
        raise OcrError("Tesseract has no Vietnamese model (Debian: apt-get install tesseract-ocr-vie)")
    return version


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_path(options: OcrOptions, job: PageJob) -> Path | None:
    if options.cache_dir is None:
        return None
    key = hashlib.sha256(
        f"{ENGINE}|tesseract {tesseract_version()}|{LANGUAGE}|{options.dpi}|{job.file_sha256}|{job.index}".encode()
    ).hexdigest()
    return options.cache_dir / key[:2] / f"{key}.json"


def _cached(path: Path | None) -> OcrPage | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return OcrPage(str(data["text"]), float(data["confidence"]), cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, or unreadable: read the page again


def _store(path: Path | None, page: OcrPage) -> None:
    """Write a page's result atomically (temporary file in the same folder, then rename)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"text": page.text, "confidence": page.confidence}, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- one page ---------------------------------------------------------------------------------------


def _page_image(job: PageJob, dpi: int) -> tuple[Any, int]:
    """The page as a PIL image and its resolution (PDF pages rendered at `dpi`)."""

    if job.path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        with _PDFIUM:
            document = pdfium.PdfDocument(str(job.path))
            try:
                return document[job.index].render(scale=dpi / 72).to_pil(), dpi
            finally:
                document.close()
    image = _open_image(job.path)
    image.seek(job.index)
    resolution = image.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0]
    return image.copy(), int(resolution) if 70 <= resolution <= 1200 else DEFAULT_DPI


def _gray(image: Any) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """Grey levels through the red channel: a red seal turns pale, black and blue ink stay dark."""
    if image.mode in ("RGB", "RGBA", "P", "CMYK"):
        return np.asarray(image.convert("RGB"))[:, :, 0].copy()
    return np.asarray(image.convert("L")).copy()


def read_page(job: PageJob, dpi: int) -> OcrPage:
    """OCR one page: the page as Tesseract lays it out, then the table cells it left empty."""
    from PIL import Image

    image, resolution = _page_image(job, dpi)
    gray = _gray(image)
    angle = ocr_layout.skew_angle(ocr_layout.ink(gray))
    if abs(angle) >= 0.05:
        rotated = Image.fromarray(gray).rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        gray = np.asarray(rotated).copy()
    dark = ocr_layout.ink(gray)
    gray = ocr_layout.despeckle(gray, dark, resolution)
    horizontal, vertical = ocr_layout.rules(dark, resolution)
    found = ocr_layout.tables(horizontal, vertical)
    # The rules stay: erased, they no longer part the cells, and Tesseract, measuring word spaces
    # against the wide gaps between cells of one row, runs a cell's words together.
    words = ocr_layout.off_the_rules(_read(gray, resolution, "3"), horizontal, vertical)
    missing = ocr_layout.empty_cells(found, words, ocr_layout.ink(gray), resolution)
    if missing:
        words += _read_cells(ocr_layout.without(gray, horizontal | vertical), missing, resolution)
    weight = sum(len(w.text) for w in words)
    confidence = sum(w.confidence * len(w.text) for w in words) / weight / 100 if weight else 0.0
    return OcrPage(ocr_layout.page_text(words, found), round(confidence, 4))


def _read(gray: np.ndarray[Any, np.dtype[np.uint8]], dpi: int, psm: str) -> list[Word]:
    """Tesseract's words on a grey image (page segmentation mode `psm`), dust-like marks left out."""
    from PIL import Image

    png = io.BytesIO()
    Image.fromarray(gray).save(png, "PNG", compress_level=1)
    tsv = _tesseract("stdin", "stdout", "-l", LANGUAGE, "--psm", psm, "--dpi", str(dpi), "tsv", stdin=png.getvalue())
    return [w for _, w in _words(tsv) if not _noise(w)]


Box = tuple[int, int, int, int]


def _read_cells(gray: np.ndarray[Any, np.dtype[np.uint8]], boxes: list[Box], dpi: int) -> list[Word]:
    """The table cells Tesseract's page layout left empty, each cropped to its ink and read as one
    line (a lone number needs that), all by one Tesseract run over a list of images; each word is
    moved back to its place on the page."""
    from PIL import Image

    pad = dpi // 10
    dark = ocr_layout.ink(gray)
    origins = []
    with tempfile.TemporaryDirectory(prefix="cchc-cells-") as tmp:
        names = []
        for k, (left, top, right, bottom) in enumerate(boxes):
            ys, xs = np.nonzero(dark[top:bottom, left:right])
            if len(ys) == 0:
                continue
            crop = gray[top + ys.min() : top + ys.max() + 1, left + xs.min() : left + xs.max() + 1]
            canvas = np.full((crop.shape[0] + 2 * pad, crop.shape[1] + 2 * pad), 255, dtype=np.uint8)
            canvas[pad:-pad, pad:-pad] = crop
            name = Path(tmp) / f"{k}.png"
            Image.fromarray(canvas).save(name, compress_level=1)
            names.append(str(name))
            origins.append((left + int(xs.min()) - pad, top + int(ys.min()) - pad))
        if not names:
            return []
        listing = Path(tmp) / "cells.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        tsv = _tesseract(str(listing), "stdout", "-l", LANGUAGE, "--psm", "7", "--dpi", str(dpi), "tsv")
    out = []
    for page, word in _words(tsv):
        if not _noise(word) and 1 <= page <= len(origins):
            dx, dy = origins[page - 1]
            out.append(replace(word, left=word.left + dx, top=word.top + dy, line=(-page, 0, 0)))
    return out


def _words(tsv: str) -> list[tuple[int, Word]]:
    """(image number from 1, word) of Tesseract's TSV output (rows of level 5)."""
    out = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text or float(row["conf"]) < 0:
            continue
        line = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        box = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        out.append((int(row["page_num"]), Word(text, *box, float(row["conf"]), line)))
    return out


def _noise(word: Word) -> bool:
    """Specks of dust read as punctuation: no letter or digit, and little confidence."""
    return word.confidence < _NOISE_CONFIDENCE and not any(c.isalnum() for c in word.text)


def _run(job: PageJob, dpi: int, cache_file: Path | None) -> OcrPage:
    page = read_page(job, dpi)
    _store(cache_file, page)
    return page


# --- many pages ----------------------------------------------------------------------------------------


def ocr_pages(jobs: Sequence[PageJob], options: OcrOptions, *, label: str = "OCR") -> list[OcrPage]:
    """Read every page (cached ones from the cache), in parallel; results in the order of `jobs`.
    Interrupted (Ctrl-C), pages not started are dropped and those running finish into the cache."""
    if not jobs:
        return []
    tesseract_version()
    from tqdm import tqdm

    files = [_cache_path(options, job) for job in jobs]
    results = [_cached(cache_file) for cache_file in files]
    todo = [k for k, page in enumerate(results) if page is None]
    disable = None if options.progress is None else not options.progress
    with (
        tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc=label, unit="page", disable=disable) as bar,
        ThreadPoolExecutor(max(1, min(options.workers or os.cpu_count() or 1, len(todo))), "ocr") as pool,
    ):
        futures = {pool.submit(_run, jobs[k], options.dpi, files[k]): k for k in todo}
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [page for page in results if page is not None]


def image_frames(path: Path) -> int:
    """How many pages an image file holds (a multi-page TIFF more than one); OcrError if unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with _open_image(path) as image:
            return int(getattr(image, "n_frames", 1))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as err:
        raise OcrError(f"not a readable image ({err})") from None


def _open_image(path: Path) -> Any:
    """An image file, refusing pixel counts past MAX_PIXELS (a decompression bomb, not a scan)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image.open(path)


def ocr_file_pages(path: Path, indexes: Sequence[int], options: OcrOptions | None = None) -> list[OcrPage]:
    """OCR the given pages of a PDF or image file, showing progress under the file's name."""
    options = options or OcrOptions()
    sha = file_sha256(path)
    jobs = [PageJob(path, index, sha) for index in indexes]
    return ocr_pages(jobs, options, label=f"OCR {path.name[:30]}")
