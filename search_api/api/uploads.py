"""POST /documents: an upload read once, extracted once, then loaded into the graph and the index together."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import time
from pathlib import Path

import anyio
from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from rdflib import URIRef
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from ingest.pipeline import batch_of, extract_text
from ingest.read import SUPPORTED_SUFFIXES, ReadError, read_file
from kg.store import Change, GraphStore, StoreError
from search_api.allocator import release_free_memory
from search_api.api.answers import summaries
from search_api.api.deps import ServiceState, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.models import DocumentSummary, UploadResult
from search_api.index_build import build_index, is_indexed
from search_api.ingestion import ingest_into
from search_api.reconcile import staging_dir, staging_prefix
from search_api.store_lock import StoreBusy, writing

router = APIRouter(tags=["documents"])

# Multipart framing around the file (boundaries, part headers) on top of the size limit.
_MULTIPART_SLACK = 64 * 1024
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


def _safe_name(filename: str | None) -> str:
    """The upload's own file name, reduced to letters, digits, `.-_ ` (never a path)."""
    name = Path((filename or "").replace("\\", "/")).name
    name = _SAFE_NAME.sub("_", name).strip(" .")[-120:]
    return name or "upload"


async def _read_form(request: Request, limit: int) -> FormData:
    """The multipart form, refusing with 413 as soon as more than `limit` bytes have arrived."""
    received = 0
    upstream = request.receive

    async def receive() -> Message:
        nonlocal received
        message = await upstream()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise ApiError(413, f"Tệp quá lớn (upload over the {limit // 1_000_000} MB limit)")
        return message

    return await Request(request.scope, receive).form(max_files=1, max_fields=8)


def _document_of(store: GraphStore, file: URIRef) -> DocumentSummary | None:
    """The document a file embodies, asked of that document alone (an upload must not read the whole store)."""
    for row in store.query("file_documents", file=file):
        for found in summaries(store, str(row["doc"])):
            return DocumentSummary(**found)
    return None


def _store_upload(state: ServiceState, name: str, data: bytes, wait: float) -> tuple[UploadResult, int]:
    """Check, stage, ingest and index one upload under the writer lock (waiting `wait` seconds for another
    writer); nothing is kept on failure."""
    settings = state.settings
    limit = int(settings.max_upload_mb * 1_000_000)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        accepted = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise ApiError(
            415, f"Loại tệp không được hỗ trợ (unsupported file type {suffix or '(none)'}); accepted: {accepted}"
        )
    staging = Path(tempfile.mkdtemp(dir=staging_dir(settings.home), prefix=staging_prefix()))
    try:
        staged = staging / name
        staged.write_bytes(data)
        try:
            text = read_file(staged, max_bytes=limit, limits=settings.container_limits()).text
        except ReadError as err:
            raise ApiError(415, f"Không đọc được tệp (cannot read the file): {err.reason}") from None
        try:
            with writing(settings.home, wait=wait):
                return _ingest_staged(state, staged, text)
        except StoreBusy as err:
            raise ApiError(503, f"Kho dữ liệu đang bận (store busy): {err}", "store_busy") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        release_free_memory()  # an upload frees much (index arrays, the document's graph): back to the system


def _index_quietly(state: ServiceState, source: str, text: str) -> bool:
    """Index a file the graph already holds but the index lacks (ingested before the index existed)."""
    try:
        build_index(state.settings.home, [extract_text(text, source=source)], state.get_embedder())
    except OSError:  # the index cannot be written now: the graph holds the file all the same
        return False
    return True


