"""One normaliser for both sides of eval.score_questions: the graph's answers and gold's are compared only
through these keys (`canon`: text folded with `match_key`, trailing punctuation dropped, lists as multisets)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eval.score_seeds import citation_key, law_tokens
from ingest.vntext import match_key


def canon(value: Any) -> Any:
    """Comparable form: text folded and trimmed, numbers as floats, lists as sorted multisets."""
    if isinstance(value, str):
        return match_key(value).rstrip(" .;:,")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping):
        return {canon(k): canon(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted((canon(v) for v in value), key=repr)
    raise TypeError(f"cannot compare {type(value).__name__}")


def file_name(source: str) -> str:
    """`ingest/samples/000_c4c1da0f57cfd92b.txt` → `000_c4c1da0f57cfd92b.txt` (gold names files by basename)."""
    return Path(source).name


def words(text: str, drop: frozenset[str] = frozenset({"va"})) -> str:
    """A cell as a bag of words: "Kế hoạch, Báo cáo" equals the products listed apart."""
    return " ".join(sorted(w for w in re.findall(r"[a-z0-9]+", match_key(text)) if w not in drop))


def unit_words(text: str) -> str:
    """A unit cell as a bag of words, without "và" and the level word "tỉnh": "Phòng Ngoại vụ và các đơn vị có
    liên quan" equals the units listed apart, and a provincial plan's "Trung tâm Phục vụ hành chính công" is the
    unit resolved as "Trung tâm Phục vụ hành chính công tỉnh" (gold's own unit id)."""
    return words(text, frozenset({"va", "tinh"}))


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def iso_date(text: str | None) -> str | None:
    """`07/3/2020` (anywhere in the text) → `2020-03-07`; None stays None."""
    m = _DMY.search(text or "")
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else None


def work_key(notation: str, year: object) -> str:
    """The project's distinct key of a cited work (eval.score_seeds.citation_key)."""
    return citation_key(notation, year)


def law_key(name: str) -> str:
    """A law cited by name, keyed by its content words (`Luật Tổ chức chính quyền địa phương`)."""
    return "LUAT:" + " ".join(sorted(law_tokens(name)))


def _cid_year(cid: str | None) -> str | None:
    m = re.search(r"(?:/|_)((?:19|20)\d\d)(?:_|$)", cid or "")
    return m.group(1) if m else None


def our_work_key(citation: Mapping[str, Any]) -> str:
    if citation["notation"]:
        return work_key(citation["notation"], _cid_year(citation["cid"]) or (citation["date"] or "")[:4] or None)
    return law_key(citation["law_name"] or citation["text"])


def gold_work_key(gold_id: str) -> str:
    """`NQ:18-NQ/TW(2017)`, `CT:06-CT/TU(2016)@VinhLong`, `LUAT:to-chuc-chinh-phu(2015)` → the same keys as ours."""
    kind, body = gold_id.split(":", 1)
    body = body.split("@")[0]
    m = re.fullmatch(r"(.*)\((\d{4}|\?)\)", body)
    name, year = (m.group(1), m.group(2)) if m else (body, None)
    return law_key(name) if kind == "LUAT" else work_key(name, year)


def scope_key(scope: str) -> str:
    """`vn.soc-trang.tx-nga-nam` → `soctrang.nganam`, `vn` → `vn`."""
    parts = scope.split(".")[1:] or ["vn"]
    return ".".join(re.sub(r"[^a-z0-9]", "", re.sub(r"^(h|tx|tp|q)-", "", p)) for p in parts)


def gold_scope_key(scope: str) -> str:
    """Gold's `SocTrang`, `NgaNam.SocTrang`, `VN` → the same keys as `scope_key`."""
    return ".".join(p.lower() for p in reversed(scope.split(".")))
