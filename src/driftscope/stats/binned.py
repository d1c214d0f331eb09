"""The six binned distances: psi, jensen_shannon, hellinger, kl, tvd, l_infinity.

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

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._params import integer, open_unit_float
from driftscope.stats._result import TestResult
from driftscope.stats._sorted import linear_quantiles
from driftscope.stats.registry import (
    BINARY,
    CATEGORICAL,
    NUMERIC,
    Method,
    Outcome,
    register,
)

FloatArray = NDArray[np.float64]
Counts = NDArray[np.int64]
Distance = Callable[..., float]

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


def _shares(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    """(p, q): current and reference shares per bin."""
    return current / current.sum(), reference / reference.sum()


def psi_value(reference: Counts, current: Counts, *, eps: float = EPS) -> float:
    """Population stability index: sum (p - q) ln(p / q), shares clipped below at eps."""
    p, q = _shares(reference, current)
    p, q = np.maximum(p, eps), np.maximum(q, eps)
    return float(np.sum((p - q) * np.log(p / q)))


def kl_value(reference: Counts, current: Counts, *, eps: float = EPS) -> float:
    """KL(current || reference) = sum p ln(p / q), shares clipped below at eps."""
    p, q = _shares(reference, current)
    p, q = np.maximum(p, eps), np.maximum(q, eps)
    return float(np.sum(p * np.log(p / q)))


def _relative_entropy_terms(x: FloatArray, m: FloatArray) -> FloatArray:
    """x ln(x / m), with 0 where x is 0 (m > 0 wherever x > 0)."""
    terms = np.zeros_like(x)
    positive = x > 0
    terms[positive] = x[positive] * np.log(x[positive] / m[positive])
    return terms


def jensen_shannon_value(reference: Counts, current: Counts) -> float:
    """Jensen-Shannon distance in base 2 (scipy.spatial.distance.jensenshannon), in [0, 1]."""
    p, q = _shares(reference, current)
    # Same steps as scipy: renormalise, mix, two relative entropies, base change.
    p, q = p / np.sum(p), q / np.sum(q)
    m = (p + q) / 2.0
    js = np.sum(_relative_entropy_terms(p, m)) + np.sum(_relative_entropy_terms(q, m))
    js /= np.log(2.0)
    # Rounding can leave a hair below zero when p == q.
    return math.sqrt(max(float(js) / 2.0, 0.0))


def hellinger_value(reference: Counts, current: Counts) -> float:
    """Hellinger distance sqrt(1 - sum sqrt(p q)), in [0, 1].

    Computed as sqrt(sum (sqrt p - sqrt q)^2 / 2), the same number when the shares sum to 1,
    without the cancellation of ``1 - (nearly 1)`` that leaves ~1e-8 instead of 0 for
    identical samples.
    """
    p, q = _shares(reference, current)
    return math.sqrt(min(float(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / 2.0, 1.0))


def tvd_value(reference: Counts, current: Counts) -> float:
    """Total variation distance 0.5 * sum |p - q|, in [0, 1]."""
    p, q = _shares(reference, current)
    return float(0.5 * np.sum(np.abs(p - q)))


def l_infinity_value(reference: Counts, current: Counts) -> float:
    """Largest difference of shares in one bin, max |p - q|, in [0, 1]."""
    p, q = _shares(reference, current)
    return float(np.max(np.abs(p - q)))


def _numeric_kernel(distance: Distance) -> Callable[..., Outcome]:
    def kernel(
        reference: FloatArray, current: FloatArray, *, n_bins: int, **params: float
    ) -> Outcome:
        edges = reference_edges(reference, n_bins)
        value = distance(bin_counts(reference, edges), bin_counts(current, edges), **params)
        return Outcome(value, None, {"bins": int(edges.size + 1)})

    return kernel


def _counts_kernel(distance: Distance) -> Callable[..., Outcome]:
    def kernel(reference: Counts, current: Counts, *, n_bins: int, **params: float) -> Outcome:
        del n_bins  # categories are the bins
        return Outcome(distance(reference, current, **params), None, {"bins": int(reference.size)})

    return kernel


def _binned(name: str, distance: Distance, threshold: float, summary: str, eps: bool) -> Method:
    params = {"n_bins": integer(N_BINS, minimum=2)}
    if eps:
        params["eps"] = open_unit_float(EPS)
    return register(
        Method(
            name=name,
            kinds=frozenset({NUMERIC, CATEGORICAL, BINARY}),
            higher_is_drift=True,
            default_threshold=threshold,
            summary=summary,
            numeric_kernel=_numeric_kernel(distance),
            counts_kernel=_counts_kernel(distance),
            params=params,
        )
    )


PSI = _binned(
    "psi", psi_value, 0.2, "population stability index over reference-quantile bins", eps=True
)
JENSEN_SHANNON = _binned(
    "jensen_shannon", jensen_shannon_value, 0.1, "Jensen-Shannon distance (base 2)", eps=False
)
HELLINGER = _binned("hellinger", hellinger_value, 0.1, "Hellinger distance", eps=False)
KL = _binned("kl", kl_value, 0.1, "KL divergence of current from reference", eps=True)
TVD = _binned("tvd", tvd_value, 0.1, "total variation distance", eps=False)
L_INFINITY = _binned(
    "l_infinity", l_infinity_value, 0.1, "largest difference of bin shares", eps=False
)


def psi(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_bins: int = N_BINS,
    eps: float = EPS,
) -> TestResult:
    """Population stability index, sum (p - q) ln(p / q); drift when >= threshold (0.2).

    Common reading: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 major shift.
    Numbers are binned at the reference deciles (``n_bins``); labels one bin per category.

    >>> rng = np.random.default_rng(0)
    >>> res = psi(rng.normal(0, 1, 2000), rng.normal(1, 1, 2000))
    >>> res.drifted, res.details["bins"]
    (True, 10)
    """
    return PSI(
        reference,
        current,
        threshold=threshold,
        inf_as_missing=inf_as_missing,
        n_bins=n_bins,
        eps=eps,
    )


def jensen_shannon(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_bins: int = N_BINS,
) -> TestResult:
    """Jensen-Shannon distance (base 2, in [0, 1]) of the bin shares; drift when >= 0.1.

    >>> round(jensen_shannon(["a", "a", "b"], ["a", "b", "b"]).statistic, 6)
    0.285839
    """
    return JENSEN_SHANNON(
        reference, current, threshold=threshold, inf_as_missing=inf_as_missing, n_bins=n_bins
    )


def hellinger(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_bins: int = N_BINS,
) -> TestResult:
    """Hellinger distance sqrt(1 - sum sqrt(p q)) of the bin shares; drift when >= 0.1.

    >>> hellinger(["a", "b"], ["a", "b"]).statistic
    0.0
    """
    return HELLINGER(
        reference, current, threshold=threshold, inf_as_missing=inf_as_missing, n_bins=n_bins
    )


def kl(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_bins: int = N_BINS,
    eps: float = EPS,
) -> TestResult:
    """KL(current || reference) = sum p ln(p / q) of the clipped bin shares; drift when >= 0.1.

    >>> round(kl(["a", "a", "b", "b"], ["a", "a", "a", "b"]).statistic, 6)
    0.130812
    """
    return KL(
        reference,
        current,
        threshold=threshold,
        inf_as_missing=inf_as_missing,
        n_bins=n_bins,
        eps=eps,
    )


def tvd(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_bins: int = N_BINS,
) -> TestResult:
    """Total variation distance 0.5 * sum |p - q| of the bin shares; drift when >= 0.1.

    >>> tvd(["a", "a", "b", "b"], ["a", "a", "a", "b"]).statistic
    0.25
    """
    return TVD(
        reference, current, threshold=threshold, inf_as_missing=inf_as_missing, n_bins=n_bins
    )


def l_infinity(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_bins: int = N_BINS,
) -> TestResult:
    """Largest difference of bin shares, max |p - q|; drift when >= 0.1.

    >>> l_infinity(["a", "b", "c", "c"], ["a", "a", "b", "c"]).statistic
    0.25
    """
    return L_INFINITY(
        reference, current, threshold=threshold, inf_as_missing=inf_as_missing, n_bins=n_bins
    )
