"""Which features' relation to the label moved: each row's residual (the label minus what
the reference's model of it expects) averaged within the feature's bins, reference against
current, and whether the moves differ between the bins: each bin's move (a two-sample
difference of means) against their common move, a chi-square over the bins (Cochran's Q),
p-values adjusted over the features (Benjamini-Hochberg). A move alike in every bin of a
feature (the labels' rate up everywhere) says nothing of that feature: the calibration test
sees it; a feature whose relation moved moves its bins differently. ``shift`` is the largest
bin's move away from the common one.

Bins: a number's reference quantiles (:func:`numeric_bins`), a category's values
(:func:`category_bins`: codes the engine makes from the column); a missing value is in no bin,
and a bin with fewer than :data:`MIN_BIN_ROWS` rows on a side is left out. Residuals of a
model with several classes have a column per class (one-vs-rest): each class is tested and
the feature keeps its most significant class, Bonferroni-adjusted over the classes.

A feature correlated with one whose relation moved shows moved residuals too: the ranking
says where to look first, not the cause.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from driftscope.decision import adjust_p_values
from driftscope.performance.classification import FloatArray, IntArray
from driftscope.result import FeatureRelation
from driftscope.stats._pvalues import chi2_sf

FEATURE_BINS = 10
MIN_BIN_ROWS = 30
"""Bins with fewer rows on a side are left out of a feature's test."""

Bins = tuple[NDArray[np.int64], NDArray[np.int64]]
"""A feature's bin per row on the reference and on the current side (-1: in no bin)."""


def numeric_bins(reference: FloatArray, current: FloatArray, bins: int = FEATURE_BINS) -> Bins:
    """Each row's bin among the reference's ``bins`` quantile bins (NaN: -1).

    >>> ref, cur = numeric_bins(np.arange(10.0), np.array([-5.0, 4.0, np.nan]), bins=2)
    >>> ref.tolist(), cur.tolist()
    ([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [0, 0, -1])
    """
    finite = reference[np.isfinite(reference)]
    if finite.size == 0:
        return np.full(reference.size, -1, np.int64), np.full(current.size, -1, np.int64)
    edges = np.unique(np.quantile(finite, np.arange(1, bins) / bins))

    def place(values: FloatArray) -> NDArray[np.int64]:
        out = np.searchsorted(edges, values, side="right").astype(np.int64)
        out[~np.isfinite(values)] = -1
        return out

    return place(reference), place(current)


def category_bins(codes: NDArray[np.int64], reference_rows: int) -> Bins:
    """A category's codes over both sides (the reference's rows first; -1: missing) split
    into the two sides' bins.

    >>> ref, cur = category_bins(np.array([0, 1, -1, 1, 2]), 3)
    >>> ref.tolist(), cur.tolist()
    ([0, 1, -1], [1, 2])
    """
    return codes[:reference_rows], codes[reference_rows:]


def residuals(labels: IntArray, expected: FloatArray) -> NDArray[np.float64]:
    """Label minus its expected probability per row; with several classes (``expected``
    has a column per class), the one-vs-rest indicator of each class minus its column.

    >>> residuals(np.array([1, 0]), np.array([0.75, 0.25])).tolist()
    [0.25, -0.25]
    >>> residuals(np.array([2]), np.array([[0.5, 0.25, 0.25]])).tolist()
    [[-0.5, -0.25, 0.75]]
    """
    if expected.ndim == 1:
        return labels.astype(np.float64) - expected
    hits = labels[:, None] == np.arange(expected.shape[1])[None, :]
    return np.asarray(hits, dtype=np.float64) - expected


def feature_relations(
    features: Mapping[str, Bins],
    reference_residuals: FloatArray,
    current_residuals: FloatArray,
) -> list[FeatureRelation]:
    """Each feature's test of moved residuals, most significant first. ``features`` maps a
    name to its bins (:func:`numeric_bins`, :func:`category_bins`), aligned with the
    residuals (one column per class, or one value per row)."""
    found: list[tuple[str, float, float, float]] = []
    for name, (ref_bins, cur_bins) in features.items():
        test = _worst_class(ref_bins, cur_bins, reference_residuals, current_residuals)
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


