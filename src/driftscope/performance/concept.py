"""Concept drift of a binary classifier: did the relation between inputs and labels change,
not only the inputs?

CBPE (:mod:`driftscope.performance.estimation.cbpe`) estimates the current performance on the
assumption that ``P(y | score)`` is the reference's: it accounts for covariate shift and only
for it. With current labels, three checks of that assumption follow:

* **the gap**: realised minus estimated performance, per metric, and whether the realised
  value lies outside the estimate's 95% interval;
* **the calibration test**: within the current data's ten score deciles, the positives
  observed against those the reference's calibration expects (``sum p_i``), a
  Hosmer-Lemeshow statistic ``sum_b (O_b - E_b)^2 / (E_b (1 - E_b / n_b))`` on 10 degrees of
  freedom (the calibration was fitted on other rows), and its effect, the ``shift``
  ``sum_b |O_b - E_b| / n`` (how far, on average, the labels' rate moved from the reference
  calibration, in probability points). Covariate shift alone moves rows between deciles and
  keeps ``P(y | x)``, but not always ``P(y | score)``: a score that is not the true
  probability can be miscalibrated where the shift takes the rows (NannyML's car-loan data:
  p = 7e-34 but a shift of 0.020, with log loss and ROC AUC inside their estimates'
  intervals). So the engine calls the relation changed only when the test rejects *and* the
  effect matters: a shift of at least ``MIN_CALIBRATION_SHIFT``, or a realised log loss or
  ROC AUC worse than the covariate-shift estimate's interval allows (see
  :func:`relation_changed`);
* **per feature**: the residuals ``y - p`` (label minus calibrated probability) averaged
  within the reference's quantile bins of the feature, reference against current: a
  two-sample z-test per bin, summed into a chi-square over the bins, p-values adjusted over
  the features (Benjamini-Hochberg). A feature whose relation to the label moved shows
  residuals that move in its bins. (A feature correlated with one whose relation moved
  shows them too: the ranking says where to look first, not the cause.)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from driftscope.decision import adjust_p_values
from driftscope.performance.classification import FloatArray, IntArray
from driftscope.result import CalibrationTest, ConceptGap, FeatureRelation
from driftscope.stats._pvalues import chi2_sf

SCORE_BINS = 10
FEATURE_BINS = 10
MIN_CALIBRATION_SHIFT = 0.05
"""The calibration shift (mean probability points between the current labels' rate and the
reference calibration, over the score deciles) from which a rejected calibration test alone
says the relation changed. A relation reversed for one of two features moves it by 0.18; a
covariate shift alone moved it by 0.01-0.02 in the tests and on NannyML's car-loan data."""
MIN_BIN_ROWS = 30
"""Bins with fewer rows on a side are left out of a feature's test."""


def calibration_test(labels: IntArray, expected: FloatArray) -> CalibrationTest:
    """The current ``labels`` against the probabilities ``expected`` from the reference's
    calibration, within the current data's score deciles.

    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=5_000)
    >>> calibration_test((rng.uniform(size=p.size) < p).astype(int), p).p_value > 0.01
    True
    >>> calibration_test((rng.uniform(size=p.size) < 0.5).astype(int), p).p_value < 1e-6
    True
    """
    order = np.argsort(expected, kind="stable")
    statistic, bins, moved = 0.0, 0, 0.0
    for rows in np.array_split(order, SCORE_BINS):
        if rows.size == 0:
            continue
        observed, wanted = float(labels[rows].sum()), float(expected[rows].sum())
        moved += abs(observed - wanted)
        spread = wanted * (1.0 - wanted / rows.size)
        if spread <= 0.0:
            continue
        statistic += (observed - wanted) ** 2 / spread
        bins += 1
    p_value = chi2_sf(statistic, bins) if bins else 1.0
    return CalibrationTest(statistic, p_value, bins, moved / max(labels.size, 1))


WORSE_THAN_ESTIMATED = {"log_loss": 1.0, "roc_auc": -1.0}
"""The metrics whose realised value beyond its covariate-shift estimate's interval, on the
worse side (``+1``: above it), makes a rejected calibration test a changed relation. Log
loss is the proper scoring rule of the probabilities themselves: if only the inputs moved,
its estimate holds; if the labels follow the inputs differently, the realised loss rises
past it."""


