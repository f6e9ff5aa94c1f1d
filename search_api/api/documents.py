"""/documents: the list, one document with its text and spans, and uploads."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from rdflib import URIRef
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from ingest.pipeline import batch_of, extract_text
from ingest.read import SUPPORTED_SUFFIXES, ReadError, read_file
from kg import questions
from kg.iris import short_id
from kg.store import Change, FileGraph, GraphStore, StoreError
from search_api.api.deps import ReadStore, ServiceState, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import in_province, kind_filter, province_filter
from search_api.api.formats import GraphFormat, TableFormat, alt_content, csv_response, negotiate, rdf_response
from search_api.api.ids import document_iri
from search_api.api.models import (
    Citation,
    CitingDocument,
    DocumentDetail,
    DocumentFacts,
    DocumentPage,
    DocumentSummary,
    Span,
    SpanKind,
    UploadResult,
)
from search_api.index_build import build_index, is_indexed
from search_api.ingestion import ingest_into

router = APIRouter(tags=["documents"])

# Multipart framing around the file (boundaries, part headers) on top of the size limit.
_MULTIPART_SLACK = 64 * 1024
_SAFE_NAME = re.compile(r"[^\w.\- ]+")

# Spans of the tasks, targets and citations read from one file (the file graph IRI is ?file).
_SPANS = """
SELECT ?node ?kind ?label ?start ?end
WHERE {
  { ?node a cchc:Task ; dct:description ?label . BIND ("task" AS ?kind) }
  UNION { ?node a cchc:Target ; cchc:targetText ?label . BIND ("target" AS ?kind) }
  UNION { ?node a cchc:Citation ; cchc:notationAsWritten ?label . BIND ("citation" AS ?kind) }
  ?node prov:wasDerivedFrom ?file ; cchc:span ?span .
  ?span oa:start ?start ; oa:end ?end .
}
ORDER BY ?start
"""
# The names a file gives the units it mentions (the graph keeps no mention offsets for units).
_UNIT_LABELS = """
SELECT DISTINCT ?unit ?label
WHERE { GRAPH ?file { ?unit a prov:Agent ; skos:prefLabel|skos:altLabel ?label } }
"""
_FLAGS = "SELECT ?citation ?flag WHERE { ?citation cchc:inDocument ?doc ; cchc:flag ?flag }"
NOTATION = "SELECT DISTINCT ?notation WHERE { ?doc eli:id_local ?notation }"
_EMBODIES = "SELECT ?doc WHERE { ?doc eli:is_embodied_by ?file }"

DOCUMENT_COLUMNS = ("id", "source", "kind", "title", "date", "scope", "issuer", "iri")


def summaries(store: GraphStore) -> list[dict[str, Any]]:
    """Every document as a `DocumentSummary` dict (short id added)."""
    return [{**d, "iri": d["id"], "id": short_id(d["id"])} for d in questions.documents(store)]


def _facts(store: GraphStore, iri: str) -> dict[str, Any]:
    for d in questions.document_facts(store):
        if d["id"] == iri:
            return {**d, "iri": iri, "id": short_id(iri)}
    raise ApiError(404, f"Không tìm thấy văn bản (no such document): {short_id(iri)}")


@router.get(
    "/documents",
    operation_id="list_documents",
    summary="Danh sách văn bản (documents, paged)",
    response_model=DocumentPage,
    responses={**alt_content("csv"), **error_responses(400, 422, 503)},
)
def list_documents(
    request: Request,
    store: ReadStore,
    page: Annotated[int, Query(ge=1, description="1-based page.")] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
    province: Annotated[str | None, Query(description="Tỉnh: Vĩnh Long, vinh-long …", examples=["Vĩnh Long"])] = None,
    kind: Annotated[str | None, Query(description="Loại văn bản: Kế hoạch, ke-hoach …", examples=["Kế hoạch"])] = None,
    format: Annotated[TableFormat | None, Query(description="csv: every matching row, unpaged.")] = None,
) -> Any:
    place, kind_slug = province_filter(province), kind_filter(kind)
    docs = [d for d in summaries(store) if in_province(d["scope"], place) and (not kind_slug or d["kind"] == kind_slug)]
    if negotiate(request, format, ("json", "csv")) == "csv":
        return csv_response(docs, DOCUMENT_COLUMNS)
    items = docs[(page - 1) * per_page : page * per_page]
    return DocumentPage(total=len(docs), page=page, per_page=per_page, items=[DocumentSummary(**d) for d in items])


def _file_of(store: GraphStore, source: str) -> tuple[FileGraph, list[str]]:
    """The file graph holding `source` and every path recorded for the same content."""
    graphs = store.file_graphs()
    chosen = graphs[source]
    return chosen, [source, *sorted(p for p, fg in graphs.items() if fg.graph == chosen.graph and p != source)]


def _read_text(paths: list[str], sha256: str, max_bytes: int) -> str | None:
    """The decoded text of the first path still readable with the content that was ingested."""
    for path in paths:
        try:
            text = read_file(Path(path), max_bytes=max_bytes).text
        except (ReadError, OSError):
            continue
        if hashlib.sha256(text.encode("utf-8")).hexdigest() == sha256:
            return text
    return None


def _unit_spans(store: GraphStore, file: URIRef, text: str) -> list[Span]:
    """Where the names of the file's units occur (longest name first, whitespace and case loose)."""
    labels: dict[str, str] = {}
    for row in store.query_text(_UNIT_LABELS, {"file": file}):
        labels.setdefault(str(row["label"]), str(row["unit"]))
    if not labels:
        return []
    names = sorted(labels, key=len, reverse=True)
    pattern = "|".join(r"\s+".join(re.escape(w) for w in name.split()) for name in names if name.split())
    by_key = {" ".join(n.lower().split()): labels[n] for n in names}
    spans = []
    for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text, re.IGNORECASE):
        label = " ".join(m.group().split())
        spans.append(Span(kind="unit", start=m.start(), end=m.end(), label=label, ref=by_key.get(label.lower())))
    return spans


