"""Prose assignments → `Assignment`s: who must do what, read from the outline of the paragraphs.

Four structures assign work (realdocs/TASKS.md), each fixed as a rule on the outline (`ingest.outline`), never on
one document's wording:

1. **A unit heading** owns the items under it: "1. Sở Nội vụ", "Điều 14. Trách nhiệm của Sở Y tế", "Giao Sở X:",
   "Đề nghị Ủy ban MTTQ …", "Sở Tài chính có trách nhiệm:", "UBND các xã, phường:". Each item (with its
   sub-items) is one task led by the heading's units; an item that is itself an introduction ("a) Chủ trì, phối
   hợp với Y:") hands the heading's units down to its own items. A heading with no items is one task itself.
2. **An assigning sentence**: "Giao X chủ trì, phối hợp với Y …", "X có trách nhiệm …", "X chủ trì …", "Đề nghị X …",
   "X tổ chức/triển khai/tham mưu …". A paragraph whose sentences name several actors gives one task per actor.
3. **A labelled block**: "Nội dung/Nhiệm vụ: … Cơ quan chủ trì: … Cơ quan phối hợp: … Thời gian thực hiện: …".
4. Roles inside an item: "Chủ trì, phối hợp với Y …" / "Phối hợp với Y …" / "…; phối hợp X …" add Y as a
   cooperating unit; the heading's units stay the lead.

Not tasks: the closing execution clause ("… chịu trách nhiệm thi hành Quyết định này"), the conditional closing
("Trong quá trình thực hiện, nếu có khó khăn, vướng mắc …"), descriptions of what was done ("đã …"), statements of
function ("… là cơ quan chuyên môn …", "… giúp Chính phủ thống nhất quản lý …"), and purpose, objective or scope
sections (Mục đích, Yêu cầu, Mục tiêu, Phạm vi …) unless a unit heading sits inside them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from ingest.outline import Node, outline
from ingest.records import AgentRef
from ingest.units import UNIT_HEADS, UNIT_POSTS
from ingest.vntext import fold, new_tones, word_alternation

Refs = tuple[AgentRef, ...]


class Resolver(Protocol):
    """What assignments need from `ingest.units.UnitResolver`."""

    def resolve(self, cell_text: str) -> Refs: ...


@dataclass(frozen=True, slots=True)
class Assignment:
    """One prose task before it becomes a `Task`: its span, number and roles, and its deadline phrase."""

    start: int
    end: int
    number: str | None
    lead: Refs
    cooperate: Refs
    deadline: str | None


# --- words ---------------------------------------------------------------------------------------------------

_UNIT_START = re.compile(rf"(?:(?:{UNIT_POSTS})\s+)*(?:{UNIT_HEADS})(?!\w)")
# The first word of every post and head (and of fragments inside them: a superset): a text whose first word is none
# of these cannot match _UNIT_START, so a set look-up spares trying its long alternation on most sentences.
_UNIT_WORDS = frozenset(m.group() for alt in f"{UNIT_POSTS}|{UNIT_HEADS}".split("|") if (m := re.match(r"\w+", alt)))
_WORD = re.compile(r"\w+")
_TRAILING_ASIDE = re.compile(r"\s*\([^)]*\)?\s*$")  # "Sở Y tế (chủ trì)": the phrase without it
_TRAILING_AND = re.compile(r"\s+(?:và|cùng)$")
_CLAUSE_CUT = re.compile(r"[;:]\s+")
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
    "khong thuoc",
)  # fmt: skip
_VERB = re.compile(rf"{word_alternation(_VERB_WORDS)}|:|;|\.|\(")
# Folded verbs that other words fold to as well: the verb only where the text has its accents.
_ACCENTED = {"co": "có", "da": "đã", "dang": "đang", "se": "sẽ", "mo": "mở", "dua": "đưa", "lam": "làm", "la": "là"}
_DETERMINER = re.compile(r"\b(?:cac|nhung|moi)\s+$")  # "các tổ chức …": a noun after a determiner, not a verb
# Not verbs here: "…, tổ chức chính trị - xã hội", "… có liên quan".
_NOUN_AFTER = re.compile(r"to chuc (?:chinh tri|thanh vien|doan the|xa hoi|hoi)|co lien quan|co lien\b")
# A group that opens with a bare "Cơ quan", "Đơn vị", "Tổ chức" is a role or a verb ("Cơ quan, đơn vị lấy ý kiến
# gửi …", "Tổ chức tập huấn …"), unless it lists its members ("Cơ quan, đơn vị, địa phương …" with a determiner).
_GROUP_SUBJECT = re.compile(r"(?!(?:co quan|don vi|to chuc|ca nhan)\b)|\w+(?: \w+)?, ")
_HEADING_CUE = re.compile(
    r"(?:trách nhiệm(?: của| thực hiện)?|nhiệm vụ(?: của| cụ thể của)?|phân công(?: nhiệm vụ)?(?: cho)?"
    r"|giao(?: cho)?|đề nghị|yêu cầu|nội dung|đối với|về phía)\s+"
)
# An adverbial opening before the subject: "Trong thời gian tới, Tỉnh …", "Căn cứ …, các sở …", "Hằng năm, …".
_LEAD_IN = re.compile(
    r"(?:Trong|Căn cứ|Sau khi|Trên cơ sở|Đối với|Để|Hằng năm|Hàng năm|Định kỳ|Từ|Khi|Ngoài ra|Đồng thời|Theo"
    r"|Thực hiện|Tiếp tục)(?!\w)[^.;:]{0,160}?,\s+"
)
_CUE_INITIALS = frozenset("gđytnpv")  # first letters of the cues below: a cheap test before matching
_SENTENCE_CUE = re.compile(r"(?:giao(?: cho)?|đề nghị|yêu cầu)\s+")
# After the units of a heading: nothing, a colon, a parenthesis, or a role that introduces the items.
_INTRO_ROLE = re.compile(
    r"^(?:\(.*\)\s*)?:?\s*$|^(?:\(.*\)\s*)?(?:co trach nhiem|chiu trach nhiem|chu tri|phoi hop|thuc hien|la co quan"
    r"|trien khai|tap trung|theo chuc nang|can cu|trong pham vi)[^.;]*:\s*$"
    r"|^(?:\(.*\)\s*)?(?:co|chiu) trach nhiem(?:\s+(?:chu tri|thuc hien|phoi hop|cac nhiem vu|nhiem vu))*\s*$"
)
_ROLE_CHU_TRI = re.compile(r"chu tri\s*,?\s*(?:va\s+)?phoi hop\s*(?:voi\s+|cung\s+)?")
_ROLE_PHOI_HOP = re.compile(r"(?:^|[,;]\s*|\s)phoi hop\s*(?:voi\s+|cung\s+)?")
_ROLE_CUNG = re.compile(r"\bcung\s+(?=cac\s|[A-ZĐ])")
_NOT_DUTY = re.compile(
    r"^\s*(?:da|dang|duoc|se duoc|la co quan chuyen mon|la co quan tham muu|giup (?:chinh phu|ubnd|uy ban)"
    r"|co chuc nang|gom|bao gom|la thanh vien|ban hanh (?:ke hoach|quyet dinh|chuong trinh|quy che|huong dan)"
    r"[^.]*(?:nhu sau|voi (?:cac|nhung) noi dung)|ban hanh kem theo)\b"
)
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
_NON_TASK_SECTION = re.compile(
    r"^(?:muc dich|yeu cau|muc tieu|quan diem|nguyen tac|pham vi|doi tuong|giai thich|can cu|tinh hinh|ket qua"
    r"|danh gia|thuc trang|chi tieu|dinh huong|noi dung phoi hop chung|hinh thuc phoi hop|noi nhan)"
)
_LABEL = re.compile(
    r"(?P<task>noi dung(?: thuc hien| hoat dong| cong viec)?|nhiem vu|ten nhiem vu|cong viec)"
    r"|(?P<lead>(?:co quan|don vi) (?:chu tri|thuc hien|thuc hien chinh)|chu tri(?: thuc hien)?)"
    r"|(?P<cooperate>(?:co quan|don vi) phoi hop(?: thuc hien)?|phoi hop(?: thuc hien)?)"
    r"|(?P<actors>(?:co quan|don vi|trach nhiem) thuc hien|phan cong)"
    r"|(?P<deadline>thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: hoan thanh)?|tien do(?: thuc hien)?)"
    r"|(?P<other>san pham|ket qua(?: du kien)?|kinh phi|nguon kinh phi|du toan)"
)
_LABELLED = re.compile(rf"(?:{_LABEL.pattern})\s*:")
# Deadline phrases inside a task's wording.
_DEADLINE = re.compile(
    r"\b(?:truoc|cham nhat(?: (?:vao|la))?|hoan thanh(?: truoc| trong)?|trong|xong truoc|den|tu)\s+"
    r"(?:ngay\s+\d{1,2}\s*(?:/\s*\d{1,2}(?:\s*/\s*\d{4})?|thang\s+\d{1,2}(?:\s+nam\s+\d{4})?)"
    r"|thang\s+\d{1,2}(?:\s*/\s*\d{4}|\s+nam\s+\d{4})?|quy\s+[ivx1-4]+(?:\s*/\s*\d{4}|\s+nam\s+\d{4})?"
    r"|nam\s+\d{4}|6 thang (?:dau|cuoi) nam(?:\s+\d{4})?"
    r"|(?:thoi han|thoi gian|vong)\s+\d{1,3}(?:\s*\([^)]{1,20}\))?\s+ngay(?: lam viec)?"
    r"(?:[^.;]{0,60}?ke tu[^.;,]{0,60})?)"
    r"|\bcham nhat(?: (?:la|sau))?\s+\d{1,3}\s+ngay(?: lam viec)?(?:[^.;]{0,60}?ke tu[^.;,]{0,60})?"
    r"|\b(?:ngay|thang|quy|nam)\s+\d[\d/]*\s*(?=[.;]|$)"
)
_TIME_LABEL = re.compile(r"(?:^|\n|[-+•]\s*)(?:thoi gian(?: thuc hien| hoan thanh)?|thoi han(?: hoan thanh)?)\s*:\s*")
_LEADING_FREQUENCY = re.compile(
    r"^(?:dinh ky\s+)?(?:hang|moi)\s+(?:ngay|tuan|thang|quy|nam)(?:\s*,\s*(?:hang\s+)?(?:thang|quy|nam|6 thang))*"
    r"(?:\s*\(?\s*truoc ngay\s+\d{1,2}(?:\s*/\s*\d{1,2}|\s+thang\s+\d{1,2})\s*\)?)?"
    r"|^thuong xuyen|^dinh ky\s+(?:hang|moi)\s+\w+"
)
_SENTENCE_END = re.compile(r"[.;:]\s+(?=[A-ZĐÀ-Ỹ])")  # a sentence starts after the spaces
_SUB_INTRO = re.compile(
    r"^(?:chu tri\s*,?\s*(?:va\s+)?phoi hop|phoi hop(?:\s+voi)?|la co quan chu tri|cac nhiem vu\b)"
    r"|(?:nhiem vu|noi dung|cong viec)(?: cu the)?(?: nhu)? sau\s*:$|cu the(?: nhu sau)?\s*:$"
)
_CONNECTIVES = frozenset(("va", "cac", "cung", "voi", "tat", "ca", "toan", "the", "cua", "thuoc"))
_PHRASE_MAX = 220


# --- unit phrases --------------------------------------------------------------------------------------------


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


def _cooperating(body: str, resolver: Resolver) -> Refs:
    """Units after "phối hợp (với)" / "chủ trì, phối hợp" / "cùng" anywhere in the wording."""
    folded = fold(body)
    found: list[AgentRef] = []
    for rx in (_ROLE_CHU_TRI, _ROLE_PHOI_HOP, _ROLE_CUNG):
        for m in rx.finditer(folded if rx is not _ROLE_CUNG else body):
            hit = units_at(body, m.end(), resolver, subject=False)
            if hit:
                found.extend(r for r in hit[0] if r.id not in {f.id for f in found})
    return tuple(found)


# --- patterns on one paragraph -----------------------------------------------------------------------------


def _strip_cue(text: str, cue: re.Pattern[str]) -> int:
    if text[:1].lower() not in _CUE_INITIALS:
        return 0
    m = cue.match(text[:40].lower())
    return m.end() if m else 0


def heading_units(node: Node, resolver: Resolver) -> tuple[Refs, Refs] | None:
    """(lead, cooperate) when the paragraph is a unit heading that introduces items (or names only units)."""
    text = node.text
    at = _strip_cue(text, _HEADING_CUE)
    hit = units_at(text, at, resolver)
    if hit is None:
        return None
    refs, end = hit
    rest = fold(text[end:]).strip() if len(text) - end < 400 else fold(text[end : end + 200])
    if rest.startswith("dien"):  # "THỦ TƯỚNG CHÍNH PHỦ điện:" opens the addressees of a công điện
        return None
    if _INTRO_ROLE.match(rest) or (rest.endswith(":") and (at or node.children)):
        return refs, _cooperating(text[end:], resolver)
    return None


def sentence_units(text: str, resolver: Resolver) -> tuple[Refs, Refs, int] | None:
    """(lead, cooperate, start) of an assigning sentence: "Giao X …", "X có trách nhiệm …", "Đề nghị X …"."""
    at = _strip_cue(text, _SENTENCE_CUE)
    starts = [at]
    lead_in = _LEAD_IN.match(text) if not at else None
    if lead_in:  # "Trong thời gian tới, Tỉnh …", "Căn cứ …, các sở …"
        starts.append(lead_in.end())
    for start in starts:
        hit = units_at(text, start, resolver)
        if hit is None:
            continue
        refs, end = hit
        rest = fold(text[end : end + 400])
        tail = rest.lstrip()
        if not tail or (not at and (tail[0] in ";." or (tail[0] == ":" and not tail[1:].lstrip()[:1].isalpha()))):
            continue  # a list or heading ("Sở Nội vụ:", "X; Y;"), not "UBND các xã: tổ chức …" with its work inline
        if _NOT_DUTY.match(rest):
            return None
        return refs, _cooperating(text[end:], resolver), start
    return None


def _deadline(body: str) -> str | None:
    """The deadline phrase of a task's wording: a "Thời gian thực hiện:" line, a leading frequency, or a dated limit
    anywhere."""
    folded = fold(body)
    label = _TIME_LABEL.search(folded) if "thoi " in folded else None  # both labels start "thoi "; no fast start
    if label:
        return body[label.end() : label.end() + 120].split("\n")[0].strip(" .;") or None
    lead = _LEADING_FREQUENCY.match(folded)
    if lead:
        return body[: lead.end()].strip(" ,(")
    m = _DEADLINE.search(folded)
    return body[m.start() : m.end()].strip(" ,.;") if m else None


# --- the outline walk ----------------------------------------------------------------------------------------


def prose_assignments(text: str, skip: Sequence[tuple[int, int]], resolver: Resolver) -> list[Assignment]:
    """Every prose task of a document, in document order."""
    found: list[Assignment] = []
    for root in outline(text, skip):
        found.extend(_walk(root, text, resolver, excluded=False))
    return sorted(found, key=lambda a: a.start)


def _walk(node: Node, text: str, resolver: Resolver, *, excluded: bool) -> Iterator[Assignment]:
    if _is_closing(node):
        yield from _children(node.children, text, resolver, excluded=excluded)
        return
    if node.children and (roles := heading_units(node, resolver)) is not None:
        yield from _owned(node, text, resolver, *roles)
        return
    if node.children and _is_block(node.children):
        yield from _blocks(node.children, text, resolver)
        return
    if node.kind == "closer":
        return
    excluded = excluded or bool(node.children and _NON_TASK_SECTION.match(fold(node.text[:60])))
    if not node.children or (_is_details(node) and sentence_units(node.text, resolver) is not None):
        if not excluded:  # a paragraph, or an assigning item whose sub-items detail it: its sentences
            yield from _sentences(node, text, resolver, node.stop)
        return
    if not excluded:  # a heading that assigns in its own words ("Điều 2. Giao Sở Nội vụ chủ trì …")
        yield from _sentences(node, text, resolver, node.end)
    yield from _children(node.children, text, resolver, excluded=excluded)


def _children(children: list[Node], text: str, resolver: Resolver, *, excluded: bool) -> Iterator[Assignment]:
    i = 0
    while i < len(children):
        child = children[i]
        if _label(child) == "task":
            block = [child]
            while i + 1 < len(children) and _label(children[i + 1]) not in (None, "task"):
                i += 1
                block.append(children[i])
            if len(block) > 1:
                yield from _blocks(block, text, resolver)
                i += 1
                continue
        yield from _walk(child, text, resolver, excluded=excluded)
        i += 1


def _is_details(node: Node) -> bool:
    """Whether a node's children only detail its own wording (sub-bullets of one item)."""
    return not node.text.rstrip().endswith(":") and node.kind not in ("pl", "chuong", "dieu", "roman", "caps")


