"""The graph's side of eval.score_questions: one small function per answerable gold question, computing its
answer from the store only through `kg.questions` and the named `.rq` queries (gold is never read here)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from rdflib import URIRef

from eval.answer_keys import canon, file_name, our_work_key, scope_key, unit_words, words, work_key
from ingest.vntext import match_key, slug
from kg import questions as kq
from kg.store import GraphStore

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
            out.setdefault(our_work_key(c), set()).add(file_name(c["source"]))
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
            by_file = direct.setdefault(our_work_key(c), {})
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
        {"work": our_work_key(c), "relation": "căn cứ" if c["relation"] == "can_cu" else "other"}
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
