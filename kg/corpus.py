"""The Pháp điển corpus (`shared/corpus/phapdien_articles.jsonl.gz`) → quads in the project's vocabulary.

Each record is one article (Điều) of the Bộ Pháp điển. Its source document, read from `source_note` with
the same citation finder the pipeline uses, becomes a work (`kg.iris.work(cid)`), so a plan citing
"Nghị định số 30/2020/NĐ-CP" and the articles codified from it meet on one node. The article becomes a
part of that work (ELI subdivision) filed under its đề mục (a `skos:Concept`). Mentions of other documents
in the article's text become `cchc:Citation` nodes shaped exactly as `kg.build` shapes a file's citations
(the article's text plays the file, its record id the source path), so the named queries (`cited_by`,
`document_cites`, `works_by_notation` …) answer on the corpus unchanged. Pháp điển cross-references
(`related`) become `eli:cites` edges between articles.

One named graph per work: a source document's graph holds its facts, its articles and their citations; a
work only cited gets a graph with what the mentions say about it; the đề mục have one graph. Every fact
is written once, in the graph of the node it is about. Loading goes through N-Quads and Oxigraph's native
bulk loader: rdflib's parser is several times slower (see `benchmarks/bench_graph.py`).
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from rdflib import RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from ingest import notation as nt
from ingest.citations import CitingContext, find_citations
from ingest.jsonl import jsonl_lines
from ingest.normalize import normalize
from ingest.notation import notation_key
from ingest.vntext import collapse, fold, match_key, slug
from kg import iris
from kg.build import (
    FAMILY_CLASS,
    citation_triples,
    cited_work_triples,
    edge_triples,
    nested_edge,
    span_triples,
    work_iri,
)
from kg.iris import CCHC, ELI, PROV
from kg.store import GraphStore

Quad = tuple[URIRef, URIRef, Node, URIRef]
Record = Mapping[str, Any]

GRAPH_BASE = iris.BASE + "graph/phap-dien/"
UNSOURCED_GRAPH = URIRef(GRAPH_BASE + "_unsourced")  # the few articles whose note names no document
SCHEME_GRAPH = URIRef(GRAPH_BASE + "_de-muc")  # the đề mục and chủ đề concepts
_WORK_BASE = str(iris.work(""))

_ARTICLE_NO = re.compile(r"^[(\s]*Điều\s+(\d+[a-zđ]?)(?=[\s,.])")
_DATE = r"(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)"
_ISSUED = re.compile(rf"(?<!từ )ngày\s*{_DATE}")
_IN_FORCE = re.compile(rf"kể từ ngày\s*{_DATE}")
_ISSUER = re.compile(r"\s*của\s+([^,()]+?)\s*(?:,|\)|$)")
_NAME_END = re.compile(r"\s*(?:,\s*có hiệu lực|\s+ngày\s*\d|\)|$)")
_NO_NUMBER = re.compile(r"\s+(?i:số không số)(?!\w)")  # "Pháp lệnh số Không số Về Hàm …": printed "no number"
_LOOSE_NUMBER = re.compile(r"\s+(?i:số)\s+(\d[\w/.-]*(?:\s+[A-ZĐ]+\d*(?:[/-][\w.-]+)*)?)")  # 60 TC/TCT
_TITLE_LABEL = re.compile(r"^\s*Điều\s+\S+?\.(?:\s+|$)")
# A Pháp điển label inside Markdown cross-reference text: chủ đề.đề mục.TYPE.document.article
_LABEL_REF = re.compile(r"Điều\s+(\d+\.\d+\.[^\W\d_]+(?:\.\d+[a-z]?)+)")
_KINDS_BY_LENGTH = sorted(nt.KIND_NOUNS.items(), key=lambda kv: -len(kv[0]))


# --------------------------------------------------------------------------------------------------- IRIs


def part_iri(record_id: str) -> URIRef:
    """The article: keyed by its Pháp điển anchor code (HTML records) or its label (Markdown records)."""
    scheme, _, key = record_id.partition(":")
    return iris.work(f"vn/phap-dien/{key if scheme == 'phapdien' else slug(key, dd=True)}")


def graph_of(work: URIRef) -> URIRef:
    """The named graph holding what the corpus says about a work: its facts, and for a source document also
    its articles and their citations. Each fact about a shared node lives in exactly one graph: Oxigraph
    0.5 counts a triple once per graph holding it when querying the union (oxigraph#1919)."""
    return URIRef(GRAPH_BASE + str(work).removeprefix(_WORK_BASE))


def de_muc_iri(number: str) -> URIRef:
    return iris.concept("phap-dien", number)


# --------------------------------------------------------------------------------------------------- the note


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """The source document a Pháp điển article was codified from, as its note gives it."""

    cid: str
    kind: str | None
    notation: str | None
    title: str | None  # the trích yếu as the note prints it ("Về công tác văn thư")
    date: str | None  # ISO issue date
    issuer: str | None
    family: str  # the citation family of `kg.build` ("normative" for nearly all)


def _iso(m: re.Match[str]) -> str:
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"


def _issuer(text: str, issued: re.Match[str] | None) -> str | None:
    """`… ngày 05/03/2020 của Chính phủ, …` → "Chính phủ"."""
    m = _ISSUER.match(text, issued.end()) if issued else None
    return m.group(1) if m else None


def _kind_of(name: str) -> str | None:
    folded = fold(name)
    return next((kind for noun, kind in _KINDS_BY_LENGTH if folded.startswith(noun)), None)


def source_doc(text: str, doc_number: str = "") -> SourceDoc | None:
    """Read the source document from a (normalised) note like `(Điều 1 Nghị định số 30/2020/NĐ-CP Về công
    tác văn thư ngày 05/03/2020 của Chính phủ, có hiệu lực thi hành kể từ ngày 05/03/2020)`; None when it
    names none.

    The citation matching the corpus' own `source_doc_number` wins (some notes mention other acts first);
    a document named without a number ("Pháp lệnh Về Hàm, cấp ngoại giao") is keyed by kind and name.
    """
    citations = [c for c in find_citations(text, CitingContext(scope="vn")) if c.cid]
    wanted = notation_key(doc_number) if doc_number else None
    cite = next((c for c in citations if c.notation and notation_key(c.notation) == wanted), None)
    if cite is None and citations:
        cite = citations[0]
    issued = _ISSUED.search(text, cite.end if cite else 0)
    if cite is not None and cite.cid:
        tail = text[cite.end : issued.start() if issued else len(text)]
        title = collapse(_NAME_END.split(tail, maxsplit=1)[0]).strip(" ,") or None
        return SourceDoc(
            cid=cite.cid,
            kind=cite.kind,
            notation=cite.notation,
            title=title,
            date=_iso(issued) if issued else None,
            issuer=_issuer(text, issued),
            family=cite.family,
        )
    head = _ARTICLE_NO.match(text)
    rest = text[head.end() :] if head else text.lstrip("( ")
    name = _NO_NUMBER.sub("", collapse(_NAME_END.split(rest, maxsplit=1)[0]).strip(" ,"))
    if not name:
        return None
    kind = _kind_of(name)
    kind_key = nt.kind_slug(kind) if kind else "van-ban"
    number = _LOOSE_NUMBER.search(name)
    if number is not None:  # a number the notation grammar does not read ("60 TC/TCT", "01/2016/NQ.HĐTP")
        cid = f"vn/{kind_key}/_number/{slug(number.group(1), dd=True)}"
        title = name[number.end() :].strip() or None
    else:  # keyed by its name, which then is also its title
        cid, title = f"vn/{kind_key}/_name/{slug(name)}", name
    return SourceDoc(
        cid=cid,
        kind=kind,
        notation=number.group(1) if number else None,
        title=title,
        date=_iso(issued) if issued else None,
        issuer=_issuer(text, issued),
        family="normative",
    )


# --------------------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class CorpusIndex:
    """What resolving Markdown cross-references ("Điều 19.5.TT.56.15. …") needs: label → article."""

    by_label: Mapping[str, URIRef]
    records: int

    @classmethod
    def build(cls, records: Iterable[Record]) -> CorpusIndex:
        """Labels that name exactly one article (a few labels are reused across source documents)."""
        owners: dict[str, set[URIRef]] = {}
        n = 0
        for record in records:
            n += 1
            owners.setdefault(match_key(str(record.get("label") or "")), set()).add(part_iri(str(record["id"])))
        unique = {label: next(iter(parts)) for label, parts in owners.items() if label and len(parts) == 1}
        return cls(unique, n)


def _related(record: Record, index: CorpusIndex) -> Iterator[URIRef]:
    for ref in record.get("related") or ():
        code = ref.get("code")
        if code:
            yield part_iri(f"phapdien:{code}")
            continue
        for m in _LABEL_REF.finditer(ref.get("text") or ""):
            target = index.by_label.get(match_key(m.group(1)))
            if target is not None:
                yield target


def _clean(value: object) -> str:
    """Corpus strings as the graph keeps every literal: NFC, look-alike letters fixed, one line."""
    return collapse(normalize(str(value or "")).text)


def _date(value: str) -> Literal:
    """An xsd:date when it is a real day; a plain literal when the source printed an impossible one (31/02)."""
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return Literal(value)
    return Literal(value, datatype=XSD.date)


def _work_facts(work: URIRef, doc: SourceDoc, g: URIRef) -> Iterator[Quad]:
    yield work, RDF.type, FAMILY_CLASS[doc.family], g
    yield work, RDF.type, CCHC.LegalDocument, g
    yield work, DCTERMS.identifier, Literal(doc.cid), g
    if doc.kind:
        yield work, ELI.type_document, iris.concept("doc-type", slug(doc.kind)), g
    if doc.notation:
        yield work, ELI.id_local, Literal(doc.notation), g
    if doc.title:
        yield work, ELI.title, Literal(doc.title, lang="vi"), g
    if doc.date:
        yield work, ELI.date_document, _date(doc.date), g
    if doc.issuer:
        yield work, CCHC.issuerName, Literal(doc.issuer, lang="vi"), g


def _de_muc_facts(record: Record, g: URIRef) -> Iterator[Quad]:
    number = str(record.get("demuc") or "")
    node = de_muc_iri(number)
    yield node, RDF.type, SKOS.Concept, g
    yield node, SKOS.notation, Literal(number), g
    if name := _clean(record.get("demuc_name")):
        yield node, SKOS.prefLabel, Literal(name, lang="vi"), g
    if "." in number:
        topic = de_muc_iri(number.split(".", 1)[0])
        yield node, SKOS.broader, topic, g
        yield topic, RDF.type, SKOS.Concept, g


@dataclass(frozen=True, slots=True)
class RecordQuads:
    """One record's quads: `own` belong to it alone; `shared` describe nodes other records describe too."""

    own: list[Quad]
    shared: list[Quad]


def record_quads(record: Record, sha256: str, index: CorpusIndex) -> RecordQuads:
    """Every quad one article contributes; `sha256` identifies the record as stored (its JSON line)."""
    rid = str(record["id"])
    note = normalize(str(record.get("source_note") or "")).text
    doc = source_doc(note, str(record.get("source_doc_number") or ""))
    work = iris.work(doc.cid) if doc else None
    g = graph_of(work) if work is not None else UNSOURCED_GRAPH
    part = part_iri(rid)
    source = iris.file(rid)
    own: list[Quad] = []
    shared: list[Quad] = list(_work_facts(work, doc, g)) if work and doc else []

    own += [
        (source, RDF.type, CCHC.SourceFile, g),
        (source, CCHC.sourcePath, Literal(rid), g),
        (source, CCHC.sha256, Literal(sha256), g),
        (part, RDF.type, ELI.LegalResourceSubdivision, g),
        (part, ELI.is_embodied_by, source, g),
    ]
    title = _clean(record.get("title"))
    label = _clean(record.get("label"))
    if work is not None:
        own.append((part, ELI.is_part_of, work, g))
    if title:
        own.append((part, RDFS.label, Literal(title, lang="vi"), g))
        heading = _TITLE_LABEL.sub("", title, count=1)
        if heading and heading != title:
            own.append((part, ELI.title, Literal(heading, lang="vi"), g))
    if label:
        own.append((part, SKOS.notation, Literal(label), g))
    if (m := _ARTICLE_NO.match(note)) is not None:
        own.append((part, ELI.number, Literal(m.group(1)), g))
    if (m := _IN_FORCE.search(note)) is not None:
        own.append((part, ELI.first_date_entry_in_force, _date(_iso(m)), g))
    if record.get("demuc"):
        own.append((part, ELI.is_about, de_muc_iri(str(record["demuc"])), g))
        shared += _de_muc_facts(record, SCHEME_GRAPH)
    own += [(part, ELI.cites, other, g) for other in _related(record, index) if other != part]

    quads = RecordQuads(own, shared)
    raw = str(record.get("text") or "")
    if raw and work is not None and doc is not None:
        _citation_quads(raw, doc, work, part, rid, g, quads)
    return quads


def _citation_quads(
    raw: str, doc: SourceDoc, work: URIRef, part: URIRef, rid: str, g: URIRef, out: RecordQuads
) -> None:
    """The article text's citations, as `kg.build` writes a file's: the citation nodes in the article's graph,
    what they say of the cited works in those works' graphs, and the direct edges."""
    source = iris.file(rid)
    norm = normalize(raw)
    context = CitingContext(scope="vn", date=doc.date, own_notation=doc.notation)
    citations = find_citations(norm.text, context)
    spans = [norm.source_span(c.start, c.end) for c in citations]
    nodes = [iris.in_file(iris.source_key(rid), "cit", f"{a}-{b}") for a, b in spans]
    for c, node, (start, end) in zip(citations, nodes, spans, strict=True):
        target = work_iri(c)
        out.own.extend([(s, p, o, g) for s, p, o in citation_triples(node, c, work, _date)])
        out.own.append((node, PROV.wasDerivedFrom, source, g))
        out.own.extend([(s, p, o, g) for s, p, o in span_triples(node, start, end)])
        out.shared.extend([(s, p, o, graph_of(target)) for s, p, o in cited_work_triples(target, c)])
        # The direct edges: from the article (and its work), or, for a nested mention, between it and the work
        # whose subject phrase contains it — as `kg.build` does for a file.
        if c.nested_in is not None:
            out.own.append((node, CCHC.nestedIn, nodes[c.nested_in], g))
        nested = nested_edge(c, citations)
        for subject, cited in [nested] if nested else [(part, target), (work, target)]:
            home = g if subject == part else graph_of(subject)
            out.shared.extend([(s, p, o, home) for s, p, o in edge_triples(subject, cited, c.relation)])


# --------------------------------------------------------------------------------------------------- files


def read_records(path: Path, limit: int | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(sha256 of the JSON line, record) for the first `limit` records of a JSON Lines file (gzip or not)."""
    for _, line in itertools.islice(jsonl_lines(path), limit):
        line = line.strip()
        yield hashlib.sha256(line.encode("utf-8")).hexdigest(), json.loads(line)


def corpus_quads(path: Path, limit: int | None = None, *, index: CorpusIndex | None = None) -> Iterator[Quad]:
    """Every quad of the first `limit` records, each shared-node fact once.

    Markdown cross-references resolve through `index` (built from the same records, a first pass, if not given).
    """
    index = index or CorpusIndex.build(record for _, record in read_records(path, limit))
    seen: set[Quad] = set()
    for sha, record in read_records(path, limit):
        quads = record_quads(record, sha, index)
        yield from quads.own
        for quad in quads.shared:
            if quad not in seen:
                seen.add(quad)
                yield quad


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt(term: Node) -> str:
    if isinstance(term, Literal):
        body = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{body}@{term.language}"
        return f"{body}^^<{term.datatype}>" if term.datatype else body
    return f"<{term}>"


def write_nquads(quads: Iterable[Quad], out: TextIO) -> int:
    """Write quads as N-Quads; returns how many."""
    n = 0
    for s, p, o, g in quads:
        out.write(f"<{s}> <{p}> {_nt(o)} <{g}> .\n")
        n += 1
    return n


@dataclass(frozen=True, slots=True)
class CorpusLoad:
    records: int
    quads: int  # lines written (the store holds fewer when two records state the same fact)
    nquads: Path
    write_seconds: float  # records → quads → N-Quads file (citation finding included)
    load_seconds: float  # Oxigraph's bulk load of that file


def load_corpus(store_dir: Path, path: Path, limit: int | None = None, *, nquads: Path | None = None) -> CorpusLoad:
    """Write the corpus as N-Quads (beside the store unless `nquads` says where), then bulk-load it into the
    Oxigraph store that `GraphStore.open_local(store_dir)` opens. No other process may hold the store open."""
    store_dir.mkdir(parents=True, exist_ok=True)
    target = nquads or store_dir / "phapdien.nq"
    t0 = time.perf_counter()
    index = CorpusIndex.build(record for _, record in read_records(path, limit))
    with target.open("w", encoding="utf-8") as out:
        written = write_nquads(corpus_quads(path, limit, index=index), out)
    write_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = GraphStore.open_local(store_dir)
    try:
        store.bulk_load(target)
    finally:
        store.close()  # releases the lock before anyone reopens it
    load_seconds = time.perf_counter() - t0
    return CorpusLoad(index.records, written, target, write_seconds, load_seconds)
