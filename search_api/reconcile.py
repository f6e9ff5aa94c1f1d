"""Bring the graph, the search index and the uploaded files back into agreement after a crash.

A writer killed at any point leaves one of: an upload's file with no graph (killed before loading it), a graph
with no index entry (killed while indexing), an index entry with no graph (killed while an upload was being
undone), cross-document facts in the ledger with no graph (killed between the two), or a staged upload. The graph
is the truth of what is stored: the index and the ledger follow it and upload folders nobody's graph names are
deleted. It runs under the writer lock at the start of every ingest and when the
server starts, so whatever point a crash hit, the next writer converges.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from ingest.pipeline import extract_text
from ingest.read import ReadError, read_file
from ingest.records import Extracted
from kg.ledger import LEDGER_FILE, Ledger
from kg.snapshots import owner_alive
from kg.store import FileGraph, GraphStore, StoreError
from search_api.chunk_store import ChunkStore
from search_api.embedding import Embedder
from search_api.index import DB_FILE, INDEX_DIR, SearchIndex
from search_api.index_build import build_index
from search_api.settings import Settings
from search_api.store_lock import writing

UPLOADS = "uploads"
STAGING = ".staging"


@dataclass
class Reconciled:
    """What a reconciliation changed (all empty when everything agreed)."""

    indexed: list[str] = field(default_factory=list)  # in the graph, missing from (or stale in) the index
    unindexed: list[str] = field(default_factory=list)  # in the index without a graph: removed from the index
    dropped: list[str] = field(default_factory=list)  # uploads whose file is gone: removed from the graph
    deleted: list[str] = field(default_factory=list)  # upload folders no graph names, and staged leftovers
    forgotten: list[str] = field(default_factory=list)  # ledger facts of documents without a graph: dropped

    def __bool__(self) -> bool:
        return bool(self.indexed or self.unindexed or self.dropped or self.deleted or self.forgotten)


def reconcile(
    home: Path,
    store: GraphStore,
    embedder: Callable[[], Embedder] | None,
    *,
    max_bytes: int,
    incoming: Collection[str] = (),
) -> Reconciled:
    """Make index, ledger and upload folders agree with the graph of `store`; the caller holds the writer lock.

    `incoming`: sources the caller is about to load (an upload's file is in place before its graph is).
    `embedder` is asked for only when a document needs indexing (loading a model takes seconds); without one
    the index is left behind the graph (`cchc ingest --no-index`), never ahead of it.
    """
    done = Reconciled()
    graphs = store.file_graphs()
    uploads = (home / UPLOADS).resolve()
    _drop_orphan_uploads(uploads, graphs, {Path(s) for s in incoming}, store, done)
    if (home / INDEX_DIR / DB_FILE).exists():
        _follow_graph(home, store, graphs, embedder, max_bytes, uploads, done)
    _forget_ungraphed(home, set(graphs) - set(done.dropped), done)
    return done


def _follow_graph(
    home: Path,
    store: GraphStore,
    graphs: dict[str, FileGraph],
    embedder: Callable[[], Embedder] | None,
    max_bytes: int,
    uploads: Path,
    done: Reconciled,
) -> None:
    """Index what the graph holds and the index lacks (or holds stale); unindex what the graph lacks."""
    indexed = _indexed(home)
    stale = [s for s in graphs if indexed.get(s) != graphs[s].sha256]
    gone = [s for s in indexed if s not in graphs]
    if gone:
        index = SearchIndex.open(home)
        try:
            for source in gone:
                index.remove_document(source)
            index.save()
        finally:
            index.close()
        done.unindexed += gone
    if stale and embedder is not None:
        documents = []
        for source in stale:
            document = _reread(source, graphs[source], max_bytes, uploads)
            if document is not None:
                documents.append(document)
            elif _is_under(Path(source), uploads):  # an upload whose file is gone cannot be shown or indexed
                store.remove_file(source)
                done.dropped.append(source)
        if documents:
            build_index(home, documents, embedder())
            done.indexed += [d.source for d in documents]


def _forget_ungraphed(home: Path, graphs: set[str], done: Reconciled) -> None:
    """Drop the ledger's facts of documents the graph does not hold, so no check compares with them."""
    if not (home / LEDGER_FILE).exists():
        return
    ledger = Ledger.open(home)
    try:
        for source in sorted(ledger.sources() - graphs):
            ledger.forget(source)
            done.forgotten.append(source)
    finally:
        ledger.close()


def _indexed(home: Path) -> dict[str, str]:
    chunks = ChunkStore.open(home / INDEX_DIR / DB_FILE, read_only=True)
    try:
        return {source: sha for source, (sha, _) in chunks.sources().items()}
    finally:
        chunks.close()


def _reread(source: str, graph: FileGraph, max_bytes: int, uploads: Path) -> Extracted | None:
    """The file extracted again when it still holds the content the graph was made from (else None)."""
    path = moved_upload(uploads, source) or Path(source)
    if not path.is_absolute():
        return None  # a corpus record's id, not a file: reindexed when its corpus is ingested again
    try:
        text = read_file(path, max_bytes=max_bytes).text
    except ReadError:
        return None
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != graph.sha256:
        return None
    return extract_text(text, source=source)


def moved_upload(uploads: Path, source: str) -> Path | None:
    """Where an upload recorded under another data directory (this one before it was moved, or restored from a
    backup elsewhere) lies in this one, if it is there: `<uploads>/<folder>/<name>` keeps its last two parts."""
    path = Path(source)
    if not path.is_absolute() or path.parent.parent.name != UPLOADS or _is_under(path, uploads):
        return None
    here = uploads / path.parent.name / path.name
    return here if here.is_file() else None


def _is_under(path: Path, folder: Path) -> bool:
    return path.is_absolute() and path.is_relative_to(folder)


def _drop_orphan_uploads(
    uploads: Path, graphs: dict[str, FileGraph], incoming: set[Path], store: GraphStore, done: Reconciled
) -> None:
    """Delete staged leftovers and upload folders no graph names (here or, moved, elsewhere); drop graphs of
    uploads whose file is gone."""
    if not uploads.is_dir():
        return
    named = {Path(s) for s in graphs if _is_under(Path(s), uploads)}
    for source in sorted(named):
        if not source.is_file():
            store.remove_file(str(source))
            done.dropped.append(str(source))
    moved = {m for s in graphs if (m := moved_upload(uploads, s)) is not None}
    folders = {p.parent for p in (named | incoming | moved) if p.is_file()} | {uploads / STAGING}
    staged = uploads / STAGING
    leftovers = [e for e in staged.iterdir() if not owner_alive(e.name)] if staged.is_dir() else []
    for entry in sorted(uploads.iterdir()):
        if entry.is_dir() and entry not in folders:
            leftovers.append(entry)
    for entry in leftovers:
        shutil.rmtree(entry, ignore_errors=True)
        done.deleted.append(str(entry))


def staging_dir(home: Path) -> Path:
    """Where an upload is written before it is read: named by its process, so only a dead one's is swept."""
    folder = home / UPLOADS / STAGING
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def staging_prefix() -> str:
    return f"{os.getpid()}-"


def reconcile_home(settings: Settings, embedder: Callable[[], Embedder]) -> Reconciled | None:
    """Reconcile a data directory when it has a store and no other writer holds it (the server, at start).

    None when there is nothing to reconcile yet, or when another writer is at work (it reconciles itself).
    """
    if not settings.sparql_endpoint and not (settings.home / "graph").exists():
        return None
    try:
        with writing(settings.home, wait=0.0):
            store = settings.open_store(read_only=False)
            try:
                return reconcile(settings.home, store, embedder, max_bytes=settings.max_file_bytes)
            finally:
                store.close()
    except (StoreError, OSError):
        return None
