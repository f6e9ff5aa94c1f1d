"""Helpers shared by test modules (fixtures live in conftest.py files; nothing here is a test)."""

from __future__ import annotations

import csv
import gc
import io
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ingest.pipeline import extract_paths
from kg.loader import IngestSummary, load_graphs
from kg.store import GraphStore
from search_api.embedding import HashingEmbedder
from search_api.ingestion import ingest_into
from search_api.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "ingest" / "samples"
SENTENCE = "Sở Nội vụ chủ trì xây dựng kế hoạch cải cách hành chính"  # an e5 test sentence


def shared_dir() -> Path:
    return Path(os.environ.get("CCHC_SHARED", REPO.parent / "shared")).resolve()


def load_files(paths: Iterable[Path], store: GraphStore) -> IngestSummary:
    """Extract files (JSON Lines corpora too) and load them into `store`, as `cchc ingest` does for the graph."""
    return load_graphs(extract_paths(paths, corpora=True), store)


VINH_LONG_PLAN = "004_bf7d911f24922af4.txt"
# Two tasks whose deadlines are lengths counted from an event (none of the samples has one).
RELATIVE_PLAN = """ỦY BAN NHÂN DÂN
TỈNH SÓC TRĂNG
Số: 12/KH-UBND
KẾ HOẠCH
Rà soát thủ tục hành chính năm 2024

1. Giao Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh rà soát thủ tục hành chính, báo cáo UBND tỉnh trong thời hạn 05 ngày làm việc kể từ ngày nhận được Kế hoạch này.
2. Giao Sở Tư pháp chủ trì tổng hợp kết quả rà soát, báo cáo trong thời hạn 02 tháng kể từ ngày nhận được Kế hoạch này.
"""  # noqa: E501


def ingested_home(home: Path, *, index: bool = True) -> Path:
    """`home` with the samples (copied under it, so their recorded paths stay readable) in graph and index."""
    samples = home / "samples"
    shutil.copytree(SAMPLES, samples)
    done = ingest_into(Settings(home=home), extract_paths([samples]), HashingEmbedder() if index else None)
    assert not done.graph.failures and done.graph.changes["new"] == 5, done.graph.line()
    return home


BILLION_LAUGHS = (  # an XML entity-expansion payload
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    "<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def word_file(path: Path) -> Path:
    """A small valid .docx."""
    import docx

    document = docx.Document()
    document.add_paragraph("Kế hoạch cải cách hành chính năm 2024. Sở Nội vụ chủ trì.")
    document.save(str(path))
    return path


def with_part(source: Path, target: Path, name: str, data: bytes) -> Path:
    """`source` with the part `name` replaced by `data`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            new.writestr(entry, data if entry.filename == name else old.read(entry))
    return target


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape, exactly: `{"error": {"status", "code", "message"}}` and nothing else."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message"}
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in error["message"] and 'File "' not in error["message"]
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


def doc_id_of(client: Any, file_name: str) -> str:
    """The API id of the document ingested from `file_name`."""
    docs = client.get("/documents").json()["items"]
    return str(next(d["id"] for d in docs if d["source"].endswith(file_name)))


def csv_rows(response: Any) -> list[dict[str, str]]:
    """A CSV answer's rows (and the answer was a 200 in text/csv)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def cyclic_garbage(action: Callable[[], object], *modules: str) -> list[str]:
    """Types (module.name) of the objects `action` left for the cyclic collector, from `modules` only.

    What only the cyclic collector frees waits for a full collection: a long pause of the whole process, and
    memory (a store handle, a document's triples) held until then.
    """
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        action()
        gc.collect()
        found = [f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return sorted({name for name in found if name.startswith(modules)})


def mapped_files() -> set[str]:
    """Paths of the files this process has memory-mapped (Linux)."""
    lines = Path("/proc/self/maps").read_text().splitlines()
    return {line.split(maxsplit=5)[5] for line in lines if len(line.split(maxsplit=5)) == 6}
