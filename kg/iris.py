"""IRIs of everything the graph holds (legal-identifiers §3.4), built in one place."""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

from rdflib import RDFS, SKOS, XSD, Namespace, URIRef
from rdflib.namespace import DCTERMS

BASE = "https://w3id.org/vn-cchc/"

CCHC = Namespace(BASE + "ont#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")

PREFIXES = {
    "cchc": CCHC, "eli": ELI, "org": ORG, "prov": PROV, "time": TIME, "oa": OA, "schema": SCHEMA,
    "dct": DCTERMS, "skos": SKOS, "rdfs": RDFS, "xsd": XSD,
}  # fmt: skip


def _iri(path: str) -> URIRef:
    # CIDs and unit ids are IRI-safe by construction; quote() guards anything that is not.
    return URIRef(BASE + quote(path, safe="/._-~"))


def from_path(path: str) -> URIRef:
    """The node whose path under the base is `path` (`task/966d4f3e1f32/T01`): the inverse of `path_of`."""
    return _iri(path)


def path_of(iri: str) -> str:
    """A node's path under the base, as ids are written in URLs (`doc/vn/…`, `org/…`, `task/…`); an IRI
    outside the base is returned as it is."""
    return unquote(iri[len(BASE) :]) if iri.startswith(BASE) else iri


def short_id(iri: str) -> str:
    """The id a node was named from: a canonical id or `_local/…` (doc/), a unit id (org/), a scope (place/);
    any other node's path under the base."""
    path = path_of(iri)
    for kind in ("doc/", "org/", "place/"):
        if path.startswith(kind):
            return path[len(kind) :]
    return path


def work(cid: str) -> URIRef:
    """A cited or citing work by canonical id (`vn/nghi-dinh/107_2020_ndd-cp`)."""
    return _iri(f"doc/{cid}")


def local_document(sha256: str) -> URIRef:
    """An unnumbered document (a draft `Số: /KH-VPUBND`): identified by its file's content."""
    return _iri(f"doc/_local/{sha256[:16]}")


def source_key(source: str) -> str:
    """A stored document's identity is its source (canonical absolute path, or a corpus record's id); its
    content hash is only its version. So one content under two names is two documents, and changing one of
    them never touches the other."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def file(source: str) -> URIRef:
    """The source file, and the named graph holding everything extracted from it."""
    return _iri(f"file/{source_key(source)}")


def in_file(file_key: str, kind: str, key: str) -> URIRef:
    """A record that exists only inside one file (citation, task, target, issue, span); `file_key` is its
    file's `source_key`."""
    return _iri(f"{kind}/{file_key[:12]}/{key}")


def agent(unit_id: str) -> URIRef:
    """An organisation (`vn.vinh-long/so-noi-vu`) or a generic group (`group/…`)."""
    return _iri(f"org/{unit_id}")


def place(scope: str) -> URIRef:
    return _iri(f"place/{scope}")


def change_event(effective: str, key: str) -> URIRef:
    """A change of administrative units on a day, named by what resulted (`change/2025-07-01/vn.can-tho`)."""
    return _iri(f"change/{effective}/{key}")


def concept(scheme: str, slug: str) -> URIRef:
    return _iri(f"vocab/{scheme}/{slug}")


def activity(file_key: str, version: str) -> URIRef:
    return _iri(f"activity/extract/{file_key[:12]}/{version}")
