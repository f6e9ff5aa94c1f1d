"""The five samples' graph conforms to ontology/shapes.ttl, and the shapes catch real errors.

Validation runs on the union of the files' graphs plus the ontology and the code lists, so that `sh:class`
sees subclasses and concept objects can be checked against their scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from pyshacl import validate
from rdflib import RDF, SH, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from ingest.pipeline import extract_paths, extract_text
from kg import iris
from kg.build import extraction_graph
from kg.iris import CCHC, ELI, ORG, TIME
from kg.store import GraphStore
from tests.helpers import RELATIVE_PLAN, REPO, SAMPLES

ONTOLOGY = REPO / "ontology"


@pytest.fixture(scope="module")
def seeds_graph() -> Graph:
    documents, failures = extract_paths([SAMPLES])
    assert len(documents) == 5 and not failures
    graph = Graph()
    for document in documents:
        graph += extraction_graph(document.extraction)
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


@pytest.fixture(scope="module")
def data(seeds_graph: Graph) -> Graph:
    """Seeds + ontology + vocabulary: what the shapes validate."""
    graph = Graph()
    graph += seeds_graph
    graph.parse(ONTOLOGY / "cchc.ttl")
    graph.parse(ONTOLOGY / "vocab.ttl")
    return graph


def test_seeds_graph_conforms(data: Graph, shapes: Graph) -> None:
    conforms, _, report = validate(data, shacl_graph=shapes)
    print(report)
    assert conforms, report


def test_every_class_the_pipeline_writes_has_a_shape(seeds_graph: Graph, shapes: Graph) -> None:
    written = set(seeds_graph.objects(None, RDF.type))
    targeted = set(shapes.objects(None, SH.targetClass))
    # A Party document has no rule of its own beyond a LegalDocument's (and not being normative).
    via_super = {CCHC.PartyDocument}
    assert written - targeted - via_super == set()


# ------------------------------------------------------------------------------------ negative cases
# Each mutation breaks one real rule in a copy of the seeds' graph and returns the node that must fail.


def _first(graph: Graph, cls: URIRef, pred: URIRef | None = None, obj: Node | None = None) -> URIRef:
    for node in graph.subjects(RDF.type, cls):
        if pred is None or (node, pred, obj) in graph:
            assert isinstance(node, URIRef)
            return node
    raise AssertionError(f"no {cls} in the seeds' graph")


def citation_without_span(g: Graph) -> URIRef:
    node = _first(g, CCHC.Citation)
    g.remove((node, CCHC.span, None))
    return node


def target_with_unknown_comparator(g: Graph) -> URIRef:
    node = _first(g, CCHC.Target)
    g.set((node, CCHC.comparator, Literal("≈")))
    return node


def organisation_that_is_a_group(g: Graph) -> URIRef:
    node = _first(g, ORG.Organization)
    g.add((node, RDF.type, CCHC.AgentGroup))
    return node


def group_typed_as_organisation(g: Graph) -> URIRef:
    node = _first(g, CCHC.AgentGroup)
    g.remove((node, RDF.type, CCHC.AgentGroup))
    g.add((node, RDF.type, ORG.Organization))
    return node


def citation_without_its_direct_edge(g: Graph) -> URIRef:
    node = _first(g, CCHC.Citation, CCHC.relationKind, iris.concept("relation", "can_cu"))
    doc, work = g.value(node, CCHC.inDocument), g.value(node, CCHC.citesWork)
    g.remove((doc, ELI.based_on, work))
    return node


def citation_citing_two_works(g: Graph) -> URIRef:
    node = _first(g, CCHC.Citation)
    g.add((node, CCHC.citesWork, iris.work("vn/nghi-dinh/1_2000_ndd-cp")))
    return node


def unknown_citation_flag(g: Graph) -> URIRef:
    node = _first(g, CCHC.Citation)
    g.add((node, CCHC.flag, Literal("looks_odd")))
    return node


def relation_outside_its_scheme(g: Graph) -> URIRef:
    node = _first(g, CCHC.Citation)
    g.set((node, CCHC.relationKind, iris.concept("reform-area", "tthc")))
    return node


def task_area_outside_its_scheme(g: Graph) -> URIRef:
    node = _first(g, CCHC.Task)
    g.set((node, CCHC.reformArea, iris.concept("doc-type", "ke-hoach")))
    return node


def task_without_plan(g: Graph) -> URIRef:
    node = _first(g, CCHC.Task)
    g.remove((node, CCHC.partOfPlan, None))
    return node


def deadline_ending_before_it_begins(g: Graph) -> URIRef:
    node = _first(g, CCHC.Deadline, CCHC.deadlineKind, Literal("by_date"))
    g.set((URIRef(f"{node}/begin"), TIME.inXSDDate, Literal(date(2099, 1, 1))))
    return node


def dated_deadline_without_end(g: Graph) -> URIRef:
    node = _first(g, CCHC.Deadline, CCHC.deadlineKind, Literal("by_date"))
    g.remove((node, TIME.hasEnd, None))
    return node


def ill_typed_target_value(g: Graph) -> URIRef:
    node = _first(g, CCHC.Target)
    value = g.value(node, CCHC.value)
    assert isinstance(value, Literal)
    g.set((node, CCHC.value, Literal("80,5", datatype=value.datatype)))  # a decimal comma: not xsd:decimal
    return node


def percentage_above_100(g: Graph) -> URIRef:
    node = _first(g, CCHC.Target, CCHC.unit, Literal("%"))
    g.set((node, CCHC.value, Literal(Decimal(180))))
    return node


def document_numbered_and_unnumbered(g: Graph) -> URIRef:
    node = _first(g, CCHC.Plan, CCHC.status, Literal("unnumbered"))
    g.add((node, DCTERMS.identifier, Literal("vn.soc-trang/ke-hoach/1_kh-ubnd/2024")))
    return node


def normative_party_document(g: Graph) -> URIRef:
    node = _first(g, CCHC.NormativeDocument)
    g.add((node, RDF.type, CCHC.PartyDocument))
    return node


MUTATIONS: list[Callable[[Graph], URIRef]] = [
    citation_without_span,
    target_with_unknown_comparator,
    organisation_that_is_a_group,
    group_typed_as_organisation,
    citation_without_its_direct_edge,
    citation_citing_two_works,
    unknown_citation_flag,
    relation_outside_its_scheme,
    task_area_outside_its_scheme,
    task_without_plan,
    deadline_ending_before_it_begins,
    dated_deadline_without_end,
    ill_typed_target_value,
    percentage_above_100,
    document_numbered_and_unnumbered,
    normative_party_document,
]


def _around(graph: Graph, focus: URIRef) -> Graph:
    """Everything reachable from `focus` along outgoing edges: all that the shapes read about it.

    (pyshacl's `focus_nodes` option skips nested `sh:node` checks, so a small graph is validated instead.)
    """
    out, todo, seen = Graph(), list[Node]([focus]), set[Node]()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for pred, obj in graph.predicate_objects(node):
            out.add((node, pred, obj))
            if not isinstance(obj, Literal):
                todo.append(obj)
    return out


@pytest.mark.parametrize("mutate", MUTATIONS, ids=[m.__name__ for m in MUTATIONS])
def test_shapes_reject(mutate: Callable[[Graph], URIRef], data: Graph, shapes: Graph) -> None:
    broken = Graph()
    broken += data
    focus = mutate(broken)
    conforms, results, report = validate(_around(broken, focus), shacl_graph=shapes)
    assert not conforms, f"{mutate.__name__} was accepted"
    assert isinstance(results, Graph)
    assert focus in set(results.objects(None, SH.focusNode)), report


def test_a_node_and_what_it_points_to_conform_alone(data: Graph, shapes: Graph) -> None:
    """The negative cases validate a neighbourhood: unbroken, that neighbourhood conforms."""
    for cls in (CCHC.Citation, CCHC.Task, CCHC.Target, ORG.Organization, CCHC.AgentGroup, CCHC.Plan):
        conforms, _, report = validate(_around(data, _first(data, cls)), shacl_graph=shapes)
        assert conforms, report


@pytest.fixture(scope="module")
def relative_data() -> Graph:
    """A plan whose deadlines are lengths ("trong thời hạn 05 ngày làm việc"), with the ontology and code lists."""
    graph = Graph()
    graph += extraction_graph(extract_text(RELATIVE_PLAN, source="thoi-han.txt").extraction)
    graph.parse(ONTOLOGY / "cchc.ttl")
    graph.parse(ONTOLOGY / "vocab.ttl")
    return graph


def test_a_relative_deadline_has_a_length_of_one_unit(relative_data: Graph, shapes: Graph) -> None:
    lengths = {
        (relative_data.value(length, TIME.numericDuration), relative_data.value(length, TIME.unitType))
        for length in relative_data.objects(None, TIME.hasDuration)
    }
    assert lengths == {(Literal(Decimal(5)), TIME.unitDay), (Literal(Decimal(2)), TIME.unitMonth)}
    conforms, _, report = validate(relative_data, shacl_graph=shapes)
    assert conforms, report


def _length_in_seconds(g: Graph) -> URIRef:
    node = _first(g, CCHC.Deadline, CCHC.deadlineKind, Literal("relative"))
    length = g.value(node, TIME.hasDuration)
    assert length is not None
    g.set((length, TIME.unitType, TIME.unitSecond))
    return node


def _relative_without_length(g: Graph) -> URIRef:
    node = _first(g, CCHC.Deadline, CCHC.deadlineKind, Literal("relative"))
    g.remove((node, TIME.hasDuration, None))
    return node


@pytest.mark.parametrize("mutate", [_length_in_seconds, _relative_without_length])
def test_shapes_reject_a_relative_deadline_without_a_length_in_days_to_years(
    mutate: Callable[[Graph], URIRef], relative_data: Graph, shapes: Graph
) -> None:
    broken = Graph()
    broken += relative_data
    focus = mutate(broken)
    conforms, results, report = validate(broken, shacl_graph=shapes)
    assert not conforms
    assert isinstance(results, Graph)
    assert focus in set(results.objects(None, SH.focusNode)), report


def test_what_the_store_holds_conforms(samples_store: GraphStore, shapes: Graph) -> None:
    """The same check after the round trip through the store (datatypes and language tags survive)."""
    data = Graph()  # the store's graphs hold triples only (`kg.graphs.new_graph`): parse into a full one
    data += samples_store.union()
    data.parse(ONTOLOGY / "cchc.ttl")
    data.parse(ONTOLOGY / "vocab.ttl")
    conforms, _, report = validate(data, shacl_graph=shapes)
    assert conforms, report
