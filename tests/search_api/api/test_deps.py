"""What routes depend on: the stamp that tells a store changed on disk, and the snapshot readers share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef

from kg.store import GraphStore
from search_api.api import deps
from search_api.api.deps import StoreCache, directory_stamp, graph_stamp
from search_api.settings import Settings


def test_a_file_deleted_while_listed_is_left_out_not_taken_for_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The soak run (issue 12): a compaction deleting a file mid-listing had made /works answer 503 "no store"."""
    (tmp_path / "kept.sst").write_bytes(b"x")
    (tmp_path / "gone.sst").write_bytes(b"y")
    real = os.scandir

    class Vanishing:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry, self.name = entry, entry.name

        def is_file(self) -> bool:
            return self.entry.is_file()

        def stat(self) -> os.stat_result:
            if self.name == "gone.sst":
                raise FileNotFoundError(self.name)
            return self.entry.stat()

    class Listing:
        def __init__(self, path: Any) -> None:
            self.inner = real(path)

        def __enter__(self) -> list[Vanishing]:
            return [Vanishing(e) for e in self.inner]

        def __exit__(self, *_: object) -> None:
            self.inner.close()

    monkeypatch.setattr(deps.os, "scandir", Listing)
    stamp = directory_stamp(tmp_path)
    assert stamp is not None and [name for name, _, _ in stamp] == ["kept.sst"]
    assert directory_stamp(tmp_path / "missing") is None


def _one_triple(name: str) -> Graph:
    g = Graph()
    g.add((URIRef(f"https://example.org/{name}"), URIRef("https://example.org/p"), URIRef("https://example.org/o")))
    return g


def _writer_with_one_file(home: Path) -> GraphStore:
    store = GraphStore.open_local(home)
    store.replace_file("/docs/a.txt", URIRef("https://example.org/g/a"), "a" * 64, _one_triple("a"))
    store.close()
    return GraphStore.open_local(home)


def test_readers_move_to_a_writers_snapshot_when_it_commits_not_while_it_writes(tmp_path: Path) -> None:
    """The soak run: every upload rewrote Oxigraph's files several times and every request that saw a new
    listing reopened the store (40 ms each, under the cache's lock), half-written uploads included."""
    writer = _writer_with_one_file(tmp_path)
    cache = StoreCache(Settings(home=tmp_path))
    first = cache.get()
    writer.replace_file("/docs/b.txt", URIRef("https://example.org/g/b"), "b" * 64, _one_triple("b"))
    assert cache.get() is first  # written, not yet committed: the readers keep their snapshot
    writer.flush()
    second = cache.get()
    assert second is not first and (first.triple_count(), second.triple_count()) == (1, 2)
    writer.close()
    assert graph_stamp(tmp_path) == graph_stamp(tmp_path)


def test_a_store_no_writer_has_committed_to_is_stamped_by_its_files(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "CURRENT").write_text("MANIFEST-000001\n")
    before = graph_stamp(tmp_path)
    (tmp_path / "graph" / "000002.sst").write_bytes(b"x")
    assert before is not None and graph_stamp(tmp_path) != before
    assert graph_stamp(tmp_path / "missing") is None
