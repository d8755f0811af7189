"""The section tree and tables (SCHEMA "Sections"), table-driven: text → expected tree / rows."""
from __future__ import annotations

import time

import pytest

from zhengce.pipeline.document import structure
from zhengce.pipeline.structure.sections import find_sections, find_tables, section_at
from zhengce.pipeline.structure.tables import rebuild_cell_tables


def tree(text: str) -> list[tuple[int, str, str, str | None]]:
    """(level, number, heading, parent number) per section."""
    secs = find_sections(text)
    by_id = {s.id: s for s in secs}
    return [(s.level, s.number, s.heading, by_id[s.parent].number if s.parent else None) for s in secs]


ARTICLES = "\n".join(f"第{n}条 内容{n}。" for n in "一二三")

SECTION_CASES = [
    ("outline levels",
     "一、总体要求\n（一）指导思想。坚持…\n1. 保证自主权。各校要…\n（1）细则\n二、保障措施",
     [(1, "一、", "总体要求", None), (2, "（一）", "指导思想", "一、"), (3, "1.", "保证自主权", "（一）"),
      (4, "（1）", "细则", "1."), (1, "二、", "保障措施", None)]),
    ("a 专栏 after a 专栏 is its sibling",
     "一、主要任务\n（一）发展产业\n专栏1 重点工程\n内容\n专栏2 重大项目\n内容\n专栏3 示范区\n（二）优化服务",
     [(1, "一、", "主要任务", None), (2, "（一）", "发展产业", "一、"), (3, "专栏1", "重点工程", "（一）"),
      (3, "专栏2", "重大项目", "（一）"), (3, "专栏3", "示范区", "（一）"), (2, "（二）", "优化服务", "一、")]),
    ("a 专栏 before any section is level 1",
     "专栏一 主要目标\n专栏二 指标", [(1, "专栏一", "主要目标", None), (1, "专栏二", "指标", None)]),
    ("chapter heading closed up by the normaliser, spaced heading closed",
     "第一章总则\n第一条 为了…，制定本条例。\n第二条 本条例适用于…。\n第二章 附 则\n第三条 本条例自公布之日起施行。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (2, "第二条", "", "第一章"),
      (1, "第二章", "附则", None), (2, "第三条", "", "第二章")]),
    ("articles whose page dropped the space after 第N条 (第一条为…), taken in sequence only",
     "第一章 总则\n第一条为完善本市住房保障体系，制定本办法。\n第二条本办法所称的保障，是指住房保障。\n"
     "第五条规定的情形除外。\n第二章 附则\n第三条 本办法自印发之日起施行。\n第四条本办法由市住房城乡建设局负责解释。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (2, "第二条", "", "第一章"),
      (1, "第二章", "附则", None), (2, "第三条", "", "第二章"), (2, "第四条", "", "第二章")]),
    ("articles all run on after their number: still articles",
     "第一条为了规范管理，制定本办法。\n第二条本办法适用于本市。\n第三条本办法自印发之日起施行。",
     [(1, "第一条", "", None), (1, "第二条", "", None), (1, "第三条", "", None)]),
    ("an emergency plan's decimal outline: the depth of the number is the level",
     "1 总则\n1.1 编制目的及依据\n为了有效监测，制定本预案。\n1.2 等级划分\n1.2.1 国家级（Ⅰ级）：两个以上省出现粮食应急状态。\n"
     "1.4 工作原则\n（1）统一领导、分级负责。在国务院统一领导下。\n2 组织机构和职责\n2.1 国家粮食应急工作指挥部\n"
     "3 年内完成储备。",
     [(1, "1", "总则", None), (2, "1.1", "编制目的及依据", "1"), (2, "1.2", "等级划分", "1"),
      (3, "1.2.1", "国家级（Ⅰ级）：两个以上省出现粮食应急状态", "1.2"), (2, "1.4", "工作原则", "1"),
      (4, "（1）", "统一领导、分级负责", "1.4"), (1, "2", "组织机构和职责", None), (2, "2.1", "国家粮食应急工作指挥部", "2")]),
    ("a few decimal figures at line starts make no outline",
     "一、主要目标\n2.5 万元以上的项目给予支持。\n3.1 亿元用于建设。",
     [(1, "一、", "主要目标", None)]),
    ("a body line starting with 第三章 is not a heading",
     "第一章 总则\n第一条 内容。\n第二条 内容。\n第三章规定的事项，由市人民政府另行规定。\n第三条 内容。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (2, "第二条", "", "第一章"),
      (2, "第三条", "", "第一章")]),
    ("table of contents after 目录 is skipped",
     "某某条例\n目 录\n第一章 总则\n第二章 管理……5\n第三章 附则\n第一章 总则\n第一条 内容。\n第二章 管理\n第二条 内容。\n"
     "第三章 附则\n第三条 内容。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (1, "第二章", "管理", None),
      (2, "第二条", "", "第二章"), (1, "第三章", "附则", None), (2, "第三条", "", "第三章")]),
    ("a run of chapter headings repeated below is a table of contents",
     "某某条例\n第一章总则\n第二章 管理\n第一章总则\n第一条 内容。\n第二章 管理\n第二条 内容。\n第三条 内容。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (1, "第二章", "管理", None),
      (2, "第二条", "", "第二章"), (2, "第三条", "", "第二章")]),
    ("chapter then section headings (not repeated) stay",
     "第一章 总则\n第一节 一般规定\n第一条 内容。\n第二节 特别规定\n第二条 内容。\n第三条 内容。",
     [(1, "第一章", "总则", None), (2, "第一节", "一般规定", "第一章"), (3, "第一条", "", "第一节"),
      (2, "第二节", "特别规定", "第一章"), (3, "第二条", "", "第二节"), (3, "第三条", "", "第二节")]),
    ("the annex list under a notice is no sections; an annex's own label is a level-1 section",
     "三、工作流程\n（一）申报。市发展改革委组织。\n附件：\n1.某市园区建设基本条件\n2.某市园区建设指标体系\n"
     "某市发展和改革委员会\n附件1：\n某市园区建设基本条件\n1.区位。园区位于…\n附件2 名词解释\n附件3.docx",
     [(1, "三、", "工作流程", None), (2, "（一）", "申报", "三、"), (1, "附件1", "某市园区建设基本条件", None),
      (3, "1.", "区位", "附件1"), (1, "附件2", "名词解释", None)]),
    ("附件 alone after a sectioned text is a level-1 section; under a bare notice it is the policy itself",
     "一、总体要求\n内容。\n二、重点工作\n内容。\n附件\n2026年自治区民生实事\n1.实现城镇新增就业18万人以上。",
     [(1, "一、", "总体要求", None), (1, "二、", "重点工作", None), (1, "附件", "2026年自治区民生实事", None),
      (3, "1.", "实现城镇新增就业18万人以上", "附件")]),
    ("附件 under a notice without sections opens the policy, no section of its own",
     "各有关单位：\n现将方案印发给你们。\n附件\n某市平台建设实施方案\n一、总体要求\n内容。",
     [(1, "一、", "总体要求", None)]),
    ("an annex list opening on the label's line (附件1.… / 2.…) is no sections",
     "一、总则\n附件1.某口岸区的界址点坐标\n2.某大桥的界址点坐标\n国务院",
     [(1, "一、", "总则", None)]),
    ("a chapter heading that lost its 第二章, between two articles, is a chapter",
     "第一章 总则\n第一条 内容。\n第二条 内容。\n交通噪声污染防治\n第三条 内容。\n第三章 附则\n第四条 内容。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (2, "第二条", "", "第一章"),
      (1, "", "交通噪声污染防治", None), (2, "第三条", "", ""), (1, "第三章", "附则", None), (2, "第四条", "", "第三章")]),
    ("a plan built of 篇/章/节 without articles: parts ranked as they occur, a heading running into its "
     "first sentence cut at the space or comma, two parts on one line, outline numbers below them",
     "前言\n第一篇 指导原则和发展目标 第一章 全面建设小康社会的关键时期 “十五”时期是不平凡的五年。\n"
     "第二章 全面贯彻落实科学发展观 “十一五”时期促进发展。\n第二篇 建设社会主义新农村 坚持统筹。\n"
     "第三章 发展现代农业 坚持把发展。\n第一节提高农业综合生产能力，坚持粮食基本自给。\n第二节 推进农业结构调整\n"
     "（一）优化产业结构。内容。",
     [(1, "第一篇", "指导原则和发展目标", None), (2, "第一章", "全面建设小康社会的关键时期", "第一篇"),
      (2, "第二章", "全面贯彻落实科学发展观", "第一篇"), (1, "第二篇", "建设社会主义新农村", None),
      (2, "第三章", "发展现代农业", "第二篇"), (3, "第一节", "提高农业综合生产能力", "第三章"),
      (3, "第二节", "推进农业结构调整", "第三章"), (4, "（一）", "优化产业结构", "第二节")]),
    ("a contents list of 章 before the text of a plan is no sections",
     "目次\n第一章 基本任务\n第二章 财政和信贷（315）\n第一章 基本任务 要求如下。\n第二章 财政和信贷\n第一节 财政收入 内容。\n第二节 财政支出 内容。",
     [(1, "第一章", "基本任务", None), (1, "第二章", "财政和信贷", None), (2, "第一节", "财政收入", "第二章"),
      (2, "第二节", "财政支出", "第二章")]),
    ("items numbered 一、 that run on across chapters are the articles: no heading, one level below the chapter",
     "某某工作规则\n第一章 总则\n一、为规范工作，制定本规则。\n二、各部门要依法履行职责。\n三、工作人员应当廉洁奉公。\n"
     "第二章 会议制度\n四、全体会议一般每半年召开一次。\n五、常务会议的主要任务是：\n（一）讨论决定重要事项；\n（二）通报有关情况。\n"
     "六、会议议题由秘书长协助确定。",
     [(1, "第一章", "总则", None), (2, "一、", "", "第一章"), (2, "二、", "", "第一章"), (2, "三、", "", "第一章"),
      (1, "第二章", "会议制度", None), (2, "四、", "", "第二章"), (2, "五、", "", "第二章"), (2, "六、", "", "第二章")]),
    ("items that start again at 一、 in each chapter are an outline with headings",
     "某某规划\n第一章 发展基础\n一、主要成就。内容。\n二、面临形势。内容。\n三、存在问题。内容。\n"
     "第二章 总体要求\n一、指导思想。内容。\n二、基本原则。内容。\n三、发展目标。内容。",
     [(1, "第一章", "发展基础", None), (2, "一、", "主要成就", "第一章"), (2, "二、", "面临形势", "第一章"),
      (2, "三、", "存在问题", "第一章"), (1, "第二章", "总体要求", None), (2, "一、", "指导思想", "第二章"),
      (2, "二、", "基本原则", "第二章"), (2, "三、", "发展目标", "第二章")]),
    ("an article sits one level below its chapter, or below its 节 where the chapter has them",
     "某某条例\n第一章 总则\n第一条 内容。\n第二条 内容。\n第二章 业主\n第一节 业主大会\n第三条 内容。\n"
     "第二节 业主委员会\n第四条 内容。\n第三章 附则\n第五条 内容。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (2, "第二条", "", "第一章"),
      (1, "第二章", "业主", None), (2, "第一节", "业主大会", "第二章"), (3, "第三条", "", "第一节"),
      (2, "第二节", "业主委员会", "第二章"), (3, "第四条", "", "第二节"), (1, "第三章", "附则", None),
      (2, "第五条", "", "第三章")]),
    ("a short heading its first sentence runs on from after spaces (an old plan's line) ends at the spaces",
     "一、工业\n（一）工农业总产值　　1990年工农业总产值达到16，770亿元。\n（二）化学工业 化学工业是促进农业发展的重要因素\n"
     "（三）施工单项合同估算价在 100万元以上的工程依法选择采购方式",
     [(1, "一、", "工业", None), (2, "（一）", "工农业总产值", "一、"), (2, "（二）", "化学工业", "一、"),
      (2, "（三）", "施工单项合同估算价在 100万元以上的工程依法选择采购方式", "一、")]),
    ("items numbered past 99 are items too",
     "一、典型经验做法\n99.某省推行审批改革，提升服务效率。\n100.某市实施创业行动计划，打造双创升级版。",
     [(1, "一、", "典型经验做法", None), (3, "99.", "某省推行审批改革，提升服务效率", "一、"),
      (3, "100.", "某市实施创业行动计划，打造双创升级版", "一、")]),
    ("revision history lines are not sections",
     "某某条例\n（2010年7月30日某某会议通过 根据2016年3月31日某某会议《关于修改〈某某条例〉的决定》修正）\n"
     "第一章 总则\n第一条 内容。\n第二条 内容。\n第三条 内容。",
     [(1, "第一章", "总则", None), (2, "第一条", "", "第一章"), (2, "第二条", "", "第一章"),
      (2, "第三条", "", "第一章")]),
]


