"""Jensen-Shannon distance of the bin shares, over the shared bins
(:mod:`driftscope.stats._binning`).

The base-2 Jensen-Shannon distance of the current and reference shares, as
``scipy.spatial.distance.jensenshannon(p, q, base=2)``: the square root of the mean relative
entropy of each to their mixture, in [0, 1]. A distance: drift when
``statistic >= threshold`` (0.1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._binning import N_BINS, Counts, FloatArray, binned_method, shares
from driftscope.stats._result import TestResult
from driftscope.stats.registry import register


def _relative_entropy_terms(x: FloatArray, m: FloatArray) -> FloatArray:
    """x ln(x / m), with 0 where x is 0 (m > 0 wherever x > 0)."""
    terms = np.zeros_like(x)
    positive = x > 0
    terms[positive] = x[positive] * np.log(x[positive] / m[positive])
    return terms


def jensen_shannon_value(reference: Counts, current: Counts) -> FloatArray:
    """Jensen-Shannon distance in base 2 (scipy.spatial.distance.jensenshannon), in [0, 1]
    (per row of counts).

    >>> float(jensen_shannon_value(np.array([1, 0]), np.array([0, 1])))
    1.0
    """
    p, q = shares(reference, current)
    # Same steps as scipy: renormalise, mix, two relative entropies, base change.
    p, q = p / np.sum(p, axis=-1, keepdims=True), q / np.sum(q, axis=-1, keepdims=True)
    m = (p + q) / 2.0
    js = np.sum(_relative_entropy_terms(p, m), axis=-1)
    js = (js + np.sum(_relative_entropy_terms(q, m), axis=-1)) / np.log(2.0)
    # Rounding can leave a hair below zero when p == q.
    return np.asarray(np.sqrt(np.maximum(js / 2.0, 0.0)), dtype=np.float64)


JENSEN_SHANNON = register(
    binned_method(
        "jensen_shannon", jensen_shannon_value, 0.1, "Jensen-Shannon distance (base 2)", eps=False
    )
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
