"""Classification metrics over weighted rows, prepared once and evaluated per weighting.

Each scorer sorts what it needs once; calling it with row weights (bootstrap counts, or None
for every row once) costs O(n) without another sort, which is what makes a bootstrap of
ROC AUC at a million rows affordable. Definitions follow scikit-learn's (checked against it
in ``tests/performance``):

* ``accuracy``; ``precision``, ``recall``, ``f1`` of the positive class (binary) or their
  macro averages over the classes seen in the labels or the predictions (multiclass), 0 where
  a denominator is 0 (``zero_division=0``);
* ``roc_auc`` (ties count one half; one-vs-rest macro average for multiclass) and ``pr_auc``
  (average precision, ``sum (R_k - R_{k-1}) P_k`` over the distinct scores), None when a
  class is absent;
* ``log_loss``, probabilities clipped to ``[eps, 1 - eps]`` (``eps`` float64's);
* ``calibration_error``: the expected calibration error over ``CALIBRATION_BINS`` equal-width
  bins of the predicted probability (of the predicted class, for multiclass):
  ``sum_b |sum_{i in b} (hit_i - p_i)| / n``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Scores = dict[str, float]


class Scorer(Protocol):
    """``scorer(weights)``: every metric at these row weights (None: each row once); NaN where
    a metric is undefined at them. ``scorer(weights, metrics=("roc_auc",))``: only the named
    metrics the scorer defines (the others are not computed: a re-weighting that reads one
    metric pays for that one), each the same number as in the full result."""

    def __call__(
        self, weights: FloatArray | None, /, metrics: Collection[str] | None = None
    ) -> Scores: ...


def wanted(metrics: Collection[str] | None, names: Collection[str]) -> bool:
    """Whether a scorer asked for ``metrics`` (None: all) computes any of ``names``."""
    return metrics is None or any(name in metrics for name in names)


def kept(scores: Scores, metrics: Collection[str] | None) -> Scores:
    """The scores asked for (None: all of them)."""
    return scores if metrics is None else {k: v for k, v in scores.items() if k in metrics}


COUNTED = ("accuracy", "precision", "recall", "f1")
"""The metrics read from the confusion table."""
AREAS = ("roc_auc", "pr_auc")

CALIBRATION_BINS = 10
EPS = float(np.finfo(np.float64).eps)
NAN = float("nan")


class _Ranked:
    """One score column sorted once, with its groups of tied scores, for weighted ROC AUC and
    average precision."""

    def __init__(self, scores: FloatArray) -> None:
        self.order = np.argsort(scores, kind="stable")
        ranked = scores[self.order]
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        self.starts = None if starts.size == ranked.size else starts  # None: no ties

    def sort(self, values: FloatArray) -> FloatArray:
        """``values`` in the order of the scores, as :meth:`areas` reads them."""
        return values[self.order]

    def areas(
        self,
        positive: FloatArray,
        weights: FloatArray | None,
        *,
        roc: bool = True,
        precision: bool = True,
    ) -> tuple[float, float]:
        """(ROC AUC, average precision) of rows that are ``positive`` (1/0, or a row's
        probability of being positive; in score order, :meth:`sort`) at these row weights
        (NaN without both classes, and for an area not asked for: ``roc``, ``precision``)."""
        # in place where a fresh array allows: the same operations, fewer passes over memory
        w = np.ones(self.order.size) if weights is None else weights[self.order]
        pos = w * positive
        neg = np.subtract(w, pos, out=w)
        if self.starts is not None:  # sums over each group of tied scores
            pos, neg = np.add.reduceat(pos, self.starts), np.add.reduceat(neg, self.starts)
        total_pos, total_neg = float(pos.sum()), float(neg.sum())
        if total_pos <= 0.0 or total_neg <= 0.0:
            return NAN, NAN
        auc = average = NAN
        if roc:
            below = np.cumsum(neg)
            below -= neg
            below += 0.5 * neg
            auc = float(_dot(pos, below)) / (total_pos * total_neg)
        if precision:  # average precision: thresholds from the highest score down
            tp, fp = np.cumsum(pos[::-1]), np.cumsum(neg[::-1])
            fp += tp
            np.maximum(fp, np.finfo(np.float64).tiny, out=fp)
            ratio = np.divide(tp, fp, out=tp)
            gained = pos[::-1] / total_pos
            average = float(_dot(gained, ratio))
        return auc, average


def _dot(a: FloatArray, b: FloatArray) -> float:
    """``sum(a * b)``. einsum, not np.dot: BLAS threads spin on a loaded machine (a bootstrap
    of 200 replicates took 8 s instead of 1 on two busy cores)."""
    return float(np.einsum("i,i->", a, b))


def _calibration(hit: FloatArray, confidence: FloatArray) -> Callable[[FloatArray], float]:
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(np.int64), CALIBRATION_BINS - 1)
    gap = hit - confidence

    def error(w: FloatArray) -> float:
        per_bin = np.bincount(bins, weights=w * gap, minlength=CALIBRATION_BINS)
        return float(np.abs(per_bin).sum() / w.sum())

    return error


def _safe(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0.0 else 0.0


class BinaryModel:
    """A binary classifier's outputs on some rows, prepared once (sorted by score): the
    positive class's ``probabilities`` and/or ``predicted`` 0/1 labels (from
    ``probabilities >= 0.5`` when absent). :meth:`scorer` scores it against any truth, the
    observed labels or, for an estimate without labels, each row's probability of being
    positive."""

    def __init__(self, probabilities: FloatArray | None, predicted: IntArray | None) -> None:
        if predicted is None:
            if probabilities is None:
                raise ValueError("a classifier needs probabilities or predicted labels")
            predicted = (probabilities >= 0.5).astype(np.int64)
        self.probabilities = probabilities
        self.flagged = (predicted == 1).astype(np.float64)
        self.ranked = None if probabilities is None else _Ranked(probabilities)
        self.clipped = None if probabilities is None else np.clip(probabilities, EPS, 1.0 - EPS)

    def scorer(self, truth: FloatArray) -> Scorer:
        """Every metric against ``truth``: 1/0 labels, or the rows' probabilities of being
        positive (each metric then counts a row as that share of a positive), at any weights;
        only those named when called with ``metrics`` (:class:`Scorer`).

        >>> model = BinaryModel(np.array([0.1, 0.6, 0.4, 0.9]), None)
        >>> score = model.scorer(np.array([0.0, 0.0, 1.0, 1.0]))
        >>> {k: round(v, 4) for k, v in score(None).items() if k in ("accuracy", "roc_auc")}
        {'accuracy': 0.5, 'roc_auc': 0.75}
        >>> score(None, metrics=("roc_auc",))
        {'roc_auc': 0.75}
        """
        flagged, ranked, clipped = self.flagged, self.ranked, self.clipped
        hits = (truth * flagged, (1.0 - truth) * flagged, truth * (1.0 - flagged))
        loss = None
        calibration = None
        positive = None
        if ranked is not None and clipped is not None and self.probabilities is not None:
            loss = -(truth * np.log(clipped) + (1.0 - truth) * np.log1p(-clipped))
            calibration = _calibration(truth, self.probabilities)
            positive = ranked.sort(truth)  # once, not per call

        def score(weights: FloatArray | None, metrics: Collection[str] | None = None) -> Scores:
            w = np.ones(truth.size) if weights is None else weights
            total = float(w.sum()) if wanted(metrics, (*COUNTED, "log_loss")) else NAN
            out: Scores = {}
            if wanted(metrics, COUNTED):
                tp, fp, fn = (_dot(w, h) for h in hits)
                out = {
                    "accuracy": _safe(total - fp - fn, total),
                    "precision": _safe(tp, tp + fp),
                    "recall": _safe(tp, tp + fn),
                    "f1": _safe(2.0 * tp, 2.0 * tp + fp + fn),
                }
            if ranked is None or positive is None or loss is None or calibration is None:
                return kept(out, metrics)
            if wanted(metrics, AREAS):
                roc, precision = wanted(metrics, AREAS[:1]), wanted(metrics, AREAS[1:])
                out["roc_auc"], out["pr_auc"] = ranked.areas(
                    positive, weights, roc=roc, precision=precision
                )
            if wanted(metrics, ("log_loss",)):
                out["log_loss"] = _dot(w, loss) / total
            if wanted(metrics, ("calibration_error",)):
                out["calibration_error"] = calibration(w)
            return kept(out, metrics)

        return score


def binary_scorer(
    labels: IntArray, probabilities: FloatArray | None, predicted: IntArray | None
) -> Scorer:
    """The scorer of a binary classifier's outputs against its 0/1 ``labels`` (see
    :class:`BinaryModel`)."""
    return BinaryModel(probabilities, predicted).scorer(labels.astype(np.float64))


class MulticlassModel:
    """A classifier's outputs over ``classes`` classes, prepared once: ``probabilities`` one
    column per class (rows summing to 1) and/or ``predicted`` codes (the most probable class
    when absent). :meth:`scorer` scores it against any truth: a row per class share, one-hot
    for observed labels, or each row's probabilities of each class for an estimate."""

    def __init__(
        self, probabilities: FloatArray | None, predicted: IntArray | None, classes: int
    ) -> None:
        if predicted is None:
            if probabilities is None:
                raise ValueError("a classifier needs probabilities or predicted labels")
            predicted = np.argmax(probabilities, axis=1).astype(np.int64)
        self.probabilities, self.predicted, self.classes = probabilities, predicted, classes
        self.ranked = (
            None
            if probabilities is None
            else [_Ranked(probabilities[:, c]) for c in range(classes)]
        )

    def scorer(self, truth: FloatArray) -> Scorer:
        """Every metric against ``truth`` (rows of class shares), or those named when called
        with ``metrics`` (:class:`Scorer`). Precision, recall and F1 are macro averages over
        the classes the truth or the predictions hold; ROC AUC and average precision
        one-vs-rest macro averages over every class."""
        k, predicted, probs, ranked = self.classes, self.predicted, self.probabilities, self.ranked
        seen = np.flatnonzero((truth.sum(axis=0) > 0) | (np.bincount(predicted, minlength=k) > 0))
        loss = None
        calibration = None
        if probs is not None:
            logs = np.log(np.clip(probs, EPS, 1.0 - EPS))
            loss = -np.einsum("ij,ij->i", truth, logs)
            rows = np.arange(predicted.size)
            calibration = _calibration(truth[rows, predicted], probs[rows, predicted])

        def score(weights: FloatArray | None, metrics: Collection[str] | None = None) -> Scores:
            w = np.ones(predicted.size) if weights is None else weights
            out: Scores = {}
            if wanted(metrics, COUNTED):
                weighted = truth * w[:, None]
                # table[i, j]: the weight of rows of true class i predicted as j
                table = np.stack(
                    [np.bincount(predicted, weights=weighted[:, i], minlength=k) for i in range(k)]
                )[np.ix_(seen, seen)]
                hits, actual, guessed = np.diag(table), table.sum(axis=1), table.sum(axis=0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    precision = np.where(guessed > 0, hits / guessed, 0.0)
                    recall = np.where(actual > 0, hits / actual, 0.0)
                    f1 = np.where(actual + guessed > 0, 2.0 * hits / (actual + guessed), 0.0)
                out = {
                    "accuracy": _safe(float(hits.sum()), float(w.sum())),
                    "precision": float(precision.mean()),
                    "recall": float(recall.mean()),
                    "f1": float(f1.mean()),
                }
            if ranked is None or loss is None or calibration is None:
                return kept(out, metrics)
            if wanted(metrics, AREAS):
                roc, average = wanted(metrics, AREAS[:1]), wanted(metrics, AREAS[1:])
                areas = np.array(
                    [
                        r.areas(r.sort(truth[:, c]), weights, roc=roc, precision=average)
                        for c, r in enumerate(ranked)
                    ]
                )
                out["roc_auc"], out["pr_auc"] = (float(np.mean(areas[:, i])) for i in (0, 1))
            if wanted(metrics, ("log_loss",)):
                out["log_loss"] = _dot(w, loss) / float(w.sum())
            if wanted(metrics, ("calibration_error",)):
                out["calibration_error"] = calibration(w)
            return kept(out, metrics)

        return score


def multiclass_scorer(
    labels: IntArray, probabilities: FloatArray | None, predicted: IntArray | None, classes: int
) -> Scorer:
    """The scorer of a classifier over ``classes`` classes against its label codes (see
    :class:`MulticlassModel`).

    >>> labels = np.array([0, 1, 2, 2])
    >>> probs = np.array([[.8, .1, .1], [.2, .7, .1], [.1, .2, .7], [.5, .2, .3]])
    >>> round(multiclass_scorer(labels, probs, None, 3)(None)["accuracy"], 4)
    0.75
    """
    onehot = np.eye(classes)[labels]
    return MulticlassModel(probabilities, predicted, classes).scorer(onehot)
