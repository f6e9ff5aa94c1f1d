"""Find citations of other documents in normalised text (spec legal-identifiers §1.2–§1.10, §2.2).

One compiled regex finds every numbered notation (shapes P, N, A in precedence order); a second finds noun-led
partials ("NĐ 107/2020", "Nghị định số 107", "Luật 80/2015") and a third laws cited by name. Each candidate is
then read in its neighbourhood only: the kind noun just before it, the date just after it, the issuer phrase for
its scope, and the cue that governs its clause. Patterns never cross a tab (table cell) and never read a
placeholder ("…/KH-UBND", "Số: /KH-VPUBND") or the document's own "Số:" header as a citation.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from ingest import notation as nt
from ingest.laws import LawVersion, law_gazetteer
from ingest.places import UNKNOWN_SCOPE, province
from ingest.records import Citation, DocumentMeta, Family, Relation, Section
from ingest.registry import registry
from ingest.vntext import collapse, slug

# --------------------------------------------------------------------------------------------------- context


@dataclass(frozen=True, slots=True)
class CitingContext:
    """What the citing document tells about itself: needed to scope local codes and to spot self-citations."""

    scope: str = UNKNOWN_SCOPE  # "vn.soc-trang", "vn.soc-trang.tx-nga-nam"
    level: str | None = None  # "province" | "district" | None
    date: str | None = None  # ISO or partial ("2024-01")
    own_notation: str | None = None  # "218/KH-UBND" or the template "/KH-VPUBND"
    province: str | None = None
    district: str | None = None
    plan_year: int | None = None  # the year a plan covers: bounds its issue date when the date is blank

    @classmethod
    def from_meta(cls, meta: DocumentMeta) -> CitingContext:
        parts = meta.scope.split(".")
        level = None if meta.scope == UNKNOWN_SCOPE else ("district" if len(parts) > 2 else "province")
        return cls(
            scope=meta.scope,
            level=level,
            date=meta.date,
            own_notation=meta.number or meta.notation_template,
            province=meta.province,
            district=meta.district,
            plan_year=meta.year_covered,
        )

    @property
    def province_scope(self) -> str:
        parts = self.scope.split(".")
        return ".".join(parts[:2]) if self.scope != UNKNOWN_SCOPE else UNKNOWN_SCOPE

    def latest_date(self) -> str | None:
        """The latest day the citing document can bear: end of its partial date, or mid plan-year."""
        if self.date:
            year, _, rest = self.date.partition("-")
            if not rest:
                return f"{year}-12-31"
            if len(rest) == 2:
                return f"{self.date}-31"
            return self.date
        return f"{self.plan_year}-06-30" if self.plan_year else None


# --------------------------------------------------------------------------------------------------- patterns

_CODE = r"[A-Za-zĐđƯ]{1,15}(?:&[A-ZĐ]{1,4})?\d{0,2}"
_UCODE = r"(?:[A-ZĐƯ]{1,15}|TTg|TTr|CTr|QyĐ|QĐi)\d{0,2}"
_GROUPS = rf"{_CODE}(?:-{_CODE}|[ ]+-[ ]*{_UCODE}|-[ ]+{_UCODE})*"
_NUM = r"(?P<num>\d{1,5}[a-z]?)"  # not preceded by a word char, "/", "." or "," (checked in code: faster)
_NUM_BLOCKERS = frozenset("/.,…")
_PARTIAL_KEYS = ("định", "ĐỊNH", "dinh", "NĐ", "ND", "uật", "UẬT")
_NOTATION_RE = re.compile(
    rf"{_NUM}(?:"
    rf"[ ]*-[ ]*(?P<pkind>{_CODE})[ ]*/[ ]*(?P<piss>{_CODE}(?:-{_CODE})*)"  # P: 18-NQ/TW
    rf"|[ ]*/[ ]*(?P<year>(?:19|20)\d\d)[ ]*/[ ]*(?P<ncodes>{_GROUPS}(?:/{_GROUPS})?)"  # N: 107/2020/NĐ-CP
    rf"|[ ]*/[ ]*(?P<acodes>{_GROUPS})"  # A: 218/KH-UBND, 3787/BNV-CCHC
    r"|[ ]*/[ ]*(?P<pyear>(?:19|20)\d\d)(?![ ]*/|[.,]\d)"  # partial, kept only after NĐ/Luật: 107/2020
    r")(?!\w)"
)
# Noun-led partials (§1.7 step 2): "NĐ 107/2020", "Luật 80/2015" ride on _NOTATION_RE (pyear); the bare
# "Nghị định số 107" is anchored on a literal so the scan stays fast.
_BARE_RE = re.compile(r"ịnh[ ]+(?:số|SỐ)[ ]+(?P<num>\d{1,5})(?![\w/.,]|[ ]*/)")
_PARTIAL_NOUN_RE = re.compile(
    r"(?P<noun>[Nn]ghị định|NGHỊ ĐỊNH|[Nn]ghi dinh|NĐ|ND|[Bb]ộ luật|Luật|LUẬT)[ ]+(?:(?i:số|so)[ ]*)?$"
)
_LAW_RE = re.compile(r"(?:Bộ luật|BỘ LUẬT|Luật|LUẬT)(?=[ ]+\w)")

_DATE = (
    r"(?:(?P<d>\d{1,2})[ ]*(?P<s>[/.-])[ ]*(?P<m>\d{1,2})[ ]*(?P=s)[ ]*(?P<y>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})[^\S\t]+(?i:tháng|thang)[^\S\t]+(?P<m2>\d{1,2})[^\S\t]+(?i:năm|nam)[^\S\t]+(?P<y2>(?:19|20)\d\d))"
)
_DATE_AFTER_RE = re.compile(rf"[ ]*,?[ ]*\(?(?:(?i:ban hành|được ban hành)[ ]+)?(?i:ngày|ngay)[^\S\t]*{_DATE}(?!\d)")
_YEAR_AFTER_RE = re.compile(r"[ ]*,?[ ]*(?i:năm|nam)[ ]+(?P<y>(?:19|20)\d\d)(?![\d/])")
_ISSUED_ON_RE = re.compile(rf"(?i:ban hành)[ ]+(?:(?i:vào)[ ]+)?(?i:ngày)[^\S\t]*{_DATE}(?!\d)")
_ISSUED_BEFORE_RE = re.compile(rf"(?i:ban hành)[ ]+(?i:ngày)[^\S\t]*{_DATE}[ ]+(?i:tại)[ ]*$")
_SELF_RE = re.compile(r"[\s*#|_]*(?i:số|so)[ ]*:?[ ]*")
_NOUN_RE = re.compile(
    r"(?:^|[^a-z0-9])(?P<noun>"
    + "|".join(sorted((re.escape(k) for k in nt.KIND_NOUNS), key=len, reverse=True))
    + r")[ ]*(?:so[ ]*:?)?[ ]*$"
)
_ABBREV_RE = re.compile(r"(?:^|[^\w])(?P<noun>" + "|".join(nt.ABBREV_NOUNS) + r")[ ]+(?:(?i:số)[ ]*)?$")
_QH_NOUN_RE = re.compile(
    r"(?<!\w)(?P<noun>Bộ luật|Luật|Nghị quyết|Pháp lệnh|Hiến pháp)(?P<name>[^;\t\n/\d]{0,90}?)[ ]*$"
)
_ISSUER_PHRASE_RE = re.compile(r"[ ,]*(?:(?i:của|do)[ ]+)(?P<phrase>[^,;\t\n]{1,90})")
_PLACE_RE = re.compile(
    r"(?<!\w)(?P<level>(?i:tỉnh|thành phố|tp\.?|thị xã|huyện|quận))"
    r"(?:[ ]+(?P<name>(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\w]*[ ]?){1,4}))?"
)
_PARTY_PLACE_RE = re.compile(r"(?<!\w)(?:Tỉnh ủy|Thành ủy|Tỉnh uỷ|Thành uỷ)[ ]+(?P<name>(?:[A-ZĐ][\w]*[ ]?){1,4})")
_CLAUSE_BREAK_RE = re.compile(r"[\n\t;]|\.[ ](?=[A-ZĐ])")
_RELATION_BREAK_RE = re.compile(r"[\n\t]|\.[ ](?=[A-ZĐ])")  # "theo A; B" keeps one governing cue
_CENTRAL_CITIES = frozenset({"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"})
_LEVEL_PREFIX = {"thị xã": "tx", "huyện": "h", "quận": "q", "thành phố": "tp"}


# --------------------------------------------------------------------------------------------------- candidates


@dataclass(slots=True)
class _Cand:
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
    parent: _Cand | None = None  # the mention whose subject phrase holds this one (an index only once sorted)
    flags: list[str] = field(default_factory=list)
    passive: bool = False  # "B được sửa đổi, bổ sung tại A": A sits in B's phrase but acts on B

    @property
    def key(self) -> str:
        return self.notation or self.law_cid or ""


def _iso(m: re.Match[str]) -> str | None:
    d, mo, y = (
        (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (m.group("d2"), m.group("m2"), m.group("y2"))
    )
    day, month = int(d), int(mo)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{y}-{month:02d}-{day:02d}"


def _split_codes(raw: str) -> list[str]:
    return [c for c in re.split(r"[ ]*[-/][ ]*", raw.strip()) if c]


def _noun_before(text: str, pos: int, floor: int) -> tuple[str | None, int]:
    """Kind noun written right before a number ("Nghị định số", "QĐ", "Chương trình hành động số")."""
    left = text[max(floor, pos - 64) : pos]
    m = _ABBREV_RE.search(left)
    if m:
        return nt.ABBREV_NOUNS[m.group("noun")], pos - len(left) + m.start("noun")
    folded = nt.fast_fold(left)
    if len(folded) != len(left):
        return None, pos
    m = _NOUN_RE.search(folded)
    if m:
        return nt.KIND_NOUNS[m.group("noun")], pos - len(left) + m.start("noun")
    return None, pos


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\t", 0, pos)) + 1


class _Finder:
    """Per-document state: the text, the citing context, and the candidates found so far."""

    def __init__(self, text: str, context: CitingContext) -> None:
        self.text = text
        self.ctx = context if context.scope != UNKNOWN_SCOPE else _context_from_header(text, context)
        own = context.own_notation or ""
        self.own_key = nt.notation_key(own) if re.match(r"\d", own) else None
        self.cands: list[_Cand] = []

    # ---- numbered notations

    def scan(self) -> None:
        taken: list[tuple[int, int]] = []
        text = self.text
        for m in _NOTATION_RE.finditer(text):
            if not _free(text, m.start()):
                continue
            cand = self._notation(m)
            if cand is not None:
                self.cands.append(cand)
                taken.append((m.start("num"), m.end()))
        for m in _BARE_RE.finditer(text):
            if text[max(0, m.start() - 6) : m.start()] in {"Nghị đ", "nghị đ"} and _free(text, m.start() - 6):
                cand = self._partial(m.start() - 6, m.start("num"), m.end(), "Nghị định", None)
                if cand is not None:
                    self.cands.append(cand)
                    taken.append((m.start("num"), m.end()))
        taken.sort()
        for m in _LAW_RE.finditer(text):
            if _free(text, m.start()) and not _overlaps(taken, m.start(), m.end()):
                self._law(m.start(), taken)
        self.cands.sort(key=lambda c: (c.start, -c.end))

    def _notation(self, m: re.Match[str]) -> _Cand | None:
        text = self.text
        s = m.start("num")
        if m.group("pyear"):
            left = text[max(0, s - 24) : s]
            noun_m = _PARTIAL_NOUN_RE.search(left) if any(k in left for k in _PARTIAL_KEYS) else None
            if noun_m is None or not _free(text, s - len(left) + noun_m.start()):
                return None
            n0 = s - len(left) + noun_m.start()
            return self._partial(n0, s, m.end(), noun_m.group("noun"), int(m.group("pyear")))
        floor = _line_start(text, s)
        if _SELF_RE.fullmatch(text, floor, s):
            return None  # the document's own "Số:" header
        noun, noun_start = _noun_before(text, s, floor)
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
            codes = [nt.canon_code(c, noun) for c in _split_codes(raw)]
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
        cand = _Cand(
            start=start, end=m.end(), notation=notation, kind=kind, family=family, issuer=issuer,
            scope=UNKNOWN_SCOPE, year=year, date=None, has_year_segment=m.group("year") is not None,
            flags=flags,
        )  # fmt: skip
        if family == "normative" and kind in nt.QH_KINDS and start < s:
            cand.law_name = self._law_name_before(start, s)
        self._attach_date(cand, start)
        cand.scope = self._scope(cand)
        return cand

    def _party(
        self, m: re.Match[str], noun: str | None, display: str, flags: list[str]
    ) -> tuple[str, str, str, Family] | None:
        kind_code, kf = nt.canon_code(m.group("pkind"), noun)
        issuers = [nt.canon_code(c) for c in _split_codes(m.group("piss"))]
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
                m = _QH_NOUN_RE.search(text, max(floor, s - 110), s)
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
            _, noun_start = _noun_before(text, s, floor)
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
        m = _QH_NOUN_RE.match(self.text, start, num_start)
        if not m or m.group("noun") not in {"Luật", "Bộ luật"}:
            return None
        name = re.sub(r"[ ]*(?:(?i:số)[ ]*:?)?[ ]*$", "", m.group("name")).strip(" ,")
        return collapse(f"{m.group('noun')} {name}") if name else None

    # ---- noun-led partials

    def _partial(self, s: int, num_start: int, end: int, noun_raw: str, year: int | None) -> _Cand | None:
        floor = _line_start(self.text, s)
        if _SELF_RE.fullmatch(self.text, floor, s):
            return None
        display, _ = nt.display_number(self.text[num_start:end].split("/")[0].strip())
        is_law = nt.fast_fold(noun_raw).lower().endswith("luat")
        if year is None:
            return _Cand(s, end, f"{display}/?/NĐ-CP", "Nghị định", "normative", "CP", "vn", None, None, False,
                         flags=["inferred_issuer", "provisional_year", "ambiguous"])  # fmt: skip
        if is_law:
            term = nt.qh_term(year)
            if term is None:
                return None
            notation, kind, issuer = f"{display}/{year}/QH{term}", "Luật", f"QH{term}"
        else:
            notation, kind, issuer = f"{display}/{year}/NĐ-CP", "Nghị định", "CP"
        cand = _Cand(s, end, notation, kind, "normative", issuer, "vn", year, None, True,
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
        if re.match(r"[ ,]*(?i:số)[ ]*\d", text[end : end + 12]) or _overlaps(taken, pos, end):
            return
        date_m = _DATE_AFTER_RE.match(text, end)
        year_m = None if date_m else _YEAR_AFTER_RE.match(text, end)
        date = _iso(date_m) if date_m else None
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
                  date: str | None) -> _Cand:  # fmt: skip
        cid = f"vn/{nt.kind_slug(kind)}/{_slug_notation(work.notation)}" if work else None
        return _Cand(
            start, end, None, kind, "law_by_name", work.notation.split("/")[-1] if work else None, "vn",
            year if year is not None else (work.year if work else None), date, False,
            law_name=name, law_cid=cid, flags=["law_by_name"],
        )  # fmt: skip

    # ---- date, year and scope

    def _attach_date(self, cand: _Cand, start: int) -> None:
        text = self.text
        m = _DATE_AFTER_RE.match(text, cand.end)
        if m and (date := _iso(m)):
            cand.date, cand.end = date, m.end()
        elif (y := _YEAR_AFTER_RE.match(text, cand.end)) and not cand.has_year_segment:
            cand.year, cand.end = int(y.group("y")), y.end()
            cand.flags.append("year_from_context")
        else:
            before = _ISSUED_BEFORE_RE.search(text, max(0, start - 60), start)
            stop = _CLAUSE_BREAK_RE.search(text, cand.end, cand.end + 220)
            after = _ISSUED_ON_RE.search(text, cand.end, stop.start() if stop else cand.end + 220)
            if after and not _NOTATION_RE.search(text, cand.end, after.start()):
                cand.date = _iso(after)
            elif before:
                cand.date = _iso(before)
        if cand.date and not cand.has_year_segment:
            cand.year = int(cand.date[:4])
        if cand.date and cand.has_year_segment and cand.year != int(cand.date[:4]):
            cand.flags.append("date_year_mismatch")

    def _scope(self, cand: _Cand) -> str:
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
        """Scope named in "của Ủy ban nhân dân tỉnh Sóc Trăng" / "của Tỉnh ủy Vĩnh Long" / "của UBND thị xã".

        The flag half is True when only the level word is written and the citing document fills in the name.
        """
        m = _ISSUER_PHRASE_RE.match(self.text, pos)
        if not m:
            return None
        phrase = re.split(r"\s(?:về|ban hành|tại|theo|phê duyệt|quy định|hướng dẫn)\s", m.group("phrase"))[0]
        pm = _PARTY_PLACE_RE.search(phrase)
        if pm:
            prov = province(pm.group("name").strip())
            return (f"vn.{prov.slug}", False) if prov else None
        for place in _PLACE_RE.finditer(phrase):
            level = place.group("level").lower().rstrip(".")
            level = "thành phố" if level == "tp" else level
            name = (place.group("name") or "").strip()
            if level == "tỉnh" or (level == "thành phố" and name in _CENTRAL_CITIES):
                if not name:
                    return (self.ctx.province_scope, True) if self.ctx.scope != UNKNOWN_SCOPE else None
                prov = province(name)
                return (f"vn.{prov.slug}", False) if prov else None
            if not name:
                return (self.ctx.scope, True) if self.ctx.level == "district" else None
            prov = province(name) if level == "thành phố" else None
            if prov is not None:
                return f"vn.{prov.slug}", False
            if self.ctx.scope == UNKNOWN_SCOPE:
                return None
            return f"{self.ctx.province_scope}.{_LEVEL_PREFIX[level]}-{slug(name)}", False
        return None

    # ---- document-level passes

    def finish(self) -> None:
        self._coordinate_dates()
        self._coreference_years()
        self._relations()
        self._registry_flags()
        self._date_conflicts()
        latest = self.ctx.latest_date()
        for cand in self.cands:
            if latest and cand.date and cand.date > latest:
                cand.flags.append("future_citation")
            if cand.notation and not cand.has_year_segment and cand.year is None:
                cand.flags.append("provisional_year")

    def _coordinate_dates(self) -> None:
        """`18-NQ/TW, Nghị quyết số 19-NQ/TW ngày 25/10/2017` ⇒ both dated; never over a notation with a year."""
        for i, cand in enumerate(self.cands):
            if cand.date is None or cand.has_year_segment:
                continue
            j = i - 1
            while j >= 0:
                prev, nxt = self.cands[j], self.cands[j + 1]
                gap = self.text[prev.end : nxt.start]
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

    def _coreference_years(self) -> None:
        """An undated administrative/Party notation takes the year the same document gives it elsewhere."""
        years: dict[str, set[int]] = defaultdict(set)
        for cand in self.cands:
            if cand.notation and not cand.has_year_segment and cand.date:
                years[cand.notation].add(int(cand.date[:4]))
        for cand in self.cands:
            if cand.notation and not cand.has_year_segment and cand.year is None:
                found = years.get(cand.notation, set())
                if len(found) == 1:
                    cand.year = next(iter(found))
                    cand.flags.append("year_from_context")
                elif len(found) > 1:
                    cand.flags.append("ambiguous")

    def _relations(self) -> None:
        text = self.text
        top: _Cand | None = None  # previous mention not inside another's span
        for cand in self.cands:
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
                passive = _is_passive(cue[1])
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

    def _registry_flags(self) -> None:
        reg = registry()
        for cand in self.cands:
            if cand.notation is None or "?" in cand.notation:
                continue
            stop = _CLAUSE_BREAK_RE.search(self.text, cand.end, cand.end + 250)
            subject = self.text[cand.end : stop.start() if stop else cand.end + 250]
            for flag, _ in reg.check(cand.notation, cand.year, cand.date, cand.has_year_segment, subject):
                cand.flags.append(flag)

    def _date_conflicts(self) -> None:
        dates: dict[str, set[str]] = defaultdict(set)
        for cand in self.cands:
            if cand.date and cand.key:
                dates[nt.notation_key(cand.key)].add(cand.date)
        for cand in self.cands:
            if cand.date and len(dates.get(nt.notation_key(cand.key), ())) > 1:
                cand.flags.append("date_conflict")

    def citations(self, sections: tuple[Section, ...]) -> tuple[Citation, ...]:
        starts = [s.start for s in sections]
        index = {id(cand): i for i, cand in enumerate(self.cands)}
        out = []
        for cand in self.cands:
            out.append(
                Citation(
                    text=collapse(self.text[cand.start : cand.end]),
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
                    cid=self._cid(cand),
                    relation=cand.relation or "cites",
                    cue=cand.cue,
                    nested_in=index[id(cand.parent)] if cand.parent is not None else None,
                    section=_section_at(sections, starts, cand.start),
                    flags=tuple(dict.fromkeys(cand.flags)),
                )
            )
        return tuple(out)

    @staticmethod
    def _cid(cand: _Cand) -> str | None:
        if cand.notation is None:
            return cand.law_cid
        base = f"{cand.scope}/{nt.kind_slug(cand.kind)}/{_slug_notation(cand.notation)}"
        if cand.has_year_segment or "?" in cand.notation:
            return base
        return f"{base}/{cand.year if cand.year else 'x'}"


# --------------------------------------------------------------------------------------------------- helpers


_PLACE_DATE_RE = re.compile(r"(?m)(?:^|[|\t])[ *_]*(?P<place>[A-ZĐ]\w*(?:[ ][A-ZĐ]\w*){0,3}),[ ]+(?i:ngày)\b")


def _context_from_header(text: str, context: CitingContext) -> CitingContext:
    """Fallback when the caller knows no scope: the place-date line ("Bình Dương, ngày …") names the province."""
    if ", ngày" not in text[:2000]:
        return context
    for m in _PLACE_DATE_RE.finditer(text, 0, 2000):
        prov = province(m.group("place"))
        if prov is not None:
            return replace(context, scope=f"vn.{prov.slug}", level="province", province=prov.name)
    return context


def _free(text: str, pos: int) -> bool:
    """The match does not continue a word, a number or a path ("a1/KH-X", "1.06.02", "…/KH-UBND")."""
    if pos == 0:
        return True
    prev = text[pos - 1]
    return not (prev.isalnum() or prev == "_" or prev in _NUM_BLOCKERS)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _slug_notation(notation: str) -> str:
    """`107/2020/NĐ-CP` → `107_2020_ndd-cp`; `05/KH-UBND` → `5_kh-ubnd`; `107/?/NĐ-CP` → `107_x_ndd-cp`."""
    parts = notation.replace("?", "x").split("/")
    head = re.sub(r"^0+(?=\d)", "", parts[0])
    return "_".join(slug(p, dd=True) for p in [head, *parts[1:]])


def _last_break(text: str, pos: int) -> int:
    """Start of the clause holding `pos`: after the last newline, tab or sentence end."""
    lo = max(0, pos - 400)
    last = lo
    for m in _RELATION_BREAK_RE.finditer(text, lo, pos):
        last = m.end()
    return last


def _last_cue(left: str) -> tuple[Relation, str, int] | None:
    """The cue nearest before the mention: (relation, cue as written, cue start in `left`)."""
    folded = nt.fast_fold(left)
    if len(folded) != len(left):
        return None
    found = None
    for m in nt.CUE_RE.finditer(folded):
        found = m
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


def _dated_ok(parent: _Cand | None, child: _Cand) -> bool:
    """A document cannot implement or amend one issued after it."""
    return parent is None or not (parent.date and child.date and child.date > parent.date)


_PASSIVE_RE = re.compile(r"(?:da )?(?:duoc|bi) |.*\b(?:tai|theo|boi)$")


def _is_passive(cue: str) -> bool:
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


def _section_at(sections: tuple[Section, ...], starts: list[int], pos: int) -> str | None:
    best: Section | None = None
    for idx in range(bisect.bisect_right(starts, pos) - 1, -1, -1):
        sec = sections[idx]
        if sec.start <= pos < sec.end and (best is None or sec.level > best.level):
            best = sec
    return best.path if best else None


# --------------------------------------------------------------------------------------------------- API


def acts_on_parent(citation: Citation) -> bool:
    """True when a nested citation is the actor and its parent the object (spec §2.2 passive, reverse direction).

    "B …, được sửa đổi, bổ sung tại A" nests A in B's phrase, yet A amends B: the graph edge runs A → B. The
    record says so through its cue (the passive voice as written), so no extra field is needed.
    """
    return (
        citation.nested_in is not None
        and citation.relation in nt.SUBJECT_RELATIONS
        and citation.cue is not None
        and _is_passive(citation.cue)
    )


def find_citations(text: str, context: CitingContext, sections: tuple[Section, ...] = ()) -> tuple[Citation, ...]:
    """Every citation of another document in `text` (normalised), in text order, with offsets into `text`."""
    finder = _Finder(text, context)
    finder.scan()
    finder.finish()
    return finder.citations(sections)
