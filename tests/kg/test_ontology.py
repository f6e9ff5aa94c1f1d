"""The ontology, the code lists and the model description agree with what kg/build.py writes.

Every term the graph uses is either declared (and labelled vi/en) in ontology/cchc.ttl or a real term of a
standard vocabulary; every concept it points at is in ontology/vocab.ttl, which is generated from the
extractors' tables; the README names every class. So none of them can drift from the code unnoticed.
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_type_hints

import pytest
import rdflib.namespace as ns
from rdflib import OWL, RDF, RDFS, SH, SKOS, Graph, Literal, URIRef

from ingest import notation as nt
from ingest.areas import REFORM_AREAS
from ingest.deadlines import RECURRING
from ingest.pipeline import extract_paths, extract_text
from ingest.records import Anomaly, Comparator, DeadlineKind, Relation, Task
from ingest.vntext import fold, slug
from kg import iris, vocab
from kg.build import RELATION_PROPERTY, extraction_graph
from kg.iris import CCHC, ELI, OA, SCHEMA
from tests.helpers import REPO, SAMPLES

ONTOLOGY = REPO / "ontology"

# rdflib knows the terms of these vocabularies (a misspelt term is not `in` its namespace).
CLOSED: tuple[type[ns.DefinedNamespace], ...] = (RDF, RDFS, OWL, SKOS, ns.DCTERMS, ns.ORG, ns.PROV, ns.TIME)
# Terms of the vocabularies rdflib does not ship that the model may use (ELI 1.5, Web Annotation, schema.org).
OPEN: dict[str, set[str]] = {
    str(ELI): {
        "LegalResource", "LegalExpression", "Format", "based_on", "basis_for", "cites", "cited_by", "amends",
        "amended_by", "repeals", "repealed_by", "changes", "changed_by", "corrects", "consolidates",
        "ensures_implementation_of", "implementation_ensured_by", "applies", "has_annex", "is_annex_of",
        "has_part", "is_part_of", "id_local", "number", "type_document", "title", "date_document",
        "date_publication", "first_date_entry_in_force", "date_no_longer_in_force", "in_force", "passed_by",
        "jurisdiction", "is_about", "is_realized_by", "realizes", "is_embodied_by", "embodies", "language",
    },
    str(OA): {"TextPositionSelector", "TextQuoteSelector", "hasSelector", "start", "end", "exact", "prefix", "suffix"},
    str(SCHEMA): {"Legislation", "AdministrativeArea"},
}  # fmt: skip
CCHC_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def _standard(term: URIRef) -> bool:
    if any(term in closed for closed in CLOSED):
        return True
    return any(term.startswith(base) and term[len(base) :] in names for base, names in OPEN.items())


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "cchc.ttl")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return Graph().parse(ONTOLOGY / "vocab.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


# The seeds have no deadline counted from an event and no target that cuts a metric; one plan that has lets every
# deadline and target term be written.
RELATIVE_PLAN = """ỦY BAN NHÂN DÂN TỈNH VĨNH LONG
Số: 12/KH-UBND	Vĩnh Long, ngày 21 tháng 11 năm 2025
KẾ HOẠCH
Cải cách hành chính năm 2026
1. Sở Nội vụ:
a) Trình Kế hoạch cải cách hành chính trong thời hạn 03 ngày làm việc kể từ ngày ký Kế hoạch này.
b) Cắt giảm 30% thời gian giải quyết thủ tục hành chính.
"""


@pytest.fixture(scope="module")
def seeds_graph() -> Graph:
    documents, _ = extract_paths([SAMPLES])
    graph = Graph()
    for document in [*documents, extract_text(RELATIVE_PLAN, source="relative.txt")]:
        graph += extraction_graph(document.extraction)
    return graph


def _declared(ontology: Graph) -> set[URIRef]:
    return {s for kind in CCHC_KINDS for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef)}


def _terms(graph: Graph) -> set[URIRef]:
    """Predicates and classes a graph uses."""
    used = {p for p in graph.predicates() if isinstance(p, URIRef)}
    return used | {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}


@pytest.mark.parametrize("name", ["cchc.ttl", "shapes.ttl", "vocab.ttl"])
def test_turtle_parses(name: str) -> None:
    assert len(Graph().parse(ONTOLOGY / name)) > 50


def test_vocab_file_is_the_generated_one() -> None:
    committed = (ONTOLOGY / "vocab.ttl").read_text(encoding="utf-8")
    generated = vocab.HEADER + vocab.vocabulary().serialize(format="turtle")
    assert committed == generated, "stale: run `python -m kg.vocab > ontology/vocab.ttl`"


def test_every_term_the_graph_uses_is_declared_or_standard(
    seeds_graph: Graph, vocabulary: Graph, ontology: Graph
) -> None:
    used = _terms(seeds_graph) | _terms(vocabulary) | set(RELATION_PROPERTY.values())
    used |= {o for o in vocabulary.objects(None, CCHC.property) if isinstance(o, URIRef)}
    own = {t for t in used if t.startswith(str(CCHC))}
    assert own - _declared(ontology) == set()
    assert {t for t in used - own if not _standard(t)} == set()


def test_ontology_refers_only_to_real_terms(ontology: Graph) -> None:
    referred = {o for o in ontology.objects() if isinstance(o, URIRef)} - _declared(ontology)
    referred -= {URIRef("https://w3id.org/vn-cchc/vocab/")}  # rdfs:seeAlso
    assert {t for t in referred if not _standard(t) and not t.startswith("http://www.w3.org/2001/XMLSchema#")} == set()


def test_cchc_terms_are_labelled_in_both_languages_and_explained(ontology: Graph) -> None:
    for term in _declared(ontology):
        languages = {label.language for label in ontology.objects(term, RDFS.label) if isinstance(label, Literal)}
        assert {"vi", "en"} <= languages, term
        assert ontology.value(term, RDFS.comment) is not None, term


def test_nothing_is_declared_that_nothing_writes(seeds_graph: Graph, vocabulary: Graph, ontology: Graph) -> None:
    written = _terms(seeds_graph) | _terms(vocabulary) | set(RELATION_PROPERTY.values())
    # A class may stand only as the documented range of a written property (cchc:AdministrativeUnit).
    ranges = {o for p in written for o in ontology.objects(p, RDFS.range)}
    assert _declared(ontology) - written - ranges == set()


def test_every_concept_the_graph_points_at_is_in_the_vocabulary(seeds_graph: Graph, vocabulary: Graph) -> None:
    concepts = set(vocabulary.subjects(RDF.type, SKOS.Concept))
    used = {o for o in seeds_graph.objects() if isinstance(o, URIRef) and o.startswith(iris.BASE + "vocab/")}
    assert used and used - concepts == set()
    recurrences = {str(o) for o in seeds_graph.objects(None, CCHC.recurrence)}
    parts = {iris.concept("recurrence", part) for value in recurrences for part in value.split("+")}
    assert parts and parts - concepts == set()


def test_readme_describes_every_class_and_scheme(ontology: Graph) -> None:
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    classes = {str(c)[len(CCHC) :] for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(CCHC)}
    assert {c for c in classes if f"cchc:{c}" not in readme} == set()
    assert {s for s in vocab.SCHEMES if f"vocab/{s}" not in readme} == set()
    assert readme.count("```mermaid") == 1


# ------------------------------------------------------------------------ the code lists vs the code


def test_every_code_value_has_its_labels() -> None:
    assert set(vocab.RELATIONS) == set(get_args(Relation))
    assert set(vocab.REFORM_AREAS_EN) == set(REFORM_AREAS)
    assert set(vocab.RECURRENCES) == {key for key, _ in RECURRING}


@pytest.mark.parametrize(("relation", "cue"), [(r, cue) for r, labels in vocab.RELATIONS.items() for cue in labels.alt])
def test_relation_cue_labels_are_read_as_their_relation(relation: str, cue: str) -> None:
    match = nt.CUE_RE.fullmatch(nt.fast_fold(cue))
    assert match is not None and nt.CUE_RELATION[match.lastgroup or ""] == relation


@pytest.mark.parametrize(
    ("key", "label"), [(k, label) for k, labels in vocab.RECURRENCES.items() for label in (labels.vi, *labels.alt)]
)
def test_recurrence_labels_are_read_as_their_recurrence(key: str, label: str) -> None:
    assert {k for k, pattern in RECURRING if pattern.search(fold(label))} == {key}


def test_relation_concepts_name_the_property_the_graph_writes(vocabulary: Graph) -> None:
    for relation in get_args(Relation):
        expected = RELATION_PROPERTY.get(relation, ELI.cites)
        assert vocabulary.value(iris.concept("relation", relation), CCHC.property) == expected


def test_every_document_kind_has_one_concept(vocabulary: Graph) -> None:
    names = {*nt.STATE_KINDS.values(), *nt.PARTY_KINDS.values(), *nt.KIND_NOUNS.values(), *nt.ABBREV_NOUNS.values()}
    assert len({slug(n) for n in names}) == len(names)  # no two kinds share an IRI
    for name in names:
        concept = iris.concept("doc-type", slug(name))
        assert vocabulary.value(concept, SKOS.prefLabel) == Literal(name, lang="vi")
    assert vocabulary.value(iris.concept("doc-type", "quy-dinh"), CCHC.partyCode) == Literal("QĐi")


# ------------------------------------------------------------------------- the shapes vs the records


def _alternatives(shapes: Graph, path: URIRef) -> set[str]:
    """The values the property shape of `path` (in a targeted node shape, not an sh:or branch) accepts."""
    patterns = {
        str(pattern)
        for node in shapes.subjects(SH.targetClass, None)
        for prop in shapes.objects(node, SH.property)
        if shapes.value(prop, SH.path) == path
        for pattern in shapes.objects(prop, SH.pattern)
    }
    assert len(patterns) == 1, path
    match = re.fullmatch(r"\^\(([^()]*)\)\$", patterns.pop())
    assert match is not None, path
    return set(match.group(1).split("|"))


def _literal_values(cls: type, field: str) -> set[str]:
    hint: Any = get_type_hints(cls)[field]
    return set(get_args(hint))


def test_shape_value_lists_match_the_record_types(shapes: Graph) -> None:
    assert _alternatives(shapes, CCHC.comparator) == set(get_args(Comparator))
    assert _alternatives(shapes, CCHC.deadlineKind) == set(get_args(DeadlineKind))
    assert _alternatives(shapes, CCHC.origin) == _literal_values(Task, "origin")
    assert _alternatives(shapes, CCHC.severity) == _literal_values(Anomaly, "severity")


def test_recurrence_shape_accepts_exactly_the_vocabulary(shapes: Graph) -> None:
    patterns = [str(o) for s in shapes.subjects(SH.path, CCHC.recurrence) for o in shapes.objects(s, SH.pattern)]
    assert len(patterns) == 1
    alternatives = set(re.findall(r"\(([a-z|-]+)\)", patterns[0]))
    assert alternatives == {"|".join(key for key, _ in RECURRING)}
