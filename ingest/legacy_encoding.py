"""Pre-Unicode Vietnamese encodings: TCVN3 (ABC, the `.VnTime` fonts) and VNI (the `VNI-Times` fonts).

Text typed in those fonts is stored as ordinary single-byte characters, so a reader sees mojibake:
"KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI) for "Kế hoạch". Both encodings are a table from byte
sequences to letters, built here from one description of every Vietnamese letter, so the decoder
and its inverse (used by the tests and the OCR corpus) cannot disagree.

TCVN3 has codes for lowercase letters only (and for Ă Â Ê Ô Ơ Ư Đ): capitals with a tone are
typed with the same codes in the capitals font (`.VnTimeH`), so decoding takes `uppercase=True`
for text in such a font; in plain text a word typed in capitals shows as ASCII capitals around
lowercase toned letters ("HOạCH"), which `decode` restores ("HOẠCH").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

from ingest.syllables import is_syllable

Encoding = Literal["tcvn3", "vni"]
ENCODINGS: tuple[Encoding, ...] = ("tcvn3", "vni")

BASES = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # none, grave, hook, tilde, acute, dot below


def vietnamese_letters() -> list[str]:
    """Every Vietnamese letter outside plain ASCII's a-z, lowercase then uppercase (NFC)."""
    lower = [unicodedata.normalize("NFC", base + tone) for base in BASES for tone in TONES]
    lower = [c for c in lower if not c.isascii()] + ["đ"]
    return lower + [c.upper() for c in lower]


# --- TCVN3 ----------------------------------------------------------------------------------------