def _is_closing(node: Node) -> bool:
    return _is_closing_text(node.text)


def _owned(owner: Node, text: str, resolver: Resolver, lead: Refs, coop: Refs) -> Iterator[Assignment]:
    """The items of a unit heading, each a task of its units (sub-headings hand the units down)."""
    for child in owner.children:
        if _is_closing(child):
            continue
        if child.children and heading_units(child, resolver) is not None:
            yield from _walk(child, text, resolver, excluded=False)
            continue
        if child.children and _is_sub_intro(child):  # "a) Chủ trì, phối hợp với Y:" + items
            sub_coop = _merge(coop, _cooperating(child.text, resolver))
            for item in child.children:
                yield from _item(item, text, resolver, lead, sub_coop, number=_number(owner, child, item))
            continue
        if _label(child) is not None and child.children and _is_block(child.children):
            yield from _blocks(child.children, text, resolver, lead=lead)
            continue
        yield from _item(child, text, resolver, lead, coop, number=_number(owner, child))


def _is_sub_intro(node: Node) -> bool:
    """An item that only hands roles to its own items: "Chủ trì, phối hợp với Y:", "Thực hiện các nhiệm vụ sau:"."""
    folded = fold(node.text).strip()
    return bool(_SUB_INTRO.match(folded)) and (folded.endswith(":") or len(folded) <= 160)


