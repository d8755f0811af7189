"""Bare numbers on a line of their own: page numbers go, cells of a table flattened one cell per
line stay.  The shapes are cut from real files (named in each case); the chrome table's pattern for
a bare page number matches every one of these lines, so only the context tells them apart."""
from __future__ import annotations

import re

import pytest

from zhengce.pipeline.normalise import normalise

HUANGPU = "../shared/corpus_wild/district_shanghai-huangpu_2021_historic_preservation_14th_fyp_plan.md"
JINGAN = "corpus/dev/district_shanghai-jingan_2023_urban_renewal_action_plan.md"
FYP6 = "../shared/corpus_wild/national_china_1982_fyp6_sixth_five_year_plan.txt"
FYP8 = "../shared/corpus_wild/national_china_1991_fyp8_ten_year_plan_and_eighth_fyp_outline.txt"

# (where the shape comes from, input lines, the numbers that must stay, the numbers that must go)
CASES = [
    # an indicator table, one cell per line: row numbers and target values between short cells
    (HUANGPU, ["序号", "类别", "指标名称", "单位", "2025年目标值", "属性", "1", "保护修缮",
               "居住类历史建筑全项目修缮建筑面积", "万平方米", "30", "约束性", "2", "更新利用",
               "老大楼商业化改造利用面积", "万平方米", "11.4", "预期性"], ["1", "30", "2"], []),
    # a value next to another numeric cell (a decimal, a percentage)
    (FYP6, ["技工学校", "68", "78", "职业中学"], ["68", "78"], []),
    (HUANGPU, ["％", "100", "95%", "预期性"], ["100"], []),
    # a task table's row numbers between long cells (sentences, lists of units)
    (JINGAN, ["行动一：再造发展新极行动（综合区域整体焕新行动）", "1",
              "“一江一河”地区：重点推进东斯文里区域（石门二路01单元）整体更新，打造成为静安发展新的增长引擎。",
              "区规划资源局、区建设管理委、区发展改革委、江宁路街道", "2", "推进走马塘片区规划研究",
              "区规划资源局、区建设管理委、区商务委", "3", "推进大徐家阁地区规划研究"], ["1", "2", "3"], []),
    (HUANGPU, ["打造“一网统管”信息应用场景。建立完善全区优秀历史建筑数据库。", "17",
               "建立“一网通办”行政审批系统。在“一网通办”在线政务平台上线审批事项。", "18",
               "推广智能化设施设备。结合房屋综合整治和微更新工作，推广智能设施。", "19",
               "完善数字化宣传推介平台。综合利用网站、公众号、电子屏宣传。"], ["17", "18", "19"], []),
    # page numbers: between the halves of a sentence a page broke, between headings, apart from
    # the next page number by a page of prose, or in page-number dress even between cells
    (FYP6, ["第二，适当扩大急需专业的培养规模，压缩长线专业的招", "89", "生人数。"], [], ["89"]),
    (FYP8, ["（三）综合经济效益", "374", "（一）农业和农村经济"], [], ["374"]),
    (FYP8, ["本世纪最后十年，在我国社会主义现代化建设的历史进程中，是非常", "375",
            "后十年在已经取得巨大成就的基础上，进一步促进经济振兴和社会进步。"]
     + ["党的十一届三中全会以后，全国各族人民在中国共产党的领导下，取得了巨大成就。"] * 10
     + ["一一初步建立适应以公有制为基础的社会主义有计划商品经济发展的", "376",
        "市场调节相结合的经济体制和运行机制。"], [], ["375", "376"]),
    ("page-number dress", ["万平方米", "- 3 -", "约束性"], [], ["- 3 -"]),
    ("page-number dress", ["第一条 为了规范管理，制定本办法。", "—12—", "第二条 本办法适用于全市。"], [], ["—12—"]),
]


@pytest.mark.parametrize("source, lines, keep, drop", CASES, ids=[f"{c[0].rsplit('/', 1)[-1][:30]}-{i}" for i, c in enumerate(CASES)])
def test_bare_numbers(source, lines, keep, drop):
    out = normalise("\n".join(lines)).text.split("\n")
    for n in keep:
        assert n in out, f"table cell {n!r} dropped ({source})"
    for n in drop:
        assert n not in out and n.strip("-— ") not in out, f"page number {n!r} kept ({source})"
    # the cells that stay keep their order
    kept = [ln for ln in out if ln in keep]
    assert kept == [ln for ln in lines if ln in keep]


@pytest.mark.parametrize("path, at_least", [(HUANGPU, 40), (JINGAN, 24)])
def test_real_tables_keep_their_numbers(path, at_least):
    """Whole files: the flattened tables' row numbers and values survive normalisation."""
    from pathlib import Path

    from zhengce.pipeline.load import load
    root = Path(__file__).resolve().parent.parent
    f = root / path
    if not f.exists():
        pytest.skip(f"{path} not available")
    raw = load(f).text
    cell = re.compile(r"[<>≤≥]?=?\d{1,3}")       # a row number or a value, with its bound (>2)
    before = [ln.strip() for ln in raw.split("\n") if cell.fullmatch(ln.strip())]
    after = [ln for ln in normalise(raw).text.split("\n") if cell.fullmatch(ln)]
    assert len(before) >= at_least and len(after) >= at_least
