"""Ingest (search_api.ingestion): a stream batch by batch, checked against what is stored, resumable after
kill -9 with nothing extracted or embedded twice, bad records skipped, the same store as one batch; one writer at a
time for graph and index together, held for a whole stream, and a data directory that converges after a crash at
any point of an upload (issue 12, defects 2 and 3)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ingest.pipeline import Failure, Item, extract_paths, iter_items
from kg.store import GraphStore
from search_api.app import create_app
from search_api.chunk_store import ChunkStore, text_key
from search_api.embedding import HashingEmbedder, Matrix
from search_api.index import INDEX_DIR, PROBE, SearchIndex
from search_api.ingestion import Prepared, ingest_into, ingest_stream, prepare_here
from search_api.segments import SEGMENTS_DIR, segment_ids
from search_api.settings import Settings
from search_api.store_lock import LOCK_FILE, StoreBusy, writing
from tests.helpers import REPO, SAMPLES

PLAN = SAMPLES / "004_bf7d911f24922af4.txt"

HEADER = (
    "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\nSố: 05/KH-UBND\nSóc Trăng, ngày 13 tháng 01 năm 2023\nKẾ HOẠCH\n"
    "Cải cách hành chính năm 2023\nCăn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ;\n"
)
CITING = (
    "ỦY BAN NHÂN DÂN\nTỈNH SÓC TRĂNG\nSố: 09/KH-UBND\nSóc Trăng, ngày 20 tháng 02 năm 2024\nKẾ HOẠCH\n"
    "Kiểm tra cải cách hành chính\n"
    "Thực hiện Kế hoạch số 05/KH-UBND ngày 13/01/2024 của Ủy ban nhân dân tỉnh Sóc Trăng;\n"
)


def corpus(path: Path, *, bad: bool = False) -> Path:
    """A JSON Lines corpus of the five samples, one record each (and a bad line among them)."""
    lines = [
        json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False)
        for p in sorted(SAMPLES.glob("*.txt"))
    ]
    if bad:
        lines.insert(2, '{"title": "no id"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Counting(HashingEmbedder):
    """Records every passage it embeds but the model probe (to a file, so a killed process leaves its record)."""

    def __init__(self, log: Path, die_after: int | None = None) -> None:
        super().__init__()
        self.log, self.die_after, self.calls = log, die_after, 0

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        out = super().embed_passages(texts)
        keys = [text_key(t) for t in texts if t != PROBE]
        if keys:
            with self.log.open("a", encoding="utf-8") as f:
                f.write(" ".join(keys) + "\n")  # one line per call
            self.calls += 1
        if self.die_after is not None and self.calls > self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return out


def state(home: Path) -> tuple[int, list[tuple[str, str]], dict[str, Matrix]]:
    """Triple count, (source, chunk id) pairs, and vectors by chunk id."""
    store = GraphStore.open_local(home, read_only=True)
    try:
        triples = store.triple_count()
    finally:
        store.close()
    chunks = ChunkStore.open(home / "index" / "chunks.sqlite", read_only=True)
    try:
        pairs = sorted(chunks.db.execute("SELECT source, chunk_id FROM chunks").fetchall())
        ids, vectors = chunks.vectors()
        names = dict(chunks.db.execute("SELECT id, chunk_id FROM chunks").fetchall())
    finally:
        chunks.close()
    return triples, pairs, {names[int(i)]: v for i, v in zip(ids, vectors, strict=True)}


def test_streaming_in_small_batches_gives_the_store_of_one_batch(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl")
    ingest_into(Settings(home=tmp_path / "batch"), extract_paths([path], corpora=True), HashingEmbedder())
    done = ingest_stream(Settings(home=tmp_path / "stream"), iter_items([path], corpora=True), HashingEmbedder(),
                         batch_size=2)  # fmt: skip
    assert done.graph.changes["new"] == 5 and done.index is not None and done.index.changes["new"] == 5
    batch, stream = state(tmp_path / "batch"), state(tmp_path / "stream")
    assert batch[0] == stream[0] > 1000 and batch[1] == stream[1]
    assert all(np.allclose(batch[2][k], stream[2][k], atol=1e-5) for k in batch[2])


def test_bad_records_are_reported_and_skipped(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl", bad=True)
    seen: list[int] = []
    done = ingest_stream(
        Settings(home=tmp_path),
        iter_items([path], corpora=True),
        None,
        progress=lambda n, skipped=False: seen.append(n),
    )
    assert done.graph.changes["new"] == 5 and done.index is None
    assert [(f.source, f.reason.split(":")[0]) for f in done.graph.failures] == [(str(path), "line 3")]
    assert sum(seen) == 6  # every record counted, the bad one too


def test_a_rerun_extracts_and_embeds_nothing_again(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl")
    ingest_stream(Settings(home=tmp_path), iter_items([path], corpora=True), HashingEmbedder())
    log = tmp_path / "embedded.log"
    again = ingest_stream(Settings(home=tmp_path), iter_items([path], corpora=True), Counting(log))
    assert again.phases.skipped == 5 and again.phases.extract == 0.0
    assert again.index is not None and again.index.embedded == 0 and not log.exists()


_KILLED_RUN = """
import sys
from pathlib import Path
from ingest.pipeline import iter_items
from search_api.ingestion import ingest_stream
from search_api.settings import Settings
from tests.search_api.test_ingestion import Counting
home, corpus, log = map(Path, sys.argv[1:4])
ingest_stream(Settings(home=home), iter_items([corpus], corpora=True), Counting(log, die_after=2), batch_size=1)
"""


def test_killed_mid_run_a_rerun_finishes_with_nothing_embedded_twice(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl")
    ingest_stream(Settings(home=tmp_path / "clean"), iter_items([path], corpora=True), HashingEmbedder())
    home, log = tmp_path / "killed", tmp_path / "embedded.log"
    run = subprocess.run([sys.executable, "-c", _KILLED_RUN, str(home), str(path), str(log)], cwd=Path.cwd())
    assert run.returncode == -signal.SIGKILL
    calls = log.read_text().splitlines()
    assert len(calls) == 3, "killed before embedding anything"
    in_flight = set(calls[-1].split())  # embedded, then killed before the commit
    done = ingest_stream(Settings(home=home), iter_items([path], corpora=True), Counting(log))
    assert 0 < done.phases.skipped < 5  # the documents committed before the kill were not extracted again
    keys = log.read_text().split()
    twice = {k for k in keys if keys.count(k) > 1}
    assert twice <= in_flight  # nothing committed was embedded again
    clean, resumed = state(tmp_path / "clean"), state(home)
    assert clean[0] == resumed[0] and clean[1] == resumed[1]
    assert set(clean[2]) == set(resumed[2])


def _issues(home: Path) -> list[tuple[str, str]]:
    store = GraphStore.open_local(home, read_only=True)
    try:
        return sorted((str(r["path"]), str(r["evidence"])) for r in store.query("anomalies"))
    finally:
        store.close()


@pytest.mark.parametrize("order", [("header", "citing"), ("citing", "header")])
def test_cross_document_checks_run_against_what_is_stored(tmp_path: Path, order: tuple[str, str]) -> None:
    texts = {"header": HEADER, "citing": CITING}
    for name in order:  # one document per run: the other one is only in the store
        ingest_stream(Settings(home=tmp_path), [Item(name, texts[name])], None)
    found = [(path, evidence) for path, evidence in _issues(tmp_path) if "5/KH-UBND" in evidence]
    assert found == [("citing", "5/KH-UBND cited as 2024-01-13; its own header (header) says 2023-01-13")]


def test_items_read_from_a_folder_and_a_failure_in_place(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(HEADER, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    items = list(iter_items([tmp_path]))
    assert isinstance(items[0], Item) and items[0].source == str(tmp_path / "a.txt")
    assert isinstance(items[1], Failure) and items[1].reason == "empty file"


def test_a_stream_holds_the_writer_lock_from_its_first_batch_to_its_last(tmp_path: Path) -> None:
    """Another writer (here a thread of the same process) finds the store busy while any batch is written."""
    busy: list[bool] = []

    def probe() -> None:
        try:
            with writing(tmp_path, wait=0.0):
                busy.append(False)
        except StoreBusy:
            busy.append(True)

    def prepare(batches: Iterable[list[Item]]) -> Iterator[list[Prepared]]:
        for prepared in prepare_here(batches):
            thread = threading.Thread(target=probe)
            thread.start()
            thread.join()
            yield prepared

    path = corpus(tmp_path / "c.jsonl")
    ingest_stream(Settings(home=tmp_path), iter_items([path], corpora=True), HashingEmbedder(), prepare=prepare,
                  batch_size=2)  # fmt: skip
    assert busy == [True, True, True]
    probe()
    assert busy[-1] is False  # released at the end


def test_a_stream_waits_for_another_writer_or_says_who_holds_the_store(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl")
    holder = _python(f"""
        import time
        from pathlib import Path
        from search_api.store_lock import writing
        with writing(Path({str(tmp_path)!r})):
            time.sleep(3)
    """)
    _wait_for_lock(tmp_path, holder)
    with pytest.raises(StoreBusy, match=rf"written by PID {holder.pid}"):
        ingest_stream(Settings(home=tmp_path), iter_items([path], corpora=True), None)
    done = ingest_stream(Settings(home=tmp_path), iter_items([path], corpora=True), None, wait=None)
    assert holder.wait(timeout=60) == 0 and done.graph.changes["new"] == 5


def test_a_stream_reconciles_first_graph_index_and_ledger(tmp_path: Path) -> None:
    """A graph missing from the index is indexed, and facts of a document without a graph (killed between its
    ledger row and its graph) are forgotten, so no later check compares with it."""
    doc = tmp_path / "docs" / "header.txt"
    doc.parent.mkdir()
    doc.write_text(HEADER, encoding="utf-8")
    ingest_stream(Settings(home=tmp_path / "home"), iter_items([doc]), HashingEmbedder())
    ingest_stream(Settings(home=tmp_path / "home"), [Item("ghost", HEADER.replace("2023", "2022"))], None)
    store = GraphStore.open_local(tmp_path / "home")
    try:
        store.remove_file("ghost")  # its graph gone, its ledger facts left
    finally:
        store.close()
    index = SearchIndex.open(tmp_path / "home")
    try:
        index.remove_document(str(doc))  # its chunks gone, its graph left
        index.save()
    finally:
        index.close()
    done = ingest_stream(Settings(home=tmp_path / "home"), [Item("citing", CITING)], HashingEmbedder())
    assert done.reconciled.forgotten == ["ghost"] and done.reconciled.indexed == [str(doc)]
    assert all("ghost" not in evidence for _, evidence in _issues(tmp_path / "home"))
    graph, index_sources = _agree(tmp_path / "home")
    assert graph == index_sources == {str(doc), "citing"}


def test_an_id_given_twice_in_a_stream_is_one_document_its_last_record(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    records = [{"id": "a", "text": HEADER}, {"id": "b", "text": CITING}, {"id": "a", "text": HEADER + "Mục tiêu.\n"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    done = ingest_stream(Settings(home=tmp_path / "home"), iter_items([path], corpora=True), HashingEmbedder(),
                         batch_size=1)  # fmt: skip
    assert done.graph.changes["new"] == 2 and done.graph.changes["updated"] == 0
    assert [f.reason.split(":")[0] for f in done.graph.failures] == ["line 3"]
    graph, index_sources = _agree(tmp_path / "home")
    assert graph == index_sources == {"a", "b"}


def _python(script: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )


def _wait_for_lock(home: Path, proc: subprocess.Popen[str]) -> None:
    """Until `proc` holds the writer lock (its PID is written in the lock file)."""
    deadline = time.monotonic() + 120
    while f"PID {proc.pid}" not in _read(home / LOCK_FILE):
        assert proc.poll() is None and time.monotonic() < deadline, "the writer did not start"
        time.sleep(0.1)


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def _agree(home: Path) -> tuple[set[str], set[str]]:
    """Graph sources and index sources, after checking the saved segments hold every stored chunk, with its
    vector."""
    graph = GraphStore.open_local(home, read_only=True)
    sources = set(graph.file_graphs())
    graph.close()
    index = SearchIndex.open(home, read_only=True)
    try:
        live = np.sort(index.store.live_ids())
        directory = home / INDEX_DIR / SEGMENTS_DIR
        saved = [segment_ids(directory, name) for name in index.segment_names()]
        assert set(live.tolist()) <= set(np.concatenate(saved).tolist()) if saved else not len(live)
        assert np.array_equal(index.view.live_ids(), live)
        assert np.array_equal(index.view.live_ids(vectors=True), live)
        return sources, set(index.sources())
    finally:
        index.close()


def test_a_second_writer_waits_for_the_first_and_nothing_is_hidden(tmp_path: Path) -> None:
    """Defect 2: a second ingest while the first indexed wrote chunks the first then hid from BM25 and FAISS."""
    home, docs = tmp_path / "home", tmp_path / "docs"
    shutil.copytree(SAMPLES, docs)
    first = _python(f"""
        import time
        from pathlib import Path
        import search_api.ingestion as ingestion
        from ingest.pipeline import extract_paths
        from search_api.embedding import HashingEmbedder
        from search_api.settings import Settings
        build = ingestion.build_index
        def slow(*args, **kwargs):
            time.sleep(3)  # still indexing while the second writer arrives
            return build(*args, **kwargs)
        ingestion.build_index = slow
        docs = sorted(Path({str(docs)!r}).glob("*.txt"))
        ingestion.ingest_into(Settings(home=Path({str(home)!r})), extract_paths(docs[:3]), HashingEmbedder())
    """)
    _wait_for_lock(home, first)
    second = extract_paths(sorted(docs.glob("*.txt"))[3:])
    with pytest.raises(StoreBusy, match=rf"store is busy, written by PID {first.pid}"):
        ingest_into(Settings(home=home), second, HashingEmbedder())
    done = ingest_into(Settings(home=home), second, HashingEmbedder(), wait=None)
    assert first.wait(timeout=120) == 0
    assert done.graph.changes["new"] == 2
    graph, index = _agree(home)
    assert graph == index and len(graph) == 5


def test_the_lock_is_reentrant_in_a_thread_and_freed_when_its_holder_dies(tmp_path: Path) -> None:
    with writing(tmp_path), writing(tmp_path):
        pass
    holder = _python(f"""
        import time
        from pathlib import Path
        from search_api.store_lock import writing
        with writing(Path({str(tmp_path)!r})):
            time.sleep(600)
    """)
    _wait_for_lock(tmp_path, holder)
    holder.kill()
    holder.wait()
    with writing(tmp_path, wait=5):
        pass


_UPLOAD_AND_DIE = """
    import os, signal
    from pathlib import Path
    from fastapi.testclient import TestClient
    import search_api.ingestion as ingestion
    from search_api.app import create_app
    from search_api.embedding import HashingEmbedder
    from search_api.settings import Settings
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    setattr(ingestion, {stage!r}, die)
    with TestClient(create_app(Settings(home=Path({home!r})), embedder=HashingEmbedder())) as client:
        client.post("/documents", files={{"file": ("new.txt", Path({upload!r}).read_bytes(), "text/plain")}})
