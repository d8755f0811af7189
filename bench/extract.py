"""Extraction throughput against plain jieba segmentation, measured in the same run.

    python bench/extract.py [--repeat 3] [--workers 2]

Prints MB of normalised text per second for (a) ``jieba.lcut`` over the corpus texts, (b) the
full pipeline (load → normalise → structure → extract) in one process, (c) the pipeline with
N worker processes, and the ratios (b)/(a) and (c)/(b).  OCR is off (``ZHENGCE_OCR=never``): an
image-only page read by OCR is measured by bench/ocr.py, and here it would time the OCR engine,
not the text pipeline that jieba is compared with.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("ZHENGCE_OCR", "never")     # workers inherit it
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import corpus_files, peak_rss_mb, quiet_jieba  # noqa: E402


def _warm(path: str) -> None:
    """Worker initialiser: imports, lexicons, the division table — paid before the clock starts."""
    _extract(path)


def _extract(path: str) -> int:
    from zhengce.pipeline.document import extract_file
    from zhengce.pipeline.load import LoadError
    try:
        return len(extract_file(path).text.encode("utf-8"))
    except LoadError:
        return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus per measurement")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    files = [str(p) for p in corpus_files()]
    from zhengce.pipeline.document import extract_file
    texts = []
    for f in files:   # warm-up pass: imports, lexicons, the division table, the model
        try:
            texts.append(extract_file(f).text)
        except Exception:  # noqa: BLE001
            pass
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    jieba = quiet_jieba()
    jieba.lcut("预热分词词典")
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for t in texts:
            jieba.lcut(t)
    jieba_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for f in files:
            _extract(f)
    single_s = time.perf_counter() - t0

    with ProcessPoolExecutor(max_workers=args.workers, initializer=_warm, initargs=(files[0],)) as pool:
        list(pool.map(_extract, files[: args.workers * 2]))   # all workers started and warm
        t0 = time.perf_counter()
        list(pool.map(_extract, files * args.repeat, chunksize=2))
        multi_s = time.perf_counter() - t0

    total = mb * args.repeat
    print(f"corpus: {len(files)} files, {mb:.2f} MB of normalised text, {args.repeat} passes")
    print(f"jieba.lcut only        {total / jieba_s:8.2f} MB/s")
    print(f"zhengce extract, 1 proc {total / single_s:7.2f} MB/s   ratio to jieba {jieba_s / single_s:.2f}x")
    print(f"zhengce extract, {args.workers} procs {total / multi_s:6.2f} MB/s   speed-up over 1 proc {single_s / multi_s:.2f}x")
    print(f"peak RSS: this process {peak_rss_mb():.0f} MB, workers {peak_rss_mb(children=True):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
