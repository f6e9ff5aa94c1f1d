"""Notation tables: kind codes, issuer codes, kind nouns, relation cues (spec legal-identifiers §1.3, §1.4, §2.2).

Pure data plus tiny lookups; `ingest.citations` builds its regexes from these tables.
"""

from __future__ import annotations

import re

from ingest.vntext import finditer_where, fold, slug, translation_list

# State kind codes (NĐ 30/2020 Phụ lục III + normative kinds) → kind name, in canonical case.
STATE_KINDS: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình", "KH": "Kế hoạch",
    "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản", "TTr": "Tờ trình",
    "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận", "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép", "PG": "Phiếu gửi", "PC": "Phiếu chuyển",
    "PB": "Phiếu báo", "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch", "L": "Lệnh", "PL": "Pháp lệnh", "VBHN": "Văn bản hợp nhất",
}  # fmt: skip

# Party kind codes (HD 36-HD/VPTW): TT is Thông tri, QĐ defaults to Quyết định (the noun may say Quy định).
PARTY_KINDS: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "QĐi": "Quy định", "CT": "Chỉ thị", "KH": "Kế hoạch",
    "QC": "Quy chế", "CTr": "Chương trình", "TT": "Thông tri", "KL": "Kết luận", "QTr": "Quy trình",
    "TB": "Thông báo", "BC": "Báo cáo", "HD": "Hướng dẫn", "CV": "Công văn",
}  # fmt: skip

# Mixed-case or Đ-bearing codes, keyed by upper case with Đ kept; ASCII spellings restore Đ (§1.7 step 3).
_CANON = ["TTg", "TTr", "CTr", "QyĐ", "QĐi", "TrS", "QTr", "ThU", "NĐ", "QĐ", "ĐA", "HĐ", "CĐ", "HĐND", "ĐU",
          "BGDĐT", "BKHĐT", "BLĐTBXH", "SGDĐT", "SKHĐT", "SLĐTBXH", "BCĐ"]  # fmt: skip
CANON_CASE: dict[str, str] = {c.upper(): c for c in _CANON}
ASCII_RESTORE: dict[str, str] = {
    c.upper().replace("Đ", "D"): c for c in _CANON if "Đ" in c and c.upper().replace("Đ", "D") not in {"HD", "DA", "DU"}
}
# ASCII "HD"/"DA" are real codes too: the noun decides (Hợp đồng → HĐ, Đề án → ĐA).
NOUN_RESTORE: dict[tuple[str, str], str] = {("HD", "Hợp đồng"): "HĐ", ("DA", "Đề án"): "ĐA"}

# Central state issuers (scope "vn"); local codes get the citing document's scope (§1.7 step 6).
CENTRAL_ISSUERS = frozenset(
    [
        "CP",
        "TTg",
        "CTN",
        "VPCP",
        "BNV",
        "BTC",
        "BTP",
        "BKHĐT",
        "BTTTT",
        "BKHCN",
        "BGDĐT",
        "BYT",
        "BCT",
        "BXD",
        "BGTVT",
        "BTNMT",
        "BNNPTNT",
        "BNNMT",
        "BNN",
        "BLĐTBXH",
        "BVHTTDL",
        "BQP",
        "BCA",
        "BNG",
        "NHNN",
        "TTCP",
        "KTNN",
        "KBNN",
        "TCT",
        "VKSNDTC",
        "TANDTC",
        "UBDT",
        "BTCCBCP",
        "BTM",
        "BCN",
        "BKH",
        "BTS",
        "BVHTT",
        "TCCP",
        "MTTW",
        "HĐTP",
        "BHXH",
    ]
)
_CENTRAL_RE = re.compile(r"(?:UBTV)?QH\d{0,2}")
# Party issuers end in TW (central) or TU/HU/QU/ĐU/ThU (local committees).
_PARTY_RE = re.compile(r".*(?:TW|TƯ|TU|HU|QU|ĐU|ThU)")
PARTY_CENTRAL_RE = re.compile(r".*(?:TW|TƯ)")
# Local issuers of normative documents (every other normative issuer is central).
LOCAL_NORMATIVE_ISSUERS = frozenset({"HĐND", "UBND"})
# Local issuer codes whose owner is provincial even inside a district document.
PROVINCE_ISSUERS = frozenset(
    ["HĐND", "VPUBND", "SNV", "STP", "STC", "SKHĐT", "STTTT", "SKHCN", "SGDĐT", "SYT", "SXD", "SCT", "SGTVT", "STNMT"]
)

