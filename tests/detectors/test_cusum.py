"""CUSUM against Montgomery's run lengths (Table 9.3: k=0.5, h=5), its directions
and its estimated standardisation (the conformance suite: test_conformance.py)."""

from __future__ import annotations

import numpy as np
import pytest

from driftscope.detectors.cusum import CUSUM
from driftscope.errors import ConfigError

KNOWN = {"target_mean": 0.0, "target_std": 1.0}


def _mean_run_length(detector: CUSUM, values: np.ndarray) -> tuple[float, int]:
    """The mean distance between signals (the chart restarts at each, from zero) and how
    many runs that mean is over."""
    found = detector.update_many(values)
    runs = np.diff([-1, *found])
    return float(runs.mean()), runs.size


def test_in_control_run_length_is_montgomerys_465() -> None:
    # About 1,000 runs: the mean's standard error is about 465 / sqrt(1000) = 15 (3%), so a
    # band of 10% holds a correct chart and refuses one whose h is off by 0.5 (below).
    values = np.random.default_rng(0).normal(0.0, 1.0, 480_000)
    arl, runs = _mean_run_length(CUSUM(**KNOWN), values)
    assert runs > 900
    assert arl == pytest.approx(465, rel=0.10)


@pytest.mark.parametrize("h", [4.5, 5.5])
def test_the_band_refuses_a_decision_interval_off_by_half(h: float) -> None:
    values = np.random.default_rng(0).normal(0.0, 1.0, 200_000)
    arl, _ = _mean_run_length(CUSUM(h=h, **KNOWN), values)
    assert arl != pytest.approx(465, rel=0.10)


@pytest.mark.parametrize(("shift", "expected"), [(0.5, 38.0), (1.0, 10.4), (2.0, 4.01)])
def test_run_length_after_a_shift_is_montgomerys(shift: float, expected: float) -> None:
    # At least 3,500 runs: the standard error is under 1.5% of the mean, the band 5%.
    values = np.random.default_rng(1).normal(shift, 1.0, 150_000)
    arl, runs = _mean_run_length(CUSUM(**KNOWN), values)
    assert runs > 3500
    assert arl == pytest.approx(expected, rel=0.05)


def test_each_mode_watches_its_own_direction() -> None:
    rng = np.random.default_rng(2)
    falling = np.r_[rng.normal(0, 1, 300), rng.normal(-1.5, 1, 300)]
    rising = -falling
    assert [i for i in CUSUM(mode="up", **KNOWN).update_many(falling) if i >= 300] == []
    assert [i for i in CUSUM(mode="down", **KNOWN).update_many(rising) if i >= 300] == []
    for mode, stream in (("down", falling), ("up", rising), ("both", falling), ("both", rising)):
        assert CUSUM(mode=mode, **KNOWN).update_many(stream)[0] in range(300, 330)


def test_one_side_runs_twice_as_long_in_control() -> None:
    values = np.random.default_rng(3).normal(0.0, 1.0, 400_000)
    arl, _ = _mean_run_length(CUSUM(mode="up", **KNOWN), values)
    assert arl == pytest.approx(930, rel=0.15)


@pytest.mark.parametrize("seed", range(3))
def test_estimated_standardisation_makes_the_scale_irrelevant(seed: int) -> None:
    values = np.random.default_rng(seed).normal(0.0, 1.0, 5000)
    # Scaling by a power of two is exact, so the two charts see the same z to the bit.
    assert CUSUM().update_many(values * 4.0) == CUSUM().update_many(values)
    std_estimated = CUSUM(target_mean=0.0)
    assert std_estimated.update_many(values * 4.0) == CUSUM(target_mean=0.0).update_many(values)


def test_a_drift_starts_a_new_estimate() -> None:
    rng = np.random.default_rng(2)
    values = np.r_[rng.normal(0, 1, 200), rng.normal(3, 1, 2000)]
    chart = CUSUM(warmup=50)
    assert chart.update_many(values[:230]) == [202]
    assert chart.state()["state"]["_n"] == 27  # values 203 to 229 begin the next warmup
    # Estimated afresh from the shifted values, the chart takes them as the new normal.
    assert chart.update_many(values[230:]) == []


def test_a_constant_warmup_makes_any_other_value_a_drift() -> None:
    chart = CUSUM(warmup=5)
    assert chart.update_many([2.0] * 40) == []
    assert chart.update(2.5).drift_detected


def test_arl0_chooses_h_by_siegmunds_approximation() -> None:
    assert CUSUM(arl0=465).decision_interval == pytest.approx(4.99, abs=0.01)
    assert CUSUM(arl0=930, mode="up").decision_interval == pytest.approx(4.99, abs=0.01)
    assert CUSUM().decision_interval == 5.0
    assert CUSUM(h=3).decision_interval == 3.0
    values = np.random.default_rng(5).normal(0.0, 1.0, 200_000)
    arl, _ = _mean_run_length(CUSUM(arl0=200, **KNOWN), values)
    assert arl == pytest.approx(200, rel=0.10)


def test_h_and_arl0_together_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"^cusum: parameter 'arl0' must be None when h"):
        CUSUM(h=4, arl0=500)


def test_an_arl0_no_interval_reaches_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"^cusum: parameter 'arl0' must be > 1.04"):
        CUSUM(arl0=1.01)
