"""Reading an E5S1 file: header, vocabulary, normalisation map, tensor directory, and 4-bit dequantisation."""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
_F32, _Q4_0 = 0, 1  # tensor dtypes in the directory


@dataclass(frozen=True)
class TensorEntry:
    """Where one tensor lives in the file."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """Everything in an E5S1 file except the tensor bytes, which are read on demand."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block: int
    pieces: tuple[tuple[str, float], ...]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: Mapping[int, str]
    tensors: Mapping[str, TensorEntry]


class _Cursor:
    """Sequential little-endian reads over a buffer."""

    def __init__(self, buf: bytes | mmap.mmap) -> None:
        self.buf, self.pos = buf, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        out = bytes(self.buf[self.pos : self.pos + n])
        self.pos += n
        return out


def read_e5_header(buf: bytes | mmap.mmap) -> E5File:
    """Parse the header, tokenizer, normalisation map and tensor directory of an E5S1 image."""
    c = _Cursor(buf)
    if c.raw(4) != b"E5S1":
        raise ValueError("not an E5S1 file (bad magic)")
    c.take("I")  # version: the layout below is the only one known
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = c.take("7i")
    (eps,) = c.take("f")
    (block,) = c.take("i")
    n, bos, eos, pad, unk = c.take("5i")
    (blob_len,) = c.take("Q")
    offsets = np.frombuffer(c.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(c.raw(4 * n), dtype="<f4")
    blob = c.raw(blob_len)
    pieces = tuple((blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n))
    n_norm, norm_bytes = c.take("iI")
    end = c.pos + norm_bytes
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        cp, k = c.take("IB")
        normalization[cp] = "".join(map(chr, c.take(f"{k}I")))
    if c.pos != end:
        raise ValueError("normalisation map length mismatch")
    (count,) = c.take("i")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_len,) = c.take("H")
        name = c.raw(name_len).decode("ascii")
        tensors[name] = TensorEntry(*c.take("BIQQ"))
    return E5File(
        hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, float(eps), block,
        pieces, bos, eos, pad, unk, normalization, tensors,
    )  # fmt: skip


def dequantize_q4_0(raw: npt.NDArray[np.uint8], block: int = 32) -> Floats:
    """Q4_0 bytes → float32 values: per block a float16 scale, then value j / j+16 in the low / high nibble."""
    blocks = raw.reshape(-1, 2 + block // 2)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32)
    values -= 8
    values *= scale  # in place: the word embeddings alone are 96 M values
    return values.reshape(-1)


def _tensor(buf: mmap.mmap, e5: E5File, name: str, shape: tuple[int, ...]) -> Floats:
    entry = e5.tensors[name]
    raw = np.frombuffer(buf, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
    if entry.dtype == _Q4_0:
        values = dequantize_q4_0(raw, e5.block)
    elif entry.dtype == _F32:
        values = raw.view("<f4").astype(np.float32)
    else:
        raise ValueError(f"{name}: unknown dtype {entry.dtype}")
    if values.size != entry.count or entry.count != int(np.prod(shape)):
        raise ValueError(f"{name}: {entry.count} values, expected shape {shape}")
    return values.reshape(shape)


# E5S1 layer tensor → (BertModel sub-module, weight shape in units of (H, FF)); biases follow the output size.
_LAYER_TENSORS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "q": ("attention.self.query", ("H", "H")),
    "k": ("attention.self.key", ("H", "H")),
    "v": ("attention.self.value", ("H", "H")),
    "ao": ("attention.output.dense", ("H", "H")),
    "aln": ("attention.output.LayerNorm", ("H",)),
    "fi": ("intermediate.dense", ("FF", "H")),
    "fo": ("output.dense", ("H", "FF")),
    "oln": ("output.LayerNorm", ("H",)),
}


def bert_state_dict(buf: mmap.mmap, e5: E5File) -> Iterator[tuple[str, Floats]]:
    """The file's tensors under Hugging Face `BertModel` names, dequantised (the file maps one-to-one)."""
    h = e5.hidden
    dims = {"H": h, "FF": e5.intermediate}
    yield "embeddings.word_embeddings.weight", _tensor(buf, e5, "emb.word", (e5.vocab, h))
    yield "embeddings.position_embeddings.weight", _tensor(buf, e5, "emb.pos", (e5.max_positions, h))
    yield "embeddings.token_type_embeddings.weight", _tensor(buf, e5, "emb.type", (e5.type_vocab, h))
    yield "embeddings.LayerNorm.weight", _tensor(buf, e5, "emb.ln.w", (h,))
    yield "embeddings.LayerNorm.bias", _tensor(buf, e5, "emb.ln.b", (h,))
    for i in range(e5.layers):
        for short, (module, shape_names) in _LAYER_TENSORS.items():
            shape = tuple(dims[d] for d in shape_names)
            yield f"encoder.layer.{i}.{module}.weight", _tensor(buf, e5, f"l{i}.{short}.w", shape)
            yield f"encoder.layer.{i}.{module}.bias", _tensor(buf, e5, f"l{i}.{short}.b", shape[:1])
    # The file has no pooler (mean pooling never uses it); zeros keep the load free of "newly initialised" noise.
    yield "pooler.dense.weight", np.zeros((h, h), dtype=np.float32)
    yield "pooler.dense.bias", np.zeros((h,), dtype=np.float32)
