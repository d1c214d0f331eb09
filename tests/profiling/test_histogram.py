"""Histogram counting: the comparison count, the sorted count and the stats' binning agree."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.profiling import Histogram
from driftscope.profiling.histogram import exact_edges
from driftscope.stats._binning import bin_counts, reference_edges

values = st.lists(st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0, 1e300]), max_size=60)


@settings(max_examples=200, deadline=None)
@given(values, st.lists(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]), unique=True, max_size=4))
def test_counting_unsorted_equals_counting_sorted(data: list[float], cut: list[float]) -> None:
    array = np.array(data, dtype=np.float64)
    edges = tuple(sorted(cut))
    unsorted = Histogram.count(array, edges, n_bins=5)
    ordered = Histogram.count_sorted(np.sort(array), edges, n_bins=5)
    assert unsorted == ordered
    assert unsorted.counts == tuple(bin_counts(np.sort(array), np.array(edges)).tolist())
    assert unsorted.total == array.size


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=80), st.integers(2, 12))
def test_own_edges_are_the_compare_edges(data: list[float], n_bins: int) -> None:
    ordered = np.sort(np.array(data, dtype=np.float64))
    assert exact_edges(ordered, n_bins) == tuple(reference_edges(ordered, n_bins).tolist())