@pytest.mark.parametrize("name,text,expected", SECTION_CASES, ids=[c[0] for c in SECTION_CASES])
def test_section_tree(name, text, expected):
    assert tree(text) == expected


def test_section_at_innermost_and_after_children():
    text = "一、甲\n（一）乙\n内容乙\n（二）丙\n内容丙\n二、丁\n内容丁"
    secs = find_sections(text)
    ids = {s.number: s.id for s in secs}
    assert section_at(secs, text.index("内容乙")) == ids["（一）"]
    assert section_at(secs, text.index("内容丙")) == ids["（二）"]
    assert section_at(secs, text.index("内容丁")) == ids["二、"]
    assert section_at(secs, 0) == ids["一、"]
    assert section_at([], 5) is None
    # a parent's text after its children (no later sibling at the children's level)
    text2 = "第一章 总则\n第一节 甲\n第一条 内容。\n第二条 内容。\n第三条 内容。\n第二章 附则"
    secs2 = find_sections(text2)
    assert section_at(secs2, text2.index("第二章")) == secs2[-1].id


def test_section_index_starts_in():
    from zhengce.pipeline.structure.sections import section_index
    text = "一、甲\n内容\n二、乙\n内容"
    secs = find_sections(text)
    idx = section_index(secs)
    assert idx.starts_in(0, 1) and idx.starts_in(3, text.index("二")+1) and not idx.starts_in(1, text.index("二"))


