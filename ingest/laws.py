"""The law gazetteer: law names → their numbered versions, and reading a law cited by name (spec §1.10).

"Luật Cán bộ, công chức" names a law whose versions are numbered works (22/2008/QH12 …); the version meant is
the one named with a year, else the one in force when the citing document was issued. Names come from a curated
list and from `data/registry.json` (see `ingest.registry`).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from ingest.notation import fast_fold as fold
from ingest.registry import load_data
from ingest.vntext import TOKEN_RE, collapse

# (name as usually cited, notation, date or year): §1.10; dates only where a citation case confirms them.
CURATED_LAWS: tuple[tuple[str, str, str], ...] = (
    ("Luật Tổ chức chính quyền địa phương", "77/2015/QH13", "2015-06-19"),
    ("Luật Tổ chức chính quyền địa phương", "72/2025/QH15", "2025"),
    ("Luật Tổ chức Chính phủ", "76/2015/QH13", "2015-06-19"),
    ("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
     "47/2019/QH14", "2019-11-22"),
    ("Luật Ban hành văn bản quy phạm pháp luật", "80/2015/QH13", "2015"),
    ("Luật Ban hành văn bản quy phạm pháp luật", "64/2025/QH15", "2025"),
    ("Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật", "63/2020/QH14", "2020"),
    ("Luật Cán bộ, công chức", "22/2008/QH12", "2008"),
    ("Luật Viên chức", "58/2010/QH12", "2010"),
    ("Luật Viên chức", "129/2025/QH15", "2025"),
    ("Luật sửa đổi, bổ sung một số điều của Luật Cán bộ, công chức và Luật Viên chức", "52/2019/QH14", "2019"),
    ("Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân", "11/2003/QH11", "2003-11-26"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class LawVersion:
    notation: str
    date: str | None  # ISO date, or a year only
    name: str

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A law name read at the start of a window: offsets are relative to the window."""

    name: str
    kind: str  # "Luật" | "Bộ luật"
    key: str
    start: int
    end: int
    nested: tuple[ParsedName, ...] = ()
    cue: str | None = None


_ABBREV = {"hdnd": "hoi dong nhan dan", "ubnd": "uy ban nhan dan", "vbqppl": "van ban quy pham phap luat"}
_STOP = frozenset(
    [
        "ngay",
        "nam",
        "so",
        "va",
        "cua",
        "da",
        "duoc",
        "de",
        "theo",
        "tai",
        "ve",
        "thi",
        "trong",
        "nhu",
        "khi",
        "ma",
        "la",
        "co",
        "nay",
        "hien",
        "cac",
        "voi",
        "hoac",
        "thuoc",
        "nham",
        "sau",
        "truoc",
        "den",
        "tu",
        "bang",
        "cho",
        "neu",
        "tren",
        "duoi",
        "moi",
    ]
)
_NOT_NAMES = frozenset({"su", "phap", "nay", "hoa", "le", "choi", "so"})
_AMEND_RE = re.compile(r"sua doi,?[ ]+bo sung[ ]+mot so dieu[ ]+(?:cua|tai)[ ]+")
_KIND_AT = re.compile(r"(Bộ luật|BỘ LUẬT|Luật|LUẬT)[ ]+")
_UNKNOWN_NAME_WORDS = 10  # a law the gazetteer does not know is read from at most this many words


def law_key(name: str) -> str:
    """Folded, punctuation-free, abbreviations expanded: names compare equal however they are written."""
    return " ".join(_ABBREV.get(t, t) for t in TOKEN_RE.findall(fold(name)))


