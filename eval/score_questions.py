"""Ask the graph the gold questions of ../shared/gold/questions.json and score the answers.

    python -m eval.score_questions [--shared ../shared] [--store DIR] [--verbose]

Every answerable question has one small function computing its answer from the store, only through
`kg.questions` and the named `.rq` queries (`eval.graph_answers`: gold is never read on that path), and one
function here putting the gold answer into the same shape. Both sides then go through one normaliser
(`eval.answer_keys.canon`: text folded with `match_key`, trailing punctuation dropped, lists compared as
multisets), so "equal" means equal up to spelling. Gold task ids ("004-T03") exist only in gold: tasks
are compared by text and deadline.
A question the graph cannot answer says why: it needs data the graph does not hold.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.answer_keys import canon, gold_scope_key, gold_work_key, iso_date, unit_words, words, work_key
from eval.graph_answers import (
    q01,
    q02,
    q03,
    q04,
    q06,
    q08,
    q09,
    q10,
    q11,
    q12,
    q13,
    q14,
    q15,
    q16,
    q17,
    q18,
    q22,
    q23,
    q24,
    q25,
    q26,
    q27,
    q28,
    q29,
    q30,
)  # fmt: skip
from ingest.pipeline import extract_paths
from kg.store import GraphStore
from search_api.ingestion import ingest_into
from search_api.settings import Settings

Gold = Mapping[str, Any]

# --- gold in the same shapes ------------------------------------------------------------------------


def _seed_task(seeds: Gold, task_id: str) -> Gold:
    prefix = task_id.split("-")[0]
    doc = next(d for name, d in seeds.items() if name.startswith(prefix + "_"))
    return next(t for t in doc["tasks"] if t["task_id"] == task_id)


def _gold_row(task: Gold) -> dict[str, Any]:
    return {"task": task["task"], "deadline_norm": task["deadline_norm"]}


def _gold_full_row(task: Gold) -> dict[str, Any]:
    return {
        **_gold_row(task), "lead": unit_words(task["lead"]), "cooperate": unit_words(task["cooperate"]),
        "product": words(task["product"]), "deadline": task["deadline"],
    }  # fmt: skip


def _gold_signer(text: str) -> dict[str, Any] | None:
    """`Phạm Minh Phước - KT. Giám đốc, Phó Giám đốc Sở Nội vụ Đồng Nai` → name, mode, title (org dropped)."""
    if " - " not in text:
        return None
    name, capacity = text.split(" - ", 1)
    m = re.match(r"(KT|TM|TL|TUQ|Q)\.\s[^,]*,\s*", capacity)
    title = re.split(r"\s+\(|\s+(?:Sở|UBND|Ủy ban)\b", capacity[m.end() if m else 0 :])[0]
    return {"name": name, "mode": f"{m.group(1)}." if m else None, "title": title}


_PERIOD_UNIT = {"month": "tháng", "quarter": "quý", "person": "người"}


def _gold_articles(text: str) -> dict[str, Any]:
    """`≥1 CCHC article per month on …` → comparator, value and our unit `bài viết/tháng`."""
    m = re.match(r"(≥|>|=)\s*(\d+)\D*?article per (month|quarter)", text)
    if not m:
        raise ValueError(text)
    comparator = {"≥": ">=", ">": ">", "=": "="}[m.group(1)]
    return {"comparator": comparator, "value": float(m.group(2)), "unit": f"bài viết/{_PERIOD_UNIT[m.group(3)]}"}


def _gold_income(answer: Gold) -> list[dict[str, Any]]:
    """Gold's English unit → ours: "times the base salary" + "per person per month" → `lần lương cơ sở/người/tháng`."""
    unit = {"times the base salary": "lần lương cơ sở"}[answer["unit"]]
    unit += "".join(f"/{v}" for k, v in (("person", "người"), ("month", "tháng")) if f"per {k}" in answer["metric"])
    return [{"comparator": answer["comparator"], "value": answer["value"], "unit": unit}]


