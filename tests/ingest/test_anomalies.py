"""Anomalies (spec §5.4): per document from citation flags, across documents from a batch."""

from __future__ import annotations

from ingest.anomalies import cross_document_anomalies, find_anomalies
from ingest.citations import CitingContext, find_citations
from ingest.laws import law_gazetteer
from ingest.records import Deadline, DocumentMeta, Extraction, Task
from ingest.registry import registry


def _meta(source: str, scope: str, date: str | None, year: int | None = None) -> DocumentMeta:
    return DocumentMeta(source=source, sha256="0", scope=scope, date=date, year_covered=year)


def _extract(meta: DocumentMeta, text: str) -> Extraction:
    cits = find_citations(text, CitingContext.from_meta(meta))
    return Extraction(source=meta.source, document=meta, citations=cits, anomalies=find_anomalies(meta, cits, ()))


def test_typo_against_curated_registry() -> None:
    meta = _meta("a", "vn.dong-nai", "2022-01")
    ex = _extract(meta, "Căn cứ Nghị quyết số 73/NQ-CP ngày 15/7/2021 của Chính phủ về việc ban hành Chương trình "
                        "tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030;")  # fmt: skip
    typo = [a for a in ex.anomalies if a.kind == "suspected_typo"]
    assert typo and typo[0].probable == "vn/nghi-quyet/76_nq-cp/2021" and typo[0].severity == "high"


def test_date_error_against_registry() -> None:
    ex = _extract(_meta("a", "vn.dong-nai", "2022-01"), "theo Nghị định số 30/2020/NĐ-CP ngày 07/3/2020")
    err = [a for a in ex.anomalies if a.kind == "suspected_date_error"]
    assert err and "2020-03-05" in err[0].detail


def test_missing_year_against_registry() -> None:
    ex = _extract(_meta("a", "vn._", None), "ban hành ngày 17/9/2001 tại Quyết định số 136/QĐ-TTg")
    assert any(
        a.kind == "suspected_missing_year" and a.probable == "vn/quyet-dinh/136_2001_qdd-ttg" for a in ex.anomalies
    )


def test_date_conflict_in_one_document() -> None:
    text = "Nghị định số 106/2020/NĐ-CP ngày 15/9/2020.\nNghị định số 106/2020/NĐ-CP ngày 10/9/2020."
    ex = _extract(_meta("a", "vn.vinh-long", "2022-12"), text)
    conflict = [a for a in ex.anomalies if a.kind == "date_conflict"]
    assert len(conflict) == 1 and conflict[0].citations == (0, 1)


def test_no_anomaly_for_clean_citation() -> None:
    ex = _extract(_meta("a", "vn.vinh-long", "2022-12"), "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;")
    assert ex.anomalies == ()


def test_future_citation_in_plan_without_date() -> None:
    ex = _extract(_meta("b", "vn.soc-trang.tx-nga-nam", None, 2024),
                  "Căn cứ Kế hoạch số 218/KH-UBND ngày 19/12/2024 của Ủy ban nhân dân tỉnh Sóc Trăng;")  # fmt: skip
    assert [a.kind for a in ex.anomalies] == ["future_citation"]


def test_cross_document_year_only_difference() -> None:
    a = _extract(_meta("a", "vn.soc-trang", "2024-01", 2024),
                 "Thực hiện Kế hoạch số 218/KH-UBND ngày 19/12/2023 của Ủy ban nhân dân tỉnh Sóc Trăng")  # fmt: skip
    b = _extract(_meta("b", "vn.soc-trang.tx-nga-nam", None, 2024),
                 "Căn cứ Kế hoạch số 218/KH-UBND ngày 19/12/2024 của Ủy ban nhân dân tỉnh Sóc Trăng;")  # fmt: skip
    out = cross_document_anomalies([a, b])
    assert "a" not in out
    assert [x.kind for x in out["b"]] == ["suspected_date_error"]
    assert out["b"][0].probable == "vn.soc-trang/ke-hoach/218_kh-ubnd/2023"


def test_cross_document_header_date_wins() -> None:
    own = DocumentMeta(source="h", sha256="0", number="5/KH-UBND", scope="vn.soc-trang", date="2023-01-13")
    cited = _extract(_meta("c", "vn.soc-trang", "2024-01"), "Kế hoạch số 05/KH-UBND ngày 13/01/2024 của UBND tỉnh")
    header = Extraction(source="h", document=own)
    out = cross_document_anomalies([header, cited])
    assert [a.kind for a in out["c"]] == ["suspected_date_error"] and "2023-01-13" in out["c"][0].detail


def test_deadline_year_before_plan_year() -> None:
    task = Task("T35", "Kiểm tra", "table", None, None, (), (), (), Deadline("Năm 2022", "window", "2022-01-01",
                "2022-12-31"), 0, 1)  # fmt: skip
    out = find_anomalies(_meta("a", "vn.vinh-long", "2022-12", 2023), (), (task,))
    assert [a.kind for a in out] == ["deadline_year"]


def test_registry_is_loaded_and_compact() -> None:
    assert len(registry()) > 4000
    assert registry().lookup("30/2020/NĐ-CP")[0].date == "2020-03-05"
    gaz = law_gazetteer()
    law = gaz.resolve("luat vien chuc", None, 2022)
    assert law is not None and law.notation == "58/2010/QH12"
