"""Profile.merge is a monoid: checked by hypothesis on exact fields, moments and sketches."""

from __future__ import annotations

import functools
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftscope.errors import ProfileError
from driftscope.profiling import NumericProfile, Profile, merge_payloads, profile

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


@FAST
@given(st.lists(chunks, max_size=6), st.randoms(use_true_random=False))
def test_merging_payloads_equals_merging_their_profiles(
    parts: list[list[Row]], rnd: random.Random
) -> None:
    # Each part binned on the first one's edges (so histograms add up), some parts with
    # their columns in another order, as a part written by another process may have them.
    profiles = [profile_rows(part) for part in parts]
    if profiles:
        profiles = [profiles[0]] + [profile_rows(part, bins=profiles[0]) for part in parts[1:]]
    shuffled = [_reordered(p, rnd) for p in profiles]
    for p in shuffled:  # each reads back as itself, whatever its column order
        assert exact(Profile.from_bytes(p.to_bytes())) == exact(p)
    from_bytes = merge_payloads(p.to_bytes() for p in shuffled)
    in_memory = Profile.merge_all(shuffled)
    assert exact(from_bytes) == exact(in_memory)
    assert moments(from_bytes) == moments(in_memory)  # the same arithmetic, in the same order
    assert list(from_bytes) == list(in_memory)  # the first part's column order
    for name in in_memory:
        col, other = in_memory[name], from_bytes[name]
        if isinstance(col, NumericProfile):
            assert isinstance(other, NumericProfile)
            assert other.histogram == col.histogram
            assert other.sketch.n == col.sketch.n
            if col.sketch.n:
                assert other.sketch.quantiles([0.0, 1.0]) == col.sketch.quantiles([0.0, 1.0])
        assert (other.distinct is None) == (col.distinct is None)
        if col.distinct is not None and other.distinct is not None:
            assert other.distinct.estimate == col.distinct.estimate


def _reordered(p: Profile, rnd: random.Random) -> Profile:
    names = list(p)
    rnd.shuffle(names)
    return Profile(p.n_rows, {name: p[name] for name in names})


def test_histograms_on_other_edges_are_dropped_column_by_column() -> None:
    a = profile({"x": np.arange(100.0), "y": np.arange(100.0)})
    b = profile({"x": np.arange(100.0) + 50, "y": np.arange(100.0)}, bins=a)
    c = profile({"x": np.arange(100.0) + 50, "y": np.arange(100.0)})  # its own edges
    for merged in (
        Profile.merge_all([a, b, c]),
        merge_payloads([a.to_bytes(), b.to_bytes(), c.to_bytes()]),
    ):
        x, y = merged["x"], merged["y"]
        assert isinstance(x, NumericProfile)
        assert isinstance(y, NumericProfile)
        assert x.histogram is None  # c counted x on other edges
        assert y.histogram is not None  # every part has y's same edges
        assert y.histogram.counts == tuple(3 * n for n in a["y"].histogram.counts)  # type: ignore[union-attr]


def test_merge_payloads_names_the_bad_part() -> None:
    good = profile({"x": [1.0, 2.0]}).to_bytes()
    with pytest.raises(ProfileError) as info:
        merge_payloads([good, good, good[:-1]])
    assert str(info.value) == (
        f"Profile.from_bytes: the profile is truncated ({len(good) - 1} of {len(good)} bytes) "
        "(part 2 of the merge)"
    )
    other = profile({"x": ["a", "b"]}).to_bytes()
    with pytest.raises(ProfileError) as info:
        merge_payloads([good, other])
    assert str(info.value) == (
        "Profile.merge: column 'x' is numeric in one profile but categorical in another; "
        "profile all of them with the same schema (part 1 of the merge)"
    )


def test_merge_payloads_reads_every_format_version() -> None:
    from tests.profiling.test_serialize import VERSION_2_PAYLOAD, VERSION_3_PAYLOAD

    merged = merge_payloads([VERSION_3_PAYLOAD, VERSION_2_PAYLOAD, Profile.empty().to_bytes()])
    alone = Profile.from_bytes(VERSION_3_PAYLOAD)
    assert merged.n_rows == 2 * alone.n_rows
    assert merged["city"].count == 2 * alone["city"].count
    # Version 2 recorded no type counts: the merged column has none rather than half of them.
    assert merged["city"].type_counts is None
    assert merge_payloads([]).is_empty
