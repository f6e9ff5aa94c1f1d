"""POST /documents: upload → the same pipeline as `cchc ingest` (graph and search index), idempotent, with a
size limit (413), a type check by suffix and content (415), and nothing stored when it fails."""

from __future__ import annotations

import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anyio import from_thread, to_thread
from fastapi.testclient import TestClient

from kg.store import GraphStore
from search_api.api import uploads
from search_api.app import create_app
from search_api.embedding import HashingEmbedder
from search_api.settings import Settings
from search_api.store_lock import writing
from tests.helpers import (
    BILLION_LAUGHS,
    SAMPLES,
    assert_error,
    cyclic_garbage,
    ingested_home,
    with_part,
    word_file,
)

PLAN = SAMPLES / "004_bf7d911f24922af4.txt"
LETTER = SAMPLES / "001_fe3bcb04caaad112.txt"


def _client(home: Path, max_upload_mb: float = 20.0) -> TestClient:
    return TestClient(create_app(Settings(home=home, max_upload_mb=max_upload_mb), embedder=HashingEmbedder()))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """An empty data directory: the first upload creates the store and the index."""
    with _client(tmp_path / "home") as c:
        yield c


def _upload(client: TestClient, name: str, data: bytes) -> object:
    return client.post("/documents", files={"file": (name, data, "application/octet-stream")})


