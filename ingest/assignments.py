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
sections (Mục đích, Yêu cầu, Mục tiêu, Phạm vi …) unless a unit heading sits inside them; the document's formulas
(`ingest.formulas`: preamble, closing clause, signature).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ingest.deadlines import deadline_in, deadline_phrase
from ingest.formulas import (
    ADDRESSEES,
    REQUEST,
    is_closing,
    is_closing_text,
    is_enacting_formula,
    is_preamble,
    is_signature,
)
from ingest.outline import Node, outline
from ingest.unit_phrases import Refs, Resolver, cooperating, units_at
from ingest.vntext import fold


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

_HEADING_CUE = re.compile(
    r"(?:trách nhiệm(?: của| thực hiện)?|nhiệm vụ(?: của| cụ thể của)?|phân công(?: nhiệm vụ)?(?: cho)?"
    r"|giao(?: cho)?|đề nghị|yêu cầu|nội dung|đối với|về phía)\s+"
)
# An adverbial opening before the subject: "Trong thời gian tới, Tỉnh …", "Căn cứ …, các sở …", "Hằng năm, …".
_LEAD_IN = re.compile(
    r"(?:Trong|Căn cứ|Sau khi|Trên cơ sở|Đối với|Để|Hằng năm|Hàng năm|Định kỳ|Từ|Khi|Ngoài ra|Đồng thời|Theo"
    r"|Thực hiện|Tiếp tục)(?!\w)[^.;:]{0,160}?,\s+"
)
_CUE_INITIALS = frozenset("gđytnpvuủ")  # first letters of the cues below: a cheap test before matching
# "Ủy quyền cho X …" delegates: X does the work (either tone placement: "uỷ").
_SENTENCE_CUE = re.compile(r"(?:giao(?: cho)?|đề nghị|yêu cầu|(?:ủy|uỷ) quyền cho)\s+")
# After the subject: it hands the work on ("UBND tỉnh giao Sở X …"), or introduces a list of requests (the colon).
_HANDS_ON = re.compile(r"\s*(?:trân trọng |kính )?(?:giao(?: cho)?|đề nghị|yêu cầu)(?:\s*(:)|\s+)")
# After the units of a heading: nothing, a colon, a parenthesis, or a role that introduces the items.
_INTRO_ROLE = re.compile(
    r"^(?:\(.*\)\s*)?:?\s*$|^(?:\(.*\)\s*)?(?:co trach nhiem|chiu trach nhiem|chu tri|phoi hop|thuc hien|la co quan"
    r"|trien khai|tap trung|theo chuc nang|can cu|trong pham vi)[^.;]*:\s*$"
    r"|^(?:\(.*\)\s*)?(?:co|chiu) trach nhiem(?:\s+(?:chu tri|thuc hien|phoi hop|cac nhiem vu|nhiem vu))*\s*$"
)
_NOT_DUTY = re.compile(
    r"^\s*(?:da|dang|duoc|se duoc|la co quan chuyen mon|la co quan tham muu|la to chuc|la luc luong"
    r"|giup (?:chinh phu|ubnd|uy ban)"
    r"|co chuc nang|gom|bao gom|la thanh vien|ban hanh (?:ke hoach|quyet dinh|chuong trinh|quy che|huong dan)"
    r"[^.]*(?:nhu sau|voi (?:cac|nhung) noi dung)|ban hanh kem theo|quyet (?:dinh|nghi)(?=\s*:)"
    r"|quyet (?:dinh|nghi)\b[^.]*\bnhu sau)\b"
)
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
_FORM_BLANK = re.compile(r"\.{4,}|…{2,}")  # "ông/bà………": a form to fill in, not an "etc."
_SENTENCE_END = re.compile(r"[.;:]\s+(?=[A-ZĐÀ-Ỹ])")  # a sentence starts after the spaces
_CLAUSE_CUT = re.compile(r"[;:]\s+")
_SUB_INTRO = re.compile(
    r"^(?:chu tri\s*,?\s*(?:va\s+)?phoi hop|phoi hop(?:\s+voi)?|la co quan chu tri|cac nhiem vu\b)"
    r"|(?:nhiem vu|noi dung|cong viec)(?: cu the)?(?: nhu)? sau\s*:$|cu the(?: nhu sau)?\s*:$"
)


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
    if _INTRO_ROLE.match(rest) or (rest.endswith(":") and (at or node.children)):
        return refs, cooperating(text[end:], resolver)
    return None


def sentence_units(text: str, resolver: Resolver) -> tuple[Refs, Refs, int] | None:
    """(lead, cooperate, start) of an assigning sentence: "Giao X …", "X có trách nhiệm …", "Đề nghị X …"."""
    at = _strip_cue(text, _SENTENCE_CUE)
    starts = [at]
    lead_in = _LEAD_IN.match(text) if not at else None
    if lead_in and not REQUEST.match(fold(text[:24])):  # "Trong thời gian tới, Tỉnh …", "Căn cứ …, các sở …"
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
        handing = _HANDS_ON.match(text[end : end + 40].lower())
        if handing and handing.group(1):
            return None  # "Bộ X trân trọng đề nghị:": the requests follow, each item its own duty
        handed = units_at(text, end + handing.end(), resolver) if handing else None
        if handed is not None:  # "UBND tỉnh giao Sở X …", "Chính phủ trân trọng đề nghị Ủy ban MTTQ …": X does it
            refs, end = handed
        return refs, cooperating(text[end:], resolver), start
    return None


