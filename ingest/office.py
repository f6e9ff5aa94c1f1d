"""Word 97-2003 (.doc), RTF and OpenDocument text (.odt) → .docx by LibreOffice, for the .docx reader.

Chosen by measurement (`benchmarks/bench_office.py`): antiword lays a table out as fixed-width
text columns (a cell's words spread over several lines) and catdoc breaks rows across lines and
loses empty cells, while LibreOffice keeps every row and cell and every run's font name, which is
what tells text typed in TCVN3 or VNI fonts. So a .doc, .rtf or .odt extracts exactly like the
same document saved as .docx.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

SUFFIXES = frozenset({".doc", ".rtf", ".odt"})
PACKAGE = "libreoffice-writer-nogui"
TIMEOUT_S = 180.0


class ConversionError(Exception):
    """The converter is missing or failed; the message is one line for the user."""


def converter() -> str:
    """The LibreOffice executable, or a one-line error naming the Debian package to install."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionError(f"reading .doc, .rtf and .odt needs LibreOffice (Debian: apt-get install {PACKAGE})")
    return found


@cache
def _profile() -> Path:
    """One LibreOffice user profile per process (created once; concurrent processes never share one)."""
    path = Path(tempfile.mkdtemp(prefix=f"cchc-lo-{os.getpid()}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def convert(path: Path, target: str, outdir: Path) -> Path:
    """Convert a document with LibreOffice (`target`: "docx", "doc", "rtf", "odt", "pdf" or a full
    filter spec) into `outdir`; returns the new file, or raises `ConversionError`."""
    command = [
        converter(),
        f"-env:UserInstallation={_profile().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(path.resolve()),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise ConversionError(f"LibreOffice did not finish converting it in {TIMEOUT_S:.0f} s") from None
    converted = outdir / f"{path.stem}.{target.split(':', 1)[0]}"
    if done.returncode != 0 or not converted.is_file():
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        reason = f": {detail[-1]}" if detail else ""
        raise ConversionError(f"LibreOffice could not convert it (corrupt or not a {path.suffix} file{reason})")
    return converted


@contextmanager
def as_docx(path: Path) -> Iterator[Path]:
    """The document converted to a temporary .docx (deleted on exit); raises `ConversionError`."""
    with tempfile.TemporaryDirectory(prefix="cchc-office-") as out:
        yield convert(path, "docx:MS Word 2007 XML", Path(out))
