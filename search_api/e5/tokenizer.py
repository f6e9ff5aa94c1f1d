"""The XLM-R SentencePiece tokenizer of an E5S1 file, rebuilt with `tokenizers` (its charsmap compiled here)."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

from search_api.e5.reader import E5File


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
