"""An attachment filed on its own takes its dates, issuers, region and level from the notice that
lists it — only when exactly one stored notice (or one in its own folder) lists it by name."""
import pytest

from zhengce.pipeline.attachments import attachment_name, inherit, lists_attachment, parent_of
from zhengce.pipeline.ingest import ingest
from zhengce.pipeline.store.sqlite import SQLiteStore


@pytest.mark.parametrize("title, doc_type, name", [
    ("附件：杨“数”浦新质秀带创新区空间布局图", "附件", "杨数浦新质秀带创新区空间布局图"),
    ("附件2：2024年度省级示范园区名单", None, "2024年度省级示范园区名单"),
    ("附件 3. 重点项目清单.xlsx", None, "3.重点项目清单"[2:]),
    ("附件1、评分细则", None, "评分细则"),
    ("关于印发某方案的通知", "通知", None),       # not an attachment
    ("附件：表", "附件", None),                   # too short a name to find a parent by
])
def test_attachment_name(title, doc_type, name):
    assert attachment_name({"metadata": {"title": title, "doc_type": doc_type}}) == name


@pytest.mark.parametrize("text, listed", [
    ("**附件**:\n- [杨“数”浦新质秀带创新区空间布局图.pdf](./x.pdf) (pdf)", True),
    ("附件：1. 某某名单\n2. 2024年度省级示范园区名单", True),
    ("【相关附件】\n- [2024年度省级示范园区名单.docx](/a/b.docx)", True),
    ("各区要对照2024年度省级示范园区名单逐项落实。", False),   # named in prose, no 附件 listing
    ("附件：评分办法" + "。" * 500 + "2024年度省级示范园区名单", False),   # too far after 附件
])
def test_lists_attachment(text, listed):
    name = "2024年度省级示范园区名单" if "名单" in text else "杨数浦新质秀带创新区空间布局图"
    assert lists_attachment(text, name) is listed


def _cand(doc_id, folder, text="附件：重点项目清单"):
    return {"doc_id": doc_id, "folders": {folder}, "text": text, "metadata": {}}


def test_parent_must_be_unique_or_share_the_folder():
    one = [_cand("a", "/x")]
    assert parent_of("重点项目清单", "att", {"/y"}, one)["doc_id"] == "a"
    two = [_cand("a", "/x"), _cand("b", "/y")]
    assert parent_of("重点项目清单", "att", {"/y"}, two)["doc_id"] == "b"
    assert parent_of("重点项目清单", "att", {"/z"}, two) is None          # ambiguous: nothing inherited
    assert parent_of("重点项目清单", "a", {"/x"}, one) is None             # never its own parent


def test_inherit_fills_only_what_is_empty_and_notes_it():
    rec = {"doc_id": "att", "metadata": {"title": "附件：重点项目清单", "issuers": ["某县发展改革局"],
                                         "signed_date": None, "region": {}, "level": None},
           "quality": {"flags": [], "notes": []}}
    parent = {"doc_id": "p1", "metadata": {"title": "某县重点项目实施方案", "issuers": ["某县人民政府"],
                                           "signed_date": "2024-05-06", "published_date": None,
                                           "region": {"province": "山西省", "county": "某县"}, "level": "county"}}
    out = inherit(rec, parent)
    m = out["metadata"]
    assert m["signed_date"] == "2024-05-06" and m["level"] == "county" and m["region"]["county"] == "某县"
    assert m["issuers"] == ["某县发展改革局"]                 # its own issuer stays
    assert m["notice_title"] == "某县重点项目实施方案"
    assert out["quality"]["notes"] == ["metadata inherited from the notice that lists this attachment: p1"]
    assert inherit(out, parent)["quality"]["notes"] == out["quality"]["notes"]   # not repeated
    assert rec["metadata"]["signed_date"] is None                                # input untouched


NOTICE = """关于印发《某市2024年重点项目建设方案》的通知
某政发〔2024〕7号
各区人民政府：
现将《某市2024年重点项目建设方案》印发给你们，请认真贯彻执行。
附件：1. 某市2024年重点项目建设方案
2. 某市2024年重点建设项目清单
某市人民政府
2024年3月8日
"""
ATTACHMENT = """附件2：某市2024年重点建设项目清单
序号 项目名称 建设单位
1 城市轨道交通二期工程 市交通局
2 滨江生态廊道工程 市生态环境局
"""


def test_ingest_links_a_separately_filed_attachment(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (folder / "attachment2.txt").write_text(ATTACHMENT, encoding="utf-8")
    (tmp_path / "orphan").mkdir()
    (tmp_path / "orphan" / "a.txt").write_text(ATTACHMENT.replace("重点建设项目清单", "老旧小区改造计划表"),
                                              encoding="utf-8")
    with SQLiteStore(str(tmp_path / "s.db")) as store:
        ingest([str(folder), str(tmp_path / "orphan")], store)
        rows = {d["title"]: d for d in store.documents()}
        att = rows["附件2：某市2024年重点建设项目清单"]
        assert att["signed_date"] == "2024-03-08" and att["year"] == 2024
        assert att["issuer"] == "某市人民政府"
        parent = next(d for d in rows.values() if d["doc_number"] == "某政发〔2024〕7号")
        assert att["notice_title"] == parent["title"]
        assert store.documents(year=2024, doc_type=att["doc_type"])          # year filters now find it
        orphan = rows["附件2：某市2024年老旧小区改造计划表"]
        assert orphan["signed_date"] is None                                 # nobody lists it
        rec = store.get(att["doc_id"])
        assert any("inherited" in n for n in rec["quality"]["notes"])
        assert sorted(store.containing("滨江生态廊道工程")) == sorted([att["doc_id"], orphan["doc_id"]])
        assert store.containing("老旧小区改造计划表") == [orphan["doc_id"]]
        assert store.containing("不在任何文件里的话") == []


def test_show_says_where_inherited_metadata_came_from(tmp_path):
    import subprocess
    import sys
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "attachment2.txt").write_text(ATTACHMENT, encoding="utf-8")
    db = str(tmp_path / "s.db")
    env = {**__import__("os").environ, "ZHENGCE_EMBED_AT_INGEST": "0", "COLUMNS": "200"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "zhengce", *a], capture_output=True, text=True,
                                    env=env, timeout=120)
    assert run("ingest", str(tmp_path), "--db", db, "--quiet").returncode == 0
    out = run("show", "attachment2.txt", "--db", db).stdout
    assert "2024-03-08" in out and "inherited from the notice that lists this attachment" in out
