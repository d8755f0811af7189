#!/usr/bin/env python3
"""Measure the sentence-level target parser against the gold targets (not a test).

Splits each seed's raw text (/work/shared/seeds, or --seeds) into sentences on 。；！？ and line
breaks, runs ``parse_targets`` on each, drops the candidates of sentences ``is_past_fact`` marks
(doc_year = the year of the gold signed_date), and matches them one to one with the gold targets:
same value (1e-6) and unit, and the gold evidence inside the candidate's sentence or text, or
the text (>= 4 characters) inside the evidence (both sides normalised as tests/eval/score.py
does).  Among matched pairs it reports comparator agreement (and value_max) and indicator
agreement (character Jaccard >= 0.5, as the scorer's targets_full).

Three figures are printed per run:
  sentence   what parse_targets + is_past_fact alone give;
  +review    also dropping sentences of a review section (a heading line that
             ``is_review_heading`` accepts, up to the next heading of the same level), as the
             targets extractor does with its section context;
  gold items from indicator tables (those with a baseline or binding) are reported apart:
  ``table`` rows are the table reader's job, and "excl. table" leaves them out of recall.

    python tests/target_gold_check.py [--gold DIR] [--seeds DIR] [--verbose] [--mode sentence|review]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "eval"))
import score  # noqa: E402  (tests/eval/score.py)

from zhengce.pipeline.extract.target_parse import (  # noqa: E402
    is_past_fact, is_review_heading, parse_targets)

_SPLIT = re.compile(r"[^。；！？\n]+[。；！？]?")
_HEADING = re.compile(r"^\s*(?P<num>[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))")


def sentences(text: str):
    """(start, sentence) pairs: split on 。；！？ and line breaks, the end mark kept."""
    for m in _SPLIT.finditer(text):
        if m.group().strip():
            yield m.start(), m.group()


def review_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of review sections: from a heading line is_review_heading accepts to the
    next heading of the same numbering style (一、 / （一）)."""
    heads = []
    pos = 0
    for line in text.splitlines(keepends=True):
        m = _HEADING.match(line)
        if m:
            style = "top" if m.group("num").endswith("、") else "sub"
            heads.append((pos, style, line))
        pos += len(line)
    out = []
    for k, (at, style, line) in enumerate(heads):
        if not is_review_heading(line[:40]):
            continue
        end = next((a for a, s, _ in heads[k + 1:] if s == style or (style == "sub" and s == "top")), len(text))
        out.append((at, end))
    return out


def predict(text: str, doc_year, mode: str):
    reviews = review_ranges(text) if mode == "review" else []
    preds = []
    for start, sent in sentences(text):
        cands = parse_targets(sent, start)
        if not cands:
            continue
        if is_past_fact(sent, doc_year):
            continue
        if any(a <= start < b for a, b in reviews):
            continue
        for c in cands:
            preds.append({"c": c, "sentence": sent})
    return preds


def is_table(g: dict) -> bool:
    return bool(g.get("baseline")) or bool(g.get("binding"))


def detected(g: dict, p: dict) -> bool:
    c = p["c"]
    if not score.same_number(g.get("value"), c.value) or score.norm(g.get("unit")) != score.norm(c.unit):
        return False
    ev, text, sent = score.norm(g.get("evidence")), score.norm(c.text), score.norm(p["sentence"])
    return bool(ev) and (ev in text or ev in sent) or (len(text) >= 4 and text in ev)


def agree(g: dict, p: dict) -> tuple[bool, bool]:
    c = p["c"]
    cmp_ok = (g.get("comparator") == c.comparator and score.same_number(g.get("value_max"), c.value_max))
    ind_ok = score.jaccard(g.get("indicator"), c.indicator) >= 0.5
    return cmp_ok, ind_ok


def show_gold(g):
    vm = f"-{g['value_max']}" if g.get("value_max") is not None else ""
    return f"{g.get('evidence')!r} [{g.get('indicator')} {g.get('comparator')} {g.get('value')}{vm} {g.get('unit')}]"


