"""Extracted records → the RDF triples of one file's named graph (pure; no store involved).

Everything read from one file lives in that file's graph, third-party assertions included
(“107/2020 amends 24/2014” as stated by this plan), so re-ingesting the file replaces exactly it.
Shared nodes (a cited work, Sở Nội vụ of Vĩnh Long) get the same IRI from every file, which is
what resolves entities across files; their facts from each file stay in that file's graph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from ingest.citations import acts_on_parent
from ingest.records import AgentRef, Anomaly, Citation, Deadline, DocumentMeta, Extraction, Target, Task, Unit
from ingest.vntext import slug
from kg import iris
from kg.geography import place_triples, unit_triples
from kg.graphs import new_graph
from kg.iris import CCHC, ELI, OA, ORG, PROV, TIME

# Relation cue → the ELI/cchc property the citing work gets besides eli:cites.
RELATION_PROPERTY: dict[str, URIRef] = {
    "can_cu": ELI.based_on,
    "thuc_hien": CCHC.implements,
    "sua_doi_bo_sung": ELI.amends,
    "thay_the": CCHC.replaces,
    "bai_bo": ELI.repeals,
    "huong_dan": CCHC.guides,
    "de_nghi": CCHC.respondsToProposal,
}

FAMILY_CLASS = {
    "normative": CCHC.NormativeDocument,
    "party": CCHC.PartyDocument,
    "law_by_name": CCHC.NormativeDocument,
    "administrative": CCHC.LegalDocument,
}
_PLAN_KINDS = {"Kế hoạch", "Chương trình"}
Triple = tuple[URIRef, URIRef, Node]
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def document_iri(extraction: Extraction) -> URIRef:
    """The citing document: its work IRI when numbered, else a local IRI from its content."""
    meta = extraction.document
    return iris.work(meta.cid) if meta.cid else iris.local_document(meta.sha256)


def work_iri(citation: Citation) -> URIRef:
    """The cited work; a law named without a number is keyed by its name and year."""
    if citation.cid:
        return iris.work(citation.cid)
    name = slug(citation.law_name or citation.text)
    return iris.work(f"vn/luat/_name/{name}/{citation.year or 'x'}")


def _decimal(value: float) -> str:
    """xsd:decimal lexical form: no exponent, no trailing zeros (`100`, `80.3`, `0.00001`)."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date) if _FULL_DATE.match(value) else Literal(value)


def span_triples(node: URIRef, start: int, end: int) -> Iterator[Triple]:
    """Where a record sits in its source text: an `oa:TextPositionSelector` of character offsets."""
    selector = URIRef(f"{node}/span")
    yield node, CCHC.span, selector
    yield selector, RDF.type, OA.TextPositionSelector
    yield selector, OA.start, Literal(start)
    yield selector, OA.end, Literal(end)


def _provenance(g: Graph, node: URIRef, provenance: Iterable[tuple[URIRef, URIRef]], start: int, end: int) -> None:
    """Where a citation, task or target came from: file, extraction run and character span."""
    for p, o in provenance:
        g.add((node, p, o))
    for triple in span_triples(node, start, end):
        g.add(triple)


def citation_triples(
    node: URIRef, citation: Citation, document: URIRef, date_literal: Callable[[str], Literal]
) -> Iterator[Triple]:
    """The citation node: in which document, which work, as written, with what cue, date and flags."""
    yield node, RDF.type, CCHC.Citation
    yield node, CCHC.inDocument, document
    yield node, CCHC.citesWork, work_iri(citation)
    yield node, CCHC.notationAsWritten, Literal(citation.text)
    yield node, CCHC.relationKind, iris.concept("relation", citation.relation)
    if citation.cue:
        yield node, CCHC.cuePhrase, Literal(citation.cue)
    if citation.date:
        yield node, CCHC.citedDate, date_literal(citation.date)
    for flag in citation.flags:
        yield node, CCHC.flag, Literal(flag)


def cited_work_triples(target: URIRef, citation: Citation) -> Iterator[Triple]:
    """What a mention says about the work it cites: its family, kind, id, notation and, by name, its title."""
    yield target, RDF.type, FAMILY_CLASS[citation.family]
    yield target, RDF.type, CCHC.LegalDocument
    yield target, ELI.type_document, iris.concept("doc-type", slug(citation.kind))
    if citation.cid:
        yield target, DCTERMS.identifier, Literal(citation.cid)
    if citation.notation:
        yield target, ELI.id_local, Literal(citation.notation)
    if citation.law_name:
        yield target, ELI.title, Literal(citation.law_name, lang="vi")


