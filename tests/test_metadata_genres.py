"""Document metadata by genre (issue 13): short synthetic snippets of each kind of document a
researcher meets, and the metadata the pipeline must read off them.  Each case names the rule it
guards; a case fails when that rule breaks."""
from __future__ import annotations

import pytest

from zhengce.pipeline.document import structure, structure_raw
from zhengce.pipeline.model import RawDocument
from zhengce.pipeline.normalise import normalise, to_source
from zhengce.pipeline.structure.metadata import full_issuer_name

# (case, text, page metadata, expected metadata fields; region fields as region.<name>)
CASES = [
    ("provincial government work report: title, 文种, the reporting government, delivery date, level",
     "下载\n打印\n【字号：\n加大\n还原\n减小\n】\n2026年四川省人民政府工作报告\n"
     "——2026年2月3日在四川省第十四届人民代表大会第五次会议上\n四川省人民政府省长 施小琳\n各位代表：\n"
     "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员提出意见。\n"
     "一、2025年工作回顾\n过去一年，全省经济运行稳中有进，成都、绵阳等地加快发展。",
     {},
     {"title": "2026年四川省人民政府工作报告", "doc_type": "政府工作报告", "issuers": ["四川省人民政府"],
      "signed_date": "2026-02-03", "level": "provincial", "region.province": "四川省", "region.city": None}),

    ("a report titled only 政府工作报告 takes the page's fuller title; a delivery line broken in two",
     "政府工作报告\n——2026年1月26日在广东省第十四届\n人民代表大会第五次会议上\n广东省省长 孟凡利\n各位代表：\n"
     "现在，我代表省人民政府，向大会报告工作，请予审议。",
     {"标题": "2026年广东省政府工作报告", "发布日期": "2026-01-31"},
     {"title": "2026年广东省政府工作报告", "doc_type": "政府工作报告", "issuers": ["广东省人民政府"],
      "signed_date": "2026-01-26", "published_date": "2026-01-31", "level": "provincial"}),

    ("revised local regulation: the latest adoption or revision, not the first adoption or an approval",
     "郑州市大气污染防治条例\n2014年6月27日 郑州市第十四届人民代表大会常务委员会第三次会议通过\n"
     "2014年12月4日 河南省第十二届人民代表大会常务委员会第十一次会议批准\n"
     "2020年4月29日 郑州市第十五届人民代表大会常务委员会第十五次会议通过\n"
     "2020年6月3日 河南省第十三届人民代表大会常务委员会第十八次会议批准的《郑州市人民代表大会常务委员会"
     "关于修改部分地方性法规的决定》第二次修正\n第一章 总则\n第一条 为防治大气污染，制定本条例。",
     {},
     {"title": "郑州市大气污染防治条例", "doc_type": "条例", "issuers": ["郑州市人民代表大会常务委员会"],
      "signed_date": "2020-04-29", "level": "municipal", "region.city": "郑州市"}),

    ("regulation adopted by a city congress and approved by the province: adoption date and body",
     "汕头市河长制条例\n2022年11月17日 汕头市第十五届人民代表大会常务委员会第九次会议通过\n"
     "2023年1月9日 广东省第十三届人民代表大会常务委员会第四十八次会议批准）\n第一章 总则\n第一条 为了加强河湖治理管护，制定本条例。",
     {},
     {"signed_date": "2022-11-17", "issuers": ["汕头市人民代表大会常务委员会"], "level": "municipal"}),

    ("revision history in one bracketed line: 通过 … 根据 … 修正",
     "浙江省义务教育条例\n（1985年6月13日浙江省第六届人民代表大会常务委员会第三次会议通过 "
     "根据2021年9月29日浙江省第十三届人民代表大会常务委员会第三十一次会议《关于修改〈浙江省促进科技成果转化条例〉"
     "等七件地方性法规的决定》第二次修正）\n第一条 为了保障适龄儿童、少年接受义务教育的权利，制定本条例。",
     {},
     {"signed_date": "2021-09-29", "issuers": ["浙江省人民代表大会常务委员会"], "level": "provincial"}),

    ("State Council regulation: decree and revision lines give 国务院, national, the latest revision",
     "住房公积金管理条例\n1999年4月3日 中华人民共和国国务院令第262号发布\n"
     "2002年3月24日 《国务院关于修改〈住房公积金管理条例〉的决定》第一次修订\n"
     "第一章 总则\n第一条 为了加强对住房公积金的管理，制定本条例。",
     {},
     {"issuers": ["国务院"], "signed_date": "2002-03-24", "level": "national",
      "doc_number": "中华人民共和国国务院令第262号"}),

    ("a regulation adopted by the State Council and promulgated by decree: the adoption date",
     "优化营商环境条例\n2019年10月8日 国务院第66次常务会议通过\n2019年10月22日 中华人民共和国国务院令第722号公布\n"
     "2020年1月1日 施行\n第一章 总则\n第一条 为了持续优化营商环境，制定本条例。",
     {},
     {"issuers": ["国务院"], "signed_date": "2019-10-08", "level": "national"}),

    ("ministry rule published by decree: the ministry, national",
     "市场监督管理行政处罚信息公示规定\n2021年7月30日 国家市场监督管理总局令第45号公布\n2021年9月1日 施行\n"
     "第一条 为了加快构建以信用为基础的新型监管机制，制定本规定。",
     {},
     {"doc_type": "规定", "issuers": ["国家市场监督管理总局"], "signed_date": "2021-07-30", "level": "national",
      "doc_number": "国家市场监督管理总局令第45号", "notice_title": None}),   # a record line, no order

    ("regulation adopted by a county-level autonomous county's congress (经… prefix dropped)",
     "酉阳土家族苗族自治县城镇管理条例\n2012年11月29日 经酉阳土家族苗族自治县第十六届人民代表大会第二次会议通过\n"
     "2012年12月27日 重庆市第三届人民代表大会常务委员会第三十九次会议批准）\n第一条 为了加强城镇管理，制定本条例。",
     {},
     {"issuers": ["酉阳土家族苗族自治县人民代表大会"], "signed_date": "2012-11-29", "level": "county"}),

    ("a people's congress 公告 promulgating a regulation: the regulation is the title, adopted when passed",
     "广州市人民代表大会常务委员会公告\n（第85号）\n《广州市幼儿园条例》已经广州市第十五届人民代表大会常务委员会第四十三次会议"
     "于2020年11月27日通过，广东省第十三届人民代表大会常务委员会第三十次会议于2021年3月31日批准，现予公布。\n"
     "广州市人民代表大会常务委员会\n2021年4月9日\n广州市幼儿园条例\n（2020年11月27日广州市第十五届人民代表大会常务委员会"
     "第四十三次会议通过 2021年3月31日广东省第十三届人民代表大会常务委员会第三十次会议批准）\n第一章 总则\n"
     "第一条 为了规范幼儿园的设置和管理，制定本条例。",
     {},
     {"title": "广州市幼儿园条例", "doc_type": "条例", "issuers": ["广州市人民代表大会常务委员会"],
      "signed_date": "2020-11-27", "level": "municipal"}),

    ("the national government work report: 国务院, national",
     "政府工作报告\n——2025年3月5日在第十四届全国人民代表大会第三次会议上\n国务院总理 李强\n各位代表：\n"
     "现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2024年工作回顾\n过去一年，全国经济运行总体平稳。",
     {},
     {"doc_type": "政府工作报告", "issuers": ["国务院"], "signed_date": "2025-03-05", "level": "national"}),

    ("a county's government work report: the county's government, county level",
     "2025年政府工作报告\n——2025年1月8日在长兴县第十八届人民代表大会第五次会议上\n县长 张三\n各位代表：\n"
     "现在，我代表县人民政府，向大会报告工作。\n过去一年，全县经济稳中有进。",
     {},
     {"issuers": ["长兴县人民政府"], "signed_date": "2025-01-08", "level": "county", "region.county": "长兴县"}),

    ("a dated sentence in the body is no legislative record: no date, no issuer from it",
     "关于做好防汛工作的通知\n各区人民政府：\n2021年5月20日，市政府召开常务会议审议通过了防汛工作方案。现将有关事项通知如下。\n"
     "一、加强领导。",
     {},
     {"signed_date": None, "issuers": []}),

    ("批复: 文种, issuer from the signature, recipients, national",
     "国务院关于同意建立国务院职业教育工作部际联席会议制度的批复\n国函〔2018〕144号\n教育部：\n"
     "你部《关于建立国务院职业教育工作部际联席会议制度的请示》收悉。现批复如下：\n一、同意建立国务院职业教育工作部际联席会议制度。\n"
     "国务院\n2018年11月20日",
     {},
     {"doc_type": "批复", "issuers": ["国务院"], "signed_date": "2018-11-20", "level": "national",
      "recipients": ["教育部"], "doc_number": "国函〔2018〕144号"}),

    ("复函 is its own 文种, as written (as 实施意见 is beside 意见)",
     "国务院办公厅关于科技节水建议的复函\n国办函〔2005〕21号\n水利部：\n你部关于科技节水建议的函收悉。经国务院同意，现函复如下。\n"
     "国务院办公厅\n二〇〇五年三月三日",
     {},
     {"doc_type": "复函", "title": "国务院办公厅关于科技节水建议的复函", "signed_date": "2005-03-03"}),

    ("a 函 issuing a plan wraps it like a notice: the plan is the title and the 文种",
     "国务院办公厅关于印发国家粮食应急预案的函\n国办函〔2005〕57号\n各省、自治区、直辖市人民政府：\n"
     "《国家粮食应急预案》已经国务院同意，现印发给你们，请认真实施。\n国务院办公厅\n二〇〇五年六月十一日\n国家粮食应急预案\n"
     "1 总则\n" + "为了有效监测和控制国内粮食市场异常波动，制定本预案。" * 60,
     {},
     {"title": "国家粮食应急预案", "notice_title": "国务院办公厅关于印发国家粮食应急预案的函", "doc_type": "应急预案",
      "signed_date": "2005-06-11"}),

    ("a notice extending the term of rules it carries wraps them like a 印发 notice",
     "某区文物局关于延长《某区文物保护暂行规定》有效期的通知\n各镇人民政府，区政府各委、办、局：\n"
     "经评估，《某区文物保护暂行规定》需要继续实施，有效期延长至2026年11月1日。\n特此通知。\n某区文物局\n2024年10月31日\n"
     "某区文物保护暂行规定\n第一章 总则\n" + "第一条 为加强本区文物保护工作，制定本规定。\n" * 60,
     {},
     {"title": "某区文物保护暂行规定", "notice_title": "某区文物局关于延长《某区文物保护暂行规定》有效期的通知",
      "doc_type": "规定", "signed_date": "2024-10-31"}),

    ("a notice forwarding a body's document wraps it like a 印发 notice, over one line or two",
     "某省人民政府办公厅转发省民政厅\n关于清理整顿社会团体意见的通知\n某政办发〔1997〕11号\n各市人民政府：\n"
     "省民政厅《关于清理整顿社会团体的意见》已经省人民政府同意，现转发给你们，请认真贯彻执行。\n某省人民政府办公厅\n"
     "一九九七年四月八日\n关于清理整顿社会团体的意见\n一、指导思想\n" + "清理非法社会团体，规范社会团体行为。" * 60,
     {},
     {"title": "关于清理整顿社会团体的意见", "doc_type": "意见", "signed_date": "1997-04-08",
      "notice_title": "某省人民政府办公厅转发省民政厅关于清理整顿社会团体意见的通知"}),

    ("a notice forwarding a document the file does not hold is the document itself",
     "某省人民政府办公厅转发省民政厅关于清理整顿社会团体意见的通知\n某政办发〔1997〕11号\n各市人民政府：\n"
     "省民政厅《关于清理整顿社会团体的意见》已经省人民政府同意，现转发给你们，请认真贯彻执行。\n"
     + "各地要加强领导，周密部署，切实做好清理整顿工作。" * 60 + "\n某省人民政府办公厅\n一九九七年四月八日",
     {},
     {"title": "某省人民政府办公厅转发省民政厅关于清理整顿社会团体意见的通知", "doc_type": "通知", "notice_title": None}),

    ("a notice publishing rules again (重新发布) wraps them like a 印发 notice",
     "某市人民政府办公厅关于重新发布某市积分制入户管理办法的通知\n各区人民政府：\n"
     "经市人民政府同意，现将积分制入户管理办法重新发布，有效期调整至2026年12月31日。\n某市人民政府办公厅\n2025年6月30日\n"
     "某市积分制入户管理办法\n" + "第一条 为加强来穗人员服务管理，制定本办法。\n" * 60,
     {},
     {"title": "某市积分制入户管理办法", "doc_type": "办法", "signed_date": "2025-06-30",
      "notice_title": "某市人民政府办公厅关于重新发布某市积分制入户管理办法的通知"}),

    ("通报 whose title ends in 做法 is a 通报, not a 法律",
     "国务院办公厅关于对国务院第五次大督查发现的典型经验做法给予表扬的通报\n国办发〔2018〕108号\n"
     "各省、自治区、直辖市人民政府：\n为表扬先进，树立典型，对130项地方典型经验做法予以通报表扬。\n国务院办公厅\n2018年11月19日",
     {},
     {"doc_type": "通报", "title": "国务院办公厅关于对国务院第五次大督查发现的典型经验做法给予表扬的通报"}),

    ("公告 with its issuer in the signature; a district of a prefecture-level city is county level",
     "关于受理天河区人才公寓申请的公告\n根据《天河区人才公寓建设和使用管理办法》的有关规定，现将有关事项公告如下。\n"
     "一、申请对象为在天河区工作的人才。\n广州市天河区住房建设和园林局\n2025年8月11日",
     {},
     {"doc_type": "公告", "issuers": ["广州市天河区住房建设和园林局"], "level": "county",
      "region.county": "天河区", "signed_date": "2025-08-11"}),

    ("决定",
     "国务院关于2018年度国家科学技术奖励的决定\n国发〔2018〕44号\n各省、自治区、直辖市人民政府：\n"
     "为全面贯彻党的十九大精神，国务院决定，授予刘永坦院士国家最高科学技术奖。\n国务院\n2018年12月28日",
     {},
     {"doc_type": "决定", "issuers": ["国务院"], "signed_date": "2018-12-28", "level": "national"}),

    ("政府令: decree number, the government as issuer, the date under the mayor's signature",
     "广州市人民政府令\n第179号\n《广州市老年人优待办法》已经2021年1月8日市政府第15届130次常务会议通过，现予公布，"
     "自2021年5月1日起施行。\n市 长：温国辉\n2021年1月29日\n广州市老年人优待办法\n"
     "第一条 为保障老年人合法权益，制定本办法。\n第二条 年满60周岁的公民享受本办法规定的优待。",
     {},
     {"title": "广州市老年人优待办法", "doc_type": "办法", "doc_number": "广州市人民政府令第179号",
      "issuers": ["广州市人民政府"], "signed_date": "2021-01-29", "level": "municipal",
      "notice_title": "广州市人民政府令"}),

    ("a 主送机关 line above the policy's title when the page dropped the notice title",
     "广州市卫生健康委员会政府信息公开\n穗卫函〔2023〕1930号\n各区卫生健康局、财政局、人力资源社会保障局，市医保中心：\n"
     "为推进家庭医生签约服务高质量发展，市卫生健康委、市财政局联合制定《关于推进广州市家庭医生签约服务高质量发展实施方案》，"
     "现印发给你们，请贯彻执行。\n广州市卫生健康委员会 广州市财政局\n2023年10月19日\n"
     "关于推进广州市家庭医生签约服务高质量发展实施方案\n一、主要目标\n到2025年，签约服务覆盖率达到45%。",
     {},
     {"recipients": ["各区卫生健康局、财政局、人力资源社会保障局", "市医保中心"]}),

    ("a generic addressee after 及 is an addressee of its own; a list sharing its sectors stays whole",
     "某区人民政府办公室关于印发《某区文物保护三年行动计划》的通知\n区政府各委、办、局，各街道办事处及各有关单位：\n"
     "《某区文物保护三年行动计划》已经区政府同意，现印发给你们，请认真按照执行。\n某区人民政府办公室\n2024年7月15日\n"
     "某区文物保护三年行动计划\n一、工作目标\n到2026年，文物保护水平明显提升。",
     {},
     {"recipients": ["区政府各委、办、局", "各街道办事处", "各有关单位"]}),

    ("a generic addressee ends the 主送 line (各幼儿园) on a page that opens with it",
     "各幼儿园：\n《2026年某区幼儿园招生工作方案》已经区教育局局长办公会议审议通过，现印发给你们，请遵照执行。\n"
     "某区教育局\n2026年4月20日\n2026年某区幼儿园招生工作方案\n一、招生原则\n坚持免试入园。",
     {},
     {"recipients": ["各幼儿园"]}),

    ("a report to a congress's standing committee: the committee under the speaker is its 主送机关",
     "国务院关于数字经济发展情况的报告\n——2022年10月28日在第十三届全国人民代表大会常务委员会第三十七次会议上\n"
     "国家发展和改革委员会主任 何立峰\n全国人民代表大会常务委员会：\n"
     "受国务院委托，现就数字经济发展情况报告如下，请审议。\n一、我国数字经济发展成效显著\n数字经济规模持续扩大。",
     {},
     {"recipients": ["全国人民代表大会常务委员会"]}),

    ("a government work report's salutation 各位代表 is no 主送机关 (SCHEMA: organs as listed)",
     "2026年某省政府工作报告\n——2026年1月26日在某省第十四届人民代表大会第五次会议上\n某省省长 某某\n各位代表：\n"
     "现在，我代表省人民政府，向大会报告工作，请予审议。\n一、2025年工作回顾\n过去一年，经济运行稳中有进。",
     {},
     {"recipients": []}),

    ("政府令 with its number in brackets: the order that promulgates the rule is its notice_title",
     "中国（上海）自由贸易试验区临港新片区管理办法\n上海市人民政府令\n（第19号）\n"
     "《中国（上海）自由贸易试验区临港新片区管理办法》已经2019年7月30日市政府第60次常务会议通过，现予公布，"
     "自2019年8月20日起施行。\n市长 应勇\n2019年8月12日\n中国（上海）自由贸易试验区临港新片区管理办法\n"
     "第一章 总则\n第一条 为了推进临港新片区建设，制定本办法。",
     {},
     {"title": "中国（上海）自由贸易试验区临港新片区管理办法", "notice_title": "上海市人民政府令",
      "doc_number": "上海市人民政府令第19号", "issuers": ["上海市人民政府"], "signed_date": "2019-08-12"}),

    ("实施办法 is a 文种 of its own, as 实施方案 and 实施意见 are (not folded into 办法)",
     "广州市某区科技局关于印发某区支持青年创新创业实施办法的通知\n各有关单位：\n"
     "现将《某区支持青年创新创业实施办法》印发给你们，请认真贯彻执行。\n某区科技局\n2023年8月9日\n"
     "某区支持青年创新创业实施办法\n第一条 为支持青年创新创业，制定本办法。",
     {},
     {"title": "某区支持青年创新创业实施办法", "doc_type": "实施办法"}),

    ("附件： under the title heads the annex list; it is no 主送机关",
     "关于印发《某区创新区建设方案》的通知\n附件：\n1.某区创新区空间布局图\n沪科合〔2025〕7号\n"
     "现将《某区创新区建设方案》印发给你们，请认真贯彻执行。\n某区科学技术委员会\n2025年3月10日",
     {},
     {"recipients": []}),

    ("a town's government: level county (SCHEMA's four levels) with region.town",
     "上海市奉贤区柘林镇人民政府关于印发《柘林镇文物保护规划》的通知\n奉柘府〔2023〕21号\n各相关单位、部门：\n"
     "现将《柘林镇文物保护规划》印发给你们，请认真贯彻执行。\n上海市奉贤区柘林镇人民政府\n2023年10月13日",
     {},
     {"level": "county", "region.province": "上海市", "region.county": "奉贤区", "region.town": "柘林镇",
      "issuers": ["上海市奉贤区柘林镇人民政府"]}),

    ("joint notice: title keeps its issuers as printed, issuers under their full names",
     "关于加强和规范电网规划投资管理工作的通知（发改能源规〔2020〕816号）\n"
     "国家发展改革委 国家能源局关于加强和规范电网规划投资管理工作的通知\n发改能源规〔2020〕816号\n各省、自治区、直辖市发展改革委：\n"
     "为推进电力体制改革，现将有关要求通知如下：\n一、切实加强电网规划统筹协调\n国家发展改革委\n国家能源局\n2020年5月28日",
     {},
     {"title": "国家发展改革委 国家能源局关于加强和规范电网规划投资管理工作的通知",
      "issuers": ["国家发展和改革委员会", "国家能源局"], "signed_date": "2020-05-28", "level": "national"}),

    ("issuers on their own line above a 关于 title are its header, not part of it (gold: seeds 002/003)",
     "国务院办公厅、中央军委办公厅\n关于加强对侵华日军遗弃化学武器调查和管理工作的通知\n国办发〔1996〕25号\n"
     "北京市人民政府：\n为彻底消除这一隐患，现通知如下：\n一、这项工作由外交部统一归口管理。\n国务院办公厅 中央军委办公厅\n一九九六年六月二十九日",
     {},
     {"title": "关于加强对侵华日军遗弃化学武器调查和管理工作的通知",
      "issuers": ["国务院办公厅", "中央军委办公厅"], "signed_date": "1996-06-29"}),

    ("a title over two lines that does not start with 关于",
     "国务院办公厅对全国政协十届四次会议\n第4626号提案的答复\n国办函〔2006〕82号\n王超斌委员：\n"
     "您提出的《关于设立总理热线电话的提案》收悉。经研究，答复如下：\n感谢您对政府工作的关心与支持。\n国务院办公厅\n二〇〇六年十月十八日",
     {},
     {"title": "国务院办公厅对全国政协十届四次会议第4626号提案的答复", "doc_type": "答复"}),

    ("notice_title as printed, with its issuer",
     "安徽省商务厅关于印发安徽省外贸稳增长实施意见的通知\n皖商〔2022〕6号\n省有关单位：\n现将实施意见印发给你们。\n"
     "安徽省商务厅\n2022年3月23日\n安徽省外贸稳增长实施意见\n一、发展目标\n" + "到2024年，外贸进出口稳步增长。" * 120,
     {},
     {"notice_title": "安徽省商务厅关于印发安徽省外贸稳增长实施意见的通知", "title": "安徽省外贸稳增长实施意见",
      "doc_type": "实施意见"}),

    ("a notice by its issuer without 关于; the attachment prefix is not part of the policy's title",
     "上海市人民政府办公厅印发《上海市零碳园区建设工作方案》的通知\n沪府办规〔2025〕15号\n各区人民政府：\n"
     "现将《上海市零碳园区建设工作方案》印发给你们，请认真按照执行。\n上海市人民政府办公厅\n2025年12月2日\n"
     "附件：上海市零碳园区建设工作方案\n一、总体要求\n" + "推进园区绿色低碳转型。" * 150,
     {},
     {"notice_title": "上海市人民政府办公厅印发《上海市零碳园区建设工作方案》的通知",
      "title": "上海市零碳园区建设工作方案", "doc_type": "工作方案", "level": "provincial"}),

    ("a notice issuing two documents keeps the notice as its title",
     "国务院办公厅关于印发文化体制改革中经营性文化事业单位转制为企业和进一步支持文化企业发展两个规定的通知\n"
     "国办发〔2018〕124号\n各省、自治区、直辖市人民政府：\n《文化体制改革中经营性文化事业单位转制为企业的规定》和"
     "《进一步支持文化企业发展的规定》已经国务院同意，现印发给你们。\n国务院办公厅\n2018年12月18日\n"
     + "一、关于公司制股份制改革。经营性文化事业单位转制为企业。" * 80,
     {},
     {"doc_type": "通知", "notice_title": None,
      "title": "国务院办公厅关于印发文化体制改革中经营性文化事业单位转制为企业和进一步支持文化企业发展两个规定的通知"}),

    ("a date line under another document's title (a journal's next item) is not the plan's date",
     "中华人民共和国\n国民经济和社会发展第六个五年计划\n第一章 基本任务\n"
     + "第六个五年计划的基本任务，是继续贯彻执行调整、改革、整顿、提高的方针。" * 20 + "\n"
     "国务院关于同意吉林省将延吉县更名为龙井县给吉林省人民政府的批复\n一九八三年三月二十四日\n"
     "一九八三年二月二日请示收悉。同意你省将延吉县更名为龙井县。",
     {},
     {"title": "中华人民共和国国民经济和社会发展第六个五年计划", "signed_date": None}),

    ("a 印发 notice whose standards are its own body is the document: its title, no notice_title (gold F)",
     "广州市民政局 广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知\n穗民规字〔2025〕2号\n"
     "各区人民政府，市政府各部门、各直属机构：\n现将我市2025年最低生活保障及相关社会救助标准印发如下：\n"
     "一、最低生活保障标准为每人每月1263元。\n广州市民政局 广州市财政局\n2025年5月30日",
     {},
     {"doc_type": "通知", "notice_title": None, "signed_date": "2025-05-30",
      "title": "广州市民政局 广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知"}),

    ("the page's 成文日期 wins over a date line guessed from the text's end",
     "关于做好2024年春季造林工作的通知\n各区林业主管部门：\n请按要求做好造林工作。\n附件：造林任务表\n2023年12月1日",
     {"成文日期": "2024-02-20"},
     {"signed_date": "2024-02-20"}),

    ("a news agency's release: the issuers it names, the dateline in the page's year",
     "# 扩大内需战略规划纲要（2022-2035年）\n**发布日期**: 2022年12月\n**发布机构**:\n**来源**: "
     "https://www.gov.cn/zhengce/2022-12/14/content_5732067.htm\n---\n## 政策全文\n"
     "新华社北京12月14日电 近日，中共中央、国务院印发了《扩大内需战略规划纲要（2022-2035年）》，并发出通知。\n"
     "坚定实施扩大内需战略，是加快构建新发展格局的必然选择，制定本规划纲要。",
     {},
     {"title": "扩大内需战略规划纲要（2022-2035年）", "issuers": ["中共中央", "国务院"],
      "published_date": "2022-12-14", "level": "national"}),

    ("page metadata printed as a markdown list; a page title from the HTML head",
     "基本信息\n- 统一编号： GZ0320190014\n- 文 号： 穗残联规字〔2019〕2号\n- 发布机关： 广州市残疾人联合会\n"
     "各区残联：\n现将办法印发给你们，请遵照执行。\n广州市残疾人联合会\n2019年1月17日",
     {"meta:ArticleTitle": "广州市残疾人联合会关于印发广州市残疾人辅助器具适配工作管理办法的通知"},
     {"doc_number": "穗残联规字〔2019〕2号", "issuers": ["广州市残疾人联合会"],
      "title": "广州市残疾人联合会关于印发广州市残疾人辅助器具适配工作管理办法的通知", "level": "municipal"}),

    ("a page titled by the 印发 notice its text carries without a heading: the notice is notice_title",
     "各区民政局：\n我们制定了《广州市老年人助餐配餐服务管理办法》，现印发给你们，请遵照执行。\n广州市民政局\n2024年3月14日\n"
     "广州市老年人助餐配餐服务管理办法\n第一条 为规范本市老年人助餐配餐服务，制定本办法。\n第二条 本办法自2024年4月1日起施行。",
     {"meta:ArticleTitle": "广州市民政局关于印发广州市老年人助餐配餐服务管理办法的通知"},
     {"title": "广州市老年人助餐配餐服务管理办法",
      "notice_title": "广州市民政局关于印发广州市老年人助餐配餐服务管理办法的通知", "doc_type": "办法"}),

    ("a self-named plan without a title line",
     "一九九六～二○一○年，是我国改革开放和社会主义现代化建设事业承前启后的重要时期\n"
     "根据《中共中央关于制定国民经济和社会发展“九五”计划和二○一○年远景目标的建议》，制定《中华人民共和国国民经济和社会发展"
     "“九五”计划和二○一○年远景目标纲要》（以下简称《纲要》），作为组织和动员全国人民的行动纲领。",
     {},
     {"title": "中华人民共和国国民经济和社会发展“九五”计划和二○一○年远景目标纲要", "doc_type": "纲要",
      "level": "national"}),

    ("a self-named plan whose next sentence reads like a title",
     "一九九六～二○一○年，是我国改革开放和社会主义现代化建设事业承前启后的重要时期\n"
     "根据《中共中央关于制定国民经济和社会发展“九五”计划和二○一○年远景目标的建议》，制定《中华人民共和国国民经济和社会发展"
     "“九五”计划和二○一○年远景目标纲要》（以下简称《纲要》），作为组织和动员全国人民的行动纲领\n"
     "《纲要》是在发展社会主义市场经济条件下的第一个中长期规划\n"
     + "".join(f"第{i}项任务是继续深化改革开放并坚持以经济建设为中心推动国民经济持续快速健康发展\n" for i in range(25)),
     {},
     {"title": "中华人民共和国国民经济和社会发展“九五”计划和二○一○年远景目标纲要", "doc_type": "纲要",
      "level": "national"}),

    ("a regulation with no place in its name that speaks of the State Council's departments is national",
     "保障中小企业款项支付条例\n第一条 为了促进机关、事业单位和大型企业及时支付中小企业款项，制定本条例。\n"
     "第四条 国务院负责中小企业促进工作综合管理的部门对及时支付中小企业款项工作进行宏观指导。",
     {},
     {"doc_type": "条例", "level": "national"}),

    ("a plan outline saved without its title is of the 文种 it calls itself (本纲要), never invented from one mention",
     "　　第一章　发展的主要目标\n　　“十五”期间经济增长速度预期为年均7％左右\n"
     "　　第二十六章　本纲要的实施\n　　各级政府要按照本纲要的要求，制定具体措施，保障本纲要的实施",
     {},
     {"title": None, "doc_type": "纲要"}),

    ("a text with no title or issuer that speaks of the whole country is national",
     "　　一、发展的主要目标\n" + "　　全国粮食产量稳定增长，全国就业形势总体稳定。\n" * 5 + "　　本纲要由国务院组织实施",
     {},
     {"title": None, "level": "national", "region.province": None}),

    ("…but not when it speaks of one province as a whole as often",
     "　　一、发展的主要目标\n" + "　　全国粮食产量稳定增长，全省就业形势总体稳定，全省经济向好。\n" * 5,
     {},
     {"title": None, "level": None}),

    ("one self-mention is no 文种",
     "　　一、发展的主要目标\n　　经济增长速度预期为年均7％左右，本规划期内努力实现",
     {},
     {"title": None, "doc_type": None}),
]


