"""Clause alignment, lineage and indicator tables (pipeline/compare, zhengce compare|family|targets)."""
from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import DEV, SEEDS  # noqa: E402
from family_gen import make_child, make_record, score  # noqa: E402

from zhengce.pipeline.compare.align import AlignConfig, align_clauses, compare_records  # noqa: E402
from zhengce.pipeline.compare.text import is_minor, norm, shingle_hashes  # noqa: E402

JIADING = DEV / "district_shanghai-jiading_2024_green_eco_district_measures.md"
FENGXIAN = DEV / "district_shanghai-fengxian_2025_green_eco_district_measures.md"


def run_cli(*argv):
    """zhengce.cli.main with the compare commands registered (whether or not cli.py does it yet)."""
    from zhengce import cli, cli_compare
    orig = cli.build_parser

    def build():
        p = orig()
        sub = p._subparsers._group_actions[0]
        if "compare" not in sub.choices:
            cli_compare.register(sub)
        return p
    out, err = io.StringIO(), io.StringIO()
    cli.build_parser = build
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main([str(a) for a in argv])
    finally:
        cli.build_parser = orig
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The seeds and the two green-eco-district 办法 of corpus/dev, ingested."""
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.store.sqlite import SQLiteStore
    path = tmp_path_factory.mktemp("compare") / "cmp.db"
    s = SQLiteStore(path)
    report = ingest([str(SEEDS), str(JIADING), str(FENGXIAN)], s)
    assert not report.failed
    s.close()
    return path


@pytest.fixture(scope="module")
def store(db):
    from zhengce.pipeline.store.sqlite import SQLiteStore
    s = SQLiteStore(db)
    yield s
    s.close()


def _doc(store, name: str) -> dict:
    return store.get(store.resolve(name))


# --- text helpers -----------------------------------------------------------------------------

def test_norm_folds_width_and_drops_punctuation():
    assert norm("（一）加强统筹规划。") == norm("(一)加强统筹规划") == "一加强统筹规划"
    assert norm("ＡＢＣ１２３，") == "abc123"


def test_minor_clauses():
    for t in ("第二章 机构职责", "（三）强化保障", "2021年5月20日", "国发〔2018〕38号", "特此通知。", "请认真执行。"):
        assert is_minor(t), t
    assert not is_minor("各中小学要结合实际，办出特色、办出水平。")


def test_signature_is_datasketch_minhash():
    """Our vectorised signature equals datasketch's MinHash.update_batch for the same hashes."""
    from datasketch import MinHash
    from zhengce.pipeline.compare.minhash import SCHEME, SEED, lean, signature
    hv = shingle_hashes(norm("各成员单位应根据相关政策要求、绿色生态专业规划以及绿色生态城区建设导则和图则，提出指标要求。"))
    m = MinHash(num_perm=64, seed=SEED, scheme=SCHEME, hashfunc=int)
    m.update_batch(hv.tolist())
    assert np.array_equal(signature(hv, 64), m.hashvalues)
    assert lean(signature(hv, 64)).jaccard(m) == 1.0


# --- alignment --------------------------------------------------------------------------------

def _clauses(*texts):
    return [{"id": f"c{k}", "text": t, "kind": "other"} for k, t in enumerate(texts, 1)]


def test_monotone_alignment_keeps_order_with_repeated_clauses():
    rep = "各成员单位应根据相关政策要求、绿色生态专业规划，提出绿色低碳指标要求。"
    a = _clauses(rep, "对以出让方式取得土地使用权的建设工程项目，在土地出让前，区规划资源局应征询各成员单位意见。",
                 rep, "对利用自有土地实施新建、改建、扩建的项目，区规划资源局应征询各成员单位意见。", rep)
    b = _clauses(rep, "对以出让方式取得土地使用权的建设工程项目，在土地出让之前，区规划资源局应征询各成员单位意见。",
                 rep, "对利用自有土地实施新建、改建、扩建的项目，建设单位在申办规划土地意见书之前，区规划资源局应征询各成员单位意见。",
                 rep)
    c = align_clauses(a, b)
    assert [(p.i, p.j) for p in c.pairs] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
    assert [p.relation for p in c.pairs] == ["identical", "modified", "identical", "modified", "identical"]
    assert not c.omitted and not c.added


