"""The id scheme of the API: an IRI's short id (`kg.iris.short_id`), as written in URLs.

- a document or work: its path under `…/doc/` — a canonical id (`vn/nghi-dinh/107_2020_ndd-cp`) or, for an
  unnumbered draft, `_local/<16 hex of its text's sha256>`;
- a unit: its unit id under `…/org/` (`vn.vinh-long/so-noi-vu`, `group/vn.vinh-long/…`);
- any node in /graph: its path under the base (`doc/…`, `org/…`, `task/966d4f3e1f32/T01`).
Ids contain slashes; routes take them as `{id:path}`, raw or %2F-encoded. A full IRI under the base is accepted
too, re-quoted like any id, so characters an IRI cannot hold (space, `<>"{}|^` and the backquote) name no node
instead of breaking the query. An id is only ever looked up in the graph, never used as a file path.
"""

from __future__ import annotations

from kg import iris


def document_iri(doc_id: str) -> str:
    return _requoted(doc_id) if doc_id.startswith(iris.BASE) else str(iris.work(doc_id))


def unit_iri(unit_id: str) -> str:
    return _requoted(unit_id) if unit_id.startswith(iris.BASE) else str(iris.agent(unit_id))


def node_iri(node: str) -> str:
    """The node a /graph id names (the inverse of `kg.iris.path_of`)."""
    return _requoted(node) if node.startswith(iris.BASE) else str(iris.from_path(node))


def _requoted(iri: str) -> str:
    return str(iris.from_path(iris.path_of(iri)))
