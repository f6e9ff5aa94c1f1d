"""networkx views, centrality and exports."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kg import iris
from kg.store import GraphStore
from kg.views import (
    EXPORTERS,
    citation_network,
    co_responsibility_graph,
    responsibility_graph,
    unit_centrality,
    view,
    work_centrality,
)


def test_citation_network_has_one_edge_per_citation(samples_store: GraphStore) -> None:
    g = citation_network(samples_store)
    target = str(iris.work("vn/nghi-dinh/107_2020_ndd-cp"))
    assert g.in_degree(target) == 3
    amended = str(iris.work("vn/nghi-dinh/24_2014_ndd-cp"))
    assert any(d["relation"] == "sua_doi_bo_sung" and d["nested"] for _, _, d in g.in_edges(amended, data=True))
    ranks = work_centrality(g)
    assert abs(sum(ranks.values()) - 1.0) < 1e-6


def test_unit_task_graph_distinguishes_lead_and_cooperate(samples_store: GraphStore) -> None:
    g = responsibility_graph(samples_store)
    unit = str(iris.agent("vn.vinh-long/so-noi-vu"))
    roles = [d["role"] for _, _, d in g.edges(unit, data=True)]
    assert roles.count("lead") >= 10 and roles.count("cooperate") >= 10
    counts = unit_centrality(g)
    assert counts[unit]["lead"] == roles.count("lead")


def test_co_responsibility_links_units_named_on_one_task(samples_store: GraphStore) -> None:
    g = co_responsibility_graph(samples_store)
    assert all(not data["group"] for _, data in g.nodes(data=True))
    assert g.number_of_edges() > 0
    assert all(d["weight"] >= 1 for _, _, d in g.edges(data=True))


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
@pytest.mark.parametrize("name", ["citations", "responsibilities", "co_responsibility"])
def test_exports_round_trip(samples_store: GraphStore, tmp_path: Path, fmt: str, name: str) -> None:
    g = view(samples_store, name)
    out = tmp_path / f"view.{fmt}"
    EXPORTERS[fmt](g, out)
    if fmt == "graphml":
        back = nx.read_graphml(out)
    elif fmt == "gexf":
        back = nx.read_gexf(out)
    else:
        back = nx.cytoscape_graph(json.loads(out.read_text(encoding="utf-8")))
    assert back.number_of_nodes() == g.number_of_nodes()
