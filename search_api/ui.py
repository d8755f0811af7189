"""The web interface (Chinese, server-rendered, fully offline) over the same store as the API.

    from zhengce.search_api.ui import mount_ui
    mount_ui(app, lambda: store)          # store: an open (read-only is enough) SQLiteStore

Pages (HTML):

    GET /                         检索: one box, mode keyword/semantic/hybrid, facet filters, snippets, pages
    GET /doc/{doc_id}             文件: metadata, outline, text with extractions highlighted, quality flags
    GET /target-table             目标指标: filterable table of targets, a bar chart per indicator
    GET /target-table.csv|.xlsx   the same rows as CSV (UTF-8 with BOM) or XLSX
    GET /compare?a=DOC&b=DOC      文件比较: clause alignment side by side with character diffs
    GET /cite/{DOCID:cN}          the reference as text/plain (?style=gbt7714|bibtex)
    GET /static/…                 CSS and ~100 lines of own JavaScript (copy, legend toggles); no CDN

Templates live in ``web/templates``, assets in ``web/static``; both ship in the package.  Search
goes through the app's search backend (``app.state.backend``, as ``create_app`` sets it) or one
opened over the store; comparison through ``pipeline.compare.align``; references through
``pipeline.cite``.
"""
from __future__ import annotations

import csv
import html
import io
import math
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from zhengce.pipeline.cite import CiteError, find_clause, reference, section_path, split_ref

WEB = Path(__file__).resolve().parent / "web"
PAGE_SIZE = 10
MAX_TABLE_ROWS = 500

KIND_LABELS = OrderedDict([("obligation", "义务"), ("prohibition", "禁止"), ("encouragement", "鼓励"),
                           ("permission", "许可"), ("goal", "目标"), ("fact", "事实"), ("other", "其他")])
LEVEL_LABELS = OrderedDict([("national", "国家级"), ("provincial", "省级"), ("municipal", "市级"), ("county", "县级")])
ROLE_LABELS = {"lead": "牵头", "support": "配合", "responsible": "负责"}
FLAG_LABELS = {
    "spam_injection": "页面含疑似注入广告",
    "garbled_text": "部分文字疑似乱码",
    "ocr_needed": "扫描件，文字需OCR识别，可能不全",
    "reflowed_lines": "已合并被页面截断的行",
    "boilerplate_removed": "已去除网页导航、页脚等模板内容",
}
WARN_FLAGS = {"spam_injection", "garbled_text", "ocr_needed"}
FACETS = OrderedDict([("province", "地区（省级）"), ("level", "层级"), ("year", "年份"), ("doc_type", "文种"),
                      ("issuer", "发文机关"), ("kind", "条款类型"), ("unit", "责任单位"), ("has_target", "含目标")])
FILTER_PARAMS = ("region", "province", "city", "county", "level", "year", "issuer", "doc_type", "kind", "unit",
                 "indicator", "has_target")
MODES = OrderedDict([("keyword", "关键词"), ("semantic", "语义"), ("hybrid", "混合")])
COMPARATORS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", "range": "", "approx": "约"}
TARGET_COLUMNS = [("indicator", "指标"), ("comparator", "比较"), ("value", "数值"), ("value_max", "上限"),
                  ("unit", "单位"), ("deadline", "期限"), ("binding", "属性"), ("region", "地区"),
                  ("level", "层级"), ("year", "年份"), ("doc_title", "文件"), ("doc_id", "doc_id"),
                  ("clause_id", "clause_id"), ("text", "原文")]


# --- helpers used by the templates ------------------------------------------------------------

def fmt_num(v: Any) -> str:
    if v is None:
        return ""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{f:g}" if abs(f) < 1e15 else str(v)


def target_value(t: dict) -> str:
    """``≥99%`` / ``3–5个`` / ``约10亿元``."""
    unit = t.get("unit") or ""
    if t.get("comparator") == "range" and t.get("value_max") is not None:
        return f"{fmt_num(t.get('value'))}–{fmt_num(t.get('value_max'))}{unit}"
    return f"{COMPARATORS.get(t.get('comparator'), t.get('comparator') or '')}{fmt_num(t.get('value'))}{unit}"


