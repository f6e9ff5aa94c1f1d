"""Answers of `kg.questions` shaped for the API, where more than one router needs them."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from kg import questions
from kg.iris import short_id
from kg.store import GraphStore
from search_api.api.models import Citation, CitingDocument


def summaries(store: GraphStore, doc: str | None = None) -> list[dict[str, Any]]:
    """Every document (or the one `doc`) as a `DocumentSummary` dict (short id added)."""
    return [{**d, "iri": d["id"], "id": short_id(d["id"])} for d in questions.documents(store, doc)]


def is_work(store: GraphStore, iri: str) -> bool:
    """Whether `iri` is a work the graph knows by a notation."""
    return bool(store.query("work_notations", doc=URIRef(iri)))


def cited_by(store: GraphStore, iri: str) -> list[CitingDocument]:
    """Documents citing exactly the work `iri` (a law cited by name has no notation: asked by its IRI)."""
    return [citing_document(doc, doc["citations"]) for doc in questions.citing(store, [iri])]


def citing_document(doc: dict[str, Any], citations: list[dict[str, Any]]) -> CitingDocument:
    """One answer of `questions.cites` (a citing document) with the given citations of it."""
    ref = doc["document"]
    return CitingDocument(
        source=doc["source"],
        document={"id": short_id(ref["id"]), "iri": ref["id"], "title": ref.get("title")},  # type: ignore[arg-type]
        citations=[Citation(**c, work_id=short_id(c["work"])) for c in citations],
    )
