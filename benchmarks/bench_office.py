"""Which .doc converter keeps task tables: antiword, catdoc and LibreOffice on the seeds' Word 97 files.

    python -m benchmarks.bench_office [--shared ../shared] [--work DIR]

Each seed is written as a Word document (`eval.ocr_corpus`), saved as .doc by LibreOffice, then
turned back into text by each converter. A table row counts as kept when one output line holds
exactly its cells, tab-separated, as the text version has them. Prints rows kept, tasks extracted
(the text version's count beside) and seconds per file. Converters that are not installed are
listed as such.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from eval.ocr_corpus import seed_sources, write_docx
from ingest import office
from ingest.pipeline import extract_text
from ingest.read import read_file


def _antiword(path: Path) -> str:
    return subprocess.run(["antiword", "-w", "0", str(path)], capture_output=True, check=True).stdout.decode()


def _catdoc(path: Path) -> str:
    return subprocess.run(["catdoc", "-w", "-d", "utf-8", str(path)], capture_output=True, check=True).stdout.decode()


def _libreoffice(path: Path) -> str:
    return read_file(path, max_bytes=1 << 40).text


CONVERTERS: dict[str, tuple[str, Callable[[Path], str]]] = {
    "antiword": ("antiword", _antiword),
    "catdoc": ("catdoc", _catdoc),
    "libreoffice": ("soffice", _libreoffice),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--work", type=Path, default=None, help="keep the .doc files here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-office-"))
    work.mkdir(parents=True, exist_ok=True)
    docs = []
    for source in seed_sources(args.shared):
        docx = write_docx(source.text, work / f"{source.name}.docx")
        docs.append((source, office.convert(docx, "doc", work)))
    for name, (executable, convert) in CONVERTERS.items():
        if not shutil.which(executable):
            print(f"{name:12} not installed")
            continue
        kept = total = tasks = want_tasks = 0
        seconds = 0.0
        for source, doc in docs:
            began = time.perf_counter()
            text = convert(doc)
            seconds += time.perf_counter() - began
            lines = {"\t".join(cell.strip() for cell in line.split("\t")) for line in text.split("\n")}
            rows = [line for line in source.text.split("\n") if "\t" in line]
            kept += sum("\t".join(cell.strip() for cell in row.split("\t")) in lines for row in rows)
            total += len(rows)
            tasks += len(extract_text(text, source=doc.name).extraction.tasks)
            want_tasks += len(extract_text(source.text, source=source.name).extraction.tasks)
        print(
            f"{name:12} table rows kept {kept}/{total}  tasks {tasks} (text version {want_tasks})  "
            f"{seconds / len(docs):.2f} s/file"
        )


if __name__ == "__main__":
    main()
