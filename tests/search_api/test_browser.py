"""The UI in a real headless browser: search, open a document, expand the graph, compare two plans, deadlines.

The app runs under uvicorn on a free 127.0.0.1 port over a data directory holding the five samples;
Debian's chromium is driven by Playwright (`executable_path`, no browser download). Every request the page
makes to anything but that server is refused and counted, so a CDN dependency fails the test. Screenshots
go to each test's tmp_path. Without chromium or Playwright the tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.helpers import SAMPLES

CHROMIUM = os.environ.get("CCHC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
TIMEOUT_MS = 20_000


def _unavailable(reason: str) -> None:
    """CI installs chromium and Playwright (.ci/run), so there a missing browser is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run: {reason}")
    pytest.skip(reason)


@dataclass
class Server:
    base: str
    home: Path


@dataclass
class Browser:
    context: Any
    outside: list[str] = field(default_factory=list)  # requests to anything but the app: must stay empty


def _ingest(home: Path) -> None:
    """The five samples in the graph and in the search index (with the tiny deterministic embedder)."""
    from ingest.pipeline import extract_paths
    from search_api.embedding import HashingEmbedder
    from search_api.ingestion import ingest_into
    from search_api.settings import Settings

    done = ingest_into(Settings(home=home), extract_paths([SAMPLES]), HashingEmbedder())
    assert not done.graph.failures, done.graph.line()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn

    from search_api.app import create_app
    from search_api.settings import Settings

    home = tmp_path_factory.mktemp("cchc-home")
    _ingest(home)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on: no race with another process
    port = sock.getsockname()[1]
    from search_api.embedding import HashingEmbedder

    app = create_app(Settings(home=home, port=port), embedder=HashingEmbedder())
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Server(base=f"http://127.0.0.1:{port}", home=home)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def chromium() -> str:
    """Checked before the server is built, so a machine without a browser skips at once."""
    if not Path(CHROMIUM).is_file():
        _unavailable(f"chromium not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Python playwright not installed (pip install playwright; no browser download needed)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: str, server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh --user-data-dir
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900}, locale="vi-VN",
        )  # fmt: skip
        state = Browser(context)
        app_host = urlsplit(server.base).netloc

        def gate(route: Any) -> None:
            url = route.request.url
            if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == app_host:
                route.continue_()
            else:
                state.outside.append(url)
                route.abort()

        context.route("**/*", gate)
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield state
        finally:
            context.close()
    assert not state.outside, f"the UI reached outside the app: {state.outside}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Any]:
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    page.close()
    assert not errors, f"errors in the page: {errors}"


def _documents(server: Server) -> list[dict[str, Any]]:
    import httpx

    body = httpx.get(f"{server.base}/documents", params={"per_page": 100}, timeout=30).json()
    items: list[dict[str, Any]] = body if isinstance(body, list) else body["items"]
    return items


def test_search_then_open_document_scrolled_to_the_span(page: Any, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.base}/#/search")
    page.fill("input[name=q]", "NĐ 107/2020")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li")
    hits = page.locator("ol.hits li")
    assert hits.count() >= 3, "the three documents citing NĐ 107/2020 are found"
    assert page.locator("ol.hits mark.hit").count() >= 1, "matched words are highlighted"
    assert "107" in page.locator("ol.hits li").first.locator("mark.hit").all_inner_texts()
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    link = hits.first.locator("a.title")
    assert "start=" in (link.get_attribute("href") or ""), "a hit links to its span"
    link.click()
    page.wait_for_selector("#doc-text")
    page.wait_for_function("document.getElementById('focus') !== null && window.scrollY > 0")
    for kind in ("citation", "unit", "task"):
        assert page.locator(f"#doc-text .hl-{kind}").count() > 0, f"{kind} spans are highlighted"
    box = page.locator("#focus").bounding_box()
    assert box is not None and 0 <= box["y"] < 900, "the page is scrolled to the hit's span"
    assert "107" in page.locator("#focus").inner_text() or page.locator("#doc-text .hl-focus").count() > 0
    assert page.locator("#cites li").count() > 0, "the side list shows what the document cites"
    assert page.locator("#legend label").count() == 4
    page.screenshot(path=str(tmp_path / "document.png"))


