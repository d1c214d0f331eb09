"""Importance weights: normalisation, validation, the weighted score."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.decision.importance import normalize_importance, weighted_drift_score
from driftscope.errors import ConfigError

FEATURES = ["a", "b", "c"]


@given(
    values=st.dictionaries(st.sampled_from(FEATURES), st.floats(0, 1e6), min_size=1).filter(
        lambda d: sum(d.values()) > 0
    )
)
def test_weights_sum_to_one_and_keep_proportions(values: dict[str, float]) -> None:
    weights = normalize_importance(values, FEATURES)
    assert set(weights) == set(FEATURES)
    assert sum(weights.values()) == pytest.approx(1.0)
    total = sum(values.values())
    for name in FEATURES:
        assert weights[name] == pytest.approx(values.get(name, 0.0) / total)


def test_weighted_score_with_equal_weights_is_the_drift_share() -> None:
    weights = dict.fromkeys(FEATURES, 1 / 3)
    assert weighted_drift_score(weights, {"a": True, "b": False, "c": True}) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("importance", "message"),
    [
        ({"a": 1.0, "zz": 2.0}, "importance: 'zz' is not a tested feature column"),
        ({"a": -1.0}, "importance: 'a' must be a finite number >= 0; got -1.0"),
        ({"a": float("nan")}, "importance: 'a' must be a finite number >= 0; got nan"),
        ({"a": 0.0, "b": 0.0}, "importance: every importance is 0; give at least one positive"),
    ],
    ids=["unknown-column", "negative", "nan", "all-zero"],
)
def test_bad_importances_are_one_line_errors(importance: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        normalize_importance(importance, FEATURES)
    assert str(info.value).startswith(message)
