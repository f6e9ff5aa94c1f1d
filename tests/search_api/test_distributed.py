"""`cchc ingest --workers 2`: extraction and embedding on a local Dask cluster give the store a single process
gives (same triples, same chunk ids, vectors equal to 1e-5)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ingest.pipeline import iter_items
from kg.store import GraphStore
from search_api.distributed import EmbedderSpec, dask_preparer, open_client, threads_per_worker
from search_api.embedding import HashingEmbedder
from search_api.ingestion import ingest_stream
from search_api.settings import Settings
from tests.search_api.test_ingestion import corpus, state


def _quads(home: Path) -> set[str]:
    store = GraphStore.open_local(home, read_only=True)
    try:
        rows = store.query_text("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    finally:
        store.close()
    return {" ".join(row[k].n3() for k in ("g", "s", "p", "o")) for row in rows}  # type: ignore[attr-defined]


def test_two_workers_give_the_single_process_store(tmp_path: Path) -> None:
    path = corpus(tmp_path / "c.jsonl", bad=True)
    one = ingest_stream(Settings(home=tmp_path / "one"), iter_items([path], corpora=True), HashingEmbedder(),
                        batch_size=2)  # fmt: skip
    client, close = open_client(2, None)
    try:
        assert len(client.scheduler_info()["workers"]) == 2
        prepare = dask_preparer(client, EmbedderSpec("hashing", tmp_path / "two"))
        two = ingest_stream(Settings(home=tmp_path / "two"), iter_items([path], corpora=True), HashingEmbedder(),
                            prepare=prepare, batch_size=2)  # fmt: skip
    finally:
        close()
    assert one.graph.changes == two.graph.changes and len(two.graph.failures) == 1
    assert two.phases.extract > 0 and two.phases.embed > 0  # the workers' seconds
    assert _quads(tmp_path / "one") == _quads(tmp_path / "two")
    a, b = state(tmp_path / "one"), state(tmp_path / "two")
    assert a[0] == b[0] and a[1] == b[1] and set(a[2]) == set(b[2])
    assert max(float(np.abs(a[2][k] - b[2][k]).max()) for k in a[2]) <= 1e-5


def test_a_local_cluster_shares_the_cores_among_its_workers() -> None:
    cores = len(os.sched_getaffinity(0))
    assert threads_per_worker(1) == cores
    assert threads_per_worker(2) == max(1, cores // 2)
    assert threads_per_worker(4 * cores) == 1
    assert threads_per_worker(None) is None  # a running scheduler's workers know their own machines
