"""The store contract: written once, run against every backend (Haystack-style).  A backend's
test module subclasses ``StoreContract`` and provides the ``store`` fixture."""
from __future__ import annotations

import copy

import pytest

from conftest import SEEDS
from zhengce.pipeline.document import extract_file


@pytest.fixture(scope="session")
def seed_records():
    return {p.name: extract_file(p).record() for p in sorted(SEEDS.glob("*.txt"))}


class StoreContract:
    @pytest.fixture
    def store(self, tmp_path):  # pragma: no cover - overridden
        raise NotImplementedError

    @pytest.fixture
    def filled(self, store, seed_records):
        for name, rec in seed_records.items():
            assert store.put(rec, f"/docs/{name}", f"hash-{name}", "txt") == "ingested"
        store.resolve_citations()
        return store

    def test_round_trip(self, filled, seed_records):
        for rec in seed_records.values():
            got = filled.get(rec["doc_id"])
            assert got == rec

    def test_unchanged_source_is_a_no_op(self, filled, seed_records):
        name, rec = next(iter(seed_records.items()))
        assert filled.put(rec, f"/docs/{name}", f"hash-{name}", "txt") == "unchanged"
        assert filled.count() == len(seed_records)
        assert filled.source_hash(f"/docs/{name}") == f"hash-{name}"

    def test_changed_source_replaces_its_old_version(self, filled, seed_records):
        name, rec = next(iter(seed_records.items()))
        new = copy.deepcopy(rec)
        new["doc_id"] = "f" * 16
        new["metadata"]["title"] = "改过的标题"
        assert filled.put(new, f"/docs/{name}", "hash-new", "txt") == "ingested"
        assert filled.get(rec["doc_id"]) is None
        assert filled.get(new["doc_id"])["metadata"]["title"] == "改过的标题"
        assert filled.count() == len(seed_records)
        assert not [r for r in filled.rows("clauses") if r["doc_id"] == rec["doc_id"]]

    def test_same_document_from_two_sources_is_one_document(self, filled, seed_records):
        name, rec = next(iter(seed_records.items()))
        assert filled.put(rec, f"/elsewhere/{name}.pdf", "hash-pdf", "pdf") == "ingested"
        assert filled.count() == len(seed_records)
        assert sorted(filled.sources(rec["doc_id"])) == sorted([f"/docs/{name}", f"/elsewhere/{name}.pdf"])
        n_clauses = len([r for r in filled.rows("clauses") if r["doc_id"] == rec["doc_id"]])
        assert n_clauses == len(rec["clauses"])

    def test_resolve_by_id_prefix_and_path(self, filled, seed_records):
        name, rec = next(iter(seed_records.items()))
        assert filled.resolve(rec["doc_id"]) == rec["doc_id"]
        assert filled.resolve(rec["doc_id"][:10]) == rec["doc_id"]
        assert filled.resolve(f"/docs/{name}") == rec["doc_id"]
        assert filled.resolve("no-such-thing") is None

    def test_document_filters(self, filled, seed_records):
        county = filled.documents(level="county")
        assert {d["doc_id"] for d in county} == {r["doc_id"] for r in seed_records.values()
                                                if r["metadata"]["level"] == "county"}
        assert county, "seeds include county documents"
        shanxi = filled.documents(province="山西省")
        assert shanxi and all(d["province"] == "山西省" for d in shanxi)
        assert filled.documents(region="太原市")[0]["city"] == "太原市"
        y2021 = filled.documents(year="2021")
        assert y2021 and all(d["year"] == 2021 for d in y2021)
        assert all(d["doc_type"] == "规划" for d in filled.documents(doc_type="规划"))
        assert filled.documents(issuer="随州")[0]["issuers"] == ["随州市人民政府"]

    def test_row_filters(self, filled, seed_records):
        obligations = filled.rows("clauses", kind="obligation")
        assert obligations and all(r["kind"] == "obligation" for r in obligations)
        units = filled.rows("responsibilities", unit="市教育局")
        assert units and all("市教育局" in r["unit"] for r in units)
        total = sum(len(r["clauses"]) for r in seed_records.values())
        assert len(filled.rows("clauses")) == total

    def test_records_iterates_full_records(self, filled, seed_records):
        got = {r["doc_id"] for r in filled.records(level="county")}
        assert got == {r["doc_id"] for r in seed_records.values() if r["metadata"]["level"] == "county"}

    def test_replace_rewrites_a_record_in_place(self, filled, seed_records):
        name, rec = next(iter(seed_records.items()))
        new = copy.deepcopy(rec)
        new["metadata"]["signed_date"] = "2030-01-02"
        new["quality"]["notes"] = new["quality"]["notes"] + ["a later pass changed this"]
        filled.replace(new)
        assert filled.get(rec["doc_id"]) == new
        assert filled.count() == len(seed_records)
        assert filled.sources(rec["doc_id"]) == [f"/docs/{name}"]
        assert filled.source_hash(f"/docs/{name}") == f"hash-{name}"       # the source is not re-read
        assert [d["signed_date"] for d in filled.documents() if d["doc_id"] == rec["doc_id"]] == ["2030-01-02"]
        assert len([r for r in filled.rows("clauses") if r["doc_id"] == rec["doc_id"]]) == len(rec["clauses"])

    def test_containing_finds_texts_holding_a_phrase(self, filled, seed_records):
        rec = next(iter(seed_records.values()))
        phrase = rec["text"][100:112]
        want = sorted(r["doc_id"] for r in seed_records.values() if phrase in r["text"])
        assert sorted(filled.containing(phrase)) == want and rec["doc_id"] in want
        assert filled.containing("没有任何文件会写这句话") == []