def test_sections_linear_time():
    """Thousands of sections and a lookup per line: well under quadratic time."""
    parts = []
    for i in range(1, 4001):
        parts.append(f"{'一二三四五六七八九'[i % 9]}、标题{i}\n（一）小标题\n1. 条目。内容内容。\n（1）细目\n正文正文。")
    text = "\n".join(parts)
    t0 = time.perf_counter()
    secs = find_sections(text)
    for k in range(0, len(text), 40):
        section_at(secs, k)
    assert len(secs) == 16000
    assert time.perf_counter() - t0 < 10


# --- tables flattened one cell per line ---------------------------------------------------------

def cells(*lines: str) -> str:
    return "\n\n".join(lines)


INDICATORS = cells(
    "规划指标", "序号", "类型", "指标名称", "指标单位", "2025年目标值", "属性",
    "1", "保护修缮", "历史建筑修缮面积", "万平方米", "30", "约束性",
    "2", "更新利用", "老大楼改造面积", "万平方米", "11.4", "预期性",
    "3", "红色文化", "红色文物修缮", "处", "4", "预期性",           # a figure 4 before row 4
    "4", "线下走读线路数", "条", "5", "预期性",                     # 类型 merged from row 3
    "二、重点任务")

TASKS = cells(
    "附件", "任务类型", "序号", "工作任务", "推进单位",
    "行动一：发展新极行动", "1", "推进东区整体更新。", "区规划资源局、区发展改革委",
    "2", "推进北区规划研究", "区规划资源局、区商务委",
    "行动二：美丽新居行动", "旧区改造", "3", "全面完成旧里改造", "区房管局、各相关街镇",
    "旧住房改造", "4", "加快推进旧住房更新改造。",                    # 推进单位 merged from row 3
    "5", "完成加装电梯700台")

