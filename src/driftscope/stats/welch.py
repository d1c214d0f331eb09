"""Welch's t-test (unequal variances), as scipy.stats.ttest_ind(r, c, equal_var=False).

H0: both samples have the same mean. t = (mean_r - mean_c) / sqrt(v_r / n_r + v_c / n_c) with
sample variances (ddof=1), Welch-Satterthwaite degrees of freedom, two-sided p-value from
Student's t (``scipy.special.stdtr``, imported when called).

Why not call ttest_ind itself: it warns about "catastrophic cancellation" whenever one sample
is constant, a case where Welch's test is perfectly defined. The arithmetic here is the same.
Undefined (InputError) when a sample has fewer than 2 values or both variances are 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats.registry import NUMERIC, Method, Outcome, register


def welch(reference: NDArray[np.float64], current: NDArray[np.float64]) -> tuple[float, float]:
    """Welch's t statistic and its degrees of freedom.

    >>> welch(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0]))
    (-1.5491933384829668, 2.9411764705882346)
    """
    n_r, n_c = reference.size, current.size
    vn_r = float(np.var(reference, ddof=1)) / n_r
    vn_c = float(np.var(current, ddof=1)) / n_c
    spread = vn_r + vn_c
    if spread == 0.0:
        raise ValueError("undefined when both samples have zero variance")
    t = (float(np.mean(reference)) - float(np.mean(current))) / math.sqrt(spread)
    dof = spread**2 / (vn_r**2 / (n_r - 1) + vn_c**2 / (n_c - 1))
    return t, dof


def _t_kernel(reference: NDArray[np.float64], current: NDArray[np.float64]) -> Outcome:
    from scipy.special import stdtr

    t, dof = welch(reference, current)
    return Outcome(t, 2.0 * float(stdtr(dof, -abs(t))), {"dof": dof})


T_TEST = register(
    Method(
        name="t_test",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="Welch's two-sample t-test (scipy ttest_ind, equal_var=False)",
        numeric_kernel=_t_kernel,
        min_size=2,
    )
)


def t_test(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Welch's t-test of equal means; drift when p < threshold (0.05).

    >>> rng = np.random.default_rng(0)
    >>> t_test(rng.normal(0, 1, 200), rng.normal(1, 3, 200)).drifted
    True
    """
    return T_TEST(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
