"""Per-format extraction report over a folder (default: the bundled corpus), as a Markdown table.

    python bench/corpus_report.py [FOLDER ...] > docs/formats.md
"""
from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS  # noqa: E402


def main(argv: list[str]) -> int:
    from zhengce.pipeline.document import extract_file
    from zhengce.pipeline.load import LOADERS, LoadError
    folders = [Path(a) for a in argv] or [CORPUS]
    files = sorted(p for f in folders for p in f.rglob("*") if p.suffix.lower() in LOADERS
                   and p.stem.upper() not in {"README", "SOURCES", "MANIFEST"})
    per = collections.defaultdict(lambda: collections.Counter())
    rows = []
    for p in files:
        ext = p.suffix.lower().lstrip(".")
        per[ext]["files"] += 1
        t0 = time.perf_counter()
        try:
            d = extract_file(p)
        except LoadError as e:
            per[ext]["load errors"] += 1
            rows.append((p.name, ext, f"error: {e}", "", "", "", "", ""))
            continue
        ms = (time.perf_counter() - t0) * 1000
        m = d.metadata
        per[ext]["extracted"] += 1
        per[ext]["title+type"] += bool(m.title and m.doc_type)
        per[ext]["issuer"] += bool(m.issuers)
        per[ext]["date"] += bool(m.signed_date or m.published_date)
        per[ext]["region/level"] += bool(m.level)
        per[ext]["sections"] += len(d.sections)
        per[ext]["clauses"] += len(d.clauses)
        per[ext]["targets"] += len(d.targets)
        region = "/".join(x for x in (m.region.province, m.region.city, m.region.county) if x)
        rows.append((p.name, ext, (m.title or "")[:30], m.doc_type or "", "、".join(m.issuers)[:24],
                     m.signed_date or m.published_date or "", f"{region} {m.level or ''}",
                     f"{len(d.sections)} / {len(d.clauses)} / {len(d.targets)} ; {','.join(d.quality.flags)} ; {ms:.0f} ms"))
    cols = ["files", "extracted", "load errors", "title+type", "issuer", "date", "region/level", "sections", "clauses", "targets"]
    print("## Per format\n")
    print("| format | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for ext, c in sorted(per.items()):
        print(f"| {ext} | " + " | ".join(str(c[k]) for k in cols) + " |")
    print("\n## Per document\n")
    print("| file | format | title | type | issuer | date | region level | sections / clauses / targets ; flags ; time |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
