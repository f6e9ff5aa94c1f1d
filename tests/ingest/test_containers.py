"""Zip containers refused before a reader opens them (issue 12, defects 7 and 8): a zip bomb by its total size,
ratio or entry count, an XML part declaring a DTD (entity expansion), a broken XML part or deflate stream; each
is one line for its file, and the other files of a folder still go in."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pytest

from ingest.containers import ContainerLimits
from ingest.pipeline import extract_paths
from ingest.read import ReadError, read_file
from tests.helpers import BILLION_LAUGHS, SAMPLES, with_part, word_file

LIMIT = 20_000_000
BOMB_MB = 300


def _reason(path: Path, limits: ContainerLimits | None = None) -> str:
    with pytest.raises(ReadError) as info:
        read_file(path, max_bytes=LIMIT, **({"limits": limits} if limits else {}))
    reason = info.value.reason
    assert "\n" not in reason and "Traceback" not in reason
    return reason


def test_a_zip_bomb_is_refused_at_once_by_its_declared_size(tmp_path: Path) -> None:
    good = word_file(tmp_path / "good.docx")
    bomb = tmp_path / "bomb.docx"
    shutil.copy(good, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("word/media/x.xml", "w") as part:
        chunk = b"<a/>" * 250_000
        for _ in range(BOMB_MB):
            part.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    started = time.monotonic()
    assert "limit" in _reason(bomb)
    assert time.monotonic() - started < 2
    assert "MB" in _reason(bomb, ContainerLimits(max_ratio=10**9))
    assert "compressed" in _reason(bomb, ContainerLimits(max_unpacked_bytes=10**12))


def test_too_many_entries_is_refused(tmp_path: Path) -> None:
    bomb = word_file(tmp_path / "many.docx")
    with zipfile.ZipFile(bomb, "a") as archive:
        for n in range(30):
            archive.writestr(f"customXml/item{n}.bin", b"x")
    assert "entries" in _reason(bomb, ContainerLimits(max_entries=20))


def test_entity_expansion_broken_xml_and_corrupt_deflate_are_one_line_each(tmp_path: Path) -> None:
    good = word_file(tmp_path / "good.docx")
    assert "Sở Nội vụ" in read_file(good, max_bytes=LIMIT).text
    laughs = with_part(good, tmp_path / "laughs.docx", "word/document.xml", BILLION_LAUGHS.encode())
    assert "DTD" in _reason(laughs)
    broken = with_part(good, tmp_path / "broken.docx", "word/document.xml", b"<w:document><w:body><w:p>")
    assert "not a valid .docx" in _reason(broken)
    corrupt = tmp_path / "corrupt.docx"
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        entry = archive.getinfo("word/document.xml")
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
    data[start + 10 : start + 60] = bytes(50)
    corrupt.write_bytes(bytes(data))
    assert _reason(corrupt)


def test_a_folder_run_keeps_the_good_files(tmp_path: Path) -> None:
    good = word_file(tmp_path / "good.docx")
    with_part(good, tmp_path / "laughs.docx", "word/document.xml", BILLION_LAUGHS.encode())
    with_part(good, tmp_path / "broken.docx", "word/document.xml", b"<w:document>")
    shutil.copy(SAMPLES / "004_bf7d911f24922af4.txt", tmp_path / "plan.txt")
    batch = extract_paths([tmp_path])
    assert sorted(Path(d.source).name for d in batch.documents) == ["good.docx", "plan.txt"]
    assert sorted(Path(f.source).name for f in batch.failures) == ["broken.docx", "laughs.docx"]