def _document(text: str, page: dict[str, str]):
    if not page:
        return structure(text)
    return structure_raw(RawDocument(source="<case>", format="html", text=text, page_metadata=page))


@pytest.mark.parametrize("case, text, page, expected", CASES, ids=[c[0][:60] for c in CASES])
def test_genre(case, text, page, expected):
    m = _document(text, page).metadata
    for field, want in expected.items():
        got = getattr(m.region, field.split(".", 1)[1]) if field.startswith("region.") else getattr(m, field)
        assert got == want, f"{case}: {field}"


@pytest.mark.parametrize("printed, full", [
    ("国家发展改革委", "国家发展和改革委员会"),
    ("国家发展改革委办公厅", "国家发展和改革委员会办公厅"),
    ("上海市科委", "上海市科学技术委员会"),
    ("国务院国资委", "国务院国有资产监督管理委员会"),
    ("全国人大常委会", "全国人民代表大会常务委员会"),
    ("郑州市第十四届人民代表大会常务委员会", "郑州市人民代表大会常务委员会"),
    ("某市八届人民政府", "某市人民政府"),
    ("第十三届全国人民代表大会常务委员会", "全国人民代表大会常务委员会"),
    ("经酉阳土家族苗族自治县人民代表大会", "酉阳土家族苗族自治县人民代表大会"),
    ("中华人民共和国国务院", "国务院"),
    ("国家发展和改革委员会", "国家发展和改革委员会"),   # already full: unchanged
    ("中央军委办公厅", "中央军委办公厅"),
    ("第十五届全国运动会组织委员会", "第十五届全国运动会组织委员会"),   # an event's 届 is its name
])
def test_issuer_full_names_without_term(printed, full):
    assert full_issuer_name(printed) == full


