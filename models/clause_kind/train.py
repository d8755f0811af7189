"""Train the clause-kind classifier (see MODEL_CARD.md).

    ZHENGCE_NO_KIND_MODEL=1 python models/clause_kind/train.py [EXTRA_DIR …]
        # e.g. EXTRA_DIR = ../shared/corpus_wild: more documents of other genres for weak labels

Labelled set: the clauses of the bundled corpus (and of any EXTRA_DIR) labelled by the cue-table
rules (weak labels; at most 150 clauses a document, so that long laws do not dominate), the gold
clause samples of the seeds (tests/gold, weighted ×3) and the hand-labelled hard cases in
hard_cases.tsv (weighted ×3, since they are where rules fail).  The documents of tests/gold_dev
are left out entirely, text included: they are the held-out evaluation.  Features: character
1–3-gram TF-IDF over the clause, plus which cue kinds the cue table finds in it.  Model:
multinomial logistic regression.  Figures: 5-fold cross-validated accuracy on the whole set, the
hard cases held out five folds at a time, and accuracy on the gold clause samples of
tests/gold_dev (never trained on), for all samples and for those without a cue.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def load_hard_cases():
    rows = [l.split("\t") for l in (HERE / "hard_cases.tsv").read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")][1:]
    return [r[0] for r in rows], [r[1] for r in rows]


def held_out_files() -> set[str]:
    return {json.loads(g.read_text(encoding="utf-8"))["file"] for g in (ROOT / "tests" / "gold_dev").glob("*.gold.json")}


def seed_gold_samples():
    texts, labels = [], []
    for g in sorted((ROOT / "tests" / "gold").glob("*.gold.json")):
        for s in json.loads(g.read_text(encoding="utf-8"))["clauses_sample"]:
            texts.append(s["evidence"])
            labels.append(s["kind"])
    return texts, labels


def weak_labels(dirs, limit_per_doc: int = 150):
    from zhengce.pipeline.document import extract_file
    from zhengce.pipeline.load import LOADERS, LoadError
    texts, labels = [], []
    skip = held_out_files()
    files = [p for d in dirs for p in sorted(Path(d).rglob("*"))]
    for p in files:
        if p.suffix.lower() not in LOADERS or p.stem.upper() in {"README", "SOURCES", "MANIFEST"} or p.name in skip:
            continue
        try:
            doc = extract_file(p)
        except Exception:  # noqa: BLE001 - a file the pipeline cannot read adds no labels
            continue
        for c in doc.clauses[:limit_per_doc]:
            if len(c.text) >= 4 and " | " not in c.text:
                texts.append(c.text)
                labels.append(c.kind)
    return texts, labels


def main() -> int:
    import joblib
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    from zhengce.pipeline.extract.kind_model import build_pipeline

    weak_x, weak_y = weak_labels([ROOT / "corpus", *sys.argv[1:]])
    seed_x, seed_y = seed_gold_samples()
    weak_x, weak_y = weak_x + seed_x * 3, weak_y + seed_y * 3
    hard_x, hard_y = load_hard_cases()
    x = weak_x + hard_x * 3
    y = weak_y + hard_y * 3
    pipe = build_pipeline()
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    acc = cross_val_score(pipe, np.array(x, dtype=object), np.array(y), cv=cv, scoring="accuracy")
    pipe.fit(np.array(x, dtype=object), np.array(y))
    # the hard cases held out five folds at a time: how often does the model alone get them right?
    hard_right = 0
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    hx, hy = np.array(hard_x, dtype=object), np.array(hard_y)
    try:
        splits = list(folds.split(hx, hy))
    except ValueError:  # a kind with fewer than five hard cases
        splits = list(StratifiedKFold(n_splits=3, shuffle=True, random_state=0).split(hx, hy))
    for train_idx, test_idx in splits:
        m = build_pipeline()
        xs = weak_x + list(hx[train_idx]) * 3
        ys = weak_y + list(hy[train_idx]) * 3
        m.fit(np.array(xs, dtype=object), np.array(ys))
        hard_right += int((m.predict(hx[test_idx]) == hy[test_idx]).sum())
    from zhengce.pipeline.extract.clauses import find_cues
    gold_right = gold_total = open_right = open_total = 0
    for g in sorted((ROOT / "tests" / "gold_dev").glob("*.gold.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        xs = [s["evidence"] for s in gold["clauses_sample"]]
        pred = pipe.predict(np.array(xs, dtype=object))
        for p, s in zip(pred, gold["clauses_sample"]):
            gold_right += p == s["kind"]
            gold_total += 1
            if not find_cues(s["evidence"]):
                open_right += p == s["kind"]
                open_total += 1
    joblib.dump(pipe, HERE / "model.joblib", compress=3)
    figures = {
        "training_clauses": len(weak_x), "hard_cases": len(hard_x),
        "cv_accuracy_mean": round(float(acc.mean()), 4), "cv_accuracy_std": round(float(acc.std()), 4),
                "hard_cases_heldout_accuracy": round(hard_right / len(hard_x), 4),
        "seed_gold_samples_trained_on": len(seed_x),
        "gold_dev_sample_accuracy_model_alone": round(gold_right / gold_total, 4), "gold_dev_samples": gold_total,
        "gold_dev_cueless_accuracy_model_alone": round(open_right / open_total, 4) if open_total else None,
        "gold_dev_cueless_samples": open_total,
    }
    (HERE / "figures.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
