"""/sparql queries run in worker processes, so a query that runs past its time limit is really stopped.

The engine cannot be interrupted from inside, and parsing a large query text holds the interpreter for
seconds: both happen in a worker process, never on the server's event loop or its threads. A pool of
`Settings.sparql_workers` processes (forked from a clean server with the query modules loaded, so a new
one starts in milliseconds) each runs one query at a time: the read-only check (`kg.sparql_guard`), the
query over the store's current snapshot, and the answer's rows or RDF text. A worker still busy at the
deadline is killed and replaced; the client gets its 504. A worker's memory is capped (`Settings.sparql_memory_mb`
above what it holds when it starts: sorting a cross join of a small store took gigabytes within the time limit);
a query past it fails, the engine aborting the worker if need be, and the client gets a 422. A request waits
`Settings.sparql_queue_s` for a free worker, then gets a 503; one client may run `Settings.sparql_per_client`
queries at once (past that, 429).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import select
import signal
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, cast

from anyio import CapacityLimiter
from rdflib import BNode, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node

from kg.graphs import new_graph
from kg.sparql_guard import CheckedQuery, RefusedQuery, check_query
from kg.store import GraphStore, StoreError
from search_api.api.deps import Stamp, graph_stamp
from search_api.settings import Settings

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])
_STOP_GRACE_S = 1.0
# Below the server's CPU priority: a runaway query takes a core until its time limit, and the server's event loop
# (/healthz, every request's I/O) must not wait for it.
NICENESS = 10


@dataclass(frozen=True)
class QueryRequest:
    text: str
    max_rows: int
    rdf_format: str  # rdflib's name of the format a CONSTRUCT or DESCRIBE answer is written in


@dataclass(frozen=True)
class Outcome:
    """A query's answer, as plain values that cross a process boundary."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, dict[str, str]]] = field(default_factory=list)
    boolean: bool | None = None
    rdf: str | None = None  # CONSTRUCT / DESCRIBE, written in the requested format
    truncated: bool = False
    failure: tuple[int, str, str] | None = None  # (status, code, message) when the query did not complete


def _term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    if isinstance(node, Literal):
        term = {"type": "literal", "value": str(node)}
        if node.language:
            term["xml:lang"] = node.language
        elif node.datatype:
            term["datatype"] = str(node.datatype)
        return term
    return {"type": "literal", "value": str(node)}


def _collect(store: GraphStore, checked: CheckedQuery, request: QueryRequest) -> Outcome:
    result: Result = store.run(checked.text)
    if checked.form == "ask":
        return Outcome("ask", boolean=bool(result.askAnswer))
    if checked.form in ("construct", "describe"):
        assert result.graph is not None
        graph, truncated = new_graph(), False
        for n, triple in enumerate(result.graph):
            if n == request.max_rows:
                truncated = True
                break
            graph.add(triple)
        return Outcome(checked.form, rdf=graph.serialize(format=request.rdf_format), truncated=truncated)
    variables = list(checked.variables) or [str(v) for v in (result.vars or [])]  # the query's order
    rows: list[dict[str, dict[str, str]]] = []
    truncated = False
    for row in cast(Any, result):
        if len(rows) == request.max_rows:
            truncated = True
            break
        rows.append({str(k): _term(v) for k, v in row.asdict().items() if v is not None})
    return Outcome("select", variables, rows, truncated=truncated)


def _answer(store: GraphStore, request: QueryRequest, memory_mb: int) -> Outcome:
    """One request, every failure a plain value (the worker lives on)."""
    try:
        checked = check_query(request.text)
    except RefusedQuery as err:
        return Outcome("select", failure=(400, err.code, err.message))
    try:
        return _collect(store, checked, request)
    except MemoryError:
        return Outcome(checked.form, failure=_too_large(memory_mb))
    except (SyntaxError, ValueError) as err:  # the engine's own parse and type errors
        return Outcome(checked.form, failure=(400, "sparql_syntax", f"SPARQL query failed: {_first_line(err)}"))
    except Exception as err:  # anything else: one line back to the server, which logs it
        return Outcome(checked.form, failure=(500, "internal_error", f"SPARQL query failed: {_first_line(err)}"))


def _too_large(memory_mb: int) -> tuple[int, str, str]:
    message = f"Truy vấn cần quá nhiều bộ nhớ (the query needed more than {memory_mb} MB; narrow its patterns)"
    return (422, "query_too_large", message)


def _cap_memory(memory_mb: int) -> None:
    """The worker's data (heap and private mappings, where the engine allocates) capped at what it holds now plus
    `memory_mb`."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    held_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmData:"))
    limit = (held_kb << 10) + (memory_mb << 20)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _first_line(err: BaseException) -> str:
    return (str(err).strip() or type(err).__name__).splitlines()[0][:300]


class _Snapshot:
    """The worker's read-only store handle, reopened when the store changed on disk."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: GraphStore | None = None
        self.stamp: Stamp | None = None

    def get(self) -> GraphStore:
        stamp = None if self.settings.sparql_endpoint else graph_stamp(self.settings.home)
        if self.store is None or stamp != self.stamp:
            self.store, self.stamp = self.settings.open_store(read_only=True), stamp
        return self.store


