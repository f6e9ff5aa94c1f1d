"""The order of the steps, and the `Citation` records that leave the package."""

from __future__ import annotations

import bisect

from ingest import notation as nt
from ingest.citations.candidates import Cand, Scanner
from ingest.citations.context import CitingContext, context_from_header
from ingest.citations.passes import finish, is_passive
from ingest.places import UNKNOWN_SCOPE
from ingest.records import Citation, Section
from ingest.vntext import collapse


def find_citations(text: str, context: CitingContext, sections: tuple[Section, ...] = ()) -> tuple[Citation, ...]:
    """Every citation of another document in `text` (normalised), in text order, with offsets into `text`."""
    ctx = context if context.scope != UNKNOWN_SCOPE else context_from_header(text, context)
    cands = Scanner(text, ctx).scan()
    finish(text, ctx, cands)
    return _records(text, cands, sections)


def acts_on_parent(citation: Citation) -> bool:
    """True when a nested citation is the actor and its parent the object (spec §2.2 passive, reverse direction).

    "B …, được sửa đổi, bổ sung tại A" nests A in B's phrase, yet A amends B: the graph edge runs A → B. The
    record says so through its cue (the passive voice as written), so no extra field is needed.
    """
    return (
        citation.nested_in is not None
        and citation.relation in nt.SUBJECT_RELATIONS
        and citation.cue is not None
        and is_passive(citation.cue)
    )


def _records(text: str, cands: list[Cand], sections: tuple[Section, ...]) -> tuple[Citation, ...]:
    starts = [s.start for s in sections]
    index = {id(cand): i for i, cand in enumerate(cands)}
    out = []
    for cand in cands:
        out.append(
            Citation(
                text=collapse(text[cand.start : cand.end]),
                start=cand.start,
                end=cand.end,
                notation=cand.notation,
                law_name=cand.law_name,
                kind=cand.kind,
                family=cand.family,
                issuer=cand.issuer,
                scope=cand.scope,
                year=cand.year,
                date=cand.date,
                cid=cand.cid(),
                relation=cand.relation or "cites",
                cue=cand.cue,
                nested_in=index[id(cand.parent)] if cand.parent is not None else None,
                section=_section_at(sections, starts, cand.start),
                flags=tuple(dict.fromkeys(cand.flags)),
            )
        )
    return tuple(out)


def _section_at(sections: tuple[Section, ...], starts: list[int], pos: int) -> str | None:
    best: Section | None = None
    for idx in range(bisect.bisect_right(starts, pos) - 1, -1, -1):
        sec = sections[idx]
        if sec.start <= pos < sec.end and (best is None or sec.level > best.level):
            best = sec
    return best.path if best else None
