"""The issuer's administrative region and level (SCHEMA "Region and level").

The division table is GB/T 2260 as shipped by the ``cpca`` package (``resources/adcodes.csv``:
provinces, prefecture-level cities, counties/districts).  ``import cpca`` needs
``pkg_resources``, so the file is located through the import system without running the
package.  The hierarchy comes from the code itself: digits 1-2 name the province, 1-4 the
city, 1-6 the county.

Evidence, strongest first:

* the issuer names: the longest division names in them, read as a chain
  (太原市 → 杏花岭区) so that a county-level name resolves to its city and province;
* the document number's prefix: a province abbreviation (沪, 皖, 宁) and/or the initial of
  the issuing place (随政发 → 随州, 杏政发 → 杏花岭);
* place names counted in the title and the text.

The last two disambiguate a name shared by several divisions (朝阳区, 鼓楼区) and supply the
place when the issuer names only a department (市人民政府) or when the place in it has been
overwritten by injected spam (必赢体育教育厅).
"""
from __future__ import annotations

import csv
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from ..lexicon import table
from ..model import Region

PROVINCE, CITY, COUNTY = 1, 2, 3
LEVEL_OF_RANK = {PROVINCE: "provincial", CITY: "municipal", COUNTY: "county"}

# Rows of adcodes.csv that group counties without being a place: the 市辖区/县 of the four
# municipalities (so 嘉定区 has no city) and 省直辖县级行政区划 (仙桃市, 济源市).
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Generic endings stripped to get the short name (太原市 → 太原).  Tried in order; the first that
# leaves at least two characters wins, so 清新区 → 清新 (not 清) and 沙县 keeps its suffix.
SUFFIXES = ("特别行政区", "新区", "矿区", "特区", "地区", "省", "市", "县", "区", "旗", "盟")
AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")

ALIAS_WEIGHT = 0.5     # a short name (随州) is weaker evidence than the full name (随州市)
TITLE_WEIGHT = 3.0     # a place in the title or document number speaks for the whole document
PREFIX_BONUS = 2.0     # the document number's abbreviation / initial matches the division
BELOW_WEIGHT = 1.0     # a mention of 曾都区 is one of 随州市 and of 湖北省 too
ABOVE_WEIGHT = 0.25    # a mention of 北京 supports 朝阳区 (北京) over 朝阳区 (长春)
CLEAR_MINIMUM = 1.0    # inferred from evidence only if the best score reaches this …
CLEAR_RATIO = 1.5      # … and beats the runner-up by this factor
UNNAMED_SHARE = 0.5    # with no issuer at all, the province's share of all provinces' evidence

PARTY_PREFIX = re.compile(r"^(?:中国共产党|中共|共青团)")
TRAILING_REMARK = re.compile(r"[（(][^（）()]*[）)]$")   # 汕头市人大常委会（广东省人大常委会批准）
TOWN_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道)")
TOWN = re.compile(rf"^({TOWN_NAME.pattern})(?=人民政府|政府|党委|人民代表大会|人大|委员会|办事处|办公室|$)")
# A department named without its place: 市人民政府, 区教育局, 县政府, 省教育厅.
DEPARTMENT_PLACE = re.compile(r"^(?:中共)?(省|市|区|县|镇|乡|街道)(?!场|域|级|政(?!府)|属)")
PROVINCIAL_DEPARTMENT = re.compile(r"厅(?:办公室)?$")
NATIONAL = re.compile(
    r"^(?:中共中央|中国共产党中央|中央|国务院|全国|国家|中华人民共和国|最高人民|中国人民银行|"
    r"中国(?:科学|工程|社会科学)院|海关总署|审计署)"
    r"|(?:部|委|委员会|总局|总署|署)(?:办公厅|办公室)?$")   # 工业和信息化部, 发展改革委 without a place
