"""Every registered method passes every conformance check; the checks themselves can fail."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np
import pytest

from driftscope import stats
from driftscope.stats import Method, Outcome
from driftscope.stats._params import integer
from driftscope.stats.registry import BINARY, CATEGORICAL, NUMERIC, Moments, WeightedSample
from driftscope.testing import CHECKS, check_method
from driftscope.testing.checks import (
    check_binned_counts_match_sorted,
    check_counts_batch_matches_kernel,
    check_from_moments_matches_sorted,
    check_from_sketches_matches_sorted,
    check_identical_samples_never_drift,
    check_order_does_not_matter,
    check_shifted_sample_drifts,
)


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.__name__.removeprefix("check_"))
@pytest.mark.parametrize("name", stats.available())
def test_registered_method_passes_check(name: str, check: Callable[[Method], None]) -> None:
    check(stats.get(name))


def test_every_method_of_the_spec_is_registered() -> None:
    spec = {
        "ks", "psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity", "wasserstein",
        "energy", "chi2", "g_test", "z_proportion", "fisher_exact", "cramer_von_mises",
        "anderson_darling", "mann_whitney", "t_test", "epps_singleton", "mmd",
    }  # fmt: skip
    assert spec <= set(stats.available())


def test_every_method_is_a_plain_function_of_the_package() -> None:
    for name in stats.available():
        assert callable(getattr(stats, name)), name


def test_every_method_lives_in_a_module_named_after_it() -> None:
    for name in stats.available():
        module = importlib.import_module(f"driftscope.stats.{name}")
        assert getattr(module, name) is getattr(stats, name), name
        assert getattr(stats, name).__module__ == module.__name__, name


def _distance(name: str, kernel: Callable[..., Outcome]) -> Method:
    # Not registered: these only exist to show that the checks catch broken methods.
    return Method(name, frozenset({NUMERIC}), True, 0.1, "broken on purpose", kernel)


def test_checks_catch_a_method_that_never_drifts() -> None:
    never = _distance("never", lambda r, c: Outcome(0.0))
    with pytest.raises(AssertionError, match="never: missed a clear shift"):
        check_shifted_sample_drifts(never)


def test_checks_catch_a_method_that_always_drifts() -> None:
    always = _distance("always", lambda r, c: Outcome(1.0))
    with pytest.raises(AssertionError, match="always: identical samples drifted"):
        check_identical_samples_never_drift(always)


def test_checks_catch_a_method_whose_result_is_not_reproducible() -> None:
    # An unseeded random draw, as in a permutation test that forgot its seed.
    def unseeded(r: np.ndarray, c: np.ndarray) -> Outcome:
        return Outcome(float(np.random.default_rng().random()))

    with pytest.raises(AssertionError, match="changed with order"):
        check_order_does_not_matter(_distance("unseeded", unseeded))


def test_check_method_runs_all_checks_on_a_correct_custom_method() -> None:
    def mean_gap(r: np.ndarray, c: np.ndarray) -> Outcome:
        return Outcome(abs(float(np.mean(c)) - float(np.mean(r))))

    check_method(_distance("mean_gap", mean_gap))


def _mean_gap(r: np.ndarray, c: np.ndarray) -> Outcome:
    return Outcome(abs(float(np.mean(c)) - float(np.mean(r))))


def test_checks_catch_a_sketch_kernel_that_ignores_the_weights() -> None:
    # right while every weight is 1; the check's tied pair (weights > 1) shows it up
    def unweighted(r: WeightedSample, c: WeightedSample) -> Outcome:
        gap = abs(float(np.mean(c.values)) - float(np.mean(r.values)))
        return Outcome(gap, None, {"approximate": False})

    method = Method("mean_gap", frozenset({NUMERIC}), True, 0.1, "", _mean_gap, None, unweighted)
    with pytest.raises(AssertionError, match="mean_gap: from_sketches statistic differs"):
        check_from_sketches_matches_sorted(method)


def test_checks_catch_a_sketch_kernel_that_does_not_say_how_approximate_it_is() -> None:
    def weighted(r: WeightedSample, c: WeightedSample) -> Outcome:
        means = [float(np.dot(s.values, s.weights)) / s.n for s in (r, c)]
        return Outcome(abs(means[1] - means[0]), None, {})

    method = Method("mean_gap", frozenset({NUMERIC}), True, 0.1, "", _mean_gap, None, weighted)
    with pytest.raises(AssertionError, match="mean_gap: exact input approximate"):
        check_from_sketches_matches_sorted(method)


def test_checks_catch_a_moments_kernel_with_the_wrong_variance() -> None:
    def biased(r: Moments, c: Moments) -> Outcome:
        spread = r.m2 / r.n**2 + c.m2 / c.n**2  # ddof=0 where Welch divides by n - 1
        return Outcome((r.mean - c.mean) / spread**0.5, 0.5)

    def welch(r: np.ndarray, c: np.ndarray) -> Outcome:
        spread = np.var(r, ddof=1) / r.size + np.var(c, ddof=1) / c.size
        return Outcome(float((np.mean(r) - np.mean(c)) / spread**0.5), 0.5)

    method = Method("welch", frozenset({NUMERIC}), False, 0.05, "", welch, moments_kernel=biased)
    with pytest.raises(AssertionError, match="welch: from_moments statistic differs"):
        check_from_moments_matches_sorted(method)


def test_checks_catch_a_binned_method_whose_numbers_use_other_bins() -> None:
    def share_gap(r: np.ndarray, c: np.ndarray, *, n_bins: int) -> Outcome:
        return Outcome(float(abs(r[0] / r.sum() - c[0] / c.sum())))

    def on_halves(r: np.ndarray, c: np.ndarray, *, n_bins: int) -> Outcome:
        del n_bins  # wrong on purpose: always two bins at the reference median
        median = np.median(r)
        return share_gap(
            np.array([np.sum(r < median), np.sum(r >= median)]),
            np.array([np.sum(c < median), np.sum(c >= median)]),
            n_bins=2,
        )

    method = Method(
        "halves",
        frozenset({NUMERIC, CATEGORICAL, BINARY}),
        True,
        0.1,
        "",
        on_halves,
        share_gap,
        binned=True,
        params={"n_bins": integer(10, minimum=2)},
    )
    with pytest.raises(AssertionError, match="halves: from_counts on its bins differs"):
        check_binned_counts_match_sorted(method)


def test_checks_catch_a_counts_batch_that_pools_the_rows() -> None:
    def first_share_gap(r: np.ndarray, c: np.ndarray) -> Outcome:
        return Outcome(float(abs(r[0] / r.sum() - c[0] / c.sum())))

    def pooled(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        # wrong on purpose: divides each row by the total of all rows
        r, c = np.broadcast_arrays(r, c)
        return np.abs(r[..., 0] / r.sum() - c[..., 0] / c.sum())

    method = Method(
        "share_gap",
        frozenset({CATEGORICAL}),
        True,
        0.1,
        "",
        counts_kernel=first_share_gap,
        counts_batch=pooled,
    )
    with pytest.raises(AssertionError, match="share_gap: counts_batch row 0 differs"):
        check_counts_batch_matches_kernel(method)
