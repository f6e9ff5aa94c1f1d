"""The offline builder of `data/registry.json`: works and laws named by the Pháp điển corpus' source notes.

    python -m ingest.registry_build CORPUS.jsonl.gz OUT.json

Each note ("Điều 1 Nghị định số 30/2020/NĐ-CP Về công tác văn thư ngày 05/03/2020 của Chính phủ …") is read
with this package's own citation finder, so the registry knows works by the identifiers extraction gives them.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

from ingest.citations import CitingContext, find_citations
from ingest.laws import LawVersion
from ingest.normalize import normalize
from ingest.registry import Work
from ingest.vntext import collapse

_NOTE_DATE_RE = re.compile(r"^(?P<title>.*?)[ ,]*ngày (?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}) của\b", re.DOTALL)


def works_from_notes(notes: list[str]) -> tuple[list[Work], list[LawVersion]]:
    """Works and laws named by Pháp điển source notes, read with this package's citation finder."""
    works: dict[str, Work] = {}
    laws: dict[str, LawVersion] = {}
    ctx = CitingContext()
    for note in notes:
        note = collapse(normalize(note).text)
        found = [c for c in find_citations(note, ctx) if c.notation and c.cid]
        if not found:
            continue
        cit = found[0]
        m = _NOTE_DATE_RE.match(note[cit.end :])
        date = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}" if m else cit.date
        title = collapse(m["title"]).strip(" ,.") if m else None
        title = title[:70].rsplit(" ", 1)[0] if title and len(title) > 70 else title
        cid = re.sub(r"/x$", f"/{date[:4]}", cit.cid or "") if date else cit.cid or ""
        known = works.get(cid)
        if known is None or (known.date is None and date) or (known.title is None and title):
            works[cid] = Work(cid, cit.notation or "", date or (known.date if known else None),
                                       title or (known.title if known else None))  # fmt: skip
        if cit.kind in {"Luật", "Bộ luật"} and title and cit.issuer and cit.issuer.startswith("QH"):
            name = title if re.match(r"(?i)(bộ )?luật\b", title) else f"{cit.kind} {title}"
            laws[cit.notation or ""] = LawVersion(cit.notation or "", date or str(cit.year), name)
    return list(works.values()), list(laws.values())


def build(corpus: Path, out: Path) -> tuple[int, int]:
    """Write the registry data file from a Pháp điển jsonl.gz corpus; returns (works, laws)."""
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        notes = [json.loads(line)["source_note"] for line in fh]
    works, laws = works_from_notes(notes)
    data = {
        "works": sorted([w.cid, w.notation, w.date, w.title] for w in works),
        "laws": sorted([law.name, law.notation, law.date] for law in laws),
    }
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(works), len(laws)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m ingest.registry_build CORPUS.jsonl.gz OUT.json")
    n_works, n_laws = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"registry: {n_works} works, {n_laws} laws → {sys.argv[2]}")