def _gold_reports(answer: Gold) -> list[dict[str, Any]]:
    """`{"Q1": {"units_to_Van_phong_So": "before 12/3/2022", …}}` → (sender, date) pairs."""
    return [
        {"sender": role.split("_to_")[0].replace("_", " "), "date": iso_date(when)}
        for period in answer.values() for role, when in period.items()
    ]  # fmt: skip


def _gold_issues(answer: list[str], seeds: Gold) -> list[tuple[str, str]]:
    """Items that state a wrong number/date (`->` correction) or an inconsistency (`… but …`), as (file, notation).

    The other items are, by gold's own words, not number/date errors (an issuer variant, a loose description).
    """
    out = set()
    for item in answer:
        head, _, body = item.partition(":")
        if "->" not in body and " but " not in body:
            continue
        notation = re.search(r"\d+(?:/\d{4})?/[A-ZĐ]+(?:-[A-Za-zĐ]+)*|\d+-[A-Z]+/[A-Z]+", body)
        for prefix in re.findall(r"\b\d{3}\b", head):
            name = next(n for n in seeds if n.startswith(prefix + "_"))
            out.add((name, work_key(notation.group(0) if notation else body, None)))
    return sorted(out)


def _gold_partners(answer: Gold, seeds: Gold) -> dict[str, list[str]]:
    """`{"SocTrang:Phòng Ngoại vụ": ["000-T21"]}` → unit name → task texts (gold task ids exist only in gold)."""
    return {unit.split(":", 1)[1]: [_seed_task(seeds, t)["task_text"] for t in ids] for unit, ids in answer.items()}


def _gold_bases(answer: list[Gold], seeds: Gold) -> list[dict[str, str]]:
    return [{"work": gold_work_key(c["canonical_id"]), "relation": c["relation"]} for c in answer]


def _gold_units(answer: Gold) -> dict[str, Any]:
    return {f"{gold_scope_key(k.split(':', 1)[0])}:{k.split(':', 1)[1]}": v for k, v in answer.items()}


# --- the questions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    answer: Callable[[GraphStore], Any] | None = None
    expected: Callable[[Any, Gold], Any] | None = None  # (gold answer, seeds gold) → the shape `answer` returns
    why_not: str = ""  # when the graph cannot answer: the data it would need


def _same(answer: Any, seeds: Gold) -> Any:
    return answer


def _rows(answer: Any, seeds: Gold) -> Any:
    return [_gold_row(t) for t in answer]


QUESTIONS: dict[str, Question] = {
    "Q01": Question(q01, _same),
    "Q02": Question(q02, _same),
    "Q03": Question(q03, _rows),
    "Q04": Question(q04, _gold_partners),
    "Q05": Question(
        why_not='free-text comparison over directional targets without a number ("higher than last '
        'year"), which ingest.records.Target cannot hold (value is required)'
    ),
    "Q06": Question(q06, lambda a, s: [_gold_full_row(a)]),
    "Q07": Question(
        why_not='needs references by name without a number ("Chương trình tổng thể CCHC giai đoạn '
        '2021-2030" in 001/003): records have no named-reference type, the graph no programme node'
    ),
    "Q08": Question(q08, lambda a, s: {k: iso_date(v) for k, v in a.items()}),
    "Q09": Question(q09, lambda a, s: {k: _gold_signer(v) for k, v in a.items()}),
    "Q10": Question(q10, lambda a, s: {k: [iso_date(d) for d in v] for k, v in a.items()}),
    "Q11": Question(q11, _same),
    "Q12": Question(q12, _same),
    "Q13": Question(q13, lambda a, s: _gold_income(a)),
    "Q14": Question(q14, lambda a, s: [_gold_articles(t) for t in a]),
    "Q15": Question(q15, lambda a, s: [{"item": d["item"], "role": d["role"]} for d in a]),
    "Q16": Question(q16, lambda a, s: {gold_work_key(k): v for k, v in a.items()}),
    "Q17": Question(q17, _rows),
    "Q18": Question(q18, lambda a, s: _gold_reports(a)),
    "Q19": Question(
        why_not='needs the data cut-off windows ("Thời gian chốt số liệu từ 15/12/2023 đến 14/3/2024") '
        'and a day-of-month rule ("sáng ngày 15 của tháng cuối kỳ"): neither is a record type'
    ),
    "Q20": Question(
        why_not="needs the per-unit split of appendix II (TCCQ 5, TĐKT 2, …): a Target has no "
        "assignee, so the graph holds the totals (13, 16 TTHC) only"
    ),
    "Q21": Question(
        why_not="needs the appendix II table (127 TTHC, 82 online today, +20, per-unit split): only "
        "the 102-TTHC target is a record; counts and allocations have no record type"
    ),
    "Q22": Question(q22, lambda a, s: {gold_work_key(k): v for k, v in a.items()}),
    "Q23": Question(q23, _same),
    "Q24": Question(q24, _same),
    "Q25": Question(q25, _gold_bases),
    "Q26": Question(q26, lambda a, s: _gold_units(a)),
    "Q27": Question(q27, lambda a, s: [{**_gold_row(t), "cooperate": unit_words(t["cooperate"])} for t in a]),
    "Q28": Question(q28, lambda a, s: [_gold_full_row(a)]),
    "Q29": Question(q29, lambda a, s: _gold_issues(a, s)),
    "Q30": Question(q30, _rows),
}


