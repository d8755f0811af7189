"""Rebuild ``zhengce-cjk.ttf``: WenQuanYi Micro Hei (Apache-2.0, see LICENSE) cut down with fontTools to
what the charts write — ASCII and Latin-1, the 7,445 characters of GB2312 (6,763 hanzi, punctuation,
full-width forms), general and CJK punctuation, arrows and math signs used in labels (≥ ≤ ≈ – — ◆).

    python pipeline/assets/fonts/build_subset.py [/usr/share/fonts/truetype/wqy/wqy-microhei.ttc]

Not imported at run time; the charts load the TTF it writes (pipeline/compare/indicators.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "zhengce-cjk.ttf"
SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def charset() -> set[int]:
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                cps.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    for a, b in ((0x2000, 0x206F), (0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF), (0x3000, 0x303F),
                 (0xFF00, 0xFFEF)):
        cps |= set(range(a, b + 1))
    return cps


FAMILY = "Zhengce CJK"


def rename(font) -> None:
    """A family name of its own, so the subset is never confused with an installed WenQuanYi Micro Hei
    (the copyright and licence names stay; see LICENSE for the notice of modification)."""
    for rec in font["name"].names:
        if rec.nameID in (1, 4, 16, 18):
            rec.string = FAMILY
        elif rec.nameID in (3, 6):
            rec.string = FAMILY.replace(" ", "")


def build(source: str = SOURCE, out: Path = OUT) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    font = TTFont(source, fontNumber=0)   # 0: WenQuanYi Micro Hei (1 is its monospaced twin)
    have = set(font.getBestCmap())
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = False            # the charts are rasterised by matplotlib's FreeType with hinting off
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(charset() & have))
    sub.subset(font)
    rename(font)
    font.save(out)
    return out


if __name__ == "__main__":
    p = build(*(sys.argv[1:2] or [SOURCE]))
    print(f"wrote {p} ({p.stat().st_size:,} bytes)")
