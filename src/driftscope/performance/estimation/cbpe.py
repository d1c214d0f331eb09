"""Confidence-based performance estimation (CBPE) for a binary classifier without labels.

A model whose probabilities are calibrated tells how often it is right: a row scored 0.8 is
positive with probability 0.8. CBPE first checks the model's calibration on the labelled
reference (:data:`CALIBRATED_LEVEL`) and, where it fails, recalibrates (isotonic regression
of the labels on the scores, ``scipy.optimize.isotonic_regression``, interpolated linearly
between the reference's scores and clipped at its ends), then scores the current outputs
against those calibrated probabilities as soft labels: each row counts as that share of a
positive in the confusion matrix, ROC and precision-recall curves, log loss and calibration
error (:class:`~driftscope.performance.classification.BinaryModel`).

It accounts for covariate shift (the rows the model now sees) but assumes that ``P(y | score)``
did not change: the gap between this estimate and the performance measured once labels
arrive is the evidence of concept drift.

The interval is that of the performance the labels will show: each replicate refits the
calibration on a bootstrap resample of the reference (the calibration's own error), draws
every current row's label from its calibrated probability and measures the metrics against
the draw (above ``BOOTSTRAP_ROWS`` current rows on a subsample, rescaled as in
:mod:`driftscope.performance.bootstrap`). Without the first step, the realised ROC AUC fell
inside the 95% interval in 85% of samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import isotonic_regression

from driftscope.errors import InputError
from driftscope.performance.bootstrap import BOOTSTRAP_REPLICATES, BOOTSTRAP_ROWS, intervals
from driftscope.performance.classification import (
    BinaryModel,
    FloatArray,
    IntArray,
    MulticlassModel,
)
from driftscope.performance.concept.calibration import calibration_test
from driftscope.result import MetricValue

Calibrator = Callable[[FloatArray], FloatArray]
CALIBRATED_LEVEL = 0.01
"""A model whose probabilities the reference's labels do not reject as calibrated at this
level (Hosmer-Lemeshow over score deciles) is taken as it is; otherwise it is recalibrated.
(Isotonic steps are biased where the reference has few rows: an input shift towards the
extreme scores then looked like concept drift in 2 of 8 unchanged samples.)"""


class _Reference:
    """The labelled reference's scores pooled by value once, so that the calibration can be
    refitted under any row weights (a bootstrap resample of the reference)."""

    def __init__(
        self, scores: FloatArray, labels: IntArray, recalibrate: bool | None = None
    ) -> None:
        self.points, self.inverse = np.unique(scores, return_inverse=True)
        self.labels = labels.astype(np.float64)
        self.size = int(labels.size)
        if recalibrate is None:
            test = calibration_test(labels, np.clip(scores, 0.0, 1.0))
            recalibrate = test.p_value < CALIBRATED_LEVEL
        self.calibrated = not recalibrate

    def fit(self, weights: FloatArray | None = None) -> Calibrator:
        """The calibration at these row weights (None: each row once): the scores as they
        are when the reference finds them calibrated, else the isotonic fit."""
        if self.calibrated:
            return _as_is
        counts = np.bincount(self.inverse, weights=weights, minlength=self.points.size)
        positives = self.labels if weights is None else self.labels * weights
        hits = np.bincount(self.inverse, weights=positives, minlength=self.points.size)
        kept = counts > 0
        points = self.points[kept]
        fitted = isotonic_regression(hits[kept] / counts[kept], weights=counts[kept]).x

        def calibrate(values: FloatArray) -> FloatArray:
            return np.asarray(np.clip(np.interp(values, points, fitted), 0.0, 1.0), np.float64)

        return calibrate


def fit_multiclass_calibrator(
    probabilities: FloatArray, labels: IntArray
) -> Callable[[FloatArray], FloatArray]:
    """The map from a model's probabilities (a column per class) to each class's share,
    fitted on labelled rows: each class's column calibrated one-vs-rest
    (:func:`fit_calibrator`), the rows renormalised to sum to 1.

    >>> probs = np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.2, 0.7]] * 50)
    >>> calibrate = fit_multiclass_calibrator(probs, np.array([0, 1, 2] * 50))
    >>> calibrate(probs[:3]).sum(axis=1).round(6).tolist()
    [1.0, 1.0, 1.0]
    """
    fitted = [
        fit_calibrator(probabilities[:, c], (labels == c).astype(np.int64))
        for c in range(probabilities.shape[1])
    ]
    return partial(_calibrated, fitted)


def _calibrated(calibrators: list[Calibrator], probabilities: FloatArray) -> FloatArray:
    fitted = np.column_stack([fit(probabilities[:, c]) for c, fit in enumerate(calibrators)])
    sums = fitted.sum(axis=1, keepdims=True)
    return np.where(sums > 0, fitted / np.where(sums > 0, sums, 1.0), 1.0 / len(calibrators))


def _as_is(values: FloatArray) -> FloatArray:
    return np.asarray(np.clip(values, 0.0, 1.0), dtype=np.float64)


def fit_calibrator(
    scores: FloatArray, labels: IntArray, *, recalibrate: bool | None = None
) -> Calibrator:
    """The map from a model's scores to the share of positives, fitted on labelled rows:
    the scores as they are when the labels find them calibrated (``recalibrate=None``) or
    when told (``False``), else the isotonic fit (tied scores pooled first).

    >>> scores, labels = np.array([0.1, 0.2, 0.7, 0.9]), np.array([0, 1, 0, 1])
    >>> fit_calibrator(scores, labels, recalibrate=True)(np.array([0.0, 0.45, 1.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    return _Reference(scores, labels, recalibrate).fit()


Rows = NDArray[np.intp] | slice


def _check(reference_labels: IntArray, current_rows: int) -> None:
    if reference_labels.size == 0 or current_rows == 0:
        raise InputError("performance: estimation needs labelled reference rows and current rows")
    if np.unique(reference_labels).size < 2:
        raise InputError(
            "performance: the reference labels hold one class only, so the model's "
            "probabilities cannot be calibrated for an estimate"
        )


class _Estimator:
    """What an estimate needs of its task: the calibrated truth of current rows under a
    weighting of the reference, the model on some current rows, and labels drawn from a
    truth."""

    def __init__(
        self,
        truth: Callable[[FloatArray | None, Rows], FloatArray],
        model: Callable[[Rows], BinaryModel | MulticlassModel],
        draw: Callable[[np.random.Generator, FloatArray], FloatArray],
    ) -> None:
        self.truth, self.model, self.draw = truth, model, draw


def _estimate(
    task: _Estimator, n: int, reference_size: int, replicates: int, seed: int
) -> dict[str, MetricValue]:
    everything = slice(None)
    point = task.model(everything).scorer(task.truth(None, everything))(None)
    if replicates <= 0:
        return intervals(point, point, {}, scale=1.0, replicates=1, estimated=True)
    rng = np.random.default_rng(seed)
    rows: Rows = everything
    scale, base = 1.0, point
    if n > BOOTSTRAP_ROWS:
        rows = np.sort(rng.choice(n, BOOTSTRAP_ROWS, replace=False))
        scale = math.sqrt(BOOTSTRAP_ROWS / n)
    model = task.model(rows)
    if n > BOOTSTRAP_ROWS:
        base = model.scorer(task.truth(None, rows))(None)
    draws: dict[str, list[float]] = {name: [] for name in point}
    for _ in range(replicates):
        # the calibration's own error (a resampled reference), then the labels' chance
        picks = rng.integers(0, reference_size, reference_size)
        weights = np.bincount(picks, minlength=reference_size).astype(np.float64)
        labels = task.draw(rng, task.truth(weights, rows))
        for name, value in model.scorer(labels)(None).items():
            draws[name].append(value)
    return intervals(point, base, draws, scale=scale, replicates=replicates, estimated=True)


def estimate_binary(
    reference_labels: IntArray,
    reference_probabilities: FloatArray,
    current_probabilities: FloatArray,
    *,
    current_predicted: IntArray | None = None,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> dict[str, MetricValue]:
    """The current performance of a binary classifier estimated without labels, each metric
    marked ``estimated`` with the interval of the performance its labels would show.

    >>> rng = np.random.default_rng(0)
    >>> score = rng.uniform(size=20_000)
    >>> labels = (rng.uniform(size=score.size) < score).astype(np.int64)  # calibrated
    >>> shifted = rng.beta(4, 2, 20_000)  # the current rows score higher
    >>> auc = estimate_binary(labels, score, shifted)["roc_auc"]
    >>> auc.estimated, round(auc.value, 2), auc.ci_low < auc.value < auc.ci_high
    (True, 0.73, True)
    """
    _check(reference_labels, current_probabilities.size)
    reference = _Reference(reference_probabilities, reference_labels)

    def truth(weights: FloatArray | None, rows: Rows) -> FloatArray:
        return reference.fit(weights)(current_probabilities[rows])

    def model(rows: Rows) -> BinaryModel:
        predicted = None if current_predicted is None else current_predicted[rows]
        return BinaryModel(current_probabilities[rows], predicted)

    def draw(rng: np.random.Generator, chance: FloatArray) -> FloatArray:
        return (rng.random(chance.size) < chance).astype(np.float64)

    task = _Estimator(truth, model, draw)
    return _estimate(task, current_probabilities.size, reference.size, replicates, seed)


def estimate_multiclass(
    reference_labels: IntArray,
    reference_probabilities: FloatArray,
    current_probabilities: FloatArray,
    *,
    current_predicted: IntArray | None = None,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = 0,
) -> dict[str, MetricValue]:
    """The current performance of a classifier over several classes estimated without
    labels: each class's probability calibrated one-vs-rest on the reference (isotonic),
    the rows renormalised to sum to 1, and the outputs scored against them
    (:class:`~driftscope.performance.classification.MulticlassModel`).

    >>> rng = np.random.default_rng(1)
    >>> def sample(n, shift):
    ...     logits = rng.normal(size=(n, 3)) + [0.0, shift, 0.0]
    ...     probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    ...     labels = (probs.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1)
    ...     return np.minimum(labels, 2), probs
    >>> ref_labels, ref_probs = sample(20_000, 0.0)
    >>> _, cur_probs = sample(10_000, 1.0)
    >>> acc = estimate_multiclass(ref_labels, ref_probs, cur_probs)["accuracy"]
    >>> acc.estimated, acc.ci_low < acc.value < acc.ci_high
    (True, True)
    """
    classes = reference_probabilities.shape[1]
    _check(reference_labels, current_probabilities.shape[0])
    references = [
        _Reference(reference_probabilities[:, c], (reference_labels == c).astype(np.int64))
        for c in range(classes)
    ]

    def truth(weights: FloatArray | None, rows: Rows) -> FloatArray:
        return _calibrated([r.fit(weights) for r in references], current_probabilities[rows])

    def model(rows: Rows) -> MulticlassModel:
        predicted = None if current_predicted is None else current_predicted[rows]
        return MulticlassModel(current_probabilities[rows], predicted, classes)

    def draw(rng: np.random.Generator, chance: FloatArray) -> FloatArray:
        codes = (chance.cumsum(axis=1) < rng.random((chance.shape[0], 1))).sum(axis=1)
        return np.asarray(np.eye(classes)[np.minimum(codes, classes - 1)], dtype=np.float64)

    task = _Estimator(truth, model, draw)
    size = references[0].size
    return _estimate(task, current_probabilities.shape[0], size, replicates, seed)
