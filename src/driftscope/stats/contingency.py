"""Contingency-table tests on category counts: Pearson chi-square and the G-test.

H0: both samples share one categorical distribution. The 2 x k table has the reference counts
in its first row and the current counts in its second; expected counts are row total x column
total / grand total, and the statistic follows a chi-square with k - 1 degrees of freedom.
Same numbers as ``scipy.stats.chi2_contingency(table, correction=False)`` (with
``lambda_="log-likelihood"`` for the G-test), without importing scipy: the p-value comes
from :mod:`driftscope.stats._pvalues`. Categories absent from both samples are dropped first
(by the shared wrapper), since a zero expected count leaves the statistic undefined.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats.registry import BINARY, CATEGORICAL, Method, Outcome, register

Counts = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def _table(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    """Observed and expected counts of the 2 x k table."""
    observed = np.vstack((reference, current)).astype(np.float64)
    expected = (
        observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True)
    ) / observed.sum()
    return observed, expected


def pearson_statistic(reference: Counts, current: Counts) -> float:
    """Pearson's chi-square, sum (observed - expected)^2 / expected.

    >>> pearson_statistic(np.array([10, 20]), np.array([20, 10]))
    6.666666666666667
    """
    observed, expected = _table(reference, current)
    return float(np.sum((observed - expected) ** 2 / expected))


def g_statistic(reference: Counts, current: Counts) -> float:
    """The log-likelihood ratio statistic, 2 * sum observed * ln(observed / expected).

    Cells with a zero count contribute 0 (the limit of x ln x).

    >>> round(g_statistic(np.array([10, 20]), np.array([20, 10])), 6)
    6.795961
    """
    observed, expected = _table(reference, current)
    positive = observed > 0
    terms = observed[positive] * np.log(observed[positive] / expected[positive])
    # Rounding can leave a hair below 0 for proportional rows; the statistic is >= 0.
    return max(2.0 * float(np.sum(terms)), 0.0)


def _chi2_kernel(reference: Counts, current: Counts) -> Outcome:
    from driftscope.stats._pvalues import chi2_sf

    statistic = pearson_statistic(reference, current)
    dof = int(reference.size - 1)
    return Outcome(statistic, chi2_sf(statistic, dof), {"dof": dof})


def _g_kernel(reference: Counts, current: Counts) -> Outcome:
    from driftscope.stats._pvalues import chi2_sf

    statistic = g_statistic(reference, current)
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
