"""Rows that are not independent: lag-1 autocorrelation and the effective sample size.

Every two-sample test assumes independent rows. Time-ordered data (sensor readings, daily
aggregates, an AR(1) process) violates that: neighbouring rows repeat each other, the sample
holds less information than its size says, and the p-values come out far too small (30 AR(1)
columns with phi 0.9, no change at all: drift in 97% of runs). The engine hands the values
over in time order (a timestamp column's, else the rows' own); a file sorted by value shows
autocorrelation too, which is one reason the correction is opt-in.

For an AR(1) process with lag-1 autocorrelation rho, the variance of a mean over n rows is
that of ``n (1 - rho) / (1 + rho)`` independent rows (the usual effective sample size); the
same factor is used for the sizes the KS and chi-square p-values are computed from.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

STRONG_AUTOCORRELATION = 0.3
"""Lag-1 autocorrelation from which a column is reported as ``autocorrelated``: the effective
sample size is then about half the row count or less (at 100 independent rows, chance alone
reaches 0.3 about once in a thousand)."""
MIN_ROWS = 100
"""Fewer finite values than this: no autocorrelation is measured (its chance spread, about
1/sqrt(n), would be too wide to call anything strong)."""

MAX_ROWS = 100_000
"""Only the first this many values (in time order) are used: the estimate's chance spread
there is about 0.003, and a million-row column costs no more than this many."""
_LARGEST_SCALED = 2.0**500
_SMALLEST_SCALED = 2.0**-500


def lag1_autocorrelation(values: npt.NDArray[np.float64]) -> float | None:
    """The lag-1 autocorrelation of ``values`` in their order (NaN and +/-inf left out; the
    first :data:`MAX_ROWS` values).

    ``sum((x_t - m)(x_{t+1} - m)) / sum((x_t - m)^2)``; None with fewer than
    :data:`MIN_ROWS` finite values or a constant sample.

    >>> rng = np.random.default_rng(0)
    >>> abs(lag1_autocorrelation(rng.normal(size=5_000))) < 0.05
    True
    >>> x = np.zeros(5_000)
    >>> for t in range(1, x.size):
    ...     x[t] = 0.9 * x[t - 1] + rng.normal()
    >>> round(lag1_autocorrelation(x), 2)
    0.91
    """
    window = values[:MAX_ROWS]
    finite = window[np.isfinite(window)]
    if finite.size < MIN_ROWS:
        return None
    largest = float(np.max(np.abs(finite)))
    if largest == 0.0:
        return None
    if not _SMALLEST_SCALED <= largest <= _LARGEST_SCALED:
        # divided by a power of two near the largest magnitude (exact): the ratio does not
        # change, and sums of values near the float limit stay finite
        finite = np.ldexp(finite, -math.frexp(largest)[1])
    centred = finite - finite.mean()
    # einsum, not np.dot: BLAS threads spin on a loaded machine (15 ms instead of 0.1 here)
    denominator = float(np.einsum("i,i->", centred, centred))
    if denominator <= 0.0:
        return None
    return float(np.einsum("i,i->", centred[1:], centred[:-1]) / denominator)


def lag1_agreement(codes: npt.NDArray[np.integer]) -> float | None:
    """The lag-1 autocorrelation of a categorical sequence: how much more often a row repeats
    the previous row's category than independent rows would, ``(a - e) / (1 - e)`` with ``a``
    the share of neighbouring pairs that agree and ``e = sum p_k^2`` their chance agreement
    (Cohen's kappa of each row with the next). For two categories it is the lag-1
    autocorrelation of the 0/1 indicator, and for a chain that keeps its category with
    probability ``rho`` and otherwise draws afresh it is ``rho``, so the same effective sample
    size applies.

    ``codes``: category codes in time order, negative for a missing value (pairs with one
    are left out); the first :data:`MAX_ROWS`. None with fewer than :data:`MIN_ROWS`
    present values or a single category.

    >>> rng = np.random.default_rng(0)
    >>> abs(lag1_agreement(rng.integers(0, 4, 5_000))) < 0.05
    True
    >>> x = rng.integers(0, 4, 5_000)
    >>> keep = rng.random(x.size) < 0.8
    >>> for t in range(1, x.size):
    ...     x[t] = x[t - 1] if keep[t] else x[t]
    >>> round(lag1_agreement(x), 1)
    0.8
    """
    window = np.asarray(codes[:MAX_ROWS], dtype=np.int64)
    present = window >= 0
    if np.count_nonzero(present) < MIN_ROWS:
        return None
    shares = np.bincount(window[present]) / np.count_nonzero(present)
    chance = float(np.einsum("i,i->", shares, shares))
    if chance >= 1.0:
        return None
    pairs = present[1:] & present[:-1]
    if not pairs.any():
        return None
    agree = float(np.count_nonzero(window[1:][pairs] == window[:-1][pairs]) / pairs.sum())
    return (agree - chance) / (1.0 - chance)


def effective_size(n: int, rho: float | None) -> int:
    """The effective number of independent rows of ``n`` rows with lag-1 autocorrelation
    ``rho``: ``n (1 - rho) / (1 + rho)``, at least 1; ``n`` when ``rho`` is None or not
    positive (negative autocorrelation is left alone rather than credited).

    >>> effective_size(5_000, 0.9), effective_size(5_000, None), effective_size(5_000, -0.2)
    (263, 5000, 5000)
    """
    if rho is None or rho <= 0.0 or n <= 1:
        return n
    rho = min(rho, 1.0)
    return max(1, min(n, round(n * (1.0 - rho) / (1.0 + rho))))


def size_factor(
    n_reference: int, n_current: int, n_eff_reference: int, n_eff_current: int
) -> float:
    """How much a statistic that grows with ``1 / (1/n_r + 1/n_c)`` (chi-square, the squared
    KS scaling) shrinks at the effective sizes: in (0, 1].

    >>> size_factor(1_000, 1_000, 500, 500)
    0.5
    """
    return (1.0 / n_reference + 1.0 / n_current) / (1.0 / n_eff_reference + 1.0 / n_eff_current)
