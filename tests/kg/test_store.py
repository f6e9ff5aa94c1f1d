"""The embedded store: one graph per file, idempotent re-ingest, exact replacement, crash safety."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import XSD, Graph, Literal

from ingest.pipeline import extract_file
from kg import iris, questions
from kg.build import extraction_graph
from kg.snapshots import READERS
from kg.store import GraphStore, StoreError, load_query, query_names
from tests.helpers import SAMPLES, cyclic_garbage, load_files


def _copy_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(p, folder / p.name)) for p in sorted(SAMPLES.glob("*.txt"))]


def _terms(graph: Graph) -> set[tuple[object, ...]]:
    """Triples comparable across engines: a plain literal is an xsd:string (RDF 1.1)."""

    def term(node: object) -> object:
        if isinstance(node, Literal):
            return (str(node), node.language, node.datatype or (None if node.language else XSD.string))
        return node

    return {tuple(term(n) for n in triple) for triple in graph}


def _graph_triples(store: GraphStore) -> dict[str, int]:
    return {source: len(store.graph_of(source)) for source in store.file_graphs()}


def test_ingest_twice_changes_nothing(tmp_path: Path) -> None:
    files = _copy_samples(tmp_path / "docs")
    store = GraphStore.open_local(tmp_path / "home")
    first = load_files(files, store)
    count = store.triple_count()
    second = load_files(files, store)
    assert first.changes == {"new": 5, "updated": 0, "unchanged": 0}
    assert second.changes == {"new": 0, "updated": 0, "unchanged": 5}
    assert store.triple_count() == count > 1000
    assert len(store.file_graphs()) == 5


def test_changing_one_file_replaces_only_its_graph(tmp_path: Path) -> None:
    files = _copy_samples(tmp_path / "docs")
    store = GraphStore.open_local(tmp_path / "home")
    load_files(files, store)
    before = _graph_triples(store)
    old_graph = store.file_graphs()[str(files[0])].graph
    changed = files[0].read_text(encoding="utf-8") + "\nCăn cứ Nghị định số 61/2018/NĐ-CP;\n"
    files[0].write_text(changed, encoding="utf-8")
    summary = load_files(files, store)
    after = _graph_triples(store)
    assert summary.changes == {"new": 0, "updated": 1, "unchanged": 4}
    assert {k: v for k, v in after.items() if k != str(files[0])} == {
        k: v for k, v in before.items() if k != str(files[0])
    }
    assert after[str(files[0])] > before[str(files[0])]
    now = store.file_graphs()[str(files[0])]
    assert now.graph == old_graph  # a source keeps its graph; its content hash is the version
    shas = store.query_text(f"SELECT ?sha WHERE {{ GRAPH {now.graph.n3()} {{ ?f cchc:sha256 ?sha }} }}")
    assert [str(r["sha"]) for r in shas] == [now.sha256]


def test_one_graph_per_file_holds_its_own_extraction(tmp_path: Path) -> None:
    store = GraphStore.open_local(tmp_path / "home")
    path = sorted(SAMPLES.glob("*.txt"))[0]
    load_files([path], store)
    expected = extraction_graph(extract_file(path).extraction)
    assert len(store.graph_of(str(path))) == len(expected)


def test_a_file_graph_is_found_by_its_source_whatever_its_name(tmp_path: Path) -> None:
    """Quotes and backslashes in a path are the path's, not the query's; an unknown source has no triples."""
    store = GraphStore.open_local(tmp_path / "home")
    odd = tmp_path / 'kế hoạch "số 5" \\ bản sao.txt'
    odd.write_text(sorted(SAMPLES.glob("*.txt"))[0].read_text(encoding="utf-8"), encoding="utf-8")
    load_files([odd], store)
    assert len(store.graph_of(str(odd))) == len(extraction_graph(extract_file(odd).extraction))
    assert len(store.graph_of(str(tmp_path / "other.txt"))) == 0


def test_read_only_open_does_not_block_the_writer(tmp_path: Path) -> None:
    writer = GraphStore.open_local(tmp_path / "home")
    load_files([sorted(SAMPLES.glob("*.txt"))[0]], writer)
    reader = GraphStore.open_local(tmp_path / "home", read_only=True)
    load_files([sorted(SAMPLES.glob("*.txt"))[1]], writer)
    assert len(reader.file_graphs()) == 1  # a snapshot until it reopens
    assert len(GraphStore.open_local(tmp_path / "home", read_only=True).file_graphs()) == 2


def test_a_dropped_store_handle_is_freed_at_once(tmp_path: Path) -> None:
    """Not left to the cyclic collector: a server replaces its read-only snapshot on every write, and each old
    one kept its Oxigraph files and caches until a full collection (hundreds of MB under uploads)."""
    path = sorted(SAMPLES.glob("*.txt"))[0]

    def use() -> None:
        writer = GraphStore.open_local(tmp_path / "home")
        load_files([path], writer)
        writer.close()
        reader = GraphStore.open_local(tmp_path / "home", read_only=True)
        assert list(reader.file_graphs()) == [str(path)]
        assert len(reader.graph_of(str(path))) > 0

    assert cyclic_garbage(use, "rdflib", "oxrdflib", "pyoxigraph", "kg") == []


def test_writers_opening_again_and_again_leave_no_pile_of_info_logs(tmp_path: Path) -> None:
    """RocksDB keeps the info log of each earlier open (LOG.old.*, ~137 KB each, up to a thousand): a server opens a
    writer per upload, so its graph folder grew with every upload whatever was stored."""
    path = sorted(SAMPLES.glob("*.txt"))[0]
    for _ in range(4):
        writer = GraphStore.open_local(tmp_path / "home")
        load_files([path], writer)
        writer.close()
    assert sorted(p.name for p in (tmp_path / "home" / "graph").glob("LOG*")) == ["LOG"]
    assert list(GraphStore.open_local(tmp_path / "home", read_only=True).file_graphs()) == [str(path)]


def test_read_only_open_of_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no graph store"):
        GraphStore.open_local(tmp_path / "nowhere", read_only=True)


def test_bindings_become_values_and_queries_load_by_name(samples_store: GraphStore) -> None:
    assert {"cited_by", "unit_tasks", "co_responsibility", "plan_targets", "anomalies"} <= set(query_names())
    work = iris.work("vn/nghi-dinh/107_2020_ndd-cp")
    rows = samples_store.query("works_by_notation", notation=Literal("107/2020/NĐ-CP"))
    assert [r["work"] for r in rows] == [work]
    with pytest.raises(KeyError):
        load_query("../store")


def test_killed_ingest_leaves_a_store_that_opens_and_answers(tmp_path: Path) -> None:
    """SIGKILL a real `cchc ingest` mid-run: every graph in the store is complete, and it still answers."""
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for n in range(60):  # distinct contents, so each is its own graph
        (docs / f"{n:03d}.txt").write_text(texts[n % 5] + f"\nBản sao số {n}.\n", encoding="utf-8")
    home = tmp_path / "home"
    cchc = Path(sys.executable).parent / "cchc"
    args = [str(cchc), "ingest", str(docs), "--store", str(home), "--batch", "5"]  # several commits in a run
    proc = subprocess.Popen(args, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    written = 0
    while time.monotonic() < deadline and proc.poll() is None and written < 10:
        with contextlib.suppress(StoreError):  # not created yet
            written = len(GraphStore.open_local(home, read_only=True).file_graphs())
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = GraphStore.open_local(home, read_only=True)
    graphs = store.file_graphs()
    assert 10 <= len(graphs) < 60, "the kill should land mid-load"
    for source in graphs:
        missing = _terms(extraction_graph(extract_file(Path(source)).extraction)) - _terms(store.graph_of(source))
        assert not missing, (source, sorted(map(str, missing))[:3])
    assert store.triple_count() == sum(len(store.graph_of(s)) for s in graphs)
    fresh = GraphStore.open_local(home)  # a writer can reopen it and finish the job
    summary = load_files([docs], fresh)
    assert summary.changes["new"] + summary.changes["unchanged"] == 60
    assert isinstance(fresh.union(), Graph)


def test_same_content_under_two_names_is_two_documents(tmp_path: Path) -> None:
    """Issue 12, defect 1: a copy had shared the original's graph, so changing the copy dropped the original."""
    files = _copy_samples(tmp_path / "docs")
    store = GraphStore.open_local(tmp_path / "home")
    load_files(files, store)
    original = str(files[0])
    before = len(store.graph_of(original))
    copy = tmp_path / "elsewhere" / "copy.txt"
    copy.parent.mkdir()
    shutil.copy(files[0], copy)
    assert load_files([copy], store).changes["new"] == 1
    graphs = store.file_graphs()
    assert graphs[str(copy)].graph != graphs[original].graph and graphs[str(copy)].sha256 == graphs[original].sha256
    copy.write_text(copy.read_text(encoding="utf-8") + "\nMột dòng thêm.\n", encoding="utf-8")
    assert load_files([copy], store).changes["updated"] == 1
    assert len(store.graph_of(original)) == before > 100
    assert len(store.file_graphs()) == 6


