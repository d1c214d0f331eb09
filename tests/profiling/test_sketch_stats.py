"""A quantile sketch as the methods' weighted sample: exact while the sketch holds every value,
within its stated bound once it estimates, and the one KS / Wasserstein implementation the
profile path shares with ``from_sketches``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from driftscope import stats
from driftscope.profiling import NumericProfile, Profile, profile
from driftscope.profiling._sketch import QuantileSketch
from driftscope.profiling.sketch_stats import (
    error_bound,
    ks_distance_of,
    wasserstein_of,
    weighted_sample,
)


def test_a_sketch_that_holds_every_value_is_an_exact_weighted_sample() -> None:
    values = np.array([3.0, 1.0, 3.0, 2.0, 3.0])
    sample = weighted_sample(QuantileSketch.of(values))
    exact = stats.WeightedSample.of(values)
    assert sample.values.tolist() == exact.values.tolist()
    assert sample.weights.tolist() == exact.weights.tolist()
    assert (sample.error, sample.span, sample.std) == (0.0, 2.0, None)


def test_an_estimating_sketch_states_its_error_and_keeps_its_exact_range() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(0, 1, 20_000)
    sketch = QuantileSketch.of(values, k=50)
    sample = weighted_sample(sketch, std=1.5)
    assert sketch.is_estimating
    assert sample.error == error_bound(sketch) > 0
    assert sample.n == sketch.n == values.size
    assert sample.span == float(values.max() - values.min())
    assert sample.std == 1.5


@pytest.mark.parametrize("parts", [1, 4])
def test_from_sketches_stays_within_its_bound_of_the_raw_result(parts: int) -> None:
    rng = np.random.default_rng(parts)
    a, b = rng.normal(0, 1, 40_000), rng.normal(0.05, 1.1, 30_000)

    def side(values: np.ndarray) -> NumericProfile:
        merged = Profile.merge_all(profile({"x": c}, k=100) for c in np.array_split(values, parts))
        col = merged["x"]
        assert isinstance(col, NumericProfile)
        return col

    ra, rb = side(a), side(b)
    ref = weighted_sample(ra.sketch, std=math.sqrt(ra.m2 / ra.n_finite))
    cur = weighted_sample(rb.sketch)
    ks = stats.get("ks").from_sketches(ref, cur)
    assert ks.details["approximate"] is True
    low, high = ks.details["statistic_range"]
    assert low <= sps.ks_2samp(a, b).statistic <= high
    assert (ks.statistic, ks.details["error_bound"]) == ks_distance_of(ra.sketch, rb.sketch)
    w = stats.get("wasserstein").from_sketches(ref, cur)
    low, high = w.details["statistic_range"]
    assert low <= stats.wasserstein(a, b).statistic <= high
    assert w.details["reference_std"] == pytest.approx(float(np.std(a)), rel=1e-12)
    assert w.details["unscaled"] == wasserstein_of(ra.sketch, rb.sketch)[0]
