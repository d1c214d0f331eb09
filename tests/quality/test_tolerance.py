"""Laws of the widening and of the share tests: bounds contain the reference, follow its units,
keep its sign; the binomial tests pass at the constraint and fail well beyond it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from driftscope.quality.tolerance import (
    completeness_bound,
    duplicate_share_bound,
    too_few,
    too_many,
    unseen_share_bound,
    widened_range,
)

# Magnitudes over twelve orders: (max / median) ** 2 stays finite. Beyond float's range a
# bound overflows and that side is left open (None), tested apart.
_values = arrays(
    np.float64,
    st.integers(100, 300),
    elements=st.one_of(st.just(0.0), st.floats(1e-6, 1e6), st.floats(-1e6, -1e-6)),
)


@settings(deadline=None)  # the first example pays for imports
@given(_values)
def test_the_widened_range_contains_every_reference_value(values: np.ndarray) -> None:
    bounds = widened_range(values, integer=False)
    assert bounds is not None
    assert bounds.min is not None
    assert bounds.max is not None
    assert bounds.min <= values.min()
    assert values.max() <= bounds.max


@settings(deadline=None)  # the first example pays for imports
@given(_values)
def test_a_column_never_gets_a_sign_its_reference_did_not_have(values: np.ndarray) -> None:
    bounds = widened_range(np.abs(values), integer=False)
    assert bounds is not None
    assert bounds.min is not None
    assert bounds.min >= 0
    bounds = widened_range(-np.abs(values), integer=False)
    assert bounds is not None
    assert bounds.max is not None
    assert bounds.max <= 0


@settings(deadline=None)  # the first example pays for imports
@given(_values.filter(lambda v: np.ptp(v) > 0), st.sampled_from([1e-3, 10.0, 1e3]))
def test_values_in_other_units_get_bounds_in_those_units(values: np.ndarray, scale: float) -> None:
    plain, scaled = (
        widened_range(values, integer=False),
        widened_range(values * scale, integer=False),
    )
    assert plain is not None
    assert scaled is not None
    for a, b in ((plain.min, scaled.min), (plain.max, scaled.max)):
        assert a is not None
        assert b is not None
        # Equal up to the outward rounding to two digits of the widening.
        assert b == pytest.approx(a * scale, rel=0.1, abs=abs(a * scale) * 0.1 + 1e-9)


def test_integer_columns_get_whole_bounds() -> None:
    rng = np.random.default_rng(0)
    bounds = widened_range(rng.poisson(3.0, 1_000).astype(float), integer=True)
    assert bounds is not None
    assert isinstance(bounds.min, int)
    assert isinstance(bounds.max, int)
    assert bounds.min == 0


def test_too_few_values_give_no_range_and_infinities_open_a_side() -> None:
    assert widened_range(np.arange(99.0), integer=False) is None
    bounds = widened_range(np.r_[np.arange(1.0, 150.0), np.inf], integer=False)
    assert bounds is not None
    assert bounds.max is None
    assert bounds.min is not None


def test_a_bound_beyond_float_range_is_left_open() -> None:
    bounds = widened_range(np.r_[np.full(130, 1e-200), 1e200], integer=False)
    assert bounds is not None
    assert bounds.max is None
    assert bounds.min == 1e-200


@pytest.mark.parametrize(("present", "rows"), [(980, 1_000), (10, 10), (1, 1), (5_000, 5_000)])
def test_a_fresh_count_at_the_reference_share_passes_completeness(present: int, rows: int) -> None:
    share = completeness_bound(present, rows)
    assert share is not None
    assert share <= present / rows
    assert not too_few(present, rows, share)
    assert not too_few(int(present / rows * 100_000), 100_000, share)


def test_a_null_spike_fails_completeness_from_a_few_dozen_rows() -> None:
    share = completeness_bound(980, 1_000)
    assert share is not None
    assert too_few(28, 40, share)  # 30% missing
    assert too_few(700, 1_000, share)


def test_the_share_bounds_are_zero_or_one_only_at_the_extremes() -> None:
    assert completeness_bound(0, 100) == 0.0
    assert completeness_bound(100, 0) is None
    assert duplicate_share_bound(0, 1) is None
    assert duplicate_share_bound(10, 10) == 1.0
    assert 0 < unseen_share_bound(0, 1_000) < 0.01
    assert unseen_share_bound(0, 0) == 1.0


def test_too_many_tolerates_chance_and_not_a_flood() -> None:
    limit = duplicate_share_bound(0, 10_000)
    assert limit is not None
    assert not too_many(5, 10_000, limit)
    assert too_many(500, 10_000, limit)
    assert too_many(1, 1_000, 0.0)
    assert not too_many(0, 1_000, 0.0)
