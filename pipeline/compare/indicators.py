"""Indicator names across documents, and the region × indicator table of targets.

    canonical("学前三年毛入园率") == "学前教育毛入园率"
    frame = targets_frame(store, indicator="毛入园率")      # one row per target (pandas)
    table = pivot_targets(frame, pivot="region")          # rows: regions, columns: (indicator, field)

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
FIELDS = ("value", "value_max", "comparator", "unit", "deadline", "baseline_value", "baseline_year", "binding")

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

def _region(r: dict) -> str:
    return "/".join(x for x in (r.get("province"), r.get("city"), r.get("county")) if x) or "（全国）"


def pivot_key(r: dict, pivot: str) -> str:
    if pivot == "region":
        return _region(r)
    if pivot == "doc":
        return r.get("doc_title") or r.get("doc_id") or ""
    v = r.get(pivot)
    return str(v) if v not in (None, "") else "（无）"


def target_records(rows: Iterable[dict], indicator: Optional[str] = None) -> list[dict]:
    """Target rows (as ``store.rows('targets')`` gives them) with ``indicator_canonical``,
    filtered to those answering ``indicator``."""
    out = []
    for r in rows:
        if indicator and not matches(indicator, r.get("indicator")):
            continue
        d = dict(r)
        d["indicator_canonical"] = canonical(r.get("indicator")) or "（未命名）"
        d["region"] = _region(r)
        out.append(d)
    return out


def store_targets(store, indicator: Optional[str] = None, **filters: Any) -> list[dict]:
    return target_records(store.rows("targets", **filters), indicator)


def pivot_rows(records: list[dict], pivot: str = "region") -> tuple[list[str], list[dict]]:
    """(indicators, rows): one row per pivot value, one cell per canonical indicator holding the
    target with the latest deadline (``n`` says how many targets the cell stands for)."""
    if pivot not in PIVOTS:
        raise ValueError(f"unknown pivot '{pivot}' (known: {', '.join(PIVOTS)})")
    indicators = sorted({r["indicator_canonical"] for r in records})
    cells: dict[str, dict[str, list[dict]]] = {}
    for r in records:
        cells.setdefault(pivot_key(r, pivot), {}).setdefault(r["indicator_canonical"], []).append(r)
    rows = []
    for key in sorted(cells):
        row: dict[str, Any] = {pivot: key}
        for ind, lst in cells[key].items():
            best = max(lst, key=lambda r: (r.get("deadline") or "", r.get("value") or 0))
            row[ind] = {**{f: best.get(f) for f in FIELDS}, "indicator": best.get("indicator"),
                        "doc_id": best.get("doc_id"), "clause_id": best.get("clause_id"),
                        "text": best.get("text"), "n": len(lst)}
        rows.append(row)
    return indicators, rows


def targets_frame(store_or_records, indicator: Optional[str] = None, **filters: Any):
    """A pandas DataFrame with one row per target (long format)."""
    import pandas as pd
    recs = (store_or_records if isinstance(store_or_records, list)
            else store_targets(store_or_records, indicator, **filters))
    if isinstance(store_or_records, list) and indicator:
        recs = [r for r in recs if matches(indicator, r.get("indicator"))]
    cols = ["region", "province", "city", "county", "level", "year", "doc_id", "doc_title", "clause_id",
            "indicator_canonical", "indicator", *FIELDS, "recurrence", "text"]
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in recs], columns=cols)


def pivot_frame(records: list[dict], pivot: str = "region"):
    """Region (or other pivot) × (indicator, field) DataFrame."""
    import pandas as pd
    indicators, rows = pivot_rows(records, pivot)
    data = {}
    for ind in indicators:
        for f in (*FIELDS, "doc_id"):
            data[(ind, f)] = [row.get(ind, {}).get(f) if isinstance(row.get(ind), dict) else None for row in rows]
    df = pd.DataFrame(data, index=pd.Index([row[pivot] for row in rows], name=pivot))
    if len(df.columns):
        df.columns = pd.MultiIndex.from_tuples(df.columns, names=["indicator", "field"])
    return df


def format_cell(c: Optional[dict]) -> str:
    if not c:
        return ""
    sym = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<", "approx": "≈", "range": ""}.get(c.get("comparator") or "", "")
    v = c.get("value")
    val = f"{v:g}" if isinstance(v, (int, float)) else str(v or "")
    if c.get("comparator") == "range" and c.get("value_max") is not None:
        val += f"–{c['value_max']:g}"
    s = f"{sym}{val}{c.get('unit') or ''}"
    if c.get("deadline"):
        s += f" ({c['deadline'][:4]})"
    if c.get("baseline_value") is not None:
        s += f" [基 {c['baseline_value']:g}" + (f"/{c['baseline_year']}" if c.get("baseline_year") else "") + "]"
    return s


# --- charts -----------------------------------------------------------------------------------

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
              "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN", "Droid Sans Fallback")


def _setup_matplotlib():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in _CJK_FONTS if f in have]
    if fonts:
        plt.rcParams["font.sans-serif"] = fonts + list(plt.rcParams["font.sans-serif"])
    plt.rcParams["axes.unicode_minus"] = False
    import logging
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return plt, bool(fonts)


def _figure(plt, ind: str, rows: list[dict], pivot: str):
    keys = [r[pivot] for r in rows if isinstance(r.get(ind), dict)]
    cells = [r[ind] for r in rows if isinstance(r.get(ind), dict)]
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.45 * len(keys) + 1.2)))
    ys = list(range(len(keys)))
    vals = [c.get("value") or 0 for c in cells]
    ax.barh(ys, vals, color="#4c78a8", height=0.6)
    for y, c in zip(ys, cells):
        if c.get("comparator") == "range" and c.get("value_max") is not None:
            ax.plot([c["value"], c["value_max"]], [y, y], color="#f58518", lw=4)
        if c.get("baseline_value") is not None:
            ax.plot([c["baseline_value"]], [y], marker="D", color="#e45756", ms=6, ls="none")
        ax.text((c.get("value_max") or c.get("value") or 0), y, "  " + format_cell(c), va="center", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels(keys, fontsize=8)
    ax.invert_yaxis()
    units = sorted({c.get("unit") or "" for c in cells})
    ax.set_xlabel(" / ".join(u for u in units if u) or "value")
    ax.set_title(ind + ("  (◆ baseline)" if any(c.get("baseline_value") is not None for c in cells) else ""))
    ax.margins(x=0.35)
    fig.tight_layout()
    return fig


def plot(records: list[dict], out: str | Path, pivot: str = "region") -> list[Path]:
    """A chart per indicator: one PNG per indicator (``OUT.png`` for one, ``OUT-1.png``… for
    several) or one self-contained HTML page with an inline SVG per indicator."""
    out = Path(out)
    plt, _ = _setup_matplotlib()
    indicators, rows = pivot_rows(records, pivot)
    written = []
    if out.suffix.lower() in (".html", ".htm"):
        import io
        from html import escape
        parts = []
        for ind in indicators:
            fig = _figure(plt, ind, rows, pivot)
            buf = io.StringIO()
            fig.savefig(buf, format="svg")
            plt.close(fig)
            svg = buf.getvalue()
            svg = svg[svg.index("<svg"):]
            parts.append(f"<figure><figcaption>{escape(ind)}</figcaption>{svg}</figure>")
        out.write_text("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>targets</title>"
                       "<style>body{font-family:sans-serif;margin:1.5em}figure{margin:0 0 2em}"
                       "figcaption{font-weight:bold}</style></head><body>" + "".join(parts) + "</body></html>",
                       encoding="utf-8")
        return [out]
    for n, ind in enumerate(indicators, 1):
        path = out if len(indicators) == 1 else out.with_name(f"{out.stem}-{n}{out.suffix or '.png'}")
        fig = _figure(plt, ind, rows, pivot)
        fig.savefig(path, dpi=120)
        plt.close(fig)
        written.append(path)
    return written
