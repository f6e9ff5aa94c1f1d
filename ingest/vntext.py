"""Small Vietnamese string helpers shared by every extractor (one copy, used everywhere)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

# Old-style tone placement (hoá, thuỷ, uỷ) → the new style NFC text uses most (hóa, thủy, ủy).
_OLD_TONES = {
    "oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oé": "óe", "oè": "òe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
# A word for matching names: letters and digits; punctuation and underscores separate words.
TOKEN_RE = re.compile(r"[^\W_]+")
# Only at a syllable's end ("hoà", "thuỷ"), never before a final consonant ("Đoàn", "toàn") or after the "q" of
# "qu" ("Quỹ"), where the tone already sits on the main vowel. The pattern opens with a character class, so the
# regex engine skips straight to candidates; the pair is looked up in `repl`.
_OLD_TONE_RE = re.compile("[oOuU][áàảãạéèẻẽẹýỳỷỹỵÁÀẢÃẠÉÈẺẼẸÝỲỶỸỴ](?![^\\W\\d_])")


def word_alternation(words: Iterable[str]) -> str:
    r"""A regex for `\b(?:w1|w2|…)\b` that the regex engine scans fast (words of letters and spaces).

    A pattern opening with `\b` is tried at every position; one whose alternatives each open with a letter lets the
    engine skip to those letters. So the words are grouped by first letter, each group `c(?<!\wc)(?:rest…)\b`: the
    look-behind after the letter is the boundary before it. The matches are the same: words of different first
    letters never match at one place, and within a letter the words keep their order.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(re.escape(word[0]), []).append(re.escape(word[1:]))
    return "|".join(rf"{c}(?<!\w{c})(?:{'|'.join(rests)})\b" for c, rests in groups.items())


def finditer_where(starts: re.Pattern[str], pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Exactly `pattern.finditer(text)` for a pattern that never matches empty, with `pattern` tried only where
    `starts` finds a place a match may begin.

    A pattern with no fast start (one opening with `\\b`, a look-behind or a group of alternatives) is tried at every
    position of the text; `starts`, opening with a character class or literals, lets the engine skip to candidates.
    """
    search, match = starts.search, pattern.match
    pos = 0
    while (candidate := search(text, pos)) is not None:
        at = candidate.start()
        found = match(text, at)
        if found is None:
            pos = at + 1
        else:
            yield found
            pos = found.end()


def collapse(text: str) -> str:
    """Whitespace runs (line breaks, tabs) to one space, trimmed."""
    return " ".join(text.split())


def new_tones(text: str) -> str:
    """Unify old/new tone placement (`Uỷ` → `Ủy`, `hoá` → `hóa`) before comparing names."""
    return _OLD_TONE_RE.sub(_new_tone, text)


_NEW_TO_OLD = {new: old for old, new in _OLD_TONES.items()}
_NEW_TONE_RE = re.compile("|".join(rf"{new}(?!\w)" for new in _NEW_TO_OLD))


def old_tones(text: str) -> str:
    """The old-style spelling of a name (`Văn hóa` → `Văn hoá`): for patterns that must match both styles."""
    return _NEW_TONE_RE.sub(lambda m: _NEW_TO_OLD[m.group(0)], text)


def _new_tone(m: re.Match[str]) -> str:
    s = m.group(0)
    out = _OLD_TONES.get(s.lower())
    if out is None or (m.start() and m.string[m.start() - 1] in "qQ"):
        return s
    return out.upper() if s.isupper() else out.capitalize() if s[0].isupper() else out


def _fold_table() -> dict[int, str | None]:
    """One translate() table: Latin letters with marks → base letter; combining marks dropped."""
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D", ord("ð"): "d", ord("Ð"): "D"}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", char) if unicodedata.category(c) != "Mn")
        if base != char and base.isascii():
            table.setdefault(code, base)
    table.update(dict.fromkeys(range(0x0300, 0x0370)))
    return table


_TABLE_SIZE = 0x2070  # through General Punctuation: code points past it are rare here, and kept as they are


def translation_list(table: Mapping[int, str | None]) -> list[str | None]:
    """A `str.translate` table as a list indexed by code point: looked up twice as fast as the dict. Code points past
    the list raise IndexError, a LookupError, which `str.translate` treats like a missing key: the character stays."""
    assert max(table) < _TABLE_SIZE
    out: list[str | None] = [chr(code) for code in range(_TABLE_SIZE)]
    for code, rep in table.items():
        out[code] = rep
    return out


_FOLD = translation_list(_fold_table())


def fold(text: str) -> str:
    """Lower-case ASCII fold for matching only: diacritics dropped, `đ` → `d` (same length for NFC text)."""
    return text.translate(_FOLD).lower()


def match_key(text: str) -> str:
    """Key for comparing names: NFC, new tone style, folded, single-spaced."""
    return collapse(fold(new_tones(unicodedata.normalize("NFC", text))))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, dd: bool = False) -> str:
    """`Sở Nội vụ` → `so-noi-vu`. With `dd=True`, `đ` → `dd` (notation slugs, where ĐA ≠ DA)."""
    if dd:
        text = text.replace("đ", "dd").replace("Đ", "DD")
    return _NOT_SLUG.sub("-", fold(text)).strip("-")
