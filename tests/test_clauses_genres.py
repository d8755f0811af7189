"""Clauses, actors and responsibilities on documents of other genres than the seeds: regulations
built of 章/条, national opinions, action plans with 责任单位 lists, saved notices.  Table-driven
(tests/cases/clause_genre_cases.tsv, responsibility_genre_cases.tsv): every line is a rule that
must keep holding, written in general policy language, not copied from one file."""
from __future__ import annotations

import re

import pytest

from conftest import read_cases
from zhengce.pipeline.document import structure
from zhengce.pipeline.extract import clauses
from zhengce.pipeline.extract.registry import run_extractors

CLAUSES = read_cases("clause_genre_cases")
RESPONSIBILITIES = read_cases("responsibility_genre_cases")


def _doc(text: str, prefix: str = "一、主要任务\n（一）重点工作\n"):
    doc = structure(prefix + text)
    run_extractors(doc)
    return doc


def _clause_for(doc, text: str):
    want = text.rstrip("。")
    found = [c for c in doc.clauses if want in c.text or c.text.rstrip("。；") in want]
    assert found, [c.text for c in doc.clauses]
    return max(found, key=lambda c: len(c.text))


@pytest.mark.parametrize("case", CLAUSES, ids=[c["text"][:16] for c in CLAUSES])
def test_clause_genre_case(case):
    c = _clause_for(_doc(case["text"]), case["text"])
    assert (c.kind, c.cue or "") == (case["kind"], case["cue"]), c.text
    want = [a for a in case["actors"].split("|") if a]
    assert c.actors == want, (c.actors, c.text)


@pytest.mark.parametrize("case", RESPONSIBILITIES, ids=[c["text"][:16] for c in RESPONSIBILITIES])
def test_responsibility_genre_case(case):
    doc = _doc(case["text"])
    got = sorted(f"{r.unit}/{r.role}" for r in doc.responsibilities)
    assert got == sorted(p for p in case["expected"].split("|") if p)


def test_article_text_after_its_number_is_a_clause():
    doc = _doc("第一条 为了规范管理，制定本条例。\n第二条 本条例适用于本市行政区域。\n"
               "第三条 市人民政府应当加强组织领导。\n第四条 各级人民政府应当建立激励机制。",
               prefix="第一章 总则\n")
    c = _clause_for(doc, "市人民政府应当加强组织领导")
    assert (c.kind, c.actors) == ("obligation", ["市人民政府"])
    assert {r.unit for r in doc.responsibilities} >= {"市人民政府", "各级人民政府"}


def test_labelled_list_closes_the_clause_before_it():
    doc = _doc("建设创新平台，培育一批创新主体。（责任单位：市科委）")
    assert not [c for c in doc.clauses if c.text.startswith("（责任单位")]
    c = _clause_for(doc, "建设创新平台，培育一批创新主体")
    assert c.text.endswith("（责任单位：市科委）")
    assert [(r.unit, r.role) for r in doc.responsibilities] == [("市科委", "responsible")]


def test_a_clause_without_subject_gets_no_actors_of_its_own():
    doc = _doc("各部门要加强协作。确保政策到位、措施到位。")
    assert _clause_for(doc, "确保政策到位、措施到位").actors == []


def test_closing_formulas_are_parts_of_their_own():
    doc = _doc("为推动产业高质量发展，努力实现高水平开放，制定本方案。")
    c = _clause_for(doc, "制定本方案")
    assert (c.kind, c.text) == ("other", "制定本方案。")
    assert _clause_for(doc, "努力实现高水平开放").kind == "goal"
    doc = _doc("本通知由市发展改革委负责解释，自印发之日起施行，有效期5年。")
    assert _clause_for(doc, "自印发之日起施行，有效期5年").kind == "other"
    assert _clause_for(doc, "本通知由市发展改革委负责解释").actors == ["市发展改革委"]


def test_goal_paragraph_and_goal_section():
    doc = _doc("到2035年，产业综合实力显著提升。建设一批创新平台，打造百家领军企业。")
    assert _clause_for(doc, "建设一批创新平台，打造百家领军企业").kind == "goal"
    doc = _doc("形成30个典型应用场景解决方案。", prefix="一、主要目标\n")
    assert _clause_for(doc, "形成30个典型应用场景解决方案").kind == "goal"


