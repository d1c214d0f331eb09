"""Population stability index over the shared bins (:mod:`driftscope.stats._binning`).

psi = sum over bins (p - q) ln(p / q), with p the current and q the reference share of each
bin, both clipped below at ``eps`` (no renormalisation) so an empty bin stays finite. A
distance: drift when ``statistic >= threshold`` (0.2). Common reading: < 0.1 stable,
0.1-0.25 moderate shift, > 0.25 major shift.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._binning import EPS, N_BINS, Counts, FloatArray, binned_method, shares
from driftscope.stats._result import TestResult
from driftscope.stats.registry import register


def psi_value(reference: Counts, current: Counts, *, eps: float = EPS) -> FloatArray:
    """Population stability index: sum (p - q) ln(p / q), shares clipped below at eps (per
    row of counts).

    >>> round(float(psi_value(np.array([50, 50]), np.array([40, 60]))), 6)
    0.040547
    """
    p, q = shares(reference, current)
    p, q = np.maximum(p, eps), np.maximum(q, eps)
    return np.asarray(np.sum((p - q) * np.log(p / q), axis=-1), dtype=np.float64)


PSI = register(
    binned_method(
        "psi", psi_value, 0.2, "population stability index over reference-quantile bins", eps=True
    )
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
