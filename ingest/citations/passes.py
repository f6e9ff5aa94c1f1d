"""The passes that need the whole document, run over the candidates in text order.

Coordinated mentions share a date; an undated notation takes the year the document gives it elsewhere; each
mention gets the cue that governs it and, inside another mention's subject, its parent; the registry flags
suspected typos and date errors; one notation cited with two dates is a conflict; a date after the citing
document's own is a future citation.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ingest import notation as nt
from ingest.citations.candidates import Cand
from ingest.citations.context import CitingContext
from ingest.citations.patterns import CLAUSE_BREAK_RE, RELATION_BREAK_RE
from ingest.records import Relation
from ingest.registry import registry
from ingest.vntext import collapse


def finish(text: str, ctx: CitingContext, cands: list[Cand]) -> None:
    """Run every document-level pass over `cands` (in text order), in place."""
    _coordinate_dates(text, cands)
    _coreference_years(cands)
    _relations(text, cands)
    _registry_flags(text, cands)
    _date_conflicts(cands)
    latest = ctx.latest_date()
    for cand in cands:
        if latest and cand.date and cand.date > latest:
            cand.flags.append("future_citation")
        if cand.notation and not cand.has_year_segment and cand.year is None:
            cand.flags.append("provisional_year")


def _coordinate_dates(text: str, cands: list[Cand]) -> None:
    """`18-NQ/TW, Nghị quyết số 19-NQ/TW ngày 25/10/2017` ⇒ both dated; never over a notation with a year."""
    for i, cand in enumerate(cands):
        if cand.date is None or cand.has_year_segment:
            continue
        j = i - 1
        while j >= 0:
            prev, nxt = cands[j], cands[j + 1]
            gap = text[prev.end : nxt.start]
            if (
                prev.date
                or prev.has_year_segment
                or prev.notation is None
                or not re.fullmatch(r"[ ]*(?:,|và|;)?[ ]*", gap)
            ):
                break
            prev.date, prev.year = cand.date, cand.year
            prev.flags.append("coordinated_date")
            j -= 1


def _coreference_years(cands: list[Cand]) -> None:
    """An undated administrative/Party notation takes the year the same document gives it elsewhere."""
    years: dict[str, set[int]] = defaultdict(set)
    for cand in cands:
        if cand.notation and not cand.has_year_segment and cand.date:
            years[cand.notation].add(int(cand.date[:4]))
    for cand in cands:
        if cand.notation and not cand.has_year_segment and cand.year is None:
            found = years.get(cand.notation, set())
            if len(found) == 1:
                cand.year = next(iter(found))
                cand.flags.append("year_from_context")
            elif len(found) > 1:
                cand.flags.append("ambiguous")


def _relations(text: str, cands: list[Cand]) -> None:
    top: Cand | None = None  # previous mention not inside another's span
    for cand in cands:
        if cand.relation is not None:  # nested law inside an amending law's name
            continue
        brk = _last_break(text, cand.start)
        if top is not None and top.end <= cand.start and top.end > brk:
            gap_start = top.end
        else:
            top, gap_start = None, brk
        left = text[gap_start : cand.start]
        cue = _last_cue(left)
        if top is None:
            cand.relation, cand.cue = (cue[0], cue[1]) if cue else ("cites", None)
        elif cue is not None and cue[0] in nt.SUBJECT_RELATIONS and _is_subject(left, cue[2]):
            passive = is_passive(cue[1])
            if passive or _dated_ok(top, cand):
                cand.relation, cand.cue, cand.parent, cand.passive = cue[0], cue[1], top, passive
            else:
                cand.relation, cand.cue = cue[0], cue[1]
        elif cue is not None and cue[0] not in nt.SUBJECT_RELATIONS:
            cand.relation, cand.cue = cue[0], cue[1]
        else:
            # "A về sửa đổi B của Chính phủ và C": C is B's co-object; "A về sửa đổi B quy định … và C",
            # or C dated after A: C is A's sibling under A's own cue.
            parent = top.parent
            sibling_of_parent = not _co_object(left) or (not top.passive and not _dated_ok(parent, cand))
            source = parent if parent is not None and sibling_of_parent else top
            cand.relation, cand.cue, cand.parent = source.relation, source.cue, source.parent
            cand.passive = source.passive
        if not (top is not None and cand.end <= top.end):
            top = cand


def _registry_flags(text: str, cands: list[Cand]) -> None:
    reg = registry()
    for cand in cands:
        if cand.notation is None or "?" in cand.notation:
            continue
        stop = CLAUSE_BREAK_RE.search(text, cand.end, cand.end + 250)
        subject = text[cand.end : stop.start() if stop else cand.end + 250]
        for flag, _ in reg.check(cand.notation, cand.year, cand.date, cand.has_year_segment, subject):
            cand.flags.append(flag)


def _date_conflicts(cands: list[Cand]) -> None:
    dates: dict[str, set[str]] = defaultdict(set)
    for cand in cands:
        if cand.date and cand.key:
            dates[nt.notation_key(cand.key)].add(cand.date)
    for cand in cands:
        if cand.date and len(dates.get(nt.notation_key(cand.key), ())) > 1:
            cand.flags.append("date_conflict")


def _last_break(text: str, pos: int) -> int:
    """Start of the clause holding `pos`: after the last newline, tab or sentence end."""
    lo = max(0, pos - 400)
    last = lo
    for m in RELATION_BREAK_RE.finditer(text, lo, pos):
        last = m.end()
    return last


def _last_cue(left: str) -> tuple[Relation, str, int] | None:
    """The cue nearest before the mention: (relation, cue as written, cue start in `left`)."""
    folded = nt.fast_fold(left)
    if len(folded) != len(left):
        return None
    found = nt.last_cue(folded)
    if found is None:
        return None
    rel = nt.CUE_RELATION[found.lastgroup or ""]
    if rel == "theo" and len(folded) - found.end() > 40:
        return None
    return rel, collapse(left[found.start() : found.end()]), found.start()  # type: ignore[return-value]


def _is_subject(left: str, cue_start: int) -> bool:
    """A change/implementation cue belongs to the previous mention's subject ("… về việc sửa đổi … của")."""
    head = nt.fast_fold(left[:cue_start]).lower()
    return bool(re.search(r"(?:\bve\b|\bve viec\b|ban hanh|\bduoc\b|\bda\b)", head)) or not head.strip(" ,")


