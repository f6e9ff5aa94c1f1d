"""One validated settings object: where the data lives, which store, service limits.

Values come from arguments, then `CCHC_*` environment variables, then these defaults.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.store import GraphStore


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CCHC_", extra="ignore")

    home: Path = Field(default=Path("cchc-data"), description="Data directory: graph store, index, model cache.")
    sparql_endpoint: str | None = Field(
        default=None, description="Use this SPARQL 1.1 server instead of the embedded store (query endpoint)."
    )
    sparql_update_endpoint: str | None = Field(default=None, description="Update endpoint, when it differs.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_upload_mb: float = Field(default=20.0, gt=0)
    sparql_timeout_s: float = Field(default=10.0, gt=0)
    sparql_max_rows: int = Field(default=10_000, gt=0)

    def open_store(self, *, read_only: bool = False) -> GraphStore:
        """The configured store: a SPARQL server when one is set, else Oxigraph under `home`."""
        if self.sparql_endpoint:
            return GraphStore.open_remote(self.sparql_endpoint, self.sparql_update_endpoint)
        return GraphStore.open_local(self.home, read_only=read_only)


def settings(store: Path | None = None) -> Settings:
    """Settings from the environment, with `--store DIR` taking precedence over CCHC_HOME."""
    return Settings(home=store) if store is not None else Settings()
