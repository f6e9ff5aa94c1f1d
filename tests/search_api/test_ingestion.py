"""Streaming ingest (search_api.ingestion.ingest_stream): batch by batch, checked against what is stored,
resumable after kill -9 with nothing extracted or embedded twice, bad records skipped, the same store as a batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import Failure, Item, extract_paths, iter_items
from kg.store import GraphStore
from search_api.chunk_store import ChunkStore, text_key
from search_api.embedding import HashingEmbedder, Matrix
from search_api.index import PROBE
from search_api.ingestion import ingest_into, ingest_stream
from search_api.settings import Settings
from tests.helpers import SAMPLES

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
    done = ingest_stream(Settings(home=tmp_path), iter_items([path], corpora=True), None, progress=seen.append)
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
