"""OCR engines on scanned policy pages whose text we know, measured in the same run.

    python bench/ocr.py                       # 4 pages clean + 4 degraded per engine (a few minutes)
    python bench/ocr.py --pages 20            # the README figures (20 + 20 pages per engine)
    python bench/ocr.py --seeds               # also: the five seeds as image-only PDFs, scored
                                              # with ../shared/eval/score.py against ../shared/gold/
    python bench/ocr.py --pages 12 --workers 2  # one 12-page scan read serially, then by 2 worker
                                              # processes (wall time; the texts must be equal)

The seeds (``corpus/seeds/*.txt``: real 通知/实施方案 texts) are typeset with reportlab in a Song
(Ming) typeface, A4, 14 pt, embedded, then rendered to page images with pdfium:

- **clean** — 300 dpi, lossless;
- **degraded** — 150 dpi, rotated 1°, speckle noise (0.4 % of pixels flipped), JPEG quality 40;

and each image is wrapped as an image-only PDF (no text layer), as a scanner writes it.  Every page
is read through the loader (``pipeline/load/pdf.py`` with ``ZHENGCE_OCR=always``), so the figures
include rendering, line grouping and header logic.  Character accuracy = 1 − edit distance /
length of the source text of the page, after NFKC folding (half- and full-width punctuation are
the same character) with white space and the seeds' ``|`` table-cell marks removed.  Speed is pages per CPU-second of one OCR thread
(``ZHENGCE_OCR_THREADS=1``; tesseract ``OMP_THREAD_LIMIT=1``), counted from the process's own CPU
time and its children's, so it does not depend on how busy the machine is; peak memory is the
maximum resident set of the process reading the pages (for tesseract also of its subprocess).
Each engine runs in its own process.  Needs a CJK TrueType font (Debian ``fonts-arphic-uming`` or
``fonts-wqy-microhei``).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT  # noqa: E402

SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
GOLD = ROOT.parent / "shared" / "gold"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
FONTS = ["/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"]
PAGE_W, PAGE_H = 595.0, 842.0      # A4 in points
MARGIN = 72.0
SIZE = 14.0
LEADING = 1.6
NO_LINE_START = "，。、；：？！）》”’】〕…—,.;:?!)"


# --- typesetting ---------------------------------------------------------------------------

def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    if "BenchSong" in pdfmetrics.getRegisteredFontNames():
        return "BenchSong"
    found = [f for f in FONTS if Path(f).exists()]
    if not found:
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
            found = [ln.split(":")[0] for ln in out.splitlines() if ln.split(":")[0].endswith((".ttf", ".ttc", ".otf"))]
        except OSError:
            found = []
    if not found:
        raise SystemExit("bench/ocr.py needs a CJK TrueType font: apt-get install fonts-arphic-uming")
    pdfmetrics.registerFont(TTFont("BenchSong", found[0], subfontIndex=1 if "uming" in found[0] else 0))
    return "BenchSong"


def _wrap(line: str, width: float, font: str) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    out, cur = [], ""
    for ch in line:
        if cur and stringWidth(cur + ch, font, SIZE) > width and ch not in NO_LINE_START:
            out.append(cur)
            cur = ""
        cur += ch
    if cur:
        out.append(cur)
    return out


def paginate(text: str) -> list[list[str]]:
    """The text as pages of printed lines (a paragraph wraps at the measure; blank lines skip)."""
    font = _font()
    width = PAGE_W - 2 * MARGIN
    per_page = int((PAGE_H - 2 * MARGIN) // (SIZE * LEADING))
    lines: list[str] = []
    for para in text.splitlines():
        para = para.strip()
        if para:
            lines.extend(_wrap(para, width, font))
    return [lines[i:i + per_page] for i in range(0, len(lines), per_page)]


def typeset(pages: list[list[str]], path: Path, footer: bool = False) -> None:
    """A text PDF of the pages (embedded font); ``footer`` adds ``- N -`` page numbers."""
    from reportlab.pdfgen import canvas
    font = _font()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    for n, lines in enumerate(pages, 1):
        c.setFont(font, SIZE)
        y = PAGE_H - MARGIN - SIZE
        for ln in lines:
            c.drawString(MARGIN, y, ln)
            y -= SIZE * LEADING
        if footer:
            c.setFont(font, 10.5)
            c.drawCentredString(PAGE_W / 2, MARGIN / 2, f"- {n} -")
        c.showPage()
    c.save()


def scan(text_pdf: Path, out_pdf: Path, degraded: bool, seed: int = 0) -> None:
    """``text_pdf`` rendered to page images (clean or degraded) and wrapped as an image-only PDF."""
    import io

    import pypdfium2
    from PIL import Image, ImageFilter  # noqa: F401
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    doc = pypdfium2.PdfDocument(str(text_pdf))
    c = canvas.Canvas(str(out_pdf), pagesize=(PAGE_W, PAGE_H))
    try:
        for page in doc:
            dpi = 150 if degraded else 300
            im = page.render(scale=dpi / 72).to_pil().convert("L")
            if degraded:
                im = im.rotate(1.0, resample=Image.BICUBIC, expand=False, fillcolor=255)
                px = im.load()
                w, h = im.size
                for _ in range(int(0.004 * w * h)):
                    x, y = rng.randrange(w), rng.randrange(h)
                    px[x, y] = 0 if rng.random() < 0.5 else 255
                buf = io.BytesIO()
                im.save(buf, format="JPEG", quality=40)
                buf.seek(0)
                reader = ImageReader(buf)
            else:
                buf = io.BytesIO()
                im.save(buf, format="PNG")
                buf.seek(0)
                reader = ImageReader(buf)
            c.drawImage(reader, 0, 0, width=PAGE_W, height=PAGE_H)
            c.showPage()
        c.save()
    finally:
        doc.close()


# --- scoring -------------------------------------------------------------------------------

def _norm(s: str) -> str:
    """Folded for comparison: NFKC, quotes/dashes/brackets unified, white space and ``|`` dropped
    (the seeds write flattened table cells between ``|`` lines: layout marks of the export, not
    printed text an engine could read)."""
    s = unicodedata.normalize("NFKC", s).replace("|", "")
    s = s.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "－": "-",
                                   "〔": "[", "〕": "]", "【": "[", "】": "]", "（": "(", "）": ")"}))
    return "".join(s.split())


def char_accuracy(got: str, want: str) -> float:
    from rapidfuzz.distance import Levenshtein
    g, w = _norm(got), _norm(want)
    if not w:
        return 1.0 if not g else 0.0
    return max(0.0, 1 - Levenshtein.distance(g, w) / len(w))


# --- one engine, in its own process --------------------------------------------------------

def worker(engine: str, files: list[str]) -> dict:
    os.environ.update(ZHENGCE_OCR="always", ZHENGCE_OCR_ENGINE=engine, ZHENGCE_OCR_THREADS="1",
                      OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    from zhengce.pipeline.load import ocr
    from zhengce.pipeline.load.pdf import load
    if ocr.get_engine(engine) is None:
        return {"engine": engine, "error": "not installed"}
    t_start = time.process_time()
    ocr.get_engine(engine)  # model loading is paid once, outside the per-page clock
    load_cpu = time.process_time() - t_start
    texts = {}
    cpu0 = time.process_time()
    ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    for f in files:
        raw = load(Path(f))
        texts[f] = raw.text
    wall = time.perf_counter() - wall0
    ch1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu0 + (ch1.ru_utime - ch0.ru_utime) + (ch1.ru_stime - ch0.ru_stime)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"engine": engine, "texts": texts, "cpu_s": cpu, "wall_s": wall, "model_load_cpu_s": load_cpu,
            "peak_rss_mb": max(rss, rss_children)}


def run_engine(engine: str, files: list[Path]) -> dict:
    cmd = [sys.executable, __file__, "--worker", engine, "--files", json.dumps([str(f) for f in files])]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"engine": engine, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the seeds through the scorer ----------------------------------------------------------

def score_seeds(work: Path, engine: str) -> dict:
    """The five seeds as image-only PDFs (clean, 300 dpi, page numbers in the footer), read with
    ``zhengce extract --ocr always`` and scored against the gold next to the text files' score."""
    docs = work / "seed_docs"
    gold = work / "seed_gold"
    docs.mkdir()
    gold.mkdir()
    for s in SEEDS:
        g = GOLD / f"{s.name}.gold.json"
        if not g.exists():
            continue
        typeset(paginate(s.read_text(encoding="utf-8")), work / f"{s.stem}.text.pdf", footer=True)
        scan(work / f"{s.stem}.text.pdf", docs / f"{s.stem}.pdf", degraded=False)
        shutil.copy(g, gold / f"{s.stem}.pdf.gold.json")
    env = dict(os.environ, ZHENGCE_OCR_ENGINE=engine, ZHENGCE_OCR_THREADS="1", OMP_THREAD_LIMIT="1")
    zc = str(Path(sys.executable).with_name("zhengce"))

    def score(gold_dir: Path, docs_dir: Path, cmd: str) -> dict:
        out = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold_dir), "--docs", str(docs_dir),
                              "--cmd", cmd, "--json", "--timeout", "1800"], capture_output=True, text=True, env=env)
        return json.loads(out.stdout)

    t0 = time.perf_counter()
    ocr_report = score(gold, docs, f"{zc} extract {{file}} --json --ocr always")
    elapsed = time.perf_counter() - t0
    text_report = score(GOLD, SEEDS[0].parent, f"{zc} extract {{file}} --json")
    pages = sum(len(__import__("pypdfium2").PdfDocument(str(p))) for p in docs.glob("*.pdf"))
    return {"engine": engine, "pages": pages, "seconds": elapsed, "ocr": ocr_report, "text": text_report}


