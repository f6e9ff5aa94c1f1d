"""Diacritics put back on a query typed without them, so the dense model can read it.

e5 reads "thu tuc hanh chinh" as noise (dense Recall@10 0.07 on such queries against 0.79 accented): a query typed
without diacritics then has only its BM25 side. Each syllable folds from several accented ones (thu → thủ, thú,
thư, thu …); a bigram model of syllables counted over Vietnamese legal and administrative text picks the likeliest
sequence (Viterbi). pyvi's `ViUtils.add_accents`, the packaged option, was tried first: trained on general text it
gives "xây đựng", "kết hơn", "sổ nối vụ chủ trị" for "xay dung", "ket hon", "So Noi vu chu tri".

The counts are built offline from the Pháp điển corpus and the real documents and shipped with the package:

    python -m search_api.accents CORPUS.jsonl.gz [TEXT_DIR ...] OUT.npz
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ingest.vntext import fold, new_tones

DATA = Path(__file__).with_name("data") / "accents.npz"
# Counts below these are dropped from the shipped table: once-seen pairs are mostly typos and line-break joins.
MIN_SYLLABLE_COUNT = 2
MIN_PAIR_COUNT = 2
# Accented forms tried per syllable (by frequency): "a" has 16 forms, the rest are never chosen in practice.
MAX_FORMS = 8
# Weight of the bigram estimate against the syllable's own frequency (Jelinek-Mercer interpolation).
BIGRAM_WEIGHT = 0.8
_SYLLABLE = re.compile(r"[^\W\d_]+")
_FLOOR = 1e-12


def has_diacritics(text: str) -> bool:
    """Whether any letter carries a Vietnamese mark (folding changes it)."""
    return fold(text) != text.lower()


def _syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(new_tones(unicodedata.normalize("NFC", text)).lower())


@dataclass(frozen=True)
class AccentModel:
    """Syllable and syllable-pair counts: `pairs` holds `first * len(vocab) + second`, sorted, beside `pair_counts`."""

    vocab: tuple[str, ...]
    counts: npt.NDArray[np.int64]
    pairs: npt.NDArray[np.int64]
    pair_counts: npt.NDArray[np.int64]

    @classmethod
    def count(cls, texts: Iterable[str]) -> AccentModel:
        """Counts over `texts`, a line at a time (a pair never spans a line break), pruned as shipped."""
        single: Counter[str] = Counter()
        double: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for line in text.splitlines():
                words = _syllables(line)
                single.update(words)
                double.update(itertools.pairwise(words))
        vocab = tuple(sorted(w for w, c in single.items() if c >= MIN_SYLLABLE_COUNT))
        ids = {w: i for i, w in enumerate(vocab)}
        kept = sorted(
            (ids[a] * len(vocab) + ids[b], c)
            for (a, b), c in double.items()
            if c >= MIN_PAIR_COUNT and a in ids and b in ids
        )
        return cls(
            vocab,
            np.array([single[w] for w in vocab], np.int64),
            np.array([k for k, _ in kept], np.int64),
            np.array([c for _, c in kept], np.int64),
        )

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, vocab=np.array(self.vocab), counts=self.counts, pairs=self.pairs, pair_counts=self.pair_counts
        )

    @classmethod
    def load(cls, path: Path) -> AccentModel:
        with np.load(path) as arrays:
            return cls(tuple(arrays["vocab"].tolist()), arrays["counts"], arrays["pairs"], arrays["pair_counts"])


class Restorer:
    """Viterbi over the accented forms of each syllable of a query typed without diacritics."""

    def __init__(self, model: AccentModel) -> None:
        self.model = model
        total = float(model.counts.sum()) or 1.0
        self.log_unigram = np.log(np.maximum(model.counts / total, _FLOOR))
        forms: dict[str, list[int]] = {}
        for i in np.argsort(-model.counts, kind="stable").tolist():
            forms.setdefault(fold(model.vocab[i]), []).append(i)
        self.forms = {k: v[:MAX_FORMS] for k, v in forms.items()}

    def restore(self, text: str) -> str:
        """`text` with its syllables accented where the model knows them; case, spacing, digits and punctuation
        kept. A text that already has diacritics is returned as it is (its writer chose them)."""
        if not has_diacritics(text) and any(c.isalpha() for c in text):
            return "".join(self._restored(text))
        return text

    def _restored(self, text: str) -> Iterator[str]:
        """The text's pieces, each run of syllables separated by spaces decoded as one sequence."""
        runs: list[list[re.Match[str]]] = []
        for m in _SYLLABLE.finditer(text):
            if runs and not text[runs[-1][-1].end() : m.start()].strip():
                runs[-1].append(m)
            else:
                runs.append([m])
        pos = 0
        for run in runs:
            yield text[pos : run[0].start()]
            yield from self._run(text, run)
            pos = run[-1].end()
        yield text[pos:]

    def _run(self, text: str, run: list[re.Match[str]]) -> Iterator[str]:
        words = [m.group(0) for m in run]
        chosen = self._decode([w.lower() for w in words])
        for i, (m, word, form) in enumerate(zip(run, words, chosen, strict=True)):
            if i:
                yield text[run[i - 1].end() : m.start()]
            yield _cased(form, word)

    def _decode(self, words: list[str]) -> list[str]:
        """The likeliest accented sequence; unknown syllables stay as typed (and break no chain)."""
        options = [self.forms.get(w, []) for w in words]
        n = len(self.model.vocab)
        best: list[tuple[float, list[int]]] = [(0.0, [])]
        for cands in options:
            if not cands:
                best = [(score, [*path, -1]) for score, path in best]
                continue
            step: list[tuple[float, list[int]]] = []
            for cur in cands:
                scored = [(score + self._log_next(path[-1] if path else -1, cur, n), path) for score, path in best]
                score, path = max(scored, key=lambda sp: sp[0])
                step.append((score, [*path, cur]))
            best = step
        _, path = max(best, key=lambda sp: sp[0])
        return [self.model.vocab[i] if i >= 0 else w for i, w in zip(path, words, strict=True)]

    def _log_next(self, prev: int, cur: int, n: int) -> float:
        """log P(cur | prev), interpolated with cur's own frequency; without a known previous syllable, the latter."""
        if prev < 0:
            return float(self.log_unigram[cur])
        model = self.model
        at = int(np.searchsorted(model.pairs, prev * n + cur))
        pair = int(model.pair_counts[at]) if at < len(model.pairs) and model.pairs[at] == prev * n + cur else 0
        p = BIGRAM_WEIGHT * pair / int(model.counts[prev]) + (1 - BIGRAM_WEIGHT) * math.exp(self.log_unigram[cur])
        return math.log(max(p, _FLOOR))


def _cased(form: str, typed: str) -> str:
    """`form` in the case the user typed: UBND stays upper, Ha Noi → Hà Nội."""
    if typed.isupper() and len(typed) > 1:
        return form.upper()
    if typed[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


@cache
def default_restorer() -> Restorer | None:
    """The shipped model (None when the package was installed without its data: queries then go as typed)."""
    return Restorer(AccentModel.load(DATA)) if DATA.exists() else None


def _corpus_texts(corpus: Path, folders: list[Path]) -> Iterator[str]:
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("text")
            if text:
                yield text
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                yield path.read_text(encoding="utf-8", errors="replace")


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(__doc__)
    *sources, out = argv
    model = AccentModel.count(_corpus_texts(Path(sources[0]), [Path(p) for p in sources[1:]]))
    model.save(Path(out))
    print(f"{out}: {len(model.vocab):,} syllables, {len(model.pairs):,} pairs")


if __name__ == "__main__":
    main(sys.argv[1:])
