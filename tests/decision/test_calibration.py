"""Calibrated thresholds: they hold their false-alarm rate and shrink with the sample size."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope import stats
from driftscope.decision.calibration import calibrate_counts, calibrate_sorted
from driftscope.errors import ConfigError
from driftscope.stats._binning import bin_counts, reference_edges

BINNED = ["psi", "jensen_shannon", "hellinger", "kl", "tvd", "l_infinity"]


@pytest.mark.parametrize("method", BINNED)
def test_binned_threshold_holds_its_false_alarm_rate(method: str) -> None:
    # Fresh null samples (from the population, not the reference) exceed the calibrated
    # threshold about 5% of the time; 400 trials put a binomial 99% interval around it.
    rng = np.random.default_rng(11)
    ref = np.sort(rng.normal(size=20_000))
    n = 300
    threshold = calibrate_sorted(method, ref, n, draws=400, seed=1).threshold
    scorer = stats.get(method)
    hits = sum(
        scorer.from_sorted(ref, np.sort(rng.normal(size=n))).statistic >= threshold
        for _ in range(400)
    )
    assert 5 <= hits <= 40, hits


@pytest.mark.parametrize("method", ["wasserstein", "energy"])
def test_sampled_threshold_holds_its_false_alarm_rate(method: str) -> None:
    rng = np.random.default_rng(12)
    ref = np.sort(rng.normal(size=3000))
    n = 400
    threshold = calibrate_sorted(method, ref, n, draws=300, seed=2).threshold
    scorer = stats.get(method)
    hits = sum(
        scorer.from_sorted(np.sort(rng.normal(size=3000)), np.sort(rng.normal(size=n))).statistic
        >= threshold
        for _ in range(200)
    )
    assert 1 <= hits <= 25, hits


@pytest.mark.parametrize("method", [*BINNED, "wasserstein", "energy"])
def test_threshold_shrinks_as_the_current_sample_grows(method: str) -> None:
    ref = np.sort(np.random.default_rng(13).lognormal(size=20_000))
    sizes = [100, 1_000, 10_000, 1_000_000]
    thresholds = [calibrate_sorted(method, ref, n, seed=3).threshold for n in sizes]
    assert thresholds == sorted(thresholds, reverse=True)
    assert thresholds[-1] < thresholds[0] / 5


def test_same_inputs_give_the_same_threshold() -> None:
    ref = np.sort(np.random.default_rng(14).normal(size=5_000))
    assert calibrate_sorted("psi", ref, 500, seed=9) == calibrate_sorted("psi", ref, 500, seed=9)


def test_counts_in_quantile_bins_calibrate_as_the_values_do() -> None:
    # what a profile keeps (counts in the reference's quantile bins) calibrates exactly as the
    # sorted values do; the same counts read as categories get the categories' null instead
    ref = np.sort(np.random.default_rng(15).normal(size=10_000))
    counts = bin_counts(ref, reference_edges(ref, 10))
    by_counts = calibrate_counts("jensen_shannon", counts, 700, seed=4, quantile_bins=True)
    by_values = calibrate_sorted("jensen_shannon", ref, 700, seed=4)
    assert by_counts == by_values
    as_categories = calibrate_counts("jensen_shannon", counts, 700, seed=4)
    assert as_categories.threshold != by_values.threshold


def test_scaled_calibration_says_so() -> None:
    ref = np.sort(np.random.default_rng(16).normal(size=20_000))
    assert calibrate_sorted("wasserstein", ref, 100_000, draws=20).scaled
    assert not calibrate_sorted("wasserstein", ref[:1000], 500, draws=20).scaled
    assert not calibrate_sorted("psi", ref, 100_000, draws=20).scaled


@pytest.mark.parametrize("rate", [0.0, 0.6, -0.1])
def test_false_alarm_rate_outside_its_range_is_a_config_error(rate: float) -> None:
    with pytest.raises(ConfigError, match="false_alarm_rate"):
        calibrate_counts("psi", np.array([5, 5]), 10, false_alarm_rate=rate)
