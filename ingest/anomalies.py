"""Likely-erroneous citations and dates, surfaced as `Anomaly` records, never merged (spec §5.4).

Per document the finder has already flagged each citation (`date_conflict`, `future_citation`,
`suspected_typo` …, see `ingest.citations`); `find_anomalies` turns those flags into records with evidence and
the probable intended work. `cross_document_anomalies` compares a batch: the same administrative notation and
scope cited with dates that differ only in the year (218/KH-UBND 19/12/2023 vs 19/12/2024), and dates that
disagree with another document's own header.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.notation import notation_key
from ingest.records import Anomaly, Citation, DocumentMeta, Extraction, Task
from ingest.registry import Work, registry

_SEVERITY = {
    "suspected_typo": "high",
    "suspected_date_error": "medium",
    "suspected_missing_year": "medium",
    "future_citation": "high",
    "date_year_mismatch": "medium",
    "date_conflict": "medium",
}


def _label(c: Citation) -> str:
    return c.notation or c.law_name or c.text


def find_anomalies(meta: DocumentMeta, citations: tuple[Citation, ...], tasks: tuple[Task, ...]) -> tuple[Anomaly, ...]:
    """Anomalies of one document, from its citations' flags and its task deadlines."""
    out: list[Anomaly] = []
    reg = registry()
    conflicts: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(citations):
        if "date_conflict" in c.flags:
            conflicts[c.cid or _label(c)].append(i)
        for flag in ("date_year_mismatch", "future_citation"):
            if flag in c.flags:
                detail = f"{_label(c)} cited with date {c.date}" + (
                    f" after the citing document's date {meta.date}" if flag == "future_citation" and meta.date else ""
                )
                if flag == "future_citation" and not meta.date and meta.year_covered:
                    detail += f", late for a plan covering {meta.year_covered}"
                out.append(Anomaly(flag, "high" if flag == "future_citation" else "medium", detail, (i,)))
        if c.notation and any(
            f in c.flags for f in ("suspected_typo", "suspected_date_error", "suspected_missing_year")
        ):
            has_year = bool(re.search(r"/(?:19|20)\d\d/", c.notation))
            works = [("suspected_typo", w) for w in reg.near_misses(c.notation, c.date)] if c.date else []
            works += reg.check(c.notation, c.year, c.date, has_year)
            for flag, work in works:
                if flag in c.flags and not any(a.kind == flag and i in a.citations for a in out):
                    out.append(_registry_anomaly(flag, c, i, work))
    for key, idx in conflicts.items():
        dates = sorted({citations[i].date or "" for i in idx})
        out.append(Anomaly("date_conflict", "medium", f"{key} cited with dates {', '.join(dates)}", tuple(idx)))
    out.extend(_deadline_anomalies(meta, tasks))
    return tuple(out)


def _registry_anomaly(flag: str, c: Citation, index: int, work: Work) -> Anomaly:
    if flag == "suspected_date_error":
        detail = f"{_label(c)} cited as {c.date}; the registry dates it {work.date}"
    elif flag == "suspected_typo":
        detail = (
            f"{_label(c)} ({c.date}) is not a known work; {work.notation} of the same issuer and date is: {work.title}"
        )
    else:
        detail = f"{_label(c)} ({c.date}) has no year segment; the normative {work.notation} matches"
    return Anomaly(flag, _SEVERITY[flag], detail, (index,), work.cid)  # type: ignore[arg-type]


def _deadline_anomalies(meta: DocumentMeta, tasks: tuple[Task, ...]) -> list[Anomaly]:
    """A whole-year deadline before the plan's own year ("Năm 2022" in a plan for 2023)."""
    out: list[Anomaly] = []
    if meta.year_covered is None:
        return out
    for task in tasks:
        d = task.deadline
        if d is None or not d.start or not d.end:
            continue
        if d.start.endswith("-01-01") and d.end.endswith("-12-31") and int(d.end[:4]) < meta.year_covered:
            out.append(
                Anomaly("deadline_year", "medium", f"{task.id}: deadline '{d.text}' in a plan for {meta.year_covered}")
            )
    return out


@dataclass(frozen=True, slots=True)
class Header:
    """A document's own number and full date, as the cross-document checks compare them."""

    source: str
    notation: str  # notation_key of the number
    scope: str
    date: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A dated administrative or Party citation, as the cross-document checks compare them."""

    source: str
    index: int  # into Extraction.citations
    notation: str  # notation_key
    scope: str
    date: str
    future: bool  # flagged future_citation in its document
    cid: str | None


def document_facts(ex: Extraction) -> tuple[list[Header], list[Mention]]:
    """What the cross-document checks need of one document: small enough to keep for every stored one."""
    meta = ex.document
    headers = []
    if meta.number and meta.date and len(meta.date) == 10:
        headers.append(Header(ex.source, notation_key(meta.number), meta.scope, meta.date))
    mentions = [
        Mention(ex.source, i, notation_key(c.notation), c.scope, c.date, "future_citation" in c.flags, c.cid)
        for i, c in enumerate(ex.citations)
        if c.notation and c.date and c.family in {"administrative", "party"}
    ]
    return headers, mentions


def cross_document_anomalies(extractions: list[Extraction]) -> dict[str, tuple[Anomaly, ...]]:
    """Batch checks keyed by `Extraction.source`: year-only date differences and header-date disagreements."""
    headers: list[Header] = []
    mentions: list[Mention] = []
    for ex in extractions:
        h, m = document_facts(ex)
        headers += h
        mentions += m
    return anomalies_among(headers, mentions)


def anomalies_among(headers: Sequence[Header], mentions: Sequence[Mention]) -> dict[str, tuple[Anomaly, ...]]:
    """The cross-document anomalies of these facts, keyed by source (a streaming ingest passes a new batch's facts
    with the stored facts sharing their notations)."""
    out: dict[str, list[Anomaly]] = defaultdict(list)
    groups: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    own_header: dict[tuple[str, str], Header] = {(h.notation, h.scope): h for h in headers}
    for m in mentions:
        groups[(m.notation, m.scope)].append(m)
    for (notation, scope), group in groups.items():
        own = own_header.get((notation, scope))
        dates = {m.date for m in group}
        if own is not None:
            for m in group:
                if m.date != own.date:
                    detail = f"{notation} cited as {m.date}; its own header ({own.source}) says {own.date}"
                    out[m.source].append(
                        Anomaly("suspected_date_error", "medium", detail, (m.index,), _cid(m.cid, own.date))
                    )
            continue
        if len(dates) < 2:
            continue
        for m in group:
            others = sorted(d for d in dates if d != m.date and d[4:] == m.date[4:])
            if not others:
                continue
            # the reading that is a future citation for its document is the suspect one
            others_future = any(o.future for o in group if o.date in others)
            suspect = m.future or (not others_future and m.date > others[-1])
            if suspect:
                detail = f"{notation} ({scope}) cited as {m.date} here and as {', '.join(others)} elsewhere"
                out[m.source].append(
                    Anomaly("suspected_date_error", "high", detail, (m.index,), _cid(m.cid, others[0]))
                )
    return {k: tuple(v) for k, v in out.items()}


def _cid(cid: str | None, date: str | None) -> str | None:
    if cid is None or date is None or cid.rsplit("/", 1)[-1] == date[:4]:
        return cid
    return f"{cid.rsplit('/', 1)[0]}/{date[:4]}"
