"""Resources read from the graph: works and who cites them, units, tasks, plan comparison, anomalies, the
Cytoscape.js subgraph. Every answer comes from `kg.questions` / `kg.views`; this module only filters,
pages, names ids and picks the representation."""

from __future__ import annotations

from collections import deque
from datetime import date
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Query, Request
from rdflib import Graph, URIRef

from ingest.vntext import match_key
from kg import questions, views
from kg.iris import path_of, short_id
from kg.store import GraphStore
from search_api.api.deps import ReadStore, State
from search_api.api.documents import NOTATION, _citing, cited_by, summaries
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import area_filter, in_province, province_filter
from search_api.api.formats import GraphFormat, TableFormat, alt_content, csv_response, negotiate, rdf_response
from search_api.api.ids import document_iri, node_iri, unit_iri
from search_api.api.models import (
    Anomaly,
    AnomalyList,
    CitedBy,
    CitingDocument,
    Comparison,
    CyElement,
    CyElements,
    GraphView,
    PlanComparison,
    Task,
    TaskPage,
    UnitDetail,
    UnitList,
    UnitMatch,
    UnitSummary,
    UnitTask,
    WorkRef,
)

router = APIRouter()

EDGE_KINDS = ("cites", "lead", "cooperate", "part_of")


# --- works -----------------------------------------------------------------------------------------


def _cited_by_rows(documents: list[CitingDocument]) -> list[dict[str, Any]]:
    return [
        {"source": d.source, "document_id": d.document.id, "title": d.document.title, **c.model_dump()}
        for d in documents
        for c in d.citations
    ]


@router.get(
    "/works/{work_id:path}/cited-by",
    operation_id="work_cited_by",
    tags=["works"],
    summary="Các văn bản trích dẫn một văn bản (documents citing a work)",
    response_model=CitedBy,
    responses={**alt_content("csv"), **error_responses(404, 422, 503)},
)
def work_cited_by(
    request: Request,
    store: ReadStore,
    work_id: str,
    format: Annotated[TableFormat | None, Query(description="csv: one row per citation.")] = None,
) -> Any:
    """`work_id`: a work's id (`vn/nghi-dinh/107_2020_ndd-cp`) or a loose notation, %2F for its slashes:
    `NĐ 107/2020`, `107/2021/NĐ-CP`, `Nghị định 107/2020/NĐ-CP`, `218/KH-UBND`."""
    iri = document_iri(work_id)
    if store.query_text(NOTATION, {"doc": URIRef(iri)}):  # an exact work id
        works, documents = [iri], cited_by(store, iri)
    else:
        answer = questions.cites(store, work_id)
        documents = [_citing(d, d["citations"]) for d in answer]
        works = sorted({c.work for d in documents for c in d.citations}) or questions.resolve_works(store, work_id)
    if not works:
        raise ApiError(404, f"Không tìm thấy văn bản được trích dẫn (no work matches): {work_id}")
    if negotiate(request, format, ("json", "csv")) == "csv":
        columns = (
            "source",
            "document_id",
            "title",
            "work_id",
            "notation",
            "text",
            "relation",
            "cue",
            "date",
            "start",
            "end",
            "nested",
            "flags",
        )
        return csv_response(_cited_by_rows(documents), columns)
    return CitedBy(query=work_id, works=[WorkRef(id=short_id(w) or w, iri=w) for w in works], documents=documents)


# --- units -----------------------------------------------------------------------------------------


def _unit_summary(u: dict[str, Any], match: UnitMatch) -> UnitSummary:
    return UnitSummary(
        id=short_id(u["id"]) or u["id"],
        iri=u["id"],
        name=u["name"],
        scope=u.get("scope"),
        group=bool(u["group"]),
        match=match,
    )


