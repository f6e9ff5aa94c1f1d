"""Keyword scoring: Vietnamese syllables and Okapi BM25 over term-count matrices, one per index segment.

BM25 is scored at query time from the counts (IDF and average length computed over the live rows of every
segment), so adding a document writes only its own segment and removing one only masks its rows. `bm25s`
precomputes every score with IDF baked in and has no add/remove, so each re-ingested file would mean re-indexing
the whole corpus: hence this small scipy version.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]  # no stubs installed: scipy-stubs would type it

from ingest.vntext import fold, new_tones
from search_api.abbreviations import ABBREVIATIONS
from search_api.chunk_store import Ids, Scores

BM25_K1 = 1.2
BM25_B = 0.75
_MAX_TOKEN = 40  # longer "words" are base64, hashes, URLs: noise in the vocabulary
_WORD = re.compile(r"\w+")


def syllables(text: str) -> list[str]:
    """Vietnamese syllables for BM25: NFC, one tone placement (hoá = hóa), lower case, punctuation dropped."""
    clean = new_tones(unicodedata.normalize("NFC", text)).lower()
    return [w for w in _WORD.findall(clean) if len(w) <= _MAX_TOKEN]


def folded_syllables(text: str) -> list[str]:
    """Syllables without diacritics (`đ` → `d`), so queries typed without accents still match."""
    clean = fold(new_tones(unicodedata.normalize("NFC", text)))
    return [w for w in _WORD.findall(clean) if len(w) <= _MAX_TOKEN]


def _phrases(tokenize: Callable[[str], list[str]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Last syllable → (the words' syllables, the abbreviation) of every abbreviation."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for short, words in ABBREVIATIONS.items():
        syl = tuple(tokenize(words))
        out.setdefault(syl[-1], []).append((syl, tokenize(short)[0]))
    return out


_PHRASES = _phrases(syllables)
_FOLDED_PHRASES = _phrases(folded_syllables)
# Bump when the terms of a text change: a saved BM25 index of another version is rebuilt from the chunk store.
TERMS_VERSION = 2


def _contracted(tokens: list[str], phrases: Mapping[str, list[tuple[tuple[str, ...], str]]]) -> list[str]:
    out: list[str] = []
    for i, token in enumerate(tokens):
        out.append(token)
        for words, short in phrases.get(token, ()):
            if i + 1 >= len(words) and tuple(tokens[i + 1 - len(words) : i + 1]) == words:
                out.append(short)
    return out


def terms(text: str) -> list[str]:
    """What BM25 indexes and looks up: the syllables, each run of words with an abbreviation followed by it
    ("ủy ban nhân dân" → … dân ubnd), so the short and the long form find each other, while a text's length
    grows by one term per phrase only."""
    return _contracted(syllables(text), _PHRASES)


def folded_terms(text: str) -> list[str]:
    """`terms` without diacritics."""
    return _contracted(folded_syllables(text), _FOLDED_PHRASES)


def _compact(matrix: Any) -> Any:
    """The counts in the smallest types that hold them: int32 row positions and unsigned counts, 5 bytes a posting
    where scipy's defaults take 12 (int64 positions, float32 counts). They are most of an index segment, and the
    scores are the same: every count is an integer."""
    counts = matrix.data
    kind = np.min_scalar_type(int(counts.max())) if len(counts) else np.dtype(np.uint8)
    index = np.int32 if max(matrix.nnz, *matrix.shape) < np.iinfo(np.int32).max else np.int64
    return sparse.csc_array(
        (
            counts.astype(kind, copy=False),
            matrix.indices.astype(index, copy=False),
            matrix.indptr.astype(index, copy=False),
        ),
        shape=matrix.shape,
    )


class Bm25:
    """BM25 term counts of a fixed set of rows (one segment of the index): a rows × terms CSC matrix, its own
    vocabulary, row ids ascending.

    Rows never change once built. Which of them are still live is a mask the caller holds, and `bm25_scores`
    computes IDF and the average length over the live rows of every part, so segments score as one index would.
    """

    def __init__(self, ids: Ids, lengths: npt.NDArray[np.float32], matrix: Any, vocab: dict[str, int]) -> None:
        self.ids = ids
        self.lengths = lengths
        self.matrix = matrix
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, ids: Iterable[int], token_lists: Iterable[Sequence[str]]) -> Bm25:
        """Count the terms of each row; `ids` ascending."""
        vocab: dict[str, int] = {}
        indptr: list[int] = [0]
        indices: list[int] = []
        data: list[int] = []
        for tokens in token_lists:
            counts = Counter(vocab.setdefault(t, len(vocab)) for t in tokens)
            indices.extend(counts)
            data.extend(counts.values())
            indptr.append(len(indices))
        rows = np.fromiter(ids, np.int64)
        matrix = _compact(
            sparse.csr_array((data, indices, indptr), shape=(len(rows), len(vocab))).tocsc()  # type: ignore[arg-type]
        )
        lengths = np.asarray(matrix.sum(axis=1), np.float32).reshape(-1)
        return cls(rows, lengths, matrix, vocab)

    @classmethod
    def merged(cls, parts: Sequence[tuple[Bm25, Ids]]) -> Bm25:
        """One part holding the given rows (positions) of each part, in id order: counts are copied, not
        recomputed from the texts."""
        vocab: dict[str, int] = {}
        rows, cols, data, ids, lengths, offset = [], [], [], [], [], 0
        for bm, keep in parts:
            remap = np.array([vocab.setdefault(t, len(vocab)) for t in bm.terms()], np.int32)
            sub = sparse.coo_array(bm.matrix[keep, :])
            rows.append(sub.row + offset)
            cols.append(remap[sub.col] if len(remap) else sub.col)
            data.append(sub.data)
            ids.append(bm.ids[keep])
            lengths.append(bm.lengths[keep])
            offset += len(keep)
        order = np.argsort(np.concatenate(ids), kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        matrix = _compact(
            sparse.coo_array(
                (np.concatenate(data), (position[np.concatenate(rows)], np.concatenate(cols))),
                shape=(offset, len(vocab)),
            ).tocsc()
        )
        return cls(np.concatenate(ids)[order], np.concatenate(lengths)[order], matrix, vocab)

    def terms(self) -> list[str]:
        """The vocabulary in column order."""
        return sorted(self.vocab, key=self.vocab.__getitem__)

    def matches(self, query: Sequence[str], alive: npt.NDArray[np.bool_]) -> tuple[Ids, Scores, Ids]:
        """(row, term count, position in `query`) of every live row holding a query term."""
        found = [(i, self.vocab[t]) for i, t in enumerate(query) if t in self.vocab]
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64)
        sub = self.matrix[:, [col for _, col in found]]
        rows, tf = sub.indices, sub.data
        position = np.repeat(np.array([i for i, _ in found], np.int64), np.diff(sub.indptr))
        keep = alive[rows]
        return rows[keep], tf[keep], position[keep]

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        m = self.matrix
        return {
            f"{prefix}_data": m.data, f"{prefix}_indices": m.indices, f"{prefix}_indptr": m.indptr,
            f"{prefix}_shape": np.array(m.shape), f"{prefix}_ids": self.ids, f"{prefix}_lengths": self.lengths,
            f"{prefix}_terms": np.array(self.terms() or [""], dtype=str)[: len(self.vocab)],
        }  # fmt: skip

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], prefix: str) -> Bm25:
        """The arrays of `arrays` are used as they are (memory-mapped ones stay so: nothing reads them whole); only
        counts of the former types (float32) are converted."""
        shape = tuple(int(x) for x in arrays[f"{prefix}_shape"])
        data, indices, indptr = (arrays[f"{prefix}_{key}"] for key in ("data", "indices", "indptr"))
        matrix = sparse.csc_array((data, indices, indptr), shape=shape, copy=False)
        if data.dtype.kind != "u":
            matrix = _compact(matrix)
        return cls(
            arrays[f"{prefix}_ids"].astype(np.int64),
            arrays[f"{prefix}_lengths"].astype(np.float32),
            matrix,
            {str(t): i for i, t in enumerate(arrays[f"{prefix}_terms"])},
        )


class Keywords:
    """BM25 over segments and their live-row masks, scored as one index: the live row count and the average
    length are computed once, when the masks are set, not at every query."""

    def __init__(self, parts: Sequence[tuple[Bm25, npt.NDArray[np.bool_]]]) -> None:
        self.parts = parts
        self.live = sum(int(alive.sum()) for _, alive in parts)
        lengths = sum(float(bm.lengths[alive].sum()) for bm, alive in parts)
        self.avgdl = lengths / self.live if self.live and lengths else 1.0

    def scores(self, tokens: Sequence[str]) -> tuple[Ids, Scores]:
        """(chunk ids, Okapi BM25 scores) of every live row sharing a term with the query, unordered."""
        query = sorted(set(tokens))
        if not query or not self.live:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        matched = [bm.matches(query, alive) for bm, alive in self.parts]
        df = np.zeros(len(query), np.float64)
        for _, _, position in matched:
            df += np.bincount(position, minlength=len(query))
        idf = np.log1p((self.live - df + 0.5) / (df + 0.5))
        ids, scores = [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
        for (bm, _), (rows, tf, position) in zip(self.parts, matched, strict=True):
            if not len(rows):
                continue
            norm = BM25_K1 * (1 - BM25_B + BM25_B * bm.lengths[rows] / self.avgdl)
            total = np.bincount(rows, weights=idf[position] * tf * (BM25_K1 + 1) / (tf + norm), minlength=len(bm))
            hit = np.flatnonzero(total > 0)
            ids.append(bm.ids[hit])
            scores.append(total[hit].astype(np.float32))
        return np.concatenate(ids), np.concatenate(scores)
