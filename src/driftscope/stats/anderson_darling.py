"""k-sample Anderson-Darling test for two samples, as scipy.stats.anderson_ksamp([r, c]).

H0: both samples come from the same distribution. Scholz & Stephens (1987): the midrank
statistic A2akN (their eq. 7, valid with ties), standardised by its null mean k - 1 and
variance, then a significance level interpolated from their Table 2 of critical values
(a quadratic fit of ln(level) against the critical values). That interpolation only covers
levels 0.001 .. 0.25, so the p-value is capped to [0.001, 0.25]; ``details["p_value_capped"]``
says when a bound was hit (the true p-value is then above 0.25 or below 0.001).

Computed here from the sorted samples, without scipy: scipy's version emits a warning each
time the p-value is capped (with identical samples, every time), where a flag in the result
says the same thing without making callers filter warnings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats._sorted import merge_sorted
from driftscope.stats.registry import NUMERIC, Method, Outcome, register

FloatArray = NDArray[np.float64]

# Scholz & Stephens (1987), Table 2: critical value = b0 + b1 / sqrt(m) + b2 / m for m = k - 1
# at these significance levels.
_LEVELS = np.array([0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001])
_B0 = np.array([0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085])
_B1 = np.array([-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615])
_B2 = np.array([-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154])
P_VALUE_BOUNDS = (0.001, 0.25)
MIN_POOLED = 4  # the null variance divides by (N - 1)(N - 2)(N - 3)


def midrank_statistic(reference: FloatArray, current: FloatArray) -> float:
    """Scholz & Stephens' midrank A2akN for two sorted samples (their eq. 7).

    >>> round(midrank_statistic(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])), 6)
    2.484401
    """
    merged = merge_sorted(reference, current)
    n_total = merged.values.size
    ends = merged.run_ends()
    upto = ends + 1  # B_j: pooled values <= z*_j
    ties = np.diff(upto, prepend=0)  # l_j: multiplicity of z*_j
    pooled_mid = upto - ties / 2.0  # B_aj
    denominator = pooled_mid * (n_total - pooled_mid) - n_total * ties / 4.0
    total = 0.0
    for upto_sample, n_sample in (
        (merged.n_reference_upto[ends], merged.n_reference),
        (merged.n_current_upto[ends], merged.n_current),
    ):
        at = np.diff(upto_sample, prepend=0)  # f_ij: copies of z*_j in this sample
        sample_mid = upto_sample - at / 2.0  # M_aij
        terms = ties / n_total * (n_total * sample_mid - pooled_mid * n_sample) ** 2 / denominator
        total += float(terms.sum()) / n_sample
    return total * (n_total - 1.0) / n_total


def _null_sd(n_reference: int, n_current: int) -> float:
    """Standard deviation of A2akN under H0 for k = 2 samples (Scholz & Stephens, eq. 4)."""
    k = 2
    n = n_reference + n_current
    big_h = 1.0 / n_reference + 1.0 / n_current
    # tail[j - 2] = sum_{m = n - j + 1}^{n - 1} 1/m for j = 2 .. n - 1
    tail = np.cumsum(1.0 / np.arange(n - 1, 1, -1))
    h = float(tail[-1]) + 1.0  # sum_{i = 1}^{n - 1} 1/i
    g = float((tail / np.arange(2, n)).sum())
    a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * big_h
    b = (2 * g - 4) * k**2 + 8 * h * k + (2 * g - 14 * h - 4) * big_h - 8 * h + 4 * g - 6
    c = (6 * h + 2 * g - 2) * k**2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * big_h + 4 * h
    d = (2 * h + 6) * k**2 - 4 * h * k
    variance = (a * n**3 + b * n**2 + c * n + d) / ((n - 1.0) * (n - 2.0) * (n - 3.0))
    return math.sqrt(variance)


def significance(statistic: float) -> tuple[float, bool]:
    """Interpolated significance level of the standardised statistic, and whether it is capped.

    >>> significance(-1.0)
    (0.25, True)
    """
    m = 1  # k - 1
    critical = _B0 + _B1 / math.sqrt(m) + _B2 / m
    if statistic < critical.min():
        return P_VALUE_BOUNDS[1], True
    if statistic > critical.max():
        return P_VALUE_BOUNDS[0], True
    fit = np.polyfit(critical, np.log(_LEVELS), 2)
    return math.exp(float(np.polyval(fit, statistic))), False


def _anderson_kernel(reference: FloatArray, current: FloatArray) -> Outcome:
    if reference.size + current.size < MIN_POOLED:
        raise ValueError(f"needs at least {MIN_POOLED} values in the two samples together")
    raw = midrank_statistic(reference, current)
    statistic = (raw - 1.0) / _null_sd(int(reference.size), int(current.size))
    p_value, capped = significance(statistic)
    details = {
        "variant": "midrank",
        "p_value_capped": capped,
        "p_value_bounds": list(P_VALUE_BOUNDS),
    }
    return Outcome(statistic, p_value, details)


ANDERSON_DARLING = register(
    Method(
        name="anderson_darling",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="k-sample Anderson-Darling test (scipy anderson_ksamp), p capped to [0.001, 0.25]",
        numeric_kernel=_anderson_kernel,
    )
)


def anderson_darling(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Anderson-Darling two-sample test; drift when the capped p < threshold (0.05).

    ``statistic`` is the standardised A2 of scipy's ``anderson_ksamp``; the p-value lies in
    [0.001, 0.25] and ``details["p_value_capped"]`` flags a bound.

    >>> rng = np.random.default_rng(0)
    >>> res = anderson_darling(rng.normal(0, 1, 300), rng.normal(1, 1, 300))
    >>> res.p_value, res.details["p_value_capped"], res.drifted
    (0.001, True, True)
    """
    return ANDERSON_DARLING(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
