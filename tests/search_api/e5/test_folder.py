"""The model folder (search_api.e5.folder): a complete sentence-transformers model, built once and reused, replaced
when stale, and its ONNX export made once with dynamic batch and sequence axes."""

from __future__ import annotations

import json
from pathlib import Path

from search_api.e5.folder import MARKER, ONNX_FILE, build_e5_folder, export_onnx
from search_api.embedding import OnnxEmbedder


def test_folder_is_a_complete_sentence_transformers_model(folder: Path) -> None:
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["BertModel"] and config["vocab_size"] == 250037
    # The ONNX export is made in the same folder by whichever test needs it first: not part of the model's storage.
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.parent.name != ONNX_FILE.parent.name)
    assert 200e6 < size < 300e6  # float16 storage
    assert not list(folder.parent.glob(f".{folder.name}.*"))  # no temporary folder left behind


def test_second_build_reuses_the_folder(folder: Path) -> None:
    before = (folder / "model.safetensors").stat().st_mtime_ns
    assert build_e5_folder(folder) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == before


def test_stale_marker_triggers_a_rebuild(folder: Path, tmp_path: Path) -> None:
    """A folder whose marker does not match (other source, older format) is replaced, never reused."""
    stale = tmp_path / "e5"
    stale.mkdir()
    (stale / MARKER).write_text(json.dumps({"format": 0}), encoding="utf-8")
    (stale / "model.safetensors").write_bytes(b"junk")
    build_e5_folder(stale)
    assert (stale / MARKER).read_text(encoding="utf-8") == (folder / MARKER).read_text(encoding="utf-8")
    assert (stale / "model.safetensors").stat().st_size > 1e8


def test_onnx_export_is_made_once(folder: Path, onnx_e5: OnnxEmbedder) -> None:
    target = folder / ONNX_FILE
    before = target.stat().st_mtime_ns
    assert export_onnx(folder) == target and target.stat().st_mtime_ns == before
    OnnxEmbedder(folder)
    assert target.stat().st_mtime_ns == before
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary file left behind
    assert 250e6 < target.stat().st_size < 320e6  # the float16 word table, not a float32 copy


def test_onnx_graph_has_dynamic_batch_and_sequence(onnx_e5: OnnxEmbedder) -> None:
    inputs = onnx_e5.session.get_inputs()
    assert [i.name for i in inputs] == ["input_ids", "attention_mask"]
    assert all(i.shape == ["batch", "sequence"] for i in inputs)
