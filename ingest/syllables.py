"""The shape of a Vietnamese syllable (onset, vowel nucleus, coda, at most one tone mark).

Vietnamese writes one syllable per word, so the shape tells real Vietnamese from mojibake
(`ingest.legacy_encoding`) and two syllables that OCR ran together from one (`ingest.ocr_correct`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TONE_MARKS = frozenset("\u0300\u0309\u0303\u0301\u0323")  # grave, hook, tilde, acute, dot below

# Vowel nuclei (with their glides), longest first.
_NUCLEI_TEXT = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy "
    "ưa ưi ươ ưu yê iêu yêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu"
)
_NUCLEI = sorted(_NUCLEI_TEXT.split(), key=len, reverse=True)
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?(?:" + "|".join(_NUCLEI) + r")(?:ch|ng|nh|[cmnpt])?"
)


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """Whether `word` (any case) is a well-formed Vietnamese syllable."""
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(c in TONE_MARKS for c in nfd) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


def split_syllables(word: str, *, most: int = 3) -> list[str] | None:
    """`word` cut into the fewest well-formed syllables (at most `most`), on a tie the cut that gives
    later syllables the longest onsets ("vichủ" → "vi chủ", not "vic hủ"); None when it cannot be."""
    best: dict[int, list[str]] = {len(word): []}
    for start in range(len(word) - 1, -1, -1):
        options = [
            [word[start:end], *best[end]]
            for end in range(len(word), start, -1)
            if end in best and is_syllable(word[start:end])
        ]
        if options:
            best[start] = min(options, key=lambda parts: (len(parts), [len(p) for p in parts]))
    found = best.get(0)
    return found if found is not None and len(found) <= most else None