NATIONAL_TITLE = re.compile(r"^(?:中华人民共和国|中共中央|国务院|全国人民代表大会|全国人大)")
NATIONAL_DOC_NUMBER = re.compile(r"^(?:国|中发|中办)")   # 国发, 国办发, 国函; 中发, 中办发
NATIONAL_RULE_TITLE = re.compile(r"(?:条例|法|规定|办法|细则|规则)$")
NATIONAL_RULE_TEXT = re.compile(r"国务院[\u4e00-\u9fff]{0,16}(?:部门|主管|机构)")
DOC_PREFIX = re.compile(r"[\u4e00-\u9fff]+")


# --------------------------------------------------------------------------------------------
# The division table


@dataclass(frozen=True)
class Division:
    code: str                 # 6-digit GB/T 2260
    name: str
    rank: int                 # PROVINCE, CITY or COUNTY
    province_code: str
    city_code: str | None     # None for a province, a city, or a county directly under its province

    @property
    def ancestor_codes(self) -> tuple[str, ...]:
        return tuple(c for c in (self.province_code, self.city_code) if c and c != self.code)

    def is_below(self, other: "Division") -> bool:
        return other.code in self.ancestor_codes


@dataclass(frozen=True)
class _Key:
    """A string that names divisions: a full name (太原市), a short alias (太原) or a zone."""
    text: str
    kind: str                        # "name", "alias" or "zone"
    divisions: tuple[Division, ...]


@dataclass
class _Gazetteer:
    divisions: dict[str, Division]
    places: dict[str, _Key]          # full names and aliases (issuer reading)
    mentions: dict[str, _Key]        # places plus zones (text counting)
    by_initial: dict[str, tuple[Division, ...]]
    children: dict[str, tuple[Division, ...]]   # "" → the provinces
    abbreviations: dict[str, str]    # 沪 → 310000
    place_index: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mention_index: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def ancestors(self, d: Division) -> list[Division]:
        return [self.divisions[c] for c in d.ancestor_codes if c in self.divisions]


def _package_resource(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)   # finds the package without executing its __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {package!r} package (administrative-division table) is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def short_names(name: str, ethnic_groups: tuple[str, ...]) -> list[str]:
    """Short forms of a division name: 山西省 → 山西, 宁夏回族自治区 → 宁夏, 恩施土家族苗族自治州 →
    恩施 and 恩施州; 沙县 and 城区 have none."""
    for suffix in AUTONOMOUS:
        if name.endswith(suffix):
            core = name[: -len(suffix)]
            stripped = True
            while stripped:   # 黔东南苗族侗族 → 黔东南; 巴音郭楞蒙古 → 巴音郭楞
                stripped = False
                for group in ethnic_groups:
                    if core.endswith(group) and len(core) - len(group) >= 2:
                        core, stripped = core[: -len(group)], True
                        break
            if len(core) < 2:
                return []
            return [core, core + "州"] if suffix == "自治州" else [core]
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


def _ethnic_groups() -> tuple[str, ...]:
    path = _package_resource("cpca", "resources", "56_nations.csv")
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Autonomous names also drop the 族 (巴音郭楞蒙古自治州, 伊犁哈萨克自治州); longest first.
    forms = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return tuple(sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=1)
