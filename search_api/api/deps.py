"""What routes depend on: the settings, a read-only store snapshot, the searcher.

Reads never take the writer lock (`search_api.store_lock`). A read-only Oxigraph handle is a snapshot of
the store at the moment it was opened, so one handle is shared by all readers and replaced when the files under
`home/graph` change (our own upload, or a `cchc ingest` in another process); a request that holds the
old handle finishes on the old snapshot.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from anyio import CapacityLimiter
from fastapi import Depends, Request

from kg.store import COMMIT_FILE, GraphStore, StoreError
from search_api.api.errors import ApiError
from search_api.settings import Settings

if TYPE_CHECKING:
    from search_api.api.sparql_workers import SparqlWorkers

T = TypeVar("T")
Stamp = tuple[tuple[str, int, int], ...]


def directory_stamp(directory: Path) -> Stamp | None:
    """Names, sizes and modification times of the files in `directory`: any write changes it. None only when
    the directory is missing (a file a writer deletes while it is listed is left out, not taken for that)."""
    found = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                try:
                    if entry.is_file():
                        info = entry.stat()
                        found.append((entry.name, info.st_size, info.st_mtime_ns))
                except FileNotFoundError:
                    continue
    except FileNotFoundError:
        return None
    return tuple(sorted(found))


def graph_stamp(home: Path) -> Stamp | None:
    """What tells readers the graph store changed: its writers' last commit (`kg.store.COMMIT_FILE`), or, for a
    store no writer of this version has committed to, its files. None when there is no store."""
    if not (home / "graph").is_dir():
        return None
    try:
        info = (home / COMMIT_FILE).stat()
    except FileNotFoundError:
        return directory_stamp(home / "graph")
    return ((COMMIT_FILE, info.st_ino, info.st_mtime_ns),)


class StoreCache:
    """A shared read-only store handle, reopened when the store changed on disk.

    Values derived from the whole graph (the networkx view behind /graph) are memoised per snapshot.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._store: GraphStore | None = None
        self._stamp: Stamp | None = None
        self._memo: dict[str, Any] = {}

    def _current_stamp(self) -> Stamp | None:
        return graph_stamp(self._settings.home)

    def get(self) -> GraphStore:
        if self._settings.sparql_endpoint:  # a server: one client, its own snapshots
            with self._lock:
                if self._store is None:
                    self._store = self._settings.open_store(read_only=True)
                return self._store
        stamp = self._current_stamp()
        if stamp is None:
            raise ApiError(503, "Chưa có kho dữ liệu (no graph store yet): ingest documents first", "no_store")
        with self._lock:
            if self._store is None or stamp != self._stamp:
                try:
                    store = GraphStore.open_local(self._settings.home, read_only=True)
                except StoreError as err:
                    if self._store is not None:  # a writer is mid-compaction: the last snapshot is still whole
                        return self._store
                    raise ApiError(503, str(err), "unavailable") from err
                # The old handle is not closed: requests still reading it finish on their snapshot.
                self._store, self._stamp, self._memo = store, stamp, {}
            return self._store

    def snapshot(self) -> GraphStore | None:
        """The current snapshot, or None while there is none (the searcher then answers without the graph)."""
        try:
            return self.get()
        except ApiError:
            return None

    def memo(self, key: str, compute: Callable[[GraphStore], T]) -> T:
        """`compute(store)` once per store snapshot."""
        store = self.get()
        with self._lock:
            if key in self._memo and self._store is store:
                return self._memo[key]  # type: ignore[no-any-return]
        value = compute(store)
        with self._lock:
            if self._store is store:
                self._memo[key] = value
        return value


@dataclass
class ServiceState:
    """Everything one app instance shares between requests."""

    settings: Settings
    stores: StoreCache
    embedder: Any = None  # search_api.embedding.Embedder: given (tests), else the default model on first use
    searcher: Any = None  # search_api.search.Searcher once opened
    searcher_stamp: Any = None
    search_lock: threading.Lock = field(default_factory=threading.Lock)
    searcher_opening: threading.Lock = field(default_factory=threading.Lock)  # one open at a time, not one per request
    sparql: SparqlWorkers = field(init=False)  # processes start on first use and stop with the app
    _upload_turns: CapacityLimiter | None = None

    @property
    def upload_turns(self) -> CapacityLimiter:
        """One upload computes at a time (they write in turn anyway), in a thread outside the request threads:
        the others wait their turn without holding a thread that reads need (made in the event loop's thread)."""
        if self._upload_turns is None:
            self._upload_turns = CapacityLimiter(1)
        return self._upload_turns

    def __post_init__(self) -> None:
        from search_api.api.sparql_workers import SparqlWorkers

        self.sparql = SparqlWorkers(self.settings)

    def get_embedder(self) -> Any:
        """The one embedder uploads and searches share (loading the model takes seconds: once)."""
        with self.search_lock:
            if self.embedder is None:
                from search_api.embedding import default_embedder

                self.embedder = default_embedder(self.settings.home, self.settings.embedder)
            return self.embedder


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.cchc
    return state


State = Annotated[ServiceState, Depends(get_state)]


def get_store(state: State) -> GraphStore:
    """The current read-only snapshot of the graph."""
    return state.stores.get()


ReadStore = Annotated[GraphStore, Depends(get_store)]
