"""Welch's t-test (unequal variances), as scipy.stats.ttest_ind(r, c, equal_var=False).

H0: both samples have the same mean. t = (mean_r - mean_c) / sqrt(v_r / n_r + v_c / n_c) with
sample variances (ddof=1), Welch-Satterthwaite degrees of freedom, two-sided p-value from
Student's t (``scipy.special.stdtr``, imported when called).

Why not call ttest_ind itself: it warns about "catastrophic cancellation" whenever one sample
is constant, a case where Welch's test is perfectly defined. The arithmetic here is the same.
Undefined (InputError) when a sample has fewer than 2 values or both variances are 0.

From moments (:meth:`~driftscope.stats.Method.from_moments`: count, mean and sum of squared
deviations, all a profile needs) the test is the same, exactly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._inputs import Moments
from driftscope.stats._result import TestResult
from driftscope.stats._scaling import scale_exponent
from driftscope.stats.registry import NUMERIC, Method, Outcome, register


def welch(reference: NDArray[np.float64], current: NDArray[np.float64]) -> tuple[float, float]:
    """Welch's t statistic and its degrees of freedom.

    >>> welch(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0]))
    (-1.5491933384829668, 2.9411764705882346)

    t and its degrees of freedom do not depend on the unit, so values past 2**500 are first
    divided by a power of two (exact), where their variances would overflow.
    """
    ends = [float(f(x)) for x in (reference, current) if x.size for f in (np.min, np.max)]
    exponent = scale_exponent(np.sort(np.array(ends))) if ends else 0
    if exponent:
        reference, current = np.ldexp(reference, -exponent), np.ldexp(current, -exponent)
    return welch_from_moments(
        (float(np.mean(reference)), float(np.var(reference, ddof=1)), reference.size),
        (float(np.mean(current)), float(np.var(current, ddof=1)), current.size),
    )


def welch_from_moments(
    reference: tuple[float, float, int], current: tuple[float, float, int]
) -> tuple[float, float]:
    """Welch's t and degrees of freedom from ``(mean, sample variance, n)`` of each side
    (all a profile needs).

    >>> welch_from_moments((2.0, 1.0, 3), (4.0, 4.0, 3))
    (-1.5491933384829668, 2.9411764705882346)
    """
    (mean_r, var_r, n_r), (mean_c, var_c, n_c) = reference, current
    vn_r = var_r / n_r
    vn_c = var_c / n_c
    spread = vn_r + vn_c
    if spread == 0.0:
        raise ValueError("undefined when both samples have zero variance")
    t = (mean_r - mean_c) / math.sqrt(spread)
    dof = spread**2 / (vn_r**2 / (n_r - 1) + vn_c**2 / (n_c - 1))
    return t, dof


def two_sided_p(t: float, dof: float) -> float:
    """The two-sided p-value of ``t`` under Student's t with ``dof`` degrees of freedom."""
    from scipy.special import stdtr

    return 2.0 * float(stdtr(dof, -abs(t)))


def _t_kernel(reference: NDArray[np.float64], current: NDArray[np.float64]) -> Outcome:
    t, dof = welch(reference, current)
    return Outcome(t, two_sided_p(t, dof), {"dof": dof})


def _t_moments_kernel(reference: Moments, current: Moments) -> Outcome:
    t, dof = welch_from_moments(
        (reference.mean, reference.m2 / (reference.n - 1), reference.n),
        (current.mean, current.m2 / (current.n - 1), current.n),
    )
    return Outcome(t, two_sided_p(t, dof), {"dof": dof, "source": "counts, means and variances"})


T_TEST = register(
    Method(
        name="t_test",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="Welch's two-sample t-test (scipy ttest_ind, equal_var=False)",
        numeric_kernel=_t_kernel,
        moments_kernel=_t_moments_kernel,
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
