"""Energy distance scaled by the reference's spread.

E = sqrt(2 * integral (F_r - F_c)^2 dx) over the two empirical CDFs, as
``scipy.stats.energy_distance(r, c)``, divided by the reference's standard deviation (ddof=0;
by 1 when that is 0), so a threshold means the same on any scale. A distance: drift when
``statistic >= threshold`` (0.1). Computed from the sorted samples in O(n)
(:mod:`driftscope.stats._cdf`), no scipy import.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from driftscope.stats._cdf import FloatArray, cdf_gaps, scaled_distance
from driftscope.stats._result import TestResult
from driftscope.stats._sorted import merge_sorted
from driftscope.stats.registry import NUMERIC, Method, Outcome, register


def energy_value(reference: FloatArray, current: FloatArray) -> float:
    """Unscaled energy distance of two sorted samples.

    >>> round(energy_value(np.array([0.0, 1.0]), np.array([1.0, 2.0])), 12)
    1.0
    """
    gaps, widths = cdf_gaps(merge_sorted(reference, current))
    return math.sqrt(2.0) * math.sqrt(float(np.dot(np.square(gaps), widths)))


def _energy_kernel(reference: FloatArray, current: FloatArray) -> Outcome:
    # The energy distance is in the square root of the data's unit (degree 1).
    return scaled_distance(energy_value, reference, current, degree=1)


ENERGY = register(
    Method(
        name="energy",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=True,
        default_threshold=0.1,
        summary="energy distance divided by the reference standard deviation",
        numeric_kernel=_energy_kernel,
    )
)


def energy(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Energy distance / std(reference); drift when >= threshold (0.1).

    >>> rng = np.random.default_rng(0)
    >>> energy(rng.normal(0, 1, 500), rng.normal(0, 1, 500)).drifted
    False
    """
    return ENERGY(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