def test_identical_modified_omitted_added_and_diff():
    a = _clauses("本市各级教育行政部门要加强统筹规划，整合优质办学资源。", "严禁以任何名义举办重点班。",
                 "市财政局要完善经费管理办法，落实经费保障政策。")
    b = _clauses("本区各级教育行政部门要加强统筹规划，整合优质办学资源。", "严禁以任何名义举办重点班。",
                 "区融媒体中心要做好宣传报道，营造良好氛围。")
    d = align_clauses(a, b).to_dict()
    rel = {(p["a"]["clause_id"], p["b"]["clause_id"]): p for p in d["pairs"]}
    assert rel[("c1", "c1")]["relation"] == "modified" and 0.8 < rel[("c1", "c1")]["similarity"] < 1
    assert ["~", "市", "区"] in rel[("c1", "c1")]["diff"]
    assert rel[("c2", "c2")]["relation"] == "identical" and rel[("c2", "c2")]["similarity"] == 1.0
    assert [x["clause_id"] for x in d["omitted"]] == ["c3"]
    assert [x["clause_id"] for x in d["added"]] == ["c3"]
    s = d["summary"]
    assert (s["identical"], s["modified"], s["omitted"], s["added"]) == (1, 1, 1, 1)
    assert s["share_implemented"] == pytest.approx(2 / 3, abs=1e-3)


def test_short_clauses_and_headings_make_no_spurious_pairs():
    a = _clauses("第一章 总则", "2024年1月17日", "国发〔2018〕38号", "应当及时更新。", "请认真按照执行。")
    b = _clauses("第二章 机构职责", "2025年2月10日", "国办发〔2018〕121号", "应当及时安排、限时办结。", "请认真按照执行。")
    c = align_clauses(a, b)
    assert [(p.i, p.j, p.relation) for p in c.pairs] == [(4, 4, "identical")]


def test_reordered_clauses_are_kept_as_moved():
    x = "鼓励教师大胆创新，改进教育教学方法，开展丰富多彩的教育教学活动。"
    y = "完善学校公用经费使用管理办法，加大学校经费使用自主权，优先保障教育教学需要。"
    z = "落实学校责任督学制度，对学校推进教育教学改革、日常管理进行过程监督。"
    c = align_clauses(_clauses(x, y, z), _clauses(y, x, z))
    assert {(p.i, p.j) for p in c.pairs} == {(0, 1), (1, 0), (2, 2)}
    assert sum(p.moved for p in c.pairs) == 1


def test_candidates_are_a_small_share_of_all_pairs(store):
    """LSH + TF-IDF candidates score a few per cent of the pairs and find what scoring all finds."""
    a, b = _doc(store, "003_3bf94dc3a89a6442.txt"), _doc(store, "001_4ea7f4e0e4771614.txt")
    fast = compare_records(a, b)
    assert fast.stats["candidates"] < 0.05 * fast.stats["all_pairs"]
    a, b = _doc(store, JIADING.name), _doc(store, FENGXIAN.name)
    fast = compare_records(a, b)
    slow = compare_records(a, b, AlignConfig(all_pairs=True))
    assert {(p.i, p.j) for p in fast.pairs} == {(p.i, p.j) for p in slow.pairs}


def _parents(store):
    names = ["000_1f4e195ec8952eb0.txt", "001_4ea7f4e0e4771614.txt", "002_3ae4f7306cbd68b8.txt",
             "003_3bf94dc3a89a6442.txt", "004_d529f74e39be1481.txt", JIADING.name]
    return [_doc(store, n) for n in names]


