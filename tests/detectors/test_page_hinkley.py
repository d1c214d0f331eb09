"""Page-Hinkley against River's, value by value, and on the changes it exists to find."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.detectors import PageHinkley

river_drift = pytest.importorskip("river.drift")


def _river(values: np.ndarray, **params: object) -> list[int]:
    detector = river_drift.PageHinkley(**params)
    found = []
    for i, x in enumerate(values):
        detector.update(float(x))
        if detector.drift_detected:
            found.append(i)
    return found


@pytest.mark.parametrize("mode", ["both", "up", "down"])
@pytest.mark.parametrize("seed", range(5))
def test_signals_where_rivers_does(mode: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    step = 2.0 if mode != "down" else -2.0
    values = np.r_[rng.normal(5, 1, 1500), rng.normal(5 + step, 1, 1500)]
    params = {"threshold": 30.0, "delta": 0.01, "min_instances": 20, "mode": mode}
    assert PageHinkley(**params).update_many(values) == _river(values, **params)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=400),
    threshold=st.floats(0.5, 100.0),
    alpha=st.floats(0.9, 1.0),
)
def test_agrees_with_river_while_the_falling_sum_stays_above_minus_one(
    values: list[float], threshold: float, alpha: float
) -> None:
    """River starts max(down) at -1, not at minus infinity (see the module docstring): where
    the first falling sum is above -1 (the first value's deviation is 0, so with delta > 1 it
    is) the two agree on every stream."""
    params = {"threshold": threshold, "alpha": alpha, "delta": 1.5, "min_instances": 1}
    assert PageHinkley(**params).update_many(values) == _river(np.array(values), **params)


def test_the_direction_is_respected() -> None:
    rng = np.random.default_rng(0)
    falling = np.r_[rng.normal(0, 1, 1000), rng.normal(-3, 1, 1000)]
    assert PageHinkley(mode="up").update_many(falling) == []
    assert [i for i in PageHinkley(mode="down").update_many(falling) if i >= 1000]
