"""Header facts and section tree (`ingest.structure.parse_document`), on the seeds and on synthetic layouts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import normalize
from ingest.records import DocumentMeta, Section
from ingest.structure import _trim_heading, parse_document
from tests.helpers import SAMPLES

SEEDS = sorted(p.name for p in SAMPLES.glob("*.txt"))


def parse(text: str, source: str = "t.txt") -> tuple[DocumentMeta, tuple[Section, ...]]:
    return parse_document(normalize(text).text, source=source, sha256="0" * 64)


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[DocumentMeta, tuple[Section, ...]]]:
    return {name: parse((SAMPLES / name).read_text(encoding="utf-8"), name) for name in SEEDS}


# ------------------------------------------------------------------------------------------- seeds vs gold

# Issuer / signer title as the gold describes them, without the gold's explanatory brackets.
ISSUERS = {
    "000": "Văn phòng Ủy ban nhân dân tỉnh Sóc Trăng",
    "001": "Ủy ban nhân dân tỉnh Sóc Trăng",
    "002": "Sở Nội vụ tỉnh Đồng Nai",
    "003": "Ủy ban nhân dân thị xã Ngã Năm",
    "004": "Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Long",
}
SCOPES = {
    "000": "vn.soc-trang",
    "001": "vn.soc-trang",
    "002": "vn.dong-nai",
    "003": "vn.soc-trang.tx-nga-nam",
    "004": "vn.vinh-long",
}
TEMPLATES = {"000": "/KH-VPUBND", "001": None, "002": "/KH-SNV", "003": None, "004": "/QĐ-UBND"}
MODES = {"000": None, "001": None, "002": "KT.", "003": "TM.", "004": "KT."}


def _gold_date(doc: dict[str, Any]) -> str | None:
    date = doc["date"]
    return None if date is None else date.get("iso") or date.get("iso_partial")


@pytest.mark.parametrize("name", SEEDS)
def test_seed_metadata_matches_gold(name: str, seeds: dict[str, Any], seeds_gold: dict[str, Any]) -> None:
    gold = seeds_gold[name]["document"]
    meta, _ = seeds[name]
    key = name[:3]
    assert meta.kind == gold["type"]
    assert meta.number == gold["number"]
    assert meta.notation_template == TEMPLATES[key]
    assert meta.issuer == ISSUERS[key]
    assert meta.province == gold["province"]
    assert meta.district == gold.get("locality")
    assert meta.scope == SCOPES[key]
    assert meta.date == _gold_date(gold)
    assert meta.year_covered == gold["year_covered"]
    assert meta.title == gold["title"]
    assert meta.signer == (gold["signer"]["name"] if gold["signer"] else None)
    if gold["signer"]:
        assert meta.signer_title is not None and gold["signer"]["title"].startswith(meta.signer_title)
    assert meta.signing_mode == MODES[key]


@pytest.mark.parametrize("name", SEEDS)
def test_seed_recipients(name: str, seeds: dict[str, Any], seeds_gold: dict[str, Any]) -> None:
    gold = seeds_gold[name]["document"]
    expected = gold.get("recipients") or gold.get("recipients_cc")
    got = seeds[name][0].recipients
    assert len(got) == len(expected)
    # the gold glosses abbreviations ("LDVP (Lãnh đạo Văn phòng)") and typos ("Công [Cổng]"); 001 ends "VT.*Nhật*"
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.startswith(re.sub(r" [\[(][^\])]*[\])]", "", theirs))


def test_place_and_date_text(seeds: dict[str, Any]) -> None:
    meta, _ = seeds["000_c4c1da0f57cfd92b.txt"]
    assert (meta.place, meta.date_text) == ("Sóc Trăng", "Sóc Trăng, ngày tháng 01 năm 2024")
    meta, _ = seeds["001_fe3bcb04caaad112.txt"]
    assert (meta.place, meta.date, meta.date_text) == ("Sóc Trăng", "2021-09-24", "Sóc Trăng, ngày 24 tháng 9 năm 2021")
    meta, _ = seeds["003_a521161aeb0064af.txt"]
    assert (meta.place, meta.date, meta.date_text) == (None, None, None)  # header block missing: nothing invented


# Reform-area sections per seed: (path of the parent, areas in order).
SEVEN = ["the-che", "tthc", "to-chuc-bo-may", "cong-vu", "tai-chinh-cong", "chinh-quyen-so", "chi-dao-dieu-hanh"]
EIGHT = ["chi-dao-dieu-hanh", *SEVEN[:-1], "tac-dong"]
AREA_SECTIONS = {"000": ("II", SEVEN), "002": ("II", SEVEN), "003": ("II", SEVEN), "004": ("II", EIGHT)}


@pytest.mark.parametrize("key", sorted(AREA_SECTIONS))
def test_reform_area_sections(key: str, seeds: dict[str, Any]) -> None:
    name = next(n for n in SEEDS if n.startswith(key))
    parent, areas = AREA_SECTIONS[key]
    _, sections = seeds[name]
    children = [s for s in sections if s.path.rsplit(".", 1)[0] == parent and s.path.count(".") == 1]
    assert [s.area for s in children] == areas
    assert [s.path for s in children] == [f"{parent}.{i}" for i in range(1, len(areas) + 1)]


def test_areas_are_inherited_and_not_invented(seeds: dict[str, Any]) -> None:
    _, sections = seeds["002_d0cae71e4e4777ba.txt"]
    by_path = {s.path: s for s in sections}
    assert by_path["II.2.2.b"].area == "tthc"  # II.2 Cải cách TTHC > 2.2 Nhiệm vụ > b)
    assert by_path["II.2.2"].heading == "Nhiệm vụ"
    assert by_path["I"].area is None and by_path["V"].area is None
    _, sections = seeds["001_fe3bcb04caaad112.txt"]
    assert all(s.area is None for s in sections)  # a công văn by addressee, no area headings
    assert [s.path for s in sections if s.level == 1] == [str(i) for i in range(1, 11)]


def test_seed_004_decision_plan_and_appendix(seeds: dict[str, Any]) -> None:
    _, sections = seeds["004_bf7d911f24922af4.txt"]
    top = [s.path for s in sections if s.level == 1]
    assert top == ["D1", "D2", "D3", "I", "II", "III", "IV", "PL"]
    by_path = {s.path: s for s in sections}
    assert by_path["III.1"].heading == "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố"
    assert len([p for p in by_path if p.startswith("III.") and p.count(".") == 1]) == 11
    assert by_path["II.1.đ"].area == "chi-dao-dieu-hanh"
    assert by_path["PL"].heading == "Nhiệm vụ cải cách hành chính năm 2023"
    assert by_path["PL.II"].area == "the-che" and by_path["PL.VII"].area == "chinh-quyen-so"


def test_seed_002_two_appendices(seeds: dict[str, Any]) -> None:
    _, sections = seeds["002_d0cae71e4e4777ba.txt"]
    appendices = [s for s in sections if s.path.startswith("PL") and s.level == 1]
    assert [(s.path, s.heading) for s in appendices] == [
        ("PLI", "NHIỆM VỤ CỤ THỂ THỰC HIỆN CẢI CÁCH HÀNH CHÍNH NĂM 2022"),
        ("PLII", "NHIỆM VỤ CỤ THỂ THỰC HIỆN CẢI CÁCH TTHC"),
    ]


@pytest.mark.parametrize("name", SEEDS)
def test_section_spans_nest(name: str, seeds: dict[str, Any]) -> None:
    _, sections = seeds[name]
    text = normalize((SAMPLES / name).read_text(encoding="utf-8")).text
    assert sections
    for i, sec in enumerate(sections):
        assert 0 <= sec.start < sec.end <= len(text)
        assert text[sec.start - 1] == "\n" or sec.start == 0  # a section starts at a line start
        nxt = next((s for s in sections[i + 1 :] if s.level <= sec.level), None)
        assert sec.end == (nxt.start if nxt else len(text))
        children = [s for s in sections[i + 1 :] if s.path.startswith(sec.path + ".")]
        assert all(sec.start < c.start and c.end <= sec.end for c in children)
    assert len({s.path for s in sections}) == len(sections)


# ------------------------------------------------------------------------------------------- synthetic layouts

DOCX_PLAN = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH BẾN TRE\tĐộc lập - Tự do - Hạnh phúc
Số: 125/KH-UBND\tBến Tre, ngày 12 tháng 01 năm 2023
KẾ HOẠCH
Cải cách hành chính năm 2023
trên địa bàn tỉnh Bến Tre
I. MỤC TIÊU, YÊU CẦU
1. Mục tiêu
Nâng cao hiệu quả.
II. NHIỆM VỤ
1. Cải cách thể chế
a) Rà soát văn bản.
2. Cải cách thủ tục hành chính
Nơi nhận:\tKT. CHỦ TỊCH
- Bộ Nội vụ;\tPHÓ CHỦ TỊCH
- Lưu: VT.\t
\tNguyễn Văn An
"""