def test_synthetic_families_precision_recall(store):
    parents = _parents(store)
    tp = fp = fn = 0
    ident_ok = ident_all = 0
    for n, par in enumerate(parents):
        donors = [c for other in parents if other is not par for c in other["clauses"]]
        for seed in range(3):
            child = make_child(par["clauses"], seed=100 * seed + n, donors=donors)
            c = align_clauses(par["clauses"], child.clauses)
            pred = {(c.a[p.i].id, c.b[p.j].id) for p in c.pairs}
            tp += len(pred & child.gold_pairs)
            fp += len(pred - child.gold_pairs)
            fn += len(child.gold_pairs - pred)
            rel = {(c.a[p.i].id, c.b[p.j].id): p.relation for p in c.pairs}
            ident_all += len(child.identical_pairs)
            ident_ok += sum(rel.get(g) == "identical" for g in child.identical_pairs)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"synthetic families: precision {precision:.3f} recall {recall:.3f} ({tp} tp, {fp} fp, {fn} fn)")
    assert precision >= 0.90 and recall >= 0.90
    assert ident_ok / ident_all >= 0.95


def test_generator_labels_are_consistent(store):
    par = _doc(store, "000_1f4e195ec8952eb0.txt")["clauses"]
    child = make_child(par, seed=7, donors=_doc(store, "004_d529f74e39be1481.txt")["clauses"])
    assert set(child.labels) == {c["id"] for c in par}
    kept = {p for p, _ in child.gold_pairs}
    assert kept == {k for k, v in child.labels.items() if v != "deleted"}
    assert len(child.clauses) == len(child.gold_pairs) + len(child.added)
    assert {"copied", "edited", "deleted"} <= set(child.labels.values())
    p, r = score(child.gold_pairs, child.gold_pairs)
    assert p == r == 1.0


def test_seeds_000_and_004_share_clauses(store):
    """Both implement 教基〔2020〕7号: the clauses they took from it are paired."""
    a, b = _doc(store, "000_1f4e195ec8952eb0.txt"), _doc(store, "004_d529f74e39be1481.txt")
    d = compare_records(a, b).to_dict()
    texts = [(p["a"]["text"], p["b"]["text"]) for p in d["pairs"]]

    def paired(fragment):
        return any(fragment in x and fragment in y for x, y in texts)
    for fragment in ("自主提出年度预算建议", "确保学校有效使用、正常运转", "公用经费使用管理办法",
                     "鼓励教师大胆创新", "尊重和保障学生在学习中自主进行", "责任感"):
        assert paired(fragment), fragment
    s = d["summary"]
    assert s["identical"] >= 1 and s["modified"] >= 5
    assert s["share_implemented"] < 0.2          # different policies: most clauses are their own


def test_dev_family_jiading_fengxian(store):
    """Fengxian's 办法 (2025) is a near-copy of Jiading's (2024), 绿色低碳 → 绿色生态, with additions."""
    a, b = _doc(store, JIADING.name), _doc(store, FENGXIAN.name)
    c = compare_records(a, b)
    s = c.summary()
    assert s["share_implemented"] >= 0.7 and s["identical"] >= 3
    d = c.to_dict()
    pair_texts = [(p["a"]["text"], p["b"]["text"], p["relation"]) for p in d["pairs"]]
    assert any("最大限度减少碳源" in x and r == "identical" for x, _, r in pair_texts)
    assert any("绿色低碳运营管理手册" in x and "绿色生态运营管理手册" in y and r == "modified" for x, y, r in pair_texts)
    assert any("工作小组下设办公室" in x and "联席会议办公室" in y for x, y, _ in pair_texts)
    assert any("领先示范区" in x["text"] for x in d["added"])
    order = [p["a"]["clause_id"] for p in d["pairs"] if not p.get("moved")]
    assert order == sorted(order, key=lambda cid: int(cid[1:]))


# --- CLI: compare -----------------------------------------------------------------------------

