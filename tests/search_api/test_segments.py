"""Index segments (search_api.segments): a writer appends without reading the index, compaction keeps their number
and their dead rows bounded, and however the chunks are cut into segments a search answers the same."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import extract_text
from ingest.read import read_file
from ingest.records import Extracted
from search_api import segments as segments_module
from search_api.embedding import HashingEmbedder
from search_api.index import FORMER_FILES, STATE_FILE, SearchIndex
from search_api.index_build import build_index
from search_api.segments import (
    MAX_SMALL_SEGMENTS,
    SEGMENTS_DIR,
    Segment,
    SegmentError,
    compaction_plan,
    segment_files,
)
from tests.helpers import SAMPLES, mapped_files

QUERIES = ["cải cách hành chính", "thu nhap tang them", "Sở Nội vụ chủ trì", "kiểm soát thủ tục hành chính"]


@pytest.fixture(scope="module")
def samples() -> list[Extracted]:
    paths = sorted(SAMPLES.glob("*.txt"))
    return [extract_text(read_file(path, max_bytes=10**8).text, source=str(path)) for path in paths]


Answers = list[list[tuple[str, float]]]


def _answers(home: Path) -> Answers:
    """Every query's hits as (chunk key, score), by chunk key: int ids depend on a store's history."""
    index = SearchIndex.open(home, read_only=True)
    try:
        out = []
        for query in QUERIES:
            vector = HashingEmbedder().embed_queries([query])[0]
            lists = (index.bm25(query, folded=False), index.bm25(query, folded=True), index.dense(vector, 9))
            for ids, scores in lists:
                keys = [f"{c.source}#{c.id}" for c in index.chunks(ids)]
                out.append(sorted(zip(keys, np.round(scores, 4).tolist(), strict=True)))
        return out
    finally:
        index.close()


def _files(home: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (home / "index" / SEGMENTS_DIR).iterdir()}


def test_any_cut_into_segments_answers_like_one_segment(
    tmp_path: Path, samples: list[Extracted], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(tmp_path / "one", samples, HashingEmbedder())
    assert SearchIndex.open(tmp_path / "one", read_only=True).segment_names() == ["000000"]
    monkeypatch.setattr(segments_module, "SEGMENT_CHUNKS", 40)
    for document in samples:  # one ingest per document: appended segments, then merged small ones
        build_index(tmp_path / "many", [document], HashingEmbedder())
    assert len(SearchIndex.open(tmp_path / "many", read_only=True).segment_names()) > len(samples)
    assert _answers(tmp_path / "many") == _answers(tmp_path / "one")


def test_a_writer_appends_a_segment_without_reading_or_touching_the_others(
    tmp_path: Path, samples: list[Extracted], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(tmp_path, samples[:3], HashingEmbedder())
    before = _files(tmp_path)

    def refuse(*args: object) -> Segment:
        raise AssertionError("a writer read a segment")

    monkeypatch.setattr(Segment, "read", refuse)
    build_index(tmp_path, samples[3:], HashingEmbedder())
    monkeypatch.undo()
    after = _files(tmp_path)
    assert {name: after[name] for name in before} == before  # same files, not rewritten
    index = SearchIndex.open(tmp_path, read_only=True)
    assert index.segment_names() == ["000000", "000001"]
    assert {s for s, _ in index.sources().items()} == {d.source for d in samples}
    assert len(index.view.live_ids()) == len(index.view.live_ids(vectors=True)) == len(index)


def test_removed_chunks_are_masked_at_once_and_dropped_when_their_segment_is_mostly_dead(
    tmp_path: Path, samples: list[Extracted]
) -> None:
    build_index(tmp_path, samples, HashingEmbedder())
    index = SearchIndex.open(tmp_path)
    for document in samples[:4]:
        index.remove_document(document.source)
    hits = index.chunks(index.bm25("cải cách hành chính", folded=False)[0])
    assert {c.source for c in hits} == {samples[4].source}  # masked before any save
    index.save()
    assert index.segment_names() == ["000001"]  # the old segment was mostly dead: rewritten with its live rows
    assert sorted(p.name for p in (tmp_path / "index" / SEGMENTS_DIR).iterdir()) == sorted(segment_files("000001"))
    index.close()
    build_index(tmp_path / "fresh", samples[4:], HashingEmbedder())
    assert _answers(tmp_path) == _answers(tmp_path / "fresh")


def test_leftovers_of_a_crashed_save_are_ignored_then_deleted(tmp_path: Path, samples: list[Extracted]) -> None:
    build_index(tmp_path, samples[:2], HashingEmbedder())
    directory = tmp_path / "index" / SEGMENTS_DIR
    (directory / "000007.npz").write_bytes(b"half a segment")  # written, never named by a state
    (directory / ".000001.npz.abc.tmp").write_bytes(b"")
    assert _answers(tmp_path)  # readers go by the state
    build_index(tmp_path, samples[2:3], HashingEmbedder())
    assert sorted(os.listdir(directory)) == sorted([*segment_files("000000"), *segment_files("000001")])


def test_a_read_segments_postings_are_memory_mapped(tmp_path: Path, samples: list[Extracted]) -> None:
    """The term counts are most of a segment: a search reads the columns of its terms only, so they stay in the
    file (the OS's cache, shared) instead of a copy in every process."""
    build_index(tmp_path, samples[:2], HashingEmbedder())
    directory = tmp_path / "index" / SEGMENTS_DIR
    segment = Segment.read(directory, "000000")
    assert {str(directory / name) for name in segment_files("000000") if name.endswith(".npy")} <= mapped_files()
    for part in (segment.plain, segment.folded):
        for array in (part.matrix.data, part.matrix.indices):
            assert not array.flags.owndata and not array.flags.writeable
    assert _answers(tmp_path) == _answers_of_fresh(tmp_path / "fresh", samples[:2])


def test_a_reader_builds_in_memory_what_the_segments_miss(tmp_path: Path, samples: list[Extracted]) -> None:
    build_index(tmp_path, samples[:2], HashingEmbedder())
    (tmp_path / "index" / STATE_FILE).unlink()  # as if every save had been lost
    assert _answers(tmp_path) == _answers_of_fresh(tmp_path / "fresh", samples[:2])


def _answers_of_fresh(home: Path, documents: list[Extracted]) -> Answers:
    build_index(home, documents, HashingEmbedder())
    return _answers(home)


def test_a_reopened_reader_reuses_the_segments_it_had_read(
    tmp_path: Path, samples: list[Extracted], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(tmp_path, samples[:2], HashingEmbedder())
    old = SearchIndex.open(tmp_path, read_only=True)
    first = old.view.segments["000000"]
    build_index(tmp_path, samples[2:3], HashingEmbedder())
    read: list[str] = []
    original = Segment.read.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Segment], directory: Path, name: str) -> Segment:
        read.append(name)
        return original(cls, directory, name)  # type: ignore[no-any-return]

    monkeypatch.setattr(Segment, "read", classmethod(counting))
    new = SearchIndex.open(tmp_path, read_only=True, reuse=old)
    assert new.view.segments["000000"] is first and read == ["000001"]


