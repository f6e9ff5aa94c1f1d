"""JSON Lines corpora (ingest.jsonl) and how a batch reads them (extract_paths with corpora=True): one document
per record, the title as the first line, blank lines skipped, gzip or not; a bad line is reported and skipped,
an id given twice is one document."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from ingest.jsonl import is_jsonl, jsonl_documents, jsonl_records
from ingest.pipeline import extract_paths
from ingest.read import ReadError

LINES = [
    '{"id": "rec-1", "title": "Kế hoạch số 5/KH-UBND", "text": "Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020;"}',
    "",
    '{"id": 2, "text": "Thực hiện Kế hoạch số 218/KH-UBND"}',
]


@pytest.mark.parametrize("name", ["corpus.jsonl", "corpus.jsonl.gz"])
def test_records_become_documents(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    data = "\n".join(LINES) + "\n"
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(data.encode("utf-8")))
    else:
        path.write_text(data, encoding="utf-8")
    assert is_jsonl(path) and not is_jsonl(tmp_path / "corpus.json")
    assert list(jsonl_documents(path)) == [
        ("rec-1", "Kế hoạch số 5/KH-UBND\nCăn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020;"),
        ("2", "Thực hiện Kế hoạch số 218/KH-UBND"),
    ]
    assert [r["id"] for r in jsonl_records(path, 1)] == ["rec-1"]


def test_a_bad_line_is_reported_and_skipped_and_later_records_still_go_in(tmp_path: Path) -> None:
    """Issue 12, defect 4: one malformed line had dropped every record after it."""
    path = tmp_path / "corpus.jsonl"
    later = '{"id": "rec-3", "text": "Căn cứ Nghị định số 61/2018/NĐ-CP;"}'
    path.write_bytes(
        ("\n".join([*LINES, "not json", '{"text": "no id"}']) + "\n").encode() + b"\xff\xfe{\n" + later.encode()
    )
    with pytest.raises(ReadError, match="line 4: not a document record"):
        list(jsonl_documents(path))
    documents, failures = extract_paths([path], corpora=True)
    assert [d.source for d in documents] == ["rec-1", "2", "rec-3"]
    assert [(f.source, f.reason.split(":")[0]) for f in failures] == [(str(path), f"line {n}") for n in (4, 5, 6)]
    assert "107/2020/NĐ-CP" in {c.notation for c in documents[0].extraction.citations}


def test_an_id_given_twice_is_one_document_its_last_record(tmp_path: Path) -> None:
    """Issue 12, defect 4: duplicate ids had given two graphs for one source."""
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([LINES[0], LINES[2], '{"id": "rec-1", "text": "Bản sửa đổi"}']) + "\n", encoding="utf-8")
    documents, failures = extract_paths([path], corpora=True)
    assert [(d.source, d.text) for d in documents] == [
        ("2", "Thực hiện Kế hoạch số 218/KH-UBND"),
        ("rec-1", "Bản sửa đổi"),
    ]
    assert [f.reason.split(":")[0] for f in failures] == ["line 3"]


def test_a_truncated_gzip_keeps_the_records_before(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl.gz"
    lines = [json.dumps({"id": f"r{n}", "text": f"Kế hoạch số {n}/KH-UBND {os.urandom(30).hex()}"}) for n in range(300)]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode())[:-2000])
    documents, failures = extract_paths([path], corpora=True)
    assert 0 < len(documents) < 300 and [d.source for d in documents] == [f"r{n}" for n in range(len(documents))]
    assert len(failures) == 1 and "cannot read on from line" in failures[0].reason


def test_without_corpora_a_jsonl_file_is_refused_like_any_unsupported_file(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(LINES[0] + "\n", encoding="utf-8")
    documents, failures = extract_paths([path])
    assert not documents and failures[0].reason == "unsupported file type .jsonl"
