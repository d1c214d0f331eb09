"""Merging sorted samples and reading quantiles off them, against numpy's own answers."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.stats._sorted import linear_quantiles, merge_sorted
from driftscope.testing.strategies import numeric_sample_pairs, numeric_samples


@settings(max_examples=200, deadline=None)
@given(pair=numeric_sample_pairs(min_size=1, max_size=50))
def test_merge_gives_the_sorted_pool_and_reference_counts(
    pair: tuple[list[float], list[float]],
) -> None:
    r, c = np.sort(np.asarray(pair[0])), np.sort(np.asarray(pair[1]))
    merged = merge_sorted(r, c)
    assert merged.values.tolist() == np.sort(np.concatenate((r, c))).tolist()
    ends = merged.run_ends()
    at = merged.values[ends]
    # At the end of each run of ties the counts are the empirical CDF counts.
    assert merged.n_reference_upto[ends].tolist() == np.searchsorted(r, at, "right").tolist()
    assert merged.n_current_upto[ends].tolist() == np.searchsorted(c, at, "right").tolist()
    assert np.unique(merged.values).tolist() == at.tolist()


@settings(max_examples=300, deadline=None)
@given(
    sample=numeric_samples(min_size=1, max_size=40),
    probabilities=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12),
)
def test_linear_quantiles_are_numpy_quantiles_bit_for_bit(
    sample: list[float], probabilities: list[float]
) -> None:
    x = np.sort(np.asarray(sample, dtype=np.float64))
    q = np.asarray(probabilities)
    # Exact equality (assert_array_equal, unlike tobytes, holds -0.0 equal to 0.0, which
    # numpy's interpolation may turn into each other and which bin the same values).
    np.testing.assert_array_equal(linear_quantiles(x, q), np.quantile(x, q), strict=True)


def test_linear_quantiles_at_the_ends_are_min_and_max() -> None:
    x = np.array([-3.0, 1.0, 2.0])
    assert linear_quantiles(x, np.array([0.0, 1.0])).tolist() == [-3.0, 2.0]
