"""Concept drift of a classifier: do the current labels still follow the reference's
calibration of the model's probabilities?

CBPE (:mod:`driftscope.performance.estimation.cbpe`) estimates the current performance on the
assumption that ``P(y | score)`` is the reference's: it accounts for covariate shift and only
for it. With current labels, two checks of that assumption follow:

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
* **several classes**: each class one-vs-rest (its indicator against its calibrated,
  renormalised probability), and the test of the class that moved most, its p-value
  Bonferroni-adjusted over the classes (the classes' tests are not independent: they share
  the rows).

Which features' relation moved is :mod:`driftscope.performance.concept.features`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from driftscope.performance.classification import FloatArray, IntArray
from driftscope.result import CalibrationTest, ConceptGap
from driftscope.stats._pvalues import chi2_sf

SCORE_BINS = 10
MIN_CALIBRATION_SHIFT = 0.05
"""The calibration shift (mean probability points between the current labels' rate and the
reference calibration, over the score deciles) from which a rejected calibration test alone
says the relation changed. A relation reversed for one of two features moves it by 0.18; a
covariate shift alone moved it by 0.01-0.02 in the tests and on NannyML's car-loan data."""


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


def multiclass_calibration_test(
    labels: IntArray, expected: FloatArray, names: Sequence[str] = ()
) -> CalibrationTest:
    """:func:`calibration_test` of each class one-vs-rest (``expected``: a column per class,
    the reference's calibration of its probability): the class whose test is most
    significant, its p-value Bonferroni-adjusted over the classes, its name (``names``, by
    code) in ``label``.

    >>> rng = np.random.default_rng(0)
    >>> p = rng.dirichlet([1.0, 1.0, 1.0], size=6_000)
    >>> y = (p.cumsum(axis=1) < rng.uniform(size=(6_000, 1))).sum(axis=1)
    >>> multiclass_calibration_test(y, p, ["a", "b", "c"]).p_value > 0.01
    True
    >>> y[y == 2] = 1  # class c's rows all labelled b now: both b and c moved
    >>> test = multiclass_calibration_test(y, p, ["a", "b", "c"])
    >>> test.p_value < 1e-6, test.label in ("b", "c")
    (True, True)
    """
    tests = [
        calibration_test((labels == c).astype(np.int64), expected[:, c])
        for c in range(expected.shape[1])
    ]
    worst = min(range(len(tests)), key=lambda c: (tests[c].p_value, -tests[c].statistic))
    test = tests[worst]
    return CalibrationTest(
        test.statistic,
        min(1.0, test.p_value * len(tests)),
        test.bins,
        max(t.shift for t in tests),
        names[worst] if worst < len(names) else str(worst),
    )


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


def gap_beyond(realised: float | None, low: float | None, high: float | None) -> bool:
    """Whether a realised value lies outside an estimate's interval."""
    if realised is None or low is None or high is None or not math.isfinite(realised):
        return False
    return realised < low or realised > high
