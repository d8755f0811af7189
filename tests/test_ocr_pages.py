"""Long scanned files: per-page progress on stderr, and OCR pages read by a pool of processes
(``ZHENGCE_OCR_WORKERS``; the CLI's ``--workers``) with the same result as one at a time.

The scans are built from the committed fixture tests/fixtures/ocr_scan.pdf (a 200-dpi image of a
title, a date and two columns): page 1 is the whole image, page 2 its left column, page 3 its right
column — three image-only pages of known text, the first the slowest to read, so a pool that
returned pages as they finish would put it last.  Tests that run a real engine skip without the
``ocr`` extra; the progress tests use a stand-in engine and run everywhere.
"""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhengce.pipeline.load import load, ocr, progress

FIX = Path(__file__).resolve().parent / "fixtures"
SCAN = FIX / "ocr_scan.pdf"
TITLE, DATE = "关于加快发展数字经济的实施意见", "2021年5月20日"
LEFT = ["一、总体要求。坚持创新", "驱动，到2025年全市数字", "经济核心产业增加值达到", "一千亿元。"]
RIGHT = ["二、重点任务。建设新型", "基础设施，推进千兆光网", "和5G网络覆盖城乡，培育", "数字产业集群。"]

needs_engine = pytest.mark.skipif("rapidocr" not in ocr.available(),
                                  reason="the ocr extra is not installed (pip install 'zhengce[ocr]'; .ci/install-office)")


def make_scan(path: Path, pages: int = 3) -> Path:
    """An image-only PDF: the fixture's page, then its left and right column as pages of their own."""
    import pypdfium2
    doc = pypdfium2.PdfDocument(str(SCAN))
    try:
        page = doc[0]
        scale = 200 / 72
        im = page.render(scale=scale).to_pil().convert("L")
        w, h = page.get_size()
    finally:
        doc.close()
    boxes = [(0, 0, w, h), (0, 105, 310, h), (310, 105, w, h)][:pages]
    images = [im.crop(tuple(int(v * scale) for v in b)) for b in boxes]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=200)
    return path


class FakeEngine(ocr.Engine):
    """Reads every page as one box naming the image's width (fast; no model)."""
    name = "fake"

    def read(self, image):
        return [ocr.Box(10, 10, 400, 60, f"页宽{image.width}")]


@pytest.fixture
def fake_engine(monkeypatch):
    monkeypatch.setenv("ZHENGCE_OCR", "auto")
    monkeypatch.setenv("ZHENGCE_OCR_WORKERS", "1")
    monkeypatch.delenv("ZHENGCE_PROGRESS", raising=False)
    monkeypatch.setattr(ocr, "get_engine", lambda name=None: FakeEngine())


class Terminal(io.StringIO):
    def isatty(self):
        return True


class RichProxy(Terminal):
    rich_proxied_file = sys.__stderr__      # what rich's live display puts in sys.stderr


# --- progress -------------------------------------------------------------------------------

def test_progress_per_page_on_a_terminal(tmp_path, fake_engine, monkeypatch):
    scan = make_scan(tmp_path / "scan.pdf")
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    raw = load(scan)
    assert raw.flags == {"ocr"} and len(raw.text.split("\n")) == 3
    shown = err.getvalue()
    assert [part for part in shown.split("\r\x1b[K") if part] == [
        f"zhengce: OCR scan.pdf: page {n} ({n}/3)" for n in (1, 2, 3)]
    assert shown.endswith("\r\x1b[K")          # the line is cleared when the file is done


@pytest.mark.parametrize("stderr, setting", [
    (io.StringIO, None),       # not a terminal (a log file, a pipe, a test harness)
    (Terminal, "0"),           # the CLI's --json / --quiet
    (RichProxy, None),         # ingest's rich progress bar owns stderr
])
def test_progress_quiet(tmp_path, fake_engine, monkeypatch, stderr, setting):
    scan = make_scan(tmp_path / "scan.pdf")
    if setting is not None:
        monkeypatch.setenv("ZHENGCE_PROGRESS", setting)
    err = stderr()
    monkeypatch.setattr(sys, "stderr", err)
    assert load(scan).flags == {"ocr"}
    assert err.getvalue() == ""