@router.get(
    "/units",
    operation_id="list_units",
    tags=["units"],
    summary="Tìm cơ quan, đơn vị (units by name)",
    response_model=UnitList,
    responses={**alt_content("csv"), **error_responses(400, 422, 503)},
)
def list_units(
    request: Request,
    store: ReadStore,
    q: Annotated[
        str | None, Query(description="Tên đơn vị; dấu và hoa/thường không bắt buộc.", examples=["Sở Nội vụ"])
    ] = None,
    province: Annotated[str | None, Query(examples=["Vĩnh Long"])] = None,
    format: Annotated[TableFormat | None, Query()] = None,
) -> Any:
    """Exact name matches first (`match: exact`), then names containing `q` (`partial`); no `q`: every unit."""
    place = province_filter(province)
    everything = [
        {**u, "name": u["names"][0]} for u in questions.unit_documents(store) if in_province(u["scope"], place)
    ]
    if q and q.strip():
        exact = [_unit_summary(u, "exact") for u in questions.find_units(store, q, place)]
        seen = {u.iri for u in exact}
        wanted = match_key(q)
        partial = [
            _unit_summary(u, "partial")
            for u in everything
            if u["id"] not in seen and any(wanted in match_key(n) for n in u["names"])
        ]
        items = exact + sorted(partial, key=lambda u: (u.name, u.id))
    else:
        items = sorted((_unit_summary(u, "all") for u in everything), key=lambda u: (u.scope or "", u.name, u.id))
    if negotiate(request, format, ("json", "csv")) == "csv":
        return csv_response([u.model_dump() for u in items], ("id", "name", "scope", "group", "match", "iri"))
    return UnitList(items=items)


def _unit_task(t: dict[str, Any]) -> UnitTask:
    return UnitTask(**t, document_id=short_id(t["document"]))


@router.get(
    "/units/{unit_id:path}",
    operation_id="get_unit",
    tags=["units"],
    summary="Một đơn vị: nhiệm vụ chủ trì, phối hợp và đối tác (a unit's tasks and partners)",
    response_model=UnitDetail,
    responses={**alt_content("csv"), **error_responses(404, 422, 503)},
)
def get_unit(
    request: Request,
    store: ReadStore,
    unit_id: str,
    format: Annotated[TableFormat | None, Query(description="csv: the unit's tasks.")] = None,
) -> Any:
    """`unit_id`: e.g. `vn.vinh-long/so-noi-vu` (as in /units answers)."""
    iri = unit_iri(unit_id)
    units = {u["id"]: u for u in questions.unit_documents(store)}
    unit = units.get(iri)
    if unit is None:
        raise ApiError(404, f"Không tìm thấy đơn vị (no such unit): {unit_id}")
    duties = questions.unit_responsibilities(store, iri)
    lead = [_unit_task(t) for t in duties["lead"]]
    cooperate = [_unit_task(t) for t in duties["cooperate"]]
    if negotiate(request, format, ("json", "csv")) == "csv":
        columns = (
            "role",
            "task",
            "number",
            "text",
            "document_id",
            "title",
            "area",
            "deadline",
            "deadline_end",
            "products",
        )
        return csv_response([t.model_dump() for t in lead + cooperate], columns)
    partners = [
        {
            "id": short_id(p["unit"]),
            "iri": p["unit"],
            "shared_tasks": p["shared_tasks"],
            "name": (units[p["unit"]]["names"] or [None])[0] if p["unit"] in units else None,
        }
        for p in duties["partners"]
    ]
    return UnitDetail(
        id=short_id(iri) or iri,
        iri=iri,
        name=unit["names"][0],
        names=unit["names"],
        scope=unit["scope"],
        group=bool(unit["group"]),
        sources=unit["sources"],
        lead=lead,
        cooperate=cooperate,
        partners=partners,  # type: ignore[arg-type]
    )


# --- tasks -----------------------------------------------------------------------------------------


def _agent_matches(agents: list[dict[str, Any]], wanted: str | None) -> bool:
    """A unit filter names a unit id (`vn.vinh-long/so-noi-vu`) or part of its name (`Sở Nội vụ`)."""
    if wanted is None:
        return True
    iri, key = unit_iri(wanted), match_key(wanted)
    return any(a["id"] == iri or key in match_key(a["name"]) for a in agents)


def _task(t: dict[str, Any], scope: str | None) -> dict[str, Any]:
    agents = {role: [{**a, "iri": a["id"], "id": short_id(a["id"])} for a in t[role]] for role in ("lead", "cooperate")}
    return {
        **t,
        **agents,
        "iri": t["id"],
        "id": path_of(t["id"]),
        "document_id": short_id(t["document"]),
        "scope": scope,
    }


