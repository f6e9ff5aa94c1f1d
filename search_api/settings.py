"""The one validated settings object of the application: where the data lives, which store, the model, limits.

Values come from arguments, then `CCHC_*` environment variables (`CCHC_HOME`, `CCHC_MAX_UPLOAD_MB` …), then
these defaults. The graph's part (`home`, the SPARQL endpoints) is `kg.settings.StoreSettings`; every field is
documented in the README, which a test checks.
"""

from __future__ import annotations

from pydantic import Field

from ingest.pipeline import MAX_FILE_BYTES
from kg.settings import StoreSettings


class Settings(StoreSettings):
    embedder: str | None = Field(
        default=None,
        description="Embedding runtime: onnx or torch (default: onnx when onnxruntime is installed).",
    )
    host: str = Field(default="127.0.0.1", description="Interface `cchc serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `cchc serve` listens on.")
    max_upload_mb: float = Field(
        default=MAX_FILE_BYTES / 1_000_000, gt=0, description="Largest file `POST /documents` accepts, in MB."
    )
    max_text_mb: float = Field(
        default=200.0, gt=0, description="Largest stored file `GET /documents/{id}` reads back to show, in MB."
    )
    sparql_timeout_s: float = Field(default=10.0, gt=0, description="Time limit of one `/sparql` query, in seconds.")
    sparql_max_rows: int = Field(default=10_000, gt=0, description="Rows (or triples) one `/sparql` answer holds.")
    sparql_max_query_mb: float = Field(default=1.0, gt=0, description="Largest `POST /sparql` body, in MB.")
    progress_every_s: float = Field(
        default=10.0, gt=0, description="Seconds between progress lines of `cchc ingest` when stderr is no terminal."
    )
    sparql_workers: int = Field(
        default=4, gt=0, description="`/sparql` queries running at once; past this many, new ones get a 503."
    )