def _overall(report: dict):
    for k in ("overall", "summary"):
        if isinstance(report.get(k), dict) and "f1" in report[k]:
            return report[k]["f1"]
        if isinstance(report.get(k), (int, float)):
            return report[k]
    return None


def bench_workers(work: Path, pages: list[list[str]], workers: int, keep) -> int:
    """One clean multi-page scan read with ZHENGCE_OCR_WORKERS=1 and =workers, each in a fresh process."""
    text_pdf, scan_pdf = work / "long.text.pdf", work / "long.scan.pdf"
    typeset(pages, text_pdf)
    scan(text_pdf, scan_pdf, degraded=False)
    code = ("import json, sys; from zhengce.pipeline.load import load; "
            "print(json.dumps(load(sys.argv[1]).text, ensure_ascii=False))")
    texts, rows = {}, []
    for n in (1, workers):
        env = dict(os.environ, ZHENGCE_OCR="always", ZHENGCE_OCR_WORKERS=str(n), ZHENGCE_PROGRESS="0")
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, str(scan_pdf)], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            return 1
        texts[n] = json.loads(out.stdout)
        rows.append(f"workers {n}: {len(pages)} pages in {wall:.1f} s ({len(pages) / wall:.2f} pages/s)")
        print(rows[-1], file=sys.stderr)
    print("\n".join(rows) + f"\nsame text: {texts[1] == texts[workers]}")
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if texts[1] == texts[workers] else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=4, help="pages per condition (clean, degraded) per engine (default 4)")
    ap.add_argument("--engines", default="rapidocr,tesseract", help="comma-separated (default rapidocr,tesseract)")
    ap.add_argument("--seeds", action="store_true", help="also score the five seeds as image-only PDFs")
    ap.add_argument("--seeds-engine", default="rapidocr")
    ap.add_argument("--json", help="write the full results to this file")
    ap.add_argument("--keep", help="keep the rendered files in this folder")
    ap.add_argument("--workers", type=int, default=0,
                    help="instead: one scan of all the pages, read serially and with this many OCR processes")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, json.loads(args.files)), ensure_ascii=False))
        return 0

    work = Path(args.keep or tempfile.mkdtemp(prefix="zhengce-ocr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # pages spread evenly over the seeds, in order
    all_pages = [(s, i, lines) for s in SEEDS for i, lines in enumerate(paginate(s.read_text(encoding="utf-8")))]
    step = max(1, len(all_pages) // max(1, args.pages))
    chosen = all_pages[::step][:args.pages]
    truth: dict[str, str] = {}
    files: dict[str, list[Path]] = {"clean": [], "degraded": []}
    for k, (s, i, lines) in enumerate(chosen):
        text_pdf = work / f"p{k:02d}.text.pdf"
        typeset([lines], text_pdf)
        for cond in files:
            out = work / f"p{k:02d}.{cond}.pdf"
            scan(text_pdf, out, degraded=cond == "degraded", seed=k)
            files[cond].append(out)
            truth[str(out)] = "\n".join(lines)
    n_chars = sum(len(_norm(t)) for t in truth.values()) // 2
    if args.workers:
        return bench_workers(work, [lines for _, _, lines in chosen], args.workers, args.keep)
    print(f"{len(chosen)} pages of {len({s for s, _, _ in chosen})} seeds ({n_chars} characters) per condition; "
          f"files in {work}", file=sys.stderr)

    results = {}
    header = f"{'engine':<10} {'condition':<9} {'pages':>5} {'char acc':>9} {'worst':>6} {'pages/s/core':>12} {'s/page':>7} {'peak MB':>8}"
    rows = [header, "-" * len(header)]
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        for cond, fs in files.items():
            r = run_engine(engine, fs)
            results[f"{engine}/{cond}"] = r
            if "error" in r:
                rows.append(f"{engine:<10} {cond:<9} {'':>5} {r['error']}")
                continue
            accs = [char_accuracy(r["texts"][str(f)], truth[str(f)]) for f in fs]
            r["char_accuracy"] = sum(accs) / len(accs)
            r["char_accuracy_pages"] = accs
            rows.append(f"{engine:<10} {cond:<9} {len(fs):>5} {r['char_accuracy']:>9.4f} {min(accs):>6.3f} "
                        f"{len(fs) / r['cpu_s']:>12.3f} {r['cpu_s'] / len(fs):>7.1f} {r['peak_rss_mb']:>8.0f}")
            print(rows[-1], file=sys.stderr)
    print("\n".join(rows))
    if args.seeds:
        s = score_seeds(work, args.seeds_engine)
        results["seeds"] = s
        o, t = _overall(s["ocr"]), _overall(s["text"])
        print(f"\nseeds as image-only PDFs ({s['pages']} pages, {args.seeds_engine}, {s['seconds']:.0f} s): "
              f"overall F1 {o} vs text files {t}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