def region_label(d: dict) -> str:
    r = d.get("region") if isinstance(d.get("region"), dict) else d
    parts = [x for x in (r.get("province"), r.get("city"), r.get("county")) if x]
    if parts:
        return "".join(parts)
    return "全国" if d.get("level") == "national" else ""


def _short_region(r: dict) -> str:
    parts = [x for x in (r.get("province"), r.get("city"), r.get("county")) if x]
    if parts:
        return "".join(parts[-2:])
    return "全国" if r.get("level") == "national" else ""


def safe_highlight(h: str) -> Markup:
    """A backend snippet with ``<mark>`` … ``</mark>``: everything else escaped, whatever it held."""
    out, on = [], False
    for part in re.split(r"(</?mark>)", h or ""):
        if part == "<mark>":
            if not on:
                out.append("<mark>")
                on = True
        elif part == "</mark>":
            if on:
                out.append("</mark>")
                on = False
        else:
            out.append(str(escape(html.unescape(part))))
    if on:
        out.append("</mark>")
    return Markup("".join(out))


def render_marks(text: str, marks: list[dict]) -> Markup:
    """HTML of ``text`` with nested marks ``{start, end, open, close, prio}``; a mark that crosses
    its enclosing one is cut at the enclosing mark's end, so the result is always well formed."""
    n = len(text)
    ms = [m for m in marks if 0 <= m["start"] < m["end"] <= n]
    ms.sort(key=lambda m: (m["start"], -m["end"], m.get("prio", 0)))
    out: list[str] = []
    stack: list[tuple[int, str]] = []
    pos = 0
    for m in ms:
        s, e = m["start"], m["end"]
        while stack and stack[-1][0] <= s:
            end, close = stack.pop()
            out.append(str(escape(text[pos:end])))
            pos = end
            out.append(close)
        if stack and e > stack[-1][0]:
            e = stack[-1][0]
        if e <= s:
            continue
        out.append(str(escape(text[pos:s])))
        pos = s
        out.append(m["open"])
        stack.append((e, m["close"]))
    while stack:
        end, close = stack.pop()
        out.append(str(escape(text[pos:end])))
        pos = end
        out.append(close)
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def _attr(v: Any) -> str:
    return html.escape(str(v), quote=True)


def bar_chart(rows: list[dict], unit: str) -> Markup:
    """A horizontal SVG bar chart, one bar per row ``{label, value, value_max, href}``."""
    width, label_w, bar_h, gap = 560, 210, 20, 6
    vmax = max((r.get("value_max") or r["value"]) for r in rows) or 1.0
    scale = (width - label_w - 90) / vmax if vmax > 0 else 0
    height = len(rows) * (bar_h + gap) + gap
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for k, r in enumerate(rows):
        y = gap + k * (bar_h + gap)
        v = max(r["value"], 0)
        w = max(1.0, v * scale)
        label = r["label"] if len(r["label"]) <= 14 else r["label"][:13] + "…"
        value = fmt_num(r["value"]) + (f"–{fmt_num(r['value_max'])}" if r.get("value_max") is not None else "") + unit
        parts.append(f'<g><title>{_attr(r["label"])}：{_attr(value)}</title>')
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" class="lbl">{_attr(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" class="bar"/>')
        if r.get("value_max") is not None:
            w2 = max(1.0, (r["value_max"] - v) * scale)
            parts.append(f'<rect x="{label_w + w:.1f}" y="{y}" width="{w2:.1f}" height="{bar_h}" class="bar2"/>')
            w += w2
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.72:.1f}" class="val">{_attr(value)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


# --- the UI ---------------------------------------------------------------------------------