def nested_edge(citation: Citation, citations: Sequence[Citation]) -> tuple[URIRef, URIRef] | None:
    """For a mention inside another's subject phrase, the direct edge (actor, acted on) between the two works: from
    the one whose phrase holds it, or, passive ("B được sửa đổi, bổ sung tại A"), from it to that one (A → B).
    None for a mention that is not nested: its edge runs from the citing document."""
    if citation.nested_in is None:
        return None
    parent, target = work_iri(citations[citation.nested_in]), work_iri(citation)
    return (target, parent) if acts_on_parent(citation) else (parent, target)


def edge_triples(subject: URIRef, target: URIRef, relation: str) -> Iterator[Triple]:
    """`eli:cites`, and the property of the relation's cue (`eli:based_on`, `eli:amends` …) when it has one."""
    yield subject, ELI.cites, target
    if relation in RELATION_PROPERTY:
        yield subject, RELATION_PROPERTY[relation], target


def _unit(g: Graph, unit: Unit) -> None:
    node = iris.agent(unit.id)
    if unit.is_group:
        g.add((node, RDF.type, CCHC.AgentGroup))
    else:
        g.add((node, RDF.type, ORG.OrganizationalUnit if unit.parent else ORG.Organization))
        if unit.parent:
            g.add((node, ORG.unitOf, iris.agent(unit.parent)))
    g.add((node, RDF.type, PROV.Agent))
    g.add((node, SKOS.prefLabel, Literal(unit.name, lang="vi")))
    g.add((node, CCHC.scope, iris.place(unit.scope)))
    if unit.kind:
        g.add((node, CCHC.orgKind, Literal(unit.kind)))
    for variant in unit.variants:
        if variant != unit.name:
            g.add((node, SKOS.altLabel, Literal(variant, lang="vi")))
    for triple in unit_triples(unit):
        g.add(triple)


def _agent_ref(g: Graph, ref: AgentRef) -> URIRef:
    node = iris.agent(ref.id)
    g.add((node, RDF.type, CCHC.AgentGroup if ref.is_group else ORG.Organization))
    g.add((node, RDF.type, PROV.Agent))
    g.add((node, SKOS.prefLabel, Literal(ref.name, lang="vi")))
    return node


def _deadline(g: Graph, node: URIRef, deadline: Deadline) -> None:
    g.add((node, RDF.type, CCHC.Deadline))
    g.add((node, CCHC.deadlineText, Literal(deadline.text)))
    g.add((node, CCHC.deadlineKind, Literal(deadline.kind)))
    if deadline.recurrence:
        g.add((node, CCHC.recurrence, Literal(deadline.recurrence)))
    if deadline.duration:
        _length(g, node, deadline.duration)
        g.add((node, CCHC.businessDays, Literal(deadline.business_days)))
    if deadline.after:
        g.add((node, CCHC.countsFrom, Literal(deadline.after, lang="vi")))
    for prop, value, suffix in ((TIME.hasBeginning, deadline.start, "begin"), (TIME.hasEnd, deadline.end, "end")):
        if value:
            instant = URIRef(f"{node}/{suffix}")
            g.add((node, prop, instant))
            g.add((instant, RDF.type, TIME.Instant))
            g.add((instant, TIME.inXSDDate, Literal(value, datatype=XSD.date)))


# An ISO 8601 length of one unit ("P5D", "P2M"), as `ingest.deadlines` writes them.
_LENGTH = re.compile(r"P(\d+)([YMWD])")
_TIME_UNITS = {"Y": TIME.unitYear, "M": TIME.unitMonth, "W": TIME.unitWeek, "D": TIME.unitDay}


def _length(g: Graph, node: URIRef, duration: str) -> None:
    """A relative deadline's length as an OWL-Time `time:Duration` (a number and a unit), not an xsd:duration
    literal: Virtuoso, the remote store, refuses those (openlink/virtuoso-opensource#224)."""
    m = _LENGTH.fullmatch(duration)
    if m is None:
        raise ValueError(f"not a one-unit ISO 8601 length: {duration!r}")
    length = URIRef(f"{node}/length")
    g.add((node, TIME.hasDuration, length))
    g.add((length, RDF.type, TIME.Duration))
    g.add((length, TIME.numericDuration, Literal(Decimal(m.group(1)))))
    g.add((length, TIME.unitType, _TIME_UNITS[m.group(2)]))


