"""The web UI (search_api/ui.py) with FastAPI's TestClient: every page renders, filters narrow,
highlights and quality flags show, references are right, downloads are what Excel expects."""
from __future__ import annotations

import csv
import io
import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi import FastAPI  # noqa: E402
    from fastapi.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UI_FILES = [ROOT / "corpus" / "seeds"] + [
    ROOT / "corpus" / "dev" / f for f in (
        "national_china_2019_optimize_business_environment_regulation.md",
        "provincial_henan_2020_optimize_business_environment_regulation.md",
        "municipal_henan-zhumadian_2021_optimize_business_environment_regulation.md")]

# doc_ids of the sample documents, filled in by build_store from their source file names
SOURCES = {"SUIZHOU": "001_4ea7f4e0e4771614.txt",       # targets, responsible units, 二、（三）numbering
           "LIAONING": "004_d529f74e39be1481.txt",      # spam_injection
           "NATIONAL": "national_china_2019_optimize_business_environment_regulation.md",   # 国务院
           "HENAN": "provincial_henan_2020_optimize_business_environment_regulation.md",    # cites NATIONAL
           "ZHUMADIAN": "municipal_henan-zhumadian_2021_optimize_business_environment_regulation.md"}
SUIZHOU = LIAONING = NATIONAL = HENAN = ZHUMADIAN = ""
SUIZHOU_TARGET = "省级示范高中同一年级设置2个以上级部"   # in the clause cited as 二、（三）


def suizhou_clause(store) -> str:
    rec = store.get(SUIZHOU)
    return next(c["id"] for c in rec["clauses"] if SUIZHOU_TARGET in c["text"])


def build_store(path: Path):
    """A searchable store of the UI sample documents (seeds + one 优化营商环境 family)."""
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore
    store = SearchableSQLiteStore(path)
    report = ingest([str(p) for p in UI_FILES], store)
    assert not report.failed, report.failed
    by_name = {Path(src).name: d["doc_id"] for d in store.documents() for src in d["sources"]}
    for const, name in SOURCES.items():
        globals()[const] = by_name[name]
    return store


def ui_app(store) -> FastAPI:
    from zhengce.search_api.ui import mount_ui
    app = FastAPI()
    mount_ui(app, lambda: store)
    return app


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = build_store(tmp_path_factory.mktemp("ui") / "ui.db")
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store):
    c = TestClient(ui_app(store))
    c.app_store = store
    return c


def test_fixture_ids(store):
    ids = {d["doc_id"] for d in store.documents()}
    assert {SUIZHOU, LIAONING, NATIONAL, HENAN, ZHUMADIAN} <= ids


# --- search -----------------------------------------------------------------------------------