def test_a_read_only_handle_reopens_when_a_writer_compacted_its_files(
    samples_store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The soak run (issue 12): a reader's snapshot lost an .sst file to the writer's compaction: a 500."""
    reader = GraphStore.open_local(samples_store_dir, read_only=True)
    stale = reader._ds

    def vanished(*_: object, **__: object) -> None:
        raise FileNotFoundError("IO error: No such file or directory: 000139.sst")

    monkeypatch.setattr(stale, "query", vanished)
    assert len(reader.file_graphs()) == 5
    assert reader._ds is not stale


@pytest.fixture(scope="module")
def cited_by_many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory where 21 files cite the same works (the samples and 20 copies of a plan), written as a
    server leaves it: the bulk in table files of several megabytes, then small writes in table files of their own."""
    folder = tmp_path_factory.mktemp("cited-by-many")
    plan = sorted(SAMPLES.glob("*.txt"))[-1]
    copies = folder / "copies"
    copies.mkdir()
    for n in range(20):
        (copies / f"{n}.txt").write_bytes(plan.read_bytes() + f"\nDòng thêm số {n}.\n".encode())
    home = folder / "home"
    writer = GraphStore.open_local(home)
    load_files([SAMPLES, copies], writer)
    writer.close()
    writer = GraphStore.open_local(home)
    for n in range(3):
        later = Graph()
        later.add((iris.file(f"later-{n}"), iris.CCHC.note, Literal(f"ghi chú số {n} " * 4)))
        writer.add_to_graph(iris.file(f"later-{n}"), later)
        writer.flush()
    writer.close()
    return home


# Readers in a process of their own: on the defects below the engine loops or runs for hours instead of
# answering, so they run under a memory cap and a time limit, never in the test process.
_READ = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, 3_000_000_000))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
from kg.store import GraphStore, load_query
home, how, names = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
reader = GraphStore.open_local(home, read_only=True)
if how == "compacted":
    for table in (home / "graph").glob("*.sst"):  # what a writer's compaction does to the files it merged
        table.unlink()