CONG_VAN = """UBND TỈNH TRÀ VINH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NỘI VỤ\tĐộc lập - Tự do - Hạnh phúc
Số: 1234/SNV-CCHC\tTrà Vinh, ngày 05 tháng 6 năm 2022
V/v hướng dẫn xây dựng kế hoạch
cải cách hành chính năm 2023
Kính gửi: Các cơ quan, đơn vị.
Sở Nội vụ đề nghị các cơ quan thực hiện.
Nơi nhận:
- Như trên;
- Lưu: VT, CCHC.
GIÁM ĐỐC
Trần Thị Bình
"""

DISTRICT_DECISION = """ỦY BAN NHÂN DÂN
HUYỆN CHÂU THÀNH
Số: 45/QĐ-UBND
Châu Thành, ngày 3 tháng 2 năm 2023
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch cải cách hành chính năm 2023
ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH
Căn cứ Kế hoạch số 10/KH-UBND ngày 5/1/2023 của Ủy ban nhân dân tỉnh Sóc Trăng;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
LÊ VĂN CƯỜNG
PHỤ LỤC
DANH MỤC NHIỆM VỤ
(Kèm theo Quyết định số 45/QĐ-UBND ngày 03/02/2023 của Ủy ban nhân dân huyện Châu Thành)
STT\tNhiệm vụ\tĐơn vị chủ trì
I\tCải cách thể chế\t
1\tRà soát văn bản\tPhòng Tư pháp
"""


