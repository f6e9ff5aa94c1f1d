"""The FastAPI application: the API routes, then the browser UI from `search_api/static` at `/`."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from search_api.allocator import tune_allocator
from search_api.api import FORMAT_PREFIXES, ROUTERS
from search_api.api.deps import ServiceState, StoreCache
from search_api.api.errors import ApiError, ErrorResponse, install_error_handlers, log
from search_api.api.formats import SuffixFormat
from search_api.reconcile import reconcile_home
from search_api.settings import Settings

STATIC = Path(__file__).parent / "static"

DESCRIPTION = """\
Tra cứu văn bản cải cách hành chính: tìm kiếm ngữ nghĩa, trích dẫn, trách nhiệm của các đơn vị, so sánh kế hoạch.

Search, citations, unit responsibilities and plan comparison over Vietnamese administrative-reform documents.
Ids in paths contain slashes (`_local/966d4f3e1f32a488`, `vn.vinh-long/so-noi-vu`); send them raw or %2F-encoded.
Every failure has one shape: `{"error": {"status", "code", "message"}}`.
"""


def _answer_options(app: FastAPI) -> None:
    """OPTIONS on an API path: 204 with `Allow` listing the methods its routes take (the UI's catch-all mount
    would otherwise answer every path 405 "GET, HEAD"); 404 for a path no route takes."""

    @app.options("/{path:path}", include_in_schema=False)
    async def options(request: Request) -> Response:
        path = request.url.path
        routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
        methods = {m for r in routes if r.path_regex.match(path) for m in r.methods or ()}
        if not methods:
            raise ApiError(404, "Không tìm thấy (not found)")
        methods |= {"HEAD"} if "GET" in methods else set()
        return Response(status_code=204, headers={"Allow": ", ".join(sorted(methods | {"OPTIONS"}))})


def create_app(settings: Settings | None = None, *, embedder: Any = None) -> FastAPI:
    """The app over `settings` (default: from the environment). `embedder` overrides the search model (tests)."""
    settings = settings or Settings()
    tune_allocator()
    state = ServiceState(settings=settings, stores=StoreCache(settings), embedder=embedder)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Routes that compute run in threads; past a few, more threads only contend for the interpreter and
        # starve the event loop (/healthz, the async routes): requests queue for a thread instead.
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        healed = await run_in_threadpool(reconcile_home, settings, state.get_embedder)
        if healed:
            log.warning("reconciled the store after an interrupted write: %s", healed)
        # What the server loaded to start (modules, lexicons, the store) lives as long as it does: left out of the
        # cyclic collector's full collections, which otherwise walk it all, pausing every request each time.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            state.sparql.close()

    app = FastAPI(
        lifespan=lifespan,
        title="CCHC Graph",
        version="0.1.0",
        description=DESCRIPTION,
        responses={500: {"model": ErrorResponse, "description": "internal_error"}},
    )
    app.state.cchc = state
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    _answer_options(app)
    if STATIC.is_dir():  # after the API routes: a path the API knows never reaches the files
        app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
    app.add_middleware(SuffixFormat, prefixes=FORMAT_PREFIXES)

    return app