def test_percent_encoded_link_residue_is_neutralised_with_offsets_kept():
    raw = ("关于做好近期工作的通知\n原文见https://www.gov.cn/a.htm#:~:text=%E8%BF%91%E6%9C%9F%E5%B7%A5 "
           "其中E5%比例不作要求。\n到2025年，完成率达到90%。")
    out = normalise(raw)
    assert "%E" not in out.text and "#:~:" not in out.text
    assert "完成率达到90%" in out.text            # a real percentage stays
    i = out.text.index("完成率")
    assert raw[to_source(out.offset_map(), i):].startswith("完成率")
    decoded = normalise("网址：https://example.cn/%E6%94%BF%E7%AD%96/index.html")
    assert "https://example.cn/政策/index.html" in decoded.text
    cut = normalise("见%E8%BF%91%E6%9C比例达到90%。")   # UTF-8 cut off mid-character: dropped
    assert cut.text == "见比例达到90%。"


def test_list_marked_page_label_does_not_reach_the_title():
    doc = structure("- 文件名称：关于加强农村公路养护的通知\n- 发文字号：某交〔2024〕3号\n各乡镇：\n"
                    "现将有关事项通知如下。\n某县交通运输局\n2024年3月1日")
    assert doc.metadata.title == "关于加强农村公路养护的通知"
    assert not doc.text.startswith("-")


def test_font_size_widget_and_breadcrumb_are_chrome():
    out = normalise("您的位置：\n首页\n>\n政务信息\n>\n要闻\n【字体：\n大\n中\n小\n】\n2026年政府工作报告\n"
                    "——2026年1月28日在云南省第十四届人民代表大会第四次会议上\n省长 王予波\n各位代表：\n现在，我代表省人民政府向大会报告工作。")
    assert out.text.splitlines()[:4] == ["2026年政府工作报告", "——2026年1月28日在云南省第十四届人民代表大会第四次会议上",
                                         "省长 王予波", "各位代表："]