def test_compaction_plan() -> None:
    live = np.arange(0, 100, dtype=np.int64)
    small = {f"s{n}": np.array([n], np.int64) for n in range(MAX_SMALL_SEGMENTS - 1)}
    plan = compaction_plan({**small, "dead": np.array([500, 501]), "half": np.array([10, 11, 501, 502])}, live)
    assert plan.drop == ["dead", "half"] and plan.keep == sorted(small)
    assert [(name, rows.tolist()) for name, rows in plan.rewrite[0]] == [("half", [0, 1])]
    plan = compaction_plan({**small, "one more": np.array([50], np.int64)}, live)
    assert plan.keep == [] and [name for name, _ in plan.rewrite[0]] == [*small, "one more"]
    assert sorted(plan.drop) == sorted([*small, "one more"])
    big = {"big": np.arange(0, 20_000, dtype=np.int64)}
    plan = compaction_plan(big, np.arange(0, 16_500, dtype=np.int64))  # 17.5 % dead: kept
    assert plan.keep == ["big"] and not plan.rewrite


def test_a_store_of_the_former_layout_is_read_then_converted_by_its_next_save(
    tmp_path: Path, samples: list[Extracted]
) -> None:
    build_index(tmp_path, samples[:2], HashingEmbedder())
    expected = _answers(tmp_path)
    index_dir = tmp_path / "index"
    shutil.rmtree(index_dir / SEGMENTS_DIR)
    (index_dir / STATE_FILE).write_text(json.dumps({"generation": 3, "model": "x", "chunks": 9, "terms": 2}))
    for name in FORMER_FILES:
        (index_dir / name).write_bytes(b"whole index")
    assert _answers(tmp_path) == expected  # read from the database meanwhile
    build_index(tmp_path, samples[:2], HashingEmbedder())  # nothing new: the save still writes the segments
    assert not [name for name in FORMER_FILES if (index_dir / name).exists()]
    assert SearchIndex.open(tmp_path, read_only=True).segment_names() == ["000000"]
    assert _answers(tmp_path) == expected


