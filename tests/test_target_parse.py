"""The sentence-level target parser: table-driven cases (tests/cases/target_cases.tsv) and properties."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import read_cases
from zhengce.pipeline.extract.target_parse import (
    TargetCandidate, is_past_fact, is_review_heading, parse_number, parse_targets)

CASES = read_cases("target_cases")


def _parse_expected(spec: str) -> list[dict]:
    if spec.strip() == "none":
        return []
    out = []
    for item in spec.split(" ; "):
        parts = item.split()
        cmp_, value, unit = parts[:3]
        lo, _, hi = value.partition("-") if parts[0] == "range" else (value, "", "")
        want = {"comparator": cmp_, "value": float(lo), "value_max": float(hi) if hi else None,
                "unit": None if unit == "-" else unit}
        for extra in parts[3:]:
            key, _, val = extra.partition("=")
            want[{"rec": "recurrence", "by": "deadline_text", "ind": "indicator", "text": "text"}[key]] = \
                None if key == "by" and val == "-" else val
        out.append(want)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["sentence"][:24] for c in CASES])
def test_case(case):
    got = parse_targets(case["sentence"])
    want = _parse_expected(case["expected"])
    summary = [(c.comparator, c.value, c.value_max, c.unit, c.indicator, c.text) for c in got]
    assert len(got) == len(want), summary
    for c, w in zip(got, want):
        for key, val in w.items():
            assert getattr(c, key) == val, (key, summary)


def test_assert_enough_cases():
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if c["expected"] == "none") >= 15


def test_base_offsets_spans():
    s = "力争2021年底义务教育阶段优质教育资源覆盖率达到80%,2022年底全覆盖"
    for c in parse_targets(s, base=1000):
        assert s[c.span[0] - 1000:c.span[1] - 1000] == c.text


@pytest.mark.parametrize("text,value", [
    ("99", 99), ("1.5", 1.5), ("1.5万", 1.5), ("百分之八十", 80), ("八成", 80), ("三", 3), ("两", 2),
    ("二〇二五", 2025), ("十四", 14), ("一百二十", 120), ("5,898", 5898), ("30%", 30), ("三点五", 3.5),
    ("两万", 2), ("十", 10)])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "万", "百分之", "成", "一二三四五六七八九十十十", "%"])
def test_parse_number_none(text):
    v = parse_number(text)
    assert v is None or isinstance(v, float)


@pytest.mark.parametrize("sentence,doc_year,past", [
    ("2020年,全区各级各类学校专任教师2991名", None, True),
    ("至2020年底,全区有省市特级教师18人", 2022, True),
    ("全区累计投入5,898万元进行教育信息化建设", None, True),
    ("“十三五”期间，新建学校12所", 2022, True),
    ("缩小了校际差距，推进了教育均衡发展", None, True),
    ("学前教育毛入园率达到99%", None, False),
    ("到2025年，学前教育毛入园率达到99%", 2022, False),
    ("在2020年基础上，到2025年公办园占比达到50%以上", 2022, False),
    ("为了保障学生权益，每学期至少召开1次家长委员会会议", None, False),
    ("力争已建成学校全部达标", None, False),
])
def test_is_past_fact(sentence, doc_year, past):
    assert is_past_fact(sentence, doc_year) is past


def test_is_review_heading():
    assert is_review_heading("一、“十三五”教育事业发展情况")
    assert not is_review_heading("三、“十四五”教育事业发展重点任务")


def test_past_candidates_still_returned():
    s = "2020年,全区学前三年毛入园率达98.5%"
    assert parse_targets(s) and is_past_fact(s)


_ALPHABET = list("达到提高至保持不低于少超过突破以上下内左右约每学期年月日天次个所人名万亿元%％‰.0123456789"
                 "一二两三四五六七八九十百千〇—-～至到（）()《》〈〉〔〕【】“”、，,。；;：:！？\n "
                 "全覆盖率比例按的给予最高控制在分别和及与第条是简称可申报罚款")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=120), st.integers(min_value=0, max_value=10 ** 6))
def test_parse_targets_never_raises_and_spans_hold(text, base):
    for c in parse_targets(text, base):
        assert isinstance(c, TargetCandidate)
        a, b = c.span
        assert base <= a < b <= base + len(text)
        assert text[a - base:b - base] == c.text
        assert c.comparator in (">=", "<=", "=", ">", "<", "range", "approx")
        if c.comparator == "range":
            assert c.value_max is not None and c.value_max >= c.value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_unicode_never_raises(text):
    for c in parse_targets(text, 7):
        assert text[c.span[0] - 7:c.span[1] - 7] == c.text
    parse_number(text)
    is_past_fact(text)
    is_past_fact(text, 2022)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("一二两三四五六七八九十百千万亿〇零点成分之0123456789.,%")), max_size=12))
def test_parse_number_never_raises(text):
    v = parse_number(text)
    assert v is None or isinstance(v, float)


def test_speed_60k_document():
    seeds = sorted(Path("/work/shared/seeds").glob("*.txt")) or sorted(
        (Path(__file__).resolve().parent.parent / "corpus" / "seeds").glob("*"))
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in seeds if p.is_file())
    if not text:
        pytest.skip("no seed documents")
    while len(text) < 60000:
        text += text
    text = text[:60000]
    sents = [(m.start(), m.group()) for m in re.finditer(r"[^。；！？\n]+[。；！？]?", text)]
    # every sentence of a 60k-character text parses, spans in bounds (speed: bench/extractors.py)
    for start, s in sents:
        for c in parse_targets(s, start):
            assert start <= c.span[0] <= c.span[1] <= start + len(s)


@pytest.mark.parametrize("sentence,baselines", [
    ("农村低保标准占城镇低保标准的最低比例从77%提高到80%以上", [(77.0, None)]),
    ("种植业所占比重由1985年的66%下降到62%", [(66.0, 1985)]),
    ("标准分别从每人每月209元、280元提高到217元、290元", [(209.0, None), (280.0, None)]),
    ("森林覆盖率要由目前的12%提高到14%左右", [(12.0, None)]),
    ("农业所占比重由1985年的23.9%下降为21%", [(23.9, 1985)]),                 # …下降为: a from-to too
    ("城镇就业人数由1980年的2，425万人增加到3，525万人", [(2425.0, 1980)]),   # thousands grouped by ，
])
def test_from_to_baseline(sentence, baselines):
    """从X提高到Y: X (and the year written with it) is Y's baseline, not a target; the year is no deadline."""
    got = parse_targets(sentence)
    assert [c.baseline for c in got] == baselines
    assert all(c.deadline_text is None for c in got)


def test_not_target_table_and_guards_agree():
    """Every row of target_not_targets.tsv has its guard in _NOT_TARGET and every guard its row (with a reason)."""
    from zhengce.pipeline.extract.target_parse import _NOT_TARGET
    from zhengce.pipeline.lexicon import table
    rows = table("target_not_targets")
    assert [r["guard"] for r in rows if r["reason"]] == [r["guard"] for r in rows]
    assert sorted(r["guard"] for r in rows) == sorted(_NOT_TARGET)