# --- the outline walk ----------------------------------------------------------------------------------------


def prose_assignments(text: str, skip: Sequence[tuple[int, int]], resolver: Resolver) -> list[Assignment]:
    """Every prose task of a document, in document order."""
    found: list[Assignment] = []
    previous = None
    for root in outline(text, skip):
        if not is_enacting_formula(root, previous):
            found.extend(_walk(root, text, resolver, excluded=False))
        previous = root
    return sorted(found, key=lambda a: a.start)


def _walk(node: Node, text: str, resolver: Resolver, *, excluded: bool) -> Iterator[Assignment]:
    if is_closing(node):
        yield from _children(node.children, text, resolver, excluded=excluded)
        return
    if len(node.text) < 140 and ADDRESSEES.match(node.text):
        return  # the addressees of a công điện: a list of who receives it, no duty in it
    if node.children and (is_preamble(node) or is_signature(node)):
        return  # the enacting body over its legal basis ("Căn cứ …", "Theo …"), or the signer's title over "(Đã ký)"
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
        if not is_enacting_formula(child, children[i - 1] if i else None):
            yield from _walk(child, text, resolver, excluded=excluded)
        i += 1


def _is_details(node: Node) -> bool:
    """Whether a node's children only detail its own wording (sub-bullets of one item)."""
    return not node.text.rstrip().endswith(":") and node.kind not in ("pl", "chuong", "dieu", "roman", "caps")


def _owned(owner: Node, text: str, resolver: Resolver, lead: Refs, coop: Refs) -> Iterator[Assignment]:
    """The items of a unit heading, each a task of its units (sub-headings hand the units down)."""
    for child in owner.children:
        if is_closing(child):
            continue
        if child.children and heading_units(child, resolver) is not None:
            yield from _walk(child, text, resolver, excluded=False)
            continue
        if child.children and _is_sub_intro(child):  # "a) Chủ trì, phối hợp với Y:" + items
            sub_coop = _merge(coop, cooperating(child.text, resolver))
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
        if k and mine and own is not None and parts and deadline_in(fold(clause)):
            parts.append((offset, own[0], own[1]))
        elif not parts:
            first = own if mine or (own is not None and offset == 0) else None
            if first is not None and not _same(first[0], lead):
                parts.append((0, first[0], first[1]))
            else:
                parts.append((0, lead, _merge(coop, cooperating(body, resolver))))
    for k, (offset, unit_lead, unit_coop) in enumerate(parts):
        start = node.body + offset
        end = node.body + parts[k + 1][0] if k + 1 < len(parts) else node.stop
        part_coop = tuple(r for r in unit_coop if r.id not in {x.id for x in unit_lead})
        yield Assignment(
            start, _trimmed(text, start, end), number, unit_lead, part_coop, deadline_phrase(text[start:end])
        )


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
    cuts = [0, *(m.end() for m in _SENTENCE_END.finditer(body)), len(body)]
    current: tuple[int, Refs, Refs] | None = None
    joined = -1  # a sentence already read as the second half of its predecessor
    for k, cut in enumerate(cuts[:-1]):
        if k == joined:
            continue
        sentence = body[cut : cuts[k + 1]]
        hit = sentence_units(sentence, resolver)
        if hit is None and sentence.rstrip().endswith(":") and k + 2 < len(cuts):
            # "Chủ tịch UBND các tỉnh: Hà Tĩnh, Huế, … chủ động phối hợp …": the subject's members after a colon
            following = body[cuts[k + 1] : cuts[k + 2]]
            if _is_work(following) and sentence_units(following, resolver) is None:
                sentence = body[cut : cuts[k + 2]]
                hit = sentence_units(sentence, resolver)
                joined = k + 1 if hit is not None else joined
        if hit is None or is_closing_text(sentence):  # the closing check only where an actor was found
            continue
        lead, coop, _ = hit
        if current is not None:
            yield _assignment(text, node, current, node.body + cut)
        current = (node.body + cut, lead, coop)
    if current is not None:
        yield _assignment(text, node, current, stop)


def _is_work(words: str) -> bool:
    """Whether the text after "Unit:" can be its work: a phrase, not an abbreviation (a glossary) or a form's
    blanks ("ông/bà……")."""
    return len(words.split()) >= 4 and _FORM_BLANK.search(words) is None


def _assignment(text: str, node: Node, current: tuple[int, Refs, Refs], end: int) -> Assignment:
    start, lead, coop = current
    coop = tuple(r for r in coop if r.id not in {x.id for x in lead})
    number = node.label.rstrip(".") or None
    return Assignment(start, end, number, lead, coop, deadline_phrase(text[start:end]))


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
