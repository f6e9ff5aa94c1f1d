"""/compare: two plans side by side."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_compare_two_plans(client: TestClient) -> None:
    body = client.get("/compare", params={"docs": "Vĩnh Long,Đồng Nai"}).json()
    assert sorted(p["scope"] for p in body["plans"]) == ["vn.dong-nai", "vn.vinh-long"]
    for plan in body["plans"]:
        assert plan["task_areas"] and all(a["tasks"] > 0 for a in plan["task_areas"])
        assert set(plan["cites_only_here"]) <= set(plan["cites"])
    assert "107/2020/NĐ-CP" in body["shared_basis"]
    ids = [p["id"] for p in body["plans"]]
    again = client.get("/compare", params=[("docs", ids[0]), ("docs", ids[1])]).json()
    assert [p["id"] for p in again["plans"]] == ids


def test_compare_says_where_a_former_province_went(client: TestClient) -> None:
    body = client.get("/compare", params={"docs": "Sóc Trăng,Vĩnh Long"}).json()
    places = {p["scope"]: p for p in body["places"]}
    assert places["vn.soc-trang"]["part_of_scope"] == "vn.can-tho" and not places["vn.soc-trang"]["current"]
    assert places["vn.soc-trang"]["since"] == "2025-07-01" and "202/2025/QH15" in places["vn.soc-trang"]["source"]
    assert places["vn.vinh-long"]["current"] and places["vn.vinh-long"]["part_of_scope"] == "vn.vinh-long"