def _citations(store: GraphStore, iri: URIRef, in_file: set[str]) -> list[Citation]:
    flags: dict[str, list[str]] = {}
    for row in store.query_text(_FLAGS, {"doc": iri}):
        flags.setdefault(str(row["citation"]), []).append(str(row["flag"]))
    out = []
    for row in store.query("document_cites", doc=iri):
        cit = str(row["citation"])
        if cit not in in_file:
            continue
        out.append(
            Citation(
                citation=cit,
                work=str(row["work"]),
                work_id=short_id(str(row["work"])),
                notation=questions.json_value(row.get("notation")),
                text=str(row["text"]),
                relation=str(row["relation"]).rsplit("/", 1)[-1],
                cue=questions.json_value(row.get("cue")),
                date=questions.json_value(row.get("date")),
                start=int(str(row["start"])),
                end=int(str(row["end"])),
                nested=questions.json_value(row.get("nested")),
                flags=sorted(flags.get(cit, [])),
            )
        )
    return out


def cited_by(store: GraphStore, iri: str) -> list[CitingDocument]:
    """Documents citing the work `iri` (through `questions.cites` on its notation, then exactly this work)."""
    out = []
    for notation in sorted({str(r["notation"]) for r in store.query_text(NOTATION, {"doc": URIRef(iri)})}):
        for doc in questions.cites(store, notation):
            citations = [c for c in doc["citations"] if c["work"] == iri]
            if citations:
                out.append(_citing(doc, citations))
    return out


def _citing(doc: dict[str, Any], citations: list[dict[str, Any]]) -> CitingDocument:
    ref = doc["document"]
    return CitingDocument(
        source=doc["source"],
        document={"id": short_id(ref["id"]), "iri": ref["id"], "title": ref.get("title")},  # type: ignore[arg-type]
        citations=[Citation(**c, work_id=short_id(c["work"])) for c in citations],
    )


