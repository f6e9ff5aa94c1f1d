"""The wired pipeline: source offsets, the document's own id, batch anomalies, bad files."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from ingest.normalize import normalize
from ingest.pipeline import _remap_unit, batch_of, extract_paths, extract_text, own_cid
from ingest.records import DocumentMeta, Unit, UnitMention
from tests.helpers import SAMPLES, cyclic_garbage

NUMBERED = """ỦY BAN NHÂN DÂN
TỈNH SÓC TRĂNG
Số: 218/KH-UBND
Sóc Trăng, ngày 19 tháng 12 năm 2023

**KẾ HOẠCH**
**Thực hiện cải cách hành chính năm 2024**

Căn cứ **Nghị định số 107/2020/NĐ-CP** ngày 14/9/2020 của Chính phủ;
"""


def test_numbered_document_gets_its_own_cid_and_is_not_its_own_citation() -> None:
    e = extract_text(NUMBERED, source="kh218.md").extraction
    assert e.document.number == "218/KH-UBND"
    assert e.document.cid == "vn.soc-trang/ke-hoach/218_kh-ubnd/2023"
    assert [c.notation for c in e.citations] == ["107/2020/NĐ-CP"]


def test_offsets_are_source_offsets_through_markup() -> None:
    e = extract_text(NUMBERED, source="kh218.md").extraction
    c = e.citations[0]
    assert NUMBERED[c.start : c.end].startswith("Nghị định số 107/2020/NĐ-CP")
    assert c.relation == "can_cu"


def test_unnumbered_draft_has_no_cid() -> None:
    meta = DocumentMeta(source="x", sha256="", kind="Kế hoạch", number=None, notation_template="/KH-VPUBND")
    assert own_cid(meta) is None


def test_same_plan_cited_with_two_years_is_flagged_across_documents(tmp_path: Path) -> None:
    body = "Thực hiện Kế hoạch số 218/KH-UBND ngày 19/12/{year} của Ủy ban nhân dân tỉnh Sóc Trăng về CCHC năm 2024.\n"
    (tmp_path / "a.txt").write_text("Sóc Trăng, ngày 05 tháng 01 năm 2024\n" + body.format(year=2023), encoding="utf-8")
    (tmp_path / "b.txt").write_text("Sóc Trăng, ngày 10 tháng 01 năm 2024\n" + body.format(year=2024), encoding="utf-8")
    done, failed = extract_paths([tmp_path])
    assert not failed
    flagged = {Path(d.source).name for d in done for a in d.extraction.anomalies if a.citations}
    assert "b.txt" in flagged


def test_a_relative_path_is_stored_as_its_canonical_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12, item 12: one file named from two working directories is one source."""
    (tmp_path / "sub").mkdir()
    doc = tmp_path / "sub" / "plan.txt"
    shutil.copy(SAMPLES / "004_bf7d911f24922af4.txt", doc)
    monkeypatch.chdir(tmp_path)
    from_top = extract_paths([Path("sub/plan.txt")]).documents[0].source
    monkeypatch.chdir(tmp_path / "sub")
    from_inside = extract_paths([Path("plan.txt")]).documents[0].source
    from_folder = extract_paths([Path(".")]).documents[0].source
    assert from_top == from_inside == from_folder == str(doc.resolve())


def test_a_missing_path_is_reported_as_missing(tmp_path: Path) -> None:
    """Issue 12, item 12: a missing folder had been reported as an unsupported file type."""
    failures = extract_paths([tmp_path / "no-such-folder", tmp_path / "gone.txt"]).failures
    assert [f.reason for f in failures] == ["no such file or folder"] * 2


def test_a_file_that_cannot_be_read_is_one_failure(tmp_path: Path) -> None:
    """Issue 12, defect 9: a file named on the command line that cannot be read is a failure of that file only;
    a pipe is never opened (reading it would block for ever)."""
    os.mkfifo(tmp_path / "pipe.txt")
    good = tmp_path / "good.txt"
    shutil.copy(SAMPLES / "004_bf7d911f24922af4.txt", good)
    batch = extract_paths([tmp_path / "pipe.txt", good])
    assert [d.source for d in batch.documents] == [str(good)]
    assert [f.reason for f in batch.failures] == ["not a regular file (a pipe, socket or device)"]


def test_a_path_that_cannot_be_entered_is_one_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12, defect 9: a file below a folder the user may not enter had aborted the run (`is_dir` raises
    PermissionError there; the tests run as root, so the kernel's refusal is played by the two calls)."""
    good = tmp_path / "good.txt"
    shutil.copy(SAMPLES / "004_bf7d911f24922af4.txt", good)
    locked = tmp_path / "locked" / "plan.txt"
    real_is_dir, real_stat = Path.is_dir, Path.stat

    def is_dir(self: Path) -> bool:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_dir(self)

    def stat(self: Path, **kwargs: bool) -> os.stat_result:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, **kwargs)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    monkeypatch.setattr(Path, "stat", stat)
    batch = extract_paths([locked, good])
    assert [d.source for d in batch.documents] == [str(good)]
    assert [(f.source, f.reason) for f in batch.failures] == [(str(locked), "cannot open: Permission denied")]


def test_a_units_spans_move_to_the_source_and_every_other_field_stays() -> None:
    norm = normalize("Sở   Nội vụ")  # the spaces collapse: normalised offsets differ from the source's
    unit = Unit(
        id="vn.x/so-noi-vu", name="Sở Nội vụ", scope="vn.x", is_group=True, kind="so", parent="vn.x/ubnd",
        variants=("Sở Nội vụ",), mentions=(UnitMention(0, 9, "Sở Nội vụ", ocr=True),),
    )  # fmt: skip
    moved = _remap_unit(norm, unit)
    assert moved.mentions == (UnitMention(0, 11, "Sở Nội vụ", ocr=True),)
    assert dataclasses.replace(moved, mentions=unit.mentions) == unit


def test_an_extraction_is_freed_with_its_last_reference() -> None:
    """Extraction leaves nothing for the cyclic collector: a server extracting an upload a second would otherwise
    pile its intermediate trees up until a full collection, which pauses every request."""
    text = (SAMPLES / "004_bf7d911f24922af4.txt").read_text(encoding="utf-8")

    def extract() -> None:
        batch = batch_of([extract_text(text, source="/plan.txt")])
        assert batch.documents[0].extraction.tasks

    assert cyclic_garbage(extract, "ingest") == []
