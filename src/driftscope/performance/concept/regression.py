"""Concept drift of a regression: does the model still err as it did at the same inputs?

If only the inputs moved, the model's error at given inputs keeps its mean; if the target
follows the inputs differently, it moves. The error's mean at given inputs is learnt on the
reference, as DLE learns the loss (:mod:`driftscope.performance.estimation.dle`): scikit-learn's
gradient boosting of the error ``y - prediction`` on the numeric inputs and the prediction
(the bias model; up to :data:`MAX_REFERENCE` rows). Each row's surprise is its error minus
the bias model's: on the reference cross-fitted (each half predicted by the model of the
other), on the current side by the model of all the reference. A model that is wrong in a way
the reference shows (a missing square term, say) is wrong the same way where the inputs move,
and the bias model knows it; a raw comparison of errors at the same predictions called a
shift of the inputs under such a model concept drift every time.

The test: the surprises' mean within the reference's :data:`PREDICTION_BINS` quantile bins
of the prediction, reference against current, a two-sample z-test per bin summed into a
chi-square (:func:`driftscope.performance.concept.features.moved`). Current rows whose
prediction lies outside the reference's range are left out: the reference says nothing of
the error there. The effect (``shift``): the mean move of a bin's surprise, the bins weighted
by their current rows, as a share of the reference's mean absolute error; the engine calls
the relation changed when the test rejects and the shift reaches :data:`MIN_BIAS_SHIFT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.performance.classification import FloatArray
from driftscope.performance.concept.features import moved, numeric_bins
from driftscope.performance.estimation.dle import (
    boosting_model,
    fit_boosting,
    input_space,
    one_thread,
)
from driftscope.result import CalibrationTest

PREDICTION_BINS = 20
MAX_REFERENCE = 50_000
"""Reference rows the bias model learns from (a seeded random subset beyond)."""
MIN_BIAS_SHIFT = 0.15
"""The mean move of the error at the same inputs, as a share of the reference's mean
absolute error, from which a rejected test says the relation changed. In the tests, a
feature's coefficient cut by a third moved it by 0.2; a shift of the inputs alone under a
model missing a square term moved it by 0.05-0.1 (half a standard deviation) and up to 0.12
(a whole one)."""


@dataclass(frozen=True, slots=True)
class Surprises:
    """The bias test and each side's surprises (error minus the bias model's), in units of
    the reference's mean absolute error, for the per-feature search."""

    test: CalibrationTest
    reference: NDArray[np.float64]
    current: NDArray[np.float64]


def bias_test(
    reference_inputs: FloatArray,
    reference_target: FloatArray,
    reference_predicted: FloatArray,
    current_inputs: FloatArray,
    current_target: FloatArray,
    current_predicted: FloatArray,
    *,
    seed: int = 0,
) -> Surprises | None:
    """The current errors against the reference's at the same inputs (``*_inputs``: a column
    per numeric input, NaN where missing); None when the reference's errors are all zero.

    >>> rng = np.random.default_rng(0)
    >>> def side(n, shift, slope):
    ...     x = rng.normal(shift, 1.0, (n, 1))
    ...     return x, x[:, 0] ** 2 + slope * x[:, 0] + rng.normal(size=n), 2.0 * x[:, 0] + 1
    >>> same = bias_test(*side(5_000, 0.0, 2.0), *side(5_000, 0.7, 2.0)).test
    >>> bool(same.shift < MIN_BIAS_SHIFT)
    True
    >>> moved_slope = bias_test(*side(5_000, 0.0, 2.0), *side(5_000, 0.0, 1.5)).test
    >>> bool(moved_slope.p_value < 1e-6), bool(moved_slope.shift > MIN_BIAS_SHIFT)
    (True, True)
    """
    ref_error = reference_target - reference_predicted
    cur_error = current_target - current_predicted
    scale = float(np.mean(np.abs(ref_error)))
    if not np.isfinite(scale) or scale <= 0.0 or cur_error.size == 0:
        return None
    model = boosting_model("testing a regression for concept drift")
    with one_thread():
        return _surprises(
            model,
            (reference_inputs, reference_predicted, ref_error),
            (current_inputs, current_predicted, cur_error),
            scale,
            seed,
        )


def _surprises(
    model: Any,
    reference: tuple[FloatArray, FloatArray, FloatArray],
    current: tuple[FloatArray, FloatArray, FloatArray],
    scale: float,
    seed: int,
) -> Surprises:
    (reference_inputs, reference_predicted, ref_error) = reference
    (current_inputs, current_predicted, cur_error) = current
    rng = np.random.default_rng(seed)
    rows = np.arange(ref_error.size)
    if rows.size > MAX_REFERENCE:
        rows = np.sort(rng.choice(rows.size, MAX_REFERENCE, replace=False))
    predicted, error = reference_predicted[rows], ref_error[rows]
    known = input_space(reference_inputs[rows], predicted)
    half = rng.permutation(rows.size) < rows.size // 2
    ref_surprise = np.empty(rows.size)
    for part in (half, ~half):
        fitted = fit_boosting(model, known[~part], error[~part], seed, stop=True)
        ref_surprise[part] = error[part] - fitted.predict(known[part])
    fitted = fit_boosting(model, known, error, seed, stop=True)
    cur_surprise = cur_error - fitted.predict(input_space(current_inputs, current_predicted))
    ref_bins, cur_bins = numeric_bins(predicted, current_predicted, PREDICTION_BINS)
    finite = predicted[np.isfinite(predicted)]
    if finite.size:
        outside = (current_predicted < finite.min()) | (current_predicted > finite.max())
        cur_bins[outside] = -1
    found = moved(ref_bins, cur_bins, ref_surprise / scale, cur_surprise / scale)
    test = (
        CalibrationTest(0.0, 1.0, 0, 0.0)
        if found is None
        else CalibrationTest(found.statistic, found.p_value, found.dof, found.mean)
    )
    full_ref = np.full(ref_error.size, np.nan)
    full_ref[rows] = ref_surprise / scale
    return Surprises(test, full_ref, cur_surprise / scale)
