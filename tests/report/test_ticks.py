"""Issue 11: axis ticks and their labels for any finite range, from subnormal widths
(5e-324) to the float limit (1.7e308), where the HTML report crashed."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.report._format import fmt_ticks
from driftscope.report.html import render_html
from driftscope.report.svg import nice_ticks

finite = st.floats(allow_nan=False, allow_infinity=False)


def check(ticks: list[float], low: float, high: float, target: int) -> None:
    assert ticks
    assert all(math.isfinite(t) for t in ticks)
    assert all(a < b for a, b in itertools.pairwise(ticks))
    assert len(ticks) <= 4 * target + 1
    # Inside the range, up to the rounding of the last digits (halved: no overflow).
    slack = max((high / 2 - low / 2) * 1e-6, 4 * math.ulp(max(abs(low), abs(high))))
    assert ticks[0] / 2 >= low / 2 - slack
    assert ticks[-1] / 2 <= high / 2 + slack


@given(a=finite, b=finite, target=st.integers(2, 8))
def test_ticks_of_any_finite_range_are_finite_increasing_and_inside(a, b, target):
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high, target)
    if low == high:
        assert ticks == [low]
        return
    check(ticks, low, high, target)


@given(a=finite, b=finite, target=st.integers(2, 8))
def test_tick_labels_are_one_per_tick_and_tell_neighbours_apart(a, b, target):
    ticks = nice_ticks(min(a, b), max(a, b), target)
    labels = fmt_ticks(ticks)
    assert len(labels) == len(ticks)
    assert len(set(labels)) == len(labels), labels
    assert not any("nan" in label or "inf" in label for label in labels)


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (0.0, 5e-324),
        (5e-324, 1e-323),
        (-1.7e308, 1.7e308),
        (0.0, 1.7976931348623157e308),
        (1.0, 1.0000000000000002),
        (1e17, 1e17 + 64),
    ],
    ids=["denormal", "two-denormals", "float-limit", "zero-to-max", "one-ulp", "big-ints"],
)
def test_extreme_ranges_give_ticks_and_labels(low, high):
    ticks = nice_ticks(low, high, 6)
    check(ticks, low, high, 6)
    assert len(set(fmt_ticks(ticks))) == len(ticks)


@pytest.mark.parametrize(
    ("reference", "current"),
    [
        ([0.0, 5e-324] * 50, [5e-324, 1e-323] * 50),
        ([1.7e308, -1.7e308, 0.0] * 40, [1.7e308, 1.6e308, 1e308] * 40),
        ([1.79e308, 1.7e308] * 50, [1.79e308, 1.75e308] * 50),
    ],
    ids=["denormal", "float-limit", "near-max"],
)
def test_the_html_report_renders_extreme_values(reference, current):
    report = driftscope.compare({"x": np.array(reference)}, {"x": np.array(current)})
    html = render_html(report)
    assert "histogram of x" in html
    assert 'x="nan' not in html
