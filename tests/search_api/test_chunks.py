"""Chunks of the sample documents: spans that point into the source, labelled task rows, bounded sizes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.pipeline import extract_text
from ingest.read import read_file
from ingest.records import Extraction
from kg.build import document_iri
from search_api.chunks import MAX_WORDS, MIN_WORDS, Chunk, chunks_of, document_year, task_text
from search_api.keywords import folded_syllables
from tests.helpers import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
_ID = re.compile(r"^[0-9a-f]{12}:\d+-\d+:(section|task|target)$")


@pytest.fixture(scope="module")
def documents() -> list[tuple[Extraction, str, list[Chunk]]]:
    out = []
    for path in SAMPLE_FILES:
        text = read_file(path, max_bytes=10**8).text
        document = extract_text(text, source=str(path))
        out.append((document.extraction, text, chunks_of(document)))
    return out


def _starts_with_words(source_span: str, text: str, n: int = 3) -> bool:
    """The span's first syllables are the text's (markup and punctuation in the source are ignored)."""
    want = folded_syllables(text)[:n]
    return folded_syllables(source_span)[: len(want)] == want


def test_every_sample_has_all_three_kinds_somewhere(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    kinds = {c.kind for _, _, chunks in documents for c in chunks}
    assert kinds == {"section", "task", "target"}
    assert all(chunks for _, _, chunks in documents)


def test_offsets_point_at_the_chunk_in_the_source(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    for _, text, chunks in documents:
        for c in chunks:
            assert 0 <= c.start < c.end <= len(text)
            span = text[c.start : c.end]
            if c.kind == "task" or " | " in c.display:
                # a table row may open with its group cell or number; its first value's words are inside the span
                value = c.display.split(" | ")[0].split(": ", 1)[-1]
                assert " ".join(folded_syllables(value)[:4]) in " ".join(folded_syllables(span)), c.id
            else:
                assert _starts_with_words(span, c.display), (c.id, span[:80], c.display[:80])


def test_ids_are_stable_unique_and_well_formed(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    for extraction, text, chunks in documents:
        ids = [c.id for c in chunks]
        assert len(ids) == len(set(ids))
        assert all(_ID.match(i) for i in ids)
        assert all(i.startswith(extraction.document.sha256[:12]) for i in ids)
        assert [c.id for c in chunks_of(extract_text(text, source=extraction.source))] == ids  # deterministic


def test_every_table_task_row_is_one_task_chunk(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    total = 0
    for extraction, _, chunks in documents:
        task_chunks = {(c.start, c.end): c for c in chunks if c.kind == "task"}
        table_tasks = [t for t in extraction.tasks if t.origin == "table"]
        total += len(table_tasks)
        assert len(task_chunks) == len(table_tasks)
        for task in table_tasks:
            chunk = task_chunks[(task.start, task.end)]
            assert chunk.text == task_text(task)
            assert chunk.area == task.area
            assert {a.id for a in (*task.lead, *task.cooperate)} <= set(chunk.units)
    assert total > 50  # the samples hold over a hundred task rows: this test must not pass vacuously


def test_task_chunks_name_their_columns(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    tasks = [c for _, _, chunks in documents for c in chunks if c.kind == "task"]
    assert all(c.text.startswith("Nhiệm vụ: ") for c in tasks)
    assert sum("| Chủ trì: " in c.text for c in tasks) >= 0.9 * len(tasks)
    assert any("| Phối hợp: " in c.text and "| Thời hạn: " in c.text and "| Sản phẩm: " in c.text for c in tasks)


def test_targets_are_their_sentences(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    for extraction, _, chunks in documents:
        spans = {(t.start, t.end) for t in extraction.targets}
        targets = [c for c in chunks if c.kind == "target"]
        assert {(c.start, c.end) for c in targets} == spans  # one chunk per sentence, repeats merged


def test_sections_stay_small_enough_for_the_encoder(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    sections = [c for _, _, chunks in documents for c in chunks if c.kind == "section"]
    assert all(len(c.display.split()) <= MAX_WORDS for c in sections)
    # merging keeps fragments rare: a lone short paragraph survives only where nothing follows it in its section
    short = [c for c in sections if len(c.display.split()) < MIN_WORDS]
    assert len(short) < 0.1 * len(sections)


def test_sections_carry_their_heading_path_and_area(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    chunks = next(ch for e, _, ch in documents if e.source.endswith("000_c4c1da0f57cfd92b.txt"))
    iso = next(c for c in chunks if c.kind == "section" and "ISO 9001:2015 vào hoạt động" in c.display)
    assert iso.text.startswith("NỘI DUNG > Xây dựng và phát triển Chính quyền điện tử, Chính quyền số\n")
    assert iso.area == "chinh-quyen-so"
    assert iso.section == "II.6"


def test_document_facts_are_on_every_chunk(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    for extraction, _, chunks in documents:
        meta = extraction.document
        for c in chunks:
            assert c.source == extraction.source
            assert c.document == str(document_iri(extraction))
            assert (c.province, c.doc_kind, c.year) == (meta.province, meta.kind, document_year(extraction))


def test_units_are_those_mentioned_in_the_span(documents: list[tuple[Extraction, str, list[Chunk]]]) -> None:
    for extraction, _, chunks in documents:
        names = {u.id: u for u in extraction.units}
        for c in chunks:
            if c.kind != "section":
                continue
            for unit_id in c.units:
                unit = names.get(unit_id)
                mentioned = unit is not None and any(c.start <= m.start and m.end <= c.end for m in unit.mentions)
                responsible = any(
                    unit_id in {a.id for a in (*t.lead, *t.cooperate)}
                    for t in extraction.tasks
                    if t.start < c.end and t.end > c.start
                )
                assert mentioned or responsible, (c.id, unit_id)


def test_long_paragraphs_split_at_sentences_and_short_ones_merge() -> None:
    sentence = "Các cơ quan, đơn vị tăng cường kiểm tra việc giải quyết thủ tục hành chính trên địa bàn tỉnh"
    long_paragraph = ". ".join(f"{sentence} lần {i}" for i in range(30)) + "."
    text = f"KẾ HOẠCH\nCải cách hành chính năm 2024\nI. MỤC TIÊU\n{long_paragraph}\n- Ngắn.\n- Cũng ngắn.\n"
    chunks = chunks_of(extract_text(text, source="synthetic.txt"))
    body = [c for c in chunks if c.kind == "section" and "lần" in c.display]
    assert len(body) >= 5
    assert all(len(c.display.split()) <= MAX_WORDS for c in body)
    assert all(c.display.rstrip().endswith(".") for c in body[:-1])  # cut at sentence ends
    for c in body:
        assert text[c.start : c.end] == c.display or text[c.start : c.end].startswith(c.display[:40])
    starts = [c.start for c in body]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    merged = [c for c in chunks if "Ngắn." in c.display]
    assert len(merged) == 1 and "Cũng ngắn." in merged[0].display


def test_offsets_survive_normalisation_of_messy_sources(tmp_path: Path) -> None:
    """Markdown emphasis, CRLF line ends and hard-wrapped lines: spans still open on the paragraph."""
    text = (
        "**KẾ HOẠCH**\r\n\r\n**I. MỤC TIÊU**\r\n\r\n*Đẩy mạnh chuyển đổi số trong giải quyết thủ tục hành chính,*\r\n"
        "*nâng cao tỷ lệ hồ sơ trực tuyến toàn trình trên Cổng Dịch vụ công quốc gia.*\r\n"
    )
    chunks = chunks_of(extract_text(text, source="messy.txt"))
    chunk = next(c for c in chunks if "chuyển đổi số" in c.display)
    assert _starts_with_words(text[chunk.start : chunk.end], chunk.display, n=8)
    assert text[chunk.start : chunk.end].rstrip("*\r\n").endswith("quốc gia.")
