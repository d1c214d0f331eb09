"""The six binned distances against an independent computation straight from the SPEC text."""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from scipy.spatial.distance import jensenshannon

from driftscope import stats
from driftscope.stats._binning import bin_counts, reference_edges
from driftscope.testing.strategies import numeric_sample_pairs

FloatArray = NDArray[np.float64]
EPS = 1e-4


def spec_shares(r: FloatArray, c: FloatArray, k: int) -> tuple[FloatArray, FloatArray]:
    """(p, q) as SPEC section 2 words it, with numpy's own quantile and searchsorted."""
    edges = np.unique(np.quantile(r, np.arange(1, k) / k))
    bins = edges.size + 1
    q = np.bincount(np.searchsorted(edges, r, side="right"), minlength=bins) / r.size
    p = np.bincount(np.searchsorted(edges, c, side="right"), minlength=bins) / c.size
    return p, q


def _clip(p: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    return np.clip(p, EPS, None), np.clip(q, EPS, None)


def _psi(p: FloatArray, q: FloatArray) -> float:
    p, q = _clip(p, q)
    return float(((p - q) * np.log(p / q)).sum())


def _kl(p: FloatArray, q: FloatArray) -> float:
    p, q = _clip(p, q)
    return float((p * np.log(p / q)).sum())


SPEC: dict[str, Callable[[FloatArray, FloatArray], float]] = {
    "psi": _psi,
    "jensen_shannon": lambda p, q: float(jensenshannon(p, q, base=2)),
    "hellinger": lambda p, q: math.sqrt(1.0 - float(np.sqrt(p * q).sum())),
    "kl": _kl,
    "tvd": lambda p, q: 0.5 * float(np.abs(p - q).sum()),
    "l_infinity": lambda p, q: float(np.abs(p - q).max()),
}
DATA = {
    "normal": lambda rng, n, s: rng.normal(s, 1.0, n),
    "tied": lambda rng, n, s: np.round(rng.normal(s, 1.0, n), 1),
    "integer": lambda rng, n, s: rng.poisson(2.0 + s, n).astype(np.float64),
    "cauchy": lambda rng, n, s: rng.standard_cauchy(n) + s,
}


def _agrees(ours: float, spec: float) -> bool:
    # hellinger's SPEC form 1 - sum sqrt(pq) loses ~1e-16 absolute to cancellation, which
    # sqrt turns into ~1e-8 near 0; elsewhere the agreement is 1e-9 relative.
    return ours == pytest.approx(spec, rel=1e-9, abs=1e-7)


@pytest.mark.parametrize("n_bins", [2, 10, 37])
@pytest.mark.parametrize("sizes", [(50, 80), (20_000, 15_000)], ids=["small", "large"])
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", SPEC)
def test_binned_distance_matches_the_spec(
    name: str, data: str, sizes: tuple[int, int], n_bins: int
) -> None:
    rng = np.random.default_rng(zlib.crc32(f"{data}{sizes}".encode()))
    r, c = DATA[data](rng, sizes[0], 0.0), DATA[data](rng, sizes[1], 0.3)
    res = stats.get(name)(r, c, n_bins=n_bins)
    p, q = spec_shares(r, c, n_bins)
    assert _agrees(res.statistic, SPEC[name](p, q)), (res.statistic, SPEC[name](p, q))
    assert res.details["bins"] == p.size


@pytest.mark.parametrize("name", SPEC)
def test_binned_distance_on_labels_uses_one_bin_per_category(name: str) -> None:
    ref = ["a"] * 50 + ["b"] * 30 + ["c"] * 20
    cur = ["a"] * 20 + ["b"] * 30 + ["d"] * 50
    q = np.array([0.5, 0.3, 0.2, 0.0])
    p = np.array([0.2, 0.3, 0.0, 0.5])
    res = stats.get(name)(ref, cur)
    assert _agrees(res.statistic, SPEC[name](p, q))
    assert res.details["bins"] == 4


def test_psi_threshold_parameters_default_to_the_spec() -> None:
    method = stats.get("psi")
    assert method.default_threshold == 0.2
    assert method.params["n_bins"].default == 10
    assert method.params["eps"].default == 1e-4


def test_eps_changes_psi_only_through_empty_bins() -> None:
    ref, cur = ["a"] * 10 + ["b"] * 10, ["a"] * 20
    loose = stats.psi(ref, cur, eps=1e-2).statistic
    tight = stats.psi(ref, cur, eps=1e-6).statistic
    assert tight > loose > 0


@settings(max_examples=150, deadline=None)
@given(
    pair=numeric_sample_pairs(min_size=1, max_size=40),
    n_bins=st.integers(2, 12),
)
def test_edges_and_counts_equal_numpy_on_any_sample(
    pair: tuple[list[float], list[float]], n_bins: int
) -> None:
    r, c = np.sort(np.asarray(pair[0])), np.sort(np.asarray(pair[1]))
    edges = reference_edges(r, n_bins)
    expected = np.unique(np.quantile(r, np.arange(1, n_bins) / n_bins))
    # exactly equal; assert_array_equal holds -0.0 equal to 0.0, which bin values alike
    np.testing.assert_array_equal(edges, expected, strict=True)
    counts = np.bincount(np.searchsorted(edges, c, side="right"), minlength=edges.size + 1)
    assert bin_counts(c, edges).tolist() == counts.tolist()


def test_a_value_equal_to_an_edge_falls_in_the_bin_on_its_right() -> None:
    assert bin_counts(np.array([1.0, 2.0, 2.0, 3.0]), np.array([2.0])).tolist() == [1, 3]
