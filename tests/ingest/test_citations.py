"""Citation finder: the 153 spec cases (eyecite style), the five seeds scored like score_citations.py, units."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.citations import CitingContext, acts_on_parent, find_citations
from ingest.normalize import normalize
from ingest.places import scope_for
from ingest.records import Citation, Section
from ingest.structure import parse_document
from tests.helpers import SAMPLES, shared_dir

_CASES_FILE = shared_dir() / "docs" / "citation_cases.json"
CASES: list[dict[str, Any]] = (
    json.loads(_CASES_FILE.read_text(encoding="utf-8"))["cases"] if _CASES_FILE.exists() else []
)


def _context(case: dict[str, Any]) -> CitingContext:
    ctx = case["context"]
    return CitingContext(
        scope=ctx.get("citing_scope") or "vn._", level=ctx.get("citing_level"), date=ctx.get("citing_date")
    )


def _run(case: dict[str, Any]) -> tuple[Citation, ...]:
    return find_citations(normalize(case["text"]).text, _context(case))


def _expected(case: dict[str, Any]) -> list[dict[str, Any]]:
    """Mentions that are citations: the host's own "Số:" header (role self) must never be one."""
    return [e for e in case["expected"] if e.get("role", "citation") == "citation"]


def _matches(got: Citation, exp: dict[str, Any]) -> bool:
    notation_ok = got.notation == exp["notation"] or (got.family == "law_by_name" and got.notation is None)
    return got.cid == exp["cid"] and notation_ok and got.date == exp["date"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    got = _run(case)
    expected = _expected(case)
    if not expected:
        assert got == (), f"expected nothing, got {[c.text for c in got]}"
        return
    for exp in expected:
        assert any(_matches(g, exp) for g in got), f"missing {exp['cid']} in {[(g.cid, g.date) for g in got]}"
    # the host's own header never shows up as a citation
    for exp in case["expected"]:
        if exp.get("role") == "self":
            assert all(g.notation != exp["notation"] for g in got)


def test_case_summary(citation_cases: list[dict[str, Any]]) -> None:
    assert len(CASES) == len(citation_cases) == 153
    positives = hits = 0
    negatives_failed = []
    for case in CASES:
        got = _run(case)
        expected = _expected(case)
        if not expected and got:
            negatives_failed.append(case["id"])
        positives += len(expected)
        hits += sum(any(_matches(g, e) for g in got) for e in expected)
    assert not negatives_failed
    assert hits / positives >= 0.97, f"{hits}/{positives}"


# ------------------------------------------------------------------------------------------------ seeds


def _seed_context(doc: dict[str, Any]) -> CitingContext:
    """Context from the gold header (structure.py owns the real one)."""
    raw = doc.get("date")
    date = (raw.get("iso_partial") or raw.get("iso")) if isinstance(raw, dict) else None
    scope = scope_for(doc.get("province"), doc.get("locality"))
    template = re.search(r"/[\w-]+", doc.get("number_as_printed") or "")
    return CitingContext(
        scope=scope, level="district" if scope.count(".") > 1 else "province", date=date,
        own_notation=template.group() if template else None, plan_year=doc.get("year_covered"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def seed_runs(seeds_gold: dict[str, Any]) -> dict[str, tuple[Citation, ...]]:
    out = {}
    for name, doc in seeds_gold.items():
        if not name.startswith("_"):
            text = normalize((SAMPLES / name).read_text(encoding="utf-8")).text
            out[name] = find_citations(text, _seed_context(doc["document"]))
    return out


def test_seed_anomaly_flags(seed_runs: dict[str, tuple[Citation, ...]]) -> None:
    by_file = {name[:3]: cits for name, cits in seed_runs.items()}
    typo = [c for c in by_file["002"] if c.notation == "73/NQ-CP"]
    assert typo and "suspected_typo" in typo[0].flags and typo[0].cid == "vn/nghi-quyet/73_nq-cp/2021"
    assert any(c.notation == "218/KH-UBND" and c.year == 2024 and "future_citation" in c.flags for c in by_file["003"])
    assert all("date_conflict" in c.flags for c in by_file["004"] if c.notation == "106/2020/NĐ-CP")
    assert any(c.notation == "30/2020/NĐ-CP" and "suspected_date_error" in c.flags for c in by_file["002"])
    # consecutive numbers of one day are not typos of each other
    assert all("suspected_typo" not in c.flags for c in by_file["004"])


def test_seed_nesting_and_relations(seed_runs: dict[str, tuple[Citation, ...]]) -> None:
    cits = {name[:3]: c for name, c in seed_runs.items()}["000"]
    amended = next(c for c in cits if c.notation == "24/2014/NĐ-CP")
    assert amended.relation == "sua_doi_bo_sung" and amended.nested_in is not None
    assert cits[amended.nested_in].notation == "107/2020/NĐ-CP"
    assert cits[0].relation == "thuc_hien" and cits[0].cue == "Thực hiện"


_SENTENCE_BREAK = re.compile(r"[\n\t]|\.[ ](?=[A-ZĐ])")


@pytest.fixture(scope="module")
def sample_runs() -> dict[str, tuple[str, tuple[Citation, ...]]]:
    """Normalised text and citations of every sample, read with the document's own header (no gold needed)."""
    out = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        meta, sections = parse_document(text, source=path.name, sha256="")
        out[path.name] = (text, find_citations(text, CitingContext.from_meta(meta), sections))
    return out


def test_nested_in_indexes_the_returned_tuple(sample_runs: dict[str, tuple[str, tuple[Citation, ...]]]) -> None:
    """`nested_in` is an index into the final (text-ordered) tuple: the parent starts first, in the same sentence."""
    nested = 0
    for name, (text, cits) in sample_runs.items():
        assert [c.start for c in cits] == sorted(c.start for c in cits), name
        for i, cit in enumerate(cits):
            if cit.nested_in is None:
                continue
            nested += 1
            parent = cits[cit.nested_in]
            assert cit.nested_in < i and parent.start < cit.start, (name, i, cit.text, parent.text)
            assert not _SENTENCE_BREAK.search(text, parent.start, cit.start), (name, i, cit.text, parent.text)
            assert parent.end >= cit.end or parent.end <= cit.start, (name, i, cit.text, parent.text)
    assert nested >= 20


def test_nesting_matches_gold(seed_runs: dict[str, tuple[Citation, ...]], seeds_gold: dict[str, Any]) -> None:
    """Gold lists the seeds' citations in text order, as we do: nesting and its direction agree one by one."""
    for name, cits in seed_runs.items():
        gold = seeds_gold[name]["citations"]
        assert len(cits) == len(gold), name
        for i, (got, exp) in enumerate(zip(cits, gold, strict=True)):
            want = exp["nested_in"] - 1 if exp.get("nested_in") else None
            assert got.nested_in == want, (name, i, got.text, got.nested_in, want)
            reversed_edge = exp.get("nested_role") == "amends_parent"
            assert acts_on_parent(got) == reversed_edge, (name, i, got.text)


# ------------------------------------------------------------------------------------------------ units

CTX = CitingContext(scope="vn.soc-trang", level="province", date="2024-03-01")


def _one(text: str, ctx: CitingContext = CTX) -> Citation:
    got = find_citations(text, ctx)
    assert len(got) == 1, [c.text for c in got]
    return got[0]


@pytest.mark.parametrize(
    ("text", "relation", "cue"),
    [
        ("Căn cứ Nghị định số 30/2020/NĐ-CP;", "can_cu", "Căn cứ"),
        ("Triển khai thực hiện Kế hoạch số 12/KH-UBND ngày 02/01/2024", "thuc_hien", "Triển khai thực hiện"),
        ("thực hiện theo quy định tại Thông tư số 40/2017/TT-BTC", "theo", "theo quy định tại"),
        (
            "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV",
            "de_nghi",
            "Theo đề nghị của Giám đốc Sở Nội vụ tại",
        ),
        ("Quyết định này thay thế Quyết định số 12/2020/QĐ-UBND", "thay_the", "thay thế"),
        ("bãi bỏ Quyết định số 12/2020/QĐ-UBND", "bai_bo", "bãi bỏ"),
        ("theo dõi việc thực hiện Nghị định số 30/2020/NĐ-CP", "thuc_hien", "thực hiện"),
        ("Nghị định số 30/2020/NĐ-CP", "cites", None),
    ],
)
def test_relation_cues(text: str, relation: str, cue: str | None) -> None:
    cit = _one(text)
    assert (cit.relation, cit.cue) == (relation, cue)


@pytest.mark.parametrize(
    "text",
    [
        "Số: 218/KH-UBND",
        "Kế hoạch số …/KH-UBND ngày …",
        "đạt 102/127 TTHC, tương đương 80.3%",
        "theo tiêu chuẩn ISO 9001:2015 và TCVN 6909:2001",
        "Hotline 1900.1234; email a/b-c@x.vn",
        "Quý II/2024, tháng 12/2023, ngày 19/12/2023",
        "Nghị định số 30/2020/NĐ-CP ngày\t05/3/2020",  # the date is in the next cell: not this one's
    ],
)
def test_not_citations_or_no_cell_crossing(text: str) -> None:
    got = find_citations(text, CTX)
    assert all(c.date is None for c in got)
    assert all(c.notation == "30/2020/NĐ-CP" for c in got)


def test_own_number_never_cited() -> None:
    ctx = CitingContext(scope="vn.soc-trang", level="province", own_notation="218/KH-UBND")
    assert find_citations("(Kèm theo Kế hoạch số 218/KH-UBND ngày 19/12/2023 của UBND tỉnh)", ctx) == ()


@pytest.mark.parametrize(
    ("text", "notation", "cid"),
    [
        ("Căn cứ Nghị định số 45/2020/NĐCP ngày 08/4/2020", "45/2020/NĐ-CP", "vn/nghi-dinh/45_2020_ndd-cp"),
        ("theo Quyết định số 123/QĐUBND ngày 5/3/2021", "123/QĐ-UBND", "vn.soc-trang/quyet-dinh/123_qdd-ubnd/2021"),
        ("Thông tư số 02/2017/TTVPCP ngày 31/10/2017", "02/2017/TT-VPCP", "vn/thong-tu/2_2017_tt-vpcp"),
        ("Quyết định số 468/QĐTTg ngày 27/3/2021", "468/QĐ-TTg", "vn/quyet-dinh/468_qdd-ttg/2021"),
        ("Nghị định 61/2018/NDCP", "61/2018/NĐ-CP", "vn/nghi-dinh/61_2018_ndd-cp"),
    ],
)
def test_lost_hyphen_is_restored_and_flagged(text: str, notation: str, cid: str) -> None:
    cit = _one(text)
    assert (cit.notation, cit.cid) == (notation, cid)
    assert "hyphen_restored" in cit.flags


@pytest.mark.parametrize(
    ("text", "notation"),
    [
        ("Công văn số 1234/UBND-VX ngày 05/3/2021", "1234/UBND-VX"),  # an issuer code, not a glued one
        ("Kế hoạch số 12/KH-SNV ngày 05/3/2021", "12/KH-SNV"),
        ("Thông báo số 88/TB-VPCP ngày 05/3/2021", "88/TB-VPCP"),
    ],
)
def test_hyphenated_and_issuer_codes_are_left_alone(text: str, notation: str) -> None:
    cit = _one(text)
    assert cit.notation == notation and "hyphen_restored" not in cit.flags


@pytest.mark.parametrize(
    "text",
    [
        "Căn cứ các Quyết định của UBND tỉnh: số 12/QĐ-UBND ngày 05/01/2024; số 34/QĐ-UBND ngày 10/02/2024 về việc",
        "các Quyết định: số 12/QĐ-UBND ngày 05/01/2024, số 34/QĐ-UBND ngày 10/02/2024 và số 56/QĐ-UBND",
        "Quyết định số 12/QĐ-UBND ngày 05/01/2024, Quyết định số 34/QĐ-UBND ngày 10/02/2024",
    ],
)
def test_list_continuations_give_every_item(text: str) -> None:
    got = [c.notation for c in find_citations(text, CTX)]
    assert got[:2] == ["12/QĐ-UBND", "34/QĐ-UBND"] and len(got) == (3 if "56/" in text else 2)


def test_a_title_wrapped_before_its_number_cites() -> None:
    """ "SỐ 55/…" opening a line is the document's own number only after a colon or without a kind noun above."""
    ctx = CitingContext(scope="vn.da-nang", level="province", own_notation="81/2025/QĐ-UBND")
    text = "Số:\n81/2025/QĐ-UBND\nQUYẾT ĐỊNH\nBÃI BỎ QUYẾT ĐỊNH\nSỐ 55/2014/QĐ-UBND NGÀY 31/12/2014 CỦA UBND"
    assert [(c.notation, c.date) for c in find_citations(text, ctx)] == [("55/2014/QĐ-UBND", "2014-12-31")]
    assert find_citations("ỦY BAN NHÂN DÂN\nSố 12/KH-UBND", CTX) == ()


def test_own_number_with_a_lost_hyphen_is_not_cited() -> None:
    ctx = CitingContext(scope="vn.soc-trang", level="province", own_notation="218/KH-UBND")
    assert find_citations("(Kèm theo Kế hoạch số 218/KHUBND ngày 19/12/2023 của UBND tỉnh)", ctx) == ()


def test_year_from_in_document_coreference() -> None:
    text = "Nghị quyết số 19-NQ/TU ngày 26/5/2020 của Tỉnh ủy.\nTriển khai Nghị quyết số 19-NQ/TU."
    later = find_citations(text, CTX)[1]
    assert later.year == 2020 and later.cid == "vn.soc-trang/nghi-quyet/19-nq_tu/2020"
    assert "year_from_context" in later.flags


def test_coordinated_date_not_over_own_year() -> None:
    got = find_citations("Nghị định số 113/2018/NĐ-CP và Nghị định số 143/2020/NĐ-CP ngày 10/12/2020", CTX)
    assert [c.date for c in got] == [None, "2020-12-10"]


def test_date_year_mismatch_and_future() -> None:
    cit = _one("Nghị định số 30/2020/NĐ-CP ngày 05/3/2021")
    assert "date_year_mismatch" in cit.flags
    assert "future_citation" in _one("Kế hoạch số 5/KH-UBND ngày 05/3/2025").flags


def test_sections_and_offsets() -> None:
    text = "I. Căn cứ\nCăn cứ Nghị định số 30/2020/NĐ-CP;"
    sections = (Section("I", "Căn cứ", 1, None, 0, len(text)),)
    cit = find_citations(text, CTX, sections)[0]
    assert cit.section == "I" and text[cit.start : cit.end] == "Nghị định số 30/2020/NĐ-CP"


def test_all_samples_in_one_text_still_yield_citations() -> None:
    text = "\n".join(normalize(p.read_text(encoding="utf-8")).text for p in sorted(Path(SAMPLES).glob("*.txt")))
    assert len(find_citations(text, CTX)) > 50


def _nesting(text: str) -> list[int | None]:
    return [c.nested_in for c in find_citations(text, CTX)]


def test_law_by_name_nested_index_after_numbered_citations() -> None:
    """Laws by name are found after the numbered pass: their nesting must still index the text-ordered result."""
    text = (
        "Căn cứ Nghị định số 30/2020/NĐ-CP;\nCăn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ "
        "và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;\nCăn cứ Nghị định số 107/2020/NĐ-CP;"
    )
    cits = find_citations(text, CTX)
    assert cits[0].notation == "30/2020/NĐ-CP"
    assert _nesting(text) == [None, None, 1, 1, None]


@pytest.mark.parametrize(
    ("text", "nesting"),
    [
        # co-objects of one governing cue, each with its own subject phrase: siblings, not nested
        (
            "đúng theo quy định tại Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ về sửa đổi, bổ sung "
            "một số điều của Nghị định số 24/2014/NĐ-CP ngày 04/4/2014 của Chính phủ quy định tổ chức các cơ quan "
            "chuyên môn thuộc Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương và Nghị định số 108/2020/NĐ-CP "
            "ngày 14/9/2020 của Chính phủ về sửa đổi, bổ sung một số điều của Nghị định số 37/2014/NĐ-CP",
            [None, 0, None, 2],
        ),
        (
            "theo Chương trình hành động số 22-CTr/TU ngày 02/01/2018 của Tỉnh ủy về việc thực hiện Nghị quyết số "
            "18-NQ/TW ngày 25/10/2017 Hội nghị lần thứ VI (khóa XII), Chương trình hành động số 23-CTr/TU ngày "
            "02/01/2018 của Tỉnh ủy về việc thực hiện Nghị quyết số 19-NQ/TW ngày 25/10/2017",
            [None, 0, None, 2],
        ),
        # objects joined right after the nested one (only "của <issuer>" between): they share its nesting
        (
            "Nghị định số 107/2020/NĐ-CP về sửa đổi, bổ sung Nghị định số 24/2014/NĐ-CP của Chính phủ và "
            "Nghị định số 37/2014/NĐ-CP",
            [None, 0, 0],
        ),
    ],
)
def test_siblings_versus_nested(text: str, nesting: list[int | None]) -> None:
    assert _nesting(text) == nesting


def test_passive_amendment_reverses_direction() -> None:
    """Passive "B, được sửa đổi, bổ sung tại A và C": A and C sit in B's phrase but act on B (spec §2.2)."""
    text = (
        "theo Nghị định số 108/2014/NĐ-CP ngày 20/11/2014 của Chính phủ về chính sách tinh giản biên chế, được "
        "sửa đổi, bổ sung tại Nghị định số 113/2018/NĐ-CP và Nghị định số 143/2020/NĐ-CP ngày 10/12/2020"
    )
    cits = find_citations(text, CTX)
    assert [c.nested_in for c in cits] == [None, 0, 0]
    assert [c.relation for c in cits] == ["theo", "sua_doi_bo_sung", "sua_doi_bo_sung"]
    assert [acts_on_parent(c) for c in cits] == [False, True, True]


@pytest.mark.parametrize(
    ("text", "reversed_edge"),
    [
        ("Nghị định số 24/2014/NĐ-CP được thay thế bởi Nghị định số 107/2020/NĐ-CP", True),
        ("Quyết định số 12/2020/QĐ-UBND bị bãi bỏ bởi Quyết định số 15/2021/QĐ-UBND", True),
        ("Nghị định số 107/2020/NĐ-CP về sửa đổi, bổ sung một số điều của Nghị định số 24/2014/NĐ-CP", False),
        ("Quyết định số 15/2021/QĐ-UBND về việc thay thế Quyết định số 12/2020/QĐ-UBND", False),
        ("Nghị định số 113/2018/NĐ-CP đã sửa đổi, bổ sung Nghị định số 108/2014/NĐ-CP", False),
    ],
)
def test_passive_cues_act_on_parent(text: str, reversed_edge: bool) -> None:
    cits = find_citations(text, CTX)
    assert cits[1].nested_in == 0
    assert acts_on_parent(cits[1]) is reversed_edge


def test_top_level_cues_never_act_on_a_parent() -> None:
    cits = find_citations("thực hiện theo quy định tại Nghị định số 30/2020/NĐ-CP", CTX)
    assert cits[0].nested_in is None and not acts_on_parent(cits[0])
