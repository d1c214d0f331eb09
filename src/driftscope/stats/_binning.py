"""The bins shared by the six binned distances: psi, jensen_shannon, hellinger, kl, tvd,
l_infinity (one module each).

All six compare the share of each sample per bin, on the same bins (SPEC section 2):

- numeric samples: the edges are the reference quantiles at ``i / n_bins`` for
  ``i = 1 .. n_bins - 1`` (``np.quantile``'s default 'linear' rule), duplicates removed; the
  outer bins are open, and a value equal to an edge falls in the bin on its right;
- labels: one bin per category seen in either sample (``n_bins`` does not apply).

With ``p`` the current shares and ``q`` the reference shares, psi and kl first clip every share
below at ``eps`` (no renormalisation). Each is a distance: drift when ``statistic >= threshold``.
For numeric input the bins are read off the sorted samples with binary searches, so the
cost is O(n_bins log n) once the samples are sorted.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._params import integer, open_unit_float
from driftscope.stats._sorted import linear_quantiles
from driftscope.stats.registry import BINARY, CATEGORICAL, NUMERIC, Method, Outcome

FloatArray = NDArray[np.float64]
Counts = NDArray[np.int64]
Distance = Callable[..., FloatArray]
"""``distance(reference_counts, current_counts, **params)`` over the same bins (the last
axis), one value per row: rows of counts (either side may be one row, broadcast) give a row of
distances, and a bin empty on both sides adds nothing."""

N_BINS = 10
EPS = 1e-4


def reference_edges(reference: FloatArray, n_bins: int) -> FloatArray:
    """Inner bin edges: the sorted reference's quantiles at 1/k .. (k-1)/k, deduplicated.

    >>> reference_edges(np.array([1.0, 2.0, 2.0, 2.0, 3.0]), 4).tolist()
    [2.0]
    """
    probabilities = np.arange(1, n_bins) / n_bins
    edges = np.unique(linear_quantiles(reference, probabilities))
    if not np.isfinite(edges).all():  # only when the values span more than the float range
        # A ValueError becomes the method's InputError in the shared wrapper.
        raise ValueError("reference values are too far apart to interpolate bin edges")
    return edges


def bin_counts(sorted_values: FloatArray, edges: FloatArray) -> Counts:
    """How many sorted values fall in each of the ``len(edges) + 1`` bins.

    A value equal to an edge belongs to the bin on its right.

    >>> bin_counts(np.array([0.0, 1.0, 1.0, 5.0]), np.array([1.0, 2.0])).tolist()
    [1, 2, 1]
    """
    below_edge = np.searchsorted(sorted_values, edges, side="left")
    bounds = np.concatenate(([0], below_edge, [sorted_values.size]))
    return np.diff(bounds).astype(np.int64)


def shares(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    """(p, q): current and reference shares per bin (the last axis), broadcast to one shape:
    rows of counts give rows of shares.

    >>> shares(np.array([1, 3]), np.array([2, 2]))
    (array([0.5, 0.5]), array([0.25, 0.75]))
    >>> shares(np.array([1, 3]), np.array([[2, 2], [4, 0]]))[1].tolist()
    [[0.25, 0.75], [0.25, 0.75]]
    """
    reference, current = np.broadcast_arrays(reference, current)
    p = current / current.sum(axis=-1, keepdims=True)
    return p, reference / reference.sum(axis=-1, keepdims=True)


def _numeric_kernel(distance: Distance) -> Callable[..., Outcome]:
    def kernel(
        reference: FloatArray, current: FloatArray, *, n_bins: int, **params: float
    ) -> Outcome:
        edges = reference_edges(reference, n_bins)
        value = distance(bin_counts(reference, edges), bin_counts(current, edges), **params)
        return Outcome(float(value), None, {"bins": int(edges.size + 1)})

    return kernel


def _counts_kernel(distance: Distance) -> Callable[..., Outcome]:
    def kernel(reference: Counts, current: Counts, *, n_bins: int, **params: float) -> Outcome:
        del n_bins  # categories are the bins
        value = float(distance(reference, current, **params))
        return Outcome(value, None, {"bins": int(reference.size)})

    return kernel


def _counts_batch(distance: Distance) -> Callable[..., FloatArray]:
    def batch(reference: Counts, current: Counts, *, n_bins: int, **params: float) -> FloatArray:
        del n_bins
        return np.asarray(distance(reference, current, **params), dtype=np.float64)

    return batch


def binned_method(
    name: str, distance: Distance, threshold: float, summary: str, *, eps: bool
) -> Method:
    """The :class:`Method` of one binned distance (not registered: its module registers it).

    ``eps``: whether the distance clips shares below at a declared ``eps`` (psi and kl).
    """
    params = {"n_bins": integer(N_BINS, minimum=2)}
    if eps:
        params["eps"] = open_unit_float(EPS)
    return Method(
        name=name,
        kinds=frozenset({NUMERIC, CATEGORICAL, BINARY}),
        higher_is_drift=True,
        default_threshold=threshold,
        summary=summary,
        numeric_kernel=_numeric_kernel(distance),
        counts_kernel=_counts_kernel(distance),
        counts_batch=_counts_batch(distance),
        binned=True,
        params=params,
    )
