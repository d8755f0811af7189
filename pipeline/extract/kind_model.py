"""The statistical clause-kind model (models/clause_kind): how it is built and how it is used.

Combination with the rules, in one place: the cue table decides whenever it finds a cue (a
modal word is the strongest evidence there is, and the rules are auditable); for a clause with
no cue, the model's prediction is taken when its probability is at least ``MIN_CONFIDENCE``,
else the rule fallback (future deadline → goal, review → fact, else other) stands.

The model is consulted when ``ZHENGCE_KIND_MODEL=1`` (``zhengce extract --kind-model``).  It is
off by default because, measured on the held-out documents of other genres (tests/gold_dev), the
rules alone decide clause kinds better (0.970 against 0.911 with the model), while the model
halves extraction throughput (scikit-learn's character n-gram analyser costs ~0.7 ms per clause,
and importing scikit-learn ~2.5 s per process); see models/clause_kind/MODEL_CARD.md.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

MIN_CONFIDENCE = 0.6


def cue_features(texts):
    from .clauses import find_cues
    kinds = ("obligation", "prohibition", "encouragement", "permission", "goal")
    rows = []
    for t in texts:
        found = {c.kind for _, c in find_cues(str(t))}
        rows.append([float(k in found) for k in kinds] + [float(not found)])
    return rows


def build_pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=60000)),
        ("cues", FunctionTransformer(cue_features)),
    ])
    return make_pipeline(features, LogisticRegression(max_iter=2000, C=4.0, class_weight="balanced"))


@lru_cache(maxsize=1)
def load_model():
    import os
    if os.environ.get("ZHENGCE_KIND_MODEL", "") in ("", "0") or os.environ.get("ZHENGCE_NO_KIND_MODEL"):
        return None   # rules alone (the default; also while training)
    try:
        path = resources.files("zhengce.models").joinpath("clause_kind", "model.joblib")
        if not path.is_file():
            return None
        import joblib
        with resources.as_file(path) as p:
            return joblib.load(p)
    except Exception:  # noqa: BLE001 - a missing/incompatible model means rules only
        return None


def predict(texts: list[str]) -> list[tuple[str, float]] | None:
    model = load_model()
    if model is None or not texts:
        return None
    import numpy as np
    proba = model.predict_proba(np.array(texts, dtype=object))
    classes = model.classes_
    return [(str(classes[i]), float(p[i])) for p, i in zip(proba, proba.argmax(axis=1))]
