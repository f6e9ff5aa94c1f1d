"""Known works (notation → date, title) and the law gazetteer (name → numbered versions), spec §1.10, §5.4.

Two sources: a short curated list of facts checked for the spec ([V]) and `data/registry.json`, built from the
Pháp điển corpus by `python -m ingest.registry build CORPUS OUT` with this package's own citation finder. Both
are loaded lazily, once. The registry answers the checks of §5.4: a cited date that differs from the known one
(`suspected_date_error`), a number one digit away from a known work of the same issuer and date
(`suspected_typo`), an administrative-shape number whose normative twin exists (`suspected_missing_year`).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.notation import fast_fold as fold
from ingest.notation import notation_key
from ingest.vntext import collapse

DATA = Path(__file__).with_name("data") / "registry.json"


@dataclass(frozen=True, slots=True)
class Work:
    cid: str
    notation: str
    date: str | None
    title: str | None

    @property
    def year(self) -> int | None:
        if self.date:
            return int(self.date[:4])
        m = re.search(r"/((?:19|20)\d\d)/", self.notation)
        return int(m.group(1)) if m else None


# Curated national CCHC-programme works and laws ([V] in the spec, or dates the citation cases confirm).
CURATED_WORKS: tuple[Work, ...] = (
    Work("vn/nghi-quyet/76_nq-cp/2021", "76/NQ-CP", "2021-07-15",
         "Ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030"),
    Work("vn/nghi-quyet/30c_nq-cp/2011", "30c/NQ-CP", "2011-11-08",
         "Ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2011 - 2020"),
    Work("vn/quyet-dinh/136_2001_qdd-ttg", "136/2001/QĐ-TTg", "2001-09-17",
         "Phê duyệt Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2001 - 2010"),
    Work("vn/chi-thi/23_ct-ttg/2021", "23/CT-TTg", "2021-09-02",
         "Đẩy mạnh thực hiện Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030"),
    Work("vn/quyet-dinh/766_qdd-ttg/2022", "766/QĐ-TTg", "2022-06-23",
         "Phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp"),
    Work("vn/nghi-dinh/30_2020_ndd-cp", "30/2020/NĐ-CP", "2020-03-05", "Về công tác văn thư"),
    Work("vn/nghi-quyet/18-nq_tw/2017", "18-NQ/TW", "2017-10-25",
         "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn"),
    Work("vn/nghi-quyet/18-nq_tw/2022", "18-NQ/TW", "2022-06-16", "Chính sách, pháp luật về đất đai"),
    Work("vn/huong-dan/36-hd_vptw/2018", "36-HD/VPTW", "2018-04-03", "Thể thức và kỹ thuật trình bày văn bản của Đảng"),
    Work("vn/nghi-quyet/202_2025_qh15", "202/2025/QH15", None, "Sắp xếp đơn vị hành chính cấp tỉnh"),
)  # fmt: skip
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


# --------------------------------------------------------------------------------------------------- works


class Registry:
    """Known works by notation, and by (code part, date) for near-miss numbers."""

    def __init__(self, works: list[Work]) -> None:
        self.by_key: dict[str, list[Work]] = defaultdict(list)
        self.by_codes_date: dict[tuple[str, str], list[Work]] = defaultdict(list)
        for work in works:
            key = notation_key(work.notation)
            if any(w.date == work.date for w in self.by_key[key]):
                continue
            self.by_key[key].append(work)
            if work.date:
                self.by_codes_date[(_codes(key), work.date)].append(work)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def lookup(self, notation: str, year: int | None = None) -> list[Work]:
        works = self.by_key.get(notation_key(notation), [])
        return [w for w in works if year is None or w.year is None or w.year == year]

    def near_misses(self, notation: str, date: str) -> list[Work]:
        """Works of the same code part and date whose number is one digit away (73/NQ-CP → 76/NQ-CP)."""
        key = notation_key(notation)
        number = key.split("/")[0].split("-")[0]
        return [
            w
            for w in self.by_codes_date.get((_codes(key), date), [])
            if _one_digit_apart(number, notation_key(w.notation).split("/")[0].split("-")[0])
        ]

    def check(
        self, notation: str, year: int | None, date: str | None, has_year: bool, subject: str = ""
    ) -> list[tuple[str, Work]]:
        """§5.4 registry checks for one cited notation: [(flag, the registry work it points to)].

        A near-miss number alone is weak (consecutive numbers share a date: 18-NQ/TW and 19-NQ/TW), so a typo
        also needs the registry title to be covered by the words around the citation (`subject`).
        """
        key = notation_key(notation)
        known = self.by_key.get(key, [])
        out: list[tuple[str, Work]] = []
        if known:
            if date is None:
                return out
            same_year = [w for w in known if w.year == int(date[:4])]
            if any(w.date == date for w in known):
                return out
            if has_year or same_year:
                out.extend(("suspected_date_error", w) for w in (known if has_year else same_year) if w.date)
            else:
                out.extend(("suspected_date_error", w) for w in known if w.date and w.date[4:] == date[4:])
            return out
        if not has_year and year is not None:
            number, _, codes = key.partition("/")
            for twin in self.by_key.get(f"{number}/{year}/{codes}", []):
                out.append(("suspected_missing_year", twin))
        if date is not None:
            out.extend(
                ("suspected_typo", w) for w in self.near_misses(notation, date) if title_covered(w.title, subject)
            )
        return out


def _codes(key: str) -> str:
    """Everything but the number: `76/NQ-CP` → `/NQ-CP`, `18-NQ/TW` → `-NQ/TW`."""
    m = re.match(r"\d+[A-Z]?", key)
    return key[m.end() :] if m else key


def _one_digit_apart(a: str, b: str) -> bool:
    """One substituted digit or one transposition of neighbours (73 ↔ 76, 218 ↔ 281)."""
    if a == b or len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def title_covered(title: str | None, subject: str, threshold: float = 0.8) -> bool:
    """Share of the title's words found near the citation (folded): "same trích yếu" in §5.4."""
    words = set(_TOKEN_RE.findall(fold(title or "")))
    return bool(words) and len(words & set(_TOKEN_RE.findall(fold(subject)))) / len(words) >= threshold


