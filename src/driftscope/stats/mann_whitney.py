"""Mann-Whitney U test (scipy.stats.mannwhitneyu, two-sided).

H0: a value drawn from one sample is as likely to exceed one drawn from the other as the
reverse (no shift in location). ``statistic`` is U of the reference sample. scipy picks the
exact null distribution when a sample holds at most 8 values and there are no ties, else the
normal approximation with tie correction (``details["mode"]``). Imports scipy.stats when
called.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats._sorted import merge_sorted
from driftscope.stats.registry import NUMERIC, Method, Outcome, register

EXACT_MAX_N = 8  # scipy's 'auto' rule: exact when either sample is this small and no ties


def _mode(reference: NDArray[np.float64], current: NDArray[np.float64]) -> str:
    if min(reference.size, current.size) > EXACT_MAX_N:
        return "asymptotic"
    merged = merge_sorted(reference, current)
    has_ties = merged.run_ends().size < merged.values.size
    return "asymptotic" if has_ties else "exact"


def _mann_whitney_kernel(reference: NDArray[np.float64], current: NDArray[np.float64]) -> Outcome:
    from scipy.stats import mannwhitneyu

    result = mannwhitneyu(reference, current, alternative="two-sided", method="auto")
    mode = _mode(reference, current)
    return Outcome(float(result.statistic), float(result.pvalue), {"mode": mode})


MANN_WHITNEY = register(
    Method(
        name="mann_whitney",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="Mann-Whitney U test, two-sided (scipy mannwhitneyu)",
        numeric_kernel=_mann_whitney_kernel,
    )
)


def mann_whitney(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Mann-Whitney U test, two-sided; drift when p < threshold (0.05).

    >>> res = mann_whitney([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0])
    >>> res.statistic, round(res.p_value, 6), res.details["mode"]
    (0.0, 0.028571, 'exact')
    """
    return MANN_WHITNEY(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
