"""The scipy-free distribution tails agree with scipy's, regime by regime."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special
from scipy import stats as sps

from driftscope.stats._pvalues import chi2_sf, ks_asymp_pvalue, norm_sf
from driftscope.stats._pvalues_kstwo import kstwo_sf
from driftscope.stats._pvalues_smirnov import smirnov_sf

RTOL = 1e-9
TAILS = [1e-280, 1e-120, 1e-30, 1e-9, 1e-3, 0.05, 0.5, 0.9, 0.999999]


def _close(ours: float, theirs: float) -> None:
    assert ours == pytest.approx(float(theirs), rel=RTOL, abs=1e-290), (ours, theirs)


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 9, 19, 49, 199, 999, 20_000])
def test_chi2_tail_matches_scipy_from_centre_to_far_tail(dof: int) -> None:
    for tail in TAILS:
        x = float(sps.chi2.isf(tail, dof))
        _close(chi2_sf(x, dof), sps.chi2.sf(x, dof))


@settings(max_examples=200, deadline=None)
@given(
    dof=st.integers(1, 3000),
    x=st.floats(0.0, 5000.0, allow_nan=False, allow_infinity=False),
)
def test_chi2_tail_matches_scipy_anywhere(dof: int, x: float) -> None:
    _close(chi2_sf(x, dof), sps.chi2.sf(x, dof))


def test_chi2_tail_edges() -> None:
    assert chi2_sf(0.0, 3) == 1.0
    assert chi2_sf(math.inf, 3) == 0.0
    assert math.isnan(chi2_sf(1.0, 0))
    assert math.isnan(chi2_sf(math.nan, 2))


@pytest.mark.parametrize("z", [0.0, 0.5, 1.0, 1.96, 3.0, 8.0, 20.0, 37.0])
def test_normal_tail_matches_scipy(z: float) -> None:
    _close(norm_sf(z), sps.norm.sf(z))


def _kstwo_points(n: int) -> list[float]:
    """x values in every regime of the kstwo regime map, and at its borders."""
    points = [0.6 / n, 1.0 / n, 1.7 / n, (n - 1.0) / n, 0.5, 0.75]
    points += [math.sqrt(c / n) for c in (0.1, 0.75, 2.2, 4.0, 30.0, 369.0)]
    points += [(c / n) ** (2.0 / 3.0) for c in (1.0, 1.4, 2.0)]
    points += list(np.linspace(0.01, 0.99, 9))
    return sorted({p for p in points if 0.0 < p < 1.0})


@pytest.mark.parametrize(
    "n",
    [
        1,
        2,
        5,
        17,
        60,
        140,
        141,
        1000,
        30000,
        100000,
        100001,
        pytest.param(10**6, marks=pytest.mark.slow),
    ],
)
def test_one_sample_ks_tail_matches_scipy_kstwo(n: int) -> None:
    for x in _kstwo_points(n):
        _close(kstwo_sf(n, x), sps.kstwo.sf(x, n))


@pytest.mark.parametrize(("n", "x"), [(5, 0.6), (40, 0.3), (141, 0.2), (5000, 0.03), (10**6, 0.6)])
def test_one_sided_smirnov_tail_matches_scipy(n: int, x: float) -> None:
    _close(smirnov_sf(n, x), special.smirnov(n, x))


@pytest.mark.parametrize(
    ("n_r", "n_c"),
    [(10_001, 10_001), (20_000, 12_345), pytest.param(10**6, 10**6, marks=pytest.mark.slow)],
)
def test_asymptotic_two_sample_ks_matches_scipy(n_r: int, n_c: int) -> None:
    rng = np.random.default_rng(n_r + n_c)
    r = rng.normal(0.0, 1.0, n_r)
    for shift in (0.0, 0.01, 0.03, 0.1):
        c = rng.normal(shift, 1.0, n_c)
        oracle = sps.ks_2samp(r, c)
        _close(ks_asymp_pvalue(float(oracle.statistic), n_r, n_c), oracle.pvalue)
