"""compare() with a profile on either side: exact where the profile is exact (checked against
the raw-data path), bounded where it is a sketch, and a clear error where it cannot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftscope as ds
from driftscope.profiling import NumericProfile, Profile, profile
from driftscope.stats import ks, wasserstein

BINNED = ["psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity"]
CATEGORICAL = ["chi2", "g_test", *BINNED]


def _data(seed: int, n: int, shift: float = 0.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(shift, 1.0, n),
        "y": rng.lognormal(0.0, 0.7, n) + shift,
        "k": rng.integers(0, 5 + int(10 * shift), n).astype(np.float64),
        "c": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2 + shift / 10, 0.1 - shift / 10]),
    }


def _by_name(report: ds.DriftReport) -> dict[str, ds.ColumnResult]:
    return {c.name: c for c in report.columns}


@pytest.mark.parametrize("method", BINNED)
def test_binned_methods_from_profiles_equal_the_raw_data_path(method: str) -> None:
    ref, cur = _data(0, 20_000), _data(1, 15_000, shift=0.2)
    raw = _by_name(ds.compare(ref, cur, methods=method))
    for reference in (profile(ref), profile(ref, k=8)):
        from_profile = _by_name(ds.compare(reference, cur, methods=method))
        for name in ("x", "y", "k", "c"):
            a, b = raw[name], from_profile[name]
            assert b.error is None
            assert b.statistic == a.statistic, name
            assert b.threshold == a.threshold, name  # calibrated on the same bin counts
            assert b.drifted == a.drifted
            assert b.details["bins"] == a.details["bins"]


@pytest.mark.parametrize("method", CATEGORICAL)
def test_categorical_methods_from_profiles_are_exact(method: str) -> None:
    ref, cur = _data(2, 5_000), _data(3, 4_000, shift=0.3)
    raw = _by_name(ds.compare(ref, cur, methods={"c": method}))["c"]
    both = _by_name(ds.compare(profile(ref), profile(cur), methods={"c": method}))["c"]
    assert (both.statistic, both.p_value, both.drifted) == (raw.statistic, raw.p_value, raw.drifted)
    assert both.effect_size == raw.effect_size


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(50, 3_000),
    st.integers(50, 3_000),
    st.sampled_from([0.0, 0.05, 0.5]),
)
def test_binned_psi_from_sketched_profiles_is_exact(
    seed: int, n_ref: int, n_cur: int, shift: float
) -> None:
    # k=8 makes the sketches estimate at once, so the histograms (not the raw values the
    # sketch would otherwise still hold) carry the statistic.
    rng = np.random.default_rng(seed)
    ref = {"x": rng.standard_t(3, n_ref)}
    cur = {"x": rng.standard_t(3, n_cur) + shift}
    raw = ds.compare(ref, cur, methods="psi", calibrate=False).columns[0]
    prof = ds.compare(profile(ref, k=8), cur, methods="psi", calibrate=False).columns[0]
    assert prof.statistic == raw.statistic


def test_t_test_from_moments_matches_the_raw_test() -> None:
    ref, cur = _data(4, 30_000), _data(5, 20_000, shift=0.01)
    raw = _by_name(ds.compare(ref, cur, methods="t_test"))
    prof = _by_name(ds.compare(profile(ref), cur, methods="t_test"))
    for name in ("x", "y", "k"):
        assert math.isclose(prof[name].statistic, raw[name].statistic, rel_tol=1e-9)
        assert math.isclose(prof[name].p_value, raw[name].p_value, rel_tol=1e-6, abs_tol=1e-300)
        assert prof[name].details["source"] == "counts, means and variances"


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2_000, 20_000),
    st.sampled_from([8, 50, 200, 1000]),
    st.sampled_from([0.0, 0.1, 1.0]),
    st.sampled_from([1, 6]),
)
def test_sketch_ks_and_wasserstein_stay_within_their_stated_bound(
    seed: int, n: int, k: int, shift: float, parts: int
) -> None:
    # parts > 1: both sides are merged profiles of chunks, as the Parquet path, Dask and Spark
    # make them (a merged KLL sketch often has an empty level 0, see QuantileSketch.items).
    rng = np.random.default_rng(seed)
    ref, cur = rng.normal(0, 1, n), rng.normal(shift, 1, n // 2 + 1)
    ref_side = Profile.merge_all(profile({"x": c}, k=k) for c in np.array_split(ref, parts))
    cur_side: Profile | dict[str, np.ndarray] = {"x": cur}
    if parts > 1:
        cur_side = Profile.merge_all(profile({"x": c}, k=k) for c in np.array_split(cur, parts))
    report = ds.compare(ref_side, cur_side, methods="ks", calibrate=False)
    res = report.columns[0]
    exact = ks(ref, cur).statistic
    if res.details.get("approximate"):
        assert abs(res.statistic - exact) <= res.details["error_bound"]
        low, high = res.details["statistic_range"]
        assert low <= exact <= high
        p_low, p_high = res.details["p_value_range"]
        assert 0.0 <= p_low <= res.p_value <= p_high <= 1.0
    else:
        assert res.statistic == exact
    w = ds.compare(ref_side, cur_side, methods="wasserstein", calibrate=False)
    w_res, w_exact = w.columns[0], wasserstein(ref, cur).statistic
    bound = w_res.details.get("error_bound", 0.0)
    if w_res.details.get("approximate"):
        assert w_res.details["calibration"].startswith("not available from profiles")
    assert abs(w_res.statistic - w_exact) <= bound + 1e-12 * max(w_exact, 1.0)


def test_every_numeric_method_is_exact_while_the_sketches_hold_every_value() -> None:
    ref, cur = _data(6, 300), _data(7, 250, shift=0.4)
    for method in ("ks", "cramer_von_mises", "anderson_darling", "wasserstein", "energy"):
        raw = _by_name(ds.compare(ref, cur, methods=method))
        prof = _by_name(ds.compare(profile(ref), profile(cur, bins=profile(ref)), methods=method))
        for name in ("x", "y"):
            assert prof[name].statistic == raw[name].statistic, (method, name)
            assert prof[name].p_value == raw[name].p_value, (method, name)
            assert prof[name].reference_stats == raw[name].reference_stats


def test_a_method_that_needs_raw_values_says_so() -> None:
    ref, cur = _data(8, 20_000), _data(9, 20_000)
    res = _by_name(ds.compare(profile(ref), cur, methods="cramer_von_mises"))
    assert res["x"].error is not None
    assert res["x"].error.startswith(
        "cramer_von_mises: needs the raw values of column 'x', which a profile does not keep"
    )
    assert res["c"].error is None  # categorical columns keep their default test


def test_binned_method_without_shared_bins_counts_the_current_sketch() -> None:
    ref, cur = _data(10, 20_000), _data(11, 20_000)
    own_bins = profile(cur)  # counted on its own edges, not the reference's
    res = _by_name(ds.compare(profile(ref), own_bins, methods="psi"))["x"]
    assert res.error is None
    assert res.details["source"] == "counts from the quantile sketch of the current"
    bound = res.details["share_error_bound"]
    assert 0 < bound < 0.02
    raw = _by_name(ds.compare(ref, cur, methods="psi"))["x"]
    # every share within the bound: psi moves by far less than the threshold
    assert abs(res.statistic - raw.statistic) < 0.01


def test_n_bins_must_match_the_reference_profile() -> None:
    ref, cur = _data(12, 20_000), _data(13, 20_000)
    res = _by_name(
        ds.compare(profile(ref), cur, methods="psi", method_params={"psi": {"n_bins": 20}})
    )["x"]
    assert res.error == (
        "psi: n_bins=20 but the reference profile of column 'x' has 10 bins; profile the "
        "reference with n_bins=20"
    )
    ok = _by_name(
        ds.compare(
            profile(ref, n_bins=20), cur, methods="psi", method_params={"psi": {"n_bins": 20}}
        )
    )["x"]
    assert ok.error is None
    assert ok.details["bins"] == 20


def test_parts_binned_on_different_edges_merge_without_a_histogram() -> None:
    a, b = profile(_data(14, 5_000)), profile(_data(15, 5_000, shift=1.0))
    merged = a + b
    x = merged["x"]
    assert isinstance(x, NumericProfile)
    assert x.histogram is None
    assert x.count == 10_000  # everything else merges as usual
    same = profile(_data(16, 1_000), bins=a) + profile(_data(17, 1_000), bins=a)
    same_x = same["x"]
    assert isinstance(same_x, NumericProfile)
    assert same_x.histogram is not None
    assert same_x.histogram.total == 2_000


def test_current_profiles_add_up_to_the_profile_of_all_their_rows() -> None:
    ref = profile(_data(18, 10_000))
    day1, day2 = _data(19, 3_000, shift=0.1), _data(20, 2_000, shift=0.1)
    week = profile(day1, bins=ref) + profile(day2, bins=ref)
    both = {k: np.concatenate([day1[k], day2[k]]) for k in day1}
    whole = profile(both, bins=ref)
    for name in ("x", "y", "k"):
        w, h = week[name], whole[name]
        assert isinstance(w, NumericProfile)
        assert isinstance(h, NumericProfile)
        assert w.histogram == h.histogram


def test_raw_reference_against_a_current_profile() -> None:
    ref, cur = _data(21, 20_000), _data(22, 20_000, shift=0.5)
    report = ds.compare(ref, profile(cur))
    res = _by_name(report)
    assert res["x"].drifted
    assert res["x"].details["approximate"] is True
    assert report.reference.source == "<dict>"
    assert report.current.source == "<Profile>"


def test_model_importance_needs_raw_reference_data() -> None:
    with pytest.raises(ds.errors.ConfigError, match="needs the raw reference data"):
        ds.compare(profile(_data(23, 100)), _data(24, 100), model=object(), target="x")


def test_profile_on_either_side_with_no_rows_is_an_input_error() -> None:
    with pytest.raises(ds.errors.InputError, match="the reference dataset has no rows"):
        ds.compare(Profile(0, {}), _data(25, 100))
