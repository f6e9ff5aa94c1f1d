"""The `cchc extract` / `cchc schema` command-line contract, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from ingest.cli import app
from tests.helpers import SAMPLES

runner = CliRunner()

CITATION_FIELDS = {"notation", "year", "kind", "cid", "text", "start", "end", "date", "relation", "flags", "law_name"}
TASK_FIELDS = {"text", "area", "lead", "cooperate", "products", "deadline"}


@pytest.fixture(scope="module")
def samples_json() -> list[dict[str, object]]:
    result = runner.invoke(app, ["extract", str(SAMPLES), "--format", "json"])
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_extract_json_has_one_object_per_file(samples_json: list[dict[str, object]]) -> None:
    assert sorted(Path(str(r["source"])).name for r in samples_json) == sorted(p.name for p in SAMPLES.glob("*.txt"))
    for record in samples_json:
        assert {"source", "document", "citations", "units", "tasks", "targets", "anomalies"} <= record.keys()


def test_extract_json_fields_are_the_contract(samples_json: list[dict[str, object]]) -> None:
    citations = [c for r in samples_json for c in r["citations"]]  # type: ignore[attr-defined]
    tasks = [t for r in samples_json for t in r["tasks"]]  # type: ignore[attr-defined]
    assert citations and tasks
    assert all(c.keys() >= CITATION_FIELDS for c in citations)
    assert all(t.keys() >= TASK_FIELDS for t in tasks)
    laws = [c for c in citations if c["law_name"]]
    assert laws and all(c["notation"] is None for c in laws)


def test_spans_point_into_the_source_file(samples_json: list[dict[str, object]]) -> None:
    for record in samples_json:
        source = Path(str(record["source"])).read_text(encoding="utf-8")
        for c in record["citations"]:  # type: ignore[attr-defined]
            if c["notation"]:
                raw = source[c["start"] : c["end"]]
                number = c["notation"].split("/")[0].split("-")[0].lstrip("0")
                assert number in raw, (c["notation"], raw)


def test_output_validates_against_schema(samples_json: list[dict[str, object]]) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    jsonschema.validate(samples_json, json.loads(result.stdout))


def test_bad_files_are_reported_and_the_rest_still_printed(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    good = tmp_path / "good.txt"
    good.write_text("Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ;\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert any("empty.txt" in line for line in errors) and any("image.txt" in line for line in errors)
    data = json.loads(result.stdout)
    assert [Path(r["source"]).name for r in data] == ["good.txt"]
    assert [c["notation"] for c in data[0]["citations"]] == ["107/2020/NĐ-CP"]


def test_table_format_prints_a_summary() -> None:
    result = runner.invoke(app, ["extract", str(SAMPLES)])
    assert result.exit_code == 0
    assert "5 extracted, 0 failed" in result.stdout
