"""Differential tests: every scipy-defined method agrees with scipy to 1e-9 relative.

Data: continuous, tied (rounded), integer-valued and heavy-tailed (Cauchy) samples, at sizes
on both sides of the KS exact/asymptotic switch (max(n_r, n_c) <= 10000 is exact).
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from numpy.typing import NDArray
from scipy import stats as sps

from driftscope import stats
from driftscope.stats.ks import ks_statistic
from driftscope.testing.strategies import numeric_sample_pairs

RTOL = 1e-9
Sampler = Callable[[np.random.Generator, int, float], NDArray[np.float64]]

DATA: dict[str, Sampler] = {
    "normal": lambda rng, n, shift: rng.normal(shift, 1.0, n),
    "tied": lambda rng, n, shift: np.round(rng.normal(shift, 1.0, n), 1),
    "integer": lambda rng, n, shift: rng.poisson(3.0 + shift, n).astype(np.float64),
    "cauchy": lambda rng, n, shift: rng.standard_cauchy(n) + shift,
}
SMALL = {"tiny": (7, 5), "unequal": (37, 53), "equal": (200, 200)}
LARGE = {"exact_edge": (10_000, 9_000), "asymp": (10_001, 12_000)}


def _pair(data: str, sizes: tuple[int, int], shift: float = 0.2) -> tuple[Any, Any]:
    rng = np.random.default_rng(zlib.crc32(f"{data} {sizes}".encode()))
    return DATA[data](rng, sizes[0], 0.0), DATA[data](rng, sizes[1], shift)


def _close(ours: float | None, theirs: float) -> None:
    assert ours is not None
    assert ours == pytest.approx(float(theirs), rel=RTOL, abs=1e-300), (ours, theirs)


def _scaled(value: float, reference: NDArray[np.float64]) -> float:
    std = float(np.std(reference))
    return value / (std if std > 0 else 1.0)


def _anderson(r: Any, c: Any) -> tuple[float, float]:
    with warnings.catch_warnings(record=True):  # scipy warns when it caps the p-value
        warnings.simplefilter("always")
        res = sps.anderson_ksamp([r, c], variant="midrank")
    return float(res.statistic), float(res.pvalue)


def _epps(r: Any, c: Any) -> tuple[float, float]:
    with warnings.catch_warnings(record=True):  # scipy warns when the covariance is singular
        warnings.simplefilter("always")
        res = sps.epps_singleton_2samp(r, c)
    return float(res.statistic), float(res.pvalue)


def _pair_of(res: Any) -> tuple[float, float]:
    return float(res.statistic), float(res.pvalue)


ORACLES: dict[str, Callable[[Any, Any], tuple[float, float | None]]] = {
    "ks": lambda r, c: _pair_of(sps.ks_2samp(r, c)),
    "wasserstein": lambda r, c: (_scaled(sps.wasserstein_distance(r, c), r), None),
    "energy": lambda r, c: (_scaled(sps.energy_distance(r, c), r), None),
    "cramer_von_mises": lambda r, c: _pair_of(sps.cramervonmises_2samp(r, c)),
    "anderson_darling": _anderson,
    "mann_whitney": lambda r, c: _pair_of(sps.mannwhitneyu(r, c, alternative="two-sided")),
    "t_test": lambda r, c: _pair_of(sps.ttest_ind(r, c, equal_var=False)),
    "epps_singleton": _epps,
}


def _compare(name: str, r: Any, c: Any) -> None:
    res = stats.get(name)(r, c)
    statistic, p_value = ORACLES[name](r, c)
    _close(res.statistic, statistic)
    if p_value is None:
        assert res.p_value is None
    else:
        _close(res.p_value, p_value)


@pytest.mark.parametrize("sizes", SMALL.values(), ids=list(SMALL))
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", ORACLES)
def test_numeric_method_matches_scipy(name: str, data: str, sizes: tuple[int, int]) -> None:
    if name == "epps_singleton" and min(sizes) < 5:
        pytest.skip("epps_singleton needs 5 values per sample (see the edge-case table)")
    r, c = _pair(data, sizes)
    _compare(name, r, c)


@pytest.mark.parametrize("sizes", LARGE.values(), ids=list(LARGE))
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", ["ks", "wasserstein", "energy", "anderson_darling"])
def test_fast_method_matches_scipy_on_large_samples(
    name: str, data: str, sizes: tuple[int, int]
) -> None:
    r, c = _pair(data, sizes, shift=0.02)
    _compare(name, r, c)


@pytest.mark.parametrize(
    ("sizes", "mode"), [((10_000, 10_000), "exact"), ((10_001, 3), "asymp")], ids=["exact", "asymp"]
)
def test_ks_reports_scipy_auto_mode(sizes: tuple[int, int], mode: str) -> None:
    r, c = _pair("normal", sizes)
    assert stats.ks(r, c).details["mode"] == mode


def test_ks_statistic_is_the_lattice_value_in_exact_mode() -> None:
    # 2/3 - 1/3 rounds to 0.33333333333333337; scipy reports h / lcm = 1/3 exactly.
    assert stats.ks([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]).statistic == 1 / 3


@pytest.mark.parametrize("data", DATA)
def test_contingency_tests_match_chi2_contingency(data: str) -> None:
    r, c = _pair(data, SMALL["equal"], shift=0.5)
    if data in ("normal", "cauchy"):
        r, c = np.floor(r / 2), np.floor(c / 2)  # a few categories
    counts = stats.prepare_categorical(r, c)
    table = np.vstack((counts.reference, counts.current))
    table = table[:, table.sum(axis=0) > 0]
    for name, lambda_ in (("chi2", None), ("g_test", "log-likelihood")):
        res = stats.get(name)(r, c)
        expected = sps.chi2_contingency(table, correction=False, lambda_=lambda_)
        _close(res.statistic, expected.statistic)
        _close(res.p_value, expected.pvalue)
        assert res.details["dof"] == expected.dof


def test_chi2_drops_categories_absent_from_both_samples() -> None:
    res = stats.get("chi2").from_counts(np.array([10, 0, 20]), np.array([15, 0, 5]))
    expected = sps.chi2_contingency([[10, 20], [15, 5]], correction=False)
    _close(res.statistic, expected.statistic)
    _close(res.p_value, expected.pvalue)


@pytest.mark.parametrize(
    ("reference", "current"),
    [([30, 70], [50, 50]), ([1, 999], [5, 995]), ([500, 0], [0, 3]), ([7, 3], [2, 9])],
    ids=["moderate", "rare", "separated", "small"],
)
def test_binary_tests_match_scipy(reference: list[int], current: list[int]) -> None:
    ref, cur = np.array(reference), np.array(current)
    fisher = stats.get("fisher_exact").from_counts(ref, cur)
    expected = sps.fisher_exact(np.vstack((ref, cur)))
    assert fisher.statistic == pytest.approx(float(expected.statistic), rel=RTOL)
    _close(fisher.p_value, expected.pvalue)
    # z from the textbook formula, p from scipy's normal distribution.
    n_r, n_c = ref.sum(), cur.sum()
    pooled = (ref[1] + cur[1]) / (n_r + n_c)
    z = (cur[1] / n_c - ref[1] / n_r) / math.sqrt(pooled * (1 - pooled) * (1 / n_r + 1 / n_c))
    z_res = stats.get("z_proportion").from_counts(ref, cur)
    _close(z_res.statistic, z)
    _close(z_res.p_value, 2 * sps.norm.sf(abs(z)))


def test_mann_whitney_reports_the_exact_mode_on_small_samples_without_ties() -> None:
    assert stats.mann_whitney([1.0, 2.0, 3.0], [4.0, 5.0]).details["mode"] == "exact"
    assert stats.mann_whitney([1.0, 2.0, 2.0], [4.0, 5.0]).details["mode"] == "asymptotic"


def test_anderson_darling_flags_a_capped_p_value() -> None:
    same = np.linspace(0.0, 1.0, 50)
    res = stats.anderson_darling(same, same[::-1] + 1e-3)
    assert res.p_value == 0.25
    assert res.details["p_value_capped"] is True
    assert _anderson(same, same[::-1] + 1e-3)[1] == 0.25


def test_epps_singleton_reports_a_rank_deficient_covariance() -> None:
    # Two distinct values: cos and sin features are collinear, as scipy warns.
    res = stats.epps_singleton([0.0, 1.0] * 10, [0.0, 1.0, 1.0] * 7)
    with pytest.warns(UserWarning, match="does not have full rank"):
        sps.epps_singleton_2samp([0.0, 1.0] * 10, [0.0, 1.0, 1.0] * 7)
    assert res.details["covariance_rank"] < 4


@settings(max_examples=300, deadline=None)
@given(pair=numeric_sample_pairs(min_size=1, max_size=60))
def test_ks_statistic_is_scipys_d_bit_for_bit(pair: tuple[list[float], list[float]]) -> None:
    # method='asymp' makes scipy report its raw D (exact mode snaps it to the lattice).
    r, c = np.sort(np.asarray(pair[0])), np.sort(np.asarray(pair[1]))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # scipy's p-value for degenerate pairs; D is fine
        expected = float(sps.ks_2samp(r, c, method="asymp").statistic)
    assert ks_statistic(r, c) == expected


# -- kernels beyond raw samples: weighted samples (sketches) and moments ---------------------

ALL_SIZES = {**SMALL, **LARGE}


def _weighted(rng: np.random.Generator, n: int, shift: float) -> stats.WeightedSample:
    values = np.unique(np.round(rng.normal(shift, 1.0, n), 2))
    return stats.WeightedSample(values, rng.integers(1, 20, values.size))


@pytest.mark.parametrize("sizes", ALL_SIZES.values(), ids=list(ALL_SIZES))
@pytest.mark.parametrize("data", DATA)
def test_ks_from_exact_weighted_samples_matches_ks_2samp_asymp(
    data: str, sizes: tuple[int, int]
) -> None:
    r, c = _pair(data, sizes)
    res = stats.get("ks").from_sketches(stats.WeightedSample.of(r), stats.WeightedSample.of(c))
    expected = sps.ks_2samp(r, c, method="asymp")
    _close(res.statistic, expected.statistic)
    _close(res.p_value, expected.pvalue)
    assert res.details["approximate"] is False
    assert res.details["statistic_range"] == [res.statistic, res.statistic]


@pytest.mark.parametrize("seed", range(5))
def test_sketch_kernels_weigh_each_value_as_scipy_does(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, cur = _weighted(rng, 300, 0.0), _weighted(rng, 200, 0.3)
    r, c = np.repeat(ref.values, ref.weights), np.repeat(cur.values, cur.weights)
    ks = stats.get("ks").from_sketches(ref, cur)
    _close(ks.statistic, sps.ks_2samp(r, c, method="asymp").statistic)
    w = stats.get("wasserstein").from_sketches(ref, cur)
    distance = sps.wasserstein_distance(ref.values, cur.values, ref.weights, cur.weights)
    _close(w.statistic, _scaled(distance, r))
    _close(w.details["unscaled"], distance)


@pytest.mark.parametrize("sizes", ALL_SIZES.values(), ids=list(ALL_SIZES))
@pytest.mark.parametrize("data", DATA)
def test_t_test_from_moments_matches_ttest_ind_from_stats(
    data: str, sizes: tuple[int, int]
) -> None:
    r, c = _pair(data, sizes)
    ref, cur = stats.Moments.of(r), stats.Moments.of(c)
    res = stats.get("t_test").from_moments(ref, cur)
    expected = sps.ttest_ind_from_stats(
        ref.mean,
        math.sqrt(ref.m2 / (ref.n - 1)),
        ref.n,
        cur.mean,
        math.sqrt(cur.m2 / (cur.n - 1)),
        cur.n,
        equal_var=False,
    )
    _close(res.statistic, expected.statistic)
    _close(res.p_value, expected.pvalue)
    _close(res.p_value, sps.ttest_ind(r, c, equal_var=False).pvalue)