def _stored(home: Path) -> list[str]:
    """Every file kept under uploads/ (the staging area must be empty)."""
    uploads = home / "uploads"
    return sorted(str(p.relative_to(uploads)) for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


def test_upload_ingests_indexes_and_is_idempotent(client: TestClient, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _upload(client, "Kế hoạch CCHC 2023.txt", PLAN.read_bytes())
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert body["change"] == "new" and body["indexed"] and body["triples"] > 1000
    assert body["document"]["scope"] == "vn.vinh-long"
    assert first.headers["Location"] == f"/documents/{body['document']['id']}"  # type: ignore[attr-defined]
    assert _stored(home) == [f"{Path(body['source']).parent.name}/Kế hoạch CCHC 2023.txt"]

    again = _upload(client, "another name.txt", PLAN.read_bytes())
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert again.json()["change"] == "unchanged" and again.json()["source"] == body["source"]  # type: ignore[attr-defined]
    assert len(_stored(home)) == 1

    doc = client.get(f"/documents/{body['document']['id']}").json()
    assert doc["text_available"] and doc["text"] == PLAN.read_text(encoding="utf-8")  # from the kept copy
    assert client.get("/units", params={"q": "Sở Nội vụ", "province": "Vĩnh Long"}).json()["items"]
    hits = client.get("/search", params={"q": "Sở Nội vụ chủ trì", "k": 3}).json()["hits"]
    assert hits and all(h["source"] == body["source"] for h in hits)


def test_an_upload_reads_its_own_document_not_the_whole_store(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload counted every triple of the store, summarised every document and listed every file's graph four
    times: scans of the whole store, half of an upload's time over the 418 real documents. It answers with its own
    document's triples and asks for the graphs of its own file and content."""
    assert _upload(client, "letter.txt", LETTER.read_bytes()).status_code == 201  # type: ignore[attr-defined]
    asked: list[tuple[str, tuple[str, ...]]] = []
    query = GraphStore.query

    def watched(store: GraphStore, name: str, **bindings: Any) -> Any:
        asked.append((name, tuple(sorted(bindings))))
        return query(store, name, **bindings)

    def no_count(store: GraphStore) -> int:
        raise AssertionError("the whole store counted")

    listed = GraphStore.file_graphs
    listings: list[bool] = []  # whether each listing of file graphs was of every file

    def watched_listing(store: GraphStore, *args: Any, **kwargs: Any) -> Any:
        listings.append(not args and not kwargs)
        return listed(store, *args, **kwargs)

    monkeypatch.setattr(GraphStore, "query", watched)
    monkeypatch.setattr(GraphStore, "triple_count", no_count)
    monkeypatch.setattr(GraphStore, "file_graphs", watched_listing)
    body = _upload(client, "plan.txt", PLAN.read_bytes()).json()  # type: ignore[attr-defined]
    monkeypatch.undo()
    assert body["change"] == "new" and body["document"]["scope"] == "vn.vinh-long"
    assert ("documents", ()) not in asked and ("document_facts", ()) not in asked
    assert listings.count(True) == 1  # the reconciliation of graph, index and uploads; the rest ask by name
    store = GraphStore.open_local(tmp_path / "home", read_only=True)
    assert body["triples"] == len(store.graph_of(body["source"])) > 1000


def test_an_upload_and_the_reads_after_it_leave_nothing_to_the_cyclic_collector(client: TestClient) -> None:
    """The upload's document graph, its extraction, and the store snapshots and searcher it replaces are freed
    as soon as they are unused: left to the cyclic collector, they held hundreds of MB under an upload a
    second and made each full collection a pause of every request (/healthz included)."""
    assert _upload(client, "first.txt", PLAN.read_bytes()).status_code == 201  # type: ignore[attr-defined]
    assert client.get("/search", params={"q": "Sở Nội vụ"}).status_code == 200  # a searcher for the upload to replace

    def upload_then_read() -> None:
        second = _upload(client, "second.txt", PLAN.read_bytes() + "\nThêm một dòng.\n".encode())
        assert second.status_code == 201, second.text  # type: ignore[attr-defined]
        doc_id = second.json()["document"]["id"]  # type: ignore[attr-defined]
        assert client.get(f"/documents/{doc_id}").status_code == 200
        assert client.get("/search", params={"q": "Sở Nội vụ chủ trì"}).json()["hits"]
        assert client.get("/works/NĐ 107%2F2020/cited-by").status_code == 200

    ours = ("ingest", "kg", "search_api", "rdflib", "oxrdflib", "pyoxigraph", "faiss", "sqlite3", "ctypes")
    assert cyclic_garbage(upload_then_read, *ours) == []


def test_content_already_ingested_elsewhere_is_unchanged(tmp_path: Path) -> None:
    home = ingested_home(tmp_path / "home")
    with _client(home) as c:
        response = _upload(c, "copy.txt", LETTER.read_bytes())
        assert response.status_code == 200 and response.json()["change"] == "unchanged"  # type: ignore[attr-defined]
        assert response.json()["source"].endswith(LETTER.name)  # type: ignore[attr-defined]
        assert c.get("/documents").json()["total"] == 5
    assert _stored(home) == []


def test_oversize_upload_is_413_and_stores_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with _client(home, max_upload_mb=0.01) as c:  # 10 kB
        assert_error(_upload(c, "big.txt", PLAN.read_bytes()), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies while the body streams in
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\n'
            for _ in range(100):
                yield b"x" * 1000
            yield b"\r\n--b--\r\n"

        streamed = c.post("/documents", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert_error(streamed, 413, "payload_too_large")
        assert c.get("/documents").status_code == 503  # still no store at all
    assert _stored(home) == []


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("scan.txt", bytes(range(256)) * 64, "binary"),
        ("report.exe", b"MZ\x90\x00" + b"\x00" * 512, "unsupported file type .exe"),
        ("notes", b"Ke hoach cai cach hanh chinh", "unsupported file type"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"   \n\n  ", "empty"),
        ("fake.pdf", b"this is not a pdf at all", "PDF"),
        ("fake.docx", b"PK\x03\x04 not really a zip", "docx"),
    ],
)
def test_unsupported_or_binary_upload_is_415_with_the_reason(
    client: TestClient, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    error = assert_error(_upload(client, name, data), 415, "unsupported_media_type")
    assert reason.lower() in error["message"].lower()
    assert _stored(tmp_path / "home") == []
    assert client.get("/documents").status_code == 503  # nothing was written: no store was even created


def test_a_hostile_docx_is_415_and_stores_nothing(client: TestClient, tmp_path: Path) -> None:
    """Issue 12, defects 7 and 8: a zip bomb had been accepted after minutes, broken XML had given a 500."""
    good = word_file(tmp_path / "good.docx")
    bomb = tmp_path / "bomb.docx"
    shutil.copy(good, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("word/x.xml", "w") as part:
        for _ in range(300):
            part.write(b"<a/>" * 250_000)
    broken = with_part(good, tmp_path / "broken.docx", "word/document.xml", b"<w:document><w:body>")
    laughs = with_part(good, tmp_path / "laughs.docx", "word/document.xml", BILLION_LAUGHS.encode())
    for path in (bomb, broken, laughs):
        assert_error(_upload(client, path.name, path.read_bytes()), 415, "unsupported_media_type")
    assert _stored(tmp_path / "home") == []


def test_not_multipart_or_no_file_field(client: TestClient) -> None:
    assert_error(client.post("/documents", content=PLAN.read_bytes(), headers={"Content-Type": "text/plain"}), 415)
    assert_error(client.post("/documents", data={"name": "x"}), 415)  # a form, but not multipart
    assert_error(client.post("/documents", files={"document": ("a.txt", PLAN.read_bytes())}), 400)
    two = client.post("/documents", files=[("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))])
    assert_error(two, 400)


def test_upload_name_is_never_a_path(client: TestClient, tmp_path: Path) -> None:
    response = _upload(client, "../../../etc/Kế hoạch.txt", PLAN.read_bytes())
    assert response.status_code == 201  # type: ignore[attr-defined]
    source = Path(response.json()["source"])  # type: ignore[attr-defined]
    assert source.name == "Kế hoạch.txt" and source.parent.parent == tmp_path / "home" / "uploads"


def test_an_upload_hands_the_memory_it_freed_back(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """glibc keeps what is freed between live blocks: uploads of an upload a second made the server grow by the
    working set of each (see search_api.allocator)."""
    released: list[str] = []

    def release() -> bool:
        released.append("released")
        return True

    monkeypatch.setattr(uploads, "release_free_memory", release)
    assert _upload(client, "plan.txt", PLAN.read_bytes()).status_code == 201  # type: ignore[attr-defined]
    assert released == ["released"]


def test_uploads_waiting_for_the_writer_leave_the_request_threads_to_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uploads take turns before they take a request thread: while another writer (a long `cchc ingest`) held the
    store, as many waiting uploads as there are request threads froze every read until they gave up."""
    home = ingested_home(tmp_path / "home")
    entered: list[str] = []
    store_upload = uploads._store_upload

    def counted(*args: Any) -> Any:
        entered.append("upload")
        return store_upload(*args)

    monkeypatch.setattr(uploads, "_store_upload", counted)
    results: list[int] = []
    settings = Settings(home=home, request_threads=2, writer_wait_s=120)
    with TestClient(create_app(settings, embedder=HashingEmbedder())) as client:

        def send(n: int) -> None:
            results.append(_upload(client, f"u{n}.txt", PLAN.read_bytes() + f"\n{n}\n".encode()).status_code)  # type: ignore[attr-defined]

        senders = [threading.Thread(target=send, args=(n,)) for n in range(2)]
        reader = threading.Thread(target=lambda: results.append(client.get("/documents").status_code))
        with writing(home, wait=None):  # another writer holds the store
            for t in senders:
                t.start()
            deadline = time.monotonic() + 3  # both uploads in a request thread, or one waiting for its turn
            while len(entered) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            reader.start()
            reader.join(timeout=60)
            read_while_busy = not reader.is_alive()
        for t in [*senders, reader]:
            t.join()
    assert read_while_busy
    assert sorted(results) == [200, 201, 201]


def test_uploads_that_cannot_get_their_turn_in_time_are_503(tmp_path: Path) -> None:
    home = tmp_path / "home"
    statuses: list[int] = []
    app = create_app(Settings(home=home, writer_wait_s=1.0), embedder=HashingEmbedder())
    with TestClient(app) as client, writing(home, wait=None):  # another writer holds the store throughout

        def send(n: int) -> None:
            response = _upload(client, f"u{n}.txt", PLAN.read_bytes() + f"\n{n}\n".encode())
            assert_error(response, 503, "store_busy")
            statuses.append(503)

        senders = [threading.Thread(target=send, args=(n,)) for n in range(3)]
        for t in senders:
            t.start()
        for t in senders:
            t.join()
    assert statuses == [503] * 3
    assert _stored(home) == []


def test_concurrent_uploads_take_turns(client: TestClient, tmp_path: Path) -> None:
    results: dict[str, int] = {}

    def send(path: Path) -> None:
        results[path.name] = _upload(client, path.name, path.read_bytes()).status_code  # type: ignore[attr-defined]

    threads = [threading.Thread(target=send, args=(p,)) for p in (PLAN, LETTER)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {PLAN.name: 201, LETTER.name: 201}
    assert client.get("/documents").json()["total"] == 2
    assert len(_stored(tmp_path / "home")) == 2


def test_reads_make_room_while_an_upload_computes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The soak run: under 16 busy readers an upload got a sixth of the interpreter and took 1.4-2.1 s, so one upload a
    second could not be kept up. While one computes, fewer requests compute beside it; afterwards all again."""
    seen: list[int] = []
    store_upload = uploads._store_upload

    def watched(*args: Any) -> Any:
        seen.append(from_thread.run_sync(lambda: to_thread.current_default_thread_limiter().total_tokens))
        return store_upload(*args)

    monkeypatch.setattr(uploads, "_store_upload", watched)
    settings = Settings(home=ingested_home(tmp_path / "home"), request_threads=4, upload_request_threads=1)
    with TestClient(create_app(settings, embedder=HashingEmbedder())) as client:
        assert _upload(client, "plan.txt", PLAN.read_bytes() + b"\nmore\n").status_code == 201  # type: ignore[attr-defined]
        after = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)  # type: ignore[union-attr]
    assert seen == [1] and after == 4
