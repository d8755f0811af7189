"""Speed of the single extractors on a 60,000-character policy text, as ratios against a plain
regex sentence scan over the same text in the same run (the floor any sentence-level reader pays).

    python bench/extractors.py
"""
from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS  # noqa: E402


def best_of(fn, n: int = 5) -> float:
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    from zhengce.pipeline.extract.citations import extract_citations
    from zhengce.pipeline.extract.target_parse import parse_targets
    from zhengce.pipeline.extract.time import extract_time_expressions
    from zhengce.pipeline.structure.region import resolve_region
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted((CORPUS / "seeds").glob("*.txt")))
    while len(text) < 60000:
        text += text
    text = text[:60000]
    sentence = re.compile(r"[^。；！？\n]+[。；！？]?")
    sents = [(m.start(), m.group()) for m in sentence.finditer(text)]
    day = date(2022, 8, 17)
    # warm-up: lexicons, the division table, cn2an
    extract_time_expressions(text[:3000], day)
    parse_targets("达到一百二十个", 0)
    resolve_region(["区人民政府"], None, None, text[:3000])
    base = best_of(lambda: [m.group() for m in sentence.finditer(text)])
    rows = [
        ("time expressions", best_of(lambda: extract_time_expressions(text, day))),
        ("target sentences", best_of(lambda: [parse_targets(s, o) for o, s in sents], 3)),
        ("citations", best_of(lambda: extract_citations(text))),
        ("region, issuer without a place", best_of(lambda: resolve_region(["区人民政府"], "杏政发〔2022〕17号", None, text))),
        ("region, unambiguous issuer", best_of(lambda: resolve_region(["太原市杏花岭区人民政府"], None, None, text))),
    ]
    print(f"60,000 characters, {len(sents)} sentences; baseline regex sentence scan {base * 1000:.2f} ms")
    for name, t in rows:
        print(f"{name:32s} {t * 1000:8.1f} ms   {t / base:7.1f}× the scan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
