"""What a unit's name looks like: the lexicon (`data/units.json`) compiled into the patterns that find mentions.

Organisations ("Sở Nội vụ tỉnh Sóc Trăng", "Văn phòng UBND tỉnh", "Phòng TCCB"), generic groups ("các sở, ban,
ngành", "UBND các xã, phường"), posts ("Giám đốc Sở …") and place words, with the checks that tell a name from a
clause ("theo", "là", "được" …) or a label. `ingest.units.UnitResolver` resolves what these patterns find.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ingest.places import PROVINCES
from ingest.vntext import match_key, old_tones

LEX: dict[str, Any] = json.loads((Path(__file__).parent / "data" / "units.json").read_text(encoding="utf-8"))

_UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper())
_CAP = rf"[{_UPPER}]\w*"  # a capitalised syllable
_LOW = r"[a-zđà-ỹ]\w*"
_NOT_WORD_AFTER = r"(?!\w)"

PROVINCE = "tỉnh"
DISTRICT_LEVELS = ("thị xã", "huyện", "thành phố", "quận")
COMMUNE_LEVELS = ("xã", "phường", "thị trấn")
_LEVEL = r"(?i:tỉnh|thị xã|huyện|thành phố|quận|xã|phường|thị trấn)(?!\w)"
# Capitalised words that follow a level word without being a place name ("UBND tỉnh Quyết định …").
NOT_PLACE = frozenset(
    [
        "ban",
        "sở",
        "phòng",
        "văn",
        "về",
        "tại",
        "theo",
        "kế",
        "báo",
        "công",
        "chỉ",
        "nghị",
        "thông",
        "thực",
        "trên",
        "giao",
        "căn",
        "quyết",
        "tổ",
        "triển",
        "xây",
        "chủ",
        "phối",
        "và",
        "có",
        "là",
        "trong",
        "đến",
        "các",
        "nhằm",
        "để",
        "đảm",
        "tham",
        "trung",
        "chi",
        "hội",
        "bộ",
        "thanh",
        "ủy",
        "uỷ",
        "ubnd",
        "hđnd",
    ]
)
_PLACE_WORD = rf"(?!(?i:{'|'.join(sorted(NOT_PLACE))})(?!\w)){_CAP}"
# "tỉnh Sóc Trăng (cũ)": the former province, "(mới)": the one after the 2025 reorganisation (see `places.province_on`).
# Province names with a dash ("Bà Rịa - Vũng Tàu") are listed: a bare dash elsewhere separates units.
_DASHED = "|".join(re.escape(n) for p in PROVINCES for n in (p.name, *p.aliases) if re.search(r"\w ?[-–] ?\w", n))
_PLACE = rf"(?:{_DASHED}|{_PLACE_WORD}(?: {_PLACE_WORD}){{0,3}})(?: \((?:cũ|mới)\))?"


def _alt(variants: Iterable[str]) -> str:
    """Alternation of literal variants (longest first), each also in upper case for document headers."""
    forms = {v for variant in variants for v in (variant, variant.upper())}
    return "|".join(re.escape(v).replace(r"\ ", " ") for v in sorted(forms, key=len, reverse=True))


SECTORS: list[str] = LEX["sectors"]
_SECTOR_ABBR: dict[str, str] = LEX["sector_abbr"]
SECTOR_CODES: dict[str, str] = LEX["sector_codes"]
# A compound sector written without its dash or comma ("Văn hoá Xã hội", "Văn hóa Thể thao và Du lịch") is the
# same office.
_UNPUNCTUATED = {re.sub(r" [-–] |, ", " ", s): s for s in SECTORS if re.search(r" [-–] |, ", s)}
SECTOR_KEYS = {match_key(s): s for s in SECTORS} | {match_key(k): v for k, v in (_SECTOR_ABBR | _UNPUNCTUATED).items()}
_SECTOR_FORMS = {form for s in [*SECTORS, *_UNPUNCTUATED] for form in (s, old_tones(s))}  # "Văn hoá" as written
_SECTOR_RE = rf"(?:{_alt(_SECTOR_FORMS)}|(?i:{_alt(_SECTOR_FORMS)})|{_alt(_SECTOR_ABBR)}){_NOT_WORD_AFTER}"

# Fixed names: canonical → (category, variants). Category decides the scope.
_FIXED_CATS = ("central", "provincial", "internal", "vp_units")
FIXED: dict[str, tuple[str, str]] = {}
for _cat in _FIXED_CATS:
    for _canon, _variants in LEX[_cat].items():
        for _v in _variants:
            FIXED[match_key(_v)] = (_cat, _canon)
_FIXED_RE = rf"(?:{_alt(v for cat in _FIXED_CATS for vs in LEX[cat].values() for v in vs)})"
_FIXED_RE += rf"(?! (?:điện tử|số|Việt Nam)(?!\w))(?:(?: {_LEVEL})?(?: {_PLACE}))?{_NOT_WORD_AFTER}"

LEVELED: dict[str, dict[str, Any]] = LEX["leveled"]
LEVELED_KEYS = {match_key(v): head for head, spec in LEVELED.items() for v in spec["variants"]}
_LEVELED_RE = rf"(?:{_alt(v for spec in LEVELED.values() for v in spec['variants'])})(?: \(UBND\))?"
_LEVELED_RE += rf"(?: {_LEVEL})?(?: {_PLACE})?{_NOT_WORD_AFTER}"

PARTY: dict[str, str] = LEX["party"]
_PARTY_RE = rf"(?:{_alt(PARTY)})(?: {_PLACE})?{_NOT_WORD_AFTER}"

_SO_RE = rf"(?:Sở|SỞ) (?:{_SECTOR_RE})(?: {_LEVEL}(?: {_PLACE})?)?"
_SUB_RE = rf"(?:Văn phòng|Thanh tra|Ban Giám đốc|VĂN PHÒNG|THANH TRA) (?:Sở|SỞ)(?: {_SECTOR_RE})?{_NOT_WORD_AFTER}"
_ABBR = r"[A-ZĐ][A-ZĐ&\-]*[A-ZĐ]"
_TITLE_NAME = rf"{_CAP}(?: {_LOW})?(?: (?:-|và) {_CAP}(?: {_LOW})?)*"
_PHONG_RE = rf"(?:Phòng|PHÒNG|phòng(?= {_ABBR}(?!\w))) (?:{_SECTOR_RE}|{_ABBR}(?!\w)|{_TITLE_NAME})"
_PHONG_RE += rf"(?: (?:{'|'.join(DISTRICT_LEVELS)})(?: {_PLACE})?)?{_NOT_WORD_AFTER}"
_BAN_RE = rf"(?:Ban|Chi cục) (?:{_ABBR}(?!\w)|{_TITLE_NAME}){_NOT_WORD_AFTER}"
_BARE_RE = r"(?:Sở|SỞ|Văn phòng|VĂN PHÒNG|LĐVP|LDVP)(?!\w)"

# Generic groups: "các cơ quan, đơn vị có liên quan", "UBND các huyện, thị xã, thành phố", "Bộ, ngành Trung ương".
_MEMBER = (
    r"(?:cơ quan(?: chuyên môn| hành chính nhà nước| hành chính| nhà nước| Trung ương)?"
    rf"|đơn vị(?: sự nghiệp(?: công lập)?(?: công)?)?|(?:phòng|Phòng(?! [{_UPPER}]))(?: chuyên môn| chức năng)?|ban"
    r"|ngành(?: chức năng)?|sở"
    r"|địa phương|bộ|tổ chức(?: chính trị - xã hội| chính trị-xã hội| chính trị xã hội| xã hội| thành viên| đoàn thể)?"
    r"|doanh nghiệp|đoàn thể|hội"
    rf"|huyện|thị xã|thành phố|xã|phường|thị trấn|đặc khu|(?:Sở|Bộ|Ban|Ngành|Cơ quan|Đơn vị)(?! [{_UPPER}]))"
)
_TAIL = (
    r"(?: (?:khác có liên quan|khác liên quan|có liên quan|liên quan|có liên(?=\s*$)|chức năng|chuyên môn|được giao"
    r"|được phân công|khác)"
    r"| (?:thuộc, trực thuộc|trực thuộc|thuộc) (?:Sở|Văn phòng(?: (?:UBND|Ủy ban nhân dân) tỉnh)?"
    r"|(?:UBND|Ủy ban nhân dân) (?:tỉnh|thị xã|huyện))"
    r"| trực thuộc"  # bare "thuộc" needs its owner: "các đơn vị thuộc" is a name cut short
    r"| cấp (?:tỉnh|huyện|xã)(?:, (?:huyện|xã))?| (?:tỉnh|thị xã|huyện|thành phố|Thành phố)| Trung ương| trung ương"
    r"| đặt tại tỉnh"
    r"| trên địa bàn(?: (?:tỉnh|thị xã|huyện))?)"
)
_LEVEL_WORD = r"(?i:tỉnh|huyện|thị xã|thành phố|quận|xã|phường|thị trấn|đặc khu)"  # "các Huyện, Thị xã" too
_LEVEL_LIST = rf"{_LEVEL_WORD}(?:(?:, | và |, và | ){_LEVEL_WORD})*"
# After a bare space a member is never "tổ chức" alone: "các cơ quan, đơn vị, địa phương tổ chức thực hiện" is a verb.
_SPACED_MEMBER = rf"(?!tổ chức(?! chính trị| xã hội| thành viên| đoàn thể)){_MEMBER}"
_GROUP_RE = (
    rf"(?i:(?:tất cả )?các ){_MEMBER}(?:(?:, | và |, và |/){_MEMBER}| {_SPACED_MEMBER})*(?i:{_TAIL}){{0,3}}(?!\w)"
    rf"|(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Hội đồng nhân dân)(?: \((?:UBND|HĐND)\))?"
    rf" (?:(?:các |cấp ){_LEVEL_LIST}|{_LEVEL_WORD}(?:, | và |, và ){_LEVEL_LIST})(?!\w)"
    r"|(?:các )?(?:Bộ|bộ), (?:ngành|Ngành)(?:, | )?(?:Trung ương|trung ương|TW)?(?!\w)"
    r"|Bộ phận (?:Một cửa|một cửa) (?:các cấp|cấp (?:tỉnh|huyện|xã)(?:, (?:huyện|xã))*)(?!\w)"
    r"|HĐND, UBND(?: các cấp)?(?!\w)|Hội đồng nhân dân, Ủy ban nhân dân(?!\w)"
)
# Member nouns alone, no tail ("Cơ quan", "các đơn vị", "Cơ quan, đơn vị"): a list's head the scan found apart from
# the member that carries its tail ("… địa phương có liên quan").
BARE_MEMBERS = re.compile(rf"(?i:(?:tất cả )?các )?{_MEMBER}(?:(?:, | và |, và |/){_MEMBER})*")

# Letters a mention can start with: a cheap first test before the alternation is tried at a word start.
_STARTS = {
    v[0]
    for variant in (
        *(v for cat in _FIXED_CATS for vs in LEX[cat].values() for v in vs),
        *(v for spec in LEVELED.values() for v in spec["variants"]),
        *PARTY,
        *"ctSPBVLUỦHĐ",  # các, tất cả, Sở, Phòng, Ban/Báo/Bộ, Văn phòng, LĐVP, UBND/Ủy/Uỷ, HĐND/Hội
    )
    for v in (variant, variant.upper(), variant.lower())
}
MASTER = re.compile(
    rf"(?<![\w/\-])(?=[{''.join(sorted(_STARTS))}])(?:"
    + "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("group", _GROUP_RE),
            ("sub", _SUB_RE),
            ("fixed", _FIXED_RE),
            ("leveled", _LEVELED_RE),
            ("party", _PARTY_RE),
            ("so", _SO_RE),
            ("phong", _PHONG_RE),
            ("ban", _BAN_RE),
            ("bao", rf"Báo {_PLACE}(?!\w)"),
            ("bare", _BARE_RE),
        )
    )
    + ")"
)
# The first word of every literal a mention can begin with (any case for the case-insensitive "các", "tất cả"):
# positions that start none of them are skipped by one fast search instead of trying every branch of MASTER.
_FIRST_WORDS = {
    re.match(r"\w+", v).group(0)  # type: ignore[union-attr]
    for variant in (
        *(v for cat in _FIXED_CATS for vs in LEX[cat].values() for v in vs),
        *(v for spec in LEVELED.values() for v in spec["variants"]),
        *PARTY,
        # first words of the _GROUP_RE, _SUB_RE, _SO_RE, _PHONG_RE, _BAN_RE, "bao" and _BARE_RE alternatives
        *("UBND", "Ủy", "Uỷ", "HĐND", "Hội", "Bộ", "bộ", "Văn", "Thanh", "Ban", "Sở", "Phòng", "phòng", "Chi"),
        *("Báo", "LĐVP", "LDVP"),
    )
    for v in (variant, variant.upper())
} | {"".join(cs) for word in ("các", "tất") for cs in itertools.product(*({c, c.upper()} for c in word))}


def _prefix_regex(words: Iterable[str]) -> str:
    """A regex matching where any of `words` starts, as a trie (one branch per letter, not one per word)."""
    trie: dict[str, Any] = {}
    for word in sorted(words, key=len):  # shortest first: a word that extends a shorter one adds nothing
        node = trie
        for char in word:
            if node.get("") is not None:
                break
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        return "" if not alts else alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return emit(trie)


CANDIDATE = re.compile(_prefix_regex(_FIRST_WORDS))
LEVEL_AT_END = re.compile(rf" ({_LEVEL})(?: ({_PLACE}))?$")
PLACE_AT_END = re.compile(rf" ({_PLACE})$")
ELIDED = re.compile(rf"(?:, | và )({_SECTOR_RE})(?: (thị xã|huyện|thành phố|quận))?(?=\s*[,;)]|\s*$| thị xã| huyện)")
DISTRICT_WORD = re.compile(r"(?<!\w)(?i:huyện|thị xã|quận)(?!\w)")
_POST_WORDS = (
    r"(?:(?:KT\.|TM\.|TL\.|Q\.)\s*)?(?:Phó )?(?:Giám đốc|Tổng Giám đốc|Tổng giám đốc|Chủ tịch(?: Hội đồng thành viên)?"
    r"|Chánh(?: án)?|Thủ trưởng|Trưởng ban|Trưởng phòng|Bộ trưởng|Thứ trưởng|Cục trưởng|Vụ trưởng|Viện trưởng"
    r"|Hiệu trưởng|Trưởng|Lãnh đạo|Người đứng đầu|Thường trực|TT\.|TT|CT,? các PCT|CT|PCT)"
)
POST = re.compile(rf"^{_POST_WORDS}\s+", re.IGNORECASE)
POST_ONLY = re.compile(rf"^{_POST_WORDS}\.?$", re.IGNORECASE)
CELL_SPLIT = re.compile(r"[;\n]|(?:^|\s)[-+•]\s+|,|\s+và\s+")
GROUP_HEAD = re.compile(
    rf"^(?:(?:tất cả )?các {_MEMBER}|{_MEMBER}.*(?:liên quan|trực thuộc|có liên))(?!\w)", re.IGNORECASE
)
TRUNCATED_TAIL = re.compile(r" (?:có|có liên|có liên qu\w*)$")
# A kind word with no name ("Đơn vị", "Ban", "Phường", "ỦY BAN NHÂN DÂN", "ban ngành thị xã") or a place only.
_KIND_WORD = (
    rf"(?:{_MEMBER}|ủy ban nhân dân|uỷ ban nhân dân|hội đồng nhân dân|ubnd|hđnd|trung tâm|cục|chi cục|văn phòng)"
)
NAMELESS = re.compile(
    rf"(?i:{_KIND_WORD}(?:(?:, | và | |/){_KIND_WORD})*(?: \(\w+\)?)?|{_LEVEL})(?: {_LEVEL})?(?: {_PLACE})?"
)  # the place part stays case-sensitive: "Sở Nội vụ", "Bộ Tư lệnh Thành phố" are names, not a kind and a place
# Of those, unnamed bodies that still denote a group: "đơn vị (cung cấp …)", "cơ quan", "ban ngành", "phòng, ban".
UNNAMED_BODIES = re.compile(
    rf"(?:cơ quan|đơn vị|tổ chức|doanh nghiệp|địa phương)(?!\w)|{_KIND_WORD}(?:, | và | |/){_KIND_WORD}", re.IGNORECASE
)
ABBR_DEFINITION = re.compile(r" \((?:UBND|HĐND)\)")
# What a unit's name opens with: posts and "các", then an organisation's head noun (diacritics kept, so "Bố trí" is
# not "Bộ" and "Ban hành", "Báo cáo", "Bộ tiêu chí" are not bodies). Shared with `ingest.assignments`.
UNIT_POSTS = r"tất cả|toàn thể|các|thủ trưởng|giám đốc|chủ tịch|trưởng|lãnh đạo|người đứng đầu|chánh|phó|thường trực"
UNIT_HEADS = (
    r"sở|ubnd|ủy ban|văn phòng|ban(?! hành)|phòng(?!,? chống| ngừa)|trung tâm|thanh tra|đài|báo(?! cáo)|công an"
    r"|bộ(?! (?:tiêu|chỉ|câu|công cụ|hồ sơ|phận(?! một))\b)|bộ phận|cục|chi cục|tổng cục|hội đồng|hđnd|kho bạc"
    r"|cơ quan|đơn vị|ngành|đoàn(?! kiểm| công tác| thanh tra| kết)|liên đoàn|liên hiệp|hiệp hội"
    r"|hội(?! nghị| thảo| thi| chợ)"
    r"|mặt trận|ủy ban mặt trận|ubmttq|mttq|tỉnh ủy|thành ủy|huyện ủy|đảng ủy|viện|trường(?! hợp)|bệnh viện|ngân hàng"
    r"|bảo hiểm|tòa án|bộ chỉ huy|bộ đội|doanh nghiệp|địa phương|tổ chức|chính phủ|thủ tướng|quốc hội|tập đoàn"
    r"|tổng công ty|công ty|quỹ|hợp tác xã|lực lượng|cổng thông tin|cảnh sát|chi nhánh|học viện|đại học|thông tấn xã"
    r"|kiểm toán|tổ công tác|tổ giúp việc|tỉnh|thành phố|xã|phường|hải quan|chi cục hải quan|ủy ban nhân dân|hđnd"
)
OPENS_NAME = re.compile(rf"(?:(?:{UNIT_POSTS})\s+)*(?:{UNIT_HEADS})(?!\w)", re.IGNORECASE)
# Heads of two words whose second word is lower case ("Công an tỉnh", "Bảo hiểm xã hội", "Trung tâm phục vụ …").
_COMPOUND_HEAD = re.compile(
    r"(?:Trung tâm|Bảo hiểm|Kho bạc|Công an|Bộ đội|Liên hiệp|Liên đoàn|Hiệp hội|Hội đồng|Mặt trận|Ngân hàng|Tòa án"
    r"|Học viện|Đại học|Bệnh viện|Tổng cục|Chi cục|Tổng công ty|Công ty|Hợp tác xã|Lực lượng|Cổng thông tin"
    r"|Thông tấn xã|Tập đoàn|Ban Chỉ đạo|Ban chỉ đạo|Ban Quản lý|Ban quản lý|Tổ công tác|Cảnh sát|Chi nhánh"
    r"|Hải quan|Viện kiểm sát|Ủy ban|Văn phòng|Thanh tra|Cục)(?!\w)"
)


MEMBER_START = re.compile(r"(?:Doanh nghiệp|Cơ quan|Đơn vị|Địa phương|Đoàn thể|Nhà đầu tư)(?= (?!các |những )\w)")
_TIME_WORDS = re.compile(r"(?:Quý|Năm|Tháng|Ngày|Tuần|Trước|Trong|Hằng|Hàng|Định kỳ|Thường xuyên|Từ|Đến)(?!\w)")
_AT_LEVEL = re.compile(r" (?:tỉnh|thành phố|Thành phố|huyện|thị xã|xã|phường|đặc khu|Việt Nam)$")


_SHORT_FORMS = (
    (re.compile(r"\bUBND\b"), "Ủy ban nhân dân"),
    (re.compile(r"\bHĐND\b"), "Hội đồng nhân dân"),
    (re.compile(r"\bUBMTTQ\b"), "Ủy ban Mặt trận Tổ quốc"),
    (re.compile(r"\bMTTQ\b"), "Mặt trận Tổ quốc"),
)
NATIONAL = re.compile(r"(?:Việt Nam|[Qq]uốc gia|[Tt]rung ương|Chính phủ)$|^(?:Tổng cục|Cục) (?!.*(?:tỉnh|thành phố))")


def _spelled_out(name: str) -> str:
    for pattern, full in _SHORT_FORMS:
        name = pattern.sub(full, name)
    return name


# The common nouns of a group: bodies where they open a member of the list, levels of place anywhere.
_BODY_NOUNS = r"sở|ban|ngành|phòng|đoàn thể|địa phương|cơ quan|đơn vị"
_MEMBER = r"(?:^|(?<=[Cc]ác )|(?<=, )|(?<= và ))"
_LIST_NOUN = re.compile(
    rf"{_MEMBER}(?:{_BODY_NOUNS})(?!\w)|(?<=[\w,] )(?:huyện|xã|phường|thị trấn|thị xã|thành phố)(?!\w)", re.IGNORECASE
)
_UNSEPARATED = re.compile(rf"{_MEMBER}((?:{_BODY_NOUNS})) (?=(?:{_BODY_NOUNS})(?!\w))")


def group_label(name: str) -> str:
    """One label per group whatever the spelling: short forms spelled out, the listed nouns in lower case and
    separated by commas ("các Phòng, ban ngành" and "Các phòng, ban, ngành" are "Các phòng, ban, ngành")."""
    label = _LIST_NOUN.sub(lambda m: m.group().lower(), _spelled_out(name))
    while (separated := _UNSEPARATED.sub(r"\1, ", label)) != label:
        label = separated
    return cap_first(label)


def before_clause(text: str) -> str:
    """A name up to the first word that opens a clause ("các đơn vị điện lực trên địa bàn tỉnh trong việc …")."""
    m = IN_CLAUSE.search(text)
    return text[: m.start()].rstrip(" ,") if m else text


def name_like(text: str) -> bool:
    """Whether text the lexicon does not know reads as an organisation's name: capitalised words after a head noun.

    "Hiệp hội Doanh nghiệp", "Công an thành phố", "Liên hiệp các Hội Khoa học và Kỹ thuật" are names; "Tổ chức các
    hoạt động tập huấn", "khác có liên quan", "với các tiêu chuẩn" are not.
    """
    words = text.split()
    if not words or not words[0][:1].isupper() or len(words) > 14 or (len(words) > 1 and text.isupper()):
        return False  # a heading in capitals ("TỔ CHỨC THỰC HIỆN") is no name the lexicon does not know
    if len(words) == 1:
        return OPENS_NAME.fullmatch(text) is not None
    if _TIME_WORDS.match(text):
        return False  # "Quý IV/2025", "Năm 2026", "Thường xuyên": a deadline in the wrong column, never a unit
    if _COMPOUND_HEAD.match(text) or _AT_LEVEL.search(text):
        return True
    second = words[2] if words[1] in ("các", "và") and len(words) > 2 else words[1]
    return second[:1].isupper() or second.isupper()


# Words of a clause, never of an organisation's name ("nhiệm vụ theo Mục III", "sau đây gọi chung là").
CLAUSE_WORD = re.compile(r"(?<!\w)(?:theo|là|được|gọi|sau đây|nhằm|để|này|với)(?!\w)", re.IGNORECASE)


# Words that open a clause, never more of a name ("Bộ Nội vụ có …", "Sở … trong việc …", "… quy định việc …").
TAIL_STOP = re.compile(
    r"(?:có|trong|về|để|được|cho|với|theo|tại|là|khi|nếu|đã|đang|sẽ|phải|cần|quy định|thực hiện|chủ trì|phối hợp"
    r"|tổ chức|triển khai|tham mưu|ban hành|chịu|thiết|xây dựng|hướng dẫn|kiểm tra|báo cáo|gửi|nhận|trình|đề nghị"
    r"|chỉ đạo|cơ bản|và|hoặc|nhằm|bảo đảm|đảm bảo)(?!\w)"
)  # lower case: "Cần Thơ", "Trong" at a cell's start are no clause
# The same words inside a name, less "và"/"hoặc" (they join names) and "có liên quan" (a group's tail).
IN_CLAUSE = re.compile(rf"(?<=\w) (?!(?:và|hoặc|có liên)(?!\w))(?={TAIL_STOP.pattern})")


def cap_first(text: str) -> str:
    return text[:1].upper() + text[1:]
