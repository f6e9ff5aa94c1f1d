"""Keyword scoring: Vietnamese syllables and Okapi BM25 over a term-count matrix that rows join and leave.

BM25 is scored at query time from the counts (IDF and average length computed over the live rows), so adding or
removing a document touches only its own rows. `bm25s` precomputes every score with IDF baked in and has no
add/remove, so each re-ingested file would mean re-indexing the whole corpus: hence this small scipy version.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]  # no stubs installed: scipy-stubs would type it

from ingest.vntext import fold, new_tones
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


class Bm25:
    """Okapi BM25 over a rows × terms count matrix; rows can be appended and removed at any time."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.ids: Ids = np.zeros(0, np.int64)  # row → chunk int id, ascending
        self.lengths: npt.NDArray[np.float32] = np.zeros(0, np.float32)
        self.alive: npt.NDArray[np.bool_] = np.zeros(0, bool)
        self.matrix = sparse.csc_array((0, 0), dtype=np.float32)
        self._pending: list[tuple[int, dict[int, int]]] = []
        # Searches share one index across threads, and the first of them folds pending rows in: one at a time.
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return int(self.alive.sum()) + len(self._pending)

    def add(self, ids: Iterable[int], token_lists: Iterable[Sequence[str]]) -> None:
        with self._lock:
            self._add(ids, token_lists)

    def _add(self, ids: Iterable[int], token_lists: Iterable[Sequence[str]]) -> None:
        for chunk_id, tokens in zip(ids, token_lists, strict=True):
            counts: dict[int, int] = {}
            for token in tokens:
                col = self.vocab.setdefault(token, len(self.vocab))
                counts[col] = counts.get(col, 0) + 1
            self._pending.append((chunk_id, counts))

    def remove(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._remove(set(ids))

    def _remove(self, gone: set[int]) -> None:
        if not gone:
            return
        self._pending = [p for p in self._pending if p[0] not in gone]
        rows = np.searchsorted(self.ids, np.fromiter(gone, np.int64))
        rows = rows[(rows < len(self.ids))]
        rows = rows[np.isin(self.ids[rows], list(gone))]
        self.alive[rows] = False

    def _fold(self) -> None:
        """Fold pending rows into the matrix (ids stay ascending: new ids are always larger); under the lock."""
        if not self._pending:
            return
        self._pending.sort()
        indptr = np.cumsum([0] + [len(c) for _, c in self._pending])
        indices = np.fromiter((k for _, c in self._pending for k in c), np.int32, int(indptr[-1]))
        data = np.fromiter((v for _, c in self._pending for v in c.values()), np.float32, int(indptr[-1]))
        new = sparse.csr_array((data, indices, indptr), shape=(len(self._pending), len(self.vocab)))
        old = self.matrix
        old.resize((old.shape[0], len(self.vocab)))
        self.matrix = sparse.vstack([old, new], format="csc", dtype=np.float32)  # type: ignore[assignment]
        self.ids = np.concatenate([self.ids, np.array([i for i, _ in self._pending], np.int64)])
        self.lengths = np.concatenate([self.lengths, new.sum(axis=1).astype(np.float32)])
        self.alive = np.concatenate([self.alive, np.ones(len(self._pending), bool)])
        self._pending = []

    def compact(self) -> None:
        """Drop removed rows for good (done before saving)."""
        with self._lock:
            self._compact()

    def _compact(self) -> None:
        self._fold()
        if self.alive.all():
            return
        keep = np.flatnonzero(self.alive)
        self.matrix = self.matrix[keep, :].tocsc()  # type: ignore[assignment]
        self.ids, self.lengths, self.alive = self.ids[keep], self.lengths[keep], self.alive[keep]

    def scores(self, tokens: Sequence[str]) -> tuple[Ids, Scores]:
        """(chunk ids, scores) of every live row sharing a term with the query, unordered."""
        with self._lock:
            return self._scores(tokens)

    def _scores(self, tokens: Sequence[str]) -> tuple[Ids, Scores]:
        self._fold()
        cols = sorted({self.vocab[t] for t in tokens if t in self.vocab})
        live = int(self.alive.sum())
        if not cols or not live:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        sub = self.matrix[:, cols]
        rows, tf = sub.indices, sub.data
        col_of = np.repeat(np.arange(len(cols)), np.diff(sub.indptr))
        keep = self.alive[rows]
        rows, tf, col_of = rows[keep], tf[keep], col_of[keep]
        df = np.bincount(col_of, minlength=len(cols)).astype(np.float64)
        idf = np.log1p((live - df + 0.5) / (df + 0.5))
        avgdl = float(self.lengths[self.alive].mean()) or 1.0
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[rows] / avgdl)
        contrib = idf[col_of] * tf * (BM25_K1 + 1) / (tf + norm)
        total = np.bincount(rows, weights=contrib, minlength=len(self.ids))
        hit = np.flatnonzero(total > 0)
        return self.ids[hit], total[hit].astype(np.float32)

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        self.compact()
        m = self.matrix
        terms = np.array(sorted(self.vocab, key=self.vocab.__getitem__) or [""], dtype=str)
        return {
            f"{prefix}_data": m.data, f"{prefix}_indices": m.indices, f"{prefix}_indptr": m.indptr,
            f"{prefix}_shape": np.array(m.shape), f"{prefix}_ids": self.ids, f"{prefix}_lengths": self.lengths,
            f"{prefix}_terms": terms[: len(self.vocab)],
        }  # fmt: skip

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], prefix: str) -> Bm25:
        bm = cls()
        shape = tuple(int(x) for x in arrays[f"{prefix}_shape"])
        bm.matrix = sparse.csc_array(
            (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]), shape=shape
        )
        bm.vocab = {str(t): i for i, t in enumerate(arrays[f"{prefix}_terms"])}
        bm.ids = arrays[f"{prefix}_ids"].astype(np.int64)
        bm.lengths = arrays[f"{prefix}_lengths"].astype(np.float32)
        bm.alive = np.ones(len(bm.ids), bool)
        return bm
