"""A domain classifier on the texts' words: which words tell the current texts apart?

TF-IDF of the shared term counts (words and word pairs; sublinear term frequency) and a
logistic regression (scikit-learn, the ``[ml]`` extra) learn current against reference texts
from half of each side (at most :data:`MAX_TEXTS` a side, a seeded sample beyond); the held-out
half's ROC AUC is the statistic and Mann-Whitney's null its p-value, as for
:mod:`driftscope.multivariate.classifier`. The terms with the largest weights toward the
current texts are the explanation (those toward the reference in ``details``), with the
held-out texts each side scores most typical of itself as examples.
"""

from __future__ import annotations

import numpy as np

from driftscope.multivariate._result import Contribution, MultivariateResult
from driftscope.multivariate.classifier import _auc, _p_value
from driftscope.multivariate.text._tokens import Counts

MAX_TEXTS = 20_000
"""Most texts of each side the classifier learns from and scores."""
LISTED = 15
"""Terms listed each way."""
EXAMPLES = 3
"""Example texts shown each side."""
EXAMPLE_CHARS = 300
"""An example text is cut past this many characters."""


def text_classifier(
    counts: Counts, texts: list[str], *, alpha: float = 0.05, seed: int = 0
) -> MultivariateResult:
    """The TF-IDF classifier test of the texts counted in ``counts`` (``texts`` in the same
    order: reference first)."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    m = counts.n_reference
    sides = (np.arange(m), np.arange(m, counts.matrix.shape[0]))
    learn, held = [], []
    for side in sides:
        rows = side if side.size <= MAX_TEXTS else rng.choice(side, MAX_TEXTS, replace=False)
        shuffled = rng.permutation(rows)
        cut = min(max(1, shuffled.size // 2), shuffled.size - 1)
        held.append(np.sort(shuffled[:cut]))
        learn.append(np.sort(shuffled[cut:]))
    learn_rows, held_rows = np.concatenate(learn), np.concatenate(held)
    weights = TfidfTransformer(sublinear_tf=True).fit(counts.matrix[learn_rows])
    x_learn = weights.transform(counts.matrix[learn_rows])
    x_held = weights.transform(counts.matrix[held_rows])
    y_learn = (learn_rows >= m).astype(np.int64)
    y_held = (held_rows >= m).astype(np.int64)
    model = LogisticRegression(C=1.0, max_iter=500, solver="liblinear", random_state=seed)
    model.fit(x_learn, y_learn)
    scores = model.decision_function(x_held)
    negative, positive = scores[y_held == 0], scores[y_held == 1]
    auc, p_value = _auc(negative, positive), _p_value(negative, positive)
    coef = model.coef_.ravel()
    order = np.argsort(-coef, kind="stable")
    toward_current = [
        Contribution(str(counts.terms[j]), float(coef[j]), "marks current texts")
        for j in order[:LISTED]
        if coef[j] > 0
    ]
    toward_reference = [str(counts.terms[j]) for j in order[::-1][:LISTED] if coef[j] < 0]
    ranked = np.argsort(scores, kind="stable")
    typical_reference = [_cut(texts[held_rows[i]]) for i in ranked if y_held[i] == 0]
    typical_current = [_cut(texts[held_rows[i]]) for i in ranked[::-1] if y_held[i] == 1]
    return MultivariateResult(
        method="text_classifier",
        statistic=auc,
        p_value=p_value,
        threshold=alpha,
        higher_is_drift=False,
        drifted=p_value < alpha,
        n_reference=m,
        n_current=counts.matrix.shape[0] - m,
        approximate=any(r.size > MAX_TEXTS for r in sides),
        details={
            "model": "TF-IDF + LogisticRegression",
            "reference_terms": toward_reference,
            "examples": {
                "reference": typical_reference[:EXAMPLES],
                "current": typical_current[:EXAMPLES],
            },
            "texts_scored": (int((y_held == 0).sum()), int((y_held == 1).sum())),
            "seed": seed,
        },
        explanation=tuple(toward_current),
    )


def _cut(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "\u2026"