def _item(
    node: Node, text: str, resolver: Resolver, lead: Refs, coop: Refs, *, number: str | None
) -> Iterator[Assignment]:
    """One item of a unit heading; a clause after ";" with its own actor and its own deadline is its own duty
    ("các phòng gửi báo cáo … trước ngày 12/3; Văn phòng Sở tổng hợp … trước ngày 16/3")."""
    body = node.text
    parts: list[tuple[int, Refs, Refs]] = []
    clauses = _clauses(body)
    for k, (offset, clause) in enumerate(clauses):
        own = sentence_units(clause, resolver)
        if not parts and own is None and clause.rstrip().endswith(":") and k + 1 < len(clauses):
            continue  # a leading label ("Báo cáo quý I:"): the clause after it opens the duty
        mine = own is not None and own[2] == 0
        if k and mine and own is not None and parts and _DEADLINE.search(fold(clause)):
            parts.append((offset, own[0], own[1]))
        elif not parts:
            first = own if mine or (own is not None and offset == 0) else None
            if first is not None and not _same(first[0], lead):
                parts.append((0, first[0], first[1]))
            else:
                parts.append((0, lead, _merge(coop, _cooperating(body, resolver))))
    for k, (offset, unit_lead, unit_coop) in enumerate(parts):
        start = node.body + offset
        end = node.body + parts[k + 1][0] if k + 1 < len(parts) else node.stop
        part_coop = tuple(r for r in unit_coop if r.id not in {x.id for x in unit_lead})
        yield Assignment(start, _trimmed(text, start, end), number, unit_lead, part_coop, _deadline(text[start:end]))


