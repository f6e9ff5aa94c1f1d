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


def cross_document_anomalies(extractions: list[Extraction]) -> dict[str, tuple[Anomaly, ...]]:
    """Batch checks keyed by `Extraction.source`: year-only date differences and header-date disagreements."""
    out: dict[str, list[Anomaly]] = defaultdict(list)
    # (notation, scope) → [(source, index, citation)] for administrative/Party notations with a date
    groups: dict[tuple[str, str], list[tuple[Extraction, int, Citation]]] = defaultdict(list)
    headers: dict[tuple[str, str], Extraction] = {}
    for ex in extractions:
        if ex.document.number and ex.document.date and len(ex.document.date) == 10:
            headers[(notation_key(ex.document.number), ex.document.scope)] = ex
        for i, c in enumerate(ex.citations):
            if c.notation and c.date and c.family in {"administrative", "party"}:
                groups[(notation_key(c.notation), c.scope)].append((ex, i, c))
    for (notation, scope), mentions in groups.items():
        own = headers.get((notation, scope))
        dates = {c.date for _, _, c in mentions}
        if own is not None:
            for ex, i, c in mentions:
                if c.date != own.document.date:
                    detail = f"{notation} cited as {c.date}; its own header ({own.source}) says {own.document.date}"
                    out[ex.source].append(
                        Anomaly("suspected_date_error", "medium", detail, (i,), _cid(c, own.document.date))
                    )
            continue
        if len(dates) < 2:
            continue
        for ex, i, c in mentions:
            others = sorted(d for d in dates if d and c.date and d != c.date and d[4:] == c.date[4:])
            if not others:
                continue
            # the reading that is a future citation for its document is the suspect one
            others_future = any("future_citation" in m.flags for _, _, m in mentions if m.date in others)
            later = c.date is not None and c.date > others[-1]
            suspect = "future_citation" in c.flags or (not others_future and later)
            if suspect:
                detail = f"{notation} ({scope}) cited as {c.date} here and as {', '.join(others)} elsewhere"
                out[ex.source].append(Anomaly("suspected_date_error", "high", detail, (i,), _cid(c, others[0])))
    return {k: tuple(v) for k, v in out.items()}


def _cid(c: Citation, date: str | None) -> str | None:
    if c.cid is None or date is None or c.cid.rsplit("/", 1)[-1] == date[:4]:
        return c.cid
    return f"{c.cid.rsplit('/', 1)[0]}/{date[:4]}"
