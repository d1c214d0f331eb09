"""Distinct-count sketches, and the frequent-items sketch that takes over above the cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import driftscope as ds
from driftscope.profiling import (
    CategoricalProfile,
    DistinctSketch,
    NumericProfile,
    Profile,
    column,
    profile,
)


def _cat(p: Profile, name: str) -> CategoricalProfile:
    col = p[name]
    assert isinstance(col, CategoricalProfile)
    return col


def test_distinct_counts_are_exact_while_small() -> None:
    rng = np.random.default_rng(0)
    p = profile(
        {
            "plan": rng.choice([f"p{i}" for i in range(37)], 5_000),
            "visits": rng.integers(0, 25, 5_000),
            "amount": rng.normal(size=5_000),
        }
    )
    assert _cat(p, "plan").n_distinct == 37
    assert _cat(p, "plan").distinct is not None
    assert _cat(p, "plan").distinct.estimate == 37  # type: ignore[union-attr]
    visits = p["visits"]
    assert isinstance(visits, NumericProfile)
    assert visits.distinct is not None
    assert visits.distinct.estimate == len(np.unique(rng.integers(0, 25, 5_000))) == 25
    amount = p["amount"]
    assert isinstance(amount, NumericProfile)
    assert amount.distinct is not None  # 5,000 values: under the float limit
    assert amount.distinct.bounds()[0] <= 5_000 <= amount.distinct.bounds()[1]


def test_floats_keep_a_distinct_sketch_only_below_the_limit() -> None:
    rng = np.random.default_rng(2)
    # Whole numbers stored as floats (what pandas makes of integers with NaN among them).
    counts = np.where(rng.random(100_000) < 0.1, np.nan, rng.integers(0, 500, 100_000))
    continuous = rng.normal(size=column.FLOAT_DISTINCT_LIMIT + 1)
    p = profile({"counts": counts, "continuous": np.resize(continuous, 100_000)})
    discrete, smooth = p["counts"], p["continuous"]
    assert isinstance(discrete, NumericProfile)
    assert isinstance(smooth, NumericProfile)
    assert discrete.distinct is not None
    truth = len(np.unique(counts[~np.isnan(counts)]))
    low, high = discrete.distinct.bounds()
    assert low <= truth <= high
    assert abs(discrete.distinct.estimate - truth) / truth < 0.02
    assert smooth.distinct is None  # one update per row: not kept
    # A part past the limit leaves the merged column without a sketch, not with part of one.
    few = profile({"x": np.arange(10.0) / 2})
    many = profile({"x": continuous})
    assert few["x"].distinct is not None
    assert (few + many)["x"].distinct is None


def test_distinct_sketch_of_a_large_integer_column_is_within_its_bounds() -> None:
    rng = np.random.default_rng(1)
    values = rng.integers(0, 2_000_000, 400_000)
    sketch = profile({"n": values})["n"].distinct  # type: ignore[union-attr]
    assert sketch is not None
    truth = len(np.unique(values))
    low, high = sketch.bounds()
    assert low <= truth <= high
    assert abs(sketch.estimate - truth) / truth < 0.05


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from([f"c{i}" for i in range(60)]), max_size=40), max_size=5))
def test_merged_distinct_counts_equal_the_labels_seen(parts: list[list[str]]) -> None:
    schema = {"c": "categorical"}
    merged = Profile.empty()
    for part in parts:
        merged = merged + profile({"c": part}, schema=schema)
    seen = {label for part in parts for label in part}
    if not merged.is_empty:
        col = _cat(merged, "c")
        assert col.n_distinct == len(seen)
        assert col.distinct is not None
        assert col.distinct.estimate == len(seen)


def test_above_the_cap_the_most_frequent_labels_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(column, "MAX_CATEGORIES", 50)
    rng = np.random.default_rng(2)
    labels = [f"user{i}" for i in range(400)]
    data = ["big"] * 3_000 + ["second"] * 1_000 + rng.choice(labels, 6_000).tolist()
    col = _cat(profile({"who": data}, schema={"who": "categorical"}), "who")
    assert not col.exact
    assert dict(col.counts) == {}
    assert col.count == 10_000  # exact either way
    assert col.frequent is not None
    top = col.frequent.top(2)
    assert [t[0] for t in top] == ["big", "second"]
    for _, estimate, low, high in top:
        assert low <= estimate <= high
    assert top[0][2] <= 3_000 <= top[0][3]
    assert col.n_distinct == pytest.approx(402, rel=0.05)


def test_merge_past_the_cap_switches_to_frequent_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(column, "MAX_CATEGORIES", 3)
    a, b = profile({"city": ["a", "b", "a"]}), profile({"city": ["c", "d"]})
    assert _cat(a, "city").exact
    merged = _cat(a + b, "city")
    assert not merged.exact
    assert merged.count == 5
    assert merged.frequent is not None
    assert merged.frequent.top(1)[0][:2] == ("a", 2)
    again = _cat(Profile.from_bytes((a + b).to_bytes()), "city")
    assert again.count == 5
    assert again.frequent is not None
    assert again.frequent.top(1)[0][:2] == ("a", 2)
    assert again.n_distinct == 4
    # exact + frequent, and the other way round, give the same counts
    both = _cat((a + b) + a, "city")
    assert both.count == _cat(a + (b + a), "city").count == 8


def test_comparing_a_column_past_the_cap_is_a_clear_column_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(column, "MAX_CATEGORIES", 3)
    ref = {"city": ["a", "b", "c", "d"] * 50, "x": np.arange(200.0)}
    schema = {"city": "categorical"}
    res = {c.name: c for c in ds.compare(profile(ref, schema=schema), ref, schema=schema).columns}
    assert res["city"].error == (
        "column 'city' has more than 3 categories in the reference profile, which keeps only "
        "the most frequent ones, approximately; categorical tests need exact counts: compare "
        "raw data, or leave the column out (schema type 'ignored')"
    )
    assert res["x"].error is None


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(-20, 20), max_size=60).map(lambda xs: sorted(float(x) for x in xs)),
    st.integers(1, 30),
)
def test_a_float_distinct_sketch_is_kept_exactly_up_to_the_limit(
    values: list[float], limit: int
) -> None:
    sketch = DistinctSketch.of_numbers(np.array(values), limit=limit)
    distinct = len(set(values))
    assert (sketch is None) == (distinct > limit)
    if sketch is not None:
        assert sketch.estimate == distinct


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=12),
        min_size=1,
        max_size=8,
    ),
    st.integers(2, 6),
)
def test_merged_payloads_count_exactly_until_the_cap(parts: list[list[str]], cap: int) -> None:
    # Parts with the same labels as the one before them (added as arrays) and parts with
    # others (added label by label), under a cap the merge may cross at any part.
    original = column.MAX_CATEGORIES
    column.MAX_CATEGORIES = cap
    try:
        profiles = [profile({"city": part}, schema={"city": "categorical"}) for part in parts]
        merged = _cat(ds.profiling.merge_payloads(p.to_bytes() for p in profiles), "city")
        in_memory = _cat(Profile.merge_all(profiles), "city")
    finally:
        column.MAX_CATEGORIES = original
    rows = [label for part in parts for label in part]
    assert merged.count == in_memory.count == len(rows)
    if len(set(rows)) <= cap and all(len(set(part)) <= cap for part in parts):
        assert merged.exact
        assert dict(merged.counts) == {label: rows.count(label) for label in set(rows)}
        assert merged.counts == in_memory.counts
    else:
        assert not merged.exact
        assert merged.frequent is not None
        # Five labels fit the sketch: its counts are exact.
        assert {label: n for label, n, _, _ in merged.frequent.top(10)} == {
            label: rows.count(label) for label in set(rows)
        }


def test_merged_distinct_sketches_are_written_in_four_bits_a_bucket() -> None:
    # A merge keeps the union's own 8-bit layout; writing converts it back to HLL_4, so a
    # merged profile is no bigger than one profiled in one go, and reads back the same.
    rng = np.random.default_rng(3)
    parts = [profile({"n": rng.integers(0, 100_000, 20_000)}) for _ in range(5)]
    merged = Profile.merge_all(parts)
    sketch = merged["n"].distinct
    assert sketch is not None
    back = Profile.from_bytes(merged.to_bytes())["n"].distinct
    assert back is not None
    assert back.estimate == sketch.estimate
    assert back.bounds() == sketch.bounds()
    # HLL_4: 2,048 bytes of buckets plus a few exceptions; HLL_8 would take 4,096.
    assert len(sketch.to_bytes()) < 2_300
