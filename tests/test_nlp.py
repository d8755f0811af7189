"""The spaCy view and the domain segmenter."""
from __future__ import annotations

import pytest

from conftest import SEEDS


def test_user_dictionary_keeps_policy_words_whole():
    from zhengce.pipeline.nlp import cut
    tokens = cut("各地要落实“十四五”规划，责任单位为市教育局，学前教育毛入园率达到99%")
    for word in ("十四五", "责任单位", "市教育局", "毛入园率"):
        assert word in tokens, tokens


def test_spacy_components_put_extractions_on_doc_spans():
    pytest.importorskip("spacy")
    from zhengce.pipeline.document import extract_file
    from zhengce.pipeline.nlp import make_nlp
    text = extract_file(next(SEEDS.glob("001_*.txt"))).text
    nlp = make_nlp()
    doc = nlp(text)
    assert [t.text for t in doc][:3]                      # jieba tokens
    kinds = {s.label_ for s in doc.spans["clauses"]}
    assert {"obligation", "encouragement"} <= kinds
    units = {s.text for s in doc.spans["responsibilities"]}
    assert "市教育局" in units
    record = doc._.zhengce
    assert len(doc.spans["clauses"]) == len(record.clauses)
    for span, clause in zip(doc.spans["clauses"], record.clauses):
        assert clause.text in span.text                   # expanded to token boundaries
