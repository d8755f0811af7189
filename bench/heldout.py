"""Score zhengce against gold sets annotated outside the code, on documents of ../shared/corpus_wild.

    python bench/heldout.py                 # every set under bench/heldout/, totals only
    python bench/heldout.py M --verbose     # one set, with its misses (never for a set kept blind)

Each folder of bench/heldout/ holds the gold of a few corpus_wild documents (``<file>.gold.json``,
../shared/gold/FORMAT.md), annotated by people who saw neither the code nor its output.  A set is
*blind* until its misses are read: then it stops being evidence that a change generalises, and a new
set takes its place (the README's results table says which is which).  The script links the
documents into a temporary folder and runs ../shared/eval/score.py over it.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "heldout"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def score(name: str, cmd: str, verbose: bool) -> str:
    golds = sorted((HERE / name).glob("*.gold.json"))
    with tempfile.TemporaryDirectory() as docs:
        for g in golds:
            source = SHARED / "corpus_wild" / g.name.removesuffix(".gold.json")
            if not source.exists():
                return f"{name}: {source} is missing"
            os.symlink(source, Path(docs) / source.name)
        run = [sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(HERE / name), "--docs", docs,
               "--cmd", cmd] + (["--verbose"] if verbose else [])
        out = subprocess.run(run, capture_output=True, text=True)
    if verbose:
        return out.stdout
    totals = out.stdout.split("TOTALS", 1)       # totals only: per-document figures point at the misses
    return ("TOTALS" + totals[1]).split("\nmetadata fields")[0] + "\n" if len(totals) == 2 else out.stdout + out.stderr


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", help="folders of bench/heldout/ (default: all)")
    ap.add_argument("--cmd", default="zhengce extract {file} --json")
    ap.add_argument("--verbose", action="store_true", help="list misses (reading them spends a blind set)")
    args = ap.parse_args()
    names = args.sets or sorted(p.name for p in HERE.iterdir() if p.is_dir())
    for name in names:
        print(f"## {name}")
        print(score(name, args.cmd, args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
