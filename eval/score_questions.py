"""Ask the graph the gold questions of ../shared/gold/questions.json and score the answers.

    python -m eval.score_questions [--shared ../shared] [--store DIR] [--verbose]

Every answerable question has one small function computing its answer from the store, only through
`kg.questions` and the named `.rq` queries (gold is never read on that path), and one function putting
the gold answer into the same shape. Both sides then go through one normaliser (`canon`: text folded
with `match_key`, trailing punctuation dropped, lists compared as multisets), so "equal" means equal up
to spelling. Gold task ids ("004-T03") exist only in gold: tasks are compared by text and deadline.
A question the graph cannot answer says why: it needs data the graph does not hold.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import URIRef

from eval.score_seeds import _law_tokens, citation_key
from ingest.pipeline import extract_paths
from ingest.vntext import match_key, slug
from kg import questions as kq
from kg.store import GraphStore
from search_api.ingestion import ingest_into
from search_api.settings import Settings

Gold = Mapping[str, Any]

# --- one normaliser for both sides ----------------------------------------------------------------


def canon(value: Any) -> Any:
    """Comparable form: text folded and trimmed, numbers as floats, lists as sorted multisets."""
    if isinstance(value, str):
        return match_key(value).rstrip(" .;:,")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping):
        return {canon(k): canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted((canon(v) for v in value), key=repr)
    raise TypeError(f"cannot compare {type(value).__name__}")


def file_name(source: str) -> str:
    """`ingest/samples/000_c4c1da0f57cfd92b.txt` → `000_c4c1da0f57cfd92b.txt` (gold names files by basename)."""
    return Path(source).name


def words(text: str, drop: frozenset[str] = frozenset({"va"})) -> str:
    """A cell as a bag of words: "Kế hoạch, Báo cáo" equals the products listed apart."""
    return " ".join(sorted(w for w in re.findall(r"[a-z0-9]+", match_key(text)) if w not in drop))


def unit_words(text: str) -> str:
    """A unit cell as a bag of words, without "và" and the level word "tỉnh": "Phòng Ngoại vụ và các đơn vị có
    liên quan" equals the units listed apart, and a provincial plan's "Trung tâm Phục vụ hành chính công" is the
    unit resolved as "Trung tâm Phục vụ hành chính công tỉnh" (gold's own unit id)."""
    return words(text, frozenset({"va", "tinh"}))


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def iso_date(text: str | None) -> str | None:
    """`07/3/2020` (anywhere in the text) → `2020-03-07`; None stays None."""
    m = _DMY.search(text or "")
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else None


def work_key(notation: str, year: object) -> str:
    """The project's distinct key of a cited work (eval.score_seeds.citation_key)."""
    return citation_key(notation, year)


def law_key(name: str) -> str:
    """A law cited by name, keyed by its content words (`Luật Tổ chức chính quyền địa phương`)."""
    return "LUAT:" + " ".join(sorted(_law_tokens(name)))


def _cid_year(cid: str | None) -> str | None:
    m = re.search(r"(?:/|_)((?:19|20)\d\d)(?:_|$)", cid or "")
    return m.group(1) if m else None


def _our_work_key(citation: Mapping[str, Any]) -> str:
    if citation["notation"]:
        return work_key(citation["notation"], _cid_year(citation["cid"]) or (citation["date"] or "")[:4] or None)
    return law_key(citation["law_name"] or citation["text"])


def gold_work_key(gold_id: str) -> str:
    """`NQ:18-NQ/TW(2017)`, `CT:06-CT/TU(2016)@VinhLong`, `LUAT:to-chuc-chinh-phu(2015)` → the same keys as ours."""
    kind, body = gold_id.split(":", 1)
    body = body.split("@")[0]
    m = re.fullmatch(r"(.*)\((\d{4}|\?)\)", body)
    name, year = (m.group(1), m.group(2)) if m else (body, None)
    return law_key(name) if kind == "LUAT" else work_key(name, year)


def scope_key(scope: str) -> str:
    """`vn.soc-trang.tx-nga-nam` → `soctrang.nganam`, `vn` → `vn`."""
    parts = scope.split(".")[1:] or ["vn"]
    return ".".join(re.sub(r"[^a-z0-9]", "", re.sub(r"^(h|tx|tp|q)-", "", p)) for p in parts)


def gold_scope_key(scope: str) -> str:
    """Gold's `SocTrang`, `NgaNam.SocTrang`, `VN` → the same keys as `scope_key`."""
    return ".".join(p.lower() for p in reversed(scope.split(".")))


# --- reading the graph (only kg.questions and named queries) ---------------------------------------


def _document(store: GraphStore, place: str, *, issuer: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """The one document of a province/district whose issuer starts with `issuer` and whose kind is `kind`."""
    found = [
        d for d in kq.document_facts(store)
        if slug(place) in (d["scope"] or "")
        and (issuer is None or match_key(d["issuer"] or "").startswith(match_key(issuer)))
        and (kind is None or d["kind"] == kind)
    ]  # fmt: skip
    if len(found) != 1:
        raise LookupError(f"{len(found)} documents match {place!r} {issuer!r} {kind!r}")
    return found[0]


def _unit_ids(store: GraphStore, name: str, province: str) -> set[str]:
    return {u["id"] for u in kq.find_units(store, name, province) if not u["group"]}


def _tasks(store: GraphStore, doc: Mapping[str, Any] | None = None, origin: str = "table") -> list[dict[str, Any]]:
    """Appendix rows (gold's "tasks") or prose duties, of one document or all."""
    return [t for t in kq.plan_tasks(store, doc["id"] if doc else None) if t["origin"] == origin]


def _unit_tasks(store: GraphStore, name: str, province: str, role: str = "lead") -> list[dict[str, Any]]:
    units = _unit_ids(store, name, province)
    return [t for t in _tasks(store) if units & {a["id"] for a in t[role]}]


def _end(task: Mapping[str, Any]) -> str | None:
    return task["deadline"]["end"] if task["deadline"] else None


def _row(task: Mapping[str, Any]) -> dict[str, Any]:
    return {"task": task["text"], "deadline_norm": _end(task)}


def _full_row(task: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **_row(task),
        "lead": unit_words(" ".join(a["name"] for a in task["lead"])),
        "cooperate": unit_words(" ".join(a["name"] for a in task["cooperate"])),
        "product": words(" ".join(task["products"])),
        "deadline": task["deadline"]["text"] if task["deadline"] else None,
    }


def _citing_files(store: GraphStore, work: str) -> dict[str, list[dict[str, Any]]]:
    return {file_name(d["source"]): d["citations"] for d in kq.cites(store, work)}


# --- answers: one function per answerable question ------------------------------------------------


def q01(store: GraphStore) -> Any:
    """Which documents cite Nghị định 107/2020/NĐ-CP?"""
    return sorted(_citing_files(store, "Nghị định 107/2020/NĐ-CP"))


def q02(store: GraphStore) -> Any:
    """Which documents cite both 107/2020/NĐ-CP and 108/2020/NĐ-CP?"""
    return sorted(
        set(_citing_files(store, "Nghị định 107/2020/NĐ-CP")) & set(_citing_files(store, "Nghị định 108/2020/NĐ-CP"))
    )


def q03(store: GraphStore) -> Any:
    """What tasks is Sở Nội vụ (Vĩnh Long) the lead unit for?"""
    return [_row(t) for t in _unit_tasks(store, "Sở Nội vụ", "Vĩnh Long")]


def q04(store: GraphStore) -> Any:
    """Which units cooperate on tasks led by Trung tâm Phục vụ hành chính công tỉnh (Sóc Trăng)?"""
    out: dict[str, list[str]] = {}
    for task in _unit_tasks(store, "Trung tâm Phục vụ hành chính công tỉnh", "Sóc Trăng"):
        for unit in task["cooperate"]:
            out.setdefault(unit["name"], []).append(task["text"])
    return out


def q06(store: GraphStore) -> Any:
    """What is the deadline of the task 'Xây dựng Kế hoạch CCHC của cơ quan, đơn vị năm 2023' in Vĩnh Long?"""
    wanted = canon("Xây dựng Kế hoạch CCHC của cơ quan, đơn vị năm 2023")
    doc = _document(store, "Vĩnh Long")
    return [_full_row(t) for t in _tasks(store, doc) if canon(t["text"]) == wanted]


def q08(store: GraphStore) -> Any:
    """What date do the Sóc Trăng documents give for Kế hoạch 218/KH-UBND of the provincial People's Committee?

    The province's plan, not a district's: the cited work's scope is `vn.soc-trang` itself.
    """
    local = {file_name(d["source"]) for d in kq.document_facts(store) if "soc-trang" in (d["scope"] or "")}
    out: dict[str, Any] = {}
    for name, citations in _citing_files(store, "Kế hoạch 218/KH-UBND").items():
        dates = sorted({c["date"] for c in citations if "/doc/vn.soc-trang/" in c["work"]})
        if name in local and dates:
            out[name] = dates[0] if len(dates) == 1 else dates
    return out


def q09(store: GraphStore) -> Any:
    """Who signed each document, and in what capacity?"""
    return {
        file_name(d["source"]): d["signer"]
        and {"name": d["signer"], "mode": d["signing_mode"], "title": d["signer_title"]}
        for d in kq.document_facts(store)
    }


def q10(store: GraphStore) -> Any:
    """Which documents cite Nghị định 30/2020/NĐ-CP and what date do they give it?"""
    return {name: [c["date"] for c in cits] for name, cits in _citing_files(store, "Nghị định 30/2020/NĐ-CP").items()}


def q11(store: GraphStore) -> Any:
    """How many appendix task rows does each document have?"""
    counts = Counter(file_name(t["source"]) for t in _tasks(store))
    return {file_name(d["source"]): counts[file_name(d["source"])] for d in kq.document_facts(store)}


def q12(store: GraphStore) -> Any:
    """Which unit leads the most tasks in the Văn phòng UBND tỉnh Sóc Trăng 2024 plan?"""
    doc = _document(store, "Sóc Trăng", issuer="Văn phòng")
    return dict(Counter(a["name"] for t in _tasks(store, doc) for a in t["lead"]))


def _targets(store: GraphStore, doc: Mapping[str, Any], phrase: str) -> list[dict[str, Any]]:
    """Distinct (comparator, value, unit) of a plan's targets whose sentence or unit names `phrase`."""
    key = match_key(phrase)
    found = {
        (str(r["comparator"]), float(str(r["value"])), str(r["unit"]))
        for r in store.query("plan_targets", doc=URIRef(doc["id"]))
        if key in match_key(f"{r['text']} {r['unit']}")
    }
    return [{"comparator": c, "value": v, "unit": u} for c, v, u in sorted(found)]


def q13(store: GraphStore) -> Any:
    """What income target does the Văn phòng UBND tỉnh Sóc Trăng set for its staff?"""
    return _targets(store, _document(store, "Sóc Trăng", issuer="Văn phòng"), "thu nhập")


def q14(store: GraphStore) -> Any:
    """What CCHC communication targets does the Văn phòng UBND tỉnh Sóc Trăng set?"""
    return _targets(store, _document(store, "Sóc Trăng", issuer="Văn phòng"), "bài viết")


def q15(store: GraphStore) -> Any:
    """What duties does the 2021 Sóc Trăng letter (001) give to Sở Thông tin và Truyền thông?"""
    doc = _document(store, "Sóc Trăng", kind="cong-van")
    unit = _unit_ids(store, "Sở Thông tin và Truyền thông", "Sóc Trăng")
    return [
        {"item": (t["number"] or "").rstrip(")"), "role": "lead" if t["cooperate"] or len(t["lead"]) > 1 else "sole"}
        for t in _tasks(store, doc, "prose") if unit & {a["id"] for a in t["lead"]}
    ]  # fmt: skip


def q16(store: GraphStore) -> Any:
    """Which Party documents are cited, and by which documents?"""
    out: dict[str, set[str]] = {}
    for c in kq.all_citations(store):
        if c["party"]:
            out.setdefault(_our_work_key(c), set()).add(file_name(c["source"]))
    return {k: sorted(v) for k, v in out.items()}


def q17(store: GraphStore) -> Any:
    """Which Vĩnh Long tasks are due by the end of 2022, i.e. before the plan year starts?"""
    doc = _document(store, "Vĩnh Long")
    starts = f"{doc['year']}-01-01"
    return [_row(t) for t in _tasks(store, doc) if (_end(t) or "9999") < starts]


def q18(store: GraphStore) -> Any:
    """When must the units of Sở Nội vụ Đồng Nai send their CCHC reports, and when does Văn phòng Sở report to the
    Director board? (Report duties with a dated deadline, by who sends them.)"""
    doc = _document(store, "Đồng Nai")
    return [
        {"sender": "units" if a["group"] else a["name"], "date": _end(t)}
        for t in _tasks(store, doc, "prose")
        if t["deadline"] and t["deadline"]["kind"] == "by_date" and "bao cao" in match_key(t["text"])
        for a in t["lead"]
    ]  # fmt: skip


def q22(store: GraphStore) -> Any:
    """Which staff-downsizing (tinh giản biên chế) decrees are cited, and by whom?

    The graph keeps no subject for cited works: the decrees are those tasks cite while naming the topic, with
    the decrees stated to amend them (kg.questions.works_on_topic).
    """
    works = set(kq.works_on_topic(store, "tinh giản biên chế"))
    direct: dict[str, dict[str, bool]] = {}  # work → file → cited directly at least once
    for c in kq.all_citations(store):
        if c["work"] in works and c["kind"] == "nghi-dinh":
            by_file = direct.setdefault(_our_work_key(c), {})
            name = file_name(c["source"])
            by_file[name] = by_file.get(name, False) or not c["nested"]
    return {k: {f: "direct" if d else "nested only" for f, d in v.items()} for k, v in direct.items()}


def q23(store: GraphStore) -> Any:
    """Which documents cite Nghị định 73/2023/NĐ-CP (protecting dynamic and creative officials)?"""
    return sorted(_citing_files(store, "Nghị định 73/2023/NĐ-CP"))


def q24(store: GraphStore) -> Any:
    """Which documents cite Nghị định 60/2021/NĐ-CP, and how often?"""
    return {name: len(cits) for name, cits in _citing_files(store, "Nghị định 60/2021/NĐ-CP").items()}


def q25(store: GraphStore) -> Any:
    """What legal bases ("Căn cứ") does the Vĩnh Long decision cite?"""
    doc = _document(store, "Vĩnh Long")
    return [
        {"work": _our_work_key(c), "relation": "căn cứ" if c["relation"] == "can_cu" else "other"}
        for c in kq.all_citations(store)
        if c["document"] == doc["id"] and c["relation"] in ("can_cu", "de_nghi") and not c["nested"]
    ]  # fmt: skip


def q26(store: GraphStore) -> Any:
    """Which units appear in more than one document?"""
    return {
        f"{scope_key(u['scope'] or 'vn')}:{sorted(u['names'])[0]}": sorted(file_name(s) for s in u["sources"])
        for u in kq.unit_documents(store)
        if not u["group"] and len({file_name(s) for s in u["sources"]}) > 1
    }


def q27(store: GraphStore) -> Any:
    """Which tasks does Sở Tài chính (Vĩnh Long) lead, and who cooperates?"""
    return [
        {**_row(t), "cooperate": _full_row(t)["cooperate"]} for t in _unit_tasks(store, "Sở Tài chính", "Vĩnh Long")
    ]


def q28(store: GraphStore) -> Any:
    """Who leads the Sóc Trăng Office task on the list of TTHC dossier components to be digitised, and by when?"""
    wanted = [match_key(w) for w in ("thành phần hồ sơ", "số hóa")]
    doc = _document(store, "Sóc Trăng", issuer="Văn phòng")
    return [_full_row(t) for t in _tasks(store, doc) if all(w in match_key(t["text"]) for w in wanted)]


def q29(store: GraphStore) -> Any:
    """Which citations in the five documents have wrong or inconsistent numbers or dates?"""
    return sorted({(file_name(i["source"]), work_key(i["notation"], None)) for i in kq.citation_issues(store)})


def q30(store: GraphStore) -> Any:
    """Which Vĩnh Long tasks does Văn phòng UBND tỉnh lead?"""
    return [_row(t) for t in _unit_tasks(store, "Văn phòng UBND tỉnh", "Vĩnh Long")]


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