def gazetteer() -> _Gazetteer:
    """The division table with its name index, read once per process."""
    rows = []
    with _package_resource("cpca", "resources", "adcodes.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows.append((row["adcode"][:6], row["name"].strip()))
    placeholder_codes = {code for code, name in rows if name in PLACEHOLDERS}
    divisions: dict[str, Division] = {}
    for code, name in rows:
        if name in PLACEHOLDERS or not name:
            continue
        province = code[:2] + "0000"
        city = code[:4] + "00"
        if code == province:
            divisions[code] = Division(code, name, PROVINCE, province, None)
        elif code == city:
            divisions[code] = Division(code, name, CITY, province, None)
        else:   # under a placeholder (市辖区 of 上海, 省直辖县级行政区划) the county has no city
            divisions[code] = Division(code, name, COUNTY, province, None if city in placeholder_codes else city)

    ethnic = _ethnic_groups()
    entries: dict[str, dict[str, list[Division]]] = defaultdict(lambda: defaultdict(list))
    for d in divisions.values():
        entries[d.name]["name"].append(d)
        for alias in short_names(d.name, ethnic):
            entries[alias]["alias"].append(d)
    places: dict[str, _Key] = {}
    for text, kinds in entries.items():
        # A full name outranks an alias that happens to be spelled the same.
        kind = "name" if "name" in kinds else "alias"
        places[text] = _Key(text, kind, tuple(kinds[kind]))
    mentions = dict(places)
    for row in table("region_zones"):
        if row["code"] in divisions and row["name"] not in places:
            mentions[row["name"]] = _Key(row["name"], "zone", (divisions[row["code"]],))

    by_name = {d.name: d for d in divisions.values() if d.rank == PROVINCE}
    abbreviations = {r["abbreviation"]: by_name[r["province"]].code for r in table("region_abbreviations")
                     if r["province"] in by_name}
    by_initial: dict[str, list[Division]] = defaultdict(list)
    children: dict[str, list[Division]] = defaultdict(list)
    for d in divisions.values():
        by_initial[d.name[0]].append(d)
        parent = "" if d.rank == PROVINCE else (d.city_code or d.province_code)
        children[parent].append(d)

    g = _Gazetteer(divisions, places, mentions, {k: tuple(v) for k, v in by_initial.items()},
                   {k: tuple(v) for k, v in children.items()}, abbreviations)
    g.place_index = _bigram_index(places)
    g.mention_index = _bigram_index(mentions)
    return g


def _bigram_index(keys: dict[str, _Key]) -> dict[str, tuple[str, ...]]:
    """Keys by their first two characters, longest first: a dict probe per text position is far
    cheaper in Python than a regex alternation of thousands of names."""
    index: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        if len(k) >= 2:
            index[k[:2]].append(k)
    return {b: tuple(sorted(ks, key=len, reverse=True)) for b, ks in index.items()}


class _Hit(NamedTuple):
    start: int
    end: int
    key: _Key


def _scan(text: str, keys: dict[str, _Key], index: dict[str, tuple[str, ...]]) -> list[_Hit]:
    """Leftmost-longest, non-overlapping occurrences of the keys in ``text``."""
    hits, i, n, probe = [], 0, len(text) - 1, index.get
    while i < n:
        candidates = probe(text[i:i + 2])
        if candidates:
            for k in candidates:
                if text.startswith(k, i):
                    hits.append(_Hit(i, i + len(k), keys[k]))
                    i += len(k)
                    break
            else:
                i += 1
        else:
            i += 1
    return hits


def _weak_county_key(key: _Key) -> bool:
    """Two-character county names and aliases (城区, 和县, 通州, 朝阳) are too often parts of other
    words (老城区, 和县级, 交通州) to count on their own."""
    return len(key.text) == 2 and all(d.rank == COUNTY for d in key.divisions)


def _below(divisions, context) -> tuple[Division, ...]:
    return tuple(d for d in divisions if any(d.is_below(c) for c in context))


def _preferred(key: _Key) -> tuple[Division, ...]:
    """An alias shared across levels means the higher one (吉林 → 吉林省, 本溪 → 本溪市)."""
    if key.kind != "alias":
        return key.divisions
    top = min(d.rank for d in key.divisions)
    return tuple(d for d in key.divisions if d.rank == top)


# --------------------------------------------------------------------------------------------
# Reading an issuer


@dataclass
class _Reading:
    """What one issuer name says: candidate divisions (several when the name is ambiguous),
    a town below the county, whether it is a national body, and the level its department
    prefix implies (市人民政府 → a city)."""
    issuer: str
    candidates: tuple[Division, ...] = ()
    town: str | None = None
    national: bool = False
    place_word: str | None = None      # 省/市/区/县/镇 of a department named without its place
    provincial_department: bool = False


def _read_places(name: str, g: _Gazetteer, anchored: bool = False) -> tuple[tuple[Division, ...], int]:
    """Candidate divisions for the place chain in ``name`` (太原市杏花岭区…; with ``anchored``
    False also 国家税务总局上海市税务局…), and the offset where the chain ends."""
    party = PARTY_PREFIX.match(name)
    start = party.end() if party else 0
    chain: list[tuple[Division, ...]] = []
    end = 0
    for hit in _scan(name, g.places, g.place_index):
        if not chain:
            at_start = hit.start == start
            # A short name counts only where the name begins (随州高新区管委会), never inside a
            # department's name; a two-character county alias (新华通讯社) not even there.
            if (anchored or hit.key.kind == "alias" or _weak_county_key(hit.key)) and not at_start:
                continue
            if hit.key.kind == "alias" and _weak_county_key(hit.key):
                continue
            chain.append(_preferred(hit.key))
            end = hit.end
            continue
        if hit.start != end:
            break   # a later, separate name (…人民政府合作交流办公室) is not part of the chain
        below = _below(hit.key.divisions, chain[-1])
        if not below:
            break
        # Keep only the readings of earlier names that this one lies under.
        chain = [tuple(c for c in level if any(b.is_below(c) for b in below)) for level in chain]
        chain.append(below)
        end = hit.end
    if not chain:
        return (), 0
    return chain[-1], end


def _read_issuer(issuer: str, g: _Gazetteer) -> _Reading:
    name = TRAILING_REMARK.sub("", issuer.strip()).strip() or issuer.strip()
    reading = _Reading(issuer)
    candidates, end = _read_places(name, g)
    if candidates:
        reading.candidates = candidates
        if all(d.rank == COUNTY for d in candidates):
            # 奉贤区人民政府奉浦街道办事处: a sub-district office is the district government's agency
            m = TOWN.match(re.sub(r"^(?:人民政府|政府)(?=[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))", "", name[end:]))
            reading.town = m.group(1) if m else None
        return reading
    m = DEPARTMENT_PLACE.match(name)
    if m:
        reading.place_word = m.group(1)
    elif NATIONAL.search(name):
        reading.national = True
    reading.provincial_department = bool(PROVINCIAL_DEPARTMENT.search(name))
    return reading


# --------------------------------------------------------------------------------------------
# Evidence from the document number, title and text


class _Evidence:
    """Scores divisions by the document number, the title (and issuer names) and the text.  The
    text is scanned only when a question needs it: an unambiguous issuer costs nothing."""

    def __init__(self, g: _Gazetteer, doc_number: str | None, headings: list[str], text: str):
        self.g = g
        self.doc_number = doc_number or ""
        m = DOC_PREFIX.match(self.doc_number.lstrip("（(〔[【 "))
        self.doc_prefix = m.group() if m else ""
        self.headings = [h for h in headings if h]
        self.text = text or ""

    @cached_property
    def _counts(self) -> tuple[dict[str, float], dict[str, float]]:
        """(own, below): weighted mentions of each division, and of the divisions under it."""
        own: dict[str, float] = defaultdict(float)
        sources = [(h, TITLE_WEIGHT) for h in (*self.headings, self.doc_number)] + [(self.text, 1.0)]
        for source, weight in sources:
            for divisions, w in _mentions(source, self.g):
                for d in divisions:
                    own[d.code] += weight * w / len(divisions)
        below: dict[str, float] = defaultdict(float)
        for code, w in own.items():
            for a in self.g.divisions[code].ancestor_codes:
                below[a] += w
        return own, below

    def _prefix_bonus(self, d: Division) -> float:
        """沪崇府办发 → 上海 (abbreviation) and 崇明区 (initial); 随政发 → 随州市."""
        p = self.doc_prefix
        bonus = 0.0
        if p and self.g.abbreviations.get(p[0]) == d.province_code:
            bonus += PREFIX_BONUS
            if d.rank == PROVINCE:
                return bonus
            p = p[1:]
        if p and d.name[0] == p[0]:
            bonus += PREFIX_BONUS
        return bonus

    @cached_property
    def _prefix_bonuses(self) -> dict[str, float]:
        """Each division's prefix bonus, or the best one below it: 随政发 points into 湖北省 too."""
        p = self.doc_prefix
        if not p:
            return {}
        named = {d for ch in {p[0], p[1:2]} - {""} for d in self.g.by_initial.get(ch, ())}
        if p[0] in self.g.abbreviations:
            named.add(self.g.divisions[self.g.abbreviations[p[0]]])
        bonuses: dict[str, float] = defaultdict(float)
        for d in named:
            bonus = self._prefix_bonus(d)
            for code in (d.code, *d.ancestor_codes):
                bonuses[code] = max(bonuses[code], bonus)
        return bonuses

    def own(self, d: Division) -> float:
        return self._counts[0].get(d.code, 0.0)

    def below(self, d: Division) -> float:
        return self._counts[1].get(d.code, 0.0)

    def score(self, d: Division, prefix_below: bool = True) -> float:
        """Mentions of ``d``, of places under it and (weakly) above it, and the document number's
        prefix; with ``prefix_below`` False only a prefix naming ``d`` itself counts."""
        own, below = self._counts
        prefix = self._prefix_bonuses.get(d.code, 0.0) if prefix_below else self._prefix_bonus(d)
        return (own.get(d.code, 0.0) + BELOW_WEIGHT * below.get(d.code, 0.0)
                + ABOVE_WEIGHT * sum(own.get(a, 0.0) for a in d.ancestor_codes) + prefix)

    def ranked(self, candidates, prefix_below: bool = True) -> list[tuple[float, Division]]:
        return sorted(((self.score(d, prefix_below), d) for d in candidates), key=lambda x: (-x[0], x[1].code))

    def best(self, candidates) -> list[Division]:
        """The best-scoring candidates: one, or several on a tie."""
        ranked = self.ranked(candidates)
        return [d for s, d in ranked if s == ranked[0][0]] if ranked else []

    def clear_winner(self, candidates, prefix_below: bool = True) -> Division | None:
        """The one candidate the evidence clearly points to, if any."""
        ranked = self.ranked(candidates, prefix_below)
        if not ranked or ranked[0][0] < CLEAR_MINIMUM:
            return None
        if len(ranked) > 1 and ranked[0][0] < CLEAR_RATIO * ranked[1][0]:
            return None
        return ranked[0][1]


def _mentions(text: str, g: _Gazetteer):
    """(divisions, weight) for each place mention in ``text``.  A name directly after its parent
    (北京朝阳区, 太原杏花岭) is read under that parent."""
    previous_end, previous_divisions = -1, ()
    for hit in _scan(text, g.mentions, g.mention_index):
        key = hit.key
        after_parent = _below(key.divisions, previous_divisions) if hit.start == previous_end else ()
        if after_parent:
            divisions = after_parent
        elif _weak_county_key(key):
            previous_end, previous_divisions = hit.end, key.divisions
            continue
        else:
            divisions = _preferred(key)
        yield divisions, (ALIAS_WEIGHT if key.kind == "alias" else 1.0)
        previous_end, previous_divisions = hit.end, divisions


# --------------------------------------------------------------------------------------------
# Results


def _region_of(d: Division, g: _Gazetteer, town: str | None = None) -> Region:
    province = g.divisions[d.province_code].name
    if d.rank == PROVINCE:
        return Region(province=province, code=d.code)
    if d.rank == CITY:
        return Region(province=province, city=d.name, code=d.code)
    city = g.divisions[d.city_code].name if d.city_code else None
    return Region(province=province, city=city, county=d.name, code=d.code, town=town)


def _common_region(divisions: list[Division], g: _Gazetteer) -> Region:
    """What several possible divisions agree on (鼓楼区 in 南京 and 徐州 → 江苏省 and the county
    name, without a code)."""
    if len(divisions) == 1:
        return _region_of(divisions[0], g)
    regions = [_region_of(d, g) for d in divisions]

    def agreed(attr):
        values = {getattr(r, attr) for r in regions}
        return values.pop() if len(values) == 1 else None
    province = agreed("province")
    return Region(province=province, city=agreed("city") if province else None, county=agreed("county"))


def _common_ancestor(divisions: list[Division], g: _Gazetteer) -> Division | None:
    """The most specific division containing all of them (上海市 for 上海市科委 + 杨浦区政府)."""
    def line(d):   # province, city, county from the top
        return [g.divisions[c] for c in d.ancestor_codes] + [d]
    common = None
    for level in zip(*(line(d) for d in divisions)):
        if len({d.code for d in level}) != 1:
            break
        common = level[0]
    return common


def _describe(d: Division, g: _Gazetteer) -> str:
    return "".join(a.name for a in g.ancestors(d)) + d.name


def _infer(evidence: _Evidence, department: _Reading | None, g: _Gazetteer) -> Division | None:
    """The place of a department named without it (市人民政府, 区教育局, 必赢体育教育厅), or of an
    unnamed issuer, read from the evidence top-down: the province the evidence clearly points
    to, then its city, then the county, as deep as the department's word requires.  Comparing
    only siblings at each step keeps a province from competing with its own cities."""
    word = department.place_word if department else None
    if department and department.provincial_department:
        word = "省"
    if word == "省":   # the document number's initials of cities and counties say nothing here
        return evidence.clear_winner(g.children[""], prefix_below=False)
    node = evidence.clear_winner(g.children[""])
    if node is None:
        return None
    if department is None:
        # No issuer at all: the place must dominate the text, not merely lead a national
        # document's scattered mentions of provinces (甘肃 1.5 of 8).
        total = sum(s for s, _ in evidence.ranked(g.children[""]))
        if evidence.score(node) < UNNAMED_SHARE * total:
            return None
    while True:
        if word == "市" and node.name.endswith("市"):
            # A city, but a county-level city under it (广水市 under 随州市) when the text is
            # more about that one than about the city itself.
            deeper = evidence.clear_winner(k for k in g.children.get(node.code, ()) if k.name.endswith("市"))
            return deeper if deeper and evidence.own(deeper) > evidence.own(node) else node
        kids = g.children.get(node.code, ())
        if word in ("区", "县") and any(k.rank == COUNTY for k in kids):
            kids = [k for k in kids if k.rank == CITY or k.name.endswith(word)]
        child = evidence.clear_winner(kids)
        if child is None:
            return node if word is None else None
        if word is None and evidence.own(child) + evidence.below(child) < evidence.own(node):
            # Nothing says the issuer is below this place: a provincial report names its capital
            # often, but its province more often (成都 vs 四川).
            return node
        node = child
        if node.rank == COUNTY:
            return node if word != "市" or node.name.endswith("市") else None


def resolve_region(issuers: list[str], doc_number: str | None, title: str | None,
                   text: str) -> tuple[Region, str | None, list[str]]:
    """Returns (region, level, notes). level in {"national","provincial","municipal","county"} or None."""
    g = gazetteer()
    issuers = [i.strip() for i in issuers if i and i.strip()]
    evidence = _Evidence(g, doc_number, [title or "", *issuers], text)
    notes: list[str] = []
    readings = [_read_issuer(i, g) for i in issuers]
    if not readings and title:
        # No issuer: a law's or decree's title leads with its place (上海市城市更新条例,
        # 中华人民共和国乡村振兴促进法).
        head = title.split("关于")[0] if "关于" in title else title
        candidates, _ = _read_places(head, g, anchored=True)
        if candidates:
            readings = [_Reading(title, candidates)]
        elif NATIONAL_TITLE.match(title):
            return Region(), "national", notes
        elif NATIONAL_RULE_TITLE.search(title) and not list(_mentions(title, g)) \
                and NATIONAL_RULE_TEXT.search(text[:6000]):
            # 保障中小企业款项支付条例: a regulation without a place in its name that speaks of 国务院
            # departments is an administrative regulation (行政法规) or a ministry's rule
            notes.append("a regulation whose title names no place and whose text speaks of the State "
                         "Council's departments: level national")
            return Region(), "national", notes

    chosen: list[tuple[_Reading, Division]] = []
    for reading in (r for r in readings if r.candidates):
        best = list(reading.candidates) if len(reading.candidates) == 1 else evidence.best(reading.candidates)
        if len(best) > 1:
            notes.append(f"ambiguous place in issuer {reading.issuer!r}: "
                         + ", ".join(_describe(d, g) for d in best))
            return _common_region(best, g), LEVEL_OF_RANK[best[0].rank], notes
        if len(reading.candidates) > 1:
            notes.append(f"ambiguous place in issuer {reading.issuer!r}: chose {_describe(best[0], g)} "
                         "by the document number, title and text")
        chosen.append((reading, best[0]))

    if any(r.national for r in readings):
        if chosen:
            notes.append("national and local issuers sign together: level national")
        return Region(), "national", notes

    if chosen:
        divisions = [d for _, d in chosen]
        top = _common_ancestor(divisions, g)
        if top is None:
            notes.append("issuers belong to different provinces: region of the first issuer")
            top = divisions[0]
        town = next((r.town for r, d in chosen if d.code == top.code and r.town), None)
        return _region_of(top, g, town), LEVEL_OF_RANK[top.rank], notes

    # No issuer names its place (市人民政府, 必赢体育教育厅): take it from the evidence.
    department = next((r for r in readings if r.place_word or r.provincial_department), None)
    if department is None and NATIONAL_DOC_NUMBER.match(evidence.doc_prefix):
        return Region(), "national", notes
    winner = _infer(evidence, department, g)
    about = f"issuer {department.issuer!r}" if department else "the document"
    if winner is None:
        if readings:
            notes.append(f"no place for {about}: none clear from the document number and text")
        elif not title and _speaks_for_country(text):
            notes.append("no title or issuer, and the text speaks of the whole country (全国), not of one "
                         "province or city: level national")
            return Region(), "national", notes
        return Region(), None, notes
    notes.append(f"place of {about} inferred from the document number and text: {_describe(winner, g)}")
    return _region_of(winner, g), LEVEL_OF_RANK[winner.rank], notes


LOCAL_WHOLE = re.compile(r"全省|全市|全区|全县|本省|本市|本区|本县|全州|全盟")


def _speaks_for_country(text: str) -> bool:
    """Whether a text names the whole country (全国) often and far more than any one province, city or
    county as a whole (a national plan saved without its cover page)."""
    national = text.count("全国")
    return national >= 10 and national >= 3 * len(LOCAL_WHOLE.findall(text))


def lookup(name: str) -> Region | None:
    """The region one place name denotes (杏花岭区, 太原市杏花岭区, 宁夏, 上海市奉贤区柘林镇).

    A name shared by several divisions gives what they have in common; None if the name is not
    a place, or the divisions sharing it have nothing in common."""
    g = gazetteer()
    name = (name or "").strip()
    candidates, end = _read_places(name, g, anchored=True)
    rest = name[end:]
    if not candidates or rest and not TOWN_NAME.fullmatch(rest):
        return None
    if len(candidates) > 1:
        region = _common_region(list(candidates), g)
        return region if region.province or region.county else None
    d = candidates[0]
    return _region_of(d, g, rest if rest and d.rank == COUNTY else None)
