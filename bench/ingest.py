"""Ingest throughput, memory and store size on N synthetic documents, next to extract-only
throughput on the same documents in the same run.

    python bench/ingest.py [--n 10000] [--workers 2]
    python bench/ingest.py --sizes 1,4,16,50        # one big file per size: linear in the input?

Documents are recombined from the bundled corpus's paragraphs with varied metadata (issuer,
region, level, document number, date, type), written as .txt files to a temp folder.  Prints
documents per second for ingest and for extraction alone (on a sample), the store's overhead as
a ratio, peak RSS at quarter points (it should stay flat as N grows) and the store size.

With ``--sizes``, one text file per size (MB) is made by concatenating the bundled corpus's texts
and ingested alone in a fresh process (so each peak RSS is its own): time and peak memory, per MB,
and the ratio of time per MB at the largest size to the smallest (1.0 = linear).  A file above
the text limit (50 MiB) is refused before it is read: the last line shows that, timed.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import corpus_files, peak_rss_mb  # noqa: E402

PLACES = [("山西省", "太原市", "杏花岭区"), ("湖北省", "随州市", None), ("辽宁省", None, None),
          ("宁夏回族自治区", "固原市", "原州区"), ("上海市", None, "嘉定区"), ("广东省", "中山市", None),
          ("河南省", "驻马店市", None), ("山东省", "济南市", "历下区"), ("浙江省", "杭州市", "西湖区")]
TYPES = ["实施方案", "工作方案", "实施意见", "行动计划", "管理办法", "通知"]


def paragraphs() -> list[str]:
    from zhengce.pipeline.document import extract_file
    out = []
    for f in corpus_files():
        try:
            doc = extract_file(f)
        except Exception:  # noqa: BLE001
            continue
        heads = {s.span[0] for s in doc.sections}
        pos = 0
        for line in doc.text.split("\n"):
            if pos not in heads and len(line) > 40 and " | " not in line:
                out.append(line)
            pos += len(line) + 1
    return out


def synthesize(n: int, folder: Path, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    paras = paragraphs()
    nums = "一二三四五六七八九十"
    files = []
    for i in range(n):
        prov, city, county = rng.choice(PLACES)
        place = (county and (city or "") + county) or city or prov
        issuer = f"{place}人民政府" if rng.random() < 0.6 else f"{place}教育局"
        year = rng.randint(2016, 2025)
        kind = rng.choice(TYPES)
        topic = rng.choice(["教育", "营商环境", "城市更新", "乡村振兴", "数据管理", "绿色低碳"])
        title = f"关于推进{topic}高质量发展的{kind}"
        lines = [issuer, f"{place[:2]}政发〔{year}〕{rng.randint(1, 99)}号", title, "各有关单位："]
        for s in range(rng.randint(3, 6)):
            lines.append(f"{nums[s]}、{rng.choice(['总体要求', '主要任务', '保障措施', '工作目标', '重点工作'])}")
            for k in range(rng.randint(2, 5)):
                lines.append(f"（{nums[k]}）" + rng.choice(paras))
        lines += [issuer, f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
        p = folder / f"doc_{i:05d}.txt"
        p.write_text("\n".join(lines), encoding="utf-8")
        files.append(p)
    return files


def real_text(mb: float) -> str:
    """``mb`` MB (10^6 bytes of UTF-8) of real policy text: the corpus's texts, concatenated and repeated."""
    from zhengce.pipeline.load import load
    texts = []
    for f in corpus_files():
        if f.suffix.lower() in (".txt", ".md", ".html", ".htm"):
            try:
                texts.append(load(f).text)
            except Exception:  # noqa: BLE001
                continue
    block = "\n\n".join(texts) + "\n\n"
    per = len(block.encode("utf-8"))
    text = block * int(mb * 1e6 // per + 1)
    return text.encode("utf-8")[: int(mb * 1e6)].decode("utf-8", "ignore")


def one(path: str, db: str, workers: int = 1, embed: bool = False) -> int:
    """Child process: ingest one file, print {seconds, peak_rss_mb, failed, phases (wall), cpu (the
    writer's, per phase)} as JSON.  The keyword index is written as in a real ingest: a long text's
    while its parts are extracted ("(keyword index in extract)", inside "extract"), a short one's
    after it is stored ("keyword index"); embedding the sentence units only with ``embed`` (with the
    e5 model installed it costs ~85 CPU-seconds per 1,000 units: hours for 50 MB, a cost of its own)."""
    import json
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.store import open_store
    from zhengce.pipeline import ingest as ingest_mod
    from zhengce.pipeline import search
    store = open_store(db)
    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}        # the writer's CPU seconds per phase: steadier than wall time under load

    def timed(name, fn):
        def run(*a, **kw):
            t, c = time.perf_counter(), time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t
                cpu[name] = cpu.get(name, 0.0) + time.process_time() - c
        return run
    from zhengce.pipeline import document
    ingest_mod.extract_one = timed("extract", ingest_mod.extract_one)      # load, normalise, structure and extractors
    document.load = timed("(load)", document.load)
    document.structure_raw = timed("(normalise+structure)", document.structure_raw)
    store.put = timed("store", store.put)
    store.resolve_citations = timed("citations", store.resolve_citations)
    search.IngestIndexer.add = timed("keyword index", search.IngestIndexer.add)
    for name in ("start", "part", "end"):        # a long text's index, written while its parts are extracted
        setattr(search.StreamedIndex, name, timed("(keyword index in extract)", getattr(search.StreamedIndex, name)))
    index = timed("embeddings", search.after_ingest)

    def after_ingest(*a, **kw):           # the peak before embedding: what extraction, storing and the keyword index needed
        phases["peak MB before embeddings"] = peak_rss_mb()
        return index(*a, **kw) if embed else 0
    search.after_ingest = after_ingest
    t0 = time.perf_counter()
    report = ingest([path], store, workers=workers)
    elapsed = time.perf_counter() - t0
    store.close()
    print(json.dumps({"seconds": elapsed, "peak_rss_mb": peak_rss_mb(), "workers_peak_mb": peak_rss_mb(children=True),
                      "failed": report.failed,
                      "ingested": report.ingested, "phases": phases, "cpu": cpu}))
    return 0


