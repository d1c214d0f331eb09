"""Issue 11: importances at the ends of the float range weigh as their ratios say (1e308s
summed to inf and every weight became 0, which flipped the verdict); integers beyond any
float are refused in one line."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.decision.importance import normalize_importance
from driftscope.errors import ConfigError

finite = st.floats(min_value=0.0, max_value=1.7976931348623157e308, allow_subnormal=True)


@given(values=st.lists(finite, min_size=1, max_size=8).filter(lambda v: max(v) > 0))
def test_weights_sum_to_one_and_keep_their_order_for_any_finite_importances(values):
    names = [f"f{i}" for i in range(len(values))]
    weights = normalize_importance(dict(zip(names, values, strict=True)), names)
    assert math.isclose(sum(weights.values()), 1.0, rel_tol=1e-12)
    assert all(0.0 <= w <= 1.0 for w in weights.values())
    top = max(values)
    assert weights[names[values.index(top)]] > 0.0  # the largest never vanishes
    for i, a in enumerate(values):  # a larger importance never gets a smaller weight
        for j, b in enumerate(values):
            if a < b:
                assert weights[names[i]] <= weights[names[j]]


@given(
    values=st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=6), power=st.integers(-1000, 1000)
)
def test_scaling_every_importance_by_a_power_of_two_changes_no_weight(values, power):
    names = [f"f{i}" for i in range(len(values))]
    scaled = [math.ldexp(v, power) for v in values]
    if not all(math.isfinite(v) for v in scaled) or max(scaled) == 0:
        return
    a = normalize_importance(dict(zip(names, values, strict=True)), names)
    b = normalize_importance(dict(zip(names, scaled, strict=True)), names)
    for name in names:
        assert b[name] == pytest.approx(a[name], rel=1e-9, abs=1e-300)


def test_importances_of_1e308_do_not_flip_the_verdict():
    import numpy as np

    rng = np.random.default_rng(0)
    ref = {"a": rng.normal(size=2000), "b": rng.normal(size=2000)}
    cur = {"a": rng.normal(3.0, size=2000), "b": rng.normal(size=2000)}
    plain = driftscope.compare(ref, cur, importance={"a": 1.0, "b": 1.0}, share_threshold=0.5)
    huge = driftscope.compare(ref, cur, importance={"a": 1e308, "b": 1e308}, share_threshold=0.5)
    assert huge.dataset.drifted == plain.dataset.drifted
    assert huge.dataset.drifted


def test_an_integer_beyond_any_float_is_a_config_error():
    with pytest.raises(ConfigError, match="integer of about 401 digits"):
        normalize_importance({"a": 10**400}, ["a"])