def test_search_filters_and_a_query_without_diacritics(page: Any, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.base}/#/search")
    page.wait_for_selector("select[name=province] option >> nth=1", state="attached")  # filled from /documents
    page.fill("input[name=q]", "so hoa ho so thu tuc hanh chinh")
    page.select_option("select[name=province]", label="soc-trang")
    page.select_option("select[name=area]", value="tthc")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("ol.hits li")
    metas = page.locator("ol.hits .meta").all_inner_texts()
    assert metas and all("Sóc Trăng" in m and "Thủ tục hành chính" in m for m in metas), metas
    assert page.locator("ol.hits mark.hit").count() > 0, "unaccented query words highlight accented text"
    assert "province=soc+trang" in page.url and "area=tthc" in page.url, "filters live in the address"
    page.screenshot(path=str(tmp_path / "search-filtered.png"))


def test_document_lists_flags_and_citing_documents(page: Any, server: Server, tmp_path: Path) -> None:
    docs = _documents(server)
    plan = next(d for d in docs if d["source"].endswith("002_d0cae71e4e4777ba.txt"))  # cites a mistyped 73/NQ-CP
    page.goto(f"{server.base}/#/doc/{quote(plan['id'], safe='')}")
    page.wait_for_selector("#cites li")
    assert page.locator("#cites li.flagged .badge.warn").count() > 0, "citation flags are shown as warnings"
    page.locator("#cites li a.jump").first.click()
    assert page.locator("#doc-text .hl-focus").count() >= 1
    page.screenshot(path=str(tmp_path / "document-flags.png"))


def test_graph_renders_and_expands_on_click(page: Any, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.base}/#/graph/{quote('NĐ 107/2020', safe='')}")
    page.wait_for_function("Number(document.getElementById('cy')?.dataset.nodes || 0) > 1")
    before = int(page.locator("#cy").get_attribute("data-nodes") or 0)
    assert page.locator("#province-legend .dot").count() >= 2, "nodes are coloured by province"
    page.screenshot(path=str(tmp_path / "graph.png"))

    box = page.locator("#cy").bounding_box()
    assert box is not None
    grown = False
    for _ in range(12):  # a node whose neighbours are all shown already adds nothing: click the next one
        positions = page.evaluate("window.cchcGraph.unexpandedPositions()")  # after each layout: they move
        if not positions:
            break
        x, y = positions[0]
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_function("document.getElementById('graph-status').dataset.busy !== '1'")
        if int(page.locator("#cy").get_attribute("data-nodes") or 0) > before:
            grown = True
            break
    assert grown, "clicking a node adds its neighbours"
    page.screenshot(path=str(tmp_path / "graph-expanded.png"))

    assert page.evaluate("window.cchcGraph.visibleEdges('cites')") > 0
    page.uncheck("#edge-filters input[value=cites]")
    # Cytoscape restyles on the next frame: wait for it rather than read at once.
    page.wait_for_function("window.cchcGraph.visibleEdges('cites') === 0")
    assert page.evaluate("window.cchcGraph.visibleEdges('lead') + window.cchcGraph.visibleEdges('part_of')") > 0


def test_compare_two_plans(page: Any, server: Server, tmp_path: Path) -> None:
    plans = [d for d in _documents(server) if d.get("kind") == "ke-hoach"][:2]
    assert len(plans) == 2
    page.goto(f"{server.base}/#/compare")
    page.wait_for_selector("#compare-form input[name=docs]")
    for plan in plans:
        page.check(f"#compare-form input[name=docs][value='{plan['id']}']")
    page.click("#compare-form button[type=submit]")
    table = page.wait_for_selector("#compare-table")
    assert table is not None
    headers = page.locator("#compare-table thead th").all_inner_texts()
    assert len(headers) == 3, headers
    for plan in plans:
        assert any(plan["title"] in h for h in headers), (plan["title"], headers)
    assert page.locator("#compare-table tr.group").count() >= 2, "rows per reform area and the legal basis"
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)


def test_compare_two_plans_aligns_their_tasks(page: Any, server: Server, tmp_path: Path) -> None:
    by_file = {d["source"].rsplit("/", 1)[-1][:3]: d["id"] for d in _documents(server)}
    page.goto(f"{server.base}/#/compare?docs={quote(by_file['000'])},{quote(by_file['002'])}")
    page.wait_for_selector("#alignment-table")
    pairs = page.locator("#alignment-table tbody tr").count()
    assert pairs + page.locator("#alignment-only-a li").count() == 25  # every task of the Sóc Trăng plan, once
    assert pairs + page.locator("#alignment-only-b li").count() == 40
    href = page.get_attribute("#alignment-csv", "href")
    assert href is not None and href.startswith("/align.csv?a=")
    page.screenshot(path=str(tmp_path / "alignment.png"), full_page=True)


