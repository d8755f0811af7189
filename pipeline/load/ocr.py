"""OCR for PDF pages without a usable text layer (scans, image-only attachments), offline.

Engines, measured by ``bench/ocr.py`` (figures in the README):

- **rapidocr** — ``rapidocr-onnxruntime`` (the ``ocr`` extra: ``pip install 'zhengce[ocr]'``):
  PaddleOCR's PP-OCRv4 Chinese detection and recognition models, shipped inside the wheel, run by
  onnxruntime; no download, no system package.  The default.
- **tesseract** — the ``tesseract`` binary with the ``chi_sim`` language (Debian
  ``tesseract-ocr tesseract-ocr-chi-sim``), used when named with ``ZHENGCE_OCR_ENGINE=tesseract``
  or when it is the only engine present.

An engine returns text boxes in image pixels; :func:`page_chars` turns them into glyph records in
pdfplumber's form (points, top-left origin), so OCR'd pages go through the same line, column,
header/footer and spacing logic as a PDF's own text layer.

The mode comes from ``ZHENGCE_OCR`` (``auto`` | ``always`` | ``never``; the CLI's ``--ocr`` sets
it): ``auto`` reads pages that have no usable text layer, when an engine is installed;
``always`` reads every page by OCR (its text layer is ignored); ``never`` reads none.  Engines
are imported on first use only, so the CLI stays instant.

Pages of one file are read in order by :func:`read_pages`, one at a time, or — with
``ZHENGCE_OCR_WORKERS`` > 1 (the CLI's ``--workers``) and at least ``POOL_MIN_PAGES`` pages to
read — by a pool of that many processes: each opens the PDF itself, renders one page and returns
only its text boxes, at most two pages per worker are in flight (memory stays bounded however
long the file), results come back in page order, and the workers die with their parent.  Inside
a worker process (``ingest --workers`` already reads documents in parallel) pages are read one at
a time.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache

MODES = ("auto", "always", "never")
ENGINES = ("rapidocr", "tesseract")
DPI = 300                     # pages are rendered at this resolution for OCR
MAX_PIXELS = 40_000_000       # ... but never larger than this (an A0 poster at 300 dpi)
MIN_SCORE = 0.5               # boxes the recogniser is less sure of are dropped
TESSERACT_TIMEOUT = 300
POOL_MIN_PAGES = 3            # fewer pages to read than this: no pool (starting workers costs ~1 s each)
HOW_TO_ENABLE = "install the OCR extra to read it: pip install 'zhengce[ocr]'"

_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_INNER_SPACE = re.compile(rf"(?<=[{_CJK}]) +|(?<=\d) +(?=[{_CJK}])| +(?=[{_CJK}])")


def mode() -> str:
    """The OCR mode in force (``ZHENGCE_OCR``; ``auto`` when unset or not one of the modes)."""
    m = (os.environ.get("ZHENGCE_OCR") or "auto").strip().lower()
    return m if m in MODES else "auto"


def workers() -> int:
    """How many processes read the pages of one file (``ZHENGCE_OCR_WORKERS``; 1 when unset)."""
    try:
        return max(1, int(os.environ.get("ZHENGCE_OCR_WORKERS") or 1))
    except ValueError:
        return 1


@dataclass
class Box:
    """One recognised piece of text, in image pixels (top-left origin)."""
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    score: float = 1.0


class Engine:
    name = ""

    def read(self, image) -> list[Box]:  # pragma: no cover - interface
        raise NotImplementedError


class RapidOCREngine(Engine):
    name = "rapidocr"

    def __init__(self, threads: int | None = None):
        from rapidocr_onnxruntime import RapidOCR  # lazily: onnxruntime + the models load here
        threads = threads or int(os.environ.get("ZHENGCE_OCR_THREADS") or 0) or -1
        # pages are rendered at 300 dpi; the detector sees at most 2500 px a side (≈ 215 dpi on A4)
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads if threads > 0 else -1,
                             max_side_len=2500)
        self._lock = threading.Lock()

    def read(self, image) -> list[Box]:
        import numpy as np
        arr = np.asarray(image.convert("RGB"))[:, :, ::-1]   # RGB -> BGR, as OpenCV reads images
        with self._lock:
            result, _ = self._ocr(arr, use_cls=False)
        out = []
        for pts, text, score in result or []:
            xs = [float(p[0]) for p in pts]
            ys = [float(p[1]) for p in pts]
            text = (text or "").strip()
            if text and float(score) >= MIN_SCORE:
                out.append(Box(min(xs), min(ys), max(xs), max(ys), text, float(score)))
        return out


class TesseractEngine(Engine):
    name = "tesseract"

    def __init__(self, lang: str = "chi_sim"):
        self.binary = shutil.which("tesseract")
        if not self.binary:
            raise RuntimeError("tesseract is not installed")
        self.lang = lang

    def read(self, image) -> list[Box]:
        import io
        buf = io.BytesIO()
        image.convert("L").save(buf, format="PNG")
        env = dict(os.environ, OMP_THREAD_LIMIT=os.environ.get("OMP_THREAD_LIMIT", "1"))
        dpi = str(int(image.info.get("dpi", (DPI, DPI))[0]))
        proc = subprocess.run([self.binary, "stdin", "stdout", "-l", self.lang, "--psm", "3", "--dpi", dpi,
                               "-c", "preserve_interword_spaces=1", "tsv"],
                              input=buf.getvalue(), capture_output=True, timeout=TESSERACT_TIMEOUT, env=env)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or "tesseract failed")
        out = []
        for row in proc.stdout.decode("utf-8", "replace").splitlines()[1:]:
            f = row.split("\t")
            if len(f) < 12 or f[0] != "5":
                continue
            text = f[11].strip()
            try:
                conf = float(f[10])
                left, top, w, h = (float(v) for v in f[6:10])
            except ValueError:
                continue
            if text and conf >= 0:
                out.append(Box(left, top, left + w, top + h, text, conf / 100))
        return out


def _rapidocr_present() -> bool:
    import importlib.util
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _tesseract_present() -> bool:
    if not shutil.which("tesseract"):
        return False
    try:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"chi_sim" in langs


def available() -> list[str]:
    """The engines installed here, in order of preference."""
    return [n for n, ok in (("rapidocr", _rapidocr_present), ("tesseract", _tesseract_present)) if ok()]


def get_engine(name: str | None = None) -> Engine | None:
    """The engine to use (``name``, ``ZHENGCE_OCR_ENGINE`` or the first installed one), or None."""
    return _engine(name or (os.environ.get("ZHENGCE_OCR_ENGINE") or "").strip().lower() or None)


@lru_cache(maxsize=None)
def _engine(name: str | None) -> Engine | None:
    names = [name] if name else available()
    for n in names:
        try:
            if n == "rapidocr":
                return RapidOCREngine()
            if n == "tesseract":
                return TesseractEngine()
        except Exception:  # an engine that cannot start is as good as absent
            continue
    return None


# confusions of the Chinese recognisers that the context settles: the radical 丶 for the
# enumeration comma 、, a degree sign for a full stop after Chinese, the closing bracket of a
# 文号 year read as 」 ] ) 】
_FIXES = [
    (re.compile("丶"), "、"),
    # the small full stop 。 is read as a middle dot (measured: 103 of 104 dots on 20 clean pages);
    # a real middle dot stays in units (人·次, 千瓦·时) and between Latin letters or digits
    (re.compile(rf"(?<=[{_CJK}\w%）)”’」])[·•∙⋅](?=$|[{_CJK}0-9“‘（(])(?<!人·)(?<!瓦·)"), "。"),
    (re.compile("丨"), "|"),                            # the radical 丨 for a vertical bar
    (re.compile(r"(?<=\d)一(?=\d)"), "-"),             # 2021一2025
    (re.compile(r"(?<=[年月日])一(?=\d)"), "—"),          # 2017年3月一2017年9月
    (re.compile(rf"(?<=[{_CJK}])-$"), "、"),              # 、 at the end of a line read as a hyphen
    (re.compile(r"^一一(?=\S)"), "——"),                 # a dash list item: ——民办教育规范发展
    (re.compile(rf"(?<=[{_CJK}])[°º](?=$|[{_CJK}])"), "。"),
    (re.compile(r"〔(\d{4})[」\]）)】］]"), r"〔\1〕"),
    (re.compile(r"[〔［\[【（(「](\d{4})[〕」\]）)】］](?=\d{1,4}号)"), r"〔\1〕"),
]


def _clean(text: str) -> str:
    """A box's text without the spaces an engine puts between Chinese characters, and with the
    recognisers' context-settled confusions corrected (``_FIXES``)."""
    text = _INNER_SPACE.sub("", " ".join(text.split()))
    for pat, rep in _FIXES:
        text = pat.sub(rep, text)
    return text


