"""The SKOS code lists of the graph (ontology/vocab.ttl), generated from the extractors' own tables.

Concept IRIs are exactly the ones `kg.build` writes (`kg.iris.concept(scheme, slug)`), and the slugs come from
the tables the extractors use, so a new reform area, document kind or relation cannot reach the graph without
reaching the vocabulary too. Only the labels the code does not carry (Vietnamese cue phrases, English labels) are
written here. Regenerate with `python -m kg.vocab > ontology/vocab.ttl`; a test fails when the file is stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from ingest.areas import REFORM_AREAS
from ingest.deadlines import RECURRING
from ingest.notation import ABBREV_NOUNS, KIND_NOUNS, PARTY_KINDS, STATE_KINDS
from ingest.records import Relation
from ingest.vntext import slug
from kg import iris
from kg.build import RELATION_PROPERTY
from kg.graphs import new_graph
from kg.iris import CCHC, ELI


@dataclass(frozen=True, slots=True)
class Labels:
    vi: str
    en: str
    alt: tuple[str, ...] = ()  # Vietnamese variants: cue phrases, synonyms as printed


# Cue phrases as a reader writes them; tests check that ingest.notation.CUES reads each one as its relation.
RELATIONS: dict[str, Labels] = {
    "can_cu": Labels("Căn cứ", "legal basis", ("Căn cứ", "Căn cứ vào")),
    "thuc_hien": Labels(
        "Thực hiện",
        "implements",
        (
            "Thực hiện",
            "Triển khai",
            "Triển khai thực hiện",
            "Tổ chức thực hiện",
            "Tiếp tục thực hiện",
            "Cụ thể hóa",
            "Quán triệt",
        ),
    ),
    "theo": Labels(
        "Theo",
        "refers to",
        (
            "theo",
            "tại",
            "theo quy định tại",
            "theo quy định của",
            "theo hướng dẫn tại",
            "theo hướng dẫn của",
            "theo tinh thần",
            "trên cơ sở",
        ),
    ),
    "sua_doi_bo_sung": Labels(
        "Sửa đổi, bổ sung",
        "amends",
        (
            "sửa đổi, bổ sung",
            "sửa đổi, bổ sung một số điều của",
            "được sửa đổi, bổ sung bởi",
            "đã được sửa đổi, bổ sung tại",
        ),
    ),
    "thay_the": Labels("Thay thế", "replaces", ("thay thế", "thay thế cho", "được thay thế bởi")),
    "bai_bo": Labels("Bãi bỏ", "repeals", ("bãi bỏ", "bị bãi bỏ")),
    "huong_dan": Labels(
        "Hướng dẫn, quy định chi tiết",
        "guides or details",
        (
            "hướng dẫn thi hành",
            "hướng dẫn thực hiện",
            "hướng dẫn thi hành một số điều của",
            "quy định chi tiết",
            "quy định chi tiết một số điều của",
        ),
    ),
    "de_nghi": Labels("Theo đề nghị", "responds to a proposal", ("Theo đề nghị của … tại", "Xét đề nghị của … tại")),
    "cites": Labels("Dẫn chiếu", "cites (no cue)"),
}

REFORM_AREAS_EN: dict[str, str] = {
    "chi-dao-dieu-hanh": "Direction and steering of administrative reform",
    "the-che": "Institutional reform",
    "tthc": "Administrative procedure reform",
    "to-chuc-bo-may": "Reform of the state administrative apparatus",
    "cong-vu": "Civil service reform",
    "tai-chinh-cong": "Public finance reform",
    "chinh-quyen-so": "E-government and digital government",
    "tac-dong": "Impact of administrative reform on people, organisations and socio-economic development",
}

# Printed forms; tests check that ingest.deadlines reads each label as its slug.
RECURRENCES: dict[str, Labels] = {
    "thuong-xuyen": Labels("Thường xuyên", "continuous", ("Liên tục",)),
    "hang-thang": Labels("Hàng tháng", "monthly", ("Mỗi tháng",)),
    "hang-quy": Labels("Hàng quý", "quarterly", ("Mỗi quý",)),
    "hang-nam": Labels("Hàng năm", "yearly", ("Mỗi năm",)),
    "dinh-ky": Labels("Định kỳ", "periodic", ("Theo định kỳ",)),
    "dot-xuat": Labels("Đột xuất", "ad hoc", ()),
}

# Responsibility in a task row or duty (legal-identifiers §3.7); the property is what kg.build writes.
ROLES: dict[str, tuple[Labels, URIRef]] = {
    "lead": (Labels("Chủ trì", "lead", ("Đơn vị chủ trì", "Cơ quan chủ trì")), CCHC.leadAgent),
    "cooperate": (Labels("Phối hợp", "cooperate", ("Đơn vị phối hợp", "Cơ quan phối hợp")), CCHC.cooperatingAgent),
}

SCHEMES: dict[str, Labels] = {
    "reform-area": Labels("Lĩnh vực cải cách hành chính", "Administrative-reform areas"),
    "relation": Labels("Quan hệ trích dẫn", "Citation relations"),
    "doc-type": Labels("Loại văn bản", "Document kinds"),
    "responsibility-role": Labels("Vai trò trách nhiệm", "Responsibility roles"),
    "recurrence": Labels("Tần suất", "Recurrences"),
}
_SOURCES = {
    "reform-area": "ingest/areas.py REFORM_AREAS",
    "relation": "ingest/records.py Relation; property from kg/build.py RELATION_PROPERTY",
    "doc-type": "ingest/notation.py STATE_KINDS, PARTY_KINDS, KIND_NOUNS, ABBREV_NOUNS",
    "responsibility-role": "kg/build.py (cchc:leadAgent, cchc:cooperatingAgent)",
    "recurrence": "ingest/deadlines.py",
}


def scheme(name: str) -> URIRef:
    """The concept scheme holding `iris.concept(name, …)`."""
    return URIRef(iris.BASE + f"vocab/{name}")


def doc_kinds() -> dict[str, str]:
    """slug → kind name for every kind the extractors can give a document or citation."""
    names = [*STATE_KINDS.values(), *PARTY_KINDS.values(), *KIND_NOUNS.values(), *ABBREV_NOUNS.values()]
    return {slug(name): name for name in dict.fromkeys(names)}


def relation_property(relation: str) -> URIRef:
    """The property the citing work gets for a relation (eli:cites alone when there is no stronger one)."""
    return RELATION_PROPERTY.get(relation, ELI.cites)


def _concept(g: Graph, scheme_name: str, key: str, labels: Labels) -> URIRef:
    node = iris.concept(scheme_name, key)
    g.add((node, RDF.type, SKOS.Concept))
    g.add((node, SKOS.inScheme, scheme(scheme_name)))
    g.add((node, SKOS.topConceptOf, scheme(scheme_name)))
    g.add((node, SKOS.notation, Literal(key)))
    g.add((node, SKOS.prefLabel, Literal(labels.vi, lang="vi")))
    if labels.en:
        g.add((node, SKOS.prefLabel, Literal(labels.en, lang="en")))
    for alt in labels.alt:
        if alt != labels.vi:
            g.add((node, SKOS.altLabel, Literal(alt, lang="vi")))
    return node


def vocabulary() -> Graph:
    """Every concept scheme, as one graph."""
    g = new_graph(bind=False)
    for prefix, ns in (("skos", SKOS), ("dct", DCTERMS), ("cchc", CCHC), ("eli", ELI)):
        g.bind(prefix, ns)
    g.bind("vocab", iris.BASE + "vocab/")
    for name, labels in SCHEMES.items():
        node = scheme(name)
        g.add((node, RDF.type, SKOS.ConceptScheme))
        g.add((node, SKOS.prefLabel, Literal(labels.vi, lang="vi")))
        g.add((node, SKOS.prefLabel, Literal(labels.en, lang="en")))
        g.add((node, DCTERMS.source, Literal(_SOURCES[name])))

    for area in REFORM_AREAS.values():
        _concept(
            g, "reform-area", area.slug, Labels(area.pref_label, REFORM_AREAS_EN.get(area.slug, ""), area.alt_labels)
        )
    for relation in get_args(Relation):
        node = _concept(g, "relation", relation, RELATIONS.get(relation, Labels(relation, "")))
        g.add((node, CCHC.property, relation_property(relation)))
    for key, name in doc_kinds().items():
        node = _concept(g, "doc-type", key, Labels(name, ""))
        for codes, prop in ((STATE_KINDS, CCHC.stateCode), (PARTY_KINDS, CCHC.partyCode)):
            for code, kind in codes.items():
                if slug(kind) == key:
                    g.add((node, prop, Literal(code)))
    for key, (labels, prop) in ROLES.items():
        node = _concept(g, "responsibility-role", key, labels)
        g.add((node, CCHC.property, prop))
    for key, _ in RECURRING:
        _concept(g, "recurrence", key, RECURRENCES.get(key, Labels(key, "")))
    return g


HEADER = "# Generated by `python -m kg.vocab > ontology/vocab.ttl` from the extractors' tables: do not edit.\n"


def main() -> None:
    print(HEADER + vocabulary().serialize(format="turtle"), end="")


if __name__ == "__main__":
    main()
