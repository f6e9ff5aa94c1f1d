"""The users' graph questions as functions returning JSON-ready data (used by the CLI and the API).

Each runs named `.rq` queries against a `GraphStore`; this module only resolves loose input
("NĐ 107/2020", "Sở Nội vụ" of a province) and shapes rows into answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from ingest.citations import CitingContext, find_citations
from ingest.normalize import normalize
from ingest.notation import KIND_NOUNS, display_number
from ingest.places import province_slug
from ingest.vntext import match_key, slug
from kg.iris import concept, short_id
from kg.store import GraphStore

_NUMBER_YEAR = re.compile(r"(?<![\d/])0*(\d{1,5}[a-z]?)\s*/\s*((?:19|20)\d\d)(?![\d])")
_NUMBER_CODE = re.compile(r"(?<![\d/])0*(\d{1,5}[a-z]?)\s*[/-]\s*([A-Za-zĐđ][\w-]*)")
_KIND_NUMBER = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, KIND_NOUNS), key=len, reverse=True)) + r")\s+(?:so\s+)?0*(\d{1,5}[a-z]?)\b"
)


def json_value(node: Node | None) -> Any:
    """A result term as plain JSON (numbers stay numbers, IRIs and strings become str)."""
    if node is None:
        return None
    if isinstance(node, Literal):
        value = node.toPython()
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value if isinstance(value, (int, float, bool)) else str(node)
    return str(node)


_v = json_value  # short local name: answers are built from many result terms


def _works_by_prefix(store: GraphStore, prefix: str, kind: str | None = None) -> list[tuple[str, str]]:
    """(work IRI, notation) of works whose notation starts with `prefix`, optionally of one kind."""
    bindings: dict[str, Identifier] = {"prefix": Literal(prefix)}
    if kind:
        bindings["kind"] = concept("doc-type", slug(kind))
    return [(str(r["work"]), str(r["notation"])) for r in store.query("works_by_prefix", **bindings)]


def resolve_works(store: GraphStore, query: str) -> list[str]:
    """IRIs of the works a loose query names: "NĐ 107/2020", "107/2020", "218/KH-UBND", "ke hoach 218"."""
    text = normalize(query).text
    found: set[str] = set()
    for notation in {c.notation for c in find_citations(text, CitingContext()) if c.notation}:
        if "/?/" in notation:  # a normative number cited without its year: every year
            head, tail = notation.split("/?/")
            same = re.compile(rf"{re.escape(head)}/\d{{4}}/{re.escape(tail)}")
            found |= {w for w, n in _works_by_prefix(store, f"{head}/") if same.fullmatch(n)}
        else:
            found |= {str(r["work"]) for r in store.query("works_by_notation", notation=Literal(notation))}
    if found:
        return sorted(found)
    if m := _NUMBER_YEAR.search(text):  # "107/2020": number and year of a normative notation, any kind
        return sorted(w for w, _ in _works_by_prefix(store, f"{display_number(m.group(1))[0]}/{m.group(2)}/"))
    if m := _NUMBER_CODE.search(text):  # "218/KH-UBND" typed loosely: every year and scope of it
        number = display_number(m.group(1))[0]
        wanted = match_key(f"{number}/{m.group(2)}")
        return sorted(w for w, n in _works_by_prefix(store, f"{number}/") if match_key(n) == wanted)
    if m := _KIND_NUMBER.search(match_key(text)):  # "ke hoach 218", "quyết định 2617"
        number = display_number(m.group(2))[0]
        return sorted(w for w, _ in _works_by_prefix(store, f"{number}/", KIND_NOUNS[m.group(1)]))
    return []


def cites(store: GraphStore, query: str) -> list[dict[str, Any]]:
    """Documents citing the work(s) `query` names, each with its citations (text, span, cue, date, flags)."""
    return citing(store, resolve_works(store, query))


def citing(store: GraphStore, works: Iterable[str]) -> list[dict[str, Any]]:
    """Documents citing any of `works` (IRIs), each with its citations of them (text, span, cue, date, flags)."""
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for work in works:
        citations: dict[str, dict[str, Any]] = {}
        for row in store.query("cited_by", work=URIRef(work)):
            key = (_v(row["path"]), _v(row["doc"]))
            entry = docs.setdefault(
                key,
                {"source": key[0], "document": {"id": key[1], "title": _v(row.get("title"))}, "citations": []},
            )
            cit = citations.get(str(row["citation"]))
            if cit is None:
                cit = {
                    "work": work, "text": _v(row["text"]), "start": _v(row["start"]), "end": _v(row["end"]),
                    "relation": _v(row["relation"]).rsplit("/", 1)[-1], "cue": _v(row.get("cue")),
                    "date": _v(row.get("date")), "nested": _v(row.get("nested")), "flags": [],
                }  # fmt: skip
                citations[str(row["citation"])] = cit
                entry["citations"].append(cit)
            flag = _v(row.get("flag"))
            if flag and flag not in cit["flags"]:
                cit["flags"].append(flag)
    return sorted(docs.values(), key=lambda d: d["source"])


def find_units(store: GraphStore, name: str, province: str | None = None) -> list[dict[str, Any]]:
    """Units whose name matches `name` (diacritics and case folded), optionally in one province."""
    wanted = match_key(name)
    place = province_slug(province) if province else None
    out = []
    for row in store.query("units_by_label"):
        scope = _v(row.get("scope")) or ""
        if match_key(str(row["label"])) != wanted:
            continue
        if place and f"place/vn.{place}" not in scope:
            continue
        out.append({"id": _v(row["unit"]), "name": _v(row["label"]), "scope": short_id(scope),
                    "group": _v(row["group"])})  # fmt: skip
    return sorted(out, key=lambda u: u["id"])


def unit_responsibilities(store: GraphStore, unit_iri: str) -> dict[str, Any]:
    """Tasks a unit leads and co-runs, and the partners named with it."""
    tasks: dict[str, dict[str, Any]] = {}
    for row in store.query("unit_tasks", unit=URIRef(unit_iri)):
        task = tasks.setdefault(str(row["task"]), {
            "task": _v(row["task"]), "role": _v(row["role"]), "text": _v(row["text"]), "document": _v(row["doc"]),
            "title": _v(row.get("title")), "area": (_v(row.get("area")) or "").rsplit("/", 1)[-1] or None,
            "number": _v(row.get("number")), "deadline": _v(row.get("deadline")),
            "deadline_end": _v(row.get("deadlineEnd")), "products": [],
        })  # fmt: skip
        product = _v(row.get("product"))
        if product and product not in task["products"]:
            task["products"].append(product)
    partners = []
    for row in store.query("co_responsibility"):
        a, b = str(row["a"]), str(row["b"])
        if unit_iri in (a, b):
            partners.append({"unit": b if a == unit_iri else a, "shared_tasks": _v(row["tasks"])})
    ordered = sorted(tasks.values(), key=lambda t: (t["document"], t["task"]))
    return {
        "lead": [t for t in ordered if t["role"] == "lead"],
        "cooperate": [t for t in ordered if t["role"] == "cooperate"],
        "partners": partners,
    }


def _of_document(doc: str | None) -> dict[str, Identifier]:
    """The binding that restricts a question to one document (none: every document)."""
    return {"doc": URIRef(doc)} if doc else {}


def documents(store: GraphStore, doc: str | None = None) -> list[dict[str, Any]]:
    """Every document (or the one `doc`) with its file, kind, title, date, place and issuer."""
    rows = store.query("documents", **_of_document(doc))
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(str(row["doc"]), {
            "id": _v(row["doc"]), "source": _v(row["path"]), "kind": (_v(row.get("kind")) or "").rsplit("/", 1)[-1],
            "title": _v(row.get("title")), "date": _v(row.get("date")),
            "scope": short_id(_v(row.get("scope")) or ""), "issuer": _v(row.get("issuer")),
        })  # fmt: skip
    return list(seen.values())


def select_documents(store: GraphStore, selectors: Iterable[str]) -> list[dict[str, Any]]:
    """Documents named by file name, path fragment, id, or province ("Vĩnh Long", "vinh-long")."""
    docs = documents(store)
    chosen: dict[str, dict[str, Any]] = {}
    for selector in selectors:
        place = province_slug(selector)
        for d in docs:
            by_place = place is not None and (d["scope"] == f"vn.{place}" or d["scope"].startswith(f"vn.{place}."))
            if by_place or selector in d["source"] or selector == d["id"]:
                chosen[d["id"]] = d
    return list(chosen.values())


def compare(store: GraphStore, selectors: Iterable[str]) -> dict[str, Any]:
    """Plans side by side: targets per area, task counts and deadline range per area, legal basis."""
    plans = []
    basis: dict[str, set[str]] = {}
    notation: dict[str, str] = {}
    for doc in select_documents(store, selectors):
        iri = URIRef(doc["id"])
        targets = [{k: _v(v) for k, v in row.items() if k != "target"} for row in store.query("plan_targets", doc=iri)]
        for t in targets:
            t["area"] = (t.get("area") or "").rsplit("/", 1)[-1] or None
        dates = {_v(r.get("area")): (_v(r["first"]), _v(r["last"])) for r in store.query("plan_deadlines", doc=iri)}
        areas = [
            {"area": (_v(r.get("area")) or "").rsplit("/", 1)[-1] or None, "tasks": _v(r["tasks"]),
             "first_deadline": dates.get(_v(r.get("area")), (None, None))[0],
             "last_deadline": dates.get(_v(r.get("area")), (None, None))[1]}
            for r in store.query("plan_task_areas", doc=iri)
        ]  # fmt: skip
        # Keyed by work, shown by notation: 218/KH-UBND of two provinces are two works.
        cited = {str(r["work"]): str(r["notation"]) for r in store.query("plan_basis", doc=iri) if r.get("notation")}
        notation.update(cited)
        basis[doc["id"]] = set(cited)
        plans.append({**doc, "targets": targets, "task_areas": areas, "cites": sorted(cited.values())})
    shared = set.intersection(*basis.values()) if basis else set()
    for plan in plans:
        others = set().union(*(b for k, b in basis.items() if k != plan["id"]))
        plan["cites_only_here"] = sorted(notation[w] for w in basis[plan["id"]] - others)
    return {"plans": plans, "shared_basis": sorted(notation[w] for w in shared)}


def anomalies(store: GraphStore) -> list[dict[str, Any]]:
    rows = store.query("anomalies")
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        out.setdefault(str(row["issue"]), {k: _v(v) for k, v in row.items()})
    return list(out.values())


# --- whole-graph answers (eval.score_questions asks the gold questions through these) ------------


def _last(value: Any) -> str | None:
    """The local part of an IRI-valued cell (`…/reform-area/tthc` → `tthc`), None when unbound."""
    return str(value).rsplit("/", 1)[-1] if value is not None else None


def _place(value: Any) -> str | None:
    """The scope a place IRI names (`vn.vinh-long`), None when unbound."""
    return short_id(str(value)) if value is not None else None


def document_facts(store: GraphStore, doc: str | None = None) -> list[dict[str, Any]]:
    """Every document's (or the one `doc`'s) header facts: kind, title, date, place, issuer, plan year and who
    signed how."""
    out: dict[str, dict[str, Any]] = {}
    for row in store.query("document_facts", **_of_document(doc)):
        year = row.get("year")
        out.setdefault(str(row["doc"]), {
            "id": _v(row["doc"]), "source": _v(row["path"]), "kind": _last(row.get("kind")),
            "title": _v(row.get("title")), "date": _v(row.get("date")), "scope": _place(row.get("scope")),
            "issuer": _v(row.get("issuer")), "year": int(str(year)[:4]) if year is not None else None,
            "signer": _v(row.get("signer")), "signer_title": _v(row.get("signerTitle")),
            "signing_mode": _v(row.get("signingMode")),
        })  # fmt: skip
    return list(out.values())


def plan_tasks(store: GraphStore, doc: str | None = None) -> list[dict[str, Any]]:
    """Tasks in text order (of one plan when `doc` is given) with lead and cooperating units, products, deadline."""
    bindings = _of_document(doc)
    tasks: dict[str, dict[str, Any]] = {}
    for row in store.query("task_rows", **bindings):
        task = tasks.setdefault(str(row["task"]), {
            "id": _v(row["task"]), "document": _v(row["doc"]), "source": _v(row["path"]),
            "origin": _v(row["origin"]), "number": _v(row.get("number")), "text": _v(row["text"]),
            "area": _last(row.get("area")), "products": [], "lead": [], "cooperate": [],
            "deadline": None if row.get("deadline") is None else {
                "text": _v(row["deadline"]), "kind": _v(row.get("kind")), "end": _v(row.get("end"))},
        })  # fmt: skip
        product = _v(row.get("product"))
        if product is not None and product not in task["products"]:
            task["products"].append(product)
    for row in store.query("task_agents", **bindings):
        found = tasks.get(str(row["task"]))
        agent = {"id": _v(row["unit"]), "name": _v(row["label"]), "group": _v(row["group"])}
        if found is not None and agent not in found[str(row["role"])]:
            found[str(row["role"])].append(agent)
    for task in tasks.values():
        task["lead"].sort(key=lambda a: a["name"])
        task["cooperate"].sort(key=lambda a: a["name"])
    return list(tasks.values())


def all_citations(store: GraphStore) -> list[dict[str, Any]]:
    """Every citation of every document in text order: the cited work, relation, date as cited, nesting."""
    out: dict[str, dict[str, Any]] = {}
    for row in store.query("citation_rows"):
        out.setdefault(str(row["citation"]), {
            "citation": _v(row["citation"]), "document": _v(row["doc"]), "source": _v(row["path"]),
            "work": _v(row["work"]), "cid": _v(row.get("cid")), "notation": _v(row.get("notation")),
            "law_name": _v(row.get("title")), "kind": _last(row.get("kind")), "party": _v(row["party"]),
            "text": _v(row["text"]), "relation": _last(row["relation"]), "date": _v(row.get("date")),
            "nested": _v(row["nested"]),
        })  # fmt: skip
    return list(out.values())


def works_on_topic(store: GraphStore, phrase: str) -> list[str]:
    """Works cited by a task whose text names `phrase` ("tinh giản biên chế"), plus the works stated to amend
    them or to be amended by them (one step).

    The graph keeps no subject for a cited work, so what the citing tasks say about it is the evidence.
    """
    wanted = match_key(phrase)
    found = {str(r["work"]) for r in store.query("task_citations") if wanted in match_key(str(r["text"]))}
    links = [(str(r["amending"]), str(r["amended"])) for r in store.query("amendment_links")]
    linked = {b for a, b in links if a in found} | {a for a, b in links if b in found}
    return sorted(found | linked)


def unit_documents(store: GraphStore) -> list[dict[str, Any]]:
    """Every unit and group with the files naming it: one node per unit, shared by every file that names it."""
    out: dict[str, dict[str, Any]] = {}
    for row in store.query("document_units"):
        unit = out.setdefault(str(row["unit"]), {
            "id": _v(row["unit"]), "names": [], "scope": _place(row.get("scope")),
            "group": _v(row["group"]), "sources": [],
        })  # fmt: skip
        for key, value in (("names", _v(row["label"])), ("sources", _v(row["path"]))):
            if value not in unit[key]:
                unit[key].append(value)
    return list(out.values())


def citation_issues(store: GraphStore) -> list[dict[str, Any]]:
    """Open issues about citations with the cited notation and date as written (one entry per issue and citation)."""
    return [
        {"issue": _v(r["issue"]), "kind": _v(r["kind"]), "severity": _v(r["severity"]), "evidence": _v(r["evidence"]),
         "source": _v(r["path"]), "notation": _v(r.get("notation")), "date": _v(r.get("date")),
         "probable": _v(r.get("probable"))}
        for r in store.query("citation_issue_rows")
    ]  # fmt: skip
