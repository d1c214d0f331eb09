"""Hypothesis strategies for samples, so property tests of custom methods take one line.

>>> from hypothesis import given, settings
>>> @settings(max_examples=20, deadline=None)
... @given(pair=numeric_sample_pairs(max_size=20))
... def test_ks_p_value_in_unit_interval(pair):
...     from driftscope import stats
...     assert 0.0 <= stats.ks(*pair).p_value <= 1.0
>>> test_ks_p_value_in_unit_interval()
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

MAGNITUDE = 1e6  # wide enough for heavy tails, small enough that variances stay finite


def numeric_values(*, integer_valued: bool = False) -> st.SearchStrategy[float]:
    """Finite floats within +/-MAGNITUDE; ``integer_valued`` gives small integers (many ties)."""
    if integer_valued:
        return st.integers(-5, 5).map(float)
    return st.floats(-MAGNITUDE, MAGNITUDE, allow_nan=False, allow_subnormal=False)


def numeric_samples(
    *,
    min_size: int = 1,
    max_size: int = 60,
    integer_valued: bool = False,
    allow_missing: bool = False,
) -> st.SearchStrategy[list[float | None]]:
    """Lists of finite floats, optionally sprinkled with None and NaN."""
    values: st.SearchStrategy[float | None] = numeric_values(integer_valued=integer_valued)
    if allow_missing:
        values = st.one_of(values, st.none(), st.just(float("nan")))
    return st.lists(values, min_size=min_size, max_size=max_size)


def numeric_sample_pairs(
    *,
    min_size: int = 1,
    max_size: int = 60,
    integer_valued: bool | None = None,
) -> st.SearchStrategy[tuple[list[float], list[float]]]:
    """(reference, current) lists of finite floats; both integer-valued or both not
    (``integer_valued=None`` draws either)."""

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[list[float], list[float]]:
        ints = draw(st.booleans()) if integer_valued is None else integer_valued
        side = st.lists(numeric_values(integer_valued=ints), min_size=min_size, max_size=max_size)
        return draw(side), draw(side)

    return pairs()


def label_samples(
    categories: Sequence[object] = ("a", "b", "c", "d"),
    *,
    min_size: int = 1,
    max_size: int = 60,
    allow_missing: bool = False,
) -> st.SearchStrategy[list[object]]:
    """Lists of labels drawn from ``categories``, optionally with None."""
    labels: st.SearchStrategy[object] = st.sampled_from(list(categories))
    if allow_missing:
        labels = st.one_of(labels, st.none())
    return st.lists(labels, min_size=min_size, max_size=max_size)


def count_pairs(
    *, min_categories: int = 2, max_categories: int = 8, max_count: int = 500
) -> st.SearchStrategy[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    """Aligned int64 category counts, each side with a positive total."""

    @st.composite
    def pairs(draw: st.DrawFn) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        k = draw(st.integers(min_categories, max_categories))
        side = st.lists(st.integers(0, max_count), min_size=k, max_size=k).filter(
            lambda counts: sum(counts) > 0
        )
        return np.array(draw(side), dtype=np.int64), np.array(draw(side), dtype=np.int64)

    return pairs()
