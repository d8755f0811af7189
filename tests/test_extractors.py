"""Clause and responsibility extractors: table-driven cases (tests/cases/*.tsv) and properties of
the whole extraction on arbitrary text (never raises, every span points at its text)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from conftest import read_cases
from zhengce.pipeline.document import structure
from zhengce.pipeline.extract import clauses, responsibilities
from zhengce.pipeline.extract.registry import run_extractors

CLAUSES = read_cases("clause_cases")
RESPONSIBILITIES = read_cases("responsibility_cases")


def _doc(text: str):
    # one numbered item, as such sentences sit in a real document
    doc = structure("一、主要任务\n（一）重点工作\n" + text)
    run_extractors(doc)
    return doc


@pytest.mark.parametrize("case", CLAUSES, ids=[c["text"][:16] for c in CLAUSES])
def test_clause_case(case):
    doc = _doc(case["text"])
    found = [c for c in doc.clauses if case["text"].rstrip("。") in c.text or c.text.rstrip("。") in case["text"]]
    assert found, [c.text for c in doc.clauses]
    c = max(found, key=lambda c: len(c.text))
    assert c.kind == case["kind"], (c.kind, c.cue)
    assert (c.cue or "") == case["cue"]
    want = [a for a in case["actors"].split("|") if a]
    if want:
        assert c.actors == want
    else:
        assert not [a for a in c.actors if a]


@pytest.mark.parametrize("case", RESPONSIBILITIES, ids=[c["text"][:16] for c in RESPONSIBILITIES])
def test_responsibility_case(case):
    doc = _doc(case["text"])
    got = sorted(f"{r.unit}/{r.role}" for r in doc.responsibilities)
    want = sorted(p for p in case["expected"].split("|") if p)
    assert got == want
    for r in doc.responsibilities:
        s, e = r.span
        assert (r.surface or r.unit) in doc.text[s:e] or doc.text[s:e] in (r.surface or r.unit)


def test_unit_lists_never_split_inside_a_unit():
    units = [u for u, _, _ in responsibilities.split_units("市委编办、市人社局，各县、市、区政府和管委会", 0)]
    assert units == ["市委编办", "市人社局", "各县、市、区政府和管委会"]


def test_negated_and_embedded_cues():
    assert clauses.decide("这是一项重要改革")[0] == "other"        # 要 inside 重要
    assert clauses.decide("形成可持续的发展模式")[0] == "other"     # 可 inside 可持续
    assert clauses.decide("各地不得不调整计划")[0] == "obligation"


policy_text = st.text(alphabet=st.sampled_from(list(
    "一二三、（）()，。；：\n要应不得鼓励支持可力争到2025年达100%以上市县教育局负责责任单位牵头《》〔〕号每学期至少1次")), max_size=400)


@settings(max_examples=150, deadline=None)
@given(policy_text)
def test_extraction_never_raises_and_spans_point_at_their_text(text):
    doc = structure(text)
    run_extractors(doc)
    t = doc.text
    for c in doc.clauses:
        assert t[c.span[0]:c.span[1]] == c.text
    for x in doc.targets + doc.time_expressions:
        assert 0 <= x.span[0] <= x.span[1] <= len(t)
        assert t[x.span[0]:x.span[1]] == x.text
    for r in doc.responsibilities + doc.citations:
        assert 0 <= r.span[0] <= r.span[1] <= len(t)
    for s in doc.sections:
        assert s.heading in t[s.span[0]:s.span[1]]


def test_canonical_unit_keeps_what_was_written():
    doc = _doc("落实资金保障。（责任单位：市教育局（市体育局）、区发展和改革委员会）")
    got = {(r.unit, r.surface) for r in doc.responsibilities}
    assert got == {("市教育局", "市教育局（市体育局）"), ("区发展改革委", "区发展和改革委员会")}
