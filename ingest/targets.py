"""Quantitative targets ("tối thiểu 80% …", "trên 70% đơn vị …", "ít nhất 01 bài viết hàng tháng") → `Target`s.

A target is a number the plan commits to: every percentage, and every count with a unit noun that carries a
comparator cue ("ít nhất 01 bài viết", "từ 01 lần lương cơ sở/người/tháng trở lên") or is the result of the
plan's own allocation arithmetic ("127 TTHC * 10% = 12.7 (13 TTHC cần đề xuất …)", "cần 102/127 TTHC").
Operands of that arithmetic, ratios restating a count ("102/127 TTHC đạt 80.3%") and rates used only to allocate
("Phân bổ theo tỷ lệ 80%") are not targets; nor are dates, levels ("mức độ 3, 4"), standards or hotlines, since
only percentages and cue-bound counts are read. Coordinated metrics sharing one threshold (“A” và “B” đạt 100%;
"văn bản điện tử được ký số, văn bản điện tử trao đổi … đạt từ 90%") give one record per metric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.records import Comparator, Section, Target, Task
from ingest.vntext import collapse

# A number not glued to a word or another number. The first digit comes before the look-behind (which then checks
# the character before it) so the regex engine can skip straight to digits.
_NUM = r"(\d(?<![\w/.,]\d)\d*(?:[.,]\d+)?)"
_PERCENT = re.compile(rf"{_NUM}\s*%")
_COUNT_UNITS = (
    "lần lương cơ sở/người/tháng", "lần lương cơ sở", "thủ tục hành chính", "tin, bài", "tin bài", "bài viết", "bài",
    "TTHC", "thủ tục", "hồ sơ", "văn bản", "đơn vị", "cuộc", "lớp", "lượt", "người", "sáng kiến", "đợt", "buổi",
    "chuyên mục", "phóng sự", "tin",
)  # fmt: skip
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_COUNT_UNITS, key=len, reverse=True))
_COUNT = re.compile(rf"{_NUM}(?:/\d+)?\s+({_UNIT_RE})(?!\w)")

_CUES: tuple[tuple[re.Pattern[str], Comparator], ...] = (
    (re.compile(r"(?:tối thiểu|ít nhất|không dưới|không thấp hơn|không ít hơn)\s*$", re.I), ">="),
    (re.compile(r"(?:tối đa|không quá|không vượt quá|không cao hơn|không nhiều hơn)\s*$", re.I), "<="),
    (re.compile(r"(?<!\w)(?:trên|hơn|vượt)\s*$", re.I), ">"),
    (re.compile(r"(?<!\w)dưới\s*$", re.I), "<"),
    (re.compile(r"(?<!\w)từ\s*$", re.I), ">="),
)
_AFTER_GE = re.compile(r"^[^;.\t\n]{0,80}?\btrở lên", re.I)
_AFTER_LE = re.compile(r"^[^;.\t\n]{0,80}?\btrở xuống", re.I)
_RANGE = re.compile(r"^\s*(?:%\s*)?(?:đến|-)\s*\d", re.I)
# Percentages that are not commitments: arithmetic operands, allocation rates, ratios restating a count.
_OPERAND_BEFORE = re.compile(r"[*×x=]\s*$|theo tỷ lệ\s*$|\d+/\d+\s+\w+(?:\s\w+)?\s+đạt\s*$", re.I)
_OPERAND_AFTER = re.compile(r"^\s*[*×=]")
# Counts that are results of the plan's arithmetic or of "cần …" (how many are needed to reach a rate).
_DERIVED_BEFORE = re.compile(r"(?:=\s*[\d.,]*\s*\(?|\bcần(?: thực hiện| đạt| có)?)\s*$", re.I)
_ARITHMETIC = re.compile(r"[\d%]\s*[*×=]\s*\d")
_PER = re.compile(r"\b(?:hàng|mỗi)\s+(tháng|quý|năm|tuần)\b", re.I)
_CLAUSE_END = re.compile(r"[;\t\n]|[.!?](?=\s|$)")
_QUOTED = re.compile(r"“([^”]{3,})”|\"([^\"]{3,})\"")
_LEAD = re.compile(
    r"^(?:[-+•*]\s*|\d+[.)]\s*|[a-zđ]\)\s*|\(|(?:đảm bảo|bảo đảm|phấn đấu|có|và|đồng thời|trong đó|cụ thể)\s+)+", re.I
)
_CONJUNCT = re.compile(r",\s|\s+và\s")
_QUANTIFIED = re.compile(r"(?:(?:ít nhất|tối thiểu)\s+)?\d+(?:[.,]\d+)?\s*%|(?:ít nhất|tối thiểu)\s+\d+", re.I)
_NOT_METRIC_TAIL = re.compile(r"(?i)(?:(?:trở lên|trở xuống|theo|so với)\b|đạt\s+\d)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:gov|com|org|net)\.vn\S*", re.I)
# "cắt giảm 30% …", "giảm tối thiểu 20% …", "tăng 10% …": the value is a change of the metric, not its level.
_CHANGE = re.compile(
    r"(?:(cắt giảm|giảm|rút ngắn|tiết kiệm)|(tăng|nâng))(?:\s+(?:thêm|ít nhất|tối thiểu|tối đa|từ))?\s*$", re.I
)
_TAIL_WORDS = re.compile(r"\s*(?:\b(?:đạt|tiếp tục đạt|đạt từ|từ|tối thiểu|ít nhất|trên|là|có|đảm bảo)\s*)+$", re.I)


def find_targets(text: str, *, sections: Sequence[Section], tasks: Sequence[Task]) -> tuple[Target, ...]:
    """Every quantitative target statement in `text`, in order; repeats in other places are kept."""
    out: list[Target] = []
    derived_clauses: set[int] = set()
    for m in _COUNT.finditer(text):
        c_start, c_end = _clause(text, m.start())
        before = text[c_start : m.start()]
        comparator = _comparator(before, text[m.end() : c_end])
        derived = _DERIVED_BEFORE.search(before) is not None and (
            "cần" in before[-20:].lower() or _ARITHMETIC.search(text[c_start:c_end]) is not None
        )
        if comparator is None and not derived:
            continue
        if _RANGE.match(text, m.end()):
            continue
        if derived:
            derived_clauses.add(c_start)
        unit = _count_unit(m.group(2), before)
        (metric,) = _metrics(before, text[m.end() : c_end], unit)[:1]
        out.append(_target(text, (c_start, c_end), m, comparator or "=", unit, sections, tasks, metric=metric))
    for m in _PERCENT.finditer(text) if "%" in text else ():
        c_start, c_end = _clause(text, m.start())
        before, after = text[c_start : m.start()], text[m.end() : c_end]
        if c_start in derived_clauses or _OPERAND_BEFORE.search(before) or _OPERAND_AFTER.match(after):
            continue
        if _RANGE.match(text, m.end()):
            continue
        comparator = _comparator(before, after) or "="
        for metric in _metrics(before, after, "%"):
            out.append(_target(text, (c_start, c_end), m, comparator, "%", sections, tasks, metric=metric))
    out.sort(key=lambda t: (t.start, t.end))
    return tuple(out)


def _comparator(before: str, after: str) -> Comparator | None:
    for cue, comparator in _CUES:
        if cue.search(before):
            return comparator
    if _AFTER_GE.match(after):
        return ">="
    if _AFTER_LE.match(after):
        return "<="
    return None


def _count_unit(unit: str, before: str) -> str:
    """ "bài viết" with "hàng tháng" before it → "bài viết/tháng"; TTHC spelled out → "TTHC"."""
    if unit == "thủ tục hành chính":
        unit = "TTHC"
    per = _PER.findall(before[-60:])
    if per and "/" not in unit:
        unit = f"{unit}/{per[-1].lower()}"
    return unit


def _metrics(before: str, after: str, unit: str) -> list[str]:
    """What a number quantifies: the phrase after it, else the clause before it (one per coordinated metric)."""
    tail = _own_part(after).strip()
    if len(tail.split()) >= 2 and not _NOT_METRIC_TAIL.match(tail):
        return [_clean(tail if unit == "%" else f"{unit.split('/')[0]} {tail}")]
    arithmetic = _ARITHMETIC.search(before)
    if arithmetic:  # "Phân cấp: 20% * 80 = 16 TTHC": the label before the computation
        return [_clean(before[: re.search(r"\d", before).start()]) or _clean(tail)]  # type: ignore[union-attr]
    before = before[_last_number_end(before) :]
    quoted = [a or b for a, b in _QUOTED.findall(before)]
    if len(quoted) >= 2:
        return [_clean(q) for q in quoted]
    head = _clean(_TAIL_WORDS.sub("", before))
    parts = head.split(", ")
    if unit == "%" and len(parts) >= 2 and len(parts[-1].split()) >= 2:
        lead = " ".join(parts[-1].split()[:2]).lower()
        if lead in parts[-2].lower():  # the head noun is repeated: two metrics share one threshold
            return [_clean(", ".join(parts[:-1])), _clean(parts[-1])]
    return [head or _clean(tail)]


def _own_part(after: str) -> str:
    """The text after a number up to where the next quantified conjunct starts ("… và 100% các vấn đề …")."""
    if re.match(r"\s*(?:[,;]|và\s)", after):
        return ""
    for sep in _CONJUNCT.finditer(after):
        rest = after[sep.end() :]
        stop = re.search(r"[,;]", rest)
        if _QUANTIFIED.search(rest[: stop.start()] if stop else rest):
            return after[: sep.start()]
    return after


def _last_number_end(before: str) -> int:
    """Start of the phrase after the last quantified conjunct ("Tỷ lệ A đạt 96%, mức độ B đạt" → "mức độ B đạt")."""
    ends = [m.end() for m in _QUANTIFIED.finditer(before)]
    return ends[-1] if ends else 0


def _clean(text: str) -> str:
    text = collapse(text).strip(' ,;:.“”"()')
    text = _LEAD.sub("", text)
    return text.strip(' ,;:.“”"()')


def _target(
    text: str,
    clause: tuple[int, int],
    m: re.Match[str],
    comparator: Comparator,
    unit: str,
    sections: Sequence[Section],
    tasks: Sequence[Task],
    *,
    metric: str,
) -> Target:
    start, end = clause
    value = float(m.group(1).replace(",", "."))
    task = next((t for t in tasks if t.start <= m.start() < t.end), None)
    area = task.area if task is not None and task.area else _area_at(sections, m.start())
    metric = _URL.sub("", metric).strip(" ,;:.") or _row_metric(text, m.start())
    change = _CHANGE.search(text[max(start, m.start() - 40) : m.start()])
    return Target(
        text=collapse(text[start:end]),
        metric=collapse(metric),
        comparator=comparator,
        value=value,
        unit=unit,
        area=area,
        start=start,
        end=end,
        task=task.id if task is not None else None,
        change=("reduce" if change.group(1) else "increase") if change else None,
    )


def _row_metric(text: str, pos: int) -> str:
    """In a table row whose cell holds only the number ("… | % | 100% | …"), the row's indicator: its longest cell."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    row = text[line_start : line_end if line_end >= 0 else len(text)]
    if "\t" not in row:
        return ""
    cells = [c.strip() for c in row.split("\t") if len(c.split()) >= 3 and not _PERCENT.search(c)]
    return _clean(max(cells, key=len)) if cells else ""


def _area_at(sections: Sequence[Section], pos: int) -> str | None:
    """Area of the deepest section around `pos` that has one."""
    best: Section | None = None
    for s in sections:
        if s.start <= pos < s.end and s.area and (best is None or s.level >= best.level):
            best = s
    return best.area if best else None


def _clause(text: str, pos: int) -> tuple[int, int]:
    """The clause around `pos`: bounded by `;`, tabs (table cells), line ends and sentence-final punctuation."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    line_end = len(text) if line_end < 0 else line_end
    start, end = line_start, line_end
    for m in _CLAUSE_END.finditer(text, line_start, line_end):
        if m.end() <= pos:
            start = m.end()
        else:
            end = m.end() if text[m.start()] in ".!?;" else m.start()
            break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
