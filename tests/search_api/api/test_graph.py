"""/graph: the subgraph around a unit or a work, and the overview."""

from __future__ import annotations

from fastapi.testclient import TestClient
from rdflib import Graph


def test_graph_around_a_unit(client: TestClient) -> None:
    body = client.get("/graph", params={"node": "org/vn.vinh-long/so-noi-vu", "depth": 1}).json()
    assert body["center"] == "org/vn.vinh-long/so-noi-vu"
    nodes = {n["data"]["id"]: n["data"] for n in body["elements"]["nodes"]}
    assert nodes["org/vn.vinh-long/so-noi-vu"]["kind"] == "unit"
    assert nodes["org/vn.vinh-long/so-noi-vu"]["province"] == "vinh-long"
    edges = [e["data"] for e in body["elements"]["edges"]]
    assert {e["kind"] for e in edges} >= {"lead", "cooperate"}
    assert all(e["source"] in nodes and e["target"] in nodes and e["id"] for e in edges)
    led = [e for e in edges if e["kind"] == "lead" and e["source"] == "org/vn.vinh-long/so-noi-vu"]
    assert len(led) >= 10
    deeper = client.get("/graph", params={"node": "vn.vinh-long/so-noi-vu", "depth": 2}).json()
    assert len(deeper["elements"]["nodes"]) > len(nodes)  # tasks → their plan and the other units
    only_cites = client.get("/graph", params={"node": "org/vn.vinh-long/so-noi-vu", "edges": "cites"}).json()
    assert [n["data"]["id"] for n in only_cites["elements"]["nodes"]] == ["org/vn.vinh-long/so-noi-vu"]


def test_graph_around_a_work_and_overview(client: TestClient) -> None:
    body = client.get("/graph", params={"node": "NĐ 107/2020", "edges": "cites"}).json()
    assert body["center"] == "doc/vn/nghi-dinh/107_2020_ndd-cp"
    citing = {e["data"]["source"] for e in body["elements"]["edges"] if e["data"]["target"] == body["center"]}
    assert len(citing) == 3
    overview = client.get("/graph", params={"limit": 25}).json()
    assert overview["center"] is None and overview["truncated"] and len(overview["elements"]["nodes"]) == 25
    turtle = client.get("/graph", params={"node": "NĐ 107/2020", "edges": "cites", "format": "ttl"})
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 0