def _citations(g: Graph, e: Extraction, doc: URIRef, provenance: Iterable[tuple[URIRef, URIRef]]) -> list[URIRef]:
    key = iris.source_key(e.source)
    nodes = [iris.in_file(key, "cit", f"{c.start}-{c.end}") for c in e.citations]
    for citation, node in zip(e.citations, nodes, strict=True):
        target = work_iri(citation)
        for triple in (*citation_triples(node, citation, doc, _date), *cited_work_triples(target, citation)):
            g.add(triple)
        _provenance(g, node, provenance, citation.start, citation.end)
        # The direct edge: from the citing document, or, for a nested mention, between it and the work whose
        # subject phrase contains it (a third-party assertion kept in this file's graph).
        if citation.nested_in is not None:
            g.add((node, CCHC.nestedIn, nodes[citation.nested_in]))
        subject, cited = nested_edge(citation, e.citations) or (doc, target)
        for triple in edge_triples(subject, cited, citation.relation):
            g.add(triple)
    return nodes


def extraction_graph(e: Extraction) -> Graph:
    """All triples read from one file, ready to become that file's named graph."""
    g = new_graph()
    sha = e.document.sha256
    key = iris.source_key(e.source)
    doc = document_iri(e)
    source = iris.file(e.source)
    run = iris.activity(key, e.extractor_version or "0")
    provenance = [(PROV.wasDerivedFrom, source), (PROV.wasGeneratedBy, run)]

    g.add((source, RDF.type, CCHC.SourceFile))
    g.add((source, CCHC.sourcePath, Literal(e.source)))
    g.add((source, CCHC.sha256, Literal(sha)))
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, CCHC.extractorVersion, Literal(e.extractor_version or "0")))
    _document(g, doc, e.document, source)
    citation_nodes = _citations(g, e, doc, provenance)
    for unit in e.units:
        _unit(g, unit)
    for scope in sorted({e.document.scope, *(u.scope for u in e.units)}):
        for triple in place_triples(scope):
            g.add(triple)
    for task in e.tasks:
        _task(g, e, task, doc, provenance)
    for n, target in enumerate(e.targets, start=1):
        _target(g, key, n, target, doc, provenance)
    for n, anomaly in enumerate(e.anomalies, start=1):
        _anomaly(g, iris.in_file(key, "issue", f"A{n:02d}"), anomaly, doc, run, citation_nodes)
    g.add((doc, RDFS.label, Literal(e.document.title or e.source, lang="vi")))
    return g


def _document(g: Graph, doc: URIRef, meta: DocumentMeta, source: URIRef) -> None:
    """The citing document's own facts, as its header prints them."""
    g.add((doc, RDF.type, CCHC.Plan if meta.kind in _PLAN_KINDS else CCHC.LegalDocument))
    g.add((doc, RDF.type, CCHC.LegalDocument))
    g.add((doc, ELI.is_embodied_by, source))
    g.add((doc, PROV.wasDerivedFrom, source))
    g.add((doc, CCHC.scope, iris.place(meta.scope)))
    if meta.cid:
        g.add((doc, DCTERMS.identifier, Literal(meta.cid)))
    else:
        g.add((doc, CCHC.status, Literal("unnumbered")))
    if meta.number:
        g.add((doc, ELI.id_local, Literal(meta.number)))
    if meta.notation_template:
        g.add((doc, CCHC.notationTemplate, Literal(meta.notation_template)))
    if meta.kind:
        g.add((doc, ELI.type_document, iris.concept("doc-type", slug(meta.kind))))
    if meta.title:
        g.add((doc, ELI.title, Literal(meta.title, lang="vi")))
    if meta.date:
        g.add((doc, ELI.date_document if _FULL_DATE.match(meta.date) else CCHC.datePartial, _date(meta.date)))
    if meta.year_covered:
        g.add((doc, CCHC.yearCovered, Literal(str(meta.year_covered), datatype=XSD.gYear)))
    if meta.issuer:
        g.add((doc, CCHC.issuerName, Literal(meta.issuer, lang="vi")))
    if meta.signer:
        g.add((doc, CCHC.signedBy, Literal(meta.signer)))
    if meta.signer_title:
        g.add((doc, CCHC.signerTitle, Literal(meta.signer_title)))
    if meta.signing_mode:
        g.add((doc, CCHC.signingMode, Literal(meta.signing_mode)))


