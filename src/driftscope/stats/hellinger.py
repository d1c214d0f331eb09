"""Hellinger distance of the bin shares, over the shared bins (:mod:`driftscope.stats._binning`).

sqrt(1 - sum over bins sqrt(p q)), with p the current and q the reference share of each bin,
in [0, 1]. A distance: drift when ``statistic >= threshold`` (0.1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._binning import N_BINS, Counts, FloatArray, binned_method, shares
from driftscope.stats._result import TestResult
from driftscope.stats.registry import register


def hellinger_value(reference: Counts, current: Counts) -> FloatArray:
    """Hellinger distance sqrt(1 - sum sqrt(p q)), in [0, 1].

    Computed as sqrt(sum (sqrt p - sqrt q)^2 / 2), the same number when the shares sum to 1,
    without the cancellation of ``1 - (nearly 1)`` that leaves ~1e-8 instead of 0 for
    identical samples. Per row of counts.

    >>> float(hellinger_value(np.array([1, 0]), np.array([0, 1])))
    1.0
    """
    p, q = shares(reference, current)
    squared = np.sum((np.sqrt(p) - np.sqrt(q)) ** 2, axis=-1)
    return np.asarray(np.sqrt(np.minimum(squared / 2.0, 1.0)), dtype=np.float64)


HELLINGER = register(
    binned_method("hellinger", hellinger_value, 0.1, "Hellinger distance", eps=False)
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
