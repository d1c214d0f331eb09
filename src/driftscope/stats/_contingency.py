"""The 2 x k contingency table shared by the tests on category counts (chi2, g_test).

H0: both samples share one categorical distribution. The 2 x k table has the reference counts
in its first row and the current counts in its second; expected counts are row total x column
total / grand total, and the statistic follows a chi-square with k - 1 degrees of freedom.
Same numbers as ``scipy.stats.chi2_contingency(table, correction=False)`` (with
``lambda_="log-likelihood"`` for the G-test), without importing scipy: the p-value comes
from :mod:`driftscope.stats._pvalues`. Categories absent from both samples are dropped first
(by the shared wrapper), since a zero expected count leaves the statistic undefined.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Counts = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def table(reference: Counts, current: Counts) -> tuple[FloatArray, FloatArray]:
    """Observed and expected counts of the 2 x k table.

    >>> observed, expected = table(np.array([10, 20]), np.array([20, 10]))
    >>> expected.tolist()
    [[15.0, 15.0], [15.0, 15.0]]
    """
    observed = np.vstack((reference, current)).astype(np.float64)
    expected = (
        observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True)
    ) / observed.sum()
    return observed, expected