def show_pred(p):
    c = p["c"]
    vm = f"-{c.value_max:g}" if c.value_max is not None else ""
    return (f"{c.text!r} [{c.indicator} {c.comparator} {c.value:g}{vm} {c.unit}"
            f"{' ' + c.recurrence if c.recurrence else ''}{' by ' + c.deadline_text if c.deadline_text else ''}]")


def run(gold_dir: Path, seeds: Path, mode: str, verbose: bool) -> dict:
    tot = dict(gold=0, gold_table=0, pred=0, tp=0, tp_table=0, cmp=0, ind=0)
    for gf in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gf.read_text(encoding="utf-8"))
        text = (seeds / gold["file"]).read_text(encoding="utf-8")
        signed = (gold.get("metadata") or {}).get("signed_date") or ""
        doc_year = int(signed[:4]) if signed[:4].isdigit() else None
        preds = predict(text, doc_year, mode)
        golds = gold.get("targets") or []
        pairs, missed, extra = score.match(golds, preds, lambda g, p: (1 + sum(agree(g, p))) if detected(g, p) else 0)
        cmp_ok = sum(agree(g, p)[0] for g, p in pairs)
        ind_ok = sum(agree(g, p)[1] for g, p in pairs)
        n_table = sum(is_table(g) for g in golds)
        tp_table = sum(is_table(g) for g, _ in pairs)
        for k, v in dict(gold=len(golds), gold_table=n_table, pred=len(preds), tp=len(pairs), tp_table=tp_table,
                         cmp=cmp_ok, ind=ind_ok).items():
            tot[k] += v
        print(f"  {gold['file'][:24]:<24} gold {len(golds):3d} (table {n_table:2d}) pred {len(preds):3d} "
              f"tp {len(pairs):3d}  cmp {cmp_ok}/{len(pairs)} ind {ind_ok}/{len(pairs)}")
        if verbose:
            for g in missed:
                print("      MISS ", ("(table) " if is_table(g) else "") + show_gold(g))
            for p in extra:
                print("      FP   ", show_pred(p))
            for g, p in pairs:
                c_ok, i_ok = agree(g, p)
                if not (c_ok and i_ok):
                    print("      DIFF ", show_gold(g), "->", show_pred(p))
    return tot


def report(label: str, t: dict) -> None:
    p = t["tp"] / t["pred"] if t["pred"] else 0.0
    r = t["tp"] / t["gold"] if t["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    g_nt, tp_nt = t["gold"] - t["gold_table"], t["tp"] - t["tp_table"]
    r_nt = tp_nt / g_nt if g_nt else 0.0
    f_nt = 2 * p * r_nt / (p + r_nt) if p + r_nt else 0.0
    print(f"{label:<9} gold {t['gold']} pred {t['pred']} tp {t['tp']}  P {p:.3f} R {r:.3f} F1 {f:.3f}"
          f"  | excl. table: gold {g_nt} tp {tp_nt} R {r_nt:.3f} F1 {f_nt:.3f}"
          f"  | comparator {t['cmp']}/{t['tp']} indicator {t['ind']}/{t['tp']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default="/work/shared/gold")
    ap.add_argument("--seeds", default="/work/shared/seeds")
    ap.add_argument("--mode", choices=("sentence", "review", "both"), default="both")
    ap.add_argument("--verbose", action="store_true", help="list misses, false positives and disagreements")
    args = ap.parse_args(argv)
    modes = ("sentence", "review") if args.mode == "both" else (args.mode,)
    results = {}
    for mode in modes:
        print(f"[{mode}]")
        t0 = time.perf_counter()
        results[mode] = run(Path(args.gold), Path(args.seeds), mode, args.verbose)
        print(f"  ({(time.perf_counter() - t0) * 1000:.0f} ms)")
    print()
    for mode, t in results.items():
        report({"sentence": "sentence", "review": "+review"}[mode], t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
