"""Severity tiers: limits, defaults per measure, the order of tiers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from driftscope.decision.severity import SEVERITIES, Tiers, default_tiers, worst
from driftscope.errors import ConfigError


@given(
    limits=st.tuples(st.floats(0, 1), st.floats(0, 1)).map(sorted),
    a=st.floats(0, 2),
    b=st.floats(0, 2),
)
def test_a_larger_effect_is_never_a_lower_tier(limits: list[float], a: float, b: float) -> None:
    tiers = Tiers(*limits)
    low, high = sorted((a, b))
    assert SEVERITIES.index(tiers.of(low)) <= SEVERITIES.index(tiers.of(high))


def test_limits_belong_to_the_tier_they_open() -> None:
    tiers = Tiers(0.1, 0.25)
    assert [tiers.of(x) for x in (0.0999, 0.1, 0.2499, 0.25)] == [
        "none",
        "warning",
        "warning",
        "major",
    ]


@pytest.mark.parametrize(
    ("measure", "is_test", "threshold", "expected"),
    [
        ("ks_distance", True, 0.03, (0.03, 0.1)),
        ("cramers_v", True, 0.03, (0.03, 0.08)),
        ("ks_distance", True, 0.2, (0.2, 0.2)),  # a user minimum above the major limit
        ("psi", False, 0.2, (0.1, 0.25)),
        ("jensen_shannon", False, 0.1, (0.1, 0.25)),
        ("wasserstein", False, 0.2, (0.2, 0.5)),
    ],
    ids=["ks", "cramers-v", "ks-high-minimum", "psi", "jensen-shannon", "wasserstein"],
)
def test_default_tiers(
    measure: str, is_test: bool, threshold: float, expected: tuple[float, float]
) -> None:
    tiers = default_tiers(measure, is_test=is_test, threshold=threshold)
    assert (tiers.warning, tiers.major) == pytest.approx(expected)


def test_worst_tier() -> None:
    assert worst(["none", "major", "warning"]) == "major"
    assert worst([]) == "none"


def test_limits_out_of_order_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"^Tiers: need 0 <= warning <= major"):
        Tiers(0.3, 0.1)
