"""WindowKS: its distance is scipy's KS statistic, its run length without drift is the arl0 it
was calibrated for, it finds a 1 sd shift within about a window, and its own contract."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import ks_2samp

from driftscope.detectors.window_ks import WindowKS, _distance, calibrate
from driftscope.errors import ConfigError


def _run_lengths(detector: WindowKS, values: np.ndarray) -> list[int]:
    """Values after each reference until the signal that ended it."""
    n = detector.params["reference_size"]
    found = detector.update_many(values)
    return [end - start - n for start, end in zip([-1, *found[:-1]], found, strict=True)]


samples = st.lists(st.integers(-3, 3), min_size=1, max_size=60) | st.lists(
    st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60
)


@settings(max_examples=200, deadline=None)
@given(reference=samples, window=samples)
def test_the_distance_is_the_ks_statistic_ties_included(
    reference: list[float], window: list[float]
) -> None:
    """Against the definition: the largest gap between the two empirical distribution
    functions over the pooled values."""
    ref, win = np.sort(np.array(reference, float)), np.sort(np.array(window, float))
    pooled = np.concatenate([ref, win])
    gaps = [abs(np.mean(ref <= z) - np.mean(win <= z)) for z in pooled]
    assert _distance(ref, win) / (ref.size * win.size) == pytest.approx(max(gaps), abs=1e-12)


def test_the_distance_is_scipys() -> None:
    rng = np.random.default_rng(0)
    ref, win = np.sort(rng.normal(0, 1, 500)), np.sort(rng.normal(0.3, 1, 100))
    assert _distance(ref, win) / 50_000 == ks_2samp(ref, win).statistic


def test_the_run_length_without_drift_is_arl0() -> None:
    """arl0 = 500 on N(0, 1): 400,000 values give about 400 runs, whose mean is within the
    calibration's grid step and simulation error (measured: 494)."""
    lengths = _run_lengths(WindowKS(arl0=500), np.random.default_rng(1).normal(0, 1, 400_000))
    assert len(lengths) > 300
    assert 0.8 * 500 < np.mean(lengths) < 1.3 * 500


@pytest.mark.slow
@pytest.mark.parametrize(
    "params",
    [{"reference_size": 200, "window_size": 50, "stride": 5, "arl0": 500}, {"arl0": 2000}],
    ids=["small_windows", "arl0_2000"],
)
def test_the_run_length_without_drift_is_arl0_in_other_settings(params: dict[str, int]) -> None:
    """Measured: 584 (grid step 1/200 makes it long) and 2,293 (about 140 runs)."""
    lengths = _run_lengths(WindowKS(**params), np.random.default_rng(1).normal(0, 1, 400_000))
    assert 0.8 * params["arl0"] < np.mean(lengths) < 1.3 * params["arl0"]


def test_ties_make_the_run_length_longer_not_shorter() -> None:
    """Poisson(3) values, mostly ties: the continuous calibration is conservative (measured
    mean run length 1,800 for arl0 = 500)."""
    values = np.random.default_rng(1).poisson(3, 200_000).astype(float)
    assert np.mean(_run_lengths(WindowKS(arl0=500), values)) > 500


def test_a_1_sd_shift_is_found_within_about_a_window() -> None:
    """20 seeded N(0, 1) streams whose mean rises by 1 sd at index 1500 (the defaults: a
    window of 100, arl0 10,000). Measured: 16 streams without a false alarm before the
    change (about 1 in 10 has one in 1,000 values), delays 29 to 59 values, median 39."""
    delays = []
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        found = WindowKS().update_many(np.r_[rng.normal(0, 1, 1500), rng.normal(1, 1, 500)])
        if found and found[0] >= 1500:  # no false alarm (and with it a new reference) before
            delays.append(found[0] - 1500)
    assert len(delays) >= 14
    assert np.median(delays) <= 60
    assert max(delays) <= 120


def test_a_shift_in_discrete_values_is_found() -> None:
    rng = np.random.default_rng(4)
    values = np.r_[rng.poisson(3, 1000), rng.poisson(4.5, 500)].astype(float)
    found = WindowKS(arl0=1000).update_many(values)
    assert found
    assert 1000 <= found[0] < 1000 + 100


def test_after_a_signal_the_next_values_are_the_new_reference() -> None:
    rng = np.random.default_rng(0)
    values = np.r_[rng.normal(0, 1, 2000), rng.normal(1, 1, 1000)]
    first = WindowKS().update_many(values)[0]
    detector = WindowKS()
    assert detector.update_many(values[: first + 1]) == [first]
    assert detector.update_many(values[first + 1 : first + 500]) == []
    assert detector._reference.size == 0
    assert len(detector._filling) == 499


def test_a_state_saved_while_the_reference_fills_continues_exactly() -> None:
    values = np.random.default_rng(2).normal(0, 1, 3000)
    first = WindowKS(arl0=500)
    first.update_many(values[:300])
    second = WindowKS.from_state(json.loads(json.dumps(first.state())))
    assert first.update_many(values[300:]) == second.update_many(values[300:])
    assert first.state() == second.state()


def test_the_calibration_is_seeded_and_kept() -> None:
    assert calibrate(500, 100, 10, 10_000) == 9700  # the docstring's threshold 0.194
    assert WindowKS().threshold == 0.194


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stride": 101}, "'stride' must be at most window_size = 100"),
        ({"arl0": 150}, "'arl0' must be at least 2 \\* window_size = 200"),
        ({"window_size": 5}, "'window_size' must be an integer >= 10"),
    ],
    ids=["stride_above_window", "arl0_below_two_windows", "tiny_window"],
)
def test_bad_settings_are_refused(params: dict[str, int], message: str) -> None:
    with pytest.raises(ConfigError, match=f"window_ks: parameter {message}"):
        WindowKS(**params)
