"""The FastAPI application: the API routes, then the browser UI from `search_api/static` at `/`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles

from search_api.api import FORMAT_PREFIXES, ROUTERS
from search_api.api.deps import ServiceState, StoreCache
from search_api.api.errors import ErrorResponse, install_error_handlers, log
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


def create_app(settings: Settings | None = None, *, embedder: Any = None) -> FastAPI:
    """The app over `settings` (default: from the environment). `embedder` overrides the search model (tests)."""
    settings = settings or Settings()
    state = ServiceState(settings=settings, stores=StoreCache(settings), embedder=embedder)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        healed = await run_in_threadpool(reconcile_home, settings, state.get_embedder)
        if healed:
            log.warning("reconciled the store after an interrupted write: %s", healed)
        yield
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
    if STATIC.is_dir():  # after the API routes: a path the API knows never reaches the files
        app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
    app.add_middleware(SuffixFormat, prefixes=FORMAT_PREFIXES)

    return app
