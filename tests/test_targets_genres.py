"""Numeric targets on documents of other genres than the seeds: action plans counting what they
will build, regulations setting time limits, government work reports with a review part and a plan
part, goal lists under a 到2025年 intro, annexes.  Table-driven (tests/cases/target_genre_cases.tsv):
each row is a short document run through the whole pipeline and the target tuples it must give."""
from __future__ import annotations

import re

import pytest

from conftest import read_cases
from zhengce.pipeline.document import structure
from zhengce.pipeline.extract.registry import run_extractors
from zhengce.pipeline.extract.targets import is_text_evidence

CASES = read_cases("target_genre_cases")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _targets(doc_text: str):
    if not re.search(r"\d{4}年\d{1,2}月\d{1,2}日\s*$", doc_text):
        doc_text = doc_text.rstrip("\n") + "\n\n2023年3月1日"
    doc = structure(doc_text)
    run_extractors(doc)
    return doc


def _expected(spec: str) -> list[dict]:
    if spec.strip() == "none":
        return []
    out = []
    for item in spec.split(" ; "):
        parts = item.split()
        cmp_, value, unit = parts[:3]
        lo, _, hi = value.partition("-") if cmp_ == "range" else (value, "", "")
        want = {"comparator": cmp_, "value": float(lo), "value_max": float(hi) if hi else None, "unit": unit}
        for extra in parts[3:]:
            key, _, val = extra.partition("=")
            if key == "by":
                want["deadline"] = None if val == "-" else val
            elif key == "ind":
                want["indicator"] = val
            elif key == "ind^":
                want["indicator^"] = val
            elif key == "rec":
                want["recurrence"] = val
            elif key == "bind":
                want["binding"] = None if val == "-" else val
        out.append(want)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["rule"] for c in CASES])
def test_target_genre_case(case):
    doc = _targets(case["doc"])
    got = doc.targets
    want = _expected(case["expected"])
    summary = [(t.comparator, t.value, t.value_max, t.unit, t.indicator, t.deadline, t.text) for t in got]
    assert len(got) == len(want), summary
    for t, w in zip(got, want):
        for key, val in w.items():
            if key == "indicator^":
                assert (t.indicator or "").startswith(val), (key, summary)
            else:
                assert getattr(t, key) == val, (key, summary)


def test_every_target_is_chinese_text_with_its_span():
    for case in CASES:
        doc = _targets(case["doc"])
        for t in doc.targets:
            assert CJK.search(t.text), t
            assert doc.text[t.span[0]:t.span[1]] == t.text


@pytest.mark.parametrize("text,context,ok", [
    ("地区生产总值增长5%左右", "今年地区生产总值增长5%左右，城镇新增就业", True),
    ("90%", "E5%比例=90%", False),
    ("比例=90%", "index.html?E5%A4%B1比例=90%", False),
    ("覆盖率达到90%", "见 http://www.gov.cn 覆盖率达到90%", False),
    ("覆盖率达到85%", "覆盖率达到85%2025年森林覆盖率", True),          # flattened text: %20 is no encoding
])
def test_text_evidence(text, context, ok):
    assert is_text_evidence(text, context) is ok
