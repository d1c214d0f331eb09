"""Merges of a few sketches are carried out when first read (``DEFERRED_INPUTS``): chaining
merges two at a time must give what one merge of all the inputs gives, on either side of
the threshold, read or unread in between."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.profiling import NumericProfile, Profile, profile
from driftscope.profiling._sketch import (
    DEFERRED_INPUTS,
    DistinctSketch,
    DistinctUnion,
    QuantileSketch,
    QuantileUnion,
)

from ._helpers import exact

# up to 80 parts: chains that stay deferred, and chains that cross the threshold twice
PARTS = st.lists(st.lists(st.integers(-50, 50), max_size=12), min_size=1, max_size=80)


S = TypeVar("S", QuantileSketch, DistinctSketch)


def _chain(
    sketches: list[S],
    union_type: Callable[[], QuantileUnion | DistinctUnion],
    read: Callable[[S], object],
    read_every: int,
) -> S:
    """``((s0 + s1) + s2) + ...`` two at a time, reading every ``read_every``-th result (which
    settles a deferred merge)."""
    acc = sketches[0]
    for i, sketch in enumerate(sketches[1:], 1):
        union: Any = union_type()
        union.add(acc)
        union.add(sketch)
        acc = union.result()
        if read_every and i % read_every == 0:
            read(acc)
    return acc


@settings(max_examples=60, deadline=None)
@given(PARTS, st.sampled_from([0, 1, 7, 40]))
def test_chained_quantile_merges_equal_a_sketch_of_all_values(
    parts: list[list[int]], read_every: int
) -> None:
    # Under k values in all, KLL keeps every value: the merge is exact and can be compared
    # value by value.
    sketches = [QuantileSketch.of(np.array(p, dtype=np.float64)) for p in parts]
    merged = _chain(sketches, QuantileUnion, lambda s: s.n, read_every)
    values = sorted(float(v) for p in parts for v in p)
    assert merged.n == len(values)
    assert sorted(v for v, w in merged.items() for _ in range(w)) == values
    if values:
        qs = [0.0, 0.1, 0.5, 0.9, 1.0]
        expected = np.quantile(values, qs, method="inverted_cdf").tolist()
        assert merged.quantiles(qs) == expected


@settings(max_examples=60, deadline=None)
@given(PARTS, st.sampled_from([0, 1, 7, 40]))
def test_chained_distinct_unions_equal_one_union_of_all_sketches(
    parts: list[list[int]], read_every: int
) -> None:
    # Spread the small ints over a wide range so that some parts are large enough for the
    # sketch to leave its exact list mode.
    sketches = [
        DistinctSketch.of_strings(str(v * 997 + j) for v in p for j in range(abs(v) * 4))
        for p in parts
    ]
    acc = _chain(sketches, DistinctUnion, lambda s: s.estimate, read_every)
    at_once = DistinctUnion()
    for sketch in sketches:
        at_once.add(sketch)
    direct = at_once.result()
    assert acc.estimate == direct.estimate
    assert acc.bounds() == direct.bounds()
    assert acc.to_bytes() == direct.to_bytes()
    back = DistinctSketch.from_bytes(acc.to_bytes())
    assert back.estimate == direct.estimate


def test_a_union_holds_a_bounded_number_of_sketches() -> None:
    # The documented bound: streaming 1,000 parts through one union never keeps more than
    # DEFERRED_INPUTS of them alive, and a result past it is a sketch, not a list of inputs.
    quantiles, distinct = QuantileUnion(), DistinctUnion()
    for i in range(1000):
        quantiles.add(QuantileSketch.of(np.array([float(i)])))
        distinct.add(DistinctSketch.of_strings([str(i)]))
        assert len(quantiles._inputs) <= DEFERRED_INPUTS
        assert len(distinct._inputs) <= DEFERRED_INPUTS
    assert quantiles.result()._pending == ()
    assert quantiles.result().n == 1000
    result = distinct.result()
    assert result._pending == ()
    low, high = result.bounds()
    assert low <= 1000 <= high


def test_adding_up_many_profiles_equals_merging_them_at_once() -> None:
    rng = np.random.default_rng(11)
    parts = [
        profile(
            {
                "x": rng.normal(size=10),
                "n": rng.integers(0, 40, 10),
                "city": rng.choice(["Oslo", "Rome", "Lima"], 10),
            }
        )
        for _ in range(3 * DEFERRED_INPUTS)
    ]
    summed = functools.reduce(operator.add, parts)
    at_once = Profile.merge_all(parts)
    assert exact(summed) == exact(at_once)
    for name in ("x", "n"):
        a, b = summed[name], at_once[name]
        assert isinstance(a, NumericProfile)
        assert isinstance(b, NumericProfile)
        assert a.sketch.items() == b.sketch.items()  # 960 values < k: both exact
        assert a.distinct is not None
        assert b.distinct is not None
        assert a.distinct.estimate == b.distinct.estimate
    assert summed["city"].distinct is not None
    assert summed["city"].distinct.estimate == 3.0
    # and the sum reads back from bytes as it is
    assert exact(Profile.from_bytes(summed.to_bytes())) == exact(summed)
