"""An indicator named from its context (pipeline/extract/indicator_context.py): table-driven cases
(tests/cases/indicator_context_cases.tsv) and a property."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from conftest import read_cases
from zhengce.pipeline.extract.indicator_context import qualify

CASES = read_cases("indicator_context_cases")


def _sibling(text: str, spec: str):
    if not spec.strip():
        return None
    evidence, indicator, unit = (f.strip() for f in spec.split(" | "))
    at = text.index(evidence)
    return SimpleNamespace(span=(at, at + len(evidence)), indicator=indicator, unit=unit)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:20] for c in CASES])
def test_case(case):
    text = case["text"]
    at = text.index(case["evidence"])
    got = qualify(text, (at, at + len(case["evidence"])), case["indicator"], _sibling(text, case["sibling"]))
    assert got == case["expected"]


def test_enough_cases():
    changed = [c for c in CASES if c["indicator"] != c["expected"]]
    assert len(changed) >= 8 and len(CASES) - len(changed) >= 4


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="，。：；、\n的每处个1２（）一.下列应当标准补贴区中心率", max_size=80), st.integers(0, 80))
def test_never_raises_and_keeps_the_name(text, at):
    at = min(at, len(text))
    got = qualify(text, (at, len(text)), "建筑面积")
    assert got is not None and "建筑面积" in got
