"""Maximum mean discrepancy between two sets of rows (SPEC section 2's ``mmd``), fast: an exact
permutation test up to :data:`EXACT_LIMIT` pooled rows and above it the same test on random
Fourier features, which says that it is one and how far its statistic may be from the exact.

H0: both sets of rows come from one distribution. The statistic is the unbiased MMD^2 with the
Gaussian kernel k(a, b) = exp(-|a - b|^2 / (2 sigma^2)), sigma the median Euclidean distance
between pooled rows (1 when that is 0); the p-value is (1 + #{permuted >= observed}) / (1 + P)
over P permutations of the pooled rows (``np.random.default_rng(seed)``).

- **Exact** (N = m + n <= EXACT_LIMIT). The kernel is computed once, block by block of rows,
  from BLAS products (|a|^2 + |b|^2 - 2 a.b on centred rows), and each block is multiplied by
  the N x (1 + P) matrix of group indicators: every permutation's MMD^2 comes out of one pass,
  in O(N^2 (d + P)) time and O(N (block + P)) memory. sigma is the exact median of the
  N (N - 1) / 2 distances (``np.partition``).
- **Approximate** (N > EXACT_LIMIT). Random Fourier features (Rahimi and Recht, 2007):
  z(x) = [cos(Wx), sin(Wx)] / sqrt(F), W with F rows drawn from N(0, I / sigma^2), make
  z(a).z(b) an unbiased estimate of k(a, b) with |z(x)| = 1, so each permutation's unbiased
  MMD^2 needs only the per-group sums of z: O(N F P) time, no N x N matrix. The permutation
  test is exact for that random kernel (its level is alpha); only the statistic estimates the
  Gaussian kernel's, and ``details["standard_error"]`` says by how much (the spread of the
  statistic over disjoint blocks of features). sigma is the median distance among
  :data:`SIGMA_ROWS` pooled rows drawn at random.

>>> rng = np.random.default_rng(0)
>>> same = mmd_test(rng.normal(0, 1, (300, 4)), rng.normal(0, 1, (300, 4)))
>>> shifted = mmd_test(rng.normal(0, 1, (300, 4)), rng.normal(0.4, 1, (300, 4)))
>>> (same.drifted, shifted.drifted, shifted.p_value, shifted.approximate)
(False, True, 0.009900990099009901, False)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from driftscope.errors import InputError, param_error
from driftscope.multivariate._result import MultivariateResult
from driftscope.multivariate._rows import rows_of
from driftscope.stats.mmd import (
    BLOCK_ELEMENTS,
    group_indicators,
    mmd2_columns,
    mmd2_from_sums,
    squared_distances,
)

FloatArray = NDArray[np.float64]

EXACT_LIMIT = 8_192
"""Pooled rows up to which the test is exact; past it, random Fourier features."""
N_FREQUENCIES = 2_048
"""Random frequencies of the approximation (each gives a cosine and a sine feature)."""
FREQUENCY_BLOCK = 256
"""Frequencies drawn and used at a time (memory: N x block x 3 floats)."""
SIGMA_ROWS = 4_000
"""Pooled rows whose pairwise distances give sigma past EXACT_LIMIT."""
N_PERMUTATIONS = 100


def mmd_test(
    reference: Any,
    current: Any,
    *,
    alpha: float = 0.05,
    n_permutations: int = N_PERMUTATIONS,
    seed: int | None = 0,
    exact_limit: int = EXACT_LIMIT,
    n_frequencies: int = N_FREQUENCIES,
) -> MultivariateResult:
    """MMD permutation test between the rows of ``reference`` and ``current`` (2-D arrays of
    finite numbers, one row per point, the same columns); drift when p < ``alpha``.

    Exact up to ``exact_limit`` pooled rows, else on ``n_frequencies`` random Fourier
    frequencies (``approximate`` True, ``details["standard_error"]`` the statistic's).
    ``details`` also holds ``sigma``, ``n_permutations`` and ``seed``.
    """
    _check_params(alpha, n_permutations, exact_limit, n_frequencies)
    ref = rows_of(reference, "reference", "mmd", least=2, missing=False)
    cur = rows_of(current, "current", "mmd", least=2, missing=False)
    if ref.shape[1] != cur.shape[1]:
        raise InputError(
            f"mmd: the reference rows have {ref.shape[1]} columns and the current rows "
            f"{cur.shape[1]}; both need the same"
        )
    points = np.concatenate((ref, cur))
    points -= points.mean(axis=0)  # distances do not change; BLAS's a.b cancels less
    peak = float(np.abs(points).max(initial=0.0))
    scale = 1.0 if peak < 2.0**500 else math.ldexp(1.0, math.frexp(peak)[1])
    if scale != 1.0:  # squares would overflow: exact power-of-two rescaling
        points /= scale
    m, n = ref.shape[0], cur.shape[0]
    indicators = group_indicators(m, n, n_permutations, seed)
    details: dict[str, Any] = {"kernel": "gaussian", "dimension": int(points.shape[1])}
    if m + n <= exact_limit:
        sigma = _median_distance(points) or 1.0 / scale
        values = mmd2_columns(points, indicators, sigma)
    else:
        rng = np.random.default_rng(None if seed is None else seed + 1)
        rows = rng.choice(m + n, size=min(SIGMA_ROWS, m + n), replace=False)
        sigma = _median_distance(points[np.sort(rows)]) or 1.0 / scale
        values, blocks = _fourier_mmd2(points, indicators, sigma, n_frequencies, rng)
        details |= {
            "n_frequencies": n_frequencies,
            "standard_error": float(blocks.std(ddof=1) / math.sqrt(blocks.size)),
            "sigma_rows": int(rows.size),
        }
    observed = float(values[0])
    p_value = (1 + int(np.count_nonzero(values[1:] >= observed))) / (1 + n_permutations)
    details |= {"sigma": sigma * scale, "n_permutations": n_permutations, "seed": seed}
    return MultivariateResult(
        method="mmd",
        statistic=observed,
        p_value=p_value,
        threshold=alpha,
        higher_is_drift=False,
        drifted=p_value < alpha,
        n_reference=m,
        n_current=n,
        approximate=m + n > exact_limit,
        details=details,
    )


def _check_params(alpha: float, n_permutations: int, exact_limit: int, n_frequencies: int) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise param_error("mmd", "alpha", "a number in (0, 1)", alpha)
    for name, value, least in (
        ("n_permutations", n_permutations, 1),
        ("exact_limit", exact_limit, 4),
        ("n_frequencies", n_frequencies, 2),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise param_error("mmd", name, f"an integer >= {least}", value)


def _median_distance(points: FloatArray) -> float:
    """The median of the N (N - 1) / 2 distances between rows (as ``np.median`` of
    ``scipy.spatial.distance.pdist``), from their squares gathered block by block."""
    count = points.shape[0]
    pairs = count * (count - 1) // 2
    squares = np.empty(pairs)
    norms = (points * points).sum(axis=1)
    rows = max(1, BLOCK_ELEMENTS // count)
    at = 0
    for start in range(0, count - 1, rows):
        block = squared_distances(points[start : start + rows], points, norms)
        for offset, row in enumerate(block):  # the pairs (i, j > i) of each row
            later = row[start + offset + 1 :]
            squares[at : at + later.size] = later
            at += later.size
    middle = pairs // 2
    if pairs % 2:
        squares.partition(middle)  # in place: no second copy of the pairs
        return math.sqrt(float(squares[middle]))
    squares.partition((middle - 1, middle))
    return (math.sqrt(float(squares[middle - 1])) + math.sqrt(float(squares[middle]))) / 2.0


def _fourier_mmd2(
    points: FloatArray,
    indicators: FloatArray,
    sigma: float,
    n_frequencies: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """MMD^2 of every split under the random-feature kernel, and the observed split's value
    under each block of frequencies alone (their spread gives the standard error)."""
    count, dimension = points.shape
    m = float(indicators[:, 0].sum())
    n = count - m
    quad = np.zeros(indicators.shape[1])
    cross = np.zeros(indicators.shape[1])
    total = 0.0
    blocks: list[float] = []
    for start in range(0, n_frequencies, FREQUENCY_BLOCK):
        size = min(FREQUENCY_BLOCK, n_frequencies - start)
        phases = points @ rng.normal(0.0, 1.0 / sigma, (dimension, size))
        block_quad = np.zeros(indicators.shape[1])
        block_cross = np.zeros(indicators.shape[1])
        block_total = 0.0
        for part in (np.cos(phases), np.sin(phases)):
            sums = part.T @ indicators  # the reference-side sums of each split
            whole = part.sum(axis=0)
            block_quad += (sums * sums).sum(axis=0)
            block_cross += whole @ sums
            block_total += float(whole @ whole)
        # the kernel's estimate is the mean over frequencies: k(a, a) = 1 on the diagonal
        alone = mmd2_from_sums(
            block_quad[:1] / size, block_cross[:1] / size, block_total / size, m, n
        )
        blocks.append(float(alone[0]))
        quad += block_quad
        cross += block_cross
        total += block_total
    share = 1.0 / n_frequencies
    values = mmd2_from_sums(quad * share, cross * share, total * share, m, n)
    return values, np.array(blocks)
