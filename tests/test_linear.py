"""Extraction stays linear in its input (issue 15), checked without a clock.

A policy built of ``n`` sections, each with tasks, a labelled list of responsible units, a target
and a review line, is extracted at two sizes, ``n`` and ``5n``, while a tracer counts the Python
lines (and generator resumptions) executed in the stage modules that used to hold quadratic loops
(a scan of every list per clause, of every clause per list, of every section per clause join, of
every review zone per target …).  Linear code executes at most 5× as many lines at 5× the size (4.0×
in each module when this was written); a per-item scan over all items adds a part that grows 25×,
so a ratio above 6.25 fails and names the module (before the fixes: responsibilities
11.4×, targets 10.9×, clauses 6.8×).  The counts are deterministic: the machine's speed and load do not matter.
"""
from __future__ import annotations

import sys

from zhengce.pipeline.document import structure
from zhengce.pipeline.extract.registry import run_extractors
from zhengce.pipeline.normalise import normalise

WATCHED = ("extract/responsibilities.py", "extract/clauses.py", "extract/targets.py", "extract/target_parse.py",
           "structure/sections.py", "structure/tables.py", "normalise.py")
DIGITS = "一二三四五六七八九"


def _cn(k: int) -> str:
    """1..99 in Chinese numerals (十二, 三十, 九十九)."""
    tens, ones = divmod(k, 10)
    return (("" if tens == 1 else DIGITS[tens - 1]) + "十" if tens else "") + (DIGITS[ones - 1] if ones else "")


def _policy(parts: int) -> str:
    lines = ["某市人民政府关于印发某市教育高质量发展行动方案的通知", "各区人民政府，市政府各委、办、局：",
             "现将《某市教育高质量发展行动方案》印发给你们，请认真贯彻落实。", "某市人民政府", "2024年3月1日",
             "某市教育高质量发展行动方案"]
    for p in range(1, parts + 1):
        lines.append(f"{_cn(p)}、第{p}方面重点任务")
        lines.append("2023年工作回顾")
        lines.append(f"全市新建学校{p}所，新增学位{p * 100}个。")
        for k in range(1, 5):
            lines.append(f"（{_cn(k)}）第{p}-{k}项重点任务")
            lines.append(f"到2025年，全市新增普惠性幼儿园学位{p * 10 + k}个，区教育局要加强统筹，市财政局负责保障经费；"
                         f"各街道应当在3月底前完成摸底。（责任单位：市教育局、市财政局，各区人民政府）")
            lines.append(f"{k}. 完善工作机制，市发展改革委会同市人力资源社会保障局制定配套政策，"
                         f"确保第{k}批项目按期完工。（牵头单位：市发展改革委；配合单位：市人力资源社会保障局）")
    return "\n".join(lines) + "\n"


def _lines_executed(text: str) -> dict[str, int]:
    counts = {w: 0 for w in WATCHED}
    watched: dict = {}

    def local(frame, event, arg):
        counts[watched[frame.f_code]] += 1
        return local

    def tracer(frame, event, arg):
        code = frame.f_code
        if code not in watched:
            name = code.co_filename.replace("\\", "/")
            watched[code] = next((w for w in WATCHED if name.endswith("/pipeline/" + w)), None)
        if watched[code] is None:
            return None
        counts[watched[code]] += 1          # a call, or a generator resumed
        return local

    sys.settrace(tracer)
    try:
        doc = structure(text)
        run_extractors(doc)
    finally:
        sys.settrace(None)
    assert doc.responsibilities and doc.targets and len(doc.sections) > 40
    return counts


def test_extraction_executes_linear_work():
    small, large = _policy(12), _policy(60)
    structure(small)                        # lexicons, models and caches loaded outside the counts
    a, b = _lines_executed(small), _lines_executed(large)
    ratios = {w: b[w] / max(a[w], 1) for w in WATCHED}
    worst = max(ratios, key=ratios.get)
    assert ratios[worst] < 6.25, \
        f"{worst}: {b[worst]} lines at 5x the input vs {a[worst]} ({ratios[worst]:.1f}x); ratios {ratios}"


def test_source_offsets_are_kept_as_runs_not_per_character():
    # anchors where the text → source shift changes (a few a line), not one number a character
    raw = "".join(f"　　第{i}条　为了规范管理，制定本办法。\n" for i in range(1, 2001))
    out = normalise(raw)
    assert len(out.text) > 30_000 and len(out.anchors) <= 3 * 2000
    src = list(out.source_index)
    assert len(src) == len(out.text) and src[:3] == [out.source_index[k] for k in range(3)]
    assert all(raw[s] == c for s, c in zip(src, out.text) if c not in "\n ")
