"""The exact median of pairwise distances equals the brute-force median in every regime."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import pdist

from driftscope.stats._pairwise_median import (
    median_pairwise_distance,
    median_pairwise_distance_1d,
)
from driftscope.testing.strategies import numeric_samples


@settings(max_examples=200, deadline=None)
@given(sample=numeric_samples(min_size=2, max_size=40))
def test_one_dimensional_median_is_exact(sample: list[float]) -> None:
    x = np.sort(np.asarray(sample, dtype=np.float64))
    # |x_i - x_j| directly: pdist squares and roots, which underflows for tiny gaps.
    i, j = np.triu_indices(x.size, k=1)
    assert median_pairwise_distance_1d(x) == np.median(np.abs(x[i] - x[j]))


@settings(max_examples=100, deadline=None)
@given(
    points=st.integers(2, 30).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(-3, 3).map(float), min_size=3, max_size=3),
            min_size=n,
            max_size=n,
        )
    )
)
def test_multivariate_median_is_exact_with_many_ties(points: list[list[float]]) -> None:
    array = np.asarray(points)
    assert median_pairwise_distance(array) == np.median(pdist(array))


@pytest.mark.parametrize("n", [2, 3, 101, 400])
@pytest.mark.parametrize("dim", [1, 2, 5])
def test_median_is_exact_on_continuous_points(n: int, dim: int) -> None:
    points = np.random.default_rng(n * dim).standard_cauchy((n, dim))
    assert median_pairwise_distance(points) == np.median(pdist(points))


@pytest.mark.parametrize("collect_limit", [0, 5, 1 << 22])
def test_radix_passes_do_not_change_the_median(collect_limit: int) -> None:
    # Tiny blocks and buckets force every pass of the selection, down to the last bits.
    points = np.random.default_rng(1).normal(size=(120, 3))
    median = median_pairwise_distance(points, block_elements=7, collect_limit=collect_limit)
    assert median == np.median(pdist(points))


def test_all_points_equal_gives_zero() -> None:
    assert median_pairwise_distance(np.ones((6, 2))) == 0.0
    assert median_pairwise_distance_1d(np.ones(6)) == 0.0
