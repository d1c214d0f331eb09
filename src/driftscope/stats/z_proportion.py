"""Pooled two-proportion z-test for a binary column.

H0: the share of the "success" category is the same in both samples. Counts come as two
aligned arrays over the (at most two) categories; a column with more categories is an
InputError. The "success" category is the second one, index 1: for labels, categories are
sorted, so that is ``True`` / ``1`` / the later label. The p-value, 2 * P(Z > |z|) under the
standard normal (:mod:`driftscope.stats._pvalues`, no scipy import), is two-sided, so the
choice only sets the sign of z.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats.registry import BINARY, Method, Outcome, register

Counts = NDArray[np.int64]


def z_statistic(reference: Counts, current: Counts) -> float:
    """z = (p_c - p_r) / sqrt(p (1 - p) (1/n_r + 1/n_c)), p the pooled success share.

    >>> z_statistic(np.array([50, 50]), np.array([40, 60]))
    1.4213381090374024
    """
    n_r, n_c = int(reference.sum()), int(current.sum())
    s_r, s_c = int(reference[1]), int(current[1])
    pooled = (s_r + s_c) / (n_r + n_c)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_r + 1.0 / n_c))
    return (s_c / n_c - s_r / n_r) / se


def _z_kernel(reference: Counts, current: Counts) -> Outcome:
    from driftscope.stats._pvalues import norm_sf

    z = z_statistic(reference, current)
    return Outcome(z, 2.0 * norm_sf(abs(z)), {})


Z_PROPORTION = register(
    Method(
        name="z_proportion",
        kinds=frozenset({BINARY}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="pooled two-proportion z-test, two-sided, for a binary column",
        counts_kernel=_z_kernel,
    )
)


def z_proportion(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
) -> TestResult:
    """Pooled two-proportion z-test; drift when the two-sided p < threshold (0.05).

    ``statistic`` is z, positive when the second (sorted) category is more frequent in the
    current sample.

    >>> res = z_proportion([True] * 30 + [False] * 70, [True] * 50 + [False] * 50)
    >>> round(res.statistic, 4), res.drifted
    (2.8868, True)
    """
    return Z_PROPORTION(reference, current, threshold=threshold)