class _UI:
    def __init__(self, app: FastAPI, get_store: Callable[[], Any]):
        self.app = app
        self.get_store = get_store
        self._backend = None
        self._lock = threading.RLock()
        self._docs_cache: Optional[tuple[int, list[dict]]] = None

    @property
    def store(self):
        return self.get_store()

    @property
    def lock(self):
        b = getattr(self.app.state, "backend", None) or self._backend
        return getattr(b, "lock", None) or self._lock

    def backend(self):
        b = getattr(self.app.state, "backend", None)
        if b is not None:
            return b
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    from zhengce.pipeline.search import open_search
                    self._backend = open_search(self.store)
        return self._backend

    def call(self, fn, *a, **kw):
        with self.lock:
            return fn(*a, **kw)

    def documents(self) -> list[dict]:
        """All document rows (cached by count: the UI never writes)."""
        n = self.call(self.store.count)
        if self._docs_cache is None or self._docs_cache[0] != n:
            docs = self.call(self.store.documents)
            docs.sort(key=lambda d: (LEVEL_ORDER.get(d.get("level"), 9), d.get("province") or "",
                                     d.get("title") or ""))
            self._docs_cache = (n, docs)
        return self._docs_cache[1]

    def record(self, ref: str) -> dict:
        if not ref or any(ord(ch) < 32 for ch in ref) or len(ref) > 300:
            raise HTTPException(404, f"没有这个文件：{ref}")
        try:
            doc_id = self.call(self.store.resolve, ref)
        except ValueError:
            doc_id = None
        rec = self.call(self.store.get, doc_id) if doc_id else None
        if rec is None:
            raise HTTPException(404, f"没有这个文件：{ref}")
        return rec


LEVEL_ORDER = {k: i for i, k in enumerate(LEVEL_LABELS)}


def _query_filters(request: Request) -> dict[str, str]:
    out = {}
    for k in FILTER_PARAMS:
        v = (request.query_params.get(k) or "").strip()
        if v:
            out[k] = v[:200]
    return out


def _url(path: str, params: dict) -> str:
    p = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(p) if p else "")


def _facet_label(key: str, value: str) -> str:
    if key == "level":
        return LEVEL_LABELS.get(value, value)
    if key == "kind":
        return KIND_LABELS.get(value, value)
    if key == "has_target":
        return "含目标" if str(value).lower() in ("true", "1") else "不含目标"
    return value


def _cite_attrs(rec: dict, clause_id: Optional[str], sources: list[str]) -> str:
    try:
        g = reference(rec, clause_id, "gbt7714", sources=sources)
        b = reference(rec, clause_id, "bibtex", sources=sources)
    except CiteError:
        return ""
    return f'data-cite="{_attr(g)}" data-bibtex="{_attr(b)}"'


