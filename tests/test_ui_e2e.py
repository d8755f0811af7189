"""The web UI in a real browser: Playwright driving Debian's headless Chromium, against the app
``zhengce serve`` builds (the CLI in a subprocess on a free port), so a REST route shadowing a page fails.

Every link of every UI page is crawled (same origin, breadth first, bounded): each answers 200 with
HTML (CSV/XLSX downloads with their content type; links into the REST API with JSON); the compare
page shows two documents side by side with character diffs; REST answers only under /api/v1.
A researcher's journey: search → filter → open a document → highlights visible → cite → compare two documents → download
CSV, with a screenshot of each page written to a temporary folder (tests never write tracked
files; ``ZHENGCE_SCREENSHOTS=docs/screenshots`` refreshes the README's pictures).  Needs the ``playwright``
Python package and /usr/bin/chromium (``.ci/install-browser`` installs it); Playwright's own
browser download is never used.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from urllib.parse import parse_qsl, urlsplit
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("ZHENGCE_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: run .ci/install-browser (apt-get install chromium chromium-driver)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
pytest.importorskip("uvicorn")

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
    """The real app, started the way a user starts it: ``zhengce serve --db X --port P`` in a
    subprocess, over a store of a few files of corpus/ ingested in a temporary folder."""
    db = tmp_path_factory.mktemp("ui_e2e") / "ui.db"
    store = U.build_store(db)
    CLAUSE[:] = [U.suizhou_clause(store)]
    store.close()
    port = _free_port()
    log = db.with_suffix(".log").open("w+")
    proc = subprocess.Popen([sys.executable, "-m", "zhengce", "serve", "--db", str(db), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ZHENGCE_ALLOWED_HOSTS": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=10) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            log.seek(0)
            assert proc.poll() is None, f"zhengce serve exited {proc.returncode}: {log.read()[-2000:]}"
            assert time.time() < deadline, f"zhengce serve did not answer in 90 s: {log.read()[-2000:]}"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


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


def test_some_words_note_and_no_other_tags(server, page):
    """Issue 14: the page says when no sentence held every word; issue 17: no 其他 tags on hits."""
    page.goto(server + "/?q=课后服务 火星殖民")
    sync_api.expect(page.locator("#match-note")).to_contain_text("部分词")
    sync_api.expect(page.locator("#results-h")).to_contain_text("部分词匹配")
    page.goto(server + "/?q=课后服务")
    assert page.locator(".hit").count() > 0 and page.locator("#match-note").count() == 0
    page.goto(server + "/?q=营商环境")
    tags = page.locator(".hit .tag").all_inner_texts()
    assert tags and "其他" not in tags


MAX_CHECKED = 400          # links requested (each must answer 200 with the right content type)
MAX_OPENED = 80            # pages opened in Chromium to collect their links
CHECK_PER_SHAPE = 6        # links requested per path and set of query keys (facet combinations fan out)
OPEN_PER_PATH = 12         # pages opened per path (each document is a path of its own)
DOWNLOADS = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _shape(link: str) -> tuple:
    parts = urlsplit(link)
    return parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def crawl(server: str, page) -> dict[str, dict]:
    """Breadth first from /: same-origin links requested (up to CHECK_PER_SHAPE per path and set of
    query keys, so the facet combinations of the search page do not crowd out documents and
    comparisons), UI pages opened in the browser to find theirs (up to OPEN_PER_PATH per path)."""
    page.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                       else route.abort())          # offline: nothing leaves the machine
    seen: dict[str, dict] = {}
    queue, opened, paths, queued = deque(["/"]), 0, {}, {}
    while queue and len(seen) < MAX_CHECKED:
        link = queue.popleft()
        r = page.request.get(server + link)
        info = seen[link] = {"status": r.status, "type": r.headers.get("content-type", ""), "cmp": None}
        path = urlsplit(link).path
        if path.startswith("/api/") or path.endswith(tuple(DOWNLOADS)) or not info["type"].startswith("text/html"):
            continue                                 # not a UI page: checked, not crawled
        if opened >= MAX_OPENED or paths.get(path, 0) >= OPEN_PER_PATH:
            continue
        paths[path] = paths.get(path, 0) + 1
        opened += 1
        page.goto(server + link)
        if page.locator("table.cmp").count():
            info["cmp"] = {"cols": page.locator("table.cmp thead th").count(),
                           "rows": page.locator("table.cmp tbody tr").count(),
                           "ins": page.locator("table.cmp tr.rel-modified ins").count(),
                           "del": page.locator("table.cmp tr.rel-modified del").count()}
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            if not href.startswith(server + "/"):
                continue
            found = href[len(server):].split("#", 1)[0]
            if found and found not in seen and found not in queue and queued.get(_shape(found), 0) < CHECK_PER_SHAPE:
                queued[_shape(found)] = queued.get(_shape(found), 0) + 1
                queue.append(found)
    return seen


def test_every_link_of_every_ui_page_answers(server, page):
    seen = crawl(server, page)
    bad = []
    for link, info in seen.items():
        path = urlsplit(link).path
        want = next((t for ext, t in DOWNLOADS.items() if path.endswith(ext)), None)
        if path.startswith("/api/v1/"):           # the UI links into the API: JSON, or the docs page
            want = "text/html" if path == "/api/v1/docs" else "application/json"
        want = want or "text/html"
        if info["status"] != 200 or not info["type"].startswith(want):
            bad.append(f"{link}: {info['status']} {info['type']} (want 200 {want})")
    assert not bad, "\n".join(bad)
    paths = {urlsplit(k).path for k in seen}
    assert {"/", "/target-table", "/compare", "/target-table.csv", "/target-table.xlsx", "/api/v1/docs"} <= paths
    assert sum(p.startswith("/doc/") for p in paths) >= 5, sorted(paths)
    # the compare page, reached from the UI's own links, shows a side-by-side diff of two documents
    diffs = [(k, v["cmp"]) for k, v in seen.items() if v["cmp"] and "b=" in k]
    assert diffs, "no compare page with two documents was reached from the UI's links"
    assert any(c["cols"] == 3 and c["rows"] > 0 and c["ins"] + c["del"] > 0 for _, c in diffs), diffs


def test_compare_page_side_by_side_diff(server, page):
    page.goto(f"{server}/compare?a={U.NATIONAL}&b={U.HENAN}")
    table = page.locator("table.cmp")
    sync_api.expect(table).to_be_visible()
    heads = table.locator("thead th").all_inner_texts()
    assert heads[0].startswith("A：") and heads[-1].startswith("B："), heads
    row = table.locator("tr.rel-modified").first
    cells = row.locator("td")
    assert cells.count() == 3
    assert cells.nth(0).locator("del").count() + cells.nth(2).locator("ins").count() > 0
    left, right = cells.nth(0).bounding_box(), cells.nth(2).bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 2   # side by side


def test_rest_answers_only_under_its_prefix(server, page):
    req = page.request
    r = req.get(server + "/api/v1/search?q=课后服务")
    assert r.status == 200 and r.json()["total"] > 0
    assert req.get(server + "/api/v1/openapi.json").json()["paths"]
    for old in ("/search?q=课后服务", "/documents/" + U.NATIONAL, "/targets", "/facets", "/health", "/openapi.json"):
        r = req.get(server + old)
        assert r.status == 404 and not r.headers["content-type"].startswith("application/json"), old
    r = req.get(f"{server}/compare?a={U.NATIONAL}&b={U.HENAN}")
    assert r.status == 200 and r.headers["content-type"].startswith("text/html")
