"""Normalised text → the outline of its paragraphs: who is whose item.

Assignments are structural: "1. Sở Nội vụ" owns the items a), b), - … under it; "Điều 14. Trách nhiệm của …" owns
its numbered clauses; a paragraph ending with ":" owns the list that follows. So the prose is first read into a
tree of paragraphs by their markers (PHỤ LỤC, Chương, Điều, I., 1., 1.1., a), (1), -, +, •), with unmarked
paragraphs as children of the item or heading above them. The recipients list and the signature ("Nơi nhận",
"TM.", "KT.") close every open item.

Nesting follows the markers as they occur: a marker already open on the stack closes everything below it (the
next sibling); a new marker opens one level deeper, unless by its usual rank it cannot sit inside the items
open above it ("I." never sits inside "a)"), which are then closed. A paragraph ending with ":" takes the next
marker, whatever it is, as its child.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

# (kind, pattern, usual rank): lower ranks contain higher ones.
_MARKERS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("closer", re.compile(r"(?:Nơi nhận|NƠI NHẬN|TM\.|KT\.|TL\.|TUQ\.)(?!\w)\s*:?\s*"), 0),
    ("pl", re.compile(r"(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s*)?[IVXLC\d]+)?(?!\w)\s*[:.\-]?\s*"), 0),
    ("chuong", re.compile(r"(?:Chương|CHƯƠNG|Phần|PHẦN)\s+[IVXLC\d]+(?!\w)\s*[:.\-]?\s*"), 1),
    ("dieu", re.compile(r"(?:Điều|ĐIỀU)\s+\d{1,3}[a-z]?(?!\w)\s*[.:\-]?\s*"), 2),
    ("roman", re.compile(r"[IVXLC]{1,6}\s*[.)\-]\s+(?=\S)"), 3),
    ("dotted", re.compile(r"(?:\d{1,2}|[IVXLC]{1,4})(?:\.\d{1,2}){1,3}\.?\)?\s+(?=\S)"), 5),
    ("arabic", re.compile(r"\d{1,3}\s*[.)]\s*(?=[^\W\d_]|\()"), 4),
    ("letter", re.compile(r"[a-zđ]\s*[).]\s+(?=\S)"), 8),
    ("paren", re.compile(r"\((?:\d{1,2}|[a-zđ])\)\s*(?=\S)"), 9),
    ("dash", re.compile(r"[-–]\s*(?=\S)"), 10),
    ("plus", re.compile(r"\+\s*(?=\S)"), 11),
    ("bullet", re.compile(r"[•·●▪∙]\s*(?=\S)|\*\s+(?=\S)"), 12),
)
_PARA_RANK = 13.0
_STRONG = frozenset({"pl", "chuong", "dieu", "roman"})


@dataclass(slots=True, eq=False)
class Node:
    """One paragraph: its marker, where its own wording starts, and the items under it."""

    kind: str  # a marker kind above, "para" (unmarked) or "caps" (an unmarked heading in capitals)
    label: str  # the marker as printed ("1.", "a)", "-", "Điều 14."); "" for unmarked paragraphs
    start: int  # the paragraph's first character (the marker)
    body: int  # where its wording starts
    end: int  # end of the paragraph line
    text: str  # the wording (after the marker)
    rank: float
    children: list[Node] = field(default_factory=list)

    @property
    def stop(self) -> int:
        """End of the paragraph together with everything under it."""
        node = self
        while node.children:
            node = node.children[-1]
        return node.end

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


# All markers in one pattern (alternatives in the order above: the first that matches wins, as in a loop).
_ANY_MARKER = re.compile("|".join(f"(?P<{kind}>{pattern.pattern})" for kind, pattern, _ in _MARKERS))
_RANKS = {kind: rank for kind, _, rank in _MARKERS}


def marker(line: str) -> tuple[str, str, float] | None:
    """(kind, label, rank) of a paragraph's leading marker, or None."""
    m = _ANY_MARKER.match(line)
    if m is None:
        return None
    kind = m.lastgroup or ""
    rank = _RANKS[kind]
    if kind == "dotted":  # "1.1." one level under "1.", "1.1.1." two
        rank = 3 + len(re.findall(r"\d+|[IVXLC]+", m.group()))
    return kind, m.group(), rank


def _is_caps(text: str) -> bool:
    head = text[:80]
    return head.isupper() and len(head) >= 4


def outline(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Node]:
    """The paragraph tree of `text` (roots in order); lines inside `skip` spans (tables) are left out."""
    starts = [a for a, _ in skip]
    roots: list[Node] = []
    stack: list[Node] = []
    end = -1
    for line in text.split("\n"):
        start, end = end + 1, end + 1 + len(line)
        if not line.strip() or "\t" in line:
            continue
        k = bisect.bisect_right(starts, start) - 1 if starts else -1
        if k >= 0 and start < skip[k][1]:
            continue
        node = _node(line, start, end)
        top = stack[-1] if stack else None
        if node.kind == "caps" and top is not None and not top.children and _takes_title(top):
            # "Chương I" / "NHỮNG QUY ĐỊNH CHUNG", "KẾ HOẠCH" / "TRIỂN KHAI …": the heading's title on its own line
            top.text = f"{top.text} {node.text}".strip()
            top.end = node.end
            continue
        _place(node, stack)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def _takes_title(node: Node) -> bool:
    return node.kind in ("pl", "chuong", "caps", "roman", "dieu") and (not node.text or _is_caps(node.text))


def _node(line: str, start: int, end: int) -> Node:
    stripped = line.lstrip()
    lead = len(line) - len(stripped)
    found = marker(stripped)
    if found is None:
        kind = "caps" if _is_caps(stripped) else "para"
        rank = 0.5 if kind == "caps" else _PARA_RANK
        return Node(kind, "", start + lead, start + lead, end, stripped.rstrip(), rank)
    kind, label, rank = found
    body = start + lead + len(label)
    return Node(kind, label.strip(), start + lead, body, end, stripped[len(label) :].rstrip(), rank)


def _place(node: Node, stack: list[Node]) -> None:
    """Pop the stack to the node's parent (see the module docstring)."""
    for i in range(len(stack) - 1, -1, -1):
        if _same_level(stack[i], node):
            del stack[i:]
            return
    top = stack[-1] if stack else None
    if top is not None and top.text.endswith(":") and not top.children and node.kind not in _STRONG:
        return  # "… các nhiệm vụ sau:" owns the list that follows
    while stack and stack[-1].rank >= node.rank:
        stack.pop()


def _same_level(open_node: Node, node: Node) -> bool:
    if node.kind in ("para", "caps"):
        return open_node.kind == node.kind
    return open_node.kind == node.kind and open_node.rank == node.rank
