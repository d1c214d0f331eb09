"""KL divergence of the current bin shares from the reference ones, over the shared bins
(:mod:`driftscope.stats._binning`).

KL(current || reference) = sum over bins p ln(p / q), with p the current and q the reference
share of each bin, both clipped below at ``eps`` (no renormalisation) so an empty bin stays
finite. A distance: drift when ``statistic >= threshold`` (0.1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._binning import EPS, N_BINS, Counts, FloatArray, binned_method, shares
from driftscope.stats._result import TestResult
from driftscope.stats.registry import register


def kl_value(reference: Counts, current: Counts, *, eps: float = EPS) -> FloatArray:
    """KL(current || reference) = sum p ln(p / q), shares clipped below at eps (per row of
    counts).

    >>> round(float(kl_value(np.array([2, 2]), np.array([3, 1]))), 6)
    0.130812
    """
    p, q = shares(reference, current)
    p, q = np.maximum(p, eps), np.maximum(q, eps)
    return np.asarray(np.sum(p * np.log(p / q), axis=-1), dtype=np.float64)


KL = register(
    binned_method("kl", kl_value, 0.1, "KL divergence of current from reference", eps=True)
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