@router.get(
    "/documents/{doc_id:path}",
    operation_id="get_document",
    summary="Một văn bản: nội dung, các đoạn được trích xuất, trích dẫn (one document)",
    response_model=DocumentDetail,
    responses={**alt_content("ttl", "jsonld"), **error_responses(404, 422, 503)},
)
def get_document(
    request: Request,
    state: State,
    store: ReadStore,
    doc_id: str,
    format: Annotated[GraphFormat | None, Query(description="ttl / jsonld: the file's named graph.")] = None,
) -> Any:
    """`doc_id`: the path under …/doc/ (e.g. `_local/966d4f3e1f32a488`), raw or %2F-encoded."""
    iri = document_iri(doc_id)
    facts = _facts(store, iri)
    fmt = negotiate(request, format, ("json", "ttl", "jsonld"))
    if fmt != "json":
        return rdf_response(store.graph_of(facts["source"]), fmt)
    file, paths = _file_of(store, facts["source"])
    text = _read_text(paths, file.sha256, int(state.settings.max_text_mb * 1_000_000))
    spans = [
        Span(
            kind=cast(SpanKind, str(r["kind"])),
            start=int(str(r["start"])),
            end=int(str(r["end"])),
            label=str(r["label"]),
            ref=str(r["node"]),
        )
        for r in store.query_text(_SPANS, {"file": file.graph})
    ]
    in_file = {s.ref for s in spans if s.kind == "citation" and s.ref}
    if text is not None:
        spans = sorted([*spans, *_unit_spans(store, file.graph, text)], key=lambda s: (s.start, -s.end))
    return DocumentDetail(
        document=DocumentFacts(**facts),
        text=text,
        text_available=text is not None,
        spans=spans,
        cites=_citations(store, URIRef(iri), in_file),
        cited_by=cited_by(store, iri),
    )


# --- upload --------------------------------------------------------------------------------------


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
    docs = {d["iri"]: d for d in summaries(store)}
    for row in store.query_text(_EMBODIES, {"file": file}):
        found = docs.get(str(row["doc"]))
        if found:
            return DocumentSummary(**found)
    return None


def _store_upload(state: ServiceState, name: str, data: bytes) -> tuple[UploadResult, int]:
    """Check, stage, ingest and index one upload under the writer lock; nothing is kept on failure."""
    settings = state.settings
    limit = int(settings.max_upload_mb * 1_000_000)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        accepted = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise ApiError(
            415, f"Loại tệp không được hỗ trợ (unsupported file type {suffix or '(none)'}); accepted: {accepted}"
        )
    uploads = settings.home / "uploads"
    (uploads / ".staging").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=uploads / ".staging"))
    try:
        staged = staging / name
        staged.write_bytes(data)
        try:
            text = read_file(staged, max_bytes=limit).text
        except ReadError as err:
            raise ApiError(415, f"Không đọc được tệp (cannot read the file): {err.reason}") from None
        with state.writer:
            return _ingest_staged(state, staged, text)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
        for path, fg in reader.file_graphs().items():
            if fg.sha256 == sha:  # the same content, uploaded or ingested before: nothing to do
                indexed = is_indexed(state.settings.home, path) or _index_quietly(state, path, text)
                return UploadResult(
                    change="unchanged", source=path, document=_document_of(reader, fg.graph), indexed=indexed
                ), 200
    folder = state.settings.home / "uploads" / sha[:16]
    shutil.rmtree(folder, ignore_errors=True)  # a leftover of an interrupted upload of this content
    folder.mkdir(parents=True)
    final = folder / staged.name
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
    written = reader.file_graphs().get(str(final))
    document = _document_of(reader, written.graph) if written else None
    result = UploadResult(
        change=change,
        source=str(final),
        document=document,
        triples=summary.triples,
        indexed=done.index is not None,
    )
    return result, 201


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
    result, status = await run_in_threadpool(_store_upload, state, name, data)
    headers = {"Location": f"/documents/{result.document.id}"} if result.document and status == 201 else None
    return JSONResponse(result.model_dump(), status_code=status, headers=headers)
