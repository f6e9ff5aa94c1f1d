"""The graph commands of `cchc` (kg/cli.py): cites, unit, compare, sparql, export, over the samples' store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def home(samples_store_dir: Path) -> Path:
    return samples_store_dir


def _json(args: list[str]) -> object:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("NĐ 107/2020", ["000", "002", "004"]),
        ("Nghị định 107/2020/NĐ-CP", ["000", "002", "004"]),
        ("nghị định số 107/2020/NĐ-CP", ["000", "002", "004"]),
        ("107/2020", ["000", "002", "004"]),
        ("107/2021/NĐ-CP", ["002"]),
        ("NĐ 108/2020", ["002", "004"]),
        ("218/KH-UBND", ["000", "003"]),
        ("ke hoach 218", ["000", "003"]),
        ("Quyết định 2617", ["004"]),
        ("nghị định số 107", ["000", "002", "004"]),
        ("NĐ 999/2020", []),
    ],
)
def test_cites_accepts_loose_notations(home: Path, query: str, expected: list[str]) -> None:
    answer = _json(["cites", query, "--store", str(home), "--format", "json"])
    assert isinstance(answer, list)
    assert [Path(d["source"]).name[:3] for d in answer] == expected
    for doc in answer:
        assert {"id", "title"} <= doc["document"].keys()
        for c in doc["citations"]:
            assert {"text", "start", "end", "cue", "date", "flags", "relation"} <= c.keys()
            raw = Path(doc["source"]).read_text(encoding="utf-8")[c["start"] : c["end"]]
            assert raw.split()[-1][:2] == c["text"].split()[-1][:2]


def test_cites_reports_suspicious_citations(home: Path) -> None:
    answer = _json(["cites", "106/2020/NĐ-CP", "--store", str(home), "--format", "json"])
    assert isinstance(answer, list)
    flags = {f for doc in answer for c in doc["citations"] for f in c["flags"]}
    assert "date_conflict" in flags


def test_unit_is_scoped_by_province(home: Path) -> None:
    vinh_long = _json(["unit", "Sở Nội vụ", "--province", "Vĩnh Long", "--store", str(home), "--format", "json"])
    everywhere = _json(["unit", "So Noi vu", "--store", str(home), "--format", "json"])
    assert isinstance(vinh_long, list) and isinstance(everywhere, list)
    assert [u["scope"] for u in vinh_long] == ["vn.vinh-long"]
    assert len(vinh_long[0]["lead"]) >= 10
    assert {u["scope"] for u in everywhere} >= {"vn.vinh-long", "vn.soc-trang", "vn.dong-nai"}


def test_compare_two_provinces(home: Path) -> None:
    answer = _json(["compare", "Vĩnh Long", "Đồng Nai", "--store", str(home), "--format", "json"])
    assert isinstance(answer, dict)
    scopes = sorted(p["scope"] for p in answer["plans"])
    assert scopes == ["vn.dong-nai", "vn.vinh-long"]
    assert "107/2020/NĐ-CP" in answer["shared_basis"]
    dong_nai = next(p for p in answer["plans"] if p["scope"] == "vn.dong-nai")
    assert any(t["value"] == 80 and t["comparator"] == ">=" for t in dong_nai["targets"])
    assert sum(a["tasks"] for a in dong_nai["task_areas"]) >= 28


def test_sparql_runs_text_files_and_stored_queries(home: Path, tmp_path: Path) -> None:
    rows = _json(["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?d a cchc:Plan }", "--store", str(home)])
    assert isinstance(rows, list) and int(rows[0]["n"]) >= 3
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?w WHERE { ?w eli:id_local '107/2021/NĐ-CP' }", encoding="utf-8")
    assert len(_json(["sparql", str(query), "--store", str(home)])) == 1  # type: ignore[arg-type]
    assert _json(["sparql", "anomalies", "--store", str(home)])


@pytest.mark.parametrize("bad", ["SELECT ?x WHERE {", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL"])
def test_sparql_refuses_bad_and_update_queries(home: Path, bad: str) -> None:
    before = _json(["sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--store", str(home)])
    result = runner.invoke(app, ["sparql", bad, "--store", str(home)])
    assert result.exit_code == 2
    assert result.stderr.startswith("cchc: ")
    after = _json(["sparql", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--store", str(home)])
    assert before == after


@pytest.mark.parametrize(("fmt", "parse"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("nq", "nquads")])
def test_export_rdf(home: Path, tmp_path: Path, fmt: str, parse: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--output", str(out), "--store", str(home)])
    assert result.exit_code == 0, result.output
    graph: Graph = Dataset() if fmt == "nq" else Graph()
    graph.parse(out, format=parse)
    assert len(graph) > 1000


def test_export_view_and_unknown_view(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "units.gexf"
    ok = runner.invoke(app, ["export", "--format", "gexf", "--view", "co_responsibility", "-o", str(out),
                             "--store", str(home)])  # fmt: skip
    assert ok.exit_code == 0 and out.stat().st_size > 1000
    bad = runner.invoke(app, ["export", "--format", "gexf", "--view", "nope", "-o", str(out), "--store", str(home)])
    assert bad.exit_code == 2


def test_commands_on_a_missing_store_fail_clearly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cites", "NĐ 107/2020", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no graph store" in result.stderr


def test_deadlines_in_q1_2024_with_unit_span_and_ics(home: Path, tmp_path: Path) -> None:
    ics = tmp_path / "q1.ics"
    args = ["deadlines", "--from", "2024-01-01", "--to", "2024-03-31", "--store", str(home), "--ics", str(ics)]
    answer = _json([*args, "--format", "json"])
    assert isinstance(answer, dict) and answer["due"]
    assert all("2024-01-01" <= d["due"] <= "2024-03-31" and d["task"]["lead"] for d in answer["due"])
    assert all(d["task"]["end"] > d["task"]["start"] for d in answer["due"])
    assert ics.read_bytes().count(b"BEGIN:VEVENT") == len(answer["due"]) + len(answer["ongoing"])
    table = runner.invoke(app, [*args, "--unit", "Trung tâm Phục vụ hành chính công tỉnh"])
    assert table.exit_code == 0 and "000_c4c1da0f57cfd92b.txt:" in table.stdout
    assert "Phòng Quản trị - Tài vụ" not in table.stdout.split("thường xuyên")[0]


def test_deadlines_overdue_as_of(home: Path) -> None:
    answer = _json(["deadlines", "--from", "2024-01-01", "--to", "2024-12-31", "--as-of", "2024-07-01",
                    "--store", str(home), "--format", "json"])  # fmt: skip
    assert isinstance(answer, dict) and answer["overdue"] > 0
    assert {d["overdue"] for d in answer["due"]} == {True, False}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-03-01", "--to", "2024-01-01"], "starts after it ends"),
        (["--province", "Atlantis"], "unknown province"),
        (["--from", "01/03/2024"], "Invalid value"),
    ],
)
def test_deadlines_bad_input_is_one_clear_error(home: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["deadlines", *args, "--store", str(home)])
    assert result.exit_code == 2 and message in result.output
