"""Maximum mean discrepancy with a Gaussian kernel and a permutation test (SPEC section 2).

H0: both samples share one distribution (of any dimension: rows are points). The statistic is
the unbiased U-statistic estimate of MMD^2,

    sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (n (n - 1))
    - 2 sum_{i, j} k(x_i, y_j) / (m n),      k(a, b) = exp(-|a - b|^2 / (2 sigma^2)),

with sigma the median Euclidean distance over all pairs of the pooled sample (1 when that is
0; found exactly without materialising the pairs, see :mod:`._pairwise_median`). The p-value
is (1 + #{permuted MMD^2 >= observed}) / (1 + n_permutations): each permutation is
``rng.permutation(N)`` of the pooled sample (reference rows first, in sorted / lexicographic
order), its first m rows playing the reference, with ``rng = np.random.default_rng(seed)``.

Cost is O(N^2 (d + n_permutations)) time and O(N n_permutations) memory: the kernel matrix is
computed by blocks of rows and each block is multiplied at once by the N x (1 +
n_permutations) matrix of group indicators, so all permutations share one pass over it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.stats._pairwise_median import median_pairwise_distance
from driftscope.stats._params import integer
from driftscope.stats._params import seed as seed_param
from driftscope.stats._result import TestResult
from driftscope.stats._scaling import scale_exponent
from driftscope.stats.registry import NUMERIC, Method, Outcome, register

FloatArray = NDArray[np.float64]

N_PERMUTATIONS = 100
BLOCK_ELEMENTS = 1 << 22  # kernel entries per block of rows (32 MB of float64)
SMALLEST = float(np.finfo(np.float64).smallest_subnormal)


def _as_points(sample: FloatArray) -> FloatArray:
    return sample.reshape(-1, 1) if sample.ndim == 1 else sample


def group_indicators(
    n_reference: int, n_current: int, n_permutations: int, rng_seed: int | None
) -> FloatArray:
    """N x (1 + n_permutations) matrix: column 0 marks the reference rows, the others the rows
    that play the reference in each permutation.

    >>> group_indicators(2, 1, 1, 0).T.tolist()
    [[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]
    """
    n = n_reference + n_current
    indicators = np.zeros((n, 1 + n_permutations))
    indicators[:n_reference, 0] = 1.0
    rng = np.random.default_rng(rng_seed)
    for column in range(1, 1 + n_permutations):
        indicators[rng.permutation(n)[:n_reference], column] = 1.0
    return indicators


def squared_distances(block: FloatArray, points: FloatArray, norms: FloatArray) -> FloatArray:
    """|b - p|^2 for every row b of ``block`` and p of ``points`` (``norms``: |p|^2 of the
    points), from one BLAS product: |b|^2 + |p|^2 - 2 b.p, clipped at 0. Rows centred first
    keep its cancellation small; one coordinate takes the exact differences instead."""
    if points.shape[1] == 1:
        diff = block[:, 0, None] - points[None, :, 0]
        squared: FloatArray = diff * diff
        return squared
    squared = block @ points.T
    squared *= -2.0
    squared += norms[None, :]
    squared += (block * block).sum(axis=1)[:, None]
    np.maximum(squared, 0.0, out=squared)
    return squared


def mmd2_from_sums(
    quad: FloatArray, cross: FloatArray, total: float, m: float, n: float
) -> FloatArray:
    """Unbiased MMD^2 of each split from a'Ka (``quad``), a'K1 (``cross``) and 1'K1 for a
    kernel with 1 on its diagonal, a the split's 0/1 reference column and m = sum a."""
    within_r = quad - m
    within_c = total - 2.0 * cross + quad - n
    between = cross - quad
    mmd2: FloatArray = within_r / (m * (m - 1)) + within_c / (n * (n - 1)) - 2.0 * between / (m * n)
    return mmd2


def mmd2_columns(
    points: FloatArray,
    indicators: FloatArray,
    sigma: float,
    *,
    block_elements: int = BLOCK_ELEMENTS,
) -> FloatArray:
    """Unbiased MMD^2 for every split of ``points`` given by a column of ``indicators``.

    With a the 0/1 column, K the kernel matrix (diagonal 1) and m = sum a: the within-group
    sums are a'Ka - m and (1-a)'K(1-a) - n, the cross sum a'K1 - a'Ka; only K @ indicators,
    the row sums of K and its total are needed, accumulated block by block
    (``block_elements`` kernel entries at a time; it does not change the result).
    """
    n_points = points.shape[0]
    if points.shape[1] > 1:  # distances do not change; the BLAS product cancels less
        points = points - points.mean(axis=0)
    m = float(indicators[:, 0].sum())
    rows_per_block = max(1, block_elements // n_points)
    # not 0 where a tiny sigma's square underflows: distinct points then weigh 0, equal ones 1
    factor = -1.0 / max(2.0 * sigma**2, SMALLEST)
    norms = (points * points).sum(axis=1)
    quad = np.zeros(indicators.shape[1])  # a'Ka per column
    cross = np.zeros(indicators.shape[1])  # a'K1 per column
    total = 0.0  # 1'K1
    for start in range(0, n_points, rows_per_block):
        kernel = squared_distances(points[start : start + rows_per_block], points, norms)
        kernel *= factor
        with np.errstate(over="ignore"):  # inf over a tiny sigma: a kernel value of 0
            np.exp(kernel, out=kernel)
        block_indicators = indicators[start : start + rows_per_block]
        quad += np.einsum("ip,ip->p", block_indicators, kernel @ indicators)
        row_sums = kernel.sum(axis=1)
        cross += row_sums @ block_indicators
        total += float(row_sums.sum())
    return mmd2_from_sums(quad, cross, total, m, n_points - m)


def _mmd_kernel(
    reference: FloatArray, current: FloatArray, *, n_permutations: int, seed: int | None
) -> Outcome:
    ref, cur = _as_points(reference), _as_points(current)
    if ref.shape[1] != cur.shape[1]:
        raise ValueError(
            f"reference points have {ref.shape[1]} coordinates, current points {cur.shape[1]}"
        )
    points = np.concatenate((ref, cur))
    # Past 2**500 squared distances overflow: divide by a power of two first (exact; the
    # kernel, on distances over sigma, does not change), sigma and its fallback with them.
    exponent = scale_exponent(np.array([points.min(), points.max()])) if points.size else 0
    if exponent:
        points = np.ldexp(points, -exponent)
    sigma = median_pairwise_distance(points)
    if sigma == 0.0:
        sigma = math.ldexp(1.0, -exponent)
    indicators = group_indicators(ref.shape[0], cur.shape[0], n_permutations, seed)
    values = mmd2_columns(points, indicators, sigma)
    sigma = math.ldexp(sigma, exponent)
    observed = float(values[0])
    at_least = int(np.count_nonzero(values[1:] >= observed))
    p_value = (1 + at_least) / (1 + n_permutations)
    details = {
        "kernel": "gaussian",
        "sigma": sigma,
        "dimension": int(points.shape[1]),
        "n_permutations": n_permutations,
        "seed": seed,
    }
    return Outcome(observed, p_value, details)


MMD = register(
    Method(
        name="mmd",
        kinds=frozenset({NUMERIC}),
        higher_is_drift=False,
        default_threshold=0.05,
        summary="unbiased MMD^2, Gaussian kernel (median heuristic), permutation p-value",
        numeric_kernel=_mmd_kernel,
        params={"n_permutations": integer(N_PERMUTATIONS, minimum=1), "seed": seed_param(0)},
        min_size=2,
        multivariate=True,
    )
)


def mmd(
    reference: Any,
    current: Any,
    *,
    threshold: float | None = None,
    inf_as_missing: bool = False,
    n_permutations: int = N_PERMUTATIONS,
    seed: int | None = 0,
) -> TestResult:
    """MMD permutation test; drift when p < threshold (0.05). Rows of 2-D input are points.

    ``statistic`` is the unbiased MMD^2 (it can be slightly negative when nothing changed);
    ``details`` holds ``sigma``. ``seed=None`` draws fresh permutations on every call.
    With the default 100 permutations the smallest possible p-value is 1/101.

    >>> rng = np.random.default_rng(0)
    >>> res = mmd(rng.normal(0, 1, (200, 3)), rng.normal(0.5, 1, (200, 3)))
    >>> res.p_value, res.drifted
    (0.009900990099009901, True)
    """
    return MMD(
        reference,
        current,
        threshold=threshold,
        inf_as_missing=inf_as_missing,
        n_permutations=n_permutations,
        seed=seed,
    )
