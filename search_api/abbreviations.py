"""Abbreviations of Vietnamese administrative and legal writing, and the words they stand for.

A plan writes "UBND", "TTHC", "NĐ-CP"; a reader types "ủy ban nhân dân", "thủ tục hành chính", "nghị định" (or the
other way round). The keyword index follows each run of an abbreviation's words with the abbreviation, at index
and at query time (`search_api.keywords.terms`), so either form finds the other. Abbreviations are tokens as the
tokeniser cuts them: in a notation (`107/2020/NĐ-CP`) `nđ` and `cp` stand apart.
"""

from __future__ import annotations

ABBREVIATIONS: dict[str, str] = {
    # the administration
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "ubtvqh": "ủy ban thường vụ quốc hội",
    "qh": "quốc hội",
    "cp": "chính phủ",
    "ttg": "thủ tướng",
    "vpcp": "văn phòng chính phủ",
    "nhnn": "ngân hàng nhà nước",
    "tandtc": "tòa án nhân dân tối cao",
    "vksndtc": "viện kiểm sát nhân dân tối cao",
    # kinds of documents
    "nđ": "nghị định",
    "qđ": "quyết định",
    "tt": "thông tư",
    "ttlt": "thông tư liên tịch",
    "nq": "nghị quyết",
    "kh": "kế hoạch",
    "ct": "chỉ thị",
    "cv": "công văn",
    "pl": "pháp lệnh",
    "vbqppl": "văn bản quy phạm pháp luật",
    "blhs": "bộ luật hình sự",
    "blds": "bộ luật dân sự",
    "blttds": "bộ luật tố tụng dân sự",
    "bltths": "bộ luật tố tụng hình sự",
    "blld": "bộ luật lao động",
    "blđ": "bộ luật lao động",
    # ministries, as they sign notations (TT-BTC)
    "btc": "bộ tài chính",
    "bnv": "bộ nội vụ",
    "bca": "bộ công an",
    "byt": "bộ y tế",
    "bqp": "bộ quốc phòng",
    "btp": "bộ tư pháp",
    "bct": "bộ công thương",
    "bxd": "bộ xây dựng",
    "bgtvt": "bộ giao thông vận tải",
    "bgdđt": "bộ giáo dục và đào tạo",
    "blđtbxh": "bộ lao động thương binh và xã hội",
    "bkhcn": "bộ khoa học và công nghệ",
    "bkhđt": "bộ kế hoạch và đầu tư",
    "btnmt": "bộ tài nguyên và môi trường",
    "btttt": "bộ thông tin và truyền thông",
    "bnnptnt": "bộ nông nghiệp và phát triển nông thôn",
    "bvhttdl": "bộ văn hóa thể thao và du lịch",
    # reform and everyday administration
    "cchc": "cải cách hành chính",
    "tthc": "thủ tục hành chính",
    "dvc": "dịch vụ công",
    "dvctt": "dịch vụ công trực tuyến",
    "cntt": "công nghệ thông tin",
    "cbccvc": "cán bộ công chức viên chức",
    "đvsncl": "đơn vị sự nghiệp công lập",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "tnhh": "trách nhiệm hữu hạn",
    "mtv": "một thành viên",
    "gcn": "giấy chứng nhận",
    "qsdđ": "quyền sử dụng đất",
}