def test_deadline_calendar_by_month_with_overdue_and_vague(page: Any, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.base}/#/deadlines?from=2024-01-01&to=2024-06-30&as_of=2024-04-01")
    page.wait_for_selector("#deadline-timeline section.month")
    months = page.locator("#deadline-timeline section.month").evaluate_all("ns => ns.map(n => n.dataset.month)")
    assert months[0] == "2024-01" and months == sorted(months), months
    assert page.locator("li.deadline.overdue").count() >= 3  # January's two and Q1's ends, before 1 April
    text = page.locator("#deadline-timeline").inner_text()
    assert "Phòng Quản trị - Tài vụ" in text and "000_c4c1da0f57cfd92b.txt:" in text
    assert page.locator("#deadline-vague li").count() > 0
    href = page.get_attribute("#deadlines-ics", "href")
    assert href is not None and href.startswith("/deadlines.ics?") and "from=2024-01-01" in href
    page.fill("#deadlines-form input[name=unit]", "Trung tâm Phục vụ hành chính công tỉnh")
    page.click("#deadlines-form button[type=submit]")
    page.wait_for_function("location.hash.includes('unit=')")
    page.wait_for_selector("#deadline-timeline section.month")
    assert "Phòng Quản trị - Tài vụ ·" not in page.locator("#deadline-timeline").inner_text()
    page.screenshot(path=str(tmp_path / "deadlines.png"), full_page=True)


def test_anomalies_page(page: Any, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.base}/#/anomalies")
    page.wait_for_selector("#anomalies-table tbody tr")
    assert "73/NQ-CP" in page.locator("#anomalies-table").inner_text()
    page.screenshot(path=str(tmp_path / "anomalies.png"))


PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_uploaded_markup_is_shown_as_text(page: Any, server: Server, tmp_path: Path) -> None:
    """Documents are user uploads: markup in them must reach the page as text, never as HTML."""
    import httpx

    text = (
        "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG\nSố: 77/UBND-NC\nV/v thử hiển thị " + PAYLOAD + "\n"
        "Căn cứ Nghị định số 107/2020/NĐ-CP ngày 14/9/2020 của Chính phủ " + PAYLOAD + ";\n"
        'Sở Nội vụ chủ trì triển khai <b onmouseover="window.__xss=3">ngay</b>.\n'
    )
    answer = httpx.post(f"{server.base}/documents", files={"file": ("markup.txt", text.encode("utf-8"), "text/plain")},
                        timeout=60)  # fmt: skip
    assert answer.status_code == 201, answer.text
    doc_id = answer.json()["document"]["id"]
    page.goto(f"{server.base}/#/doc/{quote(doc_id, safe='')}")
    page.wait_for_selector("#doc-text")
    assert PAYLOAD in page.locator("#doc-text").inner_text()
    assert page.locator("#doc-text img, #doc-text script, #doc-text b").count() == 0
    page.screenshot(path=str(tmp_path / "markup-document.png"))
    page.goto(f"{server.base}/#/search?q={quote('thử hiển thị')}")
    page.wait_for_selector("ol.hits li")
    page.goto(f"{server.base}/#/documents")
    page.wait_for_selector("table.grid tbody tr")
    assert page.evaluate("window.__xss") is None
    page.screenshot(path=str(tmp_path / "markup-documents.png"))


def test_compare_shows_where_a_former_province_went_and_a_unit_through_time(page: Any, server: Server) -> None:
    soc_trang = next(d for d in _documents(server) if d.get("scope") == "vn.soc-trang" and d.get("kind") == "ke-hoach")
    other = next(d for d in _documents(server) if d.get("kind") == "ke-hoach" and d["id"] != soc_trang["id"])
    page.goto(f"{server.base}/#/compare?docs={quote(soc_trang['id'], safe='')},{quote(other['id'], safe='')}")
    now = page.wait_for_selector("#compare-table tr.now").inner_text()
    assert "tỉnh Sóc Trăng (cũ) → thành phố Cần Thơ từ 2025-07-01" in now, now
    page.fill("#through-time-form input[name=province]", "Cần Thơ")
    page.click("#through-time-form button[type=submit]")
    answer = page.wait_for_selector("#through-time-list").inner_text()
    assert "Sở Nội vụ — tỉnh Sóc Trăng (cũ), đến 2025-06-30; nay thuộc thành phố Cần Thơ" in answer, answer