def test_a_segment_holding_its_counts_in_its_npz_is_read_as_before(tmp_path: Path, samples: list[Extracted]) -> None:
    """Segments written before the counts had files of their own are read into memory, and kept."""
    build_index(tmp_path, samples[:2], HashingEmbedder())
    expected = _answers(tmp_path)
    directory = tmp_path / "index" / SEGMENTS_DIR
    with np.load(directory / "000000.npz") as stored:
        arrays = dict(stored)
    for name in [n for n in segment_files("000000") if n.endswith(".npy")]:
        arrays[name.split(".")[1].replace("-", "_")] = np.load(directory / name)
        (directory / name).unlink()
    np.savez(directory / "000000.npz", **arrays)
    assert _answers(tmp_path) == expected
    build_index(tmp_path, samples[:2], HashingEmbedder())
    assert sorted(os.listdir(directory)) == ["000000.faiss", "000000.npz"]
    assert _answers(tmp_path) == expected


@pytest.mark.parametrize("damage", ["truncated", "emptied", "vectors gone", "vectors cut", "counts gone", "counts cut"])
def test_a_damaged_segment_is_rebuilt_from_the_database(tmp_path: Path, samples: list[Extracted], damage: str) -> None:
    """The chunk database is the truth: an unreadable segment is read from it instead, and the next save rewrites
    it (a disk error, a copy cut short)."""
    build_index(tmp_path, samples[:2], HashingEmbedder())
    expected = _answers(tmp_path)
    directory = tmp_path / "index" / SEGMENTS_DIR
    if damage == "truncated":
        data = (directory / "000000.npz").read_bytes()
        (directory / "000000.npz").write_bytes(data[: len(data) // 2])
    elif damage == "emptied":
        (directory / "000000.faiss").write_bytes(b"")
    elif damage == "vectors cut":
        data = (directory / "000000.faiss").read_bytes()
        (directory / "000000.faiss").write_bytes(data[: len(data) - 1000])
    elif damage == "counts cut":
        data = (directory / "000000.plain-indices.npy").read_bytes()
        (directory / "000000.plain-indices.npy").write_bytes(data[: len(data) - 100])
    elif damage == "counts gone":
        (directory / "000000.folded-data.npy").unlink()
    else:
        (directory / "000000.faiss").unlink()
    assert _answers(tmp_path) == expected
    build_index(tmp_path, samples[:2], HashingEmbedder())
    assert SearchIndex.open(tmp_path, read_only=True).segment_names() == ["000001"]
    assert _answers(tmp_path) == expected


def test_a_reader_that_finds_a_segment_compacted_away_reads_the_state_again(
    tmp_path: Path, samples: list[Extracted], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(tmp_path, samples[:2], HashingEmbedder())
    expected = _answers(tmp_path)
    index_dir = tmp_path / "index"
    original = Segment.read.__func__  # type: ignore[attr-defined]
    calls: list[str] = []

    def compacted_meanwhile(cls: type[Segment], directory: Path, name: str) -> Segment:
        calls.append(name)
        if name == "000000":  # a writer renamed it (as a compaction would) after the reader read the state
            for old, new in zip(segment_files("000000"), segment_files("000001"), strict=True):
                (directory / old).rename(directory / new)
            state = json.loads((index_dir / STATE_FILE).read_text())
            (index_dir / STATE_FILE).write_text(json.dumps({**state, "segments": ["000001"], "next": 2}))
            raise SegmentError("gone")
        return original(cls, directory, name)  # type: ignore[no-any-return]

    monkeypatch.setattr(Segment, "read", classmethod(compacted_meanwhile))
    index = SearchIndex.open(tmp_path, read_only=True)
    assert [s.name for s, _, _ in index.view.parts] == ["000001"] and calls == ["000000", "000001"]
    assert _answers(tmp_path) == expected
