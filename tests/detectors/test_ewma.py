"""The EWMA error-rate chart: its run length without drift is the arl0 it was calibrated for,
it finds a rise in the error rate quickly, it ignores a fall (the conformance suite:
test_conformance.py); its signals are the formula's, computed here without the detector."""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope.detectors.ewma import EWMA, calibrate


def _errors(rate: float, n: int, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random(n) < rate).astype(np.float64)


def _mean_run_length(chart: EWMA, values: np.ndarray) -> tuple[float, int]:
    """The mean distance between signals (with p0 given the chart restarts at each, from
    Z = p0) and how many runs that mean is over."""
    runs = np.diff([-1, *chart.update_many(values)])
    return float(runs.mean()), runs.size


@pytest.mark.parametrize(("p0", "lambda_"), [(0.05, 0.2), (0.1, 0.2), (0.1, 0.1), (0.3, 0.2)])
def test_in_control_run_length_is_arl0(p0: float, lambda_: float) -> None:
    # About 1,000 runs: the measured mean's standard error is about 3%, the calibration's
    # (1,000 simulated runs) as much again; a band of 15% is over three of both together.
    arl, runs = _mean_run_length(EWMA(p0=p0, lambda_=lambda_, arl0=100), _errors(p0, 100_000, 7))
    assert runs > 850
    assert arl == pytest.approx(100, rel=0.15)


def test_the_band_refuses_a_chart_calibrated_for_twice_the_run_length() -> None:
    arl, _ = _mean_run_length(EWMA(p0=0.1, arl0=200), _errors(0.1, 100_000, 7))
    assert arl != pytest.approx(100, rel=0.15)
    assert arl == pytest.approx(200, rel=0.15)


def test_a_rise_from_a_tenth_to_three_tenths_is_found_within_about_25_values() -> None:
    # From the start of each run (Z = p0 = 0.1) on a stream whose rate is 0.3: the delay.
    delays = np.diff([-1, *EWMA(p0=0.1).update_many(_errors(0.3, 50_000, 8))])
    assert delays.mean() < 32
    assert np.median(delays) <= 22


def test_with_p0_estimated_the_rise_is_found_after_the_warmup() -> None:
    rng = np.random.default_rng(9)
    values = (rng.random(1500) < np.r_[np.full(1000, 0.1), np.full(500, 0.3)]).astype(int)
    found = EWMA().update_many(values)
    assert [i for i in found if 1000 <= i < 1100]


def test_a_fall_in_the_error_rate_is_not_drift() -> None:
    assert EWMA(p0=0.3).update_many(_errors(0.05, 20_000, 10)) == []


def test_warnings_come_before_drift_and_can_be_switched_off() -> None:
    values = _errors(0.3, 2000, 11)
    chart, silent = EWMA(p0=0.1), EWMA(p0=0.1, warning=None)
    warned, drifted = [], []
    for i, x in enumerate(values):
        silent.update(x)
        assert not silent.warning_detected
        chart.update(x)
        assert not (chart.warning_detected and chart.drift_detected)
        if chart.warning_detected:
            warned.append(i)
        if chart.drift_detected:
            drifted.append(i)
    assert len(warned) > len(drifted) > 0
    assert warned[0] < drifted[0]


def test_signals_are_the_formulas() -> None:
    """The chart's definition written out here: Z from p0, sigma_t, drift above p0 + L
    sigma_t, and back to the start."""
    p0, lam, arl0 = 0.2, 0.15, 150.0
    values = _errors(0.25, 20_000, 12)
    limit = calibrate(p0, lam, arl0, 1000, 0)
    expected, z, t = [], p0, 0
    for i, x in enumerate(values):
        t += 1
        z = lam * x + (1 - lam) * z
        sigma = math.sqrt(p0 * (1 - p0) * lam / (2 - lam) * (1 - (1 - lam) ** (2 * t)))
        if z > p0 + limit * sigma:
            expected.append(i)
            z, t = p0, 0
    found = EWMA(p0=p0, lambda_=lam, arl0=arl0).update_many(values)
    assert found == expected
    assert len(found) > 10


def test_estimated_p0_stays_half_an_error_from_0_and_1() -> None:
    quiet, failing = EWMA(warmup=50), EWMA(warmup=50)
    quiet.update_many([0] * 50)
    failing.update_many([1] * 50)
    assert quiet.p0 == 0.01
    assert failing.p0 == 0.99
    # p0 = 0 would make every error drift; with 0.01 one error is drift only while the
    # time-varying limit is still narrow (the first few values), not once it has widened.
    assert quiet.update_many([0] * 10 + [1]) == []


def test_the_calibration_is_seeded_and_cached() -> None:
    first = calibrate(0.1, 0.2, 100.0, 1000, 0)
    assert calibrate(0.1, 0.2, 100.0, 1000, 0) == first
    other = calibrate(0.1, 0.2, 100.0, 1000, 1)
    assert other == pytest.approx(first, abs=0.1)
    assert calibrate.cache_info().hits >= 1
