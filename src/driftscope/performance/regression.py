"""Regression metrics over weighted rows: ``mae``, ``rmse``, ``mape`` and ``r2``, as
scikit-learn defines them (``mape`` divides by ``max(|y|, eps)``; ``r2`` is 1 for a perfect
fit of a constant target and 0 for an imperfect one).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from driftscope.performance.classification import (
    EPS,
    NAN,
    FloatArray,
    Scorer,
    Scores,
    _dot,
    kept,
    wanted,
)


def regression_scorer(target: FloatArray, predicted: FloatArray) -> Scorer:
    """The scorer of a regression model's ``predicted`` values against ``target`` (every
    metric, or those named when called with ``metrics``: see
    :class:`~driftscope.performance.classification.Scorer`).

    >>> score = regression_scorer(np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 3.0]))
    >>> {k: round(v, 4) for k, v in score(None).items()}
    {'mae': 0.6667, 'rmse': 0.8165, 'mape': 0.25, 'r2': 0.5714}
    >>> {k: round(v, 4) for k, v in score(None, metrics=("mae",)).items()}
    {'mae': 0.6667}
    """
    error = target - predicted
    absolute, squared = np.abs(error), error * error
    relative = absolute / np.maximum(np.abs(target), EPS)

    def score(weights: FloatArray | None, metrics: Collection[str] | None = None) -> Scores:
        w = np.ones(target.size) if weights is None else weights
        total = float(w.sum())
        squares = wanted(metrics, ("rmse", "r2"))
        residual = float(_dot(w, squared)) if squares else NAN
        r2 = NAN
        if wanted(metrics, ("r2",)):
            mean = float(_dot(w, target)) / total
            spread = float(_dot(w, (target - mean) ** 2))
            # scikit-learn's force_finite: a constant target fitted exactly is 1, otherwise 0
            perfect = 1.0 if residual == 0.0 else 0.0
            r2 = 1.0 - residual / spread if spread > 0.0 else perfect
        return kept(
            {
                "mae": float(_dot(w, absolute)) / total if wanted(metrics, ("mae",)) else NAN,
                "rmse": float(np.sqrt(residual / total)),
                "mape": float(_dot(w, relative)) / total if wanted(metrics, ("mape",)) else NAN,
                "r2": r2,
            },
            metrics,
        )

    return score
