"""HDDM_A and HDDM_W against River's, drift and warning position by position, and their own
contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.detectors.base import DriftDetector
from driftscope.detectors.hddm_a import HDDMA
from driftscope.detectors.hddm_w import HDDMW
from driftscope.errors import ConfigError
from tests.detectors._streams import RISING_RATES, Signals, errors, signals

river_binary = pytest.importorskip("river.drift.binary")

OURS: dict[str, type[DriftDetector]] = {"hddm_a": HDDMA, "hddm_w": HDDMW}
RIVERS = {"hddm_a": "HDDMA", "hddm_w": "HDDMW"}
STREAMS = {
    **RISING_RATES,
    "up_and_down": np.r_[np.full(1000, 0.3), np.full(1000, 0.05), np.full(1000, 0.4)],
}
SETTINGS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "two_sided": {"two_sided_test": True},
    "loose_two_sided": {
        "drift_confidence": 0.01,
        "warning_confidence": 0.05,
        "two_sided_test": True,
    },
    "strict": {"drift_confidence": 1e-5, "warning_confidence": 1e-3},
}
W_ONLY = {"slow_weights": {"lambda_val": 0.01}, "fast_weights": {"lambda_val": 0.1}}


def both(name: str, params: dict[str, Any], values: Sequence[int]) -> tuple[Signals, Signals]:
    river = getattr(river_binary, RIVERS[name])(**params)
    return signals(OURS[name](**params), values), signals(river, values)


CASES = [(name, s) for name in OURS for s in SETTINGS] + [("hddm_w", s) for s in W_ONLY]


@pytest.mark.parametrize(("name", "setting"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
@pytest.mark.parametrize("shape", STREAMS)
@pytest.mark.parametrize("seed", range(2))
def test_drifts_and_warnings_where_rivers_do(
    name: str, setting: str, shape: str, seed: int
) -> None:
    values = errors(STREAMS[shape], seed)
    ours, rivers = both(name, {**SETTINGS, **W_ONLY}[setting], values)
    assert ours == rivers
    assert ours[0], "the stream should make the detector fire"


@pytest.mark.parametrize("name", OURS)
@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.integers(0, 1), min_size=1, max_size=300),
    drift_confidence=st.floats(1e-6, 0.3),
    ratio=st.floats(1.01, 20.0),
    two_sided=st.booleans(),
    lambda_val=st.floats(0.001, 1.0),
)
def test_agrees_with_river_on_any_short_stream(
    name: str,
    values: list[int],
    drift_confidence: float,
    ratio: float,
    two_sided: bool,
    lambda_val: float,
) -> None:
    params: dict[str, Any] = {
        "drift_confidence": drift_confidence,
        "warning_confidence": min(0.99, drift_confidence * ratio),
        "two_sided_test": two_sided,
    }
    if name == "hddm_w":
        params["lambda_val"] = lambda_val
    ours, rivers = both(name, params, values)
    assert ours == rivers


@pytest.mark.parametrize("name", OURS)
def test_a_fall_is_found_only_when_asked(name: str) -> None:
    values = errors(np.r_[np.full(2000, 0.4), np.full(2000, 0.05)], 1)
    assert [i for i in OURS[name]().update_many(values) if i >= 2000] == []
    assert [i for i in OURS[name](two_sided_test=True).update_many(values) if i >= 2000]


@pytest.mark.parametrize("name", OURS)
def test_a_drift_clears_the_warning_of_the_same_direction(name: str) -> None:
    ours, _ = both(name, {}, errors(STREAMS["abrupt_0.1_to_0.4"], 0))
    assert ours[0]
    assert not set(ours[0]) & set(ours[1])


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize(
    "params",
    [
        {"drift_confidence": 0.005},
        {"drift_confidence": 0.01, "warning_confidence": 0.001},
    ],
    ids=["equal_confidences", "warning_below_drift"],
)
def test_a_warning_must_be_easier_than_drift(name: str, params: dict[str, float]) -> None:
    with pytest.raises(ConfigError) as caught:
        OURS[name](**params)
    warning = params.get("warning_confidence", 0.005)
    expected = (
        f"{name}: parameter 'warning_confidence' must be above drift_confidence "
        f"({params['drift_confidence']!r}); got {warning!r}"
    )
    assert str(caught.value) == expected


def test_lambda_val_is_a_weight_in_the_unit_interval() -> None:
    with pytest.raises(
        ConfigError, match=r"hddm_w: parameter 'lambda_val' must be a number in \(0, 1\]; got 0"
    ):
        HDDMW(lambda_val=0)
