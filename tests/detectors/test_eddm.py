"""EDDM against River's, drift and warning position by position, and its own contract."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.detectors.eddm import EDDM
from driftscope.errors import ConfigError
from tests.detectors._streams import RISING_RATES, errors, signals

river_binary = pytest.importorskip("river.drift.binary")

STREAMS = {
    **RISING_RATES,
    "slow_ramp_0.05_to_0.2": np.linspace(0.05, 0.2, 4000),
}
SETTINGS = {
    "defaults": {},
    "eager": {"warm_start": 5, "alpha": 0.97, "beta": 0.95},
    "patient": {"warm_start": 60, "alpha": 0.8, "beta": 0.7},
}


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("shape", STREAMS)
@pytest.mark.parametrize("seed", range(3))
def test_drifts_and_warnings_where_rivers_do(shape: str, setting: str, seed: int) -> None:
    values = errors(STREAMS[shape], seed)
    params = SETTINGS[setting]
    ours = signals(EDDM(**params), values)
    assert ours == signals(river_binary.EDDM(**params), values)
    assert ours[0], "the stream should make EDDM fire"


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(0, 1), min_size=1, max_size=300),
    warm_start=st.integers(0, 10),
    alpha=st.floats(0.3, 1.0),
    gap=st.floats(0.01, 0.25),
)
def test_agrees_with_river_on_any_short_stream(
    values: list[int], warm_start: int, alpha: float, gap: float
) -> None:
    params = {"warm_start": warm_start, "alpha": alpha, "beta": alpha - gap}
    assert signals(EDDM(**params), values) == signals(river_binary.EDDM(**params), values)


def test_the_first_distance_is_counted_from_the_start_of_the_stream() -> None:
    # Errors at the 4th and 8th values: distances 4 and 4, so no spread at all.
    eddm = EDDM(warm_start=0)
    eddm.update_many([0, 0, 0, 1, 0, 0, 0, 1])
    saved = eddm.state()["state"]
    assert (saved["_sum_d"], saved["_sum_d2"]) == (8, 32)


def test_right_predictions_neither_enter_nor_leave_the_warning_zone() -> None:
    values = errors(STREAMS["abrupt_0.1_to_0.4"], 0)
    eddm = EDDM(alpha=0.8, beta=0.7)
    drift, zone = zip(*(_step(eddm, x) for x in values), strict=True)
    assert any(zone[i] for i, x in enumerate(values) if x == 0)
    # The zone changes only at an error, or where the detector restarted after a drift.
    changes = [i for i in range(1, len(values)) if zone[i] != zone[i - 1]]
    assert all(values[i] == 1 or drift[i - 1] for i in changes)


def test_drift_may_come_with_the_warning_zone_it_was_in() -> None:
    # As River: the value that signals drift also reports the zone it was in.
    params = {"alpha": 0.8, "beta": 0.7}
    eddm, river = EDDM(**params), river_binary.EDDM(**params)
    values = errors(STREAMS["abrupt_0.1_to_0.4"], 0)
    both = [i for i, x in enumerate(values) if _step(eddm, x) == (True, True)]
    assert both == [2248]
    assert both == [i for i, x in enumerate(values) if _step(river, x) == (True, True)]


def _step(detector: object, x: int) -> tuple[bool, bool]:
    detector.update(x)  # type: ignore[attr-defined]
    return detector.drift_detected, detector.warning_detected  # type: ignore[attr-defined]


def test_the_spread_weight_is_two_unless_given() -> None:
    values = errors(STREAMS["ramp_0.1_to_0.5"], 2)
    found = EDDM().update_many(values)
    assert EDDM(n_std=2.0).update_many(values) == found
    assert EDDM(n_std=1.0).update_many(values) != found


def test_a_falling_error_rate_never_fires() -> None:
    values = errors(np.r_[np.full(2000, 0.4), np.full(2000, 0.05)], 1)
    assert [i for i in EDDM(alpha=0.8, beta=0.7).update_many(values) if i >= 2000] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"alpha": 0.9, "beta": 0.9}, "eddm: parameter 'beta' must be below alpha (0.9); got 0.9"),
        ({"alpha": 0.85}, "eddm: parameter 'beta' must be below alpha (0.85); got 0.9"),
        ({"alpha": 1.5}, "eddm: parameter 'alpha' must be a number in (0, 1]; got 1.5"),
    ],
    ids=["equal_levels", "alpha_below_default_beta", "alpha_above_one"],
)
def test_inconsistent_parameters_are_one_line_errors(
    params: dict[str, float], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        EDDM(**params)
    assert str(caught.value) == message
