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
  freedom (the calibration was fitted on other rows). Covariate shift alone moves rows between
  deciles but keeps ``P(y | score)``; a changed relation breaks it;
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
from driftscope.result import CalibrationTest, FeatureRelation
from driftscope.stats._pvalues import chi2_sf

SCORE_BINS = 10
FEATURE_BINS = 10
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
    statistic, bins = 0.0, 0
    for rows in np.array_split(order, SCORE_BINS):
        if rows.size == 0:
            continue
        observed, wanted = float(labels[rows].sum()), float(expected[rows].sum())
        spread = wanted * (1.0 - wanted / rows.size)
        if spread <= 0.0:
            continue
        statistic += (observed - wanted) ** 2 / spread
        bins += 1
    p_value = chi2_sf(statistic, bins) if bins else 1.0
    return CalibrationTest(statistic, p_value, bins)


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
