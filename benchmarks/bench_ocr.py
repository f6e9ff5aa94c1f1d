"""OCR quality and speed on the project's scanned corpus, against the same documents' text version.

    python -m eval.ocr_corpus CORPUS          # once: seeds + realdocs excerpts, every format
    python -m benchmarks.bench_ocr CORPUS [--dpi 300 200] [--workers 2] [--shared ../shared]

For each render resolution, every `*.scan.pdf` is read from scratch (a fresh OCR cache) and
extracted; printed per document and in total:
- CER: character error rate of the OCR text against `text.txt` (Levenshtein distance over the
  reference length, whitespace runs collapsed to one space on both sides);
- citations: distinct-key precision/recall/F1 of the OCR version against the text version (the key
  of `../shared/tools/score_citations.py`);
- tasks: recall of the text version's tasks in the OCR version (one-to-one, task text at least 80%
  alike), the share of those found whose lead units are named alike, and on the seeds the gold
  task scores (`eval.score_seeds`) of both versions;
- every record from OCR text flagged (`ocr=True`), and the document's OCR confidence;
- pages/s of OCR with the load average before and after (the machine is shared).
Then a second read of every file, which must come from the cache (no page read twice).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from eval.score_seeds import Score, citation_key, score_tasks
from ingest.ocr import OcrOptions, OcrPage, ocr_file_pages
from ingest.pipeline import extract_file, extract_text
from ingest.read import read_file
from ingest.records import Extraction, Task
from ingest.vntext import match_key


def cer(reference: str, ocr: str) -> tuple[int, int]:
    """(edit distance, reference length) with whitespace runs collapsed."""
    a, b = " ".join(reference.split()), " ".join(ocr.split())
    return Levenshtein.distance(a, b), len(a)


def citation_keys(e: Extraction) -> set[str]:
    return {citation_key(c.notation, c.year) for c in e.citations if c.notation}


def _alike(a: Task, b: Task) -> bool:
    return fuzz.ratio(match_key(a.text), match_key(b.text)) >= 80


def _leads(task: Task) -> list[str]:
    return sorted(match_key(r.name) for r in task.lead)


def tasks_found(reference: Iterable[Task], ocr: Iterable[Task]) -> tuple[int, int]:
    """(reference tasks with an alike OCR task, of those how many with the same leads by name);
    one-to-one, in order of appearance."""
    free = list(ocr)
    found = same_leads = 0
    for task in reference:
        match = next((t for t in free if _alike(task, t)), None)
        if match is not None:
            free.remove(match)
            found += 1
            same_leads += _leads(match) == _leads(task)
    return found, same_leads


def all_flagged(e: Extraction) -> bool:
    mentions = [m.ocr for u in e.units for m in u.mentions]
    return all([*(c.ocr for c in e.citations), *(t.ocr for t in e.tasks), *(t.ocr for t in e.targets), *mentions])


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(corpus: Path, dpi: int, workers: int, gold: dict[str, object] | None) -> dict[str, object]:
    folders = sorted(p.parent for p in corpus.glob("*/*.scan.pdf"))
    options = OcrOptions(
        dpi=dpi, workers=workers, cache_dir=Path(tempfile.mkdtemp(prefix="bench-ocr-")), progress=False
    )
    edits = length = pages = found = leads = reference_tasks = 0
    cites = Score("citations (OCR vs text, distinct key)", 0, 0)
    flagged = True
    text_versions: dict[str, Extraction] = {}
    ocr_versions: dict[str, Extraction] = {}
    load_before = _load()
    seconds = 0.0
    for folder in folders:
        scan = folder / f"{folder.name}.scan.pdf"
        started = time.perf_counter()
        decoded = read_file(scan, max_bytes=1 << 40, ocr=options)
        seconds += time.perf_counter() - started
        reference = (folder / "text.txt").read_text(encoding="utf-8")
        text_version = extract_file(folder / "text.txt").extraction
        ocr_version = extract_text(decoded.text, source=str(scan), pages=decoded.pages).extraction
        e, n = cer(reference, decoded.text)
        want, got = citation_keys(text_version), citation_keys(ocr_version)
        hits, same_leads = tasks_found(text_version.tasks, ocr_version.tasks)
        edits, length, pages = edits + e, length + n, pages + len(decoded.pages)
        cites = Score(cites.name, cites.hits + len(want & got), cites.total + len(want), cites.extra + len(got - want))
        found, leads, reference_tasks = found + hits, leads + same_leads, reference_tasks + len(text_version.tasks)
        flagged = flagged and all_flagged(ocr_version)
        name = f"{folder.name}.txt"
        text_versions[name] = dataclasses.replace(text_version, source=name)
        ocr_versions[name] = dataclasses.replace(ocr_version, source=name)
        cited = f"{len(want & got)}/{len(want)} (+{len(got - want)})"
        print(
            f"  {folder.name[:24]:24} {len(decoded.pages):3} pages  CER {e / n:.4f}  citations {cited}"
            f"  tasks {hits}/{len(text_version.tasks)} (leads alike {same_leads})"
            f"  confidence {ocr_version.ocr_confidence}"
        )
    summary: dict[str, object] = {
        "dpi": dpi,
        "pages": pages,
        "cer": round(edits / length, 4),
        "citation_f1": round(cites.f1, 4),
        "citation_precision": round(cites.precision, 4),
        "citation_recall": round(cites.recall, 4),
        "task_recall_vs_text": round(found / reference_tasks, 4) if reference_tasks else 1.0,
        "task_leads_alike": round(leads / found, 4) if found else 1.0,
        "every_ocr_record_flagged": flagged,
        "pages_per_s": round(pages / seconds, 3),
        "load_before": load_before,
        "load_after": _load(),
    }
    if gold is not None:
        for label, versions in (("text", text_versions), ("ocr", ocr_versions)):
            scores = score_tasks({k: v for k, v in versions.items() if k in gold}, gold)
            summary[f"gold_task_lead_{label}"] = round(scores.lead.recall, 4)
            summary[f"gold_task_deadline_{label}"] = round(scores.deadline.recall, 4)
    again = sum(p.cached for f in folders for p in _pages(f, options))
    summary["second_read_from_cache"] = f"{again}/{pages}"
    return summary


def _pages(folder: Path, options: OcrOptions) -> list[OcrPage]:
    scan = folder / f"{folder.name}.scan.pdf"
    return ocr_file_pages(scan, range(len(PdfReader(str(scan)).pages)), options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--dpi", type=int, nargs="+", default=[300])
    parser.add_argument("--workers", type=int, default=0, help="parallel pages (0: one per core)")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    gold_path = args.shared / "gold" / "seeds_gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.is_file() else None
    for dpi in args.dpi:
        print(f"dpi {dpi}, workers {args.workers or os.cpu_count()}:")
        print(json.dumps(run(args.corpus, dpi, args.workers, gold), ensure_ascii=False))


if __name__ == "__main__":
    main()