def page_chars(boxes: list[Box], scale: float, offset: tuple[float, float] = (0.0, 0.0)) -> list[dict]:
    """OCR boxes as glyph records in points (pixels / ``scale``, shifted by ``offset``): one
    record per box holding the box's text, so a line is never broken inside a box and the gaps
    between boxes decide spacing as for a text layer."""
    from .pdf import _close_digits
    ox, oy = offset
    chars = []
    for b in boxes:
        text = _close_digits(_clean(b.text))
        if not text:
            continue
        top, bottom = oy + b.top / scale, oy + b.bottom / scale
        chars.append({"text": text, "x0": ox + b.x0 / scale, "x1": ox + b.x1 / scale, "top": top, "bottom": bottom,
                      "size": max(bottom - top, 1.0), "object_type": "char", "ocr": True})
    return chars


def render(pdfium_page, dpi: int = DPI, crop: tuple[float, float, float, float] | None = None):
    """The page (or the ``crop`` box of it, in points from the top-left) as a PIL image, and the
    scale used (pixels per point)."""
    w, h = pdfium_page.get_size()
    scale = dpi / 72
    if w * h * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (w * h)) ** 0.5
    kw = {}
    if crop is not None:
        x0, top, x1, bottom = crop
        kw["crop"] = (max(0.0, x0), max(0.0, h - bottom), max(0.0, w - x1), max(0.0, top))
    image = pdfium_page.render(scale=scale, **kw).to_pil()
    image.info["dpi"] = (round(scale * 72), round(scale * 72))
    return image, scale


