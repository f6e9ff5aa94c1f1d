"""The formulas of an official document that assign nothing, though they name units and duties.

A decision's preamble (the enacting body in capitals over its legal basis: "Căn cứ …", "Theo đề nghị …"), the
closing execution clause ("… chịu trách nhiệm thi hành Quyết định này"), the conditional closing ("Trong quá
trình thực hiện, nếu có khó khăn …"), the signature block and a công điện's addressees. `ingest.assignments`
asks these before it reads a heading or a sentence as an assignment.
"""

from __future__ import annotations

import re

from ingest.outline import Node
from ingest.vntext import fold

# "Theo đề nghị của A, B …": the request a decision answers, then its enacting body ("…, Chính phủ ban hành Nghị
# định …"); a decision's preamble is such requests and its legal basis ("Căn cứ …") under the enacting body.
REQUEST = re.compile(r"(?:theo|xet) (?:de nghi|de xuat|to trinh)\b")
_BASIS = re.compile(rf"\W*(?:(?P<can_cu>can cu)\b|tren co so\b|{REQUEST.pattern})")
_ENACTS = re.compile(r"\bban hanh (?:luat|bo luat|nghi dinh|nghi quyet|thong tu|quyet dinh|chi thi|phap lenh)\b")
_FIRST_LETTERS = re.compile(r"[^\W\d_]+")
_SIGNED = re.compile(r"\(\s*(?:đã ký|Đã ký|ĐÃ KÝ|ký|Ký)\b[^()]{0,40}\)")  # "(Đã ký)", "(Ký, ghi rõ họ tên)"
_CLOSING = re.compile(
    r"chiu trach nhiem (?:thi hanh|to chuc thi hanh|trien khai thuc hien|thuc hien) (?:quyet dinh|chi thi|quy che"
    r"|ke hoach|van ban|thong bao|nghi quyet) nay|can cu quyet dinh (?:nay )?thi hanh"
    r"|chiu trach nhiem thi hanh\b|thong bao (?:de|den)\b[^.]{0,160}\b(?:biet|thuc hien)\b"
)
_CONDITIONAL = re.compile(
    r"^(?:trong qua trinh (?:to chuc |trien khai )?(?:thuc hien|trien khai)|neu co|truong hop (?:co )?(?:kho khan"
    r"|vuong mac|phat sinh))[^.]{0,80}(?:kho khan|vuong mac|phat sinh)"
)
_CONDITIONAL_OPENINGS = ("trong quá", "nếu có", "trường hợp")
# "THỦ TƯỚNG CHÍNH PHỦ điện:" (also "Chủ tịch UBND tỉnh điện:") opens the addressees of a công điện, not a
# unit's duties; an issuer's title, then "điện" and a colon ("… thị trường điện:" is a heading like any other).
ADDRESSEES = re.compile(
    r"^\W*(?:THỦ TƯỚNG|Thủ tướng|BỘ TRƯỞNG|Bộ trưởng|CHỦ TỊCH|Chủ tịch)(?!\w)[^:\n]{0,80}?\W(?:điện|ĐIỆN)\W*:\W*$"
)


def is_preamble(node: Node) -> bool:
    """A decision's preamble: an unnumbered line in capitals (the enacting body) whose lines are all its legal basis
    ("Căn cứ …", "Trên cơ sở …", "Theo/Xét đề nghị …"), one of them a "Căn cứ"; a line that opens with no capitalised
    word ("tháng", "/BC-UBPLTP15 ngày") is a piece of the line before it, broken by a web page."""
    if node.kind != "caps":
        return False
    lines = [child.text for child in node.children if child.label or _opens_sentence(child.text)]
    bases = [_BASIS.match(fold(line[:24])) for line in lines]
    return all(bases) and any(b is not None and b.group("can_cu") for b in bases)


def is_enacting_formula(node: Node, previous: Node | None) -> bool:
    """The enacting formula that ends a preamble: "Bộ trưởng Bộ X ban hành Thông tư …", "Chính phủ ban hành Nghị
    định …", "Quốc hội ban hành Luật …", right after the last line of the legal basis ("Căn cứ …", "Theo đề nghị …")."""
    if previous is None or node.children or not _BASIS.match(fold(previous.text[:24])):
        return False
    return _ENACTS.search(fold(node.text[:240])) is not None


def is_signature(node: Node) -> bool:
    """A signature block: the signer's title in capitals ("CHỦ TỊCH QUỐC HỘI") over "(Đã ký)" and a name."""
    return node.kind == "caps" and all(_SIGNED.fullmatch(c.text) or _is_person(c.text) for c in node.children)


def _is_person(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in words)


def _opens_sentence(text: str) -> bool:
    word = _FIRST_LETTERS.search(text)
    return word is not None and word.group()[0].isupper() and word.group()[1:2].islower()


def is_closing(node: Node) -> bool:
    """The closing clause, also when a web page broke its line ("… Giám đốc Sở" / "Khoa học và Công nghệ, … chịu
    trách nhiệm thi hành Quyết định này"): a line that ends no sentence reads on into its first unmarked line."""
    if is_closing_text(node.text):
        return True
    first = node.children[0] if node.children else None
    wrapped = first is not None and first.kind == "para" and node.text[-1:] not in ".:;"
    return wrapped and first is not None and is_closing_text(f"{node.text} {first.text}")


def is_closing_text(sentence: str) -> bool:
    """The closing execution clause or the conditional closing, in one sentence."""
    if sentence[:12].lower().startswith(_CONDITIONAL_OPENINGS) and _CONDITIONAL.match(fold(sentence[:200])):
        return True
    cues = "thi hành" in sentence or "chịu trách nhiệm" in sentence or "thông báo" in sentence
    return cues and _CLOSING.search(fold(sentence)) is not None
