"""One writer at a time for graph and index together, and a data directory that converges after a crash at any
point of an upload (issue 12, defects 2 and 3)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ingest.pipeline import extract_paths
from kg.store import GraphStore
from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.index import SearchIndex
from search_api.ingestion import ingest_into
from search_api.settings import Settings
from search_api.store_lock import LOCK_FILE, StoreBusy, writing
from tests.helpers import REPO, SAMPLES

PLAN = SAMPLES / "004_bf7d911f24922af4.txt"


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
    """Graph sources and index sources, after checking the index's BM25 and FAISS hold every stored chunk."""
    graph = GraphStore.open_local(home, read_only=True)
    sources = set(graph.file_graphs())
    graph.close()
    index = SearchIndex.open(home, read_only=True)
    try:
        live = np.sort(index.store.live_ids())
        assert np.array_equal(np.sort(index.plain.ids), live)
        assert index.dense is not None and set(index.dense.ids().tolist()) >= set(live.tolist())
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
