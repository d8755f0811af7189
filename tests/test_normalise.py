"""The normaliser: table-driven cases (tests/cases/normalise_cases.tsv) and properties."""
from __future__ import annotations

import pytest
from hypothesis import example, given, settings, strategies as st

from conftest import read_cases
from zhengce.pipeline.normalise import normalise, parse_label_line, to_source

CASES = read_cases("normalise_cases")


@pytest.mark.parametrize("case", CASES, ids=[c["input"][:20] for c in CASES])
def test_case(case):
    out = normalise(case["input"])
    assert out.text == case["expected"]
    wanted = {f for f in case["flags"].split(",") if f}
    assert wanted <= out.flags


def test_page_table_values_are_kept():
    out = normalise("索引号 | 012236934/2022-01279 | 主题分类 | 科技、教育 |\n发文字号 | 成文日期 | 2022-08-25 |\n正文。")
    assert out.page_metadata["索引号"] == "012236934/2022-01279"
    assert out.page_metadata["成文日期"] == "2022-08-25"
    assert out.page_metadata["发文字号"] == ""


def test_label_value_layout():
    text = "拼音\n索引号\n000014349/2021-41258\n发文字号\n随政发[2021]9号\n市人民政府关于深化基础教育改革的意见\n各县政府：\n正文。"
    out = normalise(text)
    assert out.page_metadata["索引号"] == "000014349/2021-41258"
    assert out.page_metadata["发文字号"] == "随政发[2021]9号"
    assert out.text.startswith("市人民政府关于")


def test_parse_label_line_spaced_labels():
    got = parse_label_line("主题词: 发布机构: 沁源县政府 文    号: 沁政发〔2017〕3号")
    assert got == {"主题词": "", "发布机构": "沁源县政府", "文号": "沁政发〔2017〕3号"}


def test_offsets_point_back_into_the_source():
    raw = "拼音\n\n　　一、总体要求\r\n各中小学要结合实际，可自主安排教\n\n学计划。"
    out = normalise(raw)
    i = out.text.index("学计划")
    assert raw[out.source_index[i]:out.source_index[i] + 3] == "学计划"
    assert to_source(out.offset_map(), i) == out.source_index[i]


chinese = st.text(alphabet=st.sampled_from(list("一二三、（）()，,：:；;。\n\r 　关于印发通知的要市县局厅1２3〔〕[]【】号年月日|??《》“”必赢体育Ａa") ),
                  max_size=300)


@settings(max_examples=300, deadline=None)
@given(chinese)
# cases Hypothesis and a fuzzer found: a line opening with a half-width bracket, a half-width
# bracket left open, a bare number beside a line that joins or a lone | that is dropped later
@example(":\r)\r”")
@example("(\n。、中\r(")
@example("育\r1\r(通]》;关月")
@example("”\r２\r;]”县市）\n,")
@example("》）日\r13\n|")
@example("２\r|")
@example("一  一 一")   # two spaces, then one: collapsed before letter-spacing is closed
def test_never_raises_and_is_idempotent(raw):
    once = normalise(raw)
    twice = normalise(once.text)
    assert twice.text == once.text


@settings(max_examples=300, deadline=None)
@given(chinese)
def test_source_index_is_monotone_and_cjk_maps_back(raw):
    out = normalise(raw)
    assert len(out.source_index) == len(out.text)
    assert all(0 <= s < max(len(raw), 1) for s in out.source_index)
    assert all(a <= b for a, b in zip(out.source_index, out.source_index[1:]))
    for i, ch in enumerate(out.text):
        if "\u4e00" <= ch <= "\u9fff":
            assert raw[out.source_index[i]] == ch
    for i in range(0, len(out.text), 7):
        assert to_source(out.offset_map(), i) == out.source_index[i]


# ideographs, and what sits beside them that NFKC rewrites, decomposes, reorders or composes: combining
# marks, Hangul jamo, full-width forms, circled numbers, compatibility ideographs
nfkc_mix = st.text(alphabet=st.sampled_from(list("政策一丁\u9fff\u4e00\u0301\u0323\u0308e\u1100\u1161\u11a8가"
                                                 "ＡａＡ１，。①㈠ﬁ\uf900\uf901〔】 \u3000")), max_size=60)


@settings(max_examples=500, deadline=None)
@given(nfkc_mix)
@example("e\u0301政\u0323")
@example("\u1100政\u1161")
def test_document_id_nfkc_by_runs_equals_nfkc_of_the_whole(text):
    import unicodedata
    from zhengce.pipeline.document import _nfkc
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)


def test_a_text_without_full_stops_keeps_one_sentence_a_line():
    # old plans saved one sentence a line with their 。 lost: joining the lines ran sentences together
    lines = [f"第{i}项工作的主要指标是城镇新增就业人数达到{i}00万人并保持稳定增长态势" for i in range(1, 25)]
    out = normalise("\n".join(lines))
    assert out.text.split("\n") == lines
    # the same lines in a text whose sentences end in 。 are a paragraph broken by layout, and join
    broken = ["城镇新增就业人数达到1000万人以上，城镇调查失业率控制在百分之五点五左右，居民收入增长", "和经济增长基本同步。"]
    assert normalise("\n".join(broken * 12)).text.count("\n") < 23