def test_docx_header_with_tab_columns() -> None:
    meta, sections = parse(DOCX_PLAN)
    assert meta.kind == "Kế hoạch" and meta.number == "125/KH-UBND" and meta.notation_template is None
    assert meta.issuer == "Ủy ban nhân dân tỉnh Bến Tre"
    assert (meta.province, meta.scope, meta.place, meta.date) == ("Bến Tre", "vn.ben-tre", "Bến Tre", "2023-01-12")
    assert meta.title == "Cải cách hành chính năm 2023 trên địa bàn tỉnh Bến Tre" and meta.year_covered == 2023
    assert (meta.signer, meta.signer_title, meta.signing_mode) == ("Nguyễn Văn An", "Phó Chủ tịch", "KT.")
    assert meta.recipients == ("Bộ Nội vụ", "Lưu: VT")
    assert [(s.path, s.area) for s in sections] == [
        ("I", None), ("I.1", None), ("II", None), ("II.1", "the-che"), ("II.1.a", "the-che"), ("II.2", "tthc"),
    ]  # fmt: skip


def test_cong_van_of_a_department() -> None:
    meta, _ = parse(CONG_VAN)
    assert meta.kind == "Công văn" and meta.number == "1234/SNV-CCHC"
    assert meta.issuer == "Sở Nội vụ tỉnh Trà Vinh" and meta.scope == "vn.tra-vinh"
    assert meta.title == "V/v hướng dẫn xây dựng kế hoạch cải cách hành chính năm 2023"
    assert meta.date == "2022-06-05"
    assert (meta.signer, meta.signer_title, meta.signing_mode) == ("Trần Thị Bình", "Giám đốc", None)
    assert meta.recipients == ("Như trên", "Lưu: VT, CCHC")


