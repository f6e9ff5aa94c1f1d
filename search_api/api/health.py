"""/healthz: the service answers (without touching the store)."""

from __future__ import annotations

from fastapi import APIRouter

from search_api.api.models import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", operation_id="healthz", summary="Kiểm tra máy chủ (liveness)", response_model=Health)
async def healthz() -> Health:
    """Answers without touching the store: the baseline of the load test."""
    return Health()
