"""G-test (log-likelihood ratio) on the 2 x k table of category counts.

H0: both samples share one categorical distribution. G = 2 * sum observed * ln(observed /
expected) over the table of :mod:`driftscope.stats._contingency`, chi-square with k - 1
degrees of freedom under H0: the numbers of
``scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")``, without
importing scipy (the p-value comes from :mod:`driftscope.stats._pvalues`). Drift when
p < threshold (0.05).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from driftscope.stats._contingency import Counts, table
from driftscope.stats._result import TestResult
from driftscope.stats.registry import BINARY, CATEGORICAL, Method, Outcome, register


def g_statistic(reference: Counts, current: Counts) -> float:
    """The log-likelihood ratio statistic, 2 * sum observed * ln(observed / expected).

    Cells with a zero count contribute 0 (the limit of x ln x).

    >>> round(g_statistic(np.array([10, 20]), np.array([20, 10])), 6)
    6.795961
    """
    observed, expected = table(reference, current)
    positive = observed > 0
    terms = observed[positive] * np.log(observed[positive] / expected[positive])
    # Rounding can leave a hair below 0 for proportional rows; the statistic is >= 0.
    return max(2.0 * float(np.sum(terms)), 0.0)


def _g_kernel(reference: Counts, current: Counts) -> Outcome:
    from driftscope.stats._pvalues import chi2_sf

    statistic = g_statistic(reference, current)
    dof = int(reference.size - 1)
    return Outcome(statistic, chi2_sf(statistic, dof), {"dof": dof})


G_TEST = register(
    Method(
        name="g_test",
        kinds=frozenset({CATEGORICAL, BINARY}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="G-test (log-likelihood ratio) on the 2 x k table of category counts",
        counts_kernel=_g_kernel,
    )
)


def g_test(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
) -> TestResult:
    """G-test (log-likelihood ratio) of the category counts; drift when p < threshold (0.05).

    >>> g_test(["a", "b"] * 50, ["b", "a"] * 50).drifted
    False
    """
    return G_TEST(reference, current, threshold=threshold)
