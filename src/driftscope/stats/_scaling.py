"""Exact power-of-two rescaling, so sums of squares and differences of huge values stay finite.

Dividing by a power of two is exact in binary floating point, so a statistic that does not
depend on the unit (a scaled distance, a mean or std multiplied back) computed on rescaled
values equals the one computed directly whenever the direct one does not overflow. We rescale
only past ``HUGE``, so ordinary data goes down the direct path bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

HUGE = 2.0**500
"""Above this magnitude, squares and differences may overflow: rescale first."""


def scale_exponent(*sorted_samples: FloatArray) -> int:
    """The power of two to divide sorted samples by so their largest magnitude is below 1.

    0 for ordinary values (nothing to do).

    >>> scale_exponent(np.array([-1.0, 2.0])), scale_exponent(np.array([0.0, 1e308]))
    (0, 1024)
    """
    peak = max(
        (max(abs(float(s[0])), abs(float(s[-1]))) for s in sorted_samples if s.size), default=0.0
    )
    if peak < HUGE:
        return 0
    return math.frexp(peak)[1]


def mean_std(sorted_values: FloatArray) -> tuple[float, float]:
    """Mean and population std (ddof=0) of a sorted, non-empty sample, finite for any finite
    input (numpy's overflow to inf for values near the float limit).

    >>> mean_std(np.array([0.0, 1e308]))
    (5e+307, 5e+307)
    """
    exponent = scale_exponent(sorted_values)
    scaled = sorted_values if exponent == 0 else np.ldexp(sorted_values, -exponent)
    mean = float(scaled.mean())
    deviations = scaled - mean
    np.square(deviations, out=deviations)  # in place: one temporary where numpy.std has two
    std = math.sqrt(float(deviations.sum()) / scaled.size)
    return math.ldexp(mean, exponent), math.ldexp(std, exponent)


def ldexp_or_inf(x: float, exponent: int) -> float:
    """``x * 2**exponent``, or inf with the sign of ``x`` past float64's range (where
    :func:`math.ldexp` raises OverflowError).

    >>> ldexp_or_inf(1.5, 2), ldexp_or_inf(-1.5, 1024)
    (6.0, -inf)
    """
    try:
        return math.ldexp(x, exponent)
    except OverflowError:
        return math.copysign(math.inf, x)
