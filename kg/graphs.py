"""rdflib graphs that reference counting frees.

rdflib's namespace manager holds its graph, and the graph its manager; its default in-memory store holds every
graph added to it as a context: reference cycles, so a graph (with its triples, or with the Oxigraph store handle
under a `Dataset`) outlived its last user until the cyclic collector's next full collection. In the server, which
builds a document's graph for every upload and replaces its store snapshot on every write, that held hundreds of
MB and made each full collection a pause of the whole process. So every graph the project makes goes through
`unlinked` (a manager holding its graph weakly) or `new_graph` (also on rdflib's `SimpleMemory` store, which keeps
triples only: our in-memory graphs have no contexts; rdflib's parsers want a context-aware store, so to parse more
into one, copy it into a `Graph()` first).
"""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

from rdflib import Graph
from rdflib.namespace import NamespaceManager

from kg.iris import PREFIXES

G = TypeVar("G", bound=Graph)


class _WeakNamespaceManager(NamespaceManager):
    """rdflib's namespace manager, holding its graph by a weak reference."""

    @property  # type: ignore[override]
    def graph(self) -> Graph:
        graph: Graph | None = self._graph()
        if graph is None:
            raise ReferenceError("the graph of this namespace manager was freed")
        return graph

    @graph.setter
    def graph(self, graph: Graph) -> None:
        self._graph: Any = weakref.ref(graph)


def unlinked(graph: G, *, bind: bool = True) -> G:
    """`graph` with a namespace manager that does not keep it alive (and, with `bind`, the project's prefixes)."""
    graph.namespace_manager = _WeakNamespaceManager(graph, getattr(graph, "_bind_namespaces", "rdflib"))
    if bind:
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
    return graph


def new_graph(*, bind: bool = True) -> Graph:
    """An empty in-memory graph, freed with its last reference."""
    return unlinked(Graph(store="SimpleMemory"), bind=bind)