def test_progress_single_page_is_quiet(tmp_path, fake_engine, monkeypatch):
    scan = make_scan(tmp_path / "one.pdf", pages=1)
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    assert load(scan).flags == {"ocr"}
    assert err.getvalue() == ""


def test_progress_hook_gets_every_page(tmp_path, fake_engine):
    scan = make_scan(tmp_path / "scan.pdf")
    seen = []
    prev = progress.set_hook(lambda source, done, total: seen.append((Path(source).name, done, total)))
    try:
        load(scan)
    finally:
        progress.set_hook(prev)
    assert seen == [("scan.pdf", 1, 3), ("scan.pdf", 2, 3), ("scan.pdf", 3, 3)]


def test_progress_lines_when_asked_without_a_terminal(tmp_path, fake_engine, monkeypatch):
    scan = make_scan(tmp_path / "scan.pdf")
    monkeypatch.setenv("ZHENGCE_PROGRESS", "1")
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    load(scan)
    assert err.getvalue().splitlines() == [f"zhengce: OCR scan.pdf: page {n} ({n}/3)" for n in (1, 2, 3)]


def test_failed_page_keeps_its_place_in_the_notes(tmp_path, fake_engine, monkeypatch):
    """A page OCR fails on falls back (flag, note) and the others are still read, in order."""
    scan = make_scan(tmp_path / "scan.pdf")

    class Flaky(FakeEngine):
        def read(self, image):
            if image.width < 2000:       # pages 2 and 3 (the columns)
                raise RuntimeError("model crashed")
            return super().read(image)
    monkeypatch.setattr(ocr, "get_engine", lambda name=None: Flaky())
    raw = load(scan)
    assert raw.flags == {"ocr", "ocr_needed"}
    assert raw.text.startswith("页宽") and "\n" not in raw.text
    assert raw.notes.index("page 2 has no text layer (image only): OCR needed") < raw.notes.index(
        "page 3 has no text layer (image only): OCR needed")
    assert any(n.startswith("page 2: OCR failed (RuntimeError: model crashed)") for n in raw.notes)


