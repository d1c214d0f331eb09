"""KS distance and Wasserstein-1 between two quantile sketches, with their error bounds.

A KLL sketch keeps some of the values it saw, each standing for a weight of values around
it; read as a distribution (mass ``weight / n`` at each kept value) its CDF is within the
sketch's rank error ``eps`` of the true CDF (DataSketches' a-priori bound for CDF queries at
99% confidence). Hence:

- KS: ``D = max |F_r - F_c|`` of the two sketch CDFs is within ``eps_r + eps_c`` of the
  D of the raw samples;
- Wasserstein-1: ``W = integral |F_r - F_c| dx`` is within ``(eps_r + eps_c) * (max - min)``
  of the raw samples' W, ``max - min`` being the range of both samples together;
- counts on bin edges: each bin's share is a difference of two CDF values, so it is within
  ``2 eps`` of the raw share.

A sketch that has not yet compacted holds every value (weight 1, error 0), and then both
numbers are exact; :func:`exact_values` gives those values back so any method can run.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from driftscope.profiling._sketch import QuantileSketch

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def sketch_cdf(sketch: QuantileSketch) -> tuple[FloatArray, FloatArray]:
    """The sketch's distinct kept values (sorted) and its CDF at each: mass <= value.

    >>> sketch_cdf(QuantileSketch.of(np.array([3.0, 1.0, 3.0, 2.0])))
    (array([1., 2., 3.]), array([0.25, 0.5 , 1.  ]))
    """
    values, weights = sketch.kept()
    # count / n, the same division as the exact ECDF, so unsketched samples agree bit for bit
    return values, np.cumsum(weights) / sketch.n


def error_bound(sketch: QuantileSketch) -> float:
    """The sketch's CDF error (99% confidence); 0 while it holds every value."""
    return sketch.cdf_error if sketch.is_estimating else 0.0


def exact_values(sketch: QuantileSketch) -> FloatArray | None:
    """Every value the sketch saw, sorted, while it still holds them all; else None."""
    if sketch.is_estimating:
        return None
    values, weights = sketch.kept()
    return np.repeat(values, weights)


def _on_common_points(
    reference: QuantileSketch, current: QuantileSketch
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Both CDFs evaluated at every kept value of either sketch (sorted, distinct)."""
    rv, rf = sketch_cdf(reference)
    cv, cf = sketch_cdf(current)
    points = np.union1d(rv, cv)

    def at(values: FloatArray, cdf: FloatArray) -> FloatArray:
        index = np.searchsorted(values, points, side="right")
        return np.where(index > 0, cdf[np.maximum(index - 1, 0)], 0.0)

    return points, at(rv, rf), at(cv, cf)


def ks_distance_of(reference: QuantileSketch, current: QuantileSketch) -> tuple[float, float]:
    """``(D, bound)``: the KS distance of the sketch CDFs and how far it may be from the raw D.

    Both CDFs are right-continuous steps that only jump at kept values, so their largest gap
    is reached at one of those values.

    >>> a, b = QuantileSketch.of(np.array([1.0, 2.0])), QuantileSketch.of(np.array([2.0, 3.0]))
    >>> ks_distance_of(a, b)
    (0.5, 0.0)
    """
    _, fr, fc = _on_common_points(reference, current)
    return float(np.abs(fr - fc).max()), error_bound(reference) + error_bound(current)


def wasserstein_of(reference: QuantileSketch, current: QuantileSketch) -> tuple[float, float]:
    """``(W, bound)``: Wasserstein-1 of the sketch distributions (unscaled) and its bound.

    >>> a, b = QuantileSketch.of(np.array([0.0, 1.0])), QuantileSketch.of(np.array([1.0, 2.0]))
    >>> wasserstein_of(a, b)
    (1.0, 0.0)
    """
    points, fr, fc = _on_common_points(reference, current)
    value = float(np.dot(np.abs(fr - fc)[:-1], np.diff(points)))
    span = max(reference.span, current.span, float(points[-1] - points[0]))
    return value, (error_bound(reference) + error_bound(current)) * span


def counts_on_edges(sketch: QuantileSketch, edges: tuple[float, ...]) -> IntArray:
    """The sketch's weights counted on inner ``edges`` (``len(edges) + 1`` bins, open at both
    ends, a value equal to an edge in the bin on its right, as the binned methods count):
    integers adding up to the values seen, each bin's share within ``2 eps`` of the raw one.

    >>> counts_on_edges(QuantileSketch.of(np.array([1.0, 2.0, 2.0, 5.0])), (2.0, 3.0))
    array([1, 2, 1])
    """
    values, weights = sketch.kept()
    bins = np.searchsorted(np.asarray(edges, dtype=np.float64), values, side="right")
    return np.bincount(bins, weights=weights, minlength=len(edges) + 1).astype(np.int64)
