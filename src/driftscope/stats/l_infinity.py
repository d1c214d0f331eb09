"""Largest difference of bin shares, over the shared bins (:mod:`driftscope.stats._binning`).

max over bins |p - q|, with p the current and q the reference share of each bin, in [0, 1].
A distance: drift when ``statistic >= threshold`` (0.1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._binning import N_BINS, Counts, FloatArray, binned_method, shares
from driftscope.stats._result import TestResult
from driftscope.stats.registry import register


def l_infinity_value(reference: Counts, current: Counts) -> FloatArray:
    """Largest difference of shares in one bin, max |p - q|, in [0, 1] (per row of counts).

    >>> float(l_infinity_value(np.array([1, 1, 2]), np.array([2, 1, 1])))
    0.25
    """
    p, q = shares(reference, current)
    return np.asarray(np.max(np.abs(p - q), axis=-1), dtype=np.float64)


L_INFINITY = register(
    binned_method(
        "l_infinity", l_infinity_value, 0.1, "largest difference of bin shares", eps=False
    )
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
