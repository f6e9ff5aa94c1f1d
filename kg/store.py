"""The RDF store: Oxigraph on disk by default, any SPARQL 1.1 server through the same code.

One named graph per source (its identity; the content hash is its version). A file's graph is replaced
in a single SPARQL UPDATE request (drop the old graph, insert the new), which Oxigraph runs as one
transaction: a process killed mid-ingest leaves every file either fully old or fully new. Queries run
over the union of graphs.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import urllib.error
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast
from typing import Literal as TypingLiteral

import pyoxigraph
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.query import Result
from rdflib.term import Identifier, Node

from kg.graphs import new_graph, unlinked
from kg.iris import BASE, PREFIXES
from kg.snapshots import linked_snapshot

Change = TypingLiteral["new", "updated", "unchanged"]

_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_WHERE = re.compile(r"^(?!\s*#)[^\n]*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)  # outermost, not in a comment
_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_OPEN_ATTEMPTS = 8
# Beside `graph/`: rewritten (atomically) each time a writer's changes are on disk, so readers move to a new
# snapshot once per commit instead of at every file Oxigraph touches mid-write.
COMMIT_FILE = "graph.commit"
_REMOTE_BATCH = 2_000  # triples per INSERT DATA request: large requests fail on Virtuoso (HTTP 400)


class StoreError(Exception):
    """The store could not be opened or written; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class FileGraph:
    graph: URIRef
    sha256: str


@cache
def load_query(name: str) -> str:
    """The text of `kg/queries/{name}.rq` (user questions live there, one per file; read once: they ship with the
    package)."""
    if not _QUERY_NAME.match(name):
        raise KeyError(name)
    path = resources.files("kg") / "queries" / f"{name}.rq"
    if not path.is_file():
        raise KeyError(name)
    return path.read_text(encoding="utf-8")


def _with_values(sparql: str, names: Sequence[str], rows: Sequence[Sequence[Identifier]]) -> str:
    """`sparql` with a VALUES block opening its outermost WHERE clause."""
    where = _WHERE.search(sparql)
    if where is None:
        raise ValueError("bindings need a query with a WHERE { … } clause")
    head = " ".join(f"?{k}" for k in names)
    body = " ".join("(" + " ".join(cast(Any, v).n3() for v in row) + ")" for row in rows)
    return f"{sparql[: where.end()]}\n  VALUES ({head}) {{ {body} }}{sparql[where.end() :]}"


def query_names() -> list[str]:
    folder = resources.files("kg") / "queries"
    return sorted(p.name.removesuffix(".rq") for p in folder.iterdir() if p.name.endswith(".rq"))


