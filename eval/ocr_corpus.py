"""The project's own corpus of the files users actually have, rebuilt from text by anyone:

    python -m eval.ocr_corpus OUT_DIR [--shared ../shared] [--dpi 300] [--pages N]

Each source text (the seeds, and excerpts of `../shared/realdocs`) becomes a Word document
(Times New Roman 13 pt as Vietnamese administrative documents are set, task tables as ruled tables),
then by LibreOffice a .doc, .rtf, .odt and a PDF; the PDF's pages are rendered at 300 dpi and
"scanned" (slight rotation, blur, speckles, a red stamp over the signature, JPEG grain) into an
image-only PDF. The same text is also saved in TCVN3 and VNI, as text files and as Word documents
in the matching legacy fonts. `text.txt` beside them is the reference every format is compared with.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from ingest import legacy_encoding as le
from ingest import office

FONT = "Times New Roman"
LEGACY_FONTS: dict[le.Encoding, tuple[str, str]] = {"tcvn3": (".VnTime", ".VnTimeH"), "vni": ("VNI-Times", "VNI-Times")}
OFFICE_FORMATS = ("doc", "rtf", "odt")
SEEDS = "seeds"
REALDOCS = "realdocs/docs"
EXCERPT_CHARS = 2500


@dataclass(frozen=True)
class Source:
    name: str
    text: str


# --- sources ---------------------------------------------------------------------------------------


# What a printed page does not show: Markdown emphasis, escapes, heading marks and cell bars, HTML tags.
_MARKUP = re.compile(r"\\?\*+|\\(?=[_#])|^[ \t]*#+[ \t]*|^\|\s*$|</?[A-Za-z][^<>]*>", re.M)


def printed(text: str) -> str:
    """The text as a printed page shows it (markup removed, tabs of table rows kept)."""
    return _MARKUP.sub("", text)


def seed_sources(shared: Path) -> list[Source]:
    return [Source(p.stem, printed(p.read_text(encoding="utf-8"))) for p in sorted((shared / SEEDS).glob("*.txt"))]


def realdoc_excerpts(shared: Path, count: int) -> list[Source]:
    """The legal-basis opening of the first `count` real documents that have one (Markdown removed):
    where citations are dense and a scan's errors cost the most."""
    out = []
    for path in sorted((shared / REALDOCS).glob("*.md")):
        text = printed(path.read_text(encoding="utf-8"))
        start = text.find("Căn cứ")
        if start < 0:
            continue
        end = text.rfind("\n", start, start + EXCERPT_CHARS)
        lines = [" ".join(line.split()) for line in text[start:end].split("\n")]
        out.append(Source(f"realdoc_{path.stem}", "\n".join(line for line in lines if line)))
        if len(out) == count:
            break
    return out


# --- Word documents ------------------------------------------------------------------------------------


def _blocks(text: str) -> Iterator[str | list[list[str]]]:
    """Paragraph lines, and runs of tab-separated lines as tables."""
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            yield rows
            rows = []
        if line.strip():
            yield line.strip()
    if rows:
        yield rows


def _runs(text: str, encoding: le.Encoding | None) -> Iterator[tuple[str, str]]:
    """(characters, font) runs as a typist would type them: capitals with a tone in TCVN3's capitals font."""
    if encoding is None:
        yield text, FONT
        return
    plain, capitals = LEGACY_FONTS[encoding]

    def font(c: str) -> str:
        uncoded = encoding == "tcvn3" and c.isupper() and not c.isascii() and c not in "ĂÂÊÔƠƯĐ"
        return capitals if uncoded else plain

    for name, chars in groupby(text, key=font):
        yield le.encode("".join(chars), encoding), name


def write_docx(text: str, path: Path, *, encoding: le.Encoding | None = None) -> Path:
    """A Word document of `text`: lines as paragraphs, tab-separated lines as a ruled table whose rows
    never break across pages; `encoding` types it in that legacy font instead of Unicode."""
    import docx
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.paragraph_format.space_after = Pt(6)
    for section in document.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
    width_cm = 16.0
    for block in _blocks(text):
        if isinstance(block, str):
            paragraph = document.add_paragraph()
            for chars, font in _runs(block, encoding):
                paragraph.add_run(chars).font.name = font
            continue
        columns = max(len(row) for row in block)
        table = document.add_table(rows=len(block), cols=columns)
        table.style = "Table Grid"
        weights = [max(3.0, sum(len(r[c]) for r in block if c < len(r)) / len(block)) for c in range(columns)]
        widths = [Cm(max(1.2, width_cm * w / sum(weights))) for w in weights]
        for r, row in enumerate(block):
            properties = table.rows[r]._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            for c in range(columns):
                cell = table.cell(r, c)
                cell.width = widths[c]
                cell_text = row[c].strip() if c < len(row) else ""
                if cell_text:
                    run_paragraph = cell.paragraphs[0]
                    run_paragraph.paragraph_format.space_after = Pt(0)
                    for chars, font in _runs(cell_text, encoding):
                        run_paragraph.add_run(chars).font.name = font
        document.add_paragraph()  # Word keeps two tables apart only with a paragraph between them
    document.save(str(path))
    return path


