"""A merged KLL sketch's kept values and weights, read past DataSketches' iterator.

DataSketches 5.2.0's KLL iterator starts at level 0 with weight 1 and only moves up a level
when it reaches the end of one, so when level 0 is empty (as after most merges) it gives
every kept value weight 1. ``QuantileSketch.items`` reads the weights from the sketch's CDF
instead; these tests fail if it goes back to the iterator.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from driftscope.profiling import Profile, profile
from driftscope.profiling._sketch import QuantileSketch, QuantileUnion
from driftscope.profiling.sketch_stats import exact_values, ks_distance_of, wasserstein_of


def _merged(rng: np.random.Generator, parts: int, size: int, k: int) -> QuantileSketch:
    union = QuantileUnion()
    for _ in range(parts):
        union.add(QuantileSketch.of(rng.normal(size=size), k=k))
    return union.result()


def test_merged_weights_add_up_to_n_where_the_iterator_loses_them() -> None:
    rng = np.random.default_rng(5)
    iterator_wrong = 0
    for parts in range(2, 40):
        sketch = _merged(rng, parts, 2_000, k=64)
        raw = sum(w for _, w in sketch._kll())  # DataSketches' own iterator
        iterator_wrong += raw != sketch.n
        items = sketch.items()
        values = [v for v, _ in items]
        assert values == sorted(set(values))
        assert sum(w for _, w in items) == sketch.n == parts * 2_000
        assert all(w >= 1 for _, w in items)
        # the CDF these weights give is DataSketches' own rank, value by value
        kll = sketch._kll()
        for value, _ in items[:: max(1, len(items) // 50)]:
            below = sum(w for v, w in items if v <= value)
            assert below / sketch.n == kll.get_rank(value, True)
    # the case this is all about happened (else the test would prove nothing)
    assert iterator_wrong > 0


@pytest.mark.parametrize("parts", [1, 3, 10])
def test_ks_and_wasserstein_of_merged_sketches_agree_with_scipy(parts: int) -> None:
    rng = np.random.default_rng(parts)
    a, b = rng.normal(0, 1, 60_000), rng.normal(0.05, 1, 40_000)

    def merged(values: np.ndarray) -> QuantileSketch:
        union = QuantileUnion()
        for chunk in np.array_split(values, parts):
            union.add(QuantileSketch.of(chunk, k=200))
        return union.result()

    sa, sb = merged(a), merged(b)
    d, bound = ks_distance_of(sa, sb)
    assert abs(d - stats.ks_2samp(a, b).statistic) <= bound
    w, w_bound = wasserstein_of(sa, sb)
    assert abs(w - stats.wasserstein_distance(a, b)) <= w_bound


def test_exact_values_repeat_each_value_as_often_as_it_was_seen() -> None:
    values = np.array([3.0, 1.0, 3.0, 2.0, 3.0])
    parts = [profile({"x": values[:2]}), profile({"x": values[2:]})]
    sketch = Profile.merge_all(parts)["x"].sketch  # type: ignore[union-attr]
    got = exact_values(sketch)
    assert got is not None
    assert got.tolist() == sorted(values.tolist())
