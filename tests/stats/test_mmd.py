"""MMD against an independent full-matrix computation with the same permutations."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.spatial.distance import cdist, pdist

from driftscope import stats
from driftscope.stats.mmd import group_indicators, mmd2_columns

FloatArray = NDArray[np.float64]


def _unbiased_mmd2(x: FloatArray, y: FloatArray, sigma: float) -> float:
    def k(a: FloatArray, b: FloatArray) -> FloatArray:
        return np.exp(-cdist(a, b, "sqeuclidean") / (2.0 * sigma**2))

    m, n = len(x), len(y)
    kxx, kyy = k(x, x), k(y, y)
    within_x = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    within_y = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(within_x + within_y - 2.0 * k(x, y).mean())


def oracle(x: FloatArray, y: FloatArray, n_perm: int, seed: int) -> tuple[float, float, float]:
    """(MMD^2, p-value, sigma) following SPEC section 2 literally, all pairs in memory."""
    pooled = np.concatenate((x, y))
    sigma = float(np.median(pdist(pooled))) or 1.0
    observed = _unbiased_mmd2(x, y, sigma)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_perm):
        perm = rng.permutation(len(pooled))
        hits += _unbiased_mmd2(pooled[perm[: len(x)]], pooled[perm[len(x) :]], sigma) >= observed
    return observed, (1 + hits) / (1 + n_perm), sigma


def _rows(sample: FloatArray) -> FloatArray:
    """The canonical order mmd uses: sorted values, or rows in lexicographic order."""
    if sample.ndim == 1:
        return np.sort(sample)[:, None]
    return sample[np.lexsort(sample.T[::-1])]


@pytest.mark.parametrize(
    ("shape_r", "shape_c", "shift"),
    [((40,), (55,), 0.0), ((40,), (55,), 0.6), ((30, 3), (45, 3), 0.4), ((25, 2), (25, 2), 0.0)],
    ids=["one_d_null", "one_d_shift", "three_d_shift", "two_d_null"],
)
def test_mmd_matches_the_full_matrix_oracle(
    shape_r: tuple[int, ...], shape_c: tuple[int, ...], shift: float
) -> None:
    rng = np.random.default_rng(7)
    r, c = rng.normal(0.0, 1.0, shape_r), rng.normal(shift, 1.0, shape_c)
    res = stats.mmd(r, c, n_permutations=60, seed=3)
    statistic, p_value, sigma = oracle(_rows(r), _rows(c), 60, 3)
    assert res.statistic == pytest.approx(statistic, rel=1e-9, abs=1e-12)
    assert res.p_value == p_value
    assert res.details["sigma"] == sigma


def test_blocks_do_not_change_the_statistics() -> None:
    points = np.random.default_rng(2).normal(size=(50, 2))
    indicators = group_indicators(20, 30, 9, 0)
    whole = mmd2_columns(points, indicators, 1.3)
    blocked = mmd2_columns(points, indicators, 1.3, block_elements=1)
    np.testing.assert_allclose(blocked, whole, rtol=1e-12, atol=1e-15)


def test_zero_median_distance_uses_sigma_one() -> None:
    # Most points coincide, so the median pairwise distance is 0.
    res = stats.mmd([0.0] * 10 + [1.0], [0.0] * 10 + [2.0], n_permutations=10)
    assert res.details["sigma"] == 1.0


def test_seed_makes_the_p_value_reproducible() -> None:
    rng = np.random.default_rng(5)
    r, c = rng.normal(size=30), rng.normal(0.3, size=30)
    assert stats.mmd(r, c, seed=11).p_value == stats.mmd(r, c, seed=11).p_value
    assert stats.mmd(r, c, seed=None).details["seed"] is None


def test_mismatched_dimensions_are_an_input_error() -> None:
    from driftscope.errors import InputError

    with pytest.raises(InputError, match=r"^mmd: reference points have 2 coordinates"):
        stats.mmd(np.zeros((5, 2)) + np.arange(5)[:, None], np.ones((5, 3)) * np.arange(5)[:, None])


def test_rows_with_missing_or_inf_coordinates() -> None:
    from driftscope.errors import InputError

    r = [[0.0, 1.0], [1.0, None], [2.0, 0.5], [3.0, 1.5]]
    c = [[0.5, 1.0], [1.5, 2.0], [float("inf"), 0.0], [2.5, 0.0]]
    with pytest.raises(InputError, match=r"^mmd: current has 1 \+/-inf"):
        stats.mmd(r, c)
    res = stats.mmd(r, c, inf_as_missing=True)
    assert (res.details["reference_missing"], res.details["current_missing"]) == (1, 1)
    assert res.details["n_reference"] == 3
