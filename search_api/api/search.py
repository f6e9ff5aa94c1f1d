"""GET /search: `search_api.search.Searcher` behind the one error shape.

The searcher (index segments, its own graph handle) is opened once and reopened when the index or the graph
changed on disk, like the read-only store, keeping the segments it had read; the embedder is the app's, so the
model loads once.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from kg.iris import short_id
from search_api.api.deps import ServiceState, State, graph_stamp
from search_api.api.errors import ApiError, error_responses
from search_api.api.filters import area_filter, province_filter
from search_api.index import DB_FILE, INDEX_DIR, STATE_FILE, SearchIndexError
from search_api.search import Filters, Searcher

router = APIRouter(tags=["search"])

# The file a build replaces last when it saves (the SQLite files change on every read in WAL mode).
_INDEX_FILES = (STATE_FILE,)


class SearchHit(BaseModel):
    source: str = Field(description="The file as ingested.")
    document: str = Field(description="Document IRI.")
    document_id: str | None = Field(default=None, description="Document id for /documents/{id}.")
    chunk: str
    kind: str = Field(description="section, task or target.")
    text: str = Field(description="The passage as shown to a reader (heading path, column names).")
    start: int = Field(description="Source offsets of the passage in the document text.")
    end: int
    score: float
    province: str | None = None
    year: int | None = None
    doc_kind: str | None = None
    area: str | None = None
    section: str | None = None
    units: list[str]
    why: Literal["graph", "bm25", "dense", "fused"] = Field(description="graph: the query names a document.")


class SearchResults(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query": "tỷ lệ hồ sơ trực tuyến",
                    "mode": "fused",
                    "k": 10,
                    "hits": [
                        {
                            "source": "ingest/samples/004_bf7d911f24922af4.txt",
                            "document": "https://w3id.org/vn-cchc/doc/_local/966d4f3e1f32a488",
                            "document_id": "_local/966d4f3e1f32a488",
                            "chunk": "966d4f3e1f32:10230-10420:target",
                            "kind": "target",
                            "text": "100% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến …",
                            "start": 10230,
                            "end": 10420,
                            "score": 0.91,
                            "province": "Vĩnh Long",
                            "year": 2023,
                            "doc_kind": "Quyết định",
                            "area": "tthc",
                            "section": "II.2",
                            "units": [],
                            "why": "fused",
                        }
                    ],
                }
            ]
        }
    )
    query: str
    read_as: str | None = Field(
        default=None,
        description="The query with its diacritics put back, when it was typed without them: what the meaning "
        "(dense) side of the search read.",
    )
    mode: str
    k: int
    hits: list[SearchHit]


def _stamp(state: ServiceState) -> tuple[Any, ...]:
    home = state.settings.home
    index = tuple(
        (name, s.st_size, s.st_mtime_ns) for name in _INDEX_FILES if (s := _stat(home / INDEX_DIR / name)) is not None
    )
    return index, graph_stamp(home)


def _stat(path: Any) -> Any:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def get_searcher(state: ServiceState) -> Searcher:
    """The current searcher; a 503 in the error shape while there is no index."""
    stamp = _stamp(state)
    with state.search_lock:
        if state.searcher is not None and state.searcher_stamp == stamp:
            return state.searcher  # type: ignore[no-any-return]
    with state.searcher_opening:
        with state.search_lock:  # opened by another request while this one waited
            if state.searcher is not None and state.searcher_stamp == stamp:
                return state.searcher  # type: ignore[no-any-return]
        if not (state.settings.home / INDEX_DIR / DB_FILE).exists():  # before loading a model for nothing
            raise ApiError(503, "Chưa có chỉ mục tìm kiếm (no search index): run `cchc ingest` first", "no_index")
        embedder = state.get_embedder()
        try:
            searcher = Searcher.open(
                state.settings.home, embedder, reuse=state.searcher, snapshot=state.stores.snapshot
            )
        except SearchIndexError as err:
            raise ApiError(503, f"Chưa có chỉ mục tìm kiếm (no search index): {err}", "no_index") from err
        with state.search_lock:
            state.searcher, state.searcher_stamp = searcher, stamp  # the old one closes with its last reader
    return searcher


@router.get(
    "/search",
    operation_id="search",
    summary="Tìm kiếm ngữ nghĩa tiếng Việt (semantic search with filters)",
    response_model=SearchResults,
    responses=error_responses(400, 422, 503),
)
def search(
    state: State,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=1000,
            description="Câu hỏi hoặc từ khóa; có dấu hay không dấu.",
            examples=["tỷ lệ hồ sơ giải quyết trực tuyến", "NĐ 107/2020"],
        ),
    ],
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: Annotated[Literal["fused", "bm25", "dense"], Query()] = "fused",
    province: Annotated[str | None, Query(examples=["Vĩnh Long"])] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    kind: Annotated[str | None, Query(description="section, task, target, or a document kind (Kế hoạch).")] = None,
    area: Annotated[str | None, Query(description="Reform area slug or name.", examples=["tthc"])] = None,
    unit: Annotated[str | None, Query(description="Unit id or name.", examples=["Sở Nội vụ"])] = None,
) -> SearchResults:
    if not q.strip():
        raise ApiError(400, "q: empty query")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ApiError(400, "year_from is after year_to")
    province_filter(province)  # an unknown province is a 400, not an empty answer
    filters = Filters(
        province=province,
        year_from=year_from,
        year_to=year_to,
        kind=kind or None,
        area=area_filter(area),
        unit=unit or None,
    )
    searcher = get_searcher(state)
    hits = searcher.search(q, k, mode, filters)
    readable = searcher.readable(q) if mode != "bm25" else q
    return SearchResults(
        query=q,
        read_as=readable if readable != q else None,
        mode=mode,
        k=k,
        hits=[SearchHit(**{**h.to_json(), "document_id": short_id(h.document)}) for h in hits],
    )
