"""The clause-kind model: it loads from the package, is consulted only when enabled, keeps the
rules' decision whenever a cue was found, and classifies the hand-labelled hard cases well."""
from __future__ import annotations

import pytest

from conftest import SEEDS
from zhengce.pipeline.extract import kind_model


@pytest.fixture
def enabled(monkeypatch):
    monkeypatch.setenv("ZHENGCE_KIND_MODEL", "1")
    kind_model.load_model.cache_clear()
    yield
    kind_model.load_model.cache_clear()


def test_off_by_default(monkeypatch):
    monkeypatch.delenv("ZHENGCE_KIND_MODEL", raising=False)
    kind_model.load_model.cache_clear()
    assert kind_model.predict(["到2025年，全市普惠性幼儿园覆盖率达到90%"]) is None


def test_model_loads_and_predicts(enabled):
    got = kind_model.predict(["“十三五”期间，全省新建幼儿园1200所，新增学位15万个", "严禁在职教师有偿补课"])
    assert got is not None and [k for k, _ in got] == ["fact", "prohibition"]
    assert all(0 <= p <= 1 for _, p in got)


def test_rules_keep_cued_clauses_when_model_is_on(enabled):
    from zhengce.pipeline.document import extract_file
    doc = extract_file(next(SEEDS.glob("004_*.txt")))
    for c in doc.clauses:
        if c.cue is not None:
            assert c.confidence is None       # never consulted
        elif c.confidence is not None and c.confidence >= kind_model.MIN_CONFIDENCE:
            assert c.kind in ("goal", "fact", "other")
