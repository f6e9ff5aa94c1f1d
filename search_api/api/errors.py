"""One error shape for every failure: `{"error": {"status", "code", "message"}}`.

Every way a request can fail (an unknown id, a bad parameter, FastAPI's own validation, a route that
does not exist, an unexpected crash) ends in `error_response`, so clients parse failures one way.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.store import StoreError

log = logging.getLogger("search_api")

# The `code` a status gets when the raiser names none.
DEFAULT_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
    504: "timeout",
}


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status, repeated for clients that only see the body.")
    code: str = Field(description="A stable machine-readable reason: not_found, bad_request, validation_error, …")
    message: str = Field(description="One line for a person; never a traceback.")


class ErrorResponse(BaseModel):
    """The body of every failed request."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": {"status": 404, "code": "not_found", "message": "Không tìm thấy văn bản: _local/0000"}}
            ]
        }
    )
    error: ErrorBody


class ApiError(Exception):
    """Raised by routes and dependencies; rendered in the one error shape."""

    def __init__(self, status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = message
        self.headers = headers


def error_response(
    status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(status=status, code=code or DEFAULT_CODES.get(status, "error"), message=message)
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _validation_message(errors: list[Any]) -> str:
    """`query.k: Input should be less than or equal to 100; query.q: Field required`."""
    parts = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries declaring the error shape for these statuses."""
    return {status: {"model": ErrorResponse, "description": DEFAULT_CODES.get(status, "error")} for status in statuses}


def install_error_handlers(app: FastAPI) -> None:
    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.code, exc.headers)

    async def on_http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404:
            message = "Không tìm thấy (not found)"
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    async def on_validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, _validation_message(list(exc.errors())))

    async def on_store_error(_: Request, exc: Exception) -> JSONResponse:
        # raised after the store opened: a remote SPARQL server gone or refusing (opening failures are ApiErrors)
        return error_response(503, str(exc), "store_unavailable")

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "Lỗi máy chủ (internal error); the server log has the details")

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StoreError, on_store_error)
    app.add_exception_handler(Exception, on_crash)