def _clauses(body: str) -> list[tuple[int, str]]:
    """The clauses of an item: cut after "; " and after a leading label's ": " ("Báo cáo quý I: các phòng …")."""
    cuts = [0, *(m.end() for m in _CLAUSE_CUT.finditer(body))]
    return [(a, body[a:b]) for a, b in zip(cuts, [*cuts[1:], len(body)], strict=True)]


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " ;":
        end -= 1
    return end


def _sentences(node: Node, text: str, resolver: Resolver, stop: int) -> Iterator[Assignment]:
    """Assigning sentences of one paragraph (and its detail lines): one task per actor."""
    body = node.text
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(body))]
    current: tuple[int, Refs, Refs] | None = None
    for k, cut in enumerate(cuts):
        sentence = body[cut : cuts[k + 1] if k + 1 < len(cuts) else len(body)]
        hit = sentence_units(sentence, resolver)
        if hit is None or _is_closing_text(sentence):  # the closing check only where an actor was found
            continue
        lead, coop, _ = hit
        if current is not None:
            yield _assignment(text, node, current, node.body + cut)
        current = (node.body + cut, lead, coop)
    if current is not None:
        yield _assignment(text, node, current, stop)


def _assignment(text: str, node: Node, current: tuple[int, Refs, Refs], end: int) -> Assignment:
    start, lead, coop = current
    coop = tuple(r for r in coop if r.id not in {x.id for x in lead})
    number = node.label.rstrip(".") or None
    return Assignment(start, end, number, lead, coop, _deadline(text[start:end]))


