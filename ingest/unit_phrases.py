"""Unit phrases in prose: where a phrase that names units starts and ends, which units it names, and the partners
after "phối hợp (với)", "chủ trì, phối hợp", "cùng".

A phrase runs from a unit's head word ("Sở", "Ủy ban nhân dân", "các sở, ban, ngành", "Giám đốc Sở …") to the
first duty verb or clause punctuation after it, read on accent-folded text; a capitalised word is part of a name.
It names units only when the resolver covers it all but a few connectives.
"""

from __future__ import annotations

import re
from typing import Protocol

from ingest.records import AgentRef
from ingest.unit_names import UNIT_HEADS, UNIT_POSTS
from ingest.vntext import fold, new_tones, word_alternation

Refs = tuple[AgentRef, ...]


class Resolver(Protocol):
    """What assignments need from `ingest.units.UnitResolver`."""

    def resolve(self, cell_text: str) -> Refs: ...


_UNIT_START = re.compile(rf"(?:(?:{UNIT_POSTS})\s+)*(?:{UNIT_HEADS})(?!\w)")
# The first word of every post and head (and of fragments inside them: a superset): a text whose first word is none
# of these cannot match _UNIT_START, so a set look-up spares trying its long alternation on most sentences.
_UNIT_WORDS = frozenset(m.group() for alt in f"{UNIT_POSTS}|{UNIT_HEADS}".split("|") if (m := re.match(r"\w+", alt)))
_WORD = re.compile(r"\w+")
_TRAILING_ASIDE = re.compile(r"\s*\([^)]*\)?\s*$")  # "Sở Y tế (chủ trì)": the phrase without it
_TRAILING_AND = re.compile(r"\s+(?:và|cùng)$")
# Where a unit phrase ends: the first duty verb or modal after it (on folded text; a capitalised word is part of a
# name: "Sở Xây dựng", "Ban Quản lý").
_VERB_WORDS = (
    "phai", "co trach nhiem", "chiu trach nhiem", "theo chuc nang", "chu dong", "chu tri", "phoi hop", "thuc hien",
    "trien khai", "tham muu", "to chuc", "xay dung", "bao cao", "theo doi", "kiem tra", "huong dan", "ra soat",
    "tang cuong", "nghiem tuc", "tiep tuc", "khan truong", "can", "giup", "quan tam", "ban hanh", "co y kien",
    "dam bao", "bao dam", "tich cuc", "dinh ky", "gui", "tong hop", "tham gia", "nghien cuu", "de xuat",
    "hoan thanh", "cung cap", "cap nhat", "don doc", "chi dao", "quan ly", "giam sat", "bo tri", "uu tien", "lam",
    "la", "xem xet", "khao sat", "tuyen truyen", "phat dong", "van dong", "day manh", "nang cao", "phat huy",
    "tao dieu kien", "ho tro", "thuong xuyen", "kip thoi", "dang tai", "trinh", "tiep nhan", "xu ly", "giai quyet",
    "thong bao", "cong bo", "phan cong", "can cu", "trong pham vi", "tap trung", "chu dong", "thong nhat",
    "phoi hop chat che", "rut kinh nghiem", "thuc hien tot", "bao ve", "duy tri", "van hanh", "cai thien", "ap dung",
    "ung dung", "so hoa", "sap xep", "kien toan", "thanh lap", "dua", "mo", "tiep tuc", "da", "dang", "se", "duoc",
    "cung", "doi moi", "quan triet", "lanh dao", "tap huan", "boi duong", "dao tao", "nam bat", "ra quyet dinh",
    "xay dung", "phan anh", "dang ky", "chuyen", "tiep thu", "thu hut", "keu goi", "lap", "thuc thi", "vao cuoc",
    "nghiem tuc", "khan truong", "quyet liet", "ket noi", "phat trien", "hoan thien", "bo sung", "sua doi", "co",
    "quyet dinh", "cong khai", "nam chac", "tien hanh", "uy quyen", "huy dong", "can doi", "du toan", "xac dinh",
    "danh gia", "tong ket", "so ket", "khoi phuc", "trong viec", "ve viec", "doi voi", "lien quan den",
    "khong thuoc", "yeu cau", "kiem soat", "giao", "bang", "tran trong", "tan dung", "day nhanh", "thu thap",
    "xac minh", "phe duyet", "dap ung", "kinh", "dia chi", "truc tiep",
)  # fmt: skip
_VERB = re.compile(rf"{word_alternation(_VERB_WORDS)}|:|;|\.|\(")
# Folded verbs that other words fold to as well: the verb only where the text has its accents.
_ACCENTED = {
    "co": "có", "da": "đã", "dang": "đang", "se": "sẽ", "mo": "mở", "dua": "đưa", "lam": "làm", "la": "là",
    "bang": "bằng", "kinh": "kính", "giao": "giao", "yeu cau": "yêu cầu", "kiem soat": "kiểm soát",
    "tran trong": "trân trọng", "tan dung": "tận dụng", "day nhanh": "đẩy nhanh", "thu thap": "thu thập",
    "xac minh": "xác minh", "phe duyet": "phê duyệt", "dap ung": "đáp ứng", "dia chi": "địa chỉ",
}  # fmt: skip
_DETERMINER = re.compile(r"\b(?:cac|nhung|moi)\s+$")  # "các tổ chức …": a noun after a determiner, not a verb
# Not verbs here: "…, tổ chức chính trị - xã hội", "… có liên quan".
_NOUN_AFTER = re.compile(r"to chuc (?:chinh tri|thanh vien|doan the|xa hoi|hoi)|co lien quan|co lien\b")
# A group that opens with a bare "Cơ quan", "Đơn vị", "Tổ chức" is a role or a verb ("Cơ quan, đơn vị lấy ý kiến
# gửi …", "Tổ chức tập huấn …"), unless it lists its members ("Cơ quan, đơn vị, địa phương …" with a determiner).
_GROUP_SUBJECT = re.compile(r"(?!(?:co quan|don vi|to chuc|ca nhan)\b)|\w+(?: \w+)?, ")
_ROLE_CHU_TRI = re.compile(r"chu tri\s*,?\s*(?:va\s+)?phoi hop\s*(?:voi\s+|cung\s+)?")
# Each opens with a literal letter, so the engine skips to it; the look-behind after it is the boundary before it
# ("phối hợp" at the text's start or after ",", ";" or a space; "cùng" at a word's start).
_ROLE_PHOI_HOP = re.compile(r"p(?<![^,;\s]p)hoi hop\s*(?:chat che\s+)?(?:voi\s+|cung\s+)?")
_ROLE_CUNG = re.compile(r"c(?<!\wc)ung\s+(?=cac\s|[A-ZĐ])")
_CONNECTIVES = frozenset(("va", "cac", "cung", "voi", "tat", "ca", "toan", "the", "cua", "thuoc"))
_PHRASE_MAX = 220


