"""Wasserstein-1 distance scaled by the reference's spread.

W = integral |F_r - F_c| dx, the area between the two empirical CDFs, as
``scipy.stats.wasserstein_distance(r, c)``, divided by the reference's standard deviation
(ddof=0; by 1 when that is 0), so a threshold means the same on any scale: 0.1 is a shift of
a tenth of a standard deviation. A distance: drift when ``statistic >= threshold`` (0.1).
Computed from the sorted samples in O(n) (:mod:`driftscope.stats._cdf`), no scipy import.

From two quantile sketches (:meth:`~driftscope.stats.Method.from_sketches`), W is that of the
two sketch CDFs, within ``(eps_r + eps_c) * range`` of the raw W, divided by the reference's
exact std when the profile gives it; the details give the bound and the range.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from driftscope.stats._cdf import (
    FloatArray,
    cdf_gaps,
    scaled_distance,
    weighted_std,
    weighted_wasserstein,
)
from driftscope.stats._inputs import WeightedSample
from driftscope.stats._result import TestResult
from driftscope.stats._sorted import merge_sorted
from driftscope.stats.registry import NUMERIC, Method, Outcome, register


def wasserstein_value(reference: FloatArray, current: FloatArray) -> float:
    """Unscaled Wasserstein-1 distance of two sorted samples.

    >>> wasserstein_value(np.array([0.0, 1.0]), np.array([1.0, 2.0]))
    1.0
    """
    gaps, widths = cdf_gaps(merge_sorted(reference, current))
    return float(np.dot(np.abs(gaps), widths))


def _wasserstein_kernel(reference: FloatArray, current: FloatArray) -> Outcome:
    return scaled_distance(wasserstein_value, reference, current)


def _wasserstein_sketch_kernel(reference: WeightedSample, current: WeightedSample) -> Outcome:
    std = reference.std if reference.std is not None else weighted_std(reference)
    if math.isinf(std):
        # A profile's sum of squared deviations is past float64's range (values of about
        # 1e154 and more; raw data are rescaled, a profile keeps m2 as it is).
        raise ValueError(
            "the reference's variance is too large for a profile to hold; compare raw data, "
            "or use ks"
        )
    raw, bound = weighted_wasserstein(reference, current)
    scale = std if std > 0 else 1.0
    details = {
        "unscaled": raw,
        "reference_std": scale,
        "approximate": bound > 0,
        "source": "quantile sketches",
        "error_bound": bound / scale,
        "statistic_range": [max(raw - bound, 0.0) / scale, (raw + bound) / scale],
        # Calibration resamples the raw reference, which a sketch cannot stand in for.
        "calibration": "not available from profiles: the fixed threshold applies",
    }
    return Outcome(raw / scale, None, details)


WASSERSTEIN = register(
    Method(
        name="wasserstein",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=True,
        default_threshold=0.1,
        summary="Wasserstein-1 distance divided by the reference standard deviation",
        numeric_kernel=_wasserstein_kernel,
        sketch_kernel=_wasserstein_sketch_kernel,
    )
)


def wasserstein(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Wasserstein-1 distance / std(reference); drift when >= threshold (0.1).

    ``details`` holds the ``unscaled`` distance and the ``reference_std`` divided by (1 when
    the reference is constant).

    >>> res = wasserstein([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])
    >>> round(res.statistic, 6), res.drifted
    (0.894427, True)
    """
    return WASSERSTEIN(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