def _doc_marks(rec: dict, base: str, sources: list[str]) -> list[dict]:
    marks: list[dict] = []
    for s in rec.get("sections") or []:
        st = s["span"][0]
        head = (s.get("number") or "") + (s.get("heading") or "")
        en = min(s["span"][1], st + max(len(head), 1))
        marks.append({"start": st, "end": en, "prio": 0,
                      "open": f'<strong class="sec-h lv{int(s.get("level") or 1)}" id="{_attr(s["id"])}">',
                      "close": "</strong>"})
    for c in rec.get("clauses") or []:
        kind = c.get("kind") or "other"
        tip = KIND_LABELS.get(kind, kind) + (f"（{c['cue']}）" if c.get("cue") else "")
        if c.get("actors"):
            tip += "；主体：" + "、".join(c["actors"])
        if c.get("deadline"):
            tip += "；期限：" + c["deadline"]
        cite = _cite_attrs(rec, c["id"], sources)
        button = (f'<button type="button" class="cite" {cite} aria-label="引用条款 {_attr(c["id"])}">引用</button>'
                  if cite else "")
        marks.append({"start": c["span"][0], "end": c["span"][1], "prio": 1,
                      "open": f'<span class="cl k-{_attr(kind)}" id="{_attr(c["id"])}" title="{_attr(tip)}">',
                      "close": "</span>" + button})
    for t in rec.get("targets") or []:
        tip = f"目标：{t.get('indicator') or ''} {target_value(t)}"
        if t.get("deadline"):
            tip += f"；期限：{t['deadline']}"
        if t.get("baseline") and t["baseline"].get("value") is not None:
            tip += f"；基线：{fmt_num(t['baseline']['value'])}（{t['baseline'].get('year') or ''}）"
        if t.get("binding"):
            tip += f"；{t['binding']}"
        if t.get("recurrence"):
            tip += f"；{t['recurrence']}"
        marks.append({"start": t["span"][0], "end": t["span"][1], "prio": 2,
                      "open": f'<mark class="x-target" title="{_attr(tip)}" data-value="{_attr(target_value(t))}" '
                              f'data-deadline="{_attr(t.get("deadline") or "")}">',
                      "close": "</mark>"})
    for c in rec.get("citations") or []:
        tip = "引用文件：" + c["title"] + (f"（{c['doc_number']}）" if c.get("doc_number") else "")
        if c.get("resolved_doc_id"):
            marks.append({"start": c["span"][0], "end": c["span"][1], "prio": 3,
                          "open": f'<a class="x-cite" href="{base}/doc/{_attr(c["resolved_doc_id"])}" '
                                  f'title="{_attr(tip)}（已收录，点击打开）">', "close": "</a>"})
        else:
            marks.append({"start": c["span"][0], "end": c["span"][1], "prio": 3,
                          "open": f'<span class="x-cite" title="{_attr(tip)}（未收录）">', "close": "</span>"})
    for r in rec.get("responsibilities") or []:
        tip = f"责任单位（{ROLE_LABELS.get(r.get('role'), r.get('role') or '')}）：{r['unit']}"
        marks.append({"start": r["span"][0], "end": r["span"][1], "prio": 4,
                      "open": f'<span class="x-unit" title="{_attr(tip)}">', "close": "</span>"})
    for t in rec.get("time_expressions") or []:
        rng = "～".join(x for x in (t.get("start"), t.get("end")) if x) or t.get("recurrence") or ""
        tip = "时间" + (f"：{rng}" if rng else "")
        marks.append({"start": t["span"][0], "end": t["span"][1], "prio": 5,
                      "open": f'<span class="x-time" title="{_attr(tip)}">', "close": "</span>"})
    return marks


def _outline(rec: dict) -> list[dict]:
    return [{"id": s["id"], "level": s.get("level") or 1, "label": ((s.get("number") or "") + " " + (s.get("heading") or "")).strip()}
            for s in rec.get("sections") or []]


def _side(diff: list, side: str) -> Markup:
    out = []
    for op, a, b in diff:
        if op == "=":
            out.append(str(escape(a if side == "a" else b)))
        elif side == "a" and op in ("-", "~") and a:
            out.append(f"<del>{escape(a)}</del>")
        elif side == "b" and op in ("+", "~") and b:
            out.append(f"<ins>{escape(b)}</ins>")
    return Markup("".join(out))