def test_split_members_keeps_shared_suffix_lists_whole():
    assert clauses.split_members("市、区（县）人民政府") == ["市、区（县）人民政府"]
    assert clauses.split_members("各县、市、区政府和管委会") == ["各县、市、区政府和管委会"]
    assert clauses.split_members("学校和单位") == ["学校和单位"]
    assert clauses.split_members("市、区（县）、镇人民政府、街道办事处") == ["市、区（县）、镇人民政府", "街道办事处"]
    assert clauses.split_members("国家能源局和省级能源主管部门") == ["国家能源局", "省级能源主管部门"]
    # a division shares the next member's name; the members after it are bodies of their own
    assert clauses.split_members("市、区县人民政府相关部门、金融机构、社会组织") == ["市、区县人民政府相关部门", "金融机构", "社会组织"]
    assert clauses.split_members("各市、县(市、区)教育部门") == ["各市、县(市、区)教育部门"]
    assert clauses.split_members("各省、自治区、直辖市人民政府") == ["各省、自治区、直辖市人民政府"]
    assert clauses.split_members("市、县（市、区）人民政府其他有关部门、单位") == ["市、县（市、区）人民政府其他有关部门、单位"]
    # places and people named as such are members of their own; words after the last qualify every member
    assert clauses.split_members("托儿所、幼儿园、中小学校") == ["托儿所", "幼儿园", "中小学校"]
    assert clauses.split_members("各级教育、民政、人社、市场监管部门") == ["各级教育、民政、人社、市场监管部门"]
    assert clauses.split_members("赡养人、扶养人所在单位") == ["赡养人、扶养人所在单位"]
    assert clauses.split_members("公共场所、公共设施的所有者") == ["公共场所、公共设施的所有者"]


def test_embedded_cue_words_are_not_cues():
    assert clauses.decide("发展可再生能源")[0] == "other"        # 可 inside 可再生
    assert clauses.decide("公共机构屋顶光伏应装尽装")[0] == "other"  # the idiom 应装尽装
    assert clauses.decide("在中小学校实行党组织领导下的校长负责制")[1] != "负责"
    assert clauses.decide("建立风险防范机制")[0] == "other"       # 防范 does not open the part


SEGMENTS = read_cases("clause_segment_cases")


@pytest.mark.parametrize("case", SEGMENTS, ids=[c["text"][:16] for c in SEGMENTS])
def test_clause_segment_case(case):
    doc = _doc(case["text"])
    start = doc.text.index(case["text"])
    got = [c.text for c in doc.clauses if c.span[0] >= start]
    assert got == case["parts"].split(" | ")


def test_an_articles_next_rule_keeps_its_subject():
    # 承前省略: an article's next sentence in the same legal register leaves its subject out
    doc = _doc("第一条 为了规范管理，制定本条例。\n第二条 本条例适用于本市行政区域。\n"
               "第三条 热线受理人员接听来电时，应当如实记录。能够即时答复的，应当即时答复。\n"
               "第四条 市教育局要加强指导。确保政策到位。", prefix="第一章 总则\n")
    assert _clause_for(doc, "能够即时答复的，应当即时答复").actors == ["热线受理人员"]
    assert _clause_for(doc, "确保政策到位").actors == []      # 要 … 确保: no legal register
    doc = _doc("各部门应当加强协作。能够即时答复的，应当即时答复。")
    assert _clause_for(doc, "能够即时答复的，应当即时答复").actors == []   # not an article


def test_a_labelled_note_on_a_past_date_is_a_fact():
    note = "稳增长“21”条：2025年4月1日，省政府办公厅印发《关于进一步推动经济运行回升向好的若干政策措施》。"
    assert clauses.classify(note, "", 2026)[0] == "fact"
    assert clauses.classify(note, "", 2025)[0] != "fact"     # the document's own year may be ahead


