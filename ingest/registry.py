"""Known works (notation → date, title) and the checks they answer, spec §5.4.

Two sources: a short curated list of facts checked for the spec ([V]) and `data/registry.json`, built from the
Pháp điển corpus by `python -m ingest.registry_build CORPUS OUT` (see `ingest.registry_build`). Both are loaded
lazily, once. The registry answers the checks of §5.4: a cited date that differs from the known one
(`suspected_date_error`), a number one digit away from a known work of the same issuer and date
(`suspected_typo`), an administrative-shape number whose normative twin exists (`suspected_missing_year`).
Law names and their versions (§1.10) are `ingest.laws`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingest.notation import fast_fold as fold
from ingest.notation import notation_key
from ingest.vntext import TOKEN_RE

DATA = Path(__file__).with_name("data") / "registry.json"


@dataclass(frozen=True, slots=True)
class Work:
    cid: str
    notation: str
    date: str | None
    title: str | None

    @property
    def year(self) -> int | None:
        if self.date:
            return int(self.date[:4])
        m = re.search(r"/((?:19|20)\d\d)/", self.notation)
        return int(m.group(1)) if m else None


# Curated national CCHC-programme works and laws ([V] in the spec, or dates the citation cases confirm).
CURATED_WORKS: tuple[Work, ...] = (
    Work("vn/nghi-quyet/76_nq-cp/2021", "76/NQ-CP", "2021-07-15",
         "Ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030"),
    Work("vn/nghi-quyet/30c_nq-cp/2011", "30c/NQ-CP", "2011-11-08",
         "Ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2011 - 2020"),
    Work("vn/quyet-dinh/136_2001_qdd-ttg", "136/2001/QĐ-TTg", "2001-09-17",
         "Phê duyệt Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2001 - 2010"),
    Work("vn/chi-thi/23_ct-ttg/2021", "23/CT-TTg", "2021-09-02",
         "Đẩy mạnh thực hiện Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030"),
    Work("vn/quyet-dinh/766_qdd-ttg/2022", "766/QĐ-TTg", "2022-06-23",
         "Phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp"),
    Work("vn/nghi-dinh/30_2020_ndd-cp", "30/2020/NĐ-CP", "2020-03-05", "Về công tác văn thư"),
    Work("vn/nghi-quyet/18-nq_tw/2017", "18-NQ/TW", "2017-10-25",
         "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn"),
    Work("vn/nghi-quyet/18-nq_tw/2022", "18-NQ/TW", "2022-06-16", "Chính sách, pháp luật về đất đai"),
    Work("vn/huong-dan/36-hd_vptw/2018", "36-HD/VPTW", "2018-04-03", "Thể thức và kỹ thuật trình bày văn bản của Đảng"),
    Work("vn/nghi-quyet/202_2025_qh15", "202/2025/QH15", None, "Sắp xếp đơn vị hành chính cấp tỉnh"),
)  # fmt: skip


# --------------------------------------------------------------------------------------------------- works


class Registry:
    """Known works by notation, and by (code part, date) for near-miss numbers."""

    def __init__(self, works: list[Work]) -> None:
        self.by_key: dict[str, list[Work]] = defaultdict(list)
        self.by_codes_date: dict[tuple[str, str], list[Work]] = defaultdict(list)
        for work in works:
            key = notation_key(work.notation)
            if any(w.date == work.date for w in self.by_key[key]):
                continue
            self.by_key[key].append(work)
            if work.date:
                self.by_codes_date[(_codes(key), work.date)].append(work)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def lookup(self, notation: str, year: int | None = None) -> list[Work]:
        works = self.by_key.get(notation_key(notation), [])
        return [w for w in works if year is None or w.year is None or w.year == year]

    def near_misses(self, notation: str, date: str) -> list[Work]:
        """Works of the same code part and date whose number is one digit away (73/NQ-CP → 76/NQ-CP)."""
        key = notation_key(notation)
        number = key.split("/")[0].split("-")[0]
        return [
            w
            for w in self.by_codes_date.get((_codes(key), date), [])
            if _one_digit_apart(number, notation_key(w.notation).split("/")[0].split("-")[0])
        ]

    def check(
        self, notation: str, year: int | None, date: str | None, has_year: bool, subject: str = ""
    ) -> list[tuple[str, Work]]:
        """§5.4 registry checks for one cited notation: [(flag, the registry work it points to)].

        A near-miss number alone is weak (consecutive numbers share a date: 18-NQ/TW and 19-NQ/TW), so a typo
        also needs the registry title to be covered by the words around the citation (`subject`).
        """
        key = notation_key(notation)
        known = self.by_key.get(key, [])
        out: list[tuple[str, Work]] = []
        if known:
            if date is None:
                return out
            same_year = [w for w in known if w.year == int(date[:4])]
            if any(w.date == date for w in known):
                return out
            if has_year or same_year:
                out.extend(("suspected_date_error", w) for w in (known if has_year else same_year) if w.date)
            else:
                out.extend(("suspected_date_error", w) for w in known if w.date and w.date[4:] == date[4:])
            return out
        if not has_year and year is not None:
            number, _, codes = key.partition("/")
            for twin in self.by_key.get(f"{number}/{year}/{codes}", []):
                out.append(("suspected_missing_year", twin))
        if date is not None:
            out.extend(
                ("suspected_typo", w) for w in self.near_misses(notation, date) if title_covered(w.title, subject)
            )
        return out


_NUMBER_PART = re.compile(r"\d+[A-Z]?")


def _codes(key: str) -> str:
    """Everything but the number: `76/NQ-CP` → `/NQ-CP`, `18-NQ/TW` → `-NQ/TW`."""
    m = _NUMBER_PART.match(key)
    return key[m.end() :] if m else key


def _one_digit_apart(a: str, b: str) -> bool:
    """One substituted digit or one transposition of neighbours (73 ↔ 76, 218 ↔ 281)."""
    if a == b or len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def title_covered(title: str | None, subject: str, threshold: float = 0.8) -> bool:
    """Share of the title's words found near the citation (folded): "same trích yếu" in §5.4."""
    words = set(TOKEN_RE.findall(fold(title or "")))
    return bool(words) and len(words & set(TOKEN_RE.findall(fold(subject)))) / len(words) >= threshold


def load_data() -> dict[str, list[list[str | None]]]:
    """The built data file: `works` and `laws` rows (empty when it has not been built)."""
    if not DATA.exists():
        return {"works": [], "laws": []}
    data: dict[str, list[list[str | None]]] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@cache
def registry() -> Registry:
    """The registry of known works (curated first, then the built data file)."""
    built = [Work(str(c), str(n), d, t) for c, n, d, t in load_data()["works"]]
    return Registry([*CURATED_WORKS, *built])
