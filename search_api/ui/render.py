"""What the UI's pages share: labels, filters from a query string, and the HTML helpers the
templates and routers use (snippets with ``<mark>``, well-formed nested highlights, an SVG bar
chart, side-by-side character diffs).  No routes here."""
from __future__ import annotations

import html
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

from fastapi import Request
from markupsafe import Markup, escape

from zhengce.pipeline.cite import CiteError, reference

WEB = Path(__file__).resolve().parent.parent / "web"
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
# clause kinds that say nothing about a hit (the fallback kind): no tag
SILENT_KINDS = {"", "other"}
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


def short_region(r: dict) -> str:
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


def attr(v: Any) -> str:
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
        parts.append(f'<g><title>{attr(r["label"])}：{attr(value)}</title>')
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" class="lbl">{attr(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" class="bar"/>')
        if r.get("value_max") is not None:
            w2 = max(1.0, (r["value_max"] - v) * scale)
            parts.append(f'<rect x="{label_w + w:.1f}" y="{y}" width="{w2:.1f}" height="{bar_h}" class="bar2"/>')
            w += w2
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.72:.1f}" class="val">{attr(value)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))



LEVEL_ORDER = {k: i for i, k in enumerate(LEVEL_LABELS)}



def query_filters(request: Request) -> dict[str, str]:
    out = {}
    for k in FILTER_PARAMS:
        v = (request.query_params.get(k) or "").strip()
        if v:
            out[k] = v[:200]
    return out


def url(path: str, params: dict) -> str:
    p = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(p) if p else "")


def facet_label(key: str, value: str) -> str:
    if key == "level":
        return LEVEL_LABELS.get(value, value)
    if key == "kind":
        return KIND_LABELS.get(value, value)
    if key == "has_target":
        return "含目标" if str(value).lower() in ("true", "1") else "不含目标"
    return value


def cite_attrs(rec: dict, clause_id: Optional[str], sources: list[str]) -> str:
    try:
        g = reference(rec, clause_id, "gbt7714", sources=sources)
        b = reference(rec, clause_id, "bibtex", sources=sources)
    except CiteError:
        return ""
    return f'data-cite="{attr(g)}" data-bibtex="{attr(b)}"'


def doc_marks(rec: dict, base: str, sources: list[str]) -> list[dict]:
    marks: list[dict] = []
    for s in rec.get("sections") or []:
        st = s["span"][0]
        head = (s.get("number") or "") + (s.get("heading") or "")
        en = min(s["span"][1], st + max(len(head), 1))
        marks.append({"start": st, "end": en, "prio": 0,
                      "open": f'<strong class="sec-h lv{int(s.get("level") or 1)}" id="{attr(s["id"])}">',
                      "close": "</strong>"})
    for c in rec.get("clauses") or []:
        kind = c.get("kind") or "other"
        tip = KIND_LABELS.get(kind, kind) + (f"（{c['cue']}）" if c.get("cue") else "")
        if c.get("actors"):
            tip += "；主体：" + "、".join(c["actors"])
        if c.get("deadline"):
            tip += "；期限：" + c["deadline"]
        cite = cite_attrs(rec, c["id"], sources)
        button = (f'<button type="button" class="cite" {cite} aria-label="引用条款 {attr(c["id"])}">引用</button>'
                  if cite else "")
        marks.append({"start": c["span"][0], "end": c["span"][1], "prio": 1,
                      "open": f'<span class="cl k-{attr(kind)}" id="{attr(c["id"])}" title="{attr(tip)}">',
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
                      "open": f'<mark class="x-target" title="{attr(tip)}" data-value="{attr(target_value(t))}" '
                              f'data-deadline="{attr(t.get("deadline") or "")}">',
                      "close": "</mark>"})
    for c in rec.get("citations") or []:
        tip = "引用文件：" + c["title"] + (f"（{c['doc_number']}）" if c.get("doc_number") else "")
        if c.get("resolved_doc_id"):
            marks.append({"start": c["span"][0], "end": c["span"][1], "prio": 3,
                          "open": f'<a class="x-cite" href="{base}/doc/{attr(c["resolved_doc_id"])}" '
                                  f'title="{attr(tip)}（已收录，点击打开）">', "close": "</a>"})
        else:
            marks.append({"start": c["span"][0], "end": c["span"][1], "prio": 3,
                          "open": f'<span class="x-cite" title="{attr(tip)}（未收录）">', "close": "</span>"})
    for r in rec.get("responsibilities") or []:
        tip = f"责任单位（{ROLE_LABELS.get(r.get('role'), r.get('role') or '')}）：{r['unit']}"
        marks.append({"start": r["span"][0], "end": r["span"][1], "prio": 4,
                      "open": f'<span class="x-unit" title="{attr(tip)}">', "close": "</span>"})
    for t in rec.get("time_expressions") or []:
        rng = "～".join(x for x in (t.get("start"), t.get("end")) if x) or t.get("recurrence") or ""
        tip = "时间" + (f"：{rng}" if rng else "")
        marks.append({"start": t["span"][0], "end": t["span"][1], "prio": 5,
                      "open": f'<span class="x-time" title="{attr(tip)}">', "close": "</span>"})
    return marks


def outline(rec: dict) -> list[dict]:
    return [{"id": s["id"], "level": s.get("level") or 1, "label": ((s.get("number") or "") + " " + (s.get("heading") or "")).strip()}
            for s in rec.get("sections") or []]


def diff_side(diff: list, side: str) -> Markup:
    out = []
    for op, a, b in diff:
        if op == "=":
            out.append(str(escape(a if side == "a" else b)))
        elif side == "a" and op in ("-", "~") and a:
            out.append(f"<del>{escape(a)}</del>")
        elif side == "b" and op in ("+", "~") and b:
            out.append(f"<ins>{escape(b)}</ins>")
    return Markup("".join(out))