def _verb_at(text: str, start: int) -> int:
    """Where the first duty verb (or clause punctuation) after `start` begins, outside capitalised names."""
    base = max(0, start - 16)  # enough before `start` for a word boundary and a determiner
    stop = min(len(text), start + _PHRASE_MAX + 60)
    folded = fold(text[base:stop])  # only the window: folding the text up to `start` made long documents quadratic
    depth = 0
    for m in _VERB.finditer(folded, start - base):
        at = base + m.start()
        if m.group() == "(":
            depth += 1
            if at == start:
                continue
        if depth and m.group() not in (":", ";", "."):
            continue
        if text[at].isupper() or _DETERMINER.search(folded, max(0, m.start() - 12), m.start()):
            continue
        accented = _ACCENTED.get(m.group())
        if accented is not None and text[at : base + m.end()].lower() != accented:
            continue  # "cơ quan" folds to "co quan", "đa dạng" to "da dang": only "có", "đã" are verbs
        if not _NOUN_AFTER.match(folded, m.start()):
            return at
    return stop


def units_at(text: str, start: int, resolver: Resolver, *, subject: bool = True) -> tuple[Refs, int] | None:
    """The units of a phrase that starts at `start` and runs to its verb, and where the phrase ends.

    As a subject, a group must name its members with a determiner ("các sở, ban, ngành"): bare "Tổ chức …",
    "Đơn vị …" open a duty; after "phối hợp với" any group is a partner.
    """
    head = text[start : start + 60].lower()
    if "uỷ" in head:
        head = new_tones(head)
    first = _WORD.match(head)
    if first is None or first.group() not in _UNIT_WORDS or not _UNIT_START.match(head):
        return None
    end = _verb_at(text, start)
    phrase = _TRAILING_ASIDE.sub("", text[start:end]).strip(" ,")
    phrase = _TRAILING_AND.sub("", phrase)
    if not phrase or end - start > _PHRASE_MAX:
        return None
    refs = _units_of(phrase, resolver)
    if subject and any(r.is_group and not _GROUP_SUBJECT.match(fold(r.text)) for r in refs):
        return None
    return (refs, end) if refs else None


def _units_of(phrase: str, resolver: Resolver) -> Refs:
    """The units a phrase names, or () when it is not (only) a list of units."""
    refs = resolver.resolve(phrase)
    if not refs:
        return ()
    rest = phrase
    for ref in refs:
        rest = rest.replace(ref.text, " ", 1)
    leftover = [w for w in _WORD.findall(fold(rest)) if w not in _CONNECTIVES]
    return refs if len(leftover) <= 3 else ()


def cooperating(body: str, resolver: Resolver) -> Refs:
    """Units after "phối hợp (với)" / "chủ trì, phối hợp" / "cùng" anywhere in the wording."""
    folded = fold(body)
    found: list[AgentRef] = []
    for rx in (_ROLE_CHU_TRI, _ROLE_PHOI_HOP, _ROLE_CUNG):
        for m in rx.finditer(folded if rx is not _ROLE_CUNG else body):
            hit = units_at(body, m.end(), resolver, subject=False)
            if hit:
                found.extend(r for r in hit[0] if r.id not in {f.id for f in found})
    return tuple(found)
