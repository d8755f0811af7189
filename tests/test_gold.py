"""Quality gate on the development set: the seeds scored against their gold annotations with the
project's scorer (tests/eval/score.py, a copy of shared/eval/score.py).  Floors are pinned a little
under the current figures so a regression fails the build."""
from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import GOLD, SEEDS
from zhengce.pipeline.document import extract_file

spec = importlib.util.spec_from_file_location("score", GOLD.parent / "eval" / "score.py")
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)

FLOORS = {"metadata": 0.95, "sections": 0.95, "quality": 0.85, "responsibilities": 0.88, "targets_full": 0.90,
          "targets_detect": 0.95, "time": 0.95, "time_normalised": 0.95, "citations": 0.95, "clause_kind": 0.95,
          "actors": 0.90}


@pytest.fixture(scope="module")
def totals():
    totals = {name: score.Tally(kind) for name, kind, _ in score.METRICS}
    for gold_file in sorted(GOLD.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        record = extract_file(SEEDS / gold["file"]).record()
        for metric, tally in score.score_document(gold, record).items():
            totals[metric].add(tally)
    return totals


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(totals, metric):
    t = totals[metric]
    assert t.value() is not None and t.value() >= FLOORS[metric], (metric, t.value(), t.missed[:10], t.extra[:10])