def test_search_landing(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="zh-CN">' in html and "检索方式" in html
    for label in ("关键词", "语义", "混合", "地区（省级）", "层级", "年份", "文种", "条款类型"):
        assert label in html
    assert "/static/app.css" in html and "/static/app.js" in html
    assert "cdn" not in html.lower() and "https://" not in html


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_search_modes(client, mode):
    r = client.get("/", params={"q": "课后服务", "mode": mode})
    assert r.status_code == 200
    total = int(re.search(r'id="total">(\d+)<', r.text).group(1))
    assert total > 0
    assert f'value="{mode}" checked' in r.text
    assert 'class="hit-title" href="/doc/' in r.text
    if mode == "keyword":
        assert "<mark>课后服务</mark>" in r.text


def test_search_filter_and_chips(client):
    all_ = client.get("/", params={"q": "课后服务"}).text
    n_all = int(re.search(r'id="total">(\d+)<', all_).group(1))
    r = client.get("/", params={"q": "课后服务", "level": "county"})
    n_county = int(re.search(r'id="total">(\d+)<', r.text).group(1))
    assert 0 < n_county < n_all
    assert "层级：县级" in r.text                      # the active filter as a removable chip
    # a facet link carries the query and adds its filter
    assert re.search(r'href="/\?q=%E8%AF%BE%E5%90%8E%E6%9C%8D%E5%8A%A1&amp;mode=keyword&amp;level=county"', all_)
    # every hit is a county document
    for doc in set(re.findall(r'class="hit-title" href="/doc/([0-9a-f]+)#', r.text)):
        assert client.app_store.get(doc)["metadata"]["level"] == "county"


def test_search_pagination(client):
    r1 = client.get("/", params={"q": "营商环境"})
    assert 'rel="next"' in r1.text and "第 1 / " in r1.text
    r2 = client.get("/", params={"q": "营商环境", "page": 2})
    assert r2.status_code == 200 and 'rel="prev"' in r2.text and '<ol class="hits" start="11">' in r2.text
    first = re.findall(r'href="/doc/([0-9a-f]+#c\d+)"', r1.text)
    second = re.findall(r'href="/doc/([0-9a-f]+#c\d+)"', r2.text)
    assert first and second and not set(first) & set(second)


def test_search_bad_filter_is_a_message_not_a_500(client):
    r = client.get("/", params={"q": "x", "level": "galactic"})
    assert r.status_code == 200 and 'role="alert"' in r.text
    r = client.get("/", params={"q": "x", "year": "20xx"})
    assert r.status_code == 200 and 'role="alert"' in r.text


def test_search_escapes_query(client):
    r = client.get("/", params={"q": "<script>alert(1)</script>"})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text


# --- document ---------------------------------------------------------------------------------

def test_document_page(client, store):
    r = client.get(f"/doc/{SUIZHOU}")
    assert r.status_code == 200
    html = r.text
    rec = store.get(SUIZHOU)
    assert rec["metadata"]["title"] in html
    assert "随政发〔2021〕9号" in html and "随州市人民政府" in html
    # outline links to section anchors
    assert 'href="#s1"' in html and 'id="s1"' in html
    # highlights by type
    assert 'class="cl k-obligation"' in html
    assert 'class="x-unit"' in html and "市教育局" in html
    assert 'class="x-time"' in html
    assert html.count('class="x-target"') >= len(rec["targets"])
    # a target shows value and deadline on hover (title attribute)
    t = rec["targets"][0]
    assert re.search(r'<mark class="x-target" title="目标：[^"]*' + re.escape(t["indicator"]), html)
    # every clause has a 引用 button carrying the reference
    assert html.count('aria-label="引用条款') == len(rec["clauses"])
    assert "随州市人民政府. 市人民政府关于深化基础教育改革提升教育教学质量的意见: 随政发〔2021〕9号[Z]. 2021-06-25: 二、（三）." in html


def test_document_prefix_and_404(client):
    assert client.get(f"/doc/{SUIZHOU[:8]}").status_code == 200
    r = client.get("/doc/nosuchdocument")
    assert r.status_code == 404 and "未找到" in r.text


def test_quality_flags_plain(client):
    html = client.get(f"/doc/{LIAONING}").text
    assert "页面含疑似注入广告" in html
    assert 'data-flag="spam_injection"' in html


def test_citation_links_to_cited_document(client):
    html = client.get(f"/doc/{ZHUMADIAN}").text
    assert re.search(rf'<a class="x-cite" href="/doc/{NATIONAL}"', html)
    assert "关联文件" in html and f"/compare?a={NATIONAL}&amp;b={ZHUMADIAN}" in html


def test_marks_nest_well_formed():
    from zhengce.search_api.ui import render_marks
    text = "abcdefghij"
    marks = [{"start": 0, "end": 6, "open": "<a>", "close": "</a>"},
             {"start": 2, "end": 9, "open": "<b>", "close": "</b>"},     # crosses <a>: cut at 6
             {"start": 3, "end": 4, "open": "<i>", "close": "</i>"}]
    assert str(render_marks(text, marks)) == "<a>ab<b>c<i>d</i>ef</b></a>ghij"
    assert str(render_marks("<x>", [])) == "&lt;x&gt;"


# --- cite -------------------------------------------------------------------------------------

def test_section_path_and_reference(store):
    from zhengce.pipeline.cite import reference, section_path
    rec = store.get(SUIZHOU)
    cid = suizhou_clause(store)
    c = next(c for c in rec["clauses"] if c["id"] == cid)
    assert section_path(rec, c["section_id"]) == "二、（三）"
    assert reference(rec, cid).endswith("[Z]. 2021-06-25: 二、（三）.")
    bib = reference(rec, cid, "bibtex")
    assert bib.startswith("@misc{") and "number = {随政发〔2021〕9号}" in bib and "二、（三）" in bib
    nat = store.get(NATIONAL)
    art = next(c for c in nat["clauses"] if c.get("section_id") and "第" in section_path(nat, c["section_id"]))
    assert re.fullmatch(r"第.+章第.+条", section_path(nat, art["section_id"]))


def test_cite_endpoint(client, store):
    cid = suizhou_clause(store)
    r = client.get(f"/cite/{SUIZHOU}:{cid}")
    assert r.status_code == 200 and r.text.endswith("二、（三）.")
    r = client.get(f"/cite/{SUIZHOU}:{cid}", params={"style": "bibtex"})
    assert r.text.startswith("@misc{")
    assert client.get(f"/cite/{SUIZHOU}:c99999").status_code == 404


def test_cite_command(store, capsys):
    import argparse
    from zhengce.cli_ui import register
    p = argparse.ArgumentParser()
    register(p.add_subparsers())
    cid = suizhou_clause(store)
    args = p.parse_args(["cite", f"{SUIZHOU}:{cid}", "--db", str(store.path)])
    assert args.func(args) == 0
    assert capsys.readouterr().out.strip().endswith("2021-06-25: 二、（三）.")
    args = p.parse_args(["cite", f"{SUIZHOU[:8]}#{cid}", "--db", str(store.path), "--style", "bibtex", "--json"])
    assert args.func(args) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    assert out["section_path"] == "二、（三）" and out["reference"].startswith("@misc{")


# --- targets ----------------------------------------------------------------------------------

def test_targets_page(client, store):
    r = client.get("/target-table")
    assert r.status_code == 200
    n = len(store.rows("targets"))
    assert f'id="total">{n}<' in r.text
    assert "<svg" in r.text and 'class="chart"' in r.text       # a chart per repeated indicator
    assert 'href="/target-table.csv"' in r.text and 'href="/target-table.xlsx"' in r.text


def test_targets_filter(client, store):
    r = client.get("/target-table", params={"region": "湖北省"})
    n = len(store.rows("targets", region="湖北省"))
    assert 0 < n < len(store.rows("targets"))
    assert f'id="total">{n}<' in r.text
    assert 'href="/target-table.csv?region=%E6%B9%96%E5%8C%97%E7%9C%81"' in r.text
    r = client.get("/target-table", params={"indicator": "毛入园率"})
    assert "学前教育毛入园率" in r.text
    assert client.get("/target-table", params={"year": "nope"}).status_code == 422


def test_targets_csv_utf8_bom(client, store):
    r = client.get("/target-table.csv", params={"region": "湖北省"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["指标", "比较", "数值"]
    assert len(rows) - 1 == len(store.rows("targets", region="湖北省"))
    assert any("湖北省" in cell for cell in rows[1])


def test_targets_xlsx(client):
    import openpyxl
    r = client.get("/target-table.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.active
    assert ws.cell(1, 1).value == "指标" and ws.max_row > 1


# --- compare ----------------------------------------------------------------------------------

def test_compare_picker(client):
    r = client.get("/compare")
    assert r.status_code == 200 and "文件 A" in r.text and f'value="{NATIONAL}"' in r.text
    r = client.get("/compare", params={"a": NATIONAL})
    assert "与 A 有引用关系的文件" in r.text and f"b={HENAN}" in r.text


def test_compare_two_documents(client):
    pytest.importorskip("rapidfuzz")
    r = client.get("/compare", params={"a": NATIONAL, "b": HENAN})
    assert r.status_code == 200
    html = r.text
    for rel in ("identical", "modified", "omitted", "added"):
        assert f'class="rel-{rel}"' in html
    assert "<ins>" in html and "河南省" in html        # character diff of a modified pair
    assert "A 的条款被 B 沿用" in html


def test_compare_unknown_document(client):
    assert client.get("/compare", params={"a": "nope", "b": HENAN}).status_code == 404


def test_static_assets(client):
    for name in ("app.css", "app.js"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and len(r.content) > 500


def test_one_app_two_namespaces(store):
    """create_app serves the UI at / and the REST API under /api/v1: the UI's /compare is the page,
    not the API's JSON (issue 17: the REST route shadowed it); the API's 404s stay JSON."""
    from zhengce.pipeline.search import open_search
    from zhengce.search_api.app import create_app
    backend = open_search(store)
    c = TestClient(create_app(str(store.path), backend=backend))
    assert c.get("/", params={"q": "课后服务"}).status_code == 200
    assert c.get("/api/v1/search", params={"q": "课后服务"}).json()["total"] > 0
    r = c.get("/compare", params={"a": NATIONAL, "b": HENAN})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'class="cmp"' in r.text and "<ins>" in r.text
    assert c.get("/api/v1/compare", params={"a": NATIONAL, "b": HENAN}).json()["a"] == NATIONAL
    r = c.get("/api/v1/documents/nope")
    assert r.status_code == 404 and r.json() == {"detail": "no such document: nope"}
    r = c.get("/search", params={"q": "课后服务"})         # the old REST path: no REST there any more
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert c.get("/doc/nope").status_code == 404
    html = c.get(f"/doc/{SUIZHOU}").text              # the UI links to the API where it means to
    assert f'href="/api/v1/documents/{SUIZHOU}"' in html and 'href="/api/v1/docs"' in html


def test_some_words_matched_is_said(client):
    """Issue 14: a keyword query that no sentence holds whole says so on the results page."""
    r = client.get("/", params={"q": "课后服务 火星殖民"})
    assert r.status_code == 200
    assert 'id="match-note"' in r.text and "部分词" in r.text
    whole = client.get("/", params={"q": "课后服务"}).text
    assert 'id="match-note"' not in whole and "部分词" not in whole


def test_hits_not_tagged_other(client, store):
    """Issue 17: the fallback kind 'other' (其他) is no tag; kinds that say something still are."""
    from zhengce.pipeline.search import SearchQuery, open_search
    res = open_search(store).search(SearchQuery("营商环境", "keyword", {}, 10, 0, False))
    kinds = {h.kind for h in res.hits}
    assert "other" in kinds and kinds - {"other"}, kinds      # the page below has both
    page = client.get("/", params={"q": "营商环境"}).text
    html = page[page.index('<ol class="hits"'):page.index("</ol>", page.index('<ol class="hits"'))]
    assert html.count('class="hit"') == len(res.hits)
    assert "k-other" not in html and ">其他<" not in html
    assert re.search(r'class="tag k-(?!other)\w+"', html)
