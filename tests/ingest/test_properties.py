"""Properties that hold for any input (Hypothesis): the readers fail only with their one-line `ReadError`, the
normaliser's offsets always map back into the source, the citation grammar and the whole extraction never raise
and every span they return lies inside the text they were given."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import notation as nt
from ingest.citations import CitingContext, find_citations
from ingest.deadlines import DEADLINE_PHRASE, deadline_in
from ingest.normalize import normalize
from ingest.pipeline import extract_text
from ingest.read import ReadError, decode_bytes, read_file

PIECES = [
    "Nghị định số 107/2020/NĐ-CP ngày 14/9/2020", "Kế hoạch 218/KH-UBND", "Luật Tổ chức chính quyền địa phương",
    "Quyết định số 2617/QĐ-UBND", "NĐ 61/2018", "Sở Nội vụ chủ trì", "phối hợp", "Thời hạn: Quý IV/2024",
    "\n", "\t", "  ", "**", "<b>", "</b>", "<br>", "&amp;", "Số:", "I.", "1.", "a)", "- ", "|", "/", "-", "\u00ad",
    "\u200b", "\r\n", "ỦY BAN NHÂN DÂN", "TỈNH VĨNH LONG", "năm 2025", "tỷ lệ 80%", "Điều 5", "khoản 2",
]  # fmt: skip
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=2000))
def test_decoding_any_bytes_gives_text_or_one_line(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except ValueError as err:
        assert "\n" not in str(err) and str(err)
    else:
        assert text.strip() and encoding


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(min_size=1, max_size=3000), st.sampled_from([".txt", ".html", ".md", ".docx", ".odt", ".pdf"]))
def test_reading_any_file_gives_text_or_one_read_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    path = folder / f"f{suffix}"
    path.write_bytes(data)
    try:
        decoded = read_file(path, max_bytes=1_000_000)
    except ReadError as err:
        assert err.reason and "\n" not in err.reason
    else:
        assert decoded.text.strip()


@FAST
@given(TEXTS)
def test_normalised_offsets_always_map_back_into_the_source(source: str) -> None:
    norm = normalize(source)
    n = len(norm.text)
    previous = 0
    for i in range(n + 1):
        offset = norm.source_offset(i)
        assert previous <= offset <= len(source)
        previous = offset
    for start in range(0, n, max(1, n // 7)):
        for end in (start, min(n, start + 5), n):
            a, b = norm.source_span(start, end)
            assert 0 <= a <= b <= len(source)


@FAST
@given(TEXTS)
def test_citations_of_any_text_lie_inside_it(text: str) -> None:
    for citation in find_citations(text, CitingContext()):
        assert 0 <= citation.start < citation.end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXTS.filter(str.strip))
def test_extraction_of_any_text_returns_records_with_source_spans(source: str) -> None:
    extraction = extract_text(source, source="/tmp/any.txt").extraction
    for record in (*extraction.citations, *extraction.tasks, *extraction.targets, *extraction.sections):
        assert 0 <= record.start <= record.end <= len(source), dataclasses.asdict(record)
    for unit in extraction.units:
        for mention in unit.mentions:
            assert 0 <= mention.start <= mention.end <= len(source)


CUE_PIECES = [
    "theo", "xet", "de nghi cua", "tai", "da sua doi, bo sung", "duoc thay the boi", "bi bai bo", "huong dan thi hanh",
    "quy dinh chi tiet", "can cu", "can cu vao", "to chuc trien khai thuc hien", "cu the hoa", "quan triet",
    "theo doi", "tren co so", "theo tinh than", " ", ", ", "-", "x", "b", "Theo", "ATai", "9", "\n",
]  # fmt: skip


@FAST
@given(st.lists(st.one_of(st.sampled_from(CUE_PIECES), st.text(alphabet="abcdhqstxz _.", max_size=6)), max_size=40))
def test_last_cue_is_the_last_match_of_the_cue_pattern(pieces: list[str]) -> None:
    folded = "".join(pieces)
    expected = None
    for expected in nt.CUE_RE.finditer(folded):  # noqa: B007 - the last one is the answer
        pass
    found = nt.last_cue(folded)
    assert (found and found.span()) == (expected and expected.span())
    assert (found and found.lastgroup) == (expected and expected.lastgroup)


DEADLINE_PIECES = [
    "truoc ngay 30/6", "cham nhat ngay 15 thang 12 nam 2025", "trong thoi han 05 ngay lam viec ke tu ngay nhan",
    "hoan thanh trong quy iv/2025", "den nam 2030", "tu thang 3", "xong truoc ngay 1/7", "thang 10/2025.",
    "319-kh/tu ngay 5/3", "cham nhat 10 ngay", "quy 2 nam 2026;", "6 thang dau nam", " ", ", ", "/", "-", "x",
    "atruoc ngay 1/1", "9", "\n",
]  # fmt: skip


@FAST
@given(st.lists(st.one_of(st.sampled_from(DEADLINE_PIECES), st.text(alphabet="cdhnqtx0123 /-.;", max_size=6))))
def test_deadline_in_is_the_search_of_the_deadline_pattern(pieces: list[str]) -> None:
    folded = "".join(pieces)
    found, expected = deadline_in(folded), DEADLINE_PHRASE.search(folded)
    assert (found and found.span()) == (expected and expected.span())
