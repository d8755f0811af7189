"""Region and level: table-driven cases (tests/cases/region_cases.tsv), the division table and its
aliases, ``lookup``, and the cost of a resolve."""
from __future__ import annotations


import pytest

from conftest import SEEDS, read_cases
from zhengce.pipeline.model import Region
from zhengce.pipeline.structure import region as region_module
from zhengce.pipeline.structure.region import gazetteer, lookup, resolve_region

CASES = read_cases("region_cases")


def _issuers(cell: str) -> list[str]:
    return [i.strip() for i in cell.split(" | ") if i.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_case(case):
    region, level, notes = resolve_region(_issuers(case["issuers"]), case["doc_number"] or None,
                                          case["title"] or None, case["text"])
    want = Region(**{k: case[k] or None for k in ("province", "city", "county", "code", "town")})
    assert (region, level) == (want, case["level"] or None), notes
    assert all(isinstance(n, str) for n in notes)


def test_inferred_and_ambiguous_places_leave_a_note():
    _, _, notes = resolve_region(["市人民政府"], "随政发〔2021〕9号", None, "随州")
    assert any("随州市" in n for n in notes)
    _, _, notes = resolve_region(["鼓楼区人民政府"], None, None, "")
    assert any("ambiguous" in n and "南京市" in n and "福州市" in n for n in notes)
    _, _, notes = resolve_region(["太原市杏花岭区人民政府"], "杏政发〔2022〕17号", None, "")
    assert notes == []


def test_division_table_comes_from_cpca():
    g = gazetteer()
    assert len(g.divisions) > 3000
    path = region_module._package_resource("cpca", "resources", "adcodes.csv")
    assert path.is_file() and path.parts[-3:] == ("cpca", "resources", "adcodes.csv")
    xinghualing = g.divisions["140107"]
    assert (xinghualing.name, xinghualing.rank, xinghualing.city_code, xinghualing.province_code) == \
        ("杏花岭区", region_module.COUNTY, "140100", "140000")
    # The municipalities' 市辖区 is a placeholder: a district lies directly under the municipality.
    assert g.divisions["310114"].city_code is None
    assert all(d.name not in region_module.PLACEHOLDERS for d in g.divisions.values())


@pytest.mark.parametrize("alias, full", [
    ("山西", "山西省"), ("宁夏", "宁夏回族自治区"), ("太原", "太原市"), ("杏花岭", "杏花岭区"),
    ("原州", "原州区"), ("沁源", "沁源县"), ("内蒙古", "内蒙古自治区"), ("新疆", "新疆维吾尔自治区"),
    ("恩施州", "恩施土家族苗族自治州"), ("黔东南", "黔东南苗族侗族自治州"), ("巴音郭楞", "巴音郭楞蒙古自治州"),
    ("清新", "清新区"), ("浦东", "浦东新区"),
])
def test_short_names(alias, full):
    key = gazetteer().places[alias]
    assert key.kind == "alias" and full in {d.name for d in key.divisions}


@pytest.mark.parametrize("name", ["沙县", "城区", "和县"])
def test_suffix_kept_when_one_character_would_remain(name):
    assert name[0] not in gazetteer().places
    assert gazetteer().places[name].kind == "name"


@pytest.mark.parametrize("name, want", [
    ("杏花岭区", Region(province="山西省", city="太原市", county="杏花岭区", code="140107")),
    ("太原市杏花岭区", Region(province="山西省", city="太原市", county="杏花岭区", code="140107")),
    ("宁夏", Region(province="宁夏回族自治区", code="640000")),
    ("随州市", Region(province="湖北省", city="随州市", code="421300")),
    ("嘉定区", Region(province="上海市", county="嘉定区", code="310114")),
    ("上海市奉贤区柘林镇", Region(province="上海市", county="奉贤区", code="310120", town="柘林镇")),
    ("吉林", Region(province="吉林省", code="220000")),          # an alias shared across levels: the higher
    ("朝阳区", Region(county="朝阳区")),                          # 北京 and 长春: only the name is certain
    ("鼓楼区", Region(county="鼓楼区")),
])
def test_lookup(name, want):
    assert lookup(name) == want


@pytest.mark.parametrize("name", ["", "人民政府", "太原市人民政府", "必赢体育"])
def test_lookup_of_a_non_place(name):
    assert lookup(name) is None


def test_loading_is_cached():
    first = gazetteer()
    hits = gazetteer.cache_info().hits
    assert gazetteer() is first
    assert gazetteer.cache_info().hits == hits + 1


def _long_text(n: int = 60_000) -> str:
    text = (SEEDS / "003_3bf94dc3a89a6442.txt").read_text(encoding="utf-8")
    return (text * (n // len(text) + 1))[:n]


@pytest.mark.parametrize("issuers", [["区人民政府"], ["必赢体育教育厅"], ["朝阳区人民政府"], []])
def test_resolve_on_a_long_text_never_fails(issuers):
    """Paths that scan the whole text: a department without a place, spam, an ambiguous name.
    (Their speed is measured by bench/extractors.py, not here.)"""
    region, level, notes = resolve_region(issuers, "杏政发〔2022〕17号", None, _long_text())
    assert isinstance(notes, list)


def test_unambiguous_issuer_does_not_read_the_text():
    text = _long_text()
    # a text full of other places cannot move an issuer that names its own division
    misleading = text + "随州市" * 500 + "辽宁省" * 500
    region, level, _ = resolve_region(["太原市杏花岭区人民政府"], None, None, misleading)
    assert (region.code, level) == ("140107", "county")


def test_without_an_issuer_a_provincial_text_is_not_placed_in_its_capital():
    text = "四川省政府工作报告。全省经济稳中有进，四川各地加快发展，成都、绵阳、德阳协同推进，四川省各族人民团结奋斗。" * 3
    region, level, _ = resolve_region([], None, "2026年四川省人民政府工作报告", text)
    assert (region.province, region.city, level) == ("四川省", None, "provincial")


def test_without_an_issuer_scattered_provinces_place_nothing():
    text = "兰州、包头的钢铁基地，湖北的水利，西藏、新疆的交通，河南的农业，都要加快建设。"
    region, level, _ = resolve_region([], None, None, text)
    assert (region, level) == (Region(), None)