# Codes of each base letter with tones in `TONES` order (None: the base is ASCII itself).
_TCVN3_CODES: dict[str, tuple[int | None, int, int, int, int, int]] = {
    "a": (None, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (None, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (None, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (None, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (None, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (None, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_EXTRA = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}

# --- VNI ------------------------------------------------------------------------------------------

# VNI writes a letter as an ASCII base followed by one mark byte; capitals use the mark minus 0x20.
_VNI_TONE = {"\u0300": 0xF8, "\u0309": 0xFB, "\u0303": 0xF5, "\u0301": 0xF9, "\u0323": 0xEF}
_VNI_CIRCUMFLEX = {"": 0xE2, "\u0300": 0xE0, "\u0309": 0xE5, "\u0303": 0xE3, "\u0301": 0xE1, "\u0323": 0xE4}
_VNI_BREVE = {"": 0xEA, "\u0300": 0xE8, "\u0309": 0xFA, "\u0303": 0xFC, "\u0301": 0xE9, "\u0323": 0xEB}
# Letters written as one byte of their own (ơ and ư then take a tone mark like a plain vowel).
_VNI_SINGLE = {"ơ": 0xF4, "ư": 0xF6, "đ": 0xF1, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3, "í": 0xED, "ị": 0xF2, "ỵ": 0xEE}


def _vni_lower(base: str, tone: str) -> str:
    """The VNI characters of one lowercase letter (cp1252 characters standing for its bytes)."""
    letter = unicodedata.normalize("NFC", base + tone)
    if letter in _VNI_SINGLE:
        return chr(_VNI_SINGLE[letter])
    if base in ("ơ", "ư"):
        return chr(_VNI_SINGLE[base]) + (chr(_VNI_TONE[tone]) if tone else "")
    if base in ("â", "ê", "ô"):
        return base.translate(_DEACCENT) + chr(_VNI_CIRCUMFLEX[tone])
    if base == "ă":
        return "a" + chr(_VNI_BREVE[tone])
    return base + (chr(_VNI_TONE[tone]) if tone else "")


_DEACCENT = str.maketrans("âêô", "aeo")


def _upper_bytes(s: str) -> str:
    """VNI capitals: ASCII letters upper-cased, mark bytes (0xE0-0xFF) moved down by 0x20."""
    return "".join(chr(ord(c) - 0x20) if ord(c) >= 0xE0 else c.upper() for c in s)


@cache
def _encode_tables() -> dict[Encoding, dict[str, str]]:
    """Unicode letter → its legacy characters, for each encoding (capitals of TCVN3: the lowercase code)."""
    tcvn3: dict[str, str] = {}
    vni: dict[str, str] = {}
    for base in BASES:
        for tone, code in zip(TONES, _TCVN3_CODES[base], strict=True):
            letter = unicodedata.normalize("NFC", base + tone)
            if code is not None:
                tcvn3[letter] = chr(code)
                tcvn3.setdefault(letter.upper(), chr(code))
            vni[letter] = _vni_lower(base, tone)
            vni[letter.upper()] = _upper_bytes(vni[letter])
    tcvn3.update({k: chr(v) for k, v in _TCVN3_EXTRA.items()})
    vni["đ"], vni["Đ"] = chr(_VNI_SINGLE["đ"]), _upper_bytes(chr(_VNI_SINGLE["đ"]))
    return {
        "tcvn3": {k: v for k, v in tcvn3.items() if not k.isascii()},
        "vni": {k: v for k, v in vni.items() if v != k},
    }


@cache
def _decode_tables() -> dict[Encoding, dict[str, str]]:
    """Legacy characters → Unicode letter; TCVN3 codes decode to lowercase (capitals come from the font)."""
    tables: dict[Encoding, dict[str, str]] = {"tcvn3": {}, "vni": {}}
    for letter, legacy in _encode_tables()["tcvn3"].items():
        if letter.islower() or legacy not in tables["tcvn3"]:
            tables["tcvn3"][legacy] = letter
    for letter, legacy in _encode_tables()["vni"].items():
        tables["vni"][legacy] = letter
        if len(legacy) == 2:  # a mark typed in the other case than its base letter
            other = legacy[1].lower() if letter.isupper() else _upper_bytes(legacy[1])
            tables["vni"].setdefault(legacy[0] + other, letter)
    return tables


@cache
def _pattern(encoding: Encoding) -> re.Pattern[str]:
    keys = sorted(_decode_tables()[encoding], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys)))


def encode(text: str, encoding: Encoding) -> str:
    """Unicode text → the characters a legacy-font document holds (the inverse of `decode`)."""
    table = _encode_tables()[encoding]
    return "".join(table.get(c, c) for c in unicodedata.normalize("NFC", text))


def decode(text: str, encoding: Encoding, *, uppercase: bool | None = None) -> str:
    """Legacy-font characters → Unicode NFC. `uppercase`: whether the text is in one of TCVN3's
    capitals fonts (`.VnTimeH`); None when the font is unknown (plain text), to guess from the text."""
    table = _decode_tables()[encoding]
    out = _pattern(encoding).sub(lambda m: table[m.group()], text)
    if encoding == "tcvn3" and uppercase is not False:
        out = out.upper() if uppercase else _LINE.sub(_capitals, out)
    return unicodedata.normalize("NFC", out)


_LINE = re.compile(r"[^\n]+")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def _typed_in_capitals(word: str, least: int) -> bool:
    letters = _ASCII_LETTERS.findall(word)
    return len(letters) >= least and all(c.isupper() for c in letters)


def _capitals(line: re.Match[str]) -> str:
    """Capitals typed in TCVN3 plain text come out as ASCII capitals around lowercase toned letters
    ("KÕ HO¹CH" → "Kế HOạCH"). Upper-cased: a word with two ASCII capitals and no ASCII lowercase,
    and a whole line when every accented word of it (two at least) has only ASCII capitals."""
    text = line.group()
    accented = [w for w in _WORD.findall(text) if not w.isascii() and _ASCII_LETTERS.search(w)]
    if len(accented) >= 2 and all(_typed_in_capitals(w, 1) for w in accented):
        return text.upper()
    return _WORD.sub(lambda w: w.group().upper() if _typed_in_capitals(w.group(), 2) else w.group(), text)


def decode_bytes(data: bytes, encoding: Encoding) -> str:
    """Bytes of a legacy text file → Unicode (bytes read as Windows-1252, as the legacy fonts were)."""
    return decode(data.decode("cp1252", errors="replace"), encoding)


# --- fonts and detection --------------------------------------------------------------------------


def font_encoding(font: str | None) -> tuple[Encoding, bool] | None:
    """The encoding a font name implies, and whether it is a capitals font (".VnTimeH" → tcvn3, True)."""
    if not font:
        return None
    name = font.strip()
    if name.startswith(".Vn") or (name.startswith("Vn") and name[2:3].isupper()):
        return "tcvn3", name.endswith("H")
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni", False
    return None


_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 20_000


def vietnamese_score(text: str) -> int:
    """Accented words that are well-formed Vietnamese syllables, minus accented words that are not."""
    score = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            score += 1 if is_syllable(word) else -1
    return score


# Letters only Unicode has (ă đ ĩ ũ ơ ư and the toned letters of U+1EA0-U+1EF9): never in legacy text.
_UNICODE_ONLY = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
_LEGACY_CHARS = re.compile("[\u00a0-\u00ff]")


def detect(text: str) -> Encoding | None:
    """The legacy encoding `text` is written in, when decoding it reads as Vietnamese far better."""
    sample = text[:_SAMPLE]
    legacy = len(_LEGACY_CHARS.findall(sample))
    if legacy < 3 or len(_UNICODE_ONLY.findall(sample)) > 0.1 * legacy:
        return None  # plain ASCII, or real Unicode Vietnamese
    plain = vietnamese_score(sample)
    best, best_score = None, max(plain, 0)
    for encoding in ENCODINGS:
        score = vietnamese_score(decode(sample, encoding))
        if score >= 3 and score > 2 * best_score:
            best, best_score = encoding, score
    return best


def to_unicode(text: str) -> tuple[str, Encoding | None]:
    """Text typed in a TCVN3 or VNI font (read as mojibake) → Unicode, and which one it was."""
    encoding = detect(text)
    return (decode(text, encoding), encoding) if encoding else (text, None)
