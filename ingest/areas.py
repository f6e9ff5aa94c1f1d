"""The eight standard reform areas (spec legal-identifiers §5.2) and a matcher for headings / table group rows.

`area_of` answers "is this heading the name of a reform area?", not "does this text talk about one": the whole
heading (after numbering, markup, abbreviations in brackets and a trailing year are removed) must be an area
label, so "Tăng cường cải cách thủ tục hành chính, quan tâm rà soát …" matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.vntext import match_key


@dataclass(frozen=True, slots=True)
class ReformArea:
    slug: str
    pref_label: str
    alt_labels: tuple[str, ...]


REFORM_AREAS: dict[str, ReformArea] = {
    a.slug: a
    for a in (
        ReformArea(
            "chi-dao-dieu-hanh",
            "Công tác chỉ đạo, điều hành cải cách hành chính",
            (
                "Công tác chỉ đạo điều hành",
                "Chỉ đạo điều hành CCHC",
                "Công tác chỉ đạo, điều hành thực hiện cải cách hành chính",
                "Công tác lãnh đạo, chỉ đạo, điều hành cải cách hành chính",
            ),
        ),
        ReformArea("the-che", "Cải cách thể chế", ("Xây dựng và hoàn thiện thể chế", "Cải cách thể chế hành chính")),
        ReformArea("tthc", "Cải cách thủ tục hành chính", ("Cải cách TTHC",)),
        ReformArea(
            "to-chuc-bo-may",
            "Cải cách tổ chức bộ máy hành chính nhà nước",
            ("Cải cách tổ chức bộ máy", "Cải cách bộ máy hành chính nhà nước"),
        ),
        ReformArea(
            "cong-vu",
            "Cải cách chế độ công vụ",
            (
                "Cải cách công vụ",
                "Cải cách chế độ công vụ, công chức",
                "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức",
            ),
        ),
        ReformArea("tai-chinh-cong", "Cải cách tài chính công", ("Đổi mới cơ chế quản lý tài chính công",)),
        ReformArea(
            "chinh-quyen-so",
            "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
            (
                "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số",
                "Xây dựng và phát triển Chính phủ điện tử, chính quyền số",
                "Xây dựng chính quyền điện tử",
                "Hiện đại hóa hành chính",
            ),
        ),
        ReformArea(
            "tac-dong",
            "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội",
            ("Đánh giá tác động của CCHC đến người dân, tổ chức và phát triển kinh tế - xã hội",),
        ),
    )
}

# Patterns over the match key (folded, lower case); "cai cach hanh chinh" is written "cchc" too.
_CCHC = r"(?:cai cach hanh chinh|cchc)(?: nha nuoc)?"
_GOV = r"(?:chinh phu|chinh quyen)"
_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "chi-dao-dieu-hanh",
        rf"(?:cong tac )?(?:lanh dao,? )?chi dao,? (?:va )?dieu hanh(?: (?:thuc hien )?(?:cong tac )?{_CCHC})?",
    ),
    ("the-che", r"(?:cai cach|xay dung(?: va hoan thien)?|hoan thien) (?:he thong )?the che(?: hanh chinh)?"),
    ("tthc", r"cai cach (?:thu tuc hanh chinh|tthc)"),
    ("to-chuc-bo-may", r"cai cach (?:to chuc )?bo may(?: (?:to chuc )?hanh chinh)?(?: nha nuoc)?(?: cac cap)?"),
    (
        "cong-vu",
        r"cai cach (?:che do )?cong vu(?:,? cong chuc)?"
        r"|xay dung va nang cao chat luong (?:doi ngu )?can bo,? cong chuc(?:,? vien chuc)?",
    ),
    ("tai-chinh-cong", r"(?:cai cach|doi moi co che quan ly) tai chinh cong"),
    (
        "chinh-quyen-so",
        rf"(?:xay dung(?: va phat trien)?|phat trien) {_GOV} dien tu(?:,? (?:va )?{_GOV} so)?"
        rf"|(?:xay dung(?: va phat trien)?|phat trien) {_GOV} so"
        r"|hien dai hoa (?:nen )?hanh chinh(?: nha nuoc)?",
    ),
    (
        "tac-dong",
        rf"(?:danh gia )?tac dong cua {_CCHC} (?:den|doi voi|toi) (?:nguoi dan|su phat trien|phat trien)[a-z ,-]*",
    ),
)
# First words of every pattern (with the optional "ve/linh vuc/nhiem vu" lead): a cheap pre-filter.
_STARTS = frozenset(
    ["ve", "linh", "nhiem", "cong", "lanh", "chi", "cai", "xay", "hoan", "doi", "phat", "hien", "danh", "tac"]
)
_AREA_RES = tuple((area, re.compile(rf"(?:ve |linh vuc |nhiem vu )?(?:{pat})")) for area, pat in _PATTERNS)

# Leading numbering ("I.", "VII", "1.", "1.2.", "a)", "-") and markup; trailing brackets, year, punctuation.
_TAGS = re.compile(r"<[^>]*>|[*#_`]+")
_TAG_START = re.compile(r"[<*#_`]")
_NUMBERING = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/:-]?\s+|[-+•]\s*)", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)")
_TRAIL = re.compile(r"(?:\s+(?:nam|giai doan) \d{4}(?:\s*-\s*\d{4})?)?[\s.:;,]*$")
_MAX_WORDS = 24  # longer than any area label: anything longer is a sentence, not a heading


def heading_key(heading: str) -> str:
    """Match key of a heading with numbering, markup, brackets and a trailing year removed."""
    text = _untag(heading, " ")
    text = _NUMBERING.sub("", text.strip(), count=1)
    key = match_key(_BRACKETS.sub(" ", text))
    return _TRAIL.sub("", key).strip()


def area_of(heading: str) -> str | None:
    """Reform-area slug when the heading (or a table row's first non-empty, non-number cell) names one."""
    for cell in _label_cells(heading):
        if cell.count(" ") > 2 * _MAX_WORDS or not _may_start_area(_NUMBERING.sub("", _untag(cell, " ").strip())):
            continue  # cheap rejects before folding a paragraph
        key = heading_key(cell)
        if key and key.count(" ") < _MAX_WORDS:
            area = _match_key_area(key)
            if area is not None:
                return area
    return None


def leading_area(text: str) -> tuple[str, str] | None:
    """(area, label) when an area label opens `text` and a capitalised word follows it.

    For PDF text where a heading was glued to its first sentence: "Cải cách thể chế Tiếp tục đổi mới …".
    """
    if not _may_start_area(text):
        return None
    words = text.split()[:_MAX_WORDS]
    keys = match_key(" ".join(words)).split()
    if len(keys) != len(words):
        return None
    for n in range(2, len(words)):
        if words[n][:1].isupper():
            area = _match_key_area(_TRAIL.sub("", " ".join(keys[:n])))
            if area is not None:
                return area, " ".join(words[:n]).strip(" .,:")
    return None


_FIRST_WORD = re.compile(r"\s*(\S+)")  # the first of `str.split()` without splitting a whole paragraph


def may_name_area(text: str) -> bool:
    """False only when neither `area_of` nor `leading_area` can find an area in `text`: its first word opens none.

    A cheap test for the many paragraphs that are no area heading. Numbering or markup at the start may hide the
    first word, so then, and for table rows, the answer is True (ask them).
    """
    first = _FIRST_WORD.match(text)
    if first is None:
        return False
    if "\t" in text or _TAG_START.search(first.group(1)) or _NUMBERING.match(text):
        return True
    return _word_key(first.group(1)) in _STARTS


def _untag(text: str, repl: str) -> str:
    """`_TAGS.sub(repl, text)`; `_TAGS` has no fast start, so text without markup skips it."""
    return _TAGS.sub(repl, text) if _TAG_START.search(text) else text


def _may_start_area(text: str) -> bool:
    first = _FIRST_WORD.match(text)
    return first is not None and _word_key(first.group(1)) in _STARTS


@lru_cache(maxsize=4096)
def _word_key(word: str) -> str:
    """Memoised: headings open with the same few words."""
    return match_key(word).strip(",.:")


def _match_key_area(key: str) -> str | None:
    for area, pattern in _AREA_RES:
        if pattern.fullmatch(key):
            return area
    return None


def _label_cells(text: str) -> list[str]:
    """The text itself, or for a table row ("VII\\tChỉ đạo điều hành CCHC\\t\\t") its first label cell."""
    if "\t" not in text:
        return [text]
    cells = [c for c in (cell.strip() for cell in text.split("\t")) if _untag(c, "").strip()]
    if not cells:
        return []
    first = cells[0]
    if re.fullmatch(r"(?:<[^>]*>|\*+)*\s*(?:[IVXLC]+|\d+(?:\.\d+)*)\s*[.)]?\s*(?:<[^>]*>|\*+)*", first, re.I):
        return cells[1:2]
    return [first]