def _end_with(server: int) -> None:
    """Exit as soon as the server process does (killed, it closes nothing: the query running here would go on for
    good, a runaway one at a core). The engine lets go of the interpreter while it computes, so a thread can."""

    def wait() -> None:
        try:
            select.select([os.pidfd_open(server)], [], [])
        except OSError:  # a kernel without pidfds (before Linux 5.3): the worker ends with its connection only
            return
        os._exit(0)

    threading.Thread(target=wait, name="end-with-server", daemon=True).start()


def _serve(conn: Connection, settings: Settings, server: int) -> None:
    """A worker's life: one request at a time until the server closes its end, or is gone."""
    _end_with(server)
    os.nice(NICENESS)
    snapshot = _Snapshot(settings)
    snapshot.get()  # the store's handle is the worker's own, not a query's
    _cap_memory(settings.sparql_memory_mb)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            outcome = _answer(snapshot.get(), request, settings.sparql_memory_mb)
        except StoreError as err:
            outcome = Outcome("select", failure=(503, "unavailable", _first_line(err)))
        conn.send(outcome)


class _Worker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None

    def ensure(self) -> Connection:
        if self.process is None or not self.process.is_alive() or self.conn is None:
            self.stop()
            ours, theirs = _CONTEXT.Pipe()
            self.process = _CONTEXT.Process(target=_serve, args=(theirs, self.settings, os.getpid()), daemon=True)
            self.process.start()
            theirs.close()
            self.conn = ours
        return self.conn

    def stop(self) -> int | None:
        """Kill the worker (if alive); its exit code (negative: the signal that ended it)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        code = None
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(_STOP_GRACE_S)
            code, self.process = self.process.exitcode, None
        return code

    def ask(self, request: QueryRequest, timeout: float) -> Outcome | None:
        """The outcome, or None when the deadline passed (the worker is then killed: the query stops)."""
        conn = self.ensure()
        try:
            conn.send(request)
            if conn.poll(timeout):
                return cast(Outcome, conn.recv())
        except (EOFError, OSError):  # the worker died under the query
            if self.stop() == -signal.SIGABRT:  # the engine aborts when an allocation fails: past its memory
                return Outcome("select", failure=_too_large(self.settings.sparql_memory_mb))
            return Outcome("select", failure=(500, "internal_error", "the SPARQL worker stopped"))
        self.stop()
        return None


class SparqlWorkers:
    """A fixed number of worker processes, started on first use; a per-client count of queries running."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all = [_Worker(settings) for _ in range(settings.sparql_workers)]
        for worker in self._all:
            self._idle.put(worker)
        self._clients: dict[str, int] = {}
        self._lock = threading.Lock()
        self._waiters: CapacityLimiter | None = None

    @property
    def waiters(self) -> CapacityLimiter:
        """Threads that wait on a worker (made in the event loop's thread, on first use)."""
        if self._waiters is None:
            self._waiters = CapacityLimiter(4 * self.settings.sparql_workers + 8)
        return self._waiters

    def running(self) -> int:
        """Queries running now (workers taken)."""
        return len(self._all) - self._idle.qsize()

    def answer(self, client: str, request: QueryRequest) -> Outcome:
        """Blocking (call from a thread): run `request` for `client` in a free worker; raises `Busy` when this
        client's share is taken, or no worker frees up within `sparql_queue_s`. The time limit covers parsing and
        the query, from when a worker has it."""
        worker = self._take(client)
        try:
            outcome = worker.ask(request, self.settings.sparql_timeout_s)
        finally:
            self._give_back(client, worker)
        if outcome is None:
            message = f"Truy vấn quá thời gian (query over the {self.settings.sparql_timeout_s:g} s limit)"
            return Outcome("select", failure=(504, "timeout", message))
        return outcome

    def _take(self, client: str) -> _Worker:
        with self._lock:
            if self._clients.get(client, 0) >= self.settings.sparql_per_client:
                raise Busy(429, f"at most {self.settings.sparql_per_client} SPARQL queries at once per client")
            self._clients[client] = self._clients.get(client, 0) + 1
        try:
            return self._idle.get(timeout=self.settings.sparql_queue_s)
        except queue.Empty:
            self._release(client)
            raise Busy(503, "Máy chủ đang bận (every SPARQL worker is busy); try again later") from None

    def _release(self, client: str) -> None:
        with self._lock:
            self._clients[client] -= 1
            if not self._clients[client]:
                del self._clients[client]

    def _give_back(self, client: str, worker: _Worker) -> None:
        self._release(client)
        self._idle.put(worker)

    def close(self) -> None:
        for worker in self._all:
            worker.stop()
        self._waiters = None  # an app started again runs in another event loop


class Busy(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