def mount_ui(app: FastAPI, get_store: Callable[[], Any]) -> None:
    """Add the HTML pages under ``/`` and the assets under ``/static`` to ``app``."""
    ui = _UI(app, get_store)
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    env = templates.env
    env.globals.update(KIND_LABELS=KIND_LABELS, LEVEL_LABELS=LEVEL_LABELS, FLAG_LABELS=FLAG_LABELS,
                       WARN_FLAGS=WARN_FLAGS, MODES=MODES, FACETS=FACETS, ROLE_LABELS=ROLE_LABELS,
                       region_label=region_label, target_value=target_value, fmt_num=fmt_num,
                       facet_label=_facet_label, url=_url)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="ui-static")

    def page(request: Request, name: str, ctx: dict, status: int = 200) -> HTMLResponse:
        ctx = {"base": request.scope.get("root_path", "").rstrip("/"), **ctx}
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    # --- search ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request):
        from zhengce.pipeline.search import SearchQuery
        from zhengce.pipeline.store import StoreError
        qp = request.query_params
        q = (qp.get("q") or "").strip()[:200]
        mode = qp.get("mode") if qp.get("mode") in MODES else "keyword"
        try:
            pg = max(1, min(int(qp.get("page") or 1), 1000))
        except ValueError:
            pg = 1
        filters = _query_filters(request)
        state = {"q": q, "mode": mode, **filters}
        error, res, facets = None, None, {}
        try:
            backend = ui.backend()
            if q or filters:
                res = backend.search(SearchQuery(q, mode, dict(filters), PAGE_SIZE, (pg - 1) * PAGE_SIZE, True))
                facets = res.facets
            else:
                facets = backend.facets({})
        except StoreError as e:  # SearchError is a StoreError: a bad filter, or no index yet
            error, facets = str(e), {}
        hits = []
        if res is not None:
            for h in res.hits:
                hits.append({**h.as_dict(), "snippet": safe_highlight(h.highlight or h.text)})
        facet_view = []
        for key, label in FACETS.items():
            counts = (facets or {}).get(key) or {}
            items = []
            for value, n in list(counts.items())[:12]:
                active = filters.get(key) == str(value)
                new = dict(state)
                new.pop("page", None)
                if active:
                    new.pop(key, None)
                else:
                    new[key] = value
                items.append({"value": value, "label": _facet_label(key, str(value)), "count": n,
                              "active": active, "href": _url("/", new)})
            if items:
                facet_view.append({"key": key, "label": label, "items": items})
        active = []
        for k, v in filters.items():
            new = {kk: vv for kk, vv in state.items() if kk != k}
            active.append({"key": k, "label": FACETS.get(k, k), "value": _facet_label(k, v), "href": _url("/", new)})
        total = res.total if res else 0
        pages = max(1, math.ceil(total / PAGE_SIZE)) if res else 0
        window = [p for p in range(max(1, pg - 3), min(pages, pg + 3) + 1)] if pages > 1 else []
        return page(request, "search.html", {
            "title": f"{q} - 检索" if q else "检索", "nav": "search", "q": q, "mode": mode, "filters": filters,
            "state": state, "res": res, "hits": hits, "facets": facet_view, "active": active, "error": error,
            "page": pg, "pages": pages, "window": window, "total": total, "n_docs": ui.call(ui.store.count)})

    # --- document -------------------------------------------------------------------------

    @app.get("/doc/{doc_ref}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_ref: str):
        rec = ui.record(doc_ref)
        doc_id = rec["doc_id"]
        base = request.scope.get("root_path", "").rstrip("/")
        sources = ui.call(ui.store.sources, doc_id)
        body = render_marks(rec.get("text") or "", _doc_marks(rec, base, sources))
        m = rec.get("metadata") or {}
        targets = []
        for t in rec.get("targets") or []:
            path = ""
            if t.get("clause_id"):
                try:
                    path = section_path(rec, find_clause(rec, t["clause_id"]).get("section_id"))
                except CiteError:
                    path = ""
            targets.append({**t, "shown": target_value(t), "path": path,
                            "cite": Markup(_cite_attrs(rec, t.get("clause_id"), sources))})
        units: dict[str, set] = OrderedDict()
        for r in rec.get("responsibilities") or []:
            units.setdefault(r["unit"], set()).add(ROLE_LABELS.get(r.get("role"), r.get("role")))
        kinds: dict[str, int] = {}
        for c in rec.get("clauses") or []:
            kinds[c.get("kind") or "other"] = kinds.get(c.get("kind") or "other", 0) + 1
        cited = ui.call(ui.store.cited, doc_id) if hasattr(ui.store, "cited") else []
        citing = ui.call(ui.store.citing, doc_id) if hasattr(ui.store, "citing") else []
        flags = (rec.get("quality") or {}).get("flags") or []
        return page(request, "document.html", {
            "title": m.get("title") or doc_id, "nav": "doc", "rec": rec, "m": m, "doc_id": doc_id, "body": body,
            "outline": _outline(rec), "targets": targets, "units": units, "kinds": kinds, "sources": sources,
            "cited": cited, "citing": citing, "flags": flags, "notes": (rec.get("quality") or {}).get("notes") or [],
            "doc_cite": Markup(_cite_attrs(rec, None, sources)), "region": region_label(m)})

    # --- cite -----------------------------------------------------------------------------

    @app.get("/cite/{ref}", response_class=PlainTextResponse, include_in_schema=False)
    def cite(ref: str, style: str = "gbt7714"):
        try:
            doc_ref, cid = split_ref(ref)
        except CiteError as e:
            raise HTTPException(404, str(e))
        rec = ui.record(doc_ref)
        try:
            return PlainTextResponse(reference(rec, cid, style, sources=ui.call(ui.store.sources, rec["doc_id"])))
        except CiteError as e:
            raise HTTPException(404 if cid else 422, str(e))

    # --- targets --------------------------------------------------------------------------

    def target_rows(request: Request) -> tuple[dict, list[dict]]:
        f = _query_filters(request)
        f.pop("kind", None)
        f.pop("has_target", None)
        f.pop("unit", None)
        if "year" in f:
            from zhengce.pipeline.search.base import SearchError, year_range
            try:
                year_range(f["year"])       # the store reads the same grammar
            except SearchError:
                raise HTTPException(422, f"年份格式不对：{f['year']}（例：2021 或 2019-2022）")
        if f.get("level") and f["level"] not in LEVEL_LABELS:
            f.pop("level")
        rows = ui.call(ui.store.rows, "targets", **f)
        for r in rows:
            r["region"] = region_label(r)
        return f, rows

    @app.get("/target-table", response_class=HTMLResponse, include_in_schema=False)
    def targets_page(request: Request):
        f, rows = target_rows(request)
        groups: dict[tuple, list[dict]] = OrderedDict()
        for r in rows:
            if r.get("indicator") and r.get("value") is not None:
                groups.setdefault((r["indicator"], r.get("unit") or ""), []).append(r)
        charts = []
        for (ind, unit), rs in sorted(groups.items(), key=lambda kv: (-len({x["doc_id"] for x in kv[1]}), kv[0])):
            if len(rs) < 2:
                continue
            bars = [{"label": (_short_region(r) or "（未知地区）") + (f" {r['year']}" if r.get("year") else ""),
                     "value": float(r["value"]), "value_max": r.get("value_max"),
                     "href": f"/doc/{r['doc_id']}#{r.get('clause_id') or ''}"} for r in rs[:20]]
            charts.append({"indicator": ind, "unit": unit, "n": len(rs), "svg": bar_chart(bars, unit)})
            if len(charts) >= 24:
                break
        docs = ui.documents()
        provinces = sorted({d["province"] for d in docs if d.get("province")})
        doc_types = sorted({d["doc_type"] for d in docs if d.get("doc_type")})
        params = {k: request.query_params.get(k) for k in ("indicator", "region", "level", "year", "doc_type")}
        qs = urlencode({k: v for k, v in params.items() if v})
        return page(request, "targets.html", {
            "title": "目标指标", "nav": "targets", "rows": rows[:MAX_TABLE_ROWS], "total": len(rows),
            "truncated": len(rows) > MAX_TABLE_ROWS, "charts": charts, "params": params, "qs": qs,
            "provinces": provinces, "doc_types": doc_types})

    def _table(rows: list[dict]) -> list[list[Any]]:
        return [[r.get(k) for k, _ in TARGET_COLUMNS] for r in rows]

    @app.get("/target-table.csv", include_in_schema=False)
    def targets_csv(request: Request):
        _, rows = target_rows(request)
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([label for _, label in TARGET_COLUMNS])
        w.writerows(_table(rows))
        data = "\ufeff" + buf.getvalue()
        return Response(data.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=targets.csv"})

    @app.get("/target-table.xlsx", include_in_schema=False)
    def targets_xlsx(request: Request):
        import openpyxl
        _, rows = target_rows(request)
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "targets"
        ws.append([label for _, label in TARGET_COLUMNS])
        for row in _table(rows):
            ws.append([v[:32000] if isinstance(v, str) else v for v in row])
        buf = io.BytesIO()
        wb.save(buf)
        return Response(buf.getvalue(),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": "attachment; filename=targets.xlsx"})

    # --- compare --------------------------------------------------------------------------

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request):
        a_ref = (request.query_params.get("a") or "").strip()
        b_ref = (request.query_params.get("b") or "").strip()
        docs = ui.documents()
        ctx: dict[str, Any] = {"title": "文件比较", "nav": "compare", "docs": docs, "a": None, "b": None,
                               "rows": [], "summary": None, "family": [], "error": None}
        if a_ref:
            ra = ui.record(a_ref)
            ctx["a"] = ra
            fam = {}
            for d in ui.call(ui.store.cited, ra["doc_id"]) + ui.call(ui.store.citing, ra["doc_id"]):
                fam.setdefault(d["doc_id"], d)
            ctx["family"] = list(fam.values())
        if a_ref and b_ref:
            rb = ui.record(b_ref)
            ctx["b"] = rb
            try:
                from zhengce.pipeline.compare.align import char_diff, compare_records
            except ImportError as e:  # the comparison module is optional at this stage
                ctx["error"] = f"比较模块不可用：{e}"
            else:
                cmp = compare_records(ra, rb)
                rows = []
                for i, j, p in cmp.rows():
                    x = cmp.a[i] if i is not None else None
                    y = cmp.b[j] if j is not None else None
                    if p is None:
                        rel = "omitted" if x is not None else "added"
                        rows.append({"rel": rel, "a": x, "b": y, "a_html": escape(x.text) if x else "",
                                     "b_html": escape(y.text) if y else "", "sim": None, "moved": False})
                    elif p.relation == "identical":
                        rows.append({"rel": "identical", "a": x, "b": y, "a_html": escape(x.text),
                                     "b_html": escape(y.text), "sim": p.similarity, "moved": p.moved})
                    else:
                        d = char_diff(x.text, y.text)
                        rows.append({"rel": "modified", "a": x, "b": y, "a_html": _side(d, "a"),
                                     "b_html": _side(d, "b"), "sim": p.similarity, "moved": p.moved})
                ctx["rows"] = rows
                ctx["summary"] = cmp.summary()
                ctx["title"] = "文件比较：" + ((ra["metadata"].get("title") or "")[:20]) + " / " + \
                               ((rb["metadata"].get("title") or "")[:20])
        return page(request, "compare.html", ctx)

    ui_paths = ("/doc/", "/compare", "/target-table", "/cite/")

    async def _error_page(request: Request, exc, status: int, heading: str, default: str):
        """A Chinese error page for the UI's own pages; the API keeps its JSON ``{"detail"}``."""
        from fastapi.exception_handlers import http_exception_handler
        from starlette.exceptions import HTTPException as StarletteHTTPException
        path = request.scope.get("path", "")[len(request.scope.get("root_path", "").rstrip("/")):]
        if (path == "/" or path.startswith(ui_paths)) and not path.startswith("/cite/"):
            detail = getattr(exc, "detail", None) or default
            return page(request, "error.html", {"title": heading, "heading": heading, "nav": "", "message": detail},
                        status=status)
        if not isinstance(exc, StarletteHTTPException):
            exc = StarletteHTTPException(status, getattr(exc, "detail", None))
        return await http_exception_handler(request, exc)

    def error_page(request: Request, status: int, message: str):
        """The UI's error page for a request ``guard.Guard`` refuses; None for the API's paths."""
        path = request.scope.get("path", "")[len(request.scope.get("root_path", "").rstrip("/")):]
        if (path == "/" or path.startswith(ui_paths)) and not path.startswith("/cite/"):
            return page(request, "error.html", {"title": "请求有误", "heading": "请求有误", "nav": "",
                                                "message": message}, status=status)
        return None
    app.state.error_page = error_page

    @app.exception_handler(404)
    async def _not_found(request: Request, exc):
        return await _error_page(request, exc, 404, "未找到", "页面不存在")

    @app.exception_handler(422)
    async def _bad_request(request: Request, exc):
        return await _error_page(request, exc, 422, "请求有误", "请求参数有误")

    # warm the search backend (jieba, vectors) in the background so the first query is fast
    def _warm():
        try:
            from zhengce.pipeline.search import SearchQuery
            b = ui.backend()
            b.search(SearchQuery("政策", "keyword", {}, 1, 0, False))
            b.search(SearchQuery("政策", "hybrid", {}, 1, 0, False))
        except Exception:  # noqa: BLE001 - warming is best effort
            pass
    threading.Thread(target=_warm, name="zhengce-ui-warm", daemon=True).start()