@dataclass(frozen=True)
class Result:
    id: str
    answerable: bool
    equal: bool
    why_not: str = ""
    ours: Any = None
    gold: Any = None

    def line(self) -> str:
        if not self.answerable:
            return f"{self.id}  answerable: no   ({self.why_not})"
        return f"{self.id}  answerable: yes  equal: {'yes' if self.equal else 'no'}"


def score_questions(store: GraphStore, questions: Sequence[Gold], seeds: Gold) -> list[Result]:
    """Answer every gold question from the store and compare it with gold, both sides through `canon`."""
    results = []
    for q in questions:
        spec = QUESTIONS.get(q["id"])
        if spec is None or spec.answer is None or spec.expected is None:
            results.append(Result(q["id"], False, False, spec.why_not if spec else "no question function"))
            continue
        ours = canon(spec.answer(store))
        gold = canon(spec.expected(q["answer"], seeds))
        results.append(Result(q["id"], True, ours == gold, ours=ours, gold=gold))
    return results


def score_line(results: list[Result]) -> str:
    answerable = [r for r in results if r.answerable]
    equal = sum(r.equal for r in answerable)
    share = equal / len(answerable) if answerable else 0.0
    return f"score: {equal}/{len(answerable)} answerable questions equal to gold ({share:.3f}), of {len(results)}"


def load_gold(shared: Path) -> tuple[list[Gold], Gold]:
    gold = shared / "gold"
    questions = json.loads((gold / "questions.json").read_text(encoding="utf-8"))
    seeds = {k: v for k, v in json.loads((gold / "seeds_gold.json").read_text(encoding="utf-8")).items()
             if not k.startswith("_")}  # fmt: skip
    return questions, seeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--store", type=Path, help="an ingested store (default: ingest the seeds into a temporary one)")
    parser.add_argument("--verbose", action="store_true", help="print both answers of every unequal question")
    args = parser.parse_args()
    questions, seeds = load_gold(args.shared)
    with tempfile.TemporaryDirectory() as tmp:
        home = args.store or Path(tmp)
        if args.store is None:
            ingest_into(Settings(home=home), extract_paths([args.shared / "seeds"]), None)
        store = GraphStore.open_local(home, read_only=True)
        results = score_questions(store, questions, seeds)
        store.close()
    for result in results:
        print(result.line())
        if args.verbose and result.answerable and not result.equal:
            print(f"     ours: {json.dumps(result.ours, ensure_ascii=False)}")
            print(f"     gold: {json.dumps(result.gold, ensure_ascii=False)}")
    print(score_line(results))


if __name__ == "__main__":
    main()
