"""Score `cchc extract` output on the seeds against ../shared/gold/seeds_gold.json.

    python -m eval.score_seeds [--shared ../shared] [--json]

Prints one line per measure; the tests assert the issue's thresholds on the same functions, so the
numbers in notes and the numbers tests check are one computation. The citation key is the one
`../shared/tools/score_citations.py` defines (a test checks that both agree).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.pipeline import extract_paths
from ingest.records import AgentRef, Extraction, Task
from ingest.vntext import collapse, fold, match_key

Gold = Mapping[str, Any]


@dataclass(frozen=True)
class Score:
    name: str
    hits: int
    total: int
    extra: int = 0

    @property
    def recall(self) -> float:
        return self.hits / self.total if self.total else 1.0

    @property
    def precision(self) -> float:
        found = self.hits + self.extra
        return self.hits / found if found else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return f"{self.name}: P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} ({self.hits}/{self.total})"


def gold_files(gold: Gold) -> dict[str, Gold]:
    return {name: doc for name, doc in gold.items() if not name.startswith("_")}


def by_file(extractions: Iterable[Extraction]) -> dict[str, Extraction]:
    return {Path(e.source).name: e for e in extractions}


# --- citations (key as in ../shared/tools/score_citations.py) ---------------------------------


def _norm_notation(notation: str) -> str:
    n = unicodedata.normalize("NFC", notation).replace("\u00d0", "Đ").replace("\u00f0", "đ")
    n = re.sub(r"\s+", "", n)
    n = re.sub(r"[\u2010-\u2015\u2212]", "-", n)
    n = re.sub(r"(?<![\dA-Za-zĐđ])0+(\d)", r"\1", n)
    return n.upper()


def citation_key(notation: str, year: object) -> str:
    """The distinct key of a cited work: notation when it carries a year segment, else notation|year."""
    n = _norm_notation(notation)
    if re.search(r"/(19|20)\d\d/", n):
        return n
    return f"{n}|{year if year else '?'}"


def _gold_citation_keys(doc: Gold) -> set[str]:
    keys = set()
    for gid in doc.get("distinct_citations_literal") or doc["distinct_citations"]:
        if gid.startswith("LUAT:"):
            continue
        body = gid.split(":", 1)[1].split("@")[0]
        m = re.match(r"(.*)\((\d{4}|\?)\)$", body)
        keys.add(citation_key(m.group(1), m.group(2)) if m else citation_key(body, None))
    return keys


def score_citations(extractions: Mapping[str, Extraction], gold: Gold) -> Score:
    hits = total = extra = 0
    for name, doc in gold_files(gold).items():
        want = _gold_citation_keys(doc)
        found = extractions[name].citations if name in extractions else ()
        got = {citation_key(c.notation, c.year) for c in found if c.notation}
        hits += len(want & got)
        total += len(want)
        extra += len(got - want)
    return Score("citations (distinct key)", hits, total, extra)


_LAW_STOP = {"luat", "sua", "doi", "bo", "sung", "mot", "so", "dieu", "cua", "va", "nam"}
_LAW_ABBREV = {"vbqppl": "van ban quy pham phap luat"}


def law_tokens(name: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", fold(name).replace("-", " "))
    expanded = " ".join(_LAW_ABBREV.get(w, w) for w in words).split()
    return frozenset(w for w in expanded if w not in _LAW_STOP and not w.isdigit())


def score_laws(extractions: Mapping[str, Extraction], gold: Gold) -> Score:
    """Laws cited by name: a gold law counts as found when a law_name with the same words is extracted."""
    hits = total = 0
    for name, doc in gold_files(gold).items():
        want = {c["canonical_id"] for c in doc["citations"] if c["canonical_id"].startswith("LUAT:")}
        found = extractions[name].citations if name in extractions else ()
        got = [law_tokens(c.law_name) for c in found if c.law_name]
        for law in want:
            tokens = law_tokens(law.split(":", 1)[1].split("(")[0])
            total += 1
            hits += any(g == tokens for g in got)
    return Score("laws by name (recall)", hits, total)


# --- tasks --------------------------------------------------------------------------------------

_UNIT_ABBREV = [("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("vp", "van phong")]


def _unit_key(name: str) -> str:
    key = match_key(name.split(":", 1)[-1])
    for short, full in _UNIT_ABBREV:
        key = re.sub(rf"\b{short}\b", full, key)
    return re.sub(r"[^a-z0-9 ]", "", key).strip()


def _units_match(gold_ids: list[str], refs: tuple[AgentRef, ...]) -> bool:
    """Concrete units must match by name; generic groups by count (their labels are free text)."""
    gold_units = sorted(_unit_key(g) for g in gold_ids if not g.startswith("GENERIC:"))
    got_units = sorted(_unit_key(r.name) for r in refs if not r.is_group)
    gold_groups = sum(g.startswith("GENERIC:") for g in gold_ids)
    got_groups = sum(r.is_group for r in refs)
    return gold_units == got_units and (gold_groups > 0) == (got_groups > 0)


# Gold kinds with no twin in ingest.records.DeadlineKind: both mean "follows another timetable".
_GOLD_KIND = {"with_reporting_cycle": "per_plan", "external_reference": "per_plan"}


def _deadline_match(gold_task: Gold, task: Task) -> bool:
    """Same kind, and the same last day (or none, when gold has none)."""
    norm = gold_task["deadline_norm"]
    d = task.deadline
    return d is not None and d.kind == _GOLD_KIND.get(norm["kind"], norm["kind"]) and d.end == norm.get("date")


def _align(gold_tasks: list[Gold], tasks: list[Task]) -> list[tuple[Gold, Task]]:
    if len(gold_tasks) == len(tasks):
        return list(zip(gold_tasks, tasks, strict=True))
    pairs = []
    free = list(tasks)
    for g in gold_tasks:
        want = match_key(g["task_text"])[:120]
        best = max(free, key=lambda t: difflib.SequenceMatcher(None, want, match_key(t.text)[:120]).ratio(),
                   default=None)  # fmt: skip
        if best is not None:
            pairs.append((g, best))
            free.remove(best)
    return pairs


@dataclass(frozen=True)
class TaskScores:
    counts: dict[str, tuple[int, int]]  # file -> (gold, extracted) table tasks
    lead: Score
    cooperate: Score
    deadline: Score

    def lines(self) -> list[str]:
        counts = ", ".join(f"{f[:3]} {g}/{e}" for f, (g, e) in self.counts.items())
        return [f"task rows (gold/extracted): {counts}", self.lead.line(), self.cooperate.line(), self.deadline.line()]


def score_tasks(extractions: Mapping[str, Extraction], gold: Gold) -> TaskScores:
    counts: dict[str, tuple[int, int]] = {}
    lead = coop = deadline = total = 0
    for name, doc in gold_files(gold).items():
        tasks = [t for t in extractions[name].tasks if t.origin == "table"] if name in extractions else []
        counts[name] = (len(doc["tasks"]), len(tasks))
        for g, t in _align(doc["tasks"], tasks):
            lead += _units_match(g["lead_units"], t.lead)
            coop += _units_match(g["coop_units"], t.cooperate)
            deadline += _deadline_match(g, t)
        total += len(doc["tasks"])
    return TaskScores(
        counts, Score("task lead units", lead, total), Score("task cooperating units", coop, total),
        Score("task deadlines", deadline, total),
    )  # fmt: skip


# --- targets ------------------------------------------------------------------------------------

# Gold writes some units in English; these are the same units as the extractor writes them.
_GOLD_UNITS = {
    "articles per month": "bài viết/tháng",
    "articles per quarter": "bài viết/quý",
    "times the base salary (lần lương cơ sở)": "lần lương cơ sở/người/tháng",
}


def _overlaps(a: str, b: str) -> bool:
    a, b = match_key(a), match_key(b)
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).find_longest_match().size >= min(40, len(a), len(b))


def score_targets(extractions: Mapping[str, Extraction], gold: Gold) -> Score:
    """A gold target is found when one extracted target has its comparator, value, unit and overlaps its sentence."""
    hits = total = extra = 0
    for name, doc in gold_files(gold).items():
        got = list(extractions[name].targets) if name in extractions else []
        used: set[int] = set()
        for g in doc["targets"]:
            total += 1
            for i, t in enumerate(got):
                if i in used or t.comparator != g["comparator"] or float(t.value) != float(g["value"]):
                    continue
                if t.unit != _GOLD_UNITS.get(g["unit"], g["unit"]):
                    continue
                if _overlaps(t.text, g["sentence"]):
                    used.add(i)
                    hits += 1
                    break
        extra += len(got) - len(used)
    return Score("targets (comparator, value, unit)", hits, total, extra)


# --- anomalies ----------------------------------------------------------------------------------

SEED_ANOMALIES: tuple[tuple[str, str, str], ...] = (
    # (file prefix, notation, what a careful reader flags)
    ("002", "73/NQ-CP", "probable typo for 76/NQ-CP"),
    ("003", "218/KH-UBND", "dated 19/12/2024, elsewhere 19/12/2023"),
    ("002", "30/2020/NĐ-CP", "dated 07/3/2020, issued 05/3/2020"),
    ("003", "30/2020/NĐ-CP", "dated 07/3/2020, issued 05/3/2020"),
    ("004", "106/2020/NĐ-CP", "two dates in one document"),
)


def score_anomalies(extractions: Mapping[str, Extraction]) -> Score:
    """Each known seed anomaly must be flagged on an anomaly that points at a citation of that notation."""
    hits = 0
    for prefix, notation, _why in SEED_ANOMALIES:
        doc = next((e for n, e in extractions.items() if n.startswith(prefix)), None)
        if doc is None:
            continue
        flagged = {doc.citations[i].notation for a in doc.anomalies for i in a.citations if i < len(doc.citations)}
        hits += notation in flagged
    return Score("seed anomalies flagged", hits, len(SEED_ANOMALIES))


# --- command ------------------------------------------------------------------------------------


def score_all(shared: Path) -> dict[str, Any]:
    gold = json.loads((shared / "gold" / "seeds_gold.json").read_text(encoding="utf-8"))
    documents, failures = extract_paths([shared / "seeds"])
    if failures:
        raise SystemExit(f"extraction failed: {failures}")
    found = by_file(d.extraction for d in documents)
    return {
        "citations": score_citations(found, gold),
        "laws": score_laws(found, gold),
        "tasks": score_tasks(found, gold),
        "targets": score_targets(found, gold),
        "anomalies": score_anomalies(found),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()
    for result in score_all(args.shared).values():
        for line in result.lines() if isinstance(result, TaskScores) else [result.line()]:
            print(collapse(line))


if __name__ == "__main__":
    main()
