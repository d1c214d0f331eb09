"""ADWIN against River's, value by value and in bulk (the conformance suite runs over every
registered detector in test_conformance.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.detectors.adwin import ADWIN
from driftscope.errors import ConfigError, InputError

river_drift = pytest.importorskip("river.drift")

SETTINGS = {
    "defaults": {},
    "every_value": {"clock": 1},
    "small_buckets": {"clock": 7, "max_buckets": 2, "min_window_length": 1, "grace_period": 0},
    "loose": {"delta": 0.1, "clock": 4, "max_buckets": 3, "min_window_length": 10},
}


def _river(values: Any, **params: Any) -> tuple[list[int], Any]:
    detector = river_drift.ADWIN(**params)
    found = []
    for i, x in enumerate(values):
        detector.update(float(x))
        if detector.drift_detected:
            found.append(i)
    return found, detector


def _one_by_one(values: Any, **params: Any) -> tuple[list[int], ADWIN]:
    detector = ADWIN(**params)
    found = [i for i, x in enumerate(values) if detector.update(float(x)).drift_detected]
    return found, detector


def _gaussian_shifts(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    means = rng.normal(0.0, 1.0, 6)
    return np.concatenate([rng.normal(mean, 1.0, 1500) for mean in means])


def _error_rates(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rates = np.repeat(rng.uniform(0.05, 0.6, 5), 2000)
    return (rng.random(len(rates)) < rates).astype(np.float64)


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("make", [_gaussian_shifts, _error_rates], ids=["gaussian", "errors"])
def test_signals_where_rivers_does(
    make: Callable[[int], np.ndarray], seed: int, setting: str
) -> None:
    values = make(seed)
    params = SETTINGS[setting]
    expected, river = _river(values, **params)
    singles, one = _one_by_one(values, **params)
    bulk = ADWIN(**params)
    assert bulk.update_many(values) == singles == expected
    assert expected  # the streams change: the comparison is not of empty lists
    assert bulk.state() == one.state()
    assert bulk.width == river.width
    assert bulk.estimation == river.estimation
    assert bulk.variance == river.variance / river.width


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=300),
    setting=st.sampled_from(sorted(SETTINGS)),
    jump=st.floats(-50.0, 50.0),
)
def test_agrees_with_river_on_short_streams(values: list[float], setting: str, jump: float) -> None:
    stream = np.array(values)
    stream[len(stream) // 2 :] += jump
    params = SETTINGS[setting]
    expected, _ = _river(stream, **params)
    assert ADWIN(**params).update_many(stream) == expected
    assert _one_by_one(stream, **params)[0] == expected


def test_cuts_decided_by_scalar_arithmetic_agree_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a border as wide as the bounds, every check with a cut anywhere near its bound
    goes through the scalar decision that settles the borderline cases (of the numpy path
    that update_many takes without numba)."""
    from driftscope.detectors import _adwin_numpy, _jit

    monkeypatch.setattr(_jit, "ENABLED", False)
    monkeypatch.setattr(_adwin_numpy, "BORDER", 0.9)
    for seed in range(3):
        values = _gaussian_shifts(seed)
        assert ADWIN(clock=3).update_many(values) == _river(values, clock=3)[0]


def test_integer_and_boolean_streams_are_numbers() -> None:
    values = _error_rates(5)
    expected = ADWIN().update_many(values)
    assert ADWIN().update_many(values.astype(np.int64)) == expected
    assert ADWIN().update_many(values.astype(bool).tolist()) == expected


def test_the_window_reads_as_rivers_after_every_value() -> None:
    """width, estimation and variance (River's sum of squares over the width) agree after
    every value, the shrunk window right after a drift included."""
    values = _gaussian_shifts(7)[:4000]
    ours, river = ADWIN(clock=8), river_drift.ADWIN(clock=8)
    for x in values:
        ours.update(float(x))
        river.update(float(x))
        assert ours.drift_detected == river.drift_detected
        assert (ours.width, ours.estimation) == (river.width, river.estimation)
        assert ours.variance == (river.variance / river.width if river.width else 0.0)


@pytest.mark.parametrize("cuts", [[1], [37, 38, 500], [4999]])
def test_bulk_in_pieces_equals_bulk_at_once(cuts: list[int]) -> None:
    """update_many continues any window (a detector mid-stream, or one that just drifted)."""
    values = _gaussian_shifts(3)[:5000]
    whole = ADWIN(clock=5)
    expected = whole.update_many(values)
    pieces = ADWIN(clock=5)
    found = []
    for start, end in zip([0, *cuts], [*cuts, len(values)], strict=True):
        found += [start + i for i in pieces.update_many(values[start:end])]
    assert found == expected
    assert pieces.state() == whole.state()


def test_a_restored_drifting_detector_restarts_at_the_next_value() -> None:
    values = _gaussian_shifts(1)
    first = ADWIN()
    at = first.update_many(values)[0]
    detector = ADWIN()
    detector.update_many(values[: at + 1])
    assert detector.drift_detected
    assert 0 < detector.width < at + 1  # the shrunk window, as River shows it
    restored = ADWIN.from_state(detector.state())
    restored.update(1.0)
    assert (restored.width, restored.estimation) == (1, 1.0)


def test_bad_values_in_bulk_behave_as_one_by_one() -> None:
    values: list[object] = [*_gaussian_shifts(2)[:3000].tolist()]
    values[1234] = float("nan")
    values[2000] = float("inf")
    skipping = ADWIN(on_invalid="skip")
    one = ADWIN(on_invalid="skip")
    singles = [i for i, x in enumerate(values) if one.update(x).drift_detected]
    assert skipping.update_many(values) == singles
    assert skipping.state() == one.state()
    assert skipping.n_seen == 2998
    raising = ADWIN()
    with pytest.raises(InputError, match="index 1234"):
        raising.update_many(values)
    assert raising.n_seen == 1234
    with pytest.raises(InputError, match="index 1"):
        ADWIN().update_many([0.0, None, 1.0])


def test_one_bucket_per_row_is_refused() -> None:
    """River accepts max_buckets=1, and its core then fails at the first cut."""
    with pytest.raises(ConfigError, match="adwin: parameter 'max_buckets' must be an integer >= 2"):
        ADWIN(max_buckets=1)


def test_a_constant_stream_keeps_its_whole_window() -> None:
    detector = ADWIN(clock=1, grace_period=0, min_window_length=1)
    assert detector.update_many(np.full(3000, 2.5)) == []
    assert (detector.width, detector.estimation, detector.variance) == (3000, 2.5, 0.0)


def test_signals_where_rivers_does_on_a_long_stream() -> None:
    """A million values, the mean moving a little every 10,000: windows of every length."""
    rng = np.random.default_rng(11)
    values = rng.normal(0.0, 1.0, 1_000_000) + np.repeat(rng.normal(0, 0.3, 100), 10_000)
    assert ADWIN().update_many(values) == _river(values)[0]
