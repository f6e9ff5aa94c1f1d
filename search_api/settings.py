"""The one validated settings object of the application: where the data lives, which store, the model, limits.

Values come from arguments, then `CCHC_*` environment variables (`CCHC_HOME`, `CCHC_MAX_UPLOAD_MB` …), then
these defaults. The graph's part (`home`, the SPARQL endpoints) is `kg.settings.StoreSettings`; every field is
documented in the README, which a test checks.
"""

from __future__ import annotations

from pydantic import Field

from ingest.containers import DEFAULT_LIMITS, ContainerLimits
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
    max_unpacked_mb: float = Field(
        default=DEFAULT_LIMITS.max_unpacked_bytes / 1_000_000,
        gt=0,
        description="Most a .docx or .odt may unpack to (all its zip entries), in MB.",
    )
    max_unpack_ratio: float = Field(
        default=DEFAULT_LIMITS.max_ratio, gt=1, description="Largest compression ratio of one zip entry over 1 MB."
    )
    max_container_entries: int = Field(
        default=DEFAULT_LIMITS.max_entries, gt=0, description="Most entries a .docx or .odt zip may hold."
    )
    max_text_mb: float = Field(
        default=200.0, gt=0, description="Largest stored file `GET /documents/{id}` reads back to show, in MB."
    )
    request_threads: int = Field(
        default=4, gt=0, description="Requests computing at once in the server's threads; others wait their turn."
    )
    upload_request_threads: int = Field(
        default=1,
        gt=0,
        description="Requests computing at once while an upload computes: the upload shares the interpreter with "
        "fewer readers, so writes keep their pace under heavy reading.",
    )
    writer_wait_s: float = Field(
        default=30.0,
        ge=0,
        description="How long `POST /documents` waits for its turn among uploads, then for another writer, in seconds.",
    )
    sparql_timeout_s: float = Field(default=10.0, gt=0, description="Time limit of one `/sparql` query, in seconds.")
    sparql_max_rows: int = Field(default=10_000, gt=0, description="Rows (or triples) one `/sparql` answer holds.")
    sparql_max_query_mb: float = Field(default=1.0, gt=0, description="Largest `POST /sparql` body, in MB.")
    progress_every_s: float = Field(
        default=10.0, gt=0, description="Seconds between progress lines of `cchc ingest` when stderr is no terminal."
    )
    sparql_workers: int = Field(default=4, gt=0, description="`/sparql` worker processes: queries running at once.")
    sparql_queue_s: float = Field(
        default=5.0, ge=0, description="How long a `/sparql` query waits for a free worker before a 503, in seconds."
    )
    sparql_per_client: int = Field(
        default=2, gt=0, description="`/sparql` queries one client address may run at once; past this, a 429."
    )
    sparql_memory_mb: int = Field(
        default=1024,
        ge=16,
        description="Memory one `/sparql` query may take beyond its worker's own, in MB; past this, a 422.",
    )

    @property
    def max_file_bytes(self) -> int:
        """The largest file read back from disk (reconciliation re-reads what an upload or ingest stored)."""
        return max(int(self.max_upload_mb * 1_000_000), MAX_FILE_BYTES)

    def container_limits(self) -> ContainerLimits:
        """What a .docx or .odt may unpack to (zip bombs are refused by these)."""
        return ContainerLimits(int(self.max_unpacked_mb * 1_000_000), self.max_unpack_ratio, self.max_container_entries)
