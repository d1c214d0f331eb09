"""Profile.merge is a monoid: checked by hypothesis on exact fields, moments and sketches."""

from __future__ import annotations

import functools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.profiling import NumericProfile, Profile, profile

from ._helpers import Row, assert_close_moments, chunks, exact, moments, profile_rows

FAST = settings(max_examples=60, deadline=None)


@FAST
@given(chunks, chunks, chunks)
def test_merge_is_associative(a: list[Row], b: list[Row], c: list[Row]) -> None:
    pa_, pb, pc = profile_rows(a), profile_rows(b), profile_rows(c)
    left, right = (pa_ + pb) + pc, pa_ + (pb + pc)
    assert exact(left) == exact(right)
    assert_close_moments(left, right, [r[0] for r in a + b + c])


@FAST
@given(chunks, chunks)
def test_merge_is_commutative_on_exact_fields(a: list[Row], b: list[Row]) -> None:
    pa_, pb = profile_rows(a), profile_rows(b)
    assert exact(pa_ + pb) == exact(pb + pa_)
    assert_close_moments(pa_ + pb, pb + pa_, [r[0] for r in a + b])


@FAST
@given(chunks)
def test_empty_profile_is_the_identity(a: list[Row]) -> None:
    p = profile_rows(a)
    for merged in (Profile.empty() + p, p + Profile.empty(), p.merge(Profile.empty())):
        assert exact(merged) == exact(p)
        assert moments(merged) == moments(p)
    assert (Profile.empty() + Profile.empty()).is_empty


@FAST
@given(st.lists(chunks, min_size=1, max_size=5))
def test_merging_chunk_profiles_equals_one_profile_of_all_rows(parts: list[list[Row]]) -> None:
    rows = [r for part in parts for r in part]
    merged = functools.reduce(Profile.merge, map(profile_rows, parts), Profile.empty())
    whole = profile_rows(rows)
    assert exact(merged) == exact(whole)
    assert_close_moments(merged, whole, [r[0] for r in rows])


@FAST
@given(st.lists(chunks, min_size=1, max_size=5))
def test_merged_mean_and_variance_match_numpy(parts: list[list[Row]]) -> None:
    merged = functools.reduce(Profile.merge, map(profile_rows, parts), Profile.empty())
    values = np.array([r[0] for part in parts for r in part], dtype=np.float64)
    finite = values[np.isfinite(values)]
    col = merged["x"]
    assert isinstance(col, NumericProfile)
    assert col.n_finite == finite.size
    scale = float(np.abs(finite).max()) if finite.size else 0.0
    if finite.size == 0:
        assert col.mean is None
        assert col.variance is None
        return
    assert col.mean is not None
    assert math.isclose(col.mean, float(finite.mean()), rel_tol=1e-9, abs_tol=1e-9 * scale)
    if finite.size >= 2:
        assert col.variance is not None
        expected = float(finite.var(ddof=1))
        assert math.isclose(col.variance, expected, rel_tol=1e-9, abs_tol=1e-9 * scale * scale)
    else:
        assert col.variance is None


def test_merged_sketch_counts_every_value_and_keeps_its_rank_error() -> None:
    rng = np.random.default_rng(7)
    parts = [rng.normal(loc, 1.0, 3000) for loc in (0.0, 1.0, 5.0)]
    merged = functools.reduce(Profile.merge, (profile({"x": p}) for p in parts))
    col = merged["x"]
    assert isinstance(col, NumericProfile)
    assert col.sketch.n == col.n_finite == 9000
    values = np.sort(np.concatenate(parts))
    # rank_error holds with 99% confidence per quantile; twice it is never exceeded in practice
    # and keeps this test from failing once in a hundred runs.
    for q in (0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99):
        rank = np.searchsorted(values, col.sketch.quantile(q), side="right") / values.size
        assert abs(rank - q) <= 2 * col.sketch.rank_error


def test_plus_and_merge_agree_and_sum_works_from_empty() -> None:
    a = profile({"x": [1.0, 2.0]})
    b = profile({"x": [3.0]})
    total = sum([a, b], Profile.empty())
    assert exact(total) == exact(a.merge(b)) == exact(a + b)
    assert a.__add__(3) is NotImplemented  # type: ignore[operator]


@FAST
@given(st.lists(chunks, max_size=6))
def test_merge_all_equals_adding_up_left_to_right(parts: list[list[Row]]) -> None:
    profiles = [profile_rows(part) for part in parts]
    at_once = Profile.merge_all(profiles)
    pairwise = functools.reduce(Profile.merge, profiles, Profile.empty())
    assert exact(at_once) == exact(pairwise)
    assert_close_moments(at_once, pairwise, [r[0] for part in parts for r in part])
    for name in at_once:
        col, other = at_once[name], pairwise[name]
        if isinstance(col, NumericProfile):
            assert isinstance(other, NumericProfile)
            assert col.histogram == other.histogram