def _dated_ok(parent: Cand | None, child: Cand) -> bool:
    """A document cannot implement or amend one issued after it."""
    return parent is None or not (parent.date and child.date and child.date > parent.date)


_PASSIVE_RE = re.compile(r"(?:da )?(?:duoc|bi) |.*\b(?:tai|theo|boi)$")


def is_passive(cue: str) -> bool:
    """Passive cues ("được sửa đổi, bổ sung tại", "được thay thế bởi", "bị bãi bỏ"): the mention after is the actor."""
    return bool(_PASSIVE_RE.match(nt.fast_fold(cue).lower()))


_CO_OBJECT_RE = re.compile(r"[ ,]*(?:(?:của|do)[ ]+(?P<issuer>[^\W\d_][^,;()“”\"]{0,80}?))?[ ,]*(?:và|hoặc)?[ ]*")
_SUBJECT_WORD_RE = re.compile(r"(?i)\b(?:về|quy định|ban hành|hướng dẫn|sửa đổi|thực hiện|tại|theo)\b")


def _co_object(gap: str) -> bool:
    """Only a conjunction and an issuer ("của Chính phủ") lie between two mentions: they share one cue."""
    m = _CO_OBJECT_RE.fullmatch(gap)
    if m is None:
        return False
    issuer = m.group("issuer")
    return issuer is None or (issuer[0].isupper() and not _SUBJECT_WORD_RE.search(issuer))