class GraphStore:
    """A dataset of per-file named graphs with replace-by-file and query-by-name."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        native: pyoxigraph.Store | None = None,
        read_only: bool = False,
        location: Path | None = None,
        commits: Path | None = None,
        release: Callable[[], object] | None = None,
    ) -> None:
        self._ds = unlinked(dataset)  # freed with this handle, not at the next full collection
        self._location = location  # a local read-only store reopens when a writer's compaction drops its files
        self._commits = commits  # a local writer's commit marker (COMMIT_FILE)
        self._release = release  # deletes a local reader's snapshot folder (kg.snapshots)
        self.read_only = read_only
        self._native = native  # updates go straight to Oxigraph: rdflib's own update engine is slow
        self._remote = native is None
        # A server keeps graphs of its own in the union (Virtuoso: virtrdf#, …): count and export only ours.
        self._ours = f'FILTER (STRSTARTS(STR(?g), "{BASE}"))' if self._remote else ""

    @classmethod
    def open_local(cls, directory: Path, *, read_only: bool = False) -> GraphStore:
        """Oxigraph under `directory/graph`; read-only opens never block on (or block) a writer."""
        location = directory / "graph"
        if read_only and not location.exists():
            raise StoreError(f"no graph store at {location} (run `cchc ingest` first)")
        if not read_only:
            location.mkdir(parents=True, exist_ok=True)
        native, snapshot = None, None
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                if read_only:
                    snapshot = linked_snapshot(location)
                    native = pyoxigraph.Store.read_only(str(snapshot or location))
                else:
                    native = pyoxigraph.Store(str(location))
                break
            except (OSError, RuntimeError) as err:  # pyoxigraph reports lock and file problems as RuntimeError
                if snapshot is not None:
                    shutil.rmtree(snapshot, ignore_errors=True)
                # A writer compacting at the moment a reader opens can delete a file the reader just listed.
                if not read_only or attempt == _OPEN_ATTEMPTS - 1:
                    raise StoreError(f"cannot open graph store at {location}: {err}") from err
                time.sleep(0.05 * (attempt + 1))
        assert native is not None
        if not read_only:  # RocksDB keeps the info log of every earlier open: a writer per upload piled them up
            for log in location.glob("LOG.old.*"):
                log.unlink(missing_ok=True)
        wrapper = OxigraphStore(store=native)
        dataset = Dataset(store=wrapper, default_union=True)
        if not read_only:
            return cls(dataset, native=native, commits=directory / COMMIT_FILE)
        # The snapshot's folder goes with the last reference to its handle (an old snapshot a request still reads
        # outlives its replacement), or at close().
        release = weakref.finalize(wrapper, shutil.rmtree, snapshot, True) if snapshot is not None else None
        return cls(dataset, native=native, read_only=True, location=directory, release=release)

    @classmethod
    def open_remote(cls, query_endpoint: str, update_endpoint: str | None = None) -> GraphStore:
        """Any SPARQL 1.1 server (Virtuoso, Fuseki, Oxigraph server) whose default graph is the union."""
        store = SPARQLUpdateStore(query_endpoint, update_endpoint or query_endpoint, returnFormat="json")
        return cls(Dataset(store=store, default_union=True))

    def close(self) -> None:
        """Release the store now (a writer's lock and background work end with the last reference)."""
        self._ds.close()
        if self._native is not None and not self.read_only:
            self._native.flush()
            self._committed()
        self._native = None
        if self._release is not None:
            self._release()

    # --- writing ----------------------------------------------------------------------------------

    def file_graphs(self, sources: Sequence[str] | None = None, *, sha256: str | None = None) -> dict[str, FileGraph]:
        """Source path → the graph currently holding it: of every file, or of the given sources, or of the files
        with this content (a single upload asks by name: listing every file is a scan of the store)."""
        sparql = "SELECT ?g ?path ?sha WHERE { GRAPH ?g { ?g cchc:sourcePath ?path ; cchc:sha256 ?sha } }"
        if sources is not None:
            if not sources:
                return {}
            sparql = _with_values(sparql, ["path"], [[Literal(s)] for s in sources])
        if sha256 is not None:
            sparql = _with_values(sparql, ["sha"], [[Literal(sha256)]])
        rows = self.query_text(sparql)
        return {str(r["path"]): FileGraph(URIRef(str(r["g"])), str(r["sha"])) for r in rows}

    def replace_file(
        self, source: str, graph: URIRef, sha256: str, triples: Graph, *, known: Mapping[str, FileGraph] | None = None
    ) -> Change:
        """Make `graph` the one graph of `source`; unchanged content is a no-op.

        A graph belongs to one source (`kg.iris.file`): the same content under another name has a graph of its
        own, so replacing or dropping one never touches the other.

        `known` is what `file_graphs()` returned (callers loading many files ask once).
        """
        known = known if known is not None else self.file_graphs()
        old = known.get(source)
        if old is not None and old.sha256 == sha256 and old.graph == graph:
            return "unchanged"
        drops = [f"DROP SILENT GRAPH {graph.n3()}"]
        if old is not None and old.graph != graph:
            drops.append(f"DROP SILENT GRAPH {old.graph.n3()}")
        lines = triples.serialize(format="nt").splitlines()
        if not self._remote:
            body = "\n".join(lines)
            self._update(" ;\n".join([*drops, f"INSERT DATA {{ GRAPH {graph.n3()} {{\n{body}\n}} }}"]))
        else:
            self._update(" ;\n".join(drops))
            for i in range(0, len(lines), _REMOTE_BATCH):
                body = "\n".join(lines[i : i + _REMOTE_BATCH])
                self._update(f"INSERT DATA {{ GRAPH {graph.n3()} {{\n{body}\n}} }}")
        return "new" if old is None else "updated"

    def add_to_graph(self, graph: URIRef, triples: Graph) -> None:
        """Add triples to an existing file's graph in one request (used for facts a later file revealed)."""
        lines = triples.serialize(format="nt").splitlines()
        for i in range(0, len(lines), _REMOTE_BATCH):
            body = "\n".join(lines[i : i + _REMOTE_BATCH])
            self._update(f"INSERT DATA {{ GRAPH {graph.n3()} {{\n{body}\n}} }}")

    def flush(self) -> None:
        """Write the embedded store's in-memory buffers to disk (a long load calls it between batches, so memory
        does not grow with the store)."""
        if self._native is not None and not self.read_only:
            self._native.flush()
            self._committed()

    def _committed(self) -> None:
        """Tell readers the store on disk is whole and new (see COMMIT_FILE)."""
        if self._commits is None:
            return
        fresh = self._commits.with_name(f".{self._commits.name}.{os.getpid()}")
        fresh.write_text(f"{time.time_ns()} {os.getpid()}\n", encoding="ascii")
        os.replace(fresh, self._commits)

    def bulk_load(self, nquads: Path) -> None:
        """Load an N-Quads file with Oxigraph's bulk loader (not transactional: for building a store)."""
        if self._native is None:
            raise StoreError("bulk loading needs the embedded store; use the server's own bulk loader")
        self._native.bulk_load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
        self._native.flush()
        self._committed()

    def remove_file(self, source: str) -> bool:
        old = self.file_graphs([source]).get(source)
        if old is None:
            return False
        self._update(f"DROP SILENT GRAPH {old.graph.n3()}")
        return True

    def _update(self, sparql: str) -> None:
        if self._native is not None:
            self._native.update(_PROLOGUE + sparql)
            return
        with self._server_errors("an update"):
            self._ds.update(_PROLOGUE + sparql)

    @contextmanager
    def _server_errors(self, what: str) -> Iterator[None]:
        """A remote server's refusal or absence as a StoreError with its own message, not a traceback."""
        try:
            yield
        except (urllib.error.URLError, ValueError) as err:
            # rdflib wraps a failed GET in a ValueError that names neither the server nor its answer
            cause = err if isinstance(err, urllib.error.URLError) else err.__context__
            if self._native is not None or not isinstance(cause, urllib.error.URLError):
                raise
            self._ds.store.rollback()  # rdflib keeps a refused update queued and would send it again with the next
            if isinstance(cause, urllib.error.HTTPError):
                message = cause.read(2_000).decode("utf-8", "replace").strip().split("\n")[0]
                raise StoreError(f"the SPARQL server refused {what} (HTTP {cause.code}): {message}") from err
            raise StoreError(f"the SPARQL server cannot be reached: {cause.reason}") from err

    # --- reading ----------------------------------------------------------------------------------

    def query_text(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> list[dict[str, Node]]:
        """Run a SELECT; `bindings` become a VALUES block opening its WHERE clause.

        Not a trailing VALUES: that one joins after GROUP BY (so it cannot restrict a grouped
        variable), and Virtuoso rejects it when the variable is not projected.
        """
        if bindings:
            sparql = _with_values(sparql, list(bindings), [list(bindings.values())])
        try:
            return self._rows(sparql)
        except OSError:
            if self._location is None:
                raise
            self._reopen()  # a writer compacted away files this snapshot read: read the new one
            return self._rows(sparql)

    def _rows(self, sparql: str) -> list[dict[str, Node]]:
        with self._server_errors("a query"):
            result: Result = self._ds.query(_PROLOGUE + sparql)
            return [{str(k): v for k, v in row.asdict().items()} for row in cast(Iterator[Any], result)]

    def _reopen(self) -> None:
        assert self._location is not None
        fresh = GraphStore.open_local(self._location, read_only=True)
        self._ds, self._native, self._release = fresh._ds, fresh._native, fresh._release

    def query_values(self, name: str, variable: str, values: Sequence[Identifier]) -> list[dict[str, Node]]:
        """Run the named query once for all `values` of one variable (a VALUES block with a row for each)."""
        if not values:
            return []
        return self.query_text(_with_values(load_query(name), [variable], [[v] for v in values]))

    def run(self, sparql: str) -> Result:
        """Any read query form (SELECT, ASK, CONSTRUCT, DESCRIBE), rows read lazily by the caller.

        The caller is responsible for refusing updates (see kg.sparql_guard).
        """
        with self._server_errors("the query"):
            return self._ds.query(_PROLOGUE + sparql)

    def query(self, name: str, **bindings: Identifier) -> list[dict[str, Node]]:
        """Run the named user question from `kg/queries/{name}.rq`."""
        return self.query_text(load_query(name), bindings)

    def triple_count(self) -> int:
        rows = self.query_text(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        return int(cast(Any, rows[0]["n"]).toPython()) if rows else 0

    def graph_of(self, source: str) -> Graph:
        """A copy of one file's graph (for exports and checks); the graph is found by its source, not by listing
        every file's."""
        path = Literal(source).n3()
        return self._graph(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?g cchc:sourcePath {path} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )

    def _graph(self, select_spo: str) -> Graph:
        """The rows of a `SELECT ?s ?p ?o` as a graph.

        Not CONSTRUCT: asked for JSON results, Virtuoso writes a CONSTRUCT as a results table with a
        non-standard language key, and rdflib drops every language tag.
        """
        out = new_graph()
        with self._server_errors("a query"):
            for row in cast(Iterator[Any], self._ds.query(_PROLOGUE + select_spo)):
                out.add((row.s, row.p, row.o))
        return out

    def dump(self, path: Path, rdf_format: str) -> None:
        """Write the store: N-Quads keeps the per-file graphs, other formats get their union."""
        if rdf_format == "nquads":
            with self._server_errors("an export"):
                self._ds.serialize(destination=str(path), format="nquads")
        else:
            self.union().serialize(destination=str(path), format=rdf_format)

    def union(self) -> Graph:
        """Every triple of every file graph, as one in-memory graph of triples (exports, networkx views)."""
        return self._graph(f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