"""


@pytest.mark.parametrize("stage", ["load_graphs", "build_index"])
def test_killed_during_an_upload_the_store_converges_on_restart(tmp_path: Path, stage: str) -> None:
    """Defect 3: killed while indexing an upload, the document stayed in the graph and out of search; killed
    before loading it, its file stayed on disk."""
    home = tmp_path / "home"
    shutil.copytree(SAMPLES, tmp_path / "samples")
    ingest_into(Settings(home=home), extract_paths([tmp_path / "samples"]), HashingEmbedder())
    upload = tmp_path / "upload.txt"
    upload.write_text(PLAN.read_text(encoding="utf-8") + "\nCăn cứ Nghị định số 61/2018/NĐ-CP;\n", encoding="utf-8")
    dead = _python(_UPLOAD_AND_DIE.format(stage=stage, home=str(home), upload=str(upload)))
    assert dead.wait(timeout=120) == -9
    uploads = home / "uploads"
    assert any(p.is_file() for p in uploads.rglob("*"))  # the crash left the upload's file behind
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as client:
        assert client.get("/healthz").status_code == 200
    graph, index = _agree(home)
    assert graph == index
    kept = {str(p) for p in uploads.rglob("*") if p.is_file()}
    assert kept == {s for s in graph if s.startswith(str(uploads.resolve()))}
    assert len(graph) == (6 if stage == "build_index" else 5)


def test_a_data_directory_moved_elsewhere_keeps_its_uploads(tmp_path: Path) -> None:
    """Uploads are recorded by their absolute path: started from a data directory moved (or restored from a backup)
    to another path, the server found no graph naming its upload folders and deleted every one of them."""
    home = tmp_path / "home"
    shutil.copytree(SAMPLES, tmp_path / "samples")
    ingest_into(Settings(home=home), extract_paths([tmp_path / "samples"]), HashingEmbedder())
    body = PLAN.read_bytes() + "\nGhi chú tải lên.\n".encode()
    with TestClient(create_app(Settings(home=home), embedder=HashingEmbedder())) as client:
        uploaded = client.post("/documents", files={"file": ("moi.txt", body, "text/plain")}).json()["document"]
    moved = Path(shutil.move(home, tmp_path / "elsewhere"))
    with TestClient(create_app(Settings(home=moved), embedder=HashingEmbedder())) as client:
        detail = client.get(f"/documents/{uploaded['id']}").json()
        assert detail["text_available"] and detail["text"].encode() == body
    assert [p.read_bytes() for p in (moved / "uploads").rglob("moi.txt")] == [body]