def _load_json() -> dict[str, list[list[str | None]]]:
    if not DATA.exists():
        return {"works": [], "laws": []}
    data: dict[str, list[list[str | None]]] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@cache
def registry() -> Registry:
    """The registry of known works (curated first, then the built data file)."""
    built = [Work(str(c), str(n), d, t) for c, n, d, t in _load_json()["works"]]
    return Registry([*CURATED_WORKS, *built])


# --------------------------------------------------------------------------------------------------- laws


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


_TOKEN_RE = re.compile(r"[^\W_]+")
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


def law_key(name: str) -> str:
    """Folded, punctuation-free, abbreviations expanded: names compare equal however they are written."""
    return " ".join(_ABBREV.get(t, t) for t in _TOKEN_RE.findall(fold(name)))


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
            while (sub := self._name_at(window, pos)) is not None:
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
        return self._name_at(window, 0)

    def _name_at(self, window: str, pos: int) -> ParsedName | None:
        m = re.match(r"(Bộ luật|BỘ LUẬT|Luật|LUẬT)[ ]+", window[pos:])
        if m is None:
            return None
        kind = "Bộ luật" if m.group(1).lower() == "bộ luật" else "Luật"
        body = pos + m.end()
        folded = fold(window)
        tokens = [
            (t.group(), t.start(), t.end()) for t in _TOKEN_RE.finditer(folded, body, min(len(folded), body + 200))
        ]
        if not tokens or len(folded) != len(window):
            return None
        # longest gazetteer name first
        key, best = fold(kind).lower(), None
        for tok, _, end in tokens:
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
        for i, (tok, s, e) in enumerate(tokens[:10]):
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
    laws += [LawVersion(str(n), d, str(name)) for name, n, d in _load_json()["laws"]]
    return LawGazetteer(laws)


# --------------------------------------------------------------------------------------------------- build

_NOTE_DATE_RE = re.compile(r"^(?P<title>.*?)[ ,]*ngày (?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}) của\b", re.DOTALL)


def works_from_notes(notes: list[str]) -> tuple[list[Work], list[LawVersion]]:
    """Works and laws named by Pháp điển source notes, read with this package's citation finder."""
    from ingest.citations import CitingContext, find_citations
    from ingest.normalize import normalize

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
    if len(sys.argv) != 4 or sys.argv[1] != "build":
        sys.exit("usage: python -m ingest.registry build CORPUS.jsonl.gz OUT.json")
    n_works, n_laws = build(Path(sys.argv[2]), Path(sys.argv[3]))
    print(f"registry: {n_works} works, {n_laws} laws → {sys.argv[3]}")
