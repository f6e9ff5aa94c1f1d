"""Organisation names in document headers: abbreviations spelled out, canonical casing, the place completed.

"ỦY BAN NHÂN DÂN TỈNH" of a Sóc Trăng document → "Ủy ban nhân dân tỉnh Sóc Trăng"; "BỘ TÀI CHÍNH CỤC THUẾ" → two
organisations, parent first; central bodies (Chính phủ, the ministries, Văn phòng Chính phủ) never take a place.
Used by the header reader and by the signature block of `ingest.structure`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from ingest.places import District, province
from ingest.vntext import collapse, match_key, new_tones


def is_upper(text: str) -> bool:
    """Mostly capitals (a heading, an issuer line); the first 200 characters decide."""
    letters = "".join(filter(str.isalpha, text[:200]))  # map/filter: no Python call per character
    return bool(letters) and sum(map(str.isupper, letters)) >= 0.9 * len(letters)


LEVEL_WORDS = r"tỉnh|thành phố|huyện|thị xã|quận|tp\.?|tx\.?"
_ABBREVIATIONS = (
    (re.compile(r"(?<![\w-])UBND(?![\w-])", re.IGNORECASE), "Ủy ban nhân dân"),
    (re.compile(r"(?<![\w-])HĐND(?![\w-])", re.IGNORECASE), "Hội đồng nhân dân"),
    (re.compile(r"(?<![\w-])VP\.?(?=\s)"), "Văn phòng"),
)


def _words(phrase: str) -> str:
    """Regex for a phrase whose words may be separated by any run of spaces (PDF text)."""
    return r"\s+".join(re.escape(w) for w in phrase.split())


# Head words of organisation names: the word after them starts with a capital ("Sở Nội vụ", "Ban Quản lý …").
_ORG_HEADS = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Văn phòng", "Chi cục", "Tổng cục", "Cục", "Sở", "Phòng", "Ban",
    "Trung tâm", "Thanh tra", "Bộ", "Viện", "Đài", "Báo", "Trường", "Bệnh viện", "Tỉnh ủy", "Huyện ủy", "Thị ủy",
    "Thuế",
)  # fmt: skip
ORG_HEAD_RE = re.compile(r"^(?:" + "|".join(_words(h) for h in _ORG_HEADS) + r")(?!\w)", re.IGNORECASE)
_POSTS = (
    "Chủ tịch", "Giám đốc", "Tổng Giám đốc", "Chánh Văn phòng", "Chánh Thanh tra", "Trưởng phòng", "Trưởng ban",
    "Trưởng đoàn", "Bộ trưởng", "Thứ trưởng", "Thủ tướng", "Cục trưởng", "Chi cục trưởng", "Tổng cục trưởng",
    "Viện trưởng", "Hiệu trưởng", "Chánh án", "Bí thư", "Chủ nhiệm", "Thủ trưởng", "Trưởng khoa",
)  # fmt: skip
_POST_BY_KEY = {match_key(p): p for p in _POSTS}
POST_RE = re.compile(r"(?:phó\s+)?(?:" + "|".join(_words(p) for p in _POSTS) + r")(?!\w)", re.IGNORECASE)
# Where a second organisation starts inside one header cell ("BỘ TÀI CHÍNH CỤC THUẾ", "UBND TỈNH X VĂN PHÒNG").
_SUB_ORG = re.compile(
    r"\s(?=(?:CỤC|CHI CỤC|TỔNG CỤC|SỞ|VĂN PHÒNG|BAN|PHÒNG|TRUNG TÂM|THANH TRA|VIỆN|ĐÀI|BÁO|KHO BẠC"
    r"|THUẾ(?= (?:TỈNH|THÀNH PHỐ|CƠ SỞ)))\s\S)"
)
_NOT_SUB = re.compile(r"(?:THỦ TƯỚNG|VĂN PHÒNG|ỦY BAN NHÂN|UỶ BAN NHÂN|HỘI ĐỒNG NHÂN|BAN CHẤP|BAN THƯỜNG)$")


@cache
def lexicon() -> dict[str, object]:
    data: dict[str, object] = json.loads(
        resources.files("ingest").joinpath("data/units.json").read_text(encoding="utf-8")
    )
    return data


@cache
def _sector_names() -> dict[str, str]:
    """Proper-case department names ("Kế hoạch và Đầu tư") keyed by match key, from the shared unit lexicon."""
    return {match_key(s): s for s in lexicon().get("sectors", [])}  # type: ignore[attr-defined]


@cache
def central_bodies() -> dict[str, str]:
    """Central bodies (Chính phủ, Bộ Nội vụ, Văn phòng Chính phủ …) keyed by match key: they have no province."""
    central: dict[str, list[str]] = lexicon().get("central", {})  # type: ignore[assignment]
    names = {match_key(v): canon for canon, variants in central.items() for v in (canon, *variants)}
    names |= {match_key(n): n for n in ("Quốc hội", "Chủ tịch nước", "Kiểm toán nhà nước", "Tổng cục Thống kê")}
    return names


def is_central(org: str) -> bool:
    """Whether an issuer line names a central body ("BỘ TÀI CHÍNH", "THỦ TƯỚNG CHÍNH PHỦ", "BỘ TÀI CHÍNH CỤC THUẾ")."""
    key = match_key(expand_abbreviations(org))
    return any(key == k or key.startswith(k + " ") for k in central_bodies()) or key.startswith(("bo ", "cuc "))


def expand_abbreviations(text: str) -> str:
    text = new_tones(text)
    for pattern, full in _ABBREVIATIONS:
        text = pattern.sub(full, text)
    return collapse(text)


def render_post(text: str) -> str:
    """`PHÓ CHỦ TỊCH` → `Phó Chủ tịch`, `CHÁNH VĂN PHÒNG` → `Chánh Văn phòng`."""
    key = match_key(text)
    deputy = key.startswith("pho ")
    base = _POST_BY_KEY.get(key[4:] if deputy else key)
    if base is None:
        lowered = collapse(text).lower()
        return lowered[:1].upper() + lowered[1:]
    return f"Phó {base}" if deputy else base


def render_org(text: str, prov: str | None = None, district: District | None = None) -> str:
    """Canonical casing of an organisation name, with its place completed.

    `ỦY BAN NHÂN DÂN TỈNH` + Sóc Trăng → `Ủy ban nhân dân tỉnh Sóc Trăng`; `SỞ NỘI VỤ` → `Sở Nội vụ tỉnh …`;
    `Văn phòng UBND tỉnh` → `Văn phòng Ủy ban nhân dân tỉnh …`; `CHÍNH PHỦ` → `Chính phủ` (central: no place).
    """
    text = expand_abbreviations(text).strip(" ,.;:")
    central = central_bodies().get(match_key(text))
    if central is not None:
        return central
    level = re.search(rf"(?<!\w)({LEVEL_WORDS})(?:\s+(.*))?$", text, re.IGNORECASE)
    body, place = (text[: level.start()].strip(), level) if level else (text, None)
    rendered = case_org(body)
    if place is not None:
        word = place.group(1).lower()
        word = {"tp": "thành phố", "tp.": "thành phố", "tx": "thị xã", "tx.": "thị xã"}.get(word, word)
        name = place.group(2) or ""
        if word == "tỉnh" or (word == "thành phố" and province(name) is not None):
            found = province(name) or province(prov)
            return f"{rendered} {word} {found.name}" if found else f"{rendered} {word} {name}".strip()
        if name:
            return f"{rendered} {word} {' '.join(w.capitalize() for w in name.split()) if is_upper(name) else name}"
        if district is not None and district.kind == word:
            return f"{rendered} {district}"
        return f"{rendered} {word}"
    if district is not None:
        return f"{rendered} {district}"
    found = province(prov)
    if found is None or is_central(text):
        return rendered
    return f"{rendered} {'thành phố' if found.city else 'tỉnh'} {found.name}"


def case_org(text: str) -> str:
    """Sentence case with capitals after org head words and post titles ("Chủ tịch Ủy ban nhân dân")."""
    out: list[str] = []
    rest = collapse(text)
    while rest:
        post = POST_RE.match(rest)
        if post:
            out.append(render_post(post.group(0)))
            rest = rest[post.end() :].strip()
            continue
        head = ORG_HEAD_RE.match(rest)
        if not head:
            out.append(rest if not is_upper(rest) else rest.lower())
            break
        canonical = next(h for h in _ORG_HEADS if match_key(h) == match_key(head.group(0)))
        out.append(canonical)
        rest = rest[head.end() :].strip()
        if rest and not ORG_HEAD_RE.match(rest) and not POST_RE.match(rest):
            sector = _sector_names().get(match_key(rest)) or central_bodies().get(match_key(rest))
            if sector is None:
                lowered = rest.lower() if is_upper(rest) else rest
                sector = lowered[:1].upper() + lowered[1:]
            out.append(sector)
            break
    return " ".join(out)


def org_parts(cell: str) -> list[str]:
    """One header cell's organisations, parent first: "BỘ TÀI CHÍNH CỤC THUẾ" → ["BỘ TÀI CHÍNH", "CỤC THUẾ"]."""
    parts: list[str] = []
    start = 0
    for m in _SUB_ORG.finditer(cell):
        head = cell[start : m.start()].strip()
        if head and not _NOT_SUB.search(head) and len(head.split()) >= 2:
            parts.append(head)
            start = m.end()
    parts.append(cell[start:].strip())
    return [p for p in parts if p]