# --- reading the pages of one file: in order, one at a time or by a pool of processes ------------

def _error(e: BaseException) -> str:
    return f"{type(e).__name__}: {' '.join(str(e).split())[:80]}"


def read_pages(path, pages: list[tuple[int, tuple | None]], open_page, engine: Engine, n_workers: int = 1):
    """``(index, boxes, scale, error)`` for each ``(index, crop)`` — a 0-based page index of the PDF
    at ``path`` and the part of the page to read (None: all of it; see ``render``) — in the order
    given: ``boxes`` from ``engine`` and the render ``scale``, or ``error`` (one line) when the page
    could not be read.  ``open_page(index)`` gives the pdfium page (serial reading)."""
    import multiprocessing
    if n_workers > 1 and len(pages) >= POOL_MIN_PAGES and multiprocessing.parent_process() is None:
        yield from _read_pool(str(path), pages, n_workers, engine.name)
        return
    for i, crop in pages:
        try:
            image, scale = render(open_page(i), crop=crop)
            boxes = engine.read(image)
        except Exception as e:  # noqa: BLE001 - an OCR failure loses the page's text, not the file
            yield i, None, 0.0, _error(e)
            continue
        del image
        yield i, boxes, scale, None


def _pool_init(parent: int, engine: str, threads: int) -> None:
    from ..ingest import _worker_init     # die with the parent, leave Ctrl-C to it
    _worker_init(parent)
    os.environ["ZHENGCE_OCR_ENGINE"] = engine
    os.environ["ZHENGCE_OCR_THREADS"] = str(threads)


_DOC: list = []     # in a pool worker: (path, pdfium document) of the file being read


def _pool_page(path: str, index: int, crop=None):
    """In a pool worker: one page (or its ``crop``) rendered and read."""
    import pypdfium2
    if not _DOC or _DOC[0][0] != path:
        for _, doc in _DOC:
            doc.close()
        _DOC[:] = [(path, pypdfium2.PdfDocument(path))]
    image, scale = render(_DOC[0][1][index], crop=crop)
    engine = get_engine()
    if engine is None:
        raise RuntimeError(f"the OCR engine {os.environ.get('ZHENGCE_OCR_ENGINE')} did not start in a worker")
    return engine.read(image), scale


def _read_pool(path: str, pages: list[tuple[int, tuple | None]], n_workers: int, engine: str):
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from ..ingest import _end_pool
    n_workers = min(n_workers, len(pages))
    threads = int(os.environ.get("ZHENGCE_OCR_THREADS") or 0) or max(1, (os.cpu_count() or 1) // n_workers)
    # spawn, not fork: the parent may hold an engine whose thread pools a forked child would inherit dead
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_pool_init, initargs=(os.getpid(), engine, threads))
    pending, window = deque(pages), deque()
    broken = None
    try:
        while pending or window:
            while pending and len(window) < 2 * n_workers and broken is None:
                i, crop = pending.popleft()
                window.append((i, pool.submit(_pool_page, path, i, crop)))
            if not window:            # the pool broke: what was not sent fails with its reason
                yield pending.popleft()[0], None, 0.0, broken
                continue
            i, fut = window.popleft()
            try:
                boxes, scale = fut.result()
            except BrokenProcessPool:
                broken = "the OCR worker process died (out of memory?)"
                yield i, None, 0.0, broken
                continue
            except Exception as e:  # noqa: BLE001
                yield i, None, 0.0, _error(e)
                continue
            yield i, boxes, scale, None
    except BaseException:          # an error, Ctrl-C, or the caller stopped early: workers killed now
        _end_pool(pool)
        raise
    pool.shutdown()
