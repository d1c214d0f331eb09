"""Total variation distance of the bin shares, over the shared bins
(:mod:`driftscope.stats._binning`).

0.5 * sum over bins |p - q|, with p the current and q the reference share of each bin, in
[0, 1]: the largest difference in probability the two samples give any set of bins. A
distance: drift when ``statistic >= threshold`` (0.1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._binning import N_BINS, Counts, FloatArray, binned_method, shares
from driftscope.stats._result import TestResult
from driftscope.stats.registry import register


def tvd_value(reference: Counts, current: Counts) -> FloatArray:
    """Total variation distance 0.5 * sum |p - q|, in [0, 1] (per row of counts).

    >>> float(tvd_value(np.array([2, 2]), np.array([3, 1])))
    0.25
    """
    p, q = shares(reference, current)
    return np.asarray(0.5 * np.sum(np.abs(p - q), axis=-1), dtype=np.float64)


TVD = register(binned_method("tvd", tvd_value, 0.1, "total variation distance", eps=False))


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
