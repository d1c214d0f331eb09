"""What the CDF methods share (ks, wasserstein, energy): the gaps between two empirical CDFs,
of sorted samples or of weighted ones, and the scaling by the reference's spread.

Both integrate the gap between the two empirical CDFs (scipy's CDF-distance formula):
Wasserstein = integral |F_r - F_c| dx and energy = sqrt(2 * integral (F_r - F_c)^2 dx), i.e.
``scipy.stats.wasserstein_distance`` and ``scipy.stats.energy_distance``. Each is divided by the
reference's standard deviation (ddof=0; by 1 when that is 0), so a threshold means the same on
any scale: wasserstein 0.1 is a shift of a tenth of a standard deviation. Distances: drift when
``statistic >= threshold``. Computed from the sorted samples in O(n), no scipy import.

A :class:`~driftscope.stats.WeightedSample` gives a CDF too (mass ``weight / n`` at each
value), within its ``error`` of the data's; the distances of two such CDFs are within the sum
of both errors (KS), or that sum times the data's range (Wasserstein-1), of the raw ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._inputs import WeightedSample
from driftscope.stats._scaling import ldexp_or_inf, scale_exponent
from driftscope.stats._sorted import Merged
from driftscope.stats.registry import Outcome

FloatArray = NDArray[np.float64]


def cdf_gaps(merged: Merged) -> tuple[FloatArray, FloatArray]:
    """|F_r - F_c| on each interval between consecutive pooled values, and its width.

    Inside a run of ties the count is not yet the CDF, but the interval width there is 0,
    so every product matches scipy's (which evaluates the CDFs with searchsorted 'right').
    """
    upto_r = merged.n_reference_upto[:-1]
    upto_c = merged.n_current_upto[:-1]
    gaps = upto_r / merged.n_reference - upto_c / merged.n_current
    return gaps, np.diff(merged.values)


def scaled_distance(
    distance: Callable[[FloatArray, FloatArray], float],
    reference: FloatArray,
    current: FloatArray,
    degree: int = 2,
) -> Outcome:
    """``distance / std(reference)`` (divided by 1 when the std is 0), computed on values
    rescaled by a power of two where they are so large that the distance would overflow.

    ``degree``: twice the power of the unit the distance is in (2: Wasserstein-1, in the
    data's unit; 1: the energy distance, in its square root), to scale it back.
    """
    exponent = scale_exponent(reference, current)
    if exponent:
        exponent += exponent % 2  # even, so that a square root of the unit is exact too
        reference, current = np.ldexp(reference, -exponent), np.ldexp(current, -exponent)
    # A constant sample has std 0, which numpy's mean can miss by a rounding (0.1 three times)
    std = 0.0 if reference[0] == reference[-1] else float(np.std(reference))
    raw = distance(reference, current)
    unscaled = ldexp_or_inf(raw, exponent * degree // 2)
    if std > 0:
        # in the data's own unit; may overflow to inf (written as null)
        reference_std, value = ldexp_or_inf(std, exponent), raw / std
        # a distance in a smaller power of the unit than the std is not unit-free
        value = ldexp_or_inf(value, exponent * (degree - 2) // 2)
    else:
        reference_std, value = 1.0, unscaled
    details = {"unscaled": unscaled, "reference_std": reference_std}
    return Outcome(value, None, details)


def weighted_cdfs(
    reference: WeightedSample, current: WeightedSample
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(points, F_r, F_c)``: both CDFs at every value of either sample (sorted, distinct).

    Both CDFs are right-continuous steps that only jump at their values, so these points
    carry every gap between them.

    >>> a, b = WeightedSample.of([1.0, 2.0, 2.0]), WeightedSample.of([2.0, 3.0])
    >>> [x.tolist() for x in weighted_cdfs(a, b)]
    [[1.0, 2.0, 3.0], [0.3333333333333333, 1.0, 1.0], [0.0, 0.5, 1.0]]
    """
    points = np.union1d(reference.values, current.values)

    def at(sample: WeightedSample) -> FloatArray:
        # count / n, the same division as the exact ECDF, so exact samples agree bit for bit
        cdf = np.cumsum(sample.weights) / sample.n
        index = np.searchsorted(sample.values, points, side="right")
        steps: FloatArray = np.where(index > 0, cdf[np.maximum(index - 1, 0)], 0.0)
        return steps

    return points, at(reference), at(current)


def weighted_ks_distance(reference: WeightedSample, current: WeightedSample) -> float:
    """``max |F_r - F_c|`` of two weighted samples' CDFs.

    >>> weighted_ks_distance(WeightedSample.of([1.0, 2.0]), WeightedSample.of([2.0, 3.0]))
    0.5
    """
    _, fr, fc = weighted_cdfs(reference, current)
    return float(np.abs(fr - fc).max())


def weighted_wasserstein(reference: WeightedSample, current: WeightedSample) -> tuple[float, float]:
    """``(W, bound)``: the unscaled Wasserstein-1 distance of two weighted samples' CDFs, and
    how far it may be from the data's: ``(error_r + error_c) * range``, the range being the
    widest of both samples' ``span`` and the values' own.

    >>> weighted_wasserstein(WeightedSample.of([0.0, 1.0]), WeightedSample.of([1.0, 2.0]))
    (1.0, 0.0)
    """
    points, fr, fc = weighted_cdfs(reference, current)
    with np.errstate(over="ignore"):  # a width past float64's range is inf, not a warning
        value = float(np.dot(np.abs(fr - fc)[:-1], np.diff(points)))
        span = max(
            reference.span if reference.span is not None else 0.0,
            current.span if current.span is not None else 0.0,
            float(points[-1] - points[0]),
        )
    return value, (reference.error + current.error) * span


def weighted_std(sample: WeightedSample) -> float:
    """Population standard deviation (ddof=0) of a weighted sample: exactly 0 when it holds
    one value, and finite for any finite values (rescaled past 2**500, as
    :func:`~driftscope.stats._scaling.mean_std` is).

    >>> weighted_std(WeightedSample.of([1.0, 3.0, 3.0, 1.0]))
    1.0
    """
    values, weights = sample.values, sample.weights
    if values[0] == values[-1]:
        return 0.0
    exponent = scale_exponent(values)
    scaled = values if exponent == 0 else np.ldexp(values, -exponent)
    mean = float(np.dot(weights, scaled)) / sample.n
    variance = float(np.dot(weights, np.square(scaled - mean))) / sample.n
    return math.ldexp(math.sqrt(variance), exponent)
