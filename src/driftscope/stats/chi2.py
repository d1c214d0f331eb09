"""Pearson's chi-square test on the 2 x k table of category counts.

H0: both samples share one categorical distribution. The statistic is sum (observed -
expected)^2 / expected over the table of :mod:`driftscope.stats._contingency`, chi-square with
k - 1 degrees of freedom under H0: the numbers of
``scipy.stats.chi2_contingency(table, correction=False)``, without importing scipy (the
p-value comes from :mod:`driftscope.stats._pvalues`). Drift when p < threshold (0.05).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._contingency import Counts, table
from driftscope.stats._result import TestResult
from driftscope.stats.registry import BINARY, CATEGORICAL, Method, Outcome, register


def pearson_statistic(reference: Counts, current: Counts) -> float:
    """Pearson's chi-square, sum (observed - expected)^2 / expected.

    >>> pearson_statistic(np.array([10, 20]), np.array([20, 10]))
    6.666666666666667
    """
    observed, expected = table(reference, current)
    return float(np.sum((observed - expected) ** 2 / expected))


def _chi2_kernel(reference: Counts, current: Counts) -> Outcome:
    from driftscope.stats._pvalues import chi2_sf

    statistic = pearson_statistic(reference, current)
    dof = int(reference.size - 1)
    return Outcome(statistic, chi2_sf(statistic, dof), {"dof": dof})


CHI2 = register(
    Method(
        name="chi2",
        kinds=frozenset({CATEGORICAL, BINARY}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="Pearson chi-square test on the 2 x k table of category counts",
        counts_kernel=_chi2_kernel,
    )
)


def chi2(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
) -> TestResult:
    """Pearson chi-square test of the category counts; drift when p < threshold (0.05).

    Labels may be of any hashable type; None / NaN are missing. ``details["dof"]`` is k - 1.

    >>> res = chi2(["a"] * 60 + ["b"] * 40, ["a"] * 40 + ["b"] * 60)
    >>> round(res.statistic, 6), res.drifted
    (8.0, True)
    """
    return CHI2(reference, current, threshold=threshold)
