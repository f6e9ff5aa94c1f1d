"""networkx views of the graph (citations, unit–task, co-responsibility, and all of them as one network),
centrality, exports.

The views are read from the store with the named queries, so they work the same on the embedded
store and on a SPARQL server.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.term import Node

from kg import questions
from kg.graphs import new_graph
from kg.iris import short_id
from kg.store import GraphStore

VIEWS = ("citations", "responsibilities", "co_responsibility")


def _s(value: Node | None) -> str:
    return "" if value is None else str(value)


def citation_network(store: GraphStore) -> nx.MultiDiGraph[str]:
    """Document/work → cited work, one edge per citation, `relation` and `nested` on each edge."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    seen: set[tuple[str, str, str, str]] = set()
    for row in store.query("citation_edges"):
        source, target = _s(row["source"]), _s(row["target"])
        nested = _s(row.get("nested")) == "true"
        # The source of a nested mention is a cited work; a node is a document once it cites directly.
        if source not in g or not nested:
            kind = "work" if nested else "document"
            g.add_node(source, label=_s(row.get("sourceLabel")) or short_id(source), kind=kind)
        if target not in g:
            g.add_node(target, label=_s(row.get("targetLabel")) or short_id(target), kind="work")
        relation = _s(row["relation"]).rsplit("/", 1)[-1]
        key = (source, target, relation, str(nested))
        if key not in seen:  # label alternatives repeat rows; the edge is the citation
            seen.add(key)
            g.add_edge(source, target, relation=relation, nested=nested)
    return g


def responsibility_graph(store: GraphStore) -> nx.Graph[str]:
    """Bipartite unit–task graph; each edge carries `role` (lead | cooperate)."""
    g: nx.Graph[str] = nx.Graph()
    for row in store.query("responsibility_edges"):
        unit, task = _s(row["unit"]), _s(row["task"])
        g.add_node(
            unit, bipartite="unit", label=_s(row["unitLabel"]), scope=short_id(_s(row.get("scope"))),
            group=_s(row.get("group")) == "true",
        )  # fmt: skip
        g.add_node(task, bipartite="task", label=_s(row["taskText"])[:80], document=_s(row["doc"]),
                   area=_s(row.get("area")).rsplit("/", 1)[-1])  # fmt: skip
        g.add_edge(unit, task, role=_s(row["role"]))
    return g


def co_responsibility_graph(store: GraphStore, *, include_groups: bool = False) -> nx.Graph[str]:
    """Units linked when named on the same task; `weight` = number of shared tasks."""
    bipartite = responsibility_graph(store)
    g: nx.Graph[str] = nx.Graph()
    for node, data in bipartite.nodes(data=True):
        if data["bipartite"] == "unit" and (include_groups or not data["group"]):
            g.add_node(node, **data)
    for task, data in bipartite.nodes(data=True):
        if data["bipartite"] != "task":
            continue
        units = sorted(u for u in bipartite.neighbors(task) if u in g)
        for a, b in combinations(units, 2):
            weight = g.edges[a, b]["weight"] + 1 if g.has_edge(a, b) else 1
            g.add_edge(a, b, weight=weight)
    return g


def _scope_of_work(iri: str) -> str | None:
    """A cited work's place: the scope its canonical id starts with (`vn`, `vn.soc-trang`)."""
    tail = short_id(iri) or ""
    head = tail.split("/", 1)[0]
    return head if head.startswith("vn") else None


def network(store: GraphStore) -> nx.MultiDiGraph[str]:
    """Citations and responsibilities as one graph: document/work, unit and task nodes; edges of kind cites,
    lead, cooperate, and part_of (task → its plan)."""
    docs = {d["id"]: d for d in questions.documents(store)}
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    citations = citation_network(store)
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
    duties = responsibility_graph(store)
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


def node_descriptions(store: GraphStore, nodes: Iterable[str]) -> Graph:
    """Every triple whose subject is one of `nodes` (their concise description); nodes outside the graph's
    IRIs are skipped."""
    out = new_graph(bind=False)
    for row in store.query_values("node_triples", "s", [URIRef(n) for n in nodes if n.startswith("http")]):
        out.add((row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    return out


def work_centrality(citations: nx.MultiDiGraph[str]) -> dict[str, float]:
    """PageRank over the citation network: works cited by well-cited works rank higher."""
    return dict(nx.pagerank(nx.DiGraph(citations))) if citations.number_of_nodes() else {}


def unit_centrality(responsibilities: nx.Graph[str]) -> dict[str, dict[str, float]]:
    """Per unit: how many tasks it leads and how many it co-runs."""
    out: dict[str, dict[str, float]] = {}
    for node, data in responsibilities.nodes(data=True):
        if data["bipartite"] != "unit":
            continue
        roles = [responsibilities.edges[node, t]["role"] for t in responsibilities.neighbors(node)]
        out[node] = {"lead": float(roles.count("lead")), "cooperate": float(roles.count("cooperate"))}
    return out


def to_cytoscape(g: nx.Graph[str]) -> dict[str, Any]:
    """Cytoscape.js elements JSON (nodes and edges with their attributes)."""
    data: dict[str, Any] = nx.cytoscape_data(g)
    return data


def _clean_for_xml(g: nx.Graph[str]) -> nx.Graph[str]:
    """GraphML/GEXF accept only scalar attributes: drop None values."""
    h = g.copy()
    for _, data in h.nodes(data=True):
        for key in [k for k, v in data.items() if v is None]:
            del data[key]
    return h


def _write_cyjs(g: nx.Graph[str], path: Path) -> None:
    path.write_text(json.dumps(to_cytoscape(g), ensure_ascii=False), encoding="utf-8")


EXPORTERS: Mapping[str, Callable[[nx.Graph[str], Path], None]] = {
    "graphml": lambda g, path: nx.write_graphml(_clean_for_xml(g), path),
    "gexf": lambda g, path: nx.write_gexf(_clean_for_xml(g), path),
    "cyjs": _write_cyjs,
}


def view(store: GraphStore, name: str) -> nx.Graph[str]:
    """A view by name: citations, responsibilities, co_responsibility."""
    if name == "citations":
        return citation_network(store)
    if name == "responsibilities":
        return responsibility_graph(store)
    if name == "co_responsibility":
        return co_responsibility_graph(store)
    raise KeyError(name)
