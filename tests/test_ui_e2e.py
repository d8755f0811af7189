"""The web UI in a real browser: Playwright driving Debian's headless Chromium.

search → filter → open a document → highlights visible → cite → compare two documents → download
CSV, with a screenshot of each page written to a temporary folder (tests never write tracked
files; ``ZHENGCE_SCREENSHOTS=docs/screenshots`` refreshes the README's pictures).  Needs the ``playwright``
Python package and /usr/bin/chromium (``.ci/install-browser`` installs it); Playwright's own
browser download is never used.
"""
from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ZHENGCE_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: run .ci/install-browser (apt-get install chromium chromium-driver)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
uvicorn = pytest.importorskip("uvicorn")

import test_ui as U  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
CLAUSE: list[str] = []     # the Suizhou clause cited as 二、（三）, found when the server starts
SHOTS = os.environ.get("ZHENGCE_SCREENSHOTS")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = U.build_store(tmp_path_factory.mktemp("ui_e2e") / "ui.db")
    app = U.ui_app(store)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    CLAUSE[:] = [U.suizhou_clause(store)]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    t.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 850}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    global SHOTS
    SHOTS = SHOTS or tempfile.mkdtemp(prefix="zhengce-shots-")
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_researcher_journey(server, page, tmp_path):
    expect = sync_api.expect
    # 1. search
    page.goto(server + "/")
    expect(page.get_by_role("heading", name="政策文本检索")).to_be_visible()
    page.get_by_label("检索词").fill("课后服务")
    page.get_by_label("混合").check()
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.locator("#total")).to_be_visible()
    total = int(page.locator("#total").inner_text())
    assert total > 0
    expect(page.locator(".snippet mark").first).to_be_visible()

    # 2. filter by a facet (层级: 县级)
    page.locator('.facet[data-facet="level"] a[data-value="county"]').click()
    expect(page.locator(".chip")).to_contain_text("县级")
    filtered = int(page.locator("#total").inner_text())
    assert 0 < filtered < total
    shot(page, "search")

    # 3. open a document from the results: keyboard, like a reader without a mouse
    first = page.locator(".hit-title").first
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/doc/**")
    expect(page.locator("#doctext")).to_be_visible()

    # 4. a document with targets, units, time expressions: highlights visible, values on hover
    cid = CLAUSE[0]
    page.goto(f"{server}/doc/{U.SUIZHOU}#{cid}")
    tgt = page.locator("#doctext mark.x-target").first
    expect(tgt).to_be_visible()
    assert "目标" in tgt.get_attribute("title")
    expect(page.locator("#doctext .x-unit").first).to_be_visible()
    expect(page.locator("#doctext .x-time").first).to_be_visible()
    expect(page.locator("#doctext .cl.k-obligation").first).to_be_visible()
    bg = page.locator("#doctext mark.x-target").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    # the legend switches a layer off and on again
    page.get_by_label("目标值").uncheck()
    assert page.evaluate("document.body.classList.contains('hide-target')")
    page.get_by_label("目标值").check()
    # 引用: the button copies the GB/T 7714 reference with the section path
    page.locator(f"#{cid} + button.cite").click()
    expect(page.locator("#toast")).to_contain_text("二、（三）")
    assert page.evaluate("window.__lastCopied").endswith("2021-06-25: 二、（三）.")
    page.locator(f"#{cid}").scroll_into_view_if_needed()
    shot(page, "document")

    # quality flags in plain words
    page.goto(f"{server}/doc/{U.LIAONING}")
    expect(page.locator('[data-flag="spam_injection"]')).to_have_text("⚠ 页面含疑似注入广告")
    shot(page, "document-flags")

    # 5. compare two documents picked in the form
    page.goto(server + "/compare")
    page.get_by_label("文件 A").select_option(U.NATIONAL)
    page.get_by_label("文件 B").select_option(U.HENAN)
    page.get_by_role("button", name="比较").click()
    expect(page.locator("table.cmp")).to_be_visible()
    for rel in ("identical", "modified", "omitted", "added"):
        assert page.locator(f"tr.rel-{rel}").count() > 0, rel
    expect(page.locator("tr.rel-modified ins").first).to_be_visible()
    colour = page.locator("tr.rel-modified td").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    shot(page, "compare")

    # 6. targets: filter, chart, download CSV
    page.goto(server + "/target-table")
    expect(page.locator("svg.chart").first).to_be_visible()
    shot(page, "targets")
    page.get_by_label("地区", exact=True).select_option("湖北省")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table.targets tbody tr").first).to_contain_text("湖北省")
    with page.expect_download() as dl:
        page.locator("#dl-csv").click()
    path = tmp_path / "targets.csv"
    dl.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "湖北省" in data.decode("utf-8-sig")


def test_focus_is_visible(server, page):
    """Tabbing reaches the skip link first, and focused controls get an outline."""
    page.goto(server + "/target-table")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "跳到正文"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_filtered_results_page_renders(server, page):
    page.goto(server + "/?q=" + "营商环境")
    page.goto(server + "/?q=" + "课后服务&level=county")
    page.locator("#total").wait_for()             # (first-paint time: bench/ui.py)
