"""The analyst notebooks run top to bottom headless, write non-trivial figures, and are committed without outputs."""
# nbformat has no type hints:
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest
from matplotlib import image
from nbclient import NotebookClient
from nbformat import NotebookNode

from tests.helpers import REPO

NOTEBOOKS = REPO / "notebooks"
# What each notebook must leave in CCHC_NOTEBOOK_OUT.
FIGURES = {
    "01_comparing_plans.ipynb": [
        "targets_by_area.png", "tasks_by_area.png", "deadlines_by_quarter.png", "legal_basis_upset.png",
        "legal_basis_matrix.png", "anomalies.png",
    ],
    "02_responsibilities_graph.ipynb": [
        "units_lead_cooperate.png", "unit_task_graph.png", "co_responsibility_communities.png",
    ],
    "03_citation_network.ipynb": [
        "most_cited_works.png", "decree_citers.png", "amendment_chains.png", "citation_network.png",
    ],
    "04_provinces_through_time.ipynb": [
        "provinces_timeline.png", "former_vs_successor_leads.png", "unit_through_time.png",
    ],
    "05_deadline_timeline.ipynb": ["deadline_timeline.png", "deadlines_by_month.png", "vague_deadlines.png"],
}  # fmt: skip
EXPORTS = {
    "02_responsibilities_graph.ipynb": ["responsibilities.gexf", "co_responsibility.gexf"],
    "05_deadline_timeline.ipynb": ["deadlines.ics"],
}
BUDGET_S = 60.0  # the issue asks for "well under a minute"; here each takes about 10 s
KERNEL = "cchc-notebook-test"


def unstripped_cells(nb: NotebookNode) -> list[int]:
    """Indices of code cells that still carry outputs or an execution count."""
    return [
        i for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]  # fmt: skip


def blank(png: Path) -> bool:
    """A figure that drew nothing: (almost) one colour everywhere."""
    pixels = np.asarray(image.imread(png))[..., :3]
    not_white = float(np.mean(pixels.min(axis=-1) < 0.95))
    return float(pixels.std()) < 0.02 or not_white < 0.005


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A kernelspec for this very interpreter, so the notebooks run in the project's venv whatever kernels the
    machine has registered (a user-level "python3" may point at another Python)."""
    spec_dir = tmp_path_factory.mktemp("jupyter") / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "CCHC test", "language": "python"}  # fmt: skip
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return str(spec_dir.parent.parent)


def test_every_notebook_is_checked() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(FIGURES)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_is_stripped(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert unstripped_cells(nb) == [], f"{name}: clear outputs before committing"


def test_stripped_check_sees_outputs() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    assert unstripped_cells(nb) == []
    nb.cells[0].execution_count = 1
    assert unstripped_cells(nb) == [0]
    nb.cells[0].execution_count = None
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="x")]
    assert unstripped_cells(nb) == [0]


def test_blank_check(tmp_path: Path) -> None:
    white, drawn = tmp_path / "white.png", tmp_path / "drawn.png"
    canvas = np.ones((50, 50, 3))
    image.imsave(white, canvas)
    canvas[10:40, 10:40] = [0.1, 0.3, 0.8]
    image.imsave(drawn, canvas)
    assert blank(white) and not blank(drawn)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_runs_and_draws(name: str, kernel: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("CCHC_NOTEBOOK_OUT", str(out))
    monkeypatch.setenv("JUPYTER_PATH", kernel)
    for var in ("CCHC_HOME", "CCHC_SPARQL_ENDPOINT", "CCHC_SPARQL_UPDATE_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)  # the notebook must ingest the samples itself
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    started = time.perf_counter()
    NotebookClient(nb, kernel_name=KERNEL, timeout=int(BUDGET_S), resources={"metadata": {"path": str(NOTEBOOKS)}}
                   ).execute()  # fmt: skip
    elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_S, f"{name} took {elapsed:.0f} s"
    for figure in FIGURES[name]:
        png = out / figure
        assert png.is_file(), f"{name} did not write {figure}"
        assert png.stat().st_size > 10_000, f"{figure} is suspiciously small"
        assert not blank(png), f"{figure} is blank"
    for export in EXPORTS.get(name, []):
        assert (out / export).stat().st_size > 1_000, f"{name} did not export {export}"
    last = nb.cells[-1]
    assert last.cell_type == "markdown" and "Reading" in last.source, "a notebook ends with its written reading"