# Kind nouns written before a number (folded, longest first) → kind name. Abbreviations are matched upper case.
KIND_NOUNS: dict[str, str] = {
    "chuong trinh hanh dong": "Chương trình", "thong tu lien tich": "Thông tư liên tịch",
    "nghi quyet lien tich": "Nghị quyết liên tịch", "van ban hop nhat": "Văn bản hợp nhất",
    "nghi dinh": "Nghị định", "nghi quyet": "Nghị quyết", "quyet dinh": "Quyết định", "chi thi": "Chỉ thị",
    "thong tu": "Thông tư", "thong tri": "Thông tri", "bo luat": "Bộ luật", "luat": "Luật", "phap lenh": "Pháp lệnh",
    "hien phap": "Hiến pháp", "ke hoach": "Kế hoạch", "chuong trinh": "Chương trình", "cong van": "Công văn",
    "cong dien": "Công điện", "bao cao": "Báo cáo", "to trinh": "Tờ trình", "thong bao": "Thông báo",
    "thong cao": "Thông cáo", "huong dan": "Hướng dẫn", "quy dinh": "Quy định", "quy che": "Quy chế",
    "quy trinh": "Quy trình", "de an": "Đề án", "du an": "Dự án", "phuong an": "Phương án", "ket luan": "Kết luận",
    "hop dong": "Hợp đồng", "bien ban": "Biên bản", "lenh": "Lệnh", "van ban": "Văn bản",
}  # fmt: skip
ABBREV_NOUNS: dict[str, str] = {
    "NĐ": "Nghị định", "ND": "Nghị định", "NQ": "Nghị quyết", "QĐ": "Quyết định", "QD": "Quyết định",
    "CT": "Chỉ thị", "TT": "Thông tư", "KH": "Kế hoạch", "CV": "Công văn", "TTLT": "Thông tư liên tịch",
}  # fmt: skip
# Nouns that name a container, not a kind: they never override the code.
GENERIC_NOUNS = frozenset({"Văn bản"})

# Kinds for which the number shapes are normative-capable with a QH/UBTVQH code (noun required).
QH_KINDS = frozenset({"Luật", "Bộ luật", "Nghị quyết", "Hiến pháp", "Pháp lệnh"})