NO_NUMBER = cells(
    "主要指标", "指标", "单位", "2020年", "2025年", "属性",
    "学前教育毛入园率", "%", "98.91", "99", "预期性",
    "普惠率", "%", "92.1", "95", "约束性",
    "三、保障措施")

NUMBERED_WITH_DOTS = cells(
    "序号", "指标", "单位", "2025年", "属性",
    "1.", "森林覆盖率", "%", "45", "约束性",
    "2.", "湿地保护率", "%", "55", "预期性")

TABLE_CASES = [
    ("row numbers written 1. 2.", NUMBERED_WITH_DOTS,
     [["序号", "指标", "单位", "2025年", "属性"], ["1.", "森林覆盖率", "%", "45", "约束性"],
      ["2.", "湿地保护率", "%", "55", "预期性"]]),
    ("序号 anchors rows; a figure equal to the next row number; merged category filled down", INDICATORS,
     [["序号", "类型", "指标名称", "指标单位", "2025年目标值", "属性"],
      ["1", "保护修缮", "历史建筑修缮面积", "万平方米", "30", "约束性"],
      ["2", "更新利用", "老大楼改造面积", "万平方米", "11.4", "预期性"],
      ["3", "红色文化", "红色文物修缮", "处", "4", "预期性"],
      ["4", "红色文化", "线下走读线路数", "条", "5", "预期性"]]),
    ("category before the number, spanning group rows, merged units", TASKS,
     [["任务类型", "序号", "工作任务", "推进单位"],
      ["行动一：发展新极行动", "1", "推进东区整体更新。", "区规划资源局、区发展改革委"],
      ["行动一：发展新极行动", "2", "推进北区规划研究", "区规划资源局、区商务委"],
      ["行动二：美丽新居行动"],
      ["旧区改造", "3", "全面完成旧里改造", "区房管局、各相关街镇"],
      ["旧住房改造", "4", "加快推进旧住房更新改造。", "区房管局、各相关街镇"],
      ["旧住房改造", "5", "完成加装电梯700台", "区房管局、各相关街镇"]]),
    ("no 序号: rows of the header's width whose cells fit", NO_NUMBER,
     [["指标", "单位", "2020年", "2025年", "属性"],
      ["学前教育毛入园率", "%", "98.91", "99", "预期性"],
      ["普惠率", "%", "92.1", "95", "约束性"]]),
]