def test_cli_compare_json_contract(db, store):
    a, b = store.resolve("000_1f4e195ec8952eb0.txt"), store.resolve(str(SEEDS / "004_d529f74e39be1481.txt"))
    code, out, err = run_cli("compare", a, str(SEEDS / "004_d529f74e39be1481.txt"), "--db", db, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["a"] == a and d["b"] == b
    assert set(d) >= {"a", "b", "pairs", "omitted", "added"}
    for p in d["pairs"]:
        assert set(p) >= {"a", "b", "relation", "similarity"}
        assert set(p["a"]) == set(p["b"]) == {"clause_id", "text"}
        assert p["relation"] in ("identical", "modified") and 0 < p["similarity"] <= 1
    for x in d["omitted"] + d["added"]:
        assert set(x) == {"clause_id", "text"}
    n_a, n_b = len(store.get(a)["clauses"]), len(store.get(b)["clauses"])
    assert len(d["pairs"]) + len(d["omitted"]) == n_a
    assert len(d["pairs"]) + len(d["added"]) == n_b


def test_cli_compare_html_is_self_contained(db, store, tmp_path):
    out_html = tmp_path / "r.html"
    code, out, err = run_cli("compare", JIADING.name, FENGXIAN.name, "--db", db, "--html", out_html)
    assert code == 0, err
    assert out == ""
    html = out_html.read_text(encoding="utf-8")
    assert "<style>" in html and "<del>" in html and "<ins>" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "绿色生态城区建设管理办法" in html and 'class="added"' in html and 'class="omitted"' in html


def test_cli_compare_text_output(db):
    """A summary and the first rows by default (the two 办法 make ~170 rows), --full for all."""
    code, out, err = run_cli("compare", JIADING.name, FENGXIAN.name, "--db", db, "--json")
    d = json.loads(out)
    n = len(d["pairs"]) + len(d["omitted"]) + len(d["added"])
    assert n > 40
    code, short, err = run_cli("compare", JIADING.name, FENGXIAN.name, "--db", db)
    assert code == 0, err
    assert "implemented" in short and "omitted" in short
    assert f"the first 20 of {n} rows; {n - 20} more: --full prints all" in short
    code, five, err = run_cli("compare", JIADING.name, FENGXIAN.name, "--db", db, "--limit", "5")
    assert f"the first 5 of {n} rows" in five and len(five.splitlines()) < len(short.splitlines())
    code, full, err = run_cli("compare", JIADING.name, FENGXIAN.name, "--db", db, "--full")
    assert code == 0, err
    assert "--full prints all" not in full and len(full.splitlines()) > 3 * len(short.splitlines())
    last = (d["added"] or d["omitted"])[-1]["clause_id"]
    assert f"{last} " in full and len(short.splitlines()) < 120


@pytest.mark.parametrize("argv, message", [
    (["compare", "x1", "y1", "--db", "/nonexistent/none.db"], "no such database"),
    (["compare", "deadbeefdeadbeef", "0000000000000000", "--db", None], "no such document"),
    (["compare", "a", "b", "--db", None, "--threshold", "2"], "between 0 and 1"),
    (["family", "deadbeefdeadbeef", "--db", None], "no such document"),
    (["targets", "--db", None, "--pivot", "planet"], "unknown"),
    (["targets", "--db", None, "--filter", "colour=red"], "unknown key"),
    (["compare", "a", "b", "--db", None, "--limit", "0"], "--full prints every row"),
])
def test_cli_errors_are_one_line(db, argv, message):
    argv = [str(db) if a is None else a for a in argv]
    code, out, err = run_cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("zhengce: error: ") and message in err, err


# --- lineage ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def family_store(tmp_path_factory, store):
    """national → provincial (cites) → municipal (cites) → county (copies, cites nothing), plus
    an unrelated document and a same-level sibling that copies the county one later."""
    from zhengce.pipeline.model import Document
    from zhengce.pipeline.store.sqlite import SQLiteStore
    par = _doc(store, "000_1f4e195ec8952eb0.txt")["clauses"]
    other = _doc(store, "003_3bf94dc3a89a6442.txt")["clauses"]
    donors = _doc(store, "001_4ea7f4e0e4771614.txt")["clauses"]
    nat = make_record(par, title="关于进一步激发中小学办学活力的若干意见", level="national", date="2020-09-15",
                      doc_number="教基〔2020〕7号", issuer="教育部")
    prov_c = make_child(par, seed=1, donors=donors)
    prov = make_record(prov_c.clauses, title="自治区关于进一步激发中小学办学活力的实施方案", level="provincial",
                       region={"province": "宁夏回族自治区"}, date="2021-01-10", doc_number="宁教基〔2021〕7号",
                       citations=[{"title": "关于进一步激发中小学办学活力的若干意见", "doc_number": "教基〔2020〕7号"}])
    city_c = make_child(prov_c.clauses, seed=2, donors=donors)
    city = make_record(city_c.clauses, title="固原市激发中小学办学活力实施方案", level="municipal",
                       region={"province": "宁夏回族自治区", "city": "固原市"}, date="2021-03-01",
                       citations=[{"title": "自治区关于进一步激发中小学办学活力的实施方案"}])
    county_c = make_child(city_c.clauses, seed=3, donors=donors)
    county = make_record(county_c.clauses, title="原州区激发中小学办学活力实施方案", level="county",
                         region={"province": "宁夏回族自治区", "city": "固原市", "county": "原州区"}, date="2021-05-20")
    sib_c = make_child(county_c.clauses, seed=4, donors=donors)
    sibling = make_record(sib_c.clauses, title="西吉县激发中小学办学活力实施方案", level="county",
                          region={"province": "宁夏回族自治区", "city": "固原市", "county": "西吉县"}, date="2021-07-01")
    unrelated = make_record(other, title="杏花岭区教育规划", level="county",
                            region={"province": "山西省", "city": "太原市", "county": "杏花岭区"}, date="2022-08-17")
    path = tmp_path_factory.mktemp("family") / "family.db"
    s = SQLiteStore(path)
    ids = {}
    for name, rec in [("national", nat), ("provincial", prov), ("municipal", city), ("county", county),
                      ("sibling", sibling), ("unrelated", unrelated)]:
        Document.model_validate(rec)
        s.put(rec, rec["source"], rec["doc_id"], "txt")
        ids[name] = rec["doc_id"]
    assert s.resolve_citations() == 2
    s.close()
    return path, ids


def test_family_from_citations_and_reuse(family_store):
    from zhengce.pipeline.compare.lineage import family
    from zhengce.pipeline.store.sqlite import SQLiteStore
    path, ids = family_store
    with SQLiteStore(path) as s:
        fam = family(s, ids["county"])
    by = {m["doc_id"]: m for m in fam["members"]}
    assert fam["root"] == ids["national"]
    assert ids["unrelated"] not in by
    assert by[ids["provincial"]]["parent"] == ids["national"] and by[ids["provincial"]]["link"] == "citation"
    assert by[ids["municipal"]]["parent"] == ids["provincial"] and by[ids["municipal"]]["link"] == "citation"
    assert by[ids["county"]]["parent"] == ids["municipal"] and by[ids["county"]]["link"] == "text_reuse"
    assert by[ids["sibling"]]["parent"] == ids["county"] and by[ids["sibling"]]["link"] == "text_reuse"
    assert by[ids["county"]]["query"] and by[ids["county"]]["level"] == "county"
    assert by[ids["county"]]["region"] == "宁夏回族自治区/固原市/原州区" and by[ids["county"]]["date"] == "2021-05-20"
    for name in ("provincial", "municipal", "county"):
        assert 0.6 <= by[ids[name]]["share_of_parent_reused"] <= 1.0
    assert [m["depth"] for m in fam["members"][:4]] == [0, 1, 2, 3]


def test_family_index_is_incremental(family_store, tmp_path):
    import shutil
    from zhengce.pipeline.compare.reuse_index import ReuseIndex
    from zhengce.pipeline.store.sqlite import SQLiteStore
    path, ids = family_store
    copy = tmp_path / "f.db"
    shutil.copy(path, copy)
    with SQLiteStore(copy) as s:
        s.db.execute("DELETE FROM compare_meta")           # force a full rebuild
        ix = ReuseIndex(s)
        assert ix.refresh() == 6 and ix.n_docs() == 6
        assert ix.refresh() == 0
        cands = {c["doc_id"] for c in ix.candidates(ids["municipal"])}
        assert {ids["provincial"], ids["county"]} <= cands and ids["unrelated"] not in cands
        rec = s.get(ids["unrelated"])
        s.put(rec, "elsewhere.txt", "h2", "txt")          # re-stored: stamp changes
        assert ix.refresh() == 1
        mem = ReuseIndex(s, persist=False)
        mem.refresh()
        assert {c["doc_id"] for c in mem.candidates(ids["municipal"])} == cands


def test_cli_family(family_store):
    path, ids = family_store
    code, out, err = run_cli("family", ids["county"], "--db", path, "--json")
    assert code == 0, err
    fam = json.loads(out)
    for m in fam["members"]:
        assert set(m) >= {"doc_id", "title", "level", "region", "date", "parent", "share_of_parent_reused"}
    code, out, err = run_cli("family", ids["county"], "--db", path)
    assert code == 0 and "原州区激发中小学办学活力实施方案" in out and "reuses" in out
    code, out, err = run_cli("family", ids["county"], "--db", path, "--json", "--no-reuse")
    assert {m["doc_id"] for m in json.loads(out)["members"]} == {ids["county"]}


# --- indicators -------------------------------------------------------------------------------

def test_indicator_canonical_names():
    from zhengce.pipeline.compare.indicators import canonical, matches
    assert canonical("学前三年毛入园率") == canonical("学前教育毛入园率") == "学前教育毛入园率"
    assert canonical("全区学前三年毛入园率达到") == "学前教育毛入园率"
    assert canonical("义务教育巩固率") == "九年义务教育巩固率"
    assert canonical("高中阶段毛入学率") == "高中阶段教育毛入学率"
    assert canonical("城镇登记失业率") != canonical("城镇调查失业率")
    assert canonical("某某新指标完成率") == "某某新指标完成率"
    assert matches("毛入园率", "学前三年毛入园率") and matches("学前教育毛入园率", "学前三年毛入园率")
    assert not matches("毛入园率", "高中阶段毛入学率")


def test_propose_clusters_groups_variants():
    from zhengce.pipeline.compare.indicators import propose_clusters
    rows = propose_clusters(["学前三年毛入园率", "学前教育毛入园率", "高中阶段毛入学率", "高中阶段教育毛入学率"])
    clusters = {}
    for r in rows:
        clusters.setdefault(r["cluster"], set()).add(r["member"])
    assert clusters["学前教育毛入园率"] == {"学前三年毛入园率", "学前教育毛入园率"}
    assert all(r["status"] == "proposed" for r in rows)


def _target(indicator, value, comparator=">=", unit="%", deadline="2025-12-31", baseline=None, value_max=None):
    from zhengce.pipeline.model import Target
    t = Target(clause_id="c1", indicator=indicator, comparator=comparator, value=value, value_max=value_max, unit=unit,
               deadline=deadline, baseline=baseline, text=f"{indicator}达到{value}{unit}", span=(0, 5))
    return t.model_dump(mode="json")


@pytest.fixture(scope="module")
def targets_db(tmp_path_factory):
    from zhengce.pipeline.store.sqlite import SQLiteStore
    docs = [
        ("太原市杏花岭区", {"province": "山西省", "city": "太原市", "county": "杏花岭区"}, "county",
         [_target("学前三年毛入园率", 95, baseline={"value": 91.2, "year": 2020}),
          _target("九年义务教育巩固率", 100, comparator="=")]),
        ("随州市", {"province": "湖北省", "city": "随州市"}, "municipal",
         [_target("学前教育毛入园率", 92, deadline="2023-12-31"), _target("学前教育毛入园率", 95),
          _target("义务教育巩固率", 99, comparator=">=")]),
        ("辽宁省", {"province": "辽宁省"}, "provincial",
         [_target("优质教育资源覆盖率", 80, comparator="=", deadline="2021-12-31"),
          _target("学前教育毛入园率", 90, comparator="approx")]),
    ]
    path = tmp_path_factory.mktemp("targets") / "t.db"
    s = SQLiteStore(path)
    for title, region, level, targets in docs:
        rec = make_record([{"text": t["text"], "kind": "goal"} for t in targets], title=f"{title}教育发展规划",
                          level=level, region=region, date="2021-06-01", targets=targets)
        s.put(rec, rec["source"], rec["doc_id"], "txt")
    s.close()
    return path


def test_targets_pivot_rows(targets_db):
    from zhengce.pipeline.compare.indicators import pivot_frame, pivot_rows, store_targets
    from zhengce.pipeline.store.sqlite import SQLiteStore
    with SQLiteStore(targets_db) as s:
        recs = store_targets(s, "毛入园率")
        assert len(recs) == 4
        indicators, rows = pivot_rows(recs, "region")
        assert indicators == ["学前教育毛入园率"]
        by = {r["region"]: r["学前教育毛入园率"] for r in rows}
        assert by["山西省/太原市/杏花岭区"]["value"] == 95 and by["山西省/太原市/杏花岭区"]["baseline_value"] == 91.2
        assert by["湖北省/随州市"]["deadline"] == "2025-12-31" and by["湖北省/随州市"]["n"] == 2
        assert by["辽宁省"]["comparator"] == "approx"
        all_inds, _ = pivot_rows(store_targets(s), "level")
        assert "九年义务教育巩固率" in all_inds and "义务教育巩固率" not in all_inds
        df = pivot_frame(recs, "province")      # 湖北省 holds two targets: two rows, none dropped
        assert sorted(df.loc["湖北省", ("学前教育毛入园率", "value")]) == [92, 95]
        assert df.loc["辽宁省", ("学前教育毛入园率", "document")] == "辽宁省教育发展规划"


def test_cli_targets_outputs(targets_db, tmp_path):
    code, out, err = run_cli("targets", "--indicator", "毛入园率", "--pivot", "region", "--db", targets_db, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["indicators"] == ["学前教育毛入园率"] and len(d["rows"]) == 3 and d["targets"] == 4
    for r in d["rows"]:
        cell = r["学前教育毛入园率"]
        assert set(cell) >= {"value", "comparator", "unit", "deadline", "baseline_value"}
    csv_path, xlsx_path, charts, html = tmp_path / "t.csv", tmp_path / "t.xlsx", tmp_path / "charts", tmp_path / "t.html"
    code, out, err = run_cli("targets", "--db", targets_db, "--pivot", "region", "--csv", csv_path, "--xlsx", xlsx_path,
                             "--plot", charts)
    assert code == 0, err
    assert "学前教育毛入园率" in csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    import openpyxl
    assert openpyxl.load_workbook(xlsx_path).sheetnames == ["targets", "table", "pivot"]
    pngs = sorted(p.name for p in charts.glob("*.png"))
    assert pngs == ["九年义务教育巩固率.png", "优质教育资源覆盖率.png", "学前教育毛入园率.png"]
    assert all((charts / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)
    code, out, err = run_cli("targets", "--indicator", "毛入园率", "--db", targets_db, "--plot", html)
    assert code == 0, err
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") == 1 and "学前教育毛入园率" in page and "http-equiv" not in page
    code, out, err = run_cli("targets", "--indicator", "毛入园率", "--db", targets_db, "--pivot", "region")
    assert code == 0 and "≥95% (2025)" in out and "≥92% (2023)" in out


def test_heavy_libraries_load_lazily():
    import subprocess
    code = ("import sys; from zhengce import cli_compare; import zhengce.pipeline.compare as c; "
            "print(any(m in sys.modules for m in ('sklearn', 'datasketch', 'matplotlib', 'rapidfuzz', 'pandas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