class LawGazetteer:
    """Law names → versions; reads "Luật <name>" and "Luật sửa đổi, bổ sung một số điều của Luật X và Luật Y"."""

    def __init__(self, laws: list[LawVersion]) -> None:
        self.by_key: dict[str, list[LawVersion]] = defaultdict(list)
        for law in laws:
            versions = self.by_key[law_key(law.name)]
            if all(v.notation != law.notation for v in versions):
                versions.append(law)
        for versions in self.by_key.values():
            versions.sort(key=lambda v: v.date or "")
        # every token prefix of every name, so a window is matched in one left-to-right walk
        self.prefixes = {" ".join(k.split()[:n]) for k in self.by_key for n in range(1, k.count(" ") + 2)}

    def resolve(
        self, key: str, year: int | None, ref_year: int | None, strictly_before: bool = False
    ) -> LawVersion | None:
        """The version named with `year`, else the one in force at `ref_year` (the latest when unknown)."""
        versions = self.by_key.get(key, [])
        if not versions:
            return None
        if year is not None:
            exact = [v for v in versions if v.year == year]
            if exact:
                return exact[-1]
            ref_year, strictly_before = year, False
        if ref_year is None:
            return versions[-1]
        ok = [
            v for v in versions if v.year is not None and (v.year < ref_year if strictly_before else v.year <= ref_year)
        ]
        return ok[-1] if ok else None

    def parse(self, window: str) -> ParsedName | None:
        """Read a law name at the start of `window` (which starts with "Luật"/"Bộ luật")."""
        folded = fold(window)
        head = re.match(r"(?:Bộ luật|BỘ LUẬT|Luật|LUẬT)[ ]+", window)
        amend = _AMEND_RE.match(folded, head.end()) if head and len(folded) == len(window) else None
        if amend is not None and head is not None:
            nested: list[ParsedName] = []
            pos = amend.end()
            while (sub := self._name_at(window, folded, pos)) is not None:
                nested.append(sub)
                more = re.match(r"[ ]*(?:,|và)[ ]*(?=(?:Bộ luật|Luật)\b)", window[sub.end :])
                if more is None:
                    break
                pos = sub.end + more.end()
            if nested:
                name = collapse(window[: nested[-1].end])
                cue = collapse(window[amend.start() : amend.end()])
                kind = "Bộ luật" if head.group().strip().lower() == "bộ luật" else "Luật"
                return ParsedName(name, kind, law_key(name), 0, nested[-1].end, tuple(nested), cue)
        return self._name_at(window, folded, 0)

    def _name_at(self, window: str, folded: str, pos: int) -> ParsedName | None:
        """The law named at `pos` of `window` (`folded` is the window folded)."""
        m = _KIND_AT.match(window, pos)
        if m is None:
            return None
        kind = "Bộ luật" if m.group(1).lower() == "bộ luật" else "Luật"
        body = m.end()
        found = ((t.group(), t.start(), t.end()) for t in TOKEN_RE.finditer(folded, body, min(len(folded), body + 200)))
        tokens = list(itertools.islice(found, _UNKNOWN_NAME_WORDS))  # the rest only while a known name goes on
        if not tokens or len(folded) != len(window):
            return None
        # longest gazetteer name first
        key, best = fold(kind).lower(), None
        for tok, _, end in itertools.chain(tokens, found):
            key = f"{key} {_ABBREV.get(tok, tok)}"
            if key not in self.prefixes:
                break
            if key in self.by_key:
                best = (key, end)
        if best is not None:
            return ParsedName(collapse(window[pos : best[1]]), kind, best[0], pos, best[1])
        # an unknown law: capitalised first word, then words up to a stop word or punctuation
        if not window[body : body + 1].isupper() or tokens[0][0] in _NOT_NAMES:
            return None
        end = body
        for i, (tok, s, e) in enumerate(tokens):
            between = window[end:s]
            if (i and tok in _STOP) or tok.isdigit() or re.search(r"[^ ,]", between) or (i and "," in between):
                break
            end = e
        if end == body:
            return None
        name = collapse(window[pos:end])
        return ParsedName(name, kind, law_key(name), pos, end)


@cache
def law_gazetteer() -> LawGazetteer:
    laws = [LawVersion(n, d, name) for name, n, d in CURATED_LAWS]
    laws += [LawVersion(str(n), d, str(name)) for name, n, d in load_data()["laws"]]
    return LawGazetteer(laws)
