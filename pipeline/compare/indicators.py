"""Indicator names across documents, and the region × indicator table of targets.

    canonical("学前三年毛入园率") == "学前教育毛入园率"
    recs = store_targets(store, "毛入园率")              # target rows + canonical name, region, document
    frame = targets_frame(recs)                           # the long table: one row per target (pandas)
    names, rows = pivot_rows(recs, "region", columns="year")   # region × year; a cell lists every target
    plot(recs, "charts/")                                 # charts/学前教育毛入园率.png …, Chinese in a bundled font

Names are matched in this order: the cleaned name (white space, punctuation, a leading scope
word such as 全区/本市 and a trailing 达到/保持 dropped) looked up in
``lexicon/indicator_synonyms.tsv`` (variant → canonical) and in the *reviewed* rows of
``lexicon/indicator_clusters.tsv``; failing that, character similarity (rapidfuzz) against the
known canonical names and variants (``SIMILARITY`` or better); failing that, the cleaned name.
``propose_clusters`` groups the names found in a store by character similarity for a person to
review; reviewed rows are then kept as data in ``indicator_clusters.tsv``.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

LEXICON = Path(__file__).resolve().parent.parent / "lexicon"
SIMILARITY = 0.86
PIVOTS = ("region", "province", "city", "county", "level", "year", "doc")
COLUMN_KEYS = ("indicator", "year", "deadline", "document")   # what a pivot's columns can be
FIELDS = ("value", "value_max", "comparator", "unit", "deadline", "baseline_value", "baseline_year", "binding")
# the long table, in a researcher's reading order (targets_frame, zhengce targets --csv/--xlsx)
TARGET_COLUMNS = ("region", "level", "document", "year", "deadline", "indicator", "comparator", "value", "value_max",
                  "unit", "baseline_value", "baseline_year", "binding", "recurrence", "indicator_as_written", "text",
                  "province", "city", "county", "doc_id", "clause_id")
FONT = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "zhengce-cjk.ttf"
FONT_FAMILY = "Zhengce CJK"

_SCOPE = re.compile(r"^(全国|全省|全市|全区|全县|本省|本市|本区|本县|我省|我市|我区|我县|各地|各区|各县|各市)")
_TAIL = re.compile(r"(达到|提高到|提升到|保持在|保持|稳定在|不低于|不少于|控制在|超过|以上|以内)$")


def _rows(name: str) -> list[dict[str, str]]:
    path = LEXICON / name
    if not path.exists():
        return []
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def clean(name: Optional[str]) -> str:
    s = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name or ""))
    s = _SCOPE.sub("", s)
    s = _TAIL.sub("", s)
    return s


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """variant (cleaned) → canonical, from the synonym table and the reviewed clusters."""
    out: dict[str, str] = {}
    for r in _rows("indicator_synonyms.tsv"):
        out[clean(r["variant"])] = r["canonical"]
        out[clean(r["canonical"])] = r["canonical"]
    for r in _rows("indicator_clusters.tsv"):
        if (r.get("status") or "").strip() == "reviewed":
            out.setdefault(clean(r["member"]), r["cluster"])
            out.setdefault(clean(r["cluster"]), r["cluster"])
    return out


@lru_cache(maxsize=4096)
def canonical(name: Optional[str]) -> Optional[str]:
    """The canonical indicator name, or the cleaned name when nothing matches (None stays None)."""
    if not name:
        return None
    c = clean(name)
    syn = synonyms()
    if c in syn:
        return syn[c]
    if not c:
        return name
    from rapidfuzz import fuzz, process
    hit = process.extractOne(c, list(syn), scorer=fuzz.ratio, score_cutoff=SIMILARITY * 100)
    if hit:
        return syn[hit[0]]
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def matches(query: str, name: Optional[str]) -> bool:
    """Does an indicator (as written) answer a query such as 毛入园率 or 学前三年毛入园率?"""
    if not name:
        return False
    q, cq = clean(query), canonical(query)
    c, raw = canonical(name), clean(name)
    return bool(q) and (q in raw or q in (c or "") or cq == c or (cq and cq in raw))


def propose_clusters(names: Iterable[str], threshold: float = 0.8) -> list[dict]:
    """Group indicator names by canonical name, then by character similarity (single link):
    rows ``{"cluster", "member", "status": "proposed", "score"}`` for review."""
    from rapidfuzz import fuzz
    uniq = sorted({n for n in names if n})
    groups: list[list[str]] = []
    for n in uniq:
        cn = canonical(n)
        for g in groups:
            if canonical(g[0]) == cn or any(fuzz.ratio(clean(n), clean(m)) >= threshold * 100 for m in g):
                g.append(n)
                break
        else:
            groups.append([n])
    out = []
    for g in groups:
        head = canonical(g[0]) or g[0]
        for m in g:
            out.append({"cluster": head, "member": m, "status": "proposed",
                        "score": round(fuzz.ratio(clean(head), clean(m)) / 100, 2)})
    return out


# --- tables -----------------------------------------------------------------------------------

NO_TITLE = "（无标题文件）"


def region_label(r: dict) -> str:
    """山西省/太原市/杏花岭区; （全国） for a document of no region."""
    return "/".join(x for x in (r.get("province"), r.get("city"), r.get("county")) if x) or "（全国）"



def _document(r: dict) -> str:
    return (r.get("doc_title") or "").strip() or NO_TITLE


def pivot_key(r: dict, pivot: str) -> str:
    if pivot == "region":
        return region_label(r)
    if pivot == "doc":
        return _document(r)
    v = r.get(pivot)
    return str(v) if v not in (None, "") else "（无）"


def target_records(rows: Iterable[dict], indicator: Optional[str] = None) -> list[dict]:
    """Target rows (as ``store.rows('targets')`` gives them) with ``indicator_canonical``, ``region`` and
    ``document`` (the title, never the doc_id), filtered to those answering ``indicator``; ordered by
    indicator, region, document year, deadline, document."""
    out = []
    for r in rows:
        if indicator and not matches(indicator, r.get("indicator")):
            continue
        d = dict(r)
        d["indicator_canonical"] = canonical(r.get("indicator")) or "（未命名）"
        d["region"] = region_label(r)
        d["document"] = _document(r)
        out.append(d)
    out.sort(key=_order)
    return out


def _order(r: dict) -> tuple:
    return (r["indicator_canonical"], r["region"], r.get("year") or 0, r.get("deadline") or "", r["document"],
            r.get("clause_id") or "")


def store_targets(store, indicator: Optional[str] = None, **filters: Any) -> list[dict]:
    return target_records(store.rows("targets", **filters), indicator)


def long_rows(records: list[dict]) -> list[dict]:
    """The long table: one dict per target with the keys of ``TARGET_COLUMNS`` (``indicator`` is the
    canonical name, ``indicator_as_written`` the document's words; a range keeps value and value_max)."""
    out = []
    for r in records:
        d = {c: r.get(c) for c in TARGET_COLUMNS}
        d["indicator"] = r.get("indicator_canonical") or canonical(r.get("indicator"))
        d["indicator_as_written"] = r.get("indicator")
        d["region"] = r.get("region") or region_label(r)
        d["document"] = r.get("document") or _document(r)
        out.append(d)
    return out


def _column_value(r: dict, columns: str) -> tuple[Any, str]:
    """(sort key, label) of a target's column value when a pivot's columns are ``columns``."""
    if columns == "year":
        return (r.get("year") or 9999,), str(r.get("year") or "（无年份）")
    if columns == "deadline":
        d = r.get("deadline") or ""
        return (d or "9999",), (f"至{d[:4]}" if d else "（无期限）")
    return (r.get("year") or 9999, r["document"], r.get("doc_id") or ""), (
        f"{r['document']} ({r['year']})" if r.get("year") else r["document"])


def _cell_target(t: dict) -> dict:
    return {**{f: t.get(f) for f in FIELDS}, "indicator": t.get("indicator"),
            "indicator_canonical": t.get("indicator_canonical"), "document": t.get("document") or _document(t),
            "year": t.get("year"), "doc_id": t.get("doc_id"), "clause_id": t.get("clause_id"), "text": t.get("text")}


def pivot_rows(records: list[dict], pivot: str = "region", columns: str = "indicator") -> tuple[list[str], list[dict]]:
    """(column labels, rows): one row per pivot value (region, level, doc …) and one column per
    canonical indicator (``columns="indicator"``) or per indicator and document year, deadline year
    or document (``columns="year"|"deadline"|"document"``; with one indicator the label is the year,
    deadline or document alone).  No target is dropped: a cell holds ``targets``, every target that
    falls in it, oldest document first, and ``n`` their number; its own fields (value, deadline …) are
    those of the target with the latest deadline."""
    if pivot not in PIVOTS:
        raise ValueError(f"unknown pivot '{pivot}' (known: {', '.join(PIVOTS)})")
    if columns not in COLUMN_KEYS:
        raise ValueError(f"unknown columns '{columns}' (known: {', '.join(COLUMN_KEYS)})")
    recs = [r if "document" in r and "region" in r
            else {**r, "document": _document(r), "region": region_label(r)} for r in records]
    several = len({r["indicator_canonical"] for r in recs}) > 1
    order: dict[str, tuple] = {}
    cells: dict[str, dict[str, list[dict]]] = {}
    for r in recs:
        ind = r["indicator_canonical"]
        if columns == "indicator":
            key, label = (), ind
        else:
            key, label = _column_value(r, columns)
            label = f"{ind} · {label}" if several else label
        order.setdefault(label, (ind, *key))
        cells.setdefault(pivot_key(r, pivot), {}).setdefault(label, []).append(r)
    labels = sorted(order, key=lambda l: (order[l], l))
    rows = []
    for key in sorted(cells):
        row: dict[str, Any] = {pivot: key}
        for label, lst in cells[key].items():
            lst = sorted(lst, key=lambda t: (t.get("year") or 0, t.get("deadline") or "", t["document"]))
            best = max(lst, key=lambda t: (t.get("deadline") or "", t.get("year") or 0))
            row[label] = {**_cell_target(best), "n": len(lst), "targets": [_cell_target(t) for t in lst]}
        rows.append(row)
    return labels, rows


def shared_cells(labels: list[str], rows: list[dict]) -> int:
    """How many cells of a pivot hold more than one target (each is listed, none dropped)."""
    return sum(1 for r in rows for l in labels if isinstance(r.get(l), dict) and r[l]["n"] > 1)


def targets_frame(store_or_records, indicator: Optional[str] = None, **filters: Any):
    """The long table as a pandas DataFrame: one row per target, columns ``TARGET_COLUMNS``."""
    import pandas as pd
    if isinstance(store_or_records, list):
        recs = store_or_records
        if indicator:
            recs = [r for r in recs if matches(indicator, r.get("indicator"))]
        if recs and "indicator_canonical" not in recs[0]:
            recs = target_records(recs)
    else:
        recs = store_targets(store_or_records, indicator, **filters)
    return pd.DataFrame(long_rows(recs), columns=list(TARGET_COLUMNS))


def pivot_frame(records: list[dict], pivot: str = "region", columns: str = "indicator"):
    """Pivot × (column, field) DataFrame.  A pivot value whose cells hold several targets gets as
    many rows (the k-th row holds the k-th target of each cell), so every target has its row."""
    import pandas as pd
    labels, rows = pivot_rows(records, pivot, columns)
    fields = (*FIELDS, "document", "year", "doc_id")
    index, data = [], {(l, f): [] for l in labels for f in fields}
    for row in rows:
        for k in range(max((row[l]["n"] for l in labels if isinstance(row.get(l), dict)), default=1)):
            index.append(row[pivot])
            for l in labels:
                ts = row[l]["targets"] if isinstance(row.get(l), dict) else []
                for f in fields:
                    data[(l, f)].append(ts[k].get(f) if k < len(ts) else None)
    df = pd.DataFrame(data, index=pd.Index(index, name=pivot))
    if len(df.columns):
        df.columns = pd.MultiIndex.from_tuples(df.columns, names=["column", "field"])
    return df


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v or "")


