"""Epps-Singleton two-sample test, as scipy.stats.epps_singleton_2samp(r, c).

H0: both samples share one distribution (discrete ones too). Epps & Singleton (1986), as
described by Goerg & Kaiser (2009): compare the empirical characteristic functions at
t = (0.4, 0.8) scaled by the pooled semi-interquartile range; W = n g' S^+ g, where g is the
difference of the mean (cos, sin) vectors and S^+ the pseudo-inverse of their pooled
covariance, is chi-square with rank(S^+) degrees of freedom; a small-sample factor applies
when both samples hold fewer than 25 values. Needs at least 5 values per sample, and an
interquartile range above 0.

Computed here with numpy (p-value from :mod:`driftscope.stats._pvalues`): scipy's version
warns when the covariance is rank-deficient (common with tied values), where
``details["covariance_rank"]`` (4 when full) says the same thing without a warning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._result import TestResult
from driftscope.stats._sorted import linear_quantiles, merge_sorted
from driftscope.stats.registry import NUMERIC, Method, Outcome, register

FloatArray = NDArray[np.float64]

T_POINTS = (0.4, 0.8)
SMALL_SAMPLE = 25  # the correction factor applies when max(n_r, n_c) < 25
MIN_SIZE = 5


def _features(sample: FloatArray, ts: FloatArray) -> FloatArray:
    """cos and sin of ts * x: one row per (function, t), one column per value."""
    angles = ts[:, None] * sample[None, :]
    return np.concatenate((np.cos(angles), np.sin(angles)))


def epps_singleton_statistic(reference: FloatArray, current: FloatArray) -> tuple[float, int]:
    """W (with the small-sample factor when it applies) and its chi-square degrees of freedom.

    >>> w, rank = epps_singleton_statistic(np.arange(10.0), np.arange(10.0) + 0.5)
    >>> round(w, 6), rank
    (0.287458, 4)
    """
    n_r, n_c = reference.size, current.size
    n = n_r + n_c
    quartiles = linear_quantiles(merge_sorted(reference, current).values, np.array([0.25, 0.75]))
    semi_iqr = float(quartiles[1] - quartiles[0]) / 2.0
    if semi_iqr == 0.0:
        raise ValueError("undefined when the pooled interquartile range is 0 (too many ties)")
    ts = np.asarray(T_POINTS) / semi_iqr
    g_r, g_c = _features(reference, ts), _features(current, ts)
    cov_r = np.cov(g_r) * (n_r - 1) / n_r  # the test uses biased covariances
    cov_c = np.cov(g_c) * (n_c - 1) / n_c
    pooled_cov = (n / n_r) * cov_r + (n / n_c) * cov_c
    inverse = np.linalg.pinv(pooled_cov)
    rank = int(np.linalg.matrix_rank(inverse))
    diff = g_r.mean(axis=1) - g_c.mean(axis=1)
    w = n * float(diff @ inverse @ diff)
    if max(n_r, n_c) < SMALL_SAMPLE:
        w *= 1.0 / (1.0 + n**-0.45 + 10.1 * (n_r**-1.7 + n_c**-1.7))
    return w, rank


def _epps_kernel(reference: FloatArray, current: FloatArray) -> Outcome:
    from driftscope.stats._pvalues import chi2_sf

    w, rank = epps_singleton_statistic(reference, current)
    details = {
        "covariance_rank": rank,
        "small_sample_correction": max(reference.size, current.size) < SMALL_SAMPLE,
    }
    return Outcome(w, chi2_sf(w, rank), details)


EPPS_SINGLETON = register(
    Method(
        name="epps_singleton",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="Epps-Singleton test on empirical characteristic functions (scipy)",
        numeric_kernel=_epps_kernel,
        min_size=MIN_SIZE,
    )
)


def epps_singleton(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
) -> TestResult:
    """Epps-Singleton test; drift when p < threshold (0.05). Works for discrete data too.

    >>> rng = np.random.default_rng(0)
    >>> epps_singleton(rng.poisson(3, 300), rng.poisson(4, 300)).drifted
    True
    """
    return EPPS_SINGLETON(reference, current, threshold=threshold, inf_as_missing=inf_as_missing)