def test_district_decision_with_appendix() -> None:
    meta, sections = parse(DISTRICT_DECISION)
    assert meta.kind == "Quyết định" and meta.number == "45/QĐ-UBND"
    assert meta.issuer == "Ủy ban nhân dân huyện Châu Thành"
    assert (meta.province, meta.district, meta.scope) == ("Sóc Trăng", "huyện Châu Thành", "vn.soc-trang.h-chau-thanh")
    assert meta.place == "Châu Thành" and meta.date == "2023-02-03"
    assert meta.title == "Về việc ban hành Kế hoạch cải cách hành chính năm 2023"
    assert (meta.signer, meta.signer_title, meta.signing_mode) == ("Lê Văn Cường", "Chủ tịch", "TM.")
    assert [s.path for s in sections] == ["D1", "D2", "PL"]
    assert sections[-1].heading == "DANH MỤC NHIỆM VỤ"


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("I. MỤC TIÊU", "I"),
        ("IV - TỔ CHỨC THỰC HIỆN", "IV"),
        ("1. Mục tiêu", "1"),
        ("1.2. Nhiệm vụ", "1.2"),
        ("1.2 Nhiệm vụ", "1.2"),
        ("a) Rà soát", "a"),
        ("đ) Rà soát", "đ"),
        ("Điều 3. Hiệu lực", "D3"),
        ("PHỤ LỤC II", "PLII"),
        ("Phụ lục 2: Danh mục", "PL2"),
    ],
)
def test_heading_markers(line: str, path: str) -> None:
    _, sections = parse(f"KẾ HOẠCH\nCải cách hành chính\n{line}\nNội dung.\n")
    assert [s.path for s in sections] == [path]


@pytest.mark.parametrize(
    "line",
    [
        "I\tCải cách thể chế\t\t",  # table group row
        "1\tRà soát văn bản\tPhòng Tư pháp",  # table row
        "2030 và định hướng",
        "19/12/2023 là ngày ban hành",
        "V/v báo cáo",
        "(Theo phụ lục chi tiết đính kèm)",
        "Phụ lục kèm theo gồm các nội dung sau.",
        "- Rà soát văn bản",
        "3,5 tỷ đồng",
        "1.000 người được tập huấn",
    ],
)
def test_not_headings(line: str) -> None:
    _, sections = parse(f"KẾ HOẠCH\nCải cách hành chính\n{line}\nNội dung.\n")
    assert sections == ()


def test_empty_and_headerless_text() -> None:
    meta, sections = parse("")
    assert sections == () and meta.kind is None and meta.scope == "vn._" and meta.recipients == ()
    meta, _ = parse("Một đoạn văn bản không có tiêu đề.\n")
    assert meta.kind is None and meta.issuer is None and meta.signer is None


def _heading_by_whole_scan(rest: str) -> str:
    """The heading cut the plain way (the first ':' / ';' / '. ' of the whole paragraph), as the reference."""
    whole = rest.rstrip(" .;")
    if len(whole) <= 150 and ":" not in whole:
        heading = whole
    else:
        cut_at = re.search(r":|;|\.(?:\s|$)", rest)
        heading = rest[: cut_at.start()] if cut_at else rest
    if len(heading) > 150:
        heading = heading[:150].rsplit(" ", 1)[0]
    return heading.strip(" .,-")


HEADING_PIECES = ["Triển khai", " ", "thực hiện", ":", ";", ".", ". ", "x" * 40, "các nhiệm vụ", "-", ","]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(HEADING_PIECES), max_size=40).map("".join), st.text("ab :;.", max_size=170)))
def test_a_heading_is_cut_as_by_a_scan_of_the_whole_paragraph(text: str) -> None:
    rest = " ".join(text.split()) or "x"  # single-spaced, as a heading line is after normalising
    assert _trim_heading(rest) == (_heading_by_whole_scan(rest), None)


@pytest.mark.parametrize("at", range(140, 156))
@pytest.mark.parametrize("cut", [":", ";", ". ", ".x", "."])
def test_a_heading_cut_near_the_length_limit(at: int, cut: str) -> None:
    rest = ("ab " * 60)[:at].rstrip() + cut + " tiếp theo"
    assert _trim_heading(rest) == (_heading_by_whole_scan(rest), None)
