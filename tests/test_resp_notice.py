"""Responsibilities in a notice's own words (SCHEMA "Responsibilities"): a notice, reply or bulletin
without numbered sections, or the cover notice before a forwarded policy, charges the units it names
before a modal or after 由; its addressees asked by 请 are no entries.  Table-driven: each row is a
whole short document and the unit/role pairs expected."""
from __future__ import annotations

import pytest

from zhengce.pipeline.document import structure
from zhengce.pipeline.extract.registry import run_extractors

CASES = [
    # a notice with no sections: 由X names the unit; the addressees are asked by 请, no entry
    ("国务院办公厅关于调整领导小组组成人员的通知\n各省、自治区、直辖市人民政府：\n"
     "领导小组成员因工作变动等需要调整的，由所在单位向领导小组办公室提出，报领导小组组长审批。\n请认真贯彻执行。",
     ["所在单位/responsible"]),
    # a forwarding notice before the forwarded opinion: the units it charges by name
    ("国务院办公厅转发民政部关于清理整顿社会团体意见的通知\n各省、自治区、直辖市人民政府：\n"
     "请结合本地区的实际情况，认真贯彻执行。\n民政、公安、国家安全等部门要积极配合。\n一、总体要求\n（一）加强管理。",
     ["民政、公安、国家安全等部门/support"]),
    # a reply letter: the province it charges
    ("国务院关于同意申办运动会的复函\n黑龙江省人民政府：\n你省请示收悉。\n运动会申办全部经费由黑龙江省人民政府承担。",
     ["黑龙江省人民政府/responsible"]),
    # a bulletin's account of what was found names no task
    ("国务院办公厅关于督查发现问题的通报\n各省、自治区、直辖市人民政府：\n实地督查发现，一些地方推进工作不力，效果不好。",
     []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:12] for c in CASES])
def test_notice_units(text, expected):
    doc = structure(text)
    run_extractors(doc)
    assert sorted(f"{r.unit}/{r.role}" for r in doc.responsibilities) == sorted(expected)