def format_value(t: dict) -> str:
    """≥95%, 5–5.5%, ≈90% … (a range stays a range)."""
    sym = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<", "approx": "≈", "range": ""}.get(t.get("comparator") or "", "")
    val = _num(t.get("value"))
    if t.get("value_max") is not None and t.get("value_max") != t.get("value"):
        val += f"–{_num(t['value_max'])}"
    return f"{sym}{val}{t.get('unit') or ''}"


def format_target(t: dict, document: bool = True) -> str:
    """≥95% (2025) [基 91.2/2020] 《某市教育发展规划》2021"""
    s = format_value(t)
    if t.get("deadline"):
        s += f" ({t['deadline'][:4]})"
    if t.get("baseline_value") is not None:
        s += f" [基 {_num(t['baseline_value'])}" + (f"/{t['baseline_year']}" if t.get("baseline_year") else "") + "]"
    if document and (t.get("document") or t.get("doc_title")):
        s += f" 《{t.get('document') or t.get('doc_title')}》" + (str(t["year"]) if t.get("year") else "")
    return s


def format_cell(c: Optional[dict], document: bool = True, sep: str = "\n") -> str:
    """A pivot cell as text: each of its targets (``format_target``), joined by ``sep``; ``document``
    False leaves the document out (when the rows or columns already name it)."""
    if not c:
        return ""
    return sep.join(format_target(t, document) for t in (c.get("targets") or [c]))


