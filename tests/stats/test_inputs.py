"""Weighted samples and moments: what they must hold, and how the shared wrapper treats them
(sizes, degenerate cases, errors) for every method that takes them."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from driftscope import stats
from driftscope.errors import ConfigError, InputError
from driftscope.stats import Method, Moments, Outcome, WeightedSample
from driftscope.stats.registry import CATEGORICAL, NUMERIC

GOOD = WeightedSample(np.array([1.0, 2.0, 3.0]), np.array([2, 1, 1]))
OTHER = WeightedSample(np.array([2.0, 4.0]), np.array([1, 3]))

BAD_SAMPLES: dict[str, tuple[Any, str]] = {
    "not_a_weighted_sample": ([1.0, 2.0], "must be a WeightedSample; got list"),
    "two_dimensional": (replace(GOOD, values=np.ones((3, 1))), "1-D array of numbers"),
    "labels": (replace(GOOD, values=np.array(["a", "b", "c"])), "1-D array of numbers"),
    "unsorted": (replace(GOOD, values=np.array([2.0, 1.0, 3.0])), "strictly increasing"),
    "repeated_value": (replace(GOOD, values=np.array([1.0, 1.0, 3.0])), "strictly increasing"),
    "nan_value": (replace(GOOD, values=np.array([1.0, np.nan, 3.0])), "finite"),
    "inf_value": (replace(GOOD, values=np.array([1.0, 2.0, np.inf])), "finite"),
    "weights_too_few": (replace(GOOD, weights=np.array([1, 1])), "one per value"),
    "float_weights": (replace(GOOD, weights=np.array([1.0, 1.0, 1.0])), "must be integers"),
    "zero_weight": (replace(GOOD, weights=np.array([1, 0, 1])), "weights must be >= 1"),
    "error_above_one": (replace(GOOD, error=1.5), "error must be a CDF error in [0, 1]"),
    "negative_std": (replace(GOOD, std=-1.0), "std must be >= 0 or None"),
    "nan_span": (replace(GOOD, span=math.nan), "span must be >= 0 or None"),
}


@pytest.mark.parametrize("case", BAD_SAMPLES)
def test_a_malformed_weighted_sample_is_an_input_error_naming_method_and_side(case: str) -> None:
    sample, message = BAD_SAMPLES[case]
    with pytest.raises(InputError, match=r"^ks: current .*") as caught:
        stats.get("ks").from_sketches(GOOD, sample)
    assert message in str(caught.value)


BAD_MOMENTS: dict[str, tuple[Any, str]] = {
    "not_moments": ((3, 0.0, 1.0), "must be Moments; got tuple"),
    "negative_n": (Moments(-1, 0.0, 1.0), "n must be an integer >= 0"),
    "boolean_n": (Moments(True, 0.0, 1.0), "n must be an integer >= 0"),
    "nan_mean": (Moments(3, math.nan, 1.0), "mean must be finite"),
    "negative_m2": (Moments(3, 0.0, -1.0), "m2 must be >= 0"),
    "nan_m2": (Moments(3, 0.0, math.nan), "m2 must be >= 0"),
    "m2_past_float64": (Moments(3, 0.0, math.inf), "too large for moments to hold"),
}


@pytest.mark.parametrize("case", BAD_MOMENTS)
def test_malformed_moments_are_an_input_error_naming_method_and_side(case: str) -> None:
    moments, message = BAD_MOMENTS[case]
    with pytest.raises(InputError, match=r"^t_test: (the )?reference") as caught:
        stats.get("t_test").from_moments(moments, Moments(3, 0.0, 1.0))
    assert message in str(caught.value)


def test_exact_weighted_sample_counts_ties() -> None:
    sample = WeightedSample.of([3.0, 1.0, 3.0, 3.0])
    assert sample.values.tolist() == [1.0, 3.0]
    assert sample.weights.tolist() == [1, 3]
    assert (sample.n, sample.error, sample.std, sample.span) == (4, 0.0, None, None)


def test_moments_of_a_constant_sample_are_exact_and_of_huge_values_keep_a_finite_mean() -> None:
    assert Moments.of([0.1, 0.1, 0.1]) == Moments(3, 0.1, 0.0)
    assert Moments.of([]) == Moments(0, 0.0, 0.0)
    # rescaled past 2**500: m2 = 2 * (2**510)**2 is still a float64, computed exactly
    assert Moments.of([-(2.0**510), 2.0**510]) == Moments(2, 0.0, 2.0**1021)
    wide = Moments.of([-1e300, 1e300])
    assert wide.mean == 0.0
    assert wide.m2 == math.inf


def test_methods_that_run_without_raw_values() -> None:
    # the engine offers exactly these from profiles (binned ones on histogram counts)
    without = {name for name in stats.available() if not stats.get(name).needs_raw_values}
    numeric = {name for name in stats.available() if NUMERIC in stats.get(name).kinds}
    binned = {"psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity"}
    assert without & numeric == binned | {"ks", "wasserstein", "t_test"}
    assert {name for name in stats.available() if stats.get(name).binned} == binned
    assert {n for n in stats.available() if stats.get(n).sketch_kernel} == {"ks", "wasserstein"}
    assert {n for n in stats.available() if stats.get(n).moments_kernel} == {"t_test"}


def test_a_method_without_a_sketch_or_moments_kernel_says_it_needs_raw_values() -> None:
    with pytest.raises(InputError) as caught:
        stats.get("cramer_von_mises").from_sketches(GOOD, OTHER)
    assert str(caught.value) == (
        "cramer_von_mises: needs the raw values, which a profile does not keep"
    )
    with pytest.raises(InputError, match=r"^ks: needs the raw values, which a profile"):
        stats.get("ks").from_moments(Moments(3, 0.0, 1.0), Moments(3, 0.0, 1.0))


def test_a_binned_method_points_to_from_counts_and_a_categorical_one_is_a_config_error() -> None:
    with pytest.raises(InputError, match=r"^psi: tests numbers by their counts .* from_counts"):
        stats.get("psi").from_sketches(GOOD, OTHER)
    with pytest.raises(ConfigError, match=r"^chi2: from_moments needs a numeric method"):
        stats.get("chi2").from_moments(Moments(3, 0.0, 1.0), Moments(3, 0.0, 1.0))


@pytest.mark.parametrize("name", ["ks", "wasserstein"])
def test_weighted_samples_of_one_and_the_same_value_never_drift(name: str) -> None:
    one = WeightedSample(np.array([5.0]), np.array([40]), error=0.01)
    res = stats.get(name).from_sketches(one, replace(one, weights=np.array([7])))
    assert not res.drifted
    assert res.statistic == 0.0
    assert res.details["note"] == stats.registry.CONSTANT_NOTE
    assert (res.details["n_reference"], res.details["n_current"]) == (40, 7)


def test_an_empty_weighted_sample_names_its_side() -> None:
    empty = WeightedSample(np.zeros(0), np.zeros(0, dtype=np.int64))
    with pytest.raises(InputError, match=r"^ks: current sample is empty"):
        stats.get("ks").from_sketches(GOOD, empty)


def test_sketch_ks_states_its_error_bound_and_the_ranges_it_implies() -> None:
    ref, cur = replace(GOOD, error=0.01), replace(OTHER, error=0.02)
    res = stats.get("ks").from_sketches(ref, cur, threshold=0.1)
    assert res.threshold == 0.1
    assert res.details["approximate"] is True
    assert res.details["error_bound"] == pytest.approx(0.03)
    low, high = res.details["statistic_range"]
    assert low == pytest.approx(res.statistic - 0.03)
    assert high == pytest.approx(res.statistic + 0.03)
    p_low, p_high = res.details["p_value_range"]
    assert p_low <= res.p_value <= p_high


def test_sketch_wasserstein_divides_by_the_exact_std_when_given() -> None:
    method = stats.get("wasserstein")
    computed = method.from_sketches(GOOD, OTHER)
    given = method.from_sketches(replace(GOOD, std=2.0), OTHER)
    assert given.statistic == computed.details["unscaled"] / 2.0
    assert given.details["reference_std"] == 2.0
    constant_std = method.from_sketches(replace(GOOD, std=0.0), OTHER)
    assert constant_std.statistic == computed.details["unscaled"]  # divided by 1


def test_sketch_wasserstein_bound_uses_the_widest_known_range() -> None:
    ref, cur = replace(GOOD, error=0.01, span=10.0), replace(OTHER, error=0.01)
    res = stats.get("wasserstein").from_sketches(ref, cur)
    assert res.details["error_bound"] == pytest.approx(0.02 * 10.0 / res.details["reference_std"])


def test_sketch_wasserstein_refuses_a_variance_past_float64() -> None:
    with pytest.raises(InputError, match=r"^wasserstein: the reference's variance is too large"):
        stats.get("wasserstein").from_sketches(replace(GOOD, std=math.inf), OTHER)


def test_moments_need_two_values_per_side_for_t_test() -> None:
    with pytest.raises(InputError) as caught:
        stats.get("t_test").from_moments(Moments(1, 0.0, 0.0), Moments(5, 1.0, 2.0))
    assert str(caught.value) == (
        "t_test: needs at least 2 values in each sample; the reference has 1"
    )


def test_moments_of_equal_constant_samples_never_drift() -> None:
    res = stats.get("t_test").from_moments(Moments(4, 2.5, 0.0), Moments(9, 2.5, 0.0))
    assert (res.statistic, res.p_value, res.drifted) == (0.0, 1.0, False)
    assert res.details["note"] == stats.registry.CONSTANT_NOTE
    # the same as the raw path gives
    assert stats.t_test([2.5] * 4, [2.5] * 9).details["note"] == res.details["note"]


def test_moments_of_different_constant_samples_are_undefined_for_t_test() -> None:
    with pytest.raises(InputError, match=r"^t_test: undefined when both samples have zero var"):
        stats.get("t_test").from_moments(Moments(4, 2.5, 0.0), Moments(9, 3.0, 0.0))


def test_from_moments_checks_threshold_and_parameters_like_every_entry_point() -> None:
    method = stats.get("t_test")
    ref, cur = Moments(4, 0.0, 3.0), Moments(4, 1.0, 3.0)
    with pytest.raises(ConfigError, match=r"^t_test: parameter 'threshold'"):
        method.from_moments(ref, cur, threshold=2.0)
    with pytest.raises(ConfigError, match=r"^t_test: unknown parameter 'n_bins'"):
        method.from_moments(ref, cur, n_bins=3)
    assert method.from_moments(ref, cur, threshold=0.5).threshold == 0.5


def _kernel(r: Any, c: Any) -> Outcome:
    return Outcome(0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sketch_kernel": _kernel}, "sketch_kernel is for a method that tests 'numeric'"),
        ({"moments_kernel": _kernel}, "moments_kernel is for a method that tests 'numeric'"),
        ({"binned": True}, "binned is for a method that tests 'numeric'"),
    ],
    ids=["sketch_kernel", "moments_kernel", "binned"],
)
def test_kernels_for_numbers_on_a_categorical_method_are_config_errors(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Method("labels", frozenset({CATEGORICAL}), True, 0.1, "", counts_kernel=_kernel, **kwargs)


def test_a_binned_method_declares_counts_and_n_bins() -> None:
    with pytest.raises(ConfigError, match="a binned method needs a counts_kernel and 'n_bins'"):
        Method("bins", frozenset({NUMERIC}), True, 0.1, "", numeric_kernel=_kernel, binned=True)
