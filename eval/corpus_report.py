"""What extraction finds over a folder of real documents, by document kind, and where to look next.

    python -m eval.corpus_report [PATH ...] [--leads N]

Default PATH: ../shared/realdocs/docs (418 documents). Prints, per kind: documents, the share with a number, a
date, an issuer and a title, and tasks found; then the documents that say "chủ trì"/"phối hợp" three times or
more but yield no task (each a lead to investigate). Where a page carries a legal-document site's metadata block
("Số hiệu:", "Ngày ban hành:", "Loại văn bản:"), the header facts read from the document itself are checked
against it: an independent second source for the number, date and kind.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.pipeline import expand_paths, extract_file
from ingest.read import ReadError
from ingest.records import Extraction

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "docs"
FIELDS = ("number", "date", "issuer", "title")
_ASSIGNS = re.compile(r"chủ trì|phối hợp", re.IGNORECASE)
_PRINTS_NUMBER = re.compile(r"Số:\s*\**\s*\n?\s*\**\s*\d")
_SITE = {
    "number": re.compile(r"Số hiệu:\**\s*\n?\|?\s*\n?([^\n|]+)"),
    "date": re.compile(r"Ngày ban hành:\**\s*\n?\|?\s*\n?(\d\d/\d\d/\d{4})"),
    "kind": re.compile(r"Loại văn bản:\**\s*\n?\|?\s*\n?([^\n|]+)"),
}


@dataclass
class Tally:
    docs: int = 0
    printed: int = 0  # documents that print "Số: N" in their first lines
    found: Counter[str] = field(default_factory=Counter)  # among those, documents where the field was found
    tasks: int = 0
    with_tasks: int = 0


@dataclass
class Report:
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    leads: list[tuple[str, int]] = field(default_factory=list)  # (file, chủ trì/phối hợp count) with no task
    agree: Counter[str] = field(default_factory=Counter)
    compared: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)


def build(paths: Iterable[Path]) -> Report:
    report = Report()
    for path in expand_paths(paths):
        try:
            extracted = extract_file(path)
        except ReadError as err:
            report.failed.append(f"{path}: {err.reason}")
            continue
        _count(report, extracted.extraction, extracted.text)
    return report


def _count(report: Report, e: Extraction, text: str) -> None:
    meta = e.document
    tally = report.by_kind[meta.kind or "(none)"]
    tally.docs += 1
    tally.tasks += len(e.tasks)
    tally.with_tasks += bool(e.tasks)
    if _PRINTS_NUMBER.search(text[:6000]):
        tally.printed += 1
        tally.found.update(name for name in FIELDS if getattr(meta, name))
    assigns = len(_ASSIGNS.findall(text))
    if assigns >= 3 and not e.tasks:
        report.leads.append((Path(e.source).name, assigns))
    for name, pattern in _SITE.items():
        m = pattern.search(text[:6000])
        if m is None:
            continue
        report.compared[name] += 1
        site = m.group(1).strip(" *")
        if name == "date":
            day, month, year = site.split("/")
            site = f"{year}-{month}-{day}"
        ours = getattr(meta, name) or ""
        report.agree[name] += ours.replace(" ", "").lower() == site.replace(" ", "").lower()


def lines(report: Report, leads: int) -> list[str]:
    out = ["kind | docs | print a number | number | date | issuer | title | tasks | docs with tasks"]
    total = Tally()
    for kind, t in sorted(report.by_kind.items(), key=lambda kv: -kv[1].docs):
        out.append(_row(kind, t))
        total.docs += t.docs
        total.printed += t.printed
        total.found.update(t.found)
        total.tasks += t.tasks
        total.with_tasks += t.with_tasks
    out.append(_row("all", total))
    out.append("")
    for name in ("number", "date", "kind"):
        if report.compared[name]:
            n, ok = report.compared[name], report.agree[name]
            out.append(f"agrees with the page's metadata block: {name} {ok}/{n} = {ok / n:.3f}")
    out.append("")
    out.append(f'documents saying "chủ trì"/"phối hợp" 3+ times with no task: {len(report.leads)}')
    out.extend(f"  {name} ({count})" for name, count in sorted(report.leads, key=lambda x: -x[1])[:leads])
    out.extend(f"failed: {line}" for line in report.failed)
    return out


def _row(kind: str, t: Tally) -> str:
    shares = " | ".join(f"{t.found[f] / t.printed:.2f}" if t.printed else "-" for f in FIELDS)
    return f"{kind} | {t.docs} | {t.printed} | {shares} | {t.tasks} | {t.with_tasks}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--leads", type=int, default=20, help="how many no-task documents to list")
    args = parser.parse_args()
    print("\n".join(lines(build(args.paths), args.leads)))


if __name__ == "__main__":
    main()