# --- scans ------------------------------------------------------------------------------------------


def render_pages(pdf: Path, dpi: int) -> list[bytes]:
    """Every page of a PDF as an 8-bit RGB PNG at `dpi`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for page in document:
            buffer = io.BytesIO()
            page.render(scale=dpi / 72).to_pil().convert("RGB").save(buffer, "PNG")
            out.append(buffer.getvalue())
        return out
    finally:
        document.close()


def scanned(png: bytes, rng: random.Random, *, stamp: bool) -> Image.Image:
    """A clean page image made to look scanned: rotation, blur, speckles, a stamp, paper tone."""
    page = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = page.size
    if stamp:
        _stamp(ImageDraw.Draw(page, "RGBA"), w * 0.62, h * 0.78, w * 0.085, rng)
    page = page.rotate(rng.uniform(-1.0, 1.0), resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.9)))
    draw = ImageDraw.Draw(page)
    for _ in range(int(w * h / 20_000)):  # dust: specks of one to three pixels
        x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((0, 1, 1, 2))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(70, 70, 70))
    tone = Image.new("RGB", page.size, (246, 242, 232))
    return Image.blend(page, tone, 0.08)


def _stamp(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float, rng: random.Random) -> None:
    """A round red seal: two rings, a star and a ring of letters, half-transparent like ink."""
    red = (200, 30, 40, 150)
    for r, width in ((radius, 7), (radius * 0.78, 4)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=width)
    points = (math.pi / 2 + k * 4 * math.pi / 5 for k in range(5))
    star = [(cx + radius * 0.3 * math.cos(a), cy - radius * 0.3 * math.sin(a)) for a in points]
    draw.polygon(star, fill=red)
    for k in range(24):
        angle = 2 * math.pi * k / 24 + rng.uniform(0, 0.05)
        x, y = cx + radius * 0.89 * math.cos(angle), cy + radius * 0.89 * math.sin(angle)
        draw.rectangle((x - 6, y - 9, x + 6, y + 9), fill=red)


def image_pdf(pages: Sequence[Image.Image], path: Path, dpi: int) -> Path:
    """An image-only PDF (JPEG pages, no text layer), as a scanner writes one."""
    first, rest = pages[0], list(pages[1:])
    first.save(str(path), "PDF", resolution=dpi, save_all=True, append_images=rest, quality=80)
    return path


# --- the corpus ---------------------------------------------------------------------------------------


def build_document(source: Source, out: Path, *, dpi: int = 300, seed: int = 0, scan: bool = True) -> Path:
    """Every version of one text in `out/NAME/` (text.txt, .docx, .doc, .rtf, .odt, scan.pdf, legacy)."""
    folder = out / source.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "text.txt").write_text(source.text, encoding="utf-8")
    docx_path = write_docx(source.text, folder / f"{source.name}.docx")
    for fmt in OFFICE_FORMATS:
        office.convert(docx_path, fmt, folder)
    for encoding in le.ENCODINGS:
        (folder / f"{source.name}.{encoding}.txt").write_bytes(le.encode(source.text, encoding).encode("cp1252"))
        legacy = write_docx(source.text, folder / f"{source.name}.{encoding}.docx", encoding=encoding)
        office.convert(legacy, "doc", folder)
    if scan:
        pdf = office.convert(docx_path, "pdf", folder)
        rng = random.Random(f"{seed}:{source.name}")
        pages = render_pages(pdf, dpi)
        images = [scanned(png, rng, stamp=i == len(pages) - 1) for i, png in enumerate(pages)]
        image_pdf(images, folder / f"{source.name}.scan.pdf", dpi)
        pdf.unlink()
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--realdocs", type=int, default=6, help="how many realdocs excerpts to add to the seeds")
    args = parser.parse_args()
    for source in seed_sources(args.shared) + realdoc_excerpts(args.shared, args.realdocs):
        print(build_document(source, args.out, dpi=args.dpi))


if __name__ == "__main__":
    main()
