"""Organisations and generic groups named in a document → scope-qualified `Unit`s (spec legal-identifiers §4).

One lexicon-driven regex finds every mention (prose, table cells, recipients). Each mention is classified as a
concrete organisation or a generic group (`cchc:AgentGroup`), folded to a canonical name without its place
("Sở Nội vụ", "UBND tỉnh", "Văn phòng UBND tỉnh") and scoped: explicit place words win, bare provincial
bodies take the citing document's province, district bodies in a district document take its district, and
internal units (Phòng …, Văn phòng Sở, Ban TĐKT …) in a department's own plan become units of the issuer.
The same unit in two documents of one province therefore gets the same id; "Sở Nội vụ" of two provinces never does.

The patterns come from `ingest.unit_names`. `UnitResolver` stays one class (about 390 lines): each of its
classifiers (`_fixed`, `_leveled`, `_phong` …) reads the same per-document state (scope, issuer, date, the memo of
what was seen), and splitting them apart would pass that state around rather than simplify it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ingest.places import Province, district_level_on, province, province_on, scope_for
from ingest.records import AgentRef, DocumentMeta, Unit, UnitMention
from ingest.unit_names import (
    ABBR_DEFINITION,
    BARE_MEMBERS,
    CANDIDATE,
    CELL_SPLIT,
    CLAUSE_WORD,
    COMMUNE_LEVELS,
    DISTRICT_LEVELS,
    DISTRICT_WORD,
    ELIDED,
    FIXED,
    GROUP_HEAD,
    LEVEL_AT_END,
    LEVELED,
    LEVELED_KEYS,
    LEX,
    MASTER,
    MEMBER_START,
    NAMELESS,
    NATIONAL,
    NOT_PLACE,
    OPENS_NAME,
    PARTY,
    PLACE_AT_END,
    POST,
    POST_ONLY,
    PROVINCE,
    SECTOR_CODES,
    SECTOR_KEYS,
    TAIL_STOP,
    TRUNCATED_TAIL,
    UNNAMED_BODIES,
    before_clause,
    cap_first,
    group_label,
    name_like,
)
from ingest.vntext import collapse, finditer_where, match_key, new_tones, slug


@dataclass(frozen=True, slots=True)
class _Resolved:
    """What a mention denotes (before mentions are aggregated into a `Unit`)."""

    id: str
    name: str
    scope: str
    is_group: bool
    kind: str | None
    parent: str | None = None


@dataclass(slots=True)
class _Acc:
    resolved: _Resolved
    variants: dict[str, None] = field(default_factory=dict)
    mentions: dict[tuple[int, int], UnitMention] = field(default_factory=dict)


def _strip_place(text: str) -> tuple[str, str | None, str | None]:
    """Split "Sở Nội vụ tỉnh Sóc Trăng" into ("Sở Nội vụ", "tỉnh", "Sóc Trăng")."""
    m = LEVEL_AT_END.search(text)
    if m and (m.group(2) is None or m.group(2).split()[0].lower() not in NOT_PLACE):
        return text[: m.start()], m.group(1).lower(), m.group(2)
    if m:  # level followed by a non-place capitalised word
        return text[: m.start()], m.group(1).lower(), None
    return text, None, None


# resolve()'s results by (document context, text), and _classify()'s by (context, kind, text, cell): memos of pure
# functions, shared across documents because the same phrases ("Bộ Tài chính", "các cơ quan, đơn vị có liên quan")
# recur in every document of a corpus. Each is emptied when it reaches its size (a bound on memory, ample for a batch).
_RESOLVED: dict[tuple[object, str], tuple[tuple[AgentRef, _Resolved], ...]] = {}
_RESOLVED_MAX = 50_000
_CLASSIFIED: dict[tuple[object, str, str, bool], _Resolved | None] = {}
_CLASSIFIED_MAX = 50_000


class UnitResolver:
    """Resolves unit mentions of one document; remembers what it resolved so `units()` can report them all."""

    def __init__(self, meta: DocumentMeta) -> None:
        self.meta = meta
        parts = meta.scope.split(".")
        self.province_scope = ".".join(parts[:2])
        self.district_scope = meta.scope if len(parts) > 2 else None
        home = province(meta.province)
        self.city = home is not None and home.city  # a centrally run city: "thành phố" is the province itself
        # From 1/7/2025 there is no district level: "UBND huyện" names no unit in a document of that date.
        self.districts = district_level_on(meta.date)
        self._acc: dict[str, _Acc] = {}
        self._seen: dict[str, tuple[_Resolved, dict[str, None]]] = {}
        self._cache: dict[tuple[str, str, bool], _Resolved | None] = {}
        self._abbr: dict[str, str] = {}
        self._abbr_re: re.Pattern[str] | None = None
        self.issuer: _Resolved | None = None
        self.issuer_key: str | None = None
        # Everything a resolution depends on besides the text: the same phrase resolves alike in such documents.
        self._context: tuple[object, ...] = (meta.scope, meta.province, meta.district, None)
        if meta.issuer:
            hits = [r for r in self._scan(meta.issuer, 0) if not r[1].is_group]
            if hits:
                self.issuer = hits[0][1]
                self.issuer_key = slug(self.issuer.name)
        self._abbr = LEX["internal_abbr"].get(self.issuer_key or "", {})  # derived from the issuer: in the context
        # Everything a resolution depends on besides the text (the date: places are read as of it), so the same
        # phrase resolves alike in documents that share it.
        self._context = (meta.scope, meta.province, meta.district, self.issuer, meta.date)
        if self._abbr:
            self._abbr_re = re.compile(rf"(?<![\w\-/])(?:{'|'.join(map(re.escape, self._abbr))})(?![\w\-/])")

    # -- public API -------------------------------------------------------------------------------------------

    def resolve(self, cell_text: str) -> tuple[AgentRef, ...]:
        """Agents of a responsibility cell or phrase ("Văn phòng UBND tỉnh; Sở Nội vụ", "Phòng Ngoại vụ và các …").

        Pieces the lexicon knows and the rest of the cell, split at separators, are first glued back where they are
        one name ("Ban Quản lý" + "khu Kinh tế", "Liên hiệp các Hội Khoa học" và "Kỹ thuật", a group + "khác có liên
        quan"); an unknown piece counts only when it reads as a name. Nothing is recorded as a mention here: the
        text may be a probe; `units()` finds the mentions of the units that were used.
        """
        key = (self._context, cell_text)
        found = _RESOLVED.get(key)
        if found is None:
            found = self._resolve_new(cell_text)
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            _RESOLVED[key] = found
        for ref, res in found:
            self._seen.setdefault(res.id, (res, {}))[1].setdefault(collapse(ref.text), None)
        return tuple(ref for ref, _ in found)

    def _resolve_new(self, cell_text: str) -> tuple[tuple[AgentRef, _Resolved], ...]:
        cell_text = _ASIDE.sub(lambda m: " " * len(m.group()), cell_text)  # "Bộ Công an (Trung tâm …)": a detail
        hits = self._scan(cell_text, 0, cell=True)
        pieces = [_Piece(start, start + len(written), res) for start, res, written in hits]
        covered = [(p.start, p.end) for p in pieces]
        pieces += [
            _Piece(start, start + len(piece), None)
            for start, piece in _uncovered(cell_text, covered)
            if any(c.isalnum() for c in piece)
        ]
        refs: list[tuple[AgentRef, _Resolved]] = []
        post_at: int | None = None
        for piece in _glued(cell_text, sorted(pieces, key=lambda p: p.start)):
            written = cell_text[piece.start : piece.end]
            if piece.res is None:
                written = before_clause(written)  # the name as written ends where a clause starts
            res = piece.res or (self._compound(written) if piece.glued else self._fallback(written))
            if res is None:
                post_at = piece.start if POST_ONLY.match(written) else None
                continue
            if post_at is not None and not cell_text[post_at : piece.start].strip(" ").count(" ") > 3:
                written = cell_text[post_at : piece.end]  # "Thủ trưởng các cơ quan, đơn vị": the post as written
            post_at = None
            refs.append((AgentRef(id=res.id, name=res.name, is_group=res.is_group, text=written), res))
        seen: set[str] = set()
        return tuple(r for r in refs if not (r[1].id in seen or seen.add(r[1].id)))  # type: ignore[func-returns-value]

    def units(self, text: str, used: Iterable[str] = ()) -> tuple[Unit, ...]:
        """Every organisation and group named in `text`, and those of `used` ids that cells and phrases resolved."""
        for start, res, written in self._scan(text, 0):
            self._record(res, written, start)
        for unit_id in used:
            if unit_id in self._acc or unit_id not in self._seen:
                continue
            res, variants = self._seen[unit_id]
            for variant in variants:
                for at in _occurrences(text, variant):
                    self._record(res, variant, at)
            self._acc.setdefault(unit_id, _Acc(res)).variants.update(variants)
        out = []
        for acc in self._acc.values():
            r = acc.resolved
            mentions = tuple(sorted(acc.mentions.values(), key=lambda m: m.start))
            out.append(Unit(r.id, r.name, r.scope, r.is_group, r.kind, r.parent, tuple(acc.variants), mentions))
        return tuple(sorted(out, key=lambda u: (u.mentions[0].start if u.mentions else -1, u.id)))

    # -- scanning -----------------------------------------------------------------------------------------------

    def _scan(self, text: str, base: int, *, cell: bool = False) -> list[tuple[int, _Resolved, str]]:
        hits: list[tuple[int, _Resolved, str]] = []
        for m in finditer_where(CANDIDATE, MASTER, text):  # MASTER tried where a mention's first word begins
            res = self._classify(m.lastgroup or "", m.group(0), cell=cell)
            if res is not None:
                hits.append((base + m.start(), res, m.group(0)))
        extra = self._elided(text, hits, base)
        if self._abbr_re is not None:
            extra += [
                (base + m.start(), res, m.group(0))
                for m in self._abbr_re.finditer(text)
                if not _inside(hits, base + m.start()) and (res := self._internal(self._abbr[m.group(0)])) is not None
            ]
        return sorted(hits + extra, key=lambda h: h[0])

    def _elided(self, text: str, hits: list[tuple[int, _Resolved, str]], base: int) -> list[tuple[int, _Resolved, str]]:
        """ "Phòng Tư pháp, Văn phòng …, Tài chính - Kế hoạch": a bare sector in a list takes the list's head noun."""
        out: list[tuple[int, _Resolved, str]] = []
        heads = [(s, r) for s, r, _ in hits if r.kind in ("so", "phong")]
        if not heads:  # nothing to elide from: skip scanning every ", " / " và "
            return out
        for m in ELIDED.finditer(text):
            start = base + m.start(1)
            i = bisect.bisect_left(heads, start, key=lambda h: h[0]) - 1
            if i < 0 or _inside(hits, start) or re.search(r"[.\n]", text[heads[i][0] - base : m.start()]):
                continue
            written = m.group(1) + (f" {m.group(2)}" if m.group(2) else "")
            head = "Sở" if heads[i][1].kind == "so" else "Phòng"
            res = self._classify("so" if head == "Sở" else "phong", f"{head} {written}")
            if res is not None:
                out.append((start, res, written))
        return out

    def _classify(self, kind: str, written: str, *, cell: bool = False) -> _Resolved | None:
        """Memoised: the same few names repeat through a document, and through a corpus (see `_CLASSIFIED`).

        Within a document the first answer holds: the issuer's own name is classified before the issuer is known.
        """
        key = (kind, written, cell)
        if key not in self._cache:
            shared = (self._context, kind, written, cell)
            if shared not in _CLASSIFIED:
                if len(_CLASSIFIED) >= _CLASSIFIED_MAX:
                    _CLASSIFIED.clear()
                _CLASSIFIED[shared] = self._classify_new(kind, written, cell=cell)
            self._cache[key] = _CLASSIFIED[shared]
        return self._cache[key]

    def _classify_new(self, kind: str, written: str, *, cell: bool) -> _Resolved | None:
        text = collapse(new_tones(written))
        if kind == "group":
            return self._group(text, cell=cell)
        if kind == "fixed":
            return self._fixed(text)
        if kind == "leveled":
            return self._leveled(text)
        if kind == "party":
            return self._party(text)
        if kind == "so":
            core, level, place = _strip_place(text)
            sector = SECTOR_KEYS.get(match_key(core.split(" ", 1)[1]))
            return self._org(f"Sở {sector}", "so", PROVINCE, place if level == PROVINCE else None) if sector else None
        if kind == "sub":
            return self._sub(text)
        if kind == "phong":
            return self._phong(text)
        if kind == "ban":
            return self._ban(text)
        if kind == "bao":  # a provincial newspaper is named after its province ("Báo Vĩnh Long")
            place = text.split(" ", 1)[1]
            return self._org(text, "bao", PROVINCE, place) if self._province(place) else None
        return self._bare(text)

    # -- classifiers ----------------------------------------------------------------------------------------

    def _org(
        self, name: str, kind: str, level: str | None, place: str | None, parent: str | None = None
    ) -> _Resolved | None:
        scope = self._scope(level, place)
        if scope is None:
            return None
        return _Resolved(f"{scope}/{slug(name)}", name, scope, False, kind, parent)

    def _scope(self, level: str | None, place: str | None) -> str | None:
        """Scope of a body at `level` (None = central), named `place` or the document's own place."""
        if level is None:
            return "vn"
        if level == PROVINCE:
            found = self._province(place)
            return f"vn.{found.slug}" if found else self.province_scope
        if level in DISTRICT_LEVELS:
            if place and level == "thành phố" and (found := self._province(place)) is not None:
                return f"vn.{found.slug}"
            if not place and level == "thành phố" and self.city and self.district_scope is None:
                return self.province_scope  # "Công an thành phố" in a plan of Cần Thơ: the city's own body
            if not self.districts:
                return None
            if place:
                return scope_for(self.meta.province, f"{level} {place}") if self.meta.province else None
            return self.district_scope
        return None  # communes are named inside the unit name

    def _province(self, place: str | None) -> Province | None:
        """The province a place name denotes on the document's date ("Sóc Trăng" in 2026 is Cần Thơ)."""
        return province_on(place, self.meta.date)

    def _fixed(self, text: str) -> _Resolved | None:
        core, level, place = _strip_place(text)
        if level is None:
            m = PLACE_AT_END.search(core)
            if m and match_key(core) not in FIXED and self._province(m.group(1)):
                core, place = core[: m.start()], m.group(1)
        cat, canon = FIXED.get(match_key(core)) or FIXED.get(match_key(f"{core} {level}"), ("", ""))
        if not cat:
            return None
        if cat == "central":
            return self._org(canon, "central", None, None)
        if cat == "internal":
            return self._internal(canon)
        if cat == "vp_units":
            vp = self._org("Văn phòng UBND tỉnh", "van-phong-ubnd", PROVINCE, None)
            if vp is None:
                return None
            return _Resolved(f"{vp.id}/{slug(canon)}", canon, vp.scope, False, "phong", vp.id)
        return self._org(canon, slug(canon.split()[0]), PROVINCE, place)

    def _leveled(self, text: str) -> _Resolved | None:
        text = text.replace(" (UBND)", "")
        core, level, place = _strip_place(text)
        if level is None:
            m = PLACE_AT_END.search(core)
            if m and match_key(core) not in LEVELED_KEYS:
                core, place = core[: m.start()], m.group(1)
        head = LEVELED_KEYS.get(match_key(core))
        if head is None:
            return None
        spec = LEVELED[head]
        if level is None:
            default = spec.get("default_level")
            if default == "doc":
                level = _doc_level(self.meta.district) if self.district_scope and self.meta.district else PROVINCE
            elif default:
                level = default
            else:
                return None
        kind = spec.get("kind", slug(head))
        if level in COMMUNE_LEVELS:
            if not place:
                return None
            scope = self.district_scope or self.province_scope
            name = f"{head} {level} {place}"
            return _Resolved(f"{scope}/{slug(name)}", name, scope, False, kind)
        name = f"{head} {level}"
        res = self._org(name, kind, level, place)
        if res is None and level in DISTRICT_LEVELS and self.districts:  # "UBND huyện" in a provincial document
            return self._group_res(f"{head} cấp huyện", "district-bodies", self.province_scope)
        return res

    def _party(self, text: str) -> _Resolved | None:
        m = PLACE_AT_END.search(text)
        core, place = (
            (text[: m.start()], m.group(1)) if m and match_key(text) not in map(match_key, PARTY) else (text, None)
        )
        canon = next((c for c in PARTY if match_key(c) == match_key(core)), None)
        if canon is None:
            return None
        level = PARTY[canon]
        return self._org(canon, "party-committee", level, place)

    def _sub(self, text: str) -> _Resolved | None:
        """Văn phòng Sở / Thanh tra Sở / Ban Giám đốc Sở [Nội vụ]: units of that department."""
        head, _, rest = text.partition(" Sở")
        head = cap_first(head.lower()) if head.isupper() else head
        sector = SECTOR_KEYS.get(match_key(rest.strip())) if rest.strip() else None
        if sector:
            parent = self._org(f"Sở {sector}", "so", PROVINCE, None)
        elif self.issuer is not None and self.issuer.kind == "so":
            parent = self.issuer
        else:
            return None
        if parent is None:
            return None
        name = head if head == "Ban Giám đốc" else f"{head} Sở"
        return _Resolved(f"{parent.id}/{slug(name)}", name, parent.scope, False, slug(head), parent.id)

    def _internal(self, canon: str) -> _Resolved | None:
        if self.issuer is None or self.issuer.is_group:
            return None
        parent = self.issuer
        return _Resolved(f"{parent.id}/{slug(canon)}", canon, parent.scope, False, slug(canon.split()[0]), parent.id)

    def _phong(self, text: str) -> _Resolved | None:
        core, level, place = _strip_place(text)
        name = core.split(" ", 1)[1]
        expanded = self._abbr.get(name)
        if expanded:
            return self._internal(expanded)
        sector = SECTOR_KEYS.get(match_key(name))
        canon = f"Phòng {sector or name}"
        if level in DISTRICT_LEVELS:
            return self._org(canon, "phong", level, place)
        if self.district_scope is not None:
            return _Resolved(f"{self.district_scope}/{slug(canon)}", canon, self.district_scope, False, "phong")
        if self.issuer is not None and self.issuer.kind in ("so", "van-phong-ubnd"):
            return self._internal(canon)
        return self._org(canon, "phong", PROVINCE, None)

    def _ban(self, text: str) -> _Resolved | None:
        head, _, name = text.partition(" ")
        if head == "Chi":
            head, _, name = text.partition(" cục ")
            head = "Chi cục"
        canon = self._abbr.get(name) or f"{head} {name}"
        if self.issuer is not None and self.issuer.kind == "so" and head in ("Ban", "Chi cục"):
            return self._internal(canon)
        return self._org(canon, slug(head), PROVINCE, None)

    def _bare(self, text: str) -> _Resolved | None:
        """Bare "Sở"/"Văn phòng"/"LĐVP" inside that body's own plan mean the issuer."""
        key = match_key(text)
        if self.issuer is None:
            return None
        if key == "so" and self.issuer.kind == "so":
            return self.issuer
        if key in ("van phong", "ldvp") and self.issuer.kind == "van-phong-ubnd":
            return self.issuer
        return None

    def _group(self, text: str, *, cell: bool) -> _Resolved | None:
        text = cap_first(ABBR_DEFINITION.sub("", text))  # "Ủy ban nhân dân (UBND) các huyện" names no new group
        if cell and TRUNCATED_TAIL.search(text):
            text = TRUNCATED_TAIL.sub(" có liên quan", text)
        if text.lower() in ("các cấp", "các ngành"):
            return None
        key = match_key(text)
        if not self.districts and DISTRICT_WORD.search(text):
            return None  # "UBND các huyện" in a document of a date with no district level
        scope = "vn" if re.search(r"\bbo\b.*\bnganh\b|trung uong$", key) and "dat tai" not in key else self.meta.scope
        return self._group_res(text, _group_kind(key), scope)

    def _group_res(self, name: str, kind: str, scope: str) -> _Resolved:
        """A group's name and id spell short forms out: "UBND các xã, phường" is "Ủy ban nhân dân các xã, phường"."""
        canonical = group_label(name)
        return _Resolved(f"group/{scope}/{slug(canonical)}", canonical, scope, True, kind)

    def _compound(self, written: str) -> _Resolved | None:
        """A name made of several pieces: a group with its tail ("các bộ, ngành … khác có liên quan") or an org."""
        text = before_clause(POST.sub("", collapse(new_tones(written))))
        if GROUP_HEAD.match(text):
            return self._group(text, cell=True)
        return self._named_org(text) if name_like(text) else None

    def _fallback(self, piece: str) -> _Resolved | None:
        """A cell part the lexicon does not know: a group if it starts with a member noun, else kept as written."""
        text = before_clause(collapse(new_tones(piece)))
        if POST_ONLY.match(text) or (text.isupper() and " " in text):
            return None  # a post alone; a heading in capitals the lexicon does not know
        text = POST.sub("", text)
        if not any(c.isalpha() for c in text) or POST_ONLY.match(text):
            return None
        if GROUP_HEAD.match(text):
            return self._group(text, cell=True)
        if match_key(text) in ("va", "cac", "voi"):
            return None
        code = SECTOR_CODES.get(text.upper())
        if code:
            return self._org(f"Sở {code}", "so", PROVINCE, None)
        if NAMELESS.fullmatch(text):  # "Ban", "Phường", "tỉnh Sóc Trăng" name nothing; "đơn vị" is a group
            return self._group(text, cell=True) if UNNAMED_BODIES.match(text) else None
        if MEMBER_START.match(text) and not CLAUSE_WORD.search(text):
            return self._group(text, cell=True)  # "Doanh nghiệp viễn thông": a kind of body, not one body
        if CLAUSE_WORD.search(text) or not name_like(text):
            return None  # "nhiệm vụ theo Mục III …", "Tổ chức các hoạt động …", "khác có liên quan": not a name
        return self._named_org(text)

    def _named_org(self, text: str) -> _Resolved | None:
        """An organisation the lexicon does not know: national when its name says so ("Đài Truyền hình Việt Nam",
        "Cục Viễn thám quốc gia", "Bộ Tư lệnh …" is not: it has a province's name), else of the document's province."""
        name = cap_first(text)
        if not self.districts and DISTRICT_WORD.search(name):
            return None  # "UBND các huyện, thị xã" in a document of a date with no district level
        return self._org(name, "org", None if NATIONAL.search(name) else PROVINCE, None)

    def _record(self, res: _Resolved, written: str, start: int) -> None:
        acc = self._acc.get(res.id)
        if acc is None:
            acc = self._acc[res.id] = _Acc(res)
        acc.variants.setdefault(collapse(written), None)
        span = (start, start + len(written))
        if span not in acc.mentions:  # the first mention of a span stays, as with setdefault
            acc.mentions[span] = UnitMention(start, start + len(written), written)


@dataclass(frozen=True, slots=True)
class _Piece:
    """A span of a cell: a lexicon hit (`res`) or text the lexicon does not know (`res` None)."""

    start: int
    end: int
    res: _Resolved | None
    glued: bool = False  # several pieces put back together into one name


# An aside, not "(UBND)" (that defines a short name) nor "(cũ)"/"(mới)" (they say which province); or a footnote
# reference glued to the word ("Bộ Nội vụ[4]").
_ASIDE = re.compile(r"(?<=\w)\s*\((?![A-ZĐ&]{2,10}\))(?!(?:cũ|mới)\))[^()]{2,120}\)|(?<=\w)\[\d{1,3}\]")
_APART = re.compile(rf"{POST_ONLY.pattern}|{CLAUSE_WORD.pattern}", re.IGNORECASE)


def _glued(text: str, pieces: list[_Piece]) -> list[_Piece]:
    """Pieces of one name put back together: only spaces between them, or a separator before a piece that does not
    open a name of its own ("Liên hiệp các Hội Khoa học và Kỹ thuật", "Báo và Phát thanh, Truyền hình Cần Thơ")."""
    out: list[_Piece] = []
    for piece in pieces:
        if out:
            prev = out[-1]
            gap = text[prev.end : piece.start]
            written = text[piece.start : piece.end]
            tail = piece.res is None and not OPENS_NAME.match(written)
            # a post ("Giám đốc") is dropped, a clause ("nhiệm vụ theo Mục III") is no part of a name
            kept_apart = any(p.res is None and _APART.search(text[p.start : p.end]) for p in (prev, piece))
            kept_apart = kept_apart or (piece.res is None and TAIL_STOP.match(written) is not None)
            members = piece.res is None and _bare_members(text, prev)
            if members and gap.strip() in (",", "và") and GROUP_HEAD.match(text[prev.start : piece.end]):
                start = out.pop().start  # "Cơ quan, đơn vị, địa phương có liên quan": one group, every member in it
                while out and _bare_members(text, out[-1]) and text[out[-1].end : start].strip() in (",", "và"):
                    start = out.pop().start
                out.append(_Piece(start, piece.end, None, glued=True))
                continue
            if not kept_apart and (not gap.strip() or (gap.strip() in (",", "và", "-", "&") and tail)):
                out[-1] = _Piece(prev.start, piece.end, None, glued=True)
                continue
        out.append(piece)
    return out


def _bare_members(text: str, piece: _Piece) -> bool:
    return piece.res is None and BARE_MEMBERS.fullmatch(text[piece.start : piece.end]) is not None


def _occurrences(text: str, literal: str) -> Iterator[int]:
    """Starts of the non-overlapping occurrences of a literal, left to right (as `re.finditer` finds them)."""
    at = text.find(literal) if literal else -1
    while at >= 0:
        yield at
        at = text.find(literal, at + len(literal))


def _inside(hits: list[tuple[int, _Resolved, str]], pos: int) -> bool:
    """Whether `pos` falls inside one of the (sorted, non-overlapping) hits."""
    i = bisect.bisect_right(hits, pos, key=lambda h: h[0]) - 1
    return i >= 0 and pos < hits[i][0] + len(hits[i][2])


def _doc_level(district: str) -> str:
    low = district.lower()
    return next((lv for lv in DISTRICT_LEVELS if low.startswith(lv)), "huyện")


def _group_kind(key: str) -> str:
    """Group kind (spec §4.4) from the folded group name."""
    rules = (
        ("cap huyen", "district-people's-committees"),
        ("cac huyen", "district-people's-committees"),
        ("cap xa", "commune-people's-committees"),
        ("cac xa", "commune-people's-committees"),
        ("dat tai", "central-agencies-in-province"),
        ("su nghiep", "public-service-units"),
        ("lien quan", "related-units"),
        ("co lien", "related-units"),
        ("truc thuoc", "all-subunits"),
        ("so, ban, nganh", "provincial-departments"),
        ("so, nganh", "provincial-departments"),
        ("so ban nganh", "provincial-departments"),
        ("bo, nganh", "central-ministries"),
        ("co quan, don vi", "all-addressees"),
    )
    return next((kind for cue, kind in rules if cue in key), "other")


def _uncovered(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Pieces of a cell outside the scanner's hits, split at separators (`;`, `,`, bullets, `và`)."""
    mask = list(text)
    for a, b in covered:
        mask[a:b] = ["\n"] * (b - a)
    rest = "".join(mask)
    out = []
    pos = 0
    for m in CELL_SPLIT.finditer(rest + "\n"):
        piece = rest[pos : m.start()]
        stripped = piece.strip(" .:()*\t")
        if stripped:
            out.append((pos + piece.index(stripped), stripped))
        pos = m.end()
    return out
