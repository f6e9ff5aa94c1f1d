"""The search index: incremental add/replace/remove without stale or duplicated hits, persistence, model changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import extract_text
from ingest.read import read_file
from ingest.records import Extracted
from search_api.chunk_store import text_key
from search_api.chunks import Chunk, chunks_of
from search_api.embedding import HashingEmbedder, Matrix
from search_api.index import SearchIndex, SearchIndexError
from search_api.index_build import build_index
from tests.helpers import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


class CountingEmbedder(HashingEmbedder):
    """HashingEmbedder that records how many passages it was asked to embed."""

    def __init__(self, dim: int = 256) -> None:
        super().__init__(dim)
        self.passages = 0

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        self.passages += len(texts)
        return super().embed_passages(texts)


class OtherModel(HashingEmbedder):
    """Same dimension, different vectors: stands for another model of the same size."""

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return super().embed_queries([t[::-1] for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.embed_queries(texts)


@pytest.fixture(scope="module")
def samples() -> list[Extracted]:
    return [extract_text(read_file(path, max_bytes=10**8).text, source=str(path)) for path in SAMPLE_FILES]


def _build(home: Path, samples: list[Extracted], embedder: HashingEmbedder) -> None:
    build_index(home, samples, embedder)


def _bm25_sources(index: SearchIndex, query: str, *, folded: bool = False) -> list[str]:
    ids, scores = index.bm25(query, folded=folded)
    order = np.argsort(-scores)
    return [c.source for c in index.chunks(ids[order])]


def _all_ids(index: SearchIndex) -> list[str]:
    return [r[0] for r in index.store.db.execute("SELECT source || '#' || chunk_id FROM chunks")]


# --- building, replacing, removing -----------------------------------------------------------------


def test_build_is_incremental_and_embeds_only_new_texts(tmp_path: Path, samples: list[Extracted]) -> None:
    embedder = CountingEmbedder()
    _build(tmp_path, samples, embedder)
    index = SearchIndex.open(tmp_path, read_only=True)
    total = sum(len(chunks_of(d)) for d in samples)
    assert len(index) == total and len(index.view.live_ids()) == total
    assert len(index.view.live_ids(vectors=True)) == total
    distinct = len({c.text for d in samples for c in chunks_of(d)})
    assert embedder.passages == distinct + 1  # + the model probe
    index.close()

    again = CountingEmbedder()
    summary = build_index(tmp_path, samples, again)
    assert summary.changes == {"new": 0, "updated": 0, "unchanged": len(samples)}
    assert again.passages == 1  # only the probe: nothing re-embedded


def test_re_adding_a_changed_document_leaves_no_stale_or_duplicate_hits(
    tmp_path: Path, samples: list[Extracted]
) -> None:
    _build(tmp_path, samples, HashingEmbedder())
    extraction, text = samples[0].extraction, samples[0].text
    old_phrase = "hộp thư điện tử trao đổi văn bản"
    assert old_phrase in text
    changed_text = text.replace(old_phrase, "mạng nội bộ chuyên dùng trao đổi văn bản")
    changed = extract_text(changed_text, source=extraction.source)
    embedder = CountingEmbedder()
    summary = build_index(tmp_path, [changed], embedder)
    assert summary.changes["updated"] == 1
    new_chunks = chunks_of(changed)
    # only the passages whose text changed are embedded again (plus the probe)
    old_texts = {c.text for c in chunks_of(samples[0])}
    assert embedder.passages == len({c.text for c in new_chunks} - old_texts) + 1

    index = SearchIndex.open(tmp_path, read_only=True)
    ids = _all_ids(index)
    assert len(ids) == len(set(ids))
    mine = [r[0] for r in index.store.db.execute("SELECT chunk_id FROM chunks WHERE source = ?", (extraction.source,))]
    assert sorted(mine) == sorted(c.id for c in new_chunks)
    assert extraction.source not in _bm25_sources(index, "hộp thư điện tử")[:3]
    assert _bm25_sources(index, "mạng nội bộ chuyên dùng")[0] == extraction.source
    # dense side: the changed passage's vector is the new text's, and the old vector is gone
    changed_chunk = next(c for c in new_chunks if "mạng nội bộ chuyên dùng" in c.text)
    query = HashingEmbedder().embed_passages([changed_chunk.text])[0]
    hit_ids, scores = index.dense(query, 3)
    assert index.chunks(hit_ids[:1])[0].id == changed_chunk.id and scores[0] == pytest.approx(1.0, abs=1e-2)
    assert len(index.view.live_ids(vectors=True)) == len(index)


def test_remove_document_and_add_document(tmp_path: Path, samples: list[Extracted]) -> None:
    _build(tmp_path, samples, HashingEmbedder())
    index = SearchIndex.open(tmp_path)
    gone = samples[1].extraction
    assert index.remove_document(gone.source)
    assert not index.remove_document("never/ingested.txt")
    assert gone.source not in {c.source for c in index.chunks(index.bm25("cải cách hành chính", folded=False)[0])}
    everything = index.dense(HashingEmbedder().embed_queries(["cải cách"])[0], 10_000)[0]
    assert gone.source not in {c.source for c in index.chunks(everything)}
    assert len(index.view.live_ids(vectors=True)) == len(index) == len(index.view.live_ids())
    index.save()
    index.close()

    index = SearchIndex.open(tmp_path)
    assert gone.source not in index.sources()
    chunks = chunks_of(samples[1])
    index.add_document(gone.source, chunks, HashingEmbedder(), sha256=gone.document.sha256)
    index.add_document(gone.source, chunks, HashingEmbedder(), sha256=gone.document.sha256)  # twice: no duplicates
    ids = _all_ids(index)
    assert len(ids) == len(set(ids))
    assert len(index.view.live_ids(vectors=True)) == len(index) == len(index.view.live_ids())
    index.close()


def test_persistence_round_trip_gives_identical_results(tmp_path: Path, samples: list[Extracted]) -> None:
    _build(tmp_path, samples, HashingEmbedder())
    query = HashingEmbedder().embed_queries(["thu nhập tăng thêm người lao động"])[0]
    first = SearchIndex.open(tmp_path, read_only=True)
    second = SearchIndex.open(tmp_path, read_only=True)
    for a, b in [(first.bm25("thu nhap tang them", folded=True), second.bm25("thu nhap tang them", folded=True))]:
        assert a[0].tolist() == b[0].tolist()
    assert first.dense(query, 5)[0].tolist() == second.dense(query, 5)[0].tolist()
    files = {p.name for p in (tmp_path / "index").iterdir()} | {p.name for p in (tmp_path / "index/segments").iterdir()}
    assert {"000000.npz", "chunks.sqlite", "000000.faiss", "state.json"} <= files
    assert not [name for name in files if name.endswith(".tmp")]  # temp files were renamed into place


def test_a_crash_before_saving_keeps_every_committed_document(tmp_path: Path, samples: list[Extracted]) -> None:
    """Committed to the database but never saved: reopening reconciles FAISS and BM25 without re-embedding."""
    _build(tmp_path, samples[:2], HashingEmbedder())
    index = SearchIndex.open(tmp_path)
    extraction = samples[2].extraction
    index.add_document(extraction.source, chunks_of(samples[2]), HashingEmbedder(), sha256="x")
    removed = samples[0].source
    index.remove_document(removed)
    index.close()  # no save(): the files on disk lag the database

    reopened = SearchIndex.open(tmp_path, read_only=True)
    assert len(reopened.view.live_ids()) == len(reopened)
    assert len(reopened.view.live_ids(vectors=True)) == len(reopened)
    assert extraction.source in _bm25_sources(reopened, "cải cách hành chính")
    assert removed not in _bm25_sources(reopened, "cải cách hành chính")
    stored = {r[0] for r in reopened.store.db.execute("SELECT id FROM chunks")}
    assert set(reopened.view.live_ids(vectors=True).tolist()) == stored
    embedder = CountingEmbedder()
    summary = build_index(tmp_path, samples[1:3], embedder)
    assert summary.changes["updated"] == 1 and summary.changes["unchanged"] == 1  # the sha recorded was "x"
    assert embedder.passages == 1  # every text already had its vector


def test_a_model_change_forces_re_embedding(tmp_path: Path, samples: list[Extracted]) -> None:
    _build(tmp_path, samples[:1], HashingEmbedder())
    index = SearchIndex.open(tmp_path, read_only=True)
    index.check_model(HashingEmbedder())  # the same model in another object is fine
    with pytest.raises(SearchIndexError, match="run `cchc ingest` again"):
        index.check_model(OtherModel())
    with pytest.raises(SearchIndexError):
        index.check_model(HashingEmbedder(dim=128))
    index.close()

    other = CountingEmbedder(dim=128)
    summary = build_index(tmp_path, samples[:1], other)
    assert summary.changes["unchanged"] == 1
    assert summary.embedded == len({c.text for c in chunks_of(samples[0])})
    index = SearchIndex.open(tmp_path, read_only=True)
    assert index.dim == 128
    assert len(index.view.live_ids(vectors=True)) == len(index)
    index.check_model(HashingEmbedder(dim=128))


def test_chunks_without_a_vector_are_looked_for_only_when_some_may_lack_one(
    tmp_path: Path, samples: list[Extracted]
) -> None:
    """Every chunk gets its vector in the transaction that adds it, so the search for chunks without one (a scan of
    every chunk, a seventh of an upload's time over the 418 real documents) is made only after a model change, until
    a re-embedding has finished."""
    _build(tmp_path, samples[:2], HashingEmbedder())
    statements: list[str] = []
    index = SearchIndex.open(tmp_path)
    index.store.db.set_trace_callback(statements.append)
    assert index.embed_missing(HashingEmbedder()) == 0
    assert not [s for s in statements if "LEFT JOIN embeddings" in s]
    index.use_model(OtherModel(dim=128))  # a model change, and the writer stops before re-embedding
    index.close()
    distinct = len({c.text for doc in samples[:2] for c in chunks_of(doc)})
    index = SearchIndex.open(tmp_path)
    assert index.embed_missing(OtherModel(dim=128)) == distinct
    assert index.embed_missing(OtherModel(dim=128)) == 0
    assert len(index.view.live_ids(vectors=True)) == len(index)
    index.close()


def _vector_keys(home: Path) -> set[str]:
    index = SearchIndex.open(home, read_only=True)
    try:
        return {r[0] for r in index.store.db.execute("SELECT text_key FROM embeddings")}
    finally:
        index.close()


def test_a_save_forgets_the_vectors_no_chunk_uses_looking_only_at_texts_that_went(
    tmp_path: Path, samples: list[Extracted]
) -> None:
    """The vectors of texts no chunk uses any more go at the save, found among the texts of the chunks replaced or
    removed since the last one: comparing every stored vector with every chunk was a sixth of an upload's time over
    the 418 real documents."""
    _build(tmp_path, samples[:3], HashingEmbedder())
    first = {text_key(c.text) for c in chunks_of(samples[0])}
    others = {text_key(c.text) for doc in samples[1:3] for c in chunks_of(doc)}
    assert _vector_keys(tmp_path) == first | others
    text = samples[0].text
    changed = extract_text(text.replace("hộp thư điện tử", "mạng nội bộ"), source=samples[0].extraction.source)
    statements: list[str] = []
    index = SearchIndex.open(tmp_path)
    index.store.db.set_trace_callback(statements.append)
    index.add_documents([(changed.source, "changed", chunks_of(changed))], HashingEmbedder())
    index.remove_document(samples[2].source)
    index.save()
    index.close()
    assert not [s for s in statements if "NOT IN (SELECT text_key FROM chunks)" in s]
    kept = {text_key(c.text) for doc in (changed, samples[1]) for c in chunks_of(doc)}
    assert _vector_keys(tmp_path) == kept


def test_a_store_of_the_former_layout_has_every_vector_checked_at_its_next_save(
    tmp_path: Path, samples: list[Extracted]
) -> None:
    _build(tmp_path, samples[:1], HashingEmbedder())
    index = SearchIndex.open(tmp_path)
    with index.store.db:  # as an earlier version left it: no list of texts that went, and a vector nothing uses
        index.store.db.execute("DROP TABLE orphan_keys")
        index.store.db.execute("INSERT INTO embeddings VALUES ('unused', x'00')")
    index.close()
    index = SearchIndex.open(tmp_path)
    index.save()
    index.close()
    assert _vector_keys(tmp_path) == {text_key(c.text) for c in chunks_of(samples[0])}


def test_filters_select_by_every_field(tmp_path: Path, samples: list[Extracted]) -> None:
    _build(tmp_path, samples, HashingEmbedder())
    index = SearchIndex.open(tmp_path, read_only=True)

    def chunks(**kw: str | int) -> list[Chunk]:
        return index.chunks(index.store.select(**kw))  # type: ignore[arg-type]

    assert {c.province for c in chunks(province="vinh long")} == {"Vĩnh Long"}
    assert {c.year for c in chunks(year_from=2023, year_to=2024)} <= {2023, 2024}
    assert chunks(year_from=2024) and all((c.year or 0) >= 2024 for c in chunks(year_from=2024))
    assert {c.kind for c in chunks(kind="task")} == {"task"}
    assert {c.doc_kind for c in chunks(doc_kind="ke hoach")} == {"Kế hoạch"}
    assert {c.area for c in chunks(area="tthc")} == {"tthc"}
    by_name = chunks(unit="Sở Nội vụ")
    assert by_name and all(any(u.endswith("/so-noi-vu") for u in c.units) for c in by_name)
    by_id = chunks(unit="vn.vinh-long/so-noi-vu")
    assert by_id and {c.province for c in by_id} == {"Vĩnh Long"}
    assert not len(index.store.select(province="Hà Giang"))


def test_chunk_fields_survive_the_table(tmp_path: Path, samples: list[Extracted]) -> None:
    chunks = chunks_of(samples[4])
    _build(tmp_path, [samples[4]], HashingEmbedder())
    index = SearchIndex.open(tmp_path, read_only=True)
    stored = index.chunks(range(1, len(chunks) + 1))
    assert sorted(stored, key=lambda c: c.id) == sorted(chunks, key=lambda c: c.id)
    assert all(isinstance(c.units, tuple) for c in stored)
    assert dataclasses.asdict(stored[0]).keys() == dataclasses.asdict(chunks[0]).keys()
