"""KSWIN against River's, value by value (River's random draws are reproduced exactly), and
its own contract."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from driftscope.detectors.kswin import KSWIN
from driftscope.errors import ConfigError

river_drift = pytest.importorskip("river.drift")


def _normal_shift(seed: int, at: int, step: float, length: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.r_[rng.normal(0, 1, at), rng.normal(step, 1, length - at)]


def _discrete(seed: int) -> np.ndarray:
    rng = random.Random(seed)
    return np.array(rng.choices([0, 1, 2], k=600) + rng.choices([2, 3, 4], k=600), float)


STREAMS: dict[str, Callable[[int], np.ndarray]] = {
    "normal_mean_up_2sd": lambda seed: _normal_shift(seed, 600, 2.0, 1200),
    "normal_mean_down_1.5sd": lambda seed: _normal_shift(seed, 600, -1.5, 1200),
    "discrete_ties": _discrete,
}
SETTINGS: dict[str, dict[str, object]] = {
    "defaults": {},
    "small_windows": {"window_size": 40, "stat_size": 10, "alpha": 0.01},
    "wide_alpha": {"alpha": 0.05, "window_size": 150, "stat_size": 50},
}


class _RiverKeepingRecent(river_drift.KSWIN):  # type: ignore[misc]
    """River's KSWIN without the reset its next update makes after a drift, so that its
    window stays the last stat_size values and its generator goes on (our rule)."""

    def update(self, x: float) -> None:
        self._drift_detected = False
        super().update(x)


def _river(detector: object, values: Sequence[float], *, stop_at_first: bool) -> list[int]:
    found = []
    for i, x in enumerate(values):
        detector.update(float(x))  # type: ignore[attr-defined]
        if detector.drift_detected:  # type: ignore[attr-defined]
            found.append(i)
            if stop_at_first:
                break
    return found


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("stream", STREAMS)
def test_signals_where_rivers_does_up_to_its_first_drift(stream: str, setting: str) -> None:
    params = {**SETTINGS[setting], "seed": 7}
    values = STREAMS[stream](3)
    theirs = _river(river_drift.KSWIN(**params), values, stop_at_first=True)
    ours = KSWIN(**params).update_many(values)
    assert theirs, "the stream is meant to hold a drift River finds"
    assert ours[: len(theirs)] == theirs


def _several_drifts(seed: int, step: float = 1.0) -> np.ndarray:
    back = np.random.default_rng(seed).normal(0, 1, 500)
    return np.r_[_normal_shift(seed, 500, step, 1000), back]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("seed", range(3))
def test_signals_where_river_does_on_whole_streams(seed: int, setting: str) -> None:
    values = _several_drifts(seed, step=2.0)
    params = {**SETTINGS[setting], "seed": seed}
    theirs = _river(river_drift.KSWIN(**params), values, stop_at_first=False)
    assert len(theirs) >= 2, "the stream is meant to hold several drifts"
    ours = KSWIN(**params)
    assert ours.update_many(values) == theirs
    assert ours.params["after_drift"] == "reset"


@pytest.mark.parametrize("seed", range(3))
def test_keeping_the_recent_values_signals_where_river_would_without_its_reset(
    seed: int,
) -> None:
    values = _several_drifts(seed)
    params = {"seed": seed, "window_size": 60, "stat_size": 20, "alpha": 0.01}
    theirs = _river(_RiverKeepingRecent(**params), values, stop_at_first=False)
    assert len(theirs) >= 2, "the stream is meant to hold several drifts"
    assert KSWIN(**params, after_drift="keep").update_many(values) == theirs
    assert KSWIN(**params).update_many(values) != theirs  # the reset matters here


def test_an_initial_window_is_used_as_rivers() -> None:
    values = _normal_shift(11, 100, 1.5, 400)
    start = np.random.default_rng(12).normal(0, 1, 100).tolist()
    theirs = _river(river_drift.KSWIN(seed=3, window=start), values, stop_at_first=True)
    ours = KSWIN(seed=3, window=start)
    assert theirs == [113]  # a test from the first value on: the window starts full
    assert ours.update_many(values)[:1] == theirs
    ours.reset()
    assert list(ours._window) == start


def test_after_a_drift_the_window_empties_or_keeps_the_last_stat_size_values() -> None:
    values = _normal_shift(0, 600, 2.0, 1200)
    for after, kept in (("reset", 0), ("keep", 30)):
        detector = KSWIN(seed=1, after_drift=after)
        first = next(i for i, x in enumerate(values) if detector.update(float(x)).drift_detected)
        assert list(detector._window) == values[first + 1 - kept : first + 1].tolist()
        assert detector.statistic > 0.1
        assert detector.p_value <= 0.005


def test_min_statistic_keeps_a_small_significant_difference_quiet() -> None:
    """River's hidden 0.1: with 5,000 values per sample a shift of 0.15 sd is significant
    (KS statistic about 0.06, p about 1e-8) but below min_statistic."""
    rng = np.random.default_rng(5)
    before, after = rng.normal(0, 1, 5000), rng.normal(0.15, 1, 5019)
    params = {"window_size": 10_000, "stat_size": 5000, "seed": 2}
    quiet = KSWIN(**params, window=[*before, *after[:4999]])
    assert quiet.update_many(after[4999:]) == []
    assert 0.03 < quiet.statistic < 0.1
    assert quiet.p_value < 1e-4
    eager = KSWIN(**params, min_statistic=0.0, window=[*before, *after[:4999]])
    assert eager.update_many(after[4999:]) == [0]


def test_the_generator_state_survives_json() -> None:
    detector = KSWIN(seed=None)
    detector.update_many(np.random.default_rng(0).normal(0, 1, 150))
    again = KSWIN.from_state(json.loads(json.dumps(detector.state())))
    assert again._rng.random() == detector._rng.random()


def test_window_size_must_hold_two_samples() -> None:
    with pytest.raises(ConfigError, match=r"kswin: parameter 'window_size' must be at least 2"):
        KSWIN(window_size=50, stat_size=30)


@pytest.mark.parametrize("bad", [[1.0, float("nan")], "1,2", [True]])
def test_an_initial_window_of_non_numbers_is_refused(bad: object) -> None:
    with pytest.raises(ConfigError, match=r"kswin: parameter 'window' must be None or a seq"):
        KSWIN(window=bad)
