"""FHDDM against River's, drift by drift, with River's input flipped (its ones are right
predictions), and its own contract."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.detectors.fhddm import FHDDM
from driftscope.errors import ConfigError, InputError
from tests.detectors._streams import RISING_RATES, Signals, errors, signals

river_binary = pytest.importorskip("river.drift.binary")

STREAMS = {
    **RISING_RATES,
    "two_rises_0.05_0.25_0.5": np.r_[np.full(1500, 0.05), np.full(1500, 0.25), np.full(1500, 0.5)],
}
SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "moa_window": {"sliding_window_size": 25},
    "loose": {"sliding_window_size": 50, "confidence_level": 0.01},
    "stacking": {"short_window_size": 20},
    "stacking_loose": {
        "sliding_window_size": 60,
        "confidence_level": 0.001,
        "short_window_size": 7,
    },
    "short_is_whole": {"sliding_window_size": 40, "short_window_size": 40},
}


def rivers(params: dict[str, Any], values: Sequence[int]) -> Signals:
    """River's FHDDM on ``values`` given as River reads them: 1 for a right prediction."""
    return signals(river_binary.FHDDM(**params), [1 - x for x in values])


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("shape", STREAMS)
@pytest.mark.parametrize("seed", range(3))
def test_drifts_where_rivers_do(shape: str, setting: str, seed: int) -> None:
    values = errors(STREAMS[shape], seed)
    params = SETTINGS[setting]
    ours = signals(FHDDM(**params), values)
    assert ours == rivers(params, values)
    assert ours[0], "the stream should make FHDDM fire"
    assert FHDDM(**params).update_many(values) == ours[0]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(0, 1), min_size=1, max_size=300),
    window=st.integers(1, 40),
    confidence_level=st.floats(1e-9, 0.99),
    short=st.one_of(st.none(), st.integers(1, 40)),
)
def test_agrees_with_river_on_any_short_stream(
    values: list[int], window: int, confidence_level: float, short: int | None
) -> None:
    params = {
        "sliding_window_size": window,
        "confidence_level": confidence_level,
        "short_window_size": None if short is None else min(short, window),
    }
    ours = signals(FHDDM(**params), values)
    assert ours == rivers(params, values)
    assert FHDDM(**params).update_many(values) == ours[0]


def test_river_given_the_error_stream_as_it_is_signals_a_falling_error_rate() -> None:
    """The input convention, pinned: River's FHDDM counts ones as successes."""
    rising, falling = [0] * 500 + [1] * 500, [1] * 500 + [0] * 500
    assert FHDDM().update_many(rising)
    assert signals(river_binary.FHDDM(), rising)[0] == []
    assert FHDDM().update_many(falling) == []
    assert signals(river_binary.FHDDM(), falling)[0]


def test_nothing_is_signalled_until_the_window_is_full_again() -> None:
    """All right, then all wrong: the first full window after each start is the earliest."""
    values = [0] * 100 + [1] * 400
    found = FHDDM(sliding_window_size=100, confidence_level=0.01).update_many(values)
    assert found[0] > 99
    assert all(b - a >= 100 for a, b in itertools.pairwise(found))


def test_after_a_drift_the_detector_starts_afresh() -> None:
    values = errors(RISING_RATES["abrupt_0.1_to_0.4"], 1)
    detector = FHDDM(short_window_size=20)
    found = detector.update_many(values)
    assert found
    assert detector.n_seen == len(values)
    restarted = FHDDM(short_window_size=20)
    restarted.update_many(values[: found[-1] + 1])
    assert restarted.state()["state"] == FHDDM(short_window_size=20).state()["state"]


@pytest.mark.parametrize("setting", ["stacking", "stacking_loose", "short_is_whole"])
def test_a_stacking_detector_restores_and_runs_in_pieces_exactly(setting: str) -> None:
    params = SETTINGS[setting]
    values = errors(STREAMS["two_rises_0.05_0.25_0.5"], 4)
    whole = FHDDM(**params)
    expected = whole.update_many(values)
    pieces, found, start = FHDDM(**params), [], 0
    for end in (0, 1, 3, 50, 1501, 1502, 3000, len(values)):
        found += [start + i for i in pieces.update_many(values[start:end])]
        if end == 1501:
            saved = json.loads(json.dumps(pieces.state(), allow_nan=False))
            pieces = FHDDM.from_state(saved)
        start = end
    assert found == expected
    assert pieces.state() == whole.state()
    one = FHDDM(**params)
    assert [i for i, x in enumerate(values) if one.update(x).drift_detected] == expected
    assert one.state() == whole.state()


def test_an_error_stream_refuses_other_values_with_their_index() -> None:
    detector = FHDDM()
    detector.update_many([0, 1, 0])
    with pytest.raises(InputError) as caught:
        detector.update(0.5)
    assert str(caught.value) == (
        "fhddm: the value at stream index 3 is 0.5; an error stream holds 0 (right) and 1 "
        "(wrong) (on_invalid='skip' skips such values)"
    )
    with pytest.raises(InputError, match="stream index 5 is 2;"):
        FHDDM().update_many([0, 1, 1, 0, 1, 2, 0])
    skipping = FHDDM(on_invalid="skip")
    assert skipping.update_many([0, -1, 1, float("nan")]) == []
    assert skipping.n_seen == 2
    # and once the window is full (update's shortest path), alike
    full = FHDDM(sliding_window_size=10)
    full.update_many([0] * 12)
    for bad, shown in ((0.5, "0.5; an error stream"), (float("inf"), "inf"), (True, None)):
        if shown is None:
            assert not full.update(bad).drift_detected  # a flag is a 0 or 1
            continue
        with pytest.raises(InputError, match=f"stream index 12 is {shown}"):
            full.update(bad)
    skipping = FHDDM(sliding_window_size=10, on_invalid="skip")
    skipping.update_many([0] * 12)
    skipping.update(7.0)
    assert skipping.n_seen == 12


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"short_window_size": 101},
            "fhddm: parameter 'short_window_size' must be at most sliding_window_size (100); "
            "got 101",
        ),
        (
            {"sliding_window_size": 10, "short_window_size": 11},
            "fhddm: parameter 'short_window_size' must be at most sliding_window_size (10); got 11",
        ),
        (
            {"short_window_size": 0},
            "fhddm: parameter 'short_window_size' must be an integer >= 1 or None; got 0",
        ),
        (
            {"sliding_window_size": 0},
            "fhddm: parameter 'sliding_window_size' must be an integer >= 1; got 0",
        ),
        (
            {"confidence_level": 1.0},
            "fhddm: parameter 'confidence_level' must be a number in (0, 1); got 1.0",
        ),
        (
            {"confidence_level": 0},
            "fhddm: parameter 'confidence_level' must be a number in (0, 1); got 0",
        ),
    ],
    ids=[
        "short_above_default_window",
        "short_above_window",
        "zero_short",
        "zero_window",
        "certain_confidence",
        "zero_confidence",
    ],
)
def test_invalid_parameters_are_one_line_errors(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FHDDM(**params)
    assert str(caught.value) == message
