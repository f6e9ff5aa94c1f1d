"""/units and /units/{id}: names matched loosely, per province, with partners."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import assert_error, csv_rows


def test_units_search_and_detail(client: TestClient) -> None:
    units = client.get("/units", params={"q": "Sở Nội vụ", "province": "Vĩnh Long"}).json()["items"]
    assert units[0]["match"] == "exact" and units[0]["id"] == "vn.vinh-long/so-noi-vu"
    assert all(u["scope"].startswith("vn.vinh-long") for u in units)
    detail = client.get(f"/units/{units[0]['id']}").json()
    assert detail["name"] == "Sở Nội vụ" and len(detail["lead"]) >= 10
    assert all(t["role"] == "lead" for t in detail["lead"]) and all(
        t["role"] == "cooperate" for t in detail["cooperate"]
    )
    assert detail["partners"] and all(p["shared_tasks"] >= 1 and p["id"] for p in detail["partners"])
    unaccented = client.get("/units", params={"q": "so noi vu", "province": "vinh-long"}).json()["items"]
    assert unaccented[0]["id"] == "vn.vinh-long/so-noi-vu"
    rows = csv_rows(client.get(f"/units/{units[0]['id']}.csv"))
    assert len([r for r in rows if r["role"] == "lead"]) == len(detail["lead"])


def test_units_list_all_and_partial(client: TestClient) -> None:
    everything = client.get("/units").json()["items"]
    assert len(everything) > 20 and {u["match"] for u in everything} == {"all"}
    partial = client.get("/units", params={"q": "nội vụ"}).json()["items"]
    assert partial and all("nội vụ" in u["name"].lower() for u in partial)
    rows = csv_rows(client.get("/units", params={"province": "Đồng Nai"}, headers={"Accept": "text/csv"}))
    assert rows and all(r["scope"].startswith("vn.dong-nai") for r in rows)


def test_a_unit_through_time_finds_a_former_province_s_body_through_its_successor(client: TestClient) -> None:
    body = client.get("/units/through-time", params={"name": "Sở Nội vụ", "province": "Cần Thơ"}).json()
    assert body["place"]["scope"] == "vn.can-tho" and body["place"]["current"]
    soc_trang = [u for u in body["items"] if u["scope"] == "vn.soc-trang"]
    assert len(soc_trang) == 1 and soc_trang[0]["relation"] == "predecessor"
    assert soc_trang[0]["successor"] == "vn.can-tho/so-noi-vu" and soc_trang[0]["valid_until"] == "2025-06-30"
    assert "(cũ)" in soc_trang[0]["label"] and soc_trang[0]["lead"]
    assert all(u["scope"] in ("vn.can-tho", "vn.soc-trang", "vn.hau-giang") for u in body["items"])
    former = client.get("/units/through-time", params={"name": "so noi vu", "province": "tinh Soc Trang"}).json()
    assert former["items"] == body["items"] and former["place"]["part_of_scope"] == "vn.can-tho"
    assert_error(client.get("/units/through-time", params={"name": "Sở Nội vụ", "province": "Ngã Năm"}), 404)
