"""Where the graph lives: the data directory, or a SPARQL server (`CCHC_HOME`, `CCHC_SPARQL_ENDPOINT` …).

The graph commands (`kg.cli`) need only this; `search_api.settings.Settings` extends it with the search
index, the model and the service's limits into the one settings object of the application.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.store import GraphStore


class StoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CCHC_", extra="ignore")

    home: Path = Field(default=Path("cchc-data"), description="Data directory: graph store, index, model cache.")
    sparql_endpoint: str | None = Field(
        default=None, description="Use this SPARQL 1.1 server instead of the embedded store (query endpoint)."
    )
    sparql_update_endpoint: str | None = Field(default=None, description="Update endpoint, when it differs.")

    @classmethod
    def for_store(cls, store: Path | None = None) -> Self:
        """Settings from the environment, with `--store DIR` taking precedence over CCHC_HOME."""
        return cls(home=store) if store is not None else cls()

    def open_store(self, *, read_only: bool = False) -> GraphStore:
        """The configured store: a SPARQL server when one is set, else Oxigraph under `home`."""
        if self.sparql_endpoint:
            return GraphStore.open_remote(self.sparql_endpoint, self.sparql_update_endpoint)
        return GraphStore.open_local(self.home, read_only=read_only)
