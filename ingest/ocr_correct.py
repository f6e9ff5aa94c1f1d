"""Vietnamese post-correction of OCR text, applied before extraction to OCR pages only.

Tesseract's usual slips on administrative documents, each fixed as a class, never as one string:
- document notations: a code letter read as its look-alike ("NĐ-CR", "QÐ", "UBNĐ"): a code
  segment that is not a known code, but is one look-alike away from exactly one, becomes it;
  spaces read into a notation ("107 / 2020 / NĐ - CP") are dropped;
- digits read as letters inside numbers ("2O21", "l07/2020", "3O/6"), and a year with a stray
  digit after it in a date ("14/9/20210");
- diacritics: combining marks split from their letter ("ê ́"), stray spacing accents, and toned
  capitals inside a lowercase word ("sỐ", "thỜi");
- syllables run together ("đơnvị", "Kếhoạch"): Vietnamese writes one syllable per word, so an
  accented word that is no syllable but cuts into two or three is cut;
Tables whose rows Tesseract returns as lines are rebuilt from the ruled grid (`ingest.ocr_layout`).
Pure functions of the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from ingest import notation
from ingest.syllables import is_syllable, split_syllables

# Look-alike characters in notation codes, both ways where both are letters of codes.
_CODE_LOOKALIKES: dict[str, str] = {
    "D": "Đ", "Đ": "D", "Ð": "Đ", "R": "P", "P": "R", "0": "O", "O": "Q", "Q": "O", "8": "B", "B": "8",
    "1": "I", "I": "T", "T": "I", "l": "I", "5": "S", "S": "5", "G": "C", "C": "G", "U": "V", "V": "U",
}  # fmt: skip
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})


@cache
def known_codes() -> frozenset[str]:
    """Kind and issuer codes a notation is made of (`ingest.notation`'s tables)."""
    codes = set(notation.STATE_KINDS) | set(notation.PARTY_KINDS) | set(notation.CENTRAL_ISSUERS)
    codes |= set(notation.CANON_CASE.values()) | notation.LOCAL_NORMATIVE_ISSUERS | notation.PROVINCE_ISSUERS
    return frozenset(codes)


def _code(segment: str) -> str:
    """A code segment, or the one known code a single look-alike swap turns it into."""
    known = known_codes()
    if segment in known or not segment:
        return segment
    candidates = {
        segment[:i] + swap + segment[i + 1 :]
        for i, c in enumerate(segment)
        if (swap := _CODE_LOOKALIKES.get(c)) is not None
    }
    found = candidates & known
    return found.pop() if len(found) == 1 else segment


# number / (year /) CODE(-CODE)*: spaces around the separators allowed, as OCR reads them.
_NOTATION = re.compile(
    r"(?<![\w/])(?P<number>[0-9OolI|]{1,6})\s?/\s?(?:(?P<year>(?:19|20)[0-9OolI]{2})\s?/\s?)?"
    r"(?P<codes>[A-ZĐÐa-z0-9]{1,10}(?:\s?-\s?[A-ZĐÐa-z0-9]{1,10}){0,4})(?![\w])"
)


def _notation(m: re.Match[str]) -> str:
    codes = [_code(c.strip()) for c in m.group("codes").split("-")]
    if not any(c in known_codes() for c in codes):
        return m.group()  # not a notation: a date, a fraction, a unit
    number = m.group("number").translate(_DIGIT_LOOKALIKES)
    year = m.group("year")
    head = f"{number}/{year.translate(_DIGIT_LOOKALIKES)}/" if year else f"{number}/"
    return head + "-".join(codes)


# Numbers with a letter look-alike inside ("2O21", "l07", "9O"): a digit, and nothing but digits and look-alikes.
_NUMBER = re.compile(r"(?<![^\W\d_])(?=[OolI]*[0-9])[0-9OolI]{2,}(?![^\W\d_])")
# A date whose year has one digit too many ("14/9/20210"), or "năm 20210".
_LONG_YEAR = re.compile(r"(?P<head>\b\d{1,2}\s?[/.-]\s?\d{1,2}\s?[/.-]\s?|năm\s)(?P<year>(?:19|20)\d\d)\d\b")
_SPACED_MARK = re.compile(r"(?<=\w) +(?=[\u0300-\u036f])")
_STRAY_ACCENT = re.compile(r"(?<!\S)[\u02c6\u02dc\u00b4\u0060\u02cb\u02ca\u00a8\u02c7](?!\S)")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _lower_toned_capital(m: re.Match[str]) -> str:
    """ "sỐ" → "số": a word starting lowercase whose only capitals are non-ASCII letters (Tesseract's
    case slip on toned letters); a real mixed-case code ("TTr", "QyĐ") has ASCII capitals."""
    word = m.group()
    if word[0].islower() and not any(c.isupper() and c.isascii() for c in word) and not word.islower():
        return word.lower()
    return word


def _title_toned_caps(line: str) -> str:
    """ "Văn phòng SỞ" → "Văn phòng Sở": a word of one ASCII capital and toned capitals, after a
    lowercase word and not before a capitalised one (a heading in capitals stays)."""
    words = line.split(" ")
    for k in range(1, len(words)):
        word, before = words[k], words[k - 1]
        after = words[k + 1] if k + 1 < len(words) else ""
        core = word.rstrip(",.;:)")
        if (
            len(core) >= 2
            and core[0].isupper()
            and core[0].isascii()
            and all(c.isupper() and not c.isascii() for c in core[1:])
            and any(c.islower() for c in before)
            and not (after[:1].isupper() and after.isupper())
        ):
            words[k] = core.capitalize() + word[len(core) :]
    return " ".join(words)


# Letters Vietnamese does not write, as Tesseract reads a dot below: "vj"/"vji" for "vị".
_FOREIGN = (("ji", "ị"), ("ij", "ị"), ("j", "ị"))


def _split_run_together(m: re.Match[str]) -> str:
    """A word that is no syllable but one once its non-Vietnamese letter is read as "ị", or that cuts
    into two or three syllables ("đơnvị", "Đơnvjichủ" → "Đơn vị chủ")."""
    word = m.group()
    if is_syllable(word) or word.isupper() or (word.isascii() and "j" not in word):
        return word
    candidates = [word] + [word.replace(a, b) for a, b in _FOREIGN if a in word]
    for candidate in candidates:
        parts = [candidate] if is_syllable(candidate) else split_syllables(candidate)
        if parts:
            return " ".join(parts)
    return word


# Item letters in Vietnamese order (no f, j, w, z), for a marker Tesseract misread ("ø)" between "e)" and "h)").
_ITEM_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ITEM = re.compile(r"^(?P<letter>[^\W\d_]|[^\w\s])\)(?= )", re.M)


def _item_markers(text: str) -> str:
    """A line starting "X) " with X no item letter, right after the item before it, takes the next letter."""
    out = []
    previous: str | None = None
    for line in text.split("\n"):
        m = _ITEM.match(line)
        if m:
            letter = m.group("letter")
            if letter not in _ITEM_LETTERS and previous is not None and previous in _ITEM_LETTERS[:-1]:
                letter = _ITEM_LETTERS[_ITEM_LETTERS.index(previous) + 1]
                line = letter + line[1:]
            previous = letter
        out.append(line)
    return "\n".join(out)


# A lone mark no Vietnamese document prints by itself: dust or a rule Tesseract read as a character.
_JUNK = re.compile(
    r"(?<![^ \t\n])[|¦`~_ˆ¬'\"]+(?![^ \t\n])"  # by itself
    r"|(?<![^\t\n])[.,:;'`]+(?=[^\W\d_])"  # before the first letter of a line or cell
    r"|(?<=[^\W\d_])['`]+(?![^ \t\n])"  # after a word (Vietnamese has no apostrophe)
)


def _tidy(text: str) -> str:
    """Spaces left where marks were removed: one between words, none at a line's or cell's ends."""
    return "\n".join("\t".join(" ".join(cell.split()) for cell in line.split("\t")) for line in text.split("\n"))


def correct(text: str) -> str:
    """The OCR text of a page with the usual Vietnamese OCR slips fixed (same lines, same cells)."""
    text = unicodedata.normalize("NFC", _SPACED_MARK.sub("", text))
    text = _tidy(_JUNK.sub("", _STRAY_ACCENT.sub("", text)))
    text = _WORD.sub(_lower_toned_capital, text)
    text = "\n".join("\t".join(_title_toned_caps(cell) for cell in line.split("\t")) for line in text.split("\n"))
    text = _item_markers(_WORD.sub(_split_run_together, text))
    text = _NUMBER.sub(lambda m: m.group().translate(_DIGIT_LOOKALIKES), text)
    text = _LONG_YEAR.sub(lambda m: m.group("head") + m.group("year"), text)
    return _NOTATION.sub(_notation, text)