@router.get(
    "/tasks",
    operation_id="list_tasks",
    tags=["tasks"],
    summary="Nhiệm vụ trong các kế hoạch (tasks, filtered)",
    response_model=TaskPage,
    responses={**alt_content("csv"), **error_responses(400, 422, 503)},
)
def list_tasks(
    request: Request,
    state: State,
    store: ReadStore,
    province: Annotated[str | None, Query(examples=["Vĩnh Long"])] = None,
    area: Annotated[str | None, Query(description="Lĩnh vực cải cách: slug or name.", examples=["tthc"])] = None,
    lead: Annotated[str | None, Query(description="Đơn vị chủ trì: id or name.", examples=["Sở Nội vụ"])] = None,
    cooperate: Annotated[
        str | None, Query(description="Đơn vị phối hợp: id or name.", examples=["Sở Tài chính"])
    ] = None,
    deadline_from: Annotated[date | None, Query(description="Hạn hoàn thành từ ngày (ISO).")] = None,
    deadline_to: Annotated[date | None, Query(description="Hạn hoàn thành đến ngày (ISO).")] = None,
    document: Annotated[str | None, Query(description="Only this document's tasks (its id).")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[TableFormat | None, Query(description="csv: every matching row, unpaged.")] = None,
) -> Any:
    if deadline_from and deadline_to and deadline_from > deadline_to:
        raise ApiError(400, "deadline_from is after deadline_to")
    place, area_slug = province_filter(province), area_filter(area)
    scopes = {d["iri"]: d["scope"] for d in summaries(store)}
    doc_iri = document_iri(document) if document else None
    if doc_iri is not None and doc_iri not in scopes:
        raise ApiError(404, f"Không tìm thấy văn bản (no such document): {document}")
    tasks = state.stores.memo("plan_tasks", questions.plan_tasks)
    chosen = []
    for t in tasks:
        end = (t["deadline"] or {}).get("end")
        if (
            (doc_iri and t["document"] != doc_iri)
            or not in_province(scopes.get(t["document"]), place)
            or (area_slug and t["area"] != area_slug)
            or not _agent_matches(t["lead"], lead)
            or not _agent_matches(t["cooperate"], cooperate)
            or (deadline_from and (not end or end < deadline_from.isoformat()))
            or (deadline_to and (not end or end > deadline_to.isoformat()))
        ):
            continue
        chosen.append(_task(t, scopes.get(t["document"])))
    if negotiate(request, format, ("json", "csv")) == "csv":
        rows = [
            {
                **t,
                "lead": [a["name"] for a in t["lead"]],
                "cooperate": [a["name"] for a in t["cooperate"]],
                "deadline": (t["deadline"] or {}).get("text"),
                "deadline_end": (t["deadline"] or {}).get("end"),
            }
            for t in chosen
        ]
        columns = (
            "id",
            "document_id",
            "source",
            "scope",
            "number",
            "text",
            "area",
            "lead",
            "cooperate",
            "deadline",
            "deadline_end",
            "products",
            "origin",
        )
        return csv_response(rows, columns)
    items = chosen[(page - 1) * per_page : page * per_page]
    return TaskPage(total=len(chosen), page=page, per_page=per_page, items=[Task(**t) for t in items])


# --- compare, anomalies ----------------------------------------------------------------------------


@router.get(
    "/compare",
    operation_id="compare_plans",
    tags=["plans"],
    summary="So sánh các kế hoạch (plans side by side)",
    response_model=Comparison,
    responses=error_responses(404, 422, 503),
)
def compare_plans(
    store: ReadStore,
    docs: Annotated[
        list[str],
        Query(
            description="Documents (ids) or provinces, comma-separated or repeated.", examples=["Vĩnh Long,Sóc Trăng"]
        ),
    ],
) -> Comparison:
    """Targets per reform area, task counts and deadline ranges per area, shared and differing legal basis."""
    selectors = [s.strip() for value in docs for s in value.split(",") if s.strip()]
    if not selectors:
        raise ApiError(400, "docs: name at least one document or province")
    known = {d["iri"] for d in summaries(store)}
    answer = questions.compare(store, [document_iri(s) if document_iri(s) in known else s for s in selectors])
    if not answer["plans"]:
        raise ApiError(404, f"Không có văn bản nào khớp (no document matches): {', '.join(selectors)}")
    plans = [PlanComparison(**{**p, "iri": p["id"], "id": short_id(p["id"])}) for p in answer["plans"]]
    return Comparison(plans=plans, shared_basis=answer["shared_basis"])


@router.get(
    "/anomalies",
    operation_id="list_anomalies",
    tags=["anomalies"],
    summary="Trích dẫn bất thường (citation anomalies)",
    response_model=AnomalyList,
    responses={**alt_content("csv"), **error_responses(400, 422, 503)},
)
def list_anomalies(
    request: Request,
    store: ReadStore,
    severity: Annotated[str | None, Query(description="low, medium or high.", examples=["high"])] = None,
    kind: Annotated[
        str | None, Query(description="suspected_typo, date_conflict …", examples=["suspected_typo"])
    ] = None,
    format: Annotated[TableFormat | None, Query()] = None,
) -> Any:
    items = [
        Anomaly(**{**a, "document": a["doc"], "document_id": short_id(a["doc"]), "source": a["path"]})
        for a in questions.anomalies(store)
        if (not severity or a["severity"] == severity) and (not kind or a["kind"] == kind)
    ]
    if negotiate(request, format, ("json", "csv")) == "csv":
        columns = ("kind", "severity", "evidence", "document_id", "source", "text", "probable", "issue", "citation")
        return csv_response([a.model_dump() for a in items], columns)
    return AnomalyList(items=items)


# --- graph -----------------------------------------------------------------------------------------


def _scope_of_work(iri: str) -> str | None:
    """A cited work's place: the scope its canonical id starts with (`vn`, `vn.soc-trang`)."""
    tail = short_id(iri) or ""
    head = tail.split("/", 1)[0]
    return head if head.startswith("vn") else None


def network(store: GraphStore) -> nx.MultiDiGraph[str]:
    """Citations and responsibilities as one graph: document/work, unit and task nodes; edges of kind cites,
    lead, cooperate, and part_of (task → its plan)."""
    docs = {d["iri"]: d for d in summaries(store)}
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    citations = views.citation_network(store)
    for node, data in citations.nodes(data=True):
        doc = docs.get(node)
        g.add_node(
            node,
            label=data["label"],
            kind="document" if doc else "work",
            scope=doc["scope"] if doc else _scope_of_work(node),
        )
    for source, target, data in citations.edges(data=True):
        g.add_edge(source, target, kind="cites", relation=data["relation"])
    duties = views.responsibility_graph(store)
    for node, data in duties.nodes(data=True):
        if data["bipartite"] == "unit":
            scope = data["scope"] or None
            g.add_node(node, label=data["label"], kind="unit", scope=scope, group=data["group"])
        else:
            doc = docs.get(data["document"])
            g.add_node(
                node, label=data["label"], kind="task", scope=doc["scope"] if doc else None, area=data["area"] or None
            )
            if data["document"] not in g:
                g.add_node(
                    data["document"],
                    label=doc["title"] if doc else short_id(data["document"]),
                    kind="document",
                    scope=doc["scope"] if doc else None,
                )
            g.add_edge(node, data["document"], kind="part_of")
    for unit, task, data in duties.edges(data=True):
        if duties.nodes[unit]["bipartite"] != "unit":
            unit, task = task, unit
        g.add_edge(unit, task, kind=data["role"])
    return g


def _centre(store: GraphStore, g: nx.MultiDiGraph[str], node: str) -> str:
    for candidate in (node, node_iri(node), document_iri(node), unit_iri(node)):
        if candidate in g:
            return candidate
    for work in questions.resolve_works(store, node):  # a loose notation: "NĐ 107/2020"
        if work in g:
            return work
    raise ApiError(404, f"Không tìm thấy nút (no such node): {node}")


def _near(g: nx.MultiDiGraph[str], centre: str, depth: int, limit: int) -> tuple[list[str], bool]:
    """Nodes within `depth` edges of `centre` (either direction), nearest first, at most `limit`."""
    seen, queue = {centre: 0}, deque([centre])
    while queue:
        current = queue.popleft()
        if seen[current] == depth:
            continue
        for neighbour in sorted({*g.successors(current), *g.predecessors(current)}):
            if neighbour not in seen:
                seen[neighbour] = seen[current] + 1
                queue.append(neighbour)
                if len(seen) > limit:
                    return list(seen)[:limit], True
    return list(seen), False


def _province(scope: Any) -> str | None:
    parts = str(scope).split(".") if scope else []
    return parts[1] if len(parts) > 1 else None


def _elements(g: nx.MultiDiGraph[str], nodes: list[str]) -> CyElements:
    sub = g.subgraph(nodes)
    named = nx.relabel_nodes(sub, {n: path_of(n) for n in sub.nodes})
    for original, data in sub.nodes(data=True):
        data = named.nodes[path_of(original)]
        data["iri"] = original
        data["province"] = _province(data.get("scope"))
        if data.get("kind") in ("document", "work"):
            data["document_id"] = short_id(original)
    elements = views.to_cytoscape(named)["elements"]
    edges = []
    for n, edge in enumerate(elements["edges"]):
        data = {k: v for k, v in edge["data"].items() if k != "key"}
        edges.append(CyElement(data={"id": f"e{n}", **data}))
    nodes_out = [
        CyElement(data={k: v for k, v in node["data"].items() if k not in ("value", "name")})
        for node in elements["nodes"]
    ]
    return CyElements(nodes=nodes_out, edges=edges)


def _rdf_of(store: GraphStore, nodes: list[str]) -> Graph:
    """Every triple whose subject is one of `nodes` (their concise description)."""
    out = Graph()
    values = " ".join(URIRef(n).n3() for n in nodes if n.startswith("http"))
    if values:
        for row in store.query_text(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"):
            out.add((row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    return out


@router.get(
    "/graph",
    operation_id="get_graph",
    tags=["graph"],
    summary="Đồ thị quanh một nút, dạng Cytoscape.js (subgraph around a node)",
    response_model=GraphView,
    responses={**alt_content("ttl", "jsonld"), **error_responses(400, 404, 422, 503)},
)
def get_graph(
    request: Request,
    state: State,
    store: ReadStore,
    node: Annotated[
        str | None,
        Query(
            description="Nút trung tâm: a node id (doc/…, org/…, task/…), a document or "
            "unit id, or a loose notation. None: an overview.",
            examples=["org/vn.vinh-long/so-noi-vu"],
        ),
    ] = None,
    depth: Annotated[int, Query(ge=0, le=4)] = 1,
    edges: Annotated[
        str | None, Query(description=f"Edge kinds, comma-separated: {', '.join(EDGE_KINDS)}.", examples=["cites,lead"])
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="At most this many nodes.")] = 300,
    format: Annotated[GraphFormat | None, Query(description="ttl / jsonld: the triples about the nodes.")] = None,
) -> Any:
    kinds = {k.strip() for k in (edges or ",".join(EDGE_KINDS)).split(",") if k.strip()}
    if unknown := kinds - set(EDGE_KINDS):
        raise ApiError(400, f"unknown edge kind {', '.join(sorted(unknown))}; one of {', '.join(EDGE_KINDS)}")
    full = state.stores.memo("network", network)
    g = nx.subgraph_view(full, filter_edge=lambda u, v, k: full.edges[u, v, k]["kind"] in kinds)
    if node:
        centre: str | None = _centre(store, full, node)
        nodes, truncated = _near(g, centre, depth, limit)  # type: ignore[arg-type]
    else:
        centre = None
        ranked = sorted(g.nodes, key=lambda n: (-g.degree(n), n))
        nodes, truncated = ranked[:limit], len(ranked) > limit
    fmt = negotiate(request, format, ("json", "ttl", "jsonld"))
    if fmt != "json":
        return rdf_response(_rdf_of(store, nodes), fmt)
    return GraphView(
        center=path_of(centre) if centre else None, depth=depth, truncated=truncated, elements=_elements(g, nodes)
    )