def _task(g: Graph, e: Extraction, task: Task, doc: URIRef, provenance: Iterable[tuple[URIRef, URIRef]]) -> None:
    node = iris.in_file(iris.source_key(e.source), "task", task.id)
    g.add((node, RDF.type, CCHC.Task))
    g.add((node, CCHC.partOfPlan, doc))
    g.add((node, DCTERMS.description, Literal(task.text, lang="vi")))
    g.add((node, CCHC.origin, Literal(task.origin)))
    if task.number:
        g.add((node, CCHC.taskNumber, Literal(task.number)))
    if task.area:
        g.add((node, CCHC.reformArea, iris.concept("reform-area", task.area)))
    for ref in task.lead:
        g.add((node, CCHC.leadAgent, _agent_ref(g, ref)))
    for ref in task.cooperate:
        g.add((node, CCHC.cooperatingAgent, _agent_ref(g, ref)))
    for product in task.products:
        g.add((node, CCHC.hasProduct, Literal(product, lang="vi")))
    if task.deadline:
        deadline = URIRef(f"{node}/deadline")
        g.add((node, CCHC.hasDeadline, deadline))
        _deadline(g, deadline, task.deadline)
    for index in task.citations:
        g.add((node, ELI.cites, work_iri(e.citations[index])))
    _provenance(g, node, provenance, task.start, task.end)


def _target(
    g: Graph, key: str, n: int, target: Target, doc: URIRef, provenance: Iterable[tuple[URIRef, URIRef]]
) -> None:
    node = iris.in_file(key, "target", f"G{n:02d}")
    g.add((node, RDF.type, CCHC.Target))
    g.add((node, CCHC.partOfPlan, doc))
    g.add((node, CCHC.targetText, Literal(target.text, lang="vi")))
    g.add((node, CCHC.metric, Literal(target.metric, lang="vi")))
    g.add((node, CCHC.comparator, Literal(target.comparator)))
    g.add((node, CCHC.value, Literal(_decimal(target.value), datatype=XSD.decimal)))
    g.add((node, CCHC.unit, Literal(target.unit)))
    if target.change:
        g.add((node, CCHC.change, Literal(target.change)))
    if target.area:
        g.add((node, CCHC.reformArea, iris.concept("reform-area", target.area)))
    if target.task:
        g.add((iris.in_file(key, "task", target.task), CCHC.hasTarget, node))
    _provenance(g, node, provenance, target.start, target.end)


def late_anomaly_graph(
    source: str, version: str, doc: URIRef, anomaly: Anomaly, citation_spans: Sequence[str]
) -> Graph:
    """An anomaly a later document revealed about a stored one (`source`), for that file's graph (its node
    named by its content, so adding it twice adds nothing)."""
    g = new_graph()
    file_key = iris.source_key(source)
    key = hashlib.blake2b(f"{anomaly.kind}|{anomaly.detail}|{anomaly.citations}".encode(), digest_size=6).hexdigest()
    nodes = [iris.in_file(file_key, "cit", span) for span in citation_spans]
    citations = tuple(range(len(nodes)))
    late = Anomaly(anomaly.kind, anomaly.severity, anomaly.detail, citations, anomaly.probable)
    _anomaly(g, iris.in_file(file_key, "issue", f"X{key}"), late, doc, iris.activity(file_key, version), nodes)
    return g


def _anomaly(
    g: Graph, node: URIRef, anomaly: Anomaly, doc: URIRef, run: URIRef, citation_nodes: Sequence[URIRef]
) -> None:
    g.add((node, RDF.type, CCHC.CitationIssue))
    g.add((node, CCHC.issueKind, Literal(anomaly.kind)))
    g.add((node, CCHC.severity, Literal(anomaly.severity)))
    g.add((node, CCHC.evidence, Literal(anomaly.detail)))
    g.add((node, CCHC.reviewStatus, Literal("open")))
    g.add((node, CCHC.inDocument, doc))
    if anomaly.probable:
        g.add((node, CCHC.probableIntendedWork, Literal(anomaly.probable)))
    for index in anomaly.citations:
        if index < len(citation_nodes):
            g.add((node, CCHC.aboutCitation, citation_nodes[index]))
    g.add((node, PROV.wasGeneratedBy, run))