# Relation cues (§2.2), folded; order matters only for documentation. Values are records.Relation.
SUBJECT_RELATIONS = frozenset({"sua_doi_bo_sung", "thay_the", "bai_bo", "huong_dan", "thuc_hien"})
CUES: tuple[tuple[str, str], ...] = (
    (r"(?:theo|xet) de nghi cua\b.{0,80}?\btai", "de_nghi"),
    (r"(?:da |duoc )*sua doi,? bo sung(?: mot so dieu)?(?: (?:cua|tai|theo|boi))?", "sua_doi_bo_sung"),
    (r"(?:duoc )?thay the(?: (?:boi|cho))?", "thay_the"),
    (r"(?:bi )?bai bo", "bai_bo"),
    (r"huong dan (?:thi hanh|thuc hien)(?: mot so dieu cua)?|quy dinh chi tiet(?: mot so dieu cua)?", "huong_dan"),
    (r"can cu(?: vao)?", "can_cu"),
    (r"(?:to chuc |tiep tuc )?(?:trien khai thuc hien|thuc hien|trien khai|cu the hoa|quan triet)", "thuc_hien"),
    (r"theo quy dinh (?:tai|cua)|theo huong dan (?:tai|cua)|theo tinh than|tren co so|theo(?! doi)|tai", "theo"),
)
CUE_RE = re.compile("|".join(f"(?P<c{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(CUES)))
CUE_RELATION = {f"c{i}": rel for i, (_, rel) in enumerate(CUES)}
# Where a cue may begin: one of the letters the cues open with, at a word's start. CUE_RE's alternatives each open
# with `\b`, so the engine tries all of them at every position; this opens with a character class, so it skips.
_CUE_START = re.compile(r"[bcdhqstx](?<!\w[bcdhqstx])")


def last_cue(folded: str) -> re.Match[str] | None:
    """The last match of `CUE_RE.finditer(folded)`."""
    found = None
    for found in finditer_where(_CUE_START, CUE_RE, folded):  # noqa: B007 - the last one is the answer
        pass
    return found


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x41, 0x2000):
        ch = chr(code)
        out = fold(ch)
        if out != ch and len(out) == 1:
            table[code] = out
    return table


_FOLD = translation_list(_fold_table())


def fast_fold(text: str) -> str:
    """`vntext.fold` as one `str.translate` (length-preserving, so offsets survive); for NFC text only."""
    return text.translate(_FOLD)


_SPACES = re.compile(r"\s+")
_LEADING_ZEROS = re.compile(r"(?<![\dA-ZĐ])0+(\d)")


def notation_key(notation: str) -> str:
    """Identity of a written notation for lookups and comparisons: no spaces, upper case, leading zeros dropped."""
    return _LEADING_ZEROS.sub(r"\1", _SPACES.sub("", notation).upper())


def display_number(raw: str) -> tuple[str, bool]:
    """A notation's number as displayed, two digits at least with its letter suffix (`9` → `09`, `30c`), and
    whether the raw form was padded beyond that (`009`)."""
    digits = raw.rstrip("abcdefghijklmnopqrstuvwxyz")
    value = int(digits)
    return f"{value:02d}{raw[len(digits) :].lower()}", len(digits) > len(f"{value:02d}")


def canon_code(code: str, noun: str | None = None) -> tuple[str, list[str]]:
    """Canonical case/diacritics of one code token, plus flags (`ascii_restored`, `case_restored`)."""
    upper = code.upper()
    flags: list[str] = []
    if noun is not None and (upper, noun) in NOUN_RESTORE:
        out = NOUN_RESTORE[(upper, noun)]
    elif upper in CANON_CASE:
        out = CANON_CASE[upper]
    elif upper in ASCII_RESTORE:
        out = ASCII_RESTORE[upper]
    else:
        out = upper
    if out.upper() != upper:
        flags.append("ascii_restored")
    elif out != code:
        flags.append("case_restored")
    return out, flags


# Issuer codes a kind code can be glued to when the hyphen is lost ("NĐCP", "QĐUBND", "TTVPCP").
_GLUE_ISSUERS = CENTRAL_ISSUERS | LOCAL_NORMATIVE_ISSUERS | PROVINCE_ISSUERS | {"UBND", "VPUBND", "BCĐ"}
_GLUE_KINDS = sorted({*STATE_KINDS, *(k.replace("Đ", "D") for k in STATE_KINDS)} - {"L"}, key=len, reverse=True)


def unglue(code: str) -> tuple[str, str] | None:
    """A kind code typed without its hyphen before a known issuer: `NĐCP` → (`NĐ`, `CP`), `QĐUBND` → (`QĐ`,
    `UBND`); None for anything else (a code that is itself known, an unknown issuer)."""
    upper = code.upper()
    if upper in CANON_CASE or upper in ASCII_RESTORE or code in STATE_KINDS or canon_code(code)[0] in _GLUE_ISSUERS:
        return None
    for kind in _GLUE_KINDS:
        if upper.startswith(kind.upper()) and len(upper) > len(kind):
            rest = code[len(kind) :]
            issuer = canon_code(rest)[0]
            if issuer in _GLUE_ISSUERS or _CENTRAL_RE.fullmatch(issuer):
                return code[: len(kind)], rest
    return None


def restore_hyphens(notation: str) -> str:
    """A whole notation with a lost hyphen put back (`123/QĐUBND` → `123/QĐ-UBND`); others unchanged."""
    parts = notation.split("/")
    for i, part in enumerate(parts[1:], start=1):
        glued = unglue(part.split("-")[0])
        if glued is not None:
            parts[i] = "-".join(glued) + part[len(glued[0]) + len(glued[1]) :]
            break
    return "/".join(parts)


def is_party_issuer(code: str) -> bool:
    return bool(_PARTY_RE.fullmatch(code))


def is_central_issuer(code: str) -> bool:
    return code in CENTRAL_ISSUERS or bool(_CENTRAL_RE.fullmatch(code)) or bool(PARTY_CENTRAL_RE.fullmatch(code))


def kind_slug(kind: str) -> str:
    """CID TYPE: the kind name folded (`Nghị định` → `nghi-dinh`)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(kind)).strip("-")


def notation_slug(notation: str) -> str:
    """`107/2020/NĐ-CP` → `107_2020_ndd-cp`; `05/KH-UBND` → `5_kh-ubnd`; `107/?/NĐ-CP` → `107_x_ndd-cp`."""
    parts = notation.replace("?", "x").split("/")
    head = re.sub(r"^0+(?=\d)", "", parts[0])
    return "_".join(slug(p, dd=True) for p in [head, *parts[1:]])


# First year of each National Assembly term (a law of that year may belong to either term).
_QH_TERM_START = {1997: 10, 2002: 11, 2007: 12, 2011: 13, 2016: 14, 2021: 15, 2026: 16}


def qh_term(year: int) -> int | None:
    """National Assembly term of a law adopted in `year`; None at term boundaries (provisional)."""
    if year in _QH_TERM_START:
        return None
    starts = [start for start in _QH_TERM_START if start < year]
    return _QH_TERM_START[max(starts)] if starts else None