def worse_than_estimated(gaps: Mapping[str, ConceptGap]) -> bool:
    """Whether a metric of :data:`WORSE_THAN_ESTIMATED` was realised beyond its estimate's
    interval on its worse side."""
    for name, sign in WORSE_THAN_ESTIMATED.items():
        gap = gaps.get(name)
        if gap is None or gap.realised is None or not gap.beyond:
            continue
        centre = gap.estimated.value
        if centre is not None and sign * (gap.realised - centre) > 0:
            return True
    return False


def relation_changed(calibration: CalibrationTest, worse: bool, alpha: float) -> bool:
    """Whether the relation between inputs and labels changed: the calibration test rejects
    at ``alpha``, and either its shift reaches :data:`MIN_CALIBRATION_SHIFT` or a realised
    metric is worse than its covariate-shift estimate allows (``worse``, from
    :func:`worse_than_estimated`).

    >>> relation_changed(CalibrationTest(120.0, 1e-20, 10, 0.02), False, 0.05)
    False
    >>> relation_changed(CalibrationTest(120.0, 1e-20, 10, 0.02), True, 0.05)
    True
    """
    if calibration.p_value >= alpha:
        return False
    return calibration.shift >= MIN_CALIBRATION_SHIFT or worse


def feature_relations(
    features: Mapping[str, tuple[FloatArray, FloatArray]],
    reference_residuals: FloatArray,
    current_residuals: FloatArray,
) -> list[FeatureRelation]:
    """Each numeric feature's test of moved residuals, most significant first.
    ``features`` maps a name to its (reference, current) values, aligned with the residuals
    (NaN rows are left out)."""
    found: list[tuple[str, float, float, float]] = []
    for name, (ref_values, cur_values) in features.items():
        test = _moved(ref_values, cur_values, reference_residuals, current_residuals)
        if test is not None:
            found.append((name, *test))
    if not found:
        return []
    adjusted = adjust_p_values([p for _, _, p, _ in found], "bh")
    out = [
        FeatureRelation(name, stat, p, float(adj), shift)
        for (name, stat, p, shift), adj in zip(found, adjusted, strict=True)
    ]
    return sorted(out, key=lambda f: (f.p_value, -f.shift))


def _moved(
    ref_values: FloatArray,
    cur_values: FloatArray,
    ref_residuals: FloatArray,
    cur_residuals: FloatArray,
) -> tuple[float, float, float] | None:
    ref_ok, cur_ok = np.isfinite(ref_values), np.isfinite(cur_values)
    ref_x, ref_r = ref_values[ref_ok], ref_residuals[ref_ok]
    cur_x, cur_r = cur_values[cur_ok], cur_residuals[cur_ok]
    if ref_x.size < MIN_BIN_ROWS or cur_x.size < MIN_BIN_ROWS:
        return None
    edges = np.unique(np.quantile(ref_x, np.arange(1, FEATURE_BINS) / FEATURE_BINS))
    ref_bin = np.searchsorted(edges, ref_x, side="right")
    cur_bin = np.searchsorted(edges, cur_x, side="right")
    statistic, dof, shift = 0.0, 0, 0.0
    for b in range(edges.size + 1):
        a, c = ref_r[ref_bin == b], cur_r[cur_bin == b]
        if a.size < MIN_BIN_ROWS or c.size < MIN_BIN_ROWS:
            continue
        spread = a.var(ddof=1) / a.size + c.var(ddof=1) / c.size
        if spread <= 0.0:
            continue
        gap = float(c.mean() - a.mean())
        statistic += gap * gap / spread
        dof += 1
        shift = max(shift, abs(gap))
    if dof == 0:
        return None
    return statistic, chi2_sf(statistic, dof), shift


def residuals(labels: IntArray, expected: FloatArray) -> NDArray[np.float64]:
    """Label minus calibrated probability, per row."""
    return labels.astype(np.float64) - expected


def gap_beyond(realised: float | None, low: float | None, high: float | None) -> bool:
    """Whether a realised value lies outside an estimate's interval."""
    if realised is None or low is None or high is None or not math.isfinite(realised):
        return False
    return realised < low or realised > high