if how == "without-distinct":  # every row the engine makes before DISTINCT removes the repeated ones
    print([len(reader.query_text(load_query(name).replace("SELECT DISTINCT", "SELECT", 1))) for name in names])
else:
    print([len(reader.query(name)) for name in names])
"""


def _read_apart(home: Path, names: list[str], how: str = "as-is") -> str:
    done = subprocess.run(
        [sys.executable, "-c", _READ, str(home), how, *names],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-500:]
    return done.stdout.strip()


def test_a_reader_keeps_the_table_files_a_writer_compacts_away(cited_by_many: Path, tmp_path: Path) -> None:
    """Issue 12: a read-only Oxigraph handle opens 16 of its table files when it opens, the others when a query
    first needs them. Once a writer's compaction had deleted one of those, a GRAPH ?g query (document_units) took
    the error again and again, allocating until the process died (3 GB in 8 s; in the server, under uploads, until
    the kernel killed it); others raised. Now a reader opens hard links of its own to the files."""
    home = tmp_path / "home"
    shutil.copytree(cited_by_many, home)
    names = ["document_units", "file_unit_labels", "node_triples", "task_agents"]
    reference = GraphStore.open_local(home, read_only=True)
    expected = [len(reference.query(name)) for name in names]
    reference.close()
    assert _read_apart(home, names, "compacted") == str(expected)
    assert list((home / READERS).iterdir()) == []  # each reader's folder went with it


def test_every_question_answers_when_many_files_cite_one_work(cited_by_many: Path) -> None:
    """Every citing file states the work's notation, title, kind and identifier again, and the union of the
    graphs gives one row per file: joined as four OPTIONALs, the list of all citations (`citation_rows`, behind
    the evaluation's answers) made 21^4 rows of each citation: over 21 files no answer in 300 s, or the 3 GB cap
    reached."""
    names = query_names()
    counts = dict(zip(names, json.loads(_read_apart(cited_by_many, names)), strict=True))
    store = GraphStore.open_local(cited_by_many, read_only=True)
    citations = int(str(store.query_text("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cchc:Citation }")[0]["n"]))
    assert citations > 20 * 40
    assert citations <= counts["citation_rows"] < 2 * citations  # more than one only where files differ on a work
    assert len(questions.all_citations(store)) == citations


# Questions whose rows are all different: each is one citation, task-unit edge, unit, document … once.
_ONE_ROW_EACH = [
    "anomalies", "citation_rows", "cited_by", "deadline_rows", "document_facts", "document_units", "documents",
    "plan_targets", "responsibility_edges", "task_agents", "task_citations", "task_rows", "unit_history",
    "units_by_label",
]  # fmt: skip


def test_a_fact_stated_by_many_files_is_joined_once(cited_by_many: Path) -> None:
    """The union of the graphs gives a fact once per file stating it (a unit's label and scope, a work's
    notation): joined as it came, a question over units made N rows per label, scope and type of each unit (N^3),
    so over the 418 real documents `units_by_label` and `unit_history` had not answered in 100 s and
    `responsibility_edges` (the unit-task graph) took 39 s. Without its DISTINCT, each of these questions now
    makes no row twice: what is said of a shared entity is made distinct before it joins."""
    plain = json.loads(_read_apart(cited_by_many, _ONE_ROW_EACH, "without-distinct"))
    distinct = json.loads(_read_apart(cited_by_many, _ONE_ROW_EACH))
    assert dict(zip(_ONE_ROW_EACH, plain, strict=True)) == dict(zip(_ONE_ROW_EACH, distinct, strict=True))
