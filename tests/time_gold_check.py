#!/usr/bin/env python3
"""Measure extract_time_expressions against the gold time_expressions (not a test).

Runs the extractor on the raw seed files (/work/shared/seeds, or --seeds), doc_date = the gold
metadata signed_date, and scores with tests/eval/score.py's time metric: a prediction matches a
gold item when the normalised evidence and text overlap (one contains the other, the shorter
>= 2 characters; white space removed); normalisation accuracy = start, end and recurrence equal
among matched pairs.  Prints per-document and micro-averaged figures; --verbose lists misses
and false positives; --jionlp also scores JioNLP's extract_time (if importable) the same way.

    python tests/time_gold_check.py [--gold DIR] [--seeds DIR] [--verbose] [--normalised] [--jionlp PYTHON]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "eval"))
import score  # noqa: E402  (tests/eval/score.py)

from zhengce.pipeline.extract.time import extract_time_expressions  # noqa: E402

_JIO = r'''
import io, json, sys, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    import jionlp as jio
req = json.load(sys.stdin)
out = []
for doc in req:
    y, m, d = map(int, doc["date"].split("-")) if doc["date"] else (2022, 1, 1)
    items = []
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            res = jio.ner.extract_time(doc["text"], time_base={"year": y, "month": m, "day": d}, with_parsing=True)
        except Exception as e:
            res = []
    for r in res:
        det = r.get("detail", {})
        t = det.get("time")
        st = en = rec = None
        kind = {"time_point": "date", "time_span": "interval", "time_delta": "duration", "time_period": "recurrence"}.get(r["type"], "date")
        if isinstance(t, list) and len(t) == 2 and isinstance(t[0], str):
            st, en = t[0][:10], t[1][:10]
            if st.startswith("-") or en.startswith("inf"):
                st = en = None
        if kind == "recurrence":
            st = en = None
            rec = r["text"]
        items.append({"text": r["text"], "span": r["offset"], "kind": kind, "start": st, "end": en, "recurrence": rec})
    out.append(items)
print(json.dumps(out, ensure_ascii=False))
'''


def _tally_line(name, found, normd):
    p = found.tp / (found.tp + found.fp) if found.tp + found.fp else 0.0
    r = found.tp / (found.tp + found.fn) if found.tp + found.fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    acc = normd.right / normd.total if normd.total else 0.0
    return (f"{name:<34} gold {found.tp + found.fn:3d} pred {found.tp + found.fp:3d} tp {found.tp:3d}  "
            f"P {p:.3f} R {r:.3f} F1 {f:.3f}  norm {normd.right}/{normd.total} = {acc:.3f}")


def evaluate(docs, predict, label, verbose):
    tot_f, tot_n = score.Tally("f1"), score.Tally("acc")
    for name, gold, text, doc_date, preds in predict(docs):
        found, normd = score.score_time(gold, {"time_expressions": preds})
        tot_f.add(found)
        tot_n.add(normd)
        print("  " + _tally_line(name, found, normd))
        if verbose:
            for m in found.missed:
                print("      MISS  ", m)
            for x in found.extra:
                print("      EXTRA ", x)
            for m in normd.missed:
                print("      NORM  ", m)
    print(_tally_line(f"ALL ({label})", tot_f, tot_n))
    return tot_f, tot_n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default="/work/shared/gold")
    ap.add_argument("--seeds", default="/work/shared/seeds")
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument("--jionlp", metavar="PYTHON", help="a python interpreter that has jionlp installed")
    ap.add_argument("--normalised", action="store_true",
                    help="also score on the normaliser's text (chrome dropped), as the pipeline sees it")
    args = ap.parse_args()

    t0 = time.perf_counter()
    extract_time_expressions("二〇二一年")          # one-time costs: lexicon, cn2an import
    print(f"first call (cn2an import): {(time.perf_counter() - t0) * 1000:.0f} ms")

    docs = []
    for gp in sorted(Path(args.gold).glob("*.gold.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        text = (Path(args.seeds) / gold["file"]).read_text(encoding="utf-8")
        sd = (gold.get("metadata") or {}).get("signed_date")
        docs.append((gold["file"], gold, text, date.fromisoformat(sd) if sd else None))

    def ours(docs):
        for name, gold, text, d in docs:
            t0 = time.perf_counter()
            preds = [t.model_dump(mode="json") for t in extract_time_expressions(text, d)]
            ms = (time.perf_counter() - t0) * 1000
            yield f"{name} ({len(text)} ch, {ms:.1f} ms)", gold, text, d, preds

    print("zhengce.pipeline.extract.time, raw seed text")
    evaluate(docs, ours, "zhengce", args.verbose)
    if args.normalised:
        from zhengce.pipeline.normalise import normalise
        print("\nzhengce.pipeline.extract.time, normalised text")
        evaluate([(n, g, normalise(t).text, d) for n, g, t, d in docs], ours, "zhengce, normalised", args.verbose)

    if args.jionlp:
        req = [{"text": text, "date": d.isoformat() if d else None} for _, _, text, d in docs]
        proc = subprocess.run([args.jionlp, "-c", _JIO], input=json.dumps(req, ensure_ascii=False),
                              capture_output=True, text=True)
        if proc.returncode:
            print("jionlp failed:", proc.stderr[-2000:], file=sys.stderr)
            return 1
        res = json.loads(proc.stdout.strip().splitlines()[-1])

        def jio(docs):
            for (name, gold, text, d), preds in zip(docs, res):
                yield name, gold, text, d, preds
        print("\nJioNLP ner.extract_time")
        evaluate(docs, jio, "jionlp", args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