# --- charts -----------------------------------------------------------------------------------

def font_rc() -> dict:
    """matplotlib settings that draw Chinese with the bundled font (a GB2312 subset of WenQuanYi Micro
    Hei, pipeline/assets/fonts), whatever fonts the machine has; DejaVu Sans for what it lacks."""
    from matplotlib import font_manager
    if not FONT.exists():
        raise RuntimeError(f"{FONT}: the charts' Chinese font is missing (reinstall zhengce)")
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(FONT))
    return {"font.family": [FONT_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False}


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _short(s: str, n: int = 22) -> str:
    return s if len(s) <= n else s[:n - 1] + "…"


def _figure(plt, ind: str, recs: list[dict], pivot: str):
    """One bar per target of indicator ``ind``: labelled with its pivot value, document year and
    document; the value (and deadline) beside the bar; a range drawn as a range; colour = document year."""
    fig, ax = plt.subplots(figsize=(9, max(2.4, 0.55 * len(recs) + 1.4)))
    years = sorted({r.get("year") or 0 for r in recs})
    cmap = plt.get_cmap("tab10")
    colour = {y: cmap(i % 10) for i, y in enumerate(years)}
    ys = list(range(len(recs)))
    for y, r in zip(ys, recs):
        lo = r.get("value") or 0
        ax.barh(y, lo, color=colour[r.get("year") or 0], height=0.6)
        if r.get("value_max") is not None:
            ax.barh(y, r["value_max"] - lo, left=lo, color=colour[r.get("year") or 0], alpha=0.45, height=0.6,
                    hatch="//")
        if r.get("baseline_value") is not None:
            ax.plot([r["baseline_value"]], [y], marker="D", color="#e45756", ms=6, ls="none")
        ax.text(r.get("value_max") or lo, y, "  " + format_target(r, document=False), va="center", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{pivot_key(r, pivot)}\n{r.get('year') or '?'}《{_short(r['document'])}》" for r in recs],
                       fontsize=7)
    ax.invert_yaxis()
    units = sorted({r.get("unit") or "" for r in recs} - {""})
    ax.set_xlabel(" / ".join(units) or "数值")
    ax.set_title(ind + ("  （◆ 基期值）" if any(r.get("baseline_value") is not None for r in recs) else ""))
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=colour[y], label=str(y or "无年份")) for y in years], title="文件年份",
              fontsize=7, title_fontsize=7, loc="lower right")
    ax.margins(x=0.4)
    fig.tight_layout()
    return fig


