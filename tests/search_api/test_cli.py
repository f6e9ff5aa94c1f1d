"""The commands of `cchc` that need the search index (search_api/cli.py): ingest loads graph and index, and
keeps what it loaded when some files are bad; every command is assembled into `cchc` in the documented order."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from search_api.cli import app
from search_api.store_lock import writing
from tests.helpers import SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("home")
    result = runner.invoke(app, ["ingest", str(SAMPLES), "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 files: 5 new, 0 updated, 0 unchanged, 0 errors" in result.stdout
    return path


def _json(args: list[str]) -> object:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_reports_bad_files_and_keeps_the_store(home: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.pdf").write_bytes(b"\x00\x01garbage")
    result = runner.invoke(app, ["ingest", str(tmp_path), "--store", str(home)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    progress = [line for line in lines if line.startswith("ingest: ")]
    assert progress[-1].startswith("ingest: 2/2 documents")  # the last progress line, then one line per bad file
    assert len([line for line in lines if line.startswith("cchc: ")]) == 2 == len(lines) - len(progress)
    still = _json(["cites", "NĐ 107/2020", "--store", str(home), "--format", "json"])
    assert len(still) == 3  # type: ignore[arg-type]


def test_cchc_has_every_command_in_order() -> None:
    names = [info.callback.__name__ for info in app.registered_commands if info.callback]
    assert names == [
        "extract",
        "schema",
        "ingest",
        "cites",
        "unit",
        "compare",
        "sparql",
        "export",
        "deadlines",
        "search",
        "align",
        "serve",
    ]


def test_align_two_plans_as_json_and_csv(home: Path) -> None:
    args = ["align", "000_c4c1da0f57cfd92b", "002_d0cae71e4e4777ba", "--store", str(home)]
    answer = _json([*args, "--format", "json"])
    assert isinstance(answer, dict)
    counts = answer["counts"]
    assert counts["matched"] + counts["changed"] == len(answer["pairs"]) > 5
    assert len(answer["pairs"]) + counts["only_a"] == 25  # every task of the Sóc Trăng plan, once
    assert len({p["b"]["id"] for p in answer["pairs"]}) == len(answer["pairs"])  # one to one
    assert all(p["status"] == ("changed" if p["changes"] else "matched") for p in answer["pairs"])
    csv = runner.invoke(app, [*args, "--format", "csv"])
    assert csv.exit_code == 0 and csv.stdout.startswith("status,score,changes,a_number,a_text")
    assert len(csv.stdout.strip().splitlines()) == 1 + len(answer["pairs"]) + counts["only_a"] + counts["only_b"]


def test_align_needs_exactly_one_plan_per_side(home: Path) -> None:
    result = runner.invoke(app, ["align", "no-such-plan", "002_d0cae71e4e4777ba", "--store", str(home)])
    assert result.exit_code == 2 and "names 0 documents" in result.output


def test_search_says_how_it_read_a_query_typed_without_diacritics(home: Path) -> None:
    args = ["search", "cai cach thu tuc hanh chinh", "--store", str(home), "--k", "2"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0 and "read as: cải cách thủ tục hành chính" in shown.stderr
    assert len(_json([*args, "--format", "json"])) == 2  # type: ignore[arg-type]
    keywords = runner.invoke(app, [*args, "--mode", "bm25"])
    assert keywords.exit_code == 0 and "read as" not in keywords.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["cites", "NĐ 107/2020"],
        ["sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"],
        ["export", "--format", "nq", "--output", "{tmp}/graph.nq"],
        ["export", "--format", "ttl", "--output", "{tmp}/graph.ttl"],
    ],
)
def test_a_sparql_server_that_is_gone_is_one_line_and_exit_2(
    args: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CCHC_SPARQL_ENDPOINT", "http://127.0.0.1:9/sparql")  # the discard port: nothing listens
    result = CliRunner().invoke(app, [arg.replace("{tmp}", str(tmp_path)) for arg in args])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("cchc: ") and "the SPARQL server cannot be reached" in result.output
    assert "Traceback" not in result.output


def test_ingest_into_a_store_being_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    home, release, holding = tmp_path / "home", threading.Event(), threading.Event()

    def writer() -> None:
        with writing(home):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(30)
        result = runner.invoke(
            app, ["ingest", str(sorted(SAMPLES.glob("*.txt"))[0]), "--store", str(home), "--no-index"]
        )
    finally:
        release.set()
        thread.join()
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[-1].startswith("cchc: store is busy, written by")