def test_auto_reads_a_large_image_under_a_caption(tmp_path, fake_engine):
    """A page whose text layer is only a title over a large image (a map attachment): in auto mode
    the image's box is read by OCR and its lines follow the title; without an engine, a note."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    path = tmp_path / "map.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("Helvetica", 14)
    c.drawString(72, 800, "Annex 1: the map")
    c.drawImage(ImageReader(Image.new("RGB", (300, 400), "gray")), 72, 100, width=450, height=600)
    c.showPage()
    c.save()
    raw = load(path)
    assert raw.text.split("\n") == ["Annex 1: the map", f"页宽{round(450 * 300 / 72)}"]   # the crop, at 300 dpi
    assert raw.flags == {"ocr"} and "page 1: the text inside its large image read by OCR" in raw.notes


# --- a pool of processes ----------------------------------------------------------------------

@needs_engine
def test_workers_give_the_serial_result_in_page_order(tmp_path, monkeypatch):
    scan = make_scan(tmp_path / "scan.pdf")
    monkeypatch.setenv("ZHENGCE_OCR", "auto")
    monkeypatch.setenv("ZHENGCE_OCR_THREADS", "1")
    monkeypatch.setenv("ZHENGCE_OCR_WORKERS", "1")
    serial = load(scan)
    pools = []
    real = ocr._read_pool
    monkeypatch.setattr(ocr, "_read_pool", lambda *a: pools.append(a) or real(*a))
    monkeypatch.setenv("ZHENGCE_OCR_WORKERS", "2")
    pooled = load(scan)
    assert len(pools) == 1 and pools[0][2] == 2           # the pages really went to two processes
    assert pooled.text == serial.text and pooled.notes == serial.notes and pooled.flags == serial.flags == {"ocr"}
    lines = pooled.text.split("\n")
    # page 1 (the whole image, slowest) first, then page 2 (left column), then page 3 (right)
    assert lines[0] == TITLE and lines[1] == DATE
    order = [lines.index(x) for x in (LEFT[0], RIGHT[0])]
    assert order[0] < order[1]
    assert lines[-8:-4] == LEFT and lines[-4:] == RIGHT


def test_no_pool_for_few_pages_or_inside_a_worker(monkeypatch):
    calls = []
    monkeypatch.setattr(ocr, "_read_pool", lambda *a: calls.append(a) or iter(()))
    monkeypatch.setattr(ocr, "render", lambda page, crop=None: (page, 1.0))

    class Image:
        width = 100
    few = list(ocr.read_pages("x.pdf", [(0, None), (1, None)], lambda i: Image(), FakeEngine(), n_workers=4))
    assert calls == [] and [r[0] for r in few] == [0, 1] and few[0][1][0].text == "页宽100"
    list(ocr.read_pages("x.pdf", [(0, None), (1, None), (2, None)], lambda i: i, FakeEngine(), n_workers=4))
    assert len(calls) == 1


def test_workers_setting(monkeypatch):
    for value, want in ((None, 1), ("3", 3), ("0", 1), ("many", 1)):
        if value is None:
            monkeypatch.delenv("ZHENGCE_OCR_WORKERS", raising=False)
        else:
            monkeypatch.setenv("ZHENGCE_OCR_WORKERS", value)
        assert ocr.workers() == want


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@needs_engine
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_pool_workers_die_with_their_parent(tmp_path):
    """The reading process is killed (SIGKILL, no clean-up) while its OCR workers are busy: they go too."""
    scan = make_scan(tmp_path / "scan.pdf")
    env = {**os.environ, "ZHENGCE_OCR": "always", "ZHENGCE_OCR_WORKERS": "2", "ZHENGCE_OCR_THREADS": "1",
           "ZHENGCE_PROGRESS": "0"}
    code = "import sys; from zhengce.pipeline.load import load; load(sys.argv[1])"
    proc = subprocess.Popen([sys.executable, "-c", code, str(scan)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: list[int] = []
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            # the pool's processes: children of the reader (the spawn helper aside) that load the engine
            workers = [p for p in _children(proc.pid)
                       if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()] if proc.poll() is None else []
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        if len(workers) < 2:
            pytest.skip("the pool did not start in time (machine too busy)")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.time() + 15
        while time.time() < deadline and any(Path(f"/proc/{p}").exists() and
                                             b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
                                             for p in workers):
            time.sleep(0.2)
        alive = [p for p in workers if Path(f"/proc/{p}").exists()
                 and b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert alive == [], f"OCR workers outlived their parent: {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@needs_engine
def test_cli_json_keeps_stderr_free_of_progress(tmp_path):
    """extract --json with stderr a pipe: the record on stdout, no progress lines anywhere."""
    scan = make_scan(tmp_path / "scan.pdf")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "ZHENGCE_OCR_THREADS": "1"}
    env.pop("ZHENGCE_PROGRESS", None)
    out = subprocess.run([sys.executable, "-m", "zhengce", "extract", str(scan), "--json"], capture_output=True,
                         text=True, encoding="utf-8", env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "ocr" in json.loads(out.stdout)["quality"]["flags"]
    assert "zhengce: OCR" not in out.stderr


def _extract_on_a_terminal(scan: Path, *args: str) -> tuple[str, str]:
    """``zhengce extract`` with stderr a terminal (a pty): (stdout, what the terminal showed)."""
    import pty
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "ZHENGCE_OCR_THREADS": "1", "ZHENGCE_OCR": "always"}
    env.pop("ZHENGCE_PROGRESS", None)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "zhengce", "extract", str(scan), *args],
                                stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:          # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        out = proc.stdout.read().decode("utf-8")
        proc.wait(600)
    finally:
        os.close(master)
    return out, shown.decode("utf-8", "replace")


@needs_engine
def test_cli_shows_pages_on_a_terminal(tmp_path):
    out, shown = _extract_on_a_terminal(make_scan(tmp_path / "scan.pdf"))
    assert "zhengce: OCR scan.pdf: page 3 (3/3)" in shown


@needs_engine
def test_cli_json_is_quiet_on_a_terminal(tmp_path):
    out, shown = _extract_on_a_terminal(make_scan(tmp_path / "scan.pdf"), "--json")
    assert json.loads(out)["quality"]["flags"] == ["ocr"]
    assert "zhengce: OCR" not in shown
