"""/documents and /documents/{id}: the list, and one document with its text, spans and citations."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, cast

import regex
from fastapi import APIRouter, Query, Request
from rdflib import URIRef

from ingest.read import ReadError, read_file
from kg import questions
from kg.iris import short_id
from kg.store import FileGraph, GraphStore
from search_api.api.answers import cited_by, summaries
from search_api.api.deps import ReadStore, State
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import in_province, kind_filter, province_filter
from search_api.api.formats import GraphFormat, TableFormat, alt_content, csv_response, negotiate, rdf_response
from search_api.api.ids import document_iri
from search_api.api.models import Citation, DocumentDetail, DocumentFacts, DocumentPage, DocumentSummary, Span, SpanKind
from search_api.reconcile import UPLOADS, moved_upload

router = APIRouter(tags=["documents"])

DOCUMENT_COLUMNS = ("id", "source", "kind", "title", "date", "scope", "issuer", "iri")


def _facts(store: GraphStore, iri: str) -> dict[str, Any]:
    for d in questions.document_facts(store, iri):
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
    """The file graph holding `source`, and the paths to read its text from: its own, then every other file of
    the same content (asked by name and hash: a listing of every file is a scan of the store)."""
    chosen = store.file_graphs([source])[source]
    same = store.file_graphs(sha256=chosen.sha256)
    return chosen, [source, *sorted(p for p in same if p != source)]


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
    for row in store.query("file_unit_labels", file=file):
        labels.setdefault(str(row["label"]), str(row["unit"]))
    if not labels:
        return []
    names = sorted(labels, key=len, reverse=True)
    pattern = "|".join(r"\s+".join(regex.escape(w) for w in name.split()) for name in names if name.split())
    by_key = {" ".join(n.lower().split()): labels[n] for n in names}
    spans = []
    # Compiled for this request only: through `re`, every document's pattern stayed in its module cache.
    found = regex.compile(rf"(?<!\w)(?:{pattern})(?!\w)", regex.IGNORECASE, cache_pattern=False)
    for m in found.finditer(text):
        label = " ".join(m.group().split())
        spans.append(Span(kind="unit", start=m.start(), end=m.end(), label=label, ref=by_key.get(label.lower())))
    return spans


def _citations(store: GraphStore, iri: URIRef, in_file: set[str]) -> list[Citation]:
    flags: dict[str, list[str]] = {}
    for row in store.query("citation_flags", doc=iri):
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
    uploads = (state.settings.home / UPLOADS).resolve()
    paths += [str(moved) for path in paths if (moved := moved_upload(uploads, path)) is not None]
    text = _read_text(paths, file.sha256, int(state.settings.max_text_mb * 1_000_000))
    spans = [
        Span(
            kind=cast(SpanKind, str(r["kind"])),
            start=int(str(r["start"])),
            end=int(str(r["end"])),
            label=str(r["label"]),
            ref=str(r["node"]),
        )
        for r in store.query("file_spans", file=file.graph)
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
