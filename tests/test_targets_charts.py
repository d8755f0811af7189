"""Charts of targets (issue 17 items 2-3): Chinese drawn with the bundled font whatever the machine
has (no tofu, no missing-glyph warnings), one file per indicator named after it, bars labelled with
year and document."""
from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_targets_table import recs, tdb  # noqa: E402,F401  (fixtures)

CHINESE = "地区生产总值增长《随州市教育事业发展规划》≥95%（2025年）"


def _render(text: str, rc: dict) -> np.ndarray:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    with plt.rc_context(rc):
        fig = plt.figure(figsize=(6, 0.6), dpi=100)
        fig.text(0.01, 0.3, text, fontsize=14)
        fig.canvas.draw()
        img = np.asarray(fig.canvas.buffer_rgba())[..., :3].mean(axis=2)
        plt.close(fig)
    return img


def _like(a: np.ndarray, b: np.ndarray) -> bool:
    """Two glyph images (cropped ink) are the same shape, up to a pixel of sub-pixel placement: sizes
    within one pixel and the ink overlapping by 70% or more."""
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return False
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    return (a & b).sum() / max(1, (a | b).sum()) >= 0.7


def _ink(text: str, rc: dict) -> np.ndarray:
    """The rendered text's ink, cropped."""
    m = _render(text, rc) < 128
    rows, cols = np.where(m)
    return m[rows.min():rows.max() + 1, cols.min():cols.max() + 1]


HANZI = "地区生产总值增长率规划"


@pytest.fixture()
def no_font_noise(caplog):
    """Fails the test on any matplotlib warning about fonts or glyphs (warnings module or logging)."""
    caplog.set_level(logging.WARNING, logger="matplotlib")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    msgs = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [m for m in msgs if "glyph" in m.lower() or "font" in m.lower()], msgs


def test_bundled_font_covers_chinese(no_font_noise):
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font
    from zhengce.pipeline.compare.indicators import FONT, FONT_FAMILY, font_rc
    rc = font_rc()
    assert FONT.exists() and (FONT.parent / "LICENSE").exists()
    path = font_manager.findfont(font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False)
    assert Path(path).resolve() == FONT.resolve()          # the package's file, not a system font
    ft = FT2Font(str(FONT))
    gb2312 = [bytes((hi, lo)).decode("gb2312") for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)
              if (hi, lo) not in {(0xD7, x) for x in range(0xFA, 0xFF)}]
    assert len(gb2312) == 6763
    missing = [c for c in gb2312 + list("，。、；：“”《》（）—–≥≤≈◆%") if ft.get_char_index(ord(c)) == 0]
    assert not missing, missing[:20]
    # the pictures: a whole line draws without a warning (the fixture), each character is a shape of
    # its own, and none is the missing-glyph box (a private-use character no font has draws that box)
    _render(CHINESE, rc)
    with warnings.catch_warnings(record=True):          # the reference box itself warns, as it should
        tofu = _ink("\ue000", rc)
    glyphs = [_ink(c, rc) for c in HANZI]
    assert not [c for c, g in zip(HANZI, glyphs) if _like(g, tofu)]
    assert not [(HANZI[i], HANZI[j]) for i in range(len(HANZI)) for j in range(i) if _like(glyphs[i], glyphs[j])]


def test_without_the_font_it_is_tofu():
    """The check above can fail: with DejaVu Sans alone (a machine with no CJK font) the same line is
    missing-glyph boxes."""
    import matplotlib
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        glyphs = [_ink(c, {"font.family": ["DejaVu Sans"]}) for c in HANZI]
    assert all(_like(g, glyphs[0]) for g in glyphs)      # eleven characters, one box
    assert any("missing from font" in str(w.message) for w in caught), matplotlib.__version__


def test_plot_files_named_after_indicators(recs, tmp_path, no_font_noise):
    from zhengce.pipeline.compare.indicators import chart_paths, plot, slug
    paths = plot(recs, tmp_path / "charts")
    assert sorted(p.name for p in paths) == ["地区生产总值年均增长.png", "学前教育毛入园率.png"]
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in paths)
    one = [r for r in recs if r["indicator_canonical"] == "学前教育毛入园率"]
    assert plot(one, tmp_path / "gdp.png") == [tmp_path / "gdp.png"]
    assert [p.name for p in plot(recs, tmp_path / "t.png")] == ["t-地区生产总值年均增长.png", "t-学前教育毛入园率.png"]
    taken: set[str] = set()
    assert [slug(n, taken) for n in ("城镇/农村 比例", "城镇_农村:比例", "../x")] == ["城镇_农村_比例", "城镇_农村_比例-2", "x"]
    assert chart_paths(["A率", "a率"], tmp_path) == [tmp_path / "A率.png", tmp_path / "a率-2.png"]


def test_chart_labels_year_and_document(recs, tmp_path, no_font_noise):
    from zhengce.pipeline.compare.indicators import plot
    page = plot(recs, tmp_path / "c.html")[0].read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "学前教育毛入园率" in page
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from zhengce.pipeline.compare import indicators as ind
    one = [r for r in recs if r["indicator_canonical"] == "学前教育毛入园率"]
    with plt.rc_context(ind.font_rc()):
        fig = ind._figure(plt, "学前教育毛入园率", one, "region")
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        texts = [t.get_text() for t in fig.axes[0].texts]
        plt.close(fig)
    assert len(labels) == 4 and "湖北省/随州市\n2023《随州市2023年教育工作报告》" in labels
    assert "  ≥96% (2025) [基 93.1/2022]" in texts
