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

:func:`weighted_sample` turns a sketch into the :class:`~driftscope.stats.WeightedSample` that
the methods' sketch kernels take (``get("ks").from_sketches(...)``); KS and Wasserstein here
are computed by those same functions, so there is one implementation of each.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from driftscope.profiling._sketch import QuantileSketch
from driftscope.stats._cdf import weighted_ks_distance, weighted_wasserstein
from driftscope.stats._inputs import WeightedSample

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


def weighted_sample(sketch: QuantileSketch, *, std: float | None = None) -> WeightedSample:
    """The sketch as a weighted sample: its kept values and weights, its CDF error (0 while it
    holds every value) and its exact range; ``std``, the data's exact population std when the
    caller knows it (a profile: ``sqrt(m2 / n)``, inf when m2 is), passes through.

    >>> s = weighted_sample(QuantileSketch.of(np.array([3.0, 1.0, 3.0])))
    >>> s.values.tolist(), s.weights.tolist(), s.error, s.span
    ([1.0, 3.0], [1, 2], 0.0, 2.0)
    """
    values, weights = sketch.kept()
    if weights.size and weights.min() < 1:  # a kept value standing for no value adds nothing
        values, weights = values[weights > 0], weights[weights > 0]
    return WeightedSample(values, weights, error_bound(sketch), std, sketch.span)


def ks_distance_of(reference: QuantileSketch, current: QuantileSketch) -> tuple[float, float]:
    """``(D, bound)``: the KS distance of the sketch CDFs and how far it may be from the raw D.

    Both CDFs are right-continuous steps that only jump at kept values, so their largest gap
    is reached at one of those values.

    >>> a, b = QuantileSketch.of(np.array([1.0, 2.0])), QuantileSketch.of(np.array([2.0, 3.0]))
    >>> ks_distance_of(a, b)
    (0.5, 0.0)
    """
    ref, cur = weighted_sample(reference), weighted_sample(current)
    return weighted_ks_distance(ref, cur), ref.error + cur.error


def wasserstein_of(reference: QuantileSketch, current: QuantileSketch) -> tuple[float, float]:
    """``(W, bound)``: Wasserstein-1 of the sketch distributions (unscaled) and its bound.

    >>> a, b = QuantileSketch.of(np.array([0.0, 1.0])), QuantileSketch.of(np.array([1.0, 2.0]))
    >>> wasserstein_of(a, b)
    (1.0, 0.0)
    """
    return weighted_wasserstein(weighted_sample(reference), weighted_sample(current))


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
