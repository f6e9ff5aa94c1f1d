"""/graph: the subgraph around a node (or an overview) as Cytoscape.js JSON, Turtle or JSON-LD.

The network itself (documents, works, units, tasks and their edges) is `kg.views.network`; this module picks
the nodes, names their ids and chooses the representation.
"""

from __future__ import annotations

from collections import deque
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, Query, Request

from kg import questions, views
from kg.iris import path_of, short_id
from kg.store import GraphStore
from search_api.api.deps import ReadStore, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.formats import GraphFormat, alt_content, negotiate, rdf_response
from search_api.api.ids import document_iri, node_iri, unit_iri
from search_api.api.models import CyElement, CyElements, GraphView

router = APIRouter(tags=["graph"])

EDGE_KINDS = ("cites", "lead", "cooperate", "part_of")
_KIND = f"(?:{'|'.join(EDGE_KINDS)})"
_EDGES = rf"^\s*{_KIND}?\s*(?:,\s*{_KIND}?\s*)*$"  # what the schema promises is what the route accepts


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


@router.get(
    "/graph",
    operation_id="get_graph",
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
        str | None,
        Query(
            description=f"Edge kinds, comma-separated: {', '.join(EDGE_KINDS)}.",
            examples=["cites,lead"],
            pattern=_EDGES,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="At most this many nodes.")] = 300,
    format: Annotated[GraphFormat | None, Query(description="ttl / jsonld: the triples about the nodes.")] = None,
) -> Any:
    kinds = {k.strip() for k in (edges or ",".join(EDGE_KINDS)).split(",") if k.strip()}
    full = state.stores.memo("network", views.network)
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
        return rdf_response(views.node_descriptions(store, nodes), fmt)
    return GraphView(
        center=path_of(centre) if centre else None, depth=depth, truncated=truncated, elements=_elements(g, nodes)
    )
