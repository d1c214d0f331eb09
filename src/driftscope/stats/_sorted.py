"""Shared work on already-sorted samples: merging two of them, runs of ties, linear quantiles.

Every function here takes sorted, finite float64 arrays and never sorts them again, so a column
sorted once by the engine serves every method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Merged:
    """Two sorted samples merged into one.

    ``values`` is the pooled sample in ascending order; ``n_reference_upto[j]`` is how many
    reference values are among ``values[: j + 1]`` (ties: reference values come first).
    """

    values: FloatArray
    n_reference_upto: IntArray
    n_reference: int
    n_current: int

    @property
    def n_current_upto(self) -> IntArray:
        """How many current values are among ``values[: j + 1]``."""
        return np.arange(1, self.values.size + 1) - self.n_reference_upto

    def run_ends(self) -> IntArray:
        """Positions that close a run of equal values (the last position always does).

        Evaluated there, ``n_reference_upto`` equals ``searchsorted(reference, v, 'right')``,
        the empirical CDF counts with ties included.
        """
        values = self.values
        ends = np.empty(values.size, dtype=bool)
        np.not_equal(values[1:], values[:-1], out=ends[:-1])
        ends[-1] = True
        return np.flatnonzero(ends)


def merge_sorted(reference: FloatArray, current: FloatArray) -> Merged:
    """Merge two sorted samples in linear time.

    >>> m = merge_sorted(np.array([1.0, 3.0]), np.array([1.0, 2.0]))
    >>> m.values.tolist(), m.n_reference_upto.tolist(), m.run_ends().tolist()
    ([1.0, 1.0, 2.0, 3.0], [1, 1, 1, 2], [1, 2, 3])
    """
    pooled = np.concatenate((reference, current))
    # A stable argsort is timsort: it finds the two presorted runs and merges them in one
    # O(n) pass (about as fast as one np.sort of one side, and faster than np.searchsorted of
    # one side into the other, which costs a branchy binary search per value).
    order = np.argsort(pooled, kind="stable")
    return Merged(
        values=pooled[order],
        n_reference_upto=np.cumsum(order < reference.size),
        n_reference=int(reference.size),
        n_current=int(current.size),
    )


def linear_quantiles(sorted_values: FloatArray, probabilities: FloatArray) -> FloatArray:
    """``np.quantile(x, probabilities)`` (method 'linear') read straight from a sorted array.

    Reproduces numpy's arithmetic step by step (virtual index ``(n - 1) * q``, and the
    interpolation taken from the right neighbour when the weight is >= 0.5), so the result is
    bit-for-bit numpy's without numpy's partition pass over the data.

    >>> x = np.array([1.0, 2.0, 4.0, 8.0])
    >>> linear_quantiles(x, np.array([0.25, 0.5, 0.9])).tolist()
    [1.75, 3.0, 6.800000000000001]
    """
    n = sorted_values.size
    virtual = (n - 1) * probabilities
    below = np.floor(virtual)
    gamma = virtual - below
    lower = below.astype(np.intp)
    upper = lower + 1
    at_end = virtual >= n - 1
    lower[at_end] = n - 1
    upper[at_end] = n - 1
    lower = np.maximum(lower, 0)
    upper = np.maximum(upper, 0)
    a = sorted_values[lower]
    b = sorted_values[upper]
    diff = b - a
    result = a + diff * gamma
    right = gamma >= 0.5
    result[right] = (b - diff * (1 - gamma))[right]
    return result