def test_a_numbered_item_with_nothing_under_it_is_content_not_a_label():
    # a heading labels what follows it; an item that is a whole sentence with no text or items under
    # it (二、对…，给予5万元的就业补贴。) is the measure itself: its clause and target are kept
    doc = structure("关于支持青年就业的若干措施\n一、支持就业。对新落户的港澳青年，给予5万元的就业补贴。\n"
                    "二、对符合条件的残疾人，可同时申请两项补贴。\n三、加强组织领导\n各区要落实责任。\n")
    run_extractors(doc)
    assert _clause_for(doc, "对符合条件的残疾人，可同时申请两项补贴").kind == "permission"
    assert [t.value for t in doc.targets] == [5.0]
    assert not any("加强组织领导" in c.text for c in doc.clauses)     # a label with text under it stays a label


def test_a_part_cut_off_a_rule_keeps_the_rules_subject():
    # …负责…工作，并可以…: the further rule is the same subject's; but whom 由 charges is no subject
    doc = _doc("省级市场监督管理部门负责本行政区域行政处罚信息公示工作，并可以根据本规定制定实施细则。")
    assert _clause_for(doc, "并可以根据本规定制定实施细则").actors == ["省级市场监督管理部门"]
    doc = _doc("中小学生是否参加课后服务，由学生和家长自愿选择，严禁以课后服务名义乱收费。")
    assert _clause_for(doc, "严禁以课后服务名义乱收费").actors == []


def test_task_table_unit_columns_give_each_row_its_units_under_the_item_it_names():
    doc = _doc("一、主要任务\n（一）扩大服务供给\n各区要扩大服务供给。\n（二）完善服务标准\n完善标准体系。\n"
               "附件 重点任务分工表\n序号 | 工作事项 | 主要内容 | 牵头单位 | 配合单位 | 局内牵头处室\n"
               "1 | 扩大服务供给 | 到2025年，建成社区养老服务中心20个。 | 各区政府 | 市民政局、市财政局 | 基层处\n"
               "行动二：提升服务质量\n"
               "2 | 完善服务标准 | 完善标准体系。 | 市市场监管局 | / | 法规处\n"
               "完善评价制度。 | 市民政局 | 市统计局 | 规划处", prefix="")
    heading = {s.id: s.heading for s in doc.sections}
    got = [(r.unit, r.role, heading.get(r.section_id)) for r in doc.responsibilities]
    assert got == [("各区", "responsible", "扩大服务供给"),
                   ("各区政府", "lead", "扩大服务供给"), ("市民政局", "support", "扩大服务供给"),
                   ("市财政局", "support", "扩大服务供给"), ("基层处", "lead", "扩大服务供给"),
                   ("市市场监管局", "lead", "完善服务标准"), ("法规处", "lead", "完善服务标准"),
                   ("市民政局", "lead", "完善服务标准"), ("市统计局", "support", "完善服务标准"),
                   ("规划处", "lead", "完善服务标准")]


def test_a_unit_column_named_in_the_column_table_gives_responsible_units():
    doc = _doc("附件 活动安排表\n序号 | 活动名称 | 主办单位 | 时间安排\n1 | 科技活动周 | 市科委、市科协 | 5月\n"
               "2 | 创新创业大赛 | 市人社局 | 9月", prefix="")
    assert [(r.unit, r.role) for r in doc.responsibilities] == [
        ("市科委", "responsible"), ("市科协", "responsible"), ("市人社局", "responsible")]


def test_a_table_split_by_group_headings_keeps_its_header_and_each_row_its_group():
    # 序号 | 改革举措 | 指导部门, then 一、… / 二、… group headings between the rows: one table, and each row's
    # 指导部门 answers for the group heading above it
    doc = _doc("附件\n第二批改革举措推广清单\n序号 | 改革举措 | 主要内容 | 指导部门 | 推广范围\n"
               "一、知识产权保护方面（共2项）\n"
               "1 | 专利保险机制 | 开发专利保险产品。 | 国家知识产权局、中国银保监会 | 全国\n"
               "2 | 技术调查官制度 | 法院可以引入技术调查官。 | 最高人民法院 | 全国\n"
               "二、科技金融创新方面（共1项）\n"
               "3 | 科技创新专板 | 推出科技创新板。 | 中国证监会 | 全国", prefix="")
    assert len(doc.tables) == 1 and doc.tables[0].rows[0][3] == "指导部门"
    heading = {s.id: s.heading for s in doc.sections}
    assert [(r.unit, heading.get(r.section_id)) for r in doc.responsibilities] == [
        ("国家知识产权局", "知识产权保护方面（共2项）"), ("中国银保监会", "知识产权保护方面（共2项）"),
        ("最高人民法院", "知识产权保护方面（共2项）"), ("中国证监会", "科技金融创新方面（共1项）")]


