"""The Pháp điển corpus as works, parts, cross-references and citations, answering the project's named queries."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef

from ingest.normalize import normalize
from kg import iris
from kg.corpus import (
    SCHEME_GRAPH,
    UNSOURCED_GRAPH,
    CorpusIndex,
    Quad,
    corpus_quads,
    graph_of,
    load_corpus,
    part_iri,
    read_records,
    record_quads,
    source_doc,
)
from kg.iris import CCHC, ELI, OA
from kg.store import GraphStore

NOTE_30 = (
    "(Điều 1 Nghị định số 30/2020/NĐ-CP Về công tác văn thư ngày 05/03/2020 của Chính phủ, "
    "có hiệu lực thi hành kể từ ngày 05/03/2020 )"
)
WORK_30 = iris.work("vn/nghi-dinh/30_2020_ndd-cp")
TEXT_CITING = (
    "Việc lập hồ sơ thực hiện theo quy định tại Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của "
    "Chính phủ và Luật Lưu trữ."
)


def _record(rid: str, label: str, note: str, text: str = "", **extra: Any) -> dict[str, Any]:
    doc_number = extra.pop("source_doc_number", "")
    return {
        "id": rid,
        "title": f"Điều {label}. {extra.pop('heading', 'Phạm vi điều chỉnh')}",
        "text": text,
        "label": label,
        "demuc": ".".join(label.split(".")[:2]),
        "demuc_name": extra.pop("demuc_name", "Công tác văn thư"),
        "chuong": "",
        "source_note": note,
        "source_doc_number": doc_number,
        "source_url": "",
        "related": extra.pop("related", []),
        "origin": "test",
    }


RECORDS = [
    _record("phapdien:4200100000000000100000100000000000000000", "42.1.NĐ.1.1", NOTE_30, "Nghị định này quy định."),
    _record(
        "phapdien:4200100000000000100000100000000000000020",
        "42.1.NĐ.1.2",
        "(Điều 2 Nghị định số 30/2020/NĐ-CP, có hiệu lực thi hành kể từ ngày 05/03/2020)",
        related=[{"code": "4200100000000000100000100000000000000000", "title": "Điều 42.1.NĐ.1.1. Phạm vi"}],
    ),
    _record(
        "phapdien-md:5.2.NĐ.14.3",
        "5.2.NĐ.14.3",
        "(Điều 3 Nghị định số 60/2021/NĐ-CP Quy định cơ chế tự chủ tài chính ngày 21/06/2021 của Chính phủ, "
        "có hiệu lực thi hành kể từ ngày 15/08/2021)",
        TEXT_CITING,
        demuc_name="",
        related=[
            {"text": "(Điều này có nội dung liên quan đến Điều 42.1.NĐ.1.2. Ban hành văn bản)"},
            {"text": "(Điều này có nội dung liên quan đến Điều 99.9.TT.9.9. Không có trong tập)"},
        ],
    ),
    _record("phapdien:0100100000000000100000100000000000000000", "1.1.LQ.1", "", "Văn bản không rõ nguồn."),
]


def _sha(n: int) -> str:
    return f"{n:064x}"


@pytest.fixture(scope="module")
def quads() -> list[Quad]:
    index = CorpusIndex.build(RECORDS)
    out: list[Quad] = []
    for n, record in enumerate(RECORDS):
        rq = record_quads(record, _sha(n), index)
        out += rq.own + rq.shared
    return out


def _triples(quads: list[Quad]) -> set[tuple[Any, Any, Any]]:
    return {(s, p, o) for s, p, o, _ in quads}


# --------------------------------------------------------------------------------------------------- notes


@pytest.mark.parametrize(
    ("note", "doc_number", "cid", "kind", "notation", "title", "date", "issuer"),
    [
        (NOTE_30, "30/2020/NĐ-CP", "vn/nghi-dinh/30_2020_ndd-cp", "Nghị định", "30/2020/NĐ-CP",
         "Về công tác văn thư", "2020-03-05", "Chính phủ"),
        ("(Điều 2 Luật số 57/2020/QH14, có hiệu lực thi hành kể từ ngày 01/01/2021)", "57/2020/QH14",
         "vn/luat/57_2020_qh14", "Luật", "57/2020/QH14", None, None, None),  # the in-force date is no issue date
        ("(Điều 1 Luật số 57/2020/QH14 Luật Thanh niên ngày 16/06/2020 của Quốc hội, có hiệu lực thi hành kể từ "
         "ngày 01/01/2021)", "", "vn/luat/57_2020_qh14", "Luật", "57/2020/QH14", "Luật Thanh niên", "2020-06-16",
         "Quốc hội"),
        ("(Khoản 2 Điều 7 Luật số 80/2015/QH13 được sửa đổi bởi Luật số 63/2020/QH14, có hiệu lực thi hành kể từ "
         "ngày 01/01/2021)", "63/2020/QH14", "vn/luat/63_2020_qh14", "Luật", "63/2020/QH14", None, None, None),
        ("(Điều 2 Pháp lệnh Về Hàm, cấp ngoại giao, có hiệu lực thi hành kể từ ngày 31/05/1995)", "",
         "vn/phap-lenh/_name/phap-lenh-ve-ham-cap-ngoai-giao", "Pháp lệnh", None,
         "Pháp lệnh Về Hàm, cấp ngoại giao", None, None),
        ("(Điều 1 Pháp lệnh số Không số Về Hàm, cấp ngoại giao ngày 31/05/1995 của Uỷ ban Thường vụ Quốc hội, có "
         "hiệu lực thi hành kể từ ngày 31/05/1995)", "Kh", "vn/phap-lenh/_name/phap-lenh-ve-ham-cap-ngoai-giao",
         "Pháp lệnh", None, "Pháp lệnh Về Hàm, cấp ngoại giao", "1995-05-31", "Uỷ ban Thường vụ Quốc hội"),
        ("((Điều 1 Thông tư số 60 TC/TCT hướng dẫn bổ sung việc giảm thuế ngày 14/07/1994 của Bộ Tài chính, có "
         "hiệu lực)", "60", "vn/thong-tu/_number/60-tc-tct", "Thông tư", "60 TC/TCT",
         "hướng dẫn bổ sung việc giảm thuế", "1994-07-14", "Bộ Tài chính"),
        ("(Điều 2 Thông tư số 60 TC/TCT, có hiệu lực thi hành kể từ ngày 01/01/1994)", "60",
         "vn/thong-tu/_number/60-tc-tct", "Thông tư", "60 TC/TCT", None, None, None),
    ],
)  # fmt: skip
def test_source_document_is_read_from_the_note(
    note: str, doc_number: str, cid: str, kind: str, notation: str | None, title: str | None, date: str | None,
    issuer: str | None,
) -> None:  # fmt: skip
    doc = source_doc(normalize(note).text, doc_number)
    assert doc is not None
    assert (doc.cid, doc.kind, doc.notation, doc.title, doc.date, doc.issuer) == (
        cid, kind, notation, title, date, issuer,
    )  # fmt: skip


@pytest.mark.parametrize("note", ["", "()", "   "])
def test_a_note_naming_nothing_gives_no_document(note: str) -> None:
    assert source_doc(normalize(note).text) is None


# --------------------------------------------------------------------------------------------------- triples


def test_source_document_becomes_a_work_with_its_facts_in_its_own_graph(quads: list[Quad]) -> None:
    g = graph_of(WORK_30)
    facts = {(p, o) for s, p, o, graph in quads if s == WORK_30 and graph == g}
    assert {
        (RDF.type, CCHC.NormativeDocument),
        (ELI.id_local, Literal("30/2020/NĐ-CP")),
        (ELI.title, Literal("Về công tác văn thư", lang="vi")),
        (ELI.date_document, Literal("2020-03-05", datatype=XSD.date)),
        (CCHC.issuerName, Literal("Chính phủ", lang="vi")),
        (ELI.type_document, iris.concept("doc-type", "nghi-dinh")),
    } <= facts
    assert all(graph == g for s, _, _, graph in quads if s == WORK_30)


def test_each_article_is_a_part_of_its_work(quads: list[Quad]) -> None:
    part = part_iri(RECORDS[0]["id"])
    t = _triples(quads)
    assert (part, ELI.is_part_of, WORK_30) in t
    assert (part, RDF.type, ELI.LegalResourceSubdivision) in t
    assert (part, ELI.title, Literal("Phạm vi điều chỉnh", lang="vi")) in t
    assert (part, RDFS.label, Literal("Điều 42.1.NĐ.1.1. Phạm vi điều chỉnh", lang="vi")) in t
    assert (part, SKOS.notation, Literal("42.1.NĐ.1.1")) in t
    assert (part, ELI.number, Literal("1")) in t
    assert (part, ELI.first_date_entry_in_force, Literal("2020-03-05", datatype=XSD.date)) in t
    de_muc = iris.concept("phap-dien", "42.1")
    assert (part, ELI.is_about, de_muc) in t
    assert (de_muc, SKOS.prefLabel, Literal("Công tác văn thư", lang="vi"), SCHEME_GRAPH) in quads
    assert (de_muc, SKOS.broader, iris.concept("phap-dien", "42"), SCHEME_GRAPH) in quads
    assert all(g == graph_of(WORK_30) for s, _, _, g in quads if s == part)


def test_an_article_without_a_source_goes_to_the_unsourced_graph(quads: list[Quad]) -> None:
    part = part_iri(RECORDS[3]["id"])
    assert {g for s, _, _, g in quads if s == part} == {UNSOURCED_GRAPH}
    assert not [q for q in quads if q[0] == part and q[1] == ELI.is_part_of]


def test_cross_references_become_cites_edges_between_parts(quads: list[Quad]) -> None:
    t = _triples(quads)
    first, second, md = (part_iri(r["id"]) for r in RECORDS[:3])
    assert (second, ELI.cites, first) in t  # HTML record: by the anchor code
    assert (md, ELI.cites, second) in t  # Markdown record: by the label, resolved through the index
    assert len([1 for s, p, o in t if s == md and p == ELI.cites and str(o).startswith(str(iris.work("vn/phap")))]) == 1


def test_markdown_labels_shared_by_two_articles_stay_unresolved() -> None:
    twins = [_record(f"phapdien:{n}", "7.7.TT.1.1", NOTE_30) for n in (1, 2)]
    assert CorpusIndex.build(twins).by_label == {}
    assert len(CorpusIndex.build(twins[:1]).by_label) == 1


def test_mentions_in_the_text_become_citations_of_the_article_work(quads: list[Quad]) -> None:
    citing = iris.work("vn/nghi-dinh/60_2021_ndd-cp")
    t = _triples(quads)
    nodes = {s for s, p, o in t if p == CCHC.citesWork and o == WORK_30}
    assert len(nodes) == 1
    node = nodes.pop()
    assert (node, RDF.type, CCHC.Citation) in t
    assert (node, CCHC.inDocument, citing) in t
    assert (node, CCHC.relationKind, iris.concept("relation", "theo")) in t
    assert (node, CCHC.citedDate, Literal("2020-03-05", datatype=XSD.date)) in t
    span = next(o for s, p, o in t if s == node and p == CCHC.span)
    start = next(o for s, p, o in t if s == span and p == OA.start).toPython()
    end = next(o for s, p, o in t if s == span and p == OA.end).toPython()
    assert TEXT_CITING[start:end] == "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020"
    assert (citing, ELI.cites, WORK_30) in t and (part_iri(RECORDS[2]["id"]), ELI.cites, WORK_30) in t
    law = {s for s, p, o in t if p == CCHC.citesWork and o != WORK_30}
    assert len(law) == 1  # "Luật Lưu trữ", cited by name


def test_every_fact_lives_in_exactly_one_graph(quads: list[Quad]) -> None:
    """Oxigraph 0.5 counts a triple once per graph holding it when querying the union (oxigraph#1919)."""
    graphs: dict[tuple[Any, Any, Any], set[Any]] = {}
    for s, p, o, g in quads:
        graphs.setdefault((s, p, o), set()).add(g)
    assert all(len(v) == 1 for v in graphs.values())


# --------------------------------------------------------------------------------------------------- store


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    folder = tmp_path_factory.mktemp("corpus")
    corpus = _write_jsonl(folder / "mini.jsonl.gz", RECORDS)
    load = load_corpus(folder / "home", corpus)
    assert load.records == len(RECORDS)
    assert load.quads == len(list(corpus_quads(corpus)))
    store = GraphStore.open_local(folder / "home", read_only=True)
    yield store
    store.close()


def test_the_named_queries_answer_on_the_loaded_corpus(corpus_store: GraphStore) -> None:
    rows = corpus_store.query("cited_by", work=WORK_30)
    assert [(str(r["doc"]), str(r["path"]), str(r["text"])) for r in rows] == [
        (str(iris.work("vn/nghi-dinh/60_2021_ndd-cp")), RECORDS[2]["id"],
         "Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020"),
    ]  # fmt: skip
    cites = corpus_store.query("document_cites", doc=iris.work("vn/nghi-dinh/60_2021_ndd-cp"))
    assert [str(r["notation"]) for r in cites if "notation" in r] == ["30/2020/NĐ-CP"]
    assert len(cites) == 2
    works = corpus_store.query("works_by_notation", notation=Literal("30/2020/NĐ-CP"))
    assert [r["work"] for r in works] == [WORK_30]


def test_the_corpus_graphs_are_not_mistaken_for_ingested_files(corpus_store: GraphStore) -> None:
    assert corpus_store.file_graphs() == {}
    n = corpus_store.query_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert int(str(n)) == corpus_store.triple_count()  # no triple counted twice in the union


def test_first_corpus_records_load_and_answer(shared: Path, tmp_path: Path) -> None:
    corpus = shared / "corpus" / "phapdien_articles.jsonl.gz"
    records = [record for _, record in read_records(corpus, 200)]
    load_corpus(tmp_path / "home", corpus, 200)
    store = GraphStore.open_local(tmp_path / "home", read_only=True)
    sourced = [r for r in records if r["source_note"]]
    parts = store.query_text("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p eli:is_part_of ?w }")
    assert int(str(parts[0]["n"])) == len({r["id"] for r in sourced})
    numbers = {r["source_doc_number"] for r in sourced if r["source_doc_number"]}
    for number in numbers:
        assert len(store.query("works_by_notation", notation=Literal(number))) == 1, number
    code_refs = {(r["id"], ref["code"]) for r in records for ref in r["related"] if ref.get("code")}
    edges = store.query_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a eli:cites ?b . ?a a eli:LegalResourceSubdivision . "
        "?b a eli:LegalResourceSubdivision }"
    )
    in_sample = {f"phapdien:{code}" for _, code in code_refs} & {r["id"] for r in records}
    assert int(str(edges[0]["n"])) >= len([1 for rid, code in code_refs if f"phapdien:{code}" in in_sample])
    cited = store.query_text(
        "SELECT ?work (COUNT(?c) AS ?n) WHERE { ?c cchc:citesWork ?work } GROUP BY ?work ORDER BY DESC(?n) LIMIT 1"
    )
    assert cited, "the first 200 articles mention other documents"
    rows = store.query("cited_by", work=URIRef(str(cited[0]["work"])))
    assert len(rows) >= int(str(cited[0]["n"]))
    texts = {r["id"]: r["text"] for r in records}
    for row in rows:
        start, end = int(str(row["start"])), int(str(row["end"]))
        assert normalize(texts[str(row["path"])][start:end]).text == str(row["text"])
    store.close()


def test_an_impossible_printed_date_stays_a_plain_literal() -> None:
    note = "(Điều 1 Thông tư số 05/2022/TT-BYT Quy định chi tiết ngày 31/02/2022 của Bộ Y tế, có hiệu lực)"
    record = _record("phapdien:1", "45.12.TT.1.1", note)
    quads = record_quads(record, _sha(9), CorpusIndex.build([record])).shared
    work = iris.work("vn/thong-tu/5_2022_tt-byt")
    assert (work, ELI.date_document, Literal("2022-02-31")) in _triples(quads)
