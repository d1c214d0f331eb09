"""Model performance with labels: every metric of the task, each with a 95% bootstrap
confidence interval (:mod:`driftscope.performance.bootstrap`).

Inputs are arrays already encoded: class codes ``0 .. classes - 1`` (for a binary model, 1 is
the positive class), probabilities (the positive class's, or one column per class) and/or
predicted codes; regression targets and predictions as floats. The engine maps a report's
columns onto them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from driftscope.errors import InputError
from driftscope.performance.bootstrap import BOOTSTRAP_REPLICATES, with_intervals
from driftscope.performance.classification import (
    FloatArray,
    IntArray,
    Scorer,
    binary_scorer,
    multiclass_scorer,
)
from driftscope.performance.regression import regression_scorer
from driftscope.result import MetricValue

HIGHER_IS_BETTER: dict[str, bool] = {
    "accuracy": True,
    "precision": True,
    "recall": True,
    "f1": True,
    "roc_auc": True,
    "pr_auc": True,
    "log_loss": False,
    "calibration_error": False,
    "mae": False,
    "rmse": False,
    "mape": False,
    "r2": True,
}
"""Every metric the performance section reports, and whether a larger value is better."""
PROBABILITY_SUM_TOLERANCE = 1e-3
"""How far a row of a multiclass model's probabilities may sum from 1."""


def classification_performance(
    labels: ArrayLike,
    *,
    probabilities: ArrayLike | None = None,
    predicted: ArrayLike | None = None,
    classes: int = 2,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> dict[str, MetricValue]:
    """Classification metrics of ``labels`` (codes ``0 .. classes - 1``) against
    ``probabilities`` (binary: the positive class's, one per row; multiclass: one column per
    class) and/or ``predicted`` codes, with bootstrap intervals. Without probabilities only
    accuracy, precision, recall and F1 are computed.

    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2_000)
    >>> p = 0.3 * y + rng.uniform(0, 0.7, y.size)
    >>> auc = classification_performance(y, probabilities=p)["roc_auc"]
    >>> round(auc.value, 3), auc.ci_low <= auc.value <= auc.ci_high <= 1.0
    (0.837, True)
    """
    y = _codes(labels, "labels", classes)
    probs = None if probabilities is None else _probabilities(probabilities, y.size, classes)
    guess = None if predicted is None else _codes(predicted, "predicted", classes, size=y.size)
    if probs is None and guess is None:
        raise InputError("performance: give probabilities or predicted labels")

    def make(rows: NDArray[np.intp] | None) -> Scorer:
        pick = slice(None) if rows is None else rows
        sub_probs = None if probs is None else probs[pick]
        sub_guess = None if guess is None else guess[pick]
        if classes == 2:
            positive = None if sub_probs is None else sub_probs[:, 1]
            return binary_scorer(y[pick], positive, sub_guess)
        return multiclass_scorer(y[pick], sub_probs, sub_guess, classes)

    return with_intervals(make, int(y.size), replicates=replicates, seed=seed)


def regression_performance(
    target: ArrayLike,
    predicted: ArrayLike,
    *,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> dict[str, MetricValue]:
    """MAE, RMSE, MAPE and R2 of ``predicted`` against ``target``, with bootstrap intervals.

    >>> perf = regression_performance([1.0, 2.0, 3.0, 4.0], [1.5, 2.5, 2.5, 4.5], seed=1)
    >>> perf["mae"].value, perf["r2"].value
    (0.5, 0.8)
    """
    y = _floats(target, "target")
    guess = _floats(predicted, "predicted", size=y.size)

    def make(rows: NDArray[np.intp] | None) -> Scorer:
        pick = slice(None) if rows is None else rows
        return regression_scorer(y[pick], guess[pick])

    return with_intervals(make, int(y.size), replicates=replicates, seed=seed)


def _codes(values: ArrayLike, what: str, classes: int, *, size: int | None = None) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1 or array.size == 0:
        raise InputError(f"performance: {what} must be a non-empty list of class codes")
    if size is not None and array.size != size:
        raise InputError(f"performance: {what} has {array.size} rows; the labels have {size}")
    if not np.issubdtype(array.dtype, np.integer):
        raise InputError(f"performance: {what} must be integer class codes; got {array.dtype}")
    if classes < 2:
        raise InputError(f"performance: parameter 'classes' must be at least 2; got {classes}")
    bad = (array < 0) | (array >= classes)
    if bad.any():
        raise InputError(
            f"performance: {what} row {int(np.argmax(bad))} holds class code "
            f"{array[bad][0]}, outside 0 .. {classes - 1}"
        )
    return array.astype(np.int64)


def _probabilities(values: ArrayLike, size: int, classes: int) -> FloatArray:
    """Probabilities as one column per class (a binary model's one column becomes two)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1 and classes == 2:
        array = np.column_stack((1.0 - array, array))
    if array.shape != (size, classes):
        raise InputError(
            f"performance: probabilities have shape {array.shape}; expected ({size}, {classes})"
        )
    bad = ~np.isfinite(array) | (array < 0.0) | (array > 1.0)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        raise InputError(
            f"performance: probability row {row} holds {float(array[bad][0])!r}, outside [0, 1]"
        )
    if classes > 2:
        sums = array.sum(axis=1)
        off = np.abs(sums - 1.0) > PROBABILITY_SUM_TOLERANCE
        if off.any():
            row = int(np.argmax(off))
            raise InputError(
                f"performance: probabilities of row {row} sum to {sums[row]:.6g}, not 1"
            )
    return array


def _floats(values: ArrayLike, what: str, *, size: int | None = None) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"performance: {what} must be numbers") from None
    if array.ndim != 1 or array.size == 0:
        raise InputError(f"performance: {what} must be a non-empty list of numbers")
    if size is not None and array.size != size:
        raise InputError(f"performance: {what} has {array.size} rows; the target has {size}")
    bad = ~np.isfinite(array)
    if bad.any():
        raise InputError(f"performance: {what} row {int(np.argmax(bad))} is not a finite number")
    return array