def _is_closing_text(sentence: str) -> bool:
    if sentence[:12].lower().startswith(_CONDITIONAL_OPENINGS) and _CONDITIONAL.match(fold(sentence[:200])):
        return True
    cues = "thi hành" in sentence or "chịu trách nhiệm" in sentence or "thông báo" in sentence
    return cues and _CLOSING.search(fold(sentence)) is not None


# --- labelled blocks -----------------------------------------------------------------------------------------


def _label(node: Node) -> str | None:
    m = _LABELLED.match(fold(node.text[:60])) if ":" in node.text[:60] else None
    return m.lastgroup if m else None


def _is_block(nodes: Sequence[Node]) -> bool:
    labels = {_label(n) for n in nodes}
    return "task" in labels and bool(labels & {"lead", "actors"})


def _blocks(nodes: Sequence[Node], text: str, resolver: Resolver, *, lead: Refs = ()) -> Iterator[Assignment]:
    """One task per "Nội dung … / Cơ quan chủ trì … / Phối hợp … / Thời gian …" block (per lead when several)."""
    content: Node | None = None
    leads: list[tuple[Refs, Refs, Node]] = []
    coop: Refs = ()
    deadline: str | None = None
    for node in nodes:
        label = _label(node)
        value = node.text.split(":", 1)[1].strip() if ":" in node.text else ""
        if label == "task":
            content = node
        elif label == "lead":  # "Sở Nội vụ chủ trì, phối hợp với Sở Y tế" or a bare list of leads
            hit = sentence_units(value, resolver)
            leads.append((hit[0], hit[1], node) if hit is not None else (resolver.resolve(value), (), node))
        elif label == "cooperate":
            coop = _merge(coop, resolver.resolve(value))
        elif label == "actors":
            parts = [(c.text, c) for c in node.children] if not value and node.children else [(value, node)]
            for part, where in parts:
                hit = sentence_units(part, resolver)
                if hit is not None:
                    leads.append((hit[0], hit[1], where))
        elif label == "deadline":
            deadline = value or None
    if content is None:
        return
    if not leads and lead:
        leads = [(lead, (), content)]
    start = content.body + (content.text.index(":") + 1 if ":" in content.text else 0)
    start += len(text[start:]) - len(text[start:].lstrip(" "))
    stop = max(n.stop for n in nodes)
    for k, (unit_lead, unit_coop, where) in enumerate(leads):
        begin = start if k == 0 else where.body
        end = stop if len(leads) == 1 else (where.stop if k else max(content.stop, where.stop))
        both = tuple(r for r in _merge(unit_coop, coop) if r.id not in {x.id for x in unit_lead})
        yield Assignment(begin, end, None, unit_lead, both, deadline)


# --- small helpers -------------------------------------------------------------------------------------------


def _merge(a: Refs, b: Refs) -> Refs:
    seen = {r.id for r in a}
    return a + tuple(r for r in b if r.id not in seen)


def _same(a: Refs, b: Refs) -> bool:
    return {r.id for r in a} == {r.id for r in b}


def _number(*nodes: Node) -> str | None:
    labels = [n.label.rstrip(".") for n in nodes if n.label and n.kind not in ("dash", "plus", "bullet", "para")]
    return ".".join(labels) or None
