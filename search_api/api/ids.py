"""The id scheme of the API: an IRI's path under the graph's base, as written in URLs.

- a document or work: its path under `…/doc/` — a canonical id (`vn/nghi-dinh/107_2020_ndd-cp`) or, for an
  unnumbered draft, `_local/<16 hex of its text's sha256>`;
- a unit: its unit id under `…/org/` (`vn.vinh-long/so-noi-vu`, `group/vn.vinh-long/…`);
- any other node (tasks, citations in /graph): its path under the base (`task/966d4f3e1f32/T01`).
Ids contain slashes; routes take them as `{id:path}`, raw or %2F-encoded. A full IRI is accepted too.
An id is only ever looked up in the graph, never used as a file path.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from kg import iris

DOC = iris.BASE + "doc/"
ORG = iris.BASE + "org/"


def short_id(iri: str | None) -> str | None:
    """`https://w3id.org/vn-cchc/doc/vn/…` → `vn/…`; `…/org/vn.x/so-noi-vu` → `vn.x/so-noi-vu`."""
    if iri is None:
        return None
    for prefix in (DOC, ORG, iris.BASE):
        if iri.startswith(prefix):
            return unquote(iri[len(prefix) :])
    return iri


def node_id(iri: str) -> str:
    """Any node's id in /graph: its path under the base (`doc/…`, `org/…`, `task/…`)."""
    return unquote(iri[len(iris.BASE) :]) if iri.startswith(iris.BASE) else iri


def document_iri(doc_id: str) -> str:
    return doc_id if doc_id.startswith(iris.BASE) else str(iris.work(doc_id))


def unit_iri(unit_id: str) -> str:
    return unit_id if unit_id.startswith(iris.BASE) else str(iris.agent(unit_id))


def node_iri(node: str) -> str:
    """The inverse of `node_id` (quoted the way `kg.iris` quotes)."""
    return node if node.startswith(iris.BASE) else iris.BASE + quote(node, safe="/._-~")
