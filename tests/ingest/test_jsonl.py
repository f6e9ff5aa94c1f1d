"""JSON Lines corpora (ingest.jsonl) and how a batch reads them (extract_paths with corpora=True): one document
per record, the title as the first line, blank lines skipped, gzip or not; a bad line is a failure naming its
line, and the records around it still go in."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ingest.jsonl import is_jsonl, jsonl_documents, jsonl_records
from ingest.pipeline import extract_paths

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


def test_a_bad_line_is_reported_by_number_and_the_others_still_come(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join([*LINES, "not json", '["a list"]', LINES[2].replace("2", "3", 1)]) + "\n", "utf-8")
    read = list(jsonl_documents(path))
    assert [r[0] if isinstance(r, tuple) else r.reason.split(":")[0] for r in read] == [
        "rec-1", "2", "line 4", "line 5", "3"
    ]  # fmt: skip
    documents, failures = extract_paths([path], corpora=True)
    assert [d.source for d in documents] == ["rec-1", "2", "3"]
    assert [(f.source, f.reason.split(":")[0]) for f in failures] == [(str(path), "line 4"), (str(path), "line 5")]
    assert "107/2020/NĐ-CP" in {c.notation for c in documents[0].extraction.citations}


def test_without_corpora_a_jsonl_file_is_refused_like_any_unsupported_file(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(LINES[0] + "\n", encoding="utf-8")
    documents, failures = extract_paths([path])
    assert not documents and failures[0].reason == "unsupported file type .jsonl"


def test_a_source_note_follows_the_title(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    note = "(Điều 52 Luật số 58/2010/QH12, có hiệu lực thi hành kể từ ngày 01/01/2012)"
    record = {"id": "a", "title": "Điều 5.2.LQ.52. Kỷ luật", "source_note": note, "text": "1. Khiển trách."}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert list(jsonl_documents(path)) == [("a", f"Điều 5.2.LQ.52. Kỷ luật\n{note}\n1. Khiển trách.")]