def _worst_class(
    ref_bins: NDArray[np.int64],
    cur_bins: NDArray[np.int64],
    ref_residuals: FloatArray,
    cur_residuals: FloatArray,
) -> tuple[float, float, float] | None:
    if ref_residuals.ndim == 1:
        test = moved(ref_bins, cur_bins, ref_residuals, cur_residuals, centred=True)
        return None if test is None else (test.statistic, test.p_value, test.largest)
    tests = [
        moved(ref_bins, cur_bins, ref_residuals[:, c], cur_residuals[:, c], centred=True)
        for c in range(ref_residuals.shape[1])
    ]
    kept = [t for t in tests if t is not None]
    if not kept:
        return None
    worst = min(kept, key=lambda t: (t.p_value, -t.statistic))
    p_value = min(1.0, worst.p_value * len(kept))
    return worst.statistic, p_value, max(t.largest for t in kept)


class Moved:
    """The chi-square of the moved bin means, its degrees of freedom and p-value, the
    largest move of a bin's mean (``largest``) and the current rows' mean move (``mean``,
    the bins weighted by their current rows)."""

    __slots__ = ("dof", "largest", "mean", "p_value", "statistic")

    def __init__(self, statistic: float, dof: int, largest: float, mean: float) -> None:
        self.statistic, self.dof = statistic, dof
        self.p_value = chi2_sf(statistic, dof)
        self.largest, self.mean = largest, mean


def moved(
    ref_bins: NDArray[np.int64],
    cur_bins: NDArray[np.int64],
    ref_values: FloatArray,
    cur_values: FloatArray,
    *,
    centred: bool = False,
) -> Moved | None:
    """The per-bin two-sample z-tests of the values' means, reference against current,
    summed into a chi-square (None when no bin has :data:`MIN_BIN_ROWS` rows a side).
    ``centred``: the moves' differences from their common move instead (their
    inverse-variance weighted mean; Cochran's Q, one degree of freedom fewer), so that a
    move alike in every bin counts for nothing.

    >>> rng = np.random.default_rng(0)
    >>> bins = np.repeat(np.arange(4), 500)
    >>> same = moved(bins, bins, rng.normal(size=2_000), rng.normal(size=2_000))
    >>> same.dof, same.p_value > 0.01
    (4, True)
    >>> up = moved(bins, bins, rng.normal(size=2_000), rng.normal(0.3, 1, 2_000))
    >>> up.p_value < 1e-6
    True
    >>> moved(bins, bins, rng.normal(size=2_000), rng.normal(0.3, 1, 2_000), centred=True).dof
    3
    """
    ref_ok, cur_ok = ref_bins >= 0, cur_bins >= 0
    ref_ok &= np.isfinite(ref_values)
    cur_ok &= np.isfinite(cur_values)
    if not ref_ok.any() or not cur_ok.any():
        return None
    centre = float(np.mean(ref_values[ref_ok]))  # the sums below lose nothing to a far mean
    size = int(max(ref_bins.max(initial=0), cur_bins.max(initial=0))) + 1
    a_n, a_mean, a_var = _bin_moments(ref_bins[ref_ok], ref_values[ref_ok] - centre, size)
    c_n, c_mean, c_var = _bin_moments(cur_bins[cur_ok], cur_values[cur_ok] - centre, size)
    spread = np.zeros(size)
    keep = (a_n >= MIN_BIN_ROWS) & (c_n >= MIN_BIN_ROWS)
    spread[keep] = a_var[keep] / a_n[keep] + c_var[keep] / c_n[keep]
    keep &= spread > 0.0
    if not keep.any():
        return None
    gap, var = c_mean[keep] - a_mean[keep], spread[keep]
    dof = int(keep.sum())
    if centred:
        if dof < 2:
            return None
        gap = gap - float(np.sum(gap / var) / np.sum(1.0 / var))
        dof -= 1
    statistic = float(np.sum(gap * gap / var))
    weights = c_n[keep]
    mean = float(np.sum(weights * np.abs(gap)) / np.sum(weights))
    return Moved(statistic, dof, float(np.max(np.abs(gap))), mean)


def _bin_moments(
    bins: NDArray[np.int64], values: FloatArray, size: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    counts = np.bincount(bins, minlength=size).astype(np.float64)
    sums = np.bincount(bins, weights=values, minlength=size)
    squares = np.bincount(bins, weights=values * values, minlength=size)
    safe = np.maximum(counts, 1.0)
    mean = sums / safe
    var = np.maximum(squares - sums * mean, 0.0) / np.maximum(counts - 1.0, 1.0)
    return counts, mean, var