def sizes(spec: str, workers: int = 2, embed: bool = False) -> int:
    import json
    import subprocess
    mbs = [float(x) for x in spec.split(",") if x.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="zhengce-bench-") as tmp:
        base = real_text(1.0)
        for mb in mbs:
            f = Path(tmp) / f"big_{mb:g}MB.txt"
            f.write_text(real_text(mb) if mb > 1 else base[: len(base)], encoding="utf-8")
            size = f.stat().st_size / 1e6
            load0 = os.getloadavg()[0]        # a shared machine: other jobs' load next to each time
            p = subprocess.run([sys.executable, __file__, "--one", str(f), "--db", str(Path(tmp) / f"{mb:g}.db"),
                                "--workers", str(workers)] + (["--embed"] if embed else []),
                               capture_output=True, text=True)
            if p.returncode:
                print(f"{mb:g} MB: failed\n{p.stderr[-2000:]}")
                return 1
            r = json.loads(p.stdout.strip().splitlines()[-1])
            if r["failed"]:
                print(f"{mb:g} MB: {r['failed']}")
            rows.append((size, r["seconds"], r["peak_rss_mb"], r["workers_peak_mb"]))
            ph = "  ".join(f"{k} {v:.1f}" + (f" (cpu {r['cpu'][k]:.1f})" if k in r.get("cpu", {}) else "")
                           for k, v in r["phases"].items())
            print(f"{size:6.1f} MB: {r['seconds']:7.1f} s  {r['seconds'] / size:6.2f} s/MB  "
                  f"peak RSS {r['peak_rss_mb']:6.0f} MB  ({r['peak_rss_mb'] / size:6.1f} MB per MB; "
                  f"a worker {r['workers_peak_mb']:4.0f} MB; load {load0:.1f}-{os.getloadavg()[0]:.1f})  [{ph} s]",
                  flush=True)
        from zhengce.pipeline.load.text import MAX_BYTES
        huge = Path(tmp) / "huge.txt"
        with open(huge, "wb") as fh:
            fh.truncate(MAX_BYTES + 1)
        p = subprocess.run([sys.executable, "-m", "zhengce", "ingest", str(huge), "--db", str(Path(tmp) / "h.db"),
                            "--quiet"], capture_output=True, text=True)
        refused = p.stderr.strip().splitlines()[0] if p.stderr.strip() else "(not refused)"
    if len(rows) >= 2:
        (s0, t0, _, _), (s1, t1, _, _) = rows[0], rows[-1]
        ratio = (t1 / s1) / (t0 / s0)
        print(f"time per MB, {s1:.0f} MB vs {s0:.0f} MB: {ratio:.2f}x (1.0 = linear)")
        if s1 >= 49:
            _, secs, peak, worker = rows[-1]
            print(f"issue 15 goals at {s1:.0f} MB: {secs:.1f} s (< 120 s: {_met(secs < 120)}), peak RSS writer "
                  f"{peak:.0f} MB, a worker {worker:.0f} MB (< 1,000 MB: {_met(max(peak, worker) < 1000)}), "
                  f"time per MB {ratio:.2f}x that at {s0:.0f} MB (<= 1.5x: {_met(ratio <= 1.5)})")
    print(f"above the limit ({MAX_BYTES // (1024 * 1024)} MiB): {refused} (exit {p.returncode})")
    return 0


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", help="MB per file, comma-separated (e.g. 1,4,16,50): one big file per size")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--embed", action="store_true", help="with --sizes: embed the sentence units too")
    ap.add_argument("--sample", type=int, default=300, help="documents for the extract-only baseline")
    args = ap.parse_args()
    if args.one:
        return one(args.one, args.db, args.workers, args.embed)
    if args.sizes:
        return sizes(args.sizes, args.workers, args.embed)
    from zhengce.pipeline.document import extract_file
    from zhengce.pipeline.ingest import extract_one, ingest
    from zhengce.pipeline.store import open_store

    with tempfile.TemporaryDirectory(prefix="zhengce-bench-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        t0 = time.perf_counter()
        files = synthesize(args.n, folder)
        print(f"synthesized {len(files)} documents ({sum(f.stat().st_size for f in files) / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")

        sample = files[: min(args.sample, len(files))]
        extract_file(sample[0])
        t0 = time.perf_counter()
        for f in sample:
            extract_one(str(f), str(f))
        extract_rate = len(sample) / (time.perf_counter() - t0)

        db = Path(tmp) / "bench.db"
        # store cost: writing the sample's records (each in its own transaction), timed on its own
        records = [extract_one(str(f), str(f)) for f in sample]
        t_extract = len(sample) / extract_rate
        side = open_store(str(Path(tmp) / "side.db"))
        t0 = time.perf_counter()
        for source, rec, _ in records:
            side.put(rec, source, "bench", rec["format"])
        t_store = time.perf_counter() - t0
        side.close()
        store = open_store(str(db))
        t0 = time.perf_counter()
        ingest([str(f) for f in sample], store, workers=1)
        ingest_rate_1 = len(sample) / (time.perf_counter() - t0)

        checkpoints = {len(files) // 4, len(files) // 2, len(files)}
        rss = []

        def progress(done, total):
            if done in checkpoints:
                rss.append((done, peak_rss_mb(), peak_rss_mb(children=True)))
        t0 = time.perf_counter()
        report = ingest([str(folder)], store, workers=args.workers, progress=progress)
        elapsed = time.perf_counter() - t0
        store.close()
        size = sum(os.path.getsize(p) for p in (db, Path(str(db) + "-wal")) if os.path.exists(p))

    print(f"extract only, 1 process:  {extract_rate:8.1f} docs/s (sample of {len(sample)})")
    print(f"store writes:             {len(sample) / t_store:8.1f} docs/s  -> the store costs "
          f"{100 * t_store / t_extract:.1f} % on top of extraction")
    print(f"ingest, 1 process:        {ingest_rate_1:8.1f} docs/s (same sample: hash, extract, write)")
    print(f"ingest, {args.workers} workers:        {(report.ingested + report.unchanged) / elapsed:8.1f} docs/s "
          f"({report.ingested} new, {report.unchanged} unchanged, {len(report.failed)} failed, {elapsed:.1f} s)")
    for done, me, kids in sorted(rss):
        print(f"  after {done:6d} documents: peak RSS writer {me:.0f} MB, workers {kids:.0f} MB")
    print(f"store size: {size / 1e6:.1f} MB ({size / max(1, len(files)) / 1e3:.1f} kB per document)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