def _ingest_staged(state: ServiceState, staged: Path, text: str) -> tuple[UploadResult, int]:
    """The upload's text read once: an already stored copy answers `unchanged`; else extracted once, then loaded."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        reader: GraphStore | None = state.stores.get()
    except ApiError:
        reader = None  # no store yet: the first upload creates it
    if reader is not None:
        for path, fg in reader.file_graphs(sha256=sha).items():  # the same content, uploaded or ingested before
            indexed = is_indexed(state.settings.home, path) or _index_quietly(state, path, text)
            return UploadResult(
                change="unchanged", source=path, document=_document_of(reader, fg.graph), indexed=indexed
            ), 200
    folder = state.settings.home / "uploads" / sha[:16]
    shutil.rmtree(folder, ignore_errors=True)  # a leftover of an interrupted upload of this content
    folder.mkdir(parents=True)
    final = (folder / staged.name).resolve()
    staged.replace(final)
    try:
        writer = state.settings.open_store(read_only=False)
    except StoreError as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise ApiError(503, f"Kho dữ liệu đang bận (store busy): {err}", "store_busy") from err
    try:
        batch = batch_of([extract_text(text, source=str(final))])
        done = ingest_into(state.settings, batch, state.get_embedder(), store=writer, all_or_nothing=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        writer.close()
    summary = done.graph
    change: Change = "new" if summary.changes["new"] else "updated" if summary.changes["updated"] else "unchanged"
    reader = state.stores.get()
    written = reader.file_graphs([str(final)]).get(str(final))
    document = _document_of(reader, written.graph) if written else None
    result = UploadResult(
        change=change,
        source=str(final),
        document=document,
        triples=summary.written,
        indexed=done.index is not None,
    )
    return result, 201


async def _take_turn(state: ServiceState) -> None:
    """This upload's turn (`ServiceState.upload_turns`), waited for in the event loop up to `writer_wait_s`."""
    try:
        state.upload_turns.acquire_nowait()
        return
    except anyio.WouldBlock:
        pass
    with anyio.move_on_after(state.settings.writer_wait_s):
        await state.upload_turns.acquire()
        return
    raise ApiError(503, "Kho dữ liệu đang bận (store busy): other uploads are being written", "store_busy")


@router.post(
    "/documents",
    operation_id="upload_document",
    summary="Tải lên và nạp một văn bản (upload a document to ingest)",
    status_code=201,
    response_model=UploadResult,
    responses={
        200: {"model": UploadResult, "description": "Already ingested: nothing changed."},
        **error_responses(400, 413, 415, 422, 503),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": "A .txt, .md, .html, .docx or .pdf document.",
                            }
                        },
                    }
                }
            },
        }
    },
)
async def upload_document(request: Request, state: State) -> Response:
    """Same pipeline as `cchc ingest`; the same content twice is `unchanged`; a failure stores nothing."""
    limit = int(state.settings.max_upload_mb * 1_000_000)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + _MULTIPART_SLACK:
        raise ApiError(413, f"Tệp quá lớn (upload over the {limit // 1_000_000} MB limit)")
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "Gửi tệp dạng multipart/form-data, trường `file` (send multipart/form-data, field `file`)")
    form = await _read_form(request, limit + _MULTIPART_SLACK)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "Thiếu trường `file` (multipart field `file` is required)")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, f"Tệp quá lớn (upload over the {limit // 1_000_000} MB limit)")
        name = _safe_name(upload.filename)
    finally:
        await form.close()
    deadline = time.monotonic() + state.settings.writer_wait_s
    await _take_turn(state)
    readers = to_thread.current_default_thread_limiter()
    readers.total_tokens = min(state.settings.upload_request_threads, state.settings.request_threads)
    try:
        wait = max(0.0, deadline - time.monotonic())
        # A thread of its own, not one of the request threads: its turn is what bounds uploads computing at once.
        result, status = await to_thread.run_sync(_store_upload, state, name, data, wait, limiter=CapacityLimiter(1))
    finally:
        readers.total_tokens = state.settings.request_threads
        state.upload_turns.release()
    headers = {"Location": f"/documents/{result.document.id}"} if result.document and status == 201 else None
    return JSONResponse(result.model_dump(), status_code=status, headers=headers)
