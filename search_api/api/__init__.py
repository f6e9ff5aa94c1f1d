"""The HTTP API: routes, response models, dependencies (see `search_api.app.create_app`)."""

from __future__ import annotations

from fastapi import APIRouter

from search_api.api import documents, graph, search, sparql
from search_api.api.models import Health

health = APIRouter(tags=["service"])


@health.get("/healthz", operation_id="healthz", summary="Kiểm tra máy chủ (liveness)", response_model=Health)
async def healthz() -> Health:
    """Answers without touching the store: the baseline of the load test."""
    return Health()


ROUTERS = (health, search.router, documents.router, graph.router, sparql.router)
# Paths whose `.csv` / `.ttl` / `.jsonld` suffix selects the format.
FORMAT_PREFIXES = ("/documents", "/works", "/units", "/tasks", "/anomalies", "/graph")