def test_a_heading_after_rows_of_another_width_ends_the_table():
    doc = _doc("序号 | 指标 | 目标值\n1 | 覆盖率 | 90%\n二、保障措施\n项目 | 单位\n资金 | 万元", prefix="")
    assert [len(t.rows) for t in doc.tables] == [2, 2]


def test_a_cueless_clause_that_sets_a_dated_figure_is_a_goal():
    doc = _doc("三、2026年重点工作\n举办促消费活动2000场以上，发放政府消费券8亿元以上。\n"
               "四、补贴标准\n自2026年1月1日起，护理补贴标准为每人每月200元。")
    assert _clause_for(doc, "举办促消费活动2000场以上").kind == "goal"
    assert _clause_for(doc, "护理补贴标准为每人每月200元").kind != "goal"


@pytest.mark.parametrize("text, doc_year, kind", [
    ("光缆线路长度从2012年的1479万公里增加到2021年的5481万公里，增长2.7倍。", 2022, "fact"),
    ("互联网普及率从2012年的42.1%提高到2021年的73%。", 2022, "fact"),
    ("到2025年，新建学校10所。", 2022, "goal"),
    ("力争2021年新建学校10所。", 2021, "goal"),
])
def test_a_cueless_sentence_of_past_years_figures_is_a_fact(text, doc_year, kind):
    assert clauses.classify(text, "", doc_year)[0] == kind


def test_a_look_back_under_a_heading_of_goals_is_a_review():
    # a work report joins the last plan's achievements and the next plan's goals under one heading
    doc = _doc("二、“十四五”时期发展成就和“十五五”时期主要目标任务\n"
               "这五年，我们牢记嘱托、锚定蓝图，功能建设不断加强。成功举办冬奥盛会。\n"
               "“十五五”时期是关键时期。过去五年，我们实现地区生产总值年均增长5.2%。\n"
               "到2030年，地区生产总值年均增长5%左右。", prefix="")
    assert _clause_for(doc, "成功举办冬奥盛会").kind == "fact"
    assert _clause_for(doc, "过去五年，我们实现地区生产总值年均增长5.2%").kind == "fact"
    assert _clause_for(doc, "到2030年，地区生产总值年均增长5%左右").kind == "goal"


def test_a_unit_charged_twice_in_a_section_is_one_entry_naming_both_clauses():
    doc = _doc("市人民政府应当设立科技成果转化基金。市人民政府应当建立风险补偿机制。")
    entries = [r for r in doc.responsibilities if r.unit == "市人民政府"]
    assert len(entries) == 1 and len(entries[0].clause_ids) == 2


def test_the_items_of_a_duty_list_are_the_lead_ins_subject():
    doc = _doc("第一条 为了规范院前医疗急救，制定本条例。\n第二条 本条例适用于本市行政区域。\n"
               "第三条 急救医疗指挥机构应当履行下列职责：\n（一）设置呼救专线电话，二十四小时受理呼救；\n"
               "（二）统一调度急救资源。\n第四条 医院应当配合。", prefix="第一章 总则\n")
    assert _clause_for(doc, "统一调度急救资源").actors == ["急救医疗指挥机构"]
    assert _clause_for(doc, "医院应当配合").actors == ["医院"]      # the list ends with its article


def test_a_section_headed_as_a_bodys_duties_charges_it():
    doc = _doc("（一）国家粮食应急工作指挥部职责\n掌握粮食市场动态，了解有关情况。研究制定调控措施。\n"
               "（二）国家粮食应急工作指挥部办公室及其职责\n办公室设在国家粮食局。办公室承担以下职责：\n1．收集、汇总情况。",
               prefix="一、组织机构\n")
    got = {(r.unit, r.surface) for r in doc.responsibilities}
    assert got == {("国家粮食应急工作指挥部", None), ("国家粮食应急工作指挥部办公室", "办公室")}


