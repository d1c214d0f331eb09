"""KS's exact p-value comes from scipy's own count, called without ks_2samp's wrapper."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats._stats_py as scipy_stats_py
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ks_2samp

from driftscope import stats
from driftscope.stats._pvalues import ks_asymp_pvalue


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 400),
    st.integers(1, 400),
    st.integers(0, 3),
    st.floats(0.0, 1.0),
    st.integers(0, 2**32 - 1),
)
def test_statistic_and_p_value_are_scipys_bit_for_bit(n_r, n_c, decimals, shift, seed):
    rng = np.random.default_rng(seed)
    ref = np.sort(np.round(rng.normal(size=n_r), decimals))  # rounding makes ties
    cur = np.sort(np.round(rng.normal(shift, size=n_c), decimals))
    if ref[0] == ref[-1] == cur[0] == cur[-1]:
        return  # equal constants: the wrapper's case, not the kernel's
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ks_2samp(ref, cur)
    got = stats.get("ks").from_sorted(ref, cur)
    assert got.statistic == float(expected.statistic)
    assert got.p_value == float(expected.pvalue)


def test_a_failed_exact_count_falls_back_to_the_asymptotic_p_value(monkeypatch):
    def failing(n1, n2, g, d, alternative):
        return False, d, float("nan")

    monkeypatch.setattr(scipy_stats_py, "_attempt_exact_2kssamp", failing)
    rng = np.random.default_rng(0)
    ref, cur = np.sort(rng.normal(size=300)), np.sort(rng.normal(0.3, size=200))
    res = stats.get("ks").from_sorted(ref, cur)
    assert res.details["mode"] == "asymp"
    assert res.p_value == pytest.approx(ks_asymp_pvalue(res.statistic, 300, 200))