@pytest.mark.parametrize("name,text,rows", TABLE_CASES, ids=[c[0] for c in TABLE_CASES])
def test_flattened_table_rebuilt(name, text, rows):
    doc = structure(text)
    assert [t.rows for t in doc.tables] == [rows]
    assert "reflowed_lines" in doc.quality.flags


NOT_TABLES = [
    ("column words in prose", cells("一、总体要求", "序号", "各单位要按照序号顺序报送。", "1", "内容", "2", "内容")),
    ("a header followed by prose, no row numbers", cells("序号", "指标名称", "属性", "各地要加强指标管理，明确属性。",
                                                       "推进改革。")),
    ("two column words only", cells("指标", "单位", "1", "人", "2", "个")),
    ("no 序号 and cells that do not fit", cells("指标", "单位", "2025年", "属性", "加强管理。", "推进改革。",
                                              "完善制度。", "强化保障。")),
]


@pytest.mark.parametrize("name,text", NOT_TABLES, ids=[c[0] for c in NOT_TABLES])
def test_prose_left_alone(name, text):
    new, back = rebuild_cell_tables(text)
    assert back is None and new == text


def test_rebuilt_text_maps_back_to_source():
    new, back = rebuild_cell_tables(INDICATORS)
    assert back is not None and len(back) == len(new)
    for i, ch in enumerate(new):
        if ch not in " |\n":
            assert INDICATORS[back[i]] == ch
    doc = structure(INDICATORS)
    from zhengce.pipeline.normalise import to_source
    i = doc.text.index("老大楼改造面积")
    assert INDICATORS[to_source(doc.offset_map, i):].startswith("老大楼改造面积")


def test_rebuilt_rows_are_one_table_with_spanning_line():
    doc = structure(TASKS)
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert doc.text[t.span[0]:t.span[1]].split("\n")[3] == "行动二：美丽新居行动"


def test_find_tables_spanning_line_between_rows_but_not_a_new_table():
    text = "甲 | 1 | 乙\n丙 | 2 | 丁\n小计行标题\n戊 | 3 | 己\n表2 其他\n指标 | 单位 | 属性\n某 | 个 | 预期性"
    tables = find_tables(text, find_sections(text))
    assert [len(t.rows) for t in tables] == [4, 2]
