"""Effect sizes: against scipy's KS statistic and association measure, and their laws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from scipy.stats.contingency import association

from driftscope.decision import cramers_v, ks_distance

counts = st.lists(st.integers(0, 500), min_size=2, max_size=12)


def test_ks_distance_is_scipys_statistic() -> None:
    rng = np.random.default_rng(1)
    r, c = np.sort(rng.normal(0, 1, 5000)), np.sort(rng.normal(0.2, 1, 4000))
    assert ks_distance(r, c) == sps.ks_2samp(r, c, method="asymp").statistic


def test_ks_distance_of_a_normal_shift_is_about_point_four_delta() -> None:
    rng = np.random.default_rng(2)
    r = np.sort(rng.normal(0, 1, 200_000))
    c = np.sort(rng.normal(0.1, 1, 200_000))
    assert ks_distance(r, c) == pytest.approx(0.04, abs=0.005)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), k=st.integers(2, 12))
def test_cramers_v_matches_scipy_association(data: st.DataObject, k: int) -> None:
    ref = np.array(data.draw(st.lists(st.integers(0, 500), min_size=k, max_size=k)))
    cur = np.array(data.draw(st.lists(st.integers(0, 500), min_size=k, max_size=k)))
    table = np.vstack((ref, cur))
    table = table[:, table.sum(axis=0) > 0]
    ours = cramers_v(ref, cur, bias_corrected=False)
    if table.shape[1] < 2 or np.any(table.sum(axis=1) == 0):
        assert ours == 0.0
    else:
        assert ours == pytest.approx(association(table, method="cramer"), rel=1e-9, abs=1e-12)
        # Bergsma (2013) from scipy's uncorrected V
        n, k = table.sum(), table.shape[1]
        phi2 = max(0.0, association(table, method="cramer") ** 2 - (k - 1) / (n - 1))
        denominator = min(k - (k - 1) ** 2 / (n - 1), 2 - 1 / (n - 1)) - 1
        expected = np.sqrt(phi2 / denominator) if denominator > 0 else 0.0
        assert cramers_v(ref, cur) == pytest.approx(min(expected, 1.0), rel=1e-9, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(ref=counts)
def test_identical_shares_have_no_effect(ref: list[int]) -> None:
    r = np.array(ref)
    assert cramers_v(r, 3 * r) == pytest.approx(0.0, abs=1e-7)


def test_a_category_share_moving_from_ten_to_twenty_percent() -> None:
    # phi = 0.1 / sqrt(0.15 * 0.85) / 2 for equal sample sizes
    ref, cur = np.array([100, 900]), np.array([200, 800])
    assert cramers_v(ref, cur, bias_corrected=False) == pytest.approx(
        0.1 / (2 * np.sqrt(0.15 * 0.85)), rel=1e-12
    )


@pytest.mark.parametrize("categories", [2, 50, 2_000])
def test_corrected_cramers_v_stays_near_zero_under_no_change_at_any_cardinality(
    categories: int,
) -> None:
    # Uncorrected, V is about sqrt((k - 1) / N) by chance: 0.31 at 2,000 values and 20,000
    # rows, past the 0.08 major tier; corrected, only the chi-square's own scatter is left
    # (about (2 (k - 1))^(1/4) / sqrt(N)), below that tier.
    rng = np.random.default_rng(categories)
    weights = 1.0 / np.arange(1, categories + 1) ** 0.9
    shares = weights / weights.sum()
    raw, corrected = [], []
    for _ in range(20):
        ref, cur = rng.multinomial(10_000, shares), rng.multinomial(10_000, shares)
        raw.append(cramers_v(ref, cur, bias_corrected=False))
        corrected.append(cramers_v(ref, cur))
    assert np.mean(corrected) < 0.03
    assert max(corrected) < 0.08
    if categories == 2_000:
        assert min(raw) > 0.08