def test_an_item_that_is_a_rule_is_a_clause_too():
    # 1.…，需…; 7.3 本预案自印发之日起实施。; 1.“两重”：是指…: a rule, the document's own rule or a term, with
    # nothing under it: content as well as its label
    doc = _doc("1.初次申请需有血管造影证据。\n2.本预案自印发之日起实施。\n3.红线是指口岸区边界。", prefix="一、附则\n")
    assert _clause_for(doc, "初次申请需有血管造影证据").kind == "obligation"
    assert _clause_for(doc, "本预案自印发之日起实施") is not None
    assert _clause_for(doc, "红线是指口岸区边界") is not None
    doc = _doc("1.镇财政所、镇经管中心按照职责加强建设工程资金的监督管理。\n2.规范招投标。", prefix="五、监督管理\n")
    assert _clause_for(doc, "镇财政所、镇经管中心按照职责加强建设工程资金的监督管理").actors == ["镇财政所", "镇经管中心"]
    doc = _doc("1.加强组织领导。\n各区要落实责任。", prefix="一、保障措施\n")
    assert not any("加强组织领导" in c.text for c in doc.clauses)     # a label with text under it stays a label


def test_an_item_that_sets_a_level_is_a_clause_too():
    doc = _doc("（一）全市城乡最低生活保障标准为每人每月1309元。\n（二）特困人员基本生活标准按最低生活保障标准的1.6倍确定。",
               prefix="一、调整标准\n")
    c = _clause_for(doc, "全市城乡最低生活保障标准为每人每月1309元")
    assert c.kind == "other"
    assert [t.clause_id for t in doc.targets if t.value == 1309] == [c.id]


@pytest.mark.parametrize("text,heading,kind", [
    ("全力支持雄安新区建设，新增入驻企业132家。", "一、2025年工作回顾", "fact"),      # a review: done, whatever verb
    ("有效防控基孔肯雅热、登革热。", "一、2025年工作回顾", "fact"),
    ("各地要加强监管。", "一、2025年工作回顾", "obligation"),                        # a modal still rules
    ("加强粮食、棉、糖等重要农产品仓储物流设施建设。", "十、提升安全保障能力，夯实内需发展基础", "other"),  # a task heading
    ("全力支持雄安新区建设。", "二、2026年工作安排", "encouragement"),
    # how a review ends: a pledge to mend what is short and what is still to do are neither done nor tasks set
    ("对此我们将采取有力措施坚决改进。", "一、2025年工作回顾", "other"),
    ("政府服务管理效能仍需进一步提升，政府作风建设还要进一步加强。", "一、2025年工作回顾", "other"),
    ("政府作风建设还要进一步加强。", "二、2026年工作安排", "obligation"),
])
def test_a_review_section_states_facts(text, heading, kind):
    assert clauses.classify(text, heading, 2026)[0] == kind


def test_listed_cases_are_conditions_whatever_cue_they_hold():
    """The items of 有下列行为之一的： describe cases a rule covers (…应当…而未…的；), no rules of their own,
    with their number in the clause or read as a heading."""
    for law in ("第一章 总则\n第一条 为了规范管理，制定本条例。\n第二章 法律责任\n", ""):
        doc = _doc(law + "第十条 有下列行为之一的，由上级机关责令改正：\n（一）不依法履行审批职责的；\n"
                   "（二）依法应当作出责令停产、限产的决定而未作出的；\n（三）允许商业广告进入幼儿园的。",
                   prefix="" if law else "一、主要任务\n（一）重点工作\n")
        case = _clause_for(doc, "依法应当作出责令停产、限产的决定而未作出的")
        assert (case.kind, case.cue) == ("other", None), case.text
        rule = _clause_for(doc, "有下列行为之一的，由上级机关责令改正")
        assert (rule.kind, rule.actors) == ("obligation", ["上级机关"])


@pytest.mark.parametrize("text, doc_year, kind", [
    ("到一九五七年石油钻井进尺将为一九五二年的七·三倍", 1955, "goal"),      # a year in words
    ("到1985年，集镇简易影剧场发展到1万个。", 1982, "goal"),
    ("到1985年，集镇简易影剧场发展到1万个。", 1990, "fact"),              # a deadline before the document: done
    ("到2025年，集镇简易影剧场发展到1万个。", 2021, "goal"),
])
def test_a_deadline_after_the_document_sets_a_goal_in_any_century(text, doc_year, kind):
    assert clauses.classify(text, "", doc_year)[0] == kind
