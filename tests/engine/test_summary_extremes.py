"""Charts of columns whose values sit where a float cannot hold a half step."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import driftscope
from driftscope.engine.summary import numeric_distribution


@pytest.mark.parametrize("value", [1e17, -1e17, 2.0**53 + 2, 1e300, 5e-324])
def test_a_constant_column_far_from_zero_gets_a_chart_with_a_width(value):
    report = driftscope.compare({"a": np.full(50, value)}, {"a": np.full(50, value)})
    col = report.column("a")
    assert col.status == "ok"
    edges = col.distribution.edges
    assert edges is not None
    assert edges[-1] > edges[0]
    assert "<svg" in report.to_html()


@given(
    base=st.floats(-1e300, 1e300, allow_nan=False),
    spread=st.integers(0, 40),
)
def test_whole_numbers_anywhere_get_a_distribution_that_adds_up(base, spread):
    values = np.sort(np.round(base) + np.arange(spread + 1, dtype=np.float64))
    dist = numeric_distribution(values, values)
    assert len(dist.labels) >= 1
    assert sum(dist.reference) == pytest.approx(1.0)
    assert sum(dist.current) == pytest.approx(1.0)
