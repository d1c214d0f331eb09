"""Joint weights: the density ratio ``p_cur(x) / p_ref(x)`` of all features together, from a
classifier that tells current rows from reference rows.

With ``m_ref`` reference and ``m_cur`` current rows to learn from, a calibrated classifier's
odds of "current" at ``x`` are ``(m_cur / m_ref) * p_cur(x) / p_ref(x)``, so its log-odds less
``log(m_cur / m_ref)`` are the log density ratio. Two classifiers:

* ``"boosting"``: scikit-learn's ``HistGradientBoostingClassifier`` (the ``[ml]`` extra) on
  the features' values (categories natively, missing values natively), with early stopping.
  It learns interactions, which the per-feature weights cannot. It is cross-fitted: the
  reference rows one half of the sample learnt from are scored by the model of the other half,
  since a model's odds on its own training rows are overconfident.
* ``"logistic"``: a logistic regression on the features' bin codes (one indicator per bin,
  an L2 penalty), written here with scipy's L-BFGS. Its log-ratio is a sum of one term per
  feature: correlated features share a shift instead of each counting it in full, as a plain
  product of per-feature weights would, but interactions are missed. It needs nothing beyond
  the core dependencies.

Current rows with a value no reference row resembles (:data:`~._codes.UNSEEN` codes) are
left out of the sample: no weighting of reference rows can stand for them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError
from driftscope.performance.classification import FloatArray, IntArray
from driftscope.performance.explain._codes import UNSEEN, FeatureCodes, clipped

DomainModel = Literal["auto", "boosting", "logistic"]
DOMAIN_MODELS: tuple[str, ...] = ("auto", "boosting", "logistic")

DOMAIN_ROWS = 20_000
"""Most rows of each side the classifier learns from (a seeded random sample beyond)."""
JOINT_ROWS = 100_000
"""Most reference rows the joint weights are found for: beyond, a seeded random sample of
them is re-weighted and compared with itself unweighted (scoring a million rows with a
hundred trees would take longer than everything else together)."""
PREDICT_ROWS = 100_000
"""Reference rows scored at once, so the feature matrix stays small at a million rows."""
BOOSTING_ROUNDS = 50
"""Most boosting rounds (early stopping on a held-out fifth may end sooner)."""
LEARNING_RATE = 0.2
"""Shrinkage of each boosting round. Against 0.1 and 100 rounds, it explained more of two
planted shifts (94% against 90% of an interaction's, and 1-sd shift's within 0.002 of the
true ratio's against 0.007 short) in a third of the time (benchmarks/explain.py)."""
MIN_LEAF_ROWS = 100
"""Fewest rows in a leaf of a boosted tree: finer leaves give noisy, extreme odds."""
MIN_BOOSTING_ROWS = 2 * MIN_LEAF_ROWS
"""Fewest rows of each side for the boosted classifier: each half of the sample then has
a leaf's worth of each side. With fewer, the logistic regression is used."""
MAX_CATEGORY_CODE = 254
"""Largest category code the boosted trees take (scikit-learn's limit is 255 bins); rarer
categories share it."""
LOGISTIC_PENALTY = 1.0
"""L2 penalty on each bin's coefficient (in units of one row's log-loss): it keeps the bins
no current row falls in finite; stronger, it shrinks the extreme bins that carry a shift
(10 explained 6% less of a planted covariate shift than 1)."""
THREADS = 1
"""OpenMP threads of the boosted trees: on a shared, busy machine their spin-waiting turned
half a second into ten."""
LOG_RATIO_SPAN = 50.0
"""Log-ratios are kept within this distance of their median before exponentiating (weights
beyond are clipped far more tightly anyway)."""


def joint_weights(
    features: Sequence[FeatureCodes], model: DomainModel, seed: int
) -> tuple[IntArray | None, FloatArray, str]:
    """The reference rows weighted for all ``features`` together (None: every row; beyond
    :data:`JOINT_ROWS`, a seeded random sample of them), their weights (clipped, average 1),
    and a phrase saying how the weights were found."""
    chosen = _resolve(model)
    n_ref = features[0].reference.size
    represented = np.ones(features[0].current.size, dtype=bool)
    for f in features:
        represented &= f.current != UNSEEN
    rng = np.random.default_rng(seed)
    scored = None if n_ref <= JOINT_ROWS else np.sort(rng.choice(n_ref, JOINT_ROWS, replace=False))
    pool = np.arange(n_ref) if scored is None else scored
    learn = _sample(np.arange(pool.size), rng)  # positions in pool
    cur_rows = _sample(np.flatnonzero(represented), rng)
    if cur_rows.size < 2:
        return scored, np.ones(pool.size), "no joint weights: no current row is like the reference"
    sizes = f"{learn.size:,} reference and {cur_rows.size:,} current rows"
    few = min(learn.size, cur_rows.size) < MIN_BOOSTING_ROWS
    if chosen == "boosting" and not few:
        log_ratio = _boosting(features, pool, learn, cur_rows, rng, seed)
        how = f"a gradient-boosted classifier of current against reference rows ({sizes}"
        how += ", cross-fitted)"
    else:
        log_ratio = _logistic(features, pool, pool[learn], cur_rows)
        how = "a logistic regression of current against reference rows on the features' bins"
        how += f" ({sizes}"
        how += "; too few for the boosted classifier)" if chosen == "boosting" else ")"
    if scored is not None:
        how += f", applied to {pool.size:,} reference rows"
    centre = float(np.median(log_ratio))
    ratio = np.exp(np.clip(log_ratio - centre, -LOG_RATIO_SPAN, LOG_RATIO_SPAN))
    return scored, clipped(ratio), how


def _resolve(model: DomainModel) -> Literal["boosting", "logistic"]:
    if model == "logistic":
        return "logistic"
    try:
        import sklearn.ensemble  # noqa: F401
    except ImportError:
        if model == "boosting":
            raise ConfigError(
                "explain: the boosted domain classifier needs scikit-learn: "
                "install driftscope[ml] to use domain_model='boosting'"
            ) from None
        return "logistic"
    return "boosting"


def _sample(rows: IntArray, rng: np.random.Generator) -> IntArray:
    if rows.size <= DOMAIN_ROWS:
        return rows
    return np.sort(rng.choice(rows, DOMAIN_ROWS, replace=False))


def _boosting(
    features: Sequence[FeatureCodes],
    pool: IntArray,
    learn: IntArray,
    cur_rows: IntArray,
    rng: np.random.Generator,
    seed: int,
) -> FloatArray:
    """Cross-fitted log density ratios of the reference rows ``pool``; ``learn`` are the
    positions in it the classifiers learn from."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(THREADS):
        return _cross_fitted(features, pool, learn, cur_rows, rng, seed)


def _cross_fitted(
    features: Sequence[FeatureCodes],
    pool: IntArray,
    learn: IntArray,
    cur_rows: IntArray,
    rng: np.random.Generator,
    seed: int,
) -> FloatArray:
    ref_half = rng.permutation(learn.size) % 2 == 0
    cur_half = rng.permutation(cur_rows.size) % 2 == 0
    models = [
        _fit_boosting(features, pool[learn[side]], cur_rows[part], seed)
        for side, part in ((ref_half, cur_half), (~ref_half, ~cur_half))
    ]
    # every row is scored by the first model, except those it learnt from
    by_second = np.zeros(pool.size, dtype=bool)
    by_second[learn[ref_half]] = True
    out = np.empty(pool.size)
    for (model, offset), chosen in zip(models, (~by_second, by_second), strict=True):
        positions = np.flatnonzero(chosen)
        for start in range(0, positions.size, PREDICT_ROWS):
            block = positions[start : start + PREDICT_ROWS]
            x = _matrix(features, pool[block], "reference")
            out[block] = model.decision_function(x) - offset
    return out


def _fit_boosting(
    features: Sequence[FeatureCodes], ref_rows: IntArray, cur_rows: IntArray, seed: int
) -> tuple[Any, float]:
    """A classifier of current (1) against reference (0) rows, and the log of its class
    ratio (subtracted from its log-odds to leave the density ratio)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack(
        (_matrix(features, ref_rows, "reference"), _matrix(features, cur_rows, "current"))
    )
    y = np.r_[np.zeros(ref_rows.size), np.ones(cur_rows.size)]
    categorical = np.array([f.categorical for f in features])
    model = HistGradientBoostingClassifier(
        max_iter=BOOSTING_ROUNDS,
        learning_rate=LEARNING_RATE,
        min_samples_leaf=MIN_LEAF_ROWS,
        early_stopping=True,
        validation_fraction=0.2,
        categorical_features=categorical if categorical.any() else None,
        random_state=seed,
    )
    model.fit(x, y)
    return model, math.log(cur_rows.size / ref_rows.size)


def _matrix(
    features: Sequence[FeatureCodes], rows: IntArray, side: Literal["reference", "current"]
) -> NDArray[np.float64]:
    """The rows' feature values for the boosted trees: numbers as they are, categories as
    codes (NaN where missing)."""
    out = np.empty((rows.size, len(features)))
    for j, f in enumerate(features):
        values = f.reference_values if side == "reference" else f.current_values
        if values is not None:
            out[:, j] = values[rows]
            continue
        codes = (f.reference if side == "reference" else f.current)[rows]
        column = np.minimum(codes, MAX_CATEGORY_CODE).astype(np.float64)
        column[codes == f.size - 1] = np.nan  # the missing-value code
        out[:, j] = column
    return out


def _logistic(
    features: Sequence[FeatureCodes], pool: IntArray, ref_rows: IntArray, cur_rows: IntArray
) -> FloatArray:
    """Log density ratios of the reference rows ``pool`` from a penalised logistic
    regression on the bin indicators, learnt from ``ref_rows`` and ``cur_rows``."""
    from scipy.optimize import minimize
    from scipy.special import expit

    offsets = np.cumsum([0] + [f.size for f in features[:-1]])
    width = int(offsets[-1] + features[-1].size)

    def columns(rows: IntArray, side: Literal["reference", "current"]) -> IntArray:
        codes = [(f.reference if side == "reference" else f.current)[rows] for f in features]
        return np.asarray(np.column_stack(codes) + offsets, dtype=np.int64)

    x = np.vstack((columns(ref_rows, "reference"), columns(cur_rows, "current")))
    y = np.r_[np.zeros(ref_rows.size), np.ones(cur_rows.size)]
    flat = x.ravel()

    def loss(theta: FloatArray) -> tuple[float, FloatArray]:
        eta = theta[0] + theta[1:][x].sum(axis=1)
        # log(1 + exp(-eta)) for positives, log(1 + exp(eta)) for negatives
        signed = np.where(y == 1.0, -eta, eta)
        value = float(np.logaddexp(0.0, signed).sum())
        residual = expit(eta) - y
        grad = np.empty_like(theta)
        grad[0] = residual.sum()
        per_bin = np.bincount(flat, weights=np.repeat(residual, x.shape[1]), minlength=width)
        grad[1:] = per_bin + LOGISTIC_PENALTY * theta[1:]
        return value + 0.5 * LOGISTIC_PENALTY * float(np.square(theta[1:]).sum()), grad

    fitted = minimize(loss, np.zeros(width + 1), jac=True, method="L-BFGS-B")
    theta = np.asarray(fitted.x, dtype=np.float64)
    out = np.full(pool.size, theta[0] - math.log(cur_rows.size / ref_rows.size))
    for f, offset in zip(features, offsets, strict=True):
        out += theta[1:][offset + f.reference[pool]]
    return out
