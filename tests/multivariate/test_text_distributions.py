"""Each text descriptor keeps its distribution on each side: shares over shared, increasing
edges between the pooled 1st and 99th percentiles, summing to 1 a side, the end bins holding
the tails; no edges for a constant descriptor; the whole range where most values are equal;
a descriptor that moved shows its mass moved the way its means did; the JSON carries it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from driftscope.multivariate.text import text_drift
from driftscope.multivariate.text._tokens import count_terms
from driftscope.multivariate.text.descriptors import DESCRIPTORS, describe
from driftscope.multivariate.text.drift import BINS, DescriptorDrift
from driftscope.report.json_format import text_to_dict
from tests._fortunes import fortunes, needs_fortunes


def _centre(d: DescriptorDrift, shares: tuple[float, ...]) -> float:
    """The mean of the bin centres weighted by ``shares``."""
    edges = np.asarray(d.edges)
    return float(np.dot((edges[:-1] + edges[1:]) / 2, shares))


@needs_fortunes
def test_every_descriptor_keeps_shares_summing_to_one_over_increasing_edges() -> None:
    found = text_drift(fortunes("computers"), fortunes("love"))
    assert [d.name for d in found.descriptors] == list(DESCRIPTORS)
    for d in found.descriptors:
        assert len(d.edges) == BINS + 1, d.name
        assert all(math.isfinite(e) for e in d.edges)
        assert all(b > a for a, b in zip(d.edges, d.edges[1:], strict=False)), d.name
        assert np.allclose(np.diff(d.edges), np.diff(d.edges)[0]), "equal-width bins"
        for shares in (d.reference_shares, d.current_shares):
            assert len(shares) == BINS
            assert min(shares) >= 0
            assert sum(shares) == pytest.approx(1.0, abs=1e-12), d.name
        assert d.value_range is not None
        assert d.value_range[0] <= d.edges[0] < d.edges[-1] <= d.value_range[1]


@needs_fortunes
def test_shares_are_each_sides_clipped_histogram_between_the_pooled_percentiles() -> None:
    reference, current = fortunes("computers"), fortunes("love")
    found = text_drift(reference, current)
    counts = count_terms(reference, current)
    ref = describe(reference, counts, slice(0, len(reference)))
    cur = describe(current, counts, slice(len(reference), len(reference) + len(current)))
    for d in found.descriptors:
        a, b = ref[d.name], cur[d.name]
        pooled = np.concatenate((a, b))
        lo, hi = np.percentile(pooled, [1, 99])
        if not hi > lo:
            lo, hi = pooled.min(), pooled.max()
        assert d.edges[0] == lo, d.name
        assert d.edges[-1] == hi, d.name
        assert d.value_range == (pooled.min(), pooled.max())
        edges = np.asarray(d.edges)  # given edges: numpy's other (sorting) code path
        for x, shares in ((a, d.reference_shares), (b, d.current_shares)):
            expected = np.histogram(np.clip(x, lo, hi), edges)[0] / x.size
            assert np.array_equal(np.asarray(shares), expected), d.name


@needs_fortunes
def test_a_descriptor_that_moved_shows_its_mass_moved_the_way_its_means_did() -> None:
    found = text_drift(fortunes("computers"), fortunes("love"))
    length = next(d for d in found.moved_descriptors if d.name == "length")
    moved = _centre(length, length.current_shares) - _centre(length, length.reference_shares)
    by_means = length.current_mean - length.reference_mean
    assert by_means != 0
    assert np.sign(moved) == np.sign(by_means)
    # Binned and clipped to the 1st-99th percentiles, the centres move by a like amount.
    assert abs(moved) == pytest.approx(abs(by_means), rel=0.5)
    # The cumulative shares tell the same: one side's lie above the other's at every edge.
    lower, higher = (
        (length.current_shares, length.reference_shares)
        if by_means > 0
        else (length.reference_shares, length.current_shares)
    )
    assert np.all(np.cumsum(lower)[:-1] <= np.cumsum(higher)[:-1] + 0.02)


def test_texts_made_twice_as_long_move_their_length_up_by_bins() -> None:
    rng = np.random.default_rng(3)
    words = ["drift", "model", "data", "shift", "label", "feature", "a", "the"]
    texts = [" ".join(rng.choice(words, rng.integers(3, 12))) for _ in range(400)]
    found = text_drift(texts[:200], [f"{t} {t}" for t in texts[200:]])
    length = next(d for d in found.descriptors if d.name == "length")
    assert _centre(length, length.current_shares) > 1.5 * _centre(length, length.reference_shares)


def test_a_constant_descriptor_keeps_no_edges() -> None:
    texts = [f"word{'s' * (i % 7)} and more" for i in range(40)]  # no digits anywhere
    found = text_drift(texts[:20], texts[20:])
    digits = next(d for d in found.descriptors if d.name == "digit_share")
    assert digits.edges == ()
    assert digits.reference_shares == digits.current_shares == ()
    assert digits.value_range == (0.0, 0.0)
    assert len(next(d for d in found.descriptors if d.name == "length").edges) == BINS + 1


def test_a_descriptor_equal_but_for_a_few_texts_spans_its_whole_range() -> None:
    texts = [f"plain words here {'x' * (i % 5)}" for i in range(400)]
    texts[7] = "room 101 of 2024"  # the only digits: its percentiles are both 0
    found = text_drift(texts[:200], texts[200:])
    digits = next(d for d in found.descriptors if d.name == "digit_share")
    assert digits.value_range is not None
    assert digits.edges[0] == 0.0
    assert digits.edges[-1] == pytest.approx(7 / 16) == digits.value_range[1]
    assert digits.reference_shares[-1] == pytest.approx(1 / 200)
    assert digits.current_shares[-1] == 0


def test_the_end_bins_hold_the_tails() -> None:
    texts = [f"some words {'y' * (i % 9)}" for i in range(400)]
    current = texts[200:]
    current[:3] = ["long " * 400] * 3  # far beyond the 99th percentile of the pooled lengths
    found = text_drift(texts[:200], current)
    length = next(d for d in found.descriptors if d.name == "length")
    assert length.value_range is not None
    assert length.value_range[1] > length.edges[-1]
    beyond = 3 / 200
    assert length.current_shares[-1] >= beyond
    assert sum(length.current_shares) == pytest.approx(1.0)


@needs_fortunes
def test_the_json_carries_each_descriptors_distribution() -> None:
    found = text_drift(fortunes("computers"), fortunes("love"))
    entries = text_to_dict(found)["descriptors"]
    for d, entry in zip(found.descriptors, entries, strict=True):
        assert entry["edges"] == list(d.edges)
        assert entry["reference_shares"] == list(d.reference_shares)
        assert entry["current_shares"] == list(d.current_shares)
        assert all(isinstance(v, float) for v in entry["edges"] + entry["current_shares"])
        expected = None if d.value_range is None else list(d.value_range)
        assert entry["value_range"] == expected
    length = next(e for e in entries if e["name"] == "length")
    low, high = length["value_range"]
    assert low <= length["edges"][0] < length["edges"][-1] <= high  # the tails lie beyond


def test_the_json_writes_no_number_as_nan() -> None:
    texts = [f"word{'s' * (i % 7)} and more" for i in range(40)]
    found = text_drift(texts[:20], texts[20:])
    odd = DescriptorDrift(
        "length", 0.5, 0.01, 1.0, 2.0, (0.0, math.nan, 2.0), (math.nan, 1.0), (0.5, 0.5)
    )
    from dataclasses import replace

    entries = text_to_dict(replace(found, descriptors=(odd,)))["descriptors"]
    assert entries[0]["edges"] == [0.0, None, 2.0]
    assert entries[0]["reference_shares"] == [None, 1.0]
    constant = next(e for e in text_to_dict(found)["descriptors"] if e["name"] == "digit_share")
    assert constant["edges"] == constant["reference_shares"] == constant["current_shares"] == []
