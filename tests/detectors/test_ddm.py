"""DDM against River's, drift and warning position by position, and its own contract."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.detectors.ddm import DDM
from driftscope.errors import ConfigError
from tests.detectors._streams import RISING_RATES, errors, signals

river_binary = pytest.importorskip("river.drift.binary")

STREAMS = {
    **RISING_RATES,
    "slow_ramp_0.05_to_0.2": np.linspace(0.05, 0.2, 4000),
}
SETTINGS = {
    "defaults": {},
    "eager": {"warm_start": 5, "warning_threshold": 1.0, "drift_threshold": 1.5},
    "patient": {"warm_start": 100, "warning_threshold": 2.5, "drift_threshold": 4.0},
}


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("shape", STREAMS)
@pytest.mark.parametrize("seed", range(3))
def test_drifts_and_warnings_where_rivers_do(shape: str, setting: str, seed: int) -> None:
    values = errors(STREAMS[shape], seed)
    params = SETTINGS[setting]
    ours = signals(DDM(**params), values)
    assert ours == signals(river_binary.DDM(**params), values)
    assert ours[0], "the stream should make DDM fire"


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.integers(0, 1), min_size=1, max_size=300),
    warm_start=st.integers(0, 40),
    warning_threshold=st.floats(0.1, 3.0),
    gap=st.floats(0.01, 3.0),
)
def test_agrees_with_river_on_any_short_stream(
    values: list[int], warm_start: int, warning_threshold: float, gap: float
) -> None:
    params = {
        "warm_start": warm_start,
        "warning_threshold": warning_threshold,
        "drift_threshold": warning_threshold + gap,
    }
    assert signals(DDM(**params), values) == signals(river_binary.DDM(**params), values)


def test_a_rise_is_found_and_the_detector_starts_afresh() -> None:
    ddm = DDM()
    values = errors(STREAMS["abrupt_0.1_to_0.4"], 0)
    found = ddm.update_many(values)
    assert found
    assert found[0] >= 2000
    assert ddm.n_seen == len(values)
    restarted = DDM()
    restarted.update_many(values[: found[-1] + 1])
    assert restarted.state()["state"] == DDM().state()["state"]


def test_a_falling_error_rate_never_fires() -> None:
    assert DDM().update_many(errors(np.r_[np.full(2000, 0.4), np.full(2000, 0.05)], 1)) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"warning_threshold": 3.0, "drift_threshold": 3.0},
            "ddm: parameter 'warning_threshold' must be below drift_threshold (3.0); got 3.0",
        ),
        (
            {"drift_threshold": 1.5},
            "ddm: parameter 'warning_threshold' must be below drift_threshold (1.5); got 2.0",
        ),
        ({"warm_start": -1}, "ddm: parameter 'warm_start' must be an integer >= 0; got -1"),
    ],
    ids=["equal_thresholds", "drift_below_default_warning", "negative_warm_start"],
)
def test_inconsistent_parameters_are_one_line_errors(
    params: dict[str, float], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        DDM(**params)
    assert str(caught.value) == message
