"""Corpus health (zhengce report): the figures that need no gold, on records, folders and stores."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import SEEDS
from zhengce.pipeline.health import document_health, health, indicator_malformed, markdown, target_not_text

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def zc(*args):
    return subprocess.run([sys.executable, "-m", "zhengce", *args], capture_output=True, text=True,
                          encoding="utf-8", env=ENV, timeout=600)


def target_in(text: str, evidence: str) -> tuple[dict, str]:
    s = text.index(evidence)
    return {"text": evidence, "span": [s, s + len(evidence)], "indicator": "x", "deadline": None}, text


@pytest.mark.parametrize("text, evidence, bad", [
    ("到2025年，学前教育毛入园率达到90%。", "毛入园率达到90%", False),
    ("原文链接：https://www.gov.cn/zhengce/content/2021-05/06/content_5604786.htm 比例达到90%", "比例达到90%", True),
    ("#:~:text=%E8%BF%91%E5%B9%B4%E6%AF%94%E4%BE%8B 90%", "%E6%AF%94%E4%BE%8B 90%", True),
    ("score: 90%", "90%", True),                                             # no Chinese in the evidence
    ("var a = {x: 1}; {y: 2} 覆盖率达到95%", "覆盖率达到95%", True),           # code around it
    ("城镇登记失业率控制在5.5%以内，居民收入增长和经济增长同步", "控制在5.5%以内", False),
])
def test_target_not_text(text, evidence, bad):
    t, txt = target_in(text, evidence)
    assert target_not_text(t, txt) is bad


@pytest.mark.parametrize("indicator, bad", [
    ("学前教育毛入园率", False),
    ("交流比例（占符合交流条件人数）", False),
    ("“双一流”建设高校数量", False),
    ("按期完成率", False),
    ("新建住宅小区应当按照套内建筑面积", True),       # a modal left in
    ("按照每月金额", True),                            # a manner word opening it
    ("市）房产主管部门作出决定时限", True),            # a bracket cut open
    ("各区按照“中心城区时间", True),                   # a quote cut open
    (None, False),
])
def test_indicator_malformed(indicator, bad):
    assert indicator_malformed(indicator) is bad


def record(**meta_over):
    meta = {"title": "关于推进某事的实施方案", "doc_type": "实施方案", "signed_date": "2021-01-02",
            "published_date": None, "level": "municipal", "issuers": ["某市人民政府"],
            "region": {"province": "山西省", "city": "太原市", "county": None}}
    meta.update(meta_over)
    text = "到2025年，毛入园率达到90%。各部门要落实。" + "其他内容。" * 10
    clauses = [{"kind": "goal"}, {"kind": "obligation"}] + [{"kind": "other"}] * 10
    return {"doc_id": "d1", "source": "/x/a.txt", "metadata": meta, "text": text, "clauses": clauses,
            "targets": [{"text": "毛入园率达到90%", "span": [6, 15], "indicator": "毛入园率", "deadline": "2025-12-31"}],
            "responsibilities": [], "quality": {"flags": []}}


def test_document_problems_name_what_is_missing():
    d = document_health(record(title=None, doc_type=None, issuers=[]))
    assert d.missing == ["title", "doc_type", "issuer"]
    assert d.problems[0] == "no title, doc_type" and "no issuer" in d.problems
    assert any("clauses other" in p for p in d.problems)        # 10 of 12 clauses are other
    assert document_health(record()).problems == ["83% of clauses other"]


def test_health_figures_and_worst_order():
    good, bad = record(), record(title=None, signed_date=None)
    bad["doc_id"] = "d2"
    rep = health([good, bad], failures=[{"path": "x.pdf", "error": "broken"}])
    assert rep["documents"] == 2 and rep["load_failures"] == 1
    assert rep["metadata"]["title"] == 0.5 and rep["all_four"] == 0.5
    assert rep["targets"] == {"total": 2, "per_document": 1.0, "not_text": 0, "with_deadline": 1.0, "with_indicator": 1.0,
                              "indicator_malformed": 0}
    assert rep["clauses"]["kinds"]["goal"] == round(2 / 24, 3) and rep["clauses"]["other"] == round(20 / 24, 3)
    assert rep["worst"][0]["doc_id"] == "d2"
    md = markdown(rep, "test")
    assert "| 50.0% |" in md and "x.pdf" in md


def test_report_cli_on_a_folder_and_a_store(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(p, folder / p.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    out = zc("report", str(folder), "--json")
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    assert rep["documents"] == 2 and rep["load_failures"] == 1
    assert rep["failures"][0]["path"].endswith("broken.pdf")
    assert rep["all_four"] == 1.0 and rep["targets"]["not_text"] == 0
    db = tmp_path / "s.db"
    assert zc("ingest", str(folder), "--db", str(db), "--quiet").returncode == 1   # the broken file
    from_store = json.loads(zc("report", "--db", str(db), "--json").stdout)
    assert {k: from_store[k] for k in ("documents", "metadata", "targets", "clauses")} == \
           {k: rep[k] for k in ("documents", "metadata", "targets", "clauses")}
    text = zc("report", "--db", str(db))
    assert text.returncode == 0 and "title+type+date+level" in text.stdout
    assert zc("report").returncode == 2 and "one of the two" in zc("report").stderr
