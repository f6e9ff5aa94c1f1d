"""Records → RDF: one node per work, organisations scoped by province, groups kept as groups."""

from __future__ import annotations

from rdflib import RDF, Literal, URIRef

from ingest.pipeline import extract_file
from kg import iris
from kg.build import extraction_graph
from kg.iris import CCHC, ELI, ORG
from kg.store import GraphStore
from tests.helpers import SAMPLES, cyclic_garbage


def _citing_sources(store: GraphStore, cid: str) -> set[str]:
    rows = store.query("cited_by", work=iris.work(cid))
    return {str(r["path"]).rsplit("/", 1)[-1][:3] for r in rows}


def test_one_node_per_work_across_files(samples_store: GraphStore) -> None:
    assert _citing_sources(samples_store, "vn/nghi-dinh/107_2020_ndd-cp") == {"000", "002", "004"}
    assert _citing_sources(samples_store, "vn/nghi-dinh/107_2021_ndd-cp") == {"002"}


def test_administrative_notations_are_told_apart_by_scope_and_year(samples_store: GraphStore) -> None:
    rows = samples_store.query("works_by_notation", notation=Literal("218/KH-UBND"))
    cids = sorted(str(r["cid"]) for r in rows)
    assert cids == ["vn.soc-trang/ke-hoach/218_kh-ubnd/2023", "vn.soc-trang/ke-hoach/218_kh-ubnd/2024"]


def test_same_unit_name_in_two_provinces_is_two_organisations(samples_store: GraphStore) -> None:
    graph = samples_store.union()
    soc_trang = iris.agent("vn.soc-trang/so-noi-vu")
    vinh_long = iris.agent("vn.vinh-long/so-noi-vu")
    assert (soc_trang, RDF.type, ORG.Organization) in graph
    assert (vinh_long, RDF.type, ORG.Organization) in graph
    vl_leads = set(graph.subjects(CCHC.leadAgent, vinh_long))
    st_leads = set(graph.subjects(CCHC.leadAgent, soc_trang))
    assert len(vl_leads) >= 10 and not vl_leads & st_leads


def test_generic_groups_are_never_organisations(samples_store: GraphStore) -> None:
    graph = samples_store.union()
    groups = set(graph.subjects(RDF.type, CCHC.AgentGroup))
    assert groups
    assert not groups & set(graph.subjects(RDF.type, ORG.Organization))


def test_third_party_amendment_is_kept_in_the_citing_files_graph(samples_store: GraphStore) -> None:
    amends = (iris.work("vn/nghi-dinh/107_2020_ndd-cp"), ELI.amends, iris.work("vn/nghi-dinh/24_2014_ndd-cp"))
    holding = [source for source in samples_store.file_graphs() if amends in samples_store.graph_of(source)]
    assert sorted(s.rsplit("/", 1)[-1][:3] for s in holding) == ["000", "004"]


def test_conflicting_citations_are_flagged_not_merged(samples_store: GraphStore) -> None:
    rows = samples_store.query("anomalies")
    texts = {str(r.get("text")) for r in rows}
    assert any("73/NQ-CP" in t for t in texts)
    assert any("106/2020/NĐ-CP" in t for t in texts)
    graph = samples_store.union()
    typo = iris.work("vn/nghi-quyet/73_nq-cp/2021")
    assert (typo, RDF.type, CCHC.LegalDocument) in graph  # kept as written, beside 76/NQ-CP
    assert (iris.work("vn/nghi-quyet/76_nq-cp/2021"), RDF.type, CCHC.LegalDocument) in graph


def test_every_citation_task_and_target_has_provenance_and_a_span(samples_store: GraphStore) -> None:
    for cls in ("Citation", "Task", "Target"):
        rows = samples_store.query_text(
            f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a cchc:{cls} . FILTER NOT EXISTS {{ ?x cchc:span/oa:start ?s ; "
            "prov:wasDerivedFrom ?f ; prov:wasGeneratedBy/cchc:extractorVersion ?v } }"
        )
        assert int(rows[0]["n"]) == 0, cls  # type: ignore[call-overload]
    assert URIRef(iris.BASE + "ont#span") == CCHC.span


def test_a_documents_graph_is_freed_with_its_last_reference() -> None:
    """Its triples (thousands of terms) are freed when the writer is done with them, not at the next full
    collection: an upload a second otherwise left them piling up, and each collection paused the server."""
    extraction = extract_file(SAMPLES / "004_bf7d911f24922af4.txt").extraction

    def build() -> None:
        graph = extraction_graph(extraction)
        assert len(graph.serialize(format="nt").splitlines()) == len(graph) > 1000
        assert "cchc:" in graph.serialize(format="turtle")  # the project's prefixes are bound

    assert cyclic_garbage(build, "rdflib", "kg") == []
