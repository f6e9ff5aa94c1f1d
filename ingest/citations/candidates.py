"""Every mention of another document, read where it stands: notation, kind, issuer, date and scope.

Numbered notations (shapes P, N, A), noun-led partials ("NĐ 107/2020", "Nghị định số 107") and laws cited by name
each become a `Cand`; what needs the rest of the document is left to `passes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest import notation as nt
from ingest.citations.context import CitingContext
from ingest.citations.patterns import (
    BARE_RE,
    CLAUSE_BREAK_RE,
    DATE_AFTER_RE,
    ISSUED_BEFORE_RE,
    ISSUED_ON_RE,
    ISSUER_PHRASE_RE,
    LAW_RE,
    NOTATION_RE,
    PARTIAL_KEYS,
    PARTIAL_NOUN_RE,
    QH_NOUN_RE,
    SELF_RE,
    YEAR_AFTER_RE,
    is_free,
    iso_date,
    line_start,
    noun_before,
    overlaps,
    split_codes,
)
from ingest.laws import LawVersion, law_gazetteer
from ingest.places import UNKNOWN_SCOPE
from ingest.records import Family, Relation
from ingest.vntext import collapse


@dataclass(slots=True)
class Cand:
    """A mention being built (mutable while the document-level passes run)."""

    start: int
    end: int
    notation: str | None
    kind: str
    family: Family
    issuer: str | None
    scope: str
    year: int | None
    date: str | None
    has_year_segment: bool
    law_name: str | None = None
    law_cid: str | None = None
    relation: Relation | None = None
    cue: str | None = None
    parent: Cand | None = None  # the mention whose subject phrase holds this one (an index only once sorted)
    flags: list[str] = field(default_factory=list)
    passive: bool = False  # "B được sửa đổi, bổ sung tại A": A sits in B's phrase but acts on B

    @property
    def key(self) -> str:
        return self.notation or self.law_cid or ""

    def cid(self) -> str | None:
        """The canonical id (legal-identifiers §1.6); a year-less notation gets its year, or `x`."""
        if self.notation is None:
            return self.law_cid
        base = f"{self.scope}/{nt.kind_slug(self.kind)}/{nt.notation_slug(self.notation)}"
        if self.has_year_segment or "?" in self.notation:
            return base
        return f"{base}/{self.year if self.year else 'x'}"


class Scanner:
    """Reads every mention of one text into candidates, in text order; `ctx` places local codes."""

    def __init__(self, text: str, ctx: CitingContext) -> None:
        self.text = text
        self.ctx = ctx
        own = ctx.own_notation or ""
        self.own_key = nt.notation_key(own) if re.match(r"\d", own) else None
        self.cands: list[Cand] = []

    def scan(self) -> list[Cand]:
        """Every mention: numbered notations, bare "Nghị định số N", then laws by name where no notation is."""
        taken: list[tuple[int, int]] = []
        text = self.text
        for m in NOTATION_RE.finditer(text):
            if not is_free(text, m.start()):
                continue
            cand = self._notation(m)
            if cand is not None:
                self.cands.append(cand)
                taken.append((m.start("num"), m.end()))
        for m in BARE_RE.finditer(text):
            if text[max(0, m.start() - 6) : m.start()] in {"Nghị đ", "nghị đ"} and is_free(text, m.start() - 6):
                cand = self._partial(m.start() - 6, m.start("num"), m.end(), "Nghị định", None)
                if cand is not None:
                    self.cands.append(cand)
                    taken.append((m.start("num"), m.end()))
        taken.sort()
        for m in LAW_RE.finditer(text):
            if is_free(text, m.start()) and not overlaps(taken, m.start(), m.end()):
                self._law(m.start(), taken)
        self.cands.sort(key=lambda c: (c.start, -c.end))
        return self.cands

    # ---- numbered notations

    def _notation(self, m: re.Match[str]) -> Cand | None:
        text = self.text
        s = m.start("num")
        if m.group("pyear"):
            left = text[max(0, s - 24) : s]
            noun_m = PARTIAL_NOUN_RE.search(left) if any(k in left for k in PARTIAL_KEYS) else None
            if noun_m is None or not is_free(text, s - len(left) + noun_m.start()):
                return None
            n0 = s - len(left) + noun_m.start()
            return self._partial(n0, s, m.end(), noun_m.group("noun"), int(m.group("pyear")))
        floor = line_start(text, s)
        wrapped = self._noun_above(floor) if SELF_RE.fullmatch(text, floor, s) else None
        if SELF_RE.fullmatch(text, floor, s) and wrapped is None:
            return None  # the document's own "Số:" header
        noun, noun_start = wrapped or noun_before(text, s, floor)
        display, overpadded = nt.display_number(m.group("num"))
        flags: list[str] = ["zero_padded_number"] if overpadded else []
        family: Family
        year: int | None = None
        if m.group("pkind"):
            parsed = self._party(m, noun, display, flags)
            if parsed is None:
                return None
            notation, kind, issuer, family = parsed
        else:
            raw = m.group("ncodes") or m.group("acodes")
            if raw.islower() and noun is None:
                return None
            pieces = split_codes(raw)
            if (glued := nt.unglue(pieces[0])) is not None:  # "45/2020/NĐCP": the hyphen was lost in typing
                pieces = [*glued, *pieces[1:]]
                flags.append("hyphen_restored")
            codes = [nt.canon_code(c, noun) for c in pieces]
            for _, fl in codes:
                flags.extend(fl)
            names = [c for c, _ in codes]
            if m.group("year"):
                year = int(m.group("year"))
                parsed_n = self._normative(names, noun, display, year, flags, text, s, floor)
                if parsed_n is None:
                    return None
                notation, kind, issuer, noun_start = parsed_n
                family = "normative"
            else:
                parsed_a = self._administrative(names, noun, display, flags)
                if parsed_a is None:
                    return None
                notation, kind, issuer, family = parsed_a
        if self.own_key is not None and nt.notation_key(notation) == self.own_key:
            return None
        start = noun_start if noun_start < s else s
        cand = Cand(
            start=start, end=m.end(), notation=notation, kind=kind, family=family, issuer=issuer,
            scope=UNKNOWN_SCOPE, year=year, date=None, has_year_segment=m.group("year") is not None,
            flags=flags,
        )  # fmt: skip
        if family == "normative" and kind in nt.QH_KINDS and start < s:
            cand.law_name = self._law_name_before(start, s)
        self._attach_date(cand, start)
        cand.scope = self._scope(cand)
        return cand

    def _noun_above(self, floor: int) -> tuple[str | None, int] | None:
        """The kind noun ending the line above a line-initial "SỐ 55/2014/QĐ-UBND" with no colon: a title
        wrapped before its number ("BÃI BỎ QUYẾT ĐỊNH⏎SỐ 55/2014/QĐ-UBND"), not the document's own "Số:"."""
        if floor == 0 or self.text[floor - 1] != "\n" or ":" in self.text[floor : floor + 8]:
            return None
        noun, start = noun_before(self.text, floor - 1, line_start(self.text, floor - 1))
        return (noun, start) if noun is not None else None

    def _party(
        self, m: re.Match[str], noun: str | None, display: str, flags: list[str]
    ) -> tuple[str, str, str, Family] | None:
        kind_code, kf = nt.canon_code(m.group("pkind"), noun)
        issuers = [nt.canon_code(c) for c in split_codes(m.group("piss"))]
        flags.extend(kf)
        for _, fl in issuers:
            flags.extend(fl)
        issuer = "-".join(c for c, _ in issuers)
        party = nt.is_party_issuer(issuers[0][0])
        kind = (nt.PARTY_KINDS if party else nt.STATE_KINDS).get(kind_code)
        if kind is None or (not party and noun is None):
            return None
        kind = self._noun_kind(kind, noun, flags)
        family: Family = "party" if party else "administrative"
        return f"{display}-{kind_code}/{issuer}", kind, issuer, family

    def _normative(
        self,
        names: list[str],
        noun: str | None,
        display: str,
        year: int,
        flags: list[str],
        text: str,
        s: int,
        floor: int,
    ) -> tuple[str, str, str, int] | None:
        first = names[0]
        noun_start = s
        if nt.is_central_issuer(first) and first.startswith(("QH", "UBTVQH")):
            kind = noun if noun in nt.QH_KINDS else None
            if kind is None:
                m = QH_NOUN_RE.search(text, max(floor, s - 110), s)
                kind = m.group("noun") if m else "Luật"
                noun_start = m.start() if m else s
            issuer = "-".join(names)
        elif first in nt.STATE_KINDS:
            kind = self._noun_kind(nt.STATE_KINDS[first], noun, flags)
            issuer = "-".join(names[1:])
        elif noun is not None and noun not in nt.GENERIC_NOUNS:
            kind, issuer = noun, "-".join(names)
        else:
            return None
        if not issuer:
            return None
        if noun_start == s:
            _, noun_start = noun_before(text, s, floor)
        return f"{display}/{year}/{'-'.join(names)}", kind, issuer, noun_start

    def _administrative(
        self, names: list[str], noun: str | None, display: str, flags: list[str]
    ) -> tuple[str, str, str, Family] | None:
        first = names[0]
        if len(names) == 1:
            # historic/short forms ("Nghị định số 13/CP", "Công văn số 12/UBND") only after a kind noun
            if noun is None or first in nt.STATE_KINDS or not re.fullmatch(r"[A-ZĐ][A-ZĐa-z]+\d*", first):
                return None
            kind = nt.KIND_NOUNS.get(nt.fast_fold(noun).lower(), noun) if noun not in nt.GENERIC_NOUNS else "Công văn"
            return f"{display}/{first}", kind, first, "administrative"
        if len(names) == 2 and nt.is_party_issuer(names[1]) and names[0] in nt.PARTY_KINDS:
            flags.append("party_separator_repaired")
            kind = self._noun_kind(nt.PARTY_KINDS[names[0]], noun, flags)
            return f"{display}-{names[0]}/{names[1]}", kind, names[1], "party"
        notation = f"{display}/{'-'.join(names)}"
        if first in nt.STATE_KINDS and first not in {"L", "PL"}:
            kind = self._noun_kind(nt.STATE_KINDS[first], noun, flags)
            issuer = "-".join(names[1:]) if kind == nt.STATE_KINDS[first] else "-".join(names)
            return notation, kind, issuer, "administrative"
        kind = noun if noun is not None and noun not in nt.GENERIC_NOUNS else "Công văn"
        if noun is not None and kind != "Công văn":
            flags.append("type_from_noun")
        return notation, kind, "-".join(names), "administrative"

    @staticmethod
    def _noun_kind(code_kind: str, noun: str | None, flags: list[str]) -> str:
        """The noun before the number beats the code (§1.7 step 4): Công văn 1234/CT-TTHT, Quy định 205-QĐ/TW."""
        if noun is None or noun in nt.GENERIC_NOUNS or noun == code_kind:
            return code_kind
        if noun in {"Luật", "Bộ luật"} or (noun == "Thông tư" and code_kind == "Thông tư liên tịch"):
            return code_kind
        flags.append("type_from_noun")
        return noun

    def _law_name_before(self, start: int, num_start: int) -> str | None:
        m = QH_NOUN_RE.match(self.text, start, num_start)
        if not m or m.group("noun") not in {"Luật", "Bộ luật"}:
            return None
        name = re.sub(r"[ ]*(?:(?i:số)[ ]*:?)?[ ]*$", "", m.group("name")).strip(" ,")
        return collapse(f"{m.group('noun')} {name}") if name else None

    # ---- noun-led partials

    def _partial(self, s: int, num_start: int, end: int, noun_raw: str, year: int | None) -> Cand | None:
        floor = line_start(self.text, s)
        if SELF_RE.fullmatch(self.text, floor, s):
            return None
        display, _ = nt.display_number(self.text[num_start:end].split("/")[0].strip())
        is_law = nt.fast_fold(noun_raw).lower().endswith("luat")
        if year is None:
            return Cand(s, end, f"{display}/?/NĐ-CP", "Nghị định", "normative", "CP", "vn", None, None, False,
                         flags=["inferred_issuer", "provisional_year", "ambiguous"])  # fmt: skip
        if is_law:
            term = nt.qh_term(year)
            if term is None:
                return None
            notation, kind, issuer = f"{display}/{year}/QH{term}", "Luật", f"QH{term}"
        else:
            notation, kind, issuer = f"{display}/{year}/NĐ-CP", "Nghị định", "CP"
        cand = Cand(s, end, notation, kind, "normative", issuer, "vn", year, None, True,
                     flags=["inferred_issuer"])  # fmt: skip
        self._attach_date(cand, s)
        return cand

    # ---- laws by name (§1.10)

    def _law(self, pos: int, taken: list[tuple[int, int]]) -> None:
        gaz = law_gazetteer()
        text = self.text
        window_end = min(len(text), pos + 260)
        tab = text.find("\t", pos, window_end)
        nl = text.find("\n", pos, window_end)
        window_end = min(x for x in (window_end, tab if tab >= 0 else window_end, nl if nl >= 0 else window_end))
        window = text[pos:window_end]
        parsed = gaz.parse(window)
        if parsed is None:
            return
        end = pos + parsed.end
        # a law named and then numbered ("Luật Bưu chính số 49/2010/QH12") is found by the numbered pattern
        if re.match(r"[ ,]*(?i:số)[ ]*\d", text[end : end + 12]) or overlaps(taken, pos, end):
            return
        date_m = DATE_AFTER_RE.match(text, end)
        year_m = None if date_m else YEAR_AFTER_RE.match(text, end)
        date = iso_date(date_m) if date_m else None
        year = int(date[:4]) if date else (int(year_m.group("y")) if year_m else None)
        span_end = date_m.end() if date_m else (year_m.end() if year_m else end)
        ctx_year = int(self.ctx.date[:4]) if self.ctx.date else None
        outer = gaz.resolve(parsed.key, year, ctx_year)
        outer_cand = self._law_cand(pos, span_end, parsed.name, parsed.kind, outer, year, date)
        self.cands.append(outer_cand)
        taken.append((pos, span_end))
        inner_year = outer.year if outer else year
        for sub in parsed.nested:
            work = gaz.resolve(sub.key, None, inner_year, strictly_before=True)
            sub_cand = self._law_cand(pos + sub.start, pos + sub.end, sub.name, sub.kind, work, None, None)
            sub_cand.relation, sub_cand.cue, sub_cand.parent = "sua_doi_bo_sung", parsed.cue, outer_cand
            self.cands.append(sub_cand)

    @staticmethod
    def _law_cand(start: int, end: int, name: str, kind: str, work: LawVersion | None, year: int | None,
                  date: str | None) -> Cand:  # fmt: skip
        cid = f"vn/{nt.kind_slug(kind)}/{nt.notation_slug(work.notation)}" if work else None
        return Cand(
            start, end, None, kind, "law_by_name", work.notation.split("/")[-1] if work else None, "vn",
            year if year is not None else (work.year if work else None), date, False,
            law_name=name, law_cid=cid, flags=["law_by_name"],
        )  # fmt: skip

    # ---- date, year and scope

    def _attach_date(self, cand: Cand, start: int) -> None:
        text = self.text
        m = DATE_AFTER_RE.match(text, cand.end)
        if m and (date := iso_date(m)):
            cand.date, cand.end = date, m.end()
        elif (y := YEAR_AFTER_RE.match(text, cand.end)) and not cand.has_year_segment:
            cand.year, cand.end = int(y.group("y")), y.end()
            cand.flags.append("year_from_context")
        else:
            before = ISSUED_BEFORE_RE.search(text, max(0, start - 60), start)
            stop = CLAUSE_BREAK_RE.search(text, cand.end, cand.end + 220)
            after = ISSUED_ON_RE.search(text, cand.end, stop.start() if stop else cand.end + 220)
            if after and not NOTATION_RE.search(text, cand.end, after.start()):
                cand.date = iso_date(after)
            elif before:
                cand.date = iso_date(before)
        if cand.date and not cand.has_year_segment:
            cand.year = int(cand.date[:4])
        if cand.date and cand.has_year_segment and cand.year != int(cand.date[:4]):
            cand.flags.append("date_year_mismatch")

    def _scope(self, cand: Cand) -> str:
        issuer = cand.issuer or ""
        first = issuer.split("-")[0]
        if cand.family == "party":
            if nt.PARTY_CENTRAL_RE.fullmatch(first):
                return "vn"
        elif nt.is_central_issuer(first) or (cand.has_year_segment and first not in nt.LOCAL_NORMATIVE_ISSUERS):
            return "vn"  # VBQPPL come from central bodies, HĐND and UBND only
        explicit = self._explicit_place(cand.end)
        if explicit is not None:
            if explicit[1]:
                cand.flags.append("scope_inherited")
            return explicit[0]
        if self.ctx.scope == UNKNOWN_SCOPE:
            cand.flags.append("provisional_scope")
            return UNKNOWN_SCOPE
        cand.flags.append("scope_inherited")
        district_level = first in {"UBND", "VP", "PNV"} or first.endswith(("HU", "QU"))
        if cand.family == "party":
            district_level = not first.endswith(("TU", "ThU"))
        if first in nt.PROVINCE_ISSUERS or first.startswith("S") or not district_level:
            return self.ctx.province_scope
        return self.ctx.scope

    def _explicit_place(self, pos: int) -> tuple[str, bool] | None:
        """Scope named by the issuer phrase after a mention ("của Ủy ban nhân dân tỉnh Sóc Trăng")."""
        m = ISSUER_PHRASE_RE.match(self.text, pos)
        if not m:
            return None
        phrase = re.split(r"\s(?:về|ban hành|tại|theo|phê duyệt|quy định|hướng dẫn)\s", m.group("phrase"))[0]
        return self.ctx.scope_named(phrase)
