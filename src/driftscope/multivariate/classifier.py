"""Domain classifier: can a model tell current rows from reference rows, and by which columns?

H0: both sets of rows come from one distribution, so no classifier beats chance. A gradient-
boosted classifier (scikit-learn's ``HistGradientBoostingClassifier``, the ``[ml]`` extra:
missing values and categories natively) learns current (1) against reference (0) from a
random ``1 - test_share`` of each side; the statistic is the ROC AUC of its scores on the rest
(0.5 is chance, 1 a perfect split). Under H0 the held-out labels are exchangeable given the
model, so the AUC (Mann-Whitney's U / (m n)) has Mann and Whitney's null distribution exactly:
the p-value is that test's, one-sided (the current rows score higher than chance allows).

Why not k-fold cross-validation: its pooled out-of-fold scores come from k models, each trained
on the other folds' labels, and under H0 their AUC spreads wider than Mann-Whitney's null: in
150 pairs of samples from one distribution, 15% were called drifted at alpha 0.05. A proper
null for it needs a refit per permutation; one held-out split keeps the level exactly (tested)
for the price of learning from part of the rows.

Each column's part is its permutation importance: how far the held-out AUC falls when the
column's values are shuffled among held-out rows (:data:`EXPLAIN_ROWS` of them), so that the
result says which columns separate the periods, most first.

Past :data:`MAX_ROWS` rows a side, a seeded random sample of that many is used: the AUC is
then an estimate (``approximate``) and the test's power that of the sample; a shift whose AUC
is 0.51 needs about 10^5 rows a side to be found with alpha 0.05, one of 0.55 about 10^3
(benchmarks and tests measure it).

>>> rng = np.random.default_rng(0)
>>> reference = rng.normal(0, 1, (2_000, 3))
>>> current = rng.normal(0, 1, (2_000, 3))
>>> current[:, 2] += 0.5
>>> res = classifier_test(reference, current, names=["a", "b", "c"])
>>> res.drifted, round(res.statistic, 2), res.explanation[0].name
(True, 0.61, 'c')
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import ConfigError, InputError, param_error
from driftscope.multivariate._result import Contribution, MultivariateResult
from driftscope.multivariate._rows import rows_of

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MAX_ROWS = 50_000
"""Most rows of each side the classifier learns from (a seeded random sample beyond)."""
TEST_SHARE = 0.5
"""Share of each side held out to score (the rest is learnt from)."""
BOOSTING_ROUNDS = 50
"""Most boosting rounds per fold (early stopping on a held-out tenth may end sooner)."""
LEARNING_RATE = 0.2
MIN_LEAF_ROWS = 50
"""Fewest rows in a leaf: finer leaves learn noise, which the held-out rows then pay for."""
EXPLAIN_ROWS = 20_000
"""Held-out rows whose columns are shuffled, one column at a time, to rank the columns."""
MIN_ROWS = 10
"""Fewest rows a side."""
MAX_CATEGORY_CODE = 254
"""Largest category code the trees take (scikit-learn bins categories in 255 bins at most)."""


def classifier_test(
    reference: Any,
    current: Any,
    *,
    names: Sequence[str] | None = None,
    categorical: Sequence[bool] | None = None,
    alpha: float = 0.05,
    test_share: float = TEST_SHARE,
    max_rows: int = MAX_ROWS,
    seed: int = 0,
) -> MultivariateResult:
    """Domain-classifier test between the rows of ``reference`` and ``current`` (2-D arrays
    of numbers, NaN for missing; the columns ``names``, those flagged ``categorical`` holding
    category codes 0 to 254); drift when p < ``alpha``.

    ``statistic`` is the held-out ROC AUC, ``explanation`` the columns by permutation
    importance (the AUC's fall without each), ``details`` the rows learnt from and scored.
    """
    _check_params(alpha, test_share, max_rows, seed)
    ref = rows_of(reference, "reference", "classifier", least=MIN_ROWS, missing=True)
    cur = rows_of(current, "current", "classifier", least=MIN_ROWS, missing=True)
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"classifier: the reference rows have {ref.shape[1]} columns and the current rows "
            f"{cur.shape[1]}; both need the same"
        )
    columns = _names(names, ref.shape[1])
    is_category = _categorical(categorical, ref, cur, columns)
    rng = np.random.default_rng(seed)
    m_all, n_all = ref.shape[0], cur.shape[0]
    ref, cur = _sample(ref, max_rows, rng), _sample(cur, max_rows, rng)
    x = np.vstack((ref, cur))
    y = np.r_[np.zeros(ref.shape[0]), np.ones(cur.shape[0])]
    learn = _learning_rows(y, test_share, rng)
    model = _fit(x[learn], y[learn], is_category, seed)
    scored, labels = x[~learn], y[~learn]
    scores = model.decision_function(scored)
    auc = _auc(scores[labels == 0], scores[labels == 1])
    p_value = _p_value(scores[labels == 0], scores[labels == 1])
    importance = _importance(model, scored, labels, rng)
    explanation = tuple(
        sorted(
            (
                Contribution(name, float(drop), f"the AUC falls by {drop:.3f} without it")
                for name, drop in zip(columns, importance, strict=True)
            ),
            key=lambda c: -c.score,
        )
    )
    return MultivariateResult(
        method="classifier",
        statistic=auc,
        p_value=p_value,
        threshold=alpha,
        higher_is_drift=False,
        drifted=p_value < alpha,
        n_reference=m_all,
        n_current=n_all,
        approximate=ref.shape[0] < m_all or cur.shape[0] < n_all,
        details={
            "model": "HistGradientBoostingClassifier",
            "rows_used": (int(ref.shape[0]), int(cur.shape[0])),
            "rows_scored": (int((labels == 0).sum()), int((labels == 1).sum())),
            "seed": seed,
        },
        explanation=explanation,
    )


def _check_params(alpha: float, test_share: float, max_rows: int, seed: int) -> None:
    for name, value in (("alpha", alpha), ("test_share", test_share)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
            raise param_error("classifier", name, "a number in (0, 1)", value)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < MIN_ROWS:
        raise param_error("classifier", "max_rows", f"an integer >= {MIN_ROWS}", max_rows)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise param_error("classifier", "seed", "an integer >= 0", seed)


def _names(names: Sequence[str] | None, count: int) -> tuple[str, ...]:
    if names is None:
        return tuple(f"x{i}" for i in range(count))
    given = tuple(str(n) for n in names)
    if len(given) != count:
        raise InputError(f"classifier: {len(given)} names given for {count} columns")
    return given


def _categorical(
    flags: Sequence[bool] | None, ref: FloatArray, cur: FloatArray, names: tuple[str, ...]
) -> NDArray[np.bool_]:
    if flags is None:
        return np.zeros(len(names), dtype=bool)
    mask = np.array([bool(f) for f in flags])
    if mask.size != len(names):
        raise InputError(
            f"classifier: {mask.size} categorical flags given for {len(names)} columns"
        )
    for j in np.flatnonzero(mask):
        values = np.concatenate((ref[:, j], cur[:, j]))
        values = values[~np.isnan(values)]
        if values.size and (
            values.min() < 0 or values.max() > MAX_CATEGORY_CODE or (values % 1).any()
        ):
            raise InputError(
                f"classifier: column {names[j]!r} is categorical: its values must be codes "
                f"0 to {MAX_CATEGORY_CODE} (or NaN); got {values.min():g} to {values.max():g}"
            )
    return mask


def _sample(rows: FloatArray, limit: int, rng: np.random.Generator) -> FloatArray:
    if rows.shape[0] <= limit:
        return rows
    return rows[np.sort(rng.choice(rows.shape[0], limit, replace=False))]


def _learning_rows(y: FloatArray, test_share: float, rng: np.random.Generator) -> NDArray[np.bool_]:
    """A random ``1 - test_share`` of each side's rows (at least one row of each side learnt
    from and one held out)."""
    learn = np.zeros(y.size, dtype=bool)
    for side in (0.0, 1.0):
        rows = np.flatnonzero(y == side)
        held = min(max(1, round(rows.size * test_share)), rows.size - 1)
        learn[rng.permutation(rows)[held:]] = True
    return learn


def _fit(x: FloatArray, y: FloatArray, categorical: NDArray[np.bool_], seed: int) -> Any:
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError:
        raise ConfigError(
            "classifier: the domain classifier needs scikit-learn: pip install 'driftscope[ml]'"
        ) from None
    model = HistGradientBoostingClassifier(
        max_iter=BOOSTING_ROUNDS,
        learning_rate=LEARNING_RATE,
        min_samples_leaf=MIN_LEAF_ROWS,
        early_stopping=True,
        validation_fraction=0.1,
        categorical_features=categorical if categorical.any() else None,
        random_state=seed,
    )
    return model.fit(x, y)


def _importance(model: Any, x: FloatArray, y: FloatArray, rng: np.random.Generator) -> FloatArray:
    """Each column's permutation importance: the fall of the AUC of up to
    :data:`EXPLAIN_ROWS` held-out rows when the column's values are shuffled among them."""
    if y.size > EXPLAIN_ROWS:
        chosen = np.sort(rng.choice(y.size, EXPLAIN_ROWS, replace=False))
        x, y = x[chosen], y[chosen]
    if (y == 0).all() or (y == 1).all():
        return np.zeros(x.shape[1])
    base = model.decision_function(x)
    whole = _auc(base[y == 0], base[y == 1])
    falls = np.empty(x.shape[1])
    for j in range(x.shape[1]):
        moved = x.copy()
        moved[:, j] = moved[rng.permutation(y.size), j]
        scores = model.decision_function(moved)
        falls[j] = whole - _auc(scores[y == 0], scores[y == 1])
    return falls


def _auc(negative: FloatArray, positive: FloatArray) -> float:
    """ROC AUC of scores: the share of (negative, positive) pairs the positive wins, ties
    counting half (Mann-Whitney's U over m n)."""
    from scipy.stats import rankdata

    ranks = rankdata(np.concatenate((negative, positive)))
    u = float(ranks[negative.size :].sum()) - positive.size * (positive.size + 1) / 2.0
    return u / (negative.size * positive.size)


def _p_value(negative: FloatArray, positive: FloatArray) -> float:
    """One-sided Mann-Whitney p-value of positives scoring higher (normal approximation with
    the tie correction; exact enough at the sizes a classifier needs)."""
    from scipy.stats import mannwhitneyu

    result = mannwhitneyu(positive, negative, alternative="greater", method="asymptotic")
    p = float(result.pvalue)
    return p if math.isfinite(p) else 1.0
