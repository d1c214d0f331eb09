"""Exact median of all pairwise Euclidean distances, in bounded memory.

``np.median(scipy.spatial.distance.pdist(points))`` needs all N (N - 1) / 2 distances in
memory at once; here the same number comes from selection instead:

- 1-D: on the sorted sample, the number of pairs i < j with x_j - x_i <= d is found for every
  i at once by a vectorised binary search (the rows are monotone), and a bisection over the
  bit patterns of non-negative doubles finds the smallest d whose count reaches the rank.
  O(N log N) per count, at most 64 counts, O(N) memory.
- n-D: radix selection on the bit patterns of the distances, 16 bits per pass over the pairs
  (computed block by block, never all at once): each pass narrows the candidates to one
  bucket, and once a bucket is small its distances are collected and selected directly.

Both are exact: they return one of the computed distances (the mean of two, for an even
number of pairs, as np.median does).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

BLOCK_ELEMENTS = 1 << 22  # distances computed per block (32 MB of float64)
COLLECT_LIMIT = 1 << 22  # a bucket this small is gathered and selected with np.partition
DIGIT_BITS = 16


def _median_of_ranks(select: dict[int, float], n_pairs: int) -> float:
    middle = n_pairs // 2
    if n_pairs % 2:
        return select[middle]
    # np.median averages the two middle values this way (sum, then divide).
    return (select[middle - 1] + select[middle]) / 2.0


def _bits_to_float(bits: int) -> float:
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])


def _float_to_bits(value: float) -> int:
    return int(np.array([value], dtype=np.float64).view(np.uint64)[0])


def _count_at_most_1d(x: FloatArray, d: float) -> int:
    """Pairs i < j of the sorted x with x[j] - x[i] <= d (differences rounded as computed)."""
    n = x.size
    rows = np.arange(n)
    # For row i, find the first j > i with x[j] - x[i] > d; x[j] - x[i] grows with j.
    lo = rows + 1
    hi = np.full(n, n)
    while True:
        open_rows = np.flatnonzero(lo < hi)
        if open_rows.size == 0:
            break
        mid = (lo[open_rows] + hi[open_rows]) // 2
        within = (x[mid] - x[open_rows]) <= d
        lo[open_rows[within]] = mid[within] + 1
        hi[open_rows[~within]] = mid[~within]
    return int((lo - rows - 1).sum())


def median_pairwise_distance_1d(x: FloatArray) -> float:
    """Exact median of |x_i - x_j| over pairs i < j of a sorted 1-D sample (>= 2 values).

    >>> median_pairwise_distance_1d(np.array([0.0, 1.0, 3.0]))
    2.0
    """
    n = x.size
    n_pairs = n * (n - 1) // 2
    middle = n_pairs // 2
    ranks = [middle] if n_pairs % 2 else [middle - 1, middle]
    found: dict[int, float] = {}
    low = 0  # bit patterns of non-negative doubles sort like the doubles themselves
    for rank in ranks:
        high = _float_to_bits(float(x[-1] - x[0]))
        while low < high:
            mid = (low + high) // 2
            if _count_at_most_1d(x, _bits_to_float(mid)) >= rank + 1:
                high = mid
            else:
                low = mid + 1
        found[rank] = _bits_to_float(low)
    return _median_of_ranks(found, n_pairs)


def _distance_blocks(points: FloatArray, block_elements: int) -> Iterator[FloatArray]:
    """Distances of all pairs i < j, as a sequence of 1-D blocks."""
    n = points.shape[0]
    rows_per_block = max(1, block_elements // n)
    for start in range(0, n - 1, rows_per_block):
        stop = min(start + rows_per_block, n - 1)
        block = points[start:stop]
        others = points[start + 1 :]
        squared = np.zeros((stop - start, others.shape[0]))
        for k in range(points.shape[1]):  # coordinate by coordinate, as pdist sums them
            diff = block[:, k, None] - others[None, :, k]
            squared += diff * diff
        # Row i of the block pairs with columns j > i only.
        upper = np.arange(others.shape[0])[None, :] >= np.arange(stop - start)[:, None]
        yield np.sqrt(squared[upper])


class _RadixSelect:
    """Find the value of one rank among the pair distances, 16 bits per pass."""

    def __init__(self, rank: int, collect_limit: int) -> None:
        self.collect_limit = collect_limit
        self.target = rank  # rank among all the distances
        self.rank = rank  # rank among the distances sharing `prefix` in their top bits
        self.prefix = 0
        self.shift = 64  # bits below the known prefix
        self.collecting = False
        self.histogram = np.zeros(1 << DIGIT_BITS, dtype=np.int64)
        self.collected: list[FloatArray] = []
        self.value: float | None = None

    def _matching(self, bits: NDArray[np.uint64]) -> NDArray[np.bool_]:
        if self.shift == 64:
            return np.ones(bits.shape, dtype=bool)
        matching: NDArray[np.bool_] = (bits >> np.uint64(self.shift)) == np.uint64(self.prefix)
        return matching

    def observe(self, block: FloatArray) -> None:
        bits = block.view(np.uint64)
        match = self._matching(bits)
        if self.collecting:
            self.collected.append(block[match])
            return
        next_shift = self.shift - DIGIT_BITS
        digits = (bits[match] >> np.uint64(next_shift)) & np.uint64((1 << DIGIT_BITS) - 1)
        self.histogram += np.bincount(digits.astype(np.intp), minlength=1 << DIGIT_BITS)

    def finish_pass(self) -> None:
        if self.collecting:
            values = np.concatenate(self.collected)
            self.value = float(np.partition(values, self.rank)[self.rank])
            return
        cumulative = np.cumsum(self.histogram)
        digit = int(np.searchsorted(cumulative, self.rank, side="right"))
        before = int(cumulative[digit - 1]) if digit else 0
        self.rank -= before
        self.shift -= DIGIT_BITS
        self.prefix = (self.prefix << DIGIT_BITS) | digit
        in_bucket = int(self.histogram[digit])
        self.histogram[:] = 0
        if self.shift == 0:  # every bit known: the bucket holds copies of one value
            self.value = _bits_to_float(self.prefix)
        elif in_bucket <= self.collect_limit:
            self.collecting = True


def median_pairwise_distance(
    points: FloatArray,
    *,
    block_elements: int = BLOCK_ELEMENTS,
    collect_limit: int = COLLECT_LIMIT,
) -> float:
    """Exact median of the Euclidean distances over pairs i < j of the rows (>= 2 rows).

    ``block_elements`` bounds the distances held at once, ``collect_limit`` the size of a
    bucket gathered for the final selection; neither changes the result.

    >>> median_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
    4.242640687119285
    """
    if points.ndim == 1:
        return median_pairwise_distance_1d(points)
    if points.shape[1] == 1:
        # Sorting copies; the 1-D path then needs no pass over the pairs at all.
        return median_pairwise_distance_1d(np.sort(points[:, 0]))
    n = points.shape[0]
    n_pairs = n * (n - 1) // 2
    middle = n_pairs // 2
    ranks = [middle] if n_pairs % 2 else [middle - 1, middle]
    selectors = [_RadixSelect(rank, collect_limit) for rank in ranks]
    found: dict[int, float] = {}
    while len(found) < len(selectors):
        active = [s for s in selectors if s.value is None]
        for block in _distance_blocks(points, block_elements):
            for selector in active:
                selector.observe(block)
        for selector in active:
            selector.finish_pass()
            if selector.value is not None:
                found[selector.target] = selector.value
    return _median_of_ranks(found, n_pairs)