def slug(name: str, taken: set[str] | None = None) -> str:
    """A file name from an indicator name: Chinese kept, anything a file system or shell minds → _,
    at most 60 characters; ``taken`` (lower-cased names already used) makes it unique (-2, -3 …)."""
    s = re.sub(r"[^\w\u3400-\u9fff·.-]+", "_", unicodedata.normalize("NFKC", name or "")).strip("._-") or "indicator"
    s = s[:60]
    out, n = s, 1
    while taken is not None and out.lower() in taken:
        n += 1
        out = f"{s}-{n}"
    if taken is not None:
        taken.add(out.lower())
    return out


def chart_paths(indicators: list[str], out: str | Path) -> list[Path]:
    """Where ``plot`` writes each indicator's PNG: ``OUT/<indicator>.png`` for a folder; ``OUT.png`` for
    one indicator, else ``OUT-<indicator>.png``."""
    out = Path(out)
    taken: set[str] = set()
    names = [slug(i, taken) for i in indicators]
    if out.suffix.lower() != ".png":
        return [out / f"{n}.png" for n in names]
    if len(indicators) == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{n}.png") for n in names]


def plot(records: list[dict], out: str | Path, pivot: str = "region") -> list[Path]:
    """A chart per canonical indicator, one bar per target (none dropped), each labelled with its
    region (or other ``pivot``), document year and document: PNG files named after the indicator
    (``chart_paths``) or, for ``OUT.html``, one self-contained page with an inline SVG per indicator.
    Chinese is drawn with the bundled font (``font_rc``)."""
    if pivot not in PIVOTS:
        raise ValueError(f"unknown pivot '{pivot}' (known: {', '.join(PIVOTS)})")
    out = Path(out)
    recs = [r if "document" in r else {**r, "document": _document(r)} for r in records]
    by_ind: dict[str, list[dict]] = {}
    for r in recs:
        if r.get("value") is not None:
            by_ind.setdefault(r["indicator_canonical"], []).append(r)
    indicators = sorted(by_ind)
    plt = _pyplot()
    with plt.rc_context(font_rc()):
        if out.suffix.lower() in (".html", ".htm"):
            import io
            from html import escape
            parts = []
            for ind in indicators:
                fig = _figure(plt, ind, by_ind[ind], pivot)
                buf = io.StringIO()
                fig.savefig(buf, format="svg")
                plt.close(fig)
                svg = buf.getvalue()
                parts.append(f"<figure><figcaption>{escape(ind)}</figcaption>{svg[svg.index('<svg'):]}</figure>")
            out.write_text("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>targets</title>"
                           "<style>body{font-family:sans-serif;margin:1.5em}figure{margin:0 0 2em}"
                           "figcaption{font-weight:bold}</style></head><body>" + "".join(parts) + "</body></html>",
                           encoding="utf-8")
            return [out]
        paths = chart_paths(indicators, out)
        if paths and out.suffix.lower() != ".png":
            out.mkdir(parents=True, exist_ok=True)
        for ind, path in zip(indicators, paths):
            fig = _figure(plt, ind, by_ind[ind], pivot)
            fig.savefig(path, dpi=120)
            plt.close(fig)
        return paths
