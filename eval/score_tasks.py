"""Tasks on real documents, scored exactly as the issue checks them.

    python -m eval.score_tasks [--shared ../shared] [--gold dev|extra|all]

`dev`: the 248 tasks of ../shared/realdocs/tasks_gold_dev.json (nine documents); `extra`: the 340 tasks of
eval/tasks_gold_extra.json, ten more documents annotated for this project by the same convention
(../shared/realdocs/TASKS.md) without looking at the extractor's output. The documents are extracted from
../shared/realdocs/docs and scored by ../shared/tools/score_tasks.py, the tool the issue quotes, so the numbers
here and there are one computation.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import extract_paths
from ingest.records import to_json

EXTRA_GOLD = Path(__file__).with_name("tasks_gold_extra.json")
_SUMMARY = re.compile(
    r"recall (?P<recall>[\d.]+) \((?P<found>\d+)/(?P<gold>\d+)\) precision (?P<precision>[\d.]+)"
    r" \(\d+/(?P<extracted>\d+)\);"
    r" of found: lead (?P<lead>[\d.]+), cooperate (?P<cooperate>[\d.]+), deadline (?P<deadline>[\d.]+)"
)


@dataclass(frozen=True)
class TaskScore:
    name: str
    recall: float
    precision: float
    lead: float
    cooperate: float
    deadline: float
    gold: int
    extracted: int
    report: str  # the tool's per-file lines and summary, as printed

    def line(self) -> str:
        return (
            f"tasks ({self.name}, {self.gold} gold): recall {self.recall:.3f} precision {self.precision:.3f}"
            f" ({self.extracted} extracted); of found: lead {self.lead:.3f}, cooperate {self.cooperate:.3f},"
            f" deadline {self.deadline:.3f}"
        )


def gold_sets(shared: Path) -> dict[str, Path]:
    return {"dev": shared / "realdocs" / "tasks_gold_dev.json", "extra": EXTRA_GOLD}


def score(name: str, gold_path: Path, shared: Path) -> TaskScore:
    """Extract the gold's documents and score them with the shared tool."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    docs = [shared / "realdocs" / "docs" / fname for fname in gold]
    documents, failures = extract_paths(docs)
    if failures:
        raise SystemExit(f"extraction failed: {failures}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "extract.json"
        out.write_text(json.dumps(to_json([d.extraction for d in documents]), ensure_ascii=False), encoding="utf-8")
        tool = shared / "tools" / "score_tasks.py"
        run = subprocess.run([sys.executable, str(tool), str(gold_path), str(out)], capture_output=True, text=True)
    m = _SUMMARY.search(run.stdout)
    if run.returncode or m is None:
        raise SystemExit(f"score_tasks.py failed: {run.stdout}{run.stderr}")
    values = {k: float(v) for k, v in m.groupdict().items()}
    return TaskScore(
        name, values["recall"], values["precision"], values["lead"], values["cooperate"], values["deadline"],
        int(values["gold"]), int(values["extracted"]), run.stdout,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--gold", choices=["dev", "extra", "all"], default="all")
    parser.add_argument("--files", action="store_true", help="print the tool's per-file lines too")
    args = parser.parse_args()
    for name, path in gold_sets(args.shared).items():
        if args.gold in (name, "all"):
            result = score(name, path, args.shared)
            if args.files:
                print(result.report.rstrip())
            print(result.line())


if __name__ == "__main__":
    main()
