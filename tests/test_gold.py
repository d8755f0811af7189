"""Quality gate on the development sets, scored with the project's scorer (tests/eval/score.py, a
copy of shared/eval/score.py): the five seeds against tests/gold, and six corpus/dev documents of
other genres (an action plan, a national opinion, a district plan with 责任单位 lists, a 章/条
regulation, a saved gov.cn page, a provincial opinion) against tests/gold_dev.  Floors are pinned a
little under the current figures so a regression fails the build; gold_dev stays a development
set — a fix for a class of failure is checked on corpus_wild too (see docs/health.md)."""
from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import DEV, GOLD, GOLD_DEV, SEEDS
from zhengce.pipeline.document import extract_file

spec = importlib.util.spec_from_file_location("score", GOLD.parent / "eval" / "score.py")
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)

SETS = {"seeds": (GOLD, SEEDS), "gold_dev": (GOLD_DEV, DEV)}
FLOORS = {
    "seeds": {"metadata": 0.95, "sections": 0.95, "quality": 0.85, "responsibilities": 0.88, "targets_full": 0.90,
              "targets_detect": 0.95, "time": 0.95, "time_normalised": 0.95, "citations": 0.95, "clause_kind": 0.95,
              "actors": 0.90, "overall": 0.95},
    "gold_dev": {"metadata": 0.97, "sections": 0.97, "quality": 0.95, "responsibilities": 0.95, "targets_full": 0.93,
                 "targets_detect": 0.95, "time": 0.92, "time_normalised": 0.92, "citations": 0.95, "clause_kind": 0.95,
                 "actors": 0.88, "overall": 0.95},
}


@pytest.fixture(scope="module")
def totals():
    out = {}
    for name, (gold_dir, docs) in SETS.items():
        totals = {metric: score.Tally(kind) for metric, kind, _ in score.METRICS}
        for gold_file in sorted(gold_dir.glob("*.gold.json")):
            gold = json.loads(gold_file.read_text(encoding="utf-8"))
            record = extract_file(docs / gold["file"]).record()
            for metric, tally in score.score_document(gold, record).items():
                totals[metric].add(tally)
        out[name] = totals
    return out


@pytest.mark.parametrize("gold_set, metric", [(s, m) for s in FLOORS for m in sorted(FLOORS[s])])
def test_floor(totals, gold_set, metric):
    t = totals[gold_set]
    if metric == "overall":
        value = score.overall({m: tally.value() for m, tally in t.items()})
        assert value >= FLOORS[gold_set][metric], (gold_set, value)
        return
    value = t[metric].value()
    assert value is not None and value >= FLOORS[gold_set][metric], \
        (gold_set, metric, value, t[metric].missed[:10], t[metric].extra[:10])
