"""Time expressions: table-driven cases (tests/cases/time_cases.tsv), period_end, properties."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from conftest import read_cases
from zhengce.pipeline.extract.time import extract_time_expressions, period_end
from zhengce.pipeline.model import TimeExpression

CASES = read_cases("time_cases")
DEFAULT_DATE = date(2022, 8, 17)


def _doc_date(cell: str):
    if cell == "none":
        return None
    return date.fromisoformat(cell) if cell else DEFAULT_DATE


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c['text'][:16]}" for i, c in enumerate(CASES)])
def test_case(case):
    got = extract_time_expressions(case["text"], _doc_date(case["doc_date"]))
    if case["n"]:
        assert len(got) == int(case["n"]), [g.text for g in got]
    if case["expected"] == "-":
        assert got == [], [g.text for g in got]
        return
    hits = [g for g in got if g.text == case["expected"]]
    assert hits, f"{case['expected']!r} not in {[g.text for g in got]}"
    t = hits[0]
    assert t.kind == case["kind"]
    assert t.start == (case["start"] or None)
    assert t.end == (case["end"] or None)
    assert t.recurrence == (case["recurrence"] or None)
    assert case["text"][t.span[0]:t.span[1]] == t.text


@pytest.mark.parametrize("phrase, doc_date, expected", [
    ("2025年", None, "2025-12-31"),
    ("2021年底", None, "2021-12-31"),
    ("十四五", None, "2025-12-31"),
    ("“十四五”", None, "2025-12-31"),
    ("2022年6月", None, "2022-06-30"),
    ("2024年2月", None, "2024-02-29"),
    ("2021年底前", None, "2021-12-31"),
    ("到2025年", None, "2025-12-31"),
    ("2017年3月—2017年9月", None, "2017-09-30"),
    ("2021—2025年", None, "2025-12-31"),
    ("上半年", date(2023, 3, 1), "2023-06-30"),
    ("上半年", None, None),
    ("用三年时间", date(2022, 8, 17), "2025-08-17"),
    ("每学期", None, None),
    ("适时", None, None),
    ("", None, None),
])
def test_period_end(phrase, doc_date, expected):
    assert period_end(phrase, doc_date) == expected


def test_order_and_spans_in_a_paragraph():
    text = ("“十三五”时期，全区教育投入持续增加。2020年，全区教育投入10.29亿元，较2015年增长50%。"
            "到2025年，学前教育毛入园率达到99%；每学期至少召开1次家长委员会会议。")
    got = extract_time_expressions(text, DEFAULT_DATE)
    assert [g.text for g in got] == ["“十三五”", "2020年", "2015年", "2025年", "每学期"]
    assert all(text[g.span[0]:g.span[1]] == g.text for g in got)
    assert [g.kind for g in got] == ["named_period", "date", "date", "date", "recurrence"]


def test_result_items_are_time_expressions():
    got = extract_time_expressions("2021年5月20日", None)
    assert isinstance(got[0], TimeExpression)
    assert got[0].model_dump(mode="json")["span"] == [0, 10]


def test_leap_day_and_invalid_dates():
    assert extract_time_expressions("2024年2月29日")[0].start == "2024-02-29"
    # 2月30日 is not a date: the year alone is still one
    got = extract_time_expressions("2023年2月30日")
    assert [g.text for g in got] == ["2023年"]


def test_doc_number_and_index_number_are_not_dates():
    text = "索引号：000014349/2021-41258\n随政发〔2021〕9号\n沪府规〔2023〕13号"
    assert extract_time_expressions(text, DEFAULT_DATE) == []


def test_metadata_label_on_its_own_line():
    text = "发布日期\n2021-06-25\n发文字号\n随政发[2021]9号\n正文：2021年底前完成。"
    got = extract_time_expressions(text, DEFAULT_DATE)
    assert [g.text for g in got] == ["2021年底"]


def test_body_time_label_is_kept():
    got = extract_time_expressions("一、活动时间：2021年3月至5月", DEFAULT_DATE)
    assert [(g.text, g.kind) for g in got] == [("2021年3月至5月", "interval")]


def test_a_dense_60k_character_text():
    # about 20 expressions per 1000 characters: several times denser than a real policy text
    para = ("（三）推进义务教育优质均衡发展。到2025年，全区义务教育巩固率达到99.7%以上，"
            "“十四五”期间新建学校3所，每学期至少召开1次会议，用三年时间基本消除薄弱学校，"
            "2017年3月—2017年9月开展试点，学前三年毛入园率保持90%以上，及时反馈。\n"
            "各中小学要结合实际，办出特色、办出水平，建立健全学校章程，完善内部治理结构，"
            "一校一策推进课程改革，统一思想、明确任务，进一步激发办学活力，确保各项工作落到实处。\n")
    text = (para * (60000 // len(para) + 1))[:60000]
    got = extract_time_expressions(text, DEFAULT_DATE)   # (its speed: bench/extractors.py)
    assert len(got) > 800
    assert all(text[t.span[0]:t.span[1]] == t.text for t in got)


# --- properties --------------------------------------------------------------------------------

ALPHABET = list("0123456789０１２一二两三四五六七八九十〇○零年月日号底初中末上下半旬季度第每隔学期周天时间内间来"
                "至到—-~～、，。：:|“”\"十四五普法个行动计划规划用近连续今明去本节教师国家宪法日·. \n发布日期索引号〔〕/")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=120),
       st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))))
def test_properties_on_time_like_text(text, doc_date):
    _check_invariants(text, doc_date)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.dates()))
def test_properties_on_arbitrary_text(text, doc_date):
    _check_invariants(text, doc_date)


def _check_invariants(text, doc_date):
    got = extract_time_expressions(text, doc_date)
    prev_end = 0
    for t in got:
        s, e = t.span
        assert 0 <= s < e <= len(text)
        assert s >= prev_end                      # in order, non-overlapping
        assert text[s:e] == t.text
        assert t.kind in ("date", "interval", "named_period", "recurrence", "duration")
        if t.kind == "recurrence":
            assert t.recurrence and t.start is None and t.end is None
        if t.start and t.end:
            assert date.fromisoformat(t.start) <= date.fromisoformat(t.end)
        prev_end = e
    period_end(text, doc_date)                    # never raises either


@pytest.mark.parametrize("doc_date", [date(1, 1, 1), date(9999, 12, 31), None])
def test_extreme_document_dates_do_not_raise(doc_date):
    text = "明年冬季、去年上半年、今年底，三年内，近三年来，5年间，用两周时间，未来五年，2月下旬，2021年至今"
    for t in extract_time_expressions(text, doc_date):
        assert (t.start is None) == (t.end is None)


def test_registry_interface_fills_the_document():
    from zhengce.pipeline.extract.time import extract
    from zhengce.pipeline.model import Document, Metadata
    doc = Document(doc_id="x", source="x.txt", format="txt", text="用三年时间基本消除薄弱学校，上半年完成。",
                   metadata=Metadata(signed_date="2022-08-17"))
    extract(doc)
    assert [(t.text, t.start, t.end) for t in doc.time_expressions] == [
        ("用三年时间", "2022-08-17", "2025-08-17"), ("上半年", "2022-01-01", "2022-06-30")]


HOLIDAYS = ("国务院办公厅关于2026年部分节假日安排的通知\n经国务院批准，现将2026年元旦、春节放假调休日期的具体安排"
            "通知如下。\n一、元旦：1月1日放假，共3天。1月4日（周日）上班。二、春节：2月中旬放假。\n国务院办公厅\n2025年11月4日")


def test_a_notice_about_next_year_reads_month_days_in_that_year():
    from zhengce.pipeline.extract.time import reference_year
    signed = date(2025, 11, 4)
    year = reference_year("国务院办公厅关于2026年部分节假日安排的通知", HOLIDAYS, signed)
    assert year == 2026
    got = {t.text: (t.start, t.end) for t in extract_time_expressions(HOLIDAYS, signed, year)}
    assert got["1月1日"] == ("2026-01-01", "2026-01-01")
    assert got["1月4日"] == ("2026-01-04", "2026-01-04")
    assert got["2月中旬"][0] == "2026-02-11"
    assert got["2025年11月4日"] == ("2025-11-04", "2025-11-04")   # a dated date keeps its year


@pytest.mark.parametrize("title, text, signed", [
    ("关于印发2021—2025年教育发展规划的通知", "2021年", date(2021, 3, 1)),     # a range: no single year
    ("2021年崇明区城市体检工作方案", "2021年全面开展", date(2021, 9, 9)),      # the signing year itself
    ("关于2026年部分节假日安排的通知", "元旦：1月1日放假", date(2025, 11, 4)),  # the text never names it
    ("关于2030年远景目标的通知", "到2030年", date(2025, 1, 1)),                # not the adjacent year
])
def test_reference_year_only_when_the_document_is_about_an_adjacent_year(title, text, signed):
    from zhengce.pipeline.extract.time import reference_year
    assert reference_year(title, text, signed) is None


def test_registry_reads_month_days_in_the_year_of_the_title():
    from zhengce.pipeline.extract.time import extract
    from zhengce.pipeline.model import Metadata

    class Doc:
        text = HOLIDAYS
        metadata = Metadata(title="国务院办公厅关于2026年部分节假日安排的通知", signed_date="2025-11-04")
    doc = Doc()
    extract(doc)
    assert {t.text: t.start for t in doc.time_expressions}["1月1日"] == "2026-01-01"


# a plan without a date of its own is read as of the first day of the period its title names
PLAN_STARTS = [
    ("中华人民共和国国民经济和社会发展第六个五年计划", "1981-01-01"),
    ("中华人民共和国国民经济和社会发展“九五”计划和二○一○年远景目标纲要", "1996-01-01"),
    ("中华人民共和国于一九五三年开始伟大的发展国民经济的第一个五年计划", "1953-01-01"),
    ("黄浦区历史风貌保护和利用“十四五”规划", "2021-01-01"),
    ("关于2026年部分节假日安排的通知", None),
    ("某市物业管理条例", None),
]


@pytest.mark.parametrize("title,start", PLAN_STARTS)
def test_plan_start(title, start):
    from zhengce.pipeline.extract.time import plan_start
    got = plan_start(title)
    assert (got.isoformat() if got else None) == start
